//! `Track`: a ladder of tiers inside a segment, for some partner types.

use async_graphql::{ID, Object};
use partnergraph_domain::program as domain;

use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::partner_enums::PartnerTypeValue;
use crate::graphql::types::tier::Tier;

/// A ladder of tiers inside a segment (shown as a "segment" in some interfaces).
#[derive(Debug, Clone)]
pub struct Track {
    /// The track.
    pub track: domain::Track,
    /// Whether the viewer may see rule notes.
    pub notes_visible: bool,
}

/// A ladder of tiers inside a segment (shown as a "segment" in some interfaces).
#[Object]
impl Track {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::Track, self.track.id)
    }

    /// Shown in the UI and reports.
    async fn name(&self) -> &str {
        self.track.name.as_str()
    }

    /// URL-safe identifier, unique in the organisation; generated from the name on creation.
    async fn slug(&self) -> &str {
        self.track.slug.as_str()
    }

    /// Context for admins managing the program.
    async fn description(&self) -> Option<&str> {
        self.track.description.as_deref()
    }

    /// Display order within the segment.
    async fn sort_order(&self) -> i32 {
        self.track.sort_order
    }

    /// The partner types the track is for.
    async fn partner_types(&self) -> Vec<PartnerTypeValue> {
        self.track
            .partner_types
            .iter()
            .map(|t| (*t).into())
            .collect()
    }

    /// Its tiers, highest prestige first.
    async fn tiers(&self) -> Vec<Tier> {
        self.track
            .ranked_tiers()
            .into_iter()
            .map(|tier| Tier {
                tier: tier.clone(),
                notes_visible: self.notes_visible,
            })
            .collect()
    }
}
