//! Intelligence roots: the executive dashboard, the partner lifecycle view and your tile and
//! metric visibility. Root fields parse arguments and delegate to `crate::dashboards`.

use async_graphql::{Context, Object};

use crate::error::ApiResult;
use crate::graphql::node::{NodeKind, decode_uuid};
use crate::graphql::types::dashboard_inputs::*;
use crate::graphql::types::dashboard_values::DashboardVisibility;
use crate::graphql::types::executive_dashboard::{
    ExecutiveDashboard, ExecutiveDashboardFilterInput,
};
use crate::graphql::types::partner_lifecycle::PartnerLifecycle;
use crate::graphql::{Services, guard};

/// Dashboard queries.
#[derive(Debug, Default)]
pub struct DashboardQuery;

#[Object]
impl DashboardQuery {
    /// The executive dashboard over your partners, narrowed to a segment and then to a tier
    /// when the filter says so. Every internal role reads it; partner-role users get
    /// NOT_FOUND.
    async fn executive_dashboard(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which partners (all when omitted).")] filter: Option<
            ExecutiveDashboardFilterInput,
        >,
    ) -> ApiResult<ExecutiveDashboard> {
        let member = guard::member(ctx)?;
        let filter = filter.unwrap_or_default();
        let segment = filter
            .segment_id
            .as_ref()
            .map(|id| decode_uuid(id, NodeKind::Segment, "filter.segmentId"))
            .transpose()?;
        let tier = filter
            .tier_id
            .as_ref()
            .map(|id| decode_uuid(id, NodeKind::Tier, "filter.tierId"))
            .transpose()?;
        let executive =
            crate::dashboards::executive(ctx.data_unchecked::<Services>(), member, segment, tier)
                .await?;
        Ok(ExecutiveDashboard::new(executive))
    }

    /// The partner lifecycle view: counts per stage and status, and coverage by region,
    /// subtype, vertical and product offering. Owners, admins and partner managers read it;
    /// members and viewers get FORBIDDEN, partner-role users NOT_FOUND.
    async fn partner_lifecycle(&self, ctx: &Context<'_>) -> ApiResult<PartnerLifecycle> {
        let member = guard::member(ctx)?;
        let lifecycle =
            crate::dashboards::lifecycle(ctx.data_unchecked::<Services>(), member).await?;
        Ok(PartnerLifecycle::new(lifecycle))
    }
}

/// Dashboard mutations.
#[derive(Debug, Default)]
pub struct DashboardMutation;

#[Object]
impl DashboardMutation {
    /// Shows or hides one of a dashboard's tiles for you (other people are unaffected). A
    /// hidden tile is still returned, with `visible: false`. For the people who may read the
    /// dashboard; API keys keep no preferences (FORBIDDEN).
    async fn set_tile_visibility(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tile and whether to show it.")] input: SetTileVisibilityInput,
    ) -> ApiResult<SetTileVisibilityPayload> {
        let member = guard::member(ctx)?;
        let visibility = crate::dashboards::set_tile_visibility(
            ctx.data_unchecked::<Services>(),
            member,
            input.dashboard.into(),
            input.tile.into(),
            input.visible,
        )
        .await?;
        Ok(SetTileVisibilityPayload {
            visibility: DashboardVisibility::from(&visibility),
        })
    }

    /// Shows or hides one of the executive dashboard's metric cards for you (other people are
    /// unaffected). A hidden card is still returned, with `visible: false`. API keys keep no
    /// preferences (FORBIDDEN).
    async fn set_metric_visibility(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The metric and whether to show it.")] input: SetMetricVisibilityInput,
    ) -> ApiResult<SetMetricVisibilityPayload> {
        let member = guard::member(ctx)?;
        let visibility = crate::dashboards::set_metric_visibility(
            ctx.data_unchecked::<Services>(),
            member,
            input.metric.into(),
            input.visible,
        )
        .await?;
        Ok(SetMetricVisibilityPayload {
            visibility: DashboardVisibility::from(&visibility),
        })
    }
}
