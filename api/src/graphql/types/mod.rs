//! GraphQL object types, one per file.

pub mod schema_migration;
pub mod server_info;
pub mod tick;
