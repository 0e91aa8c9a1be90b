//! The diesel schema shared by both backends. Column types come from [`crate::types`] where the
//! two databases store a value differently (uuid, timestamptz, jsonb).

diesel::table! {
    /// Server-wide settings that are not tenant data.
    server_settings (key) {
        /// Setting name.
        key -> Text,
        /// Setting value.
        value -> Text,
        /// Last write.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Diesel's own bookkeeping of applied migrations (same shape on both backends).
    __diesel_schema_migrations (version) {
        /// Migration version (the timestamp prefix of its directory).
        version -> Text,
        /// When it was applied.
        run_on -> Timestamp,
    }
}

diesel::table! {
    /// Organisations: the tenants, one per company domain.
    organizations (id) {
        /// Tenant id (the `org_id` of every tenant table).
        id -> crate::types::Uuid,
        /// Normalised company domain.
        domain -> Text,
        /// Name shown in clients.
        display_name -> Text,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Users, each a member of one organisation with one role.
    users (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// User id.
        id -> crate::types::Uuid,
        /// Lower-cased e-mail address (globally unique).
        email -> Text,
        /// Display name.
        name -> Text,
        /// argon2id PHC string.
        password_hash -> Text,
        /// Role (database form of `Role`).
        role -> Text,
        /// Partner record of a partner-role user.
        partner_id -> Nullable<crate::types::Uuid>,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last change.
        updated_at -> crate::types::UtcTimestamp,
    }
}

diesel::table! {
    /// Sign-in sessions: a chain of rotating refresh tokens.
    sessions (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Session id (the `sid` claim of access tokens).
        id -> crate::types::Uuid,
        /// Signed-in user.
        user_id -> crate::types::Uuid,
        /// Sign-in time.
        created_at -> crate::types::UtcTimestamp,
        /// The session ends at the latest here.
        expires_at -> crate::types::UtcTimestamp,
        /// Set by sign-out or refresh-token reuse.
        revoked_at -> Nullable<crate::types::UtcTimestamp>,
    }
}

diesel::table! {
    /// Refresh tokens (hashed); each is used once and replaced.
    refresh_tokens (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Token id.
        id -> crate::types::Uuid,
        /// Its session.
        session_id -> crate::types::Uuid,
        /// SHA-256 hex of the token.
        token_hash -> Text,
        /// Issue time.
        created_at -> crate::types::UtcTimestamp,
        /// Expiry.
        expires_at -> crate::types::UtcTimestamp,
        /// Set when exchanged for a new token.
        rotated_at -> Nullable<crate::types::UtcTimestamp>,
    }
}

diesel::table! {
    /// Single-use invitations to join an organisation.
    invitations (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Invitation id.
        id -> crate::types::Uuid,
        /// Invited e-mail address.
        email -> Text,
        /// Role granted on acceptance.
        role -> Text,
        /// Partner record for partner-role invitations.
        partner_id -> Nullable<crate::types::Uuid>,
        /// SHA-256 hex of the token.
        token_hash -> Text,
        /// Inviting user.
        invited_by -> Nullable<crate::types::Uuid>,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Expiry.
        expires_at -> crate::types::UtcTimestamp,
        /// Set when accepted.
        accepted_at -> Nullable<crate::types::UtcTimestamp>,
    }
}

diesel::table! {
    /// API keys for integrations (hashed secret, visible prefix).
    api_keys (org_id, id) {
        /// Organisation.
        org_id -> crate::types::Uuid,
        /// Key id.
        id -> crate::types::Uuid,
        /// Name given by its creator.
        name -> Text,
        /// Role the key acts with.
        role -> Text,
        /// First characters of the secret, for recognising it.
        prefix -> Text,
        /// SHA-256 hex of the secret.
        secret_hash -> Text,
        /// Creating user.
        created_by -> Nullable<crate::types::Uuid>,
        /// Creation time.
        created_at -> crate::types::UtcTimestamp,
        /// Last authenticated use (updated at most once a minute).
        last_used_at -> Nullable<crate::types::UtcTimestamp>,
        /// Set when revoked.
        revoked_at -> Nullable<crate::types::UtcTimestamp>,
    }
}

diesel::joinable!(sessions -> organizations (org_id));
diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    users,
    sessions,
    refresh_tokens,
    invitations,
    api_keys
);
