//! The Intelligence dashboards: one aggregate statement per tile over the partners in scope.
//!
//! Every tile reads `partners` (archived partners excluded, as in the partners table) joined
//! with what it sums: the per-partner rollups of `partner_financials` (so a tile never reads
//! deals), `partner_insights`, `partner_joint_plans`, `partner_strengths` or
//! `partner_list_values`. The executive dashboard's scope may narrow to the partners of a
//! segment (`partner_segments`) and to the holders of a tier; the filter is part of each
//! statement. Sums are cast to `bigint` because PostgreSQL sums bigints into numerics.
//!
//! The areas-to-address tile is the named exception to diesel expressions: it ranks partners
//! per 4C dimension with window functions over a `union all`, which diesel's DSL cannot
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
    organizations, partner_financials, partner_insights, partner_joint_plans, partner_list_values,
    partner_segments, partner_strengths, partners, program_tiers, program_tracks,
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

/// Narrows a boxed query over `partners` (joined with anything) to `$scope`.
macro_rules! scoped {
    ($query:expr, $scope:expr) => {{
        let scope: &Scope = $scope;
        let org = DbUuid(scope.org_id);
        let mut query = $query
            .filter(partners::org_id.eq(org))
            .filter(partners::archived_at.is_null());
        if let Some(segment) = scope.segment_id {
            query = query.filter(
                partners::id.eq_any(
                    partner_segments::table
                        .filter(partner_segments::org_id.eq(org))
                        .filter(partner_segments::segment_id.eq(DbUuid(segment)))
                        .select(partner_segments::partner_id),
                ),
            );
        }
        if let Some(tier) = scope.tier_id {
            query = query.filter(partners::tier_id.eq(DbUuid(tier)));
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
                    .and(partner_joint_plans::partner_id.eq(partners::id))
                    // a target in another currency cannot be compared with revenue
                    .and(partner_joint_plans::currency.eq(code.clone()))
                    .and(partner_joint_plans::annual_revenue_target_minor.is_not_null())),
            )
            .select((
                (
                    sql::<BigInt>("cast(count(*) as bigint)"),
                    sql::<BigInt>(
                        "cast(count(case when partners.status = 'active' then 1 end) as bigint)",
                    ),
                    sql::<BigInt>("cast(count(case when partners.created_at >= ")
                        .bind::<UtcTimestamp, _>(DbTimestamp(quarter_start))
                        .sql(" then 1 end) as bigint)"),
                    sql::<BigInt>("cast(coalesce(sum(partner_financials.pipeline_minor), 0) as bigint)"),
                    sql::<BigInt>("cast(coalesce(sum(partner_financials.revenue_minor), 0) as bigint)"),
                    sql::<BigInt>(
                        "cast(coalesce(sum(partner_joint_plans.annual_revenue_target_minor), 0) as bigint)",
                    ),
                    sql::<BigInt>(
                        "cast(coalesce(sum(case when partner_joint_plans.partner_id is not null \
                         then partner_financials.revenue_minor end), 0) as bigint)",
                    ),
                ),
                (
                    sql::<BigInt>("cast(coalesce(sum(partner_financials.won_deals), 0) as bigint)"),
                    sql::<BigInt>("cast(coalesce(sum(partner_financials.closed_deals), 0) as bigint)"),
                    sql::<BigInt>("cast(coalesce(sum(partner_insights.fit_score), 0) as bigint)"),
                    sql::<BigInt>("cast(count(partner_insights.fit_score) as bigint)"),
                    sql::<BigInt>("cast(coalesce(sum(partner_insights.health_score), 0) as bigint)"),
                    sql::<BigInt>("cast(count(partner_insights.health_score) as bigint)"),
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
/// by `lower(trim(label))`, most partners first, then highest average score, then label.
pub async fn common_strengths(
    conn: &mut Conn,
    scope: &Scope,
    limit: usize,
) -> Result<Vec<StrengthSummary>, DbError> {
    const KEY: &str = "lower(trim(partner_strengths.label))";
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows: Vec<(String, Option<String>, i64, i64, i64)> = run!(conn, |c| {
        let base = partner_strengths::table
            .inner_join(
                partners::table.on(partners::org_id
                    .eq(partner_strengths::org_id)
                    .and(partners::id.eq(partner_strengths::partner_id))),
            )
            .group_by(sql::<Text>(KEY))
            .select((
                sql::<Text>("min(partner_strengths.label)"),
                sql::<Nullable<Text>>("min(partner_strengths.description)"),
                sql::<BigInt>("cast(count(distinct partner_strengths.partner_id) as bigint)"),
                sql::<BigInt>("cast(coalesce(sum(partner_strengths.score), 0) as bigint)"),
                sql::<BigInt>("cast(count(partner_strengths.score) as bigint)"),
            ))
            .order((
                sql::<BigInt>("count(distinct partner_strengths.partner_id)").desc(),
                // averages without a score sort last on both engines
                sql::<BigInt>("coalesce(avg(partner_strengths.score), -1)").desc(),
                sql::<Text>("min(partner_strengths.label)").asc(),
            ))
            .limit(limit)
            .into_boxed();
        scoped!(base, scope).load(c).await
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

#[derive(QueryableByName)]
struct LowRow {
    #[diesel(sql_type = Text)]
    dimension: String,
    #[diesel(sql_type = crate::types::Uuid)]
    partner_id: DbUuid,
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

/// The SQL of [`low_dimensions`] for `scope`: the filter's parameters are numbered after the
/// organisation's (`$1`) in the order they first appear.
fn low_dimensions_sql(scope: &Scope, per_dimension: usize) -> String {
    let mut next = 2;
    let mut filter = String::from("p.org_id = $1 and p.archived_at is null");
    if scope.segment_id.is_some() {
        filter.push_str(&format!(
            " and p.id in (select s.partner_id from partner_segments s \
             where s.org_id = $1 and s.segment_id = ${next})"
        ));
        next += 1;
    }
    if scope.tier_id.is_some() {
        filter.push_str(&format!(" and p.tier_id = ${next}"));
    }
    let low: Vec<String> = FourCDimension::ALL
        .iter()
        .map(|dimension| {
            let column = score_column(*dimension);
            format!(
                "select '{dimension}' as dimension, i.partner_id, i.{column} as score, p.name \
                 from partners p join partner_insights i \
                 on i.org_id = p.org_id and i.partner_id = p.id \
                 where {filter} and i.{column} < {LOW_SCORE_THRESHOLD}",
                dimension = dimension.as_str(),
            )
        })
        .collect();
    format!(
        "select ranked.dimension, ranked.partner_id, ranked.low_partners, ranked.score_sum \
         from (select low.dimension, low.partner_id, \
         cast(count(*) over (partition by low.dimension) as bigint) as low_partners, \
         cast(sum(low.score) over (partition by low.dimension) as bigint) as score_sum, \
         row_number() over (partition by low.dimension \
         order by low.score, low.name, low.partner_id) as position \
         from ({}) low) ranked \
         where ranked.position <= {per_dimension} \
         order by ranked.dimension, ranked.position",
        low.join(" union all ")
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
        by_dimension
            .entry(dimension)
            .or_insert_with(|| LowDimension {
                dimension,
                partners: row.low_partners,
                score_sum: row.score_sum,
                lowest: Vec::new(),
            })
            .lowest
            .push(row.partner_id.0);
    }
    Ok(FourCDimension::ALL
        .into_iter()
        .filter_map(|dimension| by_dimension.remove(&dimension))
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
        let base = partners::table
            .inner_join(
                partner_financials::table.on(partner_financials::org_id
                    .eq(partners::org_id)
                    .and(partner_financials::partner_id.eq(partners::id))),
            )
            .group_by(partners::stage)
            .select((
                partners::stage,
                sql::<BigInt>(
                    "cast(coalesce(sum(partner_financials.pipeline_minor), 0) as bigint)",
                ),
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
        let base = partners::table
            .inner_join(
                partner_financials::table.on(partner_financials::org_id
                    .eq(partners::org_id)
                    .and(partner_financials::partner_id.eq(partners::id))),
            )
            .group_by(partners::industry)
            .select((
                partners::industry,
                sql::<BigInt>(
                    "cast(coalesce(sum(partner_financials.pipeline_minor), 0) as bigint)",
                ),
                sql::<BigInt>("cast(coalesce(sum(partner_financials.revenue_minor), 0) as bigint)"),
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
        let base = partners::table
            .group_by((partners::stage, partners::status))
            .select((
                partners::stage,
                partners::status,
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

/// Partners per value of the list fields `fields` (one statement; a partner listing a value
/// in two of the fields counts once). Partners with none of the fields' values count under
/// `None`.
pub async fn coverage_by_list(
    conn: &mut Conn,
    scope: &Scope,
    fields: &[ListField],
) -> Result<Vec<(Option<String>, i64)>, DbError> {
    let fields: Vec<&'static str> = fields.iter().map(|f| f.as_str()).collect();
    Ok(run!(conn, |c| {
        let base = partners::table
            .left_join(
                partner_list_values::table.on(partner_list_values::org_id
                    .eq(partners::org_id)
                    .and(partner_list_values::partner_id.eq(partners::id))
                    .and(partner_list_values::field.eq_any(fields.clone()))),
            )
            .group_by(partner_list_values::value)
            .select((
                partner_list_values::value.nullable(),
                sql::<BigInt>("cast(count(distinct partners.id) as bigint)"),
            ))
            .into_boxed();
        scoped!(base, scope).load(c).await
    })?)
}

/// Partners per subtype (`None`: without one), one statement.
pub async fn coverage_by_subtype(
    conn: &mut Conn,
    scope: &Scope,
) -> Result<Vec<(Option<String>, i64)>, DbError> {
    Ok(run!(conn, |c| {
        let base = partners::table
            .group_by(partners::subtype)
            .select((partners::subtype, sql::<BigInt>("cast(count(*) as bigint)")))
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
        let base = partners::table
            .group_by(partners::industry)
            .select((
                partners::industry,
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
        assert_eq!(plain.matches(" union all ").count(), 3);
        assert!(plain.contains("i.customer_alignment_score < 50"));
    }
}
