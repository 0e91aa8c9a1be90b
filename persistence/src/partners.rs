//! Partner profiles: the whole profile is written and read as one [`Partner`], across the core
//! row, its 1:1 insight and joint-plan rows, and its list rows, in one transaction.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::deals::Financials;
use partnergraph_domain::partners::{
    JointPlanItem, JointPlanItemKind, KeyStrength, ListField, PartnerCategory, PartnerField,
    PartnerStage, PartnerStatus, PartnerType, QuarterlyWeights, Score, Stakeholder, TagCategory,
    TierSource,
};
use partnergraph_domain::{Currency, EmailAddress, Money};
use uuid::Uuid;

use crate::audit::{self, AuditEntry};
use crate::db::Conn;
use crate::deals::{FinancialsRow, refresh_financials};
use crate::error::DbError;
use crate::run;
use crate::schema::{
    deals, joint_plan_items, organizations, partner_financials, partner_insights,
    partner_joint_plans, partner_list_values, partner_overrides, partner_stakeholders,
    partner_strengths, partner_tags, partners,
};
use crate::types::{DbTimestamp, DbUuid};

/// AI insights of a partner; empty until scoring fills them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Insights {
    /// Fit with the organisation's IPP.
    pub fit_score: Option<Score>,
    /// Relationship health.
    pub health_score: Option<Score>,
    /// 4C: capacity.
    pub capacity: Option<Score>,
    /// 4C: capability.
    pub capability: Option<Score>,
    /// 4C: commitment.
    pub commitment: Option<Score>,
    /// 4C: customer alignment.
    pub customer_alignment: Option<Score>,
    /// Why each 4C sub-score is what it is (set by AI analysis, kept with the scores).
    pub four_c_rationales: FourCRationales,
    /// Key strengths.
    pub key_strengths: Vec<KeyStrength>,
    /// Narrative.
    pub ai_summary: Option<String>,
    /// When analysed.
    pub analyzed_at: Option<DateTime<Utc>>,
}

/// One line per 4C dimension explaining its score, citing the partner data used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FourCRationales {
    /// Capacity.
    pub capacity: Option<String>,
    /// Capability.
    pub capability: Option<String>,
    /// Commitment.
    pub commitment: Option<String>,
    /// Customer alignment.
    pub customer_alignment: Option<String>,
}

/// The joint plan of a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JointPlan {
    /// Annual revenue target.
    pub annual_revenue_target: Option<Money>,
    /// Currency of the plan (of the target).
    pub currency: Currency,
    /// How the target spreads over Q1–Q4.
    pub quarterly_weights: Option<QuarterlyWeights>,
    /// Affiliates, integrations and workflows.
    pub items: Vec<JointPlanItem>,
}

impl Default for JointPlan {
    fn default() -> Self {
        JointPlan {
            annual_revenue_target: None,
            currency: Currency::USD,
            quarterly_weights: None,
            items: Vec::new(),
        }
    }
}

/// A partner profile as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partner {
    /// Organisation.
    pub org_id: Uuid,
    /// Partner id.
    pub id: Uuid,
    /// Id in the customer's CRM.
    pub external_id: Option<String>,
    /// Company name.
    pub name: String,
    /// Normalised company domain.
    pub domain: Option<String>,
    /// Logo URL.
    pub logo_url: Option<String>,
    /// Industry vertical.
    pub industry: Option<String>,
    /// Short description.
    pub description: Option<String>,
    /// Headcount.
    pub employees: Option<i64>,
    /// The company's annual revenue.
    pub company_revenue: Option<Money>,
    /// Regions covered.
    pub regions: Vec<String>,
    /// Languages supported.
    pub languages: Vec<String>,
    /// Services offered.
    pub services: Vec<String>,
    /// Products sold or integrated.
    pub products: Vec<String>,
    /// Partner type.
    pub partner_type: PartnerType,
    /// Free-form sub-classification.
    pub subtype: Option<String>,
    /// Category.
    pub category: Option<PartnerCategory>,
    /// Program tier.
    pub tier_id: Option<Uuid>,
    /// How the tier was set.
    pub tier_source: Option<TierSource>,
    /// Last automatic tier evaluation.
    pub tier_evaluated_at: Option<DateTime<Utc>>,
    /// Tags by category.
    pub tags: BTreeSet<(TagCategory, String)>,
    /// Status.
    pub status: PartnerStatus,
    /// Lifecycle stage.
    pub stage: PartnerStage,
    /// Internal member managing the relationship.
    pub partner_manager_id: Option<Uuid>,
    /// Partner-side primary contact.
    pub primary_contact_id: Option<Uuid>,
    /// Key stakeholders at the partner.
    pub key_stakeholders: Vec<Stakeholder>,
    /// Joint value proposition.
    pub joint_value_proposition: Option<String>,
    /// Executive summary.
    pub executive_summary: Option<String>,
    /// AI insights.
    pub insights: Insights,
    /// Rollups of the partner's deals (read-only here: deal writes maintain them).
    pub financials: Financials,
    /// Joint plan.
    pub joint_plan: JointPlan,
    /// Fields a person edited (automated writers leave them alone).
    pub overridden_fields: BTreeSet<PartnerField>,
    /// Optimistic-concurrency version, 1 on creation.
    pub version: i64,
    /// When archived.
    pub archived_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

fn corrupt(what: &str, value: &str) -> DbError {
    DbError::Corrupt(format!("unknown {what} `{value}`"))
}

fn score(value: Option<i16>) -> Result<Option<Score>, DbError> {
    value
        .map(|v| Score::parse(i64::from(v)).map_err(|_| corrupt("score", &v.to_string())))
        .transpose()
}

fn money(minor: Option<i64>, currency: Option<&str>) -> Result<Option<Money>, DbError> {
    match (minor, currency) {
        (Some(minor), Some(code)) => Ok(Some(Money::new(
            minor,
            Currency::parse(code).map_err(|_| corrupt("currency", code))?,
        ))),
        _ => Ok(None),
    }
}

fn small(score: Option<Score>) -> Option<i16> {
    score.map(|s| i16::from(s.value()))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = partners)]
pub(crate) struct PartnerRow {
    org_id: DbUuid,
    id: DbUuid,
    external_id: Option<String>,
    name: String,
    domain: Option<String>,
    logo_url: Option<String>,
    industry: Option<String>,
    description: Option<String>,
    employees: Option<i64>,
    company_revenue_minor: Option<i64>,
    company_revenue_currency: Option<String>,
    partner_type: String,
    subtype: Option<String>,
    category: Option<String>,
    tier_id: Option<DbUuid>,
    tier_source: Option<String>,
    tier_evaluated_at: Option<DbTimestamp>,
    status: String,
    stage: String,
    partner_manager_id: Option<DbUuid>,
    primary_contact_id: Option<DbUuid>,
    joint_value_proposition: Option<String>,
    executive_summary: Option<String>,
    version: i64,
    archived_at: Option<DbTimestamp>,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = partner_insights)]
pub(crate) struct InsightsRow {
    fit_score: Option<i16>,
    health_score: Option<i16>,
    capacity_score: Option<i16>,
    capability_score: Option<i16>,
    commitment_score: Option<i16>,
    customer_alignment_score: Option<i16>,
    ai_summary: Option<String>,
    analyzed_at: Option<DbTimestamp>,
    capacity_rationale: Option<String>,
    capability_rationale: Option<String>,
    commitment_rationale: Option<String>,
    customer_alignment_rationale: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = partner_joint_plans)]
pub(crate) struct JointPlanRow {
    currency: String,
    annual_revenue_target_minor: Option<i64>,
    q1_weight: Option<i16>,
    q2_weight: Option<i16>,
    q3_weight: Option<i16>,
    q4_weight: Option<i16>,
}

/// The core of a partner (its row with insights and joint-plan scalars) without its list
/// relations, which load in batches through [`relation_for`] / [`relations_for`].
pub(crate) fn core_from(
    row: PartnerRow,
    insights: Option<InsightsRow>,
    plan: Option<JointPlanRow>,
    financials: FinancialsRow,
) -> Result<Partner, DbError> {
    let insights = match insights {
        Some(i) => Insights {
            fit_score: score(i.fit_score)?,
            health_score: score(i.health_score)?,
            capacity: score(i.capacity_score)?,
            capability: score(i.capability_score)?,
            commitment: score(i.commitment_score)?,
            customer_alignment: score(i.customer_alignment_score)?,
            ai_summary: i.ai_summary,
            analyzed_at: i.analyzed_at.map(|t| t.0),
            four_c_rationales: FourCRationales {
                capacity: i.capacity_rationale,
                capability: i.capability_rationale,
                commitment: i.commitment_rationale,
                customer_alignment: i.customer_alignment_rationale,
            },
            key_strengths: Vec::new(),
        },
        None => Insights::default(),
    };
    let joint_plan = match plan {
        Some(p) => {
            let currency =
                Currency::parse(&p.currency).map_err(|_| corrupt("currency", &p.currency))?;
            let quarterly_weights = match (p.q1_weight, p.q2_weight, p.q3_weight, p.q4_weight) {
                (Some(a), Some(b), Some(c), Some(d)) => Some(
                    QuarterlyWeights::parse(a.into(), b.into(), c.into(), d.into())
                        .map_err(|_| corrupt("quarterly weights", &format!("{a},{b},{c},{d}")))?,
                ),
                _ => None,
            };
            JointPlan {
                annual_revenue_target: p
                    .annual_revenue_target_minor
                    .map(|m| Money::new(m, currency)),
                currency,
                quarterly_weights,
                items: Vec::new(),
            }
        }
        None => JointPlan::default(),
    };
    Ok(Partner {
        org_id: row.org_id.0,
        id: row.id.0,
        external_id: row.external_id,
        name: row.name,
        domain: row.domain,
        logo_url: row.logo_url,
        industry: row.industry,
        description: row.description,
        employees: row.employees,
        company_revenue: money(
            row.company_revenue_minor,
            row.company_revenue_currency.as_deref(),
        )?,
        regions: Vec::new(),
        languages: Vec::new(),
        services: Vec::new(),
        products: Vec::new(),
        partner_type: PartnerType::parse(&row.partner_type)
            .ok_or_else(|| corrupt("partner type", &row.partner_type))?,
        subtype: row.subtype,
        category: row
            .category
            .map(|c| PartnerCategory::parse(&c).ok_or_else(|| corrupt("category", &c)))
            .transpose()?,
        tier_id: row.tier_id.map(|t| t.0),
        tier_source: row
            .tier_source
            .map(|t| TierSource::parse(&t).ok_or_else(|| corrupt("tier source", &t)))
            .transpose()?,
        tier_evaluated_at: row.tier_evaluated_at.map(|t| t.0),
        tags: BTreeSet::new(),
        status: PartnerStatus::parse(&row.status).ok_or_else(|| corrupt("status", &row.status))?,
        stage: PartnerStage::parse(&row.stage).ok_or_else(|| corrupt("stage", &row.stage))?,
        partner_manager_id: row.partner_manager_id.map(|u| u.0),
        primary_contact_id: row.primary_contact_id.map(|u| u.0),
        key_stakeholders: Vec::new(),
        joint_value_proposition: row.joint_value_proposition,
        executive_summary: row.executive_summary,
        insights,
        financials: Financials::try_from(financials)?,
        joint_plan,
        overridden_fields: BTreeSet::new(),
        version: row.version,
        archived_at: row.archived_at.map(|t| t.0),
        created_at: row.created_at.0,
        updated_at: row.updated_at.0,
    })
}

/// One partner of the organisation with everything it holds (two round trips per relation
/// kind: the core row, then each relation).
pub async fn load(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<Partner>, DbError> {
    let mut cores = cores_by_ids(conn, org_id, &[id]).await?;
    let Some(mut partner) = cores.remove(&id) else {
        return Ok(None);
    };
    let mut relations = relations_for(conn, org_id, &[id]).await?;
    if let Some(relations) = relations.remove(&id) {
        relations.apply_to(&mut partner);
    }
    Ok(Some(partner))
}

/// Core rows by id, in one statement.
pub async fn cores_by_ids(
    conn: &mut Conn,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Partner>, DbError> {
    let org = DbUuid(org_id);
    let ids: Vec<DbUuid> = ids.iter().copied().map(DbUuid).collect();
    let rows: Vec<Row> = run!(conn, |c| partners::table
        .inner_join(
            partner_financials::table.on(partner_financials::org_id
                .eq(partners::org_id)
                .and(partner_financials::partner_id.eq(partners::id))),
        )
        .left_join(
            partner_insights::table.on(partner_insights::org_id
                .eq(partners::org_id)
                .and(partner_insights::partner_id.eq(partners::id))),
        )
        .left_join(
            partner_joint_plans::table.on(partner_joint_plans::org_id
                .eq(partners::org_id)
                .and(partner_joint_plans::partner_id.eq(partners::id))),
        )
        .filter(partners::org_id.eq(org))
        .filter(partners::id.eq_any(ids.clone()))
        .select((
            PartnerRow::as_select(),
            Option::<InsightsRow>::as_select(),
            Option::<JointPlanRow>::as_select(),
            FinancialsRow::as_select(),
        ))
        .load(c)
        .await)?;
    rows.into_iter()
        .map(|(row, insights, plan, financials)| {
            let partner = core_from(row, insights, plan, financials)?;
            Ok((partner.id, partner))
        })
        .collect()
}

/// Every partner of the organisation as `(id, external id)`, in one statement.
pub async fn external_ids(
    conn: &mut Conn,
    org_id: Uuid,
) -> Result<Vec<(Uuid, Option<String>)>, DbError> {
    let rows: Vec<(DbUuid, Option<String>)> = run!(conn, |c| partners::table
        .filter(partners::org_id.eq(DbUuid(org_id)))
        .select((partners::id, partners::external_id))
        .load(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, external)| (id.0, external))
        .collect())
}

/// A partner with its 1:1 rows, as the core queries load it.
pub(crate) type Row = (
    PartnerRow,
    Option<InsightsRow>,
    Option<JointPlanRow>,
    FinancialsRow,
);

/// A joint plan item row: partner, kind, name, description, url.
type PlanItemRow = (DbUuid, String, String, Option<String>, Option<String>);

/// Which relation of partners to load in a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Regions, languages, services and products.
    ListValues,
    /// Tags.
    Tags,
    /// Key stakeholders.
    Stakeholders,
    /// Key strengths.
    Strengths,
    /// Joint plan items.
    PlanItems,
    /// Overridden fields.
    Overrides,
}

/// The list relations of one partner (each loaded by its own batched statement).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Relations {
    /// Regions, languages, services, products.
    pub lists: Option<Vec<(String, String)>>,
    /// Tags.
    pub tags: Option<BTreeSet<(TagCategory, String)>>,
    /// Key stakeholders.
    pub stakeholders: Option<Vec<Stakeholder>>,
    /// Key strengths.
    pub strengths: Option<Vec<KeyStrength>>,
    /// Joint plan items.
    pub plan_items: Option<Vec<JointPlanItem>>,
    /// Overridden fields.
    pub overrides: Option<BTreeSet<PartnerField>>,
}

impl Relation {
    /// Every relation.
    pub const ALL: [Relation; 6] = [
        Relation::ListValues,
        Relation::Tags,
        Relation::Stakeholders,
        Relation::Strengths,
        Relation::PlanItems,
        Relation::Overrides,
    ];
}

impl Relations {
    /// Copies the loaded relations onto a partner core.
    pub fn apply_to(self, partner: &mut Partner) {
        if let Some(lists) = self.lists {
            let pick = |field: ListField| {
                lists
                    .iter()
                    .filter(|(f, _)| f == field.as_str())
                    .map(|(_, v)| v.clone())
                    .collect()
            };
            partner.regions = pick(ListField::Regions);
            partner.languages = pick(ListField::Languages);
            partner.services = pick(ListField::Services);
            partner.products = pick(ListField::Products);
        }
        if let Some(tags) = self.tags {
            partner.tags = tags;
        }
        if let Some(stakeholders) = self.stakeholders {
            partner.key_stakeholders = stakeholders;
        }
        if let Some(strengths) = self.strengths {
            partner.insights.key_strengths = strengths;
        }
        if let Some(items) = self.plan_items {
            partner.joint_plan.items = items;
        }
        if let Some(overrides) = self.overrides {
            partner.overridden_fields = overrides;
        }
    }
}

/// Every list relation of the partners, one statement per relation kind.
pub async fn relations_for(
    conn: &mut Conn,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Relations>, DbError> {
    let mut all: HashMap<Uuid, Relations> =
        ids.iter().map(|id| (*id, Relations::default())).collect();
    for relation in Relation::ALL {
        for (id, loaded) in relation_for(conn, org_id, ids, relation).await? {
            let target = all.entry(id).or_default();
            match relation {
                Relation::ListValues => target.lists = loaded.lists,
                Relation::Tags => target.tags = loaded.tags,
                Relation::Stakeholders => target.stakeholders = loaded.stakeholders,
                Relation::Strengths => target.strengths = loaded.strengths,
                Relation::PlanItems => target.plan_items = loaded.plan_items,
                Relation::Overrides => target.overrides = loaded.overrides,
            }
        }
    }
    Ok(all)
}

/// One relation of many partners in one statement; every requested id gets an entry (empty
/// when it has no rows).
pub async fn relation_for(
    conn: &mut Conn,
    org_id: Uuid,
    ids: &[Uuid],
    relation: Relation,
) -> Result<HashMap<Uuid, Relations>, DbError> {
    let org = DbUuid(org_id);
    let keys: Vec<DbUuid> = ids.iter().copied().map(DbUuid).collect();
    let mut out: HashMap<Uuid, Relations> = HashMap::new();
    match relation {
        Relation::ListValues => {
            let rows: Vec<(DbUuid, String, String)> = run!(conn, |c| partner_list_values::table
                .filter(partner_list_values::org_id.eq(org))
                .filter(partner_list_values::partner_id.eq_any(keys.clone()))
                .order((
                    partner_list_values::partner_id,
                    partner_list_values::field,
                    partner_list_values::position
                ))
                .select((
                    partner_list_values::partner_id,
                    partner_list_values::field,
                    partner_list_values::value
                ))
                .load(c)
                .await)?;
            for id in ids {
                out.entry(*id).or_default().lists = Some(Vec::new());
            }
            for (id, field, value) in rows {
                out.entry(id.0)
                    .or_default()
                    .lists
                    .get_or_insert_with(Vec::new)
                    .push((field, value));
            }
        }
        Relation::Tags => {
            let rows: Vec<(DbUuid, String, String)> = run!(conn, |c| partner_tags::table
                .filter(partner_tags::org_id.eq(org))
                .filter(partner_tags::partner_id.eq_any(keys.clone()))
                .select((
                    partner_tags::partner_id,
                    partner_tags::category,
                    partner_tags::tag
                ))
                .load(c)
                .await)?;
            for id in ids {
                out.entry(*id).or_default().tags = Some(BTreeSet::new());
            }
            for (id, category, tag) in rows {
                let category = TagCategory::parse(&category)
                    .ok_or_else(|| corrupt("tag category", &category))?;
                out.entry(id.0)
                    .or_default()
                    .tags
                    .get_or_insert_with(BTreeSet::new)
                    .insert((category, tag));
            }
        }
        Relation::Stakeholders => {
            let rows: Vec<(DbUuid, String, Option<String>, Option<String>)> =
                run!(conn, |c| partner_stakeholders::table
                    .filter(partner_stakeholders::org_id.eq(org))
                    .filter(partner_stakeholders::partner_id.eq_any(keys.clone()))
                    .order((
                        partner_stakeholders::partner_id,
                        partner_stakeholders::position
                    ))
                    .select((
                        partner_stakeholders::partner_id,
                        partner_stakeholders::name,
                        partner_stakeholders::role,
                        partner_stakeholders::email
                    ))
                    .load(c)
                    .await)?;
            for id in ids {
                out.entry(*id).or_default().stakeholders = Some(Vec::new());
            }
            for (id, name, role, email) in rows {
                let email = email
                    .map(|e| EmailAddress::parse(&e).map_err(|_| corrupt("stakeholder e-mail", &e)))
                    .transpose()?;
                out.entry(id.0)
                    .or_default()
                    .stakeholders
                    .get_or_insert_with(Vec::new)
                    .push(Stakeholder { name, role, email });
            }
        }
        Relation::Strengths => {
            let rows: Vec<(DbUuid, String, Option<String>, Option<i16>)> =
                run!(conn, |c| partner_strengths::table
                    .filter(partner_strengths::org_id.eq(org))
                    .filter(partner_strengths::partner_id.eq_any(keys.clone()))
                    .order((partner_strengths::partner_id, partner_strengths::position))
                    .select((
                        partner_strengths::partner_id,
                        partner_strengths::label,
                        partner_strengths::description,
                        partner_strengths::score
                    ))
                    .load(c)
                    .await)?;
            for id in ids {
                out.entry(*id).or_default().strengths = Some(Vec::new());
            }
            for (id, label, description, s) in rows {
                out.entry(id.0)
                    .or_default()
                    .strengths
                    .get_or_insert_with(Vec::new)
                    .push(KeyStrength {
                        label,
                        description,
                        score: score(s)?,
                    });
            }
        }
        Relation::PlanItems => {
            let rows: Vec<PlanItemRow> = run!(conn, |c| joint_plan_items::table
                .filter(joint_plan_items::org_id.eq(org))
                .filter(joint_plan_items::partner_id.eq_any(keys.clone()))
                .order((joint_plan_items::partner_id, joint_plan_items::position))
                .select((
                    joint_plan_items::partner_id,
                    joint_plan_items::kind,
                    joint_plan_items::name,
                    joint_plan_items::description,
                    joint_plan_items::url
                ))
                .load(c)
                .await)?;
            for id in ids {
                out.entry(*id).or_default().plan_items = Some(Vec::new());
            }
            for (id, kind, name, description, url) in rows {
                let kind = JointPlanItemKind::parse(&kind)
                    .ok_or_else(|| corrupt("joint plan item kind", &kind))?;
                out.entry(id.0)
                    .or_default()
                    .plan_items
                    .get_or_insert_with(Vec::new)
                    .push(JointPlanItem {
                        kind,
                        name,
                        description,
                        url,
                    });
            }
        }
        Relation::Overrides => {
            let rows: Vec<(DbUuid, String)> = run!(conn, |c| partner_overrides::table
                .filter(partner_overrides::org_id.eq(org))
                .filter(partner_overrides::partner_id.eq_any(keys.clone()))
                .select((partner_overrides::partner_id, partner_overrides::field))
                .load(c)
                .await)?;
            for id in ids {
                out.entry(*id).or_default().overrides = Some(BTreeSet::new());
            }
            for (id, field) in rows {
                let field = PartnerField::parse(&field).ok_or_else(|| corrupt("field", &field))?;
                out.entry(id.0)
                    .or_default()
                    .overrides
                    .get_or_insert_with(BTreeSet::new)
                    .insert(field);
            }
        }
    }
    Ok(out)
}

/// Why a write did not happen.
#[derive(Debug)]
pub enum WriteError {
    /// Someone else changed the partner first (`expected_version` is stale).
    Stale,
    /// No such partner in the organisation.
    NotFound,
    /// The database refused it.
    Db(DbError),
}

impl From<diesel::result::Error> for WriteError {
    fn from(error: diesel::result::Error) -> Self {
        WriteError::Db(DbError::from(error))
    }
}

impl From<DbError> for WriteError {
    fn from(error: DbError) -> Self {
        WriteError::Db(error)
    }
}

/// Creates a partner (version 1) with its audit entry.
pub async fn create(conn: &mut Conn, partner: &Partner, entry: &AuditEntry) -> Result<(), DbError> {
    write(conn, partner, None, entry)
        .await
        .map_err(|e| match e {
            WriteError::Db(db) => db,
            other => DbError::Corrupt(format!("unexpected {other:?} creating a partner")),
        })
}

/// The rows of partner `$p` in every table it is stored in, as diesel values: `(core, insights,
/// joint plan, list values, tags, stakeholders, strengths, plan items, overrides)`. The core
/// values leave out the keys and `created_at`, which only an insert sets.
macro_rules! partner_rows {
    ($p:expr) => {{
        let p: &Partner = $p;
        let (org, pid) = (DbUuid(p.org_id), DbUuid(p.id));
        let values = (
            partners::external_id.eq(p.external_id.clone()),
            partners::name.eq(p.name.clone()),
            partners::domain.eq(p.domain.clone()),
            partners::logo_url.eq(p.logo_url.clone()),
            partners::industry.eq(p.industry.clone()),
            partners::description.eq(p.description.clone()),
            partners::employees.eq(p.employees),
            partners::company_revenue_minor.eq(p.company_revenue.map(|m| m.minor())),
            partners::company_revenue_currency
                .eq(p.company_revenue.map(|m| m.currency().code().to_owned())),
            partners::partner_type.eq(p.partner_type.as_str()),
            partners::subtype.eq(p.subtype.clone()),
            partners::category.eq(p.category.map(PartnerCategory::as_str)),
            partners::tier_id.eq(p.tier_id.map(DbUuid)),
            partners::tier_source.eq(p.tier_source.map(TierSource::as_str)),
            partners::tier_evaluated_at.eq(p.tier_evaluated_at.map(DbTimestamp)),
            partners::status.eq(p.status.as_str()),
            partners::stage.eq(p.stage.as_str()),
            partners::partner_manager_id.eq(p.partner_manager_id.map(DbUuid)),
            partners::primary_contact_id.eq(p.primary_contact_id.map(DbUuid)),
            partners::joint_value_proposition.eq(p.joint_value_proposition.clone()),
            partners::executive_summary.eq(p.executive_summary.clone()),
            partners::version.eq(p.version),
            partners::archived_at.eq(p.archived_at.map(DbTimestamp)),
            partners::updated_at.eq(DbTimestamp(p.updated_at)),
        );
        let insights = (
            partner_insights::fit_score.eq(small(p.insights.fit_score)),
            partner_insights::health_score.eq(small(p.insights.health_score)),
            partner_insights::capacity_score.eq(small(p.insights.capacity)),
            partner_insights::capability_score.eq(small(p.insights.capability)),
            partner_insights::commitment_score.eq(small(p.insights.commitment)),
            partner_insights::customer_alignment_score.eq(small(p.insights.customer_alignment)),
            partner_insights::ai_summary.eq(p.insights.ai_summary.clone()),
            partner_insights::analyzed_at.eq(p.insights.analyzed_at.map(DbTimestamp)),
            partner_insights::capacity_rationale.eq(p.insights.four_c_rationales.capacity.clone()),
            partner_insights::capability_rationale.eq(p
                .insights
                .four_c_rationales
                .capability
                .clone()),
            partner_insights::commitment_rationale.eq(p
                .insights
                .four_c_rationales
                .commitment
                .clone()),
            partner_insights::customer_alignment_rationale.eq(p
                .insights
                .four_c_rationales
                .customer_alignment
                .clone()),
        );
        let weights = p.joint_plan.quarterly_weights;
        let plan = (
            partner_joint_plans::currency.eq(p.joint_plan.currency.code().to_owned()),
            partner_joint_plans::annual_revenue_target_minor
                .eq(p.joint_plan.annual_revenue_target.map(|m| m.minor())),
            partner_joint_plans::q1_weight.eq(weights.map(|w| i16::from(w.q1))),
            partner_joint_plans::q2_weight.eq(weights.map(|w| i16::from(w.q2))),
            partner_joint_plans::q3_weight.eq(weights.map(|w| i16::from(w.q3))),
            partner_joint_plans::q4_weight.eq(weights.map(|w| i16::from(w.q4))),
        );
        let lists: Vec<_> = [
            (ListField::Regions, &p.regions),
            (ListField::Languages, &p.languages),
            (ListField::Services, &p.services),
            (ListField::Products, &p.products),
        ]
        .into_iter()
        .flat_map(|(field, values)| {
            values.iter().enumerate().map(move |(i, value)| {
                (
                    partner_list_values::org_id.eq(org),
                    partner_list_values::partner_id.eq(pid),
                    partner_list_values::field.eq(field.as_str()),
                    partner_list_values::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                    partner_list_values::value.eq(value.clone()),
                )
            })
        })
        .collect();
        let tags: Vec<_> = p
            .tags
            .iter()
            .map(|(category, tag)| {
                (
                    partner_tags::org_id.eq(org),
                    partner_tags::partner_id.eq(pid),
                    partner_tags::category.eq(category.as_str()),
                    partner_tags::tag.eq(tag.clone()),
                )
            })
            .collect();
        let stakeholders: Vec<_> = p
            .key_stakeholders
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    partner_stakeholders::org_id.eq(org),
                    partner_stakeholders::partner_id.eq(pid),
                    partner_stakeholders::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                    partner_stakeholders::name.eq(s.name.clone()),
                    partner_stakeholders::role.eq(s.role.clone()),
                    partner_stakeholders::email.eq(s.email.as_ref().map(|e| e.as_str())),
                )
            })
            .collect();
        let strengths: Vec<_> = p
            .insights
            .key_strengths
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    partner_strengths::org_id.eq(org),
                    partner_strengths::partner_id.eq(pid),
                    partner_strengths::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                    partner_strengths::label.eq(s.label.clone()),
                    partner_strengths::description.eq(s.description.clone()),
                    partner_strengths::score.eq(small(s.score)),
                    partner_strengths::label_key.eq(s.key()),
                )
            })
            .collect();
        let items: Vec<_> = p
            .joint_plan
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                (
                    joint_plan_items::org_id.eq(org),
                    joint_plan_items::partner_id.eq(pid),
                    joint_plan_items::position.eq(i32::try_from(i).unwrap_or(i32::MAX)),
                    joint_plan_items::kind.eq(item.kind.as_str()),
                    joint_plan_items::name.eq(item.name.clone()),
                    joint_plan_items::description.eq(item.description.clone()),
                    joint_plan_items::url.eq(item.url.clone()),
                )
            })
            .collect();
        let overrides: Vec<_> = p
            .overridden_fields
            .iter()
            .map(|f| {
                (
                    partner_overrides::org_id.eq(org),
                    partner_overrides::partner_id.eq(pid),
                    partner_overrides::field.eq(f.as_str()),
                )
            })
            .collect();
        (
            values,
            insights,
            plan,
            lists,
            tags,
            stakeholders,
            strengths,
            items,
            overrides,
        )
    }};
}

/// Partners per transaction of [`insert_bulk`]; a multi-row insert binds every column of every
/// row, and PostgreSQL takes at most 65,535 parameters a statement.
const BULK_CHUNK: usize = 500;

/// Creates many partners (version 1) with their audit entries and empty rollups, for seeding
/// and benchmarks: on PostgreSQL one multi-row insert per table for every 500 partners, in
/// one transaction; on SQLite, as [`create`] does, one transaction per partner.
pub async fn insert_bulk(conn: &mut Conn, new: &[(Partner, AuditEntry)]) -> Result<(), DbError> {
    for chunk in new.chunks(BULK_CHUNK) {
        let c: &mut diesel_async::AsyncPgConnection = match conn {
            Conn::Postgres(c) => c,
            Conn::Sqlite(_) => {
                for (partner, entry) in chunk {
                    create(conn, partner, entry).await?;
                }
                continue;
            }
        };
        let (mut core, mut insights, mut plans, mut ids) = (vec![], vec![], vec![], vec![]);
        let (mut lists, mut tags, mut stakeholders, mut strengths, mut items, mut overrides) =
            (vec![], vec![], vec![], vec![], vec![], vec![]);
        let mut entries = Vec::with_capacity(chunk.len());
        for (p, entry) in chunk {
            let (org, pid) = (DbUuid(p.org_id), DbUuid(p.id));
            let rows = partner_rows!(p);
            core.push((
                partners::org_id.eq(org),
                partners::id.eq(pid),
                partners::created_at.eq(DbTimestamp(p.created_at)),
                rows.0,
            ));
            insights.push((
                partner_insights::org_id.eq(org),
                partner_insights::partner_id.eq(pid),
                rows.1,
            ));
            plans.push((
                partner_joint_plans::org_id.eq(org),
                partner_joint_plans::partner_id.eq(pid),
                rows.2,
            ));
            lists.extend(rows.3);
            tags.extend(rows.4);
            stakeholders.extend(rows.5);
            strengths.extend(rows.6);
            items.extend(rows.7);
            overrides.extend(rows.8);
            entries.push(audit::values(entry));
            ids.push((org, pid));
        }
        c.transaction(async |c| {
            diesel::insert_into(partners::table)
                .values(core)
                .execute(c)
                .await?;
            diesel::insert_into(partner_insights::table)
                .values(insights)
                .execute(c)
                .await?;
            diesel::insert_into(partner_joint_plans::table)
                .values(plans)
                .execute(c)
                .await?;
            macro_rules! insert_rows {
                ($($rows:ident => $table:ident),+) => {$(
                    if !$rows.is_empty() {
                        diesel::insert_into($table::table).values($rows).execute(c).await?;
                    }
                )+};
            }
            insert_rows!(
                lists => partner_list_values,
                tags => partner_tags,
                stakeholders => partner_stakeholders,
                strengths => partner_strengths,
                items => joint_plan_items,
                overrides => partner_overrides
            );
            // Rollups per organisation in the chunk (a seed has one).
            let orgs: BTreeSet<DbUuid> = ids.iter().map(|(org, _)| *org).collect();
            for org in orgs {
                let of_org: Vec<DbUuid> = ids
                    .iter()
                    .filter(|(o, _)| *o == org)
                    .map(|(_, id)| *id)
                    .collect();
                refresh_financials!(c, org, of_org);
            }
            diesel::insert_into(crate::schema::audit_entries::table)
                .values(entries)
                .execute(c)
                .await?;
            Ok::<_, diesel::result::Error>(())
        })
        .await?;
    }
    Ok(())
}

/// Replaces a partner's stored state with `partner` if its version is still
/// `expected_version`; `partner.version` must be `expected_version + 1`.
pub async fn update(
    conn: &mut Conn,
    partner: &Partner,
    expected_version: i64,
    entry: &AuditEntry,
) -> Result<(), WriteError> {
    write(conn, partner, Some(expected_version), entry).await
}

/// Deletes a partner and everything it holds; `false` if it does not exist.
pub async fn delete(
    conn: &mut Conn,
    org_id: Uuid,
    id: Uuid,
    entry: &AuditEntry,
) -> Result<bool, DbError> {
    let delete = diesel::delete(
        partners::table
            .filter(partners::org_id.eq(DbUuid(org_id)))
            .filter(partners::id.eq(DbUuid(id))),
    );
    let insert_entry = audit::insert_statement(entry);
    Ok(run!(conn, |c| c
        .transaction(async |c| {
            if delete.execute(c).await? == 0 {
                return Ok::<_, diesel::result::Error>(false);
            }
            insert_entry.execute(c).await?;
            Ok(true)
        })
        .await)?)
}

/// One transaction: the core row (insert, or update guarded by version), the 1:1 rows, and
/// every list replaced, plus the audit entry.
async fn write(
    conn: &mut Conn,
    p: &Partner,
    expected_version: Option<i64>,
    entry: &AuditEntry,
) -> Result<(), WriteError> {
    let (org, pid) = (DbUuid(p.org_id), DbUuid(p.id));
    let (values, insights, plan, lists, tags, stakeholders, strengths, items, overrides) =
        partner_rows!(p);
    let created_at = DbTimestamp(p.created_at);
    let insert_entry = audit::insert_statement(entry);
    run!(conn, |c| {
        c
        .transaction(async |c| {
            match expected_version {
                None => {
                    diesel::insert_into(partners::table)
                        .values((
                            partners::org_id.eq(org),
                            partners::id.eq(pid),
                            partners::created_at.eq(created_at),
                            values,
                        ))
                        .execute(c)
                        .await?;
                    diesel::insert_into(partner_insights::table)
                        .values((
                            partner_insights::org_id.eq(org),
                            partner_insights::partner_id.eq(pid),
                            insights,
                        ))
                        .execute(c)
                        .await?;
                    diesel::insert_into(partner_joint_plans::table)
                        .values((
                            partner_joint_plans::org_id.eq(org),
                            partner_joint_plans::partner_id.eq(pid),
                            plan,
                        ))
                        .execute(c)
                        .await?;
                    refresh_financials!(c, org, vec![pid]);
                }
                Some(expected) => {
                    let updated = diesel::update(
                        partners::table
                            .filter(partners::org_id.eq(org))
                            .filter(partners::id.eq(pid))
                            .filter(partners::version.eq(expected)),
                    )
                    .set(values)
                    .execute(c)
                    .await?;
                    if updated == 0 {
                        let exists: bool = diesel::select(diesel::dsl::exists(
                            partners::table
                                .filter(partners::org_id.eq(org))
                                .filter(partners::id.eq(pid)),
                        ))
                        .get_result(c)
                        .await?;
                        return Err(if exists {
                            WriteError::Stale
                        } else {
                            WriteError::NotFound
                        });
                    }
                    diesel::update(
                        partner_insights::table
                            .filter(partner_insights::org_id.eq(org))
                            .filter(partner_insights::partner_id.eq(pid)),
                    )
                    .set(insights)
                    .execute(c)
                    .await?;
                    diesel::update(
                        partner_joint_plans::table
                            .filter(partner_joint_plans::org_id.eq(org))
                            .filter(partner_joint_plans::partner_id.eq(pid)),
                    )
                    .set(plan)
                    .execute(c)
                    .await?;
                    // The lists are replaced whole: clear them, then insert below.
                    macro_rules! clear {
                        ($($table:ident),+) => {$(
                            diesel::delete($table::table.filter($table::org_id.eq(org)).filter($table::partner_id.eq(pid)))
                                .execute(c)
                                .await?;
                        )+};
                    }
                    clear!(
                        partner_list_values,
                        partner_tags,
                        partner_stakeholders,
                        partner_strengths,
                        joint_plan_items,
                        partner_overrides
                    );
                }
            }
            // Row by row: SQLite through diesel-async cannot take multi-row inserts.
            macro_rules! insert_rows {
                ($($rows:ident => $table:ident),+) => {$(
                    for row in &$rows {
                        diesel::insert_into($table::table).values(row.clone()).execute(c).await?;
                    }
                )+};
            }
            insert_rows!(
                lists => partner_list_values,
                tags => partner_tags,
                stakeholders => partner_stakeholders,
                strengths => partner_strengths,
                items => joint_plan_items,
                overrides => partner_overrides
            );
            insert_entry.execute(c).await?;
            Ok(())
        })
        .await
    })
}

/// Which partner holds an external id or a domain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyOwners {
    /// External id → partner.
    pub by_external_id: HashMap<String, Uuid>,
    /// Normalised domain → partner.
    pub by_domain: HashMap<String, Uuid>,
}

/// The partners of the organisation that hold any of `external_ids` or `domains`, in one
/// statement (imports match and check uniqueness with it before writing anything).
pub async fn key_owners(
    conn: &mut Conn,
    org_id: Uuid,
    external_ids: &[String],
    domains: &[String],
) -> Result<KeyOwners, DbError> {
    let mut owners = KeyOwners::default();
    if external_ids.is_empty() && domains.is_empty() {
        return Ok(owners);
    }
    let (external_ids, domains) = (external_ids.to_vec(), domains.to_vec());
    let rows: Vec<(DbUuid, Option<String>, Option<String>)> = run!(conn, |c| partners::table
        .filter(partners::org_id.eq(DbUuid(org_id)))
        .filter(
            partners::external_id
                .eq_any(external_ids.clone())
                .or(partners::domain.eq_any(domains.clone()))
        )
        .select((partners::id, partners::external_id, partners::domain))
        .load(c)
        .await)?;
    for (id, external_id, domain) in rows {
        if let Some(external_id) = external_id {
            owners.by_external_id.insert(external_id, id.0);
        }
        if let Some(domain) = domain {
            owners.by_domain.insert(domain, id.0);
        }
    }
    Ok(owners)
}

/// Whole partners (core and every relation) by id: one statement for the cores and one per
/// relation kind, however many ids.
pub async fn load_many(
    conn: &mut Conn,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Partner>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut cores = cores_by_ids(conn, org_id, ids).await?;
    for (id, relations) in relations_for(conn, org_id, ids).await? {
        if let Some(partner) = cores.get_mut(&id) {
            relations.apply_to(partner);
        }
    }
    Ok(cores)
}

/// Whether another partner of the organisation already has `domain`.
pub async fn domain_taken(
    conn: &mut Conn,
    org_id: Uuid,
    domain: &str,
    except: Option<Uuid>,
) -> Result<bool, DbError> {
    let rows: Vec<DbUuid> = run!(conn, |c| partners::table
        .filter(partners::org_id.eq(DbUuid(org_id)))
        .filter(partners::domain.eq(domain.to_owned()))
        .select(partners::id)
        .load(c)
        .await)?;
    Ok(rows.iter().any(|id| Some(id.0) != except))
}
