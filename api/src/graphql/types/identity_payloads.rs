//! Payloads of the identity mutations.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};

use crate::graphql::types::api_key::ApiKey;
use crate::graphql::types::invitation::Invitation;
use crate::graphql::types::user::User;
use crate::graphql::types::viewer::ViewerObject;

/// A new session: tokens and who they act as.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Short-lived access token: send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// When the access token expires; call `refreshSession` before then.
    pub access_token_expires_at: DateTime<Utc>,
    /// Single-use refresh token for `refreshSession`; store it securely.
    pub refresh_token: String,
    /// Who the tokens act as.
    pub viewer: ViewerObject,
}

/// Fresh tokens for an existing session.
#[derive(SimpleObject)]
pub struct RefreshSessionPayload {
    /// New access token.
    pub access_token: String,
    /// When it expires.
    pub access_token_expires_at: DateTime<Utc>,
    /// New refresh token; the one just used no longer works (reusing it ends the session).
    pub refresh_token: String,
}

/// Result of `signOut`.
#[derive(SimpleObject)]
pub struct SignOutPayload {
    /// True: the session's access and refresh tokens no longer work.
    pub ok: bool,
}

/// Result of `inviteMember`.
#[derive(SimpleObject)]
pub struct InviteMemberPayload {
    /// The invitation, including its token (shown only here).
    pub invitation: Invitation,
}

/// Result of `changeMemberRole`.
#[derive(SimpleObject)]
pub struct ChangeMemberRolePayload {
    /// The member with the new role.
    pub member: User,
}

/// Result of `removeMember`.
#[derive(SimpleObject)]
pub struct RemoveMemberPayload {
    /// The removed user's ID.
    pub removed_user_id: ID,
}

/// Result of `createApiKey`.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The key.
    pub api_key: ApiKey,
    /// The secret: shown only this once; send it as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// Result of `revokeApiKey`.
#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    /// The revoked key.
    pub api_key: ApiKey,
}
