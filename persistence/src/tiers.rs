//! Tier evaluation storage: what rules read from partners (loaded in bulk, a few statements for
//! a whole organisation), writing evaluation results in batches (only changed partners), the
//! tier history, and manual tier overrides.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::partners::{
    ListField, PartnerCategory, PartnerStage, PartnerStatus, PartnerType, TagCategory, TierSource,
};
use partnergraph_domain::program::{PartnerFacts, RuleField};
use uuid::Uuid;

use crate::audit::Actor;
use crate::db::Conn;
use crate::error::DbError;
use crate::page::KeysetPage;
use crate::schema::{
    organizations, partner_financials, partner_insights, partner_joint_plans, partner_list_values,
    partner_segments, partner_tags, partner_tier_changes, partners,
};
use crate::types::{DbTimestamp, DbUuid};
use crate::{keyset, run};

/// Most ids in one `in (…)` list (PostgreSQL allows 65,535 bind parameters per statement).
const ID_CHUNK: usize = 10_000;

fn corrupt(what: &str, value: &str) -> DbError {
    DbError::Corrupt(format!("unknown {what} `{value}`"))
}

/// A partner as tier evaluation sees it.
#[derive(Debug, Clone)]
pub struct Evaluable {
    /// Partner id.
    pub id: Uuid,
    /// What rules read.
    pub facts: PartnerFacts,
    /// The tier it holds.
    pub tier_id: Option<Uuid>,
    /// How that tier was set.
    pub tier_source: Option<TierSource>,
    /// The segments stored at its last evaluation.
    pub segments: BTreeSet<Uuid>,
}

type CoreRow = (
    DbUuid,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<DbUuid>,
    Option<String>,
    Option<i16>,
    Option<i16>,
    Option<i64>,
    (i64, i64, i64, i64, i64, i64),
);

/// Which list-valued facts to read: only those some rule looks at (list values and tags are
/// most of the rows a whole-organisation evaluation would otherwise read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    /// List fields some rule reads.
    pub lists: Vec<ListField>,
    /// Whether some rule reads tags.
    pub tags: bool,
}

impl Needs {
    /// Every fact (for explanations of a single partner).
    pub fn all() -> Self {
        Needs {
            lists: ListField::ALL.to_vec(),
            tags: true,
        }
    }
}

/// The non-archived partners of the organisation (`ids`: only those) as evaluation sees them,
/// in at most five statements per chunk of ids (one chunk for the whole organisation).
pub async fn evaluables(
    conn: &mut Conn,
    org_id: Uuid,
    ids: Option<&[Uuid]>,
    needs: &Needs,
) -> Result<Vec<Evaluable>, DbError> {
    let mut out = Vec::new();
    match ids {
        None => out.extend(evaluables_chunk(conn, org_id, None, needs).await?),
        Some(ids) => {
            for chunk in ids.chunks(ID_CHUNK) {
                out.extend(evaluables_chunk(conn, org_id, Some(chunk), needs).await?);
            }
        }
    }
    Ok(out)
}

async fn evaluables_chunk(
    conn: &mut Conn,
    org_id: Uuid,
    ids: Option<&[Uuid]>,
    needs: &Needs,
) -> Result<Vec<Evaluable>, DbError> {
    let org = DbUuid(org_id);
    let ids: Option<Vec<DbUuid>> = ids.map(|ids| ids.iter().copied().map(DbUuid).collect());
    let cores: Vec<CoreRow> = run!(conn, |c| {
        let mut query = partners::table
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
            .filter(partners::archived_at.is_null())
            .select((
                partners::id,
                partners::partner_type,
                partners::subtype,
                partners::category,
                partners::status,
                partners::stage,
                partners::industry,
                partners::employees,
                partners::company_revenue_minor,
                partners::tier_id,
                partners::tier_source,
                partner_insights::fit_score.nullable(),
                partner_insights::health_score.nullable(),
                partner_joint_plans::annual_revenue_target_minor.nullable(),
                (
                    partner_financials::pipeline_minor,
                    partner_financials::revenue_minor,
                    partner_financials::product_revenue_minor,
                    partner_financials::active_deals,
                    partner_financials::closed_deals,
                    partner_financials::customers,
                ),
            ))
            .into_boxed();
        if let Some(ids) = &ids {
            query = query.filter(partners::id.eq_any(ids.clone()));
        }
        query.load(c).await
    })?;
    let list_fields: Vec<&'static str> = needs.lists.iter().map(|f| f.as_str()).collect();
    let lists: Vec<(DbUuid, String, String)> = if list_fields.is_empty() {
        Vec::new()
    } else {
        run!(conn, |c| {
            let mut query = partner_list_values::table
                .filter(partner_list_values::org_id.eq(org))
                .filter(partner_list_values::field.eq_any(list_fields.clone()))
                .select((
                    partner_list_values::partner_id,
                    partner_list_values::field,
                    partner_list_values::value,
                ))
                .into_boxed();
            if let Some(ids) = &ids {
                query = query.filter(partner_list_values::partner_id.eq_any(ids.clone()));
            }
            query.load(c).await
        })?
    };
    let tags: Vec<(DbUuid, String, String)> = if !needs.tags {
        Vec::new()
    } else {
        run!(conn, |c| {
            let mut query = partner_tags::table
                .filter(partner_tags::org_id.eq(org))
                .select((
                    partner_tags::partner_id,
                    partner_tags::category,
                    partner_tags::tag,
                ))
                .into_boxed();
            if let Some(ids) = &ids {
                query = query.filter(partner_tags::partner_id.eq_any(ids.clone()));
            }
            query.load(c).await
        })?
    };
    let segments: Vec<(DbUuid, DbUuid)> = run!(conn, |c| {
        let mut query = partner_segments::table
            .filter(partner_segments::org_id.eq(org))
            .select((partner_segments::partner_id, partner_segments::segment_id))
            .into_boxed();
        if let Some(ids) = &ids {
            query = query.filter(partner_segments::partner_id.eq_any(ids.clone()));
        }
        query.load(c).await
    })?;
    let mut lists_of: HashMap<Uuid, Vec<(ListField, String)>> = HashMap::new();
    for (partner, field, value) in lists {
        let field = ListField::parse(&field).ok_or_else(|| corrupt("list field", &field))?;
        lists_of.entry(partner.0).or_default().push((field, value));
    }
    let mut tags_of: HashMap<Uuid, Vec<(TagCategory, String)>> = HashMap::new();
    for (partner, category, tag) in tags {
        let category =
            TagCategory::parse(&category).ok_or_else(|| corrupt("tag category", &category))?;
        tags_of.entry(partner.0).or_default().push((category, tag));
    }
    let mut segments_of: HashMap<Uuid, BTreeSet<Uuid>> = HashMap::new();
    for (partner, segment) in segments {
        segments_of.entry(partner.0).or_default().insert(segment.0);
    }
    cores
        .into_iter()
        .map(|row| {
            let (
                id,
                partner_type,
                subtype,
                category,
                status,
                stage,
                industry,
                employees,
                company_revenue,
                tier_id,
                tier_source,
                fit,
                health,
                target,
                (pipeline, revenue, product_revenue, active, closed, customers),
            ) = row;
            let partner_type = PartnerType::parse(&partner_type)
                .ok_or_else(|| corrupt("partner type", &partner_type))?;
            let mut facts = PartnerFacts::new(partner_type)
                .with_subtype(subtype.as_deref())
                .with_category(category.as_deref().and_then(PartnerCategory::parse))
                .with_status(PartnerStatus::parse(&status))
                .with_stage(PartnerStage::parse(&stage))
                .with_industry(industry.as_deref())
                .with_number(RuleField::Employees, employees)
                .with_number(RuleField::CompanyRevenue, company_revenue)
                .with_number(RuleField::FitScore, fit.map(i64::from))
                .with_number(RuleField::HealthScore, health.map(i64::from))
                .with_number(RuleField::AnnualRevenueTarget, target)
                .with_number(RuleField::Pipeline, Some(pipeline))
                .with_number(RuleField::Revenue, Some(revenue))
                .with_number(RuleField::ProductRevenue, Some(product_revenue))
                .with_number(RuleField::ActiveDeals, Some(active))
                .with_number(RuleField::ClosedDeals, Some(closed))
                .with_number(RuleField::Customers, Some(customers));
            let lists = lists_of.remove(&id.0).unwrap_or_default();
            for field in needs.lists.iter().copied() {
                facts = facts.with_list(
                    field,
                    lists
                        .iter()
                        .filter(|(f, _)| *f == field)
                        .map(|(_, v)| v.as_str()),
                );
            }
            let tags = tags_of.remove(&id.0).unwrap_or_default();
            facts = facts.with_tags(tags.iter().map(|(c, t)| (*c, t.as_str())));
            Ok(Evaluable {
                id: id.0,
                facts,
                tier_id: tier_id.map(|t| t.0),
                tier_source: tier_source
                    .map(|s| TierSource::parse(&s).ok_or_else(|| corrupt("tier source", &s)))
                    .transpose()?,
                segments: segments_of.remove(&id.0).unwrap_or_default(),
            })
        })
        .collect()
}

/// One partner's tier change, to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierChange {
    /// The partner.
    pub partner_id: Uuid,
    /// Its tier before.
    pub from: Option<(Uuid, String)>,
    /// Its tier after.
    pub to: Option<(Uuid, String)>,
    /// How the new tier was set.
    pub source: TierSource,
    /// Why (manual changes).
    pub reason: Option<String>,
}

/// A `partner_segments` row (values never default, so both backends take many per insert).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = partner_segments, treat_none_as_default_value = false)]
struct MembershipInsert {
    org_id: DbUuid,
    partner_id: DbUuid,
    segment_id: DbUuid,
}

/// A `partner_tier_changes` row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = partner_tier_changes, treat_none_as_default_value = false)]
struct ChangeInsert {
    org_id: DbUuid,
    id: DbUuid,
    partner_id: DbUuid,
    from_tier_id: Option<DbUuid>,
    from_tier_name: Option<String>,
    to_tier_id: Option<DbUuid>,
    to_tier_name: Option<String>,
    source: &'static str,
    reason: Option<String>,
    actor_kind: &'static str,
    actor_id: Option<DbUuid>,
    created_at: DbTimestamp,
}

/// What an evaluation writes.
#[derive(Debug, Clone, Default)]
pub struct EvaluationWrites {
    /// Partners whose tier changed (automatic evaluation or an override).
    pub tiers: Vec<TierChange>,
    /// Partners whose stored segments changed, with their new segments.
    pub segments: Vec<(Uuid, BTreeSet<Uuid>)>,
    /// Partners evaluated one by one (their own `tier_evaluated_at` is set); empty when the
    /// whole organisation was evaluated (its `tiers_evaluated_at` is set instead).
    pub evaluated: Vec<Uuid>,
    /// Whether the whole organisation was evaluated.
    pub whole_organisation: bool,
}

/// Writes an evaluation in one transaction, in batches: one update per target tier (per chunk
/// of partners), one delete and one insert for changed segment memberships, and the history
/// rows of changed tiers.
pub async fn write_evaluation(
    conn: &mut Conn,
    org_id: Uuid,
    writes: &EvaluationWrites,
    actor: Actor,
    at: DateTime<Utc>,
) -> Result<(), DbError> {
    let org = DbUuid(org_id);
    let now = DbTimestamp(at);
    let (actor_kind, actor_id) = actor.parts();
    // Group tier changes by (target tier, source).
    let mut by_target: HashMap<(Option<Uuid>, TierSource), Vec<DbUuid>> = HashMap::new();
    for change in &writes.tiers {
        by_target
            .entry((change.to.as_ref().map(|(id, _)| *id), change.source))
            .or_default()
            .push(DbUuid(change.partner_id));
    }
    let history: Vec<ChangeInsert> = writes
        .tiers
        .iter()
        .map(|change| ChangeInsert {
            org_id: org,
            id: DbUuid(Uuid::now_v7()),
            partner_id: DbUuid(change.partner_id),
            from_tier_id: change.from.as_ref().map(|(id, _)| DbUuid(*id)),
            from_tier_name: change.from.as_ref().map(|(_, n)| n.clone()),
            to_tier_id: change.to.as_ref().map(|(id, _)| DbUuid(*id)),
            to_tier_name: change.to.as_ref().map(|(_, n)| n.clone()),
            source: change.source.as_str(),
            reason: change.reason.clone(),
            actor_kind,
            actor_id: actor_id.map(DbUuid),
            created_at: now,
        })
        .collect();
    let changed_segments: Vec<DbUuid> = writes.segments.iter().map(|(p, _)| DbUuid(*p)).collect();
    let memberships: Vec<MembershipInsert> = writes
        .segments
        .iter()
        .flat_map(|(partner, segments)| {
            segments.iter().map(move |segment| MembershipInsert {
                org_id: org,
                partner_id: DbUuid(*partner),
                segment_id: DbUuid(*segment),
            })
        })
        .collect();
    let evaluated: Vec<DbUuid> = writes.evaluated.iter().copied().map(DbUuid).collect();
    let whole = writes.whole_organisation;
    // Many rows per insert on PostgreSQL; on SQLite (diesel-async cannot batch there) one
    // insert per row, in the same transaction, which costs no round trips in-process.
    macro_rules! write_all {
        ($conn:expr, $many:ident) => {
            $conn.transaction(async |c| {
                for ((tier, source), partners_to) in &by_target {
                    for chunk in partners_to.chunks(ID_CHUNK) {
                        diesel::update(
                            partners::table
                                .filter(partners::org_id.eq(org))
                                .filter(partners::id.eq_any(chunk.to_vec())),
                        )
                        .set((
                            partners::tier_id.eq(tier.map(DbUuid)),
                            partners::tier_source.eq(tier.map(|_| source.as_str())),
                            partners::tier_evaluated_at.eq(now),
                        ))
                        .execute(c)
                        .await?;
                    }
                }
                for chunk in changed_segments.chunks(ID_CHUNK) {
                    diesel::delete(
                        partner_segments::table
                            .filter(partner_segments::org_id.eq(org))
                            .filter(partner_segments::partner_id.eq_any(chunk.to_vec())),
                    )
                    .execute(c)
                    .await?;
                }
                $many!(c, partner_segments::table, memberships);
                $many!(c, partner_tier_changes::table, history);
                for chunk in evaluated.chunks(ID_CHUNK) {
                    diesel::update(
                        partners::table
                            .filter(partners::org_id.eq(org))
                            .filter(partners::id.eq_any(chunk.to_vec())),
                    )
                    .set(partners::tier_evaluated_at.eq(now))
                    .execute(c)
                    .await?;
                }
                if whole {
                    diesel::update(organizations::table.filter(organizations::id.eq(org)))
                        .set(organizations::tiers_evaluated_at.eq(Some(now)))
                        .execute(c)
                        .await?;
                }
                Ok::<_, diesel::result::Error>(())
            })
        };
    }
    macro_rules! batched {
        ($c:expr, $table:expr, $rows:expr) => {
            for chunk in $rows.chunks(1_000) {
                diesel::insert_into($table)
                    .values(chunk.to_vec())
                    .execute($c)
                    .await?;
            }
        };
    }
    macro_rules! one_by_one {
        ($c:expr, $table:expr, $rows:expr) => {
            for row in $rows.iter().cloned() {
                diesel::insert_into($table).values(row).execute($c).await?;
            }
        };
    }
    match conn {
        Conn::Postgres(c) => {
            let c: &mut diesel_async::AsyncPgConnection = c;
            write_all!(c, batched).await?;
        }
        Conn::Sqlite(c) => {
            let c: &mut crate::db::SqliteConn = c;
            write_all!(c, one_by_one).await?;
        }
    }
    Ok(())
}

/// When the organisation's tiers were last evaluated all together.
pub async fn org_evaluated_at(
    conn: &mut Conn,
    org_id: Uuid,
) -> Result<Option<DateTime<Utc>>, DbError> {
    let at: Option<DbTimestamp> = run!(conn, |c| organizations::table
        .filter(organizations::id.eq(DbUuid(org_id)))
        .select(organizations::tiers_evaluated_at)
        .get_result(c)
        .await)?;
    Ok(at.map(|t| t.0))
}

/// One recorded tier change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTierChange {
    /// Change id.
    pub id: Uuid,
    /// Tier before (id, name then).
    pub from: (Option<Uuid>, Option<String>),
    /// Tier after (id, name then).
    pub to: (Option<Uuid>, Option<String>),
    /// How the new tier was set.
    pub source: TierSource,
    /// Why.
    pub reason: Option<String>,
    /// `user`, `api_key` or `system`.
    pub actor_kind: String,
    /// The user or key.
    pub actor_id: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
}

type ChangeRow = (
    DbUuid,
    Option<DbUuid>,
    Option<String>,
    Option<DbUuid>,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<DbUuid>,
    DbTimestamp,
);

/// A page of a partner's tier changes, oldest first, and the total.
pub async fn history(
    conn: &mut Conn,
    org_id: Uuid,
    partner_id: Uuid,
    page: &KeysetPage,
) -> Result<(Vec<StoredTierChange>, i64), DbError> {
    let (org, partner) = (DbUuid(org_id), DbUuid(partner_id));
    let rows: Vec<ChangeRow> = run!(conn, |c| {
        let query = partner_tier_changes::table
            .filter(partner_tier_changes::org_id.eq(org))
            .filter(partner_tier_changes::partner_id.eq(partner))
            .select((
                partner_tier_changes::id,
                partner_tier_changes::from_tier_id,
                partner_tier_changes::from_tier_name,
                partner_tier_changes::to_tier_id,
                partner_tier_changes::to_tier_name,
                partner_tier_changes::source,
                partner_tier_changes::reason,
                partner_tier_changes::actor_kind,
                partner_tier_changes::actor_id,
                partner_tier_changes::created_at,
            ))
            .into_boxed();
        keyset!(query, partner_tier_changes, page).load(c).await
    })?;
    let count = partner_tier_changes::table
        .filter(partner_tier_changes::org_id.eq(org))
        .filter(partner_tier_changes::partner_id.eq(partner))
        .count();
    let total: i64 = run!(conn, |c| count.get_result(c).await)?;
    let changes = rows
        .into_iter()
        .map(
            |(id, from_id, from_name, to_id, to_name, source, reason, actor_kind, actor_id, at)| {
                Ok(StoredTierChange {
                    id: id.0,
                    from: (from_id.map(|u| u.0), from_name),
                    to: (to_id.map(|u| u.0), to_name),
                    source: TierSource::parse(&source)
                        .ok_or_else(|| corrupt("tier source", &source))?,
                    reason,
                    actor_kind,
                    actor_id: actor_id.map(|u| u.0),
                    created_at: at.0,
                })
            },
        )
        .collect::<Result<_, DbError>>()?;
    Ok((changes, total))
}

/// The segments of many partners, in one statement.
pub async fn segments_of(
    conn: &mut Conn,
    org_id: Uuid,
    partner_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<Uuid>>, DbError> {
    let ids: Vec<DbUuid> = partner_ids.iter().copied().map(DbUuid).collect();
    let rows: Vec<(DbUuid, DbUuid)> = run!(conn, |c| partner_segments::table
        .filter(partner_segments::org_id.eq(DbUuid(org_id)))
        .filter(partner_segments::partner_id.eq_any(ids.clone()))
        .select((partner_segments::partner_id, partner_segments::segment_id))
        .load(c)
        .await)?;
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (partner, segment) in rows {
        out.entry(partner.0).or_default().push(segment.0);
    }
    Ok(out)
}
