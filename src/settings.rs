//! Raw flags, the configuration file, the packs and the date, resolved once per run.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::cli::{ColorChoice, FailOn, Format, GlobalArgs};
use crate::diagnostic::Severity;
use crate::pack::{DEFAULT_PACK, Pack};

/// Everything a run needs to know, resolved before any file is read.
#[derive(Debug)]
pub struct Settings {
    /// The date deadlines are judged by: `--today`, else `POLICY_LINT_TODAY`, else the
    /// local date. Read once; rules get it through their context.
    pub today: NaiveDate,
    pub format: Format,
    pub quiet: bool,
    /// Colour in human output on standard output: `--color`, else only on a terminal and
    /// never with `NO_COLOR`.
    pub color: bool,
    /// Findings at or above this severity make the exit code 1; `None` never.
    pub fail_on: Option<Severity>,
    pub pack: Pack,
    /// The configuration file read, if any.
    pub config: Option<PathBuf>,
    /// Where each setting came from, for `--show-settings`: (setting, value, source).
    pub sources: Vec<(String, String, String)>,
}

/// Whether to colour a stream: `--color`, else a terminal without `NO_COLOR`.
pub fn use_color(choice: ColorChoice, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal,
    }
}

impl Settings {
    /// Resolves the flags; the configuration is looked for from `near` (a directory), else
    /// from the working directory, up to the repository root.
    pub fn resolve(
        global: &GlobalArgs,
        format: Format,
        fail_on: FailOn,
        near: Option<&Path>,
    ) -> Result<Settings, miette::Report> {
        let (config, config_source) = if global.no_config {
            (None, "--no-config")
        } else if let Some(path) = &global.config {
            (Some(path.clone()), "--config")
        } else {
            let cwd = std::env::current_dir()
                .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;
            let found = Pack::find_config(&near.map_or(cwd.clone(), |dir| cwd.join(dir)));
            (
                found,
                "the nearest configuration file, up to the repository root",
            )
        };
        let pack = match &config {
            Some(path) => Pack::load(path, &crate::rules::names())?,
            None => Pack::builtin()?,
        };
        let (today, today_source) = match global.today {
            Some(today) if global.today_from_env => (today, "POLICY_LINT_TODAY"),
            Some(today) => (today, "--today"),
            None => (chrono::Local::now().date_naive(), "the local date"),
        };
        let color = use_color(global.color, std::io::stdout().is_terminal());
        let config_shown = match &config {
            Some(path) => path.display().to_string(),
            None => format!("none (the built-in pack `{DEFAULT_PACK}`)"),
        };
        let sources = vec![
            (
                "today".into(),
                crate::dates::iso(today),
                today_source.into(),
            ),
            ("config".into(), config_shown, config_source.into()),
            (
                "color".into(),
                format!("{:?} ({})", global.color, if color { "on" } else { "off" }).to_lowercase(),
                "--color, NO_COLOR and whether standard output is a terminal".into(),
            ),
        ];
        Ok(Settings {
            today,
            format,
            quiet: global.quiet,
            color,
            fail_on: match fail_on {
                FailOn::Error => Some(Severity::Error),
                FailOn::Warning => Some(Severity::Warning),
                FailOn::Never => None,
            },
            pack,
            config,
            sources,
        })
    }
}
