//! `ApiKey`: a credential for integrations and BI tools.

use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_persistence::api_keys::ApiKey as ApiKeyRecord;

use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::role::RoleValue;

/// An API key: sent as `Authorization: Bearer <secret>`, it acts with its role. The secret is
/// shown once, by `createApiKey`.
#[derive(Debug, Clone)]
pub struct ApiKey(pub ApiKeyRecord);

/// An API key: sent as `Authorization: Bearer <secret>`, it acts with its role. The secret is
/// shown once, by `createApiKey`.
#[Object]
impl ApiKey {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::ApiKey, self.0.id)
    }

    /// Name given by its creator.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Role the key acts with.
    async fn role(&self) -> RoleValue {
        self.0.role.into()
    }

    /// The first characters of the secret, to recognise a key without revealing it.
    async fn prefix(&self) -> &str {
        &self.0.prefix
    }

    /// Creation time.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Last authenticated use (updated at most once a minute).
    async fn last_used_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_used_at
    }

    /// When revoked; a revoked key no longer authenticates.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}
