//! The program's structure — segments contain tracks, tracks contain tiers — and the pure
//! functions that place a partner in it.
//!
//! **Segments gate tracks.** A partner belongs to every segment whose logic it satisfies
//! (empty logic: every partner). A track *applies* to a partner when the partner's type is
//! one of the track's partner types **and** the partner belongs to the track's segment: the
//! product describes segment logic as eligibility criteria, and gating keeps "tier by
//! segment" reports consistent (no partner holds a tier in a segment it is not in).
//! [`Program::tiers_for_type`] — the type-to-tier cascade of the partners table, where a
//! person picks a tier by hand — looks at types only.
//!
//! **Rank.** Lower `sort_order` is higher prestige. Tiers of different tracks compare by
//! their `sort_order` first, so a program should number its ladders alike (the defaults use
//! 1 = Platinum … 5 = Registered). Every ordering ends in ids, so it is total and
//! deterministic: tier `sort_order`, then segment `sort_order`, segment id, track
//! `sort_order`, track id, tier id.

use std::collections::{BTreeMap, HashSet};

use uuid::Uuid;

use super::enums::{SegmentFamily, TierColor};
use super::evaluate::RuleOutcome;
use super::facts::PartnerFacts;
use super::rules::RequirementLogic;
use super::slug::Slug;
use crate::partners::{PartnerType, PartnerValueError, optional_text};

/// The most characters of a segment's, track's or tier's name.
pub const MAX_PROGRAM_NAME_CHARS: usize = 100;
/// The most characters of a segment's or track's description.
pub const MAX_PROGRAM_DESCRIPTION_CHARS: usize = 2_000;
/// The most segments of a program.
pub const MAX_SEGMENTS: usize = 20;
/// The most tracks of a segment.
pub const MAX_TRACKS_PER_SEGMENT: usize = 20;
/// The most tiers of a track.
pub const MAX_TIERS_PER_TRACK: usize = 20;

/// The name of a segment, track or tier: trimmed, 1..=100 characters, single line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProgramName(String);

impl ProgramName {
    /// Trims; 1..=100 characters; no control characters.
    pub fn parse(input: &str) -> Result<Self, PartnerValueError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(PartnerValueError::Empty);
        }
        if name.chars().count() > MAX_PROGRAM_NAME_CHARS {
            return Err(PartnerValueError::TooLong {
                max: MAX_PROGRAM_NAME_CHARS,
            });
        }
        if name.chars().any(char::is_control) {
            return Err(PartnerValueError::ControlCharacters);
        }
        Ok(ProgramName(name.to_owned()))
    }

    /// A name written in code (the seed defaults); a test holds each equal to its parsed form.
    pub(super) fn seeded(name: &str) -> Self {
        ProgramName(name.to_owned())
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A segment's or track's description: trimmed, blank → `None`, at most 2,000 characters,
/// line breaks allowed.
pub fn program_description(input: Option<&str>) -> Result<Option<String>, PartnerValueError> {
    optional_text(input, MAX_PROGRAM_DESCRIPTION_CHARS)
}

/// A level of a track that partners progress through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    /// Its id.
    pub id: Uuid,
    /// E.g. `Platinum`.
    pub name: ProgramName,
    /// The colour it is shown in.
    pub color: TierColor,
    /// Rank: lower is higher prestige.
    pub sort_order: i32,
    /// What a partner must meet to hold it; empty: every partner the track applies to.
    pub logic: RequirementLogic,
}

/// A ladder of tiers inside a segment, for some partner types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Track {
    /// Its id.
    pub id: Uuid,
    /// Shown in the UI and reports.
    pub name: ProgramName,
    /// URL-safe, unique in the organisation (see [`Slug::unique`]).
    pub slug: Slug,
    /// For admins.
    pub description: Option<String>,
    /// The partner types the track is for.
    pub partner_types: Vec<PartnerType>,
    /// Display order within the segment.
    pub sort_order: i32,
    /// Its tiers, in any order.
    pub tiers: Vec<Tier>,
}

impl Track {
    /// Whether the track is for partners of `partner_type`.
    pub fn applies_to(&self, partner_type: PartnerType) -> bool {
        self.partner_types.contains(&partner_type)
    }

    /// The tiers from highest to lowest prestige (sort order, then id).
    pub fn ranked_tiers(&self) -> Vec<&Tier> {
        let mut tiers: Vec<&Tier> = self.tiers.iter().collect();
        tiers.sort_by_key(|tier| (tier.sort_order, tier.id));
        tiers
    }

    /// The highest-prestige tier whose logic `facts` satisfies. Allocates nothing.
    pub fn best_tier(&self, facts: &PartnerFacts) -> Option<&Tier> {
        let mut best: Option<&Tier> = None;
        for tier in &self.tiers {
            let better = best.is_none_or(|b| (tier.sort_order, tier.id) < (b.sort_order, b.id));
            if better && tier.logic.satisfied(facts) {
                best = Some(tier);
            }
        }
        best
    }

    /// The tier ranked just above `tier` in this track; `None` for the top tier.
    pub fn tier_above(&self, tier: &Tier) -> Option<&Tier> {
        let key = (tier.sort_order, tier.id);
        self.tiers
            .iter()
            .filter(|t| (t.sort_order, t.id) < key)
            .max_by_key(|t| (t.sort_order, t.id))
    }

    /// The lowest-prestige tier, where partners enter the ladder.
    pub fn entry_tier(&self) -> Option<&Tier> {
        self.tiers.iter().max_by_key(|t| (t.sort_order, t.id))
    }
}

/// A broad grouping of partners: a market or motion, with its tracks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Its id.
    pub id: Uuid,
    /// Shown in the UI and reports.
    pub name: ProgramName,
    /// For admins.
    pub description: Option<String>,
    /// Market, technology or services.
    pub family: SegmentFamily,
    /// Which partners belong to it (and so may hold tiers of its tracks).
    pub logic: RequirementLogic,
    /// Display order.
    pub sort_order: i32,
    /// Its tracks, in any order.
    pub tracks: Vec<Track>,
}

/// An organisation's partner program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Program {
    /// Its segments, in any order.
    pub segments: Vec<Segment>,
}

/// Where a partner lands in a program.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    /// The segments whose logic the partner satisfies, by sort order then id.
    pub segments: Vec<Uuid>,
    /// The track of the assigned tier.
    pub track: Option<Uuid>,
    /// The highest-prestige tier the partner qualifies for in a track that applies to it.
    pub tier: Option<Uuid>,
}

/// How far a partner is from the next tier up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierProgress<'a> {
    /// The track the progress is measured in.
    pub track: Option<&'a Track>,
    /// The partner's current tier, if it is in the program.
    pub current: Option<&'a Tier>,
    /// The next tier up in the same track; without a current tier, the entry tier of the
    /// first track that applies. `None` at the top.
    pub next: Option<&'a Tier>,
    /// The rules of `next` the partner does not meet, with its actual values.
    pub unmet: Vec<RuleOutcome>,
}

/// How many partners a program would place where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimulationSummary {
    /// Partners simulated.
    pub partners: usize,
    /// Partners per assigned tier id.
    pub per_tier: BTreeMap<Uuid, usize>,
    /// Partners per segment id (a partner may count in several).
    pub per_segment: BTreeMap<Uuid, usize>,
    /// Partners without a tier.
    pub without_tier: usize,
}

/// Why a program's structure was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgramError {
    /// Two segments, tracks or tiers share an id.
    #[error("the id {0} is used twice")]
    DuplicateId(Uuid),
    /// Two tracks share a slug.
    #[error("the slug `{0}` is used by two tracks")]
    DuplicateSlug(String),
    /// Too many segments, tracks in a segment or tiers in a track.
    #[error("there are too many {what}; at most {max} are allowed")]
    TooMany {
        /// `segments`, `tracks in a segment` or `tiers in a track`.
        what: &'static str,
        /// The most allowed.
        max: usize,
    },
}

/// The total order of tiers across tracks; see the module docs.
type RankKey = (i32, i32, Uuid, i32, Uuid, Uuid);

fn rank_key(segment: &Segment, track: &Track, tier: &Tier) -> RankKey {
    (
        tier.sort_order,
        segment.sort_order,
        segment.id,
        track.sort_order,
        track.id,
        tier.id,
    )
}

impl Program {
    /// Checks what a single segment, track or tier cannot: ids unique across the program,
    /// slugs unique, and the size limits.
    pub fn validate(&self) -> Result<(), ProgramError> {
        if self.segments.len() > MAX_SEGMENTS {
            return Err(ProgramError::TooMany {
                what: "segments",
                max: MAX_SEGMENTS,
            });
        }
        let mut ids = HashSet::new();
        let mut slugs = HashSet::new();
        let mut new_id = |id: Uuid| {
            if ids.insert(id) {
                Ok(())
            } else {
                Err(ProgramError::DuplicateId(id))
            }
        };
        for segment in &self.segments {
            new_id(segment.id)?;
            if segment.tracks.len() > MAX_TRACKS_PER_SEGMENT {
                return Err(ProgramError::TooMany {
                    what: "tracks in a segment",
                    max: MAX_TRACKS_PER_SEGMENT,
                });
            }
            for track in &segment.tracks {
                new_id(track.id)?;
                if !slugs.insert(track.slug.as_str()) {
                    return Err(ProgramError::DuplicateSlug(track.slug.to_string()));
                }
                if track.tiers.len() > MAX_TIERS_PER_TRACK {
                    return Err(ProgramError::TooMany {
                        what: "tiers in a track",
                        max: MAX_TIERS_PER_TRACK,
                    });
                }
                for tier in &track.tiers {
                    new_id(tier.id)?;
                }
            }
        }
        Ok(())
    }

    /// Places a partner: its segments, and the highest-prestige tier it qualifies for in a
    /// track that applies to it (type matches and segment satisfied), ties broken as in the
    /// module docs. Allocates only the segment list.
    pub fn assign(&self, facts: &PartnerFacts) -> Assignment {
        let mut segments: Vec<(i32, Uuid)> = Vec::new();
        let mut best: Option<(RankKey, Uuid, Uuid)> = None;
        for segment in &self.segments {
            if !segment.logic.satisfied(facts) {
                continue;
            }
            segments.push((segment.sort_order, segment.id));
            for track in self.applicable_tracks_of(segment, facts) {
                for tier in &track.tiers {
                    let key = rank_key(segment, track, tier);
                    let better = best.is_none_or(|(best_key, _, _)| key < best_key);
                    if better && tier.logic.satisfied(facts) {
                        best = Some((key, track.id, tier.id));
                    }
                }
            }
        }
        segments.sort_unstable();
        Assignment {
            segments: segments.into_iter().map(|(_, id)| id).collect(),
            track: best.map(|(_, track, _)| track),
            tier: best.map(|(_, _, tier)| tier),
        }
    }

    /// How far a partner holding `current_tier` (auto or manual; `None` for no tier) is from
    /// the next tier up in the same track, with the rules it does not yet meet. Without a
    /// (known) current tier, measured against the entry tier of the first track that applies
    /// (by segment sort order, segment id, track sort order, track id).
    pub fn progress(&self, facts: &PartnerFacts, current_tier: Option<Uuid>) -> TierProgress<'_> {
        let (track, current, next) = match current_tier.and_then(|id| self.locate_tier(id)) {
            Some((_, track, tier)) => (Some(track), Some(tier), track.tier_above(tier)),
            None => {
                let track = self.first_applicable_track(facts);
                (track, None, track.and_then(Track::entry_tier))
            }
        };
        TierProgress {
            track,
            current,
            next,
            unmet: next.map(|tier| tier.logic.unmet(facts)).unwrap_or_default(),
        }
    }

    /// The tiers of every track for `partner_type`, highest prestige first (rank order of the
    /// module docs); segment logic is not consulted.
    pub fn tiers_for_type(&self, partner_type: PartnerType) -> Vec<&Tier> {
        let mut tiers: Vec<(RankKey, &Tier)> = self
            .tracks()
            .filter(|(_, track)| track.applies_to(partner_type))
            .flat_map(|(segment, track)| {
                track
                    .tiers
                    .iter()
                    .map(move |tier| (rank_key(segment, track, tier), tier))
            })
            .collect();
        tiers.sort_unstable_by_key(|(key, _)| *key);
        tiers.into_iter().map(|(_, tier)| tier).collect()
    }

    /// How many partners this program (typically a draft) would place in each tier and segment.
    pub fn simulate<'f>(
        &self,
        partners: impl IntoIterator<Item = &'f PartnerFacts>,
    ) -> SimulationSummary {
        let mut summary = SimulationSummary::default();
        for facts in partners {
            let assignment = self.assign(facts);
            summary.partners += 1;
            match assignment.tier {
                Some(tier) => *summary.per_tier.entry(tier).or_default() += 1,
                None => summary.without_tier += 1,
            }
            for segment in assignment.segments {
                *summary.per_segment.entry(segment).or_default() += 1;
            }
        }
        summary
    }

    /// Every track with its segment, in storage order.
    pub fn tracks(&self) -> impl Iterator<Item = (&Segment, &Track)> {
        self.segments
            .iter()
            .flat_map(|segment| segment.tracks.iter().map(move |track| (segment, track)))
    }

    /// The segment with `id`.
    pub fn segment(&self, id: Uuid) -> Option<&Segment> {
        self.segments.iter().find(|segment| segment.id == id)
    }

    /// The track with `id`, with its segment.
    pub fn track(&self, id: Uuid) -> Option<(&Segment, &Track)> {
        self.tracks().find(|(_, track)| track.id == id)
    }

    /// The tier with `id`, with its segment and track.
    pub fn locate_tier(&self, id: Uuid) -> Option<(&Segment, &Track, &Tier)> {
        self.tracks().find_map(|(segment, track)| {
            track
                .tiers
                .iter()
                .find(|tier| tier.id == id)
                .map(|tier| (segment, track, tier))
        })
    }

    /// The tier with `id`.
    pub fn tier(&self, id: Uuid) -> Option<&Tier> {
        self.locate_tier(id).map(|(_, _, tier)| tier)
    }

    /// Every track's slug, for [`Slug::unique`].
    pub fn slugs(&self) -> impl Iterator<Item = &str> {
        self.tracks().map(|(_, track)| track.slug.as_str())
    }

    fn applicable_tracks_of<'a>(
        &self,
        segment: &'a Segment,
        facts: &'a PartnerFacts,
    ) -> impl Iterator<Item = &'a Track> {
        segment
            .tracks
            .iter()
            .filter(move |track| track.applies_to(facts.partner_type()))
    }

    fn first_applicable_track(&self, facts: &PartnerFacts) -> Option<&Track> {
        self.tracks()
            .filter(|(segment, track)| {
                track.applies_to(facts.partner_type()) && segment.logic.satisfied(facts)
            })
            .min_by_key(|(segment, track)| {
                (segment.sort_order, segment.id, track.sort_order, track.id)
            })
            .map(|(_, track)| track)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::rules::tests::{draft, with_value};
    use crate::program::{FactValue, RuleField};
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn deals_at_least(n: i64) -> RequirementLogic {
        if n == 0 {
            return RequirementLogic::empty();
        }
        RequirementLogic::parse(&[with_value(draft("closed_deals", "gte"), n)]).expect("valid")
    }

    fn tier(n: u128, name: &str, sort_order: i32, deals: i64) -> Tier {
        Tier {
            id: id(n),
            name: ProgramName::parse(name).expect("name"),
            color: TierColor::Blue,
            sort_order,
            logic: deals_at_least(deals),
        }
    }

    fn track(n: u128, sort_order: i32, types: &[PartnerType], tiers: Vec<Tier>) -> Track {
        Track {
            id: id(n),
            name: ProgramName::parse(&format!("Track {n}")).expect("name"),
            slug: Slug::parse(&format!("track-{n}")).expect("slug"),
            description: None,
            partner_types: types.to_vec(),
            sort_order,
            tiers,
        }
    }

    fn segment(n: u128, sort_order: i32, logic: RequirementLogic, tracks: Vec<Track>) -> Segment {
        Segment {
            id: id(n),
            name: ProgramName::parse(&format!("Segment {n}")).expect("name"),
            description: None,
            family: SegmentFamily::Market,
            logic,
            sort_order,
            tracks,
        }
    }

    fn ladder(base: u128) -> Vec<Tier> {
        // Stored out of rank order on purpose.
        vec![
            tier(base + 3, "Silver", 3, 5),
            tier(base + 1, "Platinum", 1, 20),
            tier(base + 4, "Registered", 4, 0),
            tier(base + 2, "Gold", 2, 10),
        ]
    }

    /// Sales (reseller, channel) and technology (technology) tracks in one open segment, and
    /// a gated segment for resellers with at least 15 closed deals.
    fn program() -> Program {
        Program {
            segments: vec![
                segment(
                    200,
                    2,
                    deals_at_least(15),
                    vec![track(
                        30,
                        1,
                        &[PartnerType::Reseller],
                        vec![tier(31, "Elite", 1, 15)],
                    )],
                ),
                segment(
                    100,
                    1,
                    RequirementLogic::empty(),
                    vec![
                        track(
                            10,
                            1,
                            &[PartnerType::Reseller, PartnerType::Channel],
                            ladder(10),
                        ),
                        track(20, 2, &[PartnerType::Technology], ladder(20)),
                    ],
                ),
            ],
        }
    }

    fn facts(partner_type: PartnerType, deals: i64) -> PartnerFacts {
        PartnerFacts::new(partner_type).with_number(RuleField::ClosedDeals, Some(deals))
    }

    #[test]
    fn a_partner_gets_the_highest_tier_it_qualifies_for() {
        let program = program();
        assert_eq!(program.validate(), Ok(()));
        let assigned = program.assign(&facts(PartnerType::Channel, 12));
        assert_eq!(assigned.tier, Some(id(12)), "Gold");
        assert_eq!(assigned.track, Some(id(10)));
        assert_eq!(
            program.assign(&facts(PartnerType::Channel, 0)).tier,
            Some(id(14))
        );
        let unknown = PartnerFacts::new(PartnerType::Channel);
        assert_eq!(
            program.assign(&unknown).tier,
            Some(id(14)),
            "Registered has no rules"
        );
    }

    #[test]
    fn only_tracks_for_the_partners_type_apply() {
        let program = program();
        let assigned = program.assign(&facts(PartnerType::Technology, 6));
        assert_eq!(
            (assigned.track, assigned.tier),
            (Some(id(20)), Some(id(23)))
        );
        let assigned = program.assign(&facts(PartnerType::Referral, 100));
        assert_eq!((assigned.track, assigned.tier), (None, None));
        assert_eq!(
            assigned.segments,
            [id(100), id(200)],
            "segments do not depend on type; only tracks do"
        );
    }

    #[test]
    fn segments_are_those_satisfied_and_gate_their_tracks() {
        let program = program();
        let channel = program.assign(&facts(PartnerType::Channel, 30));
        assert_eq!(channel.segments, [id(100), id(200)], "by sort order");
        assert_eq!(
            channel.tier,
            Some(id(11)),
            "the gated track is not for channel partners"
        );
        let small_reseller = program.assign(&facts(PartnerType::Reseller, 12));
        assert_eq!(small_reseller.segments, [id(100)]);
        assert_eq!(small_reseller.tier, Some(id(12)));
    }

    #[test]
    fn ties_across_tracks_go_to_the_earlier_segment_then_track_then_id() {
        let program = program();
        // Reseller with 20 deals: Platinum (sort 1, segment 1) and Elite (sort 1, segment 2).
        let assigned = program.assign(&facts(PartnerType::Reseller, 20));
        assert_eq!(assigned.tier, Some(id(11)));
        assert_eq!(assigned.segments, [id(100), id(200)]);
        // Reseller with 16 deals: Gold (sort 2) loses to Elite (sort 1) in another segment.
        assert_eq!(
            program.assign(&facts(PartnerType::Reseller, 16)).tier,
            Some(id(31))
        );

        let twin = |track_id, track_sort| {
            track(
                track_id,
                track_sort,
                &[PartnerType::Reseller],
                vec![tier(track_id + 1, "Top", 1, 0)],
            )
        };
        let same_segment = Program {
            segments: vec![segment(
                1,
                1,
                RequirementLogic::empty(),
                vec![twin(60, 2), twin(50, 2), twin(70, 1)],
            )],
        };
        let reseller = facts(PartnerType::Reseller, 0);
        assert_eq!(
            same_segment.assign(&reseller).tier,
            Some(id(71)),
            "track sort order"
        );
        let mut by_id = same_segment.clone();
        by_id.segments[0].tracks.retain(|t| t.id != id(70));
        assert_eq!(by_id.assign(&reseller).tier, Some(id(51)), "then track id");
    }

    #[test]
    fn progress_names_the_next_tier_and_the_rules_still_unmet() {
        let program = program();
        let partner = facts(PartnerType::Channel, 12);
        let progress = program.progress(&partner, Some(id(12)));
        assert_eq!(progress.track.map(|t| t.id), Some(id(10)));
        assert_eq!(progress.current.map(|t| t.id), Some(id(12)));
        assert_eq!(progress.next.map(|t| t.name.as_str()), Some("Platinum"));
        assert_eq!(progress.unmet.len(), 1);
        assert_eq!(progress.unmet[0].field, RuleField::ClosedDeals);
        assert_eq!(progress.unmet[0].actual, FactValue::Number(12));
        assert_eq!(progress.unmet[0].expected.to_string(), "at least 20");

        let top = program.progress(&partner, Some(id(11)));
        assert_eq!((top.next, top.unmet.len()), (None, 0));

        let newcomer = program.progress(&partner, None);
        assert_eq!(newcomer.current, None);
        assert_eq!(newcomer.next.map(|t| t.id), Some(id(14)), "entry tier");
        assert!(newcomer.unmet.is_empty());
        assert_eq!(program.progress(&partner, Some(id(999))), newcomer);
    }

    #[test]
    fn tiers_for_a_type_come_in_rank_order_regardless_of_segment_logic() {
        let program = program();
        let names: Vec<&str> = program
            .tiers_for_type(PartnerType::Reseller)
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        assert_eq!(names, ["Platinum", "Elite", "Gold", "Silver", "Registered"]);
        assert!(program.tiers_for_type(PartnerType::Referral).is_empty());
    }

    #[test]
    fn validation_refuses_shared_ids_and_slugs() {
        let mut program = program();
        program.segments[1].tracks[1].tiers[0].id = id(11);
        assert_eq!(program.validate(), Err(ProgramError::DuplicateId(id(11))));
        let mut program = self::program();
        program.segments[1].tracks[1].slug = Slug::parse("track-30").expect("slug");
        assert_eq!(
            program.validate(),
            Err(ProgramError::DuplicateSlug("track-30".into()))
        );
        let mut program = self::program();
        program.segments[1].tracks[0].tiers = (0..=MAX_TIERS_PER_TRACK as u128)
            .map(|n| tier(1_000 + n, "T", 1, 0))
            .collect();
        assert!(matches!(
            program.validate(),
            Err(ProgramError::TooMany { .. })
        ));
    }

    #[test]
    fn lookups_and_simulation_find_what_is_there() {
        let program = program();
        assert_eq!(
            program.tier(id(23)).map(|t| t.name.as_str()),
            Some("Silver")
        );
        assert_eq!(program.track(id(30)).map(|(s, _)| s.id), Some(id(200)));
        assert_eq!(program.segment(id(100)).map(|s| s.sort_order), Some(1));
        assert_eq!(program.slugs().count(), 3);
        let partners = [
            facts(PartnerType::Channel, 12),
            facts(PartnerType::Channel, 1),
            facts(PartnerType::Referral, 1),
        ];
        let summary = program.simulate(&partners);
        assert_eq!(summary.partners, 3);
        assert_eq!(summary.per_tier.get(&id(12)), Some(&1));
        assert_eq!(summary.per_tier.get(&id(14)), Some(&1));
        assert_eq!(summary.without_tier, 1);
        assert_eq!(summary.per_segment.get(&id(100)), Some(&3));
    }

    #[test]
    fn names_are_trimmed_single_lines_of_at_most_a_hundred_characters() {
        assert_eq!(
            ProgramName::parse("  Gold ").map(|n| n.as_str().to_owned()),
            Ok("Gold".into())
        );
        assert_eq!(ProgramName::parse(" "), Err(PartnerValueError::Empty));
        assert!(ProgramName::parse(&"x".repeat(100)).is_ok());
        assert_eq!(
            ProgramName::parse(&"x".repeat(101)),
            Err(PartnerValueError::TooLong { max: 100 })
        );
        assert_eq!(
            ProgramName::parse("a\nb"),
            Err(PartnerValueError::ControlCharacters)
        );
        assert_eq!(program_description(Some("  ")), Ok(None));
    }

    /// A random program: segments gated by a deal threshold (0 = open), tracks for random
    /// types, tiers with random ranks and deal thresholds.
    fn any_program() -> impl Strategy<Value = Program> {
        let types = prop::sample::subsequence(PartnerType::ALL.to_vec(), 1..3);
        let tiers = prop::collection::vec((0_i32..4, 0_i64..30), 1..5);
        let tracks = prop::collection::vec((0_i32..3, types, tiers), 1..3);
        prop::collection::vec((0_i32..3, 0_i64..20, tracks), 1..3).prop_map(|segments| {
            let mut next = 0_u128;
            let mut fresh = move || {
                next += 1;
                next
            };
            Program {
                segments: segments
                    .into_iter()
                    .map(|(sort, gate, tracks)| {
                        let seg_id = fresh();
                        let tracks = tracks
                            .into_iter()
                            .map(|(sort, types, tiers)| {
                                let track_id = fresh();
                                let tiers = tiers
                                    .into_iter()
                                    .map(|(rank, deals)| tier(fresh(), "T", rank, deals))
                                    .collect();
                                track(track_id, sort, &types, tiers)
                            })
                            .collect();
                        segment(seg_id, sort, deals_at_least(gate), tracks)
                    })
                    .collect(),
            }
        })
    }

    proptest! {
        #[test]
        fn assign_picks_a_satisfied_tier_and_none_more_prestigious_is_satisfied(
            program in any_program(),
            partner_type in prop::sample::select(PartnerType::ALL.to_vec()),
            deals in prop::option::of(0_i64..40),
        ) {
            let facts = PartnerFacts::new(partner_type).with_number(RuleField::ClosedDeals, deals);
            let assigned = program.assign(&facts);
            let applicable: Vec<(&Segment, &Track)> = program
                .tracks()
                .filter(|(s, t)| t.applies_to(partner_type) && s.logic.satisfied(&facts))
                .collect();
            let satisfied: Vec<&Tier> = applicable
                .iter()
                .flat_map(|(_, t)| t.tiers.iter())
                .filter(|tier| tier.logic.satisfied(&facts))
                .collect();
            match assigned.tier {
                Some(tier_id) => {
                    let (segment, track, tier) = program.locate_tier(tier_id).expect("in program");
                    prop_assert!(tier.logic.satisfied(&facts));
                    prop_assert!(track.applies_to(partner_type));
                    prop_assert!(segment.logic.satisfied(&facts));
                    prop_assert_eq!(assigned.track, Some(track.id));
                    for other in satisfied {
                        prop_assert!(tier.sort_order <= other.sort_order);
                    }
                }
                None => prop_assert!(satisfied.is_empty()),
            }
            let in_segments: Vec<Uuid> = program
                .segments
                .iter()
                .filter(|s| s.logic.satisfied(&facts))
                .map(|s| s.id)
                .collect();
            prop_assert_eq!(assigned.segments.len(), in_segments.len());
            prop_assert!(assigned.segments.iter().all(|s| in_segments.contains(s)));
            let tiers_for_type = program.tiers_for_type(partner_type);
            prop_assert!(tiers_for_type.windows(2).all(|w| w[0].sort_order <= w[1].sort_order));
        }
    }
}
