//! The keys every one-line text field shares. The text area's own shortcuts are Emacs-like, and
//! two of them surprise people who work in a shell all day: Ctrl-U *undid* the last edit (at the
//! window a clerk pressed it to clear a name and got half of an earlier entry back), and there was
//! no readline-style "clear to the start". Here Ctrl-U deletes to the start of the line, as in a
//! shell, and Ctrl-Z undoes (Ctrl-R still redoes); everything else is the text area's.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

/// Applies one key to a field; true when the text changed.
pub fn edit(t: &mut TextArea<'_>, ev: KeyEvent) -> bool {
    let ctrl =
        ev.modifiers.contains(KeyModifiers::CONTROL) && !ev.modifiers.contains(KeyModifiers::ALT);
    match ev.code {
        KeyCode::Char('u') if ctrl => t.delete_line_by_head(),
        KeyCode::Char('z') if ctrl => t.undo(),
        _ => t.input(ev),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(t: &mut TextArea<'_>, s: &str) {
        for c in s.chars() {
            edit(t, KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    #[test]
    fn ctrl_u_clears_to_the_start_and_ctrl_z_undoes_it() {
        let mut t = TextArea::default();
        typed(&mut t, "110105194912310021");
        edit(&mut t, ctrl('u'));
        assert_eq!(t.lines(), [""]);
        typed(&mut t, "张小三");
        assert_eq!(t.lines(), ["张小三"]);
        // Clearing from the middle keeps what is right of the cursor, as in a shell.
        edit(&mut t, KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
        edit(&mut t, ctrl('u'));
        assert_eq!(t.lines(), ["三"]);
        edit(&mut t, ctrl('z'));
        assert_eq!(t.lines(), ["张小三"]);
    }
}
