//! Byte offsets to 1-based line and column numbers: the one line index of the crate.
//!
//! Columns count characters, not bytes, and a UTF-8 byte order mark at the start of the text is
//! not a column. Every lookup is a binary search over the line starts plus a count inside one
//! 256-byte block (character counts are kept per block), so locating N problems in a text costs
//! O(N log L) after one O(len) pass, never a rescan, however long a line is.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

/// Bytes per block of the character-count checkpoints.
const BLOCK: usize = 256;

/// Start offsets of the lines of a text, for repeated offset → line:column look-ups. The index
/// does not hold the text: pass the same text to every lookup.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters (UTF-8 leading bytes) before each block of `BLOCK` bytes; empty for ASCII text.
    chars_before: Vec<u32>,
    /// Whether the text starts with a byte order mark (U+FEFF, 3 bytes).
    bom: bool,
}

fn is_lead(b: u8) -> bool {
    (b as i8) >= -0x40
}

impl LineIndex {
    /// Indexes the line starts of `src`.
    pub fn new(src: &str) -> LineIndex {
        let bytes = src.as_bytes();
        let mut starts = vec![0];
        starts.extend(memchr_newlines(bytes));
        let chars_before = if src.is_ascii() {
            Vec::new()
        } else {
            let mut acc = 0u32;
            bytes
                .chunks(BLOCK)
                .map(|c| {
                    let before = acc;
                    acc += c.iter().filter(|b| is_lead(**b)).count() as u32;
                    before
                })
                .collect()
        };
        LineIndex {
            starts,
            chars_before,
            bom: src.starts_with('\u{feff}'),
        }
    }

    /// Characters of `src` before byte `offset`.
    fn chars_to(&self, src: &str, offset: usize) -> usize {
        if self.chars_before.is_empty() {
            return offset;
        }
        let block = offset / BLOCK;
        let base = self.chars_before.get(block).copied().unwrap_or(0) as usize;
        base + src.as_bytes()[block * BLOCK..offset]
            .iter()
            .filter(|b| is_lead(**b))
            .count()
    }

    /// 1-based line and column (in characters) of a byte offset of `src` (the indexed text).
    /// Offsets past the end map to the end; an offset inside a multi-byte character counts that
    /// character as started.
    pub fn line_col(&self, src: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(src.len());
        let line = self.starts.partition_point(|s| *s <= offset) - 1;
        let mut start = self.starts[line];
        if line == 0 && self.bom && offset >= 3 {
            start = 3;
        }
        let col = self.chars_to(src, offset) - self.chars_to(src, start);
        (line as u32 + 1, col as u32 + 1)
    }

    /// Byte range of the line of `src` containing `offset`, without its line break.
    pub fn line_range(&self, src: &str, offset: usize) -> std::ops::Range<usize> {
        let offset = offset.min(src.len());
        let line = self.starts.partition_point(|s| *s <= offset) - 1;
        let start = if line == 0 && self.bom && offset >= 3 {
            3
        } else {
            self.starts[line]
        };
        let end = self.starts.get(line + 1).map_or(src.len(), |n| n - 1);
        let end = if end > start && src.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
}

/// 1-based line and column (in characters) of a byte offset in `src`: through the index of the
/// enclosing [`scope`] of `src` if there is one, else through a new index (one lookup).
pub fn line_col(src: &str, byte_offset: usize) -> (u32, u32) {
    with_index(src, |idx| idx.line_col(src, byte_offset))
}

/// The index of a scope's text, built on first use.
type LazyIndex = Rc<OnceCell<LineIndex>>;

thread_local! {
    /// The indexes of the texts of the open scopes on this thread: (address, length, index).
    static SCOPES: RefCell<Vec<(usize, usize, LazyIndex)>> = const { RefCell::new(Vec::new()) };
}

/// While alive, every [`line_col`] / [`with_index`] on this thread about `src` (the same string,
/// not a copy) uses one index built here, so code that locates many problems one by one stays
/// linear. The scope borrows `src`, so the text cannot change or move while it is open.
pub struct Scope<'a> {
    _src: std::marker::PhantomData<&'a str>,
}

/// Opens a [`Scope`] for `src`; its index is built on the first lookup (a text without a
/// problem to locate never needs one).
pub fn scope(src: &str) -> Scope<'_> {
    let idx = Rc::new(OnceCell::new());
    SCOPES.with(|s| s.borrow_mut().push((src.as_ptr() as usize, src.len(), idx)));
    Scope {
        _src: std::marker::PhantomData,
    }
}

impl Drop for Scope<'_> {
    fn drop(&mut self) {
        SCOPES.with(|s| {
            s.borrow_mut().pop();
        });
    }
}

/// Runs `f` with the index of `src`: the open scope's, or a new one.
pub fn with_index<T>(src: &str, f: impl FnOnce(&LineIndex) -> T) -> T {
    let key = (src.as_ptr() as usize, src.len());
    let found = SCOPES.with(|s| {
        s.borrow()
            .iter()
            .rev()
            .find(|(p, l, _)| (*p, *l) == key)
            .map(|(_, _, i)| Rc::clone(i))
    });
    match found {
        Some(idx) => f(idx.get_or_init(|| LineIndex::new(src))),
        None => f(&LineIndex::new(src)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_char_columns() {
        let s = "ab\nμx y\n\nz";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 2), (1, 3));
        assert_eq!(line_col(s, 3), (2, 1));
        assert_eq!(line_col(s, 5), (2, 2)); // after the 2-byte μ
        assert_eq!(line_col(s, 7), (2, 4));
        assert_eq!(line_col(s, 9), (3, 1));
        assert_eq!(line_col(s, 10), (4, 1));
        assert_eq!(line_col(s, 99), (4, 2));
        let t = "a\r\nbc\n";
        let idx = LineIndex::new(t);
        assert_eq!(idx.line_range(t, 0), 0..1);
        assert_eq!(idx.line_range(t, 4), 3..5);
        assert_eq!(idx.line_range(t, 6), 6..6);
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let s = "\u{feff}ab\ncd";
        assert_eq!(line_col(s, 3), (1, 1));
        assert_eq!(line_col(s, 4), (1, 2));
        assert_eq!(line_col(s, 7), (2, 2));
    }

    #[test]
    fn columns_on_a_long_non_ascii_line_match_a_plain_count() {
        let s: String = (0..2000)
            .map(|i| if i % 7 == 0 { 'μ' } else { 'a' })
            .collect();
        let idx = LineIndex::new(&s);
        for (off, _) in s.char_indices().step_by(37) {
            let want = s[..off].chars().count() as u32 + 1;
            assert_eq!(idx.line_col(&s, off), (1, want));
        }
    }

    #[test]
    fn a_scope_serves_the_same_text_and_not_another() {
        let a = "x\ny\nz".to_string();
        let _s = scope(&a);
        assert_eq!(line_col(&a, 4), (3, 1));
        let b = "xy".to_string();
        assert_eq!(line_col(&b, 1), (1, 2));
    }
}
