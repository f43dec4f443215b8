//! Taking and giving back the terminal: raw mode, alternate screen, bracketed paste, hidden cursor.
//! Restored by a Drop guard and by a panic hook, so every way out leaves a usable shell.

use std::io::{self, Write};

use ratatui::crossterm::{
    cursor,
    event::{DisableBracketedPaste, EnableBracketedPaste},
    execute,
    terminal::{self, EnterAlternateScreen, LeaveAlternateScreen},
};

/// Puts the terminal back as the shell expects it. Safe to call more than once.
pub fn restore() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        terminal::EndSynchronizedUpdate,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
    let _ = out.flush();
}

/// Holds the terminal for the TUI; dropping it restores the terminal.
pub struct TerminalGuard;

impl TerminalGuard {
    pub fn take() -> io::Result<TerminalGuard> {
        install_panic_hook();
        // The guard exists before the first change, so a failure half-way still restores.
        let guard = TerminalGuard;
        terminal::enable_raw_mode()?;
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableBracketedPaste,
            cursor::Hide
        )?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // The UI runs on the main thread (the runtime's block_on). A panic in a database task
        // on a worker thread is caught by tokio and reported as a failed task; restoring the
        // terminal then would leave the still-running UI drawing into a cooked terminal.
        if std::thread::current().name() == Some("main") {
            restore();
        }
        previous(info);
    }));
}
