//! `partnergraph bench hub`: the generation hub under load — `subscribers` subscriptions on one
//! generation receiving `events` events published at `rate` per second (each with a growing
//! partial object, as a streamed document has), reporting publish→receive latency (p50, p99,
//! max) and the memory an idle subscription holds (resident memory growth over
//! `idle_subscribers` subscriptions that are each awaited by a task, divided by their number).
//! Targets (AI-engine issue): p99 ≤ 10 ms, ≤ 32 KB per idle subscription.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use partnergraph_domain::strategy::GenerationStatus;
use serde_json::json;
use uuid::Uuid;

use super::print;
use crate::ai::hub::{Hub, Update};
use crate::startup::StartupError;

/// Resident memory of this process in bytes (Linux; 0 elsewhere).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// Runs both measurements and prints them.
pub(super) async fn run(
    subscribers: usize,
    rate: u32,
    events: usize,
    idle_subscribers: usize,
) -> Result<(), StartupError> {
    let mut report = String::new();
    let (p50, p99, max, received) = latency(subscribers, rate.max(1), events).await;
    report.push_str(&format!(
        "hub fan-out: {subscribers} subscribers, {events} events at {rate}/s\n  publish→receive p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms ({received} deliveries)\n",
        ms(p50),
        ms(p99),
        ms(max)
    ));
    let per_subscription = idle_memory(idle_subscribers).await;
    report.push_str(&format!(
        "idle subscriptions: {idle_subscribers}, resident memory {:.1} KB each\n",
        per_subscription / 1024.0
    ));
    print(&report)
}

async fn latency(
    subscribers: usize,
    rate: u32,
    events: usize,
) -> (Duration, Duration, Duration, usize) {
    let hub = Arc::new(Hub::default());
    let id = Uuid::now_v7();
    let publisher = hub.open(id, GenerationStatus::Streaming);
    let mut tasks = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        let mut stream = hub.subscribe(id).expect("the generation is open");
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(events + 2);
            while let Some(event) = stream.next().await {
                if !event.snapshot {
                    latencies.push(event.published_at.elapsed());
                }
            }
            latencies
        }));
    }
    let mut ticks = tokio::time::interval(Duration::from_secs(1) / rate);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut text = String::new();
    for sequence in 0..events {
        ticks.tick().await;
        let delta = format!("{{\"chunk\":{sequence},\"text\":\"lorem\"}}");
        text.push_str(&delta);
        publisher.publish(Update {
            delta,
            partial: Some(json!({ "summary": text })),
            attempt: 1,
            ..Update::default()
        });
    }
    publisher.publish(Update {
        status: Some(GenerationStatus::Completed),
        artifact: Some(json!({ "summary": text })),
        attempt: 1,
        ..Update::default()
    });
    let mut all = Vec::with_capacity(subscribers * (events + 1));
    for task in tasks {
        all.extend(task.await.unwrap_or_default());
    }
    all.sort();
    let received = all.len();
    (
        percentile(&all, 50.0),
        percentile(&all, 99.0),
        all.last().copied().unwrap_or_default(),
        received,
    )
}

async fn idle_memory(count: usize) -> f64 {
    let hub = Arc::new(Hub::default());
    let id = Uuid::now_v7();
    let publisher = hub.open(id, GenerationStatus::Streaming);
    publisher.publish(Update {
        delta: "warm".into(),
        attempt: 1,
        ..Update::default()
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let before = resident_bytes();
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(count);
    for _ in 0..count {
        let mut stream = hub.subscribe(id).expect("open");
        tasks.push(tokio::spawn(async move {
            let mut seen = 0_usize;
            while stream.next().await.is_some() {
                seen += 1;
            }
            seen
        }));
    }
    // Let every task take its snapshot and park on the receiver.
    tokio::time::sleep(Duration::from_millis(200) + started.elapsed()).await;
    let after = resident_bytes();
    publisher.publish(Update {
        status: Some(GenerationStatus::Completed),
        attempt: 1,
        ..Update::default()
    });
    for task in tasks {
        let _ = task.await;
    }
    after.saturating_sub(before) as f64 / count.max(1) as f64
}
