//! The commands: resolve settings, find files, lint in parallel, render, pick the exit code.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use rayon::prelude::*;

use crate::cli::{CheckArgs, Cli, Command, FailOn, Format, IncidentCommand};
use crate::dates::iso;
use crate::diagnostic::Diagnostic;
use crate::render::{self, FileReport, RenderOptions, Report};
use crate::rule::FixAvailability;
use crate::rules::{self, MissingPolicy};
use crate::settings::Settings;
use crate::source::{EncodingError, SourceFile, Span};
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
    let cwd = std::env::current_dir()
        .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;

    let mut files = Vec::new();
    let mut missing_policy = None;
    if args.paths.is_empty() {
        let root = discover::repository_root(&cwd);
        files = discover::discover(&root, &settings.pack.file_names)
            .into_iter()
            .map(|path| discover::display_path(&path, &cwd))
            .collect();
        if files.is_empty() {
            missing_policy = Some(discover::display_path(&root, &cwd));
        }
    }
    for path in &args.paths {
        if path.is_dir() {
            let found = discover::walk(path, &settings.pack.file_names).map_err(|err| {
                miette::miette!("cannot walk the directory {}: {err}", path.display())
            })?;
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }

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
    match written {
        // A reader that stops early (`| head`) is not an error.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(err) => return Err(miette::miette!("cannot write the report: {err}")),
        Ok(()) => {}
    }

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

/// `--diff`: the unified diff `--fix` would make to each file; exit 1 when there is one.
fn print_diffs(
    files: &[PathBuf],
    settings: &Settings,
    allow_unsafe: bool,
) -> Result<u8, miette::Report> {
    let results: Vec<Result<(PathBuf, String, String), miette::Report>> = files
        .par_iter()
        .map(|path| {
            let source = read_source(path)?;
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

/// Reads a file as UTF-8; anything else is an error that names the file.
fn read_source(path: &Path) -> Result<SourceFile, miette::Report> {
    let bytes = std::fs::read(path).map_err(|err| {
        miette::miette!(
            help = "check the path; a file PATH is linted as given",
            "cannot read {}: {err}",
            path.display()
        )
    })?;
    SourceFile::from_bytes(path, bytes).map_err(|err| encoding_error(&err))
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
    let source = read_source(path)?;
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

/// An encoding error naming the file, the byte and its line, with the bytes around it shown.
fn encoding_error(err: &EncodingError) -> miette::Report {
    let line = err.line;
    miette::miette!(
        code = "policy_lint::encoding",
        help = "policy-lint reads UTF-8 only; convert the file, e.g. \
                `iconv -f latin1 -t utf-8 FILE > FILE.utf8 && mv FILE.utf8 FILE`",
        "{} is not valid UTF-8: byte {} (line {line}) is not part of a UTF-8 character",
        err.path.display(),
        err.offset,
    )
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
    let source = read_source(&path)?;
    let (update, next_step) = compute(&source, &settings)?;
    let mut edits: Vec<&fix::Edit> = update.edits.iter().collect();
    edits.sort_by_key(|e| e.span);
    let text = fix::apply(&source.text, &edits);
    if text != source.text {
        write::replace(&path, source.text.as_bytes(), &text)?;
    }
    if settings.quiet {
        return Ok(0);
    }
    let shown = path.display().to_string();
    if settings.format == Format::Json {
        let json = serde_json::json!({
            "tool": "policy-lint",
            "version": env!("CARGO_PKG_VERSION"),
            "today": iso(settings.today),
            "path": shown,
            "changes": update.changes,
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
    if let Some(next_step) = next_step.filter(|_| text != source.text) {
        println!("Next: commit the change and tag it: {next_step}");
    }
    Ok(0)
}
