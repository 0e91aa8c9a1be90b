//! `Tier`: a level of a track that partners progress through.

use async_graphql::{Context, ID, Object};
use partnergraph_domain::program as domain;

use crate::error::ApiResult;
use crate::graphql::loaders::TierRollupKey;
use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::partner_rollup::PartnerRollup;
use crate::graphql::types::program_enums::TierColorValue;
use crate::graphql::types::requirement_rule::RequirementRule;

/// A level of a track; a lower `sortOrder` is higher prestige.
#[derive(Debug, Clone)]
pub struct Tier {
    /// The tier.
    pub tier: domain::Tier,
    /// Whether the viewer may see rule notes.
    pub notes_visible: bool,
}

/// A level of a track; a lower `sortOrder` is higher prestige.
#[Object]
impl Tier {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::Tier, self.tier.id)
    }

    /// E.g. `Platinum`; shown on partner profiles, the partners table and reports.
    async fn name(&self) -> &str {
        self.tier.name.as_str()
    }

    /// The colour it is shown in.
    async fn color(&self) -> TierColorValue {
        self.tier.color.into()
    }

    /// Rank within the track: lower is higher prestige.
    async fn sort_order(&self) -> i32 {
        self.tier.sort_order
    }

    /// The rules a partner must meet to hold the tier (all of them); empty: every partner the
    /// track applies to.
    async fn requirement_logic(&self) -> Vec<RequirementRule> {
        RequirementRule::list(&self.tier.logic, self.notes_visible)
    }

    /// What the live (non-archived) partners holding the tier add up to: count, pipeline,
    /// revenue, average fit and health scores. Every tier rollup of a request is read
    /// together. Null, with FORBIDDEN (NOT_FOUND for partner-role users), for those who may
    /// not read the program configuration.
    async fn rollup(&self, ctx: &Context<'_>) -> ApiResult<Option<PartnerRollup>> {
        PartnerRollup::load(ctx, |org_id| TierRollupKey {
            org_id,
            tier_id: self.tier.id,
        })
        .await
    }
}
