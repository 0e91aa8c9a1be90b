//! `Tick`: one beat of the `ticks` subscription.

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};

/// One beat of the `ticks` subscription.
#[derive(Debug, Clone, SimpleObject)]
pub struct Tick {
    /// 1 for the first beat, then consecutive.
    pub sequence: i32,
    /// Server time of the beat.
    pub at: DateTime<Utc>,
}
