//! The `<mlsysim …/>` tag grammar: finding tag candidates in raw text and reading their
//! double-quoted attributes with exact spans.

use std::ops::Range;

/// One `name="value"` attribute. Spans are byte ranges into the scanned source; `value_span` is
/// inside the quotes. Values are raw (no entity decoding).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    /// Attribute name (`value`, `unit`, `show-unit`).
    pub name: String,
    /// Attribute value, without the quotes.
    pub value: String,
    /// Span of the name.
    pub name_span: Range<usize>,
    /// Span of the value, inside the quotes.
    pub value_span: Range<usize>,
}

/// A tag candidate found in raw text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawTag {
    /// Offset of `<`.
    pub start: usize,
    /// One past the end of the tag (`/>`) if `complete`, else the end of the tag name.
    pub end: usize,
    /// Whether the source is backslash-escaped (`\<mlsysim`).
    pub escaped: bool,
    /// Whether the tag's extent is known (it may still carry a non-structural error).
    pub complete: bool,
    /// Attributes read so far.
    pub attrs: Vec<Attr>,
    /// The first problem, with its span.
    pub error: Option<(Range<usize>, String)>,
    /// For `<mlsysim …>…</mlsysim>`: the closing tag, reported with the opening one.
    pub swallowed_close: Option<Range<usize>>,
}

const NAME: &[u8] = b"mlsysim";

/// Whether `b[i..]` starts a tag name `<mlsysim` or `</mlsysim` (any case) followed by a
/// delimiter. Returns the offset after the name and whether it is a closing tag.
fn tag_name_at(b: &[u8], i: usize) -> Option<(usize, bool)> {
    if b.get(i) != Some(&b'<') {
        return None;
    }
    let (closing, name_at) = if b.get(i + 1) == Some(&b'/') {
        (true, i + 2)
    } else {
        (false, i + 1)
    };
    let end = name_at + NAME.len();
    if end > b.len() || !b[name_at..end].eq_ignore_ascii_case(NAME) {
        return None;
    }
    match b.get(end) {
        None => Some((end, closing)),
        Some(c) if c.is_ascii_whitespace() || *c == b'/' || *c == b'>' => Some((end, closing)),
        _ => None,
    }
}

/// Whether `c` separates like a space but is not ASCII whitespace (no-break, thin, zero-width
/// spaces, a BOM): after `<mlsysim` it would silently make the tag plain text.
fn odd_space(c: char) -> bool {
    (c.is_whitespace() && !c.is_ascii_whitespace())
        || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')
}

/// A near-directive at `p` (a `<`): `<mlsysim` followed by a space that is not an ASCII space,
/// or a name one typo away (`<mlsysm`, `<mlsyism`, `<mslysim`) followed by a tag delimiter. Returns
/// the end of the name and the message. Such text would otherwise ship raw without a word.
fn near_tag(src: &str, p: usize) -> Option<(usize, String)> {
    let b = src.as_bytes();
    let name_at = if b.get(p + 1) == Some(&b'/') {
        p + 2
    } else {
        p + 1
    };
    if !b.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut end = name_at;
    while end < b.len() && end - name_at <= 12 && b[end].is_ascii_alphabetic() {
        end += 1;
    }
    let name = &src[name_at..end];
    let next = src[end..].chars().next();
    if name.eq_ignore_ascii_case("mlsysim") {
        let c = next.filter(|c| odd_space(*c))?;
        return Some((
            end,
            format!(
                "`<mlsysim` is followed by U+{:04X}, not a plain space, so it is not read as a \
                 directive: write an ordinary space after `<mlsysim`",
                c as u32
            ),
        ));
    }
    let delimited =
        next.is_some_and(|c| c.is_ascii_whitespace() || c == '/' || c == '>' || odd_space(c));
    // One typo (a letter missing, added, changed or two swapped); a longer name that starts
    // with `mlsysim` is another tag (`<mlsysimx>`), and a shorter prefix (`<mlsys`) is a word.
    let lower = name.to_ascii_lowercase();
    let near = !lower.starts_with("mlsysim")
        && !"mlsysim".starts_with(&lower)
        && strsim::damerau_levenshtein(&lower, "mlsysim") == 1;
    (delimited && near).then(|| {
        (
            end,
            format!("`<{name}` looks like a misspelled directive: write `<mlsysim`"),
        )
    })
}

/// Finds every tag candidate in `src`, in order. Candidates inside a complete tag (in an attribute
/// value) are skipped.
pub(crate) fn find_tags(src: &str) -> Vec<RawTag> {
    let b = src.as_bytes();
    // Sized once from a fast count (near-tags and case variants are rare and may still grow it).
    let mut out: Vec<RawTag> = Vec::with_capacity(src.matches("<mlsysim").count());
    // Closing tags swallowed by the tags before them, skipped when met. They come in source
    // order, so only those not yet passed are kept (a queue, not a rescan per `<`).
    let mut swallowed: std::collections::VecDeque<Range<usize>> = Default::default();
    let mut i = 0;
    while let Some(off) = src[i..].find('<') {
        let p = i + off;
        i = p + 1;
        while swallowed.front().is_some_and(|r| r.end <= p) {
            swallowed.pop_front();
        }
        if swallowed.iter().any(|r| r.contains(&p)) {
            continue;
        }
        let backslashes = || b[..p].iter().rev().take_while(|c| **c == b'\\').count();
        let Some((name_end, closing)) = tag_name_at(b, p) else {
            if let Some((name_end, msg)) = near_tag(src, p) {
                if backslashes() % 2 == 0 {
                    out.push(err(p, name_end, Vec::new(), p..name_end, msg));
                }
            }
            continue;
        };
        let backslashes = backslashes();
        let mut tag = if closing {
            parse_close(b, p, name_end)
        } else {
            parse_open(src, p, name_end)
        };
        tag.escaped = backslashes % 2 == 1;
        if tag.error.is_none() && !b[p + 1 + usize::from(closing)..name_end].starts_with(NAME) {
            tag.error = Some((
                p..name_end,
                "write the tag name in lower case: `<mlsysim`".into(),
            ));
        }
        if tag.complete {
            i = tag.end;
        }
        swallowed.extend(tag.swallowed_close.clone());
        out.push(tag);
    }
    out
}

fn err(start: usize, end: usize, attrs: Vec<Attr>, span: Range<usize>, msg: String) -> RawTag {
    RawTag {
        start,
        end,
        escaped: false,
        complete: false,
        attrs,
        error: Some((span, msg)),
        swallowed_close: None,
    }
}

fn parse_close(b: &[u8], start: usize, name_end: usize) -> RawTag {
    let mut j = name_end;
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    let end = if b.get(j) == Some(&b'>') {
        j + 1
    } else {
        name_end
    };
    let msg = "stray closing tag `</mlsysim>`: directives are self-closing, write `<mlsysim …/>`";
    let mut t = err(start, end, Vec::new(), start..end, msg.into());
    t.complete = end > name_end;
    t
}

/// Skips whitespace from `i`; returns the new offset and whether a blank line was crossed.
fn skip_ws(b: &[u8], mut i: usize) -> (usize, bool) {
    let mut newlines = 0;
    let mut blank = false;
    while i < b.len() && b[i].is_ascii_whitespace() {
        if b[i] == b'\n' {
            newlines += 1;
            if newlines >= 2 {
                blank = true;
            }
        }
        i += 1;
    }
    (i, blank)
}

/// Whether `b[from..to]` contains a blank line (two line breaks with only whitespace between).
fn has_blank_line(b: &[u8], from: usize, to: usize) -> bool {
    let mut seen_nl = false;
    for c in &b[from..to] {
        match c {
            b'\n' if seen_nl => return true,
            b'\n' => seen_nl = true,
            c if c.is_ascii_whitespace() => {}
            _ => seen_nl = false,
        }
    }
    false
}

fn parse_open(src: &str, start: usize, name_end: usize) -> RawTag {
    let b = src.as_bytes();
    let unterminated = "unterminated `<mlsysim` tag: end it with `/>`";
    let mut attrs: Vec<Attr> = Vec::new();
    let mut first_err: Option<(Range<usize>, String)> = None;
    let mut i = name_end;
    loop {
        let (j, blank) = skip_ws(b, i);
        if blank || j >= b.len() {
            let why = if blank {
                " (a tag cannot contain a blank line)"
            } else {
                ""
            };
            return err(
                start,
                name_end,
                attrs,
                start..name_end,
                format!("{unterminated}{why}"),
            );
        }
        let had_space = j > i || i == name_end;
        i = j;
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'>') => {
                return RawTag {
                    start,
                    end: i + 2,
                    escaped: false,
                    complete: true,
                    attrs,
                    error: first_err,
                    swallowed_close: None,
                };
            }
            b'>' => {
                let msg = "`<mlsysim …>` must be self-closing: end it with `/>` (directives have no content or closing tag)";
                let mut t = err(start, name_end, attrs, start..i + 1, msg.into());
                t.swallowed_close = find_close(src, i + 1);
                if let Some(c) = &t.swallowed_close {
                    t.error = Some((start..c.end, msg.into()));
                }
                return t;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                if !had_space {
                    let msg = "expected a space before the next attribute";
                    return err(start, name_end, attrs, i..i + 1, msg.into());
                }
                let ns = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-' | b':' | b'.'))
                {
                    i += 1;
                }
                let name = &src[ns..i];
                let (j, _) = skip_ws(b, i);
                if b.get(j) != Some(&b'=') {
                    let msg = format!("attribute `{name}` has no value: write {name}=\"…\"");
                    return err(start, name_end, attrs, ns..i, msg);
                }
                let (j, _) = skip_ws(b, j + 1);
                match b.get(j) {
                    Some(b'"') => {}
                    Some(b'\'') => {
                        let msg =
                            format!("the value of `{name}` must be in double quotes: {name}=\"…\"");
                        return err(start, name_end, attrs, j..j + 1, msg);
                    }
                    _ => {
                        let mut k = j;
                        while k < b.len()
                            && !b[k].is_ascii_whitespace()
                            && !matches!(b[k], b'/' | b'>')
                        {
                            k += 1;
                        }
                        let k = k.max((j + 1).min(b.len()));
                        let msg =
                            format!("the value of `{name}` must be in double quotes: {name}=\"…\"");
                        return err(start, name_end, attrs, j..k, msg);
                    }
                }
                let vs = j + 1;
                let Some(close) = src[vs..].find('"').map(|k| vs + k) else {
                    let msg = format!("unterminated value of `{name}`: close it with `\"`");
                    return err(start, name_end, attrs, j..j + 1, msg);
                };
                if has_blank_line(b, vs, close) {
                    let msg = format!("unterminated value of `{name}`: close it with `\"` (a value cannot contain a blank line)");
                    return err(start, name_end, attrs, j..j + 1, msg);
                }
                if first_err.is_none() {
                    if let Some(prev) = attrs.iter().find(|a| a.name == name) {
                        let msg = format!(
                            "duplicate attribute `{name}` (already given as {name}=\"{}\")",
                            prev.value
                        );
                        first_err = Some((ns..i, msg));
                    }
                }
                attrs.push(Attr {
                    name: name.to_string(),
                    value: src[vs..close].to_string(),
                    name_span: ns..i,
                    value_span: vs..close,
                });
                i = close + 1;
            }
            _ => {
                let c = src[i..].chars().next().unwrap_or(' ');
                let msg =
                    format!("unexpected `{c}` in `<mlsysim` tag: expected name=\"value\" or `/>`");
                return err(start, name_end, attrs, i..i + c.len_utf8(), msg);
            }
        }
    }
}

/// After a `>` that should have been `/>`: the `</mlsysim>` that closes it, if it follows in the
/// same paragraph.
fn find_close(src: &str, from: usize) -> Option<Range<usize>> {
    let b = src.as_bytes();
    let mut i = from;
    while let Some(off) = src[i..].find('<') {
        let p = i + off;
        // Checked piecewise from the last `<` (not a blank-line character), so each byte once.
        if has_blank_line(b, i.max(from), p) {
            return None;
        }
        match tag_name_at(b, p) {
            Some((name_end, true)) => {
                let (j, _) = skip_ws(b, name_end);
                let end = if b.get(j) == Some(&b'>') {
                    j + 1
                } else {
                    name_end
                };
                return Some(p..end);
            }
            Some((_, false)) => return None,
            None => i = p + 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_directives_are_errors_not_text() {
        for (src, want) in [
            ("a <mlsysim\u{a0}value=\"x\"/> b", "U+00A0"),
            ("a <mlsysim\u{2009}value=\"x\"/>", "U+2009"),
            ("a <mlsysim\u{200b}value=\"x\"/>", "U+200B"),
            ("a <mlsysim\u{b}value=\"x\"/>", "U+000B"),
            ("a <mlsysim\u{85}value=\"x\"/>", "U+0085"),
            (
                "a <mlsysm value=\"x\"/> b",
                "`<mlsysm` looks like a misspelled",
            ),
            (
                "a <MLSYSM value=\"x\"/> b",
                "`<MLSYSM` looks like a misspelled",
            ),
            ("a <mlsyism/>", "misspelled"),
            ("a </mlsysm>", "misspelled"),
        ] {
            let t = find_tags(src);
            assert_eq!(t.len(), 1, "{src}: {t:?}");
            let (span, msg) = t[0].error.clone().expect("an error");
            assert!(msg.contains(want), "{src}: {msg}");
            assert_eq!(span.start, 2, "{src}");
        }
        // Other tags, words and escapes stay text.
        for src in [
            "<div>",
            "<span class=\"x\">",
            "<mlsysimx/>",
            "\\<mlsysm/>",
            "<m/>",
            "<system>",
        ] {
            assert!(find_tags(src).is_empty(), "{src}: {:?}", find_tags(src));
        }
    }

    fn one(src: &str) -> RawTag {
        let mut t = find_tags(src);
        assert_eq!(t.len(), 1, "{t:?}");
        t.remove(0)
    }

    #[test]
    fn simple_tag_with_spans() {
        let s = r#"x <mlsysim value="a.b" unit="TB/s"/> y"#;
        let t = one(s);
        assert_eq!(
            (t.start, t.end, t.complete, t.escaped),
            (2, 36, true, false)
        );
        assert_eq!(t.error, None);
        assert_eq!(t.attrs.len(), 2);
        assert_eq!(t.attrs[0].name, "value");
        assert_eq!(&s[t.attrs[0].name_span.clone()], "value");
        assert_eq!(&s[t.attrs[0].value_span.clone()], "a.b");
        assert_eq!(&s[t.attrs[1].value_span.clone()], "TB/s");
    }

    #[test]
    fn multi_line_and_spacing() {
        let s = "<mlsysim\n  value = \"x\"\n  unit=\"ms\"\n/>";
        let t = one(s);
        assert!(t.complete && t.error.is_none());
        assert_eq!(t.end, s.len());
        assert_eq!(t.attrs[1].value, "ms");
        let t = one("<mlsysim value=\"x\" />");
        assert!(t.complete && t.error.is_none());
        let t = one("<mlsysim/>");
        assert!(t.complete && t.attrs.is_empty());
    }

    #[test]
    fn not_our_tag() {
        assert!(find_tags("<mlsysimx a=\"1\"/> <div> <ml <mlsys").is_empty());
    }

    #[test]
    fn errors() {
        let cases: &[(&str, &str, Range<usize>)] = &[
            ("<mlsysim value=\"x\"", "unterminated `<mlsysim` tag", 0..8),
            (
                "<mlsysim value=\"x\"\n\n/>",
                "cannot contain a blank line",
                0..8,
            ),
            ("<mlsysim value=\"x\">", "must be self-closing", 0..19),
            ("<mlsysim value=x/>", "must be in double quotes", 15..16),
            ("<mlsysim value=xyz />", "must be in double quotes", 15..18),
            ("<mlsysim value='x'/>", "must be in double quotes", 15..16),
            ("<mlsysim value/>", "has no value", 9..14),
            ("<mlsysim value=\"x/>", "unterminated value", 15..16),
            (
                "<mlsysim a=\"1\" a=\"2\"/>",
                "duplicate attribute `a` (already given as a=\"1\")",
                15..16,
            ),
            ("<mlsysim a=\"1\"b=\"2\"/>", "expected a space", 14..15),
            ("<mlsysim a=\"1\" ?/>", "unexpected `?`", 15..16),
            ("<mlsysim a=\"1\" / >", "unexpected `/`", 15..16),
            ("</mlsysim>", "stray closing tag", 0..10),
            ("<MLSysim a=\"1\"/>", "lower case", 0..8),
        ];
        for (src, msg, span) in cases {
            let t = one(src);
            let (s, m) = t
                .error
                .clone()
                .unwrap_or_else(|| panic!("no error for {src}"));
            assert!(m.contains(msg), "{src}: {m}");
            assert_eq!(s, *span, "{src}: {m}");
        }
    }

    #[test]
    fn open_with_content_swallows_close() {
        let s = "<mlsysim a=\"1\">inner</mlsysim> after";
        let t = find_tags(s);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].error.as_ref().unwrap().0, 0..30);
        assert_eq!(t[0].swallowed_close, Some(20..30));
    }

    #[test]
    fn escapes_and_nested_candidates() {
        let t = find_tags(r#"\<mlsysim a="1"/> \\<mlsysim b="2"/>"#);
        assert_eq!(t.len(), 2);
        assert!(t[0].escaped && !t[1].escaped);
        // A tag-like text inside an attribute value is part of the value.
        let t = find_tags(r#"<mlsysim caption="see <mlsysim"/>"#);
        assert_eq!(t.len(), 1);
        assert!(t[0].error.is_none());
    }
}
