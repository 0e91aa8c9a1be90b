//! `Partner`: the single source of truth for a company in the ecosystem.

use async_graphql::dataloader::DataLoader;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_persistence::deals::DealFilter;
use partnergraph_persistence::partner_contacts::Contact;
use partnergraph_persistence::partners::Partner as PartnerRecord;
use partnergraph_persistence::partners::Relation;
use partnergraph_persistence::users::User as UserRecord;

use crate::error::ApiResult;
use crate::graphql::Services;
use crate::graphql::connection::{PageConnection, PageRequest, complexity};
use crate::graphql::loaders::{
    ContactKey, FactsKey, Loaders, PartnerContactsKey, PartnerRelationKey, ProgramKey, ProgramView,
    TierKey, UserKey,
};
use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::scalars::Money;
use crate::graphql::types::audit_entry::AuditEntry;
use crate::graphql::types::deal::Deal;
use crate::graphql::types::partner_contact::PartnerContact;
use crate::graphql::types::partner_enums::*;
use crate::graphql::types::partner_values::*;
use crate::graphql::types::tier::Tier;
use crate::graphql::types::tier_evaluation::{RuleOutcome, TierChange, TierProgress};
use crate::graphql::types::user::User;

/// A partner profile (shared, so that the Node enum and connections stay small). A profile
/// read whole answers its relations directly; a page of cores loads them through DataLoaders,
/// one statement per relation kind for the whole page.
#[derive(Debug, Clone)]
pub struct Partner {
    record: std::sync::Arc<PartnerRecord>,
    /// Relations present in `record` (all of them for a profile read whole).
    loaded: Vec<Relation>,
    /// The partner manager when preloaded with a page (`None`: load on demand).
    manager: Option<Option<UserRecord>>,
    /// The primary contact when preloaded with a page (`None`: load on demand).
    primary_contact: Option<Option<Contact>>,
    /// The tier when preloaded with a page (`None`: load on demand).
    tier: Option<Option<partnergraph_domain::program::Tier>>,
}

impl From<PartnerRecord> for Partner {
    fn from(record: PartnerRecord) -> Self {
        Partner {
            record: std::sync::Arc::new(record),
            loaded: Relation::ALL.to_vec(),
            manager: None,
            primary_contact: None,
            tier: None,
        }
    }
}

fn notes_visible(ctx: &Context<'_>) -> ApiResult<bool> {
    Ok(partnergraph_domain::program::can_see_rule_notes(
        crate::graphql::guard::member(ctx)?.role,
    ))
}

impl Partner {
    /// The organisation's program, once per request.
    async fn program(&self, ctx: &Context<'_>) -> ApiResult<ProgramView> {
        let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
        loader
            .load_one(ProgramKey {
                org_id: self.record.org_id,
            })
            .await?
            .ok_or_else(|| crate::error::ApiError::internal("the program did not load"))
    }

    /// A partner read with only the `loaded` relations (the rest load on demand, batched),
    /// and possibly its preloaded partner manager.
    pub fn with_relations(
        record: PartnerRecord,
        loaded: Vec<Relation>,
        manager: Option<Option<UserRecord>>,
    ) -> Self {
        Partner {
            record: std::sync::Arc::new(record),
            loaded,
            manager,
            primary_contact: None,
            tier: None,
        }
    }

    /// The same partner with its tier preloaded (read in the page statement).
    pub fn with_tier(mut self, tier: Option<partnergraph_domain::program::Tier>) -> Self {
        self.tier = Some(tier);
        self
    }

    /// The same partner with its primary contact preloaded (`None` when `contact` is `None`:
    /// then it loads on demand).
    pub fn with_primary_contact(mut self, contact: Option<Option<Contact>>) -> Self {
        self.primary_contact = contact;
        self
    }

    /// The record with `relation` filled in (loaded in a batch unless already present).
    async fn with(
        &self,
        ctx: &Context<'_>,
        relation: Relation,
    ) -> ApiResult<std::sync::Arc<PartnerRecord>> {
        if self.loaded.contains(&relation) {
            return Ok(self.record.clone());
        }
        let key = PartnerRelationKey {
            org_id: self.record.org_id,
            partner_id: self.record.id,
            relation,
        };
        let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
        let mut record = (*self.record).clone();
        if let Some(relations) = loader.load_one(key).await? {
            relations.apply_to(&mut record);
        }
        Ok(std::sync::Arc::new(record))
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
        encode_uuid(NodeKind::Partner, self.record.id)
    }

    /// The partner's id in your CRM (import matching).
    async fn external_id(&self) -> Option<&str> {
        self.record.external_id.as_deref()
    }

    /// Company name.
    async fn name(&self) -> &str {
        &self.record.name
    }

    /// Company web domain (normalised).
    async fn domain(&self) -> Option<&str> {
        self.record.domain.as_deref()
    }

    /// Logo URL.
    async fn logo_url(&self) -> Option<&str> {
        self.record.logo_url.as_deref()
    }

    /// Industry vertical.
    async fn industry(&self) -> Option<&str> {
        self.record.industry.as_deref()
    }

    /// Short summary of the company.
    async fn description(&self) -> Option<&str> {
        self.record.description.as_deref()
    }

    /// Headcount.
    async fn employees(&self) -> Option<i64> {
        self.record.employees
    }

    /// The partner company's own annual revenue.
    async fn company_revenue(&self) -> Option<Money> {
        self.record.company_revenue.map(Money)
    }

    /// Geographic regions covered.
    async fn regions(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        Ok(self.with(ctx, Relation::ListValues).await?.regions.clone())
    }

    /// Languages supported.
    async fn languages(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        Ok(self
            .with(ctx, Relation::ListValues)
            .await?
            .languages
            .clone())
    }

    /// Services offered.
    async fn services(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        Ok(self.with(ctx, Relation::ListValues).await?.services.clone())
    }

    /// Products sold or integrated with.
    async fn products(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        Ok(self.with(ctx, Relation::ListValues).await?.products.clone())
    }

    /// Partner type.
    #[graphql(name = "type")]
    async fn partner_type(&self) -> PartnerTypeValue {
        self.record.partner_type.into()
    }

    /// Free-form sub-classification within the type.
    async fn subtype(&self) -> Option<&str> {
        self.record.subtype.as_deref()
    }

    /// Program category.
    async fn category(&self) -> Option<PartnerCategoryValue> {
        self.record.category.map(Into::into)
    }

    /// How the tier was set (null until the program assigns one).
    async fn tier_source(&self) -> Option<TierSourceValue> {
        self.record.tier_source.map(Into::into)
    }

    /// When the tier was last evaluated automatically.
    async fn tier_evaluated_at(&self, ctx: &Context<'_>) -> ApiResult<Option<DateTime<Utc>>> {
        let own = self.record.tier_evaluated_at;
        if self.record.tier_source == Some(partnergraph_domain::partners::TierSource::Manual)
            || self.record.archived_at.is_some()
        {
            return Ok(own);
        }
        // A whole-organisation evaluation stamps the organisation, not every partner.
        let organisation = self.program(ctx).await?.evaluated_at;
        Ok(own.max(organisation))
    }

    /// The tier the partner holds (set by evaluation or by a person; see `tierSource`).
    async fn tier(&self, ctx: &Context<'_>) -> ApiResult<Option<Tier>> {
        let Some(id) = self.record.tier_id else {
            return Ok(None);
        };
        let notes = notes_visible(ctx)?;
        if let Some(preloaded) = &self.tier {
            return Ok(preloaded.clone().map(|tier| Tier {
                tier,
                notes_visible: notes,
            }));
        }
        let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
        Ok(loader
            .load_one(TierKey {
                org_id: self.record.org_id,
                tier_id: id,
            })
            .await?
            .map(|tier| Tier {
                tier,
                notes_visible: notes,
            }))
    }

    /// How far the partner is from the next tier up: its current tier, the next one, and each
    /// rule of the next tier it does not meet yet with its actual value. Null for archived
    /// partners, which are not evaluated.
    async fn tier_progress(&self, ctx: &Context<'_>) -> ApiResult<Option<TierProgress>> {
        let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
        let Some(facts) = loader
            .load_one(FactsKey {
                org_id: self.record.org_id,
                partner_id: self.record.id,
            })
            .await?
        else {
            return Ok(None);
        };
        let view = self.program(ctx).await?;
        let notes = notes_visible(ctx)?;
        let progress = view.program.progress(&facts, self.record.tier_id);
        let tier = |t: &partnergraph_domain::program::Tier| Tier {
            tier: t.clone(),
            notes_visible: notes,
        };
        Ok(Some(TierProgress {
            current: progress.current.map(tier),
            next: progress.next.map(tier),
            unmet_rules: progress.unmet.iter().map(RuleOutcome::from).collect(),
        }))
    }

    /// Every change of the partner's tier (by evaluation, by a person, or because a tier was
    /// deleted), oldest first.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn tier_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n changes.")] first: Option<i32>,
        #[graphql(desc = "Return changes after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n changes.")] last: Option<i32>,
        #[graphql(desc = "Return changes before this cursor.")] before: Option<String>,
    ) -> ApiResult<PageConnection<TierChange>> {
        const KIND: &str = "tier-history";
        let services = ctx.data_unchecked::<Services>();
        let page = PageRequest::<(DateTime<Utc>, uuid::Uuid)>::parse(
            KIND,
            first,
            after,
            last,
            before,
            &services.limits,
        )?;
        let keyset = page.keyset();
        let mut conn = services.db.conn().await?;
        let (rows, total) = partnergraph_persistence::tiers::history(
            &mut conn,
            self.record.org_id,
            self.record.id,
            &keyset,
        )
        .await?;
        Ok(page.into_connection(KIND, rows, total, |c| (c.created_at, c.id), TierChange))
    }

    /// Tags in the services, products and regions categories.
    async fn tags(&self, ctx: &Context<'_>) -> ApiResult<Vec<Tag>> {
        let record = self.with(ctx, Relation::Tags).await?;
        Ok(record
            .tags
            .iter()
            .map(|(category, value)| Tag {
                category: (*category).into(),
                value: value.clone(),
            })
            .collect())
    }

    /// Status.
    async fn status(&self) -> PartnerStatusValue {
        self.record.status.into()
    }

    /// Lifecycle stage.
    async fn stage(&self) -> PartnerStageValue {
        self.record.stage.into()
    }

    /// The member of your organisation managing the relationship.
    async fn partner_manager(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        if let Some(manager) = &self.manager {
            return Ok(manager.clone().map(User));
        }
        let Some(user_id) = self.record.partner_manager_id else {
            return Ok(None);
        };
        let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
        let key = UserKey {
            org_id: self.record.org_id,
            user_id,
        };
        Ok(loader.load_one(key).await?.map(User))
    }

    /// The partner-side primary contact (one of `contacts`).
    async fn primary_contact(&self, ctx: &Context<'_>) -> ApiResult<Option<PartnerContact>> {
        let contact = match &self.primary_contact {
            Some(preloaded) => preloaded.clone(),
            None => match self.record.primary_contact_id {
                None => None,
                Some(contact_id) => {
                    let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
                    let key = ContactKey {
                        org_id: self.record.org_id,
                        contact_id,
                    };
                    loader.load_one(key).await?
                }
            },
        };
        Ok(contact
            .filter(|c| c.partner_id == self.record.id)
            .map(|record| PartnerContact {
                record,
                is_primary: true,
            }))
    }

    /// People at the partner company, by name then ID (at most 200).
    async fn contacts(&self, ctx: &Context<'_>) -> ApiResult<Vec<PartnerContact>> {
        let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
        let key = PartnerContactsKey {
            org_id: self.record.org_id,
            partner_id: self.record.id,
        };
        let primary = self.record.primary_contact_id;
        Ok(loader
            .load_one(key)
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|record| PartnerContact {
                is_primary: Some(record.id) == primary,
                record,
            })
            .collect())
    }

    /// Important people at the partner company.
    async fn key_stakeholders(&self, ctx: &Context<'_>) -> ApiResult<Vec<Stakeholder>> {
        let record = self.with(ctx, Relation::Stakeholders).await?;
        Ok(record
            .key_stakeholders
            .iter()
            .map(|s| Stakeholder {
                name: s.name.clone(),
                role: s.role.clone(),
                email: s.email.as_ref().map(|e| e.as_str()),
            })
            .collect())
    }

    /// The partnership's value to customers.
    async fn joint_value_proposition(&self) -> Option<&str> {
        self.record.joint_value_proposition.as_deref()
    }

    /// Narrative overview of the relationship.
    async fn executive_summary(&self) -> Option<&str> {
        self.record.executive_summary.as_deref()
    }

    /// The total value of open deals attributed to the partner (computed from deals).
    async fn pipeline(&self) -> Money {
        Money(self.record.financials.pipeline)
    }

    /// Revenue attributed to the partner: the total of its won deals (computed from deals).
    async fn revenue(&self) -> Money {
        Money(self.record.financials.revenue)
    }

    /// Revenue from won product-motion deals (computed from deals).
    async fn product_revenue(&self) -> Money {
        Money(self.record.financials.product_revenue)
    }

    /// Open deals (computed from deals).
    async fn active_deals(&self) -> i32 {
        i32::try_from(self.record.financials.active_deals).unwrap_or(i32::MAX)
    }

    /// Won and lost deals (computed from deals).
    async fn closed_deals(&self) -> i32 {
        i32::try_from(self.record.financials.closed_deals).unwrap_or(i32::MAX)
    }

    /// Distinct end customers the partner has won deals with, by customer domain (computed
    /// from deals).
    async fn customers(&self) -> i32 {
        i32::try_from(self.record.financials.customers).unwrap_or(i32::MAX)
    }

    /// The partner's deals, oldest first.
    #[graphql(complexity = "complexity(first, last, child_complexity)")]
    async fn deals(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first n deals.")] first: Option<i32>,
        #[graphql(desc = "Return deals after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return the last n deals.")] last: Option<i32>,
        #[graphql(desc = "Return deals before this cursor.")] before: Option<String>,
    ) -> ApiResult<PageConnection<Deal>> {
        const KIND: &str = "partner-deals";
        let services = ctx.data_unchecked::<Services>();
        let page = PageRequest::parse(KIND, first, after, last, before, &services.limits)?;
        let filter = DealFilter {
            partner_ids: Some(vec![self.record.id]),
            ..DealFilter::default()
        };
        crate::graphql::deals::deals_connection(ctx, self.record.org_id, filter, page, KIND).await
    }

    /// The agreed annual revenue goal (also in `jointPlan`).
    async fn annual_revenue_target(&self) -> Option<Money> {
        self.record.joint_plan.annual_revenue_target.map(Money)
    }

    /// Fit with your Ideal Partner Profile, 0–100 (null until analysed).
    async fn fit_score(&self) -> Option<i32> {
        score(self.record.insights.fit_score)
    }

    /// Relationship health, 0–100 (null until analysed).
    async fn health_score(&self) -> Option<i32> {
        score(self.record.insights.health_score)
    }

    /// The four sub-scores of fit.
    async fn four_c(&self) -> FourC {
        let i = &self.record.insights;
        FourC {
            capacity: score(i.capacity),
            capability: score(i.capability),
            commitment: score(i.commitment),
            customer_alignment: score(i.customer_alignment),
            capacity_rationale: i.four_c_rationales.capacity.clone(),
            capability_rationale: i.four_c_rationales.capability.clone(),
            commitment_rationale: i.four_c_rationales.commitment.clone(),
            customer_alignment_rationale: i.four_c_rationales.customer_alignment.clone(),
        }
    }

    /// AI-identified strengths.
    async fn key_strengths(&self, ctx: &Context<'_>) -> ApiResult<Vec<KeyStrength>> {
        let record = self.with(ctx, Relation::Strengths).await?;
        Ok(record
            .insights
            .key_strengths
            .iter()
            .map(|s| KeyStrength {
                label: s.label.clone(),
                description: s.description.clone(),
                score: score(s.score),
            })
            .collect())
    }

    /// AI narrative of the analysis.
    async fn ai_summary(&self) -> Option<&str> {
        self.record.insights.ai_summary.as_deref()
    }

    /// Quarter-by-quarter planning shared with the partner.
    async fn joint_plan(&self, ctx: &Context<'_>) -> ApiResult<JointPlan> {
        let record = self.with(ctx, Relation::PlanItems).await?;
        let plan = &record.joint_plan;
        Ok(JointPlan {
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
        })
    }

    /// Fields a person edited: imports and automated enrichment leave them alone until
    /// `clearPartnerOverride` hands them back.
    async fn overridden_fields(&self, ctx: &Context<'_>) -> ApiResult<Vec<PartnerFieldValue>> {
        let record = self.with(ctx, Relation::Overrides).await?;
        Ok(record
            .overridden_fields
            .iter()
            .map(|f| (*f).into())
            .collect())
    }

    /// Version for optimistic concurrency: pass it as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        i32::try_from(self.record.version).unwrap_or(i32::MAX)
    }

    /// When archived (archived partners are hidden from lists by default).
    async fn archived_at(&self) -> Option<DateTime<Utc>> {
        self.record.archived_at
    }

    /// Creation time.
    async fn created_at(&self) -> DateTime<Utc> {
        self.record.created_at
    }

    /// Last change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.record.updated_at
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
        crate::graphql::types::audit_entry::history(
            ctx,
            self.record.org_id,
            "partner",
            self.record.id,
            (first, after, last, before),
        )
        .await
    }
}
