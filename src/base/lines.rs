//! Byte offsets to 1-based line and column numbers: the one line index of the crate.
//!
//! Columns count characters, not bytes. Every lookup is a binary search over the line starts, so
//! locating N problems in a text costs O(N log L) after one O(len) pass, never a rescan.

/// Start offsets of the lines of a text, for repeated offset → line:column look-ups. The index
/// does not hold the text: pass the same text to every lookup.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `src`.
    pub fn new(src: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(src.as_bytes()));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of a byte offset of `src` (the indexed text).
    /// Offsets past the end map to the end; an offset inside a multi-byte character counts that
    /// character as started.
    pub fn line_col(&self, src: &str, offset: usize) -> (u32, u32) {
        let offset = offset.min(src.len());
        let line = self.starts.partition_point(|s| *s <= offset) - 1;
        let start = self.starts[line];
        let col = src.as_bytes()[start..offset]
            .iter()
            .filter(|b| (**b as i8) >= -0x40) // count UTF-8 leading bytes only
            .count();
        (line as u32 + 1, col as u32 + 1)
    }

    /// Byte range of the line of `src` containing `offset`, without its line break.
    pub fn line_range(&self, src: &str, offset: usize) -> std::ops::Range<usize> {
        let offset = offset.min(src.len());
        let line = self.starts.partition_point(|s| *s <= offset) - 1;
        let start = self.starts[line];
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

/// 1-based line and column (in characters) of a byte offset in `src`, for a single lookup.
pub fn line_col(src: &str, byte_offset: usize) -> (u32, u32) {
    LineIndex::new(src).line_col(src, byte_offset)
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
}
