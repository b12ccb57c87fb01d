//! The command line, as clap derive types only. Resolving these into settings is
//! `settings.rs`'s job.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::dates::Frequency;

/// The examples and exit codes closing every help page (a macro, so that `concat!` takes it).
macro_rules! examples {
    () => {
        "\
Examples:
  policy-lint                                  lint the discovered SECURITY.md
  policy-lint SECURITY.md --today 2026-11-22   lint one file as of a given date
  policy-lint docs/ --format json              lint every policy under docs/, as JSON
  policy-lint rule placeholder-text            explain one rule

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage, configuration,
I/O or encoding error."
    };
}

/// Lint Markdown security policies (SECURITY.md): required sections, reporting contacts,
/// template placeholders and leaked credentials, reported with exact source spans.
#[derive(Debug, Parser)]
#[command(
    name = "policy-lint",
    version,
    override_usage = "policy-lint [OPTIONS] [PATH]...   (the same as `policy-lint check`)\n       \
                      policy-lint <COMMAND> [OPTIONS]",
    after_help = concat!(
        "`policy-lint check --help` explains PATH, --fix and --fail-on.\n\n",
        examples!()
    ),
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Flags every command accepts, before or after its name.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The date to judge deadlines by, e.g. `--today 2026-11-22` [default: the local date]
    #[arg(long, global = true, env = "POLICY_LINT_TODAY", value_name = "YYYY-MM-DD",
          value_parser = parse_date)]
    pub today: Option<NaiveDate>,

    /// How to print findings, e.g. `--format json` for scripts
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Print findings only: no summary line, nothing at all when clean,
    /// e.g. `policy-lint -q` in a pre-commit hook
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Use this configuration file instead of the nearest `.policy-lint.yml`,
    /// e.g. `--config ci/policy-lint.yml`
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any `.policy-lint.yml` and use the built-in `security-md` pack,
    /// e.g. `policy-lint --no-config SECURITY.md`
    #[arg(long, global = true)]
    pub no_config: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint policy documents (the default command): `policy-lint check SECURITY.md`
    #[command(after_help = examples!())]
    Check(CheckArgs),
    /// List every rule with its default severity and whether it can fix what it finds,
    /// e.g. `policy-lint rules --format json`
    Rules,
    /// Explain one rule: what it finds, why, an example and its fix safety,
    /// e.g. `policy-lint rule missing-contact`
    Rule {
        /// The rule's name, as `policy-lint rules` lists it
        name: String,
    },
    /// Record a rotation: set each secret's Last Rotated date (and Next Rotation, if the table
    /// has one) and the policy's Last Updated, e.g. `policy-lint rotate "AWS Access Keys"`
    Rotate(RotateArgs),
    /// Record a completed policy review: the last-reviewed (or Last Updated) date becomes
    /// --date and Next Review moves on by the review cadence, e.g. `policy-lint review`
    Review(ReviewArgs),
    /// Record incidents in the policy's incident log
    Incident {
        #[command(subcommand)]
        command: IncidentCommand,
    },
    /// List every dated obligation — each secret's next rotation, the next policy review —
    /// soonest first, with its status; exit 1 when one is overdue,
    /// e.g. `policy-lint deadlines --within 30d`
    #[command(after_help = DEADLINES_HELP)]
    Deadlines(DeadlinesArgs),
    /// Write a starter SECURITY.md (reporting, supported versions, a rotation table, an
    /// incident log, review dates) and a commented .policy-lint.yml, e.g. `policy-lint init`
    Init(InitArgs),
    /// Print a shell completion script, e.g.
    /// `policy-lint completions bash > /etc/bash_completion.d/policy-lint`
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `policy-lint man > /usr/local/share/man/man1/policy-lint.1`
    Man,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite SECURITY.md and .policy-lint.yml when they exist
    #[arg(long)]
    pub force: bool,

    /// The directory to write them in [default: the repository root]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Where a report goes.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Write the report to FILE instead of standard output, which then shows only the
    /// summary, e.g. `--format sarif --output-file policy-lint.sarif`
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

const DEADLINES_HELP: &str = "\
Formats: human (a table), json, markdown (for a GitHub step summary or an issue body) and ics
(an iCalendar feed: one all-day event per obligation with a reminder a week before; its UIDs
stay the same when a date moves, so re-importing updates the events).

Examples:
  policy-lint deadlines                                     the whole schedule
  policy-lint deadlines --within 14d --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  policy-lint deadlines --format ics > security-deadlines.ics

Exit codes: 0 nothing overdue, 1 something overdue, 2 usage, configuration, I/O or
encoding error.";

#[derive(Debug, Args)]
pub struct DeadlinesArgs {
    /// Policy files or directories, as for `check` [default: the discovered policy]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Keep only what falls due within this time from today, overdue included; any
    /// frequency the pack understands, e.g. `--within 30d`, `--within 2w`, `--within P1M`
    #[arg(long, value_name = "DURATION", value_parser = parse_within)]
    pub within: Option<Within>,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// A `--within` duration, as written and as read.
#[derive(Clone, Debug)]
pub struct Within {
    pub text: String,
    pub frequency: Frequency,
}

fn parse_within(text: &str) -> Result<Within, String> {
    Frequency::parse(text)
        .map(|frequency| Within {
            text: text.to_string(),
            frequency,
        })
        .ok_or_else(|| {
            format!("`{text}` is not a duration; write e.g. `30d`, `2w`, `3 months` or `P1M`")
        })
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The secrets rotated, as the rotation table names them (any case),
    /// e.g. `"AWS Access Keys" "GitHub Token"`
    #[arg(required = true, value_name = "SECRET")]
    pub secrets: Vec<String>,

    /// The day of the rotation [default: today], e.g. `--date 2026-11-20`; not after today
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<NaiveDate>,

    #[command(flatten)]
    pub file: FileArg,

    /// With --commit, tag the commit `security-rotation-YYYY-MM-DD` (the pack's
    /// `rotation: tag:`; `-2`, `-3`… for a second rotation on one day)
    #[arg(long, requires = "commit")]
    pub tag: bool,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The day of the review [default: today], e.g. `--date 2026-11-22`; not after today,
    /// nor before the review the policy records
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<NaiveDate>,

    #[command(flatten)]
    pub file: FileArg,
}

/// The policy a recording command updates, and whether it commits the change.
#[derive(Debug, Args)]
pub struct FileArg {
    /// The policy to update [default: the one discovered policy file],
    /// e.g. `--file .github/SECURITY.md`
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Commit the policy alone with a message saying what was recorded; refused outside a
    /// git repository or when the policy has other uncommitted changes
    #[arg(long)]
    pub commit: bool,
}

#[derive(Debug, Subcommand)]
pub enum IncidentCommand {
    /// Add an incident, in date order, above the `<!-- Add new incidents above this line -->`
    /// marker, e.g. `policy-lint incident add --date 2026-11-21 --severity High --status Open
    /// "Leaked CI token"`
    Add(IncidentAddArgs),
}

#[derive(Debug, Args)]
pub struct IncidentAddArgs {
    /// What happened, e.g. `"Leaked CI token"` (a `|` is escaped for the table)
    #[arg(value_name = "TEXT")]
    pub text: String,

    /// The day of the incident, e.g. `--date 2026-11-21`; not after today
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: NaiveDate,

    /// One of the pack's severities, e.g. `--severity High`
    #[arg(long)]
    pub severity: String,

    /// One of the pack's statuses, e.g. `--status Open`
    #[arg(long)]
    pub status: String,

    /// What was done about it, e.g. `--actions "Revoked token"`
    #[arg(long)]
    pub actions: Option<String>,

    #[command(flatten)]
    pub file: FileArg,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("fixing").args(["fix", "diff"])))]
pub struct CheckArgs {
    /// Files or directories to lint. A file is taken as it is; a directory is walked
    /// (respecting .gitignore) for the pack's file names; `-` reads standard input. With no
    /// PATH, the policy is discovered: SECURITY.md or SECURITY.markdown (any case) in the
    /// repository root, .github/ or docs/. E.g. `policy-lint SECURITY.md docs/`
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The lowest severity that makes the exit code 1, e.g. `--fail-on warning` in CI
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Apply safe fixes in place (bytes outside the fixes are kept), then report what is left,
    /// e.g. `policy-lint --fix SECURITY.md`
    #[arg(long)]
    pub fix: bool,

    /// Print the unified diff that --fix would make and write nothing; exit 1 when there is
    /// one, e.g. `policy-lint --diff` in CI
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,

    /// With --fix or --diff, also apply unsafe fixes, which change what the policy claims,
    /// e.g. `policy-lint --fix --unsafe-fixes`
    #[arg(long, requires = "fixing")]
    pub unsafe_fixes: bool,

    /// Print how many findings each rule made instead of the findings,
    /// e.g. `policy-lint --statistics docs/`
    #[arg(long)]
    pub statistics: bool,

    /// The path to show, and to find the configuration from, for the text read from
    /// standard input (PATH `-`), e.g. `policy-lint - --stdin-filename SECURITY.md`
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Walk into what .gitignore and other ignore files hide, e.g. `policy-lint --no-ignore .`
    #[arg(long)]
    pub no_ignore: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Graphical reports with source snippets (colour only on a terminal, never with NO_COLOR)
    Human,
    /// One line per finding: `path:line:col: severity[rule] message`
    Concise,
    /// One JSON document with every file, finding and a summary
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions annotations (workflow commands); a findings table goes to the step
    /// summary when GITHUB_STEP_SUMMARY is set
    Github,
    /// `deadlines` only: a Markdown table for a step summary or an issue
    Markdown,
    /// `deadlines` only: an iCalendar (RFC 5545) feed
    Ics,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when there is an error
    Error,
    /// Exit 1 when there is a warning or an error
    Warning,
    /// Always exit 0 unless policy-lint itself fails
    Never,
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date written YYYY-MM-DD, e.g. 2026-11-22"))
}

const SUBCOMMANDS: &[&str] = &[
    "check",
    "rules",
    "rule",
    "rotate",
    "review",
    "incident",
    "deadlines",
    "init",
    "completions",
    "man",
    "help",
];
/// Global flags that take a value, so that the value is not mistaken for a command.
const VALUE_FLAGS: &[&str] = &["--today", "--format", "--config", "--fail-on"];

/// `policy-lint [FLAGS] [PATH...]` means `policy-lint check [FLAGS] [PATH...]`: insert `check`
/// unless a command name is the first positional argument (or help/version is asked for).
pub fn with_default_command(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut expects_value = false;
    for arg in args.iter().skip(1) {
        let text = arg.to_string_lossy();
        if expects_value {
            expects_value = false;
            continue;
        }
        if matches!(text.as_ref(), "-h" | "--help" | "-V" | "--version") {
            return args;
        }
        if text == "--" {
            break;
        }
        if text.starts_with('-') {
            expects_value = VALUE_FLAGS.contains(&text.as_ref());
            continue;
        }
        if SUBCOMMANDS.contains(&text.as_ref()) {
            return args;
        }
        break;
    }
    let mut with_check = args;
    with_check.insert(1.min(with_check.len()), "check".into());
    with_check
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        let os = list.iter().map(|s| s.into()).collect();
        with_default_command(os)
            .into_iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn check_is_the_default_command() {
        assert_eq!(args(&["p", "SECURITY.md"]), ["p", "check", "SECURITY.md"]);
        assert_eq!(
            args(&["p", "--today", "rules"]),
            ["p", "check", "--today", "rules"]
        );
        assert_eq!(args(&["p", "--quiet", "rules"]), ["p", "--quiet", "rules"]);
        assert_eq!(args(&["p"]), ["p", "check"]);
        assert_eq!(args(&["p", "--help"]), ["p", "--help"]);
    }

    #[test]
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
