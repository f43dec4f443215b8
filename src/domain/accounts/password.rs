//! Password hashing with argon2id (PHC strings). CPU-bound: callers in async code run it on a
//! blocking thread.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// Hashes with a fresh random salt and argon2's default (OWASP-recommended) parameters.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing only fails for parameter or salt-length errors, which the defaults rule out.
        .unwrap_or_default()
}

/// True when `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A valid hash of a password nobody knows: verifying against it for unknown login codes makes a
/// wrong code take as long as a wrong password, so timing does not reveal which codes exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash("no operator has this password"));
    &DUMMY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash("窗口123");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(&h, "窗口123"));
        assert!(!verify(&h, "窗口124"));
    }

    #[test]
    fn malformed_hash_never_matches() {
        assert!(!verify("not a hash", ""));
        assert!(dummy_hash().starts_with("$argon2id$"));
        assert!(!verify(dummy_hash(), ""));
    }
}
