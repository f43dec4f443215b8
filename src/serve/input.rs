//! A session's input: the bytes of its SSH channel parsed into the terminal events the local TUI
//! reads (crossterm's own Unix parser, `crossterm::event::ByteParser` in vendor/crossterm), so
//! keys, Alt- and Ctrl- combinations and bracketed paste mean the same over SSH as on a local
//! terminal. Each SSH data message is parsed as one read: a lone ESC at the end of a message is
//! the Esc key. A sequence left half read for longer than a moment is dropped, so it cannot
//! swallow the keys after it (as the patched local reader does).

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{ByteParser, Event};

/// A half-read sequence older than this is dropped when the next bytes come…
const STALE: Duration = Duration::from_millis(300);
/// …a bracketed paste may take longer to arrive.
const STALE_PASTE: Duration = Duration::from_secs(3);

#[derive(Debug, Default)]
pub struct Input {
    parser: ByteParser,
    last: Option<Instant>,
}

impl Input {
    pub fn new() -> Input {
        Input::default()
    }

    /// The events in one data message that arrived at `now`.
    pub fn feed(&mut self, bytes: &[u8], now: Instant) -> Vec<Event> {
        if let Some(last) = self.last
            && self.parser.pending()
        {
            let limit = if self.parser.in_paste() {
                STALE_PASTE
            } else {
                STALE
            };
            if now.saturating_duration_since(last) > limit {
                self.parser.clear();
            }
        }
        let events = self.parser.feed(bytes, false);
        self.last = Some(now);
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn keys(bytes: &[u8]) -> Vec<Event> {
        Input::new().feed(bytes, Instant::now())
    }

    fn key(code: KeyCode, m: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, m))
    }

    #[test]
    fn plain_and_control_keys() {
        assert_eq!(
            keys(b"a\r\x03\x7f\t"),
            vec![
                key(KeyCode::Char('a'), KeyModifiers::NONE),
                key(KeyCode::Enter, KeyModifiers::NONE),
                key(KeyCode::Char('c'), KeyModifiers::CONTROL),
                key(KeyCode::Backspace, KeyModifiers::NONE),
                key(KeyCode::Tab, KeyModifiers::NONE),
            ]
        );
        assert_eq!(
            keys("张".as_bytes()),
            vec![key(KeyCode::Char('张'), KeyModifiers::NONE)]
        );
    }

    #[test]
    fn arrows_function_keys_and_alt() {
        assert_eq!(
            keys(b"\x1b[A\x1b[B\x1bOP\x1b[6~\x1bx"),
            vec![
                key(KeyCode::Up, KeyModifiers::NONE),
                key(KeyCode::Down, KeyModifiers::NONE),
                key(KeyCode::F(1), KeyModifiers::NONE),
                key(KeyCode::PageDown, KeyModifiers::NONE),
                key(KeyCode::Char('x'), KeyModifiers::ALT),
            ]
        );
    }

    #[test]
    fn a_lone_esc_at_the_end_of_a_message_is_the_esc_key() {
        assert_eq!(keys(b"\x1b"), vec![key(KeyCode::Esc, KeyModifiers::NONE)]);
    }

    #[test]
    fn bracketed_paste_across_messages() {
        let mut i = Input::new();
        let t = Instant::now();
        assert_eq!(i.feed(b"\x1b[200~hello ", t), vec![]);
        assert_eq!(
            i.feed("世界\x1b[201~q".as_bytes(), t + Duration::from_millis(50)),
            vec![
                Event::Paste("hello 世界".into()),
                key(KeyCode::Char('q'), KeyModifiers::NONE)
            ]
        );
    }

    #[test]
    fn a_stale_half_sequence_does_not_swallow_later_keys() {
        let mut i = Input::new();
        let t = Instant::now();
        assert_eq!(i.feed(b"\x1b[1;", t), vec![]);
        assert_eq!(
            i.feed(b"j", t + Duration::from_secs(1)),
            vec![key(KeyCode::Char('j'), KeyModifiers::NONE)]
        );
        // An unknown `CSI ?` reply is dropped, the key after it kept (the vendored fix).
        assert_eq!(
            keys(b"\x1b[?2026;2$yk"),
            vec![key(KeyCode::Char('k'), KeyModifiers::NONE)]
        );
    }
}
