//! Building and running the server: migrate, open the database, bind, serve, shut down.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use partnergraph_llm::model::LanguageModel;
use partnergraph_llm::openai::{OpenAiConfig, OpenAiModel};
use partnergraph_persistence::migrations::{self, Action};
use partnergraph_persistence::{Database, server};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::ai::Ai;
use crate::auth::passwords::PasswordHasher;
use crate::auth::rate_limit::SignInLimiter;
use crate::auth::tokens::TokenSigner;
use crate::auth::{Auth, secrets};
use crate::config::{ServeArgs, Settings};
use crate::graphql::{self, Services};
use crate::http::{self, AppState};
use crate::metrics::Metrics;
use crate::startup::StartupError;

/// Server setting holding the generated access-token key when PARTNERGRAPH_JWT_SECRET is unset.
const JWT_KEY_SETTING: &str = "jwt_signing_key";

/// Password hashing, token signing (key from the setting or the database) and the limiter.
async fn build_auth(settings: &Settings, db: &Database) -> Result<Auth, StartupError> {
    let secret = match settings.jwt_secret.as_deref().map(str::trim) {
        Some(secret) if secret.len() >= 32 => secret.to_owned(),
        Some(_) => {
            return Err(StartupError::Config(
                "PARTNERGRAPH_JWT_SECRET / --jwt-secret must be at least 32 bytes; generate one with `openssl rand -base64 48`".to_owned(),
            ));
        }
        None => {
            let mut conn = db.conn().await?;
            let generated = secrets::generate("");
            server::setting_insert_if_absent(&mut conn, JWT_KEY_SETTING, &generated).await?
        }
    };
    let passwords = PasswordHasher::new(settings.argon2_memory_kib, settings.argon2_iterations)
        .map_err(|e| {
            StartupError::Config(format!(
                "--argon2-memory-kib / --argon2-iterations are unusable: {e}"
            ))
        })?;
    Ok(Auth {
        passwords,
        tokens: TokenSigner::new(
            secret.as_bytes(),
            Duration::from_secs(settings.access_token_ttl_secs),
        ),
        sign_in_limiter: SignInLimiter::new(
            settings.sign_in_max_failures,
            Duration::from_secs(settings.sign_in_window_secs),
        ),
        session_ttl: Duration::from_secs(settings.session_ttl_days.saturating_mul(86_400)),
        invitation_ttl: Duration::from_secs(settings.invitation_ttl_hours.saturating_mul(3_600)),
    })
}

/// The language model, when PARTNERGRAPH_LLM_BASE_URL is set.
fn build_model(settings: &Settings) -> Result<Option<Arc<dyn LanguageModel>>, StartupError> {
    let Some(base_url) = settings
        .llm_base_url
        .as_deref()
        .map(str::trim)
        .filter(|url| !url.is_empty())
    else {
        return Ok(None);
    };
    let usable = url::Url::parse(base_url)
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some());
    if usable.is_none() {
        return Err(StartupError::Config(format!(
            "PARTNERGRAPH_LLM_BASE_URL / --llm-base-url `{base_url}` is not an http(s) URL; use e.g. http://127.0.0.1:8012/v1"
        )));
    }
    let mut config = OpenAiConfig::new(base_url, &settings.llm_model);
    config.api_key = settings
        .llm_api_key
        .clone()
        .or_else(|| std::env::var("OPENAI_API_KEY").ok())
        .filter(|key| !key.trim().is_empty());
    config.connect_timeout = Duration::from_millis(settings.llm_connect_timeout_ms);
    config.first_token_timeout = Duration::from_millis(settings.llm_first_token_timeout_ms);
    config.total_timeout = Duration::from_millis(settings.llm_total_timeout_ms);
    config.max_attempts = settings.llm_max_attempts.max(1);
    config.backoff_base = Duration::from_millis(settings.llm_backoff_ms);
    let model = OpenAiModel::new(config).map_err(|e| {
        StartupError::Config(format!(
            "PARTNERGRAPH_LLM_BASE_URL / --llm-base-url is unusable: {e}"
        ))
    })?;
    Ok(Some(Arc::new(model)))
}

/// A server that is migrated, connected and bound, ready to [`Server::run`].
pub struct Server {
    listener: TcpListener,
    state: AppState,
    cors_origins: Vec<String>,
    grace: Duration,
    /// How often the registration expiry sweep runs (`None`: never).
    sweep_every: Option<Duration>,
}

impl Server {
    /// Migrates (unless `--no-migrate`), opens the database pool and binds the listener.
    /// Each failure names the setting at fault.
    pub async fn build(settings: &Settings, args: &ServeArgs) -> Result<Server, StartupError> {
        let db_config = settings.db_config()?;
        let action = if args.no_migrate {
            Action::VerifyCurrent
        } else {
            Action::ApplyPending
        };
        let report = migrations::run(&db_config.url, action).await?;
        for version in &report.applied {
            tracing::info!(migration.version = %version, "applied migration");
        }
        let db = Database::connect(db_config).await?;
        let addr = settings.listen_addr();
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Listen { addr, source })?;
        let auth = build_auth(settings, &db).await?;
        let model = build_model(settings)?;
        let interrupted = Ai::recover(&db).await.map_err(|e| {
            StartupError::Config(format!("could not recover generations: {}", e.message()))
        })?;
        if interrupted > 0 {
            tracing::warn!(
                generations.interrupted = interrupted,
                "marked generations left running by a previous process as FAILED"
            );
        }
        let ai = Ai::new(
            db.clone(),
            model,
            settings.llm_monthly_token_budget,
            settings.llm_concurrency,
        );
        let services = Services {
            db,
            limits: settings.limits(),
            metrics: Arc::new(Metrics::new()),
            auth: Arc::new(auth),
            ai,
        };
        let state = AppState {
            schema: graphql::build_schema(services.clone()),
            services,
            production: settings.production,
            shutdown: CancellationToken::new(),
            websockets: TaskTracker::new(),
        };
        Ok(Server {
            listener,
            state,
            cors_origins: settings.cors_origins.clone(),
            grace: Duration::from_millis(settings.shutdown_grace_ms),
            sweep_every: (settings.registration_sweep_secs > 0)
                .then(|| Duration::from_secs(settings.registration_sweep_secs)),
        })
    }

    /// The executable schema (for in-process execution, e.g. benchmarks).
    pub fn schema(&self) -> &crate::graphql::AppSchema {
        &self.state.schema
    }

    /// The services the schema runs on (for in-process use cases, e.g. benchmarks).
    pub fn services(&self) -> &crate::graphql::Services {
        &self.state.services
    }

    /// The database pool the server uses.
    pub fn database(&self) -> &Database {
        &self.state.services.db
    }

    /// The bound address (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Serves until `shutdown` is cancelled, then lets in-flight requests finish, sends every
    /// websocket a close frame and closes the pool, all within the grace period.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), StartupError> {
        let Server {
            listener,
            state,
            cors_origins,
            grace,
            sweep_every,
        } = self;
        let addr = listener.local_addr().ok();
        let app = http::router(state.clone(), &cors_origins);
        let server_shutdown = state.shutdown.clone();
        let watcher = {
            let server_shutdown = server_shutdown.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(async move {
                shutdown.cancelled().await;
                server_shutdown.cancel();
            })
        };
        let sweeper = sweep_every.map(|every| {
            tokio::spawn(sweep_registrations(
                state.services.db.clone(),
                every,
                server_shutdown.clone(),
            ))
        });
        if let Some(addr) = addr {
            tracing::info!(
                listen.addr = %addr,
                database.backend = ?state.services.db.backend(),
                "partnergraph listening; GraphiQL at http://{addr}/graphql"
            );
        }
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(server_shutdown.clone().cancelled_owned())
        .into_future();
        let mut serve = std::pin::pin!(serve);
        let result = tokio::select! {
            result = &mut serve => result,
            () = async {
                server_shutdown.cancelled().await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(grace_ms = grace.as_millis() as u64, "shutdown grace period elapsed; dropping remaining connections");
                Ok(())
            }
        };
        state.websockets.close();
        if tokio::time::timeout(grace, state.websockets.wait())
            .await
            .is_err()
        {
            tracing::warn!("websocket sessions did not close within the grace period");
        }
        if let Some(sweeper) = sweeper {
            sweeper.abort();
        }
        state.services.ai.shutdown().await;
        state.services.db.close();
        watcher.abort();
        tracing::info!("partnergraph stopped");
        result.map_err(StartupError::Serve)
    }
}

/// Records expired deal registrations every `every` until shutdown (the first sweep runs at
/// start, catching up after downtime).
async fn sweep_registrations(db: Database, every: Duration, shutdown: CancellationToken) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = ticks.tick() => {}
        }
        match crate::deals::sweep_expired(&db).await {
            Ok(0) => {}
            Ok(expired) => tracing::info!(
                registrations.expired = expired,
                "expired deal registrations"
            ),
            Err(error) => {
                tracing::warn!(error = %error, "the deal registration expiry sweep failed; retrying at the next tick")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_endpoints_over_http_and_https_are_accepted_and_others_named() {
        let mut settings = Settings::defaults();
        settings.llm_base_url = None;
        assert!(
            build_model(&settings).unwrap().is_none(),
            "no endpoint, no model"
        );
        for url in ["http://127.0.0.1:8012/v1", "https://api.openai.com/v1"] {
            settings.llm_base_url = Some(url.into());
            let model = build_model(&settings).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert!(model.is_some(), "{url}");
        }
        settings.llm_base_url = Some("ftp://models.example".into());
        let error = build_model(&settings).expect_err("refused").to_string();
        assert!(error.contains("PARTNERGRAPH_LLM_BASE_URL"), "{error}");
    }
}
