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
