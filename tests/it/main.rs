//! The one integration-test binary.

mod ci;
mod cli;
mod corpus;
mod deadlines;
mod differential;
mod fixes;
mod flags;
mod hostile;
mod invariants;
mod labelled;
mod packaging;
mod properties;
mod readme;
mod rules;
mod security_txt;
mod server;
mod update;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use policy_lint::io::source::SourceFile;
use policy_lint::pack::Pack;
use policy_lint::render::{self, FileReport, RenderOptions, Report};

/// The date every test judges deadlines by.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("valid date")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run in `dir` on a fixed day without colour. No test may depend on the real date.
pub fn policy_lint(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("policy-lint").expect("binary");
    cmd.current_dir(dir)
        .env("POLICY_LINT_TODAY", "2026-11-22")
        .env("NO_COLOR", "1");
    cmd
}

/// A temporary directory that is a repository root (it holds `.git`).
pub fn temp_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    dir
}

/// Writes `text` to `name` under `dir`, making its directories.
pub fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
    std::fs::write(path, text).expect("write");
}

/// `../shared` beside the repository: the seeds and the real-world corpus. `.ci/run` sets
/// `POLICY_LINT_REQUIRE_SHARED` for its main run, where its absence is a failure; elsewhere
/// (a fresh clone) the tests that need it say that they skipped.
pub fn shared() -> Option<PathBuf> {
    let dir = repo().join("../shared");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("POLICY_LINT_REQUIRE_SHARED").is_none(),
        "../shared must sit beside the repository (POLICY_LINT_REQUIRE_SHARED is set)"
    );
    // Written to the handle, not with `eprintln!`, which the test harness would capture.
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {test} (its seed and corpus checks need ../shared)"
    );
    None
}

/// Every `.md` file in the real-world corpus that is valid UTF-8, with its text.
pub fn corpus() -> Vec<SourceFile> {
    let Some(shared) = shared() else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus/real"))
        .expect("corpus directory")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    assert!(files.len() >= 50, "the corpus has shrunk: {}", files.len());
    files
        .into_iter()
        .filter_map(|path| {
            let bytes = std::fs::read(&path).expect("readable");
            SourceFile::from_bytes(path, bytes).ok()
        })
        .collect()
}

/// Every fixture file under `fixtures/`.
pub fn fixtures() -> Vec<SourceFile> {
    let mut paths = Vec::new();
    collect_md(&repo().join("fixtures"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("fixture is UTF-8");
            SourceFile::new(path, text)
        })
        .collect()
}

fn collect_md(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect_md(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// The findings for `source` (only those of rule `only`, when given), rendered as the human
/// format without colour, with the path shown relative to the repository.
/// The findings of a fixture (of the rule `only`, when given), rendered. A fixture whose name
/// ends in `-strict` is linted with the `security-md-strict` pack, others with the default.
pub fn render_human(source: SourceFile, only: Option<&str>) -> String {
    let strict = source
        .path()
        .file_stem()
        .is_some_and(|stem| stem.to_string_lossy().ends_with("-strict"));
    let pack = if strict {
        Pack::load_builtin("security-md-strict").expect("strict pack")
    } else {
        Pack::builtin().expect("built-in pack")
    };
    let mut pack = pack;
    // A security.txt rule the pack leaves off is switched on for its own fixtures.
    if let Some(rule) = only.filter(|rule| rule.starts_with("txt-")) {
        pack.rules.entry(rule.to_string()).or_default().enabled = Some(true);
    }
    let mut diagnostics = policy_lint::lint(&source, &pack, today());
    diagnostics.retain(|d| only.is_none_or(|rule| d.rule == rule));
    let relative = source
        .path()
        .strip_prefix(repo())
        .unwrap_or(source.path())
        .to_path_buf();
    let source = SourceFile::new(relative, source.text);
    let report = Report {
        today: today(),
        root: PathBuf::new(),
        files: vec![FileReport {
            source,
            diagnostics,
            fixed: 0,
        }],
    };
    let mut out = Vec::new();
    let options = RenderOptions {
        color: false,
        quiet: false,
        statistics: false,
    };
    render::render(policy_lint::cli::Format::Human, &report, options, &mut out).expect("render");
    String::from_utf8(out).expect("UTF-8 output")
}
