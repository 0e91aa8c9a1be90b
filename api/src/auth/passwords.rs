//! Password hashing with argon2id, on the blocking thread pool.

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use partnergraph_domain::Password;

use crate::error::ApiError;

/// Hashes and verifies passwords; verifies unknown accounts against a dummy hash so that an
/// unknown e-mail costs the same time as a wrong password.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    params: Params,
    dummy_hash: String,
}

impl PasswordHasher {
    /// argon2id with `memory_kib` KiB, `iterations` passes and parallelism 1.
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Self, String> {
        let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| e.to_string())?;
        let mut hasher = PasswordHasher {
            params,
            dummy_hash: String::new(),
        };
        hasher.dummy_hash = hasher.hash_blocking("not a real password, only for timing")?;
        Ok(hasher)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    fn hash_blocking(&self, password: &str) -> Result<String, String> {
        let mut salt = [0_u8; 16];
        getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
        self.argon2()
            .hash_password_with_salt(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|e| e.to_string())
    }

    /// The PHC string of `password`.
    pub async fn hash(&self, password: &Password) -> Result<String, ApiError> {
        let hasher = self.clone();
        let password = password.expose().to_owned();
        tokio::task::spawn_blocking(move || hasher.hash_blocking(&password))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)
    }

    /// Whether `password` matches `stored`; with no stored hash (unknown account) it verifies
    /// against the dummy hash and answers `false`, taking the same time.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> bool {
        let known = stored.is_some();
        let hash = stored.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.to_owned();
        let argon2 = self.argon2();
        let matched = tokio::task::spawn_blocking(move || {
            argon2
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok()
        })
        .await
        .unwrap_or(false);
        known && matched
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hasher = PasswordHasher::new(1024, 1).expect("params");
        let password = Password::parse("correct horse battery").expect("valid");
        let hash = hasher.hash(&password).await.expect("hashed");
        assert!(hash.starts_with("$argon2id$"));
        assert!(hasher.verify("correct horse battery", Some(&hash)).await);
        assert!(!hasher.verify("wrong horse battery", Some(&hash)).await);
        assert!(!hasher.verify("correct horse battery", None).await);
    }
}
