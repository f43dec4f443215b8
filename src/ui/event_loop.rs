//! The event loop: terminal events, a one-second tick, and task results, all as Actions.
//! It draws only when the state changed, after draining everything already queued, so a burst of
//! keys or results costs one frame.

use std::io;
use std::time::Duration;

use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::Event;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::tasks::TaskRunner;

/// Lets a backend wrap a frame in synchronized-update codes (no tearing over slow links).
pub trait FrameSync {
    fn begin_frame(&mut self) {}
    fn end_frame(&mut self) {}
}

impl<W: io::Write> FrameSync for ratatui::backend::CrosstermBackend<W> {
    fn begin_frame(&mut self) {
        let _ =
            ratatui::crossterm::queue!(self, ratatui::crossterm::terminal::BeginSynchronizedUpdate);
    }
    fn end_frame(&mut self) {
        let _ =
            ratatui::crossterm::execute!(self, ratatui::crossterm::terminal::EndSynchronizedUpdate);
    }
}

impl FrameSync for ratatui::backend::TestBackend {}

fn event_to_action(ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) => Some(Action::Key(k)),
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Resize(..) => Some(Action::Resize),
        _ => None,
    }
}

/// Runs until the app wants to quit, the input ends, or `terminate` resolves (SIGTERM/SIGHUP).
pub async fn run<B, S>(
    terminal: &mut Terminal<B>,
    mut events: S,
    app: &mut App,
    runner: &mut TaskRunner,
    results: &mut UnboundedReceiver<Action>,
    terminate: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()>
where
    B: Backend + FrameSync,
    B::Error: Send + Sync + 'static,
    S: Stream<Item = io::Result<Event>> + Unpin,
{
    let started = std::time::Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    tokio::pin!(terminate);
    let mut busy = None;
    loop {
        if app.take_dirty() {
            terminal.backend_mut().begin_frame();
            terminal.draw(|f| crate::ui::draw::draw(f, app))?;
            terminal.backend_mut().end_frame();
        }
        if app.should_quit {
            return Ok(());
        }
        let action = tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => event_to_action(ev),
                // Input closed (the terminal went away): leave.
                Some(Err(_)) | None => Some(Action::Terminate),
            },
            Some(a) = results.recv() => Some(a),
            _ = tick.tick() => Some(Action::Tick {
                wall: crate::domain::time::zone::at_center(&chrono::Utc::now()),
                mono: started.elapsed(),
            }),
            _ = &mut terminate => Some(Action::Terminate),
        };
        let Some(action) = action else { continue };
        handle(app, runner, action);
        // "waiting for the database… N s" once a task has run a second; said when it changes.
        let now_busy = runner.busy_secs();
        if now_busy != busy {
            busy = now_busy;
            handle(app, runner, Action::Busy(busy));
        }
        // Drain whatever else is already waiting before drawing again.
        while let Ok(a) = results.try_recv() {
            handle(app, runner, a);
        }
        // A zero timeout polls the stream with this task's own waker (a dummy waker could lose
        // the wake-up of the next event).
        while let Ok(Some(Ok(ev))) = tokio::time::timeout(Duration::ZERO, events.next()).await {
            if let Some(a) = event_to_action(ev) {
                handle(app, runner, a);
            }
        }
    }
}

fn handle(app: &mut App, runner: &mut TaskRunner, action: Action) {
    for task in app.update(action) {
        runner.spawn(task);
    }
}
