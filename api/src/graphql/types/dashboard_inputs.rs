//! Inputs and payloads of the dashboard visibility mutations.

use async_graphql::{InputObject, SimpleObject};

use crate::graphql::types::dashboard_enums::{DashboardTileValue, DashboardValue, MetricKeyValue};
use crate::graphql::types::dashboard_values::DashboardVisibility;

/// Show or hide one of a dashboard's tiles, for you only.
#[derive(Debug, Clone, InputObject)]
pub struct SetTileVisibilityInput {
    /// The dashboard.
    pub dashboard: DashboardValue,
    /// One of that dashboard's tiles (a tile of the other dashboard is BAD_USER_INPUT naming
    /// `input.tile`).
    pub tile: DashboardTileValue,
    /// True to show it, false to hide it (it stays hidden until you show it).
    pub visible: bool,
}

/// Show or hide one of the executive dashboard's metric cards, for you only.
#[derive(Debug, Clone, InputObject)]
pub struct SetMetricVisibilityInput {
    /// The metric.
    pub metric: MetricKeyValue,
    /// True to show it, false to hide it (it stays hidden until you show it).
    pub visible: bool,
}

/// Result of `setTileVisibility`.
#[derive(Debug, Clone, SimpleObject)]
pub struct SetTileVisibilityPayload {
    /// Your visibility choices on the dashboard, as they are now.
    pub visibility: DashboardVisibility,
}

/// Result of `setMetricVisibility`.
#[derive(Debug, Clone, SimpleObject)]
pub struct SetMetricVisibilityPayload {
    /// Your visibility choices on the executive dashboard, as they are now.
    pub visibility: DashboardVisibility,
}
