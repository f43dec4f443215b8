//! Table columns sized from their content: a column is as wide as its widest cell (within its
//! bounds), the flexible column takes what is left, and when the screen is too narrow the widest
//! columns give way first. A text cut to its column ends in "…", never mid-label without a sign.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// How a column may be sized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    /// As wide as its content (header included), between `min` and `max` cells.
    Fit { min: u16, max: u16 },
    /// Takes the room the others leave, at least `min` cells.
    Fill { min: u16 },
}

impl Col {
    fn min(self) -> u16 {
        match self {
            Col::Fit { min, .. } | Col::Fill { min } => min,
        }
    }
}

/// Widths for `cols` whose widest cells are `content` cells wide, in `room` cells (after the
/// table's borders, highlight symbol and column spacing are taken off).
pub fn widths(cols: &[Col], content: &[u16], room: u16) -> Vec<u16> {
    let mut w: Vec<u16> = cols
        .iter()
        .zip(content.iter().copied().chain(std::iter::repeat(0)))
        .map(|(c, n)| match *c {
            Col::Fit { min, max } => n.clamp(min, max.max(min)),
            Col::Fill { min } => n.max(min),
        })
        .collect();
    // Too wide: take one cell at a time from the widest column that is still above its minimum,
    // so no one column is cut to nothing while another keeps spare room.
    let mut total: u32 = w.iter().map(|&x| u32::from(x)).sum();
    while total > u32::from(room) {
        let Some(i) = (0..w.len())
            .filter(|&i| w[i] > cols[i].min())
            .max_by_key(|&i| (w[i] - cols[i].min(), matches!(cols[i], Col::Fill { .. })))
        else {
            break;
        };
        w[i] -= 1;
        total -= 1;
    }
    // Room to spare: the fill column takes it (the table would otherwise leave it blank).
    if total < u32::from(room)
        && let Some(i) = cols.iter().position(|c| matches!(c, Col::Fill { .. }))
    {
        w[i] += (u32::from(room) - total) as u16;
    }
    w
}

/// The display width of the widest of `texts` (CJK counts two cells).
pub fn widest<'a>(texts: impl IntoIterator<Item = &'a str>) -> u16 {
    texts
        .into_iter()
        .map(|s| s.width())
        .max()
        .unwrap_or(0)
        .min(usize::from(u16::MAX)) as u16
}

/// `s` cut to `w` cells, ending in "…" when cut.
pub fn ellipsize(s: &str, w: usize) -> String {
    if s.width() <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw + 1 > w {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_label_ends_in_an_ellipsis_and_fits() {
        let s = ellipsize("待牵头决定（有异议）", 9);
        assert_eq!(s, "待牵头决…");
        assert!(s.width() <= 9);
        assert_eq!(
            ellipsize("lead decision (disagreed)", 18),
            "lead decision (di…"
        );
        assert_eq!(ellipsize("short", 18), "short");
        assert_eq!(ellipsize("长", 1), "…");
    }

    #[test]
    fn columns_take_their_content_and_the_fill_takes_the_rest() {
        let cols = [
            Col::Fit { min: 4, max: 30 },
            Col::Fill { min: 8 },
            Col::Fit { min: 4, max: 30 },
        ];
        assert_eq!(widths(&cols, &[19, 12, 25], 80), vec![19, 36, 25]);
    }

    #[test]
    fn when_narrow_the_widest_column_gives_way_first() {
        let cols = [
            Col::Fit { min: 4, max: 30 },
            Col::Fill { min: 8 },
            Col::Fit { min: 4, max: 30 },
        ];
        let w = widths(&cols, &[19, 30, 25], 60);
        assert_eq!(w.iter().sum::<u16>(), 60);
        // The fill and the long label shrink toward each other; the case number stays whole.
        assert_eq!(w[0], 19);
        assert!(w[1] >= 8 && w[2] >= 4, "{w:?}");
    }

    #[test]
    fn never_below_the_minimums() {
        let cols = [Col::Fit { min: 5, max: 10 }, Col::Fill { min: 5 }];
        assert_eq!(widths(&cols, &[10, 50], 4), vec![5, 5]);
    }
}
