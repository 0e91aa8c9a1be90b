//! The Intelligence dashboards: one aggregate statement per tile over the partners in scope.
//!
//! Every tile reads `partner_facts`: one narrow row per partner holding what the tiles
//! aggregate (profile columns, the deal rollups, the joint-plan target, the AI scores), which
//! triggers copy from `partners`, `partner_financials`, `partner_insights` and
//! `partner_joint_plans` in the transaction that writes them (decision record 0005). A tile
//! therefore scans one narrow table, never the wide partners table or the deals, and is
//! exact after every committed write. Archived partners are excluded, as in the partners
//! table. The executive dashboard's scope may narrow to the partners of a segment
//! (`partner_segments`) and to the holders of a tier; the filter is part of each statement.
//! Sums are cast to `bigint` because PostgreSQL sums bigints into numerics.
//!
//! The areas-to-address tile is the named exception to diesel expressions: it unions an
//! aggregate and an ordered, limited read per 4C dimension, which diesel's DSL cannot
//! express. Its SQL is written once, in the subset both engines share, and binds its values
//! as `$1`, `$2`, … (PostgreSQL's positional parameters are named parameters to SQLite, bound
//! in order of first appearance, so the numbering must follow that order).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel_async::RunQueryDsl;
use partnergraph_domain::intelligence::{FourCDimension, LOW_SCORE_THRESHOLD, ProgramFigures};
use partnergraph_domain::partners::{ListField, PartnerStage, PartnerStatus};
use partnergraph_domain::{Currency, Money};
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::{
    organizations, partner_facts, partner_list_values, partner_segments, partner_strengths,
    program_tiers, program_tracks,
};
use crate::types::{DbTimestamp, DbUuid, UtcTimestamp};

/// Which partners a tile aggregates: an organisation's non-archived partners, narrowed to the
/// members of a segment and to the holders of a tier when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// Organisation.
    pub org_id: Uuid,
    /// Only partners in this segment (`partner_segments`, as of their last evaluation).
    pub segment_id: Option<Uuid>,
    /// Only partners holding this tier.
    pub tier_id: Option<Uuid>,
}

impl Scope {
    /// All of the organisation's partners.
    pub fn organization(org_id: Uuid) -> Self {
        Scope {
            org_id,
            segment_id: None,
            tier_id: None,
        }
    }
}

/// Narrows a boxed query over `partner_facts` (joined with anything) to `$scope`.
macro_rules! scoped {
    ($query:expr, $scope:expr) => {{
        let scope: &Scope = $scope;
        let org = DbUuid(scope.org_id);
        let mut query = $query
            .filter(partner_facts::org_id.eq(org))
            .filter(partner_facts::archived_at.is_null());
        if let Some(segment) = scope.segment_id {
            query = query.filter(
                partner_facts::partner_id.eq_any(
                    partner_segments::table
                        .filter(partner_segments::org_id.eq(org))
                        .filter(partner_segments::segment_id.eq(DbUuid(segment)))
                        .select(partner_segments::partner_id),
                ),
            );
        }
        if let Some(tier) = scope.tier_id {
            query = query.filter(partner_facts::tier_id.eq(DbUuid(tier)));
        }
        query
    }};
}

/// What a dashboard request needs to know before its tiles, read in one statement: the
/// organisation's deal currency, and whether the filter's segment and tier exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The organisation's deal currency (every rollup is in it).
    pub currency: Currency,
    /// The filter's segment is one of the organisation's (false when none was asked about).
    pub segment_exists: bool,
    /// The segment of the filter's tier (through its track); `None` when no tier was asked
    /// about or the organisation has no such tier.
    pub tier_segment: Option<Uuid>,
}

/// The organisation's currency, and whether `segment_id` and `tier_id` name its segment and
/// tier (one statement); `None` when the organisation does not exist.
pub async fn context(
    conn: &mut Conn,
    org_id: Uuid,
    segment_id: Option<Uuid>,
    tier_id: Option<Uuid>,
) -> Result<Option<Context>, DbError> {
    let org = DbUuid(org_id);
    // An absent id is looked up as the nil uuid, which names nothing.
    let segment = DbUuid(segment_id.unwrap_or_default());
    let tier = DbUuid(tier_id.unwrap_or_default());
    let query = organizations::table
        .filter(organizations::id.eq(org))
        .select((
            organizations::deal_currency,
            diesel::dsl::exists(
                crate::schema::program_segments::table
                    .filter(crate::schema::program_segments::org_id.eq(org))
                    .filter(crate::schema::program_segments::id.eq(segment)),
            ),
            program_tiers::table
                .inner_join(
                    program_tracks::table.on(program_tracks::org_id
                        .eq(program_tiers::org_id)
                        .and(program_tracks::id.eq(program_tiers::track_id))),
                )
                .filter(program_tiers::org_id.eq(org))
                .filter(program_tiers::id.eq(tier))
                .select(program_tracks::segment_id)
                .single_value(),
        ));
    let row: Option<(String, bool, Option<DbUuid>)> =
        run!(conn, |c| query.get_result(c).await.optional())?;
    row.map(|(currency, segment_exists, tier_segment)| {
        Ok(Context {
            currency: Currency::parse(&currency)
                .map_err(|_| DbError::Corrupt(format!("unknown currency `{currency}`")))?,
            segment_exists,
            tier_segment: tier_segment.map(|u| u.0),
        })
    })
    .transpose()
}

/// The figures of the metric cards (one statement). `quarter_start` is when the current
/// quarter began; targets count only in `currency`, the organisation's deal currency.
pub async fn figures(
    conn: &mut Conn,
    scope: &Scope,
    currency: Currency,
    quarter_start: DateTime<Utc>,
) -> Result<ProgramFigures, DbError> {
    type Row = (
        (i64, i64, i64, i64, i64, i64, i64),
        (i64, i64, i64, i64, i64, i64),
    );
    let code = currency.code().to_owned();
    let row: Row = run!(conn, |c| {
        let base = partner_facts::table
            .select((
                (
                    sql::<BigInt>("cast(count(*) as bigint)"),
                    sql::<BigInt>(
                        "cast(count(case when partner_facts.status = 'active' then 1 end) as bigint)",
                    ),
                    sql::<BigInt>("cast(count(case when partner_facts.created_at >= ")
                        .bind::<UtcTimestamp, _>(DbTimestamp(quarter_start))
                        .sql(" then 1 end) as bigint)"),
                    sql::<BigInt>("cast(coalesce(sum(partner_facts.pipeline_minor), 0) as bigint)"),
                    sql::<BigInt>("cast(coalesce(sum(partner_facts.revenue_minor), 0) as bigint)"),
                    // a target in another currency cannot be compared with revenue
                    sql::<BigInt>(
                        "cast(coalesce(sum(case when partner_facts.target_currency = ",
                    )
                    .bind::<Text, _>(code.clone())
                    .sql(" then partner_facts.target_minor end), 0) as bigint)"),
                    sql::<BigInt>(
                        "cast(coalesce(sum(case when partner_facts.target_minor is not null \
                         and partner_facts.target_currency = ",
                    )
                    .bind::<Text, _>(code.clone())
                    .sql(" then partner_facts.revenue_minor end), 0) as bigint)"),
                ),
                (
                    sql::<BigInt>("cast(coalesce(sum(partner_facts.won_deals), 0) as bigint)"),
                    sql::<BigInt>("cast(coalesce(sum(partner_facts.closed_deals), 0) as bigint)"),
                    sql::<BigInt>("cast(coalesce(sum(partner_facts.fit_score), 0) as bigint)"),
                    sql::<BigInt>("cast(count(partner_facts.fit_score) as bigint)"),
                    sql::<BigInt>("cast(coalesce(sum(partner_facts.health_score), 0) as bigint)"),
                    sql::<BigInt>("cast(count(partner_facts.health_score) as bigint)"),
                ),
            ))
            .into_boxed();
        scoped!(base, scope).get_result(c).await
    })?;
    let (
        (partners, active_partners, added_this_quarter, pipeline, revenue, target, targeted),
        (won_deals, closed_deals, fit_sum, fit_scored, health_sum, health_scored),
    ) = row;
    Ok(ProgramFigures {
        currency,
        partners,
        active_partners,
        added_this_quarter,
        pipeline,
        revenue,
        revenue_target: target,
        targeted_revenue: targeted,
        won_deals,
        closed_deals,
        fit_score_sum: fit_sum,
        fit_scored,
        health_score_sum: health_sum,
        health_scored,
    })
}

/// A strength as common across partners: its label grouped case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrengthSummary {
    /// The label as one of the partners wrote it (the first in the database's text order).
    pub label: String,
    /// One of the partners' descriptions of it (the first in text order), if any has one.
    pub description: Option<String>,
    /// Partners with the strength.
    pub partners: i64,
    /// Sum of the strength's scores.
    pub score_sum: i64,
    /// Scores summed.
    pub scored: i64,
}

/// The `limit` most common strengths of the partners in scope (one statement): labels grouped
/// by their stored key (`KeyStrength::key`, unique per partner, so rows count partners), most
/// partners first, then highest average score, then label.
pub async fn common_strengths(
    conn: &mut Conn,
    scope: &Scope,
    limit: usize,
) -> Result<Vec<StrengthSummary>, DbError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let org = DbUuid(scope.org_id);
    let rows: Vec<(String, Option<String>, i64, i64, i64)> = run!(conn, |c| {
        let mut query = partner_strengths::table
            .filter(partner_strengths::org_id.eq(org))
            .group_by(partner_strengths::label_key)
            .select((
                sql::<Text>("min(partner_strengths.label)"),
                sql::<Nullable<Text>>("min(partner_strengths.description)"),
                sql::<BigInt>("cast(count(*) as bigint)"),
                sql::<BigInt>("cast(coalesce(sum(partner_strengths.score), 0) as bigint)"),
                sql::<BigInt>("cast(count(partner_strengths.score) as bigint)"),
            ))
            .order((
                sql::<BigInt>("count(*)").desc(),
                // averages without a score sort last on both engines
                sql::<BigInt>("coalesce(avg(partner_strengths.score), -1)").desc(),
                sql::<Text>("min(partner_strengths.label)").asc(),
            ))
            .limit(limit)
            .into_boxed();
        if scope.segment_id.is_none() && scope.tier_id.is_none() {
            // The whole organisation: leave out the few archived partners' strengths rather
            // than join every partner.
            query = query.filter(diesel::dsl::not(diesel::dsl::exists(
                partner_facts::table
                    .filter(partner_facts::org_id.eq(partner_strengths::org_id))
                    .filter(partner_facts::partner_id.eq(partner_strengths::partner_id))
                    .filter(partner_facts::archived_at.is_not_null()),
            )));
        } else {
            let in_scope = partner_facts::table
                .select(partner_facts::partner_id)
                .into_boxed();
            query = query.filter(partner_strengths::partner_id.eq_any(scoped!(in_scope, scope)));
        }
        query.load(c).await
    })?;
    Ok(rows
        .into_iter()
        .map(
            |(label, description, partners, score_sum, scored)| StrengthSummary {
                label,
                description,
                partners,
                score_sum,
                scored,
            },
        )
        .collect())
}

/// A 4C dimension in which partners score low.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowDimension {
    /// The dimension.
    pub dimension: FourCDimension,
    /// Partners scoring below [`LOW_SCORE_THRESHOLD`] in it.
    pub partners: i64,
    /// The sum of their scores in it.
    pub score_sum: i64,
    /// The lowest scoring of them (score, then name, then id), at most the limit asked for.
    pub lowest: Vec<Uuid>,
}

/// A row of [`low_dimensions_sql`]: a dimension's aggregate (no partner) or one of its lowest
/// partners (no aggregate).
#[derive(QueryableByName)]
struct LowRow {
    #[diesel(sql_type = Text)]
    dimension: String,
    #[diesel(sql_type = Nullable<crate::types::Uuid>)]
    partner_id: Option<DbUuid>,
    #[diesel(sql_type = BigInt)]
    low_partners: i64,
    #[diesel(sql_type = BigInt)]
    score_sum: i64,
}

/// The column of each 4C dimension in `partner_insights`.
fn score_column(dimension: FourCDimension) -> &'static str {
    match dimension {
        FourCDimension::Capacity => "capacity_score",
        FourCDimension::Capability => "capability_score",
        FourCDimension::Commitment => "commitment_score",
        FourCDimension::CustomerAlignment => "customer_alignment_score",
    }
}

/// The SQL of [`low_dimensions`] for `scope`: per dimension, an aggregate row (how many score
/// low, the sum of their scores) and the `per_dimension` lowest partners, read in order from
/// the dimension's partial index. The filter's parameters are numbered after the
/// organisation's (`$1`) in the order they first appear.
fn low_dimensions_sql(scope: &Scope, per_dimension: usize) -> String {
    let mut next = 2;
    let mut filter = String::from("p.org_id = $1 and p.archived_at is null");
    if scope.segment_id.is_some() {
        filter.push_str(&format!(
            " and p.partner_id in (select s.partner_id from partner_segments s \
             where s.org_id = $1 and s.segment_id = ${next})"
        ));
        next += 1;
    }
    if scope.tier_id.is_some() {
        filter.push_str(&format!(" and p.tier_id = ${next}"));
    }
    let parts: Vec<String> = FourCDimension::ALL
        .iter()
        .enumerate()
        .flat_map(|(i, dimension)| {
            let column = score_column(*dimension);
            let dimension = dimension.as_str();
            let low = format!("{filter} and p.{column} < {LOW_SCORE_THRESHOLD}");
            [
                format!(
                    "select '{dimension}' as dimension, null as partner_id, \
                     cast(count(*) as bigint) as low_partners, \
                     cast(coalesce(sum(p.{column}), 0) as bigint) as score_sum, \
                     null as score, null as name \
                     from partner_facts p where {low}"
                ),
                format!(
                    "select * from (select '{dimension}' as dimension, p.partner_id, \
                     cast(0 as bigint) as low_partners, cast(0 as bigint) as score_sum, \
                     p.{column} as score, p.name from partner_facts p where {low} \
                     order by p.{column}, p.name, p.partner_id limit {per_dimension}) lowest_{i}"
                ),
            ]
        })
        .collect();
    format!(
        "select u.dimension, u.partner_id, u.low_partners, u.score_sum from ({}) u \
         order by u.dimension, u.score, u.name, u.partner_id",
        parts.join(" union all ")
    )
}

/// The 4C dimensions in which partners in scope score below [`LOW_SCORE_THRESHOLD`], each
/// with how many, the sum of their scores and the `per_dimension` lowest (one statement).
/// Dimensions where nobody scores low are left out; the order is [`FourCDimension::ALL`].
pub async fn low_dimensions(
    conn: &mut Conn,
    scope: &Scope,
    per_dimension: usize,
) -> Result<Vec<LowDimension>, DbError> {
    let text = low_dimensions_sql(scope, per_dimension);
    let (org, segment, tier) = (
        DbUuid(scope.org_id),
        scope.segment_id.map(DbUuid),
        scope.tier_id.map(DbUuid),
    );
    let rows: Vec<LowRow> = run!(conn, |c| {
        let mut query = diesel::sql_query(text.clone())
            .into_boxed()
            .bind::<crate::types::Uuid, _>(org);
        if let Some(segment) = segment {
            query = query.bind::<crate::types::Uuid, _>(segment);
        }
        if let Some(tier) = tier {
            query = query.bind::<crate::types::Uuid, _>(tier);
        }
        query.load(c).await
    })?;
    let mut by_dimension: HashMap<FourCDimension, LowDimension> = HashMap::new();
    for row in rows {
        let dimension = FourCDimension::parse(&row.dimension)
            .ok_or_else(|| DbError::Corrupt(format!("unknown dimension `{}`", row.dimension)))?;
        let entry = by_dimension
            .entry(dimension)
            .or_insert_with(|| LowDimension {
                dimension,
                partners: 0,
                score_sum: 0,
                lowest: Vec::new(),
            });
        match row.partner_id {
            Some(partner) => entry.lowest.push(partner.0),
            None => (entry.partners, entry.score_sum) = (row.low_partners, row.score_sum),
        }
    }
    Ok(FourCDimension::ALL
        .into_iter()
        .filter_map(|dimension| by_dimension.remove(&dimension))
        .filter(|low| low.partners > 0)
        .collect())
}

/// Open pipeline and partners per lifecycle stage (one statement); stages without partners
/// in scope are absent.
pub async fn pipeline_by_stage(
    conn: &mut Conn,
    scope: &Scope,
    currency: Currency,
) -> Result<Vec<(PartnerStage, Money, i64)>, DbError> {
    let rows: Vec<(String, i64, i64)> = run!(conn, |c| {
        let base = partner_facts::table
            .group_by(partner_facts::stage)
            .select((
                partner_facts::stage,
                sql::<BigInt>("cast(coalesce(sum(partner_facts.pipeline_minor), 0) as bigint)"),
                sql::<BigInt>("cast(count(*) as bigint)"),
            ))
            .into_boxed();
        scoped!(base, scope).load(c).await
    })?;
    rows.into_iter()
        .map(|(stage, pipeline, partners)| {
            let stage = PartnerStage::parse(&stage)
                .ok_or_else(|| DbError::Corrupt(format!("unknown stage `{stage}`")))?;
            Ok((stage, Money::new(pipeline, currency), partners))
        })
        .collect()
}

/// Pipeline, revenue and partners of one industry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndustryTotals {
    /// The industry (`None`: partners without one).
    pub industry: Option<String>,
    /// Open deal amounts.
    pub pipeline: Money,
    /// Won deal amounts.
    pub revenue: Money,
    /// Partners.
    pub partners: i64,
}

/// Pipeline, revenue and partners per industry of the partners in scope (one statement, read
/// once for the two industry charts).
pub async fn by_industry(
    conn: &mut Conn,
    scope: &Scope,
    currency: Currency,
) -> Result<Vec<IndustryTotals>, DbError> {
    let rows: Vec<(Option<String>, i64, i64, i64)> = run!(conn, |c| {
        let base = partner_facts::table
            .group_by(partner_facts::industry)
            .select((
                partner_facts::industry,
                sql::<BigInt>("cast(coalesce(sum(partner_facts.pipeline_minor), 0) as bigint)"),
                sql::<BigInt>("cast(coalesce(sum(partner_facts.revenue_minor), 0) as bigint)"),
                sql::<BigInt>("cast(count(*) as bigint)"),
            ))
            .into_boxed();
        scoped!(base, scope).load(c).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(industry, pipeline, revenue, partners)| IndustryTotals {
            industry,
            pipeline: Money::new(pipeline, currency),
            revenue: Money::new(revenue, currency),
            partners,
        })
        .collect())
}

/// Partners per (stage, status) of the organisation (one statement).
pub async fn stage_status_counts(
    conn: &mut Conn,
    scope: &Scope,
) -> Result<Vec<(PartnerStage, PartnerStatus, i64)>, DbError> {
    let rows: Vec<(String, String, i64)> = run!(conn, |c| {
        let base = partner_facts::table
            .group_by((partner_facts::stage, partner_facts::status))
            .select((
                partner_facts::stage,
                partner_facts::status,
                sql::<BigInt>("cast(count(*) as bigint)"),
            ))
            .into_boxed();
        scoped!(base, scope).load(c).await
    })?;
    rows.into_iter()
        .map(|(stage, status, count)| {
            let corrupt =
                |what: &str, value: &str| DbError::Corrupt(format!("unknown {what} `{value}`"));
            Ok((
                PartnerStage::parse(&stage).ok_or_else(|| corrupt("stage", &stage))?,
                PartnerStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
                count,
            ))
        })
        .collect()
}

/// Partners of the organisation per value of the list fields `fields` (one statement; a
/// partner listing a value in two of the fields counts once). Partners with none of the
/// fields' values count under `None`. Archived partners are left out.
///
/// Counted from the list values' own index (`org_id, field, value, partner_id`), less the
/// values of archived partners (few, from a partial index), rather than by joining every
/// partner: the whole organisation is always in scope here.
pub async fn coverage_by_list(
    conn: &mut Conn,
    org_id: Uuid,
    fields: &[ListField],
) -> Result<Vec<(Option<String>, i64)>, DbError> {
    let org = DbUuid(org_id);
    // Values are unique within a field of a partner, so one field needs no `distinct`.
    let count = if fields.len() > 1 {
        "cast(count(distinct partner_list_values.partner_id) as bigint)"
    } else {
        "cast(count(*) as bigint)"
    };
    let fields: Vec<&'static str> = fields.iter().map(|f| f.as_str()).collect();
    let rows: Vec<(Option<String>, i64)> = run!(conn, |c| {
        let archived = partner_facts::table
            .filter(partner_facts::org_id.eq(partner_list_values::org_id))
            .filter(partner_facts::partner_id.eq(partner_list_values::partner_id))
            .filter(partner_facts::archived_at.is_not_null());
        let listed = partner_list_values::table
            .filter(partner_list_values::org_id.eq(partner_facts::org_id))
            .filter(partner_list_values::partner_id.eq(partner_facts::partner_id))
            .filter(partner_list_values::field.eq_any(fields.clone()));
        let unlisted = partner_facts::table
            .filter(partner_facts::org_id.eq(org))
            .filter(partner_facts::archived_at.is_null())
            .filter(diesel::dsl::not(diesel::dsl::exists(listed)))
            .select((
                sql::<Nullable<Text>>("null"),
                sql::<BigInt>("cast(count(*) as bigint)"),
            ));
        partner_list_values::table
            .filter(partner_list_values::org_id.eq(org))
            .filter(partner_list_values::field.eq_any(fields.clone()))
            .filter(diesel::dsl::not(diesel::dsl::exists(archived)))
            .group_by(partner_list_values::value)
            .select((partner_list_values::value.nullable(), sql::<BigInt>(count)))
            .union_all(unlisted)
            .load(c)
            .await
    })?;
    // the unlisted partners' row is there even when there are none
    Ok(rows
        .into_iter()
        .filter(|(_, partners)| *partners > 0)
        .collect())
}

/// Partners per subtype (`None`: without one), one statement.
pub async fn coverage_by_subtype(
    conn: &mut Conn,
    scope: &Scope,
) -> Result<Vec<(Option<String>, i64)>, DbError> {
    Ok(run!(conn, |c| {
        let base = partner_facts::table
            .group_by(partner_facts::subtype)
            .select((
                partner_facts::subtype,
                sql::<BigInt>("cast(count(*) as bigint)"),
            ))
            .into_boxed();
        scoped!(base, scope).load(c).await
    })?)
}

/// Partners per industry (`None`: without one), one statement.
pub async fn coverage_by_industry(
    conn: &mut Conn,
    scope: &Scope,
) -> Result<Vec<(Option<String>, i64)>, DbError> {
    Ok(run!(conn, |c| {
        let base = partner_facts::table
            .group_by(partner_facts::industry)
            .select((
                partner_facts::industry,
                sql::<BigInt>("cast(count(*) as bigint)"),
            ))
            .into_boxed();
        scoped!(base, scope).load(c).await
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_numbered_in_order_of_first_appearance() {
        let org = Uuid::nil();
        let both = low_dimensions_sql(
            &Scope {
                org_id: org,
                segment_id: Some(org),
                tier_id: Some(org),
            },
            5,
        );
        let first = |p: &str| both.find(p).expect(p);
        assert!(first("$1") < first("$2") && first("$2") < first("$3"));
        let tier_only = low_dimensions_sql(
            &Scope {
                tier_id: Some(org),
                ..Scope::organization(org)
            },
            5,
        );
        assert!(tier_only.contains("p.tier_id = $2") && !tier_only.contains("$3"));
        let plain = low_dimensions_sql(&Scope::organization(org), 5);
        assert!(!plain.contains("$2"));
        // an aggregate and a limited read per dimension
        assert_eq!(plain.matches(" union all ").count(), 7);
        assert_eq!(plain.matches(" limit 5)").count(), 4);
        assert!(plain.contains("p.customer_alignment_score < 50"));
    }
}
