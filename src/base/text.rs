//! Text helpers shared by every layer: the one thousands separator and the one "did you mean".
//!
//! Grouping inserts `sep` every three digits from the right of an integer part; callers choose the
//! separator (`,` in text, `{,}` in LaTeX math) and when to group (the book's `group-from`).
//! Suggestions rank candidates by Levenshtein distance over characters ([`strsim`]), case-folded,
//! with a bonus for one name containing the other.

/// `digits` (ASCII digits of an integer part, no sign) with `sep` between groups of three.
pub fn group_digits(digits: &str, sep: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3 * sep.len());
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// `x` with `decimals` decimals and `,` between thousands (Python's `{:,.Nf}`); no `-` on a
/// number that rounds to zero.
pub fn grouped(x: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let mut out = String::with_capacity(s.len() + s.len() / 3 + 1);
    if x < 0.0 && s.bytes().any(|c| c.is_ascii_digit() && c != b'0') {
        out.push('-');
    }
    out.push_str(&group_digits(int, ","));
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Up to three names closest to `word` (case-insensitive edit distance), best first.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let w = word.to_ascii_lowercase();
    let limit = (w.len() / 2).max(2);
    let w_chars = w.chars().count();
    let mut lower = String::new();
    let mut scored: Vec<(usize, &str)> = candidates
        .filter_map(|c| {
            lower.clear();
            lower.extend(c.chars().map(|ch| ch.to_ascii_lowercase()));
            let cl = lower.as_str();
            let contains = cl.contains(w.as_str()) || w.contains(cl);
            // The edit distance is at least the difference in length: a candidate that far off
            // and not containing the word (or contained in it) cannot pass the limit.
            if !contains && cl.chars().count().abs_diff(w_chars) > limit {
                return None;
            }
            let mut d = strsim::levenshtein(&w, cl);
            if contains {
                d = d.min(1 + cl.len().abs_diff(w.len()) / 4);
            }
            (d <= limit).then_some((d, c))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_string())
        .collect()
}

/// `; did you mean `a`, `b`?` for a list of close names, or nothing.
pub fn did_you_mean(names: &[String]) -> String {
    if names.is_empty() {
        return String::new();
    }
    let quoted: Vec<String> = names.iter().map(|s| format!("`{s}`")).collect();
    format!("; did you mean {}?", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_of_three() {
        assert_eq!(group_digits("1234567", ","), "1,234,567");
        assert_eq!(group_digits("123", ","), "123");
        assert_eq!(group_digits("1234", "{,}"), "1{,}234");
        assert_eq!(grouped(-1234.567, 2), "-1,234.57");
        assert_eq!(grouped(-0.001, 0), "0");
        assert_eq!(grouped(999_999.6, 0), "1,000,000");
    }

    #[test]
    fn suggestions() {
        let keys = ["H100", "H200", "A100", "B200"];
        assert_eq!(closest("h10", keys.into_iter()), ["H100", "A100", "H200"]);
        assert!(closest("zzzzzzzz", keys.into_iter()).is_empty());
        assert_eq!(did_you_mean(&["a".into()]), "; did you mean `a`?");
        assert_eq!(did_you_mean(&[]), "");
    }
}
