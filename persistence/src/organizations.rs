//! Organisations: the tenants.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::Currency;
use partnergraph_domain::deals::ExpiryDays;
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::organizations;
use crate::types::{DbTimestamp, DbUuid};

/// An organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Tenant id.
    pub id: Uuid,
    /// Normalised company domain.
    pub domain: String,
    /// Display name.
    pub display_name: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = organizations)]
struct OrganizationRow {
    id: DbUuid,
    domain: String,
    display_name: String,
    created_at: DbTimestamp,
}

impl From<OrganizationRow> for Organization {
    fn from(row: OrganizationRow) -> Self {
        Organization {
            id: row.id.0,
            domain: row.domain,
            display_name: row.display_name,
            created_at: row.created_at.0,
        }
    }
}

/// The organisation with this id.
pub async fn by_id(conn: &mut Conn, org_id: Uuid) -> Result<Option<Organization>, DbError> {
    // `as_select` is per backend, so the query is built inside each arm.
    let row: Option<OrganizationRow> = run!(conn, |c| organizations::table
        .filter(organizations::id.eq(DbUuid(org_id)))
        .select(OrganizationRow::as_select())
        .get_result(c)
        .await
        .optional())?;
    Ok(row.map(Organization::from))
}

/// Whether an organisation owns `domain`.
pub async fn domain_taken(conn: &mut Conn, domain: &str) -> Result<bool, DbError> {
    let query = diesel::select(diesel::dsl::exists(
        organizations::table.filter(organizations::domain.eq(domain.to_owned())),
    ));
    Ok(run!(conn, |c| query.get_result::<bool>(c).await)?)
}

/// Creates an organisation together with its first user, the owner, atomically.
pub async fn create_with_owner(
    conn: &mut Conn,
    org: &Organization,
    owner: &crate::users::NewUser,
) -> Result<(), DbError> {
    let insert_org = diesel::insert_into(organizations::table).values((
        organizations::id.eq(DbUuid(org.id)),
        organizations::domain.eq(org.domain.clone()),
        organizations::display_name.eq(org.display_name.clone()),
        organizations::created_at.eq(DbTimestamp(org.created_at)),
        organizations::updated_at.eq(DbTimestamp(org.created_at)),
    ));
    let insert_owner = crate::users::insert_statement(owner);
    run!(conn, |c| c
        .transaction(async |c| {
            insert_org.execute(c).await?;
            insert_owner.execute(c).await?;
            Ok::<_, diesel::result::Error>(())
        })
        .await)?;
    Ok(())
}

/// Takes the organisation's write lock for the rest of the transaction: updating its row
/// serialises membership changes on PostgreSQL and takes SQLite's write lock at once.
pub(crate) fn lock(
    org_id: Uuid,
) -> diesel::dsl::Update<
    diesel::dsl::Filter<organizations::table, diesel::dsl::Eq<organizations::id, DbUuid>>,
    diesel::dsl::Eq<organizations::updated_at, DbTimestamp>,
> {
    diesel::update(organizations::table.filter(organizations::id.eq(DbUuid(org_id))))
        .set(organizations::updated_at.eq(DbTimestamp(Utc::now())))
}

/// How an organisation keeps deals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DealSettings {
    /// The currency of every deal and rollup.
    pub currency: Currency,
    /// How long an approved registration protects its deal.
    pub expiry: ExpiryDays,
}

/// The organisation's deal settings.
pub async fn deal_settings(conn: &mut Conn, org_id: Uuid) -> Result<DealSettings, DbError> {
    let (code, days): (String, i32) = run!(conn, |c| organizations::table
        .filter(organizations::id.eq(DbUuid(org_id)))
        .select((
            organizations::deal_currency,
            organizations::registration_expiry_days,
        ))
        .get_result(c)
        .await)?;
    Ok(DealSettings {
        currency: Currency::parse(&code)
            .map_err(|_| DbError::Corrupt(format!("unknown currency `{code}`")))?,
        expiry: ExpiryDays::parse(i64::from(days))
            .map_err(|_| DbError::Corrupt(format!("registration expiry of {days} days")))?,
    })
}

/// Why deal settings were not changed.
#[derive(Debug)]
pub enum SettingsError {
    /// The currency cannot change once deals or registrations exist (amounts would mix).
    DealsExist,
    /// The database refused it.
    Db(DbError),
}

impl From<diesel::result::Error> for SettingsError {
    fn from(error: diesel::result::Error) -> Self {
        SettingsError::Db(DbError::from(error))
    }
}

/// Changes the organisation's deal settings; the rollups follow a currency change.
pub async fn set_deal_settings(
    conn: &mut Conn,
    org_id: Uuid,
    settings: DealSettings,
) -> Result<(), SettingsError> {
    use crate::schema::{deal_registrations, deals, partner_financials};
    let org = DbUuid(org_id);
    let code = settings.currency.code().to_owned();
    let days = i32::try_from(settings.expiry.days()).unwrap_or(i32::MAX);
    let now = DbTimestamp(crate::types::now());
    run!(conn, |c| c
        .transaction(async |c| {
            let current: String = organizations::table
                .filter(organizations::id.eq(org))
                .select(organizations::deal_currency)
                .get_result(c)
                .await?;
            if current != code {
                let has_deals: bool = diesel::select(diesel::dsl::exists(
                    deals::table.filter(deals::org_id.eq(org)),
                ))
                .get_result(c)
                .await?;
                let has_registrations: bool = diesel::select(diesel::dsl::exists(
                    deal_registrations::table.filter(deal_registrations::org_id.eq(org)),
                ))
                .get_result(c)
                .await?;
                if has_deals || has_registrations {
                    return Err(SettingsError::DealsExist);
                }
                diesel::update(
                    partner_financials::table.filter(partner_financials::org_id.eq(org)),
                )
                .set(partner_financials::currency.eq(code.clone()))
                .execute(c)
                .await?;
            }
            diesel::update(organizations::table.filter(organizations::id.eq(org)))
                .set((
                    organizations::deal_currency.eq(code.clone()),
                    organizations::registration_expiry_days.eq(days),
                    organizations::updated_at.eq(now),
                ))
                .execute(c)
                .await?;
            Ok(())
        })
        .await)
}
