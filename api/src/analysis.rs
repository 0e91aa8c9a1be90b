//! AI partner analysis: one generation per partner scoring fit against the organisation's
//! current Ideal Partner Profile, relationship health, the 4C sub-scores with their rationales,
//! key strengths and a summary, from the partner's profile and deals. A completed analysis is
//! written to the partner as a versioned, audited change that leaves overridden fields alone.
//!
//! `refreshPartnerScores` starts a batch; model calls run at most `--llm-concurrency` at a time
//! and the rest wait `PENDING`, so the batch's generations report its progress. A new partner
//! is analysed in the background once the organisation has an IPP and a model.

use std::sync::Arc;

use partnergraph_domain::partners::{KeyStrength, Score, can_write_partners};
use partnergraph_domain::strategy::{Artifact, GenerationKind};
use partnergraph_llm::partner_analysis::PartnerAnalysis;
use partnergraph_llm::prompts;
use partnergraph_llm::structured::OutputContract;
use partnergraph_persistence::generations::{Generation, Outcome};
use partnergraph_persistence::partners::{FourCRationales, Partner};
use partnergraph_persistence::strategy as stored;
use partnergraph_persistence::types::now;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::ai::{AfterCompletion, Job};
use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;
use crate::partners::{keep_overridden, save, visible};

/// Most partners one `refreshPartnerScores` call may analyse.
pub const MAX_BATCH: usize = 100;

/// Times a write that lost a race with a person's edit is retried on the fresh partner.
const WRITE_ATTEMPTS: usize = 3;

/// What the model is told about a partner (no contacts, no people).
fn profile(partner: &Partner) -> Value {
    json!({
        "name": partner.name,
        "domain": partner.domain,
        "industry": partner.industry,
        "description": partner.description,
        "employees": partner.employees,
        "regions": partner.regions,
        "languages": partner.languages,
        "services": partner.services,
        "products": partner.products,
        "type": partner.partner_type.to_string(),
        "subtype": partner.subtype,
        "status": partner.status.to_string(),
        "stage": partner.stage.to_string(),
        "tags": partner.tags.iter().map(|(_, value)| value).collect::<Vec<_>>(),
    })
}

/// The partner's deal rollups, money in major units with the currency.
fn deals(partner: &Partner) -> Value {
    let f = &partner.financials;
    json!({
        "currency": f.pipeline.currency().code(),
        "pipeline": f.pipeline.to_string(),
        "revenue": f.revenue.to_string(),
        "activeDeals": f.active_deals,
        "closedDeals": f.closed_deals,
        "customers": f.customers,
        "annualRevenueTarget": partner.joint_plan.annual_revenue_target.map(|m| m.to_string()),
    })
}

fn score(value: u8) -> Option<Score> {
    Score::parse(i64::from(value)).ok()
}

/// `current` with the analysis applied (overridden fields kept as they are).
fn analysed(current: &Partner, analysis: &PartnerAnalysis) -> Partner {
    let mut next = current.clone();
    let insights = &mut next.insights;
    insights.fit_score = score(analysis.fit_score);
    insights.health_score = score(analysis.health_score);
    let four_c = &analysis.four_c;
    insights.capacity = score(four_c.capacity.score);
    insights.capability = score(four_c.capability.score);
    insights.commitment = score(four_c.commitment.score);
    insights.customer_alignment = score(four_c.customer_alignment.score);
    insights.four_c_rationales = FourCRationales {
        capacity: Some(four_c.capacity.rationale.clone()),
        capability: Some(four_c.capability.rationale.clone()),
        commitment: Some(four_c.commitment.rationale.clone()),
        customer_alignment: Some(four_c.customer_alignment.rationale.clone()),
    };
    insights.key_strengths = KeyStrength::distinct(analysis.key_strengths.iter().filter_map(|s| {
        KeyStrength::parse(&s.label, Some(&s.description), Some(i64::from(s.score))).ok()
    }));
    insights.ai_summary = Some(analysis.summary.clone());
    insights.analyzed_at = Some(now());
    keep_overridden(current, &mut next);
    next
}

/// Writes a completed analysis to its partner, retrying on a concurrent edit.
async fn apply(
    services: &Services,
    member: &Member,
    partner_id: Uuid,
    output: Value,
) -> ApiResult<()> {
    let analysis: PartnerAnalysis = serde_json::from_value(output)
        .map_err(|e| ApiError::internal(format!("a validated analysis did not parse: {e}")))?;
    for _ in 0..WRITE_ATTEMPTS {
        let current = visible(services, member, partner_id).await?;
        let next = analysed(&current, &analysis);
        // Recorded as an update by the requester (the audit log knows create, update, archive,
        // unarchive and delete); its changes show the scores.
        match save(services, member, &current, next, current.version, "update").await {
            Ok(_) => return Ok(()),
            Err(ApiError::Conflict(_)) => continue,
            Err(error) => return Err(error),
        }
    }
    Err(ApiError::Conflict(
        "the partner kept changing while its analysis was written".to_owned(),
    ))
}

fn job(
    services: &Services,
    member: &Member,
    partner: &Partner,
    ideal_partner_profile: &Value,
) -> Job {
    let (services, member_for_write, partner_id) = (services.clone(), member.clone(), partner.id);
    Job {
        org_id: member.org_id,
        kind: GenerationKind::PartnerAnalysis,
        target: format!("partner:{}", partner.id),
        prompt_version: prompts::PARTNER_ANALYSIS_PROMPT_VERSION.to_owned(),
        request: prompts::partner_analysis(
            &profile(partner),
            &deals(partner),
            ideal_partner_profile,
        ),
        contract: OutputContract::of::<PartnerAnalysis>(),
        outcome: Outcome::Plain,
        section_of: None,
        requested_by: Some(crate::strategy::actor_id(member)),
        then: Some(AfterCompletion(Arc::new(move |output| {
            let (services, member) = (services.clone(), member_for_write.clone());
            Box::pin(async move { apply(&services, &member, partner_id, output).await })
        }))),
    }
}

async fn ideal_partner_profile(services: &Services, org_id: Uuid) -> ApiResult<Option<Value>> {
    let mut conn = services.db.conn().await?;
    Ok(stored::latest(&mut conn, org_id, Artifact::Ipp)
        .await?
        .map(|version| version.content))
}

/// Starts (or joins) the analysis of each partner; the generations report the batch's progress.
pub async fn refresh(
    services: &Services,
    member: &Member,
    partner_ids: &[Uuid],
) -> ApiResult<Vec<Generation>> {
    can_write_partners(member.role)?;
    if partner_ids.is_empty() || partner_ids.len() > MAX_BATCH {
        return Err(ApiError::bad_input(
            "input.partnerIds",
            format!("name 1 to {MAX_BATCH} partners"),
        ));
    }
    let mut partners = Vec::with_capacity(partner_ids.len());
    for (i, id) in partner_ids.iter().enumerate() {
        if partner_ids[..i].contains(id) {
            continue;
        }
        partners.push(visible(services, member, *id).await?);
    }
    services.ai.model()?;
    let ipp = ideal_partner_profile(services, member.org_id)
        .await?
        .ok_or_else(|| {
            ApiError::bad_input(
                "input.partnerIds",
                "there is no Ideal Partner Profile to score against yet; complete onboarding first",
            )
        })?;
    let mut generations = Vec::with_capacity(partners.len());
    for partner in &partners {
        let launched = services
            .ai
            .launch(job(services, member, partner, &ipp), async |_| Ok(()))
            .await?;
        generations.push(launched.generation().clone());
    }
    Ok(generations)
}

/// Analyses a new partner in the background when the organisation has a model and an IPP;
/// anything in the way (no model, no IPP, budget spent) is logged, never an error.
pub fn after_create(services: &Services, member: &Member, partner: &Partner) {
    if !services.ai.is_available() {
        return;
    }
    let (services, member, partner) = (services.clone(), member.clone(), partner.clone());
    tokio::spawn(async move {
        let started = async {
            let Some(ipp) = ideal_partner_profile(&services, member.org_id).await? else {
                return Ok(());
            };
            services
                .ai
                .launch(job(&services, &member, &partner, &ipp), async |_| Ok(()))
                .await
                .map(|_| ())
        };
        if let Err(error) = started.await {
            tracing::warn!(partner.id = %partner.id, error.message = %error.message(), "could not start the analysis of a new partner");
        }
    });
}
