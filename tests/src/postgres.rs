//! Per-test databases: a fresh SQLite file, or a PostgreSQL database cloned from a template
//! that is migrated once per migration set.

use std::path::PathBuf;

use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl, SimpleAsyncConnection};
use partnergraph_persistence::migrations::{self, Action};
use partnergraph_persistence::{Backend, DatabaseUrl};
use tokio::sync::OnceCell;

/// Whether the PostgreSQL half of the suite runs (`TEST_DATABASE_URL` set).
pub fn postgres_configured() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|url| !url.trim().is_empty())
}

fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").expect("TEST_DATABASE_URL is set")
}

/// `admin_url` with its database replaced by `name`.
fn url_for(name: &str) -> String {
    let mut url = url::Url::parse(&admin_url()).expect("TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

/// A database that exists for one test and is removed when dropped.
pub enum TestDatabase {
    /// A SQLite file in a temporary directory.
    Sqlite {
        /// The directory (removed on drop).
        dir: tempfile::TempDir,
    },
    /// A PostgreSQL database.
    Postgres {
        /// Its name.
        name: String,
    },
}

impl TestDatabase {
    /// A fresh, empty (SQLite) or migrated (PostgreSQL, cloned from the template) database.
    pub async fn create(backend: Backend) -> TestDatabase {
        match backend {
            Backend::Sqlite => TestDatabase::Sqlite {
                dir: tempfile::tempdir().expect("temporary directory"),
            },
            Backend::Postgres => {
                let template = template().await;
                let name = format!("pg_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = admin().await;
                admin
                    .batch_execute(&format!(
                        r#"create database "{name}" template "{template}""#
                    ))
                    .await
                    .expect("clone the template database");
                TestDatabase::Postgres { name }
            }
        }
    }

    /// A fresh PostgreSQL database without any migration (for migration tests).
    pub async fn create_empty_postgres() -> TestDatabase {
        let name = format!("pg_test_{}", uuid::Uuid::new_v4().simple());
        admin()
            .await
            .batch_execute(&format!(r#"create database "{name}""#))
            .await
            .expect("create database");
        TestDatabase::Postgres { name }
    }

    /// Its backend.
    pub fn backend(&self) -> Backend {
        match self {
            TestDatabase::Sqlite { .. } => Backend::Sqlite,
            TestDatabase::Postgres { .. } => Backend::Postgres,
        }
    }

    /// Its `DATABASE_URL`.
    pub fn url(&self) -> String {
        match self {
            TestDatabase::Sqlite { dir } => {
                format!("sqlite://{}", self::sqlite_path(dir).display())
            }
            TestDatabase::Postgres { name } => url_for(name),
        }
    }

    /// Its parsed URL.
    pub fn database_url(&self) -> DatabaseUrl {
        DatabaseUrl::parse(&self.url()).expect("valid test URL")
    }
}

fn sqlite_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("partnergraph.db")
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { name } = self {
            let name = name.clone();
            // Drop runs inside or outside a runtime; a thread with its own runtime works in both.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async {
                    if let Ok(mut admin) = AsyncPgConnection::establish(&admin_url()).await {
                        let _ = admin
                            .batch_execute(&format!(
                                r#"drop database if exists "{name}" with (force)"#
                            ))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

async fn admin() -> AsyncPgConnection {
    AsyncPgConnection::establish(&admin_url())
        .await
        .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but PostgreSQL is unreachable: {e}"))
}

/// The migrated template's name, created once per migration set (named by a hash of the
/// migration files, so a changed migration gets a new template).
async fn template() -> &'static str {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("pg_template_{:016x}", migrations_hash());
            let mut admin = admin().await;
            // Serialise test processes creating the template at once.
            diesel::sql_query("select pg_advisory_lock(7270617274)")
                .execute(&mut admin)
                .await
                .expect("advisory lock");
            let exists: i64 = diesel::sql_query(format!(
                "select count(*) as n from pg_database where datname = '{name}'"
            ))
            .get_result::<Count>(&mut admin)
            .await
            .expect("query pg_database")
            .n;
            if exists == 0 {
                let building = format!("{name}_building");
                admin
                    .batch_execute(&format!(
                        r#"drop database if exists "{building}" with (force)"#
                    ))
                    .await
                    .expect("drop stale template");
                admin
                    .batch_execute(&format!(r#"create database "{building}""#))
                    .await
                    .expect("create template");
                let url = DatabaseUrl::parse(&url_for(&building)).expect("valid");
                migrations::run(&url, Action::ApplyPending)
                    .await
                    .expect("migrate template");
                admin
                    .batch_execute(&format!(
                        r#"alter database "{building}" rename to "{name}""#
                    ))
                    .await
                    .expect("publish template");
            }
            diesel::sql_query("select pg_advisory_unlock(7270617274)")
                .execute(&mut admin)
                .await
                .expect("advisory unlock");
            name
        })
        .await
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn migrations_hash() -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../migrations/postgres");
    let mut files: Vec<PathBuf> = walk(&dir);
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in files {
        file.strip_prefix(&dir).unwrap_or(&file).hash(&mut hasher);
        std::fs::read(&file).unwrap_or_default().hash(&mut hasher);
    }
    hasher.finish()
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}
