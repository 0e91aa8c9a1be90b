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

/// The audit trail of one subject (`partner`, `deal`, `deal_registration`), oldest first.
pub(crate) async fn history(
    ctx: &async_graphql::Context<'_>,
    org_id: uuid::Uuid,
    subject_kind: &'static str,
    subject_id: uuid::Uuid,
    page: (Option<i32>, Option<String>, Option<i32>, Option<String>),
) -> crate::error::ApiResult<crate::graphql::connection::PageConnection<AuditEntry>> {
    use crate::graphql::connection::PageRequest;
    let kind = format!("{subject_kind}-history");
    let services = ctx.data_unchecked::<crate::graphql::Services>();
    let (first, after, last, before) = page;
    let page = PageRequest::<(DateTime<Utc>, uuid::Uuid)>::parse(
        &kind,
        first,
        after,
        last,
        before,
        &services.limits,
    )?;
    let keyset = page.keyset();
    let mut conn = services.db.conn().await?;
    let (rows, total) =
        partnergraph_persistence::audit::page(&mut conn, org_id, subject_kind, subject_id, &keyset)
            .await?;
    Ok(page.into_connection(&kind, rows, total, |e| (e.created_at, e.id), AuditEntry))
}
