//! Saved views of the partners table: per user, unique by name, at most one default (a
//! partial unique index; setting a default clears the previous one in the same transaction).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::partner_views;
use crate::types::{DbJson, DbTimestamp, DbUuid};

/// A saved view as stored. The filter and sort are kept as JSON in the shape of the GraphQL
/// inputs they came from; the API validates them when saving and reading.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedView {
    /// Organisation.
    pub org_id: Uuid,
    /// View id.
    pub id: Uuid,
    /// The user who keeps it.
    pub user_id: Uuid,
    /// Name (unique per user).
    pub name: String,
    /// The filter.
    pub filter: serde_json::Value,
    /// The sort.
    pub order_by: serde_json::Value,
    /// The user's default view.
    pub is_default: bool,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = partner_views)]
struct ViewRow {
    org_id: DbUuid,
    id: DbUuid,
    user_id: DbUuid,
    name: String,
    filter: DbJson,
    order_by: DbJson,
    is_default: bool,
    created_at: DbTimestamp,
    updated_at: DbTimestamp,
}

impl From<ViewRow> for SavedView {
    fn from(row: ViewRow) -> Self {
        SavedView {
            org_id: row.org_id.0,
            id: row.id.0,
            user_id: row.user_id.0,
            name: row.name,
            filter: row.filter.0,
            order_by: row.order_by.0,
            is_default: row.is_default,
            created_at: row.created_at.0,
            updated_at: row.updated_at.0,
        }
    }
}

/// The unique index on `(org_id, user_id, name)`.
pub const NAME_KEY: &str = "partner_views_name_key";

/// How SQLite names a violation of [`NAME_KEY`].
pub const NAME_KEY_COLUMNS: &str = "partner_views.name";

/// The user's views, by name then id.
pub async fn of_user(
    conn: &mut Conn,
    org_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<SavedView>, DbError> {
    let rows: Vec<ViewRow> = run!(conn, |c| partner_views::table
        .filter(partner_views::org_id.eq(DbUuid(org_id)))
        .filter(partner_views::user_id.eq(DbUuid(user_id)))
        .order((partner_views::name, partner_views::id))
        .select(ViewRow::as_select())
        .load(c)
        .await)?;
    Ok(rows.into_iter().map(SavedView::from).collect())
}

/// One of the user's views (another user's view is `None`).
pub async fn by_id(
    conn: &mut Conn,
    org_id: Uuid,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<SavedView>, DbError> {
    let rows: Vec<ViewRow> = run!(conn, |c| partner_views::table
        .filter(partner_views::org_id.eq(DbUuid(org_id)))
        .filter(partner_views::user_id.eq(DbUuid(user_id)))
        .filter(partner_views::id.eq(DbUuid(id)))
        .select(ViewRow::as_select())
        .load(c)
        .await)?;
    Ok(rows.into_iter().next().map(SavedView::from))
}

/// The user's default view, if any.
pub async fn default_of_user(
    conn: &mut Conn,
    org_id: Uuid,
    user_id: Uuid,
) -> Result<Option<SavedView>, DbError> {
    let rows: Vec<ViewRow> = run!(conn, |c| partner_views::table
        .filter(partner_views::org_id.eq(DbUuid(org_id)))
        .filter(partner_views::user_id.eq(DbUuid(user_id)))
        .filter(partner_views::is_default.eq(true))
        .select(ViewRow::as_select())
        .load(c)
        .await)?;
    Ok(rows.into_iter().next().map(SavedView::from))
}

/// How many views the user keeps.
pub async fn count_of_user(conn: &mut Conn, org_id: Uuid, user_id: Uuid) -> Result<i64, DbError> {
    let query = partner_views::table
        .filter(partner_views::org_id.eq(DbUuid(org_id)))
        .filter(partner_views::user_id.eq(DbUuid(user_id)))
        .count();
    Ok(run!(conn, |c| query.get_result::<i64>(c).await)?)
}

/// Inserts (`insert`) or replaces a view of its user; a default view takes the default from
/// the user's other views in the same transaction. `false` if a replaced view does not exist.
pub async fn save(conn: &mut Conn, view: &SavedView, insert: bool) -> Result<bool, DbError> {
    let (org, id, user) = (DbUuid(view.org_id), DbUuid(view.id), DbUuid(view.user_id));
    let values = (
        partner_views::name.eq(view.name.clone()),
        partner_views::filter.eq(DbJson(view.filter.clone())),
        partner_views::order_by.eq(DbJson(view.order_by.clone())),
        partner_views::is_default.eq(view.is_default),
        partner_views::updated_at.eq(DbTimestamp(view.updated_at)),
    );
    let created_at = DbTimestamp(view.created_at);
    let clear_default = view.is_default.then(|| {
        diesel::update(
            partner_views::table
                .filter(partner_views::org_id.eq(org))
                .filter(partner_views::user_id.eq(user))
                .filter(partner_views::is_default.eq(true))
                .filter(partner_views::id.ne(id)),
        )
        .set(partner_views::is_default.eq(false))
    });
    Ok(run!(conn, |c| c
        .transaction(async |c| {
            if let Some(clear) = clear_default {
                clear.execute(c).await?;
            }
            if insert {
                diesel::insert_into(partner_views::table)
                    .values((
                        partner_views::org_id.eq(org),
                        partner_views::id.eq(id),
                        partner_views::user_id.eq(user),
                        partner_views::created_at.eq(created_at),
                        values,
                    ))
                    .execute(c)
                    .await?;
                return Ok::<_, diesel::result::Error>(true);
            }
            let updated = diesel::update(
                partner_views::table
                    .filter(partner_views::org_id.eq(org))
                    .filter(partner_views::user_id.eq(user))
                    .filter(partner_views::id.eq(id)),
            )
            .set(values)
            .execute(c)
            .await?;
            if updated == 0 {
                // Undo the default taken from another view.
                return Err(diesel::result::Error::RollbackTransaction);
            }
            Ok(true)
        })
        .await)
    .or_else(|error| match error {
        diesel::result::Error::RollbackTransaction => Ok(false),
        other => Err(other),
    })?)
}

/// Deletes one of the user's views; `false` if it does not exist.
pub async fn delete(
    conn: &mut Conn,
    org_id: Uuid,
    user_id: Uuid,
    id: Uuid,
) -> Result<bool, DbError> {
    let delete = diesel::delete(
        partner_views::table
            .filter(partner_views::org_id.eq(DbUuid(org_id)))
            .filter(partner_views::user_id.eq(DbUuid(user_id)))
            .filter(partner_views::id.eq(DbUuid(id))),
    );
    Ok(run!(conn, |c| delete.execute(c).await)? > 0)
}

/// Makes one of the user's views the default (`None`: the user has no default any more);
/// `false` if the view does not exist (then nothing changed).
pub async fn set_default(
    conn: &mut Conn,
    org_id: Uuid,
    user_id: Uuid,
    id: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<bool, DbError> {
    let (org, user) = (DbUuid(org_id), DbUuid(user_id));
    let exists = id.map(|id| {
        diesel::select(diesel::dsl::exists(
            partner_views::table
                .filter(partner_views::org_id.eq(org))
                .filter(partner_views::user_id.eq(user))
                .filter(partner_views::id.eq(DbUuid(id))),
        ))
    });
    let clear = diesel::update(
        partner_views::table
            .filter(partner_views::org_id.eq(org))
            .filter(partner_views::user_id.eq(user))
            .filter(partner_views::is_default.eq(true)),
    )
    .set(partner_views::is_default.eq(false));
    let set = id.map(|id| {
        diesel::update(
            partner_views::table
                .filter(partner_views::org_id.eq(org))
                .filter(partner_views::id.eq(DbUuid(id))),
        )
        .set((
            partner_views::is_default.eq(true),
            partner_views::updated_at.eq(DbTimestamp(at)),
        ))
    });
    Ok(run!(conn, |c| c
        .transaction(async |c| {
            if let Some(exists) = exists
                && !exists.get_result::<bool>(c).await?
            {
                return Ok::<_, diesel::result::Error>(false);
            }
            clear.execute(c).await?;
            if let Some(set) = set {
                set.execute(c).await?;
            }
            Ok(true)
        })
        .await)?)
}
