//! Requirement logic as data: rules as written ([`RuleDraft`], the shape stored as JSON and
//! taken from GraphQL inputs) and as validated ([`Rule`], [`RequirementLogic`]).
//!
//! [`RequirementLogic::parse`] checks every draft once at write time and precompiles it into a
//! [`Condition`] with normalised values, so evaluating a partner parses nothing.
//!
//! | kind    | operators                                   | parts                      |
//! |---------|---------------------------------------------|----------------------------|
//! | numeric | `gte`, `lte`, `equals`                      | `value` (`gte` also takes `min`, `lte` also `max`) |
//! | numeric | `between`                                   | `min` and `max`, `min <= max` |
//! | text    | `equals`                                    | `value`                    |
//! | text    | `includes_any` ("one of")                   | `values`, at least one     |
//! | list    | `includes_any`, `includes_all`              | `values`, at least one     |
//!
//! Numbers are `i64`: money in minor units of the organisation's currency (cents for USD),
//! scores 0–100, counts and headcounts at least 0. Texts are compared ignoring case after
//! trimming; values of the closed vocabularies (type, category, status, stage) must be one of
//! their database forms. Tags are `category:value` or a bare value matching in any category.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::enums::{FieldKind, RuleField, RuleOperator, snake_case};
use super::facts::normalize_text;
use crate::partners::{
    MAX_LIST_ITEM_CHARS, PartnerCategory, PartnerStage, PartnerStatus, PartnerType,
    PartnerValueError, TagCategory, optional_text,
};

/// The most rules in one requirement logic.
pub const MAX_RULES: usize = 20;
/// The most distinct values of one rule.
pub const MAX_RULE_VALUES: usize = 100;
/// The most characters of a rule's notes.
pub const MAX_RULE_NOTES_CHARS: usize = 1_000;

/// A rule's single value as written: a number, or a text (a numeric field also accepts an
/// integer written as text, e.g. `"20"`). Serialised untagged: `20` or `"emea"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RuleValue {
    /// A number.
    Number(i64),
    /// A text.
    Text(String),
}

/// A rule as written by an admin, before validation; also the stored JSON form of a
/// validated rule (see [`Rule::to_draft`]). Absent parts are left out of the JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDraft {
    /// The field, e.g. `closed_deals` (snake_case, SCREAMING_CASE or camelCase).
    pub field: String,
    /// The operator, e.g. `gte` (snake_case, SCREAMING_CASE or camelCase).
    pub operator: String,
    /// The single value of `gte`, `lte` and `equals`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<RuleValue>,
    /// The lower bound of `between` (or the value of `gte`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    /// The upper bound of `between` (or the value of `lte`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    /// The values of `includes_any` and `includes_all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// Why the rule exists; shown to admins only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// What a validated rule asks of a partner's value. Text values are lower-cased and lists
/// sorted and de-duplicated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Condition {
    /// `gte`: the number is at least this.
    AtLeast(i64),
    /// `lte`: the number is at most this.
    AtMost(i64),
    /// `between`: the number is within `min..=max`.
    Between {
        /// The lower bound, inclusive.
        min: i64,
        /// The upper bound, inclusive.
        max: i64,
    },
    /// `equals` on a numeric field.
    NumberEquals(i64),
    /// `equals` on a text field.
    TextEquals(String),
    /// `includes_any` on a text field: the text is one of these.
    TextOneOf(Vec<String>),
    /// `includes_any` on a list field: the list has at least one of these.
    IncludesAny(Vec<String>),
    /// `includes_all` on a list field: the list has all of these.
    IncludesAll(Vec<String>),
}

impl Condition {
    /// The operator this condition was written with.
    pub fn operator(&self) -> RuleOperator {
        match self {
            Condition::AtLeast(_) => RuleOperator::Gte,
            Condition::AtMost(_) => RuleOperator::Lte,
            Condition::Between { .. } => RuleOperator::Between,
            Condition::NumberEquals(_) | Condition::TextEquals(_) => RuleOperator::Equals,
            Condition::TextOneOf(_) | Condition::IncludesAny(_) => RuleOperator::IncludesAny,
            Condition::IncludesAll(_) => RuleOperator::IncludesAll,
        }
    }
}

impl fmt::Display for Condition {
    /// `at least 20`, `at most 5`, `between 1 and 5`, `exactly 3`, `exactly fintech`,
    /// `one of a, b`, `any of a, b`, `all of a, b`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Condition::AtLeast(n) => write!(f, "at least {n}"),
            Condition::AtMost(n) => write!(f, "at most {n}"),
            Condition::Between { min, max } => write!(f, "between {min} and {max}"),
            Condition::NumberEquals(n) => write!(f, "exactly {n}"),
            Condition::TextEquals(text) => write!(f, "exactly {text}"),
            Condition::TextOneOf(values) => write!(f, "one of {}", values.join(", ")),
            Condition::IncludesAny(values) => write!(f, "any of {}", values.join(", ")),
            Condition::IncludesAll(values) => write!(f, "all of {}", values.join(", ")),
        }
    }
}

/// A validated requirement rule: a field, a condition that fits the field's kind, and notes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule {
    field: RuleField,
    condition: Condition,
    notes: Option<String>,
}

impl Rule {
    /// Validates one draft; `index` is its position, used in errors.
    pub fn parse(index: usize, draft: &RuleDraft) -> Result<Rule, RuleError> {
        parse_rule(draft).map_err(|problem| RuleError::Invalid { index, problem })
    }

    /// A rule built in code (the seed defaults), with notes; a test holds every such rule
    /// equal to its parsed canonical form.
    pub(super) fn seeded(field: RuleField, condition: Condition, notes: Option<&str>) -> Rule {
        Rule {
            field,
            condition,
            notes: notes.map(str::to_owned),
        }
    }

    /// The field tested.
    pub fn field(&self) -> RuleField {
        self.field
    }

    /// The operator.
    pub fn operator(&self) -> RuleOperator {
        self.condition.operator()
    }

    /// What the field's value must be.
    pub fn condition(&self) -> &Condition {
        &self.condition
    }

    /// Why the rule exists; for admins only (see
    /// [`crate::program::can_see_rule_notes`]).
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }

    /// The canonical written form: snake_case field and operator, `gte`/`lte`/`equals` in
    /// `value`, normalised texts. `Rule::parse(i, &rule.to_draft())` gives `rule` back.
    pub fn to_draft(&self) -> RuleDraft {
        let mut draft = RuleDraft {
            field: self.field.as_str().to_owned(),
            operator: self.operator().as_str().to_owned(),
            notes: self.notes.clone(),
            ..RuleDraft::default()
        };
        match &self.condition {
            Condition::AtLeast(n) | Condition::AtMost(n) | Condition::NumberEquals(n) => {
                draft.value = Some(RuleValue::Number(*n));
            }
            Condition::Between { min, max } => {
                draft.min = Some(*min);
                draft.max = Some(*max);
            }
            Condition::TextEquals(text) => draft.value = Some(RuleValue::Text(text.clone())),
            Condition::TextOneOf(values)
            | Condition::IncludesAny(values)
            | Condition::IncludesAll(values) => draft.values = Some(values.clone()),
        }
        draft
    }
}

/// The rules of a segment or tier; a partner satisfies it when it meets every rule, so empty
/// logic is satisfied by everyone.
///
/// Serialises as a JSON array of [`RuleDraft`]s and deserialises through
/// [`RequirementLogic::parse`], so stored logic round-trips exactly and is re-validated on load.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<RuleDraft>", into = "Vec<RuleDraft>")]
pub struct RequirementLogic {
    rules: Vec<Rule>,
}

impl RequirementLogic {
    /// No rules: satisfied by every partner.
    pub fn empty() -> Self {
        RequirementLogic::default()
    }

    /// Validates every draft; the first invalid one is reported with its index. At most
    /// [`MAX_RULES`] rules.
    pub fn parse(drafts: &[RuleDraft]) -> Result<Self, RuleError> {
        if drafts.len() > MAX_RULES {
            return Err(RuleError::TooManyRules {
                max: MAX_RULES,
                got: drafts.len(),
            });
        }
        let rules = drafts
            .iter()
            .enumerate()
            .map(|(index, draft)| Rule::parse(index, draft))
            .collect::<Result<_, _>>()?;
        Ok(RequirementLogic { rules })
    }

    /// Logic built in code (the seed defaults).
    pub(super) fn seeded(rules: Vec<Rule>) -> Self {
        RequirementLogic { rules }
    }

    /// The rules, in the order written.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The canonical written form of every rule (what is stored).
    pub fn to_drafts(&self) -> Vec<RuleDraft> {
        self.rules.iter().map(Rule::to_draft).collect()
    }

    /// The same rules without their notes, for readers who may not see notes.
    pub fn without_notes(&self) -> Self {
        RequirementLogic {
            rules: self
                .rules
                .iter()
                .map(|rule| Rule {
                    notes: None,
                    ..rule.clone()
                })
                .collect(),
        }
    }
}

impl TryFrom<Vec<RuleDraft>> for RequirementLogic {
    type Error = RuleError;

    fn try_from(drafts: Vec<RuleDraft>) -> Result<Self, Self::Error> {
        RequirementLogic::parse(&drafts)
    }
}

impl From<RequirementLogic> for Vec<RuleDraft> {
    fn from(logic: RequirementLogic) -> Self {
        logic.to_drafts()
    }
}

/// Why requirement logic was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// More than [`MAX_RULES`] rules.
    #[error("there are {got} rules; at most {max} are allowed")]
    TooManyRules {
        /// The most rules allowed.
        max: usize,
        /// How many were given.
        got: usize,
    },
    /// The rule at `index` (counting from 0) is invalid.
    #[error("rules[{index}]: {problem}")]
    Invalid {
        /// The rule's position in the list, from 0.
        index: usize,
        /// What is wrong with it.
        problem: RuleProblem,
    },
}

impl RuleError {
    /// The index of the invalid rule, if one rule is at fault.
    pub fn index(&self) -> Option<usize> {
        match self {
            RuleError::TooManyRules { .. } => None,
            RuleError::Invalid { index, .. } => Some(*index),
        }
    }
}

/// What is wrong with one rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleProblem {
    /// Not a [`RuleField`].
    #[error("unknown field `{0}`")]
    UnknownField(String),
    /// Not a [`RuleOperator`].
    #[error("unknown operator `{0}`; use gte, lte, between, includes_any, includes_all or equals")]
    UnknownOperator(String),
    /// The operator does not apply to the field's kind.
    #[error("`{operator}` cannot be used on `{field}`, a {} field; use {}", field.kind(), operator_list(field.kind()))]
    OperatorNotForField {
        /// The field.
        field: RuleField,
        /// The operator given.
        operator: RuleOperator,
    },
    /// A part the operator needs is missing.
    #[error("`{operator}` needs `{part}`")]
    Missing {
        /// The operator.
        operator: RuleOperator,
        /// `value`, `min`, `max` or `values`.
        part: &'static str,
    },
    /// A part the operator does not use was given.
    #[error("`{operator}` does not use `{part}`; leave it out")]
    Unexpected {
        /// The operator.
        operator: RuleOperator,
        /// `value`, `min`, `max` or `values`.
        part: &'static str,
    },
    /// A text where a whole number was needed.
    #[error("`{0}` is not a whole number")]
    NotANumber(String),
    /// A number outside what the field can hold.
    #[error("the number must be between {min} and {max}, got {got}")]
    OutOfRange {
        /// The smallest number allowed.
        min: i64,
        /// The largest number allowed.
        max: i64,
        /// The number given.
        got: i64,
    },
    /// `between` with `min` above `max`.
    #[error("`min` ({min}) is greater than `max` ({max})")]
    MinAboveMax {
        /// The lower bound given.
        min: i64,
        /// The upper bound given.
        max: i64,
    },
    /// `values` has no non-blank item.
    #[error("`values` is empty; give at least one value")]
    EmptyList,
    /// More than [`MAX_RULE_VALUES`] distinct values.
    #[error("there are too many values; at most {max} are allowed")]
    TooManyValues {
        /// The most values allowed.
        max: usize,
    },
    /// A value of a closed vocabulary field that is not in it.
    #[error("`{value}` is not a valid {field}; use one of {}", vocabulary(*field).join(", "))]
    NotInVocabulary {
        /// The field.
        field: RuleField,
        /// The value given.
        value: String,
    },
    /// A text value that is blank, too long or has control characters.
    #[error("invalid value: {0}")]
    InvalidValue(PartnerValueError),
    /// Notes that are too long or have control characters.
    #[error("invalid notes: {0}")]
    Notes(PartnerValueError),
}

fn operator_list(kind: FieldKind) -> String {
    kind.operators()
        .iter()
        .map(|operator| operator.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The database forms a closed-vocabulary text field accepts; empty for free text.
fn vocabulary(field: RuleField) -> Vec<&'static str> {
    match field {
        RuleField::Type => PartnerType::ALL.map(PartnerType::as_str).to_vec(),
        RuleField::Category => PartnerCategory::ALL.map(PartnerCategory::as_str).to_vec(),
        RuleField::Status => PartnerStatus::ALL.map(PartnerStatus::as_str).to_vec(),
        RuleField::Stage => PartnerStage::ALL.map(PartnerStage::as_str).to_vec(),
        _ => Vec::new(),
    }
}

fn parse_rule(draft: &RuleDraft) -> Result<Rule, RuleProblem> {
    let field = RuleField::parse(&snake_case(draft.field.trim()))
        .ok_or_else(|| RuleProblem::UnknownField(draft.field.clone()))?;
    let operator = RuleOperator::parse(&snake_case(draft.operator.trim()))
        .ok_or_else(|| RuleProblem::UnknownOperator(draft.operator.clone()))?;
    if !field.kind().allows(operator) {
        return Err(RuleProblem::OperatorNotForField { field, operator });
    }
    let condition = Parts { operator, draft }.condition(field)?;
    let notes =
        optional_text(draft.notes.as_deref(), MAX_RULE_NOTES_CHARS).map_err(RuleProblem::Notes)?;
    Ok(Rule {
        field,
        condition,
        notes,
    })
}

/// The parts of a draft, checked against what its operator uses.
struct Parts<'a> {
    operator: RuleOperator,
    draft: &'a RuleDraft,
}

impl Parts<'_> {
    fn condition(&self, field: RuleField) -> Result<Condition, RuleProblem> {
        let draft = self.draft;
        match (field.kind(), self.operator) {
            (FieldKind::Numeric, RuleOperator::Gte) => {
                self.unused(&[
                    ("max", draft.max.is_some()),
                    ("values", draft.values.is_some()),
                ])?;
                let value = self.value_or_bound("min", draft.min)?;
                Ok(Condition::AtLeast(number(field, &value)?))
            }
            (FieldKind::Numeric, RuleOperator::Lte) => {
                self.unused(&[
                    ("min", draft.min.is_some()),
                    ("values", draft.values.is_some()),
                ])?;
                let value = self.value_or_bound("max", draft.max)?;
                Ok(Condition::AtMost(number(field, &value)?))
            }
            (FieldKind::Numeric, RuleOperator::Between) => {
                self.unused(&[
                    ("value", draft.value.is_some()),
                    ("values", draft.values.is_some()),
                ])?;
                let min = number(field, &RuleValue::Number(self.required("min", draft.min)?))?;
                let max = number(field, &RuleValue::Number(self.required("max", draft.max)?))?;
                if min > max {
                    return Err(RuleProblem::MinAboveMax { min, max });
                }
                Ok(Condition::Between { min, max })
            }
            (FieldKind::Numeric, _) => {
                self.no_bounds_or_values()?;
                let value = self.required("value", draft.value.as_ref())?;
                Ok(Condition::NumberEquals(number(field, value)?))
            }
            (FieldKind::Text, RuleOperator::Equals) => {
                self.no_bounds_or_values()?;
                let value = match self.required("value", draft.value.as_ref())? {
                    RuleValue::Number(n) => n.to_string(),
                    RuleValue::Text(text) => text.clone(),
                };
                Ok(Condition::TextEquals(text_item(field, &value)?))
            }
            (kind, operator) => {
                self.unused(&[
                    ("value", draft.value.is_some()),
                    ("min", draft.min.is_some()),
                    ("max", draft.max.is_some()),
                ])?;
                let values = self.required("values", draft.values.as_ref())?;
                let values = text_items(field, values)?;
                Ok(match (kind, operator) {
                    (FieldKind::Text, _) => Condition::TextOneOf(values),
                    (_, RuleOperator::IncludesAll) => Condition::IncludesAll(values),
                    _ => Condition::IncludesAny(values),
                })
            }
        }
    }

    /// `value`, or else `bound` (`min` for gte, `max` for lte); not both.
    fn value_or_bound(
        &self,
        bound_name: &'static str,
        bound: Option<i64>,
    ) -> Result<RuleValue, RuleProblem> {
        match (&self.draft.value, bound) {
            (Some(value), None) => Ok(value.clone()),
            (None, Some(bound)) => Ok(RuleValue::Number(bound)),
            (Some(_), Some(_)) => Err(RuleProblem::Unexpected {
                operator: self.operator,
                part: bound_name,
            }),
            (None, None) => Err(RuleProblem::Missing {
                operator: self.operator,
                part: "value",
            }),
        }
    }

    fn no_bounds_or_values(&self) -> Result<(), RuleProblem> {
        self.unused(&[
            ("min", self.draft.min.is_some()),
            ("max", self.draft.max.is_some()),
            ("values", self.draft.values.is_some()),
        ])
    }

    fn unused(&self, parts: &[(&'static str, bool)]) -> Result<(), RuleProblem> {
        match parts.iter().find(|(_, present)| *present) {
            Some((part, _)) => Err(RuleProblem::Unexpected {
                operator: self.operator,
                part,
            }),
            None => Ok(()),
        }
    }

    fn required<T>(&self, part: &'static str, value: Option<T>) -> Result<T, RuleProblem> {
        value.ok_or(RuleProblem::Missing {
            operator: self.operator,
            part,
        })
    }
}

/// A number for `field`: an integer or an integer written as text, within the field's range.
fn number(field: RuleField, value: &RuleValue) -> Result<i64, RuleProblem> {
    let n = match value {
        RuleValue::Number(n) => *n,
        RuleValue::Text(text) => text
            .trim()
            .parse()
            .map_err(|_| RuleProblem::NotANumber(text.clone()))?,
    };
    let (min, max) = field.numeric_range().unwrap_or((i64::MIN, i64::MAX));
    if !(min..=max).contains(&n) {
        return Err(RuleProblem::OutOfRange { min, max, got: n });
    }
    Ok(n)
}

/// One text value for `field`: trimmed, lower-cased, 1..=100 characters, single line; a
/// closed-vocabulary field's value in its database form; a tag as `category:value` with the
/// category's spaces removed, or a bare value.
fn text_item(field: RuleField, value: &str) -> Result<String, RuleProblem> {
    let trimmed = value.trim();
    if trimmed.chars().any(char::is_control) {
        return Err(RuleProblem::InvalidValue(
            PartnerValueError::ControlCharacters,
        ));
    }
    let text =
        normalize_text(Some(trimmed)).ok_or(RuleProblem::InvalidValue(PartnerValueError::Empty))?;
    let (text, measured) = match field {
        RuleField::Tags => canonical_tag(&text),
        _ => {
            let chars = text.chars().count();
            (text, chars)
        }
    };
    if measured == 0 {
        return Err(RuleProblem::InvalidValue(PartnerValueError::Empty));
    }
    if measured > MAX_LIST_ITEM_CHARS {
        return Err(RuleProblem::InvalidValue(PartnerValueError::TooLong {
            max: MAX_LIST_ITEM_CHARS,
        }));
    }
    let allowed = vocabulary(field);
    if !allowed.is_empty() {
        // Lower-cased, the GraphQL form (`LEGAL_NEGOTIATION`) is the database form.
        return match allowed.iter().find(|known| **known == text) {
            Some(known) => Ok((*known).to_owned()),
            None => Err(RuleProblem::NotInVocabulary {
                field,
                value: value.trim().to_owned(),
            }),
        };
    }
    Ok(text)
}

/// `services : certified` → `services:certified` when the part before the first colon is a tag
/// category; anything else is a bare value, unchanged. Also returns the length of the tag's
/// value in characters (without the category).
fn canonical_tag(text: &str) -> (String, usize) {
    match text.split_once(':') {
        Some((category, value)) if TagCategory::parse(category.trim()).is_some() => {
            let value = value.trim();
            (
                format!("{}:{value}", category.trim()),
                value.chars().count(),
            )
        }
        _ => (text.to_owned(), text.chars().count()),
    }
}

/// The values of `includes_any`/`includes_all`: each as [`text_item`], blanks dropped, sorted
/// and de-duplicated; at least one, at most [`MAX_RULE_VALUES`].
fn text_items(field: RuleField, values: &[String]) -> Result<Vec<String>, RuleProblem> {
    let mut items = values
        .iter()
        .filter(|value| !value.trim().is_empty())
        .map(|value| text_item(field, value))
        .collect::<Result<Vec<_>, _>>()?;
    items.sort_unstable();
    items.dedup();
    if items.is_empty() {
        return Err(RuleProblem::EmptyList);
    }
    if items.len() > MAX_RULE_VALUES {
        return Err(RuleProblem::TooManyValues {
            max: MAX_RULE_VALUES,
        });
    }
    Ok(items)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A draft of `field` and `operator` with no parts yet.
    pub(crate) fn draft(field: &str, operator: &str) -> RuleDraft {
        RuleDraft {
            field: field.to_owned(),
            operator: operator.to_owned(),
            ..RuleDraft::default()
        }
    }

    pub(crate) fn with_value(mut draft: RuleDraft, value: impl Into<RuleValueArg>) -> RuleDraft {
        draft.value = Some(value.into().0);
        draft
    }

    pub(crate) fn with_values(mut draft: RuleDraft, values: &[&str]) -> RuleDraft {
        draft.values = Some(values.iter().map(|v| (*v).to_owned()).collect());
        draft
    }

    pub(crate) fn with_bounds(mut draft: RuleDraft, min: i64, max: i64) -> RuleDraft {
        draft.min = Some(min);
        draft.max = Some(max);
        draft
    }

    /// Lets tests write `with_value(d, 20)` and `with_value(d, "emea")`.
    pub(crate) struct RuleValueArg(RuleValue);

    impl From<i64> for RuleValueArg {
        fn from(n: i64) -> Self {
            RuleValueArg(RuleValue::Number(n))
        }
    }

    impl From<&str> for RuleValueArg {
        fn from(text: &str) -> Self {
            RuleValueArg(RuleValue::Text(text.to_owned()))
        }
    }

    fn one(draft: RuleDraft) -> Result<Rule, RuleError> {
        Rule::parse(0, &draft)
    }

    fn problem(draft: RuleDraft) -> RuleProblem {
        match one(draft) {
            Err(RuleError::Invalid { problem, .. }) => problem,
            other => panic!("expected a rule problem, got {other:?}"),
        }
    }

    #[test]
    fn numeric_rules_take_a_value_or_bounds() {
        let gte = one(with_value(draft("closed_deals", "gte"), 20)).expect("valid");
        assert_eq!(gte.condition(), &Condition::AtLeast(20));
        assert_eq!(gte.operator(), RuleOperator::Gte);
        let mut by_min = draft("closed_deals", "GTE");
        by_min.min = Some(20);
        assert_eq!(one(by_min), Ok(gte));
        let mut by_max = draft("employees", "lte");
        by_max.max = Some(50);
        assert_eq!(
            one(by_max).map(|r| r.condition().clone()),
            Ok(Condition::AtMost(50))
        );
        assert_eq!(
            one(with_bounds(draft("revenue", "between"), 10, 10)).map(|r| r.condition().clone()),
            Ok(Condition::Between { min: 10, max: 10 })
        );
        assert_eq!(
            one(with_value(draft("customers", "equals"), " 7 ")).map(|r| r.condition().clone()),
            Ok(Condition::NumberEquals(7)),
            "a number written as text is accepted"
        );
    }

    #[test]
    fn camel_case_and_graphql_names_are_accepted() {
        let rule = one(with_values(draft("closedDeals", "includesAny"), &["x"]));
        assert!(matches!(
            rule,
            Err(RuleError::Invalid {
                problem: RuleProblem::OperatorNotForField {
                    field: RuleField::ClosedDeals,
                    operator: RuleOperator::IncludesAny
                },
                ..
            })
        ));
        let rule = one(with_values(draft(" TAGS ", "INCLUDES_ALL"), &["x"])).expect("valid");
        assert_eq!(rule.field(), RuleField::Tags);
        assert_eq!(rule.operator(), RuleOperator::IncludesAll);
    }

    #[test]
    fn text_rules_are_lower_cased_and_closed_vocabularies_checked() {
        let rule = one(with_value(draft("industry", "equals"), "  FinTech ")).expect("valid");
        assert_eq!(rule.condition(), &Condition::TextEquals("fintech".into()));
        let rule = one(with_values(
            draft("stage", "includes_any"),
            &["LEGAL_NEGOTIATION", "active", "Active", " "],
        ))
        .expect("valid");
        assert_eq!(
            rule.condition(),
            &Condition::TextOneOf(vec!["active".into(), "legal_negotiation".into()])
        );
        assert!(matches!(
            problem(with_value(draft("type", "equals"), "partner")),
            RuleProblem::NotInVocabulary {
                field: RuleField::Type,
                ..
            }
        ));
        let message = one(with_value(draft("status", "equals"), "gone"))
            .expect_err("refused")
            .to_string();
        assert!(message.contains("active, inactive, pending"), "{message}");
    }

    #[test]
    fn list_rules_are_sorted_deduplicated_and_tags_canonical() {
        let rule = one(with_values(
            draft("regions", "includes_all"),
            &["EMEA", "apac", "emea"],
        ))
        .expect("valid");
        assert_eq!(
            rule.condition(),
            &Condition::IncludesAll(vec!["apac".into(), "emea".into()])
        );
        let rule = one(with_values(
            draft("tags", "includes_any"),
            &["Services : Certified", "managed-services", "foo : bar"],
        ))
        .expect("valid");
        assert_eq!(
            rule.condition(),
            &Condition::IncludesAny(vec![
                "foo : bar".into(),
                "managed-services".into(),
                "services:certified".into()
            ])
        );
        assert_eq!(
            problem(with_values(draft("tags", "includes_any"), &["services:  "])),
            RuleProblem::InvalidValue(PartnerValueError::Empty)
        );
    }

    #[test]
    fn each_mistake_is_named() {
        use RuleProblem::*;
        assert_eq!(problem(draft("karma", "gte")), UnknownField("karma".into()));
        assert_eq!(
            problem(draft("revenue", ">=")),
            UnknownOperator(">=".into())
        );
        assert!(matches!(
            problem(with_value(draft("regions", "equals"), "emea")),
            OperatorNotForField { .. }
        ));
        assert!(matches!(
            problem(with_values(draft("industry", "includes_all"), &["a"])),
            OperatorNotForField { .. }
        ));
        assert!(matches!(
            problem(with_value(draft("industry", "gte"), 1)),
            OperatorNotForField { .. }
        ));
        assert_eq!(
            problem(draft("revenue", "gte")),
            Missing {
                operator: RuleOperator::Gte,
                part: "value"
            }
        );
        let mut only_min = draft("revenue", "between");
        only_min.min = Some(1);
        assert_eq!(
            problem(only_min),
            Missing {
                operator: RuleOperator::Between,
                part: "max"
            }
        );
        assert_eq!(
            problem(draft("regions", "includes_any")),
            Missing {
                operator: RuleOperator::IncludesAny,
                part: "values"
            }
        );
        assert_eq!(
            problem(with_bounds(draft("revenue", "between"), 5, 4)),
            MinAboveMax { min: 5, max: 4 }
        );
        assert_eq!(
            problem(with_values(draft("regions", "includes_any"), &[])),
            EmptyList
        );
        assert_eq!(
            problem(with_values(draft("regions", "includes_any"), &[" ", ""])),
            EmptyList
        );
        assert_eq!(
            problem(with_value(
                with_bounds(draft("revenue", "between"), 1, 2),
                3
            )),
            Unexpected {
                operator: RuleOperator::Between,
                part: "value"
            }
        );
        let mut both = with_value(draft("revenue", "gte"), 3);
        both.min = Some(3);
        assert_eq!(
            problem(both),
            Unexpected {
                operator: RuleOperator::Gte,
                part: "min"
            }
        );
        assert_eq!(
            problem(with_value(draft("fit_score", "gte"), 101)),
            OutOfRange {
                min: 0,
                max: 100,
                got: 101
            }
        );
        assert!(matches!(
            problem(with_value(draft("closed_deals", "gte"), -1)),
            OutOfRange { .. }
        ));
        assert_eq!(
            problem(with_value(draft("closed_deals", "gte"), "twenty")),
            NotANumber("twenty".into())
        );
        assert_eq!(
            problem(with_value(draft("industry", "equals"), &*"x".repeat(101))),
            InvalidValue(PartnerValueError::TooLong { max: 100 })
        );
        assert_eq!(
            problem(with_value(draft("industry", "equals"), "a\u{0}b")),
            InvalidValue(PartnerValueError::ControlCharacters)
        );
        let many: Vec<String> = (0..=MAX_RULE_VALUES).map(|i| format!("r{i}")).collect();
        let mut too_many = draft("regions", "includes_any");
        too_many.values = Some(many);
        assert_eq!(
            problem(too_many),
            TooManyValues {
                max: MAX_RULE_VALUES
            }
        );
        let mut long_notes = with_value(draft("revenue", "gte"), 1);
        long_notes.notes = Some("n".repeat(MAX_RULE_NOTES_CHARS + 1));
        assert_eq!(
            problem(long_notes),
            Notes(PartnerValueError::TooLong {
                max: MAX_RULE_NOTES_CHARS
            })
        );
    }

    #[test]
    fn errors_name_the_index_of_the_first_bad_rule() {
        let drafts = [
            with_value(draft("revenue", "gte"), 1),
            with_values(draft("regions", "includes_any"), &["emea"]),
            with_bounds(draft("employees", "between"), 10, 1),
            draft("karma", "gte"),
        ];
        let error = RequirementLogic::parse(&drafts).expect_err("refused");
        assert_eq!(error.index(), Some(2));
        assert_eq!(
            error.to_string(),
            "rules[2]: `min` (10) is greater than `max` (1)"
        );
        let too_many = vec![with_value(draft("revenue", "gte"), 1); MAX_RULES + 1];
        let error = RequirementLogic::parse(&too_many).expect_err("refused");
        assert_eq!(
            error,
            RuleError::TooManyRules {
                max: MAX_RULES,
                got: MAX_RULES + 1
            }
        );
        assert_eq!(error.index(), None);
        assert!(RequirementLogic::parse(&too_many[..MAX_RULES]).is_ok());
    }

    #[test]
    fn blank_notes_are_dropped_and_notes_can_be_hidden() {
        let mut noted = with_value(draft("revenue", "gte"), 1);
        noted.notes = Some("  Strategic accounts count double  ".into());
        let mut blank = with_value(draft("revenue", "lte"), 9);
        blank.notes = Some("   ".into());
        let logic = RequirementLogic::parse(&[noted, blank]).expect("valid");
        assert_eq!(
            logic.rules()[0].notes(),
            Some("Strategic accounts count double")
        );
        assert_eq!(logic.rules()[1].notes(), None);
        assert!(
            logic
                .without_notes()
                .rules()
                .iter()
                .all(|r| r.notes().is_none())
        );
    }

    #[test]
    fn stored_json_round_trips_exactly() {
        let mut noted = with_value(draft("closedDeals", "GTE"), "20");
        noted.notes = Some("Won or lost".into());
        let logic = RequirementLogic::parse(&[
            noted,
            with_bounds(draft("fit_score", "between"), 60, 100),
            with_value(draft("industry", "equals"), "FinTech"),
            with_values(
                draft("tags", "includesAll"),
                &["services:certified", "EMEA"],
            ),
        ])
        .expect("valid");
        let json = serde_json::to_string(&logic).expect("serializes");
        assert_eq!(
            json,
            r#"[{"field":"closed_deals","operator":"gte","value":20,"notes":"Won or lost"},{"field":"fit_score","operator":"between","min":60,"max":100},{"field":"industry","operator":"equals","value":"fintech"},{"field":"tags","operator":"includes_all","values":["emea","services:certified"]}]"#
        );
        let back: RequirementLogic = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, logic);
        assert_eq!(serde_json::to_string(&back).expect("serializes"), json);
        let empty: RequirementLogic = serde_json::from_str("[]").expect("empty");
        assert!(empty.is_empty());
    }

    #[test]
    fn invalid_stored_json_is_refused_on_load() {
        let bad = r#"[{"field":"revenue","operator":"between","min":5,"max":1}]"#;
        let error = serde_json::from_str::<RequirementLogic>(bad).expect_err("refused");
        assert!(error.to_string().contains("rules[0]"), "{error}");
        let unknown_key = r#"[{"field":"revenue","operator":"gte","vaule":5}]"#;
        assert!(serde_json::from_str::<RequirementLogic>(unknown_key).is_err());
    }

    /// Any valid draft: a field, an operator its kind allows, and fitting parts.
    pub(crate) fn any_valid_draft() -> impl Strategy<Value = RuleDraft> {
        let numeric = (
            prop::sample::select(
                RuleField::ALL
                    .into_iter()
                    .filter(|f| f.kind() == FieldKind::Numeric)
                    .collect::<Vec<_>>(),
            ),
            0_i64..=100,
            0_i64..=100,
            0_usize..4,
        )
            .prop_map(|(field, a, b, op)| {
                let name = field.as_str();
                match op {
                    0 => with_value(draft(name, "gte"), a),
                    1 => with_value(draft(name, "lte"), a),
                    2 => with_bounds(draft(name, "between"), a.min(b), a.max(b)),
                    _ => with_value(draft(name, "equals"), a),
                }
            });
        let free_text = (
            prop::sample::select(vec!["industry", "subtype"]),
            "[a-zA-Z][a-zA-Z ]{0,8}",
            prop::collection::vec("[a-zA-Z]{1,6}", 1..5),
            any::<bool>(),
        )
            .prop_map(|(field, value, values, equals)| {
                if equals {
                    with_value(draft(field, "equals"), value.as_str())
                } else {
                    let values: Vec<&str> = values.iter().map(String::as_str).collect();
                    with_values(draft(field, "includes_any"), &values)
                }
            });
        let list = (
            prop::sample::select(vec!["regions", "languages", "services", "products", "tags"]),
            prop::collection::vec("((services|regions):)?[a-zA-Z]{1,6}", 1..5),
            any::<bool>(),
        )
            .prop_map(|(field, values, all)| {
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                with_values(
                    draft(field, if all { "includes_all" } else { "includes_any" }),
                    &values,
                )
            });
        prop_oneof![numeric, free_text, list]
    }

    proptest! {
        #[test]
        fn any_valid_logic_round_trips_through_its_drafts_and_json(
            drafts in prop::collection::vec(any_valid_draft(), 0..MAX_RULES),
        ) {
            let logic = RequirementLogic::parse(&drafts).expect("valid");
            let reparsed = RequirementLogic::parse(&logic.to_drafts());
            prop_assert_eq!(reparsed.as_ref(), Ok(&logic));
            let json = serde_json::to_string(&logic).expect("serializes");
            let back: RequirementLogic = serde_json::from_str(&json).expect("deserializes");
            prop_assert_eq!(&back, &logic);
            prop_assert_eq!(serde_json::to_string(&back).expect("serializes"), json);
        }

        #[test]
        fn between_with_min_above_max_is_always_refused(max in 0..i64::MAX, gap in 1..i64::MAX) {
            let min = max.saturating_add(gap);
            prop_assume!(min > max);
            let error = Rule::parse(7, &with_bounds(draft("revenue", "between"), min, max));
            prop_assert_eq!(
                error,
                Err(RuleError::Invalid { index: 7, problem: RuleProblem::MinAboveMax { min, max } })
            );
        }
    }
}
