//! The embedded default server: a private PostgreSQL cluster that onewindow creates (initdb),
//! starts (pg_ctl) and keeps under its data directory, reachable only through a Unix socket in that
//! directory (mode 0700, trust authentication: only the owner can reach the socket at all).
//!
//! It uses the system's PostgreSQL programs. As root it runs them as the dedicated system user
//! `onewindow` (created when missing), because PostgreSQL refuses to run as root, and not as
//! `postgres`: the system's own server runs as that user, and the two must not share an identity
//! that can read each other's data. The programs start with a scrubbed environment (PATH and the
//! locale only), so no ONEWINDOW_ variable — ONEWINDOW_PASSWORD included — reaches the postmaster
//! or its /proc/PID/environ.

use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The database superuser created by initdb.
pub const SUPERUSER: &str = "onewindow";
/// The system user the embedded server runs as when onewindow runs as root.
pub const SYSTEM_USER: &str = "onewindow";
/// Port number in the socket's file name (.s.PGSQL.5432); nothing listens on TCP.
pub const PORT: u16 = 5432;

#[derive(Debug, thiserror::Error)]
pub enum LocalPgError {
    #[error(
        "onewindow runs its embedded default database with PostgreSQL's server programs (initdb, \
         pg_ctl, postgres) and found none on PATH or under /usr/lib/postgresql/*/bin. Install them \
         — Debian/Ubuntu: `apt install postgresql`; Fedora/RHEL: `dnf install postgresql-server`; \
         macOS: `brew install postgresql@15` — or point onewindow at an existing PostgreSQL server \
         with `--database-url postgres://USER@HOST/DB` (or the DATABASE_URL environment variable, or \
         `database.url` in the config file)."
    )]
    NotInstalled,
    #[error(
        "running as root, the embedded server runs as the system user `onewindow`, which is missing \
         and could not be created ({0}). Create it (`useradd --system --user-group --no-create-home \
         --shell /usr/sbin/nologin onewindow`) or run onewindow as an ordinary user."
    )]
    NoSystemUser(String),
    #[error("{step} failed: {detail}")]
    Command { step: &'static str, detail: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the data directory path {0} is too long for a Unix socket path (at most about 100 bytes); \
         choose a shorter one with --data-dir"
    )]
    PathTooLong(PathBuf),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> LocalPgError + '_ {
    move |source| LocalPgError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The embedded server under `<data_dir>/pg`.
#[derive(Debug, Clone)]
pub struct LocalPg {
    pub dir: PathBuf,
    bin: PathBuf,
    /// uid and gid to run the server as, when onewindow itself runs as root.
    run_as: Option<(u32, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Started {
    /// initdb created the cluster and it was started.
    Created,
    /// An existing cluster was started.
    Started,
    /// It was already running: reused.
    Reused,
}

/// Finds initdb and pg_ctl: first on PATH, then the newest /usr/lib/postgresql/<version>/bin.
pub fn find_bin_dir() -> Option<PathBuf> {
    let has_tools = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        for d in std::env::split_paths(&path) {
            if has_tools(&d) {
                // A PATH entry may hold symlinks (Debian's /usr/local/bin wrappers); the server
                // binary `postgres` must sit next to initdb, so resolve to the real directory.
                let real = fs::canonicalize(d.join("initdb"))
                    .ok()
                    .and_then(|p| p.parent().map(Path::to_path_buf))
                    .unwrap_or(d);
                return Some(real);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            has_tools(&bin).then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, b)| b)
}

fn user_ids(name: &str) -> Option<(u32, u32)> {
    let passwd = fs::read_to_string("/etc/passwd").ok()?;
    passwd.lines().find_map(|line| {
        let f: Vec<&str> = line.split(':').collect();
        (f.len() > 3 && f[0] == name).then(|| Some((f[2].parse().ok()?, f[3].parse().ok()?)))?
    })
}

/// The `onewindow` system user's uid and gid, creating the user (no home, no login shell) when
/// it is missing. Only called as root.
fn system_user_ids() -> Result<(u32, u32), LocalPgError> {
    if let Some(ids) = user_ids(SYSTEM_USER) {
        return Ok(ids);
    }
    // Two onewindows starting at once on a new machine would both run useradd; without a lock
    // one may read back a uid the other's rewrite of /etc/passwd then replaces (seen: initdb
    // "could not look up effective user ID 999"). The lock is held until this function returns.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open("/run/onewindow-useradd.lock")
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|e| LocalPgError::NoSystemUser(format!("/run/onewindow-useradd.lock: {e}")))?;
    if let Some(ids) = user_ids(SYSTEM_USER) {
        return Ok(ids);
    }
    let out = Command::new("useradd")
        .args([
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            "--comment",
            "onewindow embedded database",
            SYSTEM_USER,
        ])
        .output()
        .map_err(|e| LocalPgError::NoSystemUser(format!("useradd: {e}")))?;
    // Another onewindow may have created it at the same moment (exit 9: the user exists).
    if !out.status.success() && out.status.code() != Some(9) {
        return Err(LocalPgError::NoSystemUser(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    let ids = user_ids(SYSTEM_USER)
        .ok_or_else(|| LocalPgError::NoSystemUser("useradd reported success".into()));
    drop(lock);
    ids
}

/// Gives a directory tree to `uid:gid` (a cluster created by an earlier onewindow, which ran it
/// as `postgres`). Symlinks are changed themselves, never followed.
fn chown_tree(path: &Path, uid: u32, gid: u32) -> Result<(), LocalPgError> {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid)).map_err(io_err(path))?;
    let meta = fs::symlink_metadata(path).map_err(io_err(path))?;
    if meta.is_dir() {
        for entry in fs::read_dir(path).map_err(io_err(path))? {
            let entry = entry.map_err(io_err(path))?;
            chown_tree(&entry.path(), uid, gid)?;
        }
    }
    Ok(())
}

impl LocalPg {
    pub fn new(data_dir: &Path) -> Result<LocalPg, LocalPgError> {
        let bin = find_bin_dir().ok_or(LocalPgError::NotInstalled)?;
        let run_as = if unsafe { libc::geteuid() } == 0 {
            Some(system_user_ids()?)
        } else {
            None
        };
        let dir = absolute(&data_dir.join("pg"));
        if dir.join(".s.PGSQL.5432").as_os_str().len() > 100 {
            return Err(LocalPgError::PathTooLong(dir));
        }
        Ok(LocalPg { dir, bin, run_as })
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(self.bin.join(program));
        // A scrubbed environment: inherited PG* variables would point the tools at some other
        // cluster, and ONEWINDOW_PASSWORD (or any secret) must not live on in the postmaster.
        c.env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("LC_ALL", "C.UTF-8")
            .current_dir(&self.dir);
        if let Some((uid, gid)) = self.run_as {
            // std drops root's supplementary groups when it changes uid.
            c.uid(uid).gid(gid);
        }
        c
    }

    fn run(&self, step: &'static str, mut c: Command) -> Result<Output, LocalPgError> {
        let out = c.output().map_err(|e| LocalPgError::Command {
            step,
            detail: e.to_string(),
        })?;
        Ok(out)
    }

    fn ensure_dir(&self) -> Result<(), LocalPgError> {
        if let Some(parent) = self.dir.parent() {
            fs::create_dir_all(parent).map_err(io_err(parent))?;
            if self.run_as.is_some() {
                // The postgres user must be able to pass through to the cluster directory.
                let mut p = fs::metadata(parent).map_err(io_err(parent))?.permissions();
                p.set_mode(p.mode() | 0o711);
                fs::set_permissions(parent, p).map_err(io_err(parent))?;
            }
        }
        if !self.dir.exists() {
            fs::create_dir(&self.dir).map_err(io_err(&self.dir))?;
        }
        fs::set_permissions(&self.dir, fs::Permissions::from_mode(0o700))
            .map_err(io_err(&self.dir))?;
        if let Some((uid, gid)) = self.run_as {
            use std::os::unix::fs::MetadataExt;
            let meta = fs::metadata(&self.dir).map_err(io_err(&self.dir))?;
            if meta.uid() != uid {
                // A cluster made when the server ran as `postgres`: PostgreSQL refuses a data
                // directory owned by another user, so the whole tree changes hands once — after
                // that older server, if it still runs, is stopped as its own user.
                if self.dir.join("postmaster.pid").exists() {
                    let mut c = self.command("pg_ctl");
                    c.uid(meta.uid()).gid(meta.gid());
                    c.args(["stop", "-m", "fast", "-w", "-D"]).arg(&self.dir);
                    let _ = self.run("pg_ctl stop (handover)", c);
                }
                chown_tree(&self.dir, uid, gid)?;
            }
        }
        Ok(())
    }

    fn initialised(&self) -> bool {
        self.dir.join("PG_VERSION").is_file()
    }

    /// True when a server is running on this cluster (pg_ctl status exit code 0).
    pub fn is_running(&self) -> bool {
        if !self.initialised() {
            return false;
        }
        let mut c = self.command("pg_ctl");
        c.arg("status").arg("-D").arg(&self.dir);
        matches!(self.run("pg_ctl status", c), Ok(o) if o.status.success())
    }

    /// Creates the cluster if needed and starts it if it is not running.
    pub fn ensure_running(&self) -> Result<Started, LocalPgError> {
        self.ensure_dir()?;
        let _lock = DirLock::take(&self.dir.with_extension("lock"))?;
        let mut created = false;
        if !self.initialised() {
            self.initdb()?;
            created = true;
        }
        if self.is_running() {
            return Ok(Started::Reused);
        }
        self.write_settings()?;
        let mut c = self.command("pg_ctl");
        c.args([
            OsStr::new("start"),
            OsStr::new("-w"),
            OsStr::new("-t"),
            OsStr::new("60"),
        ])
        .arg("-D")
        .arg(&self.dir)
        .arg("-l")
        .arg(self.dir.join("server.log"));
        let out = self.run("pg_ctl start", c)?;
        if !out.status.success() {
            let log = fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(8).collect();
            return Err(LocalPgError::Command {
                step: "pg_ctl start",
                detail: format!(
                    "{}\n{}",
                    String::from_utf8_lossy(&out.stderr).trim(),
                    tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                ),
            });
        }
        Ok(if created {
            Started::Created
        } else {
            Started::Started
        })
    }

    fn initdb(&self) -> Result<(), LocalPgError> {
        let mut c = self.command("initdb");
        c.arg("-D").arg(&self.dir).args([
            "-U",
            SUPERUSER,
            "--auth-local=trust",
            // Never reachable over TCP, even if listen_addresses were ever changed.
            "--auth-host=reject",
            "-E",
            "UTF8",
            "--no-locale",
        ]);
        let out = self.run("initdb", c)?;
        if !out.status.success() {
            return Err(LocalPgError::Command {
                step: "initdb",
                detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        self.write_settings()
    }

    /// Socket only, in the cluster directory, reachable by the owner alone. Checked before every
    /// start too, so a cluster whose first start was interrupted right after initdb never comes
    /// up listening on TCP with the defaults.
    fn write_settings(&self) -> Result<(), LocalPgError> {
        const MARK: &str = "# Set by onewindow: the embedded default server.";
        let conf = self.dir.join("postgresql.conf");
        let current = fs::read_to_string(&conf).map_err(io_err(&conf))?;
        if current.contains(MARK) {
            return Ok(());
        }
        let mut f = fs::OpenOptions::new()
            .append(true)
            .open(&conf)
            .map_err(io_err(&conf))?;
        let dir = self.dir.display().to_string().replace('\'', "''");
        write!(
            f,
            "\n{MARK}\n\
             listen_addresses = ''\n\
             unix_socket_directories = '{dir}'\n\
             unix_socket_permissions = 0700\n\
             port = {PORT}\n\
             max_connections = 50\n\
             timezone = 'Asia/Shanghai'\n\
             log_timezone = 'Asia/Shanghai'\n"
        )
        .map_err(io_err(&conf))?;
        Ok(())
    }

    /// Stops the server (fast shutdown). Returns false when it was not running.
    pub fn stop(&self) -> Result<bool, LocalPgError> {
        if !self.is_running() {
            return Ok(false);
        }
        let mut c = self.command("pg_ctl");
        c.args(["stop", "-w", "-m", "fast", "-D"]).arg(&self.dir);
        let out = self.run("pg_ctl stop", c)?;
        if !out.status.success() {
            return Err(LocalPgError::Command {
                step: "pg_ctl stop",
                detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(true)
    }

    /// Connection options for a database on this server.
    pub fn connect_options(&self, database: &str) -> sqlx::postgres::PgConnectOptions {
        sqlx::postgres::PgConnectOptions::new()
            .socket(&self.dir)
            .port(PORT)
            .username(SUPERUSER)
            .database(database)
            .application_name("onewindow")
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// An exclusive lock file, so two onewindow processes starting together do not both run initdb.
struct DirLock(fs::File);

impl DirLock {
    fn take(path: &Path) -> Result<DirLock, LocalPgError> {
        use std::os::fd::AsRawFd;
        let f = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(io_err(path))?;
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(LocalPgError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::last_os_error(),
            });
        }
        Ok(DirLock(f))
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}
