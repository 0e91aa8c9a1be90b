//! Sign-up, sign-in, refresh, sign-out and invitation acceptance.

use std::net::IpAddr;
use std::time::Instant;

use chrono::{DateTime, Utc};
use partnergraph_domain::{CompanyDomain, EmailAddress, Password, PersonName, Role};
use partnergraph_persistence::invitations;
use partnergraph_persistence::organizations::{self, Organization};
use partnergraph_persistence::sessions::{self, NewRefreshToken};
use partnergraph_persistence::users::{self, NewUser, User};
use uuid::Uuid;

use super::violates;
use crate::auth::secrets::{self, REFRESH_TOKEN_PREFIX};
use crate::auth::{Actor, Member};
use crate::error::{ApiError, ApiResult};
use crate::graphql::Services;

/// Tokens handed to a client that signed in.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// Short-lived JWT.
    pub access_token: String,
    /// When it expires.
    pub access_token_expires_at: DateTime<Utc>,
    /// Opaque, single-use refresh token.
    pub refresh_token: String,
}

/// A new session for a user.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The tokens.
    pub tokens: Tokens,
    /// The member the session acts as.
    pub member: Member,
}

/// What `signUp` was given.
#[derive(Debug, Clone)]
pub struct SignUp {
    /// Work or personal e-mail.
    pub email: String,
    /// Password.
    pub password: String,
    /// Display name.
    pub name: String,
    /// Required for personal e-mail addresses.
    pub company_domain: Option<String>,
}

const UNKNOWN_CREDENTIALS: &str = "invalid e-mail or password";

fn parse_email(raw: &str, field: &str) -> ApiResult<EmailAddress> {
    EmailAddress::parse(raw).map_err(|e| ApiError::bad_input(field, e.to_string()))
}

fn parse_password(raw: &str, field: &str) -> ApiResult<Password> {
    Password::parse(raw).map_err(|e| ApiError::bad_input(field, e.to_string()))
}

fn parse_name(raw: &str, field: &str) -> ApiResult<PersonName> {
    PersonName::parse(raw).map_err(|e| ApiError::bad_input(field, e.to_string()))
}

/// The organisation's domain: the e-mail's for work addresses; `companyDomain` (required) for
/// personal ones.
fn organisation_domain(
    email: &EmailAddress,
    company_domain: Option<&str>,
) -> ApiResult<CompanyDomain> {
    const FIELD: &str = "input.companyDomain";
    let given = company_domain
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| CompanyDomain::parse(d).map_err(|e| ApiError::bad_input(FIELD, e.to_string())))
        .transpose()?;
    if email.is_personal() {
        let domain = given.ok_or_else(|| {
            ApiError::bad_input(
                FIELD,
                format!(
                    "{} is a personal e-mail provider: give your company's domain in companyDomain",
                    email.domain()
                ),
            )
        })?;
        if domain.is_personal_email_provider() {
            return Err(ApiError::bad_input(
                FIELD,
                format!("{domain} is a personal e-mail provider, not a company domain"),
            ));
        }
        return Ok(domain);
    }
    match given {
        Some(domain) if &domain != email.domain() => Err(ApiError::bad_input(
            FIELD,
            format!(
                "companyDomain must match your work e-mail's domain ({})",
                email.domain()
            ),
        )),
        _ => Ok(email.domain().clone()),
    }
}

/// Creates the organisation of a new company domain with the signing-up user as its owner.
pub async fn sign_up(services: &Services, input: SignUp) -> ApiResult<SignedIn> {
    let email = parse_email(&input.email, "input.email")?;
    let password = parse_password(&input.password, "input.password")?;
    let name = parse_name(&input.name, "input.name")?;
    let domain = organisation_domain(&email, input.company_domain.as_deref())?;
    let mut conn = services.db.conn().await?;
    if users::email_taken(&mut conn, &email.as_str()).await? {
        return Err(ApiError::Conflict(
            "an account with this e-mail already exists; sign in instead".to_owned(),
        ));
    }
    let domain_conflict = || {
        ApiError::Conflict(format!(
            "an organisation for {domain} already exists; ask one of its admins to invite you"
        ))
    };
    if organizations::domain_taken(&mut conn, domain.as_str()).await? {
        return Err(domain_conflict());
    }
    let password_hash = services.auth.passwords.hash(&password).await?;
    let now = partnergraph_persistence::types::now();
    let org = Organization {
        id: Uuid::now_v7(),
        domain: domain.as_str().to_owned(),
        display_name: domain.as_str().to_owned(),
        created_at: now,
    };
    let owner = NewUser {
        user: User {
            org_id: org.id,
            id: Uuid::now_v7(),
            email: email.as_str(),
            name: name.into_inner(),
            role: Role::Owner,
            partner_id: None,
            created_at: now,
        },
        password_hash,
    };
    match organizations::create_with_owner(&mut conn, &org, &owner).await {
        Ok(()) => {}
        Err(e) if violates(&e, "organizations_domain_key", "organizations.domain") => {
            return Err(domain_conflict());
        }
        Err(e) if violates(&e, "users_email_key", "users.email") => {
            return Err(ApiError::Conflict(
                "an account with this e-mail already exists; sign in instead".to_owned(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    start_session(services, &owner.user).await
}

/// Signs a user in. Unknown e-mail and wrong password get the same error in the same time;
/// repeated failures per e-mail and client address are rate-limited.
pub async fn sign_in(
    services: &Services,
    ip: IpAddr,
    email: &str,
    password: &str,
) -> ApiResult<SignedIn> {
    let limiter = &services.auth.sign_in_limiter;
    let key = email.trim().to_lowercase();
    if let Err(retry_after_seconds) = limiter.check(&key, ip, Instant::now()) {
        return Err(ApiError::RateLimited {
            retry_after_seconds,
        });
    }
    if password.chars().count() > Password::MAX_CHARS || key.len() > 254 {
        return Err(ApiError::Unauthenticated(UNKNOWN_CREDENTIALS.to_owned()));
    }
    let mut conn = services.db.conn().await?;
    let found = users::credentials_by_email(&mut conn, &key).await?;
    drop(conn);
    let stored = found.as_ref().map(|(_, hash)| hash.as_str());
    if !services.auth.passwords.verify(password, stored).await {
        limiter.fail(&key, ip, Instant::now());
        return Err(ApiError::Unauthenticated(UNKNOWN_CREDENTIALS.to_owned()));
    }
    limiter.succeed(&key, ip);
    let (user, _) =
        found.ok_or_else(|| ApiError::Unauthenticated(UNKNOWN_CREDENTIALS.to_owned()))?;
    start_session(services, &user).await
}

/// Starts a session: stores its first refresh token and issues an access token.
async fn start_session(services: &Services, user: &User) -> ApiResult<SignedIn> {
    let session_id = Uuid::now_v7();
    let expires_at = partnergraph_persistence::types::now()
        + chrono::Duration::from_std(services.auth.session_ttl)
            .unwrap_or(chrono::Duration::days(30));
    let refresh_token = secrets::generate(REFRESH_TOKEN_PREFIX);
    let stored = NewRefreshToken {
        id: Uuid::now_v7(),
        token_hash: secrets::digest(&refresh_token),
        expires_at,
    };
    let mut conn = services.db.conn().await?;
    sessions::start(
        &mut conn,
        user.org_id,
        user.id,
        session_id,
        expires_at,
        &stored,
    )
    .await?;
    let (access_token, access_token_expires_at) =
        services
            .auth
            .tokens
            .issue(user.id, user.org_id, session_id, user.role);
    Ok(SignedIn {
        tokens: Tokens {
            access_token,
            access_token_expires_at,
            refresh_token,
        },
        member: Member {
            org_id: user.org_id,
            role: user.role,
            actor: Actor::User {
                id: user.id,
                session_id,
            },
            partner_id: user.partner_id,
        },
    })
}

/// Exchanges a refresh token for new tokens. Presenting an already exchanged token revokes the
/// whole session (the token leaked or was replayed).
pub async fn refresh(services: &Services, refresh_token: &str) -> ApiResult<Tokens> {
    let invalid = || ApiError::Unauthenticated("invalid refresh token".to_owned());
    if !refresh_token.starts_with(REFRESH_TOKEN_PREFIX) || refresh_token.len() > 128 {
        return Err(invalid());
    }
    let mut conn = services.db.conn().await?;
    let record = sessions::refresh_token(&mut conn, &secrets::digest(refresh_token))
        .await?
        .ok_or_else(invalid)?;
    if record.session_revoked_at.is_some() {
        return Err(ApiError::Unauthenticated(
            "the session has ended; sign in again".to_owned(),
        ));
    }
    let reuse = || {
        ApiError::Unauthenticated(
            "refresh token reuse detected: the session was revoked; sign in again".to_owned(),
        )
    };
    if record.rotated_at.is_some() {
        sessions::revoke(&mut conn, record.org_id, record.session_id).await?;
        tracing::warn!(org.id = %record.org_id, session.id = %record.session_id, "refresh token reuse; session revoked");
        return Err(reuse());
    }
    if record.expires_at <= partnergraph_persistence::types::now() {
        return Err(ApiError::Unauthenticated(
            "the refresh token has expired; sign in again".to_owned(),
        ));
    }
    let Some((role, _)) =
        sessions::live_member(&mut conn, record.org_id, record.session_id, record.user_id).await?
    else {
        return Err(ApiError::Unauthenticated(
            "the session has ended; sign in again".to_owned(),
        ));
    };
    let next_token = secrets::generate(REFRESH_TOKEN_PREFIX);
    let next = NewRefreshToken {
        id: Uuid::now_v7(),
        token_hash: secrets::digest(&next_token),
        expires_at: record.expires_at,
    };
    if !sessions::rotate(&mut conn, &record, &next).await? {
        sessions::revoke(&mut conn, record.org_id, record.session_id).await?;
        return Err(reuse());
    }
    let (access_token, access_token_expires_at) =
        services
            .auth
            .tokens
            .issue(record.user_id, record.org_id, record.session_id, role);
    Ok(Tokens {
        access_token,
        access_token_expires_at,
        refresh_token: next_token,
    })
}

/// Ends the viewer's session: its access and refresh tokens stop working at once.
pub async fn sign_out(services: &Services, member: &Member) -> ApiResult<()> {
    let Actor::User { session_id, .. } = member.actor else {
        return Err(ApiError::bad_input(
            "viewer",
            "API keys have no session to sign out of; revoke the key with revokeApiKey",
        ));
    };
    let mut conn = services.db.conn().await?;
    sessions::revoke(&mut conn, member.org_id, session_id).await?;
    Ok(())
}

/// Accepts an invitation: creates the invited user and signs them in.
pub async fn accept_invitation(
    services: &Services,
    token: &str,
    password: &str,
    name: &str,
) -> ApiResult<SignedIn> {
    const FIELD: &str = "input.token";
    let password = parse_password(password, "input.password")?;
    let name = parse_name(name, "input.name")?;
    let unknown = || ApiError::bad_input(FIELD, "unknown invitation token");
    if token.len() > 128 {
        return Err(unknown());
    }
    let mut conn = services.db.conn().await?;
    let invitation = invitations::by_token_hash(&mut conn, &secrets::digest(token))
        .await?
        .ok_or_else(unknown)?;
    let used = || ApiError::bad_input(FIELD, "this invitation has already been used");
    if invitation.accepted_at.is_some() {
        return Err(used());
    }
    if invitation.expires_at <= partnergraph_persistence::types::now() {
        return Err(ApiError::bad_input(
            FIELD,
            "this invitation has expired; ask for a new one",
        ));
    }
    if users::email_taken(&mut conn, &invitation.email).await? {
        return Err(ApiError::Conflict(
            "an account with this e-mail already exists".to_owned(),
        ));
    }
    let password_hash = services.auth.passwords.hash(&password).await?;
    let user = NewUser {
        user: User {
            org_id: invitation.org_id,
            id: Uuid::now_v7(),
            email: invitation.email.clone(),
            name: name.into_inner(),
            role: invitation.role,
            partner_id: invitation.partner_id,
            created_at: partnergraph_persistence::types::now(),
        },
        password_hash,
    };
    match invitations::accept(&mut conn, &invitation, &user).await {
        Ok(true) => {}
        Ok(false) => return Err(used()),
        Err(e) if violates(&e, "users_email_key", "users.email") => {
            return Err(ApiError::Conflict(
                "an account with this e-mail already exists".to_owned(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    drop(conn);
    start_session(services, &user.user).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(raw: &str) -> EmailAddress {
        EmailAddress::parse(raw).expect("valid")
    }

    fn field_of(result: ApiResult<CompanyDomain>) -> Option<String> {
        match result {
            Err(ApiError::BadUserInput { field, .. }) => field,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn work_emails_give_their_own_domain() {
        let domain = organisation_domain(&email("ana@Acme.io"), None).expect("valid");
        assert_eq!(domain.as_str(), "acme.io");
    }

    #[test]
    fn personal_emails_need_a_company_domain() {
        assert_eq!(
            field_of(organisation_domain(&email("ana@gmail.com"), None)).as_deref(),
            Some("input.companyDomain")
        );
        let domain =
            organisation_domain(&email("ana@gmail.com"), Some("https://www.Acme.io/about"))
                .expect("valid");
        assert_eq!(domain.as_str(), "acme.io");
        assert!(organisation_domain(&email("ana@gmail.com"), Some("yahoo.com")).is_err());
    }

    #[test]
    fn a_work_email_cannot_claim_another_domain() {
        assert!(organisation_domain(&email("ana@acme.io"), Some("globex.com")).is_err());
        assert!(organisation_domain(&email("ana@acme.io"), Some("www.acme.io")).is_ok());
    }
}
