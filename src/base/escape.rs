//! Escaping by output target, in one place: every text that reaches an output (attribute values,
//! registry strings such as source titles and URLs, table headers and cells, captions) goes
//! through the function of the place it lands in. Each function's output, read back by its
//! target, is the input text (up to whitespace: line breaks become spaces, since a blank line
//! would end the paragraph, footnote or table it is in).

/// Replaces every run of whitespace that contains a line break with one space.
fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['\n', '\r']) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_ws = String::new();
    let mut broke = false;
    for c in s.chars() {
        if c.is_whitespace() {
            broke |= c == '\n' || c == '\r';
            pending_ws.push(c);
            continue;
        }
        if !pending_ws.is_empty() {
            if broke {
                out.push(' ');
            } else {
                out.push_str(&pending_ws);
            }
            pending_ws.clear();
            broke = false;
        }
        out.push(c);
    }
    if !pending_ws.is_empty() {
        out.push(' ');
    }
    out.into()
}

/// LaTeX text (a footnote, a caption, a table header, a unit or label in a printed value): the
/// ten specials are escaped, a micro sign becomes `\textmu{}` (pdfLaTeX has no glyph for it) and
/// line breaks become spaces.
pub fn latex_text(s: &str) -> String {
    let s = one_line(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\\' => out.push_str("\\textbackslash{}"),
            'μ' | 'µ' => out.push_str("\\textmu{}"),
            _ => out.push(c),
        }
    }
    out
}

/// Percent-encodes the bytes of `c` into `out`.
fn percent(out: &mut String, c: char) {
    let mut buf = [0u8; 4];
    for b in c.encode_utf8(&mut buf).bytes() {
        out.push_str(&format!("%{b:02X}"));
    }
}

/// A URL inside `\url{…}` in an argument (a footnote): braces, backslashes, spaces and control
/// characters are percent-encoded (they would end or break the argument), then `%` and `#` are
/// backslash-escaped as hyperref requires inside arguments.
pub fn latex_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '{' | '}' | '\\' | '^' | '~' | '`' | '"' => percent(&mut out, c),
            c if c.is_whitespace() || c.is_control() => percent(&mut out, c),
            _ => out.push(c),
        }
    }
    out.replace('%', "\\%").replace('#', "\\#")
}

/// Markdown text (a footnote definition, a caption): ASCII punctuation that Markdown, Pandoc or
/// mdBook could read as markup is backslash-escaped (CommonMark's escapes), and line breaks
/// become spaces.
pub fn md_text(s: &str) -> String {
    let s = one_line(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '$' | '~' | '&' | '@' | '^'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A URL inside a Markdown autolink `<…>`: spaces, control characters and `<`/`>` are
/// percent-encoded (an autolink cannot contain them).
pub fn md_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() || c == '<' || c == '>' {
            percent(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A pipe-table cell or header: `|` is escaped (it would split the cell), line breaks become
/// spaces (they would end the table).
pub fn md_cell(s: &str) -> String {
    let s = one_line(s);
    let mut out = String::with_capacity(s.len());
    let mut backslashes = 0;
    for c in s.chars() {
        if c == '|' && backslashes % 2 == 0 {
            out.push('\\');
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
        out.push(c);
    }
    out
}

/// Text inside Markdown brackets (an image's caption `![…]`); `<` too, which could open raw HTML
/// (a `<mlsysim` tag left in a caption would vanish).
pub fn md_bracket(s: &str) -> String {
    one_line(s)
        .replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "\\<")
}

/// A double-quoted Markdown/Pandoc attribute value (`fig-alt="…"`).
pub fn md_attr(s: &str) -> String {
    one_line(s).replace('\\', "\\\\").replace('"', "\\\"")
}

/// XML text and attribute values (SVG).
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples() {
        assert_eq!(
            latex_text("50% of $5 & a_b #1 {x}"),
            "50\\% of \\$5 \\& a\\_b \\#1 \\{x\\}"
        );
        assert_eq!(latex_text("a\n\nb"), "a b");
        assert_eq!(
            latex_url("https://x.org/a}b c%20#f"),
            "https://x.org/a\\%7Db\\%20c\\%20\\#f"
        );
        assert_eq!(md_cell("a|b"), "a\\|b");
        assert_eq!(md_cell("a\\|b"), "a\\|b");
        assert_eq!(md_text("*x* [y](z)\n\nw"), "\\*x\\* \\[y\\](z) w");
        assert_eq!(md_url("https://x.org/a b>"), "https://x.org/a%20b%3E");
        assert_eq!(latex_text("5 μs, 2 µm"), "5 \\textmu{}s, 2 \\textmu{}m");
        assert_eq!(md_bracket("a [b] \\c"), "a \\[b\\] \\\\c");
        assert_eq!(md_bracket("a <mlsysim"), "a \\<mlsysim");
        assert_eq!(md_attr("say \"hi\""), "say \\\"hi\\\"");
    }

    use proptest::prelude::*;

    /// Text with every character the targets treat specially, line breaks and non-ASCII.
    fn text() -> impl Strategy<Value = String> {
        "[a-z &%$#_{}~^\\\\|*\\[\\]<>`\"'@/:.\n\r\t μ€-]{0,40}"
    }

    /// `s` with every `\x` escape pair removed (what remains is read literally).
    fn unescaped(s: &str) -> String {
        let mut out = String::new();
        let mut it = s.chars();
        while let Some(c) = it.next() {
            if c == '\\' {
                it.next();
            } else {
                out.push(c);
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// LaTeX text: no special character is left unescaped, no line break, and the
        /// escapes are the only backslashes.
        #[test]
        fn latex_text_leaves_no_special_unescaped(s in text()) {
            let e = latex_text(&s);
            let bare = unescaped(&e.replace("\\textasciitilde{}", "").replace("\\textasciicircum{}", "").replace("\\textbackslash{}", "").replace("\\textmu{}", ""));
            prop_assert!(!bare.contains(['&', '%', '$', '#', '_', '{', '}', '~', '^', '\\', '\n', '\r']), "{e}");
        }

        /// A URL in `\url{…}` inside an argument: no brace, backslash (other than the `\%` and
        /// `\#` escapes) or whitespace; `%` and `#` always escaped.
        #[test]
        fn latex_url_cannot_break_its_argument(s in text()) {
            let e = latex_url(&s);
            prop_assert!(!e.contains(['{', '}', ' ', '\n', '\r', '\t']), "{e}");
            let bare = e.replace("\\%", "").replace("\\#", "");
            prop_assert!(!bare.contains(['%', '#', '\\']), "{e}");
        }

        /// Markdown text: one line, every markup character escaped.
        #[test]
        fn md_text_is_one_line_with_markup_escaped(s in text()) {
            let e = md_text(&s);
            let bare = unescaped(&e);
            prop_assert!(!bare.contains(['*', '_', '[', ']', '<', '>', '`', '|', '$', '\n', '\r', '\\']), "{e}");
        }

        /// A pipe-table cell: no unescaped `|`, no line break.
        #[test]
        fn md_cell_keeps_the_table_shape(s in text()) {
            let e = md_cell(&s);
            prop_assert!(!e.contains(['\n', '\r']));
            let mut backslashes = 0;
            for c in e.chars() {
                prop_assert!(c != '|' || backslashes % 2 == 1, "{e}");
                backslashes = if c == '\\' { backslashes + 1 } else { 0 };
            }
        }

        /// An autolink URL has no space, `<` or `>`.
        #[test]
        fn md_url_stays_one_autolink(s in text()) {
            prop_assert!(!md_url(&s).contains([' ', '<', '>', '\n', '\r', '\t']));
        }

        /// XML: no markup character is left raw; `&` only starts an entity.
        #[test]
        fn xml_leaves_no_markup(s in text()) {
            let e = xml(&s);
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let stripped = e.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").replace("&quot;", "").replace("&apos;", "");
            prop_assert!(!stripped.contains('&'));
        }
    }
}
