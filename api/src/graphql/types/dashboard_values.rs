//! The small objects the dashboards are made of: metric cards, strengths, areas to address,
//! chart entries, lifecycle cards and visibility states.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, Object, SimpleObject};
use partnergraph_domain::intelligence::{self as domain, LifecycleGroup};
use partnergraph_persistence::dashboards::{LowDimension, StrengthSummary};
use uuid::Uuid;

use crate::dashboards::{MoneyBar, Visibility};
use crate::error::ApiResult;
use crate::graphql::loaders::{Loaders, PartnerKey};
use crate::graphql::scalars::Money;
use crate::graphql::types::dashboard_enums::*;
use crate::graphql::types::partner::Partner;
use crate::graphql::types::partner_enums::{PartnerStageValue, PartnerStatusValue};

fn int(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// One metric card of the executive dashboard.
#[derive(Debug, Clone, SimpleObject)]
pub struct MetricCard {
    /// Which metric.
    pub key: MetricKeyValue,
    /// Short label, e.g. "Win rate".
    pub label: String,
    /// The value as shown: `"1,234"`, `"USD 1,234,568"` (money in whole units), `"72.5%"`,
    /// `"63.4"`, or `"—"` when there is nothing to compute (no target, no closed deal, no
    /// scored partner).
    pub value: String,
    /// The number behind `value`: a count, money in major units (approximate; see
    /// `amount`), a percentage or an average score, to one decimal place. Null when there is
    /// nothing to compute.
    pub number: Option<f64>,
    /// The exact amount, for money metrics (null otherwise).
    pub amount: Option<Money>,
    /// What `number` is.
    pub unit: MetricUnitValue,
    /// One sentence on what the metric counts.
    pub description: String,
    /// How the card is drawn.
    pub tone: ToneValue,
    /// Whether you show this card (your metric visibility; hidden cards are still returned).
    pub visible: bool,
}

impl MetricCard {
    /// The card as the viewer sees it.
    pub fn new(card: domain::MetricCard, visibility: &Visibility) -> Self {
        MetricCard {
            key: card.key.into(),
            label: card.label.to_owned(),
            value: card.value,
            number: card.number,
            amount: card.amount.map(Money),
            unit: card.unit.into(),
            description: card.description.to_owned(),
            tone: card.tone.into(),
            visible: visibility.metric(card.key),
        }
    }
}

/// A strength common across partners, from their AI analysis.
#[derive(Debug, Clone, SimpleObject)]
pub struct AiStrength {
    /// The strength as one of the partners' analyses words it (labels are grouped ignoring
    /// case and surrounding spaces).
    pub label: String,
    /// One of the partners' descriptions of it (null when none has one).
    pub description: Option<String>,
    /// Partners with this strength.
    pub partner_count: i32,
    /// The mean of its scores (0–100, one decimal place); null when none is scored.
    pub average_score: Option<f64>,
}

impl From<StrengthSummary> for AiStrength {
    fn from(s: StrengthSummary) -> Self {
        AiStrength {
            label: s.label,
            description: s.description,
            partner_count: int(s.partners),
            average_score: domain::average(s.score_sum, s.scored),
        }
    }
}

/// A 4C dimension in which partners score low.
#[derive(Debug, Clone)]
pub struct AreaToAddress {
    org_id: Uuid,
    area: LowDimension,
}

impl AreaToAddress {
    /// An area of the organisation `org_id`.
    pub fn new(org_id: Uuid, area: LowDimension) -> Self {
        AreaToAddress { org_id, area }
    }
}

/// A 4C dimension in which partners score below the threshold (`lowScoreThreshold`, 50):
/// candidates for enablement or relationship investment.
#[Object]
impl AreaToAddress {
    /// The dimension.
    async fn dimension(&self) -> FourCDimensionValue {
        self.area.dimension.into()
    }

    /// The dimension's name, e.g. "Customer alignment".
    async fn label(&self) -> &'static str {
        self.area.dimension.label()
    }

    /// Partners scoring below the threshold in this dimension.
    async fn partner_count(&self) -> i32 {
        int(self.area.partners)
    }

    /// Their mean score in this dimension (one decimal place).
    async fn average_score(&self) -> f64 {
        domain::average(self.area.score_sum, self.area.partners).unwrap_or(0.0)
    }

    /// The lowest scoring of them (at most 5), lowest first (ties by name).
    async fn partners(&self, ctx: &Context<'_>) -> ApiResult<Vec<Partner>> {
        let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
        let keys: Vec<PartnerKey> = self
            .area
            .lowest
            .iter()
            .map(|partner_id| PartnerKey {
                org_id: self.org_id,
                partner_id: *partner_id,
            })
            .collect();
        let mut found = loader.load_many(keys.iter().copied()).await?;
        // in rank order; a partner deleted since the ranking is left out
        Ok(keys
            .iter()
            .filter_map(|key| found.remove(key))
            .map(|core| Partner::with_relations(core, Vec::new(), None))
            .collect())
    }
}

/// One bar of a money chart.
#[derive(Debug, Clone, SimpleObject)]
pub struct MoneyChartEntry {
    /// Stable key: a stage (`LEGAL_NEGOTIATION`) or an industry as written ("Unspecified" for
    /// partners without one).
    pub key: String,
    /// For people: "Legal negotiation", or the industry.
    pub label: String,
    /// The amount, in the organisation's deal currency.
    pub value: Money,
    /// Partners in the group.
    pub partner_count: i32,
}

impl From<MoneyBar> for MoneyChartEntry {
    fn from(bar: MoneyBar) -> Self {
        MoneyChartEntry {
            key: bar.key,
            label: bar.label,
            value: Money(bar.value),
            partner_count: int(bar.partners),
        }
    }
}

/// One bar of a coverage chart: how many partners have a value.
#[derive(Debug, Clone, SimpleObject)]
pub struct CoverageEntry {
    /// The region, subtype, industry, service or product as written ("Unspecified" for
    /// partners without one).
    pub key: String,
    /// Partners with it.
    pub value: i32,
}

impl From<(String, i64)> for CoverageEntry {
    fn from((key, value): (String, i64)) -> Self {
        CoverageEntry {
            key,
            value: int(value),
        }
    }
}

/// Whether you show a tile.
#[derive(Debug, Clone, SimpleObject)]
pub struct DashboardTileVisibility {
    /// The tile.
    pub key: DashboardTileValue,
    /// Shown (true) or hidden by you (false).
    pub visible: bool,
}

/// Whether you show a metric card.
#[derive(Debug, Clone, SimpleObject)]
pub struct MetricVisibility {
    /// The metric.
    pub key: MetricKeyValue,
    /// Shown (true) or hidden by you (false).
    pub visible: bool,
}

/// The tiles of a dashboard with whether you show them, in display order.
pub fn tile_states(visibility: &Visibility) -> Vec<DashboardTileVisibility> {
    visibility
        .tiles()
        .into_iter()
        .map(|(tile, visible)| DashboardTileVisibility {
            key: tile.into(),
            visible,
        })
        .collect()
}

/// Your visibility choices on one dashboard.
#[derive(Debug, Clone, SimpleObject)]
pub struct DashboardVisibility {
    /// The dashboard.
    pub dashboard: DashboardValue,
    /// Its tiles, in display order.
    pub tiles: Vec<DashboardTileVisibility>,
    /// Its metric cards, in display order (the executive dashboard's; empty for the lifecycle
    /// view).
    pub metrics: Vec<MetricVisibility>,
}

impl From<&Visibility> for DashboardVisibility {
    fn from(visibility: &Visibility) -> Self {
        DashboardVisibility {
            dashboard: visibility.dashboard.into(),
            tiles: tile_states(visibility),
            metrics: visibility
                .metrics()
                .into_iter()
                .map(|(metric, visible)| MetricVisibility {
                    key: metric.into(),
                    visible,
                })
                .collect(),
        }
    }
}

/// A summary card of the partner lifecycle view.
#[derive(Debug, Clone, SimpleObject)]
pub struct LifecycleSummaryCard {
    /// Stable key: `STAGE_<stage>` or `STATUS_<status>`, e.g. `STAGE_ONBOARDING`.
    pub key: String,
    /// Whether it counts a stage or a status.
    pub kind: LifecycleCardKind,
    /// The stage counted (null for a status card).
    pub stage: Option<PartnerStageValue>,
    /// The status counted (null for a stage card).
    pub status: Option<PartnerStatusValue>,
    /// For people: "Legal negotiation", "Active status".
    pub label: String,
    /// Partners in the group.
    pub count: i32,
    /// Their share of all partners (`totalPartners`) in percent, rounded half up to one
    /// decimal place; 0 when there are no partners.
    pub percentage: f64,
}

impl From<domain::LifecycleCard> for LifecycleSummaryCard {
    fn from(card: domain::LifecycleCard) -> Self {
        let (kind, stage, status) = match card.group {
            LifecycleGroup::Stage(stage) => (LifecycleCardKind::Stage, Some(stage.into()), None),
            LifecycleGroup::Status(status) => {
                (LifecycleCardKind::Status, None, Some(status.into()))
            }
        };
        LifecycleSummaryCard {
            key: card.group.key(),
            kind,
            stage,
            status,
            label: card.group.label(),
            count: int(card.count),
            percentage: card.percentage,
        }
    }
}
