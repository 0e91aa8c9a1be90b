//! Organisations: the tenants.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
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
