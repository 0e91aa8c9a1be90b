//! `Organization`: the tenant.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_persistence::organizations::Organization as OrganizationRecord;

use crate::error::ApiResult;
use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::deal_inputs::DealSettings;
use crate::graphql::{Services, guard};

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

    /// How the organisation keeps deals: the currency of every deal and rollup, and how long
    /// an approved deal registration protects its deal.
    async fn deal_settings(&self, ctx: &Context<'_>) -> ApiResult<DealSettings> {
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        Ok(crate::deals::deal_settings(services, member).await?.into())
    }
}
