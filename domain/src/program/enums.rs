//! Closed vocabularies of the partner program.
//!
//! Each enum's `as_str` is its database form in snake_case; `parse` accepts that form and the
//! GraphQL SCREAMING_CASE form (`INCLUDES_ANY`), ignoring ASCII case.

closed_enum! {
    /// The kind of motion a segment stands for.
    pub enum SegmentFamily;
    as_str = "The database form, e.g. `\"market\"`.";
    parse(ignore_ascii_case) = "The family whose database form is `s`, ignoring ASCII case (so `MARKET` too); `None` for anything else.";
    {
        /// Partner groups defined by the market they serve or the buyer they reach.
        Market => "market",
        /// Partners who build integrations or complementary products.
        Technology => "technology",
        /// Partners who deliver implementation, consulting or managed services.
        Services => "services",
    }
}

closed_enum! {
    /// The colour a tier is shown in.
    pub enum TierColor;
    as_str = "The database form, e.g. `\"amber\"`.";
    parse(ignore_ascii_case) = "The colour whose database form is `s`, ignoring ASCII case (so `AMBER` too); `None` for anything else.";
    {
        /// Amber.
        Amber => "amber",
        /// Blue.
        Blue => "blue",
        /// Purple.
        Purple => "purple",
        /// Green.
        Green => "green",
        /// Orange.
        Orange => "orange",
        /// Red.
        Red => "red",
        /// Slate.
        Slate => "slate",
        /// Neutral grey.
        Neutral => "neutral",
    }
}

closed_enum! {
    /// How a rule compares a partner's value with the rule's.
    pub enum RuleOperator;
    as_str = "The database form, e.g. `\"includes_any\"`.";
    parse(ignore_ascii_case) = "The operator whose database form is `s`, ignoring ASCII case (so `INCLUDES_ANY` too); `None` for anything else.";
    {
        /// Numeric: the partner's value is at least `value`.
        Gte => "gte",
        /// Numeric: the partner's value is at most `value`.
        Lte => "lte",
        /// Numeric: the partner's value is within `min..=max`.
        Between => "between",
        /// List: the partner has at least one of `values`; text: the partner's value is one of `values`.
        IncludesAny => "includes_any",
        /// List: the partner has every one of `values`.
        IncludesAll => "includes_all",
        /// Numeric or text: the partner's value is exactly `value` (text ignoring case).
        Equals => "equals",
    }
}

/// What kind of value a [`RuleField`] holds, which decides the operators a rule may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// An integer: a count, an amount in minor units, a headcount or a 0–100 score.
    Numeric,
    /// One piece of text, compared ignoring case after trimming.
    Text,
    /// A set of texts, compared ignoring case after trimming.
    List,
}

impl FieldKind {
    /// The operators a rule on a field of this kind may use.
    pub fn operators(self) -> &'static [RuleOperator] {
        match self {
            FieldKind::Numeric => &[
                RuleOperator::Gte,
                RuleOperator::Lte,
                RuleOperator::Between,
                RuleOperator::Equals,
            ],
            FieldKind::Text => &[RuleOperator::Equals, RuleOperator::IncludesAny],
            FieldKind::List => &[RuleOperator::IncludesAny, RuleOperator::IncludesAll],
        }
    }

    /// Whether a rule on a field of this kind may use `operator`.
    pub fn allows(self, operator: RuleOperator) -> bool {
        self.operators().contains(&operator)
    }

    /// `"numeric"`, `"text"` or `"list"`, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Numeric => "numeric",
            FieldKind::Text => "text",
            FieldKind::List => "list",
        }
    }
}

impl std::fmt::Display for FieldKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

closed_enum! {
    /// A partner field a requirement rule can test.
    ///
    /// Money fields (`revenue`, `product_revenue`, `pipeline`, `company_revenue`,
    /// `annual_revenue_target`) are integer minor units of the organisation's currency
    /// (cents for USD); scores are 0–100.
    pub enum RuleField;
    as_str = "The database form, e.g. `\"closed_deals\"`.";
    parse(ignore_ascii_case) = "The field whose database form is `s`, ignoring ASCII case (so `CLOSED_DEALS` too); `None` for anything else. [`crate::program::RequirementLogic::parse`] also accepts the camelCase GraphQL name (`closedDeals`).";
    {
        /// Numeric: won plus lost deals.
        ClosedDeals => "closed_deals",
        /// Numeric: open deals.
        ActiveDeals => "active_deals",
        /// Numeric, money: sum of won deal amounts.
        Revenue => "revenue",
        /// Numeric, money: sum of won product-motion deal amounts.
        ProductRevenue => "product_revenue",
        /// Numeric, money: sum of open deal amounts.
        Pipeline => "pipeline",
        /// Numeric: distinct customers of won deals.
        Customers => "customers",
        /// Numeric: the partner company's headcount.
        Employees => "employees",
        /// Numeric, money: the partner company's annual revenue.
        CompanyRevenue => "company_revenue",
        /// Numeric, money: the partnership's annual revenue target.
        AnnualRevenueTarget => "annual_revenue_target",
        /// Numeric, 0–100: how well the partner fits the ideal partner profile.
        FitScore => "fit_score",
        /// Numeric, 0–100: the state of the relationship.
        HealthScore => "health_score",
        /// Text: the partner's industry.
        Industry => "industry",
        /// Text from a closed vocabulary: the partner type (`technology`, `reseller`, …).
        Type => "type",
        /// Text: the partner's free-form subtype.
        Subtype => "subtype",
        /// Text from a closed vocabulary: `solution`, `technology` or `sales`.
        Category => "category",
        /// Text from a closed vocabulary: `active`, `inactive` or `pending`.
        Status => "status",
        /// Text from a closed vocabulary: the lifecycle stage (`prospect`, …, `rejected`).
        Stage => "stage",
        /// List: regions the partner covers.
        Regions => "regions",
        /// List: languages the partner supports.
        Languages => "languages",
        /// List: services the partner offers.
        Services => "services",
        /// List: products the partner sells or integrates with.
        Products => "products",
        /// List: the partner's tags, as `category:value` (e.g. `services:certified`) or a
        /// bare value matching that tag in any category.
        Tags => "tags",
    }
}

impl RuleField {
    /// Whether the field is numeric, text or a list.
    pub fn kind(self) -> FieldKind {
        use RuleField::*;
        match self {
            ClosedDeals | ActiveDeals | Revenue | ProductRevenue | Pipeline | Customers
            | Employees | CompanyRevenue | AnnualRevenueTarget | FitScore | HealthScore => {
                FieldKind::Numeric
            }
            Industry | Type | Subtype | Category | Status | Stage => FieldKind::Text,
            Regions | Languages | Services | Products | Tags => FieldKind::List,
        }
    }

    /// Whether the field is an amount of money in minor units of the organisation's currency.
    pub fn is_money(self) -> bool {
        use RuleField::*;
        matches!(
            self,
            Revenue | ProductRevenue | Pipeline | CompanyRevenue | AnnualRevenueTarget
        )
    }

    /// The values a rule on this numeric field may compare with: `0..=100` for scores,
    /// `0..=i64::MAX` otherwise; `None` for text and list fields.
    pub fn numeric_range(self) -> Option<(i64, i64)> {
        match self {
            RuleField::FitScore | RuleField::HealthScore => Some((0, 100)),
            field if field.kind() == FieldKind::Numeric => Some((0, i64::MAX)),
            _ => None,
        }
    }

    /// The camelCase GraphQL name, e.g. `"closedDeals"`.
    pub fn graphql_name(self) -> String {
        camel_case(self.as_str())
    }
}

impl RuleOperator {
    /// The camelCase name used on the product page, e.g. `"includesAny"`.
    pub fn camel_name(self) -> String {
        camel_case(self.as_str())
    }
}

/// `closed_deals` → `closedDeals`.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `closedDeals` → `closed_deals`; text already in snake or SCREAMING case is returned as is
/// apart from lower-casing.
pub(crate) fn snake_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let has_lower = text.chars().any(|c| c.is_ascii_lowercase());
    for c in text.chars() {
        if has_lower && c.is_ascii_uppercase() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! check_vocabulary {
        ($name:ident) => {{
            for value in $name::ALL {
                let text = value.as_str();
                assert_eq!($name::parse(text), Some(value), "{text}");
                assert_eq!(
                    $name::parse(&text.to_ascii_uppercase()),
                    Some(value),
                    "{text}"
                );
                assert_eq!(value.to_string(), text);
                assert!(
                    text.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                    "{text}"
                );
            }
            assert!($name::ALL.is_sorted());
            assert!(
                $name::ALL
                    .windows(2)
                    .all(|w| w[0].as_str() != w[1].as_str())
            );
            for unknown in ["", " ", "unknown", "gte ", "includes-any"] {
                assert_eq!($name::parse(unknown), None, "{unknown}");
            }
        }};
    }

    #[test]
    fn every_vocabulary_round_trips_through_its_database_and_graphql_forms() {
        check_vocabulary!(SegmentFamily);
        check_vocabulary!(TierColor);
        check_vocabulary!(RuleOperator);
        check_vocabulary!(RuleField);
    }

    #[test]
    fn the_database_forms_are_exactly_as_stored() {
        assert_eq!(
            SegmentFamily::ALL.map(SegmentFamily::as_str),
            ["market", "technology", "services"]
        );
        assert_eq!(
            TierColor::ALL.map(TierColor::as_str),
            [
                "amber", "blue", "purple", "green", "orange", "red", "slate", "neutral"
            ]
        );
        assert_eq!(
            RuleOperator::ALL.map(RuleOperator::as_str),
            [
                "gte",
                "lte",
                "between",
                "includes_any",
                "includes_all",
                "equals"
            ]
        );
        assert_eq!(RuleField::ALL.len(), 22);
    }

    #[test]
    fn every_field_has_a_kind_and_numeric_fields_a_range() {
        let kinds = |kind| {
            RuleField::ALL
                .into_iter()
                .filter(|f| f.kind() == kind)
                .count()
        };
        assert_eq!(kinds(FieldKind::Numeric), 11);
        assert_eq!(kinds(FieldKind::Text), 6);
        assert_eq!(kinds(FieldKind::List), 5);
        for field in RuleField::ALL {
            assert_eq!(
                field.numeric_range().is_some(),
                field.kind() == FieldKind::Numeric,
                "{field}"
            );
            if field.is_money() {
                assert_eq!(field.kind(), FieldKind::Numeric);
            }
        }
        assert_eq!(RuleField::FitScore.numeric_range(), Some((0, 100)));
        assert_eq!(RuleField::Tags.kind(), FieldKind::List);
    }

    #[test]
    fn operators_fit_their_kinds() {
        use RuleOperator::*;
        assert!(FieldKind::Numeric.allows(Between));
        assert!(FieldKind::Numeric.allows(Equals));
        assert!(!FieldKind::Numeric.allows(IncludesAny));
        assert!(FieldKind::Text.allows(Equals));
        assert!(FieldKind::Text.allows(IncludesAny));
        assert!(!FieldKind::Text.allows(IncludesAll));
        assert!(!FieldKind::Text.allows(Gte));
        assert!(FieldKind::List.allows(IncludesAll));
        assert!(!FieldKind::List.allows(Equals));
    }

    #[test]
    fn camel_and_snake_case_names_convert_both_ways() {
        assert_eq!(RuleField::ClosedDeals.graphql_name(), "closedDeals");
        assert_eq!(RuleOperator::IncludesAny.camel_name(), "includesAny");
        assert_eq!(snake_case("closedDeals"), "closed_deals");
        assert_eq!(snake_case("includesAll"), "includes_all");
        assert_eq!(snake_case("INCLUDES_ALL"), "includes_all");
        assert_eq!(snake_case("fit_score"), "fit_score");
        for field in RuleField::ALL {
            assert_eq!(snake_case(&field.graphql_name()), field.as_str());
        }
        for operator in RuleOperator::ALL {
            assert_eq!(snake_case(&operator.camel_name()), operator.as_str());
        }
    }
}
