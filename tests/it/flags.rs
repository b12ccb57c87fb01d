//! The command line a newcomer meets: help that lists what each command accepts, errors in
//! words, ruff's flags, deadlines that are never dropped, paths relative to each repository.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::{policy_lint, temp_repo, write};

fn run(dir: &Path, args: &[&str]) -> Output {
    policy_lint(dir).args(args).output().expect("runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A policy of the project's own: clean but for what a test adds.
const POLICY: &str = "\
# Security Policy

## Supported Versions

Only the latest release.

## Reporting a Vulnerability

E-mail security@acme-widgets.dev.

## Secret Rotation Schedule

| Secret       | Rotation Frequency | Owner       | Last Rotated |
|--------------|--------------------|-------------|--------------|
| GitHub Token | Every 90 days      | DevOps Lead | 2026-10-01   |
| npm Token    | Every 90 days      | Release Eng |              |
| Deploy Key   | when needed        | Ops         | 2026-09-01   |
| Signing Key  | Every 30 days      | Ops         | 2026-01-05   |

**Last Updated**: Oct 1, 2026
";

#[test]
fn each_command_s_help_lists_only_the_formats_it_accepts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let help = |args: &[&str]| stdout(&run(dir.path(), args));
    let deadlines = help(&["deadlines", "--help"]);
    for format in ["human", "json", "markdown", "ics"] {
        assert!(
            deadlines.contains(&format!("- {format}:")),
            "{format}: {deadlines}"
        );
    }
    for format in ["concise", "sarif", "github"] {
        assert!(
            !deadlines.contains(&format!("- {format}:")),
            "{format}: {deadlines}"
        );
    }
    let check = help(&["check", "--help"]);
    for format in ["markdown", "ics"] {
        assert!(
            !check.contains(&format!("- {format}:")),
            "{format}: {check}"
        );
    }
    // What the help offers is accepted, and what it does not offer is refused by clap.
    let output = run(dir.path(), &["deadlines", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("possible values: human, json, markdown, ics"));
    for format in ["human", "json", "markdown", "ics"] {
        let output = run(dir.path(), &["deadlines", "--format", format, "--help"]);
        assert_eq!(output.status.code(), Some(0), "{format}");
    }
    // The top-level help shows check's flags, which work without the command name.
    let top = help(&["--help"]);
    for flag in [
        "--fix",
        "--diff",
        "--fail-on",
        "--statistics",
        "--output-file",
        "--select",
        "--ignore",
        "--extend-select",
        "--output-format",
        "--exit-non-zero-on-fix",
        "--color",
        "--exclude",
        "--extend-exclude",
        "--force-exclude",
        "--show-settings",
        "--show-files",
        "--deadlines",
    ] {
        assert!(top.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", POLICY);
    for args in [
        &["completions", "bash"][..],
        &["man"],
        &["rules"],
        &["rule", "placeholder-text"],
        &["deadlines"],
        &["check", "--format", "json"],
        &["--help"],
    ] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("policy-lint"))
            .current_dir(dir.path())
            .env("POLICY_LINT_TODAY", "2026-11-22")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns");
        // The reader goes away before anything is written.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("waits");
        let err = stderr(&output);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(output.status.code(), Some(101), "{args:?}: {err}");
    }
}

#[test]
fn a_misspelt_command_is_suggested_and_a_missing_file_named() {
    let dir = temp_repo();
    let output = run(dir.path(), &["deadline"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did you mean `policy-lint deadlines`?"),
        "{}",
        stderr(&output)
    );
    let output = run(dir.path(), &["docs/SECURTY.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("docs/SECURTY.md does not exist"));
}

#[test]
fn a_binary_file_is_named_as_binary() {
    let dir = temp_repo();
    std::fs::write(
        dir.path().join("SECURITY.md"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    )
    .expect("write");
    std::fs::write(dir.path().join("tool"), b"\x7fELF\x02\x01\x01\0\0\0").expect("write");
    let output = run(dir.path(), &["SECURITY.md", "tool"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("SECURITY.md is a binary file (a PNG image)"),
        "{err}"
    );
    assert!(
        err.contains("tool is a binary file (an ELF executable)"),
        "{err}"
    );
    assert!(!err.contains("iconv"), "{err}");
}

#[test]
fn no_policy_is_one_finding_without_an_empty_snippet() {
    let dir = temp_repo();
    let output = run(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(out.contains("no security policy found"), "{out}");
    assert!(!out.contains("╭"), "an empty snippet box: {out}");
    assert!(out.trim_end().ends_with("Found 1 error."), "{out}");
}

#[test]
fn a_rotation_without_a_usable_date_is_listed_as_unknown() {
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", POLICY);
    let output = run(dir.path(), &["deadlines", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let obligations = report["obligations"].as_array().expect("list");
    let unknown: Vec<&Value> = obligations
        .iter()
        .filter(|o| o["status"] == "unknown")
        .collect();
    assert_eq!(unknown.len(), 2, "{report:#}");
    assert_eq!(unknown[0]["name"], "npm Token");
    assert_eq!(unknown[0]["due"], Value::Null);
    assert_eq!(unknown[1]["name"], "Deploy Key");
    assert_eq!(report["summary"]["unknown"], 2);

    let human = stdout(&run(dir.path(), &["deadlines"]));
    assert!(human.contains("no usable Last Rotated date"), "{human}");
    assert!(
        human.contains("frequency `when needed` not understood"),
        "{human}"
    );
    // Listed whatever --within says, in the calendar too.
    let soon = stdout(&run(dir.path(), &["deadlines", "--within", "0d"]));
    assert!(soon.contains("Rotate npm Token"), "{soon}");
    assert!(soon.contains("Rotate Signing Key"), "{soon}");
    assert!(!soon.contains("Rotate GitHub Token"), "{soon}");
    let ics = stdout(&run(dir.path(), &["deadlines", "--format", "ics"]));
    assert!(ics.contains("Rotate npm Token (date unknown"), "{ics}");
    // And check reports why.
    let check = stdout(&run(dir.path(), &["--format", "concise"]));
    assert!(check.contains("error[empty-cell]"), "{check}");
    assert!(check.contains("error[unknown-frequency]"), "{check}");
}

#[test]
fn select_ignore_and_extend_select_take_rules_and_families() {
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", POLICY);
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--output-format", "json"];
        all.extend(args);
        let report: Value = serde_json::from_slice(&run(dir.path(), &all).stdout).expect("JSON");
        let mut names: Vec<String> = report["files"][0]["diagnostics"]
            .as_array()
            .expect("list")
            .iter()
            .map(|d| d["rule"].as_str().expect("rule").to_string())
            .collect();
        names.sort();
        names.dedup();
        names
    };
    assert_eq!(
        rules(&[]),
        [
            "empty-cell",
            "non-iso-date",
            "rotation-overdue",
            "unknown-frequency"
        ]
    );
    assert_eq!(rules(&["--select", "dates"]), ["non-iso-date"]);
    assert_eq!(
        rules(&["--select", "dates,empty-cell"]),
        ["empty-cell", "non-iso-date"]
    );
    assert_eq!(
        rules(&["--ignore", "rotation", "--ignore", "tables"]),
        ["non-iso-date"]
    );
    assert_eq!(
        rules(&["--select", "ALL", "--ignore", "review,rotation,tables"]),
        ["non-iso-date"]
    );
    // --extend-select turns on what the configuration turned off.
    write(
        dir.path(),
        ".policy-lint.yml",
        "rules:\n  non-iso-date:\n    enabled: false\n",
    );
    assert!(!rules(&[]).contains(&"non-iso-date".to_string()));
    assert!(rules(&["--extend-select", "non-iso-date"]).contains(&"non-iso-date".to_string()));
    let output = run(dir.path(), &["--select", "dtaes"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean `dates`?"));
}

#[test]
fn color_is_chosen_by_the_flag() {
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", POLICY);
    let always = stdout(&run(dir.path(), &["--color", "always"]));
    assert!(always.contains('\u{1b}'), "no colour: {always}");
    let never = stdout(&run(dir.path(), &["--color", "never"]));
    assert!(!never.contains('\u{1b}'));
    // Piped, auto is off.
    assert!(!stdout(&run(dir.path(), &[])).contains('\u{1b}'));
}

#[test]
fn excludes_leave_out_walked_and_discovered_files_and_named_ones_when_forced() {
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", POLICY);
    write(dir.path(), "vendor/lib/SECURITY.md", POLICY);
    write(dir.path(), "docs/SECURITY.md", POLICY);
    let files = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--show-files"];
        all.extend(args);
        let output = run(dir.path(), &all);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output).lines().map(str::to_string).collect()
    };
    assert_eq!(
        files(&["."]),
        [
            "./SECURITY.md",
            "./docs/SECURITY.md",
            "./vendor/lib/SECURITY.md"
        ]
    );
    assert_eq!(
        files(&[".", "--exclude", "vendor/"]),
        ["./SECURITY.md", "./docs/SECURITY.md"]
    );
    assert_eq!(files(&["--exclude", "docs/"]), ["SECURITY.md"]);
    write(dir.path(), ".policy-lint.yml", "exclude: [vendor/]\n");
    assert_eq!(
        files(&[".", "--extend-exclude", "docs/"]),
        ["./SECURITY.md"]
    );
    // --exclude replaces the configuration's list.
    assert_eq!(files(&[".", "--exclude", "docs/"]).len(), 2);
    // A file named on the command line is linted unless --force-exclude.
    assert_eq!(
        files(&["vendor/lib/SECURITY.md"]),
        ["vendor/lib/SECURITY.md"]
    );
    assert!(files(&["vendor/lib/SECURITY.md", "--force-exclude"]).is_empty());
}

#[test]
fn show_settings_says_where_each_setting_came_from() {
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", POLICY);
    write(
        dir.path(),
        ".policy-lint.yml",
        "rules:\n  non-iso-date:\n    severity: error\n",
    );
    let output = run(
        dir.path(),
        &[
            "--show-settings",
            "--fail-on",
            "warning",
            "--ignore",
            "incidents",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let line = |name: &str| -> String {
        text.lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("no {name}: {text}"))
            .to_string()
    };
    assert!(line("today").contains("2026-11-22") && line("today").contains("POLICY_LINT_TODAY"));
    assert!(line("config").contains(".policy-lint.yml"));
    assert!(line("fail-on").contains("warning") && line("fail-on").contains("command line"));
    assert!(line("format").contains("human") && line("format").contains("default"));
    assert!(line("non-iso-date").contains("error"));
    assert!(line("incident-order").contains("off") && line("incident-order").contains("--ignore"));
    assert!(line("missing-section").contains("on"));
}

#[test]
fn pre_commit_s_deadline_mode_reports_deadlines_without_failing() {
    let dir = temp_repo();
    let overdue = POLICY
        .replace("|              |", "| 2026-10-01   |")
        .replace("when needed", "Every 90 days")
        .replace("Oct 1, 2026", "2026-10-01");
    write(dir.path(), "SECURITY.md", &overdue);
    let failing = run(dir.path(), &["--format", "concise"]);
    assert_eq!(failing.status.code(), Some(1), "{}", stdout(&failing));
    assert!(stdout(&failing).contains("rotation-overdue"));
    let reported = run(
        dir.path(),
        &["--format", "concise", "--deadlines", "report"],
    );
    assert_eq!(reported.status.code(), Some(0), "{}", stdout(&reported));
    assert!(stdout(&reported).contains("rotation-overdue"));
    // Another error still fails the commit.
    write(
        dir.path(),
        "SECURITY.md",
        &overdue.replace("E-mail security@acme-widgets.dev.", "TODO"),
    );
    let other = run(dir.path(), &["--deadlines", "report"]);
    assert_eq!(other.status.code(), Some(1));
}

#[test]
fn sarif_uris_are_relative_to_each_file_s_repository_root() {
    let outer = tempfile::tempdir().expect("temp dir");
    let here = outer.path().join("here");
    let there = outer.path().join("there");
    for repo in [&here, &there] {
        std::fs::create_dir_all(repo.join(".git")).expect(".git");
    }
    write(&there, ".github/SECURITY.md", POLICY);
    write(&here, "docs/SECURITY.md", POLICY);
    std::fs::create_dir_all(here.join("sub")).expect("sub");
    for (cwd, path, uri) in [
        (
            here.clone(),
            "../there/.github/SECURITY.md",
            ".github/SECURITY.md",
        ),
        (here.join("sub"), "../docs/SECURITY.md", "docs/SECURITY.md"),
        (
            outer.path().to_path_buf(),
            "there/.github/SECURITY.md",
            ".github/SECURITY.md",
        ),
    ] {
        let output = run(&cwd, &[path, "--format", "sarif"]);
        let sarif: Value = serde_json::from_slice(&output.stdout).expect("SARIF");
        let results = sarif["runs"][0]["results"].as_array().expect("results");
        assert!(!results.is_empty());
        for result in results {
            assert_eq!(
                result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                uri,
                "from {} with {path}",
                cwd.display()
            );
        }
    }
}
