//! Starts the TUI on the real terminal.

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::signal::unix::{SignalKind, signal};

use crate::cli::Failure;
use crate::config::Settings;
use crate::store::{Target, seed};
use crate::ui::app::{App, AppConfig};
use crate::ui::keymap::Keymap;
use crate::ui::tasks::{TaskRunner, spawn_health_monitor, spawn_listener, spawn_supervisor};
use crate::ui::terminal::TerminalGuard;
use crate::ui::theme::Theme;

/// `demo` passes its own target (the demo database) and shows the demo accounts on the login screen.
pub async fn run(settings: &Settings, demo: Option<Target>) -> Result<(), Failure> {
    // Everything that can fail with a message is checked before the terminal is taken.
    let keymap =
        Keymap::load_limited(settings.keymap.value.as_deref(), settings.max_file_mb.value)?;
    let theme = Theme::builtin(settings.effective_theme())?;
    let is_demo = demo.is_some();
    let target = match demo {
        Some(t) => t,
        None => Target::from_settings(settings)?,
    };
    let pool = crate::cli::open_database(&target, 5).await?;

    let (demo_accounts, demo_password) = if is_demo {
        (
            seed::DEMO_ACCOUNTS
                .iter()
                .map(|(code, _, _, role)| (code.to_string(), *role))
                .collect(),
            Some(seed::DEMO_PASSWORD.to_string()),
        )
    } else {
        (vec![], None)
    };
    let cfg = AppConfig {
        lang: settings.lang.value,
        theme,
        keymap,
        idle_lock_minutes: settings.idle_lock_minutes.value,
        thresholds: settings.thresholds(),
        demo_accounts,
        demo_password,
    };

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut runner = TaskRunner::new(pool.clone(), tx.clone());
    let monitor = spawn_health_monitor(pool.clone(), tx.clone());
    let listener = spawn_listener(pool.clone(), tx);
    let supervisor = spawn_supervisor(pool.clone(), settings.thresholds());

    // In raw mode Ctrl-C is a key, not SIGINT; a SIGINT or SIGQUIT sent by `kill` still ends
    // the program cleanly instead of leaving the terminal raw.
    let mut term_sig = signal(SignalKind::terminate())?;
    let mut hup_sig = signal(SignalKind::hangup())?;
    let mut int_sig = signal(SignalKind::interrupt())?;
    let mut quit_sig = signal(SignalKind::quit())?;
    let terminate = async move {
        let mut hangup_check = tokio::time::interval(std::time::Duration::from_millis(500));
        loop {
            tokio::select! {
                _ = term_sig.recv() => return,
                _ = hup_sig.recv() => return,
                _ = int_sig.recv() => return,
                _ = quit_sig.recv() => return,
                _ = hangup_check.tick() => if crate::ui::input::hung_up() {
                    tracing::info!("terminal hung up");
                    return;
                },
            }
        }
    };

    let guard = TerminalGuard::take()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let mut app = App::new(
        cfg,
        crate::domain::time::zone::at_center(&chrono::Utc::now()),
    );
    let result = crate::ui::event_loop::run(
        &mut terminal,
        crate::ui::input::spawn(),
        &mut app,
        &mut runner,
        &mut rx,
        terminate,
    )
    .await;
    monitor.abort();
    listener.abort();
    supervisor.abort();
    // The sign-out row first: after a hang-up the process may not outlive the terminal for long.
    if let Some(op) = &app.session {
        let recorded = tokio::time::timeout(
            std::time::Duration::from_secs(2),
            crate::store::accounts::operators::record_session(
                &pool,
                op.operator_id,
                "session.logout",
            ),
        )
        .await;
        if !matches!(recorded, Ok(Ok(()))) {
            tracing::warn!("sign-out of {} not audited: {recorded:?}", op.code);
        }
    }
    drop(terminal);
    drop(guard);
    tracing::info!("left the terminal: {:?}", result.as_ref().map(|_| ()));
    result.map_err(Failure::from)
}
