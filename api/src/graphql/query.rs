//! The query root, merged from one object per feature.

use async_graphql::{Context, MergedObject, Object};

use crate::error::ApiResult;
use crate::graphql::analysis::AnalysisMutation;
use crate::graphql::contacts::ContactMutation;
use crate::graphql::dashboards::{DashboardMutation, DashboardQuery};
use crate::graphql::deals::{DealMutation, DealQuery};
use crate::graphql::identity::{IdentityMutation, IdentityQuery};
use crate::graphql::imports::ImportMutation;
use crate::graphql::node::NodeQuery;
use crate::graphql::partners::{PartnerMutation, PartnerQuery};
use crate::graphql::program::{ProgramMutation, ProgramQuery};
use crate::graphql::strategy::{StrategyMutation, StrategyQuery};
use crate::graphql::tiers::{TierMutation, TierQuery};
use crate::graphql::types::server_info::ServerInfo;
use crate::graphql::views::{ViewMutation, ViewQuery};

/// Server-level queries.
#[derive(Debug, Default)]
pub struct ServerQuery;

#[Object]
impl ServerQuery {
    /// What is running: server release and database, read from the database.
    async fn server_info(&self, ctx: &Context<'_>) -> ApiResult<ServerInfo> {
        ServerInfo::load(ctx).await
    }
}

/// The query root.
#[derive(MergedObject, Default)]
pub struct Query(
    ServerQuery,
    NodeQuery,
    IdentityQuery,
    PartnerQuery,
    ViewQuery,
    DealQuery,
    ProgramQuery,
    TierQuery,
    StrategyQuery,
    DashboardQuery,
);

/// The mutation root.
#[derive(MergedObject, Default)]
pub struct Mutation(
    IdentityMutation,
    PartnerMutation,
    ContactMutation,
    ViewMutation,
    DealMutation,
    ImportMutation,
    ProgramMutation,
    TierMutation,
    StrategyMutation,
    AnalysisMutation,
    DashboardMutation,
);
