//! Persistence for Partnergraph: one API over embedded SQLite and PostgreSQL.
//!
//! Every query is written once as a diesel expression and executed on whichever backend the
//! [`Database`] was opened with, through the [`run!`] macro (see `docs/ARCHITECTURE.md`).
//! Diesel row structs never leave this crate.

pub mod api_keys;
pub mod audit;
pub mod dashboard_preferences;
pub mod dashboards;
pub mod db;
pub mod deals;
pub mod edits;
pub mod error;
pub mod generations;
pub mod invitations;
pub mod migrations;
pub mod organizations;
pub mod page;
pub mod partner_contacts;
pub mod partner_list;
pub mod partner_views;
pub mod partners;
pub mod program;
pub mod rollups;
pub mod schema;
pub mod server;
pub mod sessions;
pub mod strategy;
pub mod tiers;
pub mod types;
pub mod users;

pub use db::{Backend, Conn, Database, DatabaseUrl, DbConfig, PoolStatus};
pub use error::DbError;
