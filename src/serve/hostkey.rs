//! The server's ed25519 host key: created on first start under the data directory (mode 0600, in
//! OpenSSH's private key format, so `ssh-keygen -l -f` reads it), reused afterwards. Its SHA256
//! fingerprint is printed as OpenSSH prints it, for operators to compare on first connection.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rand::RngCore;
use russh::keys::ssh_key::LineEnding;
use russh::keys::ssh_key::private::{Ed25519Keypair, KeypairData};
use russh::keys::{HashAlg, PrivateKey};

/// Where the host key lives: `<data_dir>/serve/ssh_host_ed25519_key`.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("serve").join("ssh_host_ed25519_key")
}

/// The key and whether it was created just now.
pub fn load_or_create(file: &Path) -> Result<(PrivateKey, bool), String> {
    if file.exists() {
        let meta = std::fs::metadata(file).map_err(|e| format!("{}: {e}", file.display()))?;
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(format!(
                "{}: the host key is readable by others (mode {:o}); chmod 600 it",
                file.display(),
                meta.permissions().mode() & 0o777
            ));
        }
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let key = PrivateKey::from_openssh(text.as_bytes())
            .map_err(|e| format!("{}: not an OpenSSH private key ({e})", file.display()))?;
        return Ok((key, false));
    }
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    let pair = Ed25519Keypair::from_seed(&seed);
    seed.fill(0);
    let key = PrivateKey::new(KeypairData::Ed25519(pair), "onewindow host key")
        .map_err(|e| format!("cannot make a host key: {e}"))?;
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| format!("cannot encode the host key: {e}"))?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    // create_new: two servers starting at once never overwrite each other's key.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("{}: {e}", file.display()))?;
    Ok((key, true))
}

/// `SHA256:…` as `ssh-keygen -l` and the ssh client print it.
pub fn fingerprint(key: &PrivateKey) -> String {
    key.public_key().fingerprint(HashAlg::Sha256).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_once_0600_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path());
        let (a, created) = load_or_create(&p).unwrap();
        assert!(created);
        assert_eq!(
            std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let (b, created) = load_or_create(&p).unwrap();
        assert!(!created);
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert!(fingerprint(&a).starts_with("SHA256:"));
        assert_eq!(fingerprint(&a).len(), 7 + 43);
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(load_or_create(&p).unwrap_err().contains("chmod 600"));
    }
}
