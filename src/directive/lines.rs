//! Byte offsets to 1-based line and column numbers (columns count characters, not bytes).

/// Start offsets of the lines of a text, for repeated offset → line:column look-ups.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `src`.
    pub fn new(src: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { src, starts }
    }

    /// 1-based line and column (in characters) of a byte offset. Offsets past the end map to the
    /// end; an offset inside a multi-byte character counts that character as started.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.src.len());
        let line = self.starts.partition_point(|s| *s <= offset) - 1;
        let start = self.starts[line];
        let col = self.src.as_bytes()[start..offset]
            .iter()
            .filter(|b| (**b as i8) >= -0x40) // count UTF-8 leading bytes only
            .count();
        (line as u32 + 1, col as u32 + 1)
    }

    /// Byte range of the line containing `offset`, without its line break.
    pub fn line_range(&self, offset: usize) -> std::ops::Range<usize> {
        let offset = offset.min(self.src.len());
        let line = self.starts.partition_point(|s| *s <= offset) - 1;
        let start = self.starts[line];
        let end = self.starts.get(line + 1).map_or(self.src.len(), |n| n - 1);
        let end = if end > start && self.src.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }
}

/// 1-based line and column (in characters) of a byte offset in `src`.
pub fn line_col(src: &str, byte_offset: usize) -> (u32, u32) {
    LineIndex::new(src).line_col(byte_offset)
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
        let idx = LineIndex::new("a\r\nbc\n");
        assert_eq!(idx.line_range(0), 0..1);
        assert_eq!(idx.line_range(4), 3..5);
        assert_eq!(idx.line_range(6), 6..6);
    }
}
