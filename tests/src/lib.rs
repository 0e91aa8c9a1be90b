//! Test harness: [`TestApp`] starts the real server on an ephemeral port over a fresh database
//! (a new SQLite file, or a PostgreSQL database cloned from a migrated template) and talks to
//! it over HTTP and websockets.
//!
//! Every end-to-end test runs on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set
//! (CI always sets it); see [`on_both_backends!`].

mod postgres;

use std::net::SocketAddr;

use partnergraph_api::Settings;
use partnergraph_api::config::ServeArgs;
use partnergraph_api::server::Server;
use partnergraph_persistence::Database;
use serde_json::{Value, json};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use partnergraph_persistence::Backend;
pub use postgres::{TestDatabase, postgres_configured};

/// For each async test function `name(backend)`, declares `mod name { fn sqlite; fn postgres }`
/// so that every test runs on both backends (PostgreSQL only when `TEST_DATABASE_URL` is set).
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),+ $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::postgres_configured() {
                    super::$name($crate::Backend::Postgres).await;
                }
            }
        }
    )+};
}

/// A running server on a fresh database.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its backend.
    pub backend: Backend,
    /// Its database pool (tests may close it to simulate an outage).
    pub db: Database,
    /// HTTP client.
    pub http: reqwest::Client,
    shutdown: CancellationToken,
    server: Option<JoinHandle<()>>,
    /// Kept alive until the app is dropped (then the database is removed).
    pub database: TestDatabase,
}

impl TestApp {
    /// Starts a server with default settings on a fresh database of `backend`.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts a server after `configure` adjusted the settings.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let database = TestDatabase::create(backend).await;
        let mut settings = test_settings(&database);
        configure(&mut settings);
        let server = Server::build(&settings, &ServeArgs::default())
            .await
            .unwrap_or_else(|e| panic!("server failed to start: {e}"));
        let addr = server.local_addr();
        let db = server.database().clone();
        let shutdown = CancellationToken::new();
        let token = shutdown.clone();
        let handle = tokio::spawn(async move {
            if let Err(error) = server.run(token).await {
                panic!("server stopped with an error: {error}");
            }
        });
        TestApp {
            addr,
            backend,
            db,
            http: reqwest::Client::new(),
            shutdown,
            server: Some(handle),
            database,
        }
    }

    /// `http://addr{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `ws://addr/graphql/ws`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/graphql/ws", self.addr)
    }

    /// POSTs a query as `application/json` and returns the JSON body (any status).
    pub async fn query(&self, query: &str) -> Value {
        self.query_with(query, json!({})).await
    }

    /// POSTs a query with variables.
    pub async fn query_with(&self, query: &str, variables: Value) -> Value {
        let response = self
            .http
            .post(self.url("/graphql"))
            .header("content-type", "application/json")
            .body(json!({ "query": query, "variables": variables }).to_string())
            .send()
            .await
            .expect("request sent");
        let text = response.text().await.expect("body");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(handle) = self.server.take() {
            handle.await.expect("server task");
        }
    }

    /// Cancels the server without waiting (for shutdown tests).
    pub fn begin_shutdown(&self) {
        self.shutdown.cancel();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Settings for a test server on `database`: ephemeral port, defaults otherwise.
pub fn test_settings(database: &TestDatabase) -> Settings {
    let mut settings = Settings::defaults();
    settings.database_url = database.url();
    settings.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.port = None;
    settings.shutdown_grace_ms = 5_000;
    settings
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}
