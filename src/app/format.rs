//! The output format of a command: `--format text|json` (and `markdown` for `audit`).

/// Output formats of the commands other than `audit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
