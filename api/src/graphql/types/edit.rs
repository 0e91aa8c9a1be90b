//! "Edit with AI": `EditConversation`, `EditMessage`, `EditProposal`, and their inputs and payloads.

use async_graphql::{Context, Enum, ID, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use partnergraph_domain::strategy as domain;
use partnergraph_persistence::edits::{self, Conversation, Proposal, Speaker, Turn};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::generation::Generation;
use crate::graphql::types::strategy_document::{StrategyArtifactValue, StrategyDocument};
use crate::graphql::{Services, guard};

/// Where a proposal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "ProposalStatus", remote = "domain::ProposalStatus")]
pub enum ProposalStatusValue {
    /// Not decided (its generation may still be streaming, or may have failed).
    Open,
    /// Applied as a new version.
    Accepted,
    /// Dropped.
    Discarded,
}

/// Who said something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum EditRole {
    /// The person editing.
    User,
    /// The model.
    Assistant,
}

/// A conversation with the model about one strategy document, optionally one section of it.
#[derive(Debug, Clone)]
pub struct EditConversation(pub Conversation);

/// A conversation with the model about one strategy document, optionally one section of it.
#[Object]
impl EditConversation {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::EditConversation, self.0.id)
    }

    /// The document.
    async fn artifact(&self) -> StrategyArtifactValue {
        self.0.artifact.into()
    }

    /// The section (a top-level field of the document) it is scoped to.
    async fn section(&self) -> Option<&str> {
        self.0.section.as_deref()
    }

    /// When it was opened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The document's newest version.
    async fn document(&self, ctx: &Context<'_>) -> ApiResult<Option<StrategyDocument>> {
        let member = guard::member(ctx)?;
        Ok(
            crate::strategy::document(ctx.data_unchecked::<Services>(), member, self.0.artifact)
                .await?
                .map(StrategyDocument),
        )
    }

    /// The turns, oldest first.
    async fn messages(&self, ctx: &Context<'_>) -> ApiResult<Vec<EditMessage>> {
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        let turns = edits::turns(&mut conn, self.0.org_id, self.0.id).await?;
        Ok(turns
            .into_iter()
            .map(|turn| EditMessage {
                org_id: self.0.org_id,
                turn,
            })
            .collect())
    }

    /// The proposals made, oldest first.
    async fn proposals(&self, ctx: &Context<'_>) -> ApiResult<Vec<EditProposal>> {
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        Ok(edits::proposals_of(&mut conn, self.0.org_id, self.0.id)
            .await?
            .into_iter()
            .map(EditProposal)
            .collect())
    }
}

/// One turn of a conversation.
#[derive(Debug, Clone)]
pub struct EditMessage {
    org_id: uuid::Uuid,
    turn: Turn,
}

/// One turn of an "Edit with AI" conversation.
#[Object]
impl EditMessage {
    /// Position in the conversation, from 1.
    async fn seq(&self) -> i32 {
        self.turn.seq
    }

    /// Who said it.
    async fn role(&self) -> EditRole {
        match self.turn.speaker {
            Speaker::User => EditRole::User,
            Speaker::Assistant => EditRole::Assistant,
        }
    }

    /// What was said.
    async fn content(&self) -> &str {
        &self.turn.content
    }

    /// The proposal an assistant turn made.
    async fn proposal(&self, ctx: &Context<'_>) -> ApiResult<Option<EditProposal>> {
        let Some(id) = self.turn.proposal_id else {
            return Ok(None);
        };
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        Ok(edits::proposal(&mut conn, self.org_id, id)
            .await?
            .map(EditProposal))
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.turn.created_at
    }
}

/// A proposed new version of a document, produced by a generation. Accept it with the version
/// you saw (`acceptProposal`), or discard it.
#[derive(Debug, Clone)]
pub struct EditProposal(pub Proposal);

/// A proposed new version of a document, produced by a generation. Accept it with the version
/// you saw (`acceptProposal`), or discard it.
#[Object]
impl EditProposal {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::EditProposal, self.0.id)
    }

    /// Where it is.
    async fn status(&self) -> ProposalStatusValue {
        self.0.status.into()
    }

    /// The document version it was proposed against.
    async fn base_version(&self) -> i32 {
        self.0.base_version
    }

    /// The version accepting it created.
    async fn accepted_version(&self) -> Option<i32> {
        self.0.accepted_version
    }

    /// The conversation.
    async fn conversation_id(&self) -> ID {
        encode_uuid(NodeKind::EditConversation, self.0.conversation_id)
    }

    /// The generation producing it (subscribe to watch the proposal stream).
    async fn generation(&self, ctx: &Context<'_>) -> ApiResult<Generation> {
        let member = guard::member(ctx)?;
        Ok(Generation(
            crate::strategy::generation(
                ctx.data_unchecked::<Services>(),
                member,
                self.0.generation_id,
            )
            .await?,
        ))
    }

    /// The whole proposed document, once its generation completed.
    async fn content(&self, ctx: &Context<'_>) -> ApiResult<Option<Json<Value>>> {
        let member = guard::member(ctx)?;
        match crate::strategy::generation(
            ctx.data_unchecked::<Services>(),
            member,
            self.0.generation_id,
        )
        .await
        {
            Ok(generation) => Ok(generation.output.map(Json)),
            Err(ApiError::NotFound(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// When it was decided.
    async fn decided_at(&self) -> Option<DateTime<Utc>> {
        self.0.decided_at
    }

    /// When it was proposed.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// `regenerate` input.
#[derive(Debug, Clone, InputObject)]
pub struct RegenerateInput {
    /// The document to generate afresh.
    pub artifact: StrategyArtifactValue,
}

/// `regenerate` result.
#[derive(Debug, Clone, SimpleObject)]
pub struct RegeneratePayload {
    /// The generation (the running one, if one was already running).
    pub generation: Generation,
}

/// `cancelGeneration` input.
#[derive(Debug, Clone, InputObject)]
pub struct CancelGenerationInput {
    /// The generation.
    pub id: ID,
}

/// `cancelGeneration` result.
#[derive(Debug, Clone, SimpleObject)]
pub struct CancelGenerationPayload {
    /// The generation: CANCELLED, or as it ended if it ended first.
    pub generation: Generation,
}

/// `startEditConversation` input.
#[derive(Debug, Clone, InputObject)]
pub struct StartEditConversationInput {
    /// The document.
    pub artifact: StrategyArtifactValue,
    /// A top-level section of it (e.g. `painPoints`); omitted: the whole document.
    pub section: Option<String>,
}

/// `startEditConversation` result.
#[derive(Debug, Clone, SimpleObject)]
pub struct StartEditConversationPayload {
    /// The conversation.
    pub conversation: EditConversation,
}

/// `sendEditMessage` input.
#[derive(Debug, Clone, InputObject)]
pub struct SendEditMessageInput {
    /// The conversation.
    pub conversation_id: ID,
    /// What to change (1–4000 characters).
    pub message: String,
}

/// `sendEditMessage` result.
#[derive(Debug, Clone, SimpleObject)]
pub struct SendEditMessagePayload {
    /// The proposal; its generation streams the proposed content.
    pub proposal: EditProposal,
}

/// `acceptProposal` input.
#[derive(Debug, Clone, InputObject)]
pub struct AcceptProposalInput {
    /// The proposal.
    pub proposal_id: ID,
    /// The document version you saw; another version means CONFLICT (nothing is lost).
    pub expected_version: i32,
}

/// `acceptProposal` result.
#[derive(Debug, Clone, SimpleObject)]
pub struct AcceptProposalPayload {
    /// The proposal, accepted.
    pub proposal: EditProposal,
    /// The new version.
    pub document: StrategyDocument,
}

/// `discardProposal` input.
#[derive(Debug, Clone, InputObject)]
pub struct DiscardProposalInput {
    /// The proposal.
    pub proposal_id: ID,
}

/// `discardProposal` result.
#[derive(Debug, Clone, SimpleObject)]
pub struct DiscardProposalPayload {
    /// The proposal, discarded.
    pub proposal: EditProposal,
}
