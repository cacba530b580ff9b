//! Code spans of plain paragraphs, found without the Markdown parser's tree.
//!
//! pulldown-cmark builds tree nodes for every backtick run and every piece of text between them:
//! a 4 MB paragraph of short code spans made a 390 MB tree and took a third of a second. So
//! [`super::regions::markdown`] gives the parser a *masked* text and finds those code spans here,
//! by the rules below. A differential property test (in `regions`) holds the two routes equal.
//!
//! - **Masking.** On a line with no `|`, `<`, `[` or `]` and no run of three or more backticks,
//!   every backtick becomes `x` (same byte length). Such a line cannot open or close a fence (three
//!   backticks or more), cannot change a table's cells (no `|`), cannot turn into or out of an HTML
//!   tag, which a letter can complete (`<`), or change a link or footnote label (`[`, `]`); no
//!   other block starts or ends differently on a letter than on a backtick. So the masked text has
//!   the same blocks, at the same offsets, as the original.
//! - **Plain paragraphs.** A paragraph whose backticks were all masked and whose text has no `<`,
//!   `$`, `\`, `[`, `]` or `|` has no raw HTML, autolink, math, backslash escape or link
//!   destination: nothing that binds as tightly as a code span or consumes a backtick. Its code spans follow from
//!   CommonMark's rule alone: a run of n backticks opens a span that the next run of exactly n
//!   backticks closes; a run with no such closer is literal text.
//! - **Unmasking.** A masked backtick anywhere else in inline text (a heading, a table cell, a tight
//!   list item, any other paragraph) would be read wrongly, so those are put back and the parser
//!   runs again on that text ([`mask_within`]). Code blocks, HTML blocks and front matter are not
//!   parsed inline: a masked backtick there changes nothing.

use std::ops::Range;

/// The source with the backticks of maskable lines replaced by `x`.
pub(super) struct Masked {
    /// The masked text, byte for byte as long as the source.
    pub text: String,
    /// Offsets of the masked backticks, ascending.
    pub positions: Vec<usize>,
}

impl Masked {
    /// Whether the paragraph `t[r]` is plain (see the module doc): every backtick of it masked,
    /// and its code spans follow from the backtick rule alone.
    pub fn plain(&self, t: &str, r: &Range<usize>) -> bool {
        !self.text.as_bytes()[r.clone()].contains(&b'`')
            && !t.as_bytes()[r.clone()]
                .iter()
                .any(|c| matches!(c, b'<' | b'$' | b'\\' | b'[' | b']' | b'|'))
    }

    /// Whether every masked backtick lies in one of `covered` (sorted, not overlapping).
    pub fn all_within(&self, covered: &[Range<usize>]) -> bool {
        let mut k = 0;
        self.positions.iter().all(|&p| {
            while k < covered.len() && covered[k].end <= p {
                k += 1;
            }
            k < covered.len() && covered[k].start <= p
        })
    }
}

/// Masks the backticks of every maskable line; `None` when no backtick was masked.
pub(super) fn mask(t: &str) -> Option<Masked> {
    let mut bytes = t.as_bytes().to_vec();
    let mut positions = Vec::new();
    let mut start = 0;
    for line in t.split_inclusive('\n') {
        let b = line.as_bytes();
        if maskable(b) {
            for (k, _) in b.iter().enumerate().filter(|(_, c)| **c == b'`') {
                bytes[start + k] = b'x';
                positions.push(start + k);
            }
        }
        start += line.len();
    }
    if positions.is_empty() {
        return None;
    }
    // Only ASCII backticks were replaced by ASCII.
    let text = String::from_utf8(bytes).ok()?;
    Some(Masked { text, positions })
}

/// A line whose backticks may be masked: it has some, no `|`, `<`, `[` or `]`, and no run of three
/// or more.
fn maskable(line: &[u8]) -> bool {
    line.contains(&b'`')
        && !line.iter().any(|c| matches!(c, b'|' | b'<' | b'[' | b']'))
        && longest_run(line) < 3
}

/// The longest run of backticks in `s`.
fn longest_run(s: &[u8]) -> usize {
    let (mut best, mut run) = (0, 0);
    for &c in s {
        run = if c == b'`' { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// The source with backticks masked only inside `ranges` (sorted): what the parser reads when a
/// masked backtick fell outside every plain paragraph.
pub(super) fn mask_within(t: &str, ranges: &[Range<usize>]) -> String {
    let mut bytes = t.as_bytes().to_vec();
    for r in ranges {
        for b in &mut bytes[r.clone()] {
            if *b == b'`' {
                *b = b'x';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| t.to_string())
}

/// Appends the code spans of the plain paragraph `t[r]`, each from its opening run through its
/// closing run. Linear: each run's next run of the same length is found once, from the right.
pub(super) fn find(t: &str, r: &Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &t.as_bytes()[r.clone()];
    // (start, length) of every backtick run, in order.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut k = 0;
    while k < s.len() {
        if s[k] == b'`' {
            let len = s[k..].iter().take_while(|c| **c == b'`').count();
            runs.push((r.start + k, len));
            k += len;
        } else {
            k += 1;
        }
    }
    // next[i]: the index of the next run as long as run i; last[n]: the latest run of n seen
    // from the right.
    let mut next = vec![usize::MAX; runs.len()];
    let mut last: Vec<usize> = Vec::new();
    for i in (0..runs.len()).rev() {
        let len = runs[i].1;
        if last.len() <= len {
            last.resize(len + 1, usize::MAX);
        }
        next[i] = last[len];
        last[len] = i;
    }
    let mut i = 0;
    while i < runs.len() {
        match next[i] {
            usize::MAX => i += 1,
            j => {
                out.push(runs[i].0..runs[j].0 + runs[j].1);
                i = j + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(t: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(t, &(0..t.len()), &mut out);
        out.into_iter().map(|r| &t[r]).collect()
    }

    #[test]
    fn a_run_closes_only_at_a_run_of_its_own_length() {
        assert_eq!(spans("a `b` c"), vec!["`b`"]);
        assert_eq!(spans("``a`b`` `c"), vec!["``a`b``"]);
        assert_eq!(spans("`a ``b`` c"), vec!["``b``"]);
        assert_eq!(spans("`a\nb` ``"), vec!["`a\nb`"]);
        assert_eq!(spans("`` ` `` `x`"), vec!["`` ` ``", "`x`"]);
        assert_eq!(spans("```a`` ```"), vec!["```a`` ```"]);
    }

    #[test]
    fn masking_skips_lines_with_pipes_fences_tags_or_labels() {
        let m = mask("a `b`\n| `c` |\n```\n`` d ``\n").expect("masked");
        assert_eq!(m.text, "a xbx\n| `c` |\n```\nxx d xx\n");
        assert_eq!(m.positions, vec![2, 4, 18, 19, 23, 24]);
        assert!(m.all_within(&[0..6, 18..25]));
        assert!(!m.all_within(&[0..6, 30..31]));
        assert!(mask("no ticks | here\n```\n").is_none());
        // `<`x`>` would become the tag `<x>`, opening an HTML block.
        assert!(mask("<`> \n[^`]: n\n").is_none());
    }

    #[test]
    fn plain_paragraphs_have_nothing_that_binds_like_a_code_span() {
        let plain = |t: &str| mask(t).is_some_and(|m| m.plain(t, &(0..t.len())));
        assert!(plain("a `b` *c*"));
        for t in [
            "a `<b>`", "$x$ `y`", "\\`a`", "[a](`b`)", "a | `b`", "```a```", "`a`\n| b",
        ] {
            assert!(!plain(t), "{t}");
        }
        // The line holds a `[`, so its backticks are not masked: the paragraph after the label
        // is not plain.
        let t = "[^n]: ``a``\na`a";
        let m = mask(t).expect("masked");
        assert!(!m.plain(t, &(6..t.len())));
    }
}
