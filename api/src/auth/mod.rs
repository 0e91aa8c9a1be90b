//! Authentication: password hashing, access tokens, opaque secrets, the sign-in limiter, and
//! resolving a request's bearer credential into a [`Viewer`].

pub mod passwords;
pub mod rate_limit;
pub mod secrets;
pub mod tokens;
pub mod viewer;

use std::time::Duration;

pub use viewer::{Actor, Member, Viewer};

/// Everything authentication needs, built once at start-up.
#[derive(Debug)]
pub struct Auth {
    /// argon2id hashing and verification.
    pub passwords: passwords::PasswordHasher,
    /// Access-token signing and verification.
    pub tokens: tokens::TokenSigner,
    /// Failed sign-ins per e-mail and client address.
    pub sign_in_limiter: rate_limit::SignInLimiter,
    /// Lifetime of a session and its refresh tokens.
    pub session_ttl: Duration,
    /// Lifetime of an invitation.
    pub invitation_ttl: Duration,
}
