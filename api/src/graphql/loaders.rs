//! DataLoaders: relations of many objects in one statement per relation kind, whatever the
//! page size. Keys always carry the organisation, so a batch never crosses tenants.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use partnergraph_domain::program::Rollup;
use partnergraph_persistence::partner_contacts::{self, Contact};
use partnergraph_persistence::partners::{self, Partner, Relation, Relations};
use partnergraph_persistence::rollups;
use partnergraph_persistence::users::{self, User};
use partnergraph_persistence::{Database, DbError};
use uuid::Uuid;

use crate::error::ApiError;

/// The loaders' shared state.
pub struct Loaders {
    /// The database.
    pub db: Database,
}

/// One relation of one partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartnerRelationKey {
    /// Organisation.
    pub org_id: Uuid,
    /// Partner.
    pub partner_id: Uuid,
    /// Which relation.
    pub relation: Relation,
}

/// A user of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UserKey {
    /// Organisation.
    pub org_id: Uuid,
    /// User.
    pub user_id: Uuid,
}

/// The contacts of one partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartnerContactsKey {
    /// Organisation.
    pub org_id: Uuid,
    /// Partner.
    pub partner_id: Uuid,
}

/// One contact of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContactKey {
    /// Organisation.
    pub org_id: Uuid,
    /// Contact.
    pub contact_id: Uuid,
}

/// A partner's core (profile row, insights, joint plan and rollups, without list relations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartnerKey {
    /// Organisation.
    pub org_id: Uuid,
    /// Partner.
    pub partner_id: Uuid,
}

/// An organisation's partner program, with when its tiers were last evaluated together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProgramKey {
    /// Organisation.
    pub org_id: Uuid,
}

/// The program as read for a request.
#[derive(Debug, Clone)]
pub struct ProgramView {
    /// Segments, tracks and tiers.
    pub program: Arc<partnergraph_domain::program::Program>,
    /// When every partner was last evaluated together.
    pub evaluated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One tier of an organisation's program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TierKey {
    /// Organisation.
    pub org_id: Uuid,
    /// Tier.
    pub tier_id: Uuid,
}

/// What tier rules read from one partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FactsKey {
    /// Organisation.
    pub org_id: Uuid,
    /// Partner.
    pub partner_id: Uuid,
}

/// The rollup of one segment of an organisation's program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SegmentRollupKey {
    /// Organisation.
    pub org_id: Uuid,
    /// Segment.
    pub segment_id: Uuid,
}

/// The rollup of one tier of an organisation's program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TierRollupKey {
    /// Organisation.
    pub org_id: Uuid,
    /// Tier.
    pub tier_id: Uuid,
}

impl From<Arc<DbError>> for ApiError {
    fn from(error: Arc<DbError>) -> Self {
        ApiError::Internal(error)
    }
}

/// Groups keys by a batch criterion (organisation, and relation where there is one).
fn group<K, G: std::hash::Hash + Eq>(
    keys: &[K],
    by: impl Fn(&K) -> (G, Uuid),
) -> HashMap<G, Vec<Uuid>> {
    let mut groups: HashMap<G, Vec<Uuid>> = HashMap::new();
    for key in keys {
        let (group, id) = by(key);
        groups.entry(group).or_default().push(id);
    }
    groups
}

impl Loader<PartnerRelationKey> for Loaders {
    type Value = Relations;
    type Error = Arc<DbError>;

    async fn load(
        &self,
        keys: &[PartnerRelationKey],
    ) -> Result<HashMap<PartnerRelationKey, Relations>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for ((org_id, relation), ids) in group(keys, |k| ((k.org_id, k.relation), k.partner_id)) {
            let loaded = partners::relation_for(&mut conn, org_id, &ids, relation)
                .await
                .map_err(Arc::new)?;
            for (partner_id, relations) in loaded {
                out.insert(
                    PartnerRelationKey {
                        org_id,
                        partner_id,
                        relation,
                    },
                    relations,
                );
            }
        }
        Ok(out)
    }
}

impl Loader<UserKey> for Loaders {
    type Value = User;
    type Error = Arc<DbError>;

    async fn load(&self, keys: &[UserKey]) -> Result<HashMap<UserKey, User>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for (org_id, ids) in group(keys, |k| (k.org_id, k.user_id)) {
            for (user_id, user) in users::by_ids(&mut conn, org_id, &ids)
                .await
                .map_err(Arc::new)?
            {
                out.insert(UserKey { org_id, user_id }, user);
            }
        }
        Ok(out)
    }
}

impl Loader<PartnerContactsKey> for Loaders {
    type Value = Vec<Contact>;
    type Error = Arc<DbError>;

    async fn load(
        &self,
        keys: &[PartnerContactsKey],
    ) -> Result<HashMap<PartnerContactsKey, Vec<Contact>>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for (org_id, ids) in group(keys, |k| (k.org_id, k.partner_id)) {
            for (partner_id, contacts) in partner_contacts::of_partners(&mut conn, org_id, &ids)
                .await
                .map_err(Arc::new)?
            {
                out.insert(PartnerContactsKey { org_id, partner_id }, contacts);
            }
        }
        Ok(out)
    }
}

impl Loader<ContactKey> for Loaders {
    type Value = Contact;
    type Error = Arc<DbError>;

    async fn load(&self, keys: &[ContactKey]) -> Result<HashMap<ContactKey, Contact>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for (org_id, ids) in group(keys, |k| (k.org_id, k.contact_id)) {
            for (contact_id, contact) in partner_contacts::by_ids(&mut conn, org_id, &ids)
                .await
                .map_err(Arc::new)?
            {
                out.insert(ContactKey { org_id, contact_id }, contact);
            }
        }
        Ok(out)
    }
}

impl Loader<PartnerKey> for Loaders {
    type Value = Partner;
    type Error = Arc<DbError>;

    async fn load(&self, keys: &[PartnerKey]) -> Result<HashMap<PartnerKey, Partner>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for (org_id, ids) in group(keys, |k| (k.org_id, k.partner_id)) {
            for (partner_id, partner) in partners::cores_by_ids(&mut conn, org_id, &ids)
                .await
                .map_err(Arc::new)?
            {
                out.insert(PartnerKey { org_id, partner_id }, partner);
            }
        }
        Ok(out)
    }
}

impl Loader<ProgramKey> for Loaders {
    type Value = ProgramView;
    type Error = Arc<DbError>;

    async fn load(
        &self,
        keys: &[ProgramKey],
    ) -> Result<HashMap<ProgramKey, ProgramView>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for key in keys {
            let stored = partnergraph_persistence::program::load(&mut conn, key.org_id)
                .await
                .map_err(Arc::new)?;
            let evaluated_at =
                partnergraph_persistence::tiers::org_evaluated_at(&mut conn, key.org_id)
                    .await
                    .map_err(Arc::new)?;
            out.insert(
                *key,
                ProgramView {
                    program: Arc::new(stored.program),
                    evaluated_at,
                },
            );
        }
        Ok(out)
    }
}

impl Loader<FactsKey> for Loaders {
    type Value = partnergraph_domain::program::PartnerFacts;
    type Error = Arc<DbError>;

    async fn load(
        &self,
        keys: &[FactsKey],
    ) -> Result<HashMap<FactsKey, partnergraph_domain::program::PartnerFacts>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for (org_id, ids) in group(keys, |k| (k.org_id, k.partner_id)) {
            for evaluable in partnergraph_persistence::tiers::evaluables(
                &mut conn,
                org_id,
                Some(&ids),
                &partnergraph_persistence::tiers::Needs::all(),
            )
            .await
            .map_err(Arc::new)?
            {
                out.insert(
                    FactsKey {
                        org_id,
                        partner_id: evaluable.id,
                    },
                    evaluable.facts,
                );
            }
        }
        Ok(out)
    }
}

impl Loader<TierKey> for Loaders {
    type Value = partnergraph_domain::program::Tier;
    type Error = Arc<DbError>;

    async fn load(
        &self,
        keys: &[TierKey],
    ) -> Result<HashMap<TierKey, partnergraph_domain::program::Tier>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for (org_id, ids) in group(keys, |k| (k.org_id, k.tier_id)) {
            for (tier_id, tier) in
                partnergraph_persistence::program::tiers_by_ids(&mut conn, org_id, &ids)
                    .await
                    .map_err(Arc::new)?
            {
                out.insert(TierKey { org_id, tier_id }, tier);
            }
        }
        Ok(out)
    }
}

impl Loader<SegmentRollupKey> for Loaders {
    type Value = Rollup;
    type Error = Arc<DbError>;

    async fn load(
        &self,
        keys: &[SegmentRollupKey],
    ) -> Result<HashMap<SegmentRollupKey, Rollup>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for (org_id, ids) in group(keys, |k| (k.org_id, k.segment_id)) {
            for (segment_id, rollup) in rollups::by_segments(&mut conn, org_id, &ids)
                .await
                .map_err(Arc::new)?
            {
                out.insert(SegmentRollupKey { org_id, segment_id }, rollup);
            }
        }
        Ok(out)
    }
}

impl Loader<TierRollupKey> for Loaders {
    type Value = Rollup;
    type Error = Arc<DbError>;

    async fn load(
        &self,
        keys: &[TierRollupKey],
    ) -> Result<HashMap<TierRollupKey, Rollup>, Self::Error> {
        let mut conn = self.db.conn().await.map_err(Arc::new)?;
        let mut out = HashMap::new();
        for (org_id, ids) in group(keys, |k| (k.org_id, k.tier_id)) {
            for (tier_id, rollup) in rollups::by_tiers(&mut conn, org_id, &ids)
                .await
                .map_err(Arc::new)?
            {
                out.insert(TierRollupKey { org_id, tier_id }, rollup);
            }
        }
        Ok(out)
    }
}
