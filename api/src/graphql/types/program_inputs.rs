//! Inputs and payloads of the partner program's mutations.

use async_graphql::{ID, InputObject, SimpleObject};
use partnergraph_domain::program::{RuleDraft, RuleValue};

use crate::graphql::scalars::BigInt;
use crate::graphql::types::partner_enums::PartnerTypeValue;
use crate::graphql::types::program::Program;
use crate::graphql::types::program_enums::{
    RequirementOperatorValue, SegmentFamilyValue, TierColorValue,
};
use crate::graphql::types::segment::Segment;
use crate::graphql::types::tier::Tier;
use crate::graphql::types::track::Track;

/// One requirement rule as written. `GTE`, `LTE` and `EQUALS` take `value` (`GTE` also
/// accepts `min`, `LTE` also `max`); `BETWEEN` takes `min` and `max`; `INCLUDES_ANY` and
/// `INCLUDES_ALL` take `values`. An invalid rule is `BAD_USER_INPUT` with
/// `extensions.field` = `input.requirementLogic[i]`.
#[derive(Debug, Clone, InputObject)]
pub struct RequirementRuleInput {
    /// The partner field: a `RequirementField` value (`CLOSED_DEALS`); `closedDeals` and
    /// `closed_deals` are accepted too.
    pub field: String,
    /// How the field is compared.
    pub operator: RequirementOperatorValue,
    /// The single value of `GTE`, `LTE` and `EQUALS`: a whole number written as text for
    /// numeric fields (money in minor units, e.g. `"100000000"` for 1,000,000.00 USD), or a
    /// text.
    pub value: Option<String>,
    /// The lower bound of `BETWEEN` (or the value of `GTE`).
    pub min: Option<BigInt>,
    /// The upper bound of `BETWEEN` (or the value of `LTE`).
    pub max: Option<BigInt>,
    /// The values of `INCLUDES_ANY` and `INCLUDES_ALL` (at least one).
    pub values: Option<Vec<String>>,
    /// Why the rule exists; shown to owners and admins only (at most 1,000 characters).
    pub notes: Option<String>,
}

impl RequirementRuleInput {
    /// The domain's unvalidated draft.
    pub fn to_draft(&self) -> RuleDraft {
        RuleDraft {
            field: self.field.clone(),
            operator: partnergraph_domain::program::RuleOperator::from(self.operator)
                .as_str()
                .to_owned(),
            value: self.value.clone().map(RuleValue::Text),
            min: self.min.map(|n| n.0),
            max: self.max.map(|n| n.0),
            values: self.values.clone(),
            notes: self.notes.clone(),
        }
    }
}

/// Drafts of a list of rule inputs.
pub fn drafts(rules: &Option<Vec<RequirementRuleInput>>) -> Option<Vec<RuleDraft>> {
    rules
        .as_ref()
        .map(|rules| rules.iter().map(RequirementRuleInput::to_draft).collect())
}

/// A new segment.
#[derive(Debug, Clone, InputObject)]
pub struct CreateSegmentInput {
    /// Name (1–100 characters).
    pub name: String,
    /// What the segment stands for (at most 2,000 characters).
    pub description: Option<String>,
    /// Market, technology or services.
    pub family: SegmentFamilyValue,
    /// Which partners belong to it (empty or omitted: every partner).
    pub requirement_logic: Option<Vec<RequirementRuleInput>>,
    /// Display order (after the last segment when omitted).
    pub sort_order: Option<i32>,
}

/// Changes to a segment; omitted fields stay as they are.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateSegmentInput {
    /// The segment.
    pub id: ID,
    /// New name.
    pub name: Option<String>,
    /// New description (blank clears it).
    pub description: Option<String>,
    /// New family.
    pub family: Option<SegmentFamilyValue>,
    /// New rules, replacing the old ones whole (`[]` removes them).
    pub requirement_logic: Option<Vec<RequirementRuleInput>>,
    /// New display order.
    pub sort_order: Option<i32>,
}

/// Which segment to delete (with its tracks and tiers).
#[derive(Debug, Clone, InputObject)]
pub struct DeleteSegmentInput {
    /// The segment.
    pub id: ID,
}

/// A new track in a segment.
#[derive(Debug, Clone, InputObject)]
pub struct CreateTrackInput {
    /// The segment it goes in.
    pub segment_id: ID,
    /// Name (1–100 characters).
    pub name: String,
    /// URL-safe identifier (lower-case letters, digits, single hyphens); generated from the
    /// name, made unique in the organisation, when omitted.
    pub slug: Option<String>,
    /// Context for admins (at most 2,000 characters).
    pub description: Option<String>,
    /// The partner types the track is for (at least one).
    pub partner_types: Vec<PartnerTypeValue>,
    /// Display order within the segment (after the last track when omitted).
    pub sort_order: Option<i32>,
}

/// Changes to a track; omitted fields stay as they are. Renaming keeps the slug.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateTrackInput {
    /// The track.
    pub id: ID,
    /// New name.
    pub name: Option<String>,
    /// New slug (CONFLICT when another track has it).
    pub slug: Option<String>,
    /// New description (blank clears it).
    pub description: Option<String>,
    /// New partner types, replacing the old ones whole (at least one).
    pub partner_types: Option<Vec<PartnerTypeValue>>,
    /// New display order.
    pub sort_order: Option<i32>,
}

/// Which track to delete (with its tiers).
#[derive(Debug, Clone, InputObject)]
pub struct DeleteTrackInput {
    /// The track.
    pub id: ID,
}

/// A new tier in a track.
#[derive(Debug, Clone, InputObject)]
pub struct CreateTierInput {
    /// The track it goes in.
    pub track_id: ID,
    /// Name (1–100 characters).
    pub name: String,
    /// Colour (NEUTRAL when omitted).
    pub color: Option<TierColorValue>,
    /// Rank: lower is higher prestige (below the last tier when omitted).
    pub sort_order: Option<i32>,
    /// What a partner must meet to hold it (empty or omitted: every partner the track
    /// applies to).
    pub requirement_logic: Option<Vec<RequirementRuleInput>>,
}

/// Changes to a tier; omitted fields stay as they are.
#[derive(Debug, Clone, InputObject)]
pub struct UpdateTierInput {
    /// The tier.
    pub id: ID,
    /// New name.
    pub name: Option<String>,
    /// New colour.
    pub color: Option<TierColorValue>,
    /// New rank.
    pub sort_order: Option<i32>,
    /// New rules, replacing the old ones whole (`[]` removes them).
    pub requirement_logic: Option<Vec<RequirementRuleInput>>,
}

/// Which tier to delete. Partners holding it lose it (recorded in their tier history) and
/// are evaluated again.
#[derive(Debug, Clone, InputObject)]
pub struct DeleteTierInput {
    /// The tier.
    pub id: ID,
}

/// A new ranking of a track's tiers.
#[derive(Debug, Clone, InputObject)]
pub struct ReorderTiersInput {
    /// The track.
    pub track_id: ID,
    /// Every tier of the track, exactly once, highest prestige first (they get sort orders
    /// 1, 2, …).
    pub tier_ids: Vec<ID>,
}

/// The result of `seedDefaultProgram`.
#[derive(SimpleObject)]
pub struct SeedDefaultProgramPayload {
    /// The program (the defaults, or the untouched defaults seeded before).
    pub program: Program,
    /// Whether this call created it (false: it was already seeded).
    pub created: bool,
}

/// A created or changed segment.
#[derive(SimpleObject)]
pub struct SegmentPayload {
    /// The segment.
    pub segment: Segment,
}

/// A created, changed or reordered track.
#[derive(SimpleObject)]
pub struct TrackPayload {
    /// The track.
    pub track: Track,
}

/// A created or changed tier.
#[derive(SimpleObject)]
pub struct TierPayload {
    /// The tier.
    pub tier: Tier,
}

/// The result of deleting a segment, track or tier.
#[derive(SimpleObject)]
pub struct DeleteProgramItemPayload {
    /// The ID of the deleted segment, track or tier.
    pub deleted_id: ID,
    /// How many partners held a deleted tier (they lost it and are evaluated again).
    pub untiered_partner_count: i32,
}
