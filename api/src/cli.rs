//! What each subcommand does.

use std::io::Write;

use partnergraph_persistence::migrations::{self, Action};
use tokio_util::sync::CancellationToken;

use crate::config::{BenchTarget, Cli, Command, ExportSchemaArgs, SeedDemoArgs, ServeArgs};
use crate::server::Server;
use crate::startup::StartupError;

mod bench_dashboard;
mod bench_hub;
mod bench_tiers;

/// Runs the command line until it is done or `shutdown` is cancelled.
pub async fn run(cli: Cli, shutdown: CancellationToken) -> Result<(), StartupError> {
    match cli
        .command
        .unwrap_or_else(|| Command::Serve(ServeArgs::default()))
    {
        Command::Serve(args) => {
            let server = Server::build(&cli.settings, &args).await?;
            server.run(shutdown).await
        }
        Command::Migrate(args) => {
            let config = cli.settings.db_config()?;
            let action = if args.revert {
                Action::RevertLast
            } else {
                Action::ApplyPending
            };
            let report = migrations::run(&config.url, action).await?;
            for version in &report.applied {
                tracing::info!(migration.version = %version, "applied migration");
            }
            for version in &report.reverted {
                tracing::info!(migration.version = %version, "reverted migration");
            }
            tracing::info!(
                database = %config.url.redacted(),
                schema.version = report.current.as_deref().unwrap_or("none"),
                "migrations done"
            );
            Ok(())
        }
        Command::ExportSchema(args) => export_schema(&args),
        Command::Bench(args) => match args.target {
            BenchTarget::SignIn { iterations } => bench_sign_in(&cli.settings, iterations).await,
            BenchTarget::PartnersPage {
                partners,
                deals,
                iterations,
                use_database_url,
            } => {
                bench_partners_page(&cli.settings, partners, deals, iterations, use_database_url)
                    .await
            }
            BenchTarget::ImportPartners {
                rows,
                use_database_url,
            } => bench_import_partners(&cli.settings, rows, use_database_url).await,
            BenchTarget::Hub {
                subscribers,
                rate,
                events,
                idle_subscribers,
            } => bench_hub::run(subscribers, rate, events, idle_subscribers).await,
            BenchTarget::Tiers {
                partners,
                deals,
                use_database_url,
            } => bench_tiers::run(&cli.settings, partners, deals, use_database_url).await,
            BenchTarget::Dashboard {
                partners,
                deals,
                iterations,
                use_database_url,
            } => {
                bench_dashboard::run(&cli.settings, partners, deals, iterations, use_database_url)
                    .await
            }
        },
        Command::SeedDemo(args) => seed_demo(&cli.settings, &args).await,
    }
}

/// Times `iterations` sign-ins through the schema on a temporary SQLite database.
async fn bench_sign_in(settings: &crate::Settings, iterations: usize) -> Result<(), StartupError> {
    use async_graphql::{Request, Variables};
    let dir = std::env::temp_dir().join(format!(
        "partnergraph-bench-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).map_err(|source| StartupError::Write {
        path: dir.display().to_string(),
        source,
    })?;
    let mut settings = settings.clone();
    settings.database_url = format!("sqlite://{}", dir.join("bench.db").display());
    settings.listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    settings.port = None;
    settings.sign_in_max_failures = usize::MAX;
    let server = Server::build(&settings, &ServeArgs::default()).await?;
    let schema = server.schema().clone();
    let password = "benchmark password 123";
    let run = |query: &str, input: serde_json::Value| {
        let request = Request::new(query)
            .variables(Variables::from_json(serde_json::json!({ "input": input })))
            .data(crate::auth::Viewer::Anonymous { rejected: None });
        schema.execute(request)
    };
    let signed_up = run(
        "mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }",
        serde_json::json!({ "email": "bench@bench.example", "password": password, "name": "Bench" }),
    )
    .await;
    if !signed_up.errors.is_empty() {
        return Err(StartupError::Config(format!(
            "benchmark sign-up failed: {:?}",
            signed_up.errors
        )));
    }
    let mut report = format!(
        "sign-in latency over {} runs (argon2id m={} KiB, t={}, p=1):\n",
        iterations.max(1),
        settings.argon2_memory_kib,
        settings.argon2_iterations
    );
    for (label, email, attempt, succeeds) in [
        ("success", "bench@bench.example", password, true),
        (
            "wrong password",
            "bench@bench.example",
            "not the password 42",
            false,
        ),
        ("unknown e-mail", "nobody@bench.example", password, false),
    ] {
        let mut timings = Vec::with_capacity(iterations.max(1));
        for _ in 0..iterations.max(1) {
            let started = std::time::Instant::now();
            let response = run(
                "mutation($input: SignInInput!) { signIn(input: $input) { accessToken } }",
                serde_json::json!({ "email": email, "password": attempt }),
            )
            .await;
            timings.push(started.elapsed());
            if response.errors.is_empty() != succeeds {
                return Err(StartupError::Config(format!(
                    "benchmark sign-in ({label}) behaved unexpectedly: {:?}",
                    response.errors
                )));
            }
        }
        timings.sort();
        let at = |q: f64| {
            timings[((timings.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
        };
        report.push_str(&format!(
            "  {label:<15} p50 {:>6.1} ms  p95 {:>6.1} ms  max {:>6.1} ms\n",
            at(0.5),
            at(0.95),
            at(1.0)
        ));
    }
    server.database().close();
    let _ = std::fs::remove_dir_all(&dir);
    std::io::stdout()
        .write_all(report.as_bytes())
        .map_err(|source| StartupError::Write {
            path: "stdout".into(),
            source,
        })
}

fn export_schema(args: &ExportSchemaArgs) -> Result<(), StartupError> {
    let sdl = crate::graphql::sdl();
    let path = args.output.display().to_string();
    let write_error = |source| StartupError::Write {
        path: path.clone(),
        source,
    };
    if path == "-" {
        std::io::stdout()
            .write_all(sdl.as_bytes())
            .map_err(write_error)
    } else {
        std::fs::write(&args.output, sdl).map_err(write_error)
    }
}

fn print(text: &str) -> Result<(), StartupError> {
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|source| StartupError::Write {
            path: "stdout".into(),
            source,
        })
}

/// Migrates, connects and returns the database and a password hasher of `settings`.
async fn open(
    settings: &crate::Settings,
) -> Result<
    (
        partnergraph_persistence::Database,
        crate::auth::passwords::PasswordHasher,
    ),
    StartupError,
> {
    let config = settings.db_config()?;
    migrations::run(&config.url, Action::ApplyPending).await?;
    let db = partnergraph_persistence::Database::connect(config).await?;
    let hasher = crate::auth::passwords::PasswordHasher::new(
        settings.argon2_memory_kib,
        settings.argon2_iterations,
    )
    .map_err(StartupError::Config)?;
    Ok((db, hasher))
}

async fn seed_demo(settings: &crate::Settings, args: &SeedDemoArgs) -> Result<(), StartupError> {
    let password = partnergraph_domain::Password::parse(&args.password)
        .map_err(|e| StartupError::Config(format!("--password: {e}")))?;
    let domain = partnergraph_domain::CompanyDomain::parse(&args.domain)
        .map_err(|e| StartupError::Config(format!("--domain: {e}")))?;
    let (db, hasher) = open(settings).await?;
    let hash = hasher
        .hash(&password)
        .await
        .map_err(|_| StartupError::Config("password hashing failed".into()))?;
    let started = std::time::Instant::now();
    let concurrency = if db.backend() == partnergraph_persistence::Backend::Postgres {
        4
    } else {
        1
    };
    crate::seed::seed(
        &db,
        domain.as_str(),
        hash,
        args.partners,
        args.deals,
        args.seed,
        concurrency,
    )
    .await?;
    print(&format!(
        "seeded {} partners and {} deals into {} in {:.1} s; sign in as owner@{} with the demo password\n",
        args.partners,
        args.deals,
        domain.as_str(),
        started.elapsed().as_secs_f64(),
        domain.as_str()
    ))
}

/// Seeds a fresh organisation, then times partners-table requests through the schema.
async fn bench_partners_page(
    settings: &crate::Settings,
    count: u64,
    deal_count: u64,
    iterations: usize,
    use_database_url: bool,
) -> Result<(), StartupError> {
    use async_graphql::{Request, Variables};
    let bench = BenchOrg::start(settings, count, deal_count, use_database_url).await?;
    let (db, member, seeding) = (
        bench.server.database().clone(),
        bench.member(),
        bench.seeding,
    );
    let server = &bench.server;
    let schema = server.schema().clone();
    let fields = "totalCount edges { node { id name type stage fitScore healthScore pipeline { amountMinor } revenue { amountMinor } activeDeals regions tags { category value } partnerManager { name } } }";
    let shapes = [
        (
            "first 50 by name",
            format!("{{ partners(first: 50) {{ {fields} }} }}"),
        ),
        (
            "first 50 by fit desc",
            format!(
                "{{ partners(first: 50, orderBy: [{{ field: FIT_SCORE, direction: DESC }}]) {{ {fields} }} }}"
            ),
        ),
        (
            "first 50 by pipeline desc",
            format!(
                "{{ partners(first: 50, orderBy: [{{ field: PIPELINE, direction: DESC }}]) {{ {fields} }} }}"
            ),
        ),
        (
            "filtered (types, stages, region, fit)",
            format!(
                "{{ partners(first: 50, filter: {{ types: [RESELLER, TECHNOLOGY], stages: [ACTIVE, SCALING, ACTIVATED], regions: [\"EMEA\"], fitScore: {{ gte: 60 }} }}) {{ {fields} }} }}"
            ),
        ),
    ];
    let mut report = format!(
        "partners page over {count} partners and {deal_count} deals on {:?} (seeded in {:.1} s), {iterations} requests each:\n",
        db.backend(),
        seeding.as_secs_f64()
    );
    for (label, query) in shapes {
        let mut timings = Vec::with_capacity(iterations.max(1));
        let mut statements = 0;
        for _ in 0..iterations.max(1) {
            let before = db.statements_executed();
            let started = std::time::Instant::now();
            let response = schema
                .execute(
                    Request::new(query.clone())
                        .variables(Variables::default())
                        .data(crate::auth::Viewer::Member(member.clone())),
                )
                .await;
            timings.push(started.elapsed());
            statements = db.statements_executed() - before;
            if !response.errors.is_empty() {
                return Err(StartupError::Config(format!(
                    "benchmark query failed: {:?}",
                    response.errors
                )));
            }
        }
        timings.sort();
        let at = |q: f64| {
            timings[((timings.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
        };
        report.push_str(&format!(
            "  {label:<38} p50 {:>7.1} ms  p95 {:>7.1} ms  statements/request {statements}\n",
            at(0.5),
            at(0.95)
        ));
    }
    bench.finish();
    print(&report)
}

/// A server on a temporary SQLite file (or DATABASE_URL) with a fresh seeded organisation,
/// for the benchmarks that go through the schema.
struct BenchOrg {
    server: Server,
    seeded: crate::seed::Seeded,
    seeding: std::time::Duration,
    dir: Option<std::path::PathBuf>,
}

impl BenchOrg {
    /// Starts the server and seeds an organisation with `partners` partners.
    async fn start(
        settings: &crate::Settings,
        partners: u64,
        deals: u64,
        use_database_url: bool,
    ) -> Result<Self, StartupError> {
        let mut settings = settings.clone();
        settings.argon2_memory_kib = 1024;
        settings.argon2_iterations = 1;
        let mut dir = None;
        if !use_database_url {
            let path = std::env::temp_dir().join(format!(
                "partnergraph-bench-{}",
                uuid::Uuid::new_v4().simple()
            ));
            std::fs::create_dir_all(&path).map_err(|source| StartupError::Write {
                path: path.display().to_string(),
                source,
            })?;
            settings.database_url = format!("sqlite://{}", path.join("bench.db").display());
            dir = Some(path);
        }
        settings.listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        settings.port = None;
        let server = Server::build(&settings, &ServeArgs::default()).await?;
        let db = server.database().clone();
        let domain = format!("bench-{}.example", uuid::Uuid::new_v4().simple());
        let hasher =
            crate::auth::passwords::PasswordHasher::new(1024, 1).map_err(StartupError::Config)?;
        let hash = hasher
            .hash(
                &partnergraph_domain::Password::parse("benchmark password")
                    .map_err(|e| StartupError::Config(e.to_string()))?,
            )
            .await
            .map_err(|_| StartupError::Config("password hashing failed".into()))?;
        let started = std::time::Instant::now();
        let concurrency = if db.backend() == partnergraph_persistence::Backend::Postgres {
            4
        } else {
            1
        };
        let seeded =
            crate::seed::seed(&db, &domain, hash, partners, deals, 42, concurrency).await?;
        Ok(BenchOrg {
            server,
            seeded,
            seeding: started.elapsed(),
            dir,
        })
    }

    /// The organisation's owner, as the benchmarks' caller.
    fn member(&self) -> crate::auth::Member {
        crate::auth::Member {
            org_id: self.seeded.org_id,
            role: partnergraph_domain::Role::Owner,
            actor: crate::auth::Actor::User {
                id: self.seeded.owner_id,
                session_id: uuid::Uuid::nil(),
            },
            partner_id: None,
        }
    }

    /// Closes the pool and removes the temporary database.
    fn finish(self) {
        self.server.database().close();
        if let Some(dir) = self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Imports the same `count` rows into a fresh organisation three times through the schema
/// (all created, all unchanged, then all updated) and reports each call.
async fn bench_import_partners(
    settings: &crate::Settings,
    count: usize,
    use_database_url: bool,
) -> Result<(), StartupError> {
    use async_graphql::{Request, Variables};
    let bench = BenchOrg::start(settings, 0, 0, use_database_url).await?;
    let db = bench.server.database().clone();
    let member = bench.member();
    let schema = bench.server.schema().clone();
    const TYPES: [&str; 4] = ["reseller", "Technology", "CONSULTING", "referral"];
    const STAGES: [&str; 4] = ["prospect", "Qualified", "LEGAL_NEGOTIATION", "active"];
    let rows = |stage_shift: usize| -> Vec<serde_json::Value> {
        (0..count)
            .map(|i| {
                serde_json::json!({
                    "externalId": format!("crm-{i:05}"),
                    "name": format!("Imported Partner {i}"),
                    "domain": format!("imported-{i}.example"),
                    "type": TYPES[i % TYPES.len()],
                    "status": "active",
                    "stage": STAGES[(i + stage_shift) % STAGES.len()],
                    "industry": "Software",
                    "employees": 10 + i,
                    "companyRevenue": { "amountMinor": (i as i64 + 1) * 100_000_000, "currency": "USD" },
                    "regions": ["EMEA", "NA"],
                    "services": ["Implementation"],
                    "tags": [{ "category": "services", "value": "Migration" }],
                })
            })
            .collect()
    };
    let document = "mutation($input: ImportPartnersInput!) { importPartners(input: $input) { created updated unchanged failed results { row outcome partner { id version } error { field message } } } }";
    let mut report = format!(
        "importPartners of {count} rows on {:?}, matched on externalId:\n",
        db.backend()
    );
    for (label, shift, outcome) in [
        ("first run (all created)", 0, "created"),
        ("same rows again (all unchanged)", 0, "unchanged"),
        ("stage changed (all updated)", 1, "updated"),
    ] {
        let input = serde_json::json!({ "rows": rows(shift), "matchOn": "EXTERNAL_ID" });
        let before = db.statements_executed();
        let started = std::time::Instant::now();
        let response = schema
            .execute(
                Request::new(document)
                    .variables(Variables::from_json(serde_json::json!({ "input": input })))
                    .data(crate::auth::Viewer::Member(member.clone())),
            )
            .await;
        let elapsed = started.elapsed();
        let statements = db.statements_executed() - before;
        let data = response.data.into_json().unwrap_or_default();
        if !response.errors.is_empty() || data["importPartners"][outcome] != count {
            return Err(StartupError::Config(format!(
                "benchmark import ({label}) behaved unexpectedly: {:?} {}",
                response.errors, data["importPartners"]["results"][0]
            )));
        }
        report.push_str(&format!(
            "  {label:<34} {:>8.1} ms/call  {:>6.3} ms/row  statements/call {statements}\n",
            elapsed.as_secs_f64() * 1000.0,
            elapsed.as_secs_f64() * 1000.0 / count.max(1) as f64,
        ));
    }
    bench.finish();
    print(&report)
}
