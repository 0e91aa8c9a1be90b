//! The partners table: stacked filters (AND across fields, OR within one field's list) and
//! sorting by one field with the id as tie-break, paged by stable keyset cursors.
//!
//! Nullable sort keys sort through `coalesce(…, -1)` so that NULLs order the same on both
//! backends; the stage sorts by lifecycle position. The tier sorts by rank: the held tier's
//! `sort_order` (lower is higher prestige, so ascending lists the most prestigious first),
//! untiered partners as [`UNTIERED_RANK`] (last ascending, first descending).

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, SmallInt, Text};
use diesel_async::RunQueryDsl;
use partnergraph_domain::partners::{
    ListField, PartnerCategory, PartnerStage, PartnerStatus, PartnerType, TagCategory,
};
use uuid::Uuid;

use crate::db::Conn;
use crate::deals::FinancialsRow;
use crate::error::DbError;
use crate::partner_contacts::{Contact, ContactRow};
use crate::partners::{InsightsRow, JointPlanRow, Partner, PartnerRow, core_from};
use crate::run;
use crate::schema::{
    partner_contacts, partner_financials, partner_insights, partner_joint_plans,
    partner_list_values, partner_tags, partners, program_tiers,
};
use crate::types::{DbTimestamp, DbUuid};

diesel::define_sql_function! {
    /// `lower(text)`.
    fn lower(x: Text) -> Text;
}

diesel::define_sql_function! {
    /// `coalesce(nullable text, text)`.
    #[sql_name = "coalesce"]
    fn coalesce_text(x: Nullable<Text>, y: Text) -> Text;
}

diesel::define_sql_function! {
    /// `coalesce(nullable smallint, smallint)`.
    #[sql_name = "coalesce"]
    fn coalesce_small(x: Nullable<SmallInt>, y: SmallInt) -> SmallInt;
}

diesel::define_sql_function! {
    /// `coalesce(nullable integer, integer)`.
    #[sql_name = "coalesce"]
    fn coalesce_int(x: Nullable<Integer>, y: Integer) -> Integer;
}

diesel::define_sql_function! {
    /// `coalesce(nullable bigint, bigint)`.
    #[sql_name = "coalesce"]
    fn coalesce_big(x: Nullable<BigInt>, y: BigInt) -> BigInt;
}

/// An inclusive numeric range; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    /// At least.
    pub gte: Option<i64>,
    /// At most.
    pub lte: Option<i64>,
}

/// Which partners to list.
#[derive(Debug, Clone, Default)]
pub struct PartnerFilter {
    /// Any of these types.
    pub types: Vec<PartnerType>,
    /// Any of these subtypes (exact).
    pub subtypes: Vec<String>,
    /// Any of these categories.
    pub categories: Vec<PartnerCategory>,
    /// Any of these stages.
    pub stages: Vec<PartnerStage>,
    /// Any of these statuses.
    pub statuses: Vec<PartnerStatus>,
    /// Per category, any of the tags (categories AND-ed).
    pub tags: Vec<(TagCategory, Vec<String>)>,
    /// Any of these partner managers.
    pub partner_managers: Vec<Uuid>,
    /// Holding any of these tiers (another organisation's tier matches no partner).
    pub tiers: Vec<Uuid>,
    /// Holding no tier. Given with `tiers`, the two combine with OR: the listed tiers or none.
    pub without_tier: bool,
    /// Covers any of these regions.
    pub regions: Vec<String>,
    /// Any of these industries (exact).
    pub industries: Vec<String>,
    /// Case-insensitive substring of the name or domain.
    pub search: Option<String>,
    /// Fit score range (partners without a score never match a range).
    pub fit_score: Range,
    /// Health score range.
    pub health_score: Range,
    /// Headcount range.
    pub employees: Range,
    /// Pipeline range, in minor units of the organisation's deal currency.
    pub pipeline: Range,
    /// Revenue range, in minor units of the organisation's deal currency.
    pub revenue: Range,
    /// Include archived partners.
    pub include_archived: bool,
}

/// Sortable fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    /// Name.
    Name,
    /// Type (by its code).
    Type,
    /// Lifecycle stage (by lifecycle position).
    Stage,
    /// Tier rank: the tier's sort order (most prestigious first ascending; untiered last).
    Tier,
    /// Fit score (unscored last ascending).
    FitScore,
    /// Health score.
    HealthScore,
    /// Headcount.
    Employees,
    /// Pipeline (open deal amounts).
    Pipeline,
    /// Revenue (won deal amounts).
    Revenue,
    /// Creation time.
    CreatedAt,
    /// Last change.
    UpdatedAt,
}

/// A sort key value, as kept in cursors.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum SortValue {
    /// Integer keys (stage position, scores, headcount).
    Int(i64),
    /// Times.
    Time(DateTime<Utc>),
    /// Text keys.
    Text(String),
}

/// The SQL for a stage's lifecycle position, mirrored by [`stage_position`].
fn stage_position_sql() -> String {
    let arms: String = PartnerStage::ALL
        .iter()
        .enumerate()
        .map(|(i, stage)| format!(" when '{}' then {i}", stage.as_str()))
        .collect();
    format!("(case partners.stage{arms} else 99 end)")
}

/// The tier rank of untiered partners: after every tier ascending (and before every tier
/// descending). Tier sort orders are unbounded `i32`s, so this is the largest one: only a tier
/// ranked `i32::MAX` would tie with no tier (and ties still break by id, so cursors hold).
pub const UNTIERED_RANK: i32 = i32::MAX;

/// A stage's lifecycle position.
pub fn stage_position(stage: PartnerStage) -> i64 {
    PartnerStage::ALL
        .iter()
        .position(|s| *s == stage)
        .map_or(99, |i| i as i64)
}

/// The value of `field` for `partner`, equal to what the database sorts by. `tier_rank` is the
/// `sort_order` of the partner's tier (`None` when untiered), as [`Listed::tier_rank`] carries
/// it; only [`SortField::Tier`] reads it.
pub fn sort_value(partner: &Partner, tier_rank: Option<i32>, field: SortField) -> SortValue {
    let score =
        |s: Option<partnergraph_domain::partners::Score>| s.map_or(-1, |s| i64::from(s.value()));
    match field {
        SortField::Name => SortValue::Text(partner.name.clone()),
        SortField::Type => SortValue::Text(partner.partner_type.as_str().to_owned()),
        SortField::Stage => SortValue::Int(stage_position(partner.stage)),
        SortField::Tier => SortValue::Int(i64::from(tier_rank.unwrap_or(UNTIERED_RANK))),
        SortField::FitScore => SortValue::Int(score(partner.insights.fit_score)),
        SortField::HealthScore => SortValue::Int(score(partner.insights.health_score)),
        SortField::Employees => SortValue::Int(partner.employees.unwrap_or(-1)),
        SortField::Pipeline => SortValue::Int(partner.financials.pipeline.minor()),
        SortField::Revenue => SortValue::Int(partner.financials.revenue.minor()),
        SortField::CreatedAt => SortValue::Time(partner.created_at),
        SortField::UpdatedAt => SortValue::Time(partner.updated_at),
    }
}

/// Where a page starts and ends, in the user's sort order.
#[derive(Debug, Clone)]
pub struct Seek {
    /// The sort.
    pub field: SortField,
    /// Descending order.
    pub descending: bool,
    /// Rows strictly after this key.
    pub after: Option<(SortValue, Uuid)>,
    /// Rows strictly before this key.
    pub before: Option<(SortValue, Uuid)>,
    /// Reading backwards (`last`): fetch in reverse order.
    pub backward: bool,
    /// Rows to fetch.
    pub limit: i64,
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    escaped.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped.push('%');
    escaped
}

/// Applies every filter to a boxed query over `partners` left-joined with `partner_insights`.
macro_rules! filtered {
    ($query:expr, $org:expr, $f:expr) => {{
        let f: &PartnerFilter = $f;
        let org: DbUuid = $org;
        let mut query = $query.filter(partners::org_id.eq(org));
        if !f.include_archived {
            query = query.filter(partners::archived_at.is_null());
        }
        if !f.types.is_empty() {
            query = query.filter(
                partners::partner_type
                    .eq_any(f.types.iter().map(|t| t.as_str()).collect::<Vec<_>>()),
            );
        }
        if !f.subtypes.is_empty() {
            query = query.filter(partners::subtype.eq_any(f.subtypes.clone()));
        }
        if !f.categories.is_empty() {
            query = query.filter(
                partners::category
                    .eq_any(f.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>()),
            );
        }
        if !f.stages.is_empty() {
            query = query.filter(
                partners::stage.eq_any(f.stages.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            );
        }
        if !f.statuses.is_empty() {
            query = query.filter(
                partners::status.eq_any(f.statuses.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
            );
        }
        if !f.industries.is_empty() {
            query = query.filter(partners::industry.eq_any(f.industries.clone()));
        }
        match (f.tiers.is_empty(), f.without_tier) {
            (true, false) => {}
            (true, true) => query = query.filter(partners::tier_id.is_null()),
            (false, without_tier) => {
                let tiers: Vec<DbUuid> = f.tiers.iter().copied().map(DbUuid).collect();
                query = if without_tier {
                    query.filter(
                        partners::tier_id
                            .eq_any(tiers)
                            .or(partners::tier_id.is_null()),
                    )
                } else {
                    query.filter(partners::tier_id.eq_any(tiers))
                };
            }
        }
        if !f.partner_managers.is_empty() {
            query = query.filter(
                partners::partner_manager_id.eq_any(
                    f.partner_managers
                        .iter()
                        .copied()
                        .map(DbUuid)
                        .collect::<Vec<_>>(),
                ),
            );
        }
        for (category, values) in &f.tags {
            query = query.filter(
                partners::id.eq_any(
                    partner_tags::table
                        .filter(partner_tags::org_id.eq(org))
                        .filter(partner_tags::category.eq(category.as_str()))
                        .filter(partner_tags::tag.eq_any(values.clone()))
                        .select(partner_tags::partner_id),
                ),
            );
        }
        if !f.regions.is_empty() {
            query = query.filter(
                partners::id.eq_any(
                    partner_list_values::table
                        .filter(partner_list_values::org_id.eq(org))
                        .filter(partner_list_values::field.eq(ListField::Regions.as_str()))
                        .filter(partner_list_values::value.eq_any(f.regions.clone()))
                        .select(partner_list_values::partner_id),
                ),
            );
        }
        if let Some(search) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let pattern = escape_like(search);
            query = query.filter(
                lower(partners::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(coalesce_text(partners::domain, ""))
                        .like(pattern)
                        .escape('\\')),
            );
        }
        for (column, range) in [(0, f.fit_score), (1, f.health_score)] {
            let score = |v: i64| i16::try_from(v.clamp(-1, 101)).unwrap_or(-1);
            if let Some(gte) = range.gte {
                query = if column == 0 {
                    query.filter(partner_insights::fit_score.ge(score(gte)))
                } else {
                    query.filter(partner_insights::health_score.ge(score(gte)))
                };
            }
            if let Some(lte) = range.lte {
                query = if column == 0 {
                    query.filter(partner_insights::fit_score.le(score(lte)))
                } else {
                    query.filter(partner_insights::health_score.le(score(lte)))
                };
            }
        }
        if let Some(gte) = f.employees.gte {
            query = query.filter(partners::employees.ge(gte));
        }
        if let Some(lte) = f.employees.lte {
            query = query.filter(partners::employees.le(lte));
        }
        if let Some(gte) = f.pipeline.gte {
            query = query.filter(partner_financials::pipeline_minor.ge(gte));
        }
        if let Some(lte) = f.pipeline.lte {
            query = query.filter(partner_financials::pipeline_minor.le(lte));
        }
        if let Some(gte) = f.revenue.gte {
            query = query.filter(partner_financials::revenue_minor.ge(gte));
        }
        if let Some(lte) = f.revenue.lte {
            query = query.filter(partner_financials::revenue_minor.le(lte));
        }
        query
    }};
}

/// Orders by `$expr` then id, and applies the after/before keys, in the user's order.
macro_rules! sought {
    ($query:expr, $expr:expr, $seek:expr, $value:ident => $bind:expr) => {{
        let seek: &Seek = $seek;
        let mut query = $query;
        // `after` keeps rows later in the user's order, `before` rows earlier.
        for (key, later) in [(&seek.after, true), (&seek.before, false)] {
            if let Some((value, id)) = key {
                let $value = value;
                let bound = $bind;
                let id = DbUuid(*id);
                // later & ascending, or earlier & descending: greater keys.
                query = if later != seek.descending {
                    query.filter(
                        $expr
                            .gt(bound.clone())
                            .or($expr.eq(bound).and(partners::id.gt(id))),
                    )
                } else {
                    query.filter(
                        $expr
                            .lt(bound.clone())
                            .or($expr.eq(bound).and(partners::id.lt(id))),
                    )
                };
            }
        }
        if seek.descending != seek.backward {
            query
                .order(($expr.desc(), partners::id.desc()))
                .limit(seek.limit)
        } else {
            query
                .order(($expr.asc(), partners::id.asc()))
                .limit(seek.limit)
        }
    }};
}

fn int(value: &SortValue) -> i64 {
    match value {
        SortValue::Int(v) => *v,
        _ => i64::MIN,
    }
}

fn text(value: &SortValue) -> String {
    match value {
        SortValue::Text(v) => v.clone(),
        _ => String::new(),
    }
}

fn time(value: &SortValue) -> DbTimestamp {
    match value {
        SortValue::Time(v) => DbTimestamp(*v),
        _ => DbTimestamp(DateTime::<Utc>::MIN_UTC),
    }
}

type Row = (
    PartnerRow,
    Option<InsightsRow>,
    Option<JointPlanRow>,
    FinancialsRow,
    Option<ContactRow>,
    Option<crate::program::TierRow>,
);

/// A partner as the table lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The partner (relations not loaded).
    pub partner: Partner,
    /// Its primary contact, when [`Including::primary_contact`] asked for it.
    pub primary_contact: Option<Contact>,
    /// The `sort_order` of the tier it holds (`None` when untiered): what [`SortField::Tier`]
    /// sorts by, read in the page statement so that [`sort_value`] needs no statement of its own.
    pub tier_rank: Option<i32>,
    /// The tier it holds, read in the same statement (so a page shows tiers at no extra cost).
    pub tier: Option<partnergraph_domain::program::Tier>,
}

/// What a page of the partners table loads besides the partners.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Including {
    /// The filtered total (one more statement; 0 otherwise).
    pub total: bool,
    /// Each partner's primary contact, joined into the page statement (a primary-key lookup
    /// per row, so it costs no statement of its own; not joined when not asked for).
    pub primary_contact: bool,
}

/// One page of the partners table (one statement), each partner with its tier rank and its
/// primary contact when `including.primary_contact`, and the filtered total when
/// `including.total` (0 otherwise).
pub async fn list(
    conn: &mut Conn,
    org_id: Uuid,
    filter: &PartnerFilter,
    seek: &Seek,
    including: Including,
) -> Result<(Vec<Listed>, i64), DbError> {
    let org = DbUuid(org_id);
    let with_contact = including.primary_contact;
    let stage = stage_position_sql();
    let rows: Vec<Row> = run!(conn, |c| {
        let base = partners::table
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
            .left_join(
                partner_contacts::table.on(partner_contacts::org_id
                    .eq(partners::org_id)
                    .and(
                        partner_contacts::id
                            .nullable()
                            .eq(partners::primary_contact_id),
                    )
                    .and(with_contact.into_sql::<diesel::sql_types::Bool>())),
            )
            // A primary-key lookup per row: the tier's rank, to sort by and to build cursors.
            .left_join(
                program_tiers::table.on(program_tiers::org_id
                    .eq(partners::org_id)
                    .and(program_tiers::id.nullable().eq(partners::tier_id))),
            )
            .select((
                PartnerRow::as_select(),
                Option::<InsightsRow>::as_select(),
                Option::<JointPlanRow>::as_select(),
                FinancialsRow::as_select(),
                Option::<ContactRow>::as_select(),
                Option::<crate::program::TierRow>::as_select(),
            ))
            .into_boxed();
        let query = filtered!(base, org, filter);
        match seek.field {
            SortField::Name => sought!(query, partners::name, seek, v => text(v)).load(c).await,
            SortField::Type => sought!(query, partners::partner_type, seek, v => text(v)).load(c).await,
            SortField::Stage => sought!(query, sql::<Integer>(&stage), seek, v => i32::try_from(int(v)).unwrap_or(99)).load(c).await,
            SortField::Tier => {
                sought!(query, coalesce_int(program_tiers::sort_order.nullable(), UNTIERED_RANK), seek, v => i32::try_from(int(v)).unwrap_or(UNTIERED_RANK)).load(c).await
            }
            SortField::FitScore => {
                sought!(query, coalesce_small(partner_insights::fit_score, -1), seek, v => i16::try_from(int(v)).unwrap_or(-1)).load(c).await
            }
            SortField::HealthScore => {
                sought!(query, coalesce_small(partner_insights::health_score, -1), seek, v => i16::try_from(int(v)).unwrap_or(-1)).load(c).await
            }
            SortField::Employees => sought!(query, coalesce_big(partners::employees, -1_i64), seek, v => int(v)).load(c).await,
            SortField::Pipeline => sought!(query, partner_financials::pipeline_minor, seek, v => int(v)).load(c).await,
            SortField::Revenue => sought!(query, partner_financials::revenue_minor, seek, v => int(v)).load(c).await,
            SortField::CreatedAt => sought!(query, partners::created_at, seek, v => time(v)).load(c).await,
            SortField::UpdatedAt => sought!(query, partners::updated_at, seek, v => time(v)).load(c).await,
        }
    })?;
    let total: i64 = if including.total {
        run!(conn, |c| {
            let base = partners::table
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
                .count()
                .into_boxed();
            filtered!(base, org, filter).get_result(c).await
        })?
    } else {
        0
    };
    let partners = rows
        .into_iter()
        .map(|(row, insights, plan, financials, contact, tier)| {
            let tier = tier
                .map(partnergraph_domain::program::Tier::try_from)
                .transpose()?;
            Ok(Listed {
                partner: core_from(row, insights, plan, financials)?,
                primary_contact: contact.map(Contact::try_from).transpose()?,
                tier_rank: tier.as_ref().map(|t| t.sort_order),
                tier,
            })
        })
        .collect::<Result<_, DbError>>()?;
    Ok((partners, total))
}

/// The rank (`sort_order`) of the organisation's tier `tier_id`, for a partner read outside
/// [`list`]; `None` for no tier or a tier that is gone (no statement for no tier).
pub async fn tier_rank(
    conn: &mut Conn,
    org_id: Uuid,
    tier_id: Option<Uuid>,
) -> Result<Option<i32>, DbError> {
    let Some(tier_id) = tier_id else {
        return Ok(None);
    };
    let query = program_tiers::table
        .filter(program_tiers::org_id.eq(DbUuid(org_id)))
        .filter(program_tiers::id.eq(DbUuid(tier_id)))
        .select(program_tiers::sort_order);
    Ok(run!(conn, |c| query.get_result::<i32>(c).await.optional())?)
}

/// Tags of the organisation in `category` among `values` that exist (to refuse filters on
/// unknown tags).
pub async fn known_tags(
    conn: &mut Conn,
    org_id: Uuid,
    category: TagCategory,
    values: &[String],
) -> Result<Vec<String>, DbError> {
    let query = partner_tags::table
        .filter(partner_tags::org_id.eq(DbUuid(org_id)))
        .filter(partner_tags::category.eq(category.as_str()))
        .filter(partner_tags::tag.eq_any(values.to_vec()))
        .select(partner_tags::tag)
        .distinct();
    Ok(run!(conn, |c| query.load::<String>(c).await)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards_and_lower_case() {
        assert_eq!(escape_like("A_b%C"), "%a\\_b\\%c%");
    }

    #[test]
    fn stage_positions_follow_the_lifecycle() {
        assert!(stage_position(PartnerStage::Prospect) < stage_position(PartnerStage::Signed));
        assert!(stage_position_sql().contains("'legal_negotiation' then"));
    }

    #[test]
    fn sort_values_round_trip_through_json() {
        for value in [
            SortValue::Int(-1),
            SortValue::Text("Acme".into()),
            SortValue::Time(Utc::now()),
        ] {
            let json = serde_json::to_string(&value).expect("json");
            assert_eq!(
                serde_json::from_str::<SortValue>(&json).expect("back"),
                value
            );
        }
    }
}
