//! AI strategy and onboarding: the wizard, generations, documents and "Edit with AI". Root
//! fields parse arguments and delegate to `crate::strategy`.

use async_graphql::{Context, ID, Object};

use crate::error::ApiResult;
use crate::graphql::node::{NodeKind, decode_uuid};
use crate::graphql::types::edit::*;
use crate::graphql::types::generation::Generation;
use crate::graphql::types::onboarding::*;
use crate::graphql::types::strategy_document::{StrategyArtifactValue, StrategyDocument};
use crate::graphql::{Services, guard};
use crate::strategy::{self, BrandInput};

/// Strategy queries.
#[derive(Debug, Default)]
pub struct StrategyQuery;

#[Object]
impl StrategyQuery {
    /// The onboarding wizard: its step, domain, profiles and running generations. Not for
    /// partner-role users.
    async fn onboarding(&self, ctx: &Context<'_>) -> ApiResult<Onboarding> {
        let member = guard::member(ctx)?;
        Ok(Onboarding(
            strategy::onboarding(ctx.data_unchecked::<Services>(), member).await?,
        ))
    }

    /// A generation of your organisation.
    async fn generation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The generation.")] id: ID,
    ) -> ApiResult<Generation> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&id, NodeKind::Generation, "id")?;
        Ok(Generation(
            strategy::generation(ctx.data_unchecked::<Services>(), member, id).await?,
        ))
    }

    /// The newest version of a strategy document (null before it is first generated).
    async fn strategy_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document.")] artifact: StrategyArtifactValue,
    ) -> ApiResult<Option<StrategyDocument>> {
        let member = guard::member(ctx)?;
        Ok(
            strategy::document(ctx.data_unchecked::<Services>(), member, artifact.into())
                .await?
                .map(StrategyDocument),
        )
    }

    /// An "Edit with AI" conversation.
    async fn edit_conversation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation.")] id: ID,
    ) -> ApiResult<EditConversation> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&id, NodeKind::EditConversation, "id")?;
        Ok(EditConversation(
            strategy::conversation(ctx.data_unchecked::<Services>(), member, id).await?,
        ))
    }
}

/// Strategy mutations (owners and admins).
#[derive(Debug, Default)]
pub struct StrategyMutation;

#[Object]
impl StrategyMutation {
    /// Starts onboarding: the Ideal Customer Profile of the company domain starts streaming at
    /// once (subscribe to `generation`), or is pre-filled from the cache without a model call.
    async fn start_onboarding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Optional company domain.", default)] input: Option<StartOnboardingInput>,
    ) -> ApiResult<StartOnboardingPayload> {
        let member = guard::member(ctx)?;
        let domain = input.as_ref().and_then(|i| i.company_domain.as_deref());
        let (view, generation) =
            strategy::start_onboarding(ctx.data_unchecked::<Services>(), member, domain).await?;
        Ok(StartOnboardingPayload {
            onboarding: Onboarding(view),
            generation: generation.map(Generation),
        })
    }

    /// Confirms the newest ICP; the Ideal Partner Profile starts streaming from it (or is
    /// pre-filled from the cache when it was generated from this exact ICP).
    async fn confirm_icp(&self, ctx: &Context<'_>) -> ApiResult<ConfirmIcpPayload> {
        let member = guard::member(ctx)?;
        let (view, generation) =
            strategy::confirm_icp(ctx.data_unchecked::<Services>(), member).await?;
        Ok(ConfirmIcpPayload {
            onboarding: Onboarding(view),
            generation: generation.map(Generation),
        })
    }

    /// Completes onboarding with brand & identity (once both profiles exist).
    async fn complete_onboarding(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Brand & identity.")] input: CompleteOnboardingInput,
    ) -> ApiResult<CompleteOnboardingPayload> {
        let member = guard::member(ctx)?;
        let brand = BrandInput {
            domain: &input.domain,
            display_name: &input.display_name,
            logo_url: input.logo_url.as_deref(),
            colors: (
                &input.brand_colors.primary,
                &input.brand_colors.secondary,
                &input.brand_colors.accent,
            ),
        };
        let view =
            strategy::complete_onboarding(ctx.data_unchecked::<Services>(), member, &brand).await?;
        Ok(CompleteOnboardingPayload {
            onboarding: Onboarding(view),
        })
    }

    /// Generates a document afresh (always a model call); when it completes it becomes the
    /// newest version and replaces the cache. A failure leaves the current version in place.
    async fn regenerate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document.")] input: RegenerateInput,
    ) -> ApiResult<RegeneratePayload> {
        let member = guard::member(ctx)?;
        let generation = strategy::regenerate(
            ctx.data_unchecked::<Services>(),
            member,
            input.artifact.into(),
        )
        .await?;
        Ok(RegeneratePayload {
            generation: Generation(generation),
        })
    }

    /// Cancels a running generation; nothing it produced is kept.
    async fn cancel_generation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The generation.")] input: CancelGenerationInput,
    ) -> ApiResult<CancelGenerationPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&input.id, NodeKind::Generation, "input.id")?;
        let generation = strategy::cancel(ctx.data_unchecked::<Services>(), member, id).await?;
        Ok(CancelGenerationPayload {
            generation: Generation(generation),
        })
    }

    /// Opens an "Edit with AI" conversation about a document or one of its sections.
    async fn start_edit_conversation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The document and section.")] input: StartEditConversationInput,
    ) -> ApiResult<StartEditConversationPayload> {
        let member = guard::member(ctx)?;
        let conversation = strategy::start_edit_conversation(
            ctx.data_unchecked::<Services>(),
            member,
            input.artifact.into(),
            input.section.as_deref(),
        )
        .await?;
        Ok(StartEditConversationPayload {
            conversation: EditConversation(conversation),
        })
    }

    /// Asks for a change; the proposed content streams as the proposal's generation.
    async fn send_edit_message(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation and instruction.")] input: SendEditMessageInput,
    ) -> ApiResult<SendEditMessagePayload> {
        let member = guard::member(ctx)?;
        let conversation_id = decode_uuid(
            &input.conversation_id,
            NodeKind::EditConversation,
            "input.conversationId",
        )?;
        let (proposal, _) = strategy::send_edit_message(
            ctx.data_unchecked::<Services>(),
            member,
            conversation_id,
            &input.message,
        )
        .await?;
        Ok(SendEditMessagePayload {
            proposal: EditProposal(proposal),
        })
    }

    /// Applies a completed proposal as the document's next version. CONFLICT when the document
    /// is no longer at `expectedVersion` (the proposal stays open).
    async fn accept_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal and the version you saw.")] input: AcceptProposalInput,
    ) -> ApiResult<AcceptProposalPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(
            &input.proposal_id,
            NodeKind::EditProposal,
            "input.proposalId",
        )?;
        let (proposal, document) = strategy::accept_proposal(
            ctx.data_unchecked::<Services>(),
            member,
            id,
            input.expected_version,
        )
        .await?;
        Ok(AcceptProposalPayload {
            proposal: EditProposal(proposal),
            document: StrategyDocument(document),
        })
    }

    /// Drops an open proposal; the conversation goes on.
    async fn discard_proposal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The proposal.")] input: DiscardProposalInput,
    ) -> ApiResult<DiscardProposalPayload> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(
            &input.proposal_id,
            NodeKind::EditProposal,
            "input.proposalId",
        )?;
        let proposal =
            strategy::discard_proposal(ctx.data_unchecked::<Services>(), member, id).await?;
        Ok(DiscardProposalPayload {
            proposal: EditProposal(proposal),
        })
    }
}
