//! A session's input: the bytes of its SSH channel parsed into the terminal events the local TUI
//! reads from crossterm, with crossterm's own key model (the same `KeyEvent`s for the same
//! bytes: Ctrl-letters, Alt- as an ESC prefix, shifted capitals, CSI and SS3 keys with their
//! modifiers, bracketed paste), so the keymap means the same over SSH as on a local terminal.
//! crossterm's parser is private to it, hence this one, for the sequences crossterm itself reads.
//! Each SSH data message is parsed as one read: a lone ESC at the end of a message is the Esc
//! key. A sequence left half read for longer than a moment is dropped, so it cannot swallow the
//! keys after it (as the patched local reader does); an unknown sequence is dropped whole.

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// A half-read sequence older than this is dropped when the next bytes come…
const STALE: Duration = Duration::from_millis(300);
/// …a bracketed paste may take longer to arrive.
const STALE_PASTE: Duration = Duration::from_secs(3);
/// A CSI sequence longer than this is no key: dropped.
const MAX_CSI: usize = 64;
/// The largest paste kept whole (a longer one is cut here).
const MAX_PASTE: usize = 1 << 20;

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

#[derive(Debug, Default)]
pub struct Input {
    buf: Vec<u8>,
    last: Option<Instant>,
}

enum Parsed {
    /// An event and the bytes it took.
    Event(Event, usize),
    /// Bytes that are no event (an unknown sequence, an invalid byte).
    Skip(usize),
    /// Not enough bytes yet.
    Incomplete,
}

impl Input {
    pub fn new() -> Input {
        Input::default()
    }

    /// The events in one data message that arrived at `now`.
    pub fn feed(&mut self, bytes: &[u8], now: Instant) -> Vec<Event> {
        if let Some(last) = self.last
            && !self.buf.is_empty()
        {
            let limit = if self.buf.starts_with(PASTE_START) {
                STALE_PASTE
            } else {
                STALE
            };
            if now.saturating_duration_since(last) > limit {
                self.buf.clear();
            }
        }
        self.last = Some(now);
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        let mut at = 0;
        while at < self.buf.len() {
            match parse(&self.buf[at..]) {
                Parsed::Event(e, n) => {
                    out.push(e);
                    at += n;
                }
                Parsed::Skip(n) => at += n,
                Parsed::Incomplete => {
                    // The end of a message: a lone ESC is the key, not a sequence's start.
                    if self.buf.len() - at == 1 && self.buf[at] == 0x1b {
                        out.push(key(KeyCode::Esc, KeyModifiers::NONE));
                        at += 1;
                    }
                    break;
                }
            }
        }
        self.buf.drain(..at);
        if self.buf.len() > MAX_PASTE + 16 {
            // A paste that never ends: what came is given as it is.
            let text = String::from_utf8_lossy(&self.buf[PASTE_START.len().min(self.buf.len())..])
                .into_owned();
            self.buf.clear();
            out.push(Event::Paste(text));
        }
        out
    }
}

fn key(code: KeyCode, m: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, m))
}

/// A character key as crossterm gives it: capitals carry SHIFT.
fn char_key(c: char, m: KeyModifiers) -> Event {
    let m = if c.is_uppercase() {
        m | KeyModifiers::SHIFT
    } else {
        m
    };
    key(KeyCode::Char(c), m)
}

fn parse(b: &[u8]) -> Parsed {
    match b[0] {
        0x1b => parse_esc(b),
        b'\r' | b'\n' => Parsed::Event(key(KeyCode::Enter, KeyModifiers::NONE), 1),
        b'\t' => Parsed::Event(key(KeyCode::Tab, KeyModifiers::NONE), 1),
        0x7f => Parsed::Event(key(KeyCode::Backspace, KeyModifiers::NONE), 1),
        c @ 0x01..=0x1a => Parsed::Event(
            key(
                KeyCode::Char((c - 0x1 + b'a') as char),
                KeyModifiers::CONTROL,
            ),
            1,
        ),
        c @ 0x1c..=0x1f => Parsed::Event(
            key(
                KeyCode::Char((c - 0x1c + b'4') as char),
                KeyModifiers::CONTROL,
            ),
            1,
        ),
        0x00 => Parsed::Event(key(KeyCode::Char(' '), KeyModifiers::CONTROL), 1),
        _ => match utf8(b) {
            Some(Ok((c, n))) => Parsed::Event(char_key(c, KeyModifiers::NONE), n),
            Some(Err(n)) => Parsed::Skip(n),
            None => Parsed::Incomplete,
        },
    }
}

/// One UTF-8 character: `Ok((char, len))`, `Err(len)` for bytes that are none, `None` when
/// the character is cut off.
fn utf8(b: &[u8]) -> Option<Result<(char, usize), usize>> {
    let len = match b[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Some(Err(1)),
    };
    if b.len() < len {
        // A continuation byte that is not one: invalid now, not incomplete.
        if b[1..].iter().any(|c| c & 0xc0 != 0x80) {
            return Some(Err(1));
        }
        return None;
    }
    match std::str::from_utf8(&b[..len]) {
        Ok(s) => s.chars().next().map(|c| Ok((c, len))),
        Err(_) => Some(Err(1)),
    }
}

fn parse_esc(b: &[u8]) -> Parsed {
    if b.len() == 1 {
        return Parsed::Incomplete;
    }
    match b[1] {
        b'[' => parse_csi(b),
        b'O' => {
            let Some(&c) = b.get(2) else {
                return Parsed::Incomplete;
            };
            match ss3_key(c) {
                Some(code) => Parsed::Event(key(code, KeyModifiers::NONE), 3),
                None => Parsed::Skip(3),
            }
        }
        0x1b => Parsed::Event(key(KeyCode::Esc, KeyModifiers::NONE), 2),
        _ => match parse(&b[1..]) {
            Parsed::Event(Event::Key(k), n) => {
                Parsed::Event(key(k.code, k.modifiers | KeyModifiers::ALT), n + 1)
            }
            Parsed::Event(_, n) | Parsed::Skip(n) => Parsed::Skip(n + 1),
            Parsed::Incomplete => Parsed::Incomplete,
        },
    }
}

fn ss3_key(c: u8) -> Option<KeyCode> {
    Some(match c {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(1 + c - b'P'),
        _ => return None,
    })
}

/// CSI: `ESC [`, parameter bytes 0x30–0x3F, intermediates 0x20–0x2F, one final 0x40–0x7E.
fn parse_csi(b: &[u8]) -> Parsed {
    if b.starts_with(PASTE_START) {
        return match find(&b[PASTE_START.len()..], PASTE_END) {
            Some(i) => {
                let text = &b[PASTE_START.len()..PASTE_START.len() + i];
                Parsed::Event(
                    Event::Paste(String::from_utf8_lossy(text).into_owned()),
                    PASTE_START.len() + i + PASTE_END.len(),
                )
            }
            None => Parsed::Incomplete,
        };
    }
    let mut i = 2;
    while i < b.len() {
        match b[i] {
            0x20..=0x3f => i += 1,
            0x40..=0x7e => return csi_key(&b[2..i], b[i], i + 1),
            // A control character or ESC breaks the sequence off; it is read as a key itself.
            _ => return Parsed::Skip(i),
        }
        if i > MAX_CSI {
            return Parsed::Skip(i);
        }
    }
    Parsed::Incomplete
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn csi_key(params: &[u8], fin: u8, len: usize) -> Parsed {
    // Private sequences (`?`, `<`, `>`, `=`: terminal replies, mouse reports) are no keys.
    if params
        .first()
        .is_some_and(|c| matches!(c, b'?' | b'<' | b'>' | b'='))
    {
        return Parsed::Skip(len);
    }
    let text = std::str::from_utf8(params).unwrap_or("");
    let mut nums = text
        .split(';')
        .map(|p| p.split(':').next().unwrap_or("").parse::<u16>().ok());
    let first = nums.next().flatten();
    let mods = nums
        .next()
        .flatten()
        .map(modifiers)
        .unwrap_or(KeyModifiers::NONE);
    let code = match fin {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(1 + fin - b'P'),
        b'Z' => return Parsed::Event(key(KeyCode::BackTab, KeyModifiers::SHIFT), len),
        b'~' => match first {
            Some(1 | 7) => KeyCode::Home,
            Some(2) => KeyCode::Insert,
            Some(3) => KeyCode::Delete,
            Some(4 | 8) => KeyCode::End,
            Some(5) => KeyCode::PageUp,
            Some(6) => KeyCode::PageDown,
            Some(n @ 11..=15) => KeyCode::F((n - 10) as u8),
            Some(n @ 17..=21) => KeyCode::F((n - 11) as u8),
            Some(n @ 23..=24) => KeyCode::F((n - 12) as u8),
            _ => return Parsed::Skip(len),
        },
        _ => return Parsed::Skip(len),
    };
    Parsed::Event(key(code, mods), len)
}

/// xterm's modifier parameter: 1 + (shift 1, alt 2, ctrl 4, meta 8).
fn modifiers(p: u16) -> KeyModifiers {
    let bits = p.saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    if bits & 8 != 0 {
        m |= KeyModifiers::META;
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(bytes: &[u8]) -> Vec<Event> {
        Input::new().feed(bytes, Instant::now())
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

    #[test]
    fn modified_keys_and_capitals_as_crossterm_gives_them() {
        assert_eq!(
            keys(b"\x1b[1;5A\x1b[3~\x1b[Z\x1b[15;2~G\x1bX"),
            vec![
                key(KeyCode::Up, KeyModifiers::CONTROL),
                key(KeyCode::Delete, KeyModifiers::NONE),
                key(KeyCode::BackTab, KeyModifiers::SHIFT),
                key(KeyCode::F(5), KeyModifiers::SHIFT),
                key(KeyCode::Char('G'), KeyModifiers::SHIFT),
                key(KeyCode::Char('X'), KeyModifiers::ALT | KeyModifiers::SHIFT),
            ]
        );
        assert_eq!(
            keys(b"\x1b\x1b\x00\x1c"),
            vec![
                key(KeyCode::Esc, KeyModifiers::NONE),
                key(KeyCode::Char(' '), KeyModifiers::CONTROL),
                key(KeyCode::Char('4'), KeyModifiers::CONTROL),
            ]
        );
    }

    #[test]
    fn a_character_cut_between_messages_is_joined_and_bad_bytes_dropped() {
        let mut i = Input::new();
        let t = Instant::now();
        let b = "张".as_bytes();
        assert_eq!(i.feed(&b[..1], t), vec![]);
        assert_eq!(
            i.feed(&b[1..], t),
            vec![key(KeyCode::Char('张'), KeyModifiers::NONE)]
        );
        assert_eq!(
            keys(b"\xff\xc3(a"),
            vec![
                key(KeyCode::Char('('), KeyModifiers::NONE),
                key(KeyCode::Char('a'), KeyModifiers::NONE)
            ]
        );
    }
}
