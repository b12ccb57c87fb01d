//! `check` (the default command): find the files, lint them in parallel (fixing them with
//! `--fix`), render the report, pick the exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::{EXIT_ERROR, EXIT_FINDINGS, Input, Searched, each_input, emit, inputs, print_error};
use crate::cli::{CheckArgs, Cli, Format};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::fix;
use crate::io::source::{SourceFile, Span};
use crate::io::{discover, write};
use crate::render::{self, FileReport, RenderOptions, Report, summary_line};
use crate::rules::MissingPolicy;
use crate::settings::Settings;

pub fn check(cli: &Cli, args: &CheckArgs) -> Result<u8, miette::Report> {
    // The configuration of text from standard input is found from where it would live.
    let near = args
        .stdin_filename
        .as_deref()
        .and_then(Path::parent)
        .filter(|dir| !dir.as_os_str().is_empty());
    let settings = Settings::resolve(&cli.global, args.fail_on, near)?;
    if matches!(settings.format, Format::Markdown | Format::Ics) {
        return Err(miette::miette!(
            help = "use --format human, concise, json, sarif or github; `policy-lint deadlines \
                    --format markdown` prints the schedule",
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
    let found = inputs(
        &args.paths,
        &settings,
        &cwd,
        args.stdin_filename.as_deref(),
        args.no_ignore,
    )?;
    let root = discover::repository_root(&cwd);

    if args.diff {
        return print_diffs(&found.inputs, &settings, args.unsafe_fixes);
    }
    if args.fix && found.inputs.iter().any(|i| matches!(i, Input::Stdin(_))) {
        return Err(miette::miette!(
            help = "use `--diff -` to see the changes --fix would make",
            "--fix cannot write its changes back to standard input"
        ));
    }
    let lint_all = || {
        each_input(&found.inputs, |input| {
            lint_file(input, &settings, fix_mode(args))
        })
    };
    // A written file is synced to disk before it replaces the old one, and a sync mostly
    // waits: with more threads than cores, the waits of many files overlap.
    let writers = (args.fix && found.inputs.len() > 1)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(WRITING_THREADS)
                .build()
                .ok()
        })
        .flatten();
    let results = match writers {
        Some(pool) => pool.install(lint_all),
        None => lint_all(),
    };
    let mut report = Report {
        today: settings.today,
        root,
        files: Vec::new(),
    };
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(file) => report.files.push(file),
            Err(err) => errors.push(err),
        }
    }
    for searched in &found.without_policy {
        report
            .files
            .push(missing_policy_report(searched, &settings));
    }

    let options = RenderOptions {
        color: settings.color && args.output.output_file.is_none(),
        quiet: settings.quiet,
        statistics: args.statistics,
    };
    // A text report of no file at all would only say "All checks passed" above the errors.
    let nothing_read = report.files.is_empty() && !errors.is_empty();
    let to_file = if nothing_read && matches!(settings.format, Format::Human | Format::Concise) {
        false
    } else {
        emit(args.output.output_file.as_deref(), |out| {
            render::render(settings.format, &report, options, out)
        })?
    };
    if to_file && !settings.quiet {
        println!("{}", summary_line(report.summary()));
    }
    if settings.format == Format::Github {
        step_summary(&report)?;
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

/// Threads that lint and write files with `--fix`, whatever the number of cores.
const WRITING_THREADS: usize = 16;

/// With `--format github` in a workflow, a table of every finding goes to the step summary.
fn step_summary(report: &Report) -> Result<(), miette::Report> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut text = Vec::new();
    render::github::step_summary(report, &mut text)
        .map_err(|err| miette::miette!("cannot render the step summary: {err}"))?;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(&text))
        .map_err(|err| {
            miette::miette!(
                "cannot append to GITHUB_STEP_SUMMARY ({}): {err}",
                Path::new(&path).display()
            )
        })
}

/// `--diff`: the unified diff `--fix` would make to each file; exit 1 when there is one.
fn print_diffs(
    files: &[Input],
    settings: &Settings,
    allow_unsafe: bool,
) -> Result<u8, miette::Report> {
    let results: Vec<Result<(PathBuf, String, String), miette::Report>> =
        each_input(files, |input| {
            let source = input.read()?;
            let path = input.path();
            let lint =
                |doc: &Document<'_>| crate::lint_document(doc, &settings.pack, settings.today);
            let fixed = fix::fix_until_stable(&source, allow_unsafe, lint)
                .map_err(|err| miette::miette!("{}: {err}", path.display()))?;
            Ok((path.to_path_buf(), source.text, fixed.source.text))
        });
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

/// Reads and lints one document; with fixes on, fixes it first and reports what is left.
fn lint_file(
    input: &Input,
    settings: &Settings,
    mode: FixMode,
) -> Result<FileReport, miette::Report> {
    let source = input.read()?;
    let path = input.path();
    let lint = |doc: &Document<'_>| crate::lint_document(doc, &settings.pack, settings.today);
    if mode == FixMode::Off {
        let diagnostics = crate::lint(&source, &settings.pack, settings.today);
        return Ok(FileReport {
            source,
            diagnostics,
            fixed: 0,
        });
    }
    let fixed = fix::fix_until_stable(&source, mode == FixMode::Unsafe, lint).map_err(|err| {
        miette::miette!(
            help = "please report this as a bug; run without --fix meanwhile",
            "{}: {err}; nothing was written",
            path.display()
        )
    })?;
    if fixed.source.text != source.text {
        // The text is the file's bytes, decoded without change.
        write::replace(path, source.text.as_bytes(), &fixed.source.text)?;
    }
    Ok(FileReport {
        source: fixed.source,
        diagnostics: fixed.diagnostics,
        fixed: fixed.applied,
    })
}

/// The `missing-policy` finding for a directory in which discovery or a walk found nothing.
fn missing_policy_report(searched: &Searched, settings: &Settings) -> FileReport {
    let names = settings.pack.file_names.join(" or ");
    let (dir, message) = match searched {
        Searched::Discovery(dir) => {
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
            let message = format!(
                "no security policy found: no {names} in {}",
                dirs.join(", ")
            );
            (dir, message)
        }
        Searched::Walk(dir) => {
            let message = format!(
                "no security policy found: no {names} anywhere under {}",
                dir.display()
            );
            (dir, message)
        }
    };
    let shown = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    };
    FileReport {
        source: SourceFile::new(shown, String::new()),
        diagnostics: vec![Diagnostic {
            rule: MissingPolicy::META.name,
            severity: settings
                .pack
                .severity(MissingPolicy::META.name)
                .unwrap_or(MissingPolicy::META.default_severity),
            span: Span::empty(0),
            message,
            help: Some(
                "write one with `policy-lint init` (a SECURITY.md in the repository root is the \
                 usual place), or pass the policy's PATH"
                    .to_string(),
            ),
            fix: None,
        }],
        fixed: 0,
    }
}
