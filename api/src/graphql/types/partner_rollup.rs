//! `PartnerRollup`: what the live partners of a segment or tier add up to.

use std::hash::Hash;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Object};
use partnergraph_domain::program::{Rollup, can_read_program};
use partnergraph_persistence::DbError;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::graphql::guard;
use crate::graphql::loaders::Loaders;
use crate::graphql::scalars::Money;

/// What the organisation's live (non-archived) partners in a segment, or holding a tier, add
/// up to.
#[derive(Debug, Clone, Copy)]
pub struct PartnerRollup(pub Rollup);

impl PartnerRollup {
    /// The rollup under the key `key` builds from the viewer's organisation, batched with every
    /// other rollup of its kind in the request. The program belongs to the viewer's
    /// organisation (segments and tiers are only ever read from it), and the key carries it, so
    /// a rollup never counts another organisation's partners. Who may read the program may read
    /// its rollups (see `program`); `None` when the segment or tier no longer exists.
    pub async fn load<K>(ctx: &Context<'_>, key: impl FnOnce(Uuid) -> K) -> ApiResult<Option<Self>>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        Loaders: Loader<K, Value = Rollup, Error = Arc<DbError>>,
    {
        let member = guard::member(ctx)?;
        can_read_program(member.role)?;
        let loader = ctx.data_unchecked::<DataLoader<Loaders>>();
        Ok(loader
            .load_one(key(member.org_id))
            .await?
            .map(PartnerRollup))
    }
}

/// What the organisation's live (non-archived) partners in a segment, or holding a tier, add
/// up to. Amounts are in the organisation's deal currency.
#[Object]
impl PartnerRollup {
    /// How many live partners are in the segment (hold the tier); 0 when none.
    async fn partner_count(&self) -> i32 {
        i32::try_from(self.0.partners).unwrap_or(i32::MAX)
    }

    /// The total of their pipelines: open deal amounts (zero when there are none).
    async fn pipeline(&self) -> Money {
        Money(self.0.pipeline)
    }

    /// The total of their revenue: won deal amounts (zero when there are none).
    async fn revenue(&self) -> Money {
        Money(self.0.revenue)
    }

    /// The mean fit score (0–100) of those partners that have one; null when none has.
    async fn average_fit_score(&self) -> Option<f64> {
        self.0.fit.average()
    }

    /// The mean health score (0–100) of those partners that have one; null when none has.
    async fn average_health_score(&self) -> Option<f64> {
        self.0.health.average()
    }
}
