//! Generations: one streamed, validated model run each, persisted from request to outcome.
//!
//! A partial unique index keeps at most one `PENDING`/`STREAMING` generation per target, so a
//! second request for a target that is being generated finds the running one, on every replica.
//! Completing a generation and storing what it produced (a document version, the domain cache,
//! an edit proposal's reply) happen in one transaction, and only if the generation is still
//! running: a cancelled generation never writes anything.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::strategy::{Artifact, GenerationKind, GenerationStatus, VersionSource};
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::{generations, strategy_cache, strategy_versions};
use crate::types::{DbJson, DbTimestamp, DbUuid};

/// Tokens a generation used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    /// Prompt tokens.
    pub prompt: i32,
    /// Completion tokens.
    pub completion: i32,
}

/// A generation as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    /// Organisation.
    pub org_id: Uuid,
    /// Generation id.
    pub id: Uuid,
    /// What it produces.
    pub kind: GenerationKind,
    /// What it is for; one running per target.
    pub target: String,
    /// Where it is.
    pub status: GenerationStatus,
    /// Model id.
    pub model: String,
    /// Prompt version.
    pub prompt_version: String,
    /// SHA-256 (hex) of the prompt input.
    pub input_hash: String,
    /// The validated artifact, once completed.
    pub output: Option<serde_json::Value>,
    /// Why it failed or was cancelled.
    pub error: Option<String>,
    /// Tokens used.
    pub tokens: Tokens,
    /// Who asked for it.
    pub requested_by: Option<Uuid>,
    /// When it was asked for.
    pub created_at: DateTime<Utc>,
    /// When the model call started.
    pub started_at: Option<DateTime<Utc>>,
    /// When the first token arrived.
    pub first_token_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = generations)]
struct GenerationRow {
    org_id: DbUuid,
    id: DbUuid,
    kind: String,
    target: String,
    status: String,
    model: String,
    prompt_version: String,
    input_hash: String,
    output: Option<DbJson>,
    error: Option<String>,
    prompt_tokens: i32,
    completion_tokens: i32,
    requested_by: Option<DbUuid>,
    created_at: DbTimestamp,
    started_at: Option<DbTimestamp>,
    first_token_at: Option<DbTimestamp>,
    finished_at: Option<DbTimestamp>,
}

impl TryFrom<GenerationRow> for Generation {
    type Error = DbError;

    fn try_from(row: GenerationRow) -> Result<Self, DbError> {
        Ok(Generation {
            org_id: row.org_id.0,
            id: row.id.0,
            kind: GenerationKind::parse(&row.kind)
                .ok_or_else(|| DbError::Corrupt(format!("generation kind `{}`", row.kind)))?,
            target: row.target,
            status: GenerationStatus::parse(&row.status)
                .ok_or_else(|| DbError::Corrupt(format!("generation status `{}`", row.status)))?,
            model: row.model,
            prompt_version: row.prompt_version,
            input_hash: row.input_hash,
            output: row.output.map(|json| json.0),
            error: row.error,
            tokens: Tokens {
                prompt: row.prompt_tokens,
                completion: row.completion_tokens,
            },
            requested_by: row.requested_by.map(|id| id.0),
            created_at: row.created_at.0,
            started_at: row.started_at.map(|t| t.0),
            first_token_at: row.first_token_at.map(|t| t.0),
            finished_at: row.finished_at.map(|t| t.0),
        })
    }
}

/// A generation to record before the model is called.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGeneration {
    /// Organisation.
    pub org_id: Uuid,
    /// Generation id.
    pub id: Uuid,
    /// What it produces.
    pub kind: GenerationKind,
    /// What it is for.
    pub target: String,
    /// Model id.
    pub model: String,
    /// Prompt version.
    pub prompt_version: String,
    /// SHA-256 (hex) of the prompt input.
    pub input_hash: String,
    /// Who asked.
    pub requested_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// What [`start`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Started {
    /// A new `PENDING` generation.
    Created(Generation),
    /// One was already running for the target: join it.
    Running(Generation),
}

const RUNNING: [&str; 2] = ["PENDING", "STREAMING"];

/// Records a `PENDING` generation, or finds the one already running for its target.
pub async fn start(conn: &mut Conn, new: &NewGeneration) -> Result<Started, DbError> {
    // The running one may finish between a failed insert and the lookup: try twice.
    for _ in 0..2 {
        let insert = diesel::insert_into(generations::table).values((
            generations::org_id.eq(DbUuid(new.org_id)),
            generations::id.eq(DbUuid(new.id)),
            generations::kind.eq(new.kind.as_str()),
            generations::target.eq(new.target.clone()),
            generations::status.eq(GenerationStatus::Pending.as_str()),
            generations::model.eq(new.model.clone()),
            generations::prompt_version.eq(new.prompt_version.clone()),
            generations::input_hash.eq(new.input_hash.clone()),
            generations::requested_by.eq(new.requested_by.map(DbUuid)),
            generations::created_at.eq(DbTimestamp(new.created_at)),
        ));
        match run!(conn, |c| insert.execute(c).await).map_err(DbError::from) {
            Ok(_) => {
                let created = by_id(conn, new.org_id, new.id).await?;
                return created.map(Started::Created).ok_or(DbError::NotFound);
            }
            Err(DbError::UniqueViolation { .. }) => {
                if let Some(running) = running_for(conn, new.org_id, &new.target).await? {
                    return Ok(Started::Running(running));
                }
            }
            Err(other) => return Err(other),
        }
    }
    Err(DbError::Corrupt(format!(
        "generation target `{}` is neither free nor running",
        new.target
    )))
}

/// A generation of the organisation.
pub async fn by_id(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<Generation>, DbError> {
    let rows: Vec<GenerationRow> = run!(conn, |c| generations::table
        .filter(generations::org_id.eq(DbUuid(org_id)))
        .filter(generations::id.eq(DbUuid(id)))
        .select(GenerationRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter()
        .next()
        .map(Generation::try_from)
        .transpose()
}

/// The generation running for `target`, if any.
pub async fn running_for(
    conn: &mut Conn,
    org_id: Uuid,
    target: &str,
) -> Result<Option<Generation>, DbError> {
    let rows: Vec<GenerationRow> = run!(conn, |c| generations::table
        .filter(generations::org_id.eq(DbUuid(org_id)))
        .filter(generations::target.eq(target.to_owned()))
        .filter(generations::status.eq_any(RUNNING))
        .select(GenerationRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter()
        .next()
        .map(Generation::try_from)
        .transpose()
}

/// `PENDING → STREAMING`; `false` if it was no longer pending (e.g. cancelled).
pub async fn mark_streaming(
    conn: &mut Conn,
    org_id: Uuid,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let update = diesel::update(
        generations::table
            .filter(generations::org_id.eq(DbUuid(org_id)))
            .filter(generations::id.eq(DbUuid(id)))
            .filter(generations::status.eq(GenerationStatus::Pending.as_str())),
    )
    .set((
        generations::status.eq(GenerationStatus::Streaming.as_str()),
        generations::started_at.eq(DbTimestamp(at)),
    ));
    Ok(run!(conn, |c| update.execute(c).await)? == 1)
}

/// Records when the first token arrived.
pub async fn mark_first_token(
    conn: &mut Conn,
    org_id: Uuid,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let update = diesel::update(
        generations::table
            .filter(generations::org_id.eq(DbUuid(org_id)))
            .filter(generations::id.eq(DbUuid(id)))
            .filter(generations::first_token_at.is_null()),
    )
    .set(generations::first_token_at.eq(DbTimestamp(at)));
    run!(conn, |c| update.execute(c).await)?;
    Ok(())
}

/// Ends a running generation as `FAILED` or `CANCELLED` with a reason and the tokens used;
/// `false` if it had already ended.
pub async fn end(
    conn: &mut Conn,
    org_id: Uuid,
    id: Uuid,
    status: GenerationStatus,
    error: &str,
    tokens: Tokens,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    debug_assert!(matches!(
        status,
        GenerationStatus::Failed | GenerationStatus::Cancelled
    ));
    let update = diesel::update(
        generations::table
            .filter(generations::org_id.eq(DbUuid(org_id)))
            .filter(generations::id.eq(DbUuid(id)))
            .filter(generations::status.eq_any(RUNNING)),
    )
    .set((
        generations::status.eq(status.as_str()),
        generations::error.eq(Some(error.to_owned())),
        generations::prompt_tokens.eq(tokens.prompt),
        generations::completion_tokens.eq(tokens.completion),
        generations::finished_at.eq(DbTimestamp(at)),
    ));
    Ok(run!(conn, |c| update.execute(c).await)? == 1)
}

/// Where a completed generation's artifact goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A new version of a strategy document, and the domain cache when `cache_domain` is set.
    Document {
        /// The document.
        artifact: Artifact,
        /// The domain whose cache entry it replaces.
        cache_domain: Option<String>,
    },
    /// Nothing beyond the generation's own output (the caller applies it afterwards).
    Plain,
    /// The reply of an edit conversation (the proposal's content is the generation's output).
    Proposal {
        /// The conversation.
        conversation_id: Uuid,
        /// The proposal.
        proposal_id: Uuid,
        /// The assistant's turn, as shown in the conversation.
        message: String,
    },
}

/// Completes a running generation with its validated output and stores the outcome, in one
/// transaction. `None` if the generation had already ended (cancelled): nothing is written.
/// For a document, `Some(version)` is the new version; otherwise `Some(0)`.
pub async fn complete(
    conn: &mut Conn,
    generation: &Generation,
    output: &serde_json::Value,
    tokens: Tokens,
    at: DateTime<Utc>,
    outcome: &Outcome,
) -> Result<Option<i32>, DbError> {
    let org = DbUuid(generation.org_id);
    let id = DbUuid(generation.id);
    let finish = diesel::update(
        generations::table
            .filter(generations::org_id.eq(org))
            .filter(generations::id.eq(id))
            .filter(generations::status.eq_any(RUNNING)),
    )
    .set((
        generations::status.eq(GenerationStatus::Completed.as_str()),
        generations::output.eq(Some(DbJson(output.clone()))),
        generations::prompt_tokens.eq(tokens.prompt),
        generations::completion_tokens.eq(tokens.completion),
        generations::finished_at.eq(DbTimestamp(at)),
    ));
    let now = DbTimestamp(at);
    let result = run!(conn, |c| c
        .transaction(async |c| {
            if finish.execute(c).await? != 1 {
                return Ok::<_, diesel::result::Error>(None);
            }
            match outcome {
                Outcome::Document {
                    artifact,
                    cache_domain,
                } => {
                    let latest: Option<i32> = strategy_versions::table
                        .filter(strategy_versions::org_id.eq(org))
                        .filter(strategy_versions::artifact.eq(artifact.as_str()))
                        .select(diesel::dsl::max(strategy_versions::version))
                        .get_result(c)
                        .await?;
                    let version = latest.unwrap_or(0) + 1;
                    diesel::insert_into(strategy_versions::table)
                        .values((
                            strategy_versions::org_id.eq(org),
                            strategy_versions::artifact.eq(artifact.as_str()),
                            strategy_versions::version.eq(version),
                            strategy_versions::content.eq(DbJson(output.clone())),
                            strategy_versions::source.eq(VersionSource::Generated.as_str()),
                            strategy_versions::generation_id.eq(Some(id)),
                            strategy_versions::model.eq(Some(generation.model.clone())),
                            strategy_versions::prompt_version
                                .eq(Some(generation.prompt_version.clone())),
                            strategy_versions::created_at.eq(now),
                        ))
                        .execute(c)
                        .await?;
                    if let Some(domain) = cache_domain {
                        let values = (
                            strategy_cache::input_hash.eq(generation.input_hash.clone()),
                            strategy_cache::content.eq(DbJson(output.clone())),
                            strategy_cache::generation_id.eq(Some(id)),
                            strategy_cache::model.eq(Some(generation.model.clone())),
                            strategy_cache::prompt_version
                                .eq(Some(generation.prompt_version.clone())),
                            strategy_cache::updated_at.eq(now),
                        );
                        diesel::insert_into(strategy_cache::table)
                            .values((
                                strategy_cache::org_id.eq(org),
                                strategy_cache::domain.eq(domain.clone()),
                                strategy_cache::artifact.eq(artifact.as_str()),
                                values.clone(),
                            ))
                            .on_conflict((
                                strategy_cache::org_id,
                                strategy_cache::domain,
                                strategy_cache::artifact,
                            ))
                            .do_update()
                            .set(values)
                            .execute(c)
                            .await?;
                    }
                    Ok(Some(version))
                }
                Outcome::Plain => Ok(Some(0)),
                Outcome::Proposal {
                    conversation_id,
                    proposal_id,
                    message,
                } => {
                    crate::edits::append_message!(
                        c,
                        org,
                        DbUuid(*conversation_id),
                        crate::edits::Speaker::Assistant,
                        message.clone(),
                        Some(DbUuid(*proposal_id)),
                        now
                    );
                    Ok(Some(0))
                }
            }
        })
        .await)?;
    Ok(result)
}

/// Records a note on an ended generation (e.g. that its output could not be applied).
pub async fn note(conn: &mut Conn, org_id: Uuid, id: Uuid, message: &str) -> Result<(), DbError> {
    let update = diesel::update(
        generations::table
            .filter(generations::org_id.eq(DbUuid(org_id)))
            .filter(generations::id.eq(DbUuid(id))),
    )
    .set(generations::error.eq(Some(message.to_owned())));
    run!(conn, |c| update.execute(c).await)?;
    Ok(())
}

/// Marks every generation a previous process left running as `FAILED` (at start-up, before any
/// new generation starts). Returns how many there were.
pub async fn fail_interrupted(conn: &mut Conn, at: DateTime<Utc>) -> Result<usize, DbError> {
    let update = diesel::update(generations::table.filter(generations::status.eq_any(RUNNING)))
        .set((
            generations::status.eq(GenerationStatus::Failed.as_str()),
            generations::error.eq(Some(
                "interrupted: the server stopped while generating".to_owned(),
            )),
            generations::finished_at.eq(DbTimestamp(at)),
        ));
    Ok(run!(conn, |c| update.execute(c).await)?)
}

/// Tokens the organisation's generations created since `since` used (the monthly budget).
pub async fn tokens_since(
    conn: &mut Conn,
    org_id: Uuid,
    since: DateTime<Utc>,
) -> Result<i64, DbError> {
    let query = generations::table
        .filter(generations::org_id.eq(DbUuid(org_id)))
        .filter(generations::created_at.ge(DbTimestamp(since)))
        .select(diesel::dsl::sum(
            generations::prompt_tokens + generations::completion_tokens,
        ));
    let total: Option<i64> = run!(conn, |c| query.get_result(c).await)?;
    Ok(total.unwrap_or(0))
}
