//! Inputs of the identity mutations. Secret fields are marked so that logs and traces redact them.

use async_graphql::{ID, InputObject};

use crate::graphql::types::role::RoleValue;

/// Create an organisation for a company domain and its first user (the owner).
#[derive(InputObject)]
pub struct SignUpInput {
    /// Work e-mail; its domain names the organisation.
    pub email: String,
    /// Password: 10 to 256 characters.
    #[graphql(secret)]
    pub password: String,
    /// Your name.
    pub name: String,
    /// Your company's domain; required when `email` is at a personal provider (gmail.com, …).
    pub company_domain: Option<String>,
}

/// Sign in with e-mail and password.
#[derive(InputObject)]
pub struct SignInInput {
    /// E-mail address.
    pub email: String,
    /// Password.
    #[graphql(secret)]
    pub password: String,
}

/// Exchange a refresh token for new tokens.
#[derive(InputObject)]
pub struct RefreshSessionInput {
    /// The refresh token from `signIn`, `signUp`, `acceptInvitation` or the last refresh.
    #[graphql(secret)]
    pub refresh_token: String,
}

/// Invite someone to the organisation.
#[derive(InputObject)]
pub struct InviteMemberInput {
    /// Their e-mail address.
    pub email: String,
    /// The role they get on acceptance.
    pub role: RoleValue,
    /// The partner a PARTNER-role invitee acts for (required for PARTNER, refused otherwise).
    pub partner_id: Option<ID>,
}

/// Join an organisation with an invitation token.
#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// The token from the invitation.
    #[graphql(secret)]
    pub token: String,
    /// Password: 10 to 256 characters.
    #[graphql(secret)]
    pub password: String,
    /// Your name.
    pub name: String,
}

/// Change a member's role.
#[derive(InputObject)]
pub struct ChangeMemberRoleInput {
    /// The member's user ID.
    pub user_id: ID,
    /// The new role.
    pub role: RoleValue,
}

/// Remove a member from the organisation.
#[derive(InputObject)]
pub struct RemoveMemberInput {
    /// The member's user ID.
    pub user_id: ID,
}

/// Create an API key.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// A name to recognise it by (1–100 characters).
    pub name: String,
    /// The role it acts with: at most the creator's, never PARTNER.
    pub role: RoleValue,
}

/// Revoke an API key.
#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    /// The key's ID.
    pub id: ID,
}
