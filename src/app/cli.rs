//! The command line's grammar (clap): global options, commands and their arguments, with the
//! help texts `--help` prints. Dispatch is in [`crate::app::run`].

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Keeps every number, table and figure of an ML-systems textbook true.
///
/// Numbers come from a vetted registry (every value with a unit and a source) and six analytical
/// solvers that match the Python package mlsysim 0.3.0. Exit status: 0 success, 1 errors in the
/// book, the registry or the inputs, 2 usage errors (and malformed plans), 3 a violated plan assert.
#[derive(Parser, Debug)]
#[command(
    name = "mlsysim-book",
    version,
    about,
    long_about = None,
    max_term_width = 100,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Registry folder to use instead of the one built into the binary.
    #[arg(long, global = true, value_name = "DIR")]
    pub registry: Option<PathBuf>,

    /// Output format (`markdown` is for `audit` only). Diagnostics follow it: rendered on stderr
    /// (`text`), one JSON object per line on stdout (`json`), GitHub Actions annotations on stdout
    /// (`github`: `::error file=...,line=...,col=...::message`).
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// Colours in diagnostics: `auto` (when stderr is a terminal and `NO_COLOR` is not set),
    /// `always`, `never`.
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,

    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The values of `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Human-readable text.
    Text,
    /// JSON on stdout, for machines.
    Json,
    /// Markdown (`audit` only): the book's "where the numbers come from" page.
    Markdown,
    /// GitHub Actions annotations for diagnostics; other output as text.
    Github,
}

/// The values of `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when stderr is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build the book: every `.md`, `.qmd` and `.tex` file of BOOK_DIR is written to the same path
    /// under the output folder with its directives replaced; other files are copied; the manifest
    /// `mlsysim-manifest.json` lists every printed value with its lineage. A build with any error
    /// writes nothing and lists every error as `file:line:column: error: ...`.
    Build {
        /// The book folder [default: the nearest folder, upwards from here, with an
        /// `mlsysim.toml`; else `book-snippets`].
        book: Option<PathBuf>,
        /// Output folder (replaced as a whole when the build succeeds).
        #[arg(long, default_value = "_build", value_name = "DIR")]
        out: PathBuf,
        /// Template folder overriding the built-in templates by file name.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Accept every printed value as it is now: rewrite BOOK_DIR/mlsysim.lock. Without it, a
        /// build fails when a printed value changed since the lock.
        #[arg(long)]
        update_lock: bool,
        /// Write the value cache read by the Quarto filter to PATH instead of a built copy
        /// (the Quarto pre-render step: `mlsysim-book build . --emit-cache _mlsysim/values.json`).
        #[arg(long, value_name = "PATH")]
        emit_cache: Option<PathBuf>,
        /// Build, then rebuild what changed whenever a source, template or registry file is
        /// saved; errors are shown and the last good output is kept. Stop with Ctrl-C.
        #[arg(long)]
        watch: bool,
        /// Fail (exit 1, writing nothing) when a directive's solver warns
        /// (`file:line:column: warning: ...`). Not with --watch.
        #[arg(long, conflicts_with = "watch")]
        deny_warnings: bool,
        /// Figure preset: `slides` draws every figure for projection (no text under 18 pt as a
        /// Beamer slide shows it); default: the book's `[figures] preset`, else `default`.
        #[arg(long, value_name = "PRESET", value_parser = ["default", "slides"])]
        preset: Option<String>,
    },
    /// Evaluate the book without writing anything: the CI gate. Fails on any directive error, on
    /// any directive left unexpanded, and on any printed value that changed since the book's
    /// `mlsysim.lock` (listing old and new text with locations).
    Check {
        /// The book folder [default: the nearest folder, upwards from here, with an
        /// `mlsysim.toml`; else `book-snippets`].
        book: Option<PathBuf>,
        /// Template folder overriding the built-in templates by file name.
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Fail (exit 1) when a directive's solver warns (`file:line:column: warning: ...`).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Draw every figure of a book (`figure=` directives in `.md`, `.qmd` and `.tex` files) into
    /// `DIR/figures/<id>.<ext>` without building the text: SVG for the web, PDF for slides, PNG
    /// for previews. Nothing is written if any figure has an error.
    Figures {
        /// The book folder [default: the nearest folder, upwards from here, with an
        /// `mlsysim.toml`; else `book-snippets`].
        book: Option<PathBuf>,
        /// Output folder; figures go to its `figures/` subfolder.
        #[arg(long, default_value = "_build", value_name = "DIR")]
        out: PathBuf,
        /// Figure formats, comma-separated: svg, pdf, png (`--format svg,pdf,png` works too).
        #[arg(
            long = "formats",
            value_name = "LIST",
            value_delimiter = ',',
            default_value = "svg",
            value_parser = parse_fig_format
        )]
        formats: Vec<crate::present::figure::convert::FigFormat>,
        /// Figure preset: `slides` draws charts for projection (larger text: 18 pt or more as a
        /// Beamer slide shows it); default: the book's `[figures] preset`, else `default`.
        #[arg(long, value_name = "PRESET", value_parser = ["default", "slides"])]
        preset: Option<String>,
    },
    /// Where every printed number comes from: its location, the printed text, its derivation and
    /// every source behind it (kind, title, URL, verified date), then a summary and findings.
    ///
    /// Findings: `error` (a datasheet, paper or report source without URL), `warning` (estimate or
    /// illustrative sources, sources verified more than --max-age-months ago, dead-looking URLs,
    /// one expression over the same registry values with different values, values whose solver
    /// warned), `info` (heuristic
    /// sources, values without a registry source, one value rounded differently in different
    /// places: 295 and 295.2). Exit status: 0; 1 with --strict when a finding is a warning or an error,
    /// or when the book has errors; 2 usage errors.
    Audit {
        /// The book folder [default: the nearest folder, upwards from here, with an
        /// `mlsysim.toml`; else `book-snippets`].
        book: Option<PathBuf>,
        /// Only the value(s) at FILE:LINE or FILE:LINE:COLUMN, in full detail.
        #[arg(long, value_name = "FILE:LINE", conflicts_with_all = ["source", "entry"])]
        value: Option<crate::audit::select::ValueLoc>,
        /// Only the values resting on this source: the impact of correcting it.
        #[arg(long, value_name = "ID", conflicts_with = "entry")]
        source: Option<String>,
        /// Only the values resting on a registry entry or field (`hardware.H100`,
        /// `hardware.H100.memory.bandwidth`).
        #[arg(long, value_name = "PATH")]
        entry: Option<String>,
        /// Exit 1 when any finding is a warning or an error (the full audit only).
        #[arg(long, conflicts_with_all = ["value", "source", "entry"])]
        strict: bool,
        /// Sources verified more than this many months ago are findings [default: 18, or
        /// `max_age_months` in mlsysim.toml].
        #[arg(long, value_name = "MONTHS")]
        max_age_months: Option<u32>,
        /// The date source ages are measured to [default: today].
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<crate::base::date::Date>,
        /// Template folder overriding the built-in templates by file name (`audit.md.j2`).
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
    },
    /// Show registry entries: a table per namespace, or one entry with every field and its source.
    ///
    /// Examples: `zoo hardware --sort compute.peak_flops`, `zoo hardware H100`, `zoo sources`.
    Zoo {
        /// Namespace: hardware, models, grids, datacenters, cooling, nodes, fabrics, fleets,
        /// scenarios, constants or sources. Without it, the namespaces and their sizes.
        namespace: Option<String>,
        /// One entry's key (`H100`).
        key: Option<String>,
        /// Sort by a field path (largest first), e.g. `compute.peak_flops`.
        #[arg(long, value_name = "FIELD")]
        sort: Option<String>,
        /// Sort smallest first.
        #[arg(long)]
        reverse: bool,
    },
    /// Run a solver from the terminal: `eval roofline --model ResNet50 --hardware A100 --batch-size 1`,
    /// or evaluate a plan: `eval plan.toml` (also .yaml/.yml, or a preset: CloudTitan, EdgeGuardian,
    /// MobileNomad, TinyPioneer). A plan prints the feasibility / performance / macro scorecard and
    /// exits 0 (asserts hold), 1 (evaluation error), 2 (malformed plan) or 3 (an assert is violated).
    ///
    /// Solvers: every name of the solver catalog (roofline, serving, distributed, economics,
    /// sustainability, reliability, scenario, the optimize-* searches and mlsysim's models such as
    /// iron-law or hierarchical-allreduce); `eval SOLVER --help` lists a solver's inputs and outputs.
    /// Inputs are given as `--name value` (mlsysim's input names; `-` and `_` are interchangeable);
    /// a value may be a registry path (`--kwh-price infrastructure.Pricing.Cloud.ElectricityPerKwh.rate`).
    /// `--explain` prints the lineage: formulas, registry values and their sources.
    #[command(disable_help_flag = true)]
    Eval {
        /// Solver name, or a plan file / preset name (`--help`: this text and every solver).
        #[arg(allow_hyphen_values = true)]
        solver: String,
        /// Print how the result was derived, with sources.
        #[arg(long)]
        explain: bool,
        /// Solver inputs as `--name value` pairs.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "--INPUT VALUE"
        )]
        inputs: Vec<String>,
    },
    /// Print the JSON Schema of plan files (for editors and agents).
    Schema,
    /// Print a shell completion script: `mlsysim-book completions bash > ~/.local/share/bash-completion/completions/mlsysim-book`
    /// (zsh: into a folder of `$fpath` as `_mlsysim-book`; fish: `~/.config/fish/completions/`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The author's guide in the terminal: `help directives` (kinds, expressions, formatting),
    /// `help tables`, `help figures`, `help citations`, `help config` (settings, lock, CI),
    /// `help solvers` (every solver's inputs, defaults and outputs), or `help COMMAND`.
    Help {
        /// A guide topic or a command.
        topic: Option<String>,
    },
    /// Start a new book in DIR: a chapter with live directives, `mlsysim.toml`, `_quarto.yml`,
    /// `book.toml` and `SUMMARY.md` for mdBook, and a CI workflow that runs `check`. Refuses to
    /// overwrite any file that exists.
    Init {
        /// The folder of the new book (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Search a plan's design space: parallelism, placement or batch size.
    Optimize {
        /// The search.
        #[command(subcommand)]
        search: crate::app::commands::optimize::OptimizeCommand,
    },
    /// mdBook preprocessor: reads `[context, book]` JSON on stdin and prints the book with every
    /// chapter's directives expanded. In book.toml: `[preprocessor.mlsysim]` with
    /// `command = "mlsysim-book mdbook"`.
    Mdbook {
        /// mdBook's renderer check.
        #[command(subcommand)]
        cmd: Option<MdbookCmd>,
    },
}

/// `mdbook` subcommands.
#[derive(Subcommand, Debug)]
pub enum MdbookCmd {
    /// Exit 0 if RENDERER is supported (every renderer is: they all read Markdown).
    Supports {
        /// The renderer's name (`html`, `markdown`, ...).
        renderer: String,
    },
}

fn parse_fig_format(s: &str) -> Result<crate::present::figure::convert::FigFormat, String> {
    crate::present::figure::convert::FigFormat::parse(s)
        .ok_or_else(|| format!("unknown figure format `{s}`; formats: svg, pdf, png"))
}

/// `figures --format svg,pdf`: the global `--format` takes `text`, `json` or `markdown`, so after the
/// `figures` subcommand a `--format` whose value lists figure formats is read as `--formats`.
pub fn route_figure_formats(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    // The subcommand is the first argument that is neither a global option nor its value.
    let mut sub = None;
    let mut i = 1;
    while i < args.len() {
        let a = args[i].to_string_lossy();
        if a == "--registry" || a == "--format" || a == "--color" {
            i += 2;
        } else if a.starts_with('-') {
            i += 1;
        } else {
            sub = Some(i);
            break;
        }
    }
    let Some(sub) = sub.filter(|&i| args[i] == "figures") else {
        return args;
    };
    // Anything but an output format is a list of figure formats, so that a typo (`gif`) is
    // answered with the figure formats, not with `text, json, markdown`.
    let is_list = |v: &str| !matches!(v, "text" | "json" | "markdown" | "github");
    let mut i = sub + 1;
    while i < args.len() {
        let a = args[i].to_string_lossy().to_string();
        if a == "--format"
            && args
                .get(i + 1)
                .is_some_and(|v| is_list(&v.to_string_lossy()))
        {
            args[i] = "--formats".into();
        } else if let Some(v) = a.strip_prefix("--format=") {
            if is_list(v) {
                args[i] = format!("--formats={v}").into();
            }
        }
        i += 1;
    }
    args
}

#[cfg(test)]
mod tests {
    use super::route_figure_formats;

    fn route(args: &[&str]) -> Vec<String> {
        route_figure_formats(args.iter().map(|a| a.into()).collect())
            .into_iter()
            .map(|a| a.to_string_lossy().to_string())
            .collect()
    }

    #[test]
    fn figure_formats_are_routed_only_after_the_figures_subcommand() {
        assert_eq!(
            route(&["m", "--format", "json", "figures", "b", "--format", "svg,pdf"]),
            [
                "m",
                "--format",
                "json",
                "figures",
                "b",
                "--formats",
                "svg,pdf"
            ]
        );
        assert_eq!(
            route(&["m", "figures", "--format=png"]),
            ["m", "figures", "--formats=png"]
        );
        assert_eq!(
            route(&["m", "figures", "--format", "json"]),
            ["m", "figures", "--format", "json"]
        );
        assert_eq!(
            route(&["m", "figures", "--format", "gif"]),
            ["m", "figures", "--formats", "gif"]
        );
        assert_eq!(
            route(&["m", "build", "figures", "--format", "svg"]),
            ["m", "build", "figures", "--format", "svg"]
        );
    }
}
