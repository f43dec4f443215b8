//! One SSH connection: authentication (public key from `operator_keys`, or the password through
//! the TUI's own sign-in), then the requests a client makes. A session with a pty gets the TUI;
//! `exec lookup …` runs the lookup; everything else — a shell without a pty, port, agent and X11
//! forwarding, subsystems such as sftp, a connection that never opens a session (`ssh -N`) — is
//! refused and audited (`ssh.refused`, with the reason and the source address).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::Event;
use russh::server::{
    Auth, ChannelOpenHandle, Handler, Msg, PublicKeyOffer, Session, VerifiedPublicKey,
};
use russh::{Channel, ChannelId, ChannelOpenFailure, Pty};
use serde_json::json;
use tokio::sync::mpsc::UnboundedSender;

use crate::domain::serve::{Attempt, Exec, MAX_EXEC_LEN, env_allowed, parse_exec};
use crate::store::accounts::operators::{self, LoginOutcome, Operator, Purpose};
use crate::store::serve::{self as store, KeySignIn};

use super::Server;
use super::backend::SharedSize;
use super::input::Input;
use super::session::{self, PtyRequest, SessionStart};

/// How long an authenticated connection may go without opening a session before it is closed
/// (`ssh -N`: forwarding only, which onewindow never gives).
const SESSION_WAIT: Duration = Duration::from_secs(5);

/// Who signed in, and how.
#[derive(Debug, Clone)]
pub struct Authed {
    pub operator: Operator,
    pub method: &'static str,
    pub fingerprint: Option<String>,
    /// The password was right but an administrator set or reset it: the session opens on the
    /// forced change of password, as the local sign-in does.
    pub must_change: bool,
}

#[derive(Default)]
struct Chan {
    pty: Option<PtyRequest>,
    env: Vec<(String, String)>,
    input: Option<(UnboundedSender<std::io::Result<Event>>, Input)>,
    size: SharedSize,
}

pub struct Conn {
    pub(super) srv: Arc<Server>,
    pub(super) peer: SocketAddr,
    authed: Option<Authed>,
    /// Who signed in, for the connection's end (`ssh.logout`, written by the accept loop).
    pub(super) signed_in: Arc<std::sync::Mutex<Option<Authed>>>,
    chans: HashMap<ChannelId, Chan>,
    opened_session: Arc<AtomicBool>,
}

impl Conn {
    pub fn new(srv: Arc<Server>, peer: SocketAddr) -> Conn {
        Conn {
            srv,
            peer,
            authed: None,
            signed_in: Default::default(),
            chans: HashMap::new(),
            opened_session: Arc::new(AtomicBool::new(false)),
        }
    }

    fn source(&self) -> String {
        self.peer.to_string()
    }

    /// Writes an `ssh.refused` row in the background (a refusal never waits on the database).
    fn refuse(&self, reason: &str, more: serde_json::Value) {
        let pool = self.srv.pool.clone();
        let op = self.authed.as_ref().map(|a| a.operator.operator_id);
        let mut detail = json!({ "reason": reason, "source": self.source() });
        if let (Some(d), Some(m)) = (detail.as_object_mut(), more.as_object()) {
            d.extend(m.clone());
        }
        if let Some(a) = &self.authed
            && let Some(d) = detail.as_object_mut()
        {
            d.insert("code".into(), json!(a.operator.code));
        }
        tracing::info!("ssh: refused {reason} from {}", self.peer);
        tokio::spawn(async move {
            if let Err(e) = store::record(&pool, op, "ssh.refused", detail).await {
                tracing::warn!("ssh.refused not audited: {e}");
            }
        });
    }

    /// A successful attempt no longer counts against the address.
    fn forgive(&self) {
        self.srv
            .attempts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .forgive(self.peer.ip());
    }

    /// Counts one attempt; `None` when this address has made too many this minute.
    fn attempt(&self) -> Option<Duration> {
        let mut c = self.srv.attempts.lock().unwrap_or_else(|e| e.into_inner());
        match c.attempt(self.peer.ip(), Instant::now()) {
            Attempt::Allowed { delay_on_failure } => Some(delay_on_failure),
            Attempt::Refused => None,
        }
    }
}

/// A failed attempt: every method may be tried again (russh would otherwise drop the password
/// method after one wrong password, and the lockout would never be reached by ssh's prompts).
fn again() -> Auth {
    Auth::Reject {
        proceed_with_methods: Some(russh::MethodSet::from(
            &[russh::MethodKind::PublicKey, russh::MethodKind::Password][..],
        )),
        partial_success: false,
    }
}

/// One line to the client's standard error, the exit status, and the channel closed.
async fn finish(handle: &russh::server::Handle, ch: ChannelId, message: &str, status: u32) {
    if !message.is_empty() {
        let _ = handle
            .extended_data(ch, 1, format!("onewindow: {message}\r\n").into_bytes())
            .await;
    }
    let _ = handle.exit_status_request(ch, status).await;
    let _ = handle.eof(ch).await;
    let _ = handle.close(ch).await;
}

impl Handler for Conn {
    type Error = russh::Error;

    async fn auth_none(&mut self, _user: &str) -> Result<Auth, Self::Error> {
        Ok(Auth::reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        user: &str,
        offer: PublicKeyOffer<'_>,
    ) -> Result<Auth, Self::Error> {
        let fp = store::fingerprint(offer.public_key);
        Ok(
            match store::key_registered(&self.srv.pool, user, &fp).await {
                Ok(true) => Auth::Accept,
                Ok(false) => Auth::reject(),
                Err(e) => {
                    tracing::warn!("ssh: key check failed: {e}");
                    Auth::reject()
                }
            },
        )
    }

    async fn auth_publickey(
        &mut self,
        user: &str,
        key: VerifiedPublicKey<'_>,
    ) -> Result<Auth, Self::Error> {
        let fp = store::fingerprint(key.public_key);
        let Some(delay) = self.attempt() else {
            self.refuse("rate_limit", json!({ "method": "publickey" }));
            return Ok(again());
        };
        match store::sign_in_by_key(&self.srv.pool, user, &fp, &self.source()).await {
            Ok(KeySignIn::Ok(op)) => {
                tracing::info!("ssh: {} signed in by key {fp} from {}", op.code, self.peer);
                self.forgive();
                self.authed = Some(Authed {
                    operator: op,
                    method: "publickey",
                    fingerprint: Some(fp),
                    // A key is registered by an administrator for an account in use.
                    must_change: false,
                });
                Ok(Auth::Accept)
            }
            Ok(_) => {
                tokio::time::sleep(delay).await;
                Ok(again())
            }
            Err(e) => {
                tracing::warn!("ssh: key sign-in failed: {e}");
                Ok(again())
            }
        }
    }

    async fn auth_password(&mut self, user: &str, password: &str) -> Result<Auth, Self::Error> {
        let Some(delay) = self.attempt() else {
            self.refuse("rate_limit", json!({ "method": "password" }));
            return Ok(again());
        };
        // The TUI's own sign-in: argon2, the server's lockout, login.* audit rows.
        let outcome = operators::login(&self.srv.pool, user, password, Purpose::Login).await;
        let must_change = matches!(outcome, Ok(LoginOutcome::MustChange(_)));
        match outcome {
            Ok(LoginOutcome::Ok(op) | LoginOutcome::MustChange(op)) => {
                let detail = json!({ "method": "password", "source": self.source() });
                if let Err(e) =
                    store::record(&self.srv.pool, Some(op.operator_id), "ssh.login", detail).await
                {
                    tracing::warn!("ssh.login not audited: {e}");
                    return Ok(again());
                }
                tracing::info!("ssh: {} signed in by password from {}", op.code, self.peer);
                self.forgive();
                self.authed = Some(Authed {
                    operator: op,
                    method: "password",
                    fingerprint: None,
                    must_change,
                });
                Ok(Auth::Accept)
            }
            Ok(_) => {
                tokio::time::sleep(delay).await;
                Ok(again())
            }
            Err(e) => {
                tracing::warn!("ssh: password sign-in failed: {e}");
                Ok(again())
            }
        }
    }

    async fn auth_succeeded(&mut self, session: &mut Session) -> Result<(), Self::Error> {
        *self.signed_in.lock().unwrap_or_else(|e| e.into_inner()) = self.authed.clone();
        // `ssh -N`: authenticated, and never a session. Closed, and audited.
        let handle = session.handle();
        let opened = self.opened_session.clone();
        let pool = self.srv.pool.clone();
        let op = self.authed.as_ref().map(|a| a.operator.operator_id);
        let source = self.source();
        tokio::spawn(async move {
            tokio::time::sleep(SESSION_WAIT).await;
            if !opened.load(Ordering::Relaxed) {
                let detail = json!({ "reason": "no_session", "source": source });
                let _ = store::record(&pool, op, "ssh.refused", detail).await;
                let _ = handle
                    .disconnect(
                        russh::Disconnect::ByApplication,
                        "onewindow gives a terminal session only; -N and forwarding are refused"
                            .into(),
                        "en".into(),
                    )
                    .await;
            }
        });
        Ok(())
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.opened_session.store(true, Ordering::Relaxed);
        self.chans.insert(channel.id(), Chan::default());
        reply.accept().await;
        Ok(())
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        host: &str,
        port: u32,
        _oa: &str,
        _op: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse("port_forwarding", json!({ "to": format!("{host}:{port}") }));
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn channel_open_direct_streamlocal(
        &mut self,
        _channel: Channel<Msg>,
        _path: &str,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse("socket_forwarding", json!({}));
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn channel_open_x11(
        &mut self,
        _channel: Channel<Msg>,
        _a: &str,
        _p: u32,
        reply: ChannelOpenHandle,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse("x11_forwarding", json!({}));
        reply
            .reject(ChannelOpenFailure::AdministrativelyProhibited)
            .await;
        Ok(())
    }

    async fn tcpip_forward(
        &mut self,
        address: &str,
        port: &mut u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refuse(
            "remote_forwarding",
            json!({ "from": format!("{address}:{port}") }),
        );
        Ok(false)
    }

    async fn streamlocal_forward(
        &mut self,
        _path: &str,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refuse("remote_forwarding", json!({}));
        Ok(false)
    }

    async fn agent_request(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.refuse("agent_forwarding", json!({}));
        Ok(false)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single: bool,
        _proto: &str,
        _cookie: &str,
        _screen: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.refuse("x11_forwarding", json!({}));
        session.channel_failure(channel)?;
        Ok(())
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let name = crate::domain::file_text::printable(name)
            .chars()
            .take(40)
            .collect::<String>();
        self.refuse("subsystem", json!({ "name": name }));
        session.channel_failure(channel)?;
        let handle = session.handle();
        tokio::spawn(async move {
            finish(
                &handle,
                channel,
                &format!("no subsystem ({name}) is served"),
                1,
            )
            .await;
        });
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        cols: u32,
        rows: u32,
        _pw: u32,
        _ph: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let Some(ch) = self.chans.get_mut(&channel) else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        let (cols, rows) = (clamp(cols), clamp(rows));
        ch.size.set(cols, rows);
        ch.pty = Some(PtyRequest {
            term: crate::domain::file_text::printable(term)
                .chars()
                .take(64)
                .collect(),
            cols,
            rows,
        });
        session.channel_success(channel)?;
        Ok(())
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.chans.get_mut(&channel) {
            Some(ch) if env_allowed(name) && value.len() <= 256 => {
                ch.env.push((name.to_string(), value.to_string()));
                session.channel_success(channel)?;
            }
            // Everything else from the client's environment is ignored (refused quietly: ssh
            // sends LC_* by default, which is no attack).
            _ => session.channel_failure(channel)?,
        }
        Ok(())
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let handle = session.handle();
        let (Some(authed), Some(ch)) = (self.authed.clone(), self.chans.get_mut(&channel)) else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        session.channel_success(channel)?;
        let Some(pty) = ch.pty.clone() else {
            self.refuse("shell_without_pty", json!({}));
            tokio::spawn(async move {
                finish(
                    &handle,
                    channel,
                    "onewindow needs a terminal: connect with ssh -t (or run one of: lookup TEXT, route show, calendar due, report efficiency)",
                    1,
                )
                .await;
            });
            return Ok(());
        };
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        ch.input = Some((tx, Input::new()));
        let start = SessionStart {
            authed,
            pty,
            env: std::mem::take(&mut ch.env),
            size: ch.size.clone(),
            source: self.peer.to_string(),
        };
        tokio::spawn(session::run(self.srv.clone(), handle, channel, start, rx));
        Ok(())
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let handle = session.handle();
        let Some(authed) = self.authed.clone() else {
            session.channel_failure(channel)?;
            return Ok(());
        };
        session.channel_success(channel)?;
        let line = String::from_utf8_lossy(&data[..data.len().min(MAX_EXEC_LEN + 1)]).into_owned();
        let parsed = if data.len() > MAX_EXEC_LEN {
            Err("the command line is too long".to_string())
        } else {
            parse_exec(&line).map_err(|e| e.to_string())
        };
        match parsed {
            Ok(exec) => {
                let pool = self.srv.pool.clone();
                tokio::spawn(async move {
                    let op = &authed.operator;
                    let (out, err, status) = match exec {
                        Exec::RouteShow(case_no) => {
                            super::exec::route_show(&pool, op, &case_no).await
                        }
                        Exec::CalendarDue { from, days } => {
                            super::exec::calendar_due(&pool, from, days).await
                        }
                        Exec::Efficiency { from, to } => {
                            super::exec::efficiency(&pool, op, from, to).await
                        }
                        Exec::Lookup(text) => {
                            let (out, status) = super::exec::lookup(&pool, op, &text).await;
                            (out, String::new(), status)
                        }
                    };
                    if !out.is_empty() {
                        let _ = handle.data(channel, out.into_bytes()).await;
                    }
                    finish(&handle, channel, &err, status).await;
                });
            }
            Err(message) => {
                let first = line.split_whitespace().next().unwrap_or("").to_string();
                self.refuse(
                    "exec",
                    json!({ "command": crate::domain::file_text::printable(&first)
                                .chars().take(40).collect::<String>() }),
                );
                tokio::spawn(async move {
                    finish(&handle, channel, &message, super::exec::EXIT_REFUSED).await;
                });
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        cols: u32,
        rows: u32,
        _pw: u32,
        _ph: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(ch) = self.chans.get_mut(&channel) {
            let (cols, rows) = (clamp(cols), clamp(rows));
            ch.size.set(cols, rows);
            if let Some((tx, _)) = &ch.input {
                let _ = tx.send(Ok(Event::Resize(cols, rows)));
            }
        }
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(Chan {
            input: Some((tx, input)),
            ..
        }) = self.chans.get_mut(&channel)
        {
            for ev in input.feed(data, Instant::now()) {
                let _ = tx.send(Ok(ev));
            }
        }
        Ok(())
    }

    async fn channel_eof(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        // The input ended: the session's loop sees its stream close and ends.
        if let Some(ch) = self.chans.get_mut(&channel) {
            ch.input = None;
        }
        Ok(())
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.chans.remove(&channel);
        Ok(())
    }
}

/// A terminal dimension as the client gave it, within what a screen can be.
fn clamp(v: u32) -> u16 {
    v.clamp(1, 1000) as u16
}
