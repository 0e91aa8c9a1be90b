//! Sessions and their rotating refresh tokens.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::Role;
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::page::role;
use crate::run;
use crate::schema::{refresh_tokens, sessions, users};
use crate::types::{DbTimestamp, DbUuid};

/// A refresh token to store (its hash only).
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    /// Token id.
    pub id: Uuid,
    /// SHA-256 hex of the token.
    pub token_hash: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// Starts a session for a user with its first refresh token.
pub async fn start(
    conn: &mut Conn,
    org_id: Uuid,
    user_id: Uuid,
    session_id: Uuid,
    session_expires_at: DateTime<Utc>,
    token: &NewRefreshToken,
) -> Result<(), DbError> {
    let now = DbTimestamp(Utc::now());
    let insert_session = diesel::insert_into(sessions::table).values((
        sessions::org_id.eq(DbUuid(org_id)),
        sessions::id.eq(DbUuid(session_id)),
        sessions::user_id.eq(DbUuid(user_id)),
        sessions::created_at.eq(now),
        sessions::expires_at.eq(DbTimestamp(session_expires_at)),
    ));
    let insert_token = insert_token(org_id, session_id, token);
    run!(conn, |c| c
        .transaction(async |c| {
            insert_session.execute(c).await?;
            insert_token.execute(c).await?;
            Ok::<_, diesel::result::Error>(())
        })
        .await)?;
    Ok(())
}

/// The column values of a refresh-token insert.
type NewTokenValues = (
    diesel::dsl::Eq<refresh_tokens::org_id, DbUuid>,
    diesel::dsl::Eq<refresh_tokens::id, DbUuid>,
    diesel::dsl::Eq<refresh_tokens::session_id, DbUuid>,
    diesel::dsl::Eq<refresh_tokens::token_hash, String>,
    diesel::dsl::Eq<refresh_tokens::created_at, DbTimestamp>,
    diesel::dsl::Eq<refresh_tokens::expires_at, DbTimestamp>,
);

/// A refresh-token insert.
type InsertToken = diesel::query_builder::InsertStatement<
    refresh_tokens::table,
    <NewTokenValues as Insertable<refresh_tokens::table>>::Values,
>;

fn insert_token(org_id: Uuid, session_id: Uuid, token: &NewRefreshToken) -> InsertToken {
    diesel::insert_into(refresh_tokens::table).values((
        refresh_tokens::org_id.eq(DbUuid(org_id)),
        refresh_tokens::id.eq(DbUuid(token.id)),
        refresh_tokens::session_id.eq(DbUuid(session_id)),
        refresh_tokens::token_hash.eq(token.token_hash.clone()),
        refresh_tokens::created_at.eq(DbTimestamp(Utc::now())),
        refresh_tokens::expires_at.eq(DbTimestamp(token.expires_at)),
    ))
}

/// A stored refresh token with its session's state.
#[derive(Debug, Clone)]
pub struct RefreshTokenRecord {
    /// Organisation.
    pub org_id: Uuid,
    /// Token id.
    pub id: Uuid,
    /// Session.
    pub session_id: Uuid,
    /// Session's user.
    pub user_id: Uuid,
    /// Token expiry.
    pub expires_at: DateTime<Utc>,
    /// Set once exchanged: presenting it again is reuse.
    pub rotated_at: Option<DateTime<Utc>>,
    /// Set when the session ended.
    pub session_revoked_at: Option<DateTime<Utc>>,
}

/// Looks a refresh token up by its hash.
pub async fn refresh_token(
    conn: &mut Conn,
    token_hash: &str,
) -> Result<Option<RefreshTokenRecord>, DbError> {
    let query = refresh_tokens::table
        .inner_join(
            sessions::table.on(sessions::org_id
                .eq(refresh_tokens::org_id)
                .and(sessions::id.eq(refresh_tokens::session_id))),
        )
        .filter(refresh_tokens::token_hash.eq(token_hash.to_owned()))
        .select((
            refresh_tokens::org_id,
            refresh_tokens::id,
            refresh_tokens::session_id,
            sessions::user_id,
            refresh_tokens::expires_at,
            refresh_tokens::rotated_at,
            sessions::revoked_at,
        ));
    type Row = (
        DbUuid,
        DbUuid,
        DbUuid,
        DbUuid,
        DbTimestamp,
        Option<DbTimestamp>,
        Option<DbTimestamp>,
    );
    let row: Option<Row> = run!(conn, |c| query.get_result(c).await.optional())?;
    Ok(row.map(
        |(org_id, id, session_id, user_id, expires_at, rotated_at, revoked_at)| {
            RefreshTokenRecord {
                org_id: org_id.0,
                id: id.0,
                session_id: session_id.0,
                user_id: user_id.0,
                expires_at: expires_at.0,
                rotated_at: rotated_at.map(|t| t.0),
                session_revoked_at: revoked_at.map(|t| t.0),
            }
        },
    ))
}

/// Exchanges a refresh token for `next`. Returns `false` (and stores nothing) when the token was
/// already exchanged concurrently: the caller treats that as reuse.
pub async fn rotate(
    conn: &mut Conn,
    current: &RefreshTokenRecord,
    next: &NewRefreshToken,
) -> Result<bool, DbError> {
    let mark = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::org_id.eq(DbUuid(current.org_id)))
            .filter(refresh_tokens::id.eq(DbUuid(current.id)))
            .filter(refresh_tokens::rotated_at.is_null()),
    )
    .set(refresh_tokens::rotated_at.eq(DbTimestamp(Utc::now())));
    let insert = insert_token(current.org_id, current.session_id, next);
    Ok(run!(conn, |c| c
        .transaction(async |c| {
            if mark.execute(c).await? == 0 {
                return Ok::<_, diesel::result::Error>(false);
            }
            insert.execute(c).await?;
            Ok(true)
        })
        .await)?)
}

/// Ends a session (sign-out, or reuse of a rotated refresh token).
pub async fn revoke(conn: &mut Conn, org_id: Uuid, session_id: Uuid) -> Result<(), DbError> {
    let update = diesel::update(
        sessions::table
            .filter(sessions::org_id.eq(DbUuid(org_id)))
            .filter(sessions::id.eq(DbUuid(session_id)))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(DbTimestamp(Utc::now())));
    run!(conn, |c| update.execute(c).await)?;
    Ok(())
}

/// The member behind a live session: role and partner of `user_id` if the session is neither
/// revoked nor expired and the user still belongs to the organisation.
pub async fn live_member(
    conn: &mut Conn,
    org_id: Uuid,
    session_id: Uuid,
    user_id: Uuid,
) -> Result<Option<(Role, Option<Uuid>)>, DbError> {
    let query = sessions::table
        .inner_join(
            users::table.on(users::org_id
                .eq(sessions::org_id)
                .and(users::id.eq(sessions::user_id))),
        )
        .filter(sessions::org_id.eq(DbUuid(org_id)))
        .filter(sessions::id.eq(DbUuid(session_id)))
        .filter(sessions::user_id.eq(DbUuid(user_id)))
        .filter(sessions::revoked_at.is_null())
        .filter(sessions::expires_at.gt(DbTimestamp(Utc::now())))
        .select((users::role, users::partner_id));
    let row: Option<(String, Option<DbUuid>)> =
        run!(conn, |c| query.get_result(c).await.optional())?;
    row.map(|(stored, partner)| Ok((role(&stored)?, partner.map(|p| p.0))))
        .transpose()
}
