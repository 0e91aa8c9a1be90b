//! `Generation` (a persisted model run) and `GenerationEvent` (one streamed event of it).

use std::sync::Arc;

use async_graphql::{Enum, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use partnergraph_domain::strategy as domain;
use partnergraph_persistence::generations::Generation as Record;
use serde_json::Value;

use crate::ai::hub::Event;
use crate::graphql::node::{NodeKind, encode_uuid};

/// Where a generation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "GenerationStatus", remote = "domain::GenerationStatus")]
pub enum GenerationStatusValue {
    /// Accepted; the model has not been called yet.
    Pending,
    /// Tokens are arriving.
    Streaming,
    /// The artifact validated and was stored (a new document version or proposal).
    Completed,
    /// The model failed or its output did not validate after one repair; nothing was replaced.
    Failed,
    /// Cancelled; nothing was replaced.
    Cancelled,
}

/// What a generation produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "GenerationKind", remote = "domain::GenerationKind")]
pub enum GenerationKindValue {
    /// An Ideal Customer Profile.
    Icp,
    /// An Ideal Partner Profile.
    Ipp,
    /// A proposed edit of a strategy document ("Edit with AI").
    Edit,
    /// The AI analysis of one partner, written to the partner when it completes.
    PartnerAnalysis,
}

/// Tokens a generation used (summed over the first attempt and a repair).
#[derive(Debug, Clone, Copy, SimpleObject)]
pub struct TokenUsage {
    /// Prompt tokens.
    pub prompt_tokens: i32,
    /// Completion tokens.
    pub completion_tokens: i32,
    /// Both.
    pub total_tokens: i32,
}

/// One model run: requested, streamed, validated and stored (or failed, or cancelled).
/// Follow it live with `subscription { generation(id:) }`.
#[derive(Debug, Clone)]
pub struct Generation(pub Record);

/// One model run: requested, streamed, validated and stored (or failed, or cancelled).
/// Follow it live with `subscription { generation(id:) }`.
#[Object]
impl Generation {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::Generation, self.0.id)
    }

    /// What it produces.
    async fn kind(&self) -> GenerationKindValue {
        self.0.kind.into()
    }

    /// Where it is.
    async fn status(&self) -> GenerationStatusValue {
        self.0.status.into()
    }

    /// What it is for, e.g. `strategy:ICP`; one generation runs per target at a time.
    async fn target(&self) -> &str {
        &self.0.target
    }

    /// The model that ran it.
    async fn model(&self) -> &str {
        &self.0.model
    }

    /// The version of the prompt it was asked with.
    async fn prompt_version(&self) -> &str {
        &self.0.prompt_version
    }

    /// SHA-256 of everything the model was asked (prompt version, messages, schema).
    async fn input_hash(&self) -> &str {
        &self.0.input_hash
    }

    /// Tokens used (zero until it ends).
    async fn usage(&self) -> TokenUsage {
        let tokens = self.0.tokens;
        TokenUsage {
            prompt_tokens: tokens.prompt,
            completion_tokens: tokens.completion,
            total_tokens: tokens.prompt.saturating_add(tokens.completion),
        }
    }

    /// The validated artifact, once completed.
    async fn output(&self) -> Option<Json<Value>> {
        self.0.output.clone().map(Json)
    }

    /// Why it failed or was cancelled.
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// When it was requested.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the model call started.
    async fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }

    /// When the first token arrived.
    async fn first_token_at(&self) -> Option<DateTime<Utc>> {
        self.0.first_token_at
    }

    /// When it ended.
    async fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.0.finished_at
    }
}

/// One event of a generation. The first event a subscriber receives is a snapshot
/// (`snapshot: true`): `delta` holds all text so far and `sequence` is that of the last event
/// it includes; every later event follows in order, without gaps or duplicates. The last event
/// has a final status and, when completed, the validated `artifact`.
#[derive(Debug, Clone)]
pub struct GenerationEvent(pub Arc<Event>);

/// One event of a generation. The first event a subscriber receives is a snapshot
/// (`snapshot: true`): `delta` holds all text so far and `sequence` is that of the last event
/// it includes; every later event follows in order, without gaps or duplicates. The last event
/// has a final status and, when completed, the validated `artifact`.
#[Object]
impl GenerationEvent {
    /// The generation.
    async fn generation_id(&self) -> ID {
        encode_uuid(NodeKind::Generation, self.0.generation_id)
    }

    /// 1, 2, ... per generation. A snapshot of a generation that ended before you subscribed
    /// (read from storage) has sequence 0.
    async fn sequence(&self) -> i64 {
        i64::try_from(self.0.sequence).unwrap_or(i64::MAX)
    }

    /// The generation's status after this event.
    async fn status(&self) -> GenerationStatusValue {
        self.0.status.into()
    }

    /// New text from the model (in a snapshot: all text so far).
    async fn delta(&self) -> &str {
        &self.0.delta
    }

    /// The object parsed from the text so far: complete fields, and the prefix of a string
    /// still arriving.
    async fn partial(&self) -> Option<Json<Value>> {
        self.0.partial.as_deref().cloned().map(Json)
    }

    /// The validated artifact (the last event of a completed generation).
    async fn artifact(&self) -> Option<Json<Value>> {
        self.0.artifact.as_deref().cloned().map(Json)
    }

    /// Why it failed or was cancelled (the last event of such a generation).
    async fn error(&self) -> Option<&str> {
        self.0.error.as_deref()
    }

    /// 1 for the first model attempt, 2 for the repair attempt (its text starts afresh).
    async fn attempt(&self) -> i32 {
        i32::try_from(self.0.attempt).unwrap_or(i32::MAX)
    }

    /// Whether this event is a snapshot of everything so far.
    async fn snapshot(&self) -> bool {
        self.0.snapshot
    }
}
