//! `PartnerContact`: a partner-side person of a partner.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_persistence::partner_contacts::Contact;

use crate::error::ApiResult;
use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::partner::Partner;
use crate::graphql::{Services, guard};

/// A contact and whether it is its partner's primary contact.
#[derive(Debug, Clone)]
pub struct PartnerContact {
    /// The stored contact.
    pub record: Contact,
    /// Whether the partner names it as primary contact.
    pub is_primary: bool,
}

/// A person at the partner company, one of whom may be the partner's primary contact.
#[Object]
impl PartnerContact {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::PartnerContact, self.record.id)
    }

    /// The partner the contact works for.
    async fn partner(&self, ctx: &Context<'_>) -> ApiResult<Partner> {
        let member = guard::member(ctx)?;
        let services = ctx.data_unchecked::<Services>();
        Ok(Partner::from(
            crate::partners::visible(services, member, self.record.partner_id).await?,
        ))
    }

    /// Name.
    async fn name(&self) -> &str {
        &self.record.details.name
    }

    /// E-mail address (lower-cased).
    async fn email(&self) -> Option<String> {
        self.record.details.email.as_ref().map(|e| e.as_str())
    }

    /// Phone number as written.
    async fn phone(&self) -> Option<&str> {
        self.record.details.phone.as_deref()
    }

    /// Job title.
    async fn title(&self) -> Option<&str> {
        self.record.details.title.as_deref()
    }

    /// Whether this is the partner's primary contact.
    async fn is_primary(&self) -> bool {
        self.is_primary
    }

    /// Creation time.
    async fn created_at(&self) -> DateTime<Utc> {
        self.record.created_at
    }

    /// Last change.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.record.updated_at
    }
}
