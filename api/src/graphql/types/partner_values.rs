//! Small value objects of the partner profile.

use async_graphql::SimpleObject;

use crate::graphql::scalars::Money;
use crate::graphql::types::partner_enums::{JointPlanItemKindValue, TagCategoryValue};

/// A tag in one of the three categories.
#[derive(Debug, Clone, SimpleObject)]
pub struct Tag {
    /// The category.
    pub category: TagCategoryValue,
    /// The tag.
    pub value: String,
}

/// A key stakeholder at the partner company.
#[derive(Debug, Clone, SimpleObject)]
pub struct Stakeholder {
    /// Name.
    pub name: String,
    /// Role or title.
    pub role: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// The four sub-scores of fit (0–100; null until analysed).
#[derive(Debug, Clone, SimpleObject)]
pub struct FourC {
    /// Capacity: resources to serve customers.
    pub capacity: Option<i32>,
    /// Capability: skills and certifications.
    pub capability: Option<i32>,
    /// Commitment: investment in the partnership.
    pub commitment: Option<i32>,
    /// Customer alignment: overlap with your ideal customers.
    pub customer_alignment: Option<i32>,
    /// Why capacity scored as it did, citing the partner data used (AI analysis).
    pub capacity_rationale: Option<String>,
    /// Why capability scored as it did.
    pub capability_rationale: Option<String>,
    /// Why commitment scored as it did.
    pub commitment_rationale: Option<String>,
    /// Why customer alignment scored as it did.
    pub customer_alignment_rationale: Option<String>,
}

/// An AI-identified strength.
#[derive(Debug, Clone, SimpleObject)]
pub struct KeyStrength {
    /// Short label.
    pub label: String,
    /// Explanation.
    pub description: Option<String>,
    /// Strength score, 0–100.
    pub score: Option<i32>,
}

/// How the annual target spreads over the quarters, in percent (sums to 100).
#[derive(Debug, Clone, SimpleObject)]
pub struct QuarterlyWeights {
    /// Q1 share.
    pub q1: i32,
    /// Q2 share.
    pub q2: i32,
    /// Q3 share.
    pub q3: i32,
    /// Q4 share.
    pub q4: i32,
}

/// An affiliate, integration or workflow of the joint plan.
#[derive(Debug, Clone, SimpleObject)]
pub struct JointPlanItem {
    /// Kind.
    pub kind: JointPlanItemKindValue,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Link.
    pub url: Option<String>,
}

/// Quarter-by-quarter planning shared with the partner.
#[derive(Debug, Clone, SimpleObject)]
pub struct JointPlan {
    /// The revenue goal for the year.
    pub annual_revenue_target: Option<Money>,
    /// Its spread over Q1–Q4.
    pub quarterly_weights: Option<QuarterlyWeights>,
    /// Affiliates, integrations and workflows.
    pub items: Vec<JointPlanItem>,
}
