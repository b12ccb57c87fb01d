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
///
/// With no command, policy-lint checks: the options below are `check`'s.
#[derive(Debug, Parser)]
#[command(
    name = "policy-lint",
    version,
    override_usage = "policy-lint [OPTIONS] [PATH]...   (the same as `policy-lint check`)\n       \
                      policy-lint <COMMAND> [OPTIONS]",
    after_help = examples!(),
    args_conflicts_with_subcommands = true,
    // The last of a repeated flag wins, as in ruff: a hook's `args` override its entry's.
    args_override_self = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// `check`'s flags, for `policy-lint [OPTIONS] [PATH]...`.
    #[command(flatten)]
    pub check: CheckArgs,

    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Flags every command accepts, before or after its name.
#[derive(Clone, Debug, Args)]
pub struct GlobalArgs {
    /// The date to judge deadlines by, e.g. `--today 2026-11-22` [default: the local date]
    #[arg(long, global = true, env = "POLICY_LINT_TODAY", value_name = "YYYY-MM-DD",
          value_parser = parse_date)]
    pub today: Option<NaiveDate>,

    /// Whether `today` came from `POLICY_LINT_TODAY` rather than `--today`.
    #[arg(skip)]
    pub today_from_env: bool,

    /// The ids of the arguments given on the command line, for `--show-settings`.
    #[arg(skip)]
    pub given: Vec<String>,

    /// When to colour human output: `auto` colours on a terminal unless NO_COLOR is set
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint policy documents (the default command): `policy-lint check SECURITY.md`
    #[command(after_help = examples!(), args_override_self = true)]
    Check(CheckArgs),
    /// List every rule with its default severity and whether it can fix what it finds,
    /// e.g. `policy-lint rules --format json`
    Rules(TextFormatArg),
    /// Explain one rule: what it finds, why, an example and its fix safety,
    /// e.g. `policy-lint rule missing-contact`
    Rule {
        /// The rule's name, as `policy-lint rules` lists it
        name: String,

        #[command(flatten)]
        format: TextFormatArg,
    },
    /// Record a rotation: set each secret's Last Rotated date (and Next Rotation, if the table
    /// has one) and the policy's Last Updated, e.g. `policy-lint rotate "AWS Access Keys"`
    Rotate(RotateArgs),
    /// Record a completed policy review: the last-reviewed (or Last Updated) date becomes
    /// --date and Next Review moves on by the review cadence, e.g. `policy-lint review`
    Review(ReviewArgs),
    /// Renew a security.txt: set its Expires a year ahead (minus a day), or to --until, keeping
    /// every other byte; a signed file is refused, e.g. `policy-lint renew --for 180d`
    Renew(RenewArgs),
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
    /// Run the language server on standard input and output (LSP), for an editor to start:
    /// findings as you type, their fixes, and each rotation's and review's due date.
    /// `--today`, `--config` and `--no-config` apply as in `check`
    Server,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Overwrite the files when they exist
    #[arg(long)]
    pub force: bool,

    /// Write a starter `.well-known/security.txt` instead (RFC 9116), its Expires a year
    /// ahead minus a day
    #[arg(long)]
    pub security_txt: bool,

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

    /// How to print the schedule, e.g. `--format ics` for a calendar
    #[arg(long, value_enum, default_value_t = DeadlinesFormat::Human)]
    pub format: DeadlinesFormat,

    /// With `--format markdown`, link each obligation to its line under this URL, e.g.
    /// `--link-base https://github.com/OWNER/REPO/blob/main` [default: relative links]
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,

    /// Keep only what falls due within this time from today, overdue included; any
    /// frequency the pack understands, e.g. `--within 30d`, `--within 2w`, `--within P1M`;
    /// `--within 0d` keeps what is overdue or due today
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
    Frequency::parse_duration(text)
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

    #[command(flatten)]
    pub format: TextFormatArg,

    /// With --commit, tag the commit `security-rotation-YYYY-MM-DD` (the pack's
    /// `rotation: tag:`; `-2`, `-3`… for a second rotation on one day)
    #[arg(long, requires = "commit")]
    pub tag: bool,
}

#[derive(Debug, Args)]
pub struct RenewArgs {
    /// The new expiry day, e.g. `--until 2027-06-30`; the time of day and the time zone the
    /// file writes are kept
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date, conflicts_with = "for_")]
    pub until: Option<NaiveDate>,

    /// How long from today, e.g. `--for 180d`, `--for 6 months` [default: a year minus a day]
    #[arg(long = "for", id = "for_", value_name = "DURATION", value_parser = parse_within)]
    pub for_: Option<Within>,

    /// The security.txt to renew [default: the one discovered, e.g. in
    /// `public/.well-known/`], e.g. `--file static/.well-known/security.txt`
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Commit the file alone with a message saying what was renewed; refused outside a git
    /// repository or when the file has other uncommitted changes
    #[arg(long)]
    pub commit: bool,

    #[command(flatten)]
    pub format: TextFormatArg,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The day of the review [default: today], e.g. `--date 2026-11-22`; not after today,
    /// nor before the review the policy records
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<NaiveDate>,

    #[command(flatten)]
    pub file: FileArg,

    #[command(flatten)]
    pub format: TextFormatArg,
}

/// `--format` of the commands that print text or JSON.
#[derive(Debug, Args)]
pub struct TextFormatArg {
    /// How to print the result, e.g. `--format json` for scripts
    #[arg(long, value_enum, default_value_t = TextFormat::Human)]
    pub format: TextFormat,
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

    #[command(flatten)]
    pub format: TextFormatArg,
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

    /// How to print findings, e.g. `--format json` for scripts (`--output-format` is ruff's
    /// name for it)
    #[arg(long, visible_alias = "output-format", value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,

    /// The lowest severity that makes the exit code 1, e.g. `--fail-on warning` in CI
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Whether rotation and review deadlines (`rotation-overdue`, `rotation-due-soon`,
    /// `review-overdue`) can fail the run. `report` lists them without failing: for a
    /// pre-commit hook, where the commit did not cause them and cannot fix them
    #[arg(long, value_enum, value_name = "MODE", default_value_t = DeadlineMode::Fail)]
    pub deadlines: DeadlineMode,

    /// Apply safe fixes in place (bytes outside the fixes are kept), then report what is left,
    /// e.g. `policy-lint --fix SECURITY.md`; with PATH `-`, print the fixed text instead
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

    /// With --fix, exit 1 when a fix was applied even if nothing is left to report
    #[arg(long, requires = "fix")]
    pub exit_non_zero_on_fix: bool,

    /// Run only these rules or rule families (comma-separated; `policy-lint rules` lists
    /// them, `ALL` is every rule), e.g. `--select dates,missing-contact`
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Also run these rules or families, on top of the configuration's or --select's,
    /// e.g. `--extend-select unused-suppression`
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Do not run these rules or families, e.g. `--ignore rotation-due-soon,incidents`
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Leave out files and directories matching these globs (gitignore syntax) from walks and
    /// discovery, instead of the configuration's `exclude`, e.g. `--exclude 'vendor/,examples/'`
    #[arg(long, value_name = "GLOBS", value_delimiter = ',')]
    pub exclude: Option<Vec<String>>,

    /// Leave these out as well as the configuration's `exclude`
    #[arg(long, value_name = "GLOBS", value_delimiter = ',')]
    pub extend_exclude: Vec<String>,

    /// Apply the excludes to files named on the command line too (pre-commit passes every
    /// changed file's name)
    #[arg(long)]
    pub force_exclude: bool,

    /// Print the resolved settings, and where each came from, and exit
    #[arg(long)]
    pub show_settings: bool,

    /// Print the files that would be linted, one per line, and exit
    #[arg(long)]
    pub show_files: bool,

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

/// `check`'s output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
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
}

/// `deadlines`' output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DeadlinesFormat {
    /// A table
    Human,
    /// One JSON document with every obligation
    Json,
    /// A Markdown table, for a step summary or an issue body
    Markdown,
    /// An iCalendar (RFC 5545) feed
    Ics,
}

/// The formats of the commands that print text or JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TextFormat {
    /// Text for a person
    Human,
    /// JSON for a script
    Json,
}

/// Whether deadline findings can fail a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DeadlineMode {
    /// Count them like any other finding
    Fail,
    /// Report them without failing
    Report,
}

/// Every output format, as the renderers know them; each command accepts its own subset
/// ([`CheckFormat`], [`DeadlinesFormat`], [`TextFormat`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Concise,
    Json,
    Sarif,
    Github,
    Markdown,
    Ics,
}

impl From<CheckFormat> for Format {
    fn from(format: CheckFormat) -> Format {
        match format {
            CheckFormat::Human => Format::Human,
            CheckFormat::Concise => Format::Concise,
            CheckFormat::Json => Format::Json,
            CheckFormat::Sarif => Format::Sarif,
            CheckFormat::Github => Format::Github,
        }
    }
}

impl From<DeadlinesFormat> for Format {
    fn from(format: DeadlinesFormat) -> Format {
        match format {
            DeadlinesFormat::Human => Format::Human,
            DeadlinesFormat::Json => Format::Json,
            DeadlinesFormat::Markdown => Format::Markdown,
            DeadlinesFormat::Ics => Format::Ics,
        }
    }
}

impl From<TextFormat> for Format {
    fn from(format: TextFormat) -> Format {
        match format {
            TextFormat::Human => Format::Human,
            TextFormat::Json => Format::Json,
        }
    }
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

/// The command line as clap parses it: a command name that follows some flags
/// (`policy-lint --today 2026-11-22 rules`) is moved to the front, so that the flags are the
/// command's; without a command name, the arguments are `check`'s.
pub fn command_first(
    command: &clap::Command,
    args: Vec<std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let takes_value = |flag: &str| {
        let (name, inline) = match flag.split_once('=') {
            Some((name, _)) => (name, true),
            None => (flag, false),
        };
        !inline
            && command.get_arguments().any(|arg| {
                arg.get_action().takes_values()
                    && (arg.get_long().is_some_and(|l| name == format!("--{l}"))
                        || arg
                            .get_all_aliases()
                            .into_iter()
                            .flatten()
                            .any(|a| name == format!("--{a}")))
            })
    };
    let mut expects_value = false;
    let mut position = None;
    for (index, arg) in args.iter().enumerate().skip(1) {
        let text = arg.to_string_lossy();
        if expects_value {
            expects_value = false;
            continue;
        }
        if text == "--" {
            break;
        }
        if text.starts_with('-') && text.len() > 1 {
            expects_value = takes_value(&text);
            continue;
        }
        if command.find_subcommand(text.as_ref()).is_some() {
            position = Some(index);
        }
        break;
    }
    let mut args = args;
    if let Some(index) = position.filter(|&i| i > 1) {
        let name = args.remove(index);
        args.insert(1, name);
    }
    args
}

/// The names of the commands, for suggestions.
pub fn command_names(command: &clap::Command) -> Vec<String> {
    command
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        use clap::CommandFactory;
        let os = list.iter().map(|s| s.into()).collect();
        command_first(&Cli::command(), os)
            .into_iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn a_command_after_flags_moves_to_the_front() {
        assert_eq!(args(&["p", "SECURITY.md"]), ["p", "SECURITY.md"]);
        // `rules` is the value of --today here, not a command.
        assert_eq!(args(&["p", "--today", "rules"]), ["p", "--today", "rules"]);
        assert_eq!(args(&["p", "--quiet", "rules"]), ["p", "rules", "--quiet"]);
        assert_eq!(
            args(&["p", "--format", "json", "rules"]),
            ["p", "rules", "--format", "json"]
        );
        assert_eq!(
            args(&["p", "--output-format=json", "deadlines"]),
            ["p", "deadlines", "--output-format=json"]
        );
        assert_eq!(
            args(&["p", "SECURITY.md", "rules"]),
            ["p", "SECURITY.md", "rules"]
        );
    }

    #[test]
    fn check_is_the_default_command() {
        let cli = Cli::try_parse_from(["p", "SECURITY.md", "--fix", "--today", "2026-11-22"])
            .expect("parses");
        assert!(cli.command.is_none());
        assert!(cli.check.fix);
        assert_eq!(cli.check.paths, [PathBuf::from("SECURITY.md")]);
    }

    #[test]
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
