//! Layer 7, the application: the command line's grammar ([`cli`], clap), one module per command
//! ([`commands`]), output formats, registry loading with error reporting, the progress line, and
//! exit codes ([`exit`]). Everything below this layer returns data or errors; only this layer
//! prints and decides how the process ends.
//!
//! Rules: a command prints its results through [`out`] and returns `Result<ExitCode>`; the only
//! error it returns is a failed write to stdout. Every other problem is printed where it is found
//! (located, on stderr) and becomes an exit status. A closed stdout (`zoo | head`) ends the
//! process quietly with status 0.

pub mod book;
pub mod cli;
pub mod commands;
pub mod exit;
pub mod format;
pub mod out;
pub mod progress;
pub mod registry;
pub mod report;

use clap::Parser;
use cli::{Cli, Command, FormatArg, MdbookCmd};
use exit::code;
use format::Format;
use std::process::ExitCode;

/// What a command returns: its exit status, or the error of writing its output.
pub type Result<T = ExitCode> = std::result::Result<T, std::io::Error>;

/// Runs the command line of this process. A broken pipe on stdout is a quiet success.
pub fn run() -> Result {
    let cli = Cli::parse_from(cli::route_figure_formats(std::env::args_os().collect()));
    set_outputs(&cli);
    match dispatch(cli) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        other => other,
    }
}

/// Sets how diagnostics are written: `--format` (text, json, github) and `--color` with
/// `NO_COLOR` and whether stderr is a terminal.
pub fn set_outputs(cli: &Cli) {
    use std::io::IsTerminal;
    report::set_format(match cli.format {
        FormatArg::Json => report::DiagFormat::Json,
        FormatArg::Github => report::DiagFormat::Github,
        FormatArg::Text | FormatArg::Markdown => report::DiagFormat::Text,
    });
    let color = match cli.color {
        cli::ColorArg::Always => true,
        cli::ColorArg::Never => false,
        cli::ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    };
    crate::base::diag::set_color(color);
}

/// Runs parsed arguments.
pub fn dispatch(mut cli: Cli) -> Result {
    // Commands on a book without a book folder look for one.
    if let Command::Build { book, .. }
    | Command::Check { book, .. }
    | Command::Figures { book, .. }
    | Command::Audit { book, .. } = &mut cli.command
    {
        match book::locate(book.take()) {
            Some(b) => *book = Some(b),
            None => return Ok(code(exit::USAGE)),
        }
    }
    let registry = cli.registry.as_deref();
    if let Command::Audit {
        book: Some(book),
        value,
        source,
        entry,
        strict,
        max_age_months,
        as_of,
        templates,
    } = cli.command
    {
        let args = commands::audit::Args {
            book,
            value,
            source,
            entry,
            strict,
            max_age_months,
            as_of,
            templates,
        };
        let format = match cli.format {
            FormatArg::Text => commands::audit::AuditFormat::Text,
            FormatArg::Json => commands::audit::AuditFormat::Json,
            FormatArg::Markdown => commands::audit::AuditFormat::Markdown,
            FormatArg::Github => commands::audit::AuditFormat::Text,
        };
        return commands::audit::run(&args, registry, format);
    }
    let format = match cli.format {
        FormatArg::Text | FormatArg::Github => Format::Text,
        FormatArg::Json => Format::Json,
        FormatArg::Markdown => {
            eprintln!("error: `--format markdown` is only available for `audit`");
            return Ok(code(exit::USAGE));
        }
    };
    match cli.command {
        Command::Audit { .. } => unreachable!("handled above"),
        Command::Build {
            book: Some(book),
            out,
            templates,
            update_lock,
            emit_cache,
            watch,
            deny_warnings,
            preset,
        } => {
            if watch {
                return watch_book(
                    book,
                    out,
                    templates,
                    cli.registry,
                    emit_cache,
                    format,
                    preset,
                );
            }
            if let Some(cache) = emit_cache {
                return commands::emit_cache::run(
                    &book,
                    &cache,
                    &out,
                    templates.as_deref(),
                    registry,
                    format,
                    update_lock,
                    deny_warnings,
                    preset.as_deref(),
                );
            }
            commands::build::run(
                &book,
                &out,
                templates.as_deref(),
                registry,
                format,
                update_lock,
                deny_warnings,
                preset.as_deref(),
            )
        }
        Command::Check {
            book: Some(book),
            templates,
            deny_warnings,
        } => commands::check::run(&book, templates.as_deref(), registry, format, deny_warnings),
        Command::Mdbook { cmd } => {
            let renderer = cmd
                .as_ref()
                .map(|MdbookCmd::Supports { renderer }| renderer.as_str());
            commands::mdbook::run(renderer, registry)
        }
        Command::Figures {
            book: Some(book),
            out,
            formats,
            preset,
        } => commands::figures::run(
            &book,
            &out,
            &formats,
            registry,
            preset.as_deref(),
            format == Format::Json,
        ),
        Command::Zoo {
            namespace,
            key,
            sort,
            reverse,
        } => {
            let Some(reg) = registry::load_or_report(registry) else {
                return Ok(code(exit::FAILURE));
            };
            let args = (namespace.as_deref(), key.as_deref(), sort.as_deref());
            let result = commands::zoo::run(&reg, args.0, args.1, args.2, reverse, format);
            text_or_error(result)
        }
        Command::Eval {
            solver,
            explain,
            inputs,
        } => {
            if solver == "--help" || solver == "-h" {
                out::print(&commands::eval::command_help())?;
                return Ok(ExitCode::SUCCESS);
            }
            if commands::plan::is_plan_arg(&solver) {
                return commands::plan::eval(&solver, explain, &inputs, registry, format);
            }
            let Some(reg) = registry::load_or_report(registry) else {
                return Ok(code(exit::FAILURE));
            };
            // Flags written after the inputs land in `inputs` (trailing arguments): take them back.
            let (inputs, late_explain, late_format) = commands::eval::split_flags(&inputs);
            let result = late_format
                .as_deref()
                .map(Format::from_str_arg)
                .transpose()
                .and_then(|f| {
                    let explain = explain || late_explain;
                    commands::eval::run(&reg, &solver, &inputs, explain, f.unwrap_or(format))
                });
            text_or_error(result)
        }
        Command::Schema => commands::schema::run(),
        Command::Completions { shell } => {
            let mut text = Vec::new();
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "mlsysim-book", &mut text);
            out::print(&String::from_utf8_lossy(&text))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir } => commands::init::run(&dir),
        Command::Help { topic } => commands::help::run(topic.as_deref()),
        Command::Build { book: None, .. }
        | Command::Check { book: None, .. }
        | Command::Figures { book: None, .. } => unreachable!("book folders are located above"),
        Command::Optimize { search } => commands::optimize::run(search, registry, format),
    }
}

/// Prints a command's text, or its one-line error with status 1.
fn text_or_error(result: std::result::Result<String, String>) -> Result {
    match result {
        Ok(text) => {
            out::print(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(msg) => {
            eprintln!("error: {msg}");
            Ok(code(exit::FAILURE))
        }
    }
}

/// `build --watch`.
#[cfg(feature = "watch")]
fn watch_book(
    book: std::path::PathBuf,
    out: std::path::PathBuf,
    templates: Option<std::path::PathBuf>,
    registry: Option<std::path::PathBuf>,
    emit_cache: Option<std::path::PathBuf>,
    format: Format,
    preset: Option<String>,
) -> Result {
    commands::watch::run(commands::watch::Options {
        book,
        out,
        templates,
        registry,
        emit_cache,
        format,
        preset,
    })
}

/// `build --watch` in a binary built without the `watch` feature.
#[cfg(not(feature = "watch"))]
fn watch_book(
    _book: std::path::PathBuf,
    _out: std::path::PathBuf,
    _templates: Option<std::path::PathBuf>,
    _registry: Option<std::path::PathBuf>,
    _emit_cache: Option<std::path::PathBuf>,
    _format: Format,
    _preset: Option<String>,
) -> Result {
    eprintln!("error: this mlsysim-book was built without the `watch` feature; rebuild it with `cargo install mlsysim-book --features watch`");
    Ok(code(exit::USAGE))
}
