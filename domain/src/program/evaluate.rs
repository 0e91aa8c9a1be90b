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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partners::{ListField, PartnerStatus, PartnerType, TagCategory};
    use crate::program::rules::RuleDraft;
    use crate::program::rules::tests::{draft, with_bounds, with_value, with_values};
    use proptest::prelude::*;

    fn rule(draft: RuleDraft) -> Rule {
        Rule::parse(0, &draft).expect("valid rule")
    }

    fn logic(drafts: &[RuleDraft]) -> RequirementLogic {
        RequirementLogic::parse(drafts).expect("valid logic")
    }

    fn partner() -> PartnerFacts {
        PartnerFacts::new(PartnerType::Reseller)
            .with_number(RuleField::ClosedDeals, Some(12))
            .with_number(RuleField::FitScore, Some(75))
            .with_industry(Some("FinTech"))
            .with_status(Some(PartnerStatus::Active))
            .with_list(ListField::Regions, ["EMEA", "APAC"])
            .with_tags([(TagCategory::Services, "Certified")])
    }

    #[test]
    fn numeric_operators_compare_inclusively() {
        let facts = partner();
        let holds = |d| rule(d).holds(&facts);
        assert!(holds(with_value(draft("closed_deals", "gte"), 12)));
        assert!(!holds(with_value(draft("closed_deals", "gte"), 13)));
        assert!(holds(with_value(draft("closed_deals", "lte"), 12)));
        assert!(!holds(with_value(draft("closed_deals", "lte"), 11)));
        assert!(holds(with_bounds(draft("closed_deals", "between"), 12, 12)));
        assert!(!holds(with_bounds(
            draft("closed_deals", "between"),
            13,
            20
        )));
        assert!(holds(with_value(draft("closed_deals", "equals"), 12)));
        assert!(!holds(with_value(draft("fit_score", "equals"), 12)));
    }

    #[test]
    fn a_missing_number_meets_no_numeric_rule() {
        let facts = partner();
        for d in [
            with_value(draft("employees", "gte"), 0),
            with_value(draft("employees", "lte"), i64::MAX),
            with_bounds(draft("employees", "between"), 0, i64::MAX),
            with_value(draft("employees", "equals"), 0),
        ] {
            assert!(!rule(d).holds(&facts));
        }
    }

    #[test]
    fn text_operators_ignore_case_and_a_missing_text_meets_none() {
        let facts = partner();
        let holds = |d| rule(d).holds(&facts);
        assert!(holds(with_value(draft("industry", "equals"), " FINTECH ")));
        assert!(!holds(with_value(draft("industry", "equals"), "fin")));
        assert!(holds(with_values(
            draft("industry", "includes_any"),
            &["Health", "fintech"]
        )));
        assert!(!holds(with_values(
            draft("industry", "includes_any"),
            &["health"]
        )));
        assert!(holds(with_value(draft("type", "equals"), "RESELLER")));
        assert!(holds(with_value(draft("status", "equals"), "active")));
        assert!(!holds(with_value(draft("subtype", "equals"), "msp")));
        assert!(!holds(with_values(
            draft("stage", "includes_any"),
            &["active"]
        )));
    }

    #[test]
    fn list_operators_need_any_or_all_values() {
        let facts = partner();
        let holds = |d| rule(d).holds(&facts);
        assert!(holds(with_values(
            draft("regions", "includes_any"),
            &["emea", "latam"]
        )));
        assert!(!holds(with_values(
            draft("regions", "includes_all"),
            &["emea", "latam"]
        )));
        assert!(holds(with_values(
            draft("regions", "includes_all"),
            &["Emea", "apac"]
        )));
        assert!(!holds(with_values(
            draft("languages", "includes_any"),
            &["en"]
        )));
        assert!(holds(with_values(
            draft("tags", "includes_all"),
            &["services:certified"]
        )));
        assert!(holds(with_values(
            draft("tags", "includes_any"),
            &["certified"]
        )));
        assert!(!holds(with_values(
            draft("tags", "includes_any"),
            &["products:certified"]
        )));
    }

    #[test]
    fn empty_logic_is_satisfied_by_everyone() {
        assert!(RequirementLogic::empty().satisfied(&PartnerFacts::new(PartnerType::Referral)));
        assert!(RequirementLogic::empty().evaluate(&partner()).is_empty());
    }

    #[test]
    fn outcomes_show_each_rule_with_the_partners_actual_value() {
        let logic = logic(&[
            with_value(draft("closed_deals", "gte"), 20),
            with_values(draft("regions", "includes_any"), &["emea"]),
            with_value(draft("employees", "gte"), 10),
        ]);
        let outcomes = logic.evaluate(&partner());
        assert_eq!(outcomes.len(), 3);
        assert_eq!(
            outcomes[0],
            RuleOutcome {
                index: 0,
                field: RuleField::ClosedDeals,
                operator: RuleOperator::Gte,
                expected: Condition::AtLeast(20),
                actual: FactValue::Number(12),
                met: false,
            }
        );
        assert!(outcomes[1].met);
        assert_eq!(outcomes[1].actual.to_string(), "apac, emea");
        assert_eq!(outcomes[2].actual, FactValue::Missing);
        assert_eq!(outcomes[2].actual.to_string(), "not set");
        assert_eq!(outcomes[0].expected.to_string(), "at least 20");
        let unmet: Vec<usize> = logic.unmet(&partner()).iter().map(|o| o.index).collect();
        assert_eq!(unmet, [0, 2]);
        assert!(!logic.satisfied(&partner()));
    }

    fn numeric_field() -> impl Strategy<Value = RuleField> {
        prop::sample::select(
            RuleField::ALL
                .into_iter()
                .filter(|f| {
                    f.kind() == crate::program::FieldKind::Numeric
                        && f.numeric_range() == Some((0, i64::MAX))
                })
                .collect::<Vec<_>>(),
        )
    }

    fn list_field() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["regions", "languages", "services", "products"])
    }

    proptest! {
        #[test]
        fn between_is_gte_and_lte(
            field in numeric_field(),
            actual in prop::option::of(0_i64..1_000),
            a in 0_i64..1_000,
            b in 0_i64..1_000,
        ) {
            let (min, max) = (a.min(b), a.max(b));
            let name = field.as_str();
            let facts = PartnerFacts::new(PartnerType::Channel).with_number(field, actual);
            let between = rule(with_bounds(draft(name, "between"), min, max)).holds(&facts);
            let gte = rule(with_value(draft(name, "gte"), min)).holds(&facts);
            let lte = rule(with_value(draft(name, "lte"), max)).holds(&facts);
            prop_assert_eq!(between, gte && lte);
        }

        #[test]
        fn includes_all_implies_includes_any(
            field in list_field(),
            have in prop::collection::vec("[a-d]{1,2}", 0..6),
            want in prop::collection::vec("[a-dA-D]{1,2}", 1..4),
        ) {
            let list = crate::partners::ListField::parse(field).expect("list field");
            let facts = PartnerFacts::new(PartnerType::Channel).with_list(list, &have);
            let want: Vec<&str> = want.iter().map(String::as_str).collect();
            let all = rule(with_values(draft(field, "includes_all"), &want)).holds(&facts);
            let any = rule(with_values(draft(field, "includes_any"), &want)).holds(&facts);
            prop_assert!(!all || any);
            let lowered: Vec<String> = want.iter().map(|w| w.to_lowercase()).collect();
            prop_assert_eq!(all, lowered.iter().all(|w| have.contains(w)));
            prop_assert_eq!(any, lowered.iter().any(|w| have.contains(w)));
        }

        #[test]
        fn a_missing_number_never_satisfies(
            field in numeric_field(),
            value in 0_i64..i64::MAX,
            operator in prop::sample::select(vec!["gte", "lte", "equals"]),
        ) {
            let facts = PartnerFacts::new(PartnerType::Channel);
            prop_assert!(!rule(with_value(draft(field.as_str(), operator), value)).holds(&facts));
            let between = with_bounds(draft(field.as_str(), "between"), 0, value);
            prop_assert!(!rule(between).holds(&facts));
        }

        #[test]
        fn satisfied_is_every_outcome_met(
            closed in prop::option::of(0_i64..50),
            fit in prop::option::of(0_i64..=100),
            regions in prop::collection::vec("[a-c]", 0..3),
            thresholds in prop::collection::vec((0_i64..50, 0_i64..=100), 0..4),
        ) {
            let facts = PartnerFacts::new(PartnerType::Channel)
                .with_number(RuleField::ClosedDeals, closed)
                .with_number(RuleField::FitScore, fit)
                .with_list(ListField::Regions, &regions);
            let mut drafts = Vec::new();
            for (deals, score) in thresholds {
                drafts.push(with_value(draft("closed_deals", "gte"), deals));
                drafts.push(with_value(draft("fit_score", "lte"), score));
            }
            drafts.push(RuleDraft { values: Some(vec!["a".into()]), ..draft("regions", "includes_any") });
            let logic = logic(&drafts);
            let outcomes = logic.evaluate(&facts);
            prop_assert_eq!(logic.satisfied(&facts), outcomes.iter().all(|o| o.met));
            for outcome in outcomes {
                prop_assert_eq!(outcome.met, logic.rules()[outcome.index].holds(&facts));
            }
        }
    }
}
