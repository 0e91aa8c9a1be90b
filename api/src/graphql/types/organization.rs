//! `Organization`: the tenant.

use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_persistence::organizations::Organization as OrganizationRecord;

use crate::graphql::node::{NodeKind, encode_uuid};

/// An organisation: the tenant that owns all data, identified by its company domain.
#[derive(Debug, Clone)]
pub struct Organization(pub OrganizationRecord);

/// An organisation: the tenant that owns all data, identified by its company domain.
#[Object]
impl Organization {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::Organization, self.0.id)
    }

    /// Company domain (lower-case, punycode for IDNs).
    async fn domain(&self) -> &str {
        &self.0.domain
    }

    /// Name shown in clients (the domain until onboarding sets one).
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// When the organisation signed up.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
