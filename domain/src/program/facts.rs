//! What requirement rules read from a partner, normalised once so that evaluating many
//! rules allocates nothing.
//!
//! - Numeric fields are `Option<i64>`; a missing value never satisfies a numeric rule.
//!   Money is in minor units of the organisation's currency.
//! - Text fields are trimmed and lower-cased (Unicode); blank is missing. The closed
//!   vocabularies (type, category, status, stage) are kept as their enums and read as their
//!   database form.
//! - List fields are trimmed, lower-cased, sorted and de-duplicated; blank items are dropped.
//! - Tags are kept twice: as `category:value` (e.g. `services:certified`) and as bare values,
//!   so a rule can ask for a tag in one category or in any.

use std::fmt;

use super::enums::{FieldKind, RuleField};
use crate::deals::Financials;
use crate::partners::{
    ListField, PartnerCategory, PartnerStage, PartnerStatus, PartnerType, TagCategory,
};

/// How many numeric [`RuleField`]s there are.
const NUMERIC_FIELDS: usize = 11;

/// A partner as requirement rules see it. Build with [`PartnerFacts::new`] and the `with_*`
/// methods; read with [`PartnerFacts::number`], [`PartnerFacts::text`] and
/// [`PartnerFacts::list`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerFacts {
    numbers: [Option<i64>; NUMERIC_FIELDS],
    partner_type: PartnerType,
    category: Option<PartnerCategory>,
    status: Option<PartnerStatus>,
    stage: Option<PartnerStage>,
    industry: Option<String>,
    subtype: Option<String>,
    regions: Vec<String>,
    languages: Vec<String>,
    services: Vec<String>,
    products: Vec<String>,
    /// `category:value`, sorted.
    tags: Vec<String>,
    /// The values of `tags` without their category, sorted and de-duplicated.
    tag_values: Vec<String>,
}

impl PartnerFacts {
    /// A partner of `partner_type` with nothing else known (every type has one).
    pub fn new(partner_type: PartnerType) -> Self {
        PartnerFacts {
            numbers: [None; NUMERIC_FIELDS],
            partner_type,
            category: None,
            status: None,
            stage: None,
            industry: None,
            subtype: None,
            regions: Vec::new(),
            languages: Vec::new(),
            services: Vec::new(),
            products: Vec::new(),
            tags: Vec::new(),
            tag_values: Vec::new(),
        }
    }

    /// Sets closed deals, active deals, revenue, product revenue, pipeline and customers from
    /// the partner's rollups (amounts in minor units; the currency is the organisation's).
    pub fn with_financials(self, financials: &Financials) -> Self {
        self.with_number(RuleField::ClosedDeals, Some(financials.closed_deals))
            .with_number(RuleField::ActiveDeals, Some(financials.active_deals))
            .with_number(RuleField::Revenue, Some(financials.revenue.minor()))
            .with_number(
                RuleField::ProductRevenue,
                Some(financials.product_revenue.minor()),
            )
            .with_number(RuleField::Pipeline, Some(financials.pipeline.minor()))
            .with_number(RuleField::Customers, Some(financials.customers))
    }

    /// Sets a numeric field (money in minor units). Ignored for a text or list field.
    pub fn with_number(mut self, field: RuleField, value: Option<i64>) -> Self {
        if let Some(slot) = numeric_slot(field) {
            self.numbers[slot] = value;
        }
        self
    }

    /// Sets the partner's category.
    pub fn with_category(mut self, category: Option<PartnerCategory>) -> Self {
        self.category = category;
        self
    }

    /// Sets the partner's status.
    pub fn with_status(mut self, status: Option<PartnerStatus>) -> Self {
        self.status = status;
        self
    }

    /// Sets the partner's lifecycle stage.
    pub fn with_stage(mut self, stage: Option<PartnerStage>) -> Self {
        self.stage = stage;
        self
    }

    /// Sets the industry (trimmed, lower-cased; blank is missing).
    pub fn with_industry(mut self, industry: Option<&str>) -> Self {
        self.industry = normalize_text(industry);
        self
    }

    /// Sets the subtype (trimmed, lower-cased; blank is missing).
    pub fn with_subtype(mut self, subtype: Option<&str>) -> Self {
        self.subtype = normalize_text(subtype);
        self
    }

    /// Sets one of the list fields regions, languages, services or products.
    pub fn with_list<S: AsRef<str>>(
        mut self,
        field: ListField,
        items: impl IntoIterator<Item = S>,
    ) -> Self {
        let items = normalize_items(items);
        match field {
            ListField::Regions => self.regions = items,
            ListField::Languages => self.languages = items,
            ListField::Services => self.services = items,
            ListField::Products => self.products = items,
        }
        self
    }

    /// Sets the tags, each a category and a value.
    pub fn with_tags<S: AsRef<str>>(
        mut self,
        tags: impl IntoIterator<Item = (TagCategory, S)>,
    ) -> Self {
        let mut qualified = Vec::new();
        let mut values = Vec::new();
        for (category, value) in tags {
            if let Some(value) = normalize_text(Some(value.as_ref())) {
                qualified.push(format!("{}:{value}", category.as_str()));
                values.push(value);
            }
        }
        self.tags = sorted_set(qualified);
        self.tag_values = sorted_set(values);
        self
    }

    /// The partner's type.
    pub fn partner_type(&self) -> PartnerType {
        self.partner_type
    }

    /// A numeric field's value; `None` when missing or when `field` is not numeric.
    pub fn number(&self, field: RuleField) -> Option<i64> {
        numeric_slot(field).and_then(|slot| self.numbers[slot])
    }

    /// A text field's value, lower-cased; `None` when missing or when `field` is not text.
    pub fn text(&self, field: RuleField) -> Option<&str> {
        match field {
            RuleField::Type => Some(self.partner_type.as_str()),
            RuleField::Category => self.category.map(PartnerCategory::as_str),
            RuleField::Status => self.status.map(PartnerStatus::as_str),
            RuleField::Stage => self.stage.map(PartnerStage::as_str),
            RuleField::Industry => self.industry.as_deref(),
            RuleField::Subtype => self.subtype.as_deref(),
            _ => None,
        }
    }

    /// A list field's items, lower-cased and sorted (tags as `category:value`); empty when
    /// `field` is not a list.
    pub fn list(&self, field: RuleField) -> &[String] {
        match field {
            RuleField::Regions => &self.regions,
            RuleField::Languages => &self.languages,
            RuleField::Services => &self.services,
            RuleField::Products => &self.products,
            RuleField::Tags => &self.tags,
            _ => &[],
        }
    }

    /// Whether the list `field` holds `item` (already normalised). For tags, `item` is either
    /// `category:value` or a bare value matching in any category. Allocates nothing.
    pub(crate) fn list_contains(&self, field: RuleField, item: &str) -> bool {
        let haystack = match field {
            RuleField::Tags if !is_qualified_tag(item) => &self.tag_values,
            _ => self.list(field),
        };
        haystack
            .binary_search_by(|probe| probe.as_str().cmp(item))
            .is_ok()
    }

    /// The value of `field` for explanations.
    pub fn value(&self, field: RuleField) -> FactValue {
        match field.kind() {
            FieldKind::Numeric => self
                .number(field)
                .map_or(FactValue::Missing, FactValue::Number),
            FieldKind::Text => self
                .text(field)
                .map_or(FactValue::Missing, |text| FactValue::Text(text.to_owned())),
            FieldKind::List => FactValue::List(self.list(field).to_vec()),
        }
    }
}

/// A partner's value of one field, as shown in explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactValue {
    /// The partner has no value (a list field is never missing, only empty).
    Missing,
    /// A number; money in minor units (see [`RuleField::is_money`]).
    Number(i64),
    /// A lower-cased text.
    Text(String),
    /// Lower-cased, sorted items (tags as `category:value`).
    List(Vec<String>),
}

impl fmt::Display for FactValue {
    /// `not set`, the number, the text, or the items joined by `, ` (`none` when empty).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Missing => f.write_str("not set"),
            FactValue::Number(n) => write!(f, "{n}"),
            FactValue::Text(text) => f.write_str(text),
            FactValue::List(items) if items.is_empty() => f.write_str("none"),
            FactValue::List(items) => f.write_str(&items.join(", ")),
        }
    }
}

/// Whether a normalised tag needle names its category (`services:certified`).
pub(crate) fn is_qualified_tag(item: &str) -> bool {
    item.split_once(':')
        .is_some_and(|(category, _)| TagCategory::parse(category).is_some())
}

/// The slot of a numeric field in [`PartnerFacts::numbers`].
fn numeric_slot(field: RuleField) -> Option<usize> {
    use RuleField::*;
    Some(match field {
        ClosedDeals => 0,
        ActiveDeals => 1,
        Revenue => 2,
        ProductRevenue => 3,
        Pipeline => 4,
        Customers => 5,
        Employees => 6,
        CompanyRevenue => 7,
        AnnualRevenueTarget => 8,
        FitScore => 9,
        HealthScore => 10,
        _ => return None,
    })
}

/// Trimmed and lower-cased; blank → `None`.
pub(crate) fn normalize_text(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_lowercase)
}

fn normalize_items<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    sorted_set(
        items
            .into_iter()
            .filter_map(|item| normalize_text(Some(item.as_ref())))
            .collect(),
    )
}

fn sorted_set(mut items: Vec<String>) -> Vec<String> {
    items.sort_unstable();
    items.dedup();
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};

    #[test]
    fn every_numeric_field_has_its_own_slot() {
        let slots: Vec<usize> = RuleField::ALL
            .into_iter()
            .filter_map(numeric_slot)
            .collect();
        assert_eq!(slots, (0..NUMERIC_FIELDS).collect::<Vec<_>>());
        for field in RuleField::ALL {
            assert_eq!(
                numeric_slot(field).is_some(),
                field.kind() == FieldKind::Numeric
            );
        }
    }

    #[test]
    fn financials_fill_the_deal_fields() {
        let usd = |minor| Money::new(minor, Currency::USD);
        let financials = Financials {
            pipeline: usd(500),
            revenue: usd(1_000),
            product_revenue: usd(700),
            active_deals: 2,
            closed_deals: 5,
            won_deals: 4,
            customers: 3,
        };
        let facts = PartnerFacts::new(PartnerType::Reseller).with_financials(&financials);
        assert_eq!(facts.number(RuleField::Pipeline), Some(500));
        assert_eq!(facts.number(RuleField::Revenue), Some(1_000));
        assert_eq!(facts.number(RuleField::ProductRevenue), Some(700));
        assert_eq!(facts.number(RuleField::ActiveDeals), Some(2));
        assert_eq!(facts.number(RuleField::ClosedDeals), Some(5));
        assert_eq!(facts.number(RuleField::Customers), Some(3));
        assert_eq!(facts.number(RuleField::Employees), None);
        assert_eq!(facts.number(RuleField::Industry), None);
    }

    #[test]
    fn texts_and_lists_are_trimmed_lower_cased_sorted_and_deduplicated() {
        let facts = PartnerFacts::new(PartnerType::Technology)
            .with_industry(Some("  FinTech "))
            .with_subtype(Some("   "))
            .with_stage(Some(PartnerStage::LegalNegotiation))
            .with_list(ListField::Regions, ["EMEA", " emea", "", "APAC"]);
        assert_eq!(facts.text(RuleField::Industry), Some("fintech"));
        assert_eq!(facts.text(RuleField::Subtype), None);
        assert_eq!(facts.text(RuleField::Type), Some("technology"));
        assert_eq!(facts.text(RuleField::Stage), Some("legal_negotiation"));
        assert_eq!(facts.text(RuleField::Status), None);
        assert_eq!(facts.list(RuleField::Regions), ["apac", "emea"]);
        assert!(facts.list(RuleField::Languages).is_empty());
        assert_eq!(
            facts.value(RuleField::Regions).to_string(),
            "apac, emea".to_owned()
        );
        assert_eq!(facts.value(RuleField::FitScore), FactValue::Missing);
        assert_eq!(FactValue::List(vec![]).to_string(), "none");
    }

    #[test]
    fn tags_match_by_category_or_by_value_in_any_category() {
        let facts = PartnerFacts::new(PartnerType::Services).with_tags([
            (TagCategory::Services, "Certified"),
            (TagCategory::Regions, "EMEA"),
            (TagCategory::Products, "a:b"),
        ]);
        assert_eq!(
            facts.list(RuleField::Tags),
            ["products:a:b", "regions:emea", "services:certified"]
        );
        assert!(facts.list_contains(RuleField::Tags, "services:certified"));
        assert!(facts.list_contains(RuleField::Tags, "certified"));
        assert!(!facts.list_contains(RuleField::Tags, "products:certified"));
        assert!(facts.list_contains(RuleField::Tags, "emea"));
        assert!(
            facts.list_contains(RuleField::Tags, "a:b"),
            "a colon without a tag category is part of the value"
        );
    }
}
