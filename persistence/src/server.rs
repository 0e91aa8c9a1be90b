//! Server metadata read from the database: schema version, applied migrations, engine version.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::db::Conn;
use crate::error::DbError;
use crate::run;
use crate::schema::__diesel_schema_migrations as migrations;

/// One applied schema migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    /// Its version (the timestamp prefix of its directory).
    pub version: String,
    /// When it was applied (UTC).
    pub applied_at: DateTime<Utc>,
}

/// The newest applied migration version, `None` on an empty database.
pub async fn schema_version(conn: &mut Conn) -> Result<Option<String>, DbError> {
    let query = migrations::table.select(diesel::dsl::max(migrations::version));
    Ok(run!(conn, |c| query.get_result::<Option<String>>(c).await)?)
}

/// The database engine's own version string (backend-specific SQL: `sqlite_version()` on
/// SQLite, `current_setting('server_version')` on PostgreSQL).
pub async fn engine_version(conn: &mut Conn) -> Result<String, DbError> {
    use diesel::dsl::sql;
    use diesel::sql_types::Text;
    Ok(match conn {
        Conn::Sqlite(c) => {
            diesel::select(sql::<Text>("sqlite_version()"))
                .get_result::<String>(&mut **c)
                .await?
        }
        Conn::Postgres(c) => {
            diesel::select(sql::<Text>("current_setting('server_version')"))
                .get_result::<String>(&mut **c)
                .await?
        }
    })
}

/// Keyset page over applied migrations ordered by version.
#[derive(Debug, Clone, Default)]
pub struct MigrationPage {
    /// Only versions strictly greater than this.
    pub after: Option<String>,
    /// Only versions strictly smaller than this.
    pub before: Option<String>,
    /// Maximum rows to return.
    pub limit: i64,
    /// Newest first (for `last`).
    pub descending: bool,
}

/// Applied migrations in the page, plus the total count.
pub async fn applied_migrations(
    conn: &mut Conn,
    page: &MigrationPage,
) -> Result<(Vec<AppliedMigration>, i64), DbError> {
    // The body expands once per backend, so `into_boxed` picks the right one in each arm.
    let rows: Vec<(String, NaiveDateTime)> = run!(conn, |c| {
        let mut query = migrations::table
            .select((migrations::version, migrations::run_on))
            .into_boxed();
        if let Some(after) = &page.after {
            query = query.filter(migrations::version.gt(after.clone()));
        }
        if let Some(before) = &page.before {
            query = query.filter(migrations::version.lt(before.clone()));
        }
        query = if page.descending {
            query.order(migrations::version.desc())
        } else {
            query.order(migrations::version.asc())
        };
        query.limit(page.limit).load(c).await
    })?;
    let count = migrations::table.count();
    let total = run!(conn, |c| count.get_result::<i64>(c).await)?;
    let rows = rows
        .into_iter()
        .map(|(version, run_on)| AppliedMigration {
            version,
            applied_at: run_on.and_utc(),
        })
        .collect();
    Ok((rows, total))
}

/// Reads a server setting.
pub async fn setting(conn: &mut Conn, key: &str) -> Result<Option<String>, DbError> {
    use crate::schema::server_settings as s;
    let query = s::table.filter(s::key.eq(key.to_owned())).select(s::value);
    Ok(run!(conn, |c| query
        .get_result::<String>(c)
        .await
        .optional())?)
}

/// Writes a server setting if it is not set yet; returns the value that is now stored (the
/// existing one when another process won the race).
pub async fn setting_insert_if_absent(
    conn: &mut Conn,
    key: &str,
    value: &str,
) -> Result<String, DbError> {
    use crate::schema::server_settings as s;
    let insert = diesel::insert_into(s::table)
        .values((
            s::key.eq(key.to_owned()),
            s::value.eq(value.to_owned()),
            s::updated_at.eq(crate::types::DbTimestamp(Utc::now())),
        ))
        .on_conflict_do_nothing();
    run!(conn, |c| insert.execute(c).await)?;
    setting(conn, key).await?.ok_or(DbError::NotFound)
}

/// One applied migration by version.
pub async fn applied_migration(
    conn: &mut Conn,
    version: &str,
) -> Result<Option<AppliedMigration>, DbError> {
    let query = migrations::table
        .filter(migrations::version.eq(version.to_owned()))
        .select((migrations::version, migrations::run_on));
    let row: Option<(String, NaiveDateTime)> =
        run!(conn, |c| query.get_result(c).await.optional())?;
    Ok(row.map(|(version, run_on)| AppliedMigration {
        version,
        applied_at: run_on.and_utc(),
    }))
}
