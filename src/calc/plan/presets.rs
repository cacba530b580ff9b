//! Named plan presets: the four personas of the mlsysim paper (CloudTitan, EdgeGuardian,
//! MobileNomad, TinyPioneer), kept as TOML data in `plans/` and built into the binary.
//!
//! `eval CloudTitan` and `optimize ... CloudTitan` use a preset; `eval plans/CloudTitan.toml` reads
//! the same file from disk.

use super::parse::parse;
use super::{PlanFormat, PlanSource};
use crate::base::diag::Diagnostic;

/// Preset name, file as shown in messages, and text.
pub const PRESETS: &[(&str, &str, &str)] = &[
    (
        "CloudTitan",
        "plans/CloudTitan.toml",
        include_str!("../../../plans/CloudTitan.toml"),
    ),
    (
        "EdgeGuardian",
        "plans/EdgeGuardian.toml",
        include_str!("../../../plans/EdgeGuardian.toml"),
    ),
    (
        "MobileNomad",
        "plans/MobileNomad.toml",
        include_str!("../../../plans/MobileNomad.toml"),
    ),
    (
        "TinyPioneer",
        "plans/TinyPioneer.toml",
        include_str!("../../../plans/TinyPioneer.toml"),
    ),
];

/// The preset names.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|(n, _, _)| *n).collect()
}

/// Parses a preset by name (`None` if there is no such preset).
pub fn get(name: &str) -> Option<Result<PlanSource, Diagnostic>> {
    PRESETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, file, text)| parse(file, text.to_string(), PlanFormat::Toml))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::plan::evaluate::evaluate;
    use crate::calc::plan::resolve::{prepare, resolve};

    #[test]
    fn every_preset_resolves_evaluates_and_meets_its_asserts() {
        let reg = crate::registry::load::embedded().unwrap();
        for name in names() {
            let src = get(name).unwrap().unwrap();
            let reg = prepare(&reg, &src).unwrap_or_else(|d| panic!("{d}"));
            let r = resolve(&reg, &src).unwrap_or_else(|d| panic!("{d}"));
            assert!(!r.asserts.is_empty(), "{name} has asserts");
            let card = evaluate(&reg, &r).unwrap();
            for (_, o) in card.check(&r) {
                assert!(o.pass, "{name}: {}", o.message);
            }
        }
    }
}
