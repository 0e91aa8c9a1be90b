//! Tier evaluation results and explanations: rule outcomes, progress to the next tier, tier
//! history, evaluation reports, and the inputs of overrides, evaluation and simulation.

use async_graphql::{ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use partnergraph_domain::program::{FactValue, RuleOutcome as DomainOutcome};
use partnergraph_persistence::tiers::StoredTierChange;

use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::partner::Partner;
use crate::graphql::types::partner_enums::{PartnerTypeValue, TierSourceValue};
use crate::graphql::types::program_enums::{
    RequirementFieldValue, RequirementOperatorValue, SegmentFamilyValue, TierColorValue,
};
use crate::graphql::types::program_inputs::RequirementRuleInput;
use crate::graphql::types::tier::Tier;

/// One rule checked against a partner.
#[derive(Debug, Clone, SimpleObject)]
pub struct RuleOutcome {
    /// The rule's position in its requirement logic, from 0.
    pub index: i32,
    /// The partner field tested.
    pub field: RequirementFieldValue,
    /// How the field is compared.
    pub operator: RequirementOperatorValue,
    /// What the rule asks for, in words (e.g. `at least 20`; money in minor units).
    pub expected: String,
    /// The partner's value, in words (`not set` when missing; lists comma-separated).
    pub actual: String,
    /// The partner's value when it is a number (money in minor units).
    pub actual_number: Option<crate::graphql::scalars::BigInt>,
    /// Whether the partner meets the rule.
    pub met: bool,
}

impl From<&DomainOutcome> for RuleOutcome {
    fn from(outcome: &DomainOutcome) -> Self {
        RuleOutcome {
            index: i32::try_from(outcome.index).unwrap_or(i32::MAX),
            field: outcome.field.into(),
            operator: outcome.operator.into(),
            expected: outcome.expected.to_string(),
            actual: outcome.actual.to_string(),
            actual_number: match outcome.actual {
                FactValue::Number(n) => Some(crate::graphql::scalars::BigInt(n)),
                _ => None,
            },
            met: outcome.met,
        }
    }
}

/// How far a partner is from the next tier up.
#[derive(SimpleObject)]
pub struct TierProgress {
    /// The partner's current tier (automatic or set by a person).
    pub current: Option<Tier>,
    /// The next tier up in the same track; without a current tier, the entry tier of the first
    /// track that applies. Null at the top.
    pub next: Option<Tier>,
    /// The rules of `next` the partner does not meet yet, each with the partner's actual value.
    pub unmet_rules: Vec<RuleOutcome>,
}

/// One change of a partner's tier.
#[derive(Debug, Clone)]
pub struct TierChange(pub StoredTierChange);

/// One change of a partner's tier: from and to (names as they were), how, why, who and when.
#[Object]
impl TierChange {
    /// Change identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The tier before (null when the tier was deleted since, or there was none).
    async fn from_tier_id(&self) -> Option<ID> {
        self.0.from.0.map(|id| encode_uuid(NodeKind::Tier, id))
    }

    /// The name of the tier before, as it was then.
    async fn from_tier_name(&self) -> Option<&str> {
        self.0.from.1.as_deref()
    }

    /// The tier after (null: no tier).
    async fn to_tier_id(&self) -> Option<ID> {
        self.0.to.0.map(|id| encode_uuid(NodeKind::Tier, id))
    }

    /// The name of the tier after, as it was then.
    async fn to_tier_name(&self) -> Option<&str> {
        self.0.to.1.as_deref()
    }

    /// `AUTO` (evaluation) or `MANUAL` (set by a person).
    async fn source(&self) -> TierSourceValue {
        self.0.source.into()
    }

    /// Why: the reason a person gave, or what happened (e.g. `tier deleted`).
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }

    /// `user`, `api_key` or `system`.
    async fn actor_kind(&self) -> &str {
        &self.0.actor_kind
    }

    /// The user's or API key's global ID.
    async fn actor_id(&self) -> Option<ID> {
        self.0.actor_id.map(|id| match self.0.actor_kind.as_str() {
            "api_key" => encode_uuid(NodeKind::ApiKey, id),
            _ => encode_uuid(NodeKind::User, id),
        })
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// What an evaluation did.
#[derive(SimpleObject)]
pub struct EvaluateTiersPayload {
    /// Partners evaluated (archived partners are not).
    pub evaluated: i32,
    /// Partners whose tier changed.
    pub changed: i32,
    /// When the evaluation ran.
    pub evaluated_at: DateTime<Utc>,
}

/// Which partners to evaluate.
#[derive(Debug, Clone, Default, InputObject)]
pub struct EvaluateTiersInput {
    /// These partners (at most 1,000); every partner when omitted.
    pub partner_ids: Option<Vec<ID>>,
}

/// A tier set by a person.
#[derive(Debug, Clone, InputObject)]
pub struct SetPartnerTierInput {
    /// The partner.
    pub partner_id: ID,
    /// The tier.
    pub tier_id: ID,
    /// Why (required; at most 1,000 characters; kept in `tierHistory`).
    pub reason: String,
}

/// Hand a partner's tier back to automatic evaluation.
#[derive(Debug, Clone, InputObject)]
pub struct ClearPartnerTierOverrideInput {
    /// The partner.
    pub partner_id: ID,
}

/// Result of a tier override change.
#[derive(SimpleObject)]
pub struct PartnerTierPayload {
    /// The partner after the change.
    pub partner: Partner,
}

/// A tier of a draft track.
#[derive(Debug, Clone, InputObject)]
pub struct TierDraftInput {
    /// Name.
    pub name: String,
    /// Colour (NEUTRAL when omitted).
    pub color: Option<TierColorValue>,
    /// Rank: lower is higher prestige.
    pub sort_order: i32,
    /// Requirement rules.
    #[graphql(default)]
    pub requirement_logic: Vec<RequirementRuleInput>,
}

/// A track of a draft segment.
#[derive(Debug, Clone, InputObject)]
pub struct TrackDraftInput {
    /// Name.
    pub name: String,
    /// The partner types it applies to.
    pub partner_types: Vec<PartnerTypeValue>,
    /// Display order.
    #[graphql(default)]
    pub sort_order: i32,
    /// Its tiers.
    pub tiers: Vec<TierDraftInput>,
}

/// A segment of a draft program.
#[derive(Debug, Clone, InputObject)]
pub struct SegmentDraftInput {
    /// Name.
    pub name: String,
    /// Family.
    pub family: SegmentFamilyValue,
    /// Requirement rules (empty: every partner).
    #[graphql(default)]
    pub requirement_logic: Vec<RequirementRuleInput>,
    /// Display order.
    #[graphql(default)]
    pub sort_order: i32,
    /// Its tracks.
    pub tracks: Vec<TrackDraftInput>,
}

/// A whole program that is not saved.
#[derive(Debug, Clone, InputObject)]
pub struct ProgramDraftInput {
    /// Its segments.
    pub segments: Vec<SegmentDraftInput>,
}

/// A simulation: one partner against a draft program.
#[derive(Debug, Clone, InputObject)]
pub struct SimulateTierEvaluationInput {
    /// The partner.
    pub partner_id: ID,
    /// The draft program (nothing is saved).
    pub draft: ProgramDraftInput,
}

/// A tier of a draft program, as placed by a simulation.
#[derive(SimpleObject)]
pub struct SimulatedTier {
    /// The draft tier's name.
    pub name: String,
    /// The draft track's name.
    pub track_name: String,
    /// The draft tier's colour.
    pub color: TierColorValue,
}

/// Where a partner would land in a draft program, and why.
#[derive(SimpleObject)]
pub struct TierSimulation {
    /// The tier it would hold (null: none).
    pub tier: Option<SimulatedTier>,
    /// The names of the draft segments it would belong to.
    pub segments: Vec<String>,
    /// The rules of the tier it would hold, all met (empty without a tier).
    pub explanation: Vec<RuleOutcome>,
    /// The next tier up in that track (or the entry tier when it would hold none).
    pub next: Option<SimulatedTier>,
    /// The rules of `next` it would not meet, with its actual values.
    pub unmet_rules: Vec<RuleOutcome>,
}
