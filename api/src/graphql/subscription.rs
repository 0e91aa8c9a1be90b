//! The subscription root.

use std::time::Duration;

use async_graphql::Subscription as SubscriptionRoot;
use futures_util::Stream;
use futures_util::StreamExt;

use crate::ai::hub::Event;
use crate::error::ApiError;
use crate::graphql::node::{NodeKind, decode_uuid};
use crate::graphql::types::generation::GenerationEvent;
use crate::graphql::types::tick::Tick;
use crate::graphql::{Services, guard};
use partnergraph_persistence::generations::Generation as Record;

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

    /// A generation's events: first a snapshot of everything so far, then every later event in
    /// order until the final one (COMPLETED with the artifact, FAILED or CANCELLED with the
    /// error). Subscribing to an ended generation yields its final state at once. Leaving never
    /// stops the generation.
    async fn generation(
        &self,
        ctx: &async_graphql::Context<'_>,
        #[graphql(desc = "The generation (e.g. from `startOnboarding`).")] id: async_graphql::ID,
    ) -> Result<futures_util::stream::BoxStream<'static, GenerationEvent>, ApiError> {
        let member = guard::member(ctx)?;
        let id = decode_uuid(&id, NodeKind::Generation, "id")?;
        let services = ctx.data_unchecked::<Services>();
        // Subscribe before reading the record: a generation that ends in between is then
        // either followed live to its end or read ended from storage.
        let live = services.ai.hub().subscribe(id);
        let record = crate::strategy::generation(services, member, id).await?;
        if let Some(live) = live {
            return Ok(live.map(GenerationEvent).boxed());
        }
        let db = services.db.clone();
        Ok(stored_events(db, record).map(GenerationEvent).boxed())
    }
}

/// A snapshot from storage for a generation not running in this process; while it runs
/// elsewhere, the record is re-read every second and each status change sent.
fn stored_events(
    db: partnergraph_persistence::Database,
    record: Record,
) -> impl Stream<Item = std::sync::Arc<Event>> + Send + 'static {
    futures_util::stream::unfold(
        (
            db,
            Some(record),
            None::<partnergraph_domain::strategy::GenerationStatus>,
        ),
        |(db, record, last_sent)| async move {
            let mut record = record?;
            loop {
                if last_sent != Some(record.status) {
                    let event = std::sync::Arc::new(Event {
                        generation_id: record.id,
                        sequence: 0,
                        status: record.status,
                        delta: String::new(),
                        partial: None,
                        artifact: record.output.clone().map(std::sync::Arc::new),
                        error: record.error.clone(),
                        attempt: 1,
                        snapshot: true,
                        published_at: std::time::Instant::now(),
                    });
                    let next = (!record.status.is_final()).then(|| record.clone());
                    return Some((event, (db, next, Some(record.status))));
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                let mut conn = db.conn().await.ok()?;
                record = partnergraph_persistence::generations::by_id(
                    &mut conn,
                    record.org_id,
                    record.id,
                )
                .await
                .ok()??;
            }
        },
    )
}
