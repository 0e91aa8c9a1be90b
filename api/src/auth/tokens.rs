//! Short-lived access tokens: HS256 JWTs naming the user, organisation, session and role.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use partnergraph_domain::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const ISSUER: &str = "partnergraph";

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: Uuid,
    /// Organisation id.
    pub org: Uuid,
    /// Session id (revoking the session ends the token early).
    pub sid: Uuid,
    /// Role when issued (informational: every request re-reads the current role).
    pub role: String,
    /// Issued at (seconds).
    pub iat: i64,
    /// Expiry (seconds).
    pub exp: i64,
    /// Always `partnergraph`.
    pub iss: String,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Past its expiry.
    Expired,
    /// Malformed, forged, tampered with, or signed with another algorithm.
    Invalid,
}

/// Signs and verifies access tokens with one HMAC key.
pub struct TokenSigner {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl: chrono::Duration,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl TokenSigner {
    /// A signer with `secret` (at least 32 bytes) issuing tokens valid for `ttl`.
    pub fn new(secret: &[u8], ttl: std::time::Duration) -> Self {
        TokenSigner {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl: chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::minutes(15)),
        }
    }

    /// A token for the user's session, and when it expires.
    pub fn issue(
        &self,
        user: Uuid,
        org: Uuid,
        session: Uuid,
        role: Role,
    ) -> (String, DateTime<Utc>) {
        self.issue_with_ttl(user, org, session, role, self.ttl)
    }

    /// A token with an explicit lifetime (negative for an already expired one, in tests).
    pub fn issue_with_ttl(
        &self,
        user: Uuid,
        org: Uuid,
        session: Uuid,
        role: Role,
        ttl: chrono::Duration,
    ) -> (String, DateTime<Utc>) {
        let now = Utc::now();
        let expires = now + ttl;
        let claims = Claims {
            sub: user,
            org,
            sid: session,
            role: role.as_str().to_owned(),
            iat: now.timestamp(),
            exp: expires.timestamp(),
            iss: ISSUER.to_owned(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .unwrap_or_else(|e| unreachable!("HS256 signing of plain claims cannot fail: {e}"));
        (token, expires)
    }

    /// Verifies signature (HS256 only: `alg=none` and every other algorithm are refused),
    /// issuer and expiry.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = 5;
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn signer() -> TokenSigner {
        TokenSigner::new(&[7_u8; 32], std::time::Duration::from_secs(900))
    }

    #[test]
    fn issued_tokens_verify_with_their_claims() {
        let (user, org, session) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let (token, expires) = signer().issue(user, org, session, Role::Admin);
        let claims = signer().verify(&token).expect("valid");
        assert_eq!((claims.sub, claims.org, claims.sid), (user, org, session));
        assert_eq!(claims.role, "admin");
        assert_eq!(claims.exp, expires.timestamp());
    }

    #[test]
    fn tokens_from_another_key_are_invalid() {
        let (token, _) =
            signer().issue(Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Role::Owner);
        let other = TokenSigner::new(&[8_u8; 32], std::time::Duration::from_secs(900));
        assert_eq!(other.verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn tampered_claims_break_the_signature() {
        let (token, _) =
            signer().issue(Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Role::Viewer);
        let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
        let payload =
            String::from_utf8(URL_SAFE_NO_PAD.decode(&parts[1]).expect("b64")).expect("utf8");
        parts[1] = URL_SAFE_NO_PAD.encode(payload.replace("viewer", "owner"));
        assert_eq!(signer().verify(&parts.join(".")), Err(TokenError::Invalid));
    }

    #[test]
    fn unsigned_alg_none_tokens_are_refused() {
        let (token, _) =
            signer().issue(Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Role::Owner);
        let payload = token.split('.').nth(1).expect("payload");
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        assert_eq!(
            signer().verify(&format!("{header}.{payload}.")),
            Err(TokenError::Invalid)
        );
    }

    #[test]
    fn expired_tokens_are_reported_as_expired() {
        let signer = signer();
        let ttl = chrono::Duration::seconds(-60);
        let (token, _) = signer.issue_with_ttl(
            Uuid::new_v4(),
            Uuid::new_v4(),
            Uuid::new_v4(),
            Role::Member,
            ttl,
        );
        assert_eq!(signer.verify(&token), Err(TokenError::Expired));
    }
}
