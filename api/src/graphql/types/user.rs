//! `User`: a member of the organisation.

use async_graphql::{ID, Object};
use chrono::{DateTime, Utc};
use partnergraph_persistence::users::User as UserRecord;

use crate::graphql::node::{NodeKind, encode_uuid};
use crate::graphql::types::role::RoleValue;

/// A member of the organisation.
#[derive(Debug, Clone)]
pub struct User(pub UserRecord);

/// A member of the organisation.
#[Object]
impl User {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        encode_uuid(NodeKind::User, self.0.id)
    }

    /// E-mail address (lower-case; the sign-in identity).
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Role in the organisation.
    async fn role(&self) -> RoleValue {
        self.0.role.into()
    }

    /// When the user joined.
    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
