//! Logs and traces: a `tracing` fmt layer (pretty or JSON) plus, when an OTLP endpoint is set,
//! an OpenTelemetry layer exporting spans over OTLP/HTTP.

use std::io::IsTerminal;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Dispatch;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::config::{LogFormat, Settings};

/// Keeps the trace exporter alive; [`Telemetry::shutdown`] flushes pending spans.
#[derive(Debug, Default)]
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Whether spans are being exported.
    pub fn exports_traces(&self) -> bool {
        self.provider.is_some()
    }

    /// Flushes and stops the exporter. Call last, after the server has stopped.
    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(error) = provider.shutdown()
        {
            tracing::warn!(%error, "flushing traces failed");
        }
    }
}

/// Why telemetry could not start.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The log filter does not parse.
    #[error("--log-filter / PARTNERGRAPH_LOG_FILTER `{filter}` is invalid: {reason}")]
    Filter {
        /// The filter as given.
        filter: String,
        /// The parser's complaint.
        reason: String,
    },
    /// The OTLP exporter could not be built.
    #[error("OTEL_EXPORTER_OTLP_ENDPOINT `{endpoint}` is unusable: {reason}")]
    Exporter {
        /// The endpoint as given.
        endpoint: String,
        /// Why.
        reason: String,
    },
}

/// Builds the subscriber without installing it (tests scope it to one thread).
pub fn build(settings: &Settings) -> Result<(Dispatch, Telemetry), TelemetryError> {
    // Every HTTPS client of the process (the OTLP exporter, the model endpoint) uses rustls
    // with ring; it must be chosen before the first client is built.
    partnergraph_llm::install_tls_provider();
    let filter = match std::env::var("RUST_LOG") {
        Ok(filter) if !filter.is_empty() => filter,
        _ => settings.log_filter.clone(),
    };
    let env_filter = EnvFilter::try_new(&filter).map_err(|e| TelemetryError::Filter {
        filter: filter.clone(),
        reason: e.to_string(),
    })?;
    let fmt_layer = match settings.log_format {
        LogFormat::Pretty => tracing_subscriber::fmt::layer()
            .with_ansi(std::io::stderr().is_terminal())
            .with_writer(std::io::stderr)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_writer(std::io::stderr)
            .boxed(),
    };
    let provider = match &settings.otel_endpoint {
        Some(endpoint) if !endpoint.trim().is_empty() => Some(tracer_provider(settings, endpoint)?),
        _ => None,
    };
    let otel_layer = provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer().with_tracer(provider.tracer("partnergraph"))
    });
    let subscriber = Registry::default()
        .with(env_filter)
        .with(fmt_layer)
        .with(otel_layer);
    Ok((Dispatch::new(subscriber), Telemetry { provider }))
}

/// Builds and installs the subscriber for the whole process.
pub fn init(settings: &Settings) -> Result<Telemetry, TelemetryError> {
    let (dispatch, telemetry) = build(settings)?;
    // Only fails if a subscriber was already installed, in which case that one keeps working.
    let _ = tracing::dispatcher::set_global_default(dispatch);
    Ok(telemetry)
}

fn tracer_provider(
    settings: &Settings,
    endpoint: &str,
) -> Result<SdkTracerProvider, TelemetryError> {
    let exporter_error = |reason: String| TelemetryError::Exporter {
        endpoint: endpoint.to_owned(),
        reason,
    };
    let mut builder = opentelemetry_otlp::SpanExporter::builder().with_http();
    // A per-signal endpoint variable is used verbatim by the SDK; otherwise we append the
    // traces path to the base endpoint, as the OTLP specification says.
    if std::env::var_os("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").is_none() {
        builder = builder.with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')));
    }
    let exporter = builder.build().map_err(|e| exporter_error(e.to_string()))?;
    let resource = Resource::builder()
        .with_service_name(settings.otel_service_name.clone())
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_logs_and_no_exporter_by_default() {
        let mut settings = Settings::defaults();
        settings.log_format = LogFormat::Json;
        settings.otel_endpoint = None;
        let (_dispatch, telemetry) = build(&settings).expect("builds");
        assert!(!telemetry.exports_traces());
    }

    #[test]
    fn an_invalid_log_filter_names_the_setting() {
        if std::env::var_os("RUST_LOG").is_some() {
            return; // RUST_LOG takes precedence over the setting under test.
        }
        let mut settings = Settings::defaults();
        settings.log_filter = "info,[".into();
        match build(&settings) {
            Err(error) => assert!(error.to_string().contains("--log-filter"), "{error}"),
            Ok(_) => panic!("accepted an invalid filter"),
        }
    }
}
