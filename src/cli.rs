//! The command line: argument types (clap) and dispatch to the commands.

use crate::diag::Diagnostics;
use crate::registry::Registry;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Keeps every number, table and figure of an ML-systems textbook true.
///
/// Numbers come from a vetted registry (every value with a unit and a source) and six analytical
/// solvers that match the Python package mlsysim 0.3.0. Exit status: 0 success, 1 errors in the
/// book, the registry or the inputs, 2 usage errors.
#[derive(Parser, Debug)]
#[command(name = "mlsysim-book", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Registry folder to use instead of the one built into the binary.
    #[arg(long, global = true, value_name = "DIR")]
    pub registry: Option<PathBuf>,

    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// JSON on stdout, for machines.
    Json,
}

impl Format {
    /// Parses `text` or `json`.
    pub fn from_str_arg(s: &str) -> Result<Format, String> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            other => Err(format!("unknown format `{other}`; formats: text, json")),
        }
    }
}

/// Commands.
#[derive(Subcommand, Debug)]
pub enum Command {
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
    /// Run a solver from the terminal: `eval roofline --model ResNet50 --hardware A100 --batch-size 1`.
    ///
    /// Solvers: roofline, serving, distributed, economics, sustainability, reliability, scenario.
    /// Inputs are given as `--name value` (mlsysim's input names; `-` and `_` are interchangeable).
    /// `--explain` prints the lineage: formulas, registry values and their sources.
    Eval {
        /// Solver name.
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
}

/// Loads the registry named by `--registry`, or the embedded one.
pub fn load_registry(dir: Option<&std::path::Path>) -> Result<Registry, Diagnostics> {
    match dir {
        Some(d) => crate::registry::load::load_dir(d),
        None => crate::registry::load::embedded(),
    }
}

/// Runs the command line and returns the exit status.
pub fn main() -> i32 {
    let cli = Cli::parse();
    run(cli)
}

/// Runs parsed arguments; returns the exit status.
pub fn run(cli: Cli) -> i32 {
    let reg = match load_registry(cli.registry.as_deref()) {
        Ok(r) => r,
        Err(d) => {
            eprint!("{d}");
            eprintln!("error: the registry has {} problem(s)", d.0.len());
            return 1;
        }
    };
    let result = match cli.command {
        Command::Zoo {
            namespace,
            key,
            sort,
            reverse,
        } => crate::zoo::run(
            &reg,
            namespace.as_deref(),
            key.as_deref(),
            sort.as_deref(),
            reverse,
            cli.format,
        ),
        Command::Eval {
            solver,
            explain,
            inputs,
        } => {
            // Flags written after the inputs land in `inputs` (trailing arguments): take them back.
            let (inputs, late_explain, late_format) = crate::eval::split_flags(&inputs);
            match late_format.as_deref().map(Format::from_str_arg).transpose() {
                Ok(f) => crate::eval::run(
                    &reg,
                    &solver,
                    &inputs,
                    explain || late_explain,
                    f.unwrap_or(cli.format),
                ),
                Err(e) => Err(e),
            }
        }
    };
    match result {
        Ok(out) => {
            print!("{out}");
            0
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            1
        }
    }
}
