//! `AuditEntry`: one recorded change.

use async_graphql::{Enum, ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_persistence::audit::StoredEntry;

use crate::graphql::node::{NodeKind, encode_uuid};

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum ActorKind {
    /// A signed-in user.
    User,
    /// An API key (integration).
    ApiKey,
    /// The system (imports, scoring, scheduled sweeps).
    System,
}

/// One recorded change: who, when, and each changed field with its value before and after.
#[derive(Debug, Clone)]
pub struct AuditEntry(pub StoredEntry);

/// One recorded change: who, when, and each changed field with its value before and after.
#[Object]
impl AuditEntry {
    /// Entry identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// `create`, `update`, `archive`, `unarchive` or `delete`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// What kind of actor made the change.
    async fn actor_kind(&self) -> ActorKind {
        match self.0.actor_kind.as_str() {
            "user" => ActorKind::User,
            "api_key" => ActorKind::ApiKey,
            _ => ActorKind::System,
        }
    }

    /// The acting user's or API key's global ID (null for the system).
    async fn actor_id(&self) -> Option<ID> {
        let kind = match self.0.actor_kind.as_str() {
            "user" => NodeKind::User,
            "api_key" => NodeKind::ApiKey,
            _ => return None,
        };
        self.0.actor_id.map(|id| encode_uuid(kind, id))
    }

    /// Changed fields: `{"field": {"before": …, "after": …}}`.
    async fn changes(&self) -> async_graphql::Json<serde_json::Value> {
        async_graphql::Json(self.0.changes.clone())
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
