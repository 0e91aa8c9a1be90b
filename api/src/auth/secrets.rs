//! Opaque secrets (refresh tokens, invitation tokens, API keys): 256 random bits, base64url,
//! with a readable prefix; stored only as SHA-256 hex digests.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Prefix of refresh tokens.
pub const REFRESH_TOKEN_PREFIX: &str = "pgr_";
/// Prefix of invitation tokens.
pub const INVITATION_PREFIX: &str = "pgi_";
/// Prefix of API keys (how a bearer credential is recognised as one).
pub const API_KEY_PREFIX: &str = "pgk_";
/// Characters of an API key shown after creation (`pgk_` and 8 more).
pub const API_KEY_VISIBLE_CHARS: usize = 12;

/// A new random secret with `prefix`.
pub fn generate(prefix: &str) -> String {
    let mut bytes = [0_u8; 32];
    // The operating system's generator failing is unrecoverable for a server handing out secrets.
    getrandom::fill(&mut bytes)
        .unwrap_or_else(|e| panic!("the system random generator failed: {e}"));
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The stored form of a secret: SHA-256, hex. (Secrets carry 256 bits of entropy, so a fast
/// hash is enough; passwords use argon2id instead.)
pub fn digest(secret: &str) -> String {
    let hash = Sha256::digest(secret.as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_unique_prefixed_and_long() {
        let a = generate(API_KEY_PREFIX);
        let b = generate(API_KEY_PREFIX);
        assert_ne!(a, b);
        assert!(a.starts_with("pgk_"));
        assert_eq!(a.len(), 4 + 43);
    }

    #[test]
    fn digests_are_stable_hex_and_differ_from_the_secret() {
        let secret = generate(REFRESH_TOKEN_PREFIX);
        assert_eq!(digest(&secret), digest(&secret));
        assert_eq!(digest(&secret).len(), 64);
        assert!(!digest(&secret).contains(&secret));
    }
}
