//! Deals, deal registrations, and the per-partner financial rollups kept in step with them.
//!
//! Every deal write refreshes `partner_financials` for the partners it touches inside the
//! same transaction, so the rollups are never stale and never typed in twice. A registration
//! carries a copy of its deal's status (`deal_status`), so whether it has expired can be
//! decided, filtered and swept from its own row.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::deals::{DealMotion, DealStatus, Financials, RegistrationStatus};
use partnergraph_domain::{Currency, Money};
use uuid::Uuid;

use crate::audit::{self, AuditEntry};
use crate::db::Conn;
use crate::error::DbError;
use crate::page::KeysetPage;
use crate::schema::{deal_registrations, deals, organizations, partner_financials, partners};
use crate::types::{DbTimestamp, DbUuid};
use crate::{keyset, run};

/// A deal attributed to a partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deal {
    /// Organisation.
    pub org_id: Uuid,
    /// Deal id.
    pub id: Uuid,
    /// The partner it is attributed to.
    pub partner_id: Uuid,
    /// The registration it came from.
    pub registration_id: Option<Uuid>,
    /// Id in the customer's CRM.
    pub external_id: Option<String>,
    /// Title.
    pub name: Option<String>,
    /// End customer.
    pub customer_name: String,
    /// End customer's normalised domain.
    pub customer_domain: Option<String>,
    /// Amount, in the organisation's deal currency.
    pub amount: Money,
    /// Product or services.
    pub motion: DealMotion,
    /// Open, won or lost.
    pub status: DealStatus,
    /// Expected close date.
    pub expected_close_on: Option<NaiveDate>,
    /// When won or lost.
    pub closed_on: Option<NaiveDate>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A deal registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Organisation.
    pub org_id: Uuid,
    /// Registration id.
    pub id: Uuid,
    /// The registering partner.
    pub partner_id: Uuid,
    /// End customer.
    pub customer_name: String,
    /// End customer's normalised domain.
    pub customer_domain: String,
    /// Amount, in the organisation's deal currency.
    pub amount: Money,
    /// Product or services.
    pub motion: DealMotion,
    /// Expected close date.
    pub expected_close_on: Option<NaiveDate>,
    /// The partner's notes.
    pub notes: Option<String>,
    /// The stored status (see [`Registration::status_at`] for the status as it reads).
    pub status: RegistrationStatus,
    /// Who submitted it.
    pub submitted_by: Option<Uuid>,
    /// Who decided.
    pub reviewed_by: Option<Uuid>,
    /// When decided.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Why.
    pub decision_reason: Option<String>,
    /// The deal opened on approval.
    pub deal_id: Option<Uuid>,
    /// That deal's status.
    pub deal_status: Option<DealStatus>,
    /// When the approval lapses while the deal is open.
    pub expires_at: Option<DateTime<Utc>>,
    /// Optimistic-concurrency version.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl Registration {
    /// The status as it reads at `now` (an approval past its expiry with the deal still open
    /// reads as expired before the sweep records it).
    pub fn status_at(&self, now: DateTime<Utc>) -> RegistrationStatus {
        self.status
            .effective(self.expires_at, self.deal_status, now)
    }
}

fn corrupt(what: &str, value: &str) -> DbError {
    DbError::Corrupt(format!("unknown {what} `{value}`"))
}

fn currency(code: &str) -> Result<Currency, DbError> {
    Currency::parse(code).map_err(|_| corrupt("currency", code))
}

fn deal_status(text: &str) -> Result<DealStatus, DbError> {
    DealStatus::parse(text).ok_or_else(|| corrupt("deal status", text))
}

fn motion(text: &str) -> Result<DealMotion, DbError> {
    DealMotion::parse(text).ok_or_else(|| corrupt("deal motion", text))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = deals)]
struct DealRow {
    org_id: DbUuid,
    id: DbUuid,
    partner_id: DbUuid,
    registration_id: Option<DbUuid>,
    external_id: Option<String>,
    name: Option<String>,
    customer_name: String,
    customer_domain: Option<String>,
    amount_minor: i64,
    currency: String,
    motion: String,
    status: String,
    expected_close_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    version: i64,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
}

impl TryFrom<DealRow> for Deal {
    type Error = DbError;

    fn try_from(row: DealRow) -> Result<Self, DbError> {
        Ok(Deal {
            org_id: row.org_id.0,
            id: row.id.0,
            partner_id: row.partner_id.0,
            registration_id: row.registration_id.map(|u| u.0),
            external_id: row.external_id,
            name: row.name,
            customer_name: row.customer_name,
            customer_domain: row.customer_domain,
            amount: Money::new(row.amount_minor, currency(&row.currency)?),
            motion: motion(&row.motion)?,
            status: deal_status(&row.status)?,
            expected_close_on: row.expected_close_on,
            closed_on: row.closed_on,
            version: row.version,
            created_at: row.created_at.0,
            updated_at: row.updated_at.0,
        })
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = deal_registrations)]
struct RegistrationRow {
    org_id: DbUuid,
    id: DbUuid,
    partner_id: DbUuid,
    customer_name: String,
    customer_domain: String,
    amount_minor: i64,
    currency: String,
    motion: String,
    expected_close_on: Option<NaiveDate>,
    notes: Option<String>,
    status: String,
    submitted_by: Option<DbUuid>,
    reviewed_by: Option<DbUuid>,
    reviewed_at: Option<DbTimestamp>,
    decision_reason: Option<String>,
    deal_id: Option<DbUuid>,
    deal_status: Option<String>,
    expires_at: Option<DbTimestamp>,
    version: i64,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
}

impl TryFrom<RegistrationRow> for Registration {
    type Error = DbError;

    fn try_from(row: RegistrationRow) -> Result<Self, DbError> {
        Ok(Registration {
            org_id: row.org_id.0,
            id: row.id.0,
            partner_id: row.partner_id.0,
            customer_name: row.customer_name,
            customer_domain: row.customer_domain,
            amount: Money::new(row.amount_minor, currency(&row.currency)?),
            motion: motion(&row.motion)?,
            expected_close_on: row.expected_close_on,
            notes: row.notes,
            status: RegistrationStatus::parse(&row.status)
                .ok_or_else(|| corrupt("registration status", &row.status))?,
            submitted_by: row.submitted_by.map(|u| u.0),
            reviewed_by: row.reviewed_by.map(|u| u.0),
            reviewed_at: row.reviewed_at.map(|t| t.0),
            decision_reason: row.decision_reason,
            deal_id: row.deal_id.map(|u| u.0),
            deal_status: row.deal_status.as_deref().map(deal_status).transpose()?,
            expires_at: row.expires_at.map(|t| t.0),
            version: row.version,
            created_at: row.created_at.0,
            updated_at: row.updated_at.0,
        })
    }
}

/// The stored financial rollups of a partner.
#[derive(Queryable, Selectable)]
#[diesel(table_name = partner_financials)]
pub(crate) struct FinancialsRow {
    currency: String,
    pipeline_minor: i64,
    revenue_minor: i64,
    product_revenue_minor: i64,
    active_deals: i64,
    closed_deals: i64,
    customers: i64,
    won_deals: i64,
}

impl TryFrom<FinancialsRow> for Financials {
    type Error = DbError;

    fn try_from(row: FinancialsRow) -> Result<Self, DbError> {
        let currency = currency(&row.currency)?;
        Ok(Financials {
            pipeline: Money::new(row.pipeline_minor, currency),
            revenue: Money::new(row.revenue_minor, currency),
            product_revenue: Money::new(row.product_revenue_minor, currency),
            active_deals: row.active_deals,
            closed_deals: row.closed_deals,
            won_deals: row.won_deals,
            customers: row.customers,
        })
    }
}

/// Recomputes `partner_financials` for `$partners` of `$org` from their deals, inside the
/// caller's transaction on connection `$c`. One definition for both backends: delete the rows,
/// then insert them again from an aggregate over the partners left-joined with their deals.
macro_rules! refresh_financials {
    ($c:expr, $org:expr, $partners:expr) => {{
        let org: DbUuid = $org;
        let ids: Vec<DbUuid> = $partners;
        diesel::delete(
            partner_financials::table
                .filter(partner_financials::org_id.eq(org))
                .filter(partner_financials::partner_id.eq_any(ids.clone())),
        )
        .execute($c)
        .await?;
        diesel::insert_into(partner_financials::table)
            .values(
                partners::table
                    .inner_join(organizations::table.on(organizations::id.eq(partners::org_id)))
                    .left_join(
                        deals::table.on(deals::org_id
                            .eq(partners::org_id)
                            .and(deals::partner_id.eq(partners::id))),
                    )
                    .filter(partners::org_id.eq(org))
                    .filter(partners::id.eq_any(ids))
                    .group_by((partners::org_id, partners::id))
                    .select((
                        partners::org_id,
                        partners::id,
                        // one organisation row per partner: min() only satisfies grouping
                        diesel::dsl::sql::<diesel::sql_types::Text>(
                            "min(organizations.deal_currency)",
                        ),
                        diesel::dsl::sql::<diesel::sql_types::BigInt>($crate::deals::PIPELINE_SQL),
                        diesel::dsl::sql::<diesel::sql_types::BigInt>($crate::deals::REVENUE_SQL),
                        diesel::dsl::sql::<diesel::sql_types::BigInt>(
                            $crate::deals::PRODUCT_REVENUE_SQL,
                        ),
                        diesel::dsl::sql::<diesel::sql_types::BigInt>($crate::deals::ACTIVE_SQL),
                        diesel::dsl::sql::<diesel::sql_types::BigInt>($crate::deals::CLOSED_SQL),
                        diesel::dsl::sql::<diesel::sql_types::BigInt>($crate::deals::CUSTOMERS_SQL),
                        diesel::dsl::sql::<diesel::sql_types::BigInt>($crate::deals::WON_SQL),
                    )),
            )
            .into_columns((
                partner_financials::org_id,
                partner_financials::partner_id,
                partner_financials::currency,
                partner_financials::pipeline_minor,
                partner_financials::revenue_minor,
                partner_financials::product_revenue_minor,
                partner_financials::active_deals,
                partner_financials::closed_deals,
                partner_financials::customers,
                partner_financials::won_deals,
            ))
            .execute($c)
            .await?;
    }};
}
pub(crate) use refresh_financials;

// The rollup definitions of `Financials::of`, as SQL over `partners left join deals`
// (sums are cast because PostgreSQL sums bigints into numerics).
pub(crate) const PIPELINE_SQL: &str =
    "cast(coalesce(sum(case when deals.status = 'open' then deals.amount_minor end), 0) as bigint)";
pub(crate) const REVENUE_SQL: &str =
    "cast(coalesce(sum(case when deals.status = 'won' then deals.amount_minor end), 0) as bigint)";
pub(crate) const PRODUCT_REVENUE_SQL: &str = "cast(coalesce(sum(case when deals.status = 'won' and deals.motion = 'product' then deals.amount_minor end), 0) as bigint)";
pub(crate) const ACTIVE_SQL: &str =
    "cast(count(case when deals.status = 'open' then 1 end) as bigint)";
pub(crate) const CLOSED_SQL: &str =
    "cast(count(case when deals.status in ('won', 'lost') then 1 end) as bigint)";
pub(crate) const CUSTOMERS_SQL: &str =
    "cast(count(distinct case when deals.status = 'won' then deals.customer_domain end) as bigint)";
pub(crate) const WON_SQL: &str = "cast(count(case when deals.status = 'won' then 1 end) as bigint)";

/// Rows per multi-row insert: well under both backends' bind-parameter limits (17 columns).
const BULK_CHUNK: usize = 500;

/// Inserts many deals without audit entries, a chunk per transaction, then leaves the
/// rollups to [`refresh_financials_of`]. For bulk loading only (`seed-demo`): every
/// user-facing write goes through [`create_deals`] or [`update_deal`].
///
/// A named exception to "one query for both backends": PostgreSQL takes multi-row inserts,
/// while diesel cannot batch these nullable columns on SQLite, where row-by-row inserts in
/// one transaction are as fast (no network round trips).
pub async fn insert_bulk(conn: &mut Conn, new: &[Deal]) -> Result<(), DbError> {
    for chunk in new.chunks(BULK_CHUNK) {
        let rows: Vec<DealValues> = chunk.iter().map(deal_values).collect();
        match conn {
            Conn::Postgres(c) => {
                let c: &mut diesel_async::AsyncPgConnection = c;
                diesel::insert_into(deals::table)
                    .values(rows)
                    .execute(c)
                    .await?;
            }
            Conn::Sqlite(c) => {
                let c: &mut crate::db::SqliteConn = c;
                c.transaction(async |c| {
                    for row in rows {
                        diesel::insert_into(deals::table)
                            .values(row)
                            .execute(c)
                            .await?;
                    }
                    Ok::<_, diesel::result::Error>(())
                })
                .await?;
            }
        }
    }
    Ok(())
}

/// Recomputes the rollups of `partner_ids` from their deals, a thousand partners per
/// transaction.
pub async fn refresh_financials_of(
    conn: &mut Conn,
    org_id: Uuid,
    partner_ids: &[Uuid],
) -> Result<(), DbError> {
    let org = DbUuid(org_id);
    for chunk in partner_ids.chunks(1_000) {
        let ids: Vec<DbUuid> = chunk.iter().copied().map(DbUuid).collect();
        run!(conn, |c| c
            .transaction(async |c| {
                refresh_financials!(c, org, ids.clone());
                Ok::<_, diesel::result::Error>(())
            })
            .await)?;
    }
    Ok(())
}

/// Sets the closed-deals rollup of `partner_ids` to `closed_deals` in one statement, without
/// touching their deals: for benchmarks and tests that need partners' facts to change
/// without the deal write path (which re-evaluates by itself). The next
/// [`refresh_financials_of`] recomputes the true value. Returns the rows changed.
pub async fn override_closed_deals(
    conn: &mut Conn,
    org_id: Uuid,
    partner_ids: &[Uuid],
    closed_deals: i64,
) -> Result<usize, DbError> {
    let ids: Vec<DbUuid> = partner_ids.iter().copied().map(DbUuid).collect();
    let org = DbUuid(org_id);
    Ok(run!(conn, |c| diesel::update(
        partner_financials::table
            .filter(partner_financials::org_id.eq(org))
            .filter(partner_financials::partner_id.eq_any(ids.clone())),
    )
    .set(partner_financials::closed_deals.eq(closed_deals))
    .execute(c)
    .await)?)
}

/// Why a deal or registration write did not happen.
#[derive(Debug)]
pub enum DealWriteError {
    /// It changed since the version the caller read.
    Stale,
    /// The database refused it.
    Db(DbError),
}

impl From<diesel::result::Error> for DealWriteError {
    fn from(error: diesel::result::Error) -> Self {
        DealWriteError::Db(DbError::from(error))
    }
}

impl From<DbError> for DealWriteError {
    fn from(error: DbError) -> Self {
        DealWriteError::Db(error)
    }
}

fn insert_deal_statement(
    d: &Deal,
) -> diesel::query_builder::InsertStatement<
    deals::table,
    <DealValues as Insertable<deals::table>>::Values,
> {
    diesel::insert_into(deals::table).values(deal_values(d))
}

type DealValues = (
    diesel::dsl::Eq<deals::org_id, DbUuid>,
    diesel::dsl::Eq<deals::id, DbUuid>,
    diesel::dsl::Eq<deals::partner_id, DbUuid>,
    diesel::dsl::Eq<deals::registration_id, Option<DbUuid>>,
    diesel::dsl::Eq<deals::external_id, Option<String>>,
    diesel::dsl::Eq<deals::name, Option<String>>,
    diesel::dsl::Eq<deals::customer_name, String>,
    diesel::dsl::Eq<deals::customer_domain, Option<String>>,
    diesel::dsl::Eq<deals::amount_minor, i64>,
    diesel::dsl::Eq<deals::currency, String>,
    diesel::dsl::Eq<deals::motion, &'static str>,
    diesel::dsl::Eq<deals::status, &'static str>,
    diesel::dsl::Eq<deals::expected_close_on, Option<NaiveDate>>,
    diesel::dsl::Eq<deals::closed_on, Option<NaiveDate>>,
    diesel::dsl::Eq<deals::version, i64>,
    diesel::dsl::Eq<deals::created_at, DbTimestamp>,
    diesel::dsl::Eq<deals::updated_at, DbTimestamp>,
);

fn deal_values(d: &Deal) -> DealValues {
    (
        deals::org_id.eq(DbUuid(d.org_id)),
        deals::id.eq(DbUuid(d.id)),
        deals::partner_id.eq(DbUuid(d.partner_id)),
        deals::registration_id.eq(d.registration_id.map(DbUuid)),
        deals::external_id.eq(d.external_id.clone()),
        deals::name.eq(d.name.clone()),
        deals::customer_name.eq(d.customer_name.clone()),
        deals::customer_domain.eq(d.customer_domain.clone()),
        deals::amount_minor.eq(d.amount.minor()),
        deals::currency.eq(d.amount.currency().code().to_owned()),
        deals::motion.eq(d.motion.as_str()),
        deals::status.eq(d.status.as_str()),
        deals::expected_close_on.eq(d.expected_close_on),
        deals::closed_on.eq(d.closed_on),
        deals::version.eq(d.version),
        deals::created_at.eq(DbTimestamp(d.created_at)),
        deals::updated_at.eq(DbTimestamp(d.updated_at)),
    )
}

/// Inserts deals (version 1) with their audit entries and refreshes their partners' rollups,
/// in one transaction.
pub async fn create_deals(
    conn: &mut Conn,
    org_id: Uuid,
    new: &[(Deal, AuditEntry)],
) -> Result<(), DbError> {
    let inserts: Vec<_> = new
        .iter()
        .map(|(d, e)| (insert_deal_statement(d), audit::insert_statement(e)))
        .collect();
    let partners: Vec<DbUuid> = unique_partners(new.iter().map(|(d, _)| d.partner_id));
    let org = DbUuid(org_id);
    run!(conn, |c| c
        .transaction(async |c| {
            for (deal, entry) in inserts {
                deal.execute(c).await?;
                entry.execute(c).await?;
            }
            refresh_financials!(c, org, partners);
            Ok::<_, diesel::result::Error>(())
        })
        .await)?;
    Ok(())
}

fn unique_partners(ids: impl Iterator<Item = Uuid>) -> Vec<DbUuid> {
    let set: std::collections::BTreeSet<Uuid> = ids.collect();
    set.into_iter().map(DbUuid).collect()
}

/// Replaces a deal's mutable fields if its version is still `expected_version`
/// (`deal.version` must be one more), keeps its registration's copy of the status in step,
/// records the audit entry and refreshes the rollups of the deal's partner (and of the
/// partner it moved from, if any).
pub async fn update_deal(
    conn: &mut Conn,
    deal: &Deal,
    previous_partner: Uuid,
    expected_version: i64,
    entry: &AuditEntry,
) -> Result<(), DealWriteError> {
    let (org, id) = (DbUuid(deal.org_id), DbUuid(deal.id));
    let update = diesel::update(
        deals::table
            .filter(deals::org_id.eq(org))
            .filter(deals::id.eq(id))
            .filter(deals::version.eq(expected_version)),
    )
    .set((
        deals::partner_id.eq(DbUuid(deal.partner_id)),
        deals::external_id.eq(deal.external_id.clone()),
        deals::name.eq(deal.name.clone()),
        deals::customer_name.eq(deal.customer_name.clone()),
        deals::customer_domain.eq(deal.customer_domain.clone()),
        deals::amount_minor.eq(deal.amount.minor()),
        deals::currency.eq(deal.amount.currency().code().to_owned()),
        deals::motion.eq(deal.motion.as_str()),
        deals::status.eq(deal.status.as_str()),
        deals::expected_close_on.eq(deal.expected_close_on),
        deals::closed_on.eq(deal.closed_on),
        deals::version.eq(deal.version),
        deals::updated_at.eq(DbTimestamp(deal.updated_at)),
    ));
    let mirror = diesel::update(
        deal_registrations::table
            .filter(deal_registrations::org_id.eq(org))
            .filter(deal_registrations::deal_id.eq(id)),
    )
    .set(deal_registrations::deal_status.eq(deal.status.as_str()));
    let insert_entry = audit::insert_statement(entry);
    let partners = unique_partners([deal.partner_id, previous_partner].into_iter());
    run!(conn, |c| c
        .transaction(async |c| {
            if update.execute(c).await? == 0 {
                return Err(DealWriteError::Stale);
            }
            mirror.execute(c).await?;
            insert_entry.execute(c).await?;
            refresh_financials!(c, org, partners);
            Ok(())
        })
        .await)
}

/// One deal of the organisation.
pub async fn deal(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<Deal>, DbError> {
    let row: Option<DealRow> = run!(conn, |c| deals::table
        .filter(deals::org_id.eq(DbUuid(org_id)))
        .filter(deals::id.eq(DbUuid(id)))
        .select(DealRow::as_select())
        .get_result(c)
        .await
        .optional())?;
    row.map(Deal::try_from).transpose()
}

/// Deals of the organisation by external id (for imports), in one statement.
pub async fn deals_by_external_ids(
    conn: &mut Conn,
    org_id: Uuid,
    external_ids: &[String],
) -> Result<Vec<Deal>, DbError> {
    let rows: Vec<DealRow> = run!(conn, |c| deals::table
        .filter(deals::org_id.eq(DbUuid(org_id)))
        .filter(deals::external_id.eq_any(external_ids.to_vec()))
        .select(DealRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter().map(Deal::try_from).collect()
}

/// Which deals to list.
#[derive(Debug, Clone, Default)]
pub struct DealFilter {
    /// Only these partners' deals (`None`: every partner).
    pub partner_ids: Option<Vec<Uuid>>,
    /// Any of these statuses (all when empty).
    pub statuses: Vec<DealStatus>,
    /// Only deals for this customer domain.
    pub customer_domain: Option<String>,
}

/// A page of deals in `(created_at, id)` order, and the filtered total.
pub async fn deals_page(
    conn: &mut Conn,
    org_id: Uuid,
    filter: &DealFilter,
    page: &KeysetPage,
) -> Result<(Vec<Deal>, i64), DbError> {
    let org = DbUuid(org_id);
    let partner_ids: Option<Vec<DbUuid>> = filter
        .partner_ids
        .as_ref()
        .map(|ids| ids.iter().copied().map(DbUuid).collect());
    let statuses: Vec<&'static str> = filter.statuses.iter().map(|s| s.as_str()).collect();
    macro_rules! filtered {
        ($query:expr) => {{
            let mut query = $query.filter(deals::org_id.eq(org));
            if let Some(ids) = &partner_ids {
                query = query.filter(deals::partner_id.eq_any(ids.clone()));
            }
            if !statuses.is_empty() {
                query = query.filter(deals::status.eq_any(statuses.clone()));
            }
            if let Some(domain) = &filter.customer_domain {
                query = query.filter(deals::customer_domain.eq(domain.clone()));
            }
            query
        }};
    }
    let rows: Vec<DealRow> = run!(conn, |c| {
        let query = filtered!(deals::table.select(DealRow::as_select()).into_boxed());
        keyset!(query, deals, page).load(c).await
    })?;
    let total: i64 = run!(conn, |c| {
        filtered!(deals::table.count().into_boxed())
            .get_result(c)
            .await
    })?;
    Ok((
        rows.into_iter()
            .map(Deal::try_from)
            .collect::<Result<_, _>>()?,
        total,
    ))
}

/// Submits a registration with its audit entry.
pub async fn create_registration(
    conn: &mut Conn,
    r: &Registration,
    entry: &AuditEntry,
) -> Result<(), DbError> {
    let insert = diesel::insert_into(deal_registrations::table).values((
        (
            deal_registrations::org_id.eq(DbUuid(r.org_id)),
            deal_registrations::id.eq(DbUuid(r.id)),
            deal_registrations::partner_id.eq(DbUuid(r.partner_id)),
            deal_registrations::customer_name.eq(r.customer_name.clone()),
            deal_registrations::customer_domain.eq(r.customer_domain.clone()),
            deal_registrations::amount_minor.eq(r.amount.minor()),
            deal_registrations::currency.eq(r.amount.currency().code().to_owned()),
            deal_registrations::motion.eq(r.motion.as_str()),
            deal_registrations::expected_close_on.eq(r.expected_close_on),
            deal_registrations::notes.eq(r.notes.clone()),
        ),
        (
            deal_registrations::status.eq(r.status.as_str()),
            deal_registrations::submitted_by.eq(r.submitted_by.map(DbUuid)),
            deal_registrations::version.eq(r.version),
            deal_registrations::created_at.eq(DbTimestamp(r.created_at)),
            deal_registrations::updated_at.eq(DbTimestamp(r.updated_at)),
        ),
    ));
    let insert_entry = audit::insert_statement(entry);
    run!(conn, |c| c
        .transaction(async |c| {
            insert.execute(c).await?;
            insert_entry.execute(c).await?;
            Ok::<_, diesel::result::Error>(())
        })
        .await)?;
    Ok(())
}

/// Writes a registration's review state (status, reviewer, reason, deal, expiry) if its
/// version is still `expected_version`; with `opened`, inserts that deal and refreshes the
/// partner's rollups in the same transaction. Records every audit entry.
pub async fn review_registration(
    conn: &mut Conn,
    r: &Registration,
    expected_version: i64,
    opened: Option<&Deal>,
    entries: &[AuditEntry],
) -> Result<(), DealWriteError> {
    let org = DbUuid(r.org_id);
    let update = diesel::update(
        deal_registrations::table
            .filter(deal_registrations::org_id.eq(org))
            .filter(deal_registrations::id.eq(DbUuid(r.id)))
            .filter(deal_registrations::version.eq(expected_version)),
    )
    .set((
        deal_registrations::status.eq(r.status.as_str()),
        deal_registrations::reviewed_by.eq(r.reviewed_by.map(DbUuid)),
        deal_registrations::reviewed_at.eq(r.reviewed_at.map(DbTimestamp)),
        deal_registrations::decision_reason.eq(r.decision_reason.clone()),
        deal_registrations::deal_id.eq(r.deal_id.map(DbUuid)),
        deal_registrations::deal_status.eq(r.deal_status.map(DealStatus::as_str)),
        deal_registrations::expires_at.eq(r.expires_at.map(DbTimestamp)),
        deal_registrations::version.eq(r.version),
        deal_registrations::updated_at.eq(DbTimestamp(r.updated_at)),
    ));
    let insert_deal = opened.map(insert_deal_statement);
    let inserts: Vec<_> = entries.iter().map(audit::insert_statement).collect();
    let partners = vec![DbUuid(r.partner_id)];
    run!(conn, |c| c
        .transaction(async |c| {
            if update.execute(c).await? == 0 {
                return Err(DealWriteError::Stale);
            }
            if let Some(insert_deal) = insert_deal {
                insert_deal.execute(c).await?;
                refresh_financials!(c, org, partners);
            }
            for entry in inserts {
                entry.execute(c).await?;
            }
            Ok(())
        })
        .await)
}

/// One registration of the organisation.
pub async fn registration(
    conn: &mut Conn,
    org_id: Uuid,
    id: Uuid,
) -> Result<Option<Registration>, DbError> {
    let row: Option<RegistrationRow> = run!(conn, |c| deal_registrations::table
        .filter(deal_registrations::org_id.eq(DbUuid(org_id)))
        .filter(deal_registrations::id.eq(DbUuid(id)))
        .select(RegistrationRow::as_select())
        .get_result(c)
        .await
        .optional())?;
    row.map(Registration::try_from).transpose()
}

/// Which registrations to list.
#[derive(Debug, Clone, Default)]
pub struct RegistrationFilter {
    /// Only these partners' registrations (`None`: every partner).
    pub partner_ids: Option<Vec<Uuid>>,
    /// Any of these statuses as they read at `now` (all when empty).
    pub statuses: Vec<RegistrationStatus>,
    /// Only registrations for this customer domain.
    pub customer_domain: Option<String>,
}

/// A page of registrations in `(created_at, id)` order, and the filtered total. Status
/// filters match the status as it reads at `now`.
pub async fn registrations_page(
    conn: &mut Conn,
    org_id: Uuid,
    filter: &RegistrationFilter,
    now: DateTime<Utc>,
    page: &KeysetPage,
) -> Result<(Vec<Registration>, i64), DbError> {
    use deal_registrations as r;
    let org = DbUuid(org_id);
    let partner_ids: Option<Vec<DbUuid>> = filter
        .partner_ids
        .as_ref()
        .map(|ids| ids.iter().copied().map(DbUuid).collect());
    let wants = |s: RegistrationStatus| filter.statuses.contains(&s);
    // Statuses that read as stored; approved and expired depend on the time.
    let plain: Vec<&'static str> = filter
        .statuses
        .iter()
        .filter(|s| {
            !matches!(
                s,
                RegistrationStatus::Approved | RegistrationStatus::Expired
            )
        })
        .map(|s| s.as_str())
        .collect();
    let (want_approved, want_expired) = (
        wants(RegistrationStatus::Approved),
        wants(RegistrationStatus::Expired),
    );
    let now = DbTimestamp(now);
    macro_rules! filtered {
        ($query:expr) => {{
            let mut query = $query.filter(r::org_id.eq(org));
            if let Some(ids) = &partner_ids {
                query = query.filter(r::partner_id.eq_any(ids.clone()));
            }
            if !filter.statuses.is_empty() {
                let lapsed = r::status
                    .eq("approved")
                    .and(r::expires_at.le(now))
                    .and(r::deal_status.eq("open"));
                query = query.filter(
                    r::status
                        .eq_any(plain.clone())
                        .nullable()
                        .or(
                            diesel::dsl::sql::<Bool>(if want_approved { "1 = 1" } else { "1 = 0" })
                                .and(r::status.eq("approved"))
                                .and(r::expires_at.gt(now).or(r::deal_status.ne("open"))),
                        )
                        .or(
                            diesel::dsl::sql::<Bool>(if want_expired { "1 = 1" } else { "1 = 0" })
                                .and(r::status.eq("expired").nullable().or(lapsed)),
                        ),
                );
            }
            if let Some(domain) = &filter.customer_domain {
                query = query.filter(r::customer_domain.eq(domain.clone()));
            }
            query
        }};
    }
    let rows: Vec<RegistrationRow> = run!(conn, |c| {
        let query = filtered!(r::table.select(RegistrationRow::as_select()).into_boxed());
        keyset!(query, deal_registrations, page).load(c).await
    })?;
    let total: i64 = run!(conn, |c| {
        filtered!(r::table.count().into_boxed()).get_result(c).await
    })?;
    Ok((
        rows.into_iter()
            .map(Registration::try_from)
            .collect::<Result<_, _>>()?,
        total,
    ))
}

/// Other partners' live registrations and open deals for `customer_domain` (at most `limit`
/// of each), for channel-conflict checks.
pub async fn conflicts(
    conn: &mut Conn,
    org_id: Uuid,
    customer_domain: &str,
    except_partner: Option<Uuid>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<(Vec<Registration>, Vec<Deal>), DbError> {
    let org = DbUuid(org_id);
    let except = except_partner.map(DbUuid);
    let domain = customer_domain.to_owned();
    let registrations: Vec<RegistrationRow> = run!(conn, |c| {
        let mut query = deal_registrations::table
            .filter(deal_registrations::org_id.eq(org))
            .filter(deal_registrations::customer_domain.eq(domain.clone()))
            .filter(deal_registrations::status.eq_any(["submitted", "under_review", "approved"]))
            .select(RegistrationRow::as_select())
            .order((deal_registrations::created_at, deal_registrations::id))
            .limit(limit)
            .into_boxed();
        if let Some(except) = except {
            query = query.filter(deal_registrations::partner_id.ne(except));
        }
        query.load(c).await
    })?;
    let deals: Vec<DealRow> = run!(conn, |c| {
        let mut query = deals::table
            .filter(deals::org_id.eq(org))
            .filter(deals::customer_domain.eq(domain.clone()))
            .filter(deals::status.eq("open"))
            .select(DealRow::as_select())
            .order((deals::created_at, deals::id))
            .limit(limit)
            .into_boxed();
        if let Some(except) = except {
            query = query.filter(deals::partner_id.ne(except));
        }
        query.load(c).await
    })?;
    let registrations = registrations
        .into_iter()
        .map(Registration::try_from)
        .filter(|r| r.as_ref().map_or(true, |r| r.status_at(now).is_live()))
        .collect::<Result<_, _>>()?;
    let deals = deals
        .into_iter()
        .map(Deal::try_from)
        .collect::<Result<_, _>>()?;
    Ok((registrations, deals))
}

/// Records as expired up to `limit` approved registrations (of any organisation) whose
/// expiry has passed while their deal is open, each with a system audit entry; returns
/// `(org, registration)` of each.
pub async fn expire_due(
    conn: &mut Conn,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<(Uuid, Uuid)>, DbError> {
    let at = DbTimestamp(now);
    let due: Vec<(DbUuid, DbUuid, i64)> = run!(conn, |c| deal_registrations::table
        .filter(deal_registrations::status.eq("approved"))
        .filter(deal_registrations::expires_at.le(at))
        .filter(deal_registrations::deal_status.eq("open"))
        .select((
            deal_registrations::org_id,
            deal_registrations::id,
            deal_registrations::version,
        ))
        .order(deal_registrations::expires_at)
        .limit(limit)
        .load(c)
        .await)?;
    let mut expired = Vec::with_capacity(due.len());
    for (org, id, version) in due {
        let entry = AuditEntry {
            org_id: org.0,
            id: Uuid::now_v7(),
            subject_kind: "deal_registration",
            subject_id: id.0,
            action: "update",
            actor: audit::Actor::System,
            changes: serde_json::json!({ "status": { "before": "approved", "after": "expired" } }),
            created_at: now,
        };
        let update = diesel::update(
            deal_registrations::table
                .filter(deal_registrations::org_id.eq(org))
                .filter(deal_registrations::id.eq(id))
                .filter(deal_registrations::version.eq(version))
                .filter(deal_registrations::status.eq("approved"))
                .filter(deal_registrations::deal_status.eq("open")),
        )
        .set((
            deal_registrations::status.eq("expired"),
            deal_registrations::version.eq(version + 1),
            deal_registrations::updated_at.eq(at),
        ));
        let insert_entry = audit::insert_statement(&entry);
        // A registration changed meanwhile (its deal closed) is left for the next sweep.
        let changed: bool = run!(conn, |c| c
            .transaction(async |c| {
                if update.execute(c).await? == 0 {
                    return Ok::<_, diesel::result::Error>(false);
                }
                insert_entry.execute(c).await?;
                Ok(true)
            })
            .await)?;
        if changed {
            expired.push((org.0, id.0));
        }
    }
    Ok(expired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollup_sql_casts_every_aggregate_to_bigint() {
        for fragment in [
            PIPELINE_SQL,
            REVENUE_SQL,
            PRODUCT_REVENUE_SQL,
            ACTIVE_SQL,
            CLOSED_SQL,
            CUSTOMERS_SQL,
        ] {
            assert!(fragment.starts_with("cast(") && fragment.ends_with(" as bigint)"));
        }
    }
}
