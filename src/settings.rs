//! Raw flags, the configuration file, the packs and the date, resolved once per run.

use std::io::IsTerminal;
use std::path::Path;

use chrono::NaiveDate;

use crate::cli::{FailOn, Format, GlobalArgs};
use crate::diagnostic::Severity;
use crate::pack::Pack;

/// Everything a run needs to know, resolved before any file is read.
#[derive(Debug)]
pub struct Settings {
    /// The date deadlines are judged by: `--today`, else `POLICY_LINT_TODAY`, else the
    /// local date. Read once; rules get it through their context.
    pub today: NaiveDate,
    pub format: Format,
    pub quiet: bool,
    /// Colour in human output: only on a terminal, never with `NO_COLOR`.
    pub color: bool,
    /// Findings at or above this severity make the exit code 1; `None` never.
    pub fail_on: Option<Severity>,
    pub pack: Pack,
}

impl Settings {
    /// Resolves the flags; the configuration is looked for from `near` (a directory), else
    /// from the working directory, up to the repository root.
    pub fn resolve(
        global: &GlobalArgs,
        fail_on: FailOn,
        near: Option<&Path>,
    ) -> Result<Settings, miette::Report> {
        let config = if global.no_config {
            None
        } else if let Some(path) = &global.config {
            Some(path.clone())
        } else {
            let cwd = std::env::current_dir()
                .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;
            Pack::find_config(&near.map_or(cwd.clone(), |dir| cwd.join(dir)))
        };
        let pack = match &config {
            Some(path) => Pack::load(path, &crate::rules::names())?,
            None => Pack::builtin()?,
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Ok(Settings {
            today: global
                .today
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            format: global.format,
            quiet: global.quiet,
            color: !no_color && std::io::stdout().is_terminal(),
            fail_on: match fail_on {
                FailOn::Error => Some(Severity::Error),
                FailOn::Warning => Some(Severity::Warning),
                FailOn::Never => None,
            },
            pack,
        })
    }
}
