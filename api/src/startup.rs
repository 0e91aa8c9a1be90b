//! Errors that stop the binary, each printed as one line naming the setting and the fix.

use std::net::SocketAddr;

use partnergraph_persistence::DbError;

use crate::telemetry::TelemetryError;

/// Why `partnergraph` could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// Database URL, connection, file or migrations.
    #[error(transparent)]
    Database(#[from] DbError),
    /// Logging or tracing configuration.
    #[error(transparent)]
    Telemetry(#[from] TelemetryError),
    /// A setting has an unusable value.
    #[error("{0}")]
    Config(String),
    /// The listen address could not be bound.
    #[error("cannot listen on {addr} (--listen / PARTNERGRAPH_LISTEN / PORT): {}. {}", .source, listen_hint(.source))]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// Writing an output file failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
}

fn listen_hint(error: &std::io::Error) -> &'static str {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => {
            "Another process uses that port: stop it or choose another port, e.g. PORT=8081"
        }
        std::io::ErrorKind::PermissionDenied => {
            "Ports below 1024 need privileges: choose a port above 1024, e.g. PORT=8080"
        }
        _ => "Check --listen (host:port) and PORT",
    }
}
