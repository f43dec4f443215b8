//! Rows of a table screen and the selection in them.

use crate::ui::action::TaskError;

/// Rows of a table screen, loaded by a task.
#[derive(Debug, Clone)]
pub struct ListView<T> {
    pub rows: Option<Vec<T>>,
    pub loading: bool,
    pub error: Option<TaskError>,
    pub selected: usize,
}

impl<T> Default for ListView<T> {
    fn default() -> Self {
        ListView {
            rows: None,
            loading: false,
            error: None,
            selected: 0,
        }
    }
}

impl<T> ListView<T> {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn len(&self) -> usize {
        self.rows.as_ref().map_or(0, Vec::len)
    }
    pub fn move_by(&mut self, delta: isize) {
        let n = self.len();
        if n == 0 {
            self.selected = 0;
            return;
        }
        let next = (self.selected as isize + delta).clamp(0, n as isize - 1);
        self.selected = next as usize;
    }
    pub fn selected_row(&self) -> Option<&T> {
        self.rows.as_ref()?.get(self.selected)
    }
    pub fn loaded(&mut self, result: Result<Vec<T>, TaskError>) {
        self.loading = false;
        match result {
            Ok(rows) => {
                self.selected = self.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
            }
            // Keep the rows already shown: stale data beats an empty screen during an outage.
            Err(e) => self.error = Some(e),
        }
    }
}
