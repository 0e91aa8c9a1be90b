//! `Segment`: a broad grouping of partners, with its tracks.

use async_graphql::{Context, ID, Object};
use partnergraph_domain::program as domain;

use crate::error::ApiResult;
use crate::graphql::loaders::SegmentRollupKey;
use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::partner_rollup::PartnerRollup;
use crate::graphql::types::program_enums::SegmentFamilyValue;
use crate::graphql::types::requirement_rule::RequirementRule;
use crate::graphql::types::track::Track;

/// A broad grouping of partners (a market or motion) holding tracks.
#[derive(Debug, Clone)]
pub struct Segment {
    /// The segment.
    pub segment: domain::Segment,
    /// Whether the viewer may see rule notes.
    pub notes_visible: bool,
}

/// A broad grouping of partners (a market or motion) holding tracks.
#[Object]
impl Segment {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::Segment, self.segment.id)
    }

    /// Shown in the UI and reports.
    async fn name(&self) -> &str {
        self.segment.name.as_str()
    }

    /// What the segment stands for, for admins.
    async fn description(&self) -> Option<&str> {
        self.segment.description.as_deref()
    }

    /// Market, technology or services.
    async fn family(&self) -> SegmentFamilyValue {
        self.segment.family.into()
    }

    /// Display order among segments.
    async fn sort_order(&self) -> i32 {
        self.segment.sort_order
    }

    /// Which partners belong to the segment (all rules must hold); empty: every partner.
    async fn requirement_logic(&self) -> Vec<RequirementRule> {
        RequirementRule::list(&self.segment.logic, self.notes_visible)
    }

    /// Its tracks, by sort order.
    async fn tracks(&self) -> Vec<Track> {
        let mut tracks: Vec<&domain::Track> = self.segment.tracks.iter().collect();
        tracks.sort_by_key(|track| (track.sort_order, track.id));
        tracks
            .into_iter()
            .map(|track| Track {
                track: track.clone(),
                notes_visible: self.notes_visible,
            })
            .collect()
    }

    /// What the live (non-archived) partners in the segment add up to: count, pipeline,
    /// revenue, average fit and health scores. Every segment rollup of a request is read
    /// together. Null, with FORBIDDEN (NOT_FOUND for partner-role users), for those who may
    /// not read the program configuration.
    async fn rollup(&self, ctx: &Context<'_>) -> ApiResult<Option<PartnerRollup>> {
        PartnerRollup::load(ctx, |org_id| SegmentRollupKey {
            org_id,
            segment_id: self.segment.id,
        })
        .await
    }
}
