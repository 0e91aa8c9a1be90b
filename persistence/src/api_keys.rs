//! API keys for integrations and BI tools.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use partnergraph_domain::Role;
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::page::role;
use crate::run;
use crate::schema::api_keys;
use crate::types::{DbTimestamp, DbUuid};

/// Most keys an organisation may hold (revoked ones included), so listing stays cheap.
pub const MAX_KEYS_PER_ORGANIZATION: i64 = 200;

/// An API key (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// Organisation.
    pub org_id: Uuid,
    /// Key id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Role it acts with.
    pub role: Role,
    /// Visible start of the secret.
    pub prefix: String,
    /// Creating user.
    pub created_by: Option<Uuid>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last use (at most a minute stale).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_keys)]
struct ApiKeyRow {
    org_id: DbUuid,
    id: DbUuid,
    name: String,
    role: String,
    prefix: String,
    created_by: Option<DbUuid>,
    created_at: DbTimestamp,
    last_used_at: Option<DbTimestamp>,
    revoked_at: Option<DbTimestamp>,
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = DbError;
    fn try_from(row: ApiKeyRow) -> Result<Self, DbError> {
        Ok(ApiKey {
            org_id: row.org_id.0,
            id: row.id.0,
            name: row.name,
            role: role(&row.role)?,
            prefix: row.prefix,
            created_by: row.created_by.map(|u| u.0),
            created_at: row.created_at.0,
            last_used_at: row.last_used_at.map(|t| t.0),
            revoked_at: row.revoked_at.map(|t| t.0),
        })
    }
}

/// Stores a key with the hash of its secret.
pub async fn insert(conn: &mut Conn, key: &ApiKey, secret_hash: &str) -> Result<(), DbError> {
    let insert = diesel::insert_into(api_keys::table).values((
        api_keys::org_id.eq(DbUuid(key.org_id)),
        api_keys::id.eq(DbUuid(key.id)),
        api_keys::name.eq(key.name.clone()),
        api_keys::role.eq(key.role.as_str()),
        api_keys::prefix.eq(key.prefix.clone()),
        api_keys::secret_hash.eq(secret_hash.to_owned()),
        api_keys::created_by.eq(key.created_by.map(DbUuid)),
        api_keys::created_at.eq(DbTimestamp(key.created_at)),
    ));
    run!(conn, |c| insert.execute(c).await)?;
    Ok(())
}

/// How many keys the organisation holds.
pub async fn count(conn: &mut Conn, org_id: Uuid) -> Result<i64, DbError> {
    let query = api_keys::table
        .filter(api_keys::org_id.eq(DbUuid(org_id)))
        .count();
    Ok(run!(conn, |c| query.get_result::<i64>(c).await)?)
}

/// The organisation's keys, newest first.
pub async fn list(conn: &mut Conn, org_id: Uuid) -> Result<Vec<ApiKey>, DbError> {
    let rows: Vec<ApiKeyRow> = run!(conn, |c| api_keys::table
        .filter(api_keys::org_id.eq(DbUuid(org_id)))
        .order((api_keys::created_at.desc(), api_keys::id.desc()))
        .limit(MAX_KEYS_PER_ORGANIZATION)
        .select(ApiKeyRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter().map(ApiKey::try_from).collect()
}

/// One key of the organisation.
pub async fn by_id(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<ApiKey>, DbError> {
    let row: Option<ApiKeyRow> = run!(conn, |c| api_keys::table
        .filter(api_keys::org_id.eq(DbUuid(org_id)))
        .filter(api_keys::id.eq(DbUuid(id)))
        .select(ApiKeyRow::as_select())
        .get_result(c)
        .await
        .optional())?;
    row.map(ApiKey::try_from).transpose()
}

/// The live (not revoked) key with this secret hash.
pub async fn live_by_secret_hash(
    conn: &mut Conn,
    secret_hash: &str,
) -> Result<Option<ApiKey>, DbError> {
    let row: Option<ApiKeyRow> = run!(conn, |c| api_keys::table
        .filter(api_keys::secret_hash.eq(secret_hash.to_owned()))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKeyRow::as_select())
        .get_result(c)
        .await
        .optional())?;
    row.map(ApiKey::try_from).transpose()
}

/// Revokes a key; `false` if it does not exist in the organisation.
pub async fn revoke(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<bool, DbError> {
    let exists = by_id(conn, org_id, id).await?.is_some();
    let update = diesel::update(
        api_keys::table
            .filter(api_keys::org_id.eq(DbUuid(org_id)))
            .filter(api_keys::id.eq(DbUuid(id)))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(DbTimestamp(Utc::now())));
    run!(conn, |c| update.execute(c).await)?;
    Ok(exists)
}

/// Records a use at `now` unless one was recorded in the last minute (at most one write a
/// minute per key, whatever the request rate).
pub async fn touch(
    conn: &mut Conn,
    org_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let stale = DbTimestamp(now - Duration::minutes(1));
    let update = diesel::update(
        api_keys::table
            .filter(api_keys::org_id.eq(DbUuid(org_id)))
            .filter(api_keys::id.eq(DbUuid(id)))
            .filter(
                api_keys::last_used_at
                    .is_null()
                    .or(api_keys::last_used_at.lt(stale)),
            ),
    )
    .set(api_keys::last_used_at.eq(DbTimestamp(now)));
    run!(conn, |c| update.execute(c).await)?;
    Ok(())
}
