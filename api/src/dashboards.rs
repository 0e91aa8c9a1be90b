//! Intelligence: the executive dashboard, the partner lifecycle view, and each person's tile
//! and metric visibility.
//!
//! Opening a dashboard checks the role and the filter and reads the viewer's visibility
//! choices; each tile is then one aggregate statement, run when (and only when) the tile is
//! asked for (`crate::graphql::types::executive_dashboard`). Hidden tiles and metrics are
//! still computed and returned, marked `visible: false`: clients decide what to draw.
//! Preferences belong to people; API keys read every item as visible and cannot keep any.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use partnergraph_domain::intelligence::lifecycle::stage_label;
use partnergraph_domain::intelligence::{
    Dashboard, DashboardTile, FourCDimension, MetricCard, MetricKey, PARTNERS_PER_AREA,
    TOP_STRENGTHS, UNSPECIFIED, can_read_dashboard, metric_cards, quarter_start,
};
use partnergraph_domain::partners::{ListField, PartnerStage};
use partnergraph_domain::{Currency, Money};
use partnergraph_persistence::Conn;
use partnergraph_persistence::dashboard_preferences::{self, ItemKind, Preference};
use partnergraph_persistence::dashboards::{self, IndustryTotals, LowDimension, Scope};
use partnergraph_persistence::types::now;
use uuid::Uuid;

use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;

/// Which tiles and metric cards of a dashboard a person shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    /// The dashboard.
    pub dashboard: Dashboard,
    hidden_tiles: HashSet<DashboardTile>,
    hidden_metrics: HashSet<MetricKey>,
}

impl Visibility {
    /// Everything shown (API keys, and people who never hid anything).
    pub fn all_shown(dashboard: Dashboard) -> Self {
        Visibility {
            dashboard,
            hidden_tiles: HashSet::new(),
            hidden_metrics: HashSet::new(),
        }
    }

    /// From stored choices; choices about items the API no longer has are ignored.
    fn from_preferences(dashboard: Dashboard, preferences: &[Preference]) -> Self {
        let mut visibility = Visibility::all_shown(dashboard);
        for preference in preferences.iter().filter(|p| !p.visible) {
            match preference.kind {
                ItemKind::Tile => {
                    if let Some(tile) = DashboardTile::parse(&preference.item)
                        .filter(|tile| tile.dashboard() == dashboard)
                    {
                        visibility.hidden_tiles.insert(tile);
                    }
                }
                ItemKind::Metric => {
                    if let Some(metric) = MetricKey::parse(&preference.item)
                        .filter(|_| dashboard == Dashboard::Executive)
                    {
                        visibility.hidden_metrics.insert(metric);
                    }
                }
            }
        }
        visibility
    }

    /// Whether `tile` is shown.
    pub fn tile(&self, tile: DashboardTile) -> bool {
        !self.hidden_tiles.contains(&tile)
    }

    /// Whether `metric` is shown.
    pub fn metric(&self, metric: MetricKey) -> bool {
        !self.hidden_metrics.contains(&metric)
    }

    /// Every tile of the dashboard, in display order, with whether it is shown.
    pub fn tiles(&self) -> Vec<(DashboardTile, bool)> {
        self.dashboard
            .tiles()
            .into_iter()
            .map(|tile| (tile, self.tile(tile)))
            .collect()
    }

    /// Every metric card of the dashboard, in display order, with whether it is shown.
    pub fn metrics(&self) -> Vec<(MetricKey, bool)> {
        self.dashboard
            .metrics()
            .into_iter()
            .map(|metric| (metric, self.metric(metric)))
            .collect()
    }
}

/// The viewer's choices on `dashboard` (one statement for people, none for API keys).
async fn visibility(
    conn: &mut Conn,
    member: &Member,
    dashboard: Dashboard,
) -> ApiResult<Visibility> {
    let Some(user) = member.user_id() else {
        return Ok(Visibility::all_shown(dashboard));
    };
    let preferences =
        dashboard_preferences::of_user(conn, member.org_id, user, dashboard.as_str()).await?;
    Ok(Visibility::from_preferences(dashboard, &preferences))
}

/// An executive dashboard opened for a viewer: the partners in scope, the organisation's
/// currency and the viewer's visibility choices.
#[derive(Debug, Clone)]
pub struct Executive {
    /// The partners the tiles aggregate.
    pub scope: Scope,
    /// The organisation's deal currency.
    pub currency: Currency,
    /// The viewer's choices.
    pub visibility: Visibility,
    /// When the dashboard was opened (the quarter of "added this quarter" is this one's).
    pub generated_at: DateTime<Utc>,
}

/// Opens the executive dashboard (two statements: the filter and currency, the viewer's
/// choices). Every internal role reads it; partner-role users get NOT_FOUND. The filter
/// narrows to a segment's partners and then to a tier's holders; a segment or tier the
/// organisation does not have is NOT_FOUND, and a tier outside the given segment is
/// BAD_USER_INPUT naming `filter.tierId`.
pub async fn executive(
    services: &Services,
    member: &Member,
    segment_id: Option<Uuid>,
    tier_id: Option<Uuid>,
) -> ApiResult<Executive> {
    can_read_dashboard(member.role, Dashboard::Executive)?;
    let mut conn = services.db.conn().await?;
    let context = dashboards::context(&mut conn, member.org_id, segment_id, tier_id)
        .await?
        .ok_or(ApiError::NotFound("organization"))?;
    if segment_id.is_some() && !context.segment_exists {
        return Err(ApiError::NotFound("segment"));
    }
    if tier_id.is_some() {
        match (context.tier_segment, segment_id) {
            (None, _) => return Err(ApiError::NotFound("tier")),
            (Some(of_tier), Some(segment)) if of_tier != segment => {
                return Err(ApiError::bad_input(
                    "filter.tierId",
                    "the tier is not in the segment `filter.segmentId` names; choose one of that segment's tiers",
                ));
            }
            _ => {}
        }
    }
    let visibility = visibility(&mut conn, member, Dashboard::Executive).await?;
    Ok(Executive {
        scope: Scope {
            org_id: member.org_id,
            segment_id,
            tier_id,
        },
        currency: context.currency,
        visibility,
        generated_at: now(),
    })
}

/// A partner lifecycle view opened for a viewer.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    /// The organisation's non-archived partners.
    pub scope: Scope,
    /// The viewer's choices.
    pub visibility: Visibility,
    /// When it was opened.
    pub generated_at: DateTime<Utc>,
}

/// Opens the partner lifecycle view (one statement: the viewer's choices). Owners, admins
/// and partner managers read it; members and viewers get FORBIDDEN, partner-role users
/// NOT_FOUND.
pub async fn lifecycle(services: &Services, member: &Member) -> ApiResult<Lifecycle> {
    can_read_dashboard(member.role, Dashboard::Lifecycle)?;
    let mut conn = services.db.conn().await?;
    Ok(Lifecycle {
        scope: Scope::organization(member.org_id),
        visibility: visibility(&mut conn, member, Dashboard::Lifecycle).await?,
        generated_at: now(),
    })
}

/// The metric cards (one statement).
pub async fn metrics(services: &Services, executive: &Executive) -> ApiResult<Vec<MetricCard>> {
    let mut conn = services.db.conn().await?;
    let figures = dashboards::figures(
        &mut conn,
        &executive.scope,
        executive.currency,
        quarter_start(executive.generated_at),
    )
    .await?;
    Ok(metric_cards(&figures))
}

/// The most common strengths (one statement).
pub async fn strengths(
    services: &Services,
    scope: &Scope,
) -> ApiResult<Vec<dashboards::StrengthSummary>> {
    let mut conn = services.db.conn().await?;
    Ok(dashboards::common_strengths(&mut conn, scope, TOP_STRENGTHS).await?)
}

/// The 4C dimensions where partners score low, lowest average first (then more partners,
/// then the 4C order), each with its lowest partners (one statement).
pub async fn areas(services: &Services, scope: &Scope) -> ApiResult<Vec<LowDimension>> {
    let mut conn = services.db.conn().await?;
    let mut areas = dashboards::low_dimensions(&mut conn, scope, PARTNERS_PER_AREA).await?;
    let position = |d: FourCDimension| FourCDimension::ALL.iter().position(|x| *x == d);
    areas.sort_by(|a, b| {
        // a.sum / a.n against b.sum / b.n, exactly
        let lower = (i128::from(a.score_sum) * i128::from(b.partners))
            .cmp(&(i128::from(b.score_sum) * i128::from(a.partners)));
        lower
            .then(b.partners.cmp(&a.partners))
            .then(position(a.dimension).cmp(&position(b.dimension)))
    });
    Ok(areas)
}

/// One bar of a chart of money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyBar {
    /// Stable key: the stage (`LEGAL_NEGOTIATION`) or the industry as written.
    pub key: String,
    /// For people.
    pub label: String,
    /// The amount.
    pub value: Money,
    /// Partners in the group.
    pub partners: i64,
}

/// Open pipeline per lifecycle stage: every stage in lifecycle order, zero where no partner
/// in scope is at it (one statement).
pub async fn pipeline_by_stage(
    services: &Services,
    executive: &Executive,
) -> ApiResult<Vec<MoneyBar>> {
    let mut conn = services.db.conn().await?;
    let rows =
        dashboards::pipeline_by_stage(&mut conn, &executive.scope, executive.currency).await?;
    Ok(PartnerStage::ALL
        .into_iter()
        .map(|stage| {
            let (value, partners) = rows
                .iter()
                .find(|(s, _, _)| *s == stage)
                .map_or((Money::zero(executive.currency), 0), |(_, v, n)| (*v, *n));
            MoneyBar {
                key: stage.as_str().to_uppercase(),
                label: stage_label(stage).to_owned(),
                value,
                partners,
            }
        })
        .collect())
}

/// Pipeline, revenue and partners per industry (one statement, shared by the two charts).
pub async fn by_industry(
    services: &Services,
    executive: &Executive,
) -> ApiResult<Vec<IndustryTotals>> {
    let mut conn = services.db.conn().await?;
    Ok(dashboards::by_industry(&mut conn, &executive.scope, executive.currency).await?)
}

/// A chart of industries by `amount`: every industry of the partners in scope (partners
/// without one under "Unspecified"), largest first, then by name.
pub fn industry_bars(
    totals: &[IndustryTotals],
    currency: Currency,
    amount: impl Fn(&IndustryTotals) -> Money,
) -> Vec<MoneyBar> {
    let mut merged: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for row in totals {
        let key = row
            .industry
            .clone()
            .unwrap_or_else(|| UNSPECIFIED.to_owned());
        let entry = merged.entry(key).or_default();
        entry.0 = entry.0.saturating_add(amount(row).minor());
        entry.1 += row.partners;
    }
    let mut bars: Vec<MoneyBar> = merged
        .into_iter()
        .map(|(key, (minor, partners))| MoneyBar {
            label: key.clone(),
            key,
            value: Money::new(minor, currency),
            partners,
        })
        .collect();
    bars.sort_by(|a, b| {
        b.value
            .minor()
            .cmp(&a.value.minor())
            .then_with(|| a.key.cmp(&b.key))
    });
    bars
}

/// Partners per value of a coverage tile of the lifecycle view (one statement): largest
/// first, then by name; partners without a value count under "Unspecified".
pub async fn coverage(
    services: &Services,
    scope: &Scope,
    tile: DashboardTile,
) -> ApiResult<Vec<(String, i64)>> {
    let mut conn = services.db.conn().await?;
    let rows = match tile {
        DashboardTile::CoverageByRegion => {
            dashboards::coverage_by_list(&mut conn, scope.org_id, &[ListField::Regions]).await?
        }
        DashboardTile::CoverageByProductOffering => {
            dashboards::coverage_by_list(
                &mut conn,
                scope.org_id,
                &[ListField::Services, ListField::Products],
            )
            .await?
        }
        DashboardTile::CoverageBySubtype => {
            dashboards::coverage_by_subtype(&mut conn, scope).await?
        }
        DashboardTile::CoverageByVertical => {
            dashboards::coverage_by_industry(&mut conn, scope).await?
        }
        other => {
            return Err(ApiError::internal(format!(
                "{other} is not a coverage tile"
            )));
        }
    };
    Ok(counted(rows))
}

/// Merges `None` into "Unspecified" and sorts largest first, then by key.
fn counted(rows: Vec<(Option<String>, i64)>) -> Vec<(String, i64)> {
    let mut merged: BTreeMap<String, i64> = BTreeMap::new();
    for (key, count) in rows {
        *merged
            .entry(key.unwrap_or_else(|| UNSPECIFIED.to_owned()))
            .or_default() += count;
    }
    let mut entries: Vec<(String, i64)> = merged.into_iter().collect();
    entries.sort_by(|a, b| match b.1.cmp(&a.1) {
        Ordering::Equal => a.0.cmp(&b.0),
        other => other,
    });
    entries
}

/// The person whose preferences these are: FORBIDDEN for API keys.
fn keeper(member: &Member) -> ApiResult<Uuid> {
    member.user_id().ok_or_else(|| {
        ApiError::Forbidden(
            "dashboard preferences belong to people; an API key reads every tile and metric as visible"
                .to_owned(),
        )
    })
}

/// Shows or hides one of the viewer's tiles of `dashboard` and returns the dashboard's
/// visibility as it is now (three statements). A tile of the other dashboard is
/// BAD_USER_INPUT naming `input.tile`.
pub async fn set_tile_visibility(
    services: &Services,
    member: &Member,
    dashboard: Dashboard,
    tile: DashboardTile,
    visible: bool,
) -> ApiResult<Visibility> {
    can_read_dashboard(member.role, dashboard)?;
    if tile.dashboard() != dashboard {
        return Err(ApiError::bad_input(
            "input.tile",
            format!(
                "the tile {} is on the {} dashboard, not the {} dashboard",
                tile.as_str().to_uppercase(),
                tile.dashboard().as_str().to_uppercase(),
                dashboard.as_str().to_uppercase()
            ),
        ));
    }
    set(
        services,
        member,
        dashboard,
        Preference {
            kind: ItemKind::Tile,
            item: tile.as_str().to_owned(),
            visible,
        },
    )
    .await
}

/// Shows or hides one of the viewer's metric cards of the executive dashboard and returns
/// its visibility as it is now.
pub async fn set_metric_visibility(
    services: &Services,
    member: &Member,
    metric: MetricKey,
    visible: bool,
) -> ApiResult<Visibility> {
    can_read_dashboard(member.role, Dashboard::Executive)?;
    set(
        services,
        member,
        Dashboard::Executive,
        Preference {
            kind: ItemKind::Metric,
            item: metric.as_str().to_owned(),
            visible,
        },
    )
    .await
}

async fn set(
    services: &Services,
    member: &Member,
    dashboard: Dashboard,
    preference: Preference,
) -> ApiResult<Visibility> {
    let user = keeper(member)?;
    let mut conn = services.db.conn().await?;
    dashboard_preferences::set(
        &mut conn,
        member.org_id,
        user,
        dashboard.as_str(),
        &preference,
        now(),
    )
    .await?;
    visibility(&mut conn, member, dashboard).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_choices_hide_only_known_items_of_their_dashboard() {
        let choice = |kind, item: &str, visible| Preference {
            kind,
            item: item.to_owned(),
            visible,
        };
        let visibility = Visibility::from_preferences(
            Dashboard::Executive,
            &[
                choice(ItemKind::Tile, "ai_strengths", false),
                choice(ItemKind::Tile, "pipeline_by_stage", true),
                choice(ItemKind::Tile, "coverage_by_region", false),
                choice(ItemKind::Tile, "retired_tile", false),
                choice(ItemKind::Metric, "win_rate", false),
            ],
        );
        assert!(!visibility.tile(DashboardTile::AiStrengths));
        assert!(visibility.tile(DashboardTile::PipelineByStage));
        assert!(!visibility.metric(MetricKey::WinRate));
        assert!(visibility.metric(MetricKey::TotalPartners));
        let hidden: Vec<DashboardTile> = visibility
            .tiles()
            .into_iter()
            .filter(|(_, shown)| !shown)
            .map(|(tile, _)| tile)
            .collect();
        assert_eq!(hidden, [DashboardTile::AiStrengths]);
        assert_eq!(visibility.metrics().len(), MetricKey::ALL.len());
        assert!(
            Visibility::all_shown(Dashboard::Lifecycle)
                .metrics()
                .is_empty()
        );
    }

    #[test]
    fn industries_merge_the_unspecified_and_sort_by_amount_then_name() {
        let usd = |minor| Money::new(minor, Currency::USD);
        let row = |industry: Option<&str>, pipeline, partners| IndustryTotals {
            industry: industry.map(str::to_owned),
            pipeline: usd(pipeline),
            revenue: usd(0),
            partners,
        };
        let bars = industry_bars(
            &[
                row(Some("Retail"), 500, 1),
                row(None, 300, 2),
                row(Some("Unspecified"), 200, 1),
                row(Some("Energy"), 500, 3),
                row(Some("Media"), 0, 1),
            ],
            Currency::USD,
            |t| t.pipeline,
        );
        let got: Vec<(&str, i64, i64)> = bars
            .iter()
            .map(|b| (b.key.as_str(), b.value.minor(), b.partners))
            .collect();
        assert_eq!(
            got,
            [
                ("Energy", 500, 3),
                ("Retail", 500, 1),
                ("Unspecified", 500, 3),
                ("Media", 0, 1)
            ]
        );
    }

    #[test]
    fn coverage_counts_sort_largest_first() {
        assert_eq!(
            counted(vec![
                (Some("EMEA".into()), 2),
                (None, 3),
                (Some("APAC".into()), 2)
            ]),
            [
                ("Unspecified".to_owned(), 3),
                ("APAC".to_owned(), 2),
                ("EMEA".to_owned(), 2)
            ]
        );
    }
}
