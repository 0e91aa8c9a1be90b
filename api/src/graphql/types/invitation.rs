//! `Invitation`: a single-use invitation to join the organisation.

use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_persistence::invitations::Invitation as InvitationRecord;

use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::role::RoleValue;

/// A single-use invitation to join the organisation with a role.
#[derive(Debug, Clone)]
pub struct Invitation {
    /// The stored invitation.
    pub record: InvitationRecord,
    /// The token, present only in the `inviteMember` payload.
    pub token: Option<String>,
}

/// A single-use invitation to join the organisation with a role.
#[Object]
impl Invitation {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::Invitation, self.record.id)
    }

    /// The invited e-mail address.
    async fn email(&self) -> &str {
        &self.record.email
    }

    /// The role granted on acceptance.
    async fn role(&self) -> RoleValue {
        self.record.role.into()
    }

    /// The secret token to deliver to the invitee (they pass it to `acceptInvitation`). Only
    /// returned by `inviteMember`; null everywhere else.
    async fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// When the invitation was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.record.created_at
    }

    /// After this the token no longer works.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.record.expires_at
    }

    /// When it was accepted, if it was.
    async fn accepted_at(&self) -> Option<DateTime<Utc>> {
        self.record.accepted_at
    }
}
