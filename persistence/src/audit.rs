//! The audit trail: who changed what, with before and after, for partners and deals.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::page::KeysetPage;
use crate::schema::audit_entries;
use crate::types::{DbJson, DbTimestamp, DbUuid};
use crate::{keyset, run};

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user.
    User(Uuid),
    /// An API key.
    ApiKey(Uuid),
    /// The system (imports, scoring, sweeps).
    System,
}

impl Actor {
    pub(crate) fn parts(self) -> (&'static str, Option<Uuid>) {
        match self {
            Actor::User(id) => ("user", Some(id)),
            Actor::ApiKey(id) => ("api_key", Some(id)),
            Actor::System => ("system", None),
        }
    }
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Organisation.
    pub org_id: Uuid,
    /// Entry id.
    pub id: Uuid,
    /// `partner` or `deal`.
    pub subject_kind: &'static str,
    /// The changed object.
    pub subject_id: Uuid,
    /// `create`, `update`, `archive`, `unarchive` or `delete`.
    pub action: &'static str,
    /// Who.
    pub actor: Actor,
    /// `{"field": {"before": …, "after": …}}`.
    pub changes: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The values of an insert of `entry`.
pub(crate) type EntryValues = (
    diesel::dsl::Eq<audit_entries::org_id, DbUuid>,
    diesel::dsl::Eq<audit_entries::id, DbUuid>,
    diesel::dsl::Eq<audit_entries::subject_kind, &'static str>,
    diesel::dsl::Eq<audit_entries::subject_id, DbUuid>,
    diesel::dsl::Eq<audit_entries::action, &'static str>,
    diesel::dsl::Eq<audit_entries::actor_kind, &'static str>,
    diesel::dsl::Eq<audit_entries::actor_id, Option<DbUuid>>,
    diesel::dsl::Eq<audit_entries::changes, DbJson>,
    diesel::dsl::Eq<audit_entries::created_at, DbTimestamp>,
);

/// An insert of one entry, to run inside the transaction of the change it records.
pub(crate) type InsertEntry = diesel::query_builder::InsertStatement<
    audit_entries::table,
    <EntryValues as Insertable<audit_entries::table>>::Values,
>;

pub(crate) fn insert_statement(entry: &AuditEntry) -> InsertEntry {
    diesel::insert_into(audit_entries::table).values(values(entry))
}

/// The column values of `entry` (a multi-row insert takes a `Vec` of them).
pub(crate) fn values(entry: &AuditEntry) -> EntryValues {
    let (actor_kind, actor_id) = entry.actor.parts();
    (
        audit_entries::org_id.eq(DbUuid(entry.org_id)),
        audit_entries::id.eq(DbUuid(entry.id)),
        audit_entries::subject_kind.eq(entry.subject_kind),
        audit_entries::subject_id.eq(DbUuid(entry.subject_id)),
        audit_entries::action.eq(entry.action),
        audit_entries::actor_kind.eq(actor_kind),
        audit_entries::actor_id.eq(actor_id.map(DbUuid)),
        audit_entries::changes.eq(DbJson(entry.changes.clone())),
        audit_entries::created_at.eq(DbTimestamp(entry.created_at)),
    )
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEntry {
    /// Entry id.
    pub id: Uuid,
    /// Action.
    pub action: String,
    /// `user`, `api_key` or `system`.
    pub actor_kind: String,
    /// The user or key.
    pub actor_id: Option<Uuid>,
    /// Changed fields.
    pub changes: serde_json::Value,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A page of one subject's entries, oldest first, and the total.
pub async fn page(
    conn: &mut Conn,
    org_id: Uuid,
    subject_kind: &str,
    subject_id: Uuid,
    page: &KeysetPage,
) -> Result<(Vec<StoredEntry>, i64), DbError> {
    type Row = (DbUuid, String, String, Option<DbUuid>, DbJson, DbTimestamp);
    let kind = subject_kind.to_owned();
    let rows: Vec<Row> = run!(conn, |c| {
        let query = audit_entries::table
            .filter(audit_entries::org_id.eq(DbUuid(org_id)))
            .filter(audit_entries::subject_kind.eq(kind.clone()))
            .filter(audit_entries::subject_id.eq(DbUuid(subject_id)))
            .select((
                audit_entries::id,
                audit_entries::action,
                audit_entries::actor_kind,
                audit_entries::actor_id,
                audit_entries::changes,
                audit_entries::created_at,
            ))
            .into_boxed();
        keyset!(query, audit_entries, page).load(c).await
    })?;
    let count = audit_entries::table
        .filter(audit_entries::org_id.eq(DbUuid(org_id)))
        .filter(audit_entries::subject_kind.eq(subject_kind.to_owned()))
        .filter(audit_entries::subject_id.eq(DbUuid(subject_id)))
        .count();
    let total = run!(conn, |c| count.get_result::<i64>(c).await)?;
    Ok((
        rows.into_iter()
            .map(
                |(id, action, actor_kind, actor_id, changes, created_at)| StoredEntry {
                    id: id.0,
                    action,
                    actor_kind,
                    actor_id: actor_id.map(|a| a.0),
                    changes: changes.0,
                    created_at: created_at.0,
                },
            )
            .collect(),
        total,
    ))
}
