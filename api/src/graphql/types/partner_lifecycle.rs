//! `PartnerLifecycle`: the shape and coverage of the partner ecosystem. Each tile field runs
//! its one aggregate statement when asked for; `summary` and `totalPartners` share one.

use std::sync::Arc;

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use partnergraph_domain::intelligence::{DashboardTile, LifecycleCard, lifecycle_cards};
use partnergraph_persistence::dashboards;
use tokio::sync::OnceCell;

use crate::dashboards::Lifecycle;
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;
use crate::graphql::types::dashboard_values::*;

/// The partner lifecycle view as opened for you.
pub struct PartnerLifecycle {
    lifecycle: Lifecycle,
    summary: OnceCell<Arc<(i64, Vec<LifecycleCard>)>>,
}

impl PartnerLifecycle {
    /// The view over `lifecycle`'s scope.
    pub fn new(lifecycle: Lifecycle) -> Self {
        PartnerLifecycle {
            lifecycle,
            summary: OnceCell::new(),
        }
    }

    async fn summarised(&self, ctx: &Context<'_>) -> ApiResult<Arc<(i64, Vec<LifecycleCard>)>> {
        self.summary
            .get_or_try_init(|| async {
                let services = ctx.data_unchecked::<Services>();
                let mut conn = services.db.conn().await?;
                let counts =
                    dashboards::stage_status_counts(&mut conn, &self.lifecycle.scope).await?;
                Ok::<_, ApiError>(Arc::new(lifecycle_cards(&counts)))
            })
            .await
            .cloned()
    }

    async fn coverage(
        &self,
        ctx: &Context<'_>,
        tile: DashboardTile,
    ) -> ApiResult<Vec<CoverageEntry>> {
        Ok(crate::dashboards::coverage(
            ctx.data_unchecked::<Services>(),
            &self.lifecycle.scope,
            tile,
        )
        .await?
        .into_iter()
        .map(CoverageEntry::from)
        .collect())
    }
}

/// The shape and coverage of your partner ecosystem (archived partners excluded): counts per
/// lifecycle stage and status, and partners per region, subtype, industry vertical and
/// product offering. Hidden tiles are returned too, with `visible: false`.
#[Object]
impl PartnerLifecycle {
    /// All partners (the whole the summary percentages are of).
    async fn total_partners(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        Ok(i32::try_from(self.summarised(ctx).await?.0).unwrap_or(i32::MAX))
    }

    /// One card per lifecycle stage (in lifecycle order), then one per status, each with its
    /// count and share of all partners (tile LIFECYCLE_SUMMARY).
    async fn summary(&self, ctx: &Context<'_>) -> ApiResult<Vec<LifecycleSummaryCard>> {
        Ok(self
            .summarised(ctx)
            .await?
            .1
            .iter()
            .cloned()
            .map(LifecycleSummaryCard::from)
            .collect())
    }

    /// Partners per region they cover, most first, then by name; partners without a region
    /// count under "Unspecified" (tile COVERAGE_BY_REGION).
    async fn coverage_by_region(&self, ctx: &Context<'_>) -> ApiResult<Vec<CoverageEntry>> {
        self.coverage(ctx, DashboardTile::CoverageByRegion).await
    }

    /// Partners per subtype, most first, then by name; partners without one count under
    /// "Unspecified" (tile COVERAGE_BY_SUBTYPE).
    async fn coverage_by_subtype(&self, ctx: &Context<'_>) -> ApiResult<Vec<CoverageEntry>> {
        self.coverage(ctx, DashboardTile::CoverageBySubtype).await
    }

    /// Partners per industry vertical, most first, then by name; partners without one count
    /// under "Unspecified" (tile COVERAGE_BY_VERTICAL).
    async fn coverage_by_vertical(&self, ctx: &Context<'_>) -> ApiResult<Vec<CoverageEntry>> {
        self.coverage(ctx, DashboardTile::CoverageByVertical).await
    }

    /// Partners per offering: the services and products partners offer, as one series (a
    /// partner offering a name as both a service and a product counts once). Most first, then
    /// by name; partners offering neither count under "Unspecified" (tile
    /// COVERAGE_BY_PRODUCT_OFFERING).
    async fn coverage_by_product_offering(
        &self,
        ctx: &Context<'_>,
    ) -> ApiResult<Vec<CoverageEntry>> {
        self.coverage(ctx, DashboardTile::CoverageByProductOffering)
            .await
    }

    /// The view's tiles in display order, with whether you show them.
    async fn tiles(&self) -> Vec<DashboardTileVisibility> {
        tile_states(&self.lifecycle.visibility)
    }

    /// When the view was computed.
    async fn generated_at(&self) -> DateTime<Utc> {
        self.lifecycle.generated_at
    }
}
