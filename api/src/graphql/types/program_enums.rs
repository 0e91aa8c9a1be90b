//! Enums of the partner program, mirroring the domain's closed vocabularies.

use async_graphql::Enum;
use partnergraph_domain::program as domain;

/// The kind of motion a segment stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "SegmentFamily", remote = "domain::SegmentFamily")]
pub enum SegmentFamilyValue {
    /// Partner groups defined by the market they serve or the buyer they reach.
    Market,
    /// Partners who build integrations or complementary products.
    Technology,
    /// Partners who deliver implementation, consulting or managed services.
    Services,
}

/// The colour a tier is shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "TierColor", remote = "domain::TierColor")]
pub enum TierColorValue {
    /// Amber.
    Amber,
    /// Blue.
    Blue,
    /// Purple.
    Purple,
    /// Green.
    Green,
    /// Orange.
    Orange,
    /// Red.
    Red,
    /// Slate.
    Slate,
    /// Neutral grey.
    Neutral,
}

/// How a requirement rule compares a partner's value with the rule's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "RequirementOperator", remote = "domain::RuleOperator")]
pub enum RequirementOperatorValue {
    /// Numeric: the partner's value is at least `value` (or `min`).
    Gte,
    /// Numeric: the partner's value is at most `value` (or `max`).
    Lte,
    /// Numeric: the partner's value is within `min..=max`.
    Between,
    /// List: the partner has at least one of `values`; text: the partner's value is one of
    /// `values`.
    IncludesAny,
    /// List: the partner has every one of `values`.
    IncludesAll,
    /// Numeric or text: the partner's value is exactly `value` (text ignoring case).
    Equals,
}

/// A partner field a requirement rule can test. Money fields are integer minor units of the
/// organisation's currency (cents for USD); scores are 0–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "RequirementField", remote = "domain::RuleField")]
pub enum RequirementFieldValue {
    /// Numeric: won plus lost deals.
    ClosedDeals,
    /// Numeric: open deals.
    ActiveDeals,
    /// Numeric, money: sum of won deal amounts.
    Revenue,
    /// Numeric, money: sum of won product-motion deal amounts.
    ProductRevenue,
    /// Numeric, money: sum of open deal amounts.
    Pipeline,
    /// Numeric: distinct customers of won deals.
    Customers,
    /// Numeric: the partner company's headcount.
    Employees,
    /// Numeric, money: the partner company's annual revenue.
    CompanyRevenue,
    /// Numeric, money: the partnership's annual revenue target.
    AnnualRevenueTarget,
    /// Numeric, 0–100: how well the partner fits the ideal partner profile.
    FitScore,
    /// Numeric, 0–100: the state of the relationship.
    HealthScore,
    /// Text: the partner's industry.
    Industry,
    /// Text from a closed vocabulary: the partner type (`technology`, `reseller`, …).
    Type,
    /// Text: the partner's free-form subtype.
    Subtype,
    /// Text from a closed vocabulary: `solution`, `technology` or `sales`.
    Category,
    /// Text from a closed vocabulary: `active`, `inactive` or `pending`.
    Status,
    /// Text from a closed vocabulary: the lifecycle stage (`prospect`, …, `rejected`).
    Stage,
    /// List: regions the partner covers.
    Regions,
    /// List: languages the partner supports.
    Languages,
    /// List: services the partner offers.
    Services,
    /// List: products the partner sells or integrates with.
    Products,
    /// List: the partner's tags, as `category:value` (e.g. `services:certified`) or a bare
    /// value matching that tag in any category.
    Tags,
}
