//! The commands: resolve settings, find files, lint in parallel, render, pick the exit code.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use rayon::prelude::*;

use crate::cli::{CheckArgs, Cli, Command, DeadlinesArgs, FailOn, Format, IncidentCommand};
use crate::dates::iso;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::policy::Policy;
use crate::render::deadlines::{Deadline, DeadlineReport};
use crate::render::{self, FileReport, RenderOptions, Report};
use crate::rule::FixAvailability;
use crate::rules::{self, MissingPolicy};
use crate::schedule::{self, Status};
use crate::settings::Settings;
use crate::source::{SourceFile, Span};
use crate::update::{self, Update};
use crate::{discover, fix, write};

/// Exit code 1: findings at or above the failing severity.
const EXIT_FINDINGS: u8 = 1;
/// Exit code 2: usage, configuration, I/O or encoding error.
const EXIT_ERROR: u8 = 2;

/// Runs the command line `args` (program name first) and returns the exit code.
pub fn run(args: Vec<OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(crate::cli::with_default_command(args)) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { EXIT_ERROR } else { 0 });
        }
    };
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal();
    let result = match cli.command {
        Command::Check(ref args) => check(&cli, args),
        Command::Rules => list_rules(),
        Command::Deadlines(ref args) => deadlines(&cli, args),
        Command::Rule { ref name } => explain_rule(name),
        Command::Rotate(ref args) => {
            let names = &args.secrets;
            record(&cli, args.file.file.as_deref(), |source, settings| {
                let date = args.date.unwrap_or(settings.today);
                let update = update::rotate(source, &settings.pack, settings.today, names, date)?;
                Ok((
                    update,
                    Some(format!("git tag security-rotation-{}", iso(date))),
                ))
            })
        }
        Command::Review(ref args) => record(&cli, args.file.file.as_deref(), |source, settings| {
            let date = args.date.unwrap_or(settings.today);
            Ok((
                update::review(source, &settings.pack, settings.today, date)?,
                None,
            ))
        }),
        Command::Incident {
            command: IncidentCommand::Add(ref args),
        } => record(&cli, args.file.file.as_deref(), |source, settings| {
            let incident = update::NewIncident {
                date: args.date,
                severity: args.severity.clone(),
                status: args.status.clone(),
                actions: args.actions.clone(),
                text: args.text.clone(),
            };
            Ok((
                update::add_incident(source, &settings.pack, settings.today, &incident)?,
                None,
            ))
        }),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(report) => {
            print_error(&report, color);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn print_error(report: &miette::Report, color: bool) {
    let mut text = String::new();
    if render::graphical_handler(color)
        .render_report(&mut text, report.as_ref())
        .is_err()
    {
        text = format!("error: {report}");
    }
    eprintln!("{text}");
}

fn check(cli: &Cli, args: &CheckArgs) -> Result<u8, miette::Report> {
    let settings = Settings::resolve(&cli.global, args.fail_on)?;
    if matches!(settings.format, Format::Markdown | Format::Ics) {
        return Err(miette::miette!(
            help = "use --format human, concise or json; `policy-lint deadlines --format \
                    markdown` prints the schedule",
            "findings have no {} format",
            if settings.format == Format::Ics {
                "ics"
            } else {
                "markdown"
            }
        ));
    }
    let cwd = std::env::current_dir()
        .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;

    let (files, missing_policy) = policy_files(&args.paths, &settings, &cwd)?;

    if args.diff {
        return print_diffs(&files, &settings, args.unsafe_fixes);
    }
    let results: Vec<Result<FileReport, miette::Report>> = files
        .par_iter()
        .map(|path| lint_file(path, &settings, fix_mode(args)))
        .collect();
    let mut report = Report {
        today: settings.today,
        files: Vec::new(),
    };
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(file) => report.files.push(file),
            Err(err) => errors.push(err),
        }
    }
    if let Some(root) = missing_policy {
        report.files.push(missing_policy_report(&root, &settings));
    }

    let options = RenderOptions {
        color: settings.color,
        quiet: settings.quiet,
    };
    let mut stdout = std::io::stdout().lock();
    let written = render::render(settings.format, &report, options, &mut stdout)
        .and_then(|()| stdout.flush());
    drop(stdout);
    finish_output(written)?;

    if !errors.is_empty() {
        let color = settings.color && std::io::stderr().is_terminal();
        for err in &errors {
            print_error(err, color);
        }
        return Ok(EXIT_ERROR);
    }
    Ok(if report.fails(settings.fail_on) {
        EXIT_FINDINGS
    } else {
        0
    })
}

/// The files a command works on: each file PATH as given, each directory PATH walked, or with
/// no PATH the discovered policies. The second value is the directory where discovery found
/// none.
fn policy_files(
    paths: &[PathBuf],
    settings: &Settings,
    cwd: &Path,
) -> Result<(Vec<PathBuf>, Option<PathBuf>), miette::Report> {
    let mut files = Vec::new();
    if paths.is_empty() {
        let root = discover::repository_root(cwd);
        files = discover::discover(&root, &settings.pack.file_names)
            .into_iter()
            .map(|path| discover::display_path(&path, cwd))
            .collect();
        let missing = files.is_empty().then(|| discover::display_path(&root, cwd));
        return Ok((files, missing));
    }
    for path in paths {
        if path.is_dir() {
            let found = discover::walk(path, &settings.pack.file_names).map_err(|err| {
                miette::miette!("cannot walk the directory {}: {err}", path.display())
            })?;
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok((files, None))
}

/// `deadlines`: every dated obligation of the policies, soonest first; exit 1 when one is
/// overdue.
fn deadlines(cli: &Cli, args: &DeadlinesArgs) -> Result<u8, miette::Report> {
    let settings = Settings::resolve(&cli.global, FailOn::Error)?;
    if matches!(settings.format, Format::Concise) {
        return Err(miette::miette!(
            help = "use --format human, json, markdown or ics",
            "`deadlines` has no concise format"
        ));
    }
    let cwd = std::env::current_dir()
        .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;
    let (files, missing) = policy_files(&args.paths, &settings, &cwd)?;
    if let Some(dir) = missing {
        return Err(miette::miette!(
            help = "pass the policy's PATH, e.g. `policy-lint deadlines SECURITY.md`",
            "no policy file found in {}: no SECURITY.md in the repository root, .github/ or docs/",
            if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                &dir
            }
            .display()
        ));
    }
    let root = discover::repository_root(&cwd);
    let window = i64::from(settings.pack.rotation.warning_window_days);
    let until = match &args.within {
        Some(within) => Some(within.frequency.due(settings.today).ok_or_else(|| {
            miette::miette!(
                "--within {} reaches past the end of the calendar",
                within.text
            )
        })?),
        None => None,
    };
    let per_file: Vec<Result<Vec<Deadline>, miette::Report>> = files
        .par_iter()
        .map(|path| {
            let source = write::read_source(path)?;
            let doc = Document::parse(&source);
            let policy = Policy::new(&doc, &settings.pack);
            let repo_path = repository_path(path, &root);
            Ok(schedule::obligations(&policy)
                .iter()
                .filter(|o| until.is_none_or(|until| o.due <= until))
                .map(|o| Deadline::new(o, &source, &repo_path, settings.today, window))
                .collect())
        })
        .collect();
    let mut report = DeadlineReport {
        today: settings.today,
        within: args.within.as_ref().map(|w| w.text.clone()),
        files: files.len(),
        deadlines: Vec::new(),
    };
    for result in per_file {
        report.deadlines.extend(result?);
    }
    // Files come in order, each soonest first; a stable sort keeps file order on equal dates.
    report.deadlines.sort_by_key(|d| d.due);
    let mut stdout = std::io::stdout().lock();
    let written = match settings.format {
        Format::Json => render::deadlines::json(&report, &mut stdout),
        Format::Markdown => render::deadlines::markdown(&report, &mut stdout),
        Format::Ics => render::ics::render(&report, &mut stdout),
        _ => render::deadlines::human(&report, settings.quiet, &mut stdout),
    };
    finish_output(written.and_then(|()| stdout.flush()))?;
    Ok(if report.count(Status::Overdue) > 0 {
        EXIT_FINDINGS
    } else {
        0
    })
}

/// `path` relative to the repository root with forward slashes, as links and calendar UIDs
/// need it; the path as given when it lies outside.
fn repository_path(path: &Path, root: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let relative = absolute.strip_prefix(&root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A reader that stops early (`| head`) is not an error; any other write error is.
fn finish_output(written: std::io::Result<()>) -> Result<(), miette::Report> {
    match written {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(miette::miette!("cannot write the report: {err}")),
        Ok(()) => Ok(()),
    }
}

/// `--diff`: the unified diff `--fix` would make to each file; exit 1 when there is one.
fn print_diffs(
    files: &[PathBuf],
    settings: &Settings,
    allow_unsafe: bool,
) -> Result<u8, miette::Report> {
    let results: Vec<Result<(PathBuf, String, String), miette::Report>> = files
        .par_iter()
        .map(|path| {
            let source = write::read_source(path)?;
            let lint = |text: &str| {
                crate::lint(
                    &SourceFile::new(path, text.to_string()),
                    &settings.pack,
                    settings.today,
                )
            };
            let fixed = fix::fix_until_stable(&source.text, allow_unsafe, lint)
                .map_err(|err| miette::miette!("{}: {err}", path.display()))?;
            Ok((path.clone(), source.text, fixed.text))
        })
        .collect();
    let mut changed = false;
    let mut failed = false;
    let mut stdout = std::io::stdout().lock();
    for result in results {
        match result {
            Ok((path, before, after)) if before != after => {
                changed = true;
                let name = path.display().to_string();
                let diff = similar::TextDiff::from_lines(&before, &after)
                    .unified_diff()
                    .header(&format!("a/{name}"), &format!("b/{name}"))
                    .to_string();
                if write!(stdout, "{diff}").is_err() {
                    break;
                }
            }
            Ok(_) => {}
            Err(err) => {
                failed = true;
                print_error(&err, false);
            }
        }
    }
    Ok(if failed {
        EXIT_ERROR
    } else if changed {
        EXIT_FINDINGS
    } else {
        0
    })
}

/// Which fixes `check` applies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FixMode {
    Off,
    Safe,
    Unsafe,
}

fn fix_mode(args: &CheckArgs) -> FixMode {
    match (args.fix, args.unsafe_fixes) {
        (false, _) => FixMode::Off,
        (true, false) => FixMode::Safe,
        (true, true) => FixMode::Unsafe,
    }
}

/// Reads and lints one file; with fixes on, fixes it first and reports what is left.
fn lint_file(
    path: &Path,
    settings: &Settings,
    mode: FixMode,
) -> Result<FileReport, miette::Report> {
    let source = write::read_source(path)?;
    let lint = |text: &str| {
        let source = SourceFile::new(path, text.to_string());
        crate::lint(&source, &settings.pack, settings.today)
    };
    if mode == FixMode::Off {
        let diagnostics = lint(&source.text);
        return Ok(FileReport {
            source,
            diagnostics,
            fixed: 0,
        });
    }
    let fixed =
        fix::fix_until_stable(&source.text, mode == FixMode::Unsafe, lint).map_err(|err| {
            miette::miette!(
                help = "please report this as a bug; run without --fix meanwhile",
                "{}: {err}; nothing was written",
                path.display()
            )
        })?;
    if fixed.text != source.text {
        // The text is the file's bytes, decoded without change.
        write::replace(path, source.text.as_bytes(), &fixed.text)?;
    }
    let diagnostics = lint(&fixed.text);
    Ok(FileReport {
        source: SourceFile::new(path, fixed.text),
        diagnostics,
        fixed: fixed.applied,
    })
}

fn missing_policy_report(root: &Path, settings: &Settings) -> FileReport {
    let names = settings.pack.file_names.join(" or ");
    let shown = if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root.to_path_buf()
    };
    let dirs: Vec<String> = discover::POLICY_DIRS
        .iter()
        .map(|d| {
            if d.is_empty() {
                "the repository root".to_string()
            } else {
                format!("{d}/")
            }
        })
        .collect();
    FileReport {
        source: SourceFile::new(shown, String::new()),
        diagnostics: vec![Diagnostic {
            rule: MissingPolicy::META.name,
            severity: settings
                .pack
                .severity(MissingPolicy::META.name)
                .unwrap_or(MissingPolicy::META.default_severity),
            span: Span::empty(0),
            message: format!(
                "no security policy found: no {names} in {}",
                dirs.join(", ")
            ),
            help: Some(
                "write one (a SECURITY.md in the repository root is the usual place), or \
                        pass the policy's PATH"
                    .to_string(),
            ),
            fix: None,
        }],
        fixed: 0,
    }
}

fn list_rules() -> Result<u8, miette::Report> {
    let mut out = std::io::stdout().lock();
    let width = rules::all().map(|m| m.name.len()).max().unwrap_or(0);
    for meta in rules::all() {
        let fix = match meta.fix {
            FixAvailability::None => "",
            FixAvailability::Safe => "  (fix)",
            FixAvailability::Unsafe => "  (unsafe fix)",
        };
        writeln!(
            out,
            "{:width$}  {:7}  {}{fix}",
            meta.name,
            meta.default_severity.to_string(),
            meta.summary
        )
        .map_err(|err| miette::miette!("cannot write: {err}"))?;
    }
    Ok(0)
}

fn explain_rule(name: &str) -> Result<u8, miette::Report> {
    let Some(meta) = rules::find(name) else {
        let names = rules::names();
        let help = match crate::pack::closest(name, &names) {
            Some(near) => format!("did you mean `{near}`? `policy-lint rules` lists every rule"),
            None => "`policy-lint rules` lists every rule".to_string(),
        };
        return Err(miette::miette!(help = help, "unknown rule `{name}`"));
    };
    let docs: Vec<&str> = meta
        .docs
        .lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect();
    println!(
        "# {}\n\n{}\n\nDefault severity: {}\n",
        meta.name, meta.summary, meta.default_severity
    );
    println!("{}", docs.join("\n").trim_end());
    Ok(0)
}

/// The one policy file a recording command works on: `--file`, else the one discovered.
fn policy_file(file: Option<&Path>, settings: &Settings) -> Result<PathBuf, miette::Report> {
    if let Some(file) = file {
        return Ok(file.to_path_buf());
    }
    let cwd = std::env::current_dir()
        .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;
    let found = discover::discover(&discover::repository_root(&cwd), &settings.pack.file_names);
    match found.as_slice() {
        [one] => Ok(discover::display_path(one, &cwd)),
        [] => Err(miette::miette!(
            help = "pass the policy with --file, e.g. `--file SECURITY.md`",
            "no policy file found in the repository root, .github/ or docs/"
        )),
        many => Err(miette::miette!(
            help = "choose one with --file",
            "several policy files found: {}",
            many.iter()
                .map(|p| discover::display_path(p, &cwd).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Runs a recording command: reads the policy, computes its edits, applies them (keeping
/// aligned tables aligned), writes the file and says what changed.
fn record(
    cli: &Cli,
    file: Option<&Path>,
    compute: impl FnOnce(&SourceFile, &Settings) -> Result<(Update, Option<String>), miette::Report>,
) -> Result<u8, miette::Report> {
    let settings = Settings::resolve(&cli.global, FailOn::Error)?;
    let path = policy_file(file, &settings)?;
    let source = write::read_source(&path)?;
    let (update, next_step) = compute(&source, &settings)?;
    let text = write::record(&source, &update.edits)?;
    if settings.quiet {
        return Ok(0);
    }
    let after = SourceFile::new(&path, text.clone());
    let doc = Document::parse(&after);
    let policy = Policy::new(&doc, &settings.pack);
    let window = i64::from(settings.pack.rotation.warning_window_days);
    let next_due: Vec<Deadline> = schedule::obligations(&policy)
        .iter()
        .filter(|o| update.follow.contains(&o.key()))
        .map(|o| Deadline::new(o, &after, "", settings.today, window))
        .collect();
    let shown = path.display().to_string();
    if settings.format == Format::Json {
        let json = serde_json::json!({
            "tool": "policy-lint",
            "version": env!("CARGO_PKG_VERSION"),
            "today": iso(settings.today),
            "path": shown,
            "changes": update.changes,
            "next_due": next_due.iter().map(|d| serde_json::json!({
                "what": d.title, "due": iso(d.due),
            })).collect::<Vec<_>>(),
        });
        println!("{json:#}");
        return Ok(0);
    }
    if text == source.text {
        println!("{shown}: nothing to change");
    } else {
        println!("Updated {shown}:");
    }
    for change in &update.changes {
        println!("  {change}");
    }
    for d in &next_due {
        println!(
            "Next due: {} on {} ({}, {})",
            d.title,
            iso(d.due),
            d.frequency,
            d.when()
        );
    }
    if let Some(next_step) = next_step.filter(|_| text != source.text) {
        println!("Next: commit the change and tag it: {next_step}");
    }
    Ok(0)
}
