//! Terminal input on a thread of its own, delivered as a stream.
//!
//! crossterm's reader spins on end-of-file when the terminal goes away (an SSH or tmux hang-up
//! without SIGHUP reaching us) and holds its internal lock while doing so; read on a tokio worker,
//! that would freeze the event loop. On a dedicated thread it cannot, and `hung_up` lets the
//! caller notice the lost terminal and leave.

use std::io;

use ratatui::crossterm::event::{self, Event};
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;

/// Starts the reader thread; the stream ends when reading fails.
pub fn spawn() -> UnboundedReceiverStream<io::Result<Event>> {
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            loop {
                let ev = event::read();
                let failed = ev.is_err();
                if tx.send(ev).is_err() || failed {
                    return;
                }
            }
        })
        .map_err(|e| tracing::error!("cannot start the input thread: {e}"))
        .ok();
    UnboundedReceiverStream::new(rx)
}

/// True when standard input's terminal has hung up (the other end is gone).
pub fn hung_up() -> bool {
    let mut fds = libc::pollfd {
        fd: libc::STDIN_FILENO,
        // No events asked: poll still reports hang-up, error and invalid descriptor.
        events: 0,
        revents: 0,
    };
    let n = unsafe { libc::poll(&mut fds, 1, 0) };
    n > 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}
