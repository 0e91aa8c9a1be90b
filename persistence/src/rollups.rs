//! Rollups of the program: what the live (non-archived) partners in each segment, or holding
//! each tier, add up to. One statement per kind for any number of segments or tiers: the
//! segments (tiers) left-joined with their live partners' `partner_facts` (the narrow copy of
//! their profile, rollups and scores the dashboards read), grouped by segment (tier). A segment or tier without
//! partners still has its row, with zero counts, in the organisation's deal currency.

use std::collections::HashMap;

use diesel::dsl::sql;
use diesel::expression::SqlLiteral;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel_async::RunQueryDsl;
use partnergraph_domain::program::{Rollup, ScoreTotal};
use partnergraph_domain::{Currency, Money};
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::{
    organizations, partner_facts, partner_segments, program_segments, program_tiers,
};
use crate::types::DbUuid;

/// The aggregates of a rollup, over `partner_facts` (null when a segment or tier has none).
/// Sums are cast because PostgreSQL sums
/// bigints into numerics; `organizations` is one row per group, so `min()` only satisfies
/// grouping.
type Aggregates = (
    SqlLiteral<Text>,
    SqlLiteral<BigInt>,
    SqlLiteral<BigInt>,
    SqlLiteral<BigInt>,
    SqlLiteral<BigInt>,
    SqlLiteral<BigInt>,
    SqlLiteral<BigInt>,
    SqlLiteral<BigInt>,
);

fn aggregates() -> Aggregates {
    (
        sql("min(organizations.deal_currency)"),
        sql("cast(count(partner_facts.partner_id) as bigint)"),
        sql("cast(coalesce(sum(partner_facts.pipeline_minor), 0) as bigint)"),
        sql("cast(coalesce(sum(partner_facts.revenue_minor), 0) as bigint)"),
        sql("cast(coalesce(sum(partner_facts.fit_score), 0) as bigint)"),
        sql("cast(count(partner_facts.fit_score) as bigint)"),
        sql("cast(coalesce(sum(partner_facts.health_score), 0) as bigint)"),
        sql("cast(count(partner_facts.health_score) as bigint)"),
    )
}

type Row = (DbUuid, (String, i64, i64, i64, i64, i64, i64, i64));

fn rollups(rows: Vec<Row>) -> Result<HashMap<Uuid, Rollup>, DbError> {
    rows.into_iter()
        .map(
            |(id, (code, partners, pipeline, revenue, fit, fits, health, healths))| {
                let currency = Currency::parse(&code)
                    .map_err(|_| DbError::Corrupt(format!("unknown currency `{code}`")))?;
                let rollup = Rollup {
                    partners,
                    pipeline: Money::new(pipeline, currency),
                    revenue: Money::new(revenue, currency),
                    fit: ScoreTotal {
                        sum: fit,
                        count: fits,
                    },
                    health: ScoreTotal {
                        sum: health,
                        count: healths,
                    },
                };
                Ok((id.0, rollup))
            },
        )
        .collect()
}

/// The rollups of the organisation's segments `ids` (members per `partner_segments`), in one
/// statement. Ids that are not segments of the organisation are absent.
pub async fn by_segments(
    conn: &mut Conn,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Rollup>, DbError> {
    let org = DbUuid(org_id);
    let ids: Vec<DbUuid> = ids.iter().copied().map(DbUuid).collect();
    let rows: Vec<Row> = run!(conn, |c| program_segments::table
        .inner_join(organizations::table.on(organizations::id.eq(program_segments::org_id)))
        .left_join(
            partner_segments::table.on(partner_segments::org_id
                .eq(program_segments::org_id)
                .and(partner_segments::segment_id.eq(program_segments::id))),
        )
        .left_join(
            partner_facts::table.on(partner_facts::org_id
                .eq(partner_segments::org_id)
                .and(partner_facts::partner_id.eq(partner_segments::partner_id))
                .and(partner_facts::archived_at.is_null())),
        )
        .filter(program_segments::org_id.eq(org))
        .filter(program_segments::id.eq_any(ids.clone()))
        .group_by(program_segments::id)
        .select((program_segments::id, aggregates()))
        .load(c)
        .await)?;
    rollups(rows)
}

/// The rollups of the organisation's tiers `ids` (holders per `partners.tier_id`), in one
/// statement. Ids that are not tiers of the organisation are absent.
pub async fn by_tiers(
    conn: &mut Conn,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Rollup>, DbError> {
    let org = DbUuid(org_id);
    let ids: Vec<DbUuid> = ids.iter().copied().map(DbUuid).collect();
    let rows: Vec<Row> = run!(conn, |c| program_tiers::table
        .inner_join(organizations::table.on(organizations::id.eq(program_tiers::org_id)))
        .left_join(
            partner_facts::table.on(partner_facts::org_id
                .eq(program_tiers::org_id)
                .and(partner_facts::tier_id.eq(program_tiers::id.nullable()))
                .and(partner_facts::archived_at.is_null())),
        )
        .filter(program_tiers::org_id.eq(org))
        .filter(program_tiers::id.eq_any(ids.clone()))
        .group_by(program_tiers::id)
        .select((program_tiers::id, aggregates()))
        .load(c)
        .await)?;
    rollups(rows)
}
