//! One file per command; `run.rs` dispatches to them. Shared here: which files a command works
//! on, where its report goes, and how errors are printed.

mod check;
mod deadlines;
mod init;
mod record;
mod rules;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub use check::check;
pub use deadlines::deadlines;
pub use init::init;
pub use record::{Recorded, Tag, record};
pub use rules::{explain_rule, list_rules};

use crate::io::discover;
use crate::io::source::SourceFile;
use crate::io::write;
use crate::render;
use crate::settings::Settings;

/// Exit code 1: findings at or above the failing severity (or an overdue deadline).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code 2: usage, configuration, I/O or encoding error.
pub const EXIT_ERROR: u8 = 2;

/// Prints an error as a graphical report on standard error.
pub fn print_error(report: &miette::Report, color: bool) {
    let mut text = String::new();
    if render::graphical_handler(color)
        .render_report(&mut text, report.as_ref())
        .is_err()
    {
        text = format!("error: {report}");
    }
    eprintln!("{text}");
}

/// Writes `bytes` to standard output; a reader that stops early (`| head`) ends the command
/// quietly, with exit code 0.
pub fn print_bytes(bytes: &[u8]) -> Result<u8, miette::Report> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(miette::miette!("cannot write to standard output: {err}"))
        }
        _ => Ok(0),
    }
}

/// `work` applied to every input, in order: in parallel when there are several, on this
/// thread when there is one (starting the thread pool costs more than a small file).
pub fn each_input<I: Sync, T: Send>(inputs: &[I], work: impl Fn(&I) -> T + Sync + Send) -> Vec<T> {
    use rayon::prelude::*;
    if inputs.len() == 1 {
        inputs.iter().map(work).collect()
    } else {
        inputs.par_iter().map(work).collect()
    }
}

/// Leaves the items of a large run for the operating system to take back, all at once, when
/// the command ends, instead of freeing them block by block. The reports of a run hold every
/// file's text and findings; freeing those of 20,000 files costs a fiftieth of the run's
/// time, and on a thread of its own it still competed with rendering the report and delayed
/// the exit. Only for what a command is done with in its last steps: a command runs once in
/// its process.
pub fn keep_until_exit<T>(items: Vec<T>) {
    const MANY: usize = 1000;
    if items.len() >= MANY {
        std::mem::forget(items);
    }
}

/// A document to lint: a file, or the text read from standard input (PATH `-`).
pub enum Input {
    /// A file named on the command line or found by discovery: it may be a pipe.
    File(PathBuf),
    /// A regular file a directory walk found.
    Walked(PathBuf),
    Stdin(SourceFile),
}

impl Input {
    /// The path shown for it: the file's path, `--stdin-filename`, or `-`.
    pub fn path(&self) -> &Path {
        match self {
            Input::File(path) | Input::Walked(path) => path,
            Input::Stdin(source) => source.path(),
        }
    }

    pub fn read(&self) -> Result<SourceFile, miette::Report> {
        match self {
            Input::File(path) => write::read_source(path),
            Input::Walked(path) => write::read_regular_file(path),
            Input::Stdin(source) => Ok(source.clone()),
        }
    }
}

/// The documents a command works on, and the directories in which a search found no policy.
pub struct Inputs {
    pub inputs: Vec<Input>,
    pub without_policy: Vec<Searched>,
}

/// A directory searched for policies.
pub enum Searched {
    /// Discovery: the repository root, `.github/` and `docs/`.
    Discovery(PathBuf),
    /// A directory PATH, walked.
    Walk(PathBuf),
}

/// How [`inputs`] finds the documents.
pub struct Finding<'a> {
    /// `--stdin-filename`: the name of the text read from standard input.
    pub stdin_name: Option<&'a Path>,
    /// `--no-ignore`: also walk what ignore files hide.
    pub no_ignore: bool,
    /// What walks and discovery leave out.
    pub exclude: &'a discover::Exclude,
    /// `--force-exclude`: leave out excluded files named on the command line too.
    pub force_exclude: bool,
}

/// Each file PATH as given, each directory PATH walked, `-` read from standard input once, or
/// with no PATH the discovered policies and security.txt files. A PATH that does not exist is an error (with a
/// suggestion when it looks like a misspelt command).
pub fn inputs(
    paths: &[PathBuf],
    settings: &Settings,
    cwd: &Path,
    finding: &Finding<'_>,
) -> Result<Inputs, miette::Report> {
    let mut found = Inputs {
        inputs: Vec::new(),
        without_policy: Vec::new(),
    };
    let exclude = finding.exclude;
    if paths.is_empty() {
        let root = discover::repository_root(cwd);
        found.inputs = discover::discover(&root, &settings.pack.file_names)
            .into_iter()
            .filter(|path| !exclude.excludes(path, false))
            .map(|path| Input::File(discover::display_path(&path, cwd)))
            .collect();
        if found.inputs.is_empty() && !settings.pack.file_names.is_empty() {
            found
                .without_policy
                .push(Searched::Discovery(discover::display_path(&root, cwd)));
        }
        let txt =
            discover::discover_security_txt(&root, &settings.pack.security_txt.file_names, exclude)
                .map_err(|err| {
                    miette::miette!("cannot walk the repository {}: {err}", root.display())
                })?;
        found.inputs.extend(
            txt.into_iter()
                .map(|path| Input::Walked(discover::display_path(&path, cwd))),
        );
        return Ok(found);
    }
    let mut stdin_read = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if !std::mem::replace(&mut stdin_read, true) {
                found
                    .inputs
                    .push(Input::Stdin(read_stdin(finding.stdin_name)?));
            }
        } else if path.is_dir() {
            let wanted = discover::Wanted {
                policies: &settings.pack.file_names,
                security_txt: &settings.pack.security_txt.file_names,
            };
            let files =
                discover::walk(path, &wanted, finding.no_ignore, exclude).map_err(|err| {
                    miette::miette!("cannot walk the directory {}: {err}", path.display())
                })?;
            // A walk that found a security.txt was meant for it: only one that found nothing
            // is a folder without a policy.
            if files.is_empty() && !settings.pack.file_names.is_empty() {
                found.without_policy.push(Searched::Walk(path.clone()));
            }
            found.inputs.extend(files.into_iter().map(Input::Walked));
        } else if !path.exists() && path.symlink_metadata().is_err() {
            return Err(missing_path(path));
        } else if !(finding.force_exclude && exclude.excludes(path, false)) {
            found.inputs.push(Input::File(path.clone()));
        }
    }
    Ok(found)
}

/// A PATH that does not exist; when it is close to a command's name, the command was meant.
fn missing_path(path: &Path) -> miette::Report {
    use clap::CommandFactory;
    let text = path.to_string_lossy();
    let names = crate::cli::command_names(&crate::cli::Cli::command());
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let command_like = !text.contains(['/', '.', '\\']);
    match crate::pack::closest(&text, &names).filter(|_| command_like) {
        Some(near) => miette::miette!(
            help = format!(
                "did you mean `policy-lint {near}`? `policy-lint --help` lists the commands"
            ),
            "`{text}` is neither a command nor a file"
        ),
        None => miette::miette!(
            help = "check the path; with no PATH, policy-lint finds SECURITY.md itself",
            "{} does not exist",
            path.display()
        ),
    }
}

fn read_stdin(name: Option<&Path>) -> Result<SourceFile, miette::Report> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut bytes)
        .map_err(|err| miette::miette!("cannot read standard input: {err}"))?;
    let name = name.unwrap_or(Path::new("-"));
    write::decode(name, bytes)
}

/// Writes a report to `--output-file`, else to standard output. A reader that stops early
/// (`| head`) is not an error. Returns whether the report went to a file.
pub fn emit(
    output_file: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<bool, miette::Report> {
    if let Some(path) = output_file {
        let mut buffer = Vec::new();
        render(&mut buffer).map_err(|err| miette::miette!("cannot render the report: {err}"))?;
        std::fs::write(path, buffer).map_err(|err| {
            miette::miette!(
                help = "check that the directory exists and is writable",
                "cannot write the report to {}: {err}",
                path.display()
            )
        })?;
        return Ok(true);
    }
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match render(&mut stdout).and_then(|()| stdout.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(err) => Err(miette::miette!("cannot write the report: {err}")),
        Ok(()) => Ok(false),
    }
}
