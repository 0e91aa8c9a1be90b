//! `Viewer`: who is asking.

use async_graphql::{Context, Object};
use partnergraph_persistence::{api_keys, organizations, users};

use crate::auth::{Actor, Member};
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;
use crate::graphql::types::api_key::ApiKey;
use crate::graphql::types::organization::Organization;
use crate::graphql::types::role::RoleValue;
use crate::graphql::types::user::User;

/// The authenticated caller: a signed-in user or an API key, in one organisation.
#[derive(Debug, Clone)]
pub struct ViewerObject(pub Member);

/// The authenticated caller: a signed-in user or an API key, in one organisation.
#[Object(name = "Viewer")]
impl ViewerObject {
    /// The signed-in user; null when an API key is calling.
    async fn user(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(user_id) = self.0.user_id() else {
            return Ok(None);
        };
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        Ok(users::by_id(&mut conn, self.0.org_id, user_id)
            .await?
            .map(User))
    }

    /// The API key calling; null when a signed-in user is.
    async fn api_key(&self, ctx: &Context<'_>) -> ApiResult<Option<ApiKey>> {
        let Actor::ApiKey { id } = self.0.actor else {
            return Ok(None);
        };
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        Ok(api_keys::by_id(&mut conn, self.0.org_id, id)
            .await?
            .map(ApiKey))
    }

    /// The organisation the caller acts in.
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let services = ctx.data_unchecked::<Services>();
        let mut conn = services.db.conn().await?;
        organizations::by_id(&mut conn, self.0.org_id)
            .await?
            .map(Organization)
            .ok_or(ApiError::NotFound("organization"))
    }

    /// The caller's current role.
    async fn role(&self) -> RoleValue {
        self.0.role.into()
    }
}
