//! Schema migrations for both backends, embedded in the binary.
//!
//! Migrations run on a dedicated synchronous connection inside `spawn_blocking`, so they work on
//! any tokio runtime. On PostgreSQL an advisory lock serialises replicas migrating at once.

use diesel::Connection;
use diesel::backend::Backend as DieselBackend;
use diesel::migration::MigrationSource;
use diesel_async::AsyncPgConnection;
use diesel_async::async_connection_wrapper::AsyncConnectionWrapper;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::db::DatabaseUrl;
use crate::error::DbError;

/// PostgreSQL migrations (`migrations/postgres`).
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("../migrations/postgres");
/// SQLite migrations (`migrations/sqlite`).
pub const SQLITE: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");

/// Arbitrary constant key of the PostgreSQL advisory lock held while migrating.
const MIGRATION_LOCK_KEY: i64 = 0x0070_6172_746e_6572; // "partner"

/// What to do with the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Apply every pending migration.
    ApplyPending,
    /// Change nothing; fail if migrations are pending (`serve --no-migrate`).
    VerifyCurrent,
    /// Revert the most recently applied migration.
    RevertLast,
}

/// What a migration run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Versions applied by this run.
    pub applied: Vec<String>,
    /// Versions reverted by this run.
    pub reverted: Vec<String>,
    /// The newest version in the database afterwards.
    pub current: Option<String>,
}

/// Runs `action` against the database at `url`. Refuses, whatever the action, a database that
/// holds migrations this binary does not know (it was migrated by a newer release).
pub async fn run(url: &DatabaseUrl, action: Action) -> Result<Report, DbError> {
    let url = url.clone();
    tokio::task::spawn_blocking(move || match &url {
        DatabaseUrl::Sqlite { path } => {
            let mut conn = diesel::SqliteConnection::establish(&path.display().to_string())
                .map_err(|e| DbError::Connect {
                    target: format!("the SQLite database `{}`", path.display()),
                    reason: e.to_string(),
                    hint: "Make sure the file and its directory are writable, or set DATABASE_URL=sqlite://a/writable/path.db.",
                })?;
            diesel::connection::SimpleConnection::batch_execute(
                &mut conn,
                "pragma busy_timeout = 5000; pragma foreign_keys = on;",
            )?;
            apply(&mut conn, SQLITE, action)
        }
        DatabaseUrl::Postgres { url: raw } => {
            tcp_reachable(raw).map_err(|reason| DbError::Connect {
                target: url.redacted(),
                reason,
                hint: "Start PostgreSQL or fix DATABASE_URL (host, port, user, database).",
            })?;
            let mut conn =
                <AsyncConnectionWrapper<AsyncPgConnection> as Connection>::establish(raw)
                    .map_err(|e| DbError::Connect {
                        target: url.redacted(),
                        reason: crate::db::one_line(&e.to_string()),
                        hint: "Start PostgreSQL or fix DATABASE_URL (host, port, user, database).",
                    })?;
            use diesel::RunQueryDsl;
            diesel::sql_query(format!("select pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .execute(&mut conn)?;
            let result = apply(&mut conn, POSTGRES, action);
            diesel::sql_query(format!("select pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                .execute(&mut conn)?;
            result
        }
    })
    .await
    .map_err(|e| DbError::Migration(e.to_string()))?
}

/// The driver reports an unreachable server only as "error connecting to server"; a plain TCP
/// connect first tells the operator why (refused, unresolvable, timed out).
fn tcp_reachable(raw: &str) -> Result<(), String> {
    use std::net::{TcpStream, ToSocketAddrs};
    let Ok(url) = url::Url::parse(raw) else {
        return Ok(());
    };
    let Some(host) = url.host_str().filter(|h| !h.starts_with('/')) else {
        return Ok(());
    };
    let port = url.port().unwrap_or(5432);
    let addrs = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?;
    let mut last_error = format!("{host}:{port} has no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(5)) {
            Ok(_) => return Ok(()),
            Err(e) => last_error = format!("{addr}: {e}"),
        }
    }
    Err(last_error)
}

fn apply<DB, C>(conn: &mut C, source: EmbeddedMigrations, action: Action) -> Result<Report, DbError>
where
    DB: DieselBackend,
    C: MigrationHarness<DB>,
    EmbeddedMigrations: MigrationSource<DB>,
{
    let migration_error =
        |e: Box<dyn std::error::Error + Send + Sync>| DbError::Migration(e.to_string());
    let known: Vec<String> = MigrationSource::<DB>::migrations(&source)
        .map_err(migration_error)?
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    let applied: Vec<String> = conn
        .applied_migrations()
        .map_err(migration_error)?
        .iter()
        .map(ToString::to_string)
        .collect();
    let unknown: Vec<&str> = applied
        .iter()
        .filter(|v| !known.contains(v))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(DbError::SchemaTooNew {
            unknown: unknown.join(", "),
        });
    }
    let mut report = Report::default();
    match action {
        Action::ApplyPending => {
            report.applied = conn
                .run_pending_migrations(source)
                .map_err(migration_error)?
                .iter()
                .map(ToString::to_string)
                .collect();
        }
        Action::VerifyCurrent => {
            let pending: Vec<&str> = known
                .iter()
                .filter(|v| !applied.contains(v))
                .map(String::as_str)
                .collect();
            if !pending.is_empty() {
                return Err(DbError::PendingMigrations {
                    pending: pending.join(", "),
                });
            }
        }
        Action::RevertLast => {
            if !applied.is_empty() {
                let version = conn
                    .revert_last_migration(source)
                    .map_err(migration_error)?;
                report.reverted.push(version.to_string());
            }
        }
    }
    report.current = conn
        .applied_migrations()
        .map_err(migration_error)?
        .iter()
        .map(ToString::to_string)
        .max();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(source: EmbeddedMigrations) -> Vec<String> {
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&source)
            .expect("embedded")
            .iter()
            .map(|m| m.name().to_string())
            .collect()
    }

    #[test]
    fn both_backends_have_the_same_migrations() {
        assert_eq!(names(SQLITE), names(POSTGRES));
        assert!(!names(SQLITE).is_empty());
    }
}
