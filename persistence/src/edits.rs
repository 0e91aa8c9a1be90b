//! "Edit with AI": conversations scoped to one strategy document (optionally one section),
//! their turns, and the proposals the model makes. A proposal's content is its generation's
//! output; accepting it creates a new document version only if the document is still at the
//! version the client saw and the proposal was made against.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::strategy::{Artifact, ProposalStatus, VersionSource};
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::{
    edit_conversations, edit_messages, edit_proposals, strategy_cache, strategy_versions,
};
use crate::types::{DbJson, DbTimestamp, DbUuid};

/// Who said something in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// The person editing.
    User,
    /// The model.
    Assistant,
}

impl Speaker {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::User => "USER",
            Speaker::Assistant => "ASSISTANT",
        }
    }
}

/// Appends a turn to conversation `$conv` of `$org` inside the caller's transaction on `$c`
/// (the next `seq`). One definition for both backends.
macro_rules! append_message {
    ($c:expr, $org:expr, $conv:expr, $speaker:expr, $content:expr, $proposal:expr, $now:expr) => {{
        use $crate::schema::edit_messages;
        let org: $crate::types::DbUuid = $org;
        let conv: $crate::types::DbUuid = $conv;
        let last: Option<i32> = edit_messages::table
            .filter(edit_messages::org_id.eq(org))
            .filter(edit_messages::conversation_id.eq(conv))
            .select(diesel::dsl::max(edit_messages::seq))
            .get_result($c)
            .await?;
        diesel::insert_into(edit_messages::table)
            .values((
                edit_messages::org_id.eq(org),
                edit_messages::conversation_id.eq(conv),
                edit_messages::seq.eq(last.unwrap_or(0) + 1),
                edit_messages::role.eq($speaker.as_str()),
                edit_messages::content.eq($content),
                edit_messages::proposal_id.eq($proposal),
                edit_messages::created_at.eq($now),
            ))
            .execute($c)
            .await?;
    }};
}
pub(crate) use append_message;

/// A conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// Organisation.
    pub org_id: Uuid,
    /// Conversation id.
    pub id: Uuid,
    /// The document.
    pub artifact: Artifact,
    /// The section it is scoped to.
    pub section: Option<String>,
    /// Who opened it.
    pub created_by: Uuid,
    /// When.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = edit_conversations)]
struct ConversationRow {
    org_id: DbUuid,
    id: DbUuid,
    artifact: String,
    section: Option<String>,
    created_by: DbUuid,
    created_at: DbTimestamp,
}

impl TryFrom<ConversationRow> for Conversation {
    type Error = DbError;

    fn try_from(row: ConversationRow) -> Result<Self, DbError> {
        Ok(Conversation {
            org_id: row.org_id.0,
            id: row.id.0,
            artifact: Artifact::parse(&row.artifact)
                .ok_or_else(|| DbError::Corrupt(format!("artifact `{}`", row.artifact)))?,
            section: row.section,
            created_by: row.created_by.0,
            created_at: row.created_at.0,
        })
    }
}

/// One turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// Order in the conversation, from 1.
    pub seq: i32,
    /// Who spoke.
    pub speaker: Speaker,
    /// What was said.
    pub content: String,
    /// The proposal an assistant turn made.
    pub proposal_id: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// Organisation.
    pub org_id: Uuid,
    /// Proposal id.
    pub id: Uuid,
    /// Conversation.
    pub conversation_id: Uuid,
    /// The generation producing its content.
    pub generation_id: Uuid,
    /// The document version it was proposed against.
    pub base_version: i32,
    /// Open, accepted or discarded.
    pub status: ProposalStatus,
    /// The version accepting it created.
    pub accepted_version: Option<i32>,
    /// Who decided.
    pub decided_by: Option<Uuid>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// When proposed.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = edit_proposals)]
struct ProposalRow {
    org_id: DbUuid,
    id: DbUuid,
    conversation_id: DbUuid,
    generation_id: DbUuid,
    base_version: i32,
    status: String,
    accepted_version: Option<i32>,
    decided_by: Option<DbUuid>,
    decided_at: Option<DbTimestamp>,
    created_at: DbTimestamp,
}

impl TryFrom<ProposalRow> for Proposal {
    type Error = DbError;

    fn try_from(row: ProposalRow) -> Result<Self, DbError> {
        Ok(Proposal {
            org_id: row.org_id.0,
            id: row.id.0,
            conversation_id: row.conversation_id.0,
            generation_id: row.generation_id.0,
            base_version: row.base_version,
            status: ProposalStatus::parse(&row.status)
                .ok_or_else(|| DbError::Corrupt(format!("proposal status `{}`", row.status)))?,
            accepted_version: row.accepted_version,
            decided_by: row.decided_by.map(|id| id.0),
            decided_at: row.decided_at.map(|t| t.0),
            created_at: row.created_at.0,
        })
    }
}

/// Opens a conversation.
pub async fn create_conversation(
    conn: &mut Conn,
    conversation: &Conversation,
) -> Result<(), DbError> {
    let insert = diesel::insert_into(edit_conversations::table).values((
        edit_conversations::org_id.eq(DbUuid(conversation.org_id)),
        edit_conversations::id.eq(DbUuid(conversation.id)),
        edit_conversations::artifact.eq(conversation.artifact.as_str()),
        edit_conversations::section.eq(conversation.section.clone()),
        edit_conversations::created_by.eq(DbUuid(conversation.created_by)),
        edit_conversations::created_at.eq(DbTimestamp(conversation.created_at)),
    ));
    run!(conn, |c| insert.execute(c).await)?;
    Ok(())
}

/// A conversation of the organisation.
pub async fn conversation(
    conn: &mut Conn,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<Conversation>, DbError> {
    let rows: Vec<ConversationRow> = run!(conn, |c| edit_conversations::table
        .filter(edit_conversations::org_id.eq(DbUuid(org_id)))
        .filter(edit_conversations::id.eq(DbUuid(id)))
        .select(ConversationRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter()
        .next()
        .map(Conversation::try_from)
        .transpose()
}

/// The conversation's turns, oldest first.
pub async fn turns(
    conn: &mut Conn,
    org_id: Uuid,
    conversation_id: Uuid,
) -> Result<Vec<Turn>, DbError> {
    let rows: Vec<(i32, String, String, Option<DbUuid>, DbTimestamp)> =
        run!(conn, |c| edit_messages::table
            .filter(edit_messages::org_id.eq(DbUuid(org_id)))
            .filter(edit_messages::conversation_id.eq(DbUuid(conversation_id)))
            .order(edit_messages::seq)
            .select((
                edit_messages::seq,
                edit_messages::role,
                edit_messages::content,
                edit_messages::proposal_id,
                edit_messages::created_at,
            ))
            .load(c)
            .await)?;
    Ok(rows
        .into_iter()
        .map(|(seq, role, content, proposal_id, created_at)| Turn {
            seq,
            speaker: if role == Speaker::User.as_str() {
                Speaker::User
            } else {
                Speaker::Assistant
            },
            content,
            proposal_id: proposal_id.map(|id| id.0),
            created_at: created_at.0,
        })
        .collect())
}

/// Records the user's message and the proposal its generation will fill, together.
pub async fn ask(conn: &mut Conn, proposal: &Proposal, message: &str) -> Result<(), DbError> {
    let org = DbUuid(proposal.org_id);
    let conv = DbUuid(proposal.conversation_id);
    let now = DbTimestamp(proposal.created_at);
    let insert = diesel::insert_into(edit_proposals::table).values((
        edit_proposals::org_id.eq(org),
        edit_proposals::id.eq(DbUuid(proposal.id)),
        edit_proposals::conversation_id.eq(conv),
        edit_proposals::generation_id.eq(DbUuid(proposal.generation_id)),
        edit_proposals::base_version.eq(proposal.base_version),
        edit_proposals::status.eq(ProposalStatus::Open.as_str()),
        edit_proposals::created_at.eq(now),
    ));
    let content = message.to_owned();
    run!(conn, |c| c
        .transaction(async |c| {
            append_message!(
                c,
                org,
                conv,
                Speaker::User,
                content.clone(),
                None::<DbUuid>,
                now
            );
            insert.execute(c).await?;
            Ok::<_, diesel::result::Error>(())
        })
        .await)?;
    Ok(())
}

/// A proposal of the organisation.
pub async fn proposal(
    conn: &mut Conn,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<Proposal>, DbError> {
    let rows: Vec<ProposalRow> = run!(conn, |c| edit_proposals::table
        .filter(edit_proposals::org_id.eq(DbUuid(org_id)))
        .filter(edit_proposals::id.eq(DbUuid(id)))
        .select(ProposalRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter().next().map(Proposal::try_from).transpose()
}

/// The conversation's proposals, oldest first.
pub async fn proposals_of(
    conn: &mut Conn,
    org_id: Uuid,
    conversation_id: Uuid,
) -> Result<Vec<Proposal>, DbError> {
    let rows: Vec<ProposalRow> = run!(conn, |c| edit_proposals::table
        .filter(edit_proposals::org_id.eq(DbUuid(org_id)))
        .filter(edit_proposals::conversation_id.eq(DbUuid(conversation_id)))
        .order((edit_proposals::created_at, edit_proposals::id))
        .select(ProposalRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter().map(Proposal::try_from).collect()
}

/// Why a proposal was not accepted.
#[derive(Debug)]
pub enum AcceptError {
    /// It is no longer open.
    NotOpen(ProposalStatus),
    /// The document moved on: the client's `expectedVersion` or the proposal's base is stale.
    Stale {
        /// The document's current version.
        current: i32,
    },
    /// The database refused.
    Db(DbError),
}

impl From<diesel::result::Error> for AcceptError {
    fn from(error: diesel::result::Error) -> Self {
        AcceptError::Db(DbError::from(error))
    }
}

/// What accepting writes.
#[derive(Debug, Clone, PartialEq)]
pub struct Acceptance {
    /// The proposal.
    pub proposal_id: Uuid,
    /// The document.
    pub artifact: Artifact,
    /// The version the client saw.
    pub expected_version: i32,
    /// The full new document.
    pub content: serde_json::Value,
    /// The generation's model and prompt version (provenance).
    pub model: String,
    /// Prompt version.
    pub prompt_version: String,
    /// The generation.
    pub generation_id: Uuid,
    /// Who accepts.
    pub author_id: Uuid,
    /// The onboarding domain whose cache entry follows the edit, if cached.
    pub cache_domain: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Applies a proposal as the document's next version, in one transaction: only while it is
/// open and the document is at `expected_version`, which must also be the proposal's base.
/// Returns the new version.
pub async fn accept(
    conn: &mut Conn,
    org_id: Uuid,
    acceptance: &Acceptance,
) -> Result<i32, AcceptError> {
    let org = DbUuid(org_id);
    let id = DbUuid(acceptance.proposal_id);
    let now = DbTimestamp(acceptance.at);
    let a = acceptance.clone();
    run!(conn, |c| c
        .transaction(async |c| {
            // Take the write lock first (PostgreSQL: row lock; SQLite: the database lock).
            let taken = diesel::update(
                edit_proposals::table
                    .filter(edit_proposals::org_id.eq(org))
                    .filter(edit_proposals::id.eq(id))
                    .filter(edit_proposals::status.eq(ProposalStatus::Open.as_str())),
            )
            .set(edit_proposals::decided_at.eq(Some(now)))
            .execute(c)
            .await?;
            let (status, base): (String, i32) = edit_proposals::table
                .filter(edit_proposals::org_id.eq(org))
                .filter(edit_proposals::id.eq(id))
                .select((edit_proposals::status, edit_proposals::base_version))
                .get_result(c)
                .await?;
            if taken != 1 {
                let status = ProposalStatus::parse(&status).unwrap_or(ProposalStatus::Discarded);
                return Err(AcceptError::NotOpen(status));
            }
            let current: Option<i32> = strategy_versions::table
                .filter(strategy_versions::org_id.eq(org))
                .filter(strategy_versions::artifact.eq(a.artifact.as_str()))
                .select(diesel::dsl::max(strategy_versions::version))
                .get_result(c)
                .await?;
            let current = current.unwrap_or(0);
            if current != a.expected_version || current != base {
                return Err(AcceptError::Stale { current });
            }
            let version = current + 1;
            diesel::insert_into(strategy_versions::table)
                .values((
                    strategy_versions::org_id.eq(org),
                    strategy_versions::artifact.eq(a.artifact.as_str()),
                    strategy_versions::version.eq(version),
                    strategy_versions::content.eq(DbJson(a.content.clone())),
                    strategy_versions::source.eq(VersionSource::Edited.as_str()),
                    strategy_versions::generation_id.eq(Some(DbUuid(a.generation_id))),
                    strategy_versions::model.eq(Some(a.model.clone())),
                    strategy_versions::prompt_version.eq(Some(a.prompt_version.clone())),
                    strategy_versions::author_id.eq(Some(DbUuid(a.author_id))),
                    strategy_versions::created_at.eq(now),
                ))
                .execute(c)
                .await?;
            diesel::update(
                edit_proposals::table
                    .filter(edit_proposals::org_id.eq(org))
                    .filter(edit_proposals::id.eq(id)),
            )
            .set((
                edit_proposals::status.eq(ProposalStatus::Accepted.as_str()),
                edit_proposals::accepted_version.eq(Some(version)),
                edit_proposals::decided_by.eq(Some(DbUuid(a.author_id))),
            ))
            .execute(c)
            .await?;
            if let Some(domain) = &a.cache_domain {
                diesel::update(
                    strategy_cache::table
                        .filter(strategy_cache::org_id.eq(org))
                        .filter(strategy_cache::domain.eq(domain.clone()))
                        .filter(strategy_cache::artifact.eq(a.artifact.as_str())),
                )
                .set((
                    strategy_cache::content.eq(DbJson(a.content.clone())),
                    strategy_cache::updated_at.eq(now),
                ))
                .execute(c)
                .await?;
            }
            Ok(version)
        })
        .await)
}

/// Discards an open proposal; `false` if it was not open.
pub async fn discard(
    conn: &mut Conn,
    org_id: Uuid,
    id: Uuid,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let update = diesel::update(
        edit_proposals::table
            .filter(edit_proposals::org_id.eq(DbUuid(org_id)))
            .filter(edit_proposals::id.eq(DbUuid(id)))
            .filter(edit_proposals::status.eq(ProposalStatus::Open.as_str())),
    )
    .set((
        edit_proposals::status.eq(ProposalStatus::Discarded.as_str()),
        edit_proposals::decided_by.eq(Some(DbUuid(by))),
        edit_proposals::decided_at.eq(Some(DbTimestamp(at))),
    ));
    Ok(run!(conn, |c| update.execute(c).await)? == 1)
}
