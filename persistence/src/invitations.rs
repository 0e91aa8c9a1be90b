//! Invitations: single-use tokens to join an organisation.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::Role;
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::page::role;
use crate::run;
use crate::schema::invitations;
use crate::types::{DbTimestamp, DbUuid};
use crate::users::NewUser;

/// An invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Organisation.
    pub org_id: Uuid,
    /// Invitation id.
    pub id: Uuid,
    /// Invited e-mail address.
    pub email: String,
    /// Role granted on acceptance.
    pub role: Role,
    /// Partner record for partner-role invitations.
    pub partner_id: Option<Uuid>,
    /// Inviting user.
    pub invited_by: Option<Uuid>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// When accepted.
    pub accepted_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = invitations)]
struct InvitationRow {
    org_id: DbUuid,
    id: DbUuid,
    email: String,
    role: String,
    partner_id: Option<DbUuid>,
    invited_by: Option<DbUuid>,
    created_at: DbTimestamp,
    expires_at: DbTimestamp,
    accepted_at: Option<DbTimestamp>,
}

impl TryFrom<InvitationRow> for Invitation {
    type Error = DbError;
    fn try_from(row: InvitationRow) -> Result<Self, DbError> {
        Ok(Invitation {
            org_id: row.org_id.0,
            id: row.id.0,
            email: row.email,
            role: role(&row.role)?,
            partner_id: row.partner_id.map(|p| p.0),
            invited_by: row.invited_by.map(|p| p.0),
            created_at: row.created_at.0,
            expires_at: row.expires_at.0,
            accepted_at: row.accepted_at.map(|t| t.0),
        })
    }
}

/// Stores an invitation with the hash of its token.
pub async fn insert(
    conn: &mut Conn,
    invitation: &Invitation,
    token_hash: &str,
) -> Result<(), DbError> {
    let insert = diesel::insert_into(invitations::table).values((
        invitations::org_id.eq(DbUuid(invitation.org_id)),
        invitations::id.eq(DbUuid(invitation.id)),
        invitations::email.eq(invitation.email.clone()),
        invitations::role.eq(invitation.role.as_str()),
        invitations::partner_id.eq(invitation.partner_id.map(DbUuid)),
        invitations::token_hash.eq(token_hash.to_owned()),
        invitations::invited_by.eq(invitation.invited_by.map(DbUuid)),
        invitations::created_at.eq(DbTimestamp(invitation.created_at)),
        invitations::expires_at.eq(DbTimestamp(invitation.expires_at)),
    ));
    run!(conn, |c| insert.execute(c).await)?;
    Ok(())
}

/// The invitation with this token hash.
pub async fn by_token_hash(
    conn: &mut Conn,
    token_hash: &str,
) -> Result<Option<Invitation>, DbError> {
    let row: Option<InvitationRow> = run!(conn, |c| invitations::table
        .filter(invitations::token_hash.eq(token_hash.to_owned()))
        .select(InvitationRow::as_select())
        .get_result(c)
        .await
        .optional())?;
    row.map(Invitation::try_from).transpose()
}

/// An invitation of the organisation.
pub async fn by_id(conn: &mut Conn, org_id: Uuid, id: Uuid) -> Result<Option<Invitation>, DbError> {
    let row: Option<InvitationRow> = run!(conn, |c| invitations::table
        .filter(invitations::org_id.eq(DbUuid(org_id)))
        .filter(invitations::id.eq(DbUuid(id)))
        .select(InvitationRow::as_select())
        .get_result(c)
        .await
        .optional())?;
    row.map(Invitation::try_from).transpose()
}

/// Marks the invitation accepted and creates its user, atomically. Returns `false` (nothing
/// written) if it was accepted meanwhile.
pub async fn accept(
    conn: &mut Conn,
    invitation: &Invitation,
    user: &NewUser,
) -> Result<bool, DbError> {
    let mark = diesel::update(
        invitations::table
            .filter(invitations::org_id.eq(DbUuid(invitation.org_id)))
            .filter(invitations::id.eq(DbUuid(invitation.id)))
            .filter(invitations::accepted_at.is_null()),
    )
    .set(invitations::accepted_at.eq(DbTimestamp(Utc::now())));
    let insert = crate::users::insert_statement(user);
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
