//! `Program`: the organisation's partner program configuration.

use async_graphql::Object;
use chrono::{DateTime, Utc};
use partnergraph_domain::program as domain;

use crate::graphql::types::segment::Segment;

/// The partner program: segments, the tracks inside them and the tiers inside tracks.
#[derive(Debug, Clone)]
pub struct Program {
    /// The program.
    pub program: domain::Program,
    /// The latest change to any part (`None`: never configured or just read back).
    pub updated_at: Option<DateTime<Utc>>,
    /// Whether the viewer may see rule notes.
    pub notes_visible: bool,
}

/// The partner program: segments, the tracks inside them and the tiers inside tracks.
#[Object]
impl Program {
    /// Its segments, by sort order (empty until configured or seeded).
    async fn segments(&self) -> Vec<Segment> {
        let mut segments: Vec<&domain::Segment> = self.program.segments.iter().collect();
        segments.sort_by_key(|segment| (segment.sort_order, segment.id));
        segments
            .into_iter()
            .map(|segment| Segment {
                segment: segment.clone(),
                notes_visible: self.notes_visible,
            })
            .collect()
    }

    /// When any segment, track or tier last changed (null when the program is empty).
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        self.updated_at
    }
}
