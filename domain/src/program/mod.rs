//! The partner program: segments, the tracks inside them and the tiers inside tracks, the
//! requirement logic that decides which partners belong where, and who may configure it.
//!
//! Everything here is pure data and functions. Requirement logic is validated once
//! ([`RequirementLogic::parse`]) and evaluated many times without allocating
//! ([`RequirementLogic::satisfied`], [`Program::assign`]).

pub mod defaults;
pub mod enums;
pub mod evaluate;
pub mod facts;
pub mod model;
pub mod policy;
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
pub use rules::{
    Condition, MAX_RULE_NOTES_CHARS, MAX_RULE_VALUES, MAX_RULES, RequirementLogic, Rule, RuleDraft,
    RuleError, RuleProblem, RuleValue,
};
pub use slug::{FALLBACK_SLUG, MAX_SLUG_CHARS, Slug, SlugError, slugify, unique_slug};
