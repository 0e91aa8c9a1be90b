//! Inputs of the partner mutations, and how a patch applies to a partner: every value is
//! validated once here (domain types), errors name the input field, and the touched fields are
//! reported so that edits can be recorded as overrides and audited.

use async_graphql::{ID, InputObject, MaybeUndefined};
use partnergraph_domain::CompanyDomain;
use partnergraph_domain::partners::{
    self as domain, Headcount, LogoUrl, PartnerField, PartnerName, PartnerValueError,
    QuarterlyWeights, Score,
};
use partnergraph_persistence::partners::Partner;

use crate::error::{ApiError, ApiResult};
use crate::graphql::node::{NodeKind, decode_uuid};
use crate::graphql::scalars::MoneyInput;
use crate::graphql::types::partner_enums::*;

/// A tag to set.
#[derive(Debug, Clone, InputObject)]
pub struct TagInput {
    /// The category.
    pub category: TagCategoryValue,
    /// The tag (1–100 characters).
    pub value: String,
}

/// A key stakeholder to set.
#[derive(Debug, Clone, InputObject)]
pub struct StakeholderInput {
    /// Name.
    pub name: String,
    /// Role or title.
    pub role: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// Quarterly weights to set: four percentages summing to 100.
#[derive(Debug, Clone, InputObject)]
pub struct QuarterlyWeightsInput {
    /// Q1 share.
    pub q1: i32,
    /// Q2 share.
    pub q2: i32,
    /// Q3 share.
    pub q3: i32,
    /// Q4 share.
    pub q4: i32,
}

/// A joint plan item to set.
#[derive(Debug, Clone, InputObject)]
pub struct JointPlanItemInput {
    /// Kind.
    pub kind: JointPlanItemKindValue,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Link (http or https).
    pub url: Option<String>,
}

/// Profile fields shared by creation and updates. In an update, an omitted field is left
/// alone, `null` clears it, and lists are replaced whole.
#[derive(Debug, Clone, Default, InputObject)]
pub struct PartnerDetails {
    /// Company web domain (normalised like organisation domains; unique among your partners).
    pub domain: MaybeUndefined<String>,
    /// Logo URL (http or https).
    pub logo_url: MaybeUndefined<String>,
    /// Industry vertical.
    pub industry: MaybeUndefined<String>,
    /// Short description.
    pub description: MaybeUndefined<String>,
    /// Headcount.
    pub employees: MaybeUndefined<i32>,
    /// The partner company's annual revenue.
    pub company_revenue: MaybeUndefined<MoneyInput>,
    /// Regions covered.
    pub regions: Option<Vec<String>>,
    /// Languages supported.
    pub languages: Option<Vec<String>>,
    /// Services offered.
    pub services: Option<Vec<String>>,
    /// Products sold or integrated.
    pub products: Option<Vec<String>>,
    /// Free-form sub-classification.
    pub subtype: MaybeUndefined<String>,
    /// Program category.
    pub category: MaybeUndefined<PartnerCategoryValue>,
    /// Tags (replaces all tags).
    pub tags: Option<Vec<TagInput>>,
    /// Status.
    pub status: Option<PartnerStatusValue>,
    /// Lifecycle stage.
    pub stage: Option<PartnerStageValue>,
    /// A member of your organisation (user ID).
    pub partner_manager_id: MaybeUndefined<ID>,
    /// Key stakeholders (replaces the list).
    pub key_stakeholders: Option<Vec<StakeholderInput>>,
    /// Joint value proposition.
    pub joint_value_proposition: MaybeUndefined<String>,
    /// Executive summary.
    pub executive_summary: MaybeUndefined<String>,
    /// Annual revenue target (non-negative).
    pub annual_revenue_target: MaybeUndefined<MoneyInput>,
    /// How the target spreads over Q1–Q4 (must sum to 100).
    pub quarterly_weights: MaybeUndefined<QuarterlyWeightsInput>,
    /// Joint plan affiliates, integrations and workflows (replaces the list).
    pub joint_plan_items: Option<Vec<JointPlanItemInput>>,
    /// Fit score 0–100 (normally set by AI analysis; a person's value is kept).
    pub fit_score: MaybeUndefined<i32>,
    /// Health score 0–100 (normally set by AI analysis; a person's value is kept).
    pub health_score: MaybeUndefined<i32>,
    /// AI summary (normally set by AI analysis; a person's text is kept).
    pub ai_summary: MaybeUndefined<String>,
}

/// Create a partner.
#[derive(Debug, Clone, InputObject)]
pub struct CreatePartnerInput {
    /// The partner's id in your CRM.
    pub external_id: Option<String>,
    /// Company name.
    pub name: String,
    /// Partner type.
    #[graphql(name = "type")]
    pub partner_type: PartnerTypeValue,
    /// Everything else.
    #[graphql(flatten)]
    pub details: PartnerDetails,
}

/// Changes to a partner.
#[derive(Debug, Clone, Default, InputObject)]
pub struct PartnerPatch {
    /// Company name.
    pub name: Option<String>,
    /// Partner type.
    #[graphql(name = "type")]
    pub partner_type: Option<PartnerTypeValue>,
    /// Everything else.
    #[graphql(flatten)]
    pub details: PartnerDetails,
}

/// Update a partner if nobody changed it since you read `expectedVersion`.
#[derive(Debug, Clone, InputObject)]
pub struct UpdatePartnerInput {
    /// The partner.
    pub id: ID,
    /// The `version` you read; if the partner changed since, the update is CONFLICT.
    pub expected_version: i32,
    /// The changes.
    pub patch: PartnerPatch,
}

/// Archive or restore a partner.
#[derive(Debug, Clone, InputObject)]
pub struct ArchivePartnerInput {
    /// The partner.
    pub id: ID,
    /// True to archive (default), false to restore.
    #[graphql(default = true)]
    pub archived: bool,
}

/// Delete a partner for good.
#[derive(Debug, Clone, InputObject)]
pub struct DeletePartnerInput {
    /// The partner.
    pub id: ID,
}

/// Hand a field back to automated writers.
#[derive(Debug, Clone, InputObject)]
pub struct ClearPartnerOverrideInput {
    /// The partner.
    pub id: ID,
    /// The field no longer to protect.
    pub field: PartnerFieldValue,
}

/// Where a patch applies, for error paths like `input.patch.domain`.
pub struct Applying<'a> {
    /// Input path prefix, e.g. `input.patch`.
    pub prefix: &'a str,
    /// Fields the patch touched, in order.
    pub touched: Vec<PartnerField>,
    /// The partner manager to verify (a member of the organisation), when set.
    pub partner_manager: Option<uuid::Uuid>,
}

impl Applying<'_> {
    fn bad(&self, field: &str, error: impl std::fmt::Display) -> ApiError {
        ApiError::bad_input(format!("{}.{field}", self.prefix), error.to_string())
    }
}

/// Sets `slot` from a nullable input: returns whether the input touched it.
fn nullable<T, V>(
    slot: &mut Option<T>,
    input: &MaybeUndefined<V>,
    parse: impl FnOnce(&V) -> ApiResult<Option<T>>,
) -> ApiResult<bool> {
    match input {
        MaybeUndefined::Undefined => Ok(false),
        MaybeUndefined::Null => {
            *slot = None;
            Ok(true)
        }
        MaybeUndefined::Value(value) => {
            *slot = parse(value)?;
            Ok(true)
        }
    }
}

fn list(values: &[String], field: &str, a: &Applying<'_>) -> ApiResult<Vec<String>> {
    domain::normalize_list(values, domain::MAX_LIST_ITEMS, domain::MAX_LIST_ITEM_CHARS)
        .map_err(|e| a.bad(field, e))
}

fn text(value: &str, max: usize, field: &str, a: &Applying<'_>) -> ApiResult<Option<String>> {
    domain::optional_text(Some(value), max).map_err(|e| a.bad(field, e))
}

fn score(value: i32, field: &str, a: &Applying<'_>) -> ApiResult<Option<Score>> {
    Score::parse(value.into())
        .map(Some)
        .map_err(|e| a.bad(field, e))
}

fn money(
    value: &MoneyInput,
    field: &str,
    a: &Applying<'_>,
) -> ApiResult<Option<partnergraph_domain::Money>> {
    let amount = value.parse(&format!("{}.{field}", a.prefix))?;
    domain::non_negative_money(amount)
        .map(Some)
        .map_err(|e: PartnerValueError| a.bad(field, e))
}

/// Applies the name/type/details of a create or patch to `p`, recording touched fields.
pub fn apply(
    name: Option<&str>,
    partner_type: Option<PartnerTypeValue>,
    d: &PartnerDetails,
    p: &mut Partner,
    a: &mut Applying<'_>,
) -> ApiResult<()> {
    use PartnerField as F;
    let mut touched = Vec::new();
    if let Some(name) = name {
        p.name = PartnerName::parse(name)
            .map_err(|e| a.bad("name", e))?
            .into_inner();
        touched.push(F::Name);
    }
    if let Some(partner_type) = partner_type {
        p.partner_type = partner_type.into();
        touched.push(F::Type);
    }
    if nullable(&mut p.domain, &d.domain, |v| {
        CompanyDomain::parse(v)
            .map(|d| Some(d.as_str().to_owned()))
            .map_err(|e| a.bad("domain", e))
    })? {
        touched.push(F::Domain);
    }
    if nullable(&mut p.logo_url, &d.logo_url, |v| {
        LogoUrl::parse(v)
            .map(|u| Some(u.as_str().to_owned()))
            .map_err(|e| a.bad("logoUrl", e))
    })? {
        touched.push(F::LogoUrl);
    }
    if nullable(&mut p.industry, &d.industry, |v| {
        text(v, domain::MAX_INDUSTRY_CHARS, "industry", a)
    })? {
        touched.push(F::Industry);
    }
    if nullable(&mut p.description, &d.description, |v| {
        text(v, domain::MAX_DESCRIPTION_CHARS, "description", a)
    })? {
        touched.push(F::Description);
    }
    if nullable(&mut p.employees, &d.employees, |v| {
        Headcount::parse((*v).into())
            .map(|h| Some(h.value()))
            .map_err(|e| a.bad("employees", e))
    })? {
        touched.push(F::Employees);
    }
    if nullable(&mut p.company_revenue, &d.company_revenue, |v| {
        money(v, "companyRevenue", a)
    })? {
        touched.push(F::CompanyRevenue);
    }
    for (values, slot, field, name) in [
        (&d.regions, &mut p.regions, F::Regions, "regions"),
        (&d.languages, &mut p.languages, F::Languages, "languages"),
        (&d.services, &mut p.services, F::Services, "services"),
        (&d.products, &mut p.products, F::Products, "products"),
    ] {
        if let Some(values) = values {
            *slot = list(values, name, a)?;
            touched.push(field);
        }
    }
    if nullable(&mut p.subtype, &d.subtype, |v| {
        text(v, domain::MAX_SUBTYPE_CHARS, "subtype", a)
    })? {
        touched.push(F::Subtype);
    }
    if nullable(&mut p.category, &d.category, |v| Ok(Some((*v).into())))? {
        touched.push(F::Category);
    }
    if let Some(tags) = &d.tags {
        let mut set = std::collections::BTreeSet::new();
        for (i, tag) in tags.iter().enumerate() {
            let value = domain::normalize_list(
                std::slice::from_ref(&tag.value),
                1,
                domain::MAX_LIST_ITEM_CHARS,
            )
            .map_err(|e| a.bad(&format!("tags[{i}].value"), e))?;
            let value = value
                .into_iter()
                .next()
                .ok_or_else(|| a.bad(&format!("tags[{i}].value"), "a tag cannot be blank"))?;
            set.insert((tag.category.into(), value));
        }
        if set.len() > domain::MAX_LIST_ITEMS * 3 {
            return Err(a.bad(
                "tags",
                format!("at most {} tags", domain::MAX_LIST_ITEMS * 3),
            ));
        }
        p.tags = set;
        touched.push(F::Tags);
    }
    if let Some(status) = d.status {
        p.status = status.into();
        touched.push(F::Status);
    }
    if let Some(stage) = d.stage {
        p.stage = stage.into();
        touched.push(F::Stage);
    }
    let mut manager = p.partner_manager_id;
    if nullable(&mut manager, &d.partner_manager_id, |id| {
        decode_uuid(
            id,
            NodeKind::User,
            &format!("{}.partnerManagerId", a.prefix),
        )
        .map(Some)
    })? {
        p.partner_manager_id = manager;
        a.partner_manager = manager;
        touched.push(F::PartnerManager);
    }
    if let Some(stakeholders) = &d.key_stakeholders {
        if stakeholders.len() > domain::MAX_STAKEHOLDERS {
            return Err(a.bad(
                "keyStakeholders",
                format!("at most {} stakeholders", domain::MAX_STAKEHOLDERS),
            ));
        }
        p.key_stakeholders = stakeholders
            .iter()
            .enumerate()
            .map(|(i, s)| {
                domain::Stakeholder::parse(&s.name, s.role.as_deref(), s.email.as_deref())
                    .map_err(|e| a.bad(&format!("keyStakeholders[{i}]"), e))
            })
            .collect::<ApiResult<_>>()?;
        touched.push(F::KeyStakeholders);
    }
    if nullable(
        &mut p.joint_value_proposition,
        &d.joint_value_proposition,
        |v| {
            text(
                v,
                domain::MAX_JOINT_VALUE_PROPOSITION_CHARS,
                "jointValueProposition",
                a,
            )
        },
    )? {
        touched.push(F::JointValueProposition);
    }
    if nullable(&mut p.executive_summary, &d.executive_summary, |v| {
        text(
            v,
            domain::MAX_EXECUTIVE_SUMMARY_CHARS,
            "executiveSummary",
            a,
        )
    })? {
        touched.push(F::ExecutiveSummary);
    }
    let plan = &mut p.joint_plan;
    if nullable(
        &mut plan.annual_revenue_target,
        &d.annual_revenue_target,
        |v| money(v, "annualRevenueTarget", a),
    )? {
        if let Some(target) = plan.annual_revenue_target {
            plan.currency = target.currency();
        }
        touched.push(F::AnnualRevenueTarget);
    }
    if nullable(&mut plan.quarterly_weights, &d.quarterly_weights, |w| {
        QuarterlyWeights::parse(w.q1.into(), w.q2.into(), w.q3.into(), w.q4.into())
            .map(Some)
            .map_err(|e| a.bad("quarterlyWeights", e))
    })? {
        touched.push(F::QuarterlyWeights);
    }
    if let Some(items) = &d.joint_plan_items {
        if items.len() > domain::MAX_JOINT_PLAN_ITEMS {
            return Err(a.bad(
                "jointPlanItems",
                format!("at most {} items", domain::MAX_JOINT_PLAN_ITEMS),
            ));
        }
        plan.items = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                domain::JointPlanItem::parse(
                    item.kind.into(),
                    &item.name,
                    item.description.as_deref(),
                    item.url.as_deref(),
                )
                .map_err(|e| a.bad(&format!("jointPlanItems[{i}]"), e))
            })
            .collect::<ApiResult<_>>()?;
    }
    let insights = &mut p.insights;
    if nullable(&mut insights.fit_score, &d.fit_score, |v| {
        score(*v, "fitScore", a)
    })? {
        touched.push(F::FitScore);
    }
    if nullable(&mut insights.health_score, &d.health_score, |v| {
        score(*v, "healthScore", a)
    })? {
        touched.push(F::HealthScore);
    }
    if nullable(&mut insights.ai_summary, &d.ai_summary, |v| {
        text(v, domain::MAX_AI_SUMMARY_CHARS, "aiSummary", a)
    })? {
        touched.push(F::AiSummary);
    }
    a.touched.extend(touched);
    Ok(())
}
