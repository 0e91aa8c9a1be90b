//! Who is asking: the bearer credential of a request (HTTP header or websocket
//! `connection_init` payload) resolved into a [`Viewer`]. Access tokens are checked against the
//! database on every request, so sign-out, removal and role changes apply at once.

use partnergraph_domain::Role;
use partnergraph_persistence::{api_keys, sessions};
use uuid::Uuid;

use super::secrets::{API_KEY_PREFIX, digest};
use super::tokens::TokenError;
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;

/// Who is making the request.
#[derive(Debug, Clone)]
pub enum Viewer {
    /// No usable credential. `rejected` says why a presented credential was refused.
    Anonymous {
        /// Reason shown with UNAUTHENTICATED, when a credential was presented.
        rejected: Option<&'static str>,
    },
    /// A member of an organisation, through a session or an API key.
    Member(Member),
}

/// An authenticated member of an organisation.
#[derive(Debug, Clone)]
pub struct Member {
    /// The organisation (tenant) every query filters by.
    pub org_id: Uuid,
    /// The current role (read from the database for this request).
    pub role: Role,
    /// Who acts.
    pub actor: Actor,
    /// The partner record of a partner-role user.
    pub partner_id: Option<Uuid>,
}

/// The acting credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user.
    User {
        /// User id.
        id: Uuid,
        /// Session id.
        session_id: Uuid,
    },
    /// An API key.
    ApiKey {
        /// Key id.
        id: Uuid,
    },
}

impl Member {
    /// The acting user, if a user (not an API key) acts.
    pub fn user_id(&self) -> Option<Uuid> {
        match self.actor {
            Actor::User { id, .. } => Some(id),
            Actor::ApiKey { .. } => None,
        }
    }
}

impl Viewer {
    /// The member, or UNAUTHENTICATED saying what to do.
    pub fn member(&self) -> ApiResult<&Member> {
        match self {
            Viewer::Member(member) => Ok(member),
            Viewer::Anonymous {
                rejected: Some(reason),
            } => Err(ApiError::Unauthenticated((*reason).to_owned())),
            Viewer::Anonymous { rejected: None } => Err(ApiError::Unauthenticated(
                "authentication required: send Authorization: Bearer <access token or API key>"
                    .to_owned(),
            )),
        }
    }

    /// Whether the request is authenticated.
    pub fn is_authenticated(&self) -> bool {
        matches!(self, Viewer::Member(_))
    }
}

/// Resolves an `Authorization` header value (or `None`).
pub async fn resolve(services: &Services, authorization: Option<&str>) -> Viewer {
    let Some(value) = authorization.map(str::trim).filter(|v| !v.is_empty()) else {
        return Viewer::Anonymous { rejected: None };
    };
    let Some(credential) = value
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, credential)| credential.trim())
    else {
        return rejected("the Authorization header must be `Bearer <access token or API key>`");
    };
    let result = if credential.starts_with(API_KEY_PREFIX) {
        api_key(services, credential).await
    } else {
        access_token(services, credential).await
    };
    match result {
        Ok(viewer) => viewer,
        Err(error) => {
            tracing::error!(error = %error, "credentials could not be verified");
            rejected("credentials could not be verified right now; retry")
        }
    }
}

fn rejected(reason: &'static str) -> Viewer {
    Viewer::Anonymous {
        rejected: Some(reason),
    }
}

async fn api_key(
    services: &Services,
    secret: &str,
) -> Result<Viewer, partnergraph_persistence::DbError> {
    let mut conn = services.db.conn().await?;
    let Some(key) = api_keys::live_by_secret_hash(&mut conn, &digest(secret)).await? else {
        return Ok(rejected("invalid or revoked API key"));
    };
    let now = chrono::Utc::now();
    if key
        .last_used_at
        .is_none_or(|t| now - t >= chrono::Duration::minutes(1))
    {
        api_keys::touch(&mut conn, key.org_id, key.id, now).await?;
    }
    Ok(Viewer::Member(Member {
        org_id: key.org_id,
        role: key.role,
        actor: Actor::ApiKey { id: key.id },
        partner_id: None,
    }))
}

async fn access_token(
    services: &Services,
    token: &str,
) -> Result<Viewer, partnergraph_persistence::DbError> {
    let claims = match services.auth.tokens.verify(token) {
        Ok(claims) => claims,
        Err(TokenError::Expired) => {
            return Ok(rejected(
                "the access token has expired; call refreshSession",
            ));
        }
        Err(TokenError::Invalid) => return Ok(rejected("invalid access token")),
    };
    let mut conn = services.db.conn().await?;
    let Some((role, partner_id)) =
        sessions::live_member(&mut conn, claims.org, claims.sid, claims.sub).await?
    else {
        return Ok(rejected("the session has ended; sign in again"));
    };
    Ok(Viewer::Member(Member {
        org_id: claims.org,
        role,
        actor: Actor::User {
            id: claims.sub,
            session_id: claims.sid,
        },
        partner_id,
    }))
}
