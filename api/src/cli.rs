//! What each subcommand does.

use std::io::Write;

use partnergraph_persistence::migrations::{self, Action};
use tokio_util::sync::CancellationToken;

use crate::config::{Cli, Command, ExportSchemaArgs, ServeArgs};
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
    }
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
