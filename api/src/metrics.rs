//! Prometheus metrics served at `GET /metrics`.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::AtomicI64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use partnergraph_persistence::PoolStatus;

/// Distinct operation names tracked before new ones are folded into `other`.
const MAX_OPERATION_LABELS: usize = 200;

/// Labels of GraphQL request metrics.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabels {
    /// The operation name (or `anonymous`).
    pub operation: String,
    /// `ok`, `error` (executed with errors), `rejected` (never executed) or `timeout`.
    pub outcome: String,
}

/// Labels of the pool gauge.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

/// All metrics of one server.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<OperationLabels, Counter>,
    latency: Family<OperationLabels, Histogram>,
    pool: Family<PoolLabels, Gauge>,
    websockets: Gauge<i64, AtomicI64>,
    statements: Counter,
    operations_seen: Mutex<HashSet<String>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("partnergraph");
        let requests = Family::<OperationLabels, Counter>::default();
        registry.register(
            "graphql_requests",
            "GraphQL operations by operation name and outcome",
            requests.clone(),
        );
        let latency = Family::<OperationLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 15))
        });
        registry.register(
            "graphql_request_duration_seconds",
            "GraphQL operation latency",
            latency.clone(),
        );
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database pool connections by state (in_use, idle, max)",
            pool.clone(),
        );
        let websockets = Gauge::<i64, AtomicI64>::default();
        registry.register(
            "websocket_connections",
            "Open GraphQL websocket connections",
            websockets.clone(),
        );
        let statements = Counter::default();
        registry.register(
            "db_statements",
            "SQL statements executed on pooled connections",
            statements.clone(),
        );
        Metrics {
            statements,
            registry,
            requests,
            latency,
            pool,
            websockets,
            operations_seen: Mutex::new(HashSet::new()),
        }
    }

    /// Records one GraphQL operation.
    pub fn record_operation(&self, operation: &str, outcome: &str, seconds: f64) {
        let labels = OperationLabels {
            operation: self.operation_label(operation),
            outcome: outcome.to_owned(),
        };
        self.requests.get_or_create(&labels).inc();
        self.latency.get_or_create(&labels).observe(seconds);
    }

    /// Operation names come from clients: bound their number so metrics stay small.
    fn operation_label(&self, operation: &str) -> String {
        let clean: String = operation
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect();
        let clean = if clean.is_empty() {
            "anonymous".to_owned()
        } else {
            clean
        };
        let mut seen = self
            .operations_seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if seen.contains(&clean) || seen.len() < MAX_OPERATION_LABELS {
            seen.insert(clean.clone());
            clean
        } else {
            "other".to_owned()
        }
    }

    /// Counts a websocket opening; the returned guard counts its closing when dropped.
    pub fn websocket_opened(&self) -> WebsocketGuard {
        self.websockets.inc();
        WebsocketGuard {
            gauge: self.websockets.clone(),
        }
    }

    /// Prometheus text exposition, with the pool gauges and the statement total read now.
    pub fn render(&self, pool: PoolStatus, statements_executed: u64) -> String {
        let counted = self.statements.get();
        self.statements
            .inc_by(statements_executed.saturating_sub(counted));
        for (state, value) in [
            ("in_use", pool.in_use),
            ("idle", pool.idle),
            ("max", pool.max_size),
        ] {
            self.pool
                .get_or_create(&PoolLabels { state })
                .set(i64::try_from(value).unwrap_or(i64::MAX));
        }
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// Decrements the open-websocket gauge when dropped.
#[derive(Debug)]
pub struct WebsocketGuard {
    gauge: Gauge<i64, AtomicI64>,
}

impl Drop for WebsocketGuard {
    fn drop(&mut self) {
        self.gauge.dec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> PoolStatus {
        PoolStatus {
            in_use: 1,
            idle: 2,
            max_size: 10,
        }
    }

    #[test]
    fn operations_are_counted_by_name_and_outcome() {
        let metrics = Metrics::new();
        metrics.record_operation("ServerInfo", "ok", 0.002);
        metrics.record_operation("ServerInfo", "ok", 0.003);
        let text = metrics.render(pool(), 0);
        assert!(
            text.contains(
                r#"partnergraph_graphql_requests_total{operation="ServerInfo",outcome="ok"} 2"#
            ),
            "{text}"
        );
        assert!(text.contains("partnergraph_graphql_request_duration_seconds_bucket"));
        assert!(text.contains(r#"partnergraph_db_pool_connections{state="idle"} 2"#));
    }

    #[test]
    fn client_chosen_operation_names_cannot_grow_metrics_without_bound() {
        let metrics = Metrics::new();
        for i in 0..(MAX_OPERATION_LABELS + 50) {
            metrics.record_operation(&format!("Op{i}"), "ok", 0.001);
        }
        let text = metrics.render(pool(), 0);
        assert!(text.contains(r#"operation="other""#));
        assert!(!text.contains(&format!("Op{}", MAX_OPERATION_LABELS + 10)));
    }

    #[test]
    fn the_websocket_gauge_follows_guards() {
        let metrics = Metrics::new();
        let first = metrics.websocket_opened();
        let _second = metrics.websocket_opened();
        drop(first);
        assert!(
            metrics
                .render(pool(), 0)
                .contains("partnergraph_websocket_connections 1")
        );
    }
}
