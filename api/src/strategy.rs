//! Strategy use cases: the onboarding wizard (ICP → IPP → brand & identity), regenerating a
//! document, and "Edit with AI" conversations whose proposals become new versions when
//! accepted.
//!
//! The ICP and IPP are cached per organisation and company domain: starting onboarding again,
//! or confirming an ICP whose IPP was already generated from exactly that ICP, pre-fills the
//! document from the cache without a model call. `regenerate` always calls the model and
//! overwrites the cache.

use partnergraph_domain::CompanyDomain;
use partnergraph_domain::strategy::{
    Artifact, BrandColors, GenerationKind, HexColor, OnboardingProgress, can_manage_strategy,
    can_read_strategy,
};
use partnergraph_llm::artifacts::{IdealCustomerProfile, IdealPartnerProfile};
use partnergraph_llm::model::{ChatRequest, Message};
use partnergraph_llm::prompts;
use partnergraph_llm::structured::OutputContract;
use partnergraph_persistence::edits::{
    self, AcceptError, Acceptance, Conversation, Proposal, Speaker,
};
use partnergraph_persistence::generations::{self, Generation, Outcome};
use partnergraph_persistence::strategy::{self as stored, Brand, Onboarding, Version};
use partnergraph_persistence::types::now;
use partnergraph_persistence::{DbError, organizations};
use serde_json::Value;
use uuid::Uuid;

use crate::ai::{Job, Launched, input_hash};
use crate::auth::{Actor, Member};
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;

/// Longest instruction in an edit conversation.
pub const MAX_MESSAGE_CHARS: usize = 4_000;
/// Longest display name.
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;
/// Longest logo URL.
pub const MAX_LOGO_URL_CHARS: usize = 2_000;

/// The output contract of a document.
pub fn contract(artifact: Artifact) -> OutputContract {
    match artifact {
        Artifact::Icp => OutputContract::of::<IdealCustomerProfile>(),
        Artifact::Ipp => OutputContract::of::<IdealPartnerProfile>(),
    }
}

fn prompt_version(artifact: Artifact) -> &'static str {
    match artifact {
        Artifact::Icp => prompts::ICP_PROMPT_VERSION,
        Artifact::Ipp => prompts::IPP_PROMPT_VERSION,
    }
}

pub(crate) fn actor_id(member: &Member) -> Uuid {
    match member.actor {
        Actor::User { id, .. } | Actor::ApiKey { id } => id,
    }
}

/// The onboarding wizard as a client sees it.
#[derive(Debug, Clone)]
pub struct OnboardingView {
    /// Stored progress (absent before `startOnboarding`).
    pub stored: Option<Onboarding>,
    /// The domain profiles are (or will be) generated for.
    pub domain: String,
    /// Derived progress.
    pub progress: OnboardingProgress,
    /// The newest ICP version.
    pub icp: Option<Version>,
    /// The newest IPP version.
    pub ipp: Option<Version>,
    /// The ICP generation running now.
    pub icp_generation: Option<Generation>,
    /// The IPP generation running now.
    pub ipp_generation: Option<Generation>,
    /// Brand & identity.
    pub brand: Brand,
}

/// Reads the wizard's state.
pub async fn onboarding(services: &Services, member: &Member) -> ApiResult<OnboardingView> {
    can_read_strategy(member.role)?;
    view(services, member.org_id).await
}

async fn view(services: &Services, org_id: Uuid) -> ApiResult<OnboardingView> {
    let mut conn = services.db.conn().await?;
    let stored = stored::onboarding(&mut conn, org_id).await?;
    let domain = match &stored {
        Some(onboarding) => onboarding.domain.clone(),
        None => {
            organizations::by_id(&mut conn, org_id)
                .await?
                .ok_or(ApiError::NotFound("organization"))?
                .domain
        }
    };
    let icp = stored::latest(&mut conn, org_id, Artifact::Icp).await?;
    let ipp = stored::latest(&mut conn, org_id, Artifact::Ipp).await?;
    let icp_generation =
        generations::running_for(&mut conn, org_id, &Artifact::Icp.target()).await?;
    let ipp_generation =
        generations::running_for(&mut conn, org_id, &Artifact::Ipp.target()).await?;
    let brand = stored::brand(&mut conn, org_id).await?;
    let progress = OnboardingProgress {
        has_icp: icp.is_some(),
        icp_confirmed: stored
            .as_ref()
            .is_some_and(|o| o.icp_confirmed_version.is_some()),
        has_ipp: ipp.is_some(),
        completed: stored.as_ref().is_some_and(|o| o.completed_at.is_some()),
    };
    Ok(OnboardingView {
        stored,
        domain,
        progress,
        icp,
        ipp,
        icp_generation,
        ipp_generation,
        brand,
    })
}

fn document_job(member: &Member, artifact: Artifact, domain: &str, request: ChatRequest) -> Job {
    Job {
        org_id: member.org_id,
        kind: GenerationKind::from(artifact),
        target: artifact.target(),
        prompt_version: prompt_version(artifact).to_owned(),
        request,
        contract: contract(artifact),
        outcome: Outcome::Document {
            artifact,
            cache_domain: Some(domain.to_owned()),
        },
        section_of: None,
        requested_by: Some(actor_id(member)),
        then: None,
    }
}

/// Pre-fills `artifact` from the cache when it holds a document generated from exactly this
/// request; otherwise starts (or joins) its generation.
async fn prefill_or_generate(
    services: &Services,
    member: &Member,
    artifact: Artifact,
    domain: &str,
    request: ChatRequest,
) -> ApiResult<Option<Generation>> {
    let hash = input_hash(prompt_version(artifact), &request);
    let mut conn = services.db.conn().await?;
    if let Some(running) =
        generations::running_for(&mut conn, member.org_id, &artifact.target()).await?
    {
        return Ok(Some(running));
    }
    if let Some(cached) = stored::cached(&mut conn, member.org_id, domain, artifact).await?
        && cached.input_hash == hash
    {
        stored::prefill(&mut conn, member.org_id, artifact, &cached, now()).await?;
        return Ok(None);
    }
    drop(conn);
    let job = document_job(member, artifact, domain, request);
    let launched = services.ai.launch(job, async |_| Ok(())).await?;
    Ok(Some(launched.generation().clone()))
}

/// Starts onboarding: the ICP of the company domain (the organisation's unless given) is
/// pre-filled from the cache or starts generating at once.
pub async fn start_onboarding(
    services: &Services,
    member: &Member,
    company_domain: Option<&str>,
) -> ApiResult<(OnboardingView, Option<Generation>)> {
    can_manage_strategy(member.role)?;
    let current = view(services, member.org_id).await?;
    if current.progress.completed {
        return Err(ApiError::bad_input(
            "input",
            "onboarding is already complete; use regenerate or Edit with AI on the strategy documents",
        ));
    }
    let domain = match company_domain {
        Some(given) => {
            let domain = CompanyDomain::parse(given)
                .map_err(|e| ApiError::bad_input("input.companyDomain", e.to_string()))?;
            if domain.is_personal_email_provider() {
                return Err(ApiError::bad_input(
                    "input.companyDomain",
                    "a personal e-mail provider is not a company domain; enter your company's domain",
                ));
            }
            domain.as_str().to_owned()
        }
        None => current.domain.clone(),
    };
    {
        let mut conn = services.db.conn().await?;
        stored::start_onboarding(&mut conn, member.org_id, &domain, now()).await?;
    }
    let generation = prefill_or_generate(
        services,
        member,
        Artifact::Icp,
        &domain,
        prompts::icp(&domain),
    )
    .await?;
    Ok((view(services, member.org_id).await?, generation))
}

/// Confirms the newest ICP; the IPP is pre-filled from the cache (same ICP) or starts
/// generating from it.
pub async fn confirm_icp(
    services: &Services,
    member: &Member,
) -> ApiResult<(OnboardingView, Option<Generation>)> {
    can_manage_strategy(member.role)?;
    let current = view(services, member.org_id).await?;
    if current.stored.is_none() {
        return Err(ApiError::bad_input("input", "start onboarding first"));
    }
    if current.icp_generation.is_some() {
        return Err(ApiError::bad_input(
            "input",
            "the Ideal Customer Profile is still generating; confirm it once it is complete",
        ));
    }
    current
        .progress
        .can_confirm_icp()
        .map_err(|message| ApiError::bad_input("input", message))?;
    let icp = current.icp.as_ref().ok_or(ApiError::NotFound("ICP"))?;
    {
        let mut conn = services.db.conn().await?;
        stored::confirm_icp(&mut conn, member.org_id, icp.version, now()).await?;
    }
    let request = prompts::ipp(&current.domain, &icp.content);
    let generation =
        prefill_or_generate(services, member, Artifact::Ipp, &current.domain, request).await?;
    Ok((view(services, member.org_id).await?, generation))
}

/// Brand & identity as given.
#[derive(Debug, Clone)]
pub struct BrandInput<'a> {
    /// Company domain (must be the onboarding domain).
    pub domain: &'a str,
    /// Display name.
    pub display_name: &'a str,
    /// Logo URL.
    pub logo_url: Option<&'a str>,
    /// Primary, secondary and accent colours.
    pub colors: (&'a str, &'a str, &'a str),
}

fn parse_brand(input: &BrandInput<'_>, onboarding_domain: &str) -> ApiResult<Brand> {
    let domain = CompanyDomain::parse(input.domain)
        .map_err(|e| ApiError::bad_input("input.domain", e.to_string()))?;
    if domain.as_str() != onboarding_domain {
        return Err(ApiError::bad_input(
            "input.domain",
            format!(
                "the profiles were generated for {onboarding_domain}; start onboarding with {} to use that domain",
                domain.as_str()
            ),
        ));
    }
    let display_name = input.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(ApiError::bad_input(
            "input.displayName",
            format!("a display name has 1 to {MAX_DISPLAY_NAME_CHARS} characters"),
        ));
    }
    let logo_url = match input.logo_url.map(str::trim).filter(|u| !u.is_empty()) {
        None => None,
        Some(url) => {
            let parsed = url::Url::parse(url)
                .ok()
                .filter(|u| matches!(u.scheme(), "https" | "http") && u.host_str().is_some());
            if parsed.is_none() || url.len() > MAX_LOGO_URL_CHARS {
                return Err(ApiError::bad_input(
                    "input.logoUrl",
                    "the logo must be an http(s) URL of at most 2000 characters",
                ));
            }
            Some(url.to_owned())
        }
    };
    let colour = |value: &str, field: &str| {
        HexColor::parse(value).map_err(|e| ApiError::bad_input(field, e.to_string()))
    };
    Ok(Brand {
        display_name: display_name.to_owned(),
        logo_url,
        colors: Some(BrandColors {
            primary: colour(input.colors.0, "input.brandColors.primary")?,
            secondary: colour(input.colors.1, "input.brandColors.secondary")?,
            accent: colour(input.colors.2, "input.brandColors.accent")?,
        }),
    })
}

/// Completes onboarding with brand & identity (only once both profiles exist).
pub async fn complete_onboarding(
    services: &Services,
    member: &Member,
    input: &BrandInput<'_>,
) -> ApiResult<OnboardingView> {
    can_manage_strategy(member.role)?;
    let current = view(services, member.org_id).await?;
    if current.stored.is_none() {
        return Err(ApiError::bad_input("input", "start onboarding first"));
    }
    current
        .progress
        .can_complete()
        .map_err(|message| ApiError::bad_input("input", message))?;
    let brand = parse_brand(input, &current.domain)?;
    let mut conn = services.db.conn().await?;
    stored::complete_onboarding(&mut conn, member.org_id, &current.domain, &brand, now())
        .await
        .map_err(|error| match error {
            DbError::UniqueViolation { .. } => ApiError::Conflict(format!(
                "another organisation already uses {}",
                current.domain
            )),
            other => other.into(),
        })?;
    drop(conn);
    view(services, member.org_id).await
}

/// Generates a fresh version of a document (the model is always called; the cache is
/// overwritten when it completes). The IPP is generated from the newest ICP.
pub async fn regenerate(
    services: &Services,
    member: &Member,
    artifact: Artifact,
) -> ApiResult<Generation> {
    can_manage_strategy(member.role)?;
    let current = view(services, member.org_id).await?;
    let request = match artifact {
        Artifact::Icp => prompts::icp(&current.domain),
        Artifact::Ipp => {
            let icp = current.icp.as_ref().ok_or_else(|| {
                ApiError::bad_input(
                    "input.artifact",
                    "generate the Ideal Customer Profile first",
                )
            })?;
            prompts::ipp(&current.domain, &icp.content)
        }
    };
    let job = document_job(member, artifact, &current.domain, request);
    let launched = services.ai.launch(job, async |_| Ok(())).await?;
    Ok(launched.generation().clone())
}

/// A generation of the organisation.
pub async fn generation(services: &Services, member: &Member, id: Uuid) -> ApiResult<Generation> {
    can_read_strategy(member.role)?;
    let mut conn = services.db.conn().await?;
    generations::by_id(&mut conn, member.org_id, id)
        .await?
        .ok_or(ApiError::NotFound("generation"))
}

/// Cancels a running generation of the organisation.
pub async fn cancel(services: &Services, member: &Member, id: Uuid) -> ApiResult<Generation> {
    can_manage_strategy(member.role)?;
    services.ai.cancel(member.org_id, id).await
}

/// The newest version of a document (`None` before it is first generated).
pub async fn document(
    services: &Services,
    member: &Member,
    artifact: Artifact,
) -> ApiResult<Option<Version>> {
    can_read_strategy(member.role)?;
    let mut conn = services.db.conn().await?;
    Ok(stored::latest(&mut conn, member.org_id, artifact).await?)
}

/// Opens an edit conversation about a document, or one of its sections.
pub async fn start_edit_conversation(
    services: &Services,
    member: &Member,
    artifact: Artifact,
    section: Option<&str>,
) -> ApiResult<Conversation> {
    can_manage_strategy(member.role)?;
    let section = section.map(str::trim).filter(|s| !s.is_empty());
    if let Some(section) = section
        && !contract(artifact).sections().iter().any(|s| s == section)
    {
        return Err(ApiError::bad_input(
            "input.section",
            format!(
                "{artifact} has no section `{section}`; sections: {}",
                contract(artifact).sections().join(", ")
            ),
        ));
    }
    let mut conn = services.db.conn().await?;
    if stored::latest(&mut conn, member.org_id, artifact)
        .await?
        .is_none()
    {
        return Err(ApiError::bad_input(
            "input.artifact",
            format!("there is no {artifact} to edit yet; generate it first"),
        ));
    }
    let conversation = Conversation {
        org_id: member.org_id,
        id: Uuid::now_v7(),
        artifact,
        section: section.map(str::to_owned),
        created_by: actor_id(member),
        created_at: now(),
    };
    edits::create_conversation(&mut conn, &conversation).await?;
    Ok(conversation)
}

/// A conversation of the organisation.
pub async fn conversation(
    services: &Services,
    member: &Member,
    id: Uuid,
) -> ApiResult<Conversation> {
    can_read_strategy(member.role)?;
    let mut conn = services.db.conn().await?;
    edits::conversation(&mut conn, member.org_id, id)
        .await?
        .ok_or(ApiError::NotFound("conversation"))
}

/// Earlier turns as model messages: instructions, and the proposals made (as JSON).
async fn history(services: &Services, conversation: &Conversation) -> ApiResult<Vec<Message>> {
    let mut conn = services.db.conn().await?;
    let turns = edits::turns(&mut conn, conversation.org_id, conversation.id).await?;
    let proposals = edits::proposals_of(&mut conn, conversation.org_id, conversation.id).await?;
    let mut messages = Vec::with_capacity(turns.len());
    for turn in turns {
        match turn.speaker {
            Speaker::User => messages.push(Message::user(turn.content)),
            Speaker::Assistant => {
                let proposal = proposals.iter().find(|p| Some(p.id) == turn.proposal_id);
                let output = match proposal {
                    Some(p) => generations::by_id(&mut conn, conversation.org_id, p.generation_id)
                        .await?
                        .and_then(|g| g.output),
                    None => None,
                };
                messages.push(Message::assistant(
                    output.map_or(turn.content, |value| value.to_string()),
                ));
            }
        }
    }
    Ok(messages)
}

/// Sends an instruction; the model's proposed content streams as a generation.
pub async fn send_edit_message(
    services: &Services,
    member: &Member,
    conversation_id: Uuid,
    message: &str,
) -> ApiResult<(Proposal, Generation)> {
    can_manage_strategy(member.role)?;
    let message = message.trim();
    if message.is_empty() || message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(ApiError::bad_input(
            "input.message",
            format!("a message has 1 to {MAX_MESSAGE_CHARS} characters"),
        ));
    }
    let conversation = conversation(services, member, conversation_id).await?;
    let document = {
        let mut conn = services.db.conn().await?;
        stored::latest(&mut conn, member.org_id, conversation.artifact)
            .await?
            .ok_or(ApiError::NotFound("document"))?
    };
    let full = contract(conversation.artifact);
    let (contract, section_of) = match &conversation.section {
        Some(section) => (
            full.for_section(section, document.content.clone())
                .ok_or(ApiError::NotFound("section"))?,
            Some((section.clone(), document.content.clone())),
        ),
        None => (full.clone(), None),
    };
    let history = history(services, &conversation).await?;
    let request = prompts::edit(
        conversation.artifact.as_str(),
        &full,
        &document.content,
        conversation.section.as_deref(),
        &history,
        message,
    );
    let proposal_id = Uuid::now_v7();
    let artifact = conversation.artifact;
    let job = Job {
        org_id: member.org_id,
        kind: GenerationKind::Edit,
        target: format!("conversation:{}", conversation.id),
        prompt_version: prompts::EDIT_PROMPT_VERSION.to_owned(),
        request,
        contract,
        outcome: Outcome::Proposal {
            conversation_id: conversation.id,
            proposal_id,
            message: format!(
                "Proposed an updated {}{}.",
                artifact,
                conversation
                    .section
                    .as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default()
            ),
        },
        section_of,
        requested_by: Some(actor_id(member)),
        then: None,
    };
    let db = services.db.clone();
    let base_version = document.version;
    let text = message.to_owned();
    let launched = services
        .ai
        .launch(job, async move |generation: &Generation| {
            let proposal = Proposal {
                org_id: generation.org_id,
                id: proposal_id,
                conversation_id,
                generation_id: generation.id,
                base_version,
                status: partnergraph_domain::strategy::ProposalStatus::Open,
                accepted_version: None,
                decided_by: None,
                decided_at: None,
                created_at: generation.created_at,
            };
            let mut conn = db.conn().await?;
            edits::ask(&mut conn, &proposal, &text).await?;
            Ok(())
        })
        .await?;
    let generation = match launched {
        Launched::Started(generation) => generation,
        Launched::Joined(_) => {
            return Err(ApiError::Conflict(
                "the previous message is still being answered; wait for its proposal or cancel its generation".to_owned(),
            ));
        }
    };
    let mut conn = services.db.conn().await?;
    let proposal = edits::proposal(&mut conn, member.org_id, proposal_id)
        .await?
        .ok_or(ApiError::NotFound("proposal"))?;
    Ok((proposal, generation))
}

/// A proposal of the organisation.
pub async fn proposal(services: &Services, member: &Member, id: Uuid) -> ApiResult<Proposal> {
    can_read_strategy(member.role)?;
    let mut conn = services.db.conn().await?;
    edits::proposal(&mut conn, member.org_id, id)
        .await?
        .ok_or(ApiError::NotFound("proposal"))
}

/// Applies a proposal as the document's next version. `expected_version` is the version the
/// client saw; if the document moved on (or the proposal was made against an older version),
/// CONFLICT, and the proposal stays open.
pub async fn accept_proposal(
    services: &Services,
    member: &Member,
    id: Uuid,
    expected_version: i32,
) -> ApiResult<(Proposal, Version)> {
    can_manage_strategy(member.role)?;
    let proposal = proposal(services, member, id).await?;
    let mut conn = services.db.conn().await?;
    let conversation = edits::conversation(&mut conn, member.org_id, proposal.conversation_id)
        .await?
        .ok_or(ApiError::NotFound("conversation"))?;
    let generation = generations::by_id(&mut conn, member.org_id, proposal.generation_id)
        .await?
        .ok_or(ApiError::NotFound("generation"))?;
    let content: Value = match (generation.status, generation.output.clone()) {
        (partnergraph_domain::strategy::GenerationStatus::Completed, Some(output)) => output,
        (status, _) if status.is_final() => {
            return Err(ApiError::bad_input(
                "input.proposalId",
                format!("the proposal's generation ended {status}; send the message again"),
            ));
        }
        _ => {
            return Err(ApiError::bad_input(
                "input.proposalId",
                "the proposal is still being generated",
            ));
        }
    };
    let cache_domain = stored::onboarding(&mut conn, member.org_id)
        .await?
        .map(|o| o.domain);
    let acceptance = Acceptance {
        proposal_id: id,
        artifact: conversation.artifact,
        expected_version,
        content,
        model: generation.model.clone(),
        prompt_version: generation.prompt_version.clone(),
        generation_id: generation.id,
        author_id: actor_id(member),
        cache_domain,
        at: now(),
    };
    let version = edits::accept(&mut conn, member.org_id, &acceptance)
        .await
        .map_err(|error| match error {
            AcceptError::NotOpen(status) => {
                ApiError::Conflict(format!("the proposal is already {status}"))
            }
            AcceptError::Stale { current } => ApiError::Conflict(format!(
                "the document is at version {current}, not {expected_version} or the version this proposal was made against; read it again and ask for a new proposal"
            )),
            AcceptError::Db(error) => error.into(),
        })?;
    let proposal = edits::proposal(&mut conn, member.org_id, id)
        .await?
        .ok_or(ApiError::NotFound("proposal"))?;
    let document = stored::version(&mut conn, member.org_id, conversation.artifact, version)
        .await?
        .ok_or(ApiError::NotFound("document"))?;
    Ok((proposal, document))
}

/// Drops an open proposal.
pub async fn discard_proposal(
    services: &Services,
    member: &Member,
    id: Uuid,
) -> ApiResult<Proposal> {
    can_manage_strategy(member.role)?;
    let proposal = proposal(services, member, id).await?;
    let mut conn = services.db.conn().await?;
    if !edits::discard(&mut conn, member.org_id, id, actor_id(member), now()).await? {
        return Err(ApiError::Conflict(format!(
            "the proposal is already {}",
            proposal.status
        )));
    }
    edits::proposal(&mut conn, member.org_id, id)
        .await?
        .ok_or(ApiError::NotFound("proposal"))
}
