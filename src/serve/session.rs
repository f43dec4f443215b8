//! One terminal session: its own `App` and task runner, driven by the same event loop as the
//! local TUI (`ui::event_loop::run`) with the channel's input as the event stream and the
//! channel as the backend. Notifications and the database state come from the server's shared
//! listener; the database work from the shared pool. The session starts signed in as the
//! operator who authenticated (the idle lock still asks for the password), and ends with
//! `ssh.logout` and the client's terminal given back as it was.

use std::io;
use std::sync::Arc;

use ratatui::Terminal;
use ratatui::crossterm::event::Event;
use russh::ChannelId;
use russh::server::Handle;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_stream::wrappers::UnboundedReceiverStream;

use crate::store::accounts::operators::{LoginOutcome, Purpose};
use crate::ui::action::Action;
use crate::ui::app::{App, AppConfig};
use crate::ui::tasks::TaskRunner;

use super::Server;
use super::backend::{ChannelWriter, ENTER, LEAVE, SharedSize, SshBackend};
use super::handler::Authed;

/// What the client asked for in its pty request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PtyRequest {
    pub term: String,
    pub cols: u16,
    pub rows: u16,
}

pub struct SessionStart {
    pub authed: Authed,
    pub pty: PtyRequest,
    /// Only NO_COLOR, LANG and COLORTERM (the handler took no other).
    pub env: Vec<(String, String)>,
    pub size: SharedSize,
    pub source: String,
}

/// The session's settings: the server's, with what the client may choose (language, NO_COLOR,
/// a terminal without colours).
fn app_config(srv: &Server, start: &SessionStart) -> AppConfig {
    let env = |k: &str| {
        start
            .env
            .iter()
            .rev()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
    };
    let lang = match env("LANG").filter(|v| !v.is_empty()) {
        Some(v) => crate::i18n::Lang::from_locale_env(|k| (k == "LANG").then(|| v.clone())),
        None => srv.base.lang,
    };
    let no_color = env("NO_COLOR").is_some_and(|v| !v.is_empty()) || start.pty.term == "dumb";
    let theme = if no_color {
        srv.base.mono.clone()
    } else {
        srv.base.theme.clone()
    };
    AppConfig {
        lang,
        theme,
        keymap: srv.base.keymap.clone(),
        idle_lock_minutes: srv.base.idle_lock_minutes,
        thresholds: srv.base.thresholds,
        demo_accounts: vec![],
        demo_password: None,
    }
}

pub async fn run(
    srv: Arc<Server>,
    handle: Handle,
    channel: ChannelId,
    start: SessionStart,
    input: UnboundedReceiver<io::Result<Event>>,
) {
    let op = start.authed.operator.clone();
    tracing::info!(
        "ssh: session of {} from {} ({}x{}, TERM={})",
        op.code,
        start.source,
        start.pty.cols,
        start.pty.rows,
        start.pty.term
    );
    // Output: the backend's flushes, in order, to the channel (awaiting the client's window).
    let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
    let out_handle = handle.clone();
    let writer = tokio::spawn(async move {
        while let Some(bytes) = out_rx.recv().await {
            if out_handle.data(channel, bytes).await.is_err() {
                break;
            }
        }
    });

    let cfg = app_config(&srv, &start);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = TaskRunner::new(srv.pool.clone(), tx.clone());
    let feed = srv.shared.subscribe(tx);
    let mut app = App::new(
        cfg,
        crate::domain::time::zone::at_center(&chrono::Utc::now()),
    );
    // An abandoned terminal: locked and idle this much longer, the session ends.
    app.idle_close_minutes = Some(srv.base.idle_close_minutes);
    // Signed in by the SSH authentication: the same state a password sign-in leaves.
    for task in app.update(Action::LoginDone {
        purpose: Purpose::Login,
        result: Ok(if start.authed.must_change {
            LoginOutcome::MustChange(op.clone())
        } else {
            LoginOutcome::Ok(op.clone())
        }),
    }) {
        runner.spawn(task);
    }

    let mut backend = SshBackend::new(ChannelWriter::new(out_tx), start.size.clone());
    let result = match backend.write_raw(ENTER) {
        Ok(()) => match Terminal::new(backend) {
            Ok(mut terminal) => {
                let r = crate::ui::event_loop::run(
                    &mut terminal,
                    UnboundedReceiverStream::new(input),
                    &mut app,
                    &mut runner,
                    &mut rx,
                    srv.stopping(),
                )
                .await;
                let _ = terminal.backend_mut().write_raw(LEAVE);
                r
            }
            Err(e) => Err(e.into()),
        },
        Err(e) => Err(e.into()),
    };
    feed.abort();
    drop(runner);
    // The output task ends once every sender (the backend's writer) is gone and it has sent all.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), writer).await;
    let _ = handle.exit_status_request(channel, 0).await;
    let _ = handle.eof(channel).await;
    let _ = handle.close(channel).await;

    // ssh.logout is the connection's (the accept loop writes it when the client is gone).
    if let Err(e) = &result {
        tracing::info!("ssh: session of {} ended: {e}", op.code);
    }
    tracing::info!("ssh: session of {} from {} ended", op.code, start.source);
}
