//! `onewindow serve`: the TUI over onewindow's own SSH server (src/serve). Reads and checks
//! everything before it listens: settings, keymap, theme, the database (migrated), the host key
//! (created on first start, its fingerprint printed). Stops on SIGTERM, SIGINT or SIGHUP, ending
//! every session normally.

pub mod keys;

use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use tokio::signal::unix::{SignalKind, signal};

use crate::cli::{EXIT_USAGE, Failure};
use crate::config::Settings;
use crate::serve::{Server, SessionBase, hostkey};
use crate::store::Target;
use crate::ui::keymap::Keymap;
use crate::ui::theme::Theme;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (default: serve.listen, 127.0.0.1:2222). Port 0 takes a
    /// free port (printed).
    #[arg(long, value_name = "HOST:PORT")]
    pub listen: Option<String>,
}

pub async fn run(settings: &Settings, a: ServeArgs) -> Result<(), Failure> {
    let listen = match &a.listen {
        Some(l) => crate::config::check_listen(l).map_err(|m| Failure {
            code: EXIT_USAGE,
            message: format!("--listen: {m}"),
        })?,
        None => settings.serve_listen.value.clone(),
    };
    let keymap =
        Keymap::load_limited(settings.keymap.value.as_deref(), settings.max_file_mb.value)?;
    let base = SessionBase {
        lang: settings.lang.value,
        theme: Theme::builtin(settings.effective_theme())?,
        mono: Theme::builtin("mono")?,
        keymap,
        idle_lock_minutes: settings.idle_lock_minutes.value,
        idle_close_minutes: settings.serve_idle_close_minutes.value,
        thresholds: settings.thresholds(),
    };
    let key_file = hostkey::path(&settings.data_dir.value);
    let (key, created) = hostkey::load_or_create(&key_file)?;
    let fingerprint = hostkey::fingerprint(&key);
    let target = Target::from_settings(settings)?;
    let pool = crate::cli::open_database(&target, settings.serve_pool_size.value).await?;
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let local = listener.local_addr()?;
    if created {
        outln!("created the host key {}", key_file.display());
    }
    outln!("host key: 256 {fingerprint} (ED25519)");
    outln!("listening on {local}");
    crate::cli::print::flush_out();
    tracing::info!("serve: listening on {local}, host key {fingerprint}");

    let max = settings.serve_max_sessions.value;
    let srv = Server::new(pool, base, max, settings.serve_auth_per_minute.value);
    let config = Arc::new(crate::serve::ssh_config(key));
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut hup = signal(SignalKind::hangup())?;
    let accept = tokio::spawn(crate::serve::accept_loop(srv.clone(), config, listener));
    tokio::select! {
        _ = term.recv() => {},
        _ = int.recv() => {},
        _ = hup.recv() => {},
    }
    tracing::info!("serve: stopping");
    srv.stop();
    let _ = accept.await;
    // Each session gives its terminal back and writes ssh.logout; a moment for that.
    for _ in 0..30 {
        if srv.open_sessions(max) == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    outln!("stopped");
    Ok(())
}
