//! Enums of the partner profile, mirroring the domain's closed vocabularies.

use async_graphql::Enum;
use partnergraph_domain::partners as domain;

/// What kind of partner a company is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "PartnerType", remote = "domain::PartnerType")]
pub enum PartnerTypeValue {
    /// Technology partner (integrations, platforms).
    Technology,
    /// Consulting partner.
    Consulting,
    /// Services partner.
    Services,
    /// Channel partner.
    Channel,
    /// Strategic partner.
    Strategic,
    /// Reseller.
    Reseller,
    /// Referral partner.
    Referral,
}

/// The partner's category in the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "PartnerCategory", remote = "domain::PartnerCategory")]
pub enum PartnerCategoryValue {
    /// Solution partners.
    Solution,
    /// Technology partners.
    Technology,
    /// Sales partners.
    Sales,
}

/// Whether the partnership is in effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "PartnerStatus", remote = "domain::PartnerStatus")]
pub enum PartnerStatusValue {
    /// In effect.
    Active,
    /// Paused or ended.
    Inactive,
    /// Not yet decided.
    Pending,
}

/// The partner's lifecycle position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "PartnerStage", remote = "domain::PartnerStage")]
pub enum PartnerStageValue {
    /// Identified, not yet engaged.
    Prospect,
    /// Being onboarded.
    Onboarding,
    /// Active.
    Active,
    /// Growing the partnership.
    Scaling,
    /// Qualified as a fit.
    Qualified,
    /// Negotiating the agreement.
    LegalNegotiation,
    /// Agreement signed.
    Signed,
    /// Enabled (trained, equipped).
    Enabled,
    /// Producing results.
    Activated,
    /// Turned down.
    Rejected,
}

/// The three categories of partner tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "TagCategory", remote = "domain::TagCategory")]
pub enum TagCategoryValue {
    /// Services tags.
    Services,
    /// Products tags.
    Products,
    /// Regions tags.
    Regions,
}

/// How a partner's tier was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "TierSource", remote = "domain::TierSource")]
pub enum TierSourceValue {
    /// By the program's requirement logic.
    Auto,
    /// By a person (sticks until cleared).
    Manual,
}

/// Kinds of joint plan items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "JointPlanItemKind", remote = "domain::JointPlanItemKind")]
pub enum JointPlanItemKindValue {
    /// An affiliate relationship.
    Affiliate,
    /// A product integration.
    Integration,
    /// A joint workflow.
    Workflow,
}

/// Partner fields a person can edit (and so override).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "PartnerField", remote = "domain::PartnerField")]
pub enum PartnerFieldValue {
    /// name
    Name,
    /// domain
    Domain,
    /// logoUrl
    LogoUrl,
    /// industry
    Industry,
    /// description
    Description,
    /// employees
    Employees,
    /// companyRevenue
    CompanyRevenue,
    /// regions
    Regions,
    /// languages
    Languages,
    /// services
    Services,
    /// products
    Products,
    /// type
    Type,
    /// subtype
    Subtype,
    /// category
    Category,
    /// tags
    Tags,
    /// status
    Status,
    /// stage
    Stage,
    /// partnerManager
    PartnerManager,
    /// primaryContact
    PrimaryContact,
    /// keyStakeholders
    KeyStakeholders,
    /// jointValueProposition
    JointValueProposition,
    /// executiveSummary
    ExecutiveSummary,
    /// annualRevenueTarget
    AnnualRevenueTarget,
    /// quarterlyWeights
    QuarterlyWeights,
    /// fitScore
    FitScore,
    /// healthScore
    HealthScore,
    /// fourC
    FourC,
    /// keyStrengths
    KeyStrengths,
    /// aiSummary
    AiSummary,
}
