//! Attribute rules shared by the directive kinds: the kind attributes, the formatting attributes
//! every printing kind accepts, and the check that rejects any other attribute a kind does not
//! take (with the closest valid name as a hint).
//!
//! Rules: formatting attributes are the number formatter's (`unit`, `digits`, `sig`, `style`...)
//! plus `expect` and `cite`; neither they nor the kind attributes are ever passed to a solver.

use super::Problem;
use crate::base::text::closest;
use crate::present::format::FORMAT_ATTRS;
use crate::syntax::Directive;

/// The kind attributes, in the order a directive's kinds are named in errors.
pub(super) const KINDS: [&str; 5] = ["value", "solve", "table", "figure", "let"];

/// Formatting attributes that are not the number formatter's.
pub(super) const EXTRA_FORMAT: [&str; 3] = ["expect", "cite", "to"];

/// Whether `name` is a kind or formatting attribute (never a solver input).
pub(super) fn is_reserved(name: &str) -> bool {
    FORMAT_ATTRS.contains(&name) || EXTRA_FORMAT.contains(&name) || KINDS.contains(&name)
}

/// Rejects attributes outside `allowed` (plus formatting ones when `format` is set).
pub(super) fn check(d: &Directive, allowed: &[&str], format: bool) -> Result<(), Problem> {
    for a in &d.attrs {
        let ok = allowed.contains(&a.name.as_str())
            || (format
                && (FORMAT_ATTRS.contains(&a.name.as_str())
                    || EXTRA_FORMAT.contains(&a.name.as_str())));
        if !ok {
            let mut names: Vec<&str> = allowed.to_vec();
            if format {
                names.extend(FORMAT_ATTRS);
                names.extend(EXTRA_FORMAT);
            }
            let close = closest(&a.name, names.iter().copied());
            return Err(Problem {
                span: a.name_span.clone(),
                message: format!("unknown attribute `{}`", a.name),
                help: Some(if close.is_empty() {
                    format!("attributes here: {}", names.join(", "))
                } else {
                    format!(
                        "did you mean `{}`? attributes here: {}",
                        close[0],
                        names.join(", ")
                    )
                }),
            });
        }
    }
    Ok(())
}
