//! A session's screen: ratatui's crossterm backend writing into the SSH channel instead of
//! standard output. The size is the client's (pty request, window changes), never the server
//! process's terminal; each flush becomes one data message, and the loop's frames are wrapped in
//! synchronized-update codes as on a local terminal.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tokio::sync::mpsc::UnboundedSender;

use crate::ui::event_loop::FrameSync;

/// The client's terminal size, columns in the high half; shared by the handler (window changes)
/// and the backend.
#[derive(Debug, Clone, Default)]
pub struct SharedSize(Arc<AtomicU32>);

impl SharedSize {
    pub fn new(cols: u16, rows: u16) -> SharedSize {
        let s = SharedSize::default();
        s.set(cols, rows);
        s
    }
    pub fn set(&self, cols: u16, rows: u16) {
        self.0
            .store((u32::from(cols) << 16) | u32::from(rows), Ordering::Relaxed);
    }
    pub fn get(&self) -> Size {
        let v = self.0.load(Ordering::Relaxed);
        Size::new((v >> 16) as u16, (v & 0xffff) as u16)
    }
}

/// Collects what the backend writes; a flush hands it to the task that sends it on the channel.
pub struct ChannelWriter {
    out: UnboundedSender<Vec<u8>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    pub fn new(out: UnboundedSender<Vec<u8>>) -> ChannelWriter {
        ChannelWriter {
            out,
            buf: Vec::with_capacity(16 * 1024),
        }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(16 * 1024));
        self.out
            .send(chunk)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the SSH channel is closed"))
    }
}

pub struct SshBackend {
    inner: CrosstermBackend<ChannelWriter>,
    size: SharedSize,
}

impl SshBackend {
    pub fn new(writer: ChannelWriter, size: SharedSize) -> SshBackend {
        SshBackend {
            inner: CrosstermBackend::new(writer),
            size,
        }
    }

    /// Raw bytes (terminal modes at the start and end of a session).
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.inner.write_all(bytes)?;
        Write::flush(&mut self.inner)
    }
}

impl Backend for SshBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }
    /// Never asks the client (a cursor query's reply would be read as keys).
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(Position::ORIGIN)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> io::Result<Size> {
        Ok(self.size.get())
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size.get(),
            pixels: Size::default(),
        })
    }
    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

impl FrameSync for SshBackend {
    fn begin_frame(&mut self) {
        let _ = self.inner.write_all(BEGIN_SYNC);
    }
    fn end_frame(&mut self) {
        let _ = self.inner.write_all(END_SYNC);
        let _ = Write::flush(&mut self.inner);
    }
}

const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
const END_SYNC: &[u8] = b"\x1b[?2026l";

/// Taken at the start of a session: the alternate screen, bracketed paste, no cursor, cleared.
pub const ENTER: &[u8] = b"\x1b[?1049h\x1b[?2004h\x1b[?25l\x1b[2J\x1b[H";
/// Given back at its end: the main screen, bracketed paste off, the cursor shown, colours reset.
pub const LEAVE: &[u8] = b"\x1b[0m\x1b[?2004l\x1b[?25h\x1b[?1049l";

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;

    #[test]
    fn frames_go_to_the_channel_at_the_clients_size() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let size = SharedSize::new(80, 24);
        let mut t = Terminal::new(SshBackend::new(ChannelWriter::new(tx), size.clone())).unwrap();
        assert_eq!(t.size().unwrap(), Size::new(80, 24));
        t.backend_mut().begin_frame();
        t.draw(|f| f.render_widget("hello", f.area())).unwrap();
        t.backend_mut().end_frame();
        let mut out = Vec::new();
        while let Ok(b) = rx.try_recv() {
            out.extend(b);
        }
        let s = String::from_utf8_lossy(&out);
        assert!(s.starts_with("\x1b[?2026h"), "{s:?}");
        assert!(s.ends_with("\x1b[?2026l"), "{s:?}");
        assert!(s.contains("hello"));
        size.set(100, 30);
        t.draw(|f| assert_eq!(f.area().width, 100)).unwrap();
        assert_eq!(t.size().unwrap(), Size::new(100, 30));
    }
}
