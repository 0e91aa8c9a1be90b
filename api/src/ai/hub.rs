//! The generation hub: fans each running generation's events out to any number of subscribers.
//!
//! Publishing and subscribing take the same per-generation lock, so a subscriber that joins
//! late receives a snapshot of everything so far (all text, the partial object, the status)
//! and then exactly the events published after it: in order, without gaps or duplicates.
//! Subscribers hold only a broadcast receiver; leaving drops it and never affects the
//! generation. A subscriber that falls more than [`BUFFER`] events behind is sent a fresh
//! snapshot instead of the events it missed.
//!
//! The hub is in-process. With several replicas, a generation's events reach only the
//! subscribers of the replica running it (design: NATS fan-out later); other replicas answer
//! from the database once the generation has ended.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use futures_util::stream::BoxStream;
use partnergraph_domain::strategy::GenerationStatus;
use serde_json::Value;
use tokio::sync::broadcast;
use uuid::Uuid;

/// Events a subscriber may fall behind by before it is re-synchronised with a snapshot.
pub const BUFFER: usize = 256;

/// One event of a generation.
#[derive(Debug, Clone)]
pub struct Event {
    /// The generation.
    pub generation_id: Uuid,
    /// 1, 2, ... per generation; a snapshot carries the sequence of the last event it includes.
    pub sequence: u64,
    /// The generation's status after this event.
    pub status: GenerationStatus,
    /// New text (for a snapshot: all text so far).
    pub delta: String,
    /// The partial object parsed from the text so far.
    pub partial: Option<Arc<Value>>,
    /// The validated artifact (the last event of a completed generation).
    pub artifact: Option<Arc<Value>>,
    /// Why it failed or was cancelled (the last event of such a generation).
    pub error: Option<String>,
    /// 1 for the first model attempt, 2 for the repair attempt.
    pub attempt: u32,
    /// Whether this is a snapshot rather than a live event.
    pub snapshot: bool,
    /// When it was published (for latency measurements; not sent to clients).
    pub published_at: Instant,
}

impl Event {
    /// Whether this is the generation's last event.
    pub fn is_final(&self) -> bool {
        self.status.is_final()
    }
}

/// What a publisher sends; the hub assigns the sequence.
#[derive(Debug, Clone, Default)]
pub struct Update {
    /// New text.
    pub delta: String,
    /// The partial object so far (`None` keeps the previous one).
    pub partial: Option<Value>,
    /// The new status (`None` keeps it).
    pub status: Option<GenerationStatus>,
    /// The validated artifact.
    pub artifact: Option<Value>,
    /// Why it failed.
    pub error: Option<String>,
    /// The model attempt.
    pub attempt: u32,
}

#[derive(Debug)]
struct State {
    sequence: u64,
    status: GenerationStatus,
    text: String,
    partial: Option<Arc<Value>>,
    attempt: u32,
    last: Option<Arc<Event>>,
}

#[derive(Debug)]
struct Channel {
    id: Uuid,
    state: Mutex<State>,
    sender: broadcast::Sender<Arc<Event>>,
}

impl Channel {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn snapshot(&self, state: &State) -> Arc<Event> {
        if let Some(last) = state.last.as_ref().filter(|last| last.is_final()) {
            return last.clone();
        }
        Arc::new(Event {
            generation_id: self.id,
            sequence: state.sequence,
            status: state.status,
            delta: state.text.clone(),
            partial: state.partial.clone(),
            artifact: None,
            error: None,
            attempt: state.attempt,
            snapshot: true,
            published_at: Instant::now(),
        })
    }
}

/// The hub (one per process).
#[derive(Debug, Default)]
pub struct Hub {
    channels: Mutex<HashMap<Uuid, Arc<Channel>>>,
}

/// The right to publish a generation's events; dropping it without [`Publisher::publish`]ing a
/// final event closes the channel too (subscribers then read the outcome from the database).
#[derive(Debug)]
pub struct Publisher {
    hub: Arc<Hub>,
    channel: Arc<Channel>,
}

impl Hub {
    fn channels(&self) -> MutexGuard<'_, HashMap<Uuid, Arc<Channel>>> {
        self.channels
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Opens the channel of a generation that is about to run.
    pub fn open(self: &Arc<Self>, generation_id: Uuid, status: GenerationStatus) -> Publisher {
        let (sender, _) = broadcast::channel(BUFFER);
        let channel = Arc::new(Channel {
            id: generation_id,
            state: Mutex::new(State {
                sequence: 0,
                status,
                text: String::new(),
                partial: None,
                attempt: 1,
                last: None,
            }),
            sender,
        });
        self.channels().insert(generation_id, channel.clone());
        Publisher {
            hub: self.clone(),
            channel,
        }
    }

    /// Subscribes to a running generation: its snapshot first, then live events until the
    /// final one. `None` when the generation is not running in this process.
    pub fn subscribe(&self, generation_id: Uuid) -> Option<BoxStream<'static, Arc<Event>>> {
        let channel = self.channels().get(&generation_id).cloned()?;
        let (snapshot, receiver) = {
            let state = channel.lock();
            (channel.snapshot(&state), channel.sender.subscribe())
        };
        Some(Box::pin(follow(channel, snapshot, receiver)))
    }

    /// How many generations are running here.
    pub fn running(&self) -> usize {
        self.channels().len()
    }
}

fn follow(
    channel: Arc<Channel>,
    snapshot: Arc<Event>,
    receiver: broadcast::Receiver<Arc<Event>>,
) -> impl futures_util::Stream<Item = Arc<Event>> + Send + 'static {
    struct Follow {
        channel: Arc<Channel>,
        pending: Option<Arc<Event>>,
        receiver: broadcast::Receiver<Arc<Event>>,
        seen: u64,
        done: bool,
    }
    let start = Follow {
        seen: snapshot.sequence,
        done: false,
        pending: Some(snapshot),
        receiver,
        channel,
    };
    futures_util::stream::unfold(start, |mut follow| async move {
        if follow.done {
            return None;
        }
        loop {
            let event = match follow.pending.take() {
                Some(event) => event,
                None => match follow.receiver.recv().await {
                    Ok(event) if event.sequence <= follow.seen => continue,
                    Ok(event) => event,
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let state = follow.channel.lock();
                        let snapshot = follow.channel.snapshot(&state);
                        follow.receiver = follow.channel.sender.subscribe();
                        snapshot
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
            };
            follow.seen = event.sequence;
            follow.done = event.is_final();
            return Some((event, follow));
        }
    })
}

impl Publisher {
    /// Publishes an update to every subscriber and returns the event. A final status closes
    /// the channel after the event is sent.
    pub fn publish(&self, update: Update) -> Arc<Event> {
        let event = {
            let mut state = self.channel.lock();
            state.sequence += 1;
            if update.attempt > state.attempt {
                // A repair attempt starts a new text and a new partial object.
                state.text.clear();
                state.partial = None;
                state.attempt = update.attempt;
            }
            state.text.push_str(&update.delta);
            if let Some(partial) = update.partial {
                state.partial = Some(Arc::new(partial));
            }
            if let Some(status) = update.status {
                state.status = status;
            }
            let event = Arc::new(Event {
                generation_id: self.channel.id,
                sequence: state.sequence,
                status: state.status,
                delta: update.delta,
                partial: state.partial.clone(),
                artifact: update.artifact.map(Arc::new),
                error: update.error,
                attempt: state.attempt,
                snapshot: false,
                published_at: Instant::now(),
            });
            state.last = Some(event.clone());
            // No receivers is fine: nobody is listening yet.
            let _ = self.channel.sender.send(event.clone());
            event
        };
        if event.is_final() {
            self.close();
        }
        event
    }

    fn close(&self) {
        let mut channels = self.hub.channels();
        if channels
            .get(&self.channel.id)
            .is_some_and(|open| Arc::ptr_eq(open, &self.channel))
        {
            channels.remove(&self.channel.id);
        }
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        self.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    fn delta(text: &str) -> Update {
        Update {
            delta: text.to_owned(),
            partial: Some(Value::String(text.to_owned())),
            attempt: 1,
            ..Update::default()
        }
    }

    fn done() -> Update {
        Update {
            status: Some(GenerationStatus::Completed),
            artifact: Some(Value::Bool(true)),
            attempt: 1,
            ..Update::default()
        }
    }

    #[tokio::test]
    async fn a_late_subscriber_gets_a_snapshot_then_every_later_event_once() {
        let hub = Arc::new(Hub::default());
        let id = Uuid::now_v7();
        let publisher = hub.open(id, GenerationStatus::Streaming);
        let early = hub.subscribe(id).expect("running");
        publisher.publish(delta("ab"));
        publisher.publish(delta("cd"));
        let late = hub.subscribe(id).expect("running");
        publisher.publish(delta("ef"));
        publisher.publish(done());
        assert!(hub.subscribe(id).is_none(), "closed after the final event");

        let early: Vec<_> = early.collect().await;
        let late: Vec<_> = late.collect().await;
        let sequences =
            |events: &[Arc<Event>]| events.iter().map(|e| e.sequence).collect::<Vec<_>>();
        assert_eq!(sequences(&early), [0, 1, 2, 3, 4]);
        assert_eq!(sequences(&late), [2, 3, 4]);
        assert!(late[0].snapshot);
        assert_eq!(
            late[0].delta, "abcd",
            "the snapshot carries all text so far"
        );
        assert_eq!(late[1].delta, "ef");
        let early_text: String = early.iter().map(|e| e.delta.as_str()).collect();
        let late_text: String = late.iter().map(|e| e.delta.as_str()).collect();
        assert_eq!(early_text, "abcdef");
        assert_eq!(late_text, early_text, "no gap, no duplicate");
        assert_eq!(late.last().unwrap().status, GenerationStatus::Completed);
    }

    #[tokio::test]
    async fn a_subscriber_leaving_does_not_affect_the_generation() {
        let hub = Arc::new(Hub::default());
        let id = Uuid::now_v7();
        let publisher = hub.open(id, GenerationStatus::Streaming);
        drop(hub.subscribe(id));
        let event = publisher.publish(delta("x"));
        assert_eq!(event.sequence, 1);
        assert_eq!(hub.running(), 1);
        drop(publisher);
        assert_eq!(hub.running(), 0);
    }

    #[tokio::test]
    async fn a_lagging_subscriber_is_resynchronised_with_a_snapshot() {
        let hub = Arc::new(Hub::default());
        let id = Uuid::now_v7();
        let publisher = hub.open(id, GenerationStatus::Streaming);
        let mut slow = hub.subscribe(id).expect("running");
        assert_eq!(slow.next().await.unwrap().sequence, 0);
        for _ in 0..(BUFFER + 10) {
            publisher.publish(delta("x"));
        }
        let resync = slow.next().await.unwrap();
        assert!(resync.snapshot);
        assert_eq!(resync.delta.len(), BUFFER + 10);
        publisher.publish(done());
        let rest: Vec<_> = slow.collect().await;
        assert_eq!(rest.len(), 1);
        assert!(rest[0].is_final());
    }

    #[tokio::test]
    async fn a_repair_attempt_restarts_the_text() {
        let hub = Arc::new(Hub::default());
        let id = Uuid::now_v7();
        let publisher = hub.open(id, GenerationStatus::Streaming);
        publisher.publish(delta("bad"));
        publisher.publish(Update {
            delta: "good".into(),
            attempt: 2,
            ..Update::default()
        });
        let late: Vec<_> = hub.subscribe(id).unwrap().take(1).collect().await;
        assert_eq!(late[0].delta, "good");
        assert_eq!(late[0].attempt, 2);
    }
}
