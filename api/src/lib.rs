//! The Partnergraph server: configuration, the GraphQL schema, the HTTP and websocket
//! transport, telemetry, and the `partnergraph` binary's subcommands.

pub mod ai;
pub mod analysis;
pub mod auth;
pub mod cli;
pub mod config;
pub mod contacts;
pub mod dashboards;
pub mod deals;
pub mod error;
pub mod graphql;
pub mod http;
pub mod identity;
pub mod imports;
pub mod metrics;
pub mod partners;
pub mod program;
pub mod seed;
pub mod server;
pub mod startup;
pub mod strategy;
pub mod telemetry;
pub mod tiers;
pub mod views;

pub use config::{Cli, Settings};
pub use server::Server;
