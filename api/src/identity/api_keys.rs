//! API keys for integrations and BI tools.

use partnergraph_domain::Role;
use partnergraph_domain::identity::{can_create_api_key, can_manage_api_keys};
use partnergraph_persistence::api_keys::{self, ApiKey, MAX_KEYS_PER_ORGANIZATION};
use uuid::Uuid;

use crate::auth::Member;
use crate::auth::secrets::{self, API_KEY_PREFIX, API_KEY_VISIBLE_CHARS};
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;

/// Longest key name.
pub const MAX_NAME_CHARS: usize = 100;

/// Creates a key acting with `role` (at most the creator's); the secret is returned only here.
pub async fn create(
    services: &Services,
    member: &Member,
    name: &str,
    role: Role,
) -> ApiResult<(ApiKey, String)> {
    can_create_api_key(member.role, role)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::bad_input(
            "input.name",
            format!("the name must have 1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    let mut conn = services.db.conn().await?;
    if api_keys::count(&mut conn, member.org_id).await? >= MAX_KEYS_PER_ORGANIZATION {
        return Err(ApiError::Conflict(format!(
            "an organisation may hold at most {MAX_KEYS_PER_ORGANIZATION} API keys"
        )));
    }
    let secret = secrets::generate(API_KEY_PREFIX);
    let key = ApiKey {
        org_id: member.org_id,
        id: Uuid::now_v7(),
        name: name.to_owned(),
        role,
        prefix: secret.chars().take(API_KEY_VISIBLE_CHARS).collect(),
        created_by: member.user_id(),
        created_at: partnergraph_persistence::types::now(),
        last_used_at: None,
        revoked_at: None,
    };
    api_keys::insert(&mut conn, &key, &secrets::digest(&secret)).await?;
    Ok((key, secret))
}

/// The organisation's keys, newest first.
pub async fn list(services: &Services, member: &Member) -> ApiResult<Vec<ApiKey>> {
    can_manage_api_keys(member.role)?;
    let mut conn = services.db.conn().await?;
    Ok(api_keys::list(&mut conn, member.org_id).await?)
}

/// Revokes a key: it stops authenticating at once.
pub async fn revoke(services: &Services, member: &Member, id: Uuid) -> ApiResult<ApiKey> {
    can_manage_api_keys(member.role)?;
    let mut conn = services.db.conn().await?;
    if !api_keys::revoke(&mut conn, member.org_id, id).await? {
        return Err(ApiError::NotFound("API key"));
    }
    api_keys::by_id(&mut conn, member.org_id, id)
        .await?
        .ok_or(ApiError::NotFound("API key"))
}
