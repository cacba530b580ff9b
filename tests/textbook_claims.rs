//! Printed numbers of the ML Systems textbook as claims (`tests/data/textbook-claims.toml`, written
//! by `tests/data/textbook_claims.py` from each chapter's computation): the directive an author
//! would write must print exactly what the book prints. A claim that does not carries its reason,
//! and must indeed differ, so the list of exceptions stays true; at least 95% print exactly.

use mlsysim_book::book::build::evaluate_text;
use mlsysim_book::book::config::BookStyle;
use mlsysim_book::book::templates::Templates;
use mlsysim_book::syntax::SourceKind;

#[derive(serde::Deserialize)]
struct Claims {
    claim: Vec<Claim>,
}

#[derive(serde::Deserialize)]
struct Claim {
    file: String,
    name: String,
    directive: String,
    printed: String,
    reason: Option<String>,
}

#[test]
fn textbook_numbers_print_exactly() {
    let text = std::fs::read_to_string("tests/data/textbook-claims.toml").unwrap();
    let claims: Claims = toml::from_str(&text).unwrap();
    let reg = mlsysim_book::registry::load::embedded().unwrap();
    // The book groups thousands from 4 digits (mlsysim.fmt's commas=True); claims that print
    // without commas say group="false", as the book's commas=False.
    let tpl = Templates::load(None).unwrap().with_style(BookStyle {
        group_from: 4,
        ..BookStyle::default()
    });
    let (mut exact, mut problems) = (0, Vec::new());
    for c in &claims.claim {
        let out = evaluate_text(
            &reg,
            &tpl,
            "claim.md",
            "claim.md",
            &c.directive,
            SourceKind::Markdown,
        );
        let got = if out.diags.is_empty() {
            // Plain text, as a reader sees it: no Markdown escape of `$`.
            out.text.trim_end().replace("\\$", "$")
        } else {
            format!("error: {}", out.diags[0].message)
        };
        match (&c.reason, got == c.printed) {
            (None, true) => exact += 1,
            (None, false) => problems.push(format!(
                "{} ({}): prints {got:?}, the book prints {:?}",
                c.name, c.file, c.printed
            )),
            (Some(r), false) if got.starts_with("error: ") => problems.push(format!(
                "{} ({}): {got} (a claim with a reason must still print: {r})",
                c.name, c.file
            )),
            (Some(_), false) => {}
            (Some(r), true) => problems.push(format!(
                "{} ({}) now prints exactly; drop its reason ({r})",
                c.name, c.file
            )),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let n = claims.claim.len();
    let share = exact as f64 / n as f64;
    eprintln!(
        "textbook claims: {exact} of {n} print exactly ({:.1}%)",
        share * 100.0
    );
    assert!(share >= 0.95, "{exact} of {n}");
}
