//! The GraphQL schema: roots merged per feature, one type per file under `types/`.

mod analysis;
pub mod connection;
mod contacts;
mod dashboards;
pub(crate) mod deals;
pub mod extensions;
pub mod guard;
mod identity;
mod imports;
pub mod loaders;
pub mod node;
mod partners;
mod program;
mod query;
pub mod scalars;
pub(crate) mod strategy;
mod subscription;
mod tiers;
pub mod types;
mod views;

use std::sync::Arc;

use async_graphql::{Schema, SchemaBuilder};
use partnergraph_persistence::Database;

use crate::config::Limits;
use crate::metrics::Metrics;

pub use query::{Mutation, Query};
pub use subscription::Subscription;

/// The schema type served by this API.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// What resolvers reach through `ctx.data::<Services>()`.
#[derive(Debug, Clone)]
pub struct Services {
    /// The database.
    pub db: Database,
    /// Request limits (page sizes in particular).
    pub limits: Limits,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Passwords, tokens, the sign-in limiter.
    pub auth: Arc<crate::auth::Auth>,
    /// The AI generation engine.
    pub ai: Arc<crate::ai::Ai>,
}

/// The address of the client (for per-client limits such as failed sign-ins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

/// The bare schema builder, shared by the server, the tests and the SDL export.
pub fn schema_builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription)
        .register_output_type::<scalars::Money>()
        .register_input_type::<scalars::MoneyInput>()
        .register_output_type::<async_graphql::Json<serde_json::Value>>()
}

/// The schema with limits, extensions and services attached.
pub fn build_schema(services: Services) -> AppSchema {
    let limits = services.limits;
    schema_builder()
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(limits.max_recursive_depth)
        .extension(async_graphql::extensions::Tracing)
        .extension(extensions::ErrorCodes)
        .data(async_graphql::dataloader::DataLoader::new(
            loaders::Loaders {
                db: services.db.clone(),
            },
            tokio::spawn,
        ))
        .data(services)
        .finish()
}

/// The schema in SDL, sorted so that the checked-in `schema.graphql` diffs cleanly.
pub fn sdl() -> String {
    let options = async_graphql::SDLExportOptions::new()
        .sorted_fields()
        .sorted_arguments()
        .sorted_enum_items();
    schema_builder().finish().sdl_with_options(options)
}
