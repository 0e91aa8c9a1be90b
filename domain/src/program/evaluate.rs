//! Evaluating requirement logic against a partner.
//!
//! [`Rule::holds`] and [`RequirementLogic::satisfied`] allocate nothing: they compare numbers
//! and binary-search the partner's normalised lists. [`RequirementLogic::evaluate`] builds the
//! explanation (one [`RuleOutcome`] per rule) and is meant for showing, not for bulk runs.
//!
//! A missing numeric or text value meets no rule; a list field is never missing, only empty.

use super::enums::{RuleField, RuleOperator};
use super::facts::{FactValue, PartnerFacts};
use super::rules::{Condition, RequirementLogic, Rule};

impl Rule {
    /// Whether `facts` meets this rule.
    pub fn holds(&self, facts: &PartnerFacts) -> bool {
        let field = self.field();
        match self.condition() {
            Condition::AtLeast(min) => facts.number(field).is_some_and(|n| n >= *min),
            Condition::AtMost(max) => facts.number(field).is_some_and(|n| n <= *max),
            Condition::Between { min, max } => {
                facts.number(field).is_some_and(|n| *min <= n && n <= *max)
            }
            Condition::NumberEquals(value) => facts.number(field) == Some(*value),
            Condition::TextEquals(value) => facts.text(field) == Some(value.as_str()),
            Condition::TextOneOf(values) => facts.text(field).is_some_and(|text| {
                values
                    .binary_search_by(|probe| probe.as_str().cmp(text))
                    .is_ok()
            }),
            Condition::IncludesAny(values) => {
                values.iter().any(|value| facts.list_contains(field, value))
            }
            Condition::IncludesAll(values) => {
                values.iter().all(|value| facts.list_contains(field, value))
            }
        }
    }
}

/// How one rule went for one partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleOutcome {
    /// The rule's position in its logic, from 0.
    pub index: usize,
    /// The field tested.
    pub field: RuleField,
    /// The operator.
    pub operator: RuleOperator,
    /// What the rule asks for (displays as e.g. `at least 20`).
    pub expected: Condition,
    /// The partner's value (displays as e.g. `12`, `emea, apac` or `not set`); money in minor
    /// units.
    pub actual: FactValue,
    /// Whether the partner meets the rule.
    pub met: bool,
}

impl RequirementLogic {
    /// Whether `facts` meets every rule; empty logic is satisfied. Allocates nothing.
    pub fn satisfied(&self, facts: &PartnerFacts) -> bool {
        self.rules().iter().all(|rule| rule.holds(facts))
    }

    /// Every rule's outcome, in order.
    pub fn evaluate(&self, facts: &PartnerFacts) -> Vec<RuleOutcome> {
        self.rules()
            .iter()
            .enumerate()
            .map(|(index, rule)| RuleOutcome {
                index,
                field: rule.field(),
                operator: rule.operator(),
                expected: rule.condition().clone(),
                actual: facts.value(rule.field()),
                met: rule.holds(facts),
            })
            .collect()
    }

    /// The outcomes of the rules `facts` does not meet, in order.
    pub fn unmet(&self, facts: &PartnerFacts) -> Vec<RuleOutcome> {
        let mut outcomes = self.evaluate(facts);
        outcomes.retain(|outcome| !outcome.met);
        outcomes
    }
}
