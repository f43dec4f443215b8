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
///
/// A constant with the same parameters as [`hash`], not one computed on first use: computing it
/// lazily made the first unknown code of every process (every scripted sign-in is one) pay for a
/// hash and a verification — 101–125 ms against 68–85 ms for a known code (issue 15.5).
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$GiSDyZf7UjaVwSCPZkSKaQ$GQcG/X0nEINakFjQj+V63qhMOuN+Rje4LkXnRgCEvP0"
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
    fn the_dummy_hash_costs_what_a_real_one_costs() {
        // Same algorithm, version and parameters as a fresh hash, so a verification against it
        // takes as long as one against an operator's hash.
        let real = hash("x");
        let real = PasswordHash::new(&real).unwrap();
        let dummy = PasswordHash::new(dummy_hash()).unwrap();
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
    }

    #[test]
    fn malformed_hash_never_matches() {
        assert!(!verify("not a hash", ""));
        assert!(dummy_hash().starts_with("$argon2id$"));
        assert!(!verify(dummy_hash(), ""));
    }
}
