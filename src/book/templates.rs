//! The minijinja templates that render numbers, tables and footnotes. The defaults in `templates/`
//! are compiled into the binary; `--templates DIR` (or `templates` in the book config) overrides
//! any of them by file name.

use minijinja::{Environment, UndefinedBehavior};
use std::path::Path;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));
}

/// The names every template set must provide.
pub const NAMES: [&str; 8] = [
    "number.j2",
    "figure.md.j2",
    "figure.tex.j2",
    "table.md.j2",
    "table.tex.j2",
    "footnote-marker.md.j2",
    "footnotes.md.j2",
    "footnote.tex.j2",
];

/// A loaded template set.
pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// The default templates, overridden by files of the same name in `dir` if given.
    pub fn load(dir: Option<&Path>) -> Result<Templates, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        for (name, text) in embedded::FILES {
            let text = match dir.map(|d| d.join(name)) {
                Some(p) if p.is_file() => std::fs::read_to_string(&p)
                    .map_err(|e| format!("{}: cannot read template: {e}", p.display()))?,
                _ => text.to_string(),
            };
            env.add_template_owned(name.to_string(), text)
                .map_err(|e| format!("template {name}: {e:#}"))?;
        }
        if let Some(d) = dir {
            if !d.is_dir() {
                return Err(format!("{}: templates folder not found", d.display()));
            }
        }
        for name in NAMES {
            if env.get_template(name).is_err() {
                return Err(format!("template {name} is missing"));
            }
        }
        Ok(Templates { env })
    }

    /// Renders a template with a serializable context.
    pub fn render<S: serde::Serialize>(&self, name: &str, ctx: S) -> Result<String, String> {
        let t = self
            .env
            .get_template(name)
            .map_err(|e| format!("template {name}: {e}"))?;
        t.render(minijinja::value::Serde(&ctx))
            .map_err(|e| format!("template {name}: {e:#}"))
    }
}
