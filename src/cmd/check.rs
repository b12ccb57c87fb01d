//! `check` (the default command): find the files, lint them in parallel (fixing them with
//! `--fix`), render the report, pick the exit code.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::{
    EXIT_ERROR, EXIT_FINDINGS, Finding, Input, Searched, each_input, emit, inputs, print_error,
};
use crate::cli::{CheckArgs, Cli, DeadlineMode, Format};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::fix;
use crate::io::source::{SourceFile, Span};
use crate::io::{discover, write};
use crate::kind::DocumentKind;
use crate::render::{self, FileReport, RenderOptions, Report, summary_line};
use crate::rules::security_txt::agreement::PolicyFacts;
use crate::rules::{self, MissingPolicy};
use crate::settings::Settings;

pub fn check(cli: &Cli, args: &CheckArgs) -> Result<u8, miette::Report> {
    // The configuration of text from standard input is found from where it would live.
    let near = args
        .stdin_filename
        .as_deref()
        .and_then(Path::parent)
        .filter(|dir| !dir.as_os_str().is_empty());
    let mut settings = Settings::resolve(&cli.global, args.format.into(), args.fail_on, near)?;
    let configured: Vec<bool> = rules::names()
        .iter()
        .map(|r| settings.pack.enabled(r))
        .collect();
    settings.pack.select(
        args.select.as_deref(),
        &args.extend_select,
        &args.ignore,
        &rules::names(),
    )?;
    let cwd = std::env::current_dir()
        .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;
    let root = discover::repository_root(&cwd);
    let mut globs = args
        .exclude
        .clone()
        .unwrap_or_else(|| settings.pack.exclude.clone());
    globs.extend(args.extend_exclude.iter().cloned());
    let exclude = discover::Exclude::new(&root, &cwd, &globs)?;
    if args.show_settings {
        return show_settings(cli, args, &settings, &configured, &globs);
    }
    let finding = Finding {
        stdin_name: args.stdin_filename.as_deref(),
        no_ignore: args.no_ignore,
        exclude: &exclude,
        force_exclude: args.force_exclude,
    };
    let found = inputs(&args.paths, &settings, &cwd, &finding)?;
    if args.show_files {
        let mut listed = String::new();
        for input in &found.inputs {
            listed.push_str(&format!("{}\n", input.path().display()));
        }
        return super::print_bytes(listed.as_bytes());
    }

    if args.diff {
        return print_diffs(&found.inputs, &settings, args.unsafe_fixes);
    }
    if args.fix
        && let Some(Input::Stdin(source)) =
            found.inputs.iter().find(|i| matches!(i, Input::Stdin(_)))
    {
        if found.inputs.len() > 1 {
            return Err(miette::miette!(
                help = "fix standard input on its own: `policy-lint --fix -`",
                "--fix with `-` prints the fixed text, which cannot be mixed with files"
            ));
        }
        let color = crate::settings::use_color(cli.global.color, std::io::stderr().is_terminal());
        return fix_stdin(source, &settings, args, color);
    }
    let lint_all = || lint_inputs(&found.inputs, &settings, fix_mode(args));
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
        files: Vec::with_capacity(found.inputs.len() + found.without_policy.len()),
    };
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(file) => report.files.push(file),
            Err(err) => errors.push(err),
        }
    }
    if settings.pack.enabled(MissingPolicy::META.name) {
        for searched in &found.without_policy {
            report
                .files
                .push(missing_policy_report(searched, &settings));
        }
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
        super::print_bytes(format!("{}\n", summary_line(report.summary())).as_bytes())?;
    }
    if settings.format == Format::Github {
        step_summary(&report)?;
    }

    let code = if errors.is_empty() {
        exit_code(&report, &settings, args)
    } else {
        let color = crate::settings::use_color(cli.global.color, std::io::stderr().is_terminal());
        for err in &errors {
            print_error(err, color);
        }
        EXIT_ERROR
    };
    super::keep_until_exit(report.files);
    Ok(code)
}

/// 1 when a finding at or above `--fail-on` counts (with `--deadlines report`, deadline
/// findings do not), or with `--exit-non-zero-on-fix` when a fix was applied; else 0.
fn exit_code(report: &Report, settings: &Settings, args: &CheckArgs) -> u8 {
    let counts = |d: &Diagnostic| {
        args.deadlines == DeadlineMode::Fail || !rules::DEADLINE_RULES.contains(&d.rule)
    };
    let fixed = args.exit_non_zero_on_fix && report.summary().fixed > 0;
    if report.fails(settings.fail_on, counts) || fixed {
        EXIT_FINDINGS
    } else {
        0
    }
}

/// `--fix -`: the fixed document on standard output (for an editor's fix-on-save), what is
/// left of the findings on standard error.
fn fix_stdin(
    source: &SourceFile,
    settings: &Settings,
    args: &CheckArgs,
    color: bool,
) -> Result<u8, miette::Report> {
    let fixed = fix::fix_file(
        source,
        args.unsafe_fixes,
        &settings.pack,
        settings.today,
        None,
    )
    .map_err(|err| {
        miette::miette!(
            help = "please report this as a bug; run without --fix meanwhile",
            "{}: {err}; the text is printed unchanged",
            source.path().display()
        )
    })?;
    super::print_bytes(fixed.source.text.as_bytes())?;
    let report = Report {
        today: settings.today,
        root: PathBuf::new(),
        files: vec![FileReport {
            source: fixed.source,
            diagnostics: fixed.diagnostics,
            fixed: fixed.applied,
        }],
    };
    let options = RenderOptions {
        color,
        quiet: settings.quiet,
        statistics: args.statistics,
    };
    let mut text = Vec::new();
    render::render(settings.format, &report, options, &mut text)
        .map_err(|err| miette::miette!("cannot render the report: {err}"))?;
    let _ = std::io::stderr().write_all(&text);
    Ok(exit_code(&report, settings, args))
}

/// `--show-settings`: every resolved setting, and where it came from.
fn show_settings(
    cli: &Cli,
    args: &CheckArgs,
    settings: &Settings,
    configured: &[bool],
    exclude: &[String],
) -> Result<u8, miette::Report> {
    let given = |id: &str| {
        if cli.global.given.iter().any(|g| g == id) {
            "the command line"
        } else {
            "the default"
        }
    };
    let mut rows: Vec<(String, String, String)> = settings.sources.clone();
    rows.push((
        "format".into(),
        format!("{:?}", settings.format).to_lowercase(),
        given("format").into(),
    ));
    rows.push((
        "fail-on".into(),
        format!("{:?}", args.fail_on).to_lowercase(),
        given("fail_on").into(),
    ));
    rows.push((
        "deadlines".into(),
        format!("{:?}", args.deadlines).to_lowercase(),
        given("deadlines").into(),
    ));
    let pack_source = if settings.config.is_some() {
        "the configuration or the pack it extends"
    } else {
        "the built-in pack"
    };
    rows.push((
        "file-names".into(),
        settings.pack.file_names.join(", "),
        pack_source.into(),
    ));
    let exclude_source = if args.exclude.is_some() {
        "--exclude"
    } else if !args.extend_exclude.is_empty() {
        "the configuration and --extend-exclude"
    } else {
        pack_source
    };
    let shown = if exclude.is_empty() {
        "(nothing)".to_string()
    } else {
        exclude.join(", ")
    };
    rows.push(("exclude".into(), shown, exclude_source.into()));
    rows.push((
        "warning-window".into(),
        format!("{} days", settings.pack.rotation.warning_window_days),
        pack_source.into(),
    ));
    rows.push((
        "security-txt file-names".into(),
        settings.pack.security_txt.file_names.join(", "),
        pack_source.into(),
    ));
    rows.push((
        "security-txt warning-window".into(),
        format!("{} days", settings.pack.security_txt.warning_window_days),
        pack_source.into(),
    ));
    rows.push((
        "review-cadence".into(),
        settings.pack.review.default_cadence_text.clone(),
        pack_source.into(),
    ));
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let value_width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    let mut text = String::new();
    for (name, value, source) in &rows {
        let pad = value_width - value.chars().count();
        text.push_str(&format!(
            "{name:width$}  {value}{}  (from {source})\n",
            " ".repeat(pad)
        ));
    }
    text.push_str("\nrules:\n");
    let names = rules::names();
    let rule_width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let selection_given =
        args.select.is_some() || !args.extend_select.is_empty() || !args.ignore.is_empty();
    for (rule, was) in names.iter().zip(configured) {
        let on = settings.pack.enabled(rule);
        let severity = settings
            .pack
            .severity(rule)
            .or_else(|| rules::find(rule).map(|m| m.default_severity))
            .map_or(String::new(), |s| s.to_string());
        let configured_here = settings.config.is_some()
            && settings
                .pack
                .rules
                .get(*rule)
                .is_some_and(|s| s.severity.is_some());
        let source = if on != *was && selection_given {
            "--select/--extend-select/--ignore"
        } else if configured_here || !was {
            pack_source
        } else {
            "the default"
        };
        text.push_str(&format!(
            "  {rule:rule_width$}  {:3}  {severity:7}  (from {source})\n",
            if on { "on" } else { "off" }
        ));
    }
    super::print_bytes(text.as_bytes())
}

/// Threads that lint and write files with `--fix`, whatever the number of cores.
const WRITING_THREADS: usize = 16;

/// With `--format github` in a workflow, a table of every finding goes to the step summary.
fn step_summary(report: &Report) -> Result<(), miette::Report> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut text = Vec::new();
    let link_base = render::github::blob_url_from_env();
    render::github::step_summary(report, link_base.as_deref(), &mut text)
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
            let fixed = fix::fix_file(&source, allow_unsafe, &settings.pack, settings.today, None)
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

/// Lints (and with fixes on, fixes) every input, in parallel, reports in input order. Each
/// security.txt is paired by path with the policy it answers to (the nearest one among the
/// inputs in a folder above it) before anything is read. The policies go first, and the facts
/// of each that a security.txt answers to are gathered as it is linted; then the security.txt
/// files, each held against its policy's facts. (Linting each policy with its security.txt
/// in one task measured slower, 1.16 against 1.07 times the time of the policies alone: each
/// pass keeps one kind's code and data in the caches.)
fn lint_inputs(
    inputs: &[Input],
    settings: &Settings,
    mode: FixMode,
) -> impl Iterator<Item = Result<FileReport, miette::Report>> {
    // The policies' facts are gathered only for an agreement rule to read.
    let agreement = rules::security_txt::agreement::RULES
        .iter()
        .any(|rule| settings.pack.enabled(rule.name));
    let (policies, txts): (Vec<usize>, Vec<usize>) = (0..inputs.len()).partition(|&at| {
        DocumentKind::of(inputs[at].path(), &settings.pack) == DocumentKind::Policy
    });
    let answers_to = policies_of(inputs, &policies, &txts);
    let mut gather = vec![false; policies.len()];
    if agreement {
        for &policy in answers_to.iter().flatten() {
            gather[policy] = true;
        }
    }
    let gathering = gather.iter().filter(|&&g| g).count();
    let work: Vec<(usize, bool)> = policies.iter().copied().zip(gather).collect();
    let mut linted_policies = each_input(&work, |&(at, gather)| {
        lint_policy(&inputs[at], settings, mode, gather)
    });
    let on_disk = PoliciesOnDisk::default();
    let pairs: Vec<(usize, Option<usize>)> = txts.iter().copied().zip(answers_to).collect();
    let linted_txts = each_input(&pairs, |&(at, policy)| {
        let input = &inputs[at];
        let from_disk = (agreement && policy.is_none())
            .then(|| on_disk.policy_of(input.path(), settings))
            .flatten();
        let facts = policy
            .and_then(|p| linted_policies[p].as_ref().ok())
            .and_then(|(_, facts)| facts.as_ref())
            .or(from_disk.as_deref());
        lint_security_txt_file(input, settings, mode, facts)
    });
    let mut facts = Vec::with_capacity(gathering);
    for (_, gathered) in linted_policies.iter_mut().flatten() {
        facts.extend(gathered.take());
    }
    super::keep_until_exit(facts);
    // Back to input order: the two lists are each in input order, and are merged.
    let mut policies = policies.into_iter().zip(linted_policies).peekable();
    let mut txts = txts.into_iter().zip(linted_txts);
    (0..inputs.len()).filter_map(move |at| match policies.peek() {
        Some(&(policy, _)) if policy == at => policies
            .next()
            .map(|(_, result)| result.map(|(report, _)| report)),
        _ => txts.next().map(|(_, result)| result),
    })
}

/// For each security.txt (`txts`, indexes into `inputs`), the policy it answers to, as a
/// position in `policies`: the nearest one serving a folder above it (of two serving one
/// folder, the first), found by path alone.
fn policies_of(inputs: &[Input], policies: &[usize], txts: &[usize]) -> Vec<Option<usize>> {
    if txts.is_empty() {
        return Vec::new();
    }
    // Folders by their bytes as written: a walk writes every path from the same prefix, and
    // hashing bytes is cheaper than hashing a path's components.
    let mut by_home: rustc_hash::FxHashMap<&[u8], usize> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(policies.len(), Default::default());
    for (position, &at) in policies.iter().enumerate() {
        let home = home_of(inputs[at].path());
        by_home
            .entry(home.as_os_str().as_encoded_bytes())
            .or_insert(position);
    }
    each_input(txts, |&at| {
        let dir = inputs[at].path().parent().unwrap_or(Path::new(""));
        dir.ancestors()
            .find_map(|d| by_home.get(d.as_os_str().as_encoded_bytes()))
            .copied()
    })
}

/// The facts of policies read from disk, by repository root, for the security.txt files whose
/// policy is not among the inputs.
#[derive(Default)]
struct PoliciesOnDisk {
    read: std::sync::Mutex<std::collections::HashMap<PathBuf, Option<std::sync::Arc<PolicyFacts>>>>,
}

impl PoliciesOnDisk {
    /// The policy discovery finds in the repository of the security.txt at `path`.
    fn policy_of(&self, path: &Path, settings: &Settings) -> Option<std::sync::Arc<PolicyFacts>> {
        let dir = path.parent().unwrap_or(Path::new(""));
        let start = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let absolute = std::fs::canonicalize(start).ok()?;
        let root = discover::repository_root(&absolute);
        let mut read = self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        read.entry(root.clone())
            .or_insert_with(|| {
                let policy = discover::discover(&root, &settings.pack.file_names)
                    .into_iter()
                    .next()?;
                let source = write::read_source(&policy).ok()?;
                let doc = Document::parse(&source);
                let policy_model = crate::lint::policy::Policy::new(&doc, &settings.pack);
                let mut facts = PolicyFacts::gather(&doc, &policy_model, &settings.pack);
                if let Ok(cwd) = std::env::current_dir() {
                    facts.path = discover::display_path(&policy, &cwd)
                        .to_string_lossy()
                        .into();
                }
                Some(std::sync::Arc::new(facts))
            })
            .clone()
    }
}

/// The folder a policy serves: its own, or the one above `.github/` or `docs/`.
fn home_of(policy: &Path) -> &Path {
    let dir = policy.parent().unwrap_or(Path::new(""));
    let served_from_parent = dir.file_name().is_some_and(|name| {
        discover::POLICY_DIRS
            .iter()
            .any(|d| !d.is_empty() && name == *d)
    });
    if served_from_parent {
        dir.parent().unwrap_or(Path::new(""))
    } else {
        dir
    }
}

/// Reads and lints one Markdown policy; with fixes on, fixes it first and reports what is
/// left. With `gather`, also the facts a security.txt is held against.
fn lint_policy(
    input: &Input,
    settings: &Settings,
    mode: FixMode,
    gather: bool,
) -> Result<(FileReport, Option<PolicyFacts>), miette::Report> {
    let source = input.read()?;
    let path = input.path();
    let (pack, today) = (&settings.pack, settings.today);
    if mode == FixMode::Off {
        let (diagnostics, facts) = {
            let doc = Document::parse(&source);
            crate::lint_document_gathering(&doc, pack, today, gather)
        };
        return Ok((lint_report(source, diagnostics), facts));
    }
    let mut facts = None;
    let lint = |doc: &Document<'_>| {
        let (diagnostics, gathered) = crate::lint_document_gathering(doc, pack, today, gather);
        facts = gathered;
        diagnostics
    };
    let fixed = fix::fix_until_stable(&source, mode == FixMode::Unsafe, lint)
        .map_err(|err| fix_failed(path, &err))?;
    Ok((written(path, &source, fixed)?, facts))
}

/// Reads and lints one security.txt, held against its repository's policy when `policy`
/// gives its facts; with fixes on, fixes it first.
fn lint_security_txt_file(
    input: &Input,
    settings: &Settings,
    mode: FixMode,
    policy: Option<&PolicyFacts>,
) -> Result<FileReport, miette::Report> {
    let source = input.read()?;
    let path = input.path();
    let (pack, today) = (&settings.pack, settings.today);
    if mode == FixMode::Off {
        let diagnostics = {
            let txt = crate::security_txt::SecurityTxt::parse(&source);
            crate::lint_security_txt(&txt, pack, today, policy)
        };
        return Ok(lint_report(source, diagnostics));
    }
    let fixed = fix::fix_file(&source, mode == FixMode::Unsafe, pack, today, policy)
        .map_err(|err| fix_failed(path, &err))?;
    written(path, &source, fixed)
}

/// The report of a linted file, which a large run keeps until it ends: the text only for
/// the findings shown in it, and the list of findings at its exact size.
fn lint_report(source: SourceFile, mut diagnostics: Vec<Diagnostic>) -> FileReport {
    let source = if diagnostics.is_empty() {
        source.without_text()
    } else {
        source
    };
    diagnostics.shrink_to_fit();
    FileReport {
        source,
        diagnostics,
        fixed: 0,
    }
}

fn fix_failed(path: &Path, err: &fix::FixError) -> miette::Report {
    miette::miette!(
        help = "please report this as a bug; run without --fix meanwhile",
        "{}: {err}; nothing was written",
        path.display()
    )
}

/// Writes a fixed file when its text changed, and reports what is left.
fn written(
    path: &Path,
    source: &SourceFile,
    fixed: fix::Fixed,
) -> Result<FileReport, miette::Report> {
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
