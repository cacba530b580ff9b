//! `help [TOPIC]`: the author's guide in the terminal. A guide page (`directives`, `tables`,
//! `figures`, `citations`, `config`) is the page of `docs/` compiled into the binary and evaluated
//! with the built-in registry, so its examples print what they print in a book; `solvers` is the
//! solver reference generated from the solver catalog (the same text as `docs/solvers.md`, which a
//! test keeps identical); a command name prints that command's `--help`.

use crate::app::cli::Cli;
use crate::app::{exit, out};
use crate::book::build::evaluate_text;
use crate::book::templates::Templates;
use crate::calc::catalog::CATALOG;
use crate::calc::solvers::decl::Default as D;
use crate::syntax::SourceKind;
use clap::CommandFactory;

/// The guide's pages: topic, file name, text.
const PAGES: &[(&str, &str, &str)] = &[
    ("guide", "index.md", include_str!("../../../docs/index.md")),
    (
        "directives",
        "directives.md",
        include_str!("../../../docs/directives.md"),
    ),
    (
        "tables",
        "tables.md",
        include_str!("../../../docs/tables.md"),
    ),
    (
        "figures",
        "figures.md",
        include_str!("../../../docs/figures.md"),
    ),
    (
        "citations",
        "citations.md",
        include_str!("../../../docs/citations.md"),
    ),
    (
        "config",
        "config.md",
        include_str!("../../../docs/config.md"),
    ),
];

/// The solver reference in Markdown, from the catalog's declarations.
pub fn solvers_markdown() -> String {
    let mut s = String::from(
        "# Solvers\n\n\
         Generated from the solver catalog by `mlsysim-book help solvers`; do not edit by hand.\n\
         Every solver is reachable as `solve=\"NAME\"` in a directive, in sweep tables and as\n\
         `mlsysim-book eval NAME --input value ...`; input and output names are mlsysim 0.3.0's.\n\n\
         | solver | mlsysim | what |\n|---|---|---|\n",
    );
    for d in CATALOG.iter() {
        s.push_str(&format!("| `{}` | {} | {} |\n", d.name, d.class, d.doc));
    }
    for d in CATALOG.iter() {
        s.push_str(&format!(
            "\n## `{}`\n\nmlsysim `{}`: {}\n\n",
            d.name, d.class, d.doc
        ));
        if !d.inputs.is_empty() {
            s.push_str("| input | type | default | valid | meaning |\n|---|---|---|---|---|\n");
            for i in d.inputs {
                let default = match i.default {
                    D::Required => "required".to_string(),
                    D::Absent => "optional".to_string(),
                    D::Num(x) => format!("{x}"),
                    D::Text(t) => format!("`{t}`"),
                    D::Bool(b) => format!("{b}"),
                };
                s.push_str(&format!(
                    "| `{}` | {} | {default} | {} | {} |\n",
                    i.name,
                    i.kind.name(),
                    i.range.text(),
                    i.doc
                ));
            }
            s.push('\n');
        }
        if !d.outputs.is_empty() {
            s.push_str("| output | unit | meaning |\n|---|---|---|\n");
            for o in d.outputs {
                s.push_str(&format!("| `{}` | {} | {} |\n", o.name, o.unit, o.doc));
            }
            s.push('\n');
        }
    }
    s
}

/// Runs `help [TOPIC]`.
pub fn run(topic: Option<&str>) -> crate::app::Result {
    let Some(topic) = topic else {
        let topics: Vec<&str> = PAGES.iter().map(|(t, _, _)| *t).collect();
        out::print(&format!(
            "mlsysim-book help TOPIC: the author's guide (docs/ in the repository)\n\n\
             topics: {}, solvers\n\
             commands: mlsysim-book help COMMAND (or COMMAND --help)\n",
            topics.join(", ")
        ))?;
        return Ok(exit::code(exit::OK));
    };
    if topic == "solvers" {
        out::print(&solvers_markdown())?;
        return Ok(exit::code(exit::OK));
    }
    if let Some((_, file, text)) = PAGES.iter().find(|(t, _, _)| *t == topic) {
        let reg = match crate::registry::load::embedded() {
            Ok(r) => r,
            Err(d) => {
                crate::app::report::diagnostics(&d.0);
                return Ok(exit::code(exit::FAILURE));
            }
        };
        let templates = Templates::load(None).map_err(std::io::Error::other)?;
        let page = evaluate_text(&reg, &templates, file, file, text, SourceKind::Markdown);
        if !page.diags.is_empty() {
            crate::app::report::diagnostics(&page.diags);
            return Ok(exit::code(exit::FAILURE));
        }
        out::print(&page.text)?;
        return Ok(exit::code(exit::OK));
    }
    let mut cmd = Cli::command();
    if let Some(sub) = cmd.find_subcommand_mut(topic) {
        out::line(sub.render_long_help())?;
        return Ok(exit::code(exit::OK));
    }
    let mut names: Vec<&str> = PAGES.iter().map(|(t, _, _)| *t).collect();
    names.push("solvers");
    let commands: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    let all: Vec<&str> = names
        .iter()
        .copied()
        .chain(commands.iter().map(String::as_str))
        .collect();
    eprintln!(
        "error: no help topic `{topic}`; topics: {}, or a command{}",
        names.join(", "),
        crate::base::text::did_you_mean(&crate::base::text::closest(topic, all.iter().copied()))
    );
    Ok(exit::code(exit::USAGE))
}
