//! The command line: exit codes, discovery, configuration errors and the JSON contract.

use crate::{policy_lint, temp_repo, write};

use serde_json::Value;

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

const CLEAN: &str = "# Security Policy\n\n## Supported Versions\n\nThe latest.\n\n\
                     ## Reporting a Vulnerability\n\nEmail security@acme-widgets.dev.\n\n\
                     **Last Updated**: 2026-11-01\n";

#[test]
fn seed_004_json_reports_the_placeholder_on_line_7() {
    let Some(shared) = crate::shared() else {
        return;
    };
    let output = policy_lint(&shared)
        .args(["check", "--today", "2026-11-22", "--format", "json"])
        .arg("seeds/004_2bf44fc813d4ecbd.txt")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    let keys = |v: &Value| {
        let mut keys: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(
        keys(&report),
        ["files", "summary", "today", "tool", "version"]
    );
    assert_eq!(report["today"], "2026-11-22");
    assert_eq!(report["tool"], "policy-lint");
    assert_eq!(
        keys(&report["summary"]),
        ["errors", "files", "fixable", "warnings"]
    );
    let file = &report["files"][0];
    assert_eq!(keys(file), ["diagnostics", "path"]);
    let diagnostics = file["diagnostics"].as_array().expect("array");
    for d in diagnostics {
        assert_eq!(
            keys(d),
            [
                "column",
                "end_column",
                "end_line",
                "fix",
                "help",
                "length",
                "line",
                "message",
                "offset",
                "rule",
                "severity"
            ]
        );
    }
    let placeholder = diagnostics
        .iter()
        .find(|d| d["rule"] == "placeholder-text")
        .expect("placeholder-text finding");
    assert_eq!(placeholder["line"], 7);
    assert_eq!(placeholder["column"], 12);
    assert_eq!(placeholder["end_column"], 40);
    assert_eq!(placeholder["severity"], "error");
    assert_eq!(placeholder["fix"], Value::Null);
}

#[test]
fn invalid_utf8_exits_2_naming_the_file_and_leaves_it_alone() {
    let dir = temp_repo();
    let bytes = b"# Pol\xedtica de Seguran\xe7a\n".to_vec();
    std::fs::write(dir.path().join("SECURITY.md"), &bytes).expect("write");
    let output = policy_lint(dir.path())
        .arg("SECURITY.md")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("SECURITY.md is not valid UTF-8"),
        "{stderr}"
    );
    assert!(stderr.contains("byte 5 (line 1)"), "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("SECURITY.md")).expect("read"),
        bytes
    );

    let output = policy_lint(dir.path())
        .args(["--fix", "SECURITY.md"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        std::fs::read(dir.path().join("SECURITY.md")).expect("read"),
        bytes
    );
}

#[test]
fn fix_without_fixable_findings_keeps_every_byte() {
    let dir = temp_repo();
    let text = "\u{feff}# Security Policy\r\n\r\nTODO  \r\n## Reporting a Vulnerability\r\nsecurity@acme-widgets.dev";
    write(dir.path(), "SECURITY.md", text);
    let output = policy_lint(dir.path())
        .args(["--fix", "--format", "concise"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("SECURITY.md")).expect("read"),
        text
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("error[placeholder-text]"));
    policy_lint(dir.path())
        .arg("--unsafe-fixes")
        .assert()
        .code(2);
}

/// Runs `policy-lint` in a repository with a clean policy and `config` as its configuration,
/// expects exit 2 and returns the error output.
fn config_error(config: &str) -> String {
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", CLEAN);
    write(dir.path(), ".policy-lint.yml", config);
    let output = policy_lint(dir.path()).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_misspelled_config_key_exits_2_naming_the_key_and_line() {
    let stderr =
        config_error("extends: security-md\nrules:\n  placeholder-text:\n    sevrity: warning\n");
    assert!(
        stderr.contains("unknown key `rules.placeholder-text.sevrity`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `severity`?"), "{stderr}");
    assert!(stderr.contains(".policy-lint.yml:4:5"), "{stderr}");
}

#[test]
fn an_unknown_rule_name_in_config_is_refused_with_a_suggestion() {
    let stderr = config_error("rules:\n  placholder-text:\n    enabled: false\n");
    assert!(
        stderr.contains("unknown rule `placholder-text`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `placeholder-text`"),
        "{stderr}"
    );
    assert!(stderr.contains(".policy-lint.yml:2:3"), "{stderr}");
}

#[test]
fn a_bad_regex_points_at_the_pattern() {
    let stderr = config_error("placeholders:\n  - name: broken\n    regex: '[unclosed'\n");
    assert!(
        stderr.contains("invalid regular expression in pattern `broken`"),
        "{stderr}"
    );
    assert!(stderr.contains(".policy-lint.yml:3:12"), "{stderr}");
}

#[test]
fn a_wrong_type_and_a_missing_extends_are_configuration_errors() {
    let stderr = config_error("file-names: SECURITY.md\n");
    assert!(stderr.contains(".policy-lint.yml:1:13"), "{stderr}");
    let stderr = config_error("extends: no-such-pack.yml\n");
    assert!(
        stderr.contains("cannot read the pack `no-such-pack.yml`"),
        "{stderr}"
    );
    assert!(stderr.contains("security-md"), "{stderr}");
}

#[test]
fn config_severity_and_enabled_apply() {
    let dir = temp_repo();
    write(
        dir.path(),
        "SECURITY.md",
        "# Security Policy\n\n## Reporting a Vulnerability\n\nEmail security@acme-widgets.dev. TODO.\n\n\
         Last updated: 2026-11-01\n",
    );
    write(
        dir.path(),
        ".policy-lint.yml",
        "rules:\n  placeholder-text:\n    severity: warning\n  missing-section:\n    enabled: false\n",
    );
    let output = policy_lint(dir.path())
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    let diagnostics = report["files"][0]["diagnostics"].as_array().expect("array");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["rule"], "placeholder-text");
    assert_eq!(diagnostics[0]["severity"], "warning");
    policy_lint(dir.path())
        .args(["--fail-on", "warning"])
        .assert()
        .code(1);
    policy_lint(dir.path())
        .args(["--fail-on", "never"])
        .assert()
        .code(0);
}

#[test]
fn discovery_finds_policies_in_github_and_docs_in_any_case() {
    let dir = temp_repo();
    write(dir.path(), ".github/security.md", CLEAN);
    write(dir.path(), "docs/Security.markdown", CLEAN);
    write(dir.path(), "src/SECURITY.md", "not looked at");
    let sub = dir.path().join("src");
    let output = policy_lint(&sub)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = json(&output);
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(paths[0].ends_with(".github/security.md"), "{paths:?}");
    assert!(paths[1].ends_with("docs/Security.markdown"), "{paths:?}");
}

#[test]
fn no_policy_anywhere_is_a_missing_policy_finding() {
    let dir = temp_repo();
    write(dir.path(), "README.md", "# Hello\n");
    let output = policy_lint(dir.path())
        .args(["--format", "concise"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("error[missing-policy] no security policy found"),
        "{stdout}"
    );
}

#[test]
fn a_directory_path_is_walked_respecting_gitignore() {
    let dir = temp_repo();
    write(dir.path(), "a/SECURITY.md", CLEAN);
    write(dir.path(), "ignored/SECURITY.md", "TODO\n");
    write(dir.path(), ".gitignore", "ignored/\n");
    let output = policy_lint(dir.path())
        .args([".", "--format", "concise"])
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("(1 file)"));
}

#[test]
fn flags_may_follow_paths_and_today_comes_from_the_environment() {
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", CLEAN);
    let output = policy_lint(dir.path())
        .env("POLICY_LINT_TODAY", "2027-03-04")
        .args(["SECURITY.md", "--format", "json", "--quiet"])
        .output()
        .expect("runs");
    assert_eq!(json(&output)["today"], "2027-03-04");
    let output = policy_lint(dir.path())
        .env("POLICY_LINT_TODAY", "2027-03-04")
        .args(["SECURITY.md", "--today", "2026-01-02", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(json(&output)["today"], "2026-01-02");
    policy_lint(dir.path())
        .args(["--today", "2026-02-30"])
        .assert()
        .code(2);
}

#[test]
fn human_output_has_no_colour_when_piped_and_a_summary() {
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", "# Security Policy\n\nTODO\n");
    let output = policy_lint(dir.path())
        .env_remove("NO_COLOR")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains('\u{1b}'), "{stdout}");
    assert!(stdout.contains("SECURITY.md:3:1"), "{stdout}");
    assert!(
        stdout.contains("Found 3 errors and 1 warning in 1 file."),
        "{stdout}"
    );
    let quiet = policy_lint(dir.path()).arg("-q").output().expect("runs");
    assert!(!String::from_utf8_lossy(&quiet.stdout).contains("Found"));
}

#[test]
fn rules_and_rule_explain_themselves() {
    let dir = temp_repo();
    let output = policy_lint(dir.path()).arg("rules").output().expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for name in policy_lint::rules::names() {
        assert!(stdout.contains(name), "{name} missing from `rules`");
    }
    let output = policy_lint(dir.path())
        .args(["rule", "leaked-secret"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("# leaked-secret"), "{stdout}");
    assert!(
        stdout.contains("## Why is this bad?\nA credential"),
        "{stdout}"
    );
    let output = policy_lint(dir.path())
        .args(["rule", "leaked-secrets"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `leaked-secret`"));
}

#[test]
fn help_explains_every_flag_with_an_example() {
    let dir = temp_repo();
    for args in [&["--help"][..], &["check", "--help"][..]] {
        let output = policy_lint(dir.path()).args(args).output().expect("runs");
        assert_eq!(output.status.code(), Some(0));
        let help = String::from_utf8_lossy(&output.stdout);
        for flag in ["--today", "--format", "--quiet", "--config"] {
            assert!(help.contains(flag), "{args:?} help lacks {flag}");
        }
        assert!(help.contains("e.g. `--today 2026-11-22`"), "{help}");
        assert!(help.contains("Examples:"), "{help}");
    }
    let output = policy_lint(dir.path())
        .args(["check", "--help"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&output.stdout).contains("--fail-on"));
}

#[test]
fn every_corpus_document_exits_0_or_1_except_the_latin1_one() {
    let Some(shared) = crate::shared() else {
        return;
    };
    let corpus = shared.join("corpus/real");
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 54);
    for name in names {
        let output = policy_lint(&corpus)
            .args(["--today", "2026-11-22", "--format", "json", &name])
            .output()
            .expect("runs");
        let code = output.status.code();
        if name == "thiagorodriguespantoja__pipeline-versions-tags__SECURITY.md" {
            assert_eq!(code, Some(2), "{name}");
            assert!(String::from_utf8_lossy(&output.stderr).contains("not valid UTF-8"));
        } else {
            assert!(
                matches!(code, Some(0 | 1)),
                "{name}: {code:?} {}",
                String::from_utf8_lossy(&output.stderr)
            );
            json(&output);
        }
    }
}

#[test]
fn the_readme_configuration_example_loads() {
    let readme = std::fs::read_to_string(crate::repo().join("README.md")).expect("README");
    let section = readme
        .find("## Configuration")
        .expect("a configuration section");
    let start =
        section + readme[section..].find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + readme[start..].find("```").expect("closed block");
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", CLEAN);
    write(dir.path(), ".policy-lint.yml", &readme[start..end]);
    let output = policy_lint(dir.path()).output().expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `(rule, line)` of each finding.
type Findings = Vec<(String, u64)>;

/// The findings for a seed on a given day, and the exit code.
fn seed_findings(seed: &str, today: &str) -> Option<(Findings, Option<i32>)> {
    let shared = crate::shared()?;
    let output = policy_lint(&shared)
        .args([
            "--today",
            today,
            "--format",
            "json",
            &format!("seeds/{seed}"),
        ])
        .output()
        .expect("runs");
    let report = json(&output);
    let findings = report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().expect("rule").to_string(),
                d["line"].as_u64().expect("line"),
            )
        })
        .collect();
    Some((findings, output.status.code()))
}

fn pairs(list: &[(&str, u64)]) -> Findings {
    list.iter().map(|(r, l)| (r.to_string(), *l)).collect()
}

#[test]
fn seed_000_on_2026_11_22_is_four_overdue_rotations_and_an_overdue_review() {
    let Some((findings, code)) = seed_findings("000_44b596ed7c7cac7d.txt", "2026-11-22") else {
        return;
    };
    let overdue = "rotation-overdue";
    assert_eq!(
        findings,
        pairs(&[
            (overdue, 33),
            (overdue, 34),
            (overdue, 35),
            (overdue, 36),
            ("review-overdue", 222)
        ])
    );
    assert_eq!(code, Some(1));
}

#[test]
fn seed_000_on_2026_02_05_is_three_rotations_due_soon() {
    let Some((findings, code)) = seed_findings("000_44b596ed7c7cac7d.txt", "2026-02-05") else {
        return;
    };
    let soon = "rotation-due-soon";
    assert_eq!(findings, pairs(&[(soon, 33), (soon, 34), (soon, 36)]));
    assert_eq!(code, Some(0));
}

#[test]
fn seed_004_has_a_placeholder_and_an_overdue_review_from_prose() {
    let Some((findings, code)) = seed_findings("004_2bf44fc813d4ecbd.txt", "2026-11-22") else {
        return;
    };
    assert!(
        findings.contains(&("placeholder-text".to_string(), 7)),
        "{findings:?}"
    );
    assert!(
        findings.contains(&("review-overdue".to_string(), 170)),
        "{findings:?}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn the_strict_pack_requires_a_review_date_everywhere() {
    let dir = temp_repo();
    write(
        dir.path(),
        "SECURITY.md",
        CLEAN
            .replace("\n\n**Last Updated**: 2026-11-01", "")
            .as_str(),
    );
    let default = policy_lint(dir.path())
        .args(["--format", "concise"])
        .output()
        .expect("runs");
    assert_eq!(default.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&default.stdout).starts_with("All checks passed"));
    write(
        dir.path(),
        ".policy-lint.yml",
        "extends: security-md-strict\n",
    );
    let strict = policy_lint(dir.path())
        .args(["--format", "concise"])
        .output()
        .expect("runs");
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&strict.stdout)
            .starts_with("SECURITY.md:1:1: error[missing-review-date]"),
        "{}",
        String::from_utf8_lossy(&strict.stdout)
    );
}
