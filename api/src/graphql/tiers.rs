//! Tier evaluation roots: evaluate on demand, manual overrides, and simulation against a draft
//! program. Root fields parse arguments and delegate to `crate::tiers`.

use async_graphql::{Context, Object};
use partnergraph_domain::partners::PartnerType;
use partnergraph_domain::program::{
    Program, ProgramName, RequirementLogic, Segment, Slug, Tier as DomainTier, TierColor, Track,
    can_manage_program,
};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::graphql::node::{NodeKind, decode_uuid};
use crate::graphql::types::partner::Partner;
use crate::graphql::types::program_inputs::RequirementRuleInput;
use crate::graphql::types::tier_evaluation::*;
use crate::graphql::{Services, guard};
use crate::tiers;

fn name(text: &str, field: &str) -> ApiResult<ProgramName> {
    ProgramName::parse(text).map_err(|e| ApiError::bad_input(field, e.to_string()))
}

fn logic(rules: &[RequirementRuleInput], field: &str) -> ApiResult<RequirementLogic> {
    let drafts: Vec<_> = rules.iter().map(RequirementRuleInput::to_draft).collect();
    RequirementLogic::parse(&drafts).map_err(|error| {
        let field = match error.index() {
            Some(index) => format!("{field}[{index}]"),
            None => field.to_owned(),
        };
        ApiError::bad_input(field, error.to_string())
    })
}

/// A draft program from its input, with fresh ids; errors name `input.draft.…`.
fn draft_program(input: &ProgramDraftInput) -> ApiResult<Program> {
    let mut program = Program::default();
    let mut slugs: Vec<String> = Vec::new();
    for (i, segment) in input.segments.iter().enumerate() {
        let at = format!("input.draft.segments[{i}]");
        let mut tracks = Vec::new();
        for (j, track) in segment.tracks.iter().enumerate() {
            let at = format!("{at}.tracks[{j}]");
            let mut tiers = Vec::new();
            for (k, tier) in track.tiers.iter().enumerate() {
                let at = format!("{at}.tiers[{k}]");
                tiers.push(DomainTier {
                    id: Uuid::now_v7(),
                    name: name(&tier.name, &format!("{at}.name"))?,
                    color: tier.color.map_or(TierColor::Neutral, Into::into),
                    sort_order: tier.sort_order,
                    logic: logic(&tier.requirement_logic, &format!("{at}.requirementLogic"))?,
                });
            }
            let slug = Slug::unique(&track.name, &slugs);
            slugs.push(slug.as_str().to_owned());
            tracks.push(Track {
                id: Uuid::now_v7(),
                name: name(&track.name, &format!("{at}.name"))?,
                slug,
                description: None,
                partner_types: track
                    .partner_types
                    .iter()
                    .copied()
                    .map(PartnerType::from)
                    .collect(),
                sort_order: track.sort_order,
                tiers,
            });
        }
        program.segments.push(Segment {
            id: Uuid::now_v7(),
            name: name(&segment.name, &format!("{at}.name"))?,
            description: None,
            family: segment.family.into(),
            logic: logic(
                &segment.requirement_logic,
                &format!("{at}.requirementLogic"),
            )?,
            sort_order: segment.sort_order,
            tracks,
        });
    }
    program
        .validate()
        .map_err(|e| ApiError::bad_input("input.draft", e.to_string()))?;
    Ok(program)
}

/// Tier queries.
#[derive(Debug, Default)]
pub struct TierQuery;

#[Object]
impl TierQuery {
    /// Where a partner would land in a draft program, and why (owners and admins; nothing is
    /// saved).
    async fn simulate_tier_evaluation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner and the draft program.")] input: SimulateTierEvaluationInput,
    ) -> ApiResult<TierSimulation> {
        let member = guard::member(ctx)?;
        let partner_id = decode_uuid(&input.partner_id, NodeKind::Partner, "input.partnerId")?;
        let services = ctx.data_unchecked::<Services>();
        let facts = tiers::facts_of(services, member, partner_id).await?;
        can_manage_program(member.role)?;
        let draft = draft_program(&input.draft)?;
        let Some(facts) = facts else {
            return Err(ApiError::bad_input(
                "input.partnerId",
                "the partner is archived; restore it to evaluate it",
            ));
        };
        let simulated = tiers::simulate(&draft, &facts);
        let tier_of = |id: Uuid| {
            draft.locate_tier(id).map(|(_, track, tier)| SimulatedTier {
                name: tier.name.as_str().to_owned(),
                track_name: track.name.as_str().to_owned(),
                color: tier.color.into(),
            })
        };
        Ok(TierSimulation {
            tier: simulated.assignment.tier.and_then(tier_of),
            segments: simulated
                .assignment
                .segments
                .iter()
                .filter_map(|id| draft.segment(*id))
                .map(|s| s.name.as_str().to_owned())
                .collect(),
            explanation: simulated
                .explanation
                .iter()
                .map(RuleOutcome::from)
                .collect(),
            next: simulated.progress.next.and_then(|t| tier_of(t.id)),
            unmet_rules: simulated
                .progress
                .unmet
                .iter()
                .map(RuleOutcome::from)
                .collect(),
        })
    }
}

/// Tier mutations.
#[derive(Debug, Default)]
pub struct TierMutation;

#[Object]
impl TierMutation {
    /// Evaluates partners against the program now (owners and admins): segments, and tiers
    /// except those a person set. Only partners whose placement changes are written.
    async fn evaluate_tiers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which partners (all when omitted).", default)] input: EvaluateTiersInput,
    ) -> ApiResult<EvaluateTiersPayload> {
        let member = guard::member(ctx)?;
        let ids = input
            .partner_ids
            .as_ref()
            .map(|ids| {
                ids.iter()
                    .map(|id| decode_uuid(id, NodeKind::Partner, "input.partnerIds"))
                    .collect::<ApiResult<Vec<_>>>()
            })
            .transpose()?;
        let report =
            tiers::evaluate_on_demand(ctx.data_unchecked::<Services>(), member, ids).await?;
        Ok(EvaluateTiersPayload {
            evaluated: i32::try_from(report.evaluated).unwrap_or(i32::MAX),
            changed: i32::try_from(report.changed).unwrap_or(i32::MAX),
            evaluated_at: report.evaluated_at,
        })
    }

    /// Sets a partner's tier by hand, with a reason (owners and admins). `tierSource` becomes
    /// MANUAL and evaluation leaves it until `clearPartnerTierOverride`.
    async fn set_partner_tier(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner, the tier and why.")] input: SetPartnerTierInput,
    ) -> ApiResult<PartnerTierPayload> {
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        let partner_id = decode_uuid(&input.partner_id, NodeKind::Partner, "input.partnerId")?;
        let tier_id = decode_uuid(&input.tier_id, NodeKind::Tier, "input.tierId")?;
        tiers::set_partner_tier(services, member, partner_id, tier_id, &input.reason).await?;
        Ok(PartnerTierPayload {
            partner: Partner::from(crate::partners::visible(services, member, partner_id).await?),
        })
    }

    /// Hands a partner's tier back to automatic evaluation, which runs at once (owners and
    /// admins).
    async fn clear_partner_tier_override(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The partner.")] input: ClearPartnerTierOverrideInput,
    ) -> ApiResult<PartnerTierPayload> {
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        let partner_id = decode_uuid(&input.partner_id, NodeKind::Partner, "input.partnerId")?;
        tiers::clear_override(services, member, partner_id).await?;
        Ok(PartnerTierPayload {
            partner: Partner::from(crate::partners::visible(services, member, partner_id).await?),
        })
    }
}
