//! Reading the files an administrator hands to onewindow (item and calendar files, keymaps, the
//! fiscal export and its mapping): one reader with a maximum size (setting
//! `import.max_file_mb`, default 64). A regular file over the maximum is refused from its
//! metadata before a byte is read; anything else (a pipe, `/dev/zero`) is read at most one
//! byte past the maximum and then refused, so memory stays bounded whatever the file is.
//! Decoding the bytes is `domain::file_text`'s (docs/operations.md, "Input files").

use std::io::Read;
use std::path::Path;

/// The maximum unless the setting says otherwise.
pub const DEFAULT_MAX_FILE_MB: u32 = 64;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path} is {what}, more than the {max_mb} MB import.max_file_mb allows; nothing was read \
         (split the file, or raise import.max_file_mb / ONEWINDOW_IMPORT_MAX_FILE_MB)"
    )]
    TooLarge {
        path: String,
        what: String,
        max_mb: u32,
    },
}

impl ReadError {
    /// A file too large is bad input (exit 2); one that cannot be read at all is an error (1).
    pub fn is_too_large(&self) -> bool {
        matches!(self, ReadError::TooLarge { .. })
    }
}

/// The whole file, if it is at most `max_mb` MB (MiB).
pub fn read(path: &Path, max_mb: u32) -> Result<Vec<u8>, ReadError> {
    let name = path.display().to_string();
    let io = |source| ReadError::Io {
        path: name.clone(),
        source,
    };
    let max = u64::from(max_mb) * 1024 * 1024;
    let file = std::fs::File::open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("it is a directory")));
    }
    if meta.is_file() && meta.len() > max {
        return Err(ReadError::TooLarge {
            path: name.clone(),
            what: format!("{:.1} MB", meta.len() as f64 / (1024.0 * 1024.0)),
            max_mb,
        });
    }
    let mut bytes = Vec::with_capacity(if meta.is_file() {
        meta.len() as usize
    } else {
        0
    });
    file.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge {
            path: name,
            what: "not a regular file and longer than that".into(),
            max_mb,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_is_refused_before_reading_and_an_endless_one_after_the_maximum() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.csv");
        let f = std::fs::File::create(&big).unwrap();
        f.set_len(3 * 1024 * 1024).unwrap();
        let e = read(&big, 2).unwrap_err();
        assert!(e.is_too_large(), "{e}");
        assert!(e.to_string().contains("3.0 MB"), "{e}");
        assert_eq!(read(&big, 3).unwrap().len(), 3 * 1024 * 1024);
        let t = std::time::Instant::now();
        let e = read(Path::new("/dev/zero"), 1).unwrap_err();
        assert!(e.is_too_large() && t.elapsed().as_secs() < 5, "{e}");
        assert!(!read(dir.path(), 1).unwrap_err().is_too_large());
    }
}
