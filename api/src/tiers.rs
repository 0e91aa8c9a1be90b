//! Automatic tier evaluation, manual overrides and explanations.
//!
//! Evaluation places every partner the change can affect: its segments (stored, for dashboards)
//! and, unless a person set its tier, the highest tier it qualifies for
//! ([`Program::assign`]). It runs when a partner, its deals or the program change, and on
//! demand (`evaluateTiers`). Only partners whose tier or segments change are written, in
//! batches, each tier change with a history row.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use partnergraph_domain::partners::ListField;
use partnergraph_domain::partners::TierSource;
use partnergraph_domain::program::RuleField;
use partnergraph_domain::program::{Program, can_manage_program};
use partnergraph_persistence::audit;
use partnergraph_persistence::program;
use partnergraph_persistence::tiers::{self, Evaluable, EvaluationWrites, Needs, TierChange};
use partnergraph_persistence::types::now;
use uuid::Uuid;

use crate::auth::Member;
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;
use crate::partners::{actor, visible};

/// The most characters of an override reason.
pub const MAX_REASON_CHARS: usize = 1_000;

/// What an evaluation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluationReport {
    /// Partners evaluated.
    pub evaluated: usize,
    /// Partners whose tier changed.
    pub changed: usize,
    /// When.
    pub evaluated_at: DateTime<Utc>,
}

/// What to write for `partners` under `program`: tier changes (partners whose tier a person
/// set keep it, unless listed in `release`) and segment changes. Pure, so it is tested alone.
pub fn plan(
    program: &Program,
    partners: &[Evaluable],
    release: &[Uuid],
    whole_organisation: bool,
) -> EvaluationWrites {
    let names: HashMap<Uuid, String> = program
        .tracks()
        .flat_map(|(_, track)| track.tiers.iter())
        .map(|tier| (tier.id, tier.name.as_str().to_owned()))
        .collect();
    let named = |id: Option<Uuid>| {
        id.map(|id| {
            (
                id,
                names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| "(deleted)".into()),
            )
        })
    };
    let mut writes = EvaluationWrites {
        whole_organisation,
        ..EvaluationWrites::default()
    };
    for partner in partners {
        let assignment = program.assign(&partner.facts);
        let segments: BTreeSet<Uuid> = assignment.segments.iter().copied().collect();
        if segments != partner.segments {
            writes.segments.push((partner.id, segments));
        }
        let manual = partner.tier_source == Some(TierSource::Manual)
            && !release.contains(&partner.id)
            && partner.tier_id.is_some_and(|id| names.contains_key(&id));
        let settled = partner.tier_id == assignment.tier
            && (partner.tier_id.is_none() || partner.tier_source == Some(TierSource::Auto));
        if !manual && !settled {
            writes.tiers.push(TierChange {
                partner_id: partner.id,
                from: named(partner.tier_id),
                to: named(assignment.tier),
                source: TierSource::Auto,
                reason: None,
            });
        }
        if !whole_organisation {
            writes.evaluated.push(partner.id);
        }
    }
    writes
}

/// The list-valued facts the program's rules read (segments' and tiers').
pub fn needs(program: &Program) -> Needs {
    let mut lists = BTreeSet::new();
    let mut tags = false;
    let logics = program.segments.iter().map(|s| &s.logic).chain(
        program
            .tracks()
            .flat_map(|(_, track)| track.tiers.iter().map(|t| &t.logic)),
    );
    for logic in logics {
        for rule in logic.rules() {
            match rule.field() {
                RuleField::Regions => {
                    lists.insert(ListField::Regions);
                }
                RuleField::Languages => {
                    lists.insert(ListField::Languages);
                }
                RuleField::Services => {
                    lists.insert(ListField::Services);
                }
                RuleField::Products => {
                    lists.insert(ListField::Products);
                }
                RuleField::Tags => tags = true,
                _ => {}
            }
        }
    }
    Needs {
        lists: lists.into_iter().collect(),
        tags,
    }
}

/// Evaluates `ids` (`None`: every partner of the organisation) and writes what changed.
pub async fn evaluate(
    services: &Services,
    org_id: Uuid,
    ids: Option<&[Uuid]>,
    release: &[Uuid],
    actor: audit::Actor,
) -> ApiResult<EvaluationReport> {
    let mut conn = services.db.conn().await?;
    let stored = program::load(&mut conn, org_id).await?;
    let partners = tiers::evaluables(&mut conn, org_id, ids, &needs(&stored.program)).await?;
    let writes = plan(&stored.program, &partners, release, ids.is_none());
    let at = now();
    if !writes.tiers.is_empty()
        || !writes.segments.is_empty()
        || !writes.evaluated.is_empty()
        || writes.whole_organisation
    {
        tiers::write_evaluation(&mut conn, org_id, &writes, actor, at).await?;
    }
    Ok(EvaluationReport {
        evaluated: partners.len(),
        changed: writes.tiers.len(),
        evaluated_at: at,
    })
}

/// Re-evaluates after partners (or their deals) changed.
pub async fn partners_changed(
    services: &Services,
    member: &Member,
    partner_ids: &[Uuid],
) -> ApiResult<()> {
    if partner_ids.is_empty() {
        return Ok(());
    }
    evaluate(
        services,
        member.org_id,
        Some(partner_ids),
        &[],
        actor(member),
    )
    .await
    .map(|_| ())
}

/// Re-evaluates after a program change: every partner of the organisation, since a rule, a
/// rank or a track's partner types can move any of them. `affected` (partners that lost a
/// deleted tier) is always among them; it is taken for the record and the logs.
pub async fn program_changed(
    services: &Services,
    member: &Member,
    affected: &[Uuid],
) -> ApiResult<()> {
    tracing::debug!(
        partners.untiered = affected.len(),
        "program changed; re-evaluating every partner"
    );
    evaluate(services, member.org_id, None, &[], actor(member))
        .await
        .map(|_| ())
}

/// `evaluateTiers`: owners and admins evaluate some partners, or all.
pub async fn evaluate_on_demand(
    services: &Services,
    member: &Member,
    ids: Option<Vec<Uuid>>,
) -> ApiResult<EvaluationReport> {
    can_manage_program(member.role)?;
    if let Some(ids) = &ids {
        if ids.len() > 1_000 {
            return Err(ApiError::bad_input(
                "input.partnerIds",
                "at most 1,000 partners at a time; omit partnerIds to evaluate every partner",
            ));
        }
        for id in ids {
            visible(services, member, *id).await?;
        }
    }
    evaluate(services, member.org_id, ids.as_deref(), &[], actor(member)).await
}

/// `setPartnerTier`: a person sets a partner's tier (owners and admins, with a reason);
/// automatic evaluation leaves it until the override is cleared.
pub async fn set_partner_tier(
    services: &Services,
    member: &Member,
    partner_id: Uuid,
    tier_id: Uuid,
    reason: &str,
) -> ApiResult<()> {
    can_manage_program(member.role)?;
    let reason = partnergraph_domain::partners::optional_text(Some(reason), MAX_REASON_CHARS)
        .map_err(|e| ApiError::bad_input("input.reason", e.to_string()))?
        .ok_or_else(|| ApiError::bad_input("input.reason", "say why the tier is set by hand"))?;
    let partner = visible(services, member, partner_id).await?;
    let mut conn = services.db.conn().await?;
    let stored = program::load(&mut conn, member.org_id).await?;
    let tier = stored
        .program
        .tier(tier_id)
        .ok_or(ApiError::NotFound("tier"))?;
    let from = partner.tier_id.map(|id| {
        (
            id,
            stored
                .program
                .tier(id)
                .map_or_else(|| "(deleted)".to_owned(), |t| t.name.as_str().to_owned()),
        )
    });
    if partner.tier_id == Some(tier_id) && partner.tier_source == Some(TierSource::Manual) {
        return Ok(());
    }
    let writes = EvaluationWrites {
        tiers: vec![TierChange {
            partner_id,
            from,
            to: Some((tier_id, tier.name.as_str().to_owned())),
            source: TierSource::Manual,
            reason: Some(reason),
        }],
        ..EvaluationWrites::default()
    };
    tiers::write_evaluation(&mut conn, member.org_id, &writes, actor(member), now()).await?;
    Ok(())
}

/// `clearPartnerTierOverride`: hands the tier back to automatic evaluation, which runs at once.
pub async fn clear_override(
    services: &Services,
    member: &Member,
    partner_id: Uuid,
) -> ApiResult<()> {
    can_manage_program(member.role)?;
    visible(services, member, partner_id).await?;
    evaluate(
        services,
        member.org_id,
        Some(&[partner_id]),
        &[partner_id],
        actor(member),
    )
    .await
    .map(|_| ())
}

/// What a partner's facts say under `program`: its assignment and its progress from there.
pub struct Simulated<'a> {
    /// Segments, track and tier.
    pub assignment: partnergraph_domain::program::Assignment,
    /// From the assigned tier to the next one up.
    pub progress: partnergraph_domain::program::TierProgress<'a>,
    /// The rules of the assigned tier, checked.
    pub explanation: Vec<partnergraph_domain::program::RuleOutcome>,
}

/// The facts of one partner the member may see (`None` when archived: archived partners are
/// not evaluated).
pub async fn facts_of(
    services: &Services,
    member: &Member,
    partner_id: Uuid,
) -> ApiResult<Option<partnergraph_domain::program::PartnerFacts>> {
    visible(services, member, partner_id).await?;
    let mut conn = services.db.conn().await?;
    Ok(
        tiers::evaluables(&mut conn, member.org_id, Some(&[partner_id]), &Needs::all())
            .await?
            .into_iter()
            .next()
            .map(|e| e.facts),
    )
}

/// `simulateTierEvaluation`: where a partner would land in a draft program (owners and
/// admins; nothing is saved).
pub fn simulate<'a>(
    draft: &'a Program,
    facts: &partnergraph_domain::program::PartnerFacts,
) -> Simulated<'a> {
    let assignment = draft.assign(facts);
    let progress = draft.progress(facts, assignment.tier);
    let explanation = assignment
        .tier
        .and_then(|id| draft.tier(id))
        .map(|tier| tier.logic.evaluate(facts))
        .unwrap_or_default();
    Simulated {
        assignment,
        progress,
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use partnergraph_domain::partners::PartnerType;
    use partnergraph_domain::program::{PartnerFacts, RuleField, default_program};

    fn partner(facts: PartnerFacts, tier: Option<Uuid>, source: Option<TierSource>) -> Evaluable {
        Evaluable {
            id: Uuid::now_v7(),
            facts,
            tier_id: tier,
            tier_source: source,
            segments: BTreeSet::new(),
        }
    }

    fn strong() -> PartnerFacts {
        PartnerFacts::new(PartnerType::Reseller)
            .with_number(RuleField::ClosedDeals, Some(500))
            .with_number(RuleField::Revenue, Some(10_000_000_000))
            .with_number(RuleField::FitScore, Some(99))
            .with_number(RuleField::HealthScore, Some(99))
            .with_number(RuleField::Customers, Some(500))
            .with_number(RuleField::ActiveDeals, Some(500))
            .with_number(RuleField::Pipeline, Some(10_000_000_000))
    }

    #[test]
    fn only_partners_whose_placement_changes_are_written() {
        let program = default_program();
        let fresh = partner(strong(), None, None);
        let assigned = program.assign(&fresh.facts);
        assert!(assigned.tier.is_some(), "a strong reseller holds a tier");
        let mut settled = partner(strong(), assigned.tier, Some(TierSource::Auto));
        settled.segments = assigned.segments.iter().copied().collect();
        let writes = plan(&program, &[fresh.clone(), settled], &[], true);
        assert_eq!(writes.tiers.len(), 1);
        assert_eq!(writes.tiers[0].partner_id, fresh.id);
        assert_eq!(
            writes.segments.len(),
            1,
            "only the fresh partner's segments change"
        );
        assert!(
            writes.evaluated.is_empty(),
            "a whole-organisation run stamps the organisation"
        );
    }

    #[test]
    fn manual_tiers_stay_until_released() {
        let program = default_program();
        let bottom = program
            .tiers_for_type(PartnerType::Reseller)
            .last()
            .map(|t| t.id)
            .expect("a tier");
        let held = partner(strong(), Some(bottom), Some(TierSource::Manual));
        assert!(
            plan(&program, std::slice::from_ref(&held), &[], false)
                .tiers
                .is_empty()
        );
        let released = plan(&program, std::slice::from_ref(&held), &[held.id], false);
        assert_eq!(released.tiers.len(), 1);
        assert_eq!(released.tiers[0].source, TierSource::Auto);
        assert_eq!(released.evaluated, vec![held.id]);
    }
}
