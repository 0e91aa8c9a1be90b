//! The partner program: segments, the tracks inside them and the tiers inside tracks, the
//! requirement logic that decides which partners belong where, and who may configure it.
//!
//! Everything here is pure data and functions; the database and GraphQL layers build on it.
//!
//! - **Rules** are written as [`RuleDraft`]s (the stored JSON and the GraphQL input shape) and
//!   validated once by [`RequirementLogic::parse`], which names the index of a bad rule.
//!   Validated logic is precompiled: evaluating it ([`RequirementLogic::satisfied`],
//!   [`Program::assign`]) parses nothing and allocates nothing per rule.
//! - **Facts** ([`PartnerFacts`]) are what rules read from a partner: numbers as `Option<i64>`
//!   (money in minor units of the organisation's currency; a missing number meets no rule),
//!   texts lower-cased, lists lower-cased sorted sets, tags as `category:value` plus bare
//!   values so a rule may ask for `services:certified` or `certified` in any category.
//! - **Placement** ([`Program::assign`]): a partner is in every segment whose logic it
//!   satisfies; a track applies when the partner's type is one of its types and the partner is
//!   in the track's segment; the partner holds the highest-prestige (lowest sort order) tier
//!   it satisfies across applicable tracks, ties broken by segment, track and ids (see
//!   [`model`]). [`Program::progress`] explains the next tier up; [`Program::simulate`] runs a
//!   draft program over many partners.
//! - **Rollups** ([`Rollup`]): what the live partners of a segment or tier add up to.
//! - **Policy**: only owners and admins read or change configuration and see rule notes.

pub mod defaults;
pub mod enums;
pub mod evaluate;
pub mod facts;
pub mod model;
pub mod policy;
pub mod rollup;
pub mod rules;
pub mod slug;

pub use defaults::default_program;
pub use enums::{FieldKind, RuleField, RuleOperator, SegmentFamily, TierColor};
pub use evaluate::RuleOutcome;
pub use facts::{FactValue, PartnerFacts};
pub use model::{
    Assignment, MAX_PROGRAM_DESCRIPTION_CHARS, MAX_PROGRAM_NAME_CHARS, MAX_SEGMENTS,
    MAX_TIERS_PER_TRACK, MAX_TRACKS_PER_SEGMENT, Program, ProgramError, ProgramName, Segment,
    SimulationSummary, Tier, TierProgress, Track, program_description,
};
pub use policy::{can_list_tiers, can_manage_program, can_read_program, can_see_rule_notes};
pub use rollup::{Rollup, ScoreTotal};
pub use rules::{
    Condition, MAX_RULE_NOTES_CHARS, MAX_RULE_VALUES, MAX_RULES, RequirementLogic, Rule, RuleDraft,
    RuleError, RuleProblem, RuleValue,
};
pub use slug::{FALLBACK_SLUG, MAX_SLUG_CHARS, Slug, SlugError, slugify, unique_slug};
