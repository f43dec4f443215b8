//! serve: `onewindow serve`, the SSH server that gives each connection the TUI and nothing else
//! (docs/operations.md "onewindow serve", docs/architecture.md "Sessions over SSH"). One process
//! holds the database credential, one pool, one LISTEN connection and the supervision run; each
//! session is an `App` driven by the local TUI's event loop over its SSH channel.
//!
//! - `hostkey`: the ed25519 host key under the data directory (0600), its fingerprint.
//! - `handler`: one connection — authentication, and what it may and may not ask for.
//! - `session`: one terminal session; `exec`: `ssh … lookup TEXT`.
//! - `input` (bytes → key events), `backend` (ratatui → the channel), `shared` (the listener's
//!   fan-out).

pub mod backend;
pub mod exec;
pub mod handler;
pub mod hostkey;
pub mod input;
pub mod session;
pub mod shared;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::domain::serve::AttemptCounter;
use crate::domain::time::calendar::Thresholds;
use crate::i18n::Lang;
use crate::ui::keymap::Keymap;
use crate::ui::theme::Theme;

/// What every session starts from: the server's settings, read and checked once at start.
pub struct SessionBase {
    pub lang: Lang,
    pub theme: Theme,
    /// For NO_COLOR (or TERM=dumb) sessions.
    pub mono: Theme,
    pub keymap: Keymap,
    pub idle_lock_minutes: u32,
    /// Minutes a locked, idle session is kept before the server ends it.
    pub idle_close_minutes: u32,
    pub thresholds: Thresholds,
}

pub struct Server {
    pub pool: PgPool,
    pub shared: shared::Shared,
    pub base: SessionBase,
    pub attempts: Mutex<AttemptCounter>,
    sessions: Arc<Semaphore>,
    stop: watch::Sender<bool>,
}

impl Server {
    pub fn new(
        pool: PgPool,
        base: SessionBase,
        max_sessions: u32,
        auth_per_minute: u32,
    ) -> Arc<Server> {
        let shared = shared::Shared::start(&pool, base.thresholds);
        Arc::new(Server {
            pool,
            shared,
            base,
            attempts: Mutex::new(AttemptCounter::new(auth_per_minute)),
            sessions: Arc::new(Semaphore::new(max_sessions as usize)),
            stop: watch::channel(false).0,
        })
    }

    /// Resolves when the server is told to stop: every session's loop ends normally (its
    /// terminal given back, `ssh.logout` written).
    pub fn stopping(&self) -> impl std::future::Future<Output = ()> + use<> {
        let mut rx = self.stop.subscribe();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    }

    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Connections open now.
    pub fn open_sessions(&self, max: u32) -> usize {
        (max as usize).saturating_sub(self.sessions.available_permits())
    }
}

/// How long a connection may take from its first byte to a successful authentication.
const AUTH_TIMEOUT: Duration = Duration::from_secs(60);

/// The SSH configuration: the host key, public key and password authentication only, russh's
/// constant rejection time, keepalives that find a half-open connection within a minute.
pub fn ssh_config(host_key: russh::keys::PrivateKey) -> russh::server::Config {
    use russh::MethodKind;
    let methods = russh::MethodSet::from(&[MethodKind::PublicKey, MethodKind::Password][..]);
    russh::server::Config {
        server_id: russh::SshId::Standard("SSH-2.0-onewindow".into()),
        methods,
        auth_rejection_time: Duration::from_secs(1),
        // OpenSSH's first "none" probe is answered at once.
        auth_rejection_time_initial: Some(Duration::ZERO),
        max_auth_attempts: 10,
        keys: vec![host_key],
        inactivity_timeout: None,
        keepalive_interval: Some(Duration::from_secs(15)),
        keepalive_max: 4,
        nodelay: true,
        ..Default::default()
    }
}

/// Accepts connections until `stop`; each runs in its own task. Over `max_sessions` at once a
/// connection is closed at once (and logged).
pub async fn accept_loop(
    srv: Arc<Server>,
    config: Arc<russh::server::Config>,
    listener: TcpListener,
) -> std::io::Result<()> {
    let stopping = srv.stopping();
    tokio::pin!(stopping);
    loop {
        let (socket, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(v) => v,
                Err(e) => {
                    tracing::warn!("ssh: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stopping => return Ok(()),
        };
        let Ok(permit) = srv.sessions.clone().try_acquire_owned() else {
            tracing::warn!("ssh: {peer} refused: the most sessions at once are open");
            refuse_full(&srv.pool, peer);
            drop(socket);
            continue;
        };
        let _ = socket.set_nodelay(true);
        let handler = handler::Conn::new(srv.clone(), peer);
        let signed_in = handler.signed_in.clone();
        let config = config.clone();
        let pool = srv.pool.clone();
        tokio::spawn(async move {
            let _permit = permit;
            // A client that never sends its SSH greeting would hold its slot for ever.
            let started = tokio::time::timeout(
                AUTH_TIMEOUT,
                russh::server::run_stream(config, socket, handler),
            );
            match started.await {
                Ok(Ok(session)) => {
                    let handle = session.handle();
                    tokio::pin!(session);
                    let deadline = tokio::time::sleep(AUTH_TIMEOUT);
                    tokio::pin!(deadline);
                    let mut checked = false;
                    loop {
                        tokio::select! {
                            r = &mut session => {
                                if let Err(e) = r {
                                    tracing::debug!("ssh: connection from {peer} ended: {e}");
                                }
                                break;
                            }
                            _ = &mut deadline, if !checked => {
                                checked = true;
                                let authed = signed_in
                                    .lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .is_some();
                                if !authed {
                                    tracing::info!("ssh: {peer} did not authenticate in time");
                                    let _ = handle
                                        .disconnect(
                                            russh::Disconnect::ByApplication,
                                            "authentication timeout".into(),
                                            "en".into(),
                                        )
                                        .await;
                                }
                            }
                        }
                    }
                }
                Ok(Err(e)) => tracing::debug!("ssh: handshake with {peer} failed: {e}"),
                Err(_) => tracing::info!("ssh: {peer} sent no SSH greeting in time"),
            }
            // The connection is gone (quit, exec done, client killed, keepalives unanswered):
            // its sign-out, before the session's slot is given back.
            let who = signed_in.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(a) = who {
                let detail = serde_json::json!({
                    "source": peer.to_string(), "method": a.method,
                    "fingerprint": a.fingerprint, "code": a.operator.code,
                });
                let id = Some(a.operator.operator_id);
                let rec = crate::store::serve::record(&pool, id, "ssh.logout", detail);
                if !matches!(
                    tokio::time::timeout(Duration::from_secs(3), rec).await,
                    Ok(Ok(()))
                ) {
                    tracing::warn!("ssh.logout of {} from {peer} not audited", a.operator.code);
                }
            }
        });
    }
}

fn refuse_full(pool: &PgPool, peer: SocketAddr) {
    let pool = pool.clone();
    tokio::spawn(async move {
        let detail = serde_json::json!({ "reason": "max_sessions", "source": peer.to_string() });
        let _ = crate::store::serve::record(&pool, None, "ssh.refused", detail).await;
    });
}
