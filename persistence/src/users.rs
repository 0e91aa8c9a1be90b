//! Users: members of one organisation each, with one role.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use partnergraph_domain::Role;
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::page::{KeysetPage, role};
use crate::schema::users;
use crate::types::{DbTimestamp, DbUuid};
use crate::{keyset, organizations, run};

/// A user (without credentials).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Organisation.
    pub org_id: Uuid,
    /// User id.
    pub id: Uuid,
    /// Lower-cased e-mail address.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role in the organisation.
    pub role: Role,
    /// Partner record of a partner-role user.
    pub partner_id: Option<Uuid>,
    /// Joined at.
    pub created_at: DateTime<Utc>,
}

/// A user to insert.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// The user (id, organisation, …).
    pub user: User,
    /// argon2id PHC string.
    pub password_hash: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    org_id: DbUuid,
    id: DbUuid,
    email: String,
    name: String,
    role: String,
    partner_id: Option<DbUuid>,
    created_at: DbTimestamp,
}

impl TryFrom<UserRow> for User {
    type Error = DbError;
    fn try_from(row: UserRow) -> Result<Self, DbError> {
        Ok(User {
            org_id: row.org_id.0,
            id: row.id.0,
            email: row.email,
            role: role(&row.role)?,
            name: row.name,
            partner_id: row.partner_id.map(|p| p.0),
            created_at: row.created_at.0,
        })
    }
}

/// The column values of a user insert.
type NewUserValues = (
    diesel::dsl::Eq<users::org_id, DbUuid>,
    diesel::dsl::Eq<users::id, DbUuid>,
    diesel::dsl::Eq<users::email, String>,
    diesel::dsl::Eq<users::name, String>,
    diesel::dsl::Eq<users::password_hash, String>,
    diesel::dsl::Eq<users::role, &'static str>,
    diesel::dsl::Eq<users::partner_id, Option<DbUuid>>,
    diesel::dsl::Eq<users::created_at, DbTimestamp>,
    diesel::dsl::Eq<users::updated_at, DbTimestamp>,
);

/// A user insert, built once and run on either backend (also inside other transactions).
pub(crate) type InsertUser = diesel::query_builder::InsertStatement<
    users::table,
    <NewUserValues as Insertable<users::table>>::Values,
>;

pub(crate) fn insert_statement(new: &NewUser) -> InsertUser {
    let user = &new.user;
    diesel::insert_into(users::table).values((
        users::org_id.eq(DbUuid(user.org_id)),
        users::id.eq(DbUuid(user.id)),
        users::email.eq(user.email.clone()),
        users::name.eq(user.name.clone()),
        users::password_hash.eq(new.password_hash.clone()),
        users::role.eq(user.role.as_str()),
        users::partner_id.eq(user.partner_id.map(DbUuid)),
        users::created_at.eq(DbTimestamp(user.created_at)),
        users::updated_at.eq(DbTimestamp(user.created_at)),
    ))
}

/// Whether any user has this e-mail address (in any organisation).
pub async fn email_taken(conn: &mut Conn, email: &str) -> Result<bool, DbError> {
    let query = diesel::select(diesel::dsl::exists(
        users::table.filter(users::email.eq(email.to_owned())),
    ));
    Ok(run!(conn, |c| query.get_result::<bool>(c).await)?)
}

/// A user and their password hash, by e-mail (for sign-in; the only lookup across tenants).
pub async fn credentials_by_email(
    conn: &mut Conn,
    email: &str,
) -> Result<Option<(User, String)>, DbError> {
    let row: Option<(UserRow, String)> = run!(conn, |c| users::table
        .filter(users::email.eq(email.to_owned()))
        .select((UserRow::as_select(), users::password_hash))
        .get_result(c)
        .await
        .optional())?;
    row.map(|(user, hash)| Ok((User::try_from(user)?, hash)))
        .transpose()
}

/// A user of the organisation.
pub async fn by_id(conn: &mut Conn, org_id: Uuid, user_id: Uuid) -> Result<Option<User>, DbError> {
    let row: Option<UserRow> = run!(conn, |c| users::table
        .filter(users::org_id.eq(DbUuid(org_id)))
        .filter(users::id.eq(DbUuid(user_id)))
        .select(UserRow::as_select())
        .get_result(c)
        .await
        .optional())?;
    row.map(User::try_from).transpose()
}

/// Inserts a user.
pub async fn insert(conn: &mut Conn, new: &NewUser) -> Result<(), DbError> {
    let insert = insert_statement(new);
    run!(conn, |c| insert.execute(c).await)?;
    Ok(())
}

/// A page of the organisation's members in joining order, and the total.
pub async fn page(
    conn: &mut Conn,
    org_id: Uuid,
    page: &KeysetPage,
) -> Result<(Vec<User>, i64), DbError> {
    let rows: Vec<UserRow> = run!(conn, |c| {
        let query = users::table
            .filter(users::org_id.eq(DbUuid(org_id)))
            .select(UserRow::as_select())
            .into_boxed();
        keyset!(query, users, page).load(c).await
    })?;
    let count = users::table
        .filter(users::org_id.eq(DbUuid(org_id)))
        .count();
    let total = run!(conn, |c| count.get_result::<i64>(c).await)?;
    let users = rows
        .into_iter()
        .map(User::try_from)
        .collect::<Result<_, _>>()?;
    Ok((users, total))
}

/// What a membership change needs to decide: the target's current role and the owner count.
#[derive(Debug, Clone, Copy)]
pub struct MembershipState {
    /// The target's role now.
    pub role: Role,
    /// Owners in the organisation now.
    pub owners: i64,
}

/// Why a membership change was not applied.
#[derive(Debug)]
pub enum MembershipChange<E> {
    /// No such member in the organisation.
    NotFound,
    /// The decision refused it.
    Refused(E),
    /// The database failed.
    Db(DbError),
}

impl<E> From<diesel::result::Error> for MembershipChange<E> {
    fn from(error: diesel::result::Error) -> Self {
        MembershipChange::Db(DbError::from(error))
    }
}

/// Changes a member's role (`Some`) or removes the member (`None`) after `decide` approved the
/// change given the current state; the organisation is locked meanwhile, so two concurrent
/// demotions cannot leave it without an owner.
pub async fn change_membership<E: Send + 'static>(
    conn: &mut Conn,
    org_id: Uuid,
    user_id: Uuid,
    new_role: Option<Role>,
    decide: impl FnOnce(MembershipState) -> Result<(), E> + Send,
) -> Result<(), MembershipChange<E>> {
    let lock = organizations::lock(org_id);
    let target = users::table
        .filter(users::org_id.eq(DbUuid(org_id)))
        .filter(users::id.eq(DbUuid(user_id)))
        .select(users::role);
    let owners = users::table
        .filter(users::org_id.eq(DbUuid(org_id)))
        .filter(users::role.eq(Role::Owner.as_str()))
        .count();
    let this_user = users::table
        .filter(users::org_id.eq(DbUuid(org_id)))
        .filter(users::id.eq(DbUuid(user_id)));
    let now = DbTimestamp(Utc::now());
    run!(conn, |c| c
        .transaction(async |c| {
            lock.execute(c).await?;
            let Some(current) = target.get_result::<String>(c).await.optional()? else {
                return Err(MembershipChange::NotFound);
            };
            let role = role(&current).map_err(MembershipChange::Db)?;
            let owners = owners.get_result::<i64>(c).await?;
            decide(MembershipState { role, owners }).map_err(MembershipChange::Refused)?;
            match new_role {
                Some(new_role) => {
                    diesel::update(this_user)
                        .set((users::role.eq(new_role.as_str()), users::updated_at.eq(now)))
                        .execute(c)
                        .await?;
                }
                None => {
                    diesel::delete(this_user).execute(c).await?;
                }
            }
            Ok(())
        })
        .await)
}

/// Users of the organisation by id, in one statement (for loaders).
pub async fn by_ids(
    conn: &mut Conn,
    org_id: Uuid,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, User>, DbError> {
    let keys: Vec<DbUuid> = ids.iter().copied().map(DbUuid).collect();
    let rows: Vec<UserRow> = run!(conn, |c| users::table
        .filter(users::org_id.eq(DbUuid(org_id)))
        .filter(users::id.eq_any(keys.clone()))
        .select(UserRow::as_select())
        .load(c)
        .await)?;
    rows.into_iter()
        .map(|row| {
            let user = User::try_from(row)?;
            Ok((user.id, user))
        })
        .collect()
}
