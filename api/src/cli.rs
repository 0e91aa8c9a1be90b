//! What each subcommand does.

use std::io::Write;

use partnergraph_persistence::migrations::{self, Action};
use tokio_util::sync::CancellationToken;

use crate::config::{BenchTarget, Cli, Command, ExportSchemaArgs, ServeArgs};
use crate::server::Server;
use crate::startup::StartupError;

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
        },
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
