//! Tokens of the expression language, with byte spans.

use super::ParseError;
use std::ops::Range;

/// A token kind.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    /// A number literal as written (`7e9`, `1_000`, `0.95`).
    Num(String),
    /// A name or dotted path (`ridge`, `hardware.H100.tdp`, `TB`, `μs`).
    Ident(String),
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LParen,
    RParen,
    Comma,
    Percent,
}

/// A token and its span.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
}

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits `src` into tokens.
pub(super) fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let mut out = Vec::new();
    let mut it = src.char_indices().peekable();
    while let Some(&(i, c)) = it.peek() {
        if c.is_whitespace() {
            it.next();
            continue;
        }
        let single = match c {
            '+' => Some(Tok::Plus),
            '-' => Some(Tok::Minus),
            '*' => Some(Tok::Star),
            '/' => Some(Tok::Slash),
            '^' => Some(Tok::Caret),
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            ',' => Some(Tok::Comma),
            '%' => Some(Tok::Percent),
            _ => None,
        };
        if let Some(tok) = single {
            it.next();
            out.push(Token {
                tok,
                span: i..i + 1,
            });
            continue;
        }
        if c.is_ascii_digit()
            || (c == '.' && src[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        {
            let end = number_end(src, i);
            out.push(Token {
                tok: Tok::Num(src[i..end].to_string()),
                span: i..end,
            });
            while it.peek().is_some_and(|(j, _)| *j < end) {
                it.next();
            }
            continue;
        }
        if ident_start(c) {
            let mut end = i;
            loop {
                // One segment.
                let seg_end = src[end..]
                    .find(|ch: char| !ident_continue(ch))
                    .map_or(src.len(), |k| end + k);
                end = seg_end;
                // A dot continues the path if a segment follows directly.
                if src[end..].starts_with('.') && src[end + 1..].starts_with(ident_continue) {
                    end += 1;
                } else {
                    break;
                }
            }
            out.push(Token {
                tok: Tok::Ident(src[i..end].to_string()),
                span: i..end,
            });
            while it.peek().is_some_and(|(j, _)| *j < end) {
                it.next();
            }
            continue;
        }
        let msg = match c {
            '$' => {
                "`$` is not part of expressions: write dollars as `USD` (`25000 USD`)".to_string()
            }
            '"' | '\'' => "quotes are not part of expressions".to_string(),
            _ => format!("unexpected `{c}` in expression"),
        };
        return Err(ParseError {
            span: i..i + c.len_utf8(),
            message: msg,
        });
    }
    Ok(out)
}

/// End of the number literal starting at `i`: digits with `_`, a fraction, an exponent.
fn number_end(src: &str, i: usize) -> usize {
    let b = src.as_bytes();
    let digits = |mut j: usize| {
        while j < b.len()
            && (b[j].is_ascii_digit()
                || (b[j] == b'_' && j + 1 < b.len() && b[j + 1].is_ascii_digit()))
        {
            j += 1;
        }
        j
    };
    let mut j = digits(i);
    if j < b.len() && b[j] == b'.' && j + 1 < b.len() && b[j + 1].is_ascii_digit() {
        j = digits(j + 1);
    }
    if j < b.len() && (b[j] == b'e' || b[j] == b'E') {
        let k = if j + 1 < b.len() && (b[j + 1] == b'+' || b[j + 1] == b'-') {
            j + 2
        } else {
            j + 1
        };
        if k < b.len() && b[k].is_ascii_digit() {
            j = digits(k);
        }
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(Tok, Range<usize>)> {
        lex(s)
            .unwrap()
            .into_iter()
            .map(|t| (t.tok, t.span))
            .collect()
    }

    #[test]
    fn numbers_paths_and_operators() {
        use Tok::*;
        assert_eq!(
            toks("7e9 param*hardware.H100.tdp/(1_000.5E-3)^2"),
            vec![
                (Num("7e9".into()), 0..3),
                (Ident("param".into()), 4..9),
                (Star, 9..10),
                (Ident("hardware.H100.tdp".into()), 10..27),
                (Slash, 27..28),
                (LParen, 28..29),
                (Num("1_000.5E-3".into()), 29..39),
                (RParen, 39..40),
                (Caret, 40..41),
                (Num("2".into()), 41..42),
            ]
        );
        assert_eq!(toks(".5"), vec![(Num(".5".into()), 0..2)]);
        assert_eq!(
            toks("3EFLOP"),
            vec![(Num("3".into()), 0..1), (Ident("EFLOP".into()), 1..6)]
        );
        assert_eq!(
            toks("2e"),
            vec![(Num("2".into()), 0..1), (Ident("e".into()), 1..2)]
        );
        assert_eq!(
            toks("5 μs"),
            vec![(Num("5".into()), 0..1), (Ident("μs".into()), 2..5)]
        );
        assert_eq!(
            toks("95%, x"),
            vec![
                (Num("95".into()), 0..2),
                (Percent, 2..3),
                (Comma, 3..4),
                (Ident("x".into()), 5..6)
            ]
        );
    }

    #[test]
    fn bad_characters() {
        let e = lex("$25").unwrap_err();
        assert_eq!(e.span, 0..1);
        assert!(e.message.contains("USD"));
        assert_eq!(
            lex("a ? b").unwrap_err().message,
            "unexpected `?` in expression"
        );
        assert_eq!(lex("a.b. c").unwrap_err().span, 3..4);
    }
}
