//! GraphQL object types, one per file.

pub mod api_key;
pub mod audit_entry;
pub mod contact_inputs;
pub mod deal;
pub mod deal_import;
pub mod deal_inputs;
pub mod identity_inputs;
pub mod identity_payloads;
pub mod import;
pub mod invitation;
pub mod organization;
pub mod partner;
pub mod partner_contact;
pub mod partner_enums;
pub mod partner_filter;
pub mod partner_import;
pub mod partner_inputs;
pub mod partner_values;
pub mod role;
pub mod saved_view;
pub mod schema_migration;
pub mod server_info;
pub mod tick;
pub mod user;
pub mod view_inputs;
pub mod viewer;
