//! Test harness: [`TestApp`] starts the real server on an ephemeral port over a fresh database
//! (a new SQLite file, or a PostgreSQL database cloned from a migrated template) and talks to
//! it over HTTP and websockets.
//!
//! Every end-to-end test runs on SQLite, and on PostgreSQL when `TEST_DATABASE_URL` is set
//! (CI always sets it); see [`on_both_backends!`].

mod postgres;
pub mod ws;

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
        Self::spawn_on(database, configure).await
    }

    /// Starts a server on an existing test database (e.g. to restart on the same data).
    pub async fn spawn_on(
        database: TestDatabase,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let backend = database.backend();
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
            http: {
                // reqwest's rustls needs the process-wide provider the server installs.
                partnergraph_llm::install_tls_provider();
                reqwest::Client::new()
            },
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

    /// POSTs a query with an `Authorization: Bearer` credential.
    pub async fn query_as(&self, credential: &str, query: &str, variables: Value) -> Value {
        let response = self
            .http
            .post(self.url("/graphql"))
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {credential}"))
            .body(json!({ "query": query, "variables": variables }).to_string())
            .send()
            .await
            .expect("request sent");
        let text = response.text().await.expect("body");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    /// Signs up `email` (work address) with the test password; returns the `signUp` payload
    /// body (data or errors).
    pub async fn sign_up(&self, email: &str, company_domain: Option<&str>) -> Value {
        self.query_with(
            "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken refreshToken accessTokenExpiresAt viewer { role user { id email } organization { id domain } } } }",
            json!({ "input": { "email": email, "password": PASSWORD, "name": "Test Person", "companyDomain": company_domain } }),
        )
        .await
    }

    /// Signs up and returns the session (panics on failure).
    pub async fn signed_up(&self, email: &str) -> Session {
        let body = self.sign_up(email, None).await;
        Session::from_auth_payload(&body["data"]["signUp"])
            .unwrap_or_else(|| panic!("sign-up failed: {body}"))
    }

    /// Signs in with the test password and returns the session (panics on failure).
    pub async fn signed_in(&self, email: &str) -> Session {
        let body = self
            .query_with(
                "mutation($input: SignInInput!) { signIn(input: $input) { accessToken refreshToken accessTokenExpiresAt viewer { role user { id email } organization { id domain } } } }",
                json!({ "input": { "email": email, "password": PASSWORD } }),
            )
            .await;
        Session::from_auth_payload(&body["data"]["signIn"])
            .unwrap_or_else(|| panic!("sign-in failed: {body}"))
    }

    /// `inviter` invites `email` with `role` (a Role enum value such as `"MEMBER"`); the
    /// invitee accepts. Returns the invitee's session (panics on failure).
    pub async fn invited(&self, inviter: &Session, email: &str, role: &str) -> Session {
        let invited = self
            .query_as(
                &inviter.access_token,
                "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { token } } }",
                json!({ "input": { "email": email, "role": role } }),
            )
            .await;
        let token = invited["data"]["inviteMember"]["invitation"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("invite failed: {invited}"));
        let accepted = self
            .query_with(
                "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken refreshToken viewer { user { id } organization { id } } } }",
                json!({ "input": { "token": token, "password": PASSWORD, "name": "Invitee" } }),
            )
            .await;
        Session::from_auth_payload(&accepted["data"]["acceptInvitation"])
            .unwrap_or_else(|| panic!("accept failed: {accepted}"))
    }

    /// A partner-role user acting for partner `partner_id` (a global ID) of `inviter`'s
    /// organisation: invited with role PARTNER and accepted.
    pub async fn partner_user(&self, inviter: &Session, email: &str, partner_id: &str) -> Session {
        let invited = self
            .query_as(
                &inviter.access_token,
                "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { token } } }",
                json!({ "input": { "email": email, "role": "PARTNER", "partnerId": partner_id } }),
            )
            .await;
        let token = invited["data"]["inviteMember"]["invitation"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("invite failed: {invited}"));
        let accepted = self
            .query_with(
                "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken refreshToken viewer { user { id } organization { id } } } }",
                json!({ "input": { "token": token, "password": PASSWORD, "name": "Partner User" } }),
            )
            .await;
        Session::from_auth_payload(&accepted["data"]["acceptInvitation"])
            .unwrap_or_else(|| panic!("accept failed: {accepted}"))
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(handle) = self.server.take() {
            handle.await.expect("server task");
        }
    }

    /// Stops the server and hands back its database (to restart on the same data).
    pub async fn stop_keeping_database(mut self) -> TestDatabase {
        self.shutdown.cancel();
        if let Some(handle) = self.server.take() {
            handle.await.expect("server task");
        }
        let placeholder = TestDatabase::Sqlite {
            dir: tempfile::tempdir().expect("dir"),
        };
        std::mem::replace(&mut self.database, placeholder)
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

/// The password every test user has.
pub const PASSWORD: &str = "correct horse battery staple";

/// A signed-in test user.
#[derive(Debug, Clone)]
pub struct Session {
    /// Access token.
    pub access_token: String,
    /// Refresh token.
    pub refresh_token: String,
    /// The user's global ID.
    pub user_id: String,
    /// The organisation's global ID.
    pub org_id: String,
}

impl Session {
    /// Reads an `AuthPayload` (with `viewer { user { id } organization { id } }`).
    pub fn from_auth_payload(payload: &Value) -> Option<Session> {
        Some(Session {
            access_token: payload["accessToken"].as_str()?.to_owned(),
            refresh_token: payload["refreshToken"].as_str()?.to_owned(),
            user_id: payload["viewer"]["user"]["id"].as_str()?.to_owned(),
            org_id: payload["viewer"]["organization"]["id"].as_str()?.to_owned(),
        })
    }
}

/// Settings for a test server on `database`: ephemeral port, defaults otherwise.
pub fn test_settings(database: &TestDatabase) -> Settings {
    let mut settings = Settings::defaults();
    settings.database_url = database.url();
    settings.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    settings.port = None;
    settings.shutdown_grace_ms = 5_000;
    // Cheap password hashing keeps the suite fast; production defaults are measured by the
    // sign-in benchmark.
    settings.argon2_memory_kib = 1024;
    settings.argon2_iterations = 1;
    // AI features stay off unless a test points them at a model (the environment of a
    // developer who started the local model must not leak in).
    settings.llm_base_url = None;
    settings.llm_api_key = None;
    settings
}

/// One string field of every node of a connection, in order (panics if there are no edges).
pub fn node_strings(connection: &Value, field: &str) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("not a connection: {connection}"))
        .iter()
        .filter_map(|edge| edge["node"][field].as_str().map(str::to_owned))
        .collect()
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}
