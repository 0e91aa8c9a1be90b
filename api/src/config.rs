//! Command line and environment configuration. Every setting is a flag with an environment
//! variable; `docs/CONFIGURATION.md` is this help text, kept equal by a test.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use partnergraph_persistence::{DatabaseUrl, DbConfig, DbError};

const AFTER_HELP: &str = "\
Standard OpenTelemetry variables are honoured as well: OTEL_EXPORTER_OTLP_ENDPOINT (traces are
exported over OTLP/HTTP only when it is set), OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
OTEL_EXPORTER_OTLP_HEADERS, OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_SERVICE_NAME and
OTEL_RESOURCE_ATTRIBUTES. RUST_LOG overrides --log-filter.";

/// Partnergraph: a headless GraphQL API for partner relationship management.
#[derive(Debug, Clone, Parser)]
#[command(name = "partnergraph", version, after_long_help = AFTER_HELP)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Settings shared by every subcommand.
    #[command(flatten)]
    pub settings: Settings,
}

/// Subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Run the GraphQL server (the default).
    Serve(ServeArgs),
    /// Apply pending database migrations, or revert the latest one.
    Migrate(MigrateArgs),
    /// Write the GraphQL schema (SDL) to a file.
    ExportSchema(ExportSchemaArgs),
    /// Measure performance figures (on a throw-away embedded database unless told otherwise).
    Bench(BenchArgs),
    /// Create a demo organisation with realistic partners (deterministic for a given --seed).
    SeedDemo(SeedDemoArgs),
}

/// `seed-demo` options.
#[derive(Debug, Clone, Args)]
pub struct SeedDemoArgs {
    /// Partners to create.
    #[arg(long, default_value_t = 1_000)]
    pub partners: u64,
    /// Deals to create over those partners (with their financial rollups).
    #[arg(long, default_value_t = 0)]
    pub deals: u64,
    /// Random seed: the same seed creates the same partners.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Domain of the demo organisation (must not exist yet); its owner is owner@<domain>.
    #[arg(long, default_value = "demo.example")]
    pub domain: String,
    /// Password of the demo owner.
    #[arg(
        long,
        env = "PARTNERGRAPH_DEMO_PASSWORD",
        default_value = "demo-password-123",
        hide_env_values = true
    )]
    pub password: String,
}

/// `bench` options.
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// What to measure.
    #[command(subcommand)]
    pub target: BenchTarget,
}

/// Benchmarks.
#[derive(Debug, Clone, Subcommand)]
pub enum BenchTarget {
    /// Sign-in latency with the configured argon2id cost (--argon2-memory-kib,
    /// --argon2-iterations), through the GraphQL schema.
    SignIn {
        /// Sign-ins to time.
        #[arg(long, default_value_t = 30)]
        iterations: usize,
    },
    /// Partners-table latency and SQL statements per request over a seeded organisation.
    PartnersPage {
        /// Partners to seed first.
        #[arg(long, default_value_t = 100_000)]
        partners: u64,
        /// Deals to seed over them (drives pipeline and revenue).
        #[arg(long, default_value_t = 0)]
        deals: u64,
        /// Requests to time per query shape.
        #[arg(long, default_value_t = 50)]
        iterations: usize,
        /// Run on DATABASE_URL (e.g. PostgreSQL) in a fresh organisation instead of a
        /// temporary SQLite file.
        #[arg(long)]
        use_database_url: bool,
    },
    /// `importPartners` latency and SQL statements per call: the same rows imported into a
    /// fresh organisation three times (all created, all unchanged, all updated).
    ImportPartners {
        /// Rows per call (at most 1,000).
        #[arg(long, default_value_t = 1_000)]
        rows: usize,
        /// Run on DATABASE_URL (e.g. PostgreSQL) in a fresh organisation instead of a
        /// temporary SQLite file.
        #[arg(long)]
        use_database_url: bool,
    },
    /// The generation hub: publish→receive latency with many subscribers on one generation,
    /// and the memory an idle subscription holds.
    Hub {
        /// Subscribers on the generation.
        #[arg(long, default_value_t = 1_000)]
        subscribers: usize,
        /// Events published per second.
        #[arg(long, default_value_t = 20)]
        rate: u32,
        /// Events to publish.
        #[arg(long, default_value_t = 200)]
        events: usize,
        /// Idle subscriptions for the memory measurement.
        #[arg(long, default_value_t = 10_000)]
        idle_subscribers: usize,
    },
    /// Tier evaluation of a seeded organisation under a program of 5 tracks × 5 tiers × 5
    /// rules: the first evaluation (every partner placed), one with nothing changed, and one
    /// after 1% of partners changed, each split into load, evaluate and write, with the SQL
    /// statements and partners written.
    Tiers {
        /// Partners to seed first.
        #[arg(long, default_value_t = 100_000)]
        partners: u64,
        /// Deals to seed over them (drives closed deals, revenue and pipeline, so partners
        /// spread across tiers).
        #[arg(long, default_value_t = 300_000)]
        deals: u64,
        /// Run on DATABASE_URL (e.g. PostgreSQL) in a fresh organisation instead of a
        /// temporary SQLite file.
        #[arg(long)]
        use_database_url: bool,
    },
    /// The Intelligence dashboards over a seeded organisation placed in a program of
    /// segments and tiers: latency (p50, p95) and SQL statements per request of the whole
    /// executive dashboard, the same filtered by segment and tier, the whole partner
    /// lifecycle view and every tile alone; then a check that a deal won through the API
    /// shows in the next read.
    Dashboard {
        /// Partners to seed first.
        #[arg(long, default_value_t = 100_000)]
        partners: u64,
        /// Deals to seed over them (drives pipeline, revenue and the win rate).
        #[arg(long, default_value_t = 1_000_000)]
        deals: u64,
        /// Requests to time per shape.
        #[arg(long, default_value_t = 20)]
        iterations: usize,
        /// Run on DATABASE_URL (e.g. PostgreSQL) in a fresh organisation instead of a
        /// temporary SQLite file.
        #[arg(long)]
        use_database_url: bool,
    },
}

/// `serve` options.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Do not apply migrations at start-up (for deployments that migrate as a release step);
    /// the server refuses to start if migrations are pending.
    #[arg(long, env = "PARTNERGRAPH_NO_MIGRATE", hide_env_values = true)]
    pub no_migrate: bool,
}

/// `migrate` options.
#[derive(Debug, Clone, Default, Args)]
pub struct MigrateArgs {
    /// Revert the most recently applied migration instead of applying pending ones.
    #[arg(long)]
    pub revert: bool,
}

/// `export-schema` options.
#[derive(Debug, Clone, Args)]
pub struct ExportSchemaArgs {
    /// Where to write the SDL; `-` for standard output.
    #[arg(long, short, default_value = "schema.graphql")]
    pub output: PathBuf,
}

/// Log output format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable, for terminals.
    #[default]
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Settings shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Database: sqlite://path/to/file.db (embedded, created on first start) or
    /// postgres://user:password@host:5432/database.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://partnergraph.db",
        hide_env_values = true,
        global = true
    )]
    pub database_url: String,

    /// Maximum pooled database connections.
    #[arg(
        long,
        env = "PARTNERGRAPH_DB_POOL_SIZE",
        default_value_t = 10,
        hide_env_values = true,
        global = true
    )]
    pub db_pool_size: usize,

    /// Milliseconds a request waits for a free database connection.
    #[arg(
        long,
        env = "PARTNERGRAPH_DB_ACQUIRE_TIMEOUT_MS",
        default_value_t = 5_000,
        hide_env_values = true,
        global = true
    )]
    pub db_acquire_timeout_ms: u64,

    /// PostgreSQL statement_timeout in milliseconds, per connection.
    #[arg(
        long,
        env = "PARTNERGRAPH_DB_STATEMENT_TIMEOUT_MS",
        default_value_t = 30_000,
        hide_env_values = true,
        global = true
    )]
    pub db_statement_timeout_ms: u64,

    /// PostgreSQL application_name, per connection.
    #[arg(
        long,
        env = "PARTNERGRAPH_DB_APPLICATION_NAME",
        default_value = "partnergraph",
        hide_env_values = true,
        global = true
    )]
    pub db_application_name: String,

    /// SQLite busy timeout in milliseconds: how long a writer waits for the lock.
    #[arg(
        long,
        env = "PARTNERGRAPH_SQLITE_BUSY_TIMEOUT_MS",
        default_value_t = 5_000,
        hide_env_values = true,
        global = true
    )]
    pub sqlite_busy_timeout_ms: u64,

    /// Address to listen on.
    #[arg(
        long,
        env = "PARTNERGRAPH_LISTEN",
        default_value = "127.0.0.1:8080",
        hide_env_values = true,
        global = true
    )]
    pub listen: SocketAddr,

    /// Port to listen on, overriding the port of --listen (platforms set PORT).
    #[arg(long, env = "PORT", hide_env_values = true, global = true)]
    pub port: Option<u16>,

    /// Production mode: introspection only for authenticated requests.
    #[arg(
        long,
        env = "PARTNERGRAPH_PRODUCTION",
        hide_env_values = true,
        global = true
    )]
    pub production: bool,

    /// Log format.
    #[arg(long, env = "PARTNERGRAPH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Pretty, hide_env_values = true, global = true)]
    pub log_format: LogFormat,

    /// Log filter (tracing EnvFilter syntax).
    #[arg(
        long,
        env = "PARTNERGRAPH_LOG_FILTER",
        default_value = "info",
        hide_env_values = true,
        global = true
    )]
    pub log_filter: String,

    /// Maximum depth of a GraphQL selection.
    #[arg(
        long,
        env = "PARTNERGRAPH_MAX_QUERY_DEPTH",
        default_value_t = 16,
        hide_env_values = true,
        global = true
    )]
    pub max_query_depth: usize,

    /// Maximum complexity of a GraphQL operation (each field costs 1; connections multiply by
    /// their page size).
    #[arg(
        long,
        env = "PARTNERGRAPH_MAX_QUERY_COMPLEXITY",
        default_value_t = 5_000,
        hide_env_values = true,
        global = true
    )]
    pub max_query_complexity: usize,

    /// Maximum nesting the GraphQL parser accepts (selections, lists and objects in values).
    #[arg(
        long,
        env = "PARTNERGRAPH_MAX_RECURSIVE_DEPTH",
        default_value_t = 32,
        hide_env_values = true,
        global = true
    )]
    pub max_recursive_depth: usize,

    /// Maximum request body in bytes (larger bodies get 413).
    #[arg(
        long,
        env = "PARTNERGRAPH_MAX_BODY_BYTES",
        default_value_t = 1_048_576,
        hide_env_values = true,
        global = true
    )]
    pub max_body_bytes: usize,

    /// Milliseconds a GraphQL operation may run before it fails with REQUEST_TIMEOUT.
    #[arg(
        long,
        env = "PARTNERGRAPH_REQUEST_TIMEOUT_MS",
        default_value_t = 30_000,
        hide_env_values = true,
        global = true
    )]
    pub request_timeout_ms: u64,

    /// Page size of a connection when neither first nor last is given.
    #[arg(
        long,
        env = "PARTNERGRAPH_DEFAULT_PAGE_SIZE",
        default_value_t = 20,
        hide_env_values = true,
        global = true
    )]
    pub default_page_size: usize,

    /// Largest first/last a connection accepts.
    #[arg(
        long,
        env = "PARTNERGRAPH_MAX_PAGE_SIZE",
        default_value_t = 100,
        hide_env_values = true,
        global = true
    )]
    pub max_page_size: usize,

    /// Most operations in one batched (JSON array) request.
    #[arg(
        long,
        env = "PARTNERGRAPH_MAX_BATCH_OPERATIONS",
        default_value_t = 10,
        hide_env_values = true,
        global = true
    )]
    pub max_batch_operations: usize,

    /// Origins allowed to call the API from a browser (CORS), comma-separated; `*` for any.
    #[arg(
        long,
        env = "PARTNERGRAPH_CORS_ORIGINS",
        value_delimiter = ',',
        hide_env_values = true,
        global = true
    )]
    pub cors_origins: Vec<String>,

    /// Milliseconds to let in-flight requests finish after SIGINT/SIGTERM.
    #[arg(
        long,
        env = "PARTNERGRAPH_SHUTDOWN_GRACE_MS",
        default_value_t = 10_000,
        hide_env_values = true,
        global = true
    )]
    pub shutdown_grace_ms: u64,

    /// HMAC key for access tokens (at least 32 bytes). Unset: one is generated on first start
    /// and stored in the database, so tokens survive restarts of the embedded default.
    #[arg(
        long,
        env = "PARTNERGRAPH_JWT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub jwt_secret: Option<String>,

    /// Lifetime of access tokens in seconds.
    #[arg(
        long,
        env = "PARTNERGRAPH_ACCESS_TOKEN_TTL_SECS",
        default_value_t = 900,
        hide_env_values = true,
        global = true
    )]
    pub access_token_ttl_secs: u64,

    /// Lifetime of a session (and its rotating refresh tokens) in days.
    #[arg(
        long,
        env = "PARTNERGRAPH_SESSION_TTL_DAYS",
        default_value_t = 30,
        hide_env_values = true,
        global = true
    )]
    pub session_ttl_days: u64,

    /// Lifetime of an invitation in hours.
    #[arg(
        long,
        env = "PARTNERGRAPH_INVITATION_TTL_HOURS",
        default_value_t = 168,
        hide_env_values = true,
        global = true
    )]
    pub invitation_ttl_hours: u64,

    /// Failed sign-ins per e-mail and client address before RATE_LIMITED.
    #[arg(
        long,
        env = "PARTNERGRAPH_SIGN_IN_MAX_FAILURES",
        default_value_t = 5,
        hide_env_values = true,
        global = true
    )]
    pub sign_in_max_failures: usize,

    /// Seconds over which failed sign-ins are counted (and the longest lockout).
    #[arg(
        long,
        env = "PARTNERGRAPH_SIGN_IN_WINDOW_SECS",
        default_value_t = 900,
        hide_env_values = true,
        global = true
    )]
    pub sign_in_window_secs: u64,

    /// Seconds between sweeps that record approved deal registrations past their expiry as
    /// EXPIRED (reads already show them expired); 0 disables the sweep.
    #[arg(
        long,
        env = "PARTNERGRAPH_REGISTRATION_SWEEP_SECS",
        default_value_t = 300,
        hide_env_values = true,
        global = true
    )]
    pub registration_sweep_secs: u64,

    /// Base URL of an OpenAI-compatible API for AI features, e.g. http://127.0.0.1:8012/v1
    /// (see `scripts/local-llm`); unset, every AI operation answers LLM_UNAVAILABLE.
    #[arg(
        long,
        env = "PARTNERGRAPH_LLM_BASE_URL",
        hide_env_values = true,
        global = true
    )]
    pub llm_base_url: Option<String>,

    /// API key of the model endpoint (falls back to OPENAI_API_KEY); never logged.
    #[arg(
        long,
        env = "PARTNERGRAPH_LLM_API_KEY",
        hide_env_values = true,
        global = true
    )]
    pub llm_api_key: Option<String>,

    /// Model id sent to the endpoint and recorded on every generation.
    #[arg(
        long,
        env = "PARTNERGRAPH_LLM_MODEL",
        default_value = "qwen2.5-0.5b",
        hide_env_values = true,
        global = true
    )]
    pub llm_model: String,

    /// Milliseconds to wait for a connection to the model endpoint.
    #[arg(
        long,
        env = "PARTNERGRAPH_LLM_CONNECT_TIMEOUT_MS",
        default_value_t = 5_000,
        hide_env_values = true,
        global = true
    )]
    pub llm_connect_timeout_ms: u64,

    /// Milliseconds from sending a request to the first token before the attempt fails.
    #[arg(
        long,
        env = "PARTNERGRAPH_LLM_FIRST_TOKEN_TIMEOUT_MS",
        default_value_t = 60_000,
        hide_env_values = true,
        global = true
    )]
    pub llm_first_token_timeout_ms: u64,

    /// Milliseconds a whole model response may take.
    #[arg(
        long,
        env = "PARTNERGRAPH_LLM_TOTAL_TIMEOUT_MS",
        default_value_t = 300_000,
        hide_env_values = true,
        global = true
    )]
    pub llm_total_timeout_ms: u64,

    /// Attempts per model request on 429, 5xx and connection errors (1 = no retry).
    #[arg(
        long,
        env = "PARTNERGRAPH_LLM_MAX_ATTEMPTS",
        default_value_t = 3,
        hide_env_values = true,
        global = true
    )]
    pub llm_max_attempts: u32,

    /// Base of the exponential retry backoff in milliseconds (full jitter; Retry-After wins).
    #[arg(
        long,
        env = "PARTNERGRAPH_LLM_BACKOFF_MS",
        default_value_t = 500,
        hide_env_values = true,
        global = true
    )]
    pub llm_backoff_ms: u64,

    /// Tokens each organisation may use per calendar month (UTC); 0 means unlimited. Spent,
    /// AI operations answer LLM_QUOTA_EXCEEDED until the month ends.
    #[arg(
        long,
        env = "PARTNERGRAPH_LLM_MONTHLY_TOKEN_BUDGET",
        default_value_t = 0,
        hide_env_values = true,
        global = true
    )]
    pub llm_monthly_token_budget: u64,

    /// Model calls that may run at once in this process; further generations wait PENDING
    /// (e.g. a batch `refreshPartnerScores`).
    #[arg(
        long,
        env = "PARTNERGRAPH_LLM_CONCURRENCY",
        default_value_t = 2,
        hide_env_values = true,
        global = true
    )]
    pub llm_concurrency: usize,

    /// argon2id memory cost in KiB for password hashes (OWASP minimum: 19456).
    #[arg(
        long,
        env = "PARTNERGRAPH_ARGON2_MEMORY_KIB",
        default_value_t = 19_456,
        hide_env_values = true,
        global = true
    )]
    pub argon2_memory_kib: u32,

    /// argon2id passes for password hashes.
    #[arg(
        long,
        env = "PARTNERGRAPH_ARGON2_ITERATIONS",
        default_value_t = 2,
        hide_env_values = true,
        global = true
    )]
    pub argon2_iterations: u32,

    /// OTLP/HTTP endpoint for traces, e.g. http://127.0.0.1:4318; unset disables export.
    #[arg(
        long,
        env = "OTEL_EXPORTER_OTLP_ENDPOINT",
        hide_env_values = true,
        global = true
    )]
    pub otel_endpoint: Option<String>,

    /// Service name on exported traces.
    #[arg(
        long,
        env = "OTEL_SERVICE_NAME",
        default_value = "partnergraph",
        hide_env_values = true,
        global = true
    )]
    pub otel_service_name: String,
}

impl Settings {
    /// The socket address to bind, with PORT applied.
    pub fn listen_addr(&self) -> SocketAddr {
        let mut addr = self.listen;
        if let Some(port) = self.port {
            addr.set_port(port);
        }
        addr
    }

    /// Database settings, validating DATABASE_URL.
    pub fn db_config(&self) -> Result<DbConfig, DbError> {
        let mut config = DbConfig::new(DatabaseUrl::parse(&self.database_url)?);
        config.pool_size = self.db_pool_size;
        config.acquire_timeout = Duration::from_millis(self.db_acquire_timeout_ms);
        config.statement_timeout = Duration::from_millis(self.db_statement_timeout_ms);
        config.application_name = self.db_application_name.clone();
        config.sqlite_busy_timeout = Duration::from_millis(self.sqlite_busy_timeout_ms);
        Ok(config)
    }

    /// GraphQL and HTTP limits.
    pub fn limits(&self) -> Limits {
        Limits {
            max_depth: self.max_query_depth,
            max_complexity: self.max_query_complexity,
            max_recursive_depth: self.max_recursive_depth,
            max_body_bytes: self.max_body_bytes,
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            default_page_size: self.default_page_size.max(1),
            max_page_size: self.max_page_size.max(1),
            max_batch_operations: self.max_batch_operations.max(1),
        }
    }

    /// Settings with every default, as if no flag or variable were given (for tests).
    pub fn defaults() -> Self {
        // Parsing an empty command line cannot fail: every setting has a default or is optional.
        Cli::try_parse_from(["partnergraph"])
            .map(|cli| cli.settings)
            .unwrap_or_else(|e| unreachable!("defaults must parse: {e}"))
    }
}

/// Limits applied to every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Maximum selection depth.
    pub max_depth: usize,
    /// Maximum complexity.
    pub max_complexity: usize,
    /// Maximum parser recursion.
    pub max_recursive_depth: usize,
    /// Maximum request body in bytes.
    pub max_body_bytes: usize,
    /// Per-operation time budget.
    pub request_timeout: Duration,
    /// Connection page size when none is asked for.
    pub default_page_size: usize,
    /// Largest page a connection returns.
    pub max_page_size: usize,
    /// Most operations in a batch.
    pub max_batch_operations: usize,
}

/// The long help of the command and of each subcommand, as printed by `--help`.
pub fn help_text() -> String {
    use clap::CommandFactory;
    let mut command = Cli::command();
    let mut text = command.render_long_help().to_string();
    for sub in ["serve", "migrate", "export-schema", "bench", "seed-demo"] {
        if let Some(subcommand) = command.find_subcommand_mut(sub) {
            text.push_str(&format!("\n\n## partnergraph {sub} --help\n\n"));
            text.push_str(&subcommand.render_long_help().to_string());
        }
    }
    text
}

/// The whole of `docs/CONFIGURATION.md`, generated from the help text.
pub fn configuration_markdown() -> String {
    format!(
        "# Configuration\n\n\
         <!-- Generated from `partnergraph --help`; a test fails when this file differs. \
         Regenerate with `PARTNERGRAPH_BLESS=1 cargo test -p partnergraph-tests`. -->\n\n\
         Every setting is a command-line flag and an environment variable; flags win. Settings \
         are global: they may come before or after the subcommand. With no settings at all, \
         `partnergraph` serves on http://127.0.0.1:8080/graphql over the embedded SQLite file \
         `./partnergraph.db`, created and migrated on first start.\n\n\
         ```text\n{}\n```\n",
        help_text().trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_overrides_the_port_of_listen() {
        let cli =
            Cli::try_parse_from(["partnergraph", "--listen", "0.0.0.0:9000", "--port", "7000"])
                .expect("valid");
        assert_eq!(cli.settings.listen_addr().to_string(), "0.0.0.0:7000");
    }

    #[test]
    fn settings_can_follow_the_subcommand() {
        let cli = Cli::try_parse_from(["partnergraph", "serve", "--no-migrate", "--production"])
            .expect("valid");
        assert!(cli.settings.production);
        assert!(matches!(
            cli.command,
            Some(Command::Serve(ServeArgs { no_migrate: true }))
        ));
    }

    #[test]
    fn the_default_database_is_the_embedded_sqlite_file() {
        let config = Settings::defaults().db_config().expect("valid");
        assert_eq!(config.url.redacted(), "sqlite://partnergraph.db");
    }

    #[test]
    fn the_cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
