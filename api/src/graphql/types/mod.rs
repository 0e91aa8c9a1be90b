//! GraphQL object types, one per file.

pub mod api_key;
pub mod identity_inputs;
pub mod identity_payloads;
pub mod invitation;
pub mod organization;
pub mod role;
pub mod schema_migration;
pub mod server_info;
pub mod tick;
pub mod user;
pub mod viewer;
