//! The subscription root.

use std::time::Duration;

use async_graphql::Subscription as SubscriptionRoot;
use futures_util::Stream;
use futures_util::StreamExt;

use crate::error::ApiError;
use crate::graphql::types::tick::Tick;

/// The subscription root.
#[derive(Debug, Default)]
pub struct Subscription;

/// Live results over websockets (`/graphql/ws`, `graphql-transport-ws` or `graphql-ws`).
#[SubscriptionRoot]
impl Subscription {
    /// A heartbeat for checking a websocket connection end to end: emits `count` ticks,
    /// `intervalMs` apart, then completes.
    async fn ticks(
        &self,
        ctx: &async_graphql::Context<'_>,
        #[graphql(desc = "How many ticks to send (1–100).", default = 5)] count: i32,
        #[graphql(desc = "Milliseconds between ticks (10–60000).", default = 1000)]
        interval_ms: i32,
    ) -> Result<impl Stream<Item = Tick> + use<>, ApiError> {
        crate::graphql::guard::member(ctx)?;
        if !(1..=100).contains(&count) {
            return Err(ApiError::bad_input(
                "count",
                "count must be between 1 and 100",
            ));
        }
        let interval_ms = u64::try_from(interval_ms)
            .ok()
            .filter(|ms| (10..=60_000).contains(ms))
            .ok_or_else(|| {
                ApiError::bad_input("intervalMs", "intervalMs must be between 10 and 60000")
            })?;
        let mut interval = tokio::time::interval(Duration::from_millis(interval_ms));
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Ok(
            futures_util::stream::unfold((interval, 0), move |(mut interval, sent)| async move {
                if sent >= count {
                    return None;
                }
                interval.tick().await;
                let tick = Tick {
                    sequence: sent + 1,
                    at: chrono::Utc::now(),
                };
                Some((tick, (interval, sent + 1)))
            })
            .boxed(),
        )
    }
}
