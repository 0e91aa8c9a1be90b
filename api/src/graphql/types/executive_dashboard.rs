//! `ExecutiveDashboard`: program-level performance over the partners in scope. Each tile
//! field runs its one aggregate statement when asked for; the two fields of the AI strengths
//! tile, and the two industry charts, share one statement each.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use partnergraph_domain::intelligence::{LOW_SCORE_THRESHOLD, NO_STRENGTHS_MESSAGE};
use partnergraph_persistence::dashboards::{IndustryTotals, StrengthSummary};
use tokio::sync::OnceCell;

use crate::dashboards::{self, Executive};
use crate::error::ApiResult;
use crate::graphql::Services;
use crate::graphql::types::dashboard_values::*;

/// Narrow the executive dashboard to part of your program.
#[derive(Debug, Clone, Default, InputObject)]
pub struct ExecutiveDashboardFilterInput {
    /// Only partners in this segment (as of their last tier evaluation). Another
    /// organisation's segment is NOT_FOUND.
    pub segment_id: Option<ID>,
    /// Only partners holding this tier. With `segmentId`, the tier must belong to that
    /// segment (BAD_USER_INPUT naming `filter.tierId` otherwise).
    pub tier_id: Option<ID>,
}

/// The executive dashboard as opened for you.
pub struct ExecutiveDashboard {
    executive: Executive,
    strengths: OnceCell<Arc<Vec<StrengthSummary>>>,
    industries: OnceCell<Arc<Vec<IndustryTotals>>>,
}

impl ExecutiveDashboard {
    /// The dashboard over `executive`'s scope.
    pub fn new(executive: Executive) -> Self {
        ExecutiveDashboard {
            executive,
            strengths: OnceCell::new(),
            industries: OnceCell::new(),
        }
    }

    async fn strengths(&self, ctx: &Context<'_>) -> ApiResult<Arc<Vec<StrengthSummary>>> {
        self.strengths
            .get_or_try_init(|| async {
                dashboards::strengths(ctx.data_unchecked::<Services>(), &self.executive.scope)
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
    }

    async fn industries(&self, ctx: &Context<'_>) -> ApiResult<Arc<Vec<IndustryTotals>>> {
        self.industries
            .get_or_try_init(|| async {
                dashboards::by_industry(ctx.data_unchecked::<Services>(), &self.executive)
                    .await
                    .map(Arc::new)
            })
            .await
            .cloned()
    }
}

/// Program-level performance: metric cards, AI strengths, areas to address, and pipeline and
/// revenue charts, over your organisation's partners (archived partners excluded), narrowed by
/// the filter. Hidden tiles and metrics are returned too, with `visible: false`.
#[Object]
impl ExecutiveDashboard {
    /// The summary metric cards, in display order (tile METRICS).
    async fn metrics(&self, ctx: &Context<'_>) -> ApiResult<Vec<MetricCard>> {
        Ok(
            dashboards::metrics(ctx.data_unchecked::<Services>(), &self.executive)
                .await?
                .into_iter()
                .map(|card| MetricCard::new(card, &self.executive.visibility))
                .collect(),
        )
    }

    /// The 10 most common strengths of the analysed partners: most partners first, then
    /// highest average score (tile AI_STRENGTHS). Empty until partners are analysed.
    async fn ai_strengths(&self, ctx: &Context<'_>) -> ApiResult<Vec<AiStrength>> {
        Ok(self
            .strengths(ctx)
            .await?
            .iter()
            .cloned()
            .map(AiStrength::from)
            .collect())
    }

    /// "No partner strengths have been analyzed yet" when `aiStrengths` is empty; null
    /// otherwise.
    async fn ai_strengths_message(&self, ctx: &Context<'_>) -> ApiResult<Option<&'static str>> {
        Ok(self
            .strengths(ctx)
            .await?
            .is_empty()
            .then_some(NO_STRENGTHS_MESSAGE))
    }

    /// The 4C dimensions in which partners score below `lowScoreThreshold`, lowest average
    /// first (tile AREAS_TO_ADDRESS). A dimension where nobody scores low is left out.
    async fn areas_to_address(&self, ctx: &Context<'_>) -> ApiResult<Vec<AreaToAddress>> {
        let org_id = self.executive.scope.org_id;
        Ok(
            dashboards::areas(ctx.data_unchecked::<Services>(), &self.executive.scope)
                .await?
                .into_iter()
                .map(|area| AreaToAddress::new(org_id, area))
                .collect(),
        )
    }

    /// A 4C score below this is low (50).
    async fn low_score_threshold(&self) -> i32 {
        i32::from(LOW_SCORE_THRESHOLD)
    }

    /// Open pipeline per partner lifecycle stage: every stage in lifecycle order, zero where
    /// no partner is at it (tile PIPELINE_BY_STAGE).
    async fn pipeline_by_stage(&self, ctx: &Context<'_>) -> ApiResult<Vec<MoneyChartEntry>> {
        Ok(
            dashboards::pipeline_by_stage(ctx.data_unchecked::<Services>(), &self.executive)
                .await?
                .into_iter()
                .map(MoneyChartEntry::from)
                .collect(),
        )
    }

    /// Won revenue per partner industry: every industry of the partners in scope (partners
    /// without one under "Unspecified"), largest first, then by name (tile
    /// REVENUE_BY_INDUSTRY).
    async fn revenue_by_industry(&self, ctx: &Context<'_>) -> ApiResult<Vec<MoneyChartEntry>> {
        let industries = self.industries(ctx).await?;
        Ok(
            dashboards::industry_bars(&industries, self.executive.currency, |t| t.revenue)
                .into_iter()
                .map(MoneyChartEntry::from)
                .collect(),
        )
    }

    /// Open pipeline per partner industry, in the same form as `revenueByIndustry` (tile
    /// PIPELINE_BY_INDUSTRY).
    async fn pipeline_by_industry(&self, ctx: &Context<'_>) -> ApiResult<Vec<MoneyChartEntry>> {
        let industries = self.industries(ctx).await?;
        Ok(
            dashboards::industry_bars(&industries, self.executive.currency, |t| t.pipeline)
                .into_iter()
                .map(MoneyChartEntry::from)
                .collect(),
        )
    }

    /// The dashboard's tiles in display order, with whether you show them.
    async fn tiles(&self) -> Vec<DashboardTileVisibility> {
        tile_states(&self.executive.visibility)
    }

    /// The currency of every amount: your organisation's deal currency.
    async fn currency(&self) -> &str {
        self.executive.currency.code()
    }

    /// When the dashboard was computed ("this quarter" is the calendar quarter, UTC, of this
    /// time).
    async fn generated_at(&self) -> DateTime<Utc> {
        self.executive.generated_at
    }
}
