//! Printed text as a reader sees it: citation markers removed and LaTeX markup (`\,`, `{,}`,
//! `\mathrm{…}`, `\%`, `\times 10^{23}`) turned into plain characters; and the number a printed
//! text shows, for comparing two printings of one quantity.

use std::borrow::Cow;

/// The printed text without citation markers (`[^mlsysim-…]`, `\footnote{…}`) and with LaTeX
/// markup rendered as plain text: `295.2\,\mathrm{FLOP/byte}` → `295.2 FLOP/byte`.
pub fn plain(printed: &str) -> Cow<'_, str> {
    if !printed.contains(['\\', '{', '}']) && !printed.contains("[^mlsysim-") {
        return Cow::Borrowed(printed);
    }
    let no_markers = strip_markdown_markers(printed);
    if !no_markers.contains(['\\', '{', '}']) {
        return Cow::Owned(no_markers);
    }
    let chars: Vec<char> = no_markers.chars().collect();
    let mut out = String::with_capacity(no_markers.len());
    latex(&chars, &mut out);
    Cow::Owned(out)
}

/// Removes `[^mlsysim-…]` footnote markers.
fn strip_markdown_markers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("[^mlsysim-") {
        out.push_str(&rest[..i]);
        match rest[i..].find(']') {
            Some(j) => rest = &rest[i + j + 1..],
            None => {
                rest = &rest[i..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The balanced `{…}` group starting at `chars[i]` (which is `{`): its inner text and the index
/// after it.
fn group(chars: &[char], i: usize) -> (&[char], usize) {
    let mut depth = 0usize;
    let mut j = i;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 1,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return (&chars[i + 1..j], j + 1);
                }
            }
            _ => {}
        }
        j += 1;
    }
    (&chars[(i + 1).min(chars.len())..], chars.len())
}

/// Renders the LaTeX the number formatter produces as plain text.
fn latex(chars: &[char], out: &mut String) {
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && chars[end].is_ascii_alphabetic() {
                    end += 1;
                }
                if end == start {
                    // A control symbol: `\,` is a thin space, `\%` `\$` `\&` `\#` `\_` are the
                    // characters themselves.
                    match chars.get(start) {
                        Some(',') => out.push(' '),
                        Some(c) => out.push(*c),
                        None => {}
                    }
                    i = start + 1;
                    continue;
                }
                let name: String = chars[start..end].iter().collect();
                let has_arg = chars.get(end) == Some(&'{');
                let (arg, after) = if has_arg {
                    group(chars, end)
                } else {
                    (&chars[0..0], end)
                };
                match name.as_str() {
                    "footnote" => {}
                    "mathrm" | "text" | "textrm" | "mathit" | "emph" => latex(arg, out),
                    "textsuperscript" => {
                        out.push('^');
                        latex(arg, out);
                    }
                    "textminus" => out.push('\u{2212}'),
                    "texttimes" | "times" => out.push('×'),
                    "textmu" | "mu" => out.push('μ'),
                    "cdot" => out.push('·'),
                    _ => {
                        out.push('\\');
                        out.push_str(&name);
                        if has_arg {
                            out.push('{');
                            latex(arg, out);
                            out.push('}');
                        }
                    }
                }
                i = after;
            }
            '{' => {
                let (inner, after) = group(chars, i);
                latex(inner, out);
                i = after;
            }
            '}' => i += 1,
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// The number a plain printed text shows, normalized for comparison: grouping commas dropped, a
/// minus sign as `-`, a power of ten as `e…`. `3.35 TB/s` → `3.35`; `1,365.3` → `1365.3`;
/// `3.14 × 10²³ FLOP` → `3.14e23`; `−25,000` → `-25000`. None for text without digits.
pub fn number(plain: &str) -> Option<String> {
    let chars: Vec<char> = plain.chars().collect();
    let start = chars.iter().position(char::is_ascii_digit)?;
    let mut out = String::new();
    if start > 0 && matches!(chars[start - 1], '-' | '\u{2212}') {
        out.push('-');
    }
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            c if c.is_ascii_digit() || c == '.' => out.push(c),
            ',' if chars.get(i + 1).is_some_and(char::is_ascii_digit) => {}
            _ => break,
        }
        i += 1;
    }
    let rest: String = chars[i..].iter().collect();
    if let Some(exp) = rest.strip_prefix(" × 10") {
        let e: String = exp
            .chars()
            .skip_while(|c| *c == '^')
            .map_while(|c| match c {
                '⁻' | '\u{2212}' | '-' => Some('-'),
                '⁰' => Some('0'),
                '¹' => Some('1'),
                '²' => Some('2'),
                '³' => Some('3'),
                '⁴' => Some('4'),
                '⁵' => Some('5'),
                '⁶' => Some('6'),
                '⁷' => Some('7'),
                '⁸' => Some('8'),
                '⁹' => Some('9'),
                d if d.is_ascii_digit() => Some(d),
                _ => None,
            })
            .collect();
        if !e.is_empty() {
            out.push('e');
            out.push_str(&e);
        }
    }
    Some(out.trim_end_matches('.').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_becomes_plain() {
        assert_eq!(plain("295.2\\,\\mathrm{FLOP/byte}"), "295.2 FLOP/byte");
        assert_eq!(plain("1{,}365.3"), "1,365.3");
        assert_eq!(plain("25.5\\%"), "25.5%");
        assert_eq!(plain("\\$18{,}250{,}000"), "$18,250,000");
        assert_eq!(plain("540\\,\\mu\\mathrm{s}"), "540 μs");
        assert_eq!(
            plain("3.14 \\times 10^{23}\\,\\mathrm{FLOP}"),
            "3.14 × 10^23 FLOP"
        );
        assert_eq!(
            plain("\\textminus{}3 \\texttimes{} 10\\textsuperscript{\\textminus{}2} \\textmu{}s"),
            "\u{2212}3 × 10^\u{2212}2 μs"
        );
        assert_eq!(
            plain("989 TFLOP/s\\footnote{NVIDIA H100 (datasheet, \\url{https://x}; verified 2026-03-06)}"),
            "989 TFLOP/s"
        );
    }

    #[test]
    fn markers_are_removed() {
        assert_eq!(
            plain("640 pJ[^mlsysim-horowitz-2014][^mlsysim-other]"),
            "640 pJ"
        );
        assert_eq!(plain("3.35 TB/s"), "3.35 TB/s");
    }

    #[test]
    fn numbers_compare_across_targets() {
        assert_eq!(number("295.2 FLOP/byte").as_deref(), Some("295.2"));
        assert_eq!(
            number(&plain("295.2\\,\\mathrm{FLOP/byte}")),
            number("295.2")
        );
        assert_eq!(number("1,365.3").as_deref(), Some("1365.3"));
        assert_eq!(number("\u{2212}25,000").as_deref(), Some("-25000"));
        assert_eq!(number("-25,000").as_deref(), Some("-25000"));
        assert_eq!(number("3.14 × 10²³ FLOP").as_deref(), Some("3.14e23"));
        assert_eq!(number("3.14 × 10^23 FLOP").as_deref(), Some("3.14e23"));
        assert_eq!(number("1.2 × 10⁻³ s").as_deref(), Some("1.2e-3"));
        assert_eq!(number("×3.1").as_deref(), Some("3.1"));
        assert_eq!(number("Compute"), None);
    }
}
