//! `Partner`: the single source of truth for a company in the ecosystem.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_persistence::audit;
use partnergraph_persistence::page::KeysetPage;
use partnergraph_persistence::partners::Partner as PartnerRecord;
use partnergraph_persistence::users;

use crate::error::ApiResult;
use crate::graphql::Services;
use crate::graphql::connection::{PageConnection, PageRequest, complexity};
use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::scalars::Money;
use crate::graphql::types::audit_entry::AuditEntry;
use crate::graphql::types::partner_enums::*;
use crate::graphql::types::partner_values::*;
use crate::graphql::types::user::User;

/// A partner profile (shared, so that the Node enum and connections stay small).
#[derive(Debug, Clone)]
pub struct Partner(pub std::sync::Arc<PartnerRecord>);

impl From<PartnerRecord> for Partner {
    fn from(record: PartnerRecord) -> Self {
        Partner(std::sync::Arc::new(record))
    }
}

fn score(s: Option<partnergraph_domain::partners::Score>) -> Option<i32> {
    s.map(|s| i32::from(s.value()))
}

/// A partner company: core details, program structure, relationship, AI insights and joint plan.
#[Object]
impl Partner {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::Partner, self.0.id)
    }

    /// The partner's id in your CRM (import matching).
    async fn external_id(&self) -> Option<&str> {
        self.0.external_id.as_deref()
    }

    /// Company name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Company web domain (normalised).
    async fn domain(&self) -> Option<&str> {
        self.0.domain.as_deref()
    }

    /// Logo URL.
    async fn logo_url(&self) -> Option<&str> {
        self.0.logo_url.as_deref()
    }

    /// Industry vertical.
    async fn industry(&self) -> Option<&str> {
        self.0.industry.as_deref()
    }

    /// Short summary of the company.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// Headcount.
    async fn employees(&self) -> Option<i64> {
        self.0.employees
    }

    /// The partner company's own annual revenue.
    async fn company_revenue(&self) -> Option<Money> {
        self.0.company_revenue.map(Money)
    }

    /// Geographic regions covered.
    async fn regions(&self) -> &[String] {
        &self.0.regions
    }

    /// Languages supported.
    async fn languages(&self) -> &[String] {
        &self.0.languages
    }

    /// Services offered.
    async fn services(&self) -> &[String] {
        &self.0.services
    }

    /// Products sold or integrated with.
    async fn products(&self) -> &[String] {
        &self.0.products
    }

    /// Partner type.
    #[graphql(name = "type")]
    async fn partner_type(&self) -> PartnerTypeValue {
        self.0.partner_type.into()
    }

    /// Free-form sub-classification within the type.
    async fn subtype(&self) -> Option<&str> {
        self.0.subtype.as_deref()
    }

    /// Program category.
    async fn category(&self) -> Option<PartnerCategoryValue> {
        self.0.category.map(Into::into)
    }

    /// How the tier was set (null until the program assigns one).
    async fn tier_source(&self) -> Option<TierSourceValue> {
        self.0.tier_source.map(Into::into)
    }

    /// When the tier was last evaluated automatically.
    async fn tier_evaluated_at(&self) -> Option<DateTime<Utc>> {
        self.0.tier_evaluated_at
    }

    /// Tags in the services, products and regions categories.
    async fn tags(&self) -> Vec<Tag> {
        self.0
            .tags
            .iter()
            .map(|(category, value)| Tag {
                category: (*category).into(),
                value: value.clone(),
            })
            .collect()
    }

    /// Status.
    async fn status(&self) -> PartnerStatusValue {
        self.0.status.into()
    }

    /// Lifecycle stage.
    async fn stage(&self) -> PartnerStageValue {
        self.0.stage.into()
    }

    /// The member of your organisation managing the relationship.
    async fn partner_manager(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(id) = self.0.partner_manager_id else {
            return Ok(None);
        };
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        Ok(users::by_id(&mut conn, self.0.org_id, id).await?.map(User))
    }

    /// Important people at the partner company.
    async fn key_stakeholders(&self) -> Vec<Stakeholder> {
        self.0
            .key_stakeholders
            .iter()
            .map(|s| Stakeholder {
                name: s.name.clone(),
                role: s.role.clone(),
                email: s.email.as_ref().map(|e| e.as_str()),
            })
            .collect()
    }

    /// The partnership's value to customers.
    async fn joint_value_proposition(&self) -> Option<&str> {
        self.0.joint_value_proposition.as_deref()
    }

    /// Narrative overview of the relationship.
    async fn executive_summary(&self) -> Option<&str> {
        self.0.executive_summary.as_deref()
    }

    /// The agreed annual revenue goal (also in `jointPlan`).
    async fn annual_revenue_target(&self) -> Option<Money> {
        self.0.joint_plan.annual_revenue_target.map(Money)
    }

    /// Fit with your Ideal Partner Profile, 0–100 (null until analysed).
    async fn fit_score(&self) -> Option<i32> {
        score(self.0.insights.fit_score)
    }

    /// Relationship health, 0–100 (null until analysed).
    async fn health_score(&self) -> Option<i32> {
        score(self.0.insights.health_score)
    }

    /// The four sub-scores of fit.
    async fn four_c(&self) -> FourC {
        let i = &self.0.insights;
        FourC {
            capacity: score(i.capacity),
            capability: score(i.capability),
            commitment: score(i.commitment),
            customer_alignment: score(i.customer_alignment),
        }
    }

    /// AI-identified strengths.
    async fn key_strengths(&self) -> Vec<KeyStrength> {
        self.0
            .insights
            .key_strengths
            .iter()
            .map(|s| KeyStrength {
                label: s.label.clone(),
                description: s.description.clone(),
                score: score(s.score),
            })
            .collect()
    }

    /// AI narrative of the analysis.
    async fn ai_summary(&self) -> Option<&str> {
        self.0.insights.ai_summary.as_deref()
    }

    /// Quarter-by-quarter planning shared with the partner.
    async fn joint_plan(&self) -> JointPlan {
        let plan = &self.0.joint_plan;
        JointPlan {
            annual_revenue_target: plan.annual_revenue_target.map(Money),
            quarterly_weights: plan.quarterly_weights.map(|w| QuarterlyWeights {
                q1: w.q1.into(),
                q2: w.q2.into(),
                q3: w.q3.into(),
                q4: w.q4.into(),
            }),
            items: plan
                .items
                .iter()
                .map(|item| JointPlanItem {
                    kind: item.kind.into(),
                    name: item.name.clone(),
                    description: item.description.clone(),
                    url: item.url.clone(),
                })
                .collect(),
        }
    }

    /// Fields a person edited: imports and automated enrichment leave them alone until
    /// `clearPartnerOverride` hands them back.
    async fn overridden_fields(&self) -> Vec<PartnerFieldValue> {
        self.0
            .overridden_fields
            .iter()
            .map(|f| (*f).into())
            .collect()
    }

    /// Version for optimistic concurrency: pass it as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        i32::try_from(self.0.version).unwrap_or(i32::MAX)
    }

    /// When archived (archived partners are hidden from lists by default).
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.0.archived_at
    }

    /// Creation time.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Last change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// Every change to this partner: who, when, which fields with before and after.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n entries.")] first: Option<i32>,
        #[graphql(desc = "Return entries after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n entries.")] last: Option<i32>,
        #[graphql(desc = "Return entries before this cursor.")] before: Option<String>,
    ) -> ApiResult<PageConnection<AuditEntry>> {
        const KIND: &str = "partner-history";
        let services = ctx.data_unchecked::<Services>();
        let page = PageRequest::<(DateTime<Utc>, uuid::Uuid)>::parse(
            KIND,
            first,
            after,
            last,
            before,
            &services.limits,
        )?;
        let keyset = KeysetPage {
            after: page.after,
            before: page.before,
            limit: page.fetch_limit(),
            descending: page.backward,
        };
        let mut conn = services.db.conn().await?;
        let (rows, total) =
            audit::page(&mut conn, self.0.org_id, "partner", self.0.id, &keyset).await?;
        Ok(page.into_connection(KIND, rows, total, |e| (e.created_at, e.id), AuditEntry))
    }
}
