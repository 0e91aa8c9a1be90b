//! The partner program: segments, the tracks inside them and the tiers inside tracks, the
//! requirement logic that decides which partners belong where, and who may configure it.
//!
//! Everything here is pure data and functions. Requirement logic is validated once
//! ([`RequirementLogic::parse`]) and evaluated many times without allocating
//! ([`RequirementLogic::satisfied`], [`Program::assign`]).

pub mod enums;
pub mod evaluate;
pub mod facts;
pub mod rules;

pub use enums::{FieldKind, RuleField, RuleOperator, SegmentFamily, TierColor};
pub use evaluate::RuleOutcome;
pub use facts::{FactValue, PartnerFacts};
pub use rules::{
    Condition, MAX_RULE_NOTES_CHARS, MAX_RULE_VALUES, MAX_RULES, RequirementLogic, Rule, RuleDraft,
    RuleError, RuleProblem, RuleValue,
};
