//! Opening the database: URL parsing, the two pooled backends and the [`run!`] macro that runs
//! one diesel expression on either.

use std::path::PathBuf;
use std::time::Duration;

use diesel::ConnectionError;
use diesel_async::pooled_connection::deadpool::{Object, Pool as DeadPool};
use diesel_async::pooled_connection::{
    AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod,
};
use diesel_async::sync_connection_wrapper::SyncConnectionWrapper;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use futures_util::FutureExt;

use crate::error::DbError;

/// The SQLite connection type: diesel's synchronous connection run on tokio's blocking pool.
pub type SqliteConn = SyncConnectionWrapper<diesel::SqliteConnection>;

/// Which database engine a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (bundled libsqlite3).
    Sqlite,
    /// PostgreSQL through diesel-async (no libpq).
    Postgres,
}

/// A parsed `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://relative/path.db` or `sqlite:///absolute/path.db`.
    Sqlite {
        /// The database file.
        path: PathBuf,
    },
    /// `postgres://…` or `postgresql://…`, kept verbatim for the driver.
    Postgres {
        /// The URL as given (may hold a password: never log it, use [`DatabaseUrl::redacted`]).
        url: String,
    },
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl DatabaseUrl {
    /// Parses `sqlite://…`, `sqlite:…`, `postgres://…` and `postgresql://…`.
    pub fn parse(raw: &str) -> Result<Self, DbError> {
        let invalid = |reason: &str| DbError::InvalidUrl {
            url: redact(raw),
            reason: reason.to_owned(),
        };
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(invalid("the SQLite URL names no file"));
            }
            if path == ":memory:" {
                return Err(invalid(
                    "in-memory SQLite cannot be shared by a connection pool",
                ));
            }
            return Ok(DatabaseUrl::Sqlite {
                path: PathBuf::from(path),
            });
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            let parsed = url::Url::parse(raw).map_err(|e| invalid(&e.to_string()))?;
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(invalid("the PostgreSQL URL names no host"));
            }
            return Ok(DatabaseUrl::Postgres {
                url: raw.to_owned(),
            });
        }
        Err(invalid("unknown scheme"))
    }

    /// The backend this URL selects.
    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite { .. } => Backend::Sqlite,
            DatabaseUrl::Postgres { .. } => Backend::Postgres,
        }
    }

    /// The URL without password, safe for logs and error messages.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres { url } => redact(url),
        }
    }

    /// What the driver is given: a file path for SQLite, the URL for PostgreSQL.
    pub(crate) fn driver_target(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => path.display().to_string(),
            DatabaseUrl::Postgres { url } => url.clone(),
        }
    }

    /// Human description for error messages.
    fn describe(&self) -> String {
        match self {
            DatabaseUrl::Sqlite { path } => format!("the SQLite database `{}`", path.display()),
            DatabaseUrl::Postgres { url } => match url::Url::parse(url) {
                Ok(u) => format!(
                    "PostgreSQL at {}:{}{}",
                    u.host_str().unwrap_or("?"),
                    u.port().unwrap_or(5432),
                    u.path()
                ),
                Err(_) => "PostgreSQL".to_owned(),
            },
        }
    }
}

fn redact(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => raw.to_owned(),
    }
}

/// Everything needed to open a [`Database`].
#[derive(Debug, Clone)]
pub struct DbConfig {
    /// Where the database is.
    pub url: DatabaseUrl,
    /// Maximum pooled connections.
    pub pool_size: usize,
    /// How long a request waits for a free connection.
    pub acquire_timeout: Duration,
    /// PostgreSQL `statement_timeout` per connection.
    pub statement_timeout: Duration,
    /// PostgreSQL `application_name` per connection.
    pub application_name: String,
    /// SQLite `busy_timeout`: how long a writer waits for the write lock.
    pub sqlite_busy_timeout: Duration,
}

impl DbConfig {
    /// Defaults for everything but the URL.
    pub fn new(url: DatabaseUrl) -> Self {
        DbConfig {
            url,
            pool_size: 10,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
            application_name: "partnergraph".to_owned(),
            sqlite_busy_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Clone)]
enum Pool {
    Sqlite(DeadPool<SqliteConn>),
    Postgres(DeadPool<AsyncPgConnection>),
}

/// A pooled connection on either backend. Run queries on it with [`run!`].
#[expect(
    clippy::large_enum_variant,
    reason = "a Conn lives briefly on one task's stack; boxing would allocate on every checkout"
)]
pub enum Conn {
    /// SQLite.
    Sqlite(Object<SqliteConn>),
    /// PostgreSQL.
    Postgres(Object<AsyncPgConnection>),
}

/// Runs the same diesel expression on whichever backend `conn` (a `&mut Conn`) is.
///
/// ```ignore
/// let rows = run!(conn, |c| query.load::<Row>(c).await)?;
/// ```
#[macro_export]
macro_rules! run {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite($c) => {
                let $c: &mut $crate::db::SqliteConn = &mut **$c;
                $body
            }
            $crate::db::Conn::Postgres($c) => {
                let $c: &mut ::diesel_async::AsyncPgConnection = &mut **$c;
                $body
            }
        }
    };
}

/// Counts the SQL statements every pooled connection starts (for metrics, and for tests that
/// prove a request costs a constant number of statements).
#[derive(Debug, Clone, Default)]
struct StatementCounter(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl diesel::connection::Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: diesel::connection::InstrumentationEvent<'_>) {
        if matches!(
            event,
            diesel::connection::InstrumentationEvent::StartQuery { .. }
        ) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

/// Pool occupancy, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections currently lent out.
    pub in_use: usize,
    /// Connections open and idle.
    pub idle: usize,
    /// The configured maximum.
    pub max_size: usize,
}

/// The database: a connection pool on one backend.
#[derive(Clone)]
pub struct Database {
    pool: Pool,
    config: std::sync::Arc<DbConfig>,
    statements: StatementCounter,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("url", &self.config.url)
            .finish_non_exhaustive()
    }
}

impl Database {
    /// Builds the pool and opens one connection, so that a wrong URL, an unreachable server or
    /// an unwritable file is reported at start-up rather than on the first request.
    pub async fn connect(config: DbConfig) -> Result<Self, DbError> {
        let target = config.url.driver_target();
        let statements = StatementCounter::default();
        let counter = statements.clone();
        let pool = match &config.url {
            DatabaseUrl::Sqlite { path } => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
                    && !parent.is_dir()
                {
                    return Err(DbError::Connect {
                        target: config.url.describe(),
                        reason: format!("directory `{}` does not exist", parent.display()),
                        hint: "Create the directory or set DATABASE_URL=sqlite://a/writable/path.db.",
                    });
                }
                let busy_ms = config.sqlite_busy_timeout.as_millis();
                let mut manager_config = ManagerConfig::default();
                // No test query on every checkout (a round trip each time); a broken
                // connection is detected when it fails and dropped by the pool.
                manager_config.recycling_method = RecyclingMethod::Fast;
                let counter = counter.clone();
                manager_config.custom_setup = Box::new(move |url| {
                    let url = url.to_owned();
                    let counter = counter.clone();
                    async move {
                        let mut conn = SqliteConn::establish(&url).await?;
                        conn.batch_execute(&format!(
                            "pragma busy_timeout = {busy_ms}; pragma journal_mode = wal; \
                             pragma foreign_keys = on; pragma synchronous = normal;"
                        ))
                        .await
                        .map_err(ConnectionError::CouldntSetupConfiguration)?;
                        conn.set_instrumentation(counter);
                        Ok(conn)
                    }
                    .boxed()
                });
                let manager = AsyncDieselConnectionManager::new_with_config(target, manager_config);
                Pool::Sqlite(build_pool!(manager, config)?)
            }
            DatabaseUrl::Postgres { .. } => {
                let statement_timeout_ms = config.statement_timeout.as_millis().to_string();
                let application_name = config.application_name.clone();
                let mut manager_config = ManagerConfig::default();
                // No test query on every checkout (a round trip each time); a broken
                // connection is detected when it fails and dropped by the pool.
                manager_config.recycling_method = RecyclingMethod::Fast;
                let counter = counter.clone();
                manager_config.custom_setup = Box::new(move |url| {
                    let url = url.to_owned();
                    let counter = counter.clone();
                    let statement_timeout_ms = statement_timeout_ms.clone();
                    let application_name = application_name.clone();
                    async move {
                        let mut conn = AsyncPgConnection::establish(&url).await?;
                        diesel::sql_query(
                            "select set_config('statement_timeout', $1, false), \
                             set_config('application_name', $2, false)",
                        )
                        .bind::<diesel::sql_types::Text, _>(statement_timeout_ms)
                        .bind::<diesel::sql_types::Text, _>(application_name)
                        .execute(&mut conn)
                        .await
                        .map_err(ConnectionError::CouldntSetupConfiguration)?;
                        conn.set_instrumentation(counter);
                        Ok(conn)
                    }
                    .boxed()
                });
                let manager = AsyncDieselConnectionManager::new_with_config(target, manager_config);
                Pool::Postgres(build_pool!(manager, config)?)
            }
        };
        let database = Database {
            pool,
            config: std::sync::Arc::new(config),
            statements,
        };
        database.conn().await?;
        Ok(database)
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.config.url.backend()
    }

    /// The configuration it was opened with.
    pub fn config(&self) -> &DbConfig {
        &self.config
    }

    /// Borrows a pooled connection, waiting at most the acquire timeout.
    pub async fn conn(&self) -> Result<Conn, DbError> {
        match &self.pool {
            Pool::Sqlite(pool) => pool
                .get()
                .await
                .map(Conn::Sqlite)
                .map_err(|e| self.pool_error(e)),
            Pool::Postgres(pool) => pool
                .get()
                .await
                .map(Conn::Postgres)
                .map_err(|e| self.pool_error(e)),
        }
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), DbError> {
        let mut conn = self.conn().await?;
        run!(&mut conn, |c| c.batch_execute("select 1").await)?;
        Ok(())
    }

    /// Refreshes the planner's statistics (`analyze` means the same on both backends); run
    /// after bulk loads so that queries are planned for the data as it is.
    pub async fn analyze(&self) -> Result<(), DbError> {
        let mut conn = self.conn().await?;
        run!(&mut conn, |c| c.batch_execute("analyze").await)?;
        Ok(())
    }

    /// After a bulk load, what autovacuum would do in time: on PostgreSQL `vacuum analyze`
    /// (dead row versions reclaimed, the visibility map set for index-only scans, statistics
    /// refreshed); on SQLite `analyze`.
    pub async fn vacuum_analyze(&self) -> Result<(), DbError> {
        let statement = match self.backend() {
            Backend::Postgres => "vacuum analyze",
            Backend::Sqlite => "analyze",
        };
        let mut conn = self.conn().await?;
        run!(&mut conn, |c| c.batch_execute(statement).await)?;
        Ok(())
    }

    /// SQL statements started on this pool's connections so far.
    pub fn statements_executed(&self) -> u64 {
        std::sync::atomic::AtomicU64::load(&self.statements.0, std::sync::atomic::Ordering::Relaxed)
    }

    /// Current pool occupancy.
    pub fn pool_status(&self) -> PoolStatus {
        let status = match &self.pool {
            Pool::Sqlite(pool) => pool.status(),
            Pool::Postgres(pool) => pool.status(),
        };
        PoolStatus {
            in_use: status.size.saturating_sub(status.available),
            idle: status.available,
            max_size: status.max_size,
        }
    }

    /// Closes the pool: idle connections are dropped and no new ones are lent.
    pub fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close(),
            Pool::Postgres(pool) => pool.close(),
        }
    }

    fn pool_error(
        &self,
        error: deadpool::managed::PoolError<diesel_async::pooled_connection::PoolError>,
    ) -> DbError {
        use deadpool::managed::PoolError;
        use diesel_async::pooled_connection::PoolError as ConnPoolError;
        match error {
            PoolError::Timeout(_) => DbError::PoolTimeout {
                waited_ms: self.config.acquire_timeout.as_millis(),
            },
            PoolError::Backend(ConnPoolError::ConnectionError(e)) => self.connect_error(&e),
            PoolError::Backend(ConnPoolError::QueryError(e)) => DbError::from(e),
            other => DbError::Connect {
                target: self.config.url.describe(),
                reason: other.to_string(),
                hint: "Check DATABASE_URL.",
            },
        }
    }

    fn connect_error(&self, error: &ConnectionError) -> DbError {
        let (reason, hint) = match (&self.config.url, error) {
            (DatabaseUrl::Sqlite { .. }, e) => (
                e.to_string(),
                "Make sure the file and its directory are writable, or set DATABASE_URL=sqlite://a/writable/path.db.",
            ),
            (DatabaseUrl::Postgres { .. }, e) => (
                one_line(&e.to_string()),
                "Start PostgreSQL or fix DATABASE_URL (host, port, user, database).",
            ),
        };
        DbError::Connect {
            target: self.config.url.describe(),
            reason,
            hint,
        }
    }
}

/// Driver messages can span lines; start-up errors must be one line.
pub(crate) fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Builds a deadpool pool with the configured size and timeouts (a macro because the pool
/// builder is generic over the connection type with bounds that differ per backend).
macro_rules! build_pool {
    ($manager:expr, $config:expr) => {
        DeadPool::builder($manager)
            .max_size($config.pool_size.max(1))
            .wait_timeout(Some($config.acquire_timeout))
            .create_timeout(Some($config.acquire_timeout))
            .runtime(deadpool::Runtime::Tokio1)
            .build()
            .map_err(|e| DbError::Connect {
                target: $config.url.describe(),
                reason: e.to_string(),
                hint: "Check the pool settings.",
            })
    };
}
use build_pool;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_a_file() {
        for (raw, path) in [
            ("sqlite://partnergraph.db", "partnergraph.db"),
            ("sqlite:///var/lib/pg.db", "/var/lib/pg.db"),
            ("sqlite:data/x.db", "data/x.db"),
        ] {
            assert_eq!(
                DatabaseUrl::parse(raw).expect(raw),
                DatabaseUrl::Sqlite {
                    path: PathBuf::from(path)
                }
            );
        }
    }

    #[test]
    fn postgres_urls_are_kept_verbatim_and_redacted_for_display() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db.internal:5432/pg").expect("valid");
        assert_eq!(url.backend(), Backend::Postgres);
        assert!(!url.redacted().contains("s3cret"));
        assert!(!format!("{url:?}").contains("s3cret"));
    }

    #[test]
    fn malformed_urls_are_refused_with_the_setting_named() {
        for raw in [
            "mysql://x",
            "nonsense",
            "sqlite://",
            "postgres://",
            "sqlite::memory:",
        ] {
            let error = DatabaseUrl::parse(raw).expect_err(raw).to_string();
            assert!(error.starts_with("DATABASE_URL"), "{error}");
        }
    }

    #[test]
    fn a_redacted_invalid_url_hides_the_password() {
        let error = DatabaseUrl::parse("mysql://u:topsecret@h/db")
            .expect_err("unsupported")
            .to_string();
        assert!(!error.contains("topsecret"), "{error}");
    }
}
