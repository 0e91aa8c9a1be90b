//! `RequirementRule`: one rule of a segment's or tier's requirement logic, as stored.

use async_graphql::SimpleObject;
use partnergraph_domain::program::{RequirementLogic, Rule, RuleValue};

use crate::graphql::scalars::BigInt;
use crate::graphql::types::program_enums::{RequirementFieldValue, RequirementOperatorValue};

/// A requirement rule: a partner field, an operator and the value(s) it is compared with.
/// Rules are stored in canonical form: `GTE`, `LTE` and `EQUALS` carry `value`, `BETWEEN`
/// carries `min` and `max`, `INCLUDES_ANY` and `INCLUDES_ALL` carry `values` (lower-cased).
#[derive(Debug, Clone, SimpleObject)]
pub struct RequirementRule {
    /// The partner field tested.
    pub field: RequirementFieldValue,
    /// How the field is compared.
    pub operator: RequirementOperatorValue,
    /// The single value of `GTE`, `LTE` and `EQUALS`: a whole number as text (money in minor
    /// units) or a text.
    pub value: Option<String>,
    /// The lower bound of `BETWEEN`, inclusive.
    pub min: Option<BigInt>,
    /// The upper bound of `BETWEEN`, inclusive.
    pub max: Option<BigInt>,
    /// The values of `INCLUDES_ANY` and `INCLUDES_ALL`.
    pub values: Option<Vec<String>>,
    /// The condition in words, e.g. `at least 20`.
    pub condition: String,
    /// Why the rule exists. Only owners and admins see notes; null for everyone else.
    pub notes: Option<String>,
}

impl RequirementRule {
    fn new(rule: &Rule, notes_visible: bool) -> Self {
        let draft = rule.to_draft();
        RequirementRule {
            field: rule.field().into(),
            operator: rule.operator().into(),
            value: draft.value.map(|value| match value {
                RuleValue::Number(n) => n.to_string(),
                RuleValue::Text(text) => text,
            }),
            min: draft.min.map(BigInt),
            max: draft.max.map(BigInt),
            values: draft.values,
            condition: rule.condition().to_string(),
            notes: if notes_visible { draft.notes } else { None },
        }
    }

    /// The rules of `logic`, in the order written, with notes only when `notes_visible`.
    pub fn list(logic: &RequirementLogic, notes_visible: bool) -> Vec<RequirementRule> {
        logic
            .rules()
            .iter()
            .map(|rule| RequirementRule::new(rule, notes_visible))
            .collect()
    }
}
