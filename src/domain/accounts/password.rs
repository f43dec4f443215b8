//! Password hashing with argon2id (PHC strings). CPU-bound: callers in async code run it on a
//! blocking thread.
//!
//! New hashes use OWASP's argon2id parameters (Password Storage Cheat Sheet): 19 MiB of memory
//! (m = 19456 KiB), two passes (t = 2), one lane (p = 1), written out here rather than taken from
//! the crate's defaults, which could change under a dependency update. A stored hash with other
//! parameters still verifies (the PHC string carries them) and is rehashed at the next successful
//! sign-in ([`needs_rehash`]).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// OWASP's argon2id parameters: memory in KiB, passes, lanes.
pub const MEMORY_KIB: u32 = 19_456;
pub const PASSES: u32 = 2;
pub const LANES: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes with a fresh random salt and the OWASP parameters above.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing only fails for parameter or salt-length errors, which the defaults rule out.
        .unwrap_or_default()
}

/// True when `password` matches the stored PHC string, whatever argon2 parameters it was made
/// with (they are read from the string); a malformed hash never matches.
pub fn verify(stored: &str, password: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// True when a stored hash was not made with argon2id, version 0x13 and the parameters above: it
/// is replaced by a fresh hash when its owner next signs in with the right password.
pub fn needs_rehash(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    let param = |name: &str| parsed.params.get_decimal(name);
    parsed.algorithm != Algorithm::Argon2id.ident()
        || parsed.version != Some(Version::V0x13.into())
        || param("m") != Some(MEMORY_KIB)
        || param("t") != Some(PASSES)
        || param("p") != Some(LANES)
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
    fn new_hashes_carry_the_owasp_parameters() {
        let h = hash("x");
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(!needs_rehash(&h));
        assert!(!needs_rehash(dummy_hash()));
    }

    #[test]
    fn a_hash_with_other_parameters_verifies_and_asks_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8192, 1, 1, None).unwrap(),
        );
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let old = weak
            .hash_password("窗口123".as_bytes(), &salt)
            .unwrap()
            .to_string();
        assert!(old.contains("m=8192,t=1,p=1"), "{old}");
        assert!(verify(&old, "窗口123"));
        assert!(!verify(&old, "窗口124"));
        assert!(needs_rehash(&old));
        assert!(needs_rehash("not a hash"));
    }

    #[test]
    fn malformed_hash_never_matches() {
        assert!(!verify("not a hash", ""));
        assert!(dummy_hash().starts_with("$argon2id$"));
        assert!(!verify(dummy_hash(), ""));
    }
}
