//! Partner use cases: create, update (versioned), archive, delete, clear overrides, read.
//! Every change writes an audit entry with the changed fields before and after.

use std::collections::BTreeSet;

use partnergraph_domain::Role;
use partnergraph_domain::deals::Financials;
use partnergraph_domain::partners::{
    PartnerField, PartnerStage, PartnerStatus, PartnerType, can_delete_partners, can_read_partner,
    can_write_partners,
};
use partnergraph_persistence::Conn;
use partnergraph_persistence::audit::{self, AuditEntry};
use partnergraph_persistence::partner_list::{self, PartnerFilter};
use partnergraph_persistence::partners::{self, Insights, JointPlan, Partner, WriteError};
use partnergraph_persistence::types::now;
use partnergraph_persistence::{organizations, users};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::auth::{Actor, Member};
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;
use crate::graphql::types::partner_inputs::{Applying, CreatePartnerInput, PartnerPatch, apply};
use crate::identity::violates;

pub(crate) fn actor(member: &Member) -> audit::Actor {
    match member.actor {
        Actor::User { id, .. } => audit::Actor::User(id),
        Actor::ApiKey { id } => audit::Actor::ApiKey(id),
    }
}

/// An audit entry on partner `partner_id` by `member`.
pub(crate) fn entry(
    member: &Member,
    partner_id: Uuid,
    action: &'static str,
    changes: Value,
) -> AuditEntry {
    AuditEntry {
        org_id: member.org_id,
        id: Uuid::now_v7(),
        subject_kind: "partner",
        subject_id: partner_id,
        action,
        actor: actor(member),
        changes,
        created_at: now(),
    }
}

/// The person-facing fields of a partner as JSON, for audit diffs.
fn snapshot(p: &Partner) -> Map<String, Value> {
    let money = |m: Option<partnergraph_domain::Money>| {
        m.map_or(
            Value::Null,
            |m| json!({ "amountMinor": m.minor().to_string(), "currency": m.currency().code() }),
        )
    };
    let score = |s: Option<partnergraph_domain::partners::Score>| {
        s.map_or(Value::Null, |s| json!(s.value()))
    };
    let fields = [
        ("externalId", json!(p.external_id)),
        ("name", json!(p.name)),
        ("domain", json!(p.domain)),
        ("logoUrl", json!(p.logo_url)),
        ("industry", json!(p.industry)),
        ("description", json!(p.description)),
        ("employees", json!(p.employees)),
        ("companyRevenue", money(p.company_revenue)),
        ("regions", json!(p.regions)),
        ("languages", json!(p.languages)),
        ("services", json!(p.services)),
        ("products", json!(p.products)),
        ("type", json!(p.partner_type.as_str())),
        ("subtype", json!(p.subtype)),
        ("category", json!(p.category.map(|c| c.as_str()))),
        (
            "tags",
            json!(p.tags.iter().map(|(c, t)| format!("{}:{t}", c.as_str())).collect::<Vec<_>>()),
        ),
        ("status", json!(p.status.as_str())),
        ("stage", json!(p.stage.as_str())),
        ("partnerManager", json!(p.partner_manager_id)),
        (
            "keyStakeholders",
            json!(p
                .key_stakeholders
                .iter()
                .map(|s| json!({ "name": s.name, "role": s.role, "email": s.email.as_ref().map(|e| e.as_str()) }))
                .collect::<Vec<_>>()),
        ),
        ("jointValueProposition", json!(p.joint_value_proposition)),
        ("executiveSummary", json!(p.executive_summary)),
        ("annualRevenueTarget", money(p.joint_plan.annual_revenue_target)),
        (
            "quarterlyWeights",
            p.joint_plan
                .quarterly_weights
                .map_or(Value::Null, |w| json!([w.q1, w.q2, w.q3, w.q4])),
        ),
        (
            "jointPlanItems",
            json!(p
                .joint_plan
                .items
                .iter()
                .map(|i| json!({ "kind": i.kind.as_str(), "name": i.name, "description": i.description, "url": i.url }))
                .collect::<Vec<_>>()),
        ),
        ("fitScore", score(p.insights.fit_score)),
        ("healthScore", score(p.insights.health_score)),
        ("aiSummary", json!(p.insights.ai_summary)),
        ("archived", json!(p.archived_at.is_some())),
    ];
    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// `{"field": {"before": …, "after": …}}` for every field that differs.
fn diff(before: &Map<String, Value>, after: &Map<String, Value>) -> Value {
    let changes: Map<String, Value> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, v)| {
            (
                k.clone(),
                json!({ "before": before.get(k).cloned().unwrap_or(Value::Null), "after": v }),
            )
        })
        .collect();
    Value::Object(changes)
}

/// The partner manager must be a member of the organisation (not a partner-role user).
async fn check_manager(
    services: &Services,
    member: &Member,
    manager: Option<Uuid>,
    field: &str,
) -> ApiResult<()> {
    let Some(manager) = manager else {
        return Ok(());
    };
    let mut conn = services.db.conn().await?;
    match users::by_id(&mut conn, member.org_id, manager).await? {
        Some(user) if user.role != Role::Partner => Ok(()),
        _ => Err(ApiError::bad_input(
            field,
            "the partner manager must be a member of your organisation",
        )),
    }
}

async fn check_domain(services: &Services, p: &Partner, field: &str) -> ApiResult<()> {
    let Some(domain) = &p.domain else {
        return Ok(());
    };
    let mut conn = services.db.conn().await?;
    if partners::domain_taken(&mut conn, p.org_id, domain, Some(p.id)).await? {
        return Err(ApiError::Conflict(format!(
            "another partner already has the domain {domain} ({field})"
        )));
    }
    Ok(())
}

fn domain_conflict(error: partnergraph_persistence::DbError) -> ApiError {
    if violates(&error, "partners_domain_key", "partners.domain") {
        ApiError::Conflict("another partner already has this domain".to_owned())
    } else if violates(&error, "partners_external_id_key", "partners.external_id") {
        ApiError::Conflict("another partner already has this externalId".to_owned())
    } else {
        error.into()
    }
}

/// A partner of the member's organisation with nothing set but its type: status PENDING,
/// stage PROSPECT, version 1 (name and the rest are applied by the caller).
pub(crate) fn blank(member: &Member, partner_type: PartnerType) -> Partner {
    let now = now();
    Partner {
        org_id: member.org_id,
        id: Uuid::now_v7(),
        external_id: None,
        name: String::new(),
        domain: None,
        logo_url: None,
        industry: None,
        description: None,
        employees: None,
        company_revenue: None,
        regions: Vec::new(),
        languages: Vec::new(),
        services: Vec::new(),
        products: Vec::new(),
        partner_type,
        subtype: None,
        category: None,
        tier_id: None,
        tier_source: None,
        tier_evaluated_at: None,
        tags: BTreeSet::new(),
        status: PartnerStatus::Pending,
        stage: PartnerStage::Prospect,
        partner_manager_id: None,
        primary_contact_id: None,
        key_stakeholders: Vec::new(),
        joint_value_proposition: None,
        executive_summary: None,
        insights: Insights::default(),
        // in the organisation's deal currency once `insert` knows it
        financials: Financials::zero(partnergraph_domain::Currency::USD),
        joint_plan: JointPlan::default(),
        overridden_fields: BTreeSet::new(),
        version: 1,
        archived_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// A CRM id: trimmed, blank means none, at most 200 characters.
pub(crate) fn external_id(raw: Option<&str>, field: &str) -> ApiResult<Option<String>> {
    raw.map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            if e.chars().count() > MAX_EXTERNAL_ID_CHARS {
                Err(ApiError::bad_input(
                    field,
                    format!("externalId must have at most {MAX_EXTERNAL_ID_CHARS} characters"),
                ))
            } else {
                Ok(e.to_owned())
            }
        })
        .transpose()
}

const MAX_EXTERNAL_ID_CHARS: usize = 200;

/// Creates a partner from a person's input.
pub async fn create(
    services: &Services,
    member: &Member,
    input: &CreatePartnerInput,
) -> ApiResult<Partner> {
    can_write_partners(member.role)?;
    let mut partner = blank(member, input.partner_type.into());
    partner.external_id = external_id(input.external_id.as_deref(), "input.externalId")?;
    let mut applying = Applying {
        prefix: "input",
        touched: Vec::new(),
        partner_manager: None,
    };
    apply(
        Some(&input.name),
        Some(input.partner_type),
        &input.details,
        &mut partner,
        &mut applying,
    )?;
    check_manager(
        services,
        member,
        applying.partner_manager,
        "input.partnerManagerId",
    )
    .await?;
    check_domain(services, &partner, "input.domain").await?;
    let created = insert(services, member, partner).await?;
    let placed = placed(services, member, created.id).await?;
    crate::analysis::after_create(services, member, &placed);
    Ok(placed)
}

/// Re-evaluates a changed partner's segments and tier, and reads it back as it now stands.
async fn placed(services: &Services, member: &Member, id: Uuid) -> ApiResult<Partner> {
    crate::tiers::partners_changed(services, member, &[id]).await?;
    visible(services, member, id).await
}

/// Writes a new, validated partner with its `create` audit entry.
pub(crate) async fn insert(
    services: &Services,
    member: &Member,
    mut partner: Partner,
) -> ApiResult<Partner> {
    let changes = diff(&Map::new(), &snapshot(&partner));
    let mut conn = services.db.conn().await?;
    let settings = organizations::deal_settings(&mut conn, member.org_id).await?;
    partner.financials = Financials::zero(settings.currency);
    partners::create(
        &mut conn,
        &partner,
        &entry(member, partner.id, "create", changes),
    )
    .await
    .map_err(domain_conflict)?;
    Ok(partner)
}

/// Refuses filter tags that no partner of the organisation has (most likely typos); errors
/// name `{field}.tags[i].values`.
pub async fn check_known_tags(
    conn: &mut Conn,
    org_id: Uuid,
    filter: &PartnerFilter,
    field: &str,
) -> ApiResult<()> {
    for (i, (category, values)) in filter.tags.iter().enumerate() {
        let known = partner_list::known_tags(conn, org_id, *category, values).await?;
        if let Some(unknown) = values.iter().find(|v| !known.contains(v)) {
            return Err(ApiError::bad_input(
                format!("{field}.tags[{i}].values"),
                format!("no partner has the {} tag `{unknown}`", category.as_str()),
            ));
        }
    }
    Ok(())
}

/// Loads a partner the member may see (NOT_FOUND otherwise).
pub async fn visible(services: &Services, member: &Member, id: Uuid) -> ApiResult<Partner> {
    can_read_partner(member.role, member.partner_id, id)?;
    let mut conn = services.db.conn().await?;
    partners::load(&mut conn, member.org_id, id)
        .await?
        .ok_or(ApiError::NotFound("partner"))
}

/// Saves `next` over `current` if the version still matches; records the audit entry.
pub(crate) async fn save(
    services: &Services,
    member: &Member,
    current: &Partner,
    mut next: Partner,
    expected_version: i64,
    action: &'static str,
) -> ApiResult<Partner> {
    next.version = expected_version + 1;
    next.updated_at = now();
    let changes = diff(&snapshot(current), &snapshot(&next));
    let mut conn = services.db.conn().await?;
    match partners::update(
        &mut conn,
        &next,
        expected_version,
        &entry(member, next.id, action, changes),
    )
    .await
    {
        Ok(()) => Ok(next),
        Err(WriteError::Stale) => Err(ApiError::Conflict(format!(
            "the partner changed since version {expected_version}; read it again and reapply your change"
        ))),
        Err(WriteError::NotFound) => Err(ApiError::NotFound("partner")),
        Err(WriteError::Db(error)) => Err(domain_conflict(error)),
    }
}

/// Applies a person's patch; touched fields become overridden. A stale version is CONFLICT.
pub async fn update(
    services: &Services,
    member: &Member,
    id: Uuid,
    expected_version: i32,
    patch: &PartnerPatch,
) -> ApiResult<Partner> {
    can_write_partners(member.role)?;
    let current = visible(services, member, id).await?;
    let expected = i64::from(expected_version);
    if current.version != expected {
        return Err(ApiError::Conflict(format!(
            "the partner is at version {}, not {expected_version}; read it again and reapply your change",
            current.version
        )));
    }
    let mut next = current.clone();
    let mut applying = Applying {
        prefix: "input.patch",
        touched: Vec::new(),
        partner_manager: None,
    };
    apply(
        patch.name.as_deref(),
        patch.partner_type,
        &patch.details,
        &mut next,
        &mut applying,
    )?;
    check_manager(
        services,
        member,
        applying.partner_manager,
        "input.patch.partnerManagerId",
    )
    .await?;
    check_domain(services, &next, "input.patch.domain").await?;
    next.overridden_fields.extend(applying.touched);
    save(services, member, &current, next, expected, "update").await?;
    placed(services, member, id).await
}

/// Archives (hides from lists) or restores a partner.
pub async fn set_archived(
    services: &Services,
    member: &Member,
    id: Uuid,
    archived: bool,
) -> ApiResult<Partner> {
    can_write_partners(member.role)?;
    let current = visible(services, member, id).await?;
    if current.archived_at.is_some() == archived {
        return Ok(current);
    }
    let mut next = current.clone();
    next.archived_at = archived.then(now);
    let version = current.version;
    save(
        services,
        member,
        &current,
        next,
        version,
        if archived { "archive" } else { "unarchive" },
    )
    .await?;
    placed(services, member, id).await
}

/// Deletes a partner and everything it holds (owners and admins).
pub async fn delete(services: &Services, member: &Member, id: Uuid) -> ApiResult<()> {
    can_delete_partners(member.role)?;
    let current = visible(services, member, id).await?;
    let changes: Map<String, Value> = snapshot(&current)
        .into_iter()
        .map(|(k, v)| (k, json!({ "before": v, "after": Value::Null })))
        .collect();
    let changes = Value::Object(changes);
    let mut conn = services.db.conn().await?;
    if !partners::delete(
        &mut conn,
        member.org_id,
        id,
        &entry(member, id, "delete", changes),
    )
    .await?
    {
        return Err(ApiError::NotFound("partner"));
    }
    Ok(())
}

/// Hands a field back to automated writers.
pub async fn clear_override(
    services: &Services,
    member: &Member,
    id: Uuid,
    field: PartnerField,
) -> ApiResult<Partner> {
    can_write_partners(member.role)?;
    let current = visible(services, member, id).await?;
    if !current.overridden_fields.contains(&field) {
        return Ok(current);
    }
    let mut next = current.clone();
    next.overridden_fields.remove(&field);
    let version = current.version;
    save(services, member, &current, next, version, "update").await?;
    placed(services, member, id).await
}

/// Puts back every field of `current` that a person overrode, so that automated writers
/// (imports, enrichment, scoring) never change what a person set. Overrides themselves stay
/// as they are: automated writers never add or remove one.
pub(crate) fn keep_overridden(current: &Partner, next: &mut Partner) {
    use PartnerField as F;
    for field in &current.overridden_fields {
        match field {
            F::Name => next.name.clone_from(&current.name),
            F::Domain => next.domain.clone_from(&current.domain),
            F::LogoUrl => next.logo_url.clone_from(&current.logo_url),
            F::Industry => next.industry.clone_from(&current.industry),
            F::Description => next.description.clone_from(&current.description),
            F::Employees => next.employees = current.employees,
            F::CompanyRevenue => next.company_revenue = current.company_revenue,
            F::Regions => next.regions.clone_from(&current.regions),
            F::Languages => next.languages.clone_from(&current.languages),
            F::Services => next.services.clone_from(&current.services),
            F::Products => next.products.clone_from(&current.products),
            F::Type => next.partner_type = current.partner_type,
            F::Subtype => next.subtype.clone_from(&current.subtype),
            F::Category => next.category = current.category,
            F::Tags => next.tags.clone_from(&current.tags),
            F::Status => next.status = current.status,
            F::Stage => next.stage = current.stage,
            F::PartnerManager => next.partner_manager_id = current.partner_manager_id,
            F::PrimaryContact => next.primary_contact_id = current.primary_contact_id,
            F::KeyStakeholders => next.key_stakeholders.clone_from(&current.key_stakeholders),
            F::JointValueProposition => next
                .joint_value_proposition
                .clone_from(&current.joint_value_proposition),
            F::ExecutiveSummary => next
                .executive_summary
                .clone_from(&current.executive_summary),
            F::AnnualRevenueTarget => {
                next.joint_plan.annual_revenue_target = current.joint_plan.annual_revenue_target;
                next.joint_plan.currency = current.joint_plan.currency;
            }
            F::QuarterlyWeights => {
                next.joint_plan.quarterly_weights = current.joint_plan.quarterly_weights;
            }
            F::FitScore => next.insights.fit_score = current.insights.fit_score,
            F::HealthScore => next.insights.health_score = current.insights.health_score,
            F::FourC => {
                next.insights.capacity = current.insights.capacity;
                next.insights.capability = current.insights.capability;
                next.insights.commitment = current.insights.commitment;
                next.insights.customer_alignment = current.insights.customer_alignment;
                next.insights
                    .four_c_rationales
                    .clone_from(&current.insights.four_c_rationales);
            }
            F::KeyStrengths => next
                .insights
                .key_strengths
                .clone_from(&current.insights.key_strengths),
            F::AiSummary => next
                .insights
                .ai_summary
                .clone_from(&current.insights.ai_summary),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automated_writers_keep_what_a_person_overrode() {
        let member = Member {
            org_id: Uuid::nil(),
            role: Role::Owner,
            actor: Actor::ApiKey { id: Uuid::nil() },
            partner_id: None,
        };
        let mut current = blank(&member, PartnerType::Reseller);
        current.name = "Person's name".to_owned();
        current.stage = PartnerStage::Signed;
        current.overridden_fields = [PartnerField::Name, PartnerField::Stage].into();
        let mut next = current.clone();
        next.name = "CRM name".to_owned();
        next.stage = PartnerStage::Prospect;
        next.industry = Some("Retail".to_owned());
        keep_overridden(&current, &mut next);
        assert_eq!(next.name, "Person's name");
        assert_eq!(next.stage, PartnerStage::Signed);
        assert_eq!(next.industry.as_deref(), Some("Retail"), "not overridden");
        assert_eq!(next.overridden_fields, current.overridden_fields);
    }

    #[test]
    fn diffs_list_only_changed_fields_with_before_and_after() {
        let before: Map<String, Value> = [
            ("name".to_owned(), json!("Acme")),
            ("stage".to_owned(), json!("prospect")),
        ]
        .into_iter()
        .collect();
        let after: Map<String, Value> = [
            ("name".to_owned(), json!("Acme")),
            ("stage".to_owned(), json!("active")),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            diff(&before, &after),
            json!({ "stage": { "before": "prospect", "after": "active" } })
        );
    }
}
