//! Logging to a daily-rolling file under the data directory. Nothing is ever written to the
//! terminal: the TUI owns it, and a stray line would corrupt the screen.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts file logging; keep the guard alive for the life of the process (it flushes on drop).
/// Returns `None` when the directory cannot be created: logging is then off, the program still runs.
pub fn init(dir: &Path, level: &str) -> Option<WorkerGuard> {
    std::fs::create_dir_all(dir).ok()?;
    private(dir);
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("onewindow")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir)
        .ok()?;
    // The appender has created today's file (with the process umask): close it to others too.
    private(dir);
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_new(format!("onewindow={level},sqlx=warn"))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Logs name operators, cases and errors: the directory is 0700 and every log file in it 0600,
/// whatever the umask. A file the rotation creates later is still behind the 0700 directory.
fn private(dir: &Path) {
    let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("onewindow") && name.ends_with(".log") {
                let _ = std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(0o600));
            }
        }
    }
}
