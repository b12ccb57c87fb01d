//! At home in CI and pre-commit: SARIF against the official schema, GitHub annotations and
//! step summary, suppressions on the seed, standard input, `init`, directory walks, the
//! report file, the rule catalogue, completions and the man page.

use std::path::Path;

use serde_json::Value;

use crate::policy_lint;

const SEED: &str = "seeds/000_44b596ed7c7cac7d.txt";

fn seed() -> Option<String> {
    let shared = crate::shared()?;
    Some(std::fs::read_to_string(shared.join(SEED)).expect("seed"))
}

/// A repository holding `text` as `path`.
fn repo_with(path: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join(".git")).expect(".git");
    let file = dir.path().join(path);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("dirs");
    std::fs::write(file, text).expect("write");
    dir
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    policy_lint(dir).args(args).output().expect("runs")
}

fn sarif(dir: &Path) -> Value {
    let output = run(dir, &["--format", "sarif", "--today", "2026-11-22"]);
    assert_eq!(output.status.code(), Some(1));
    serde_json::from_slice(&output.stdout).expect("SARIF is JSON")
}

fn validate_sarif(sarif: &Value) {
    let Some(shared) = crate::shared() else {
        return;
    };
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(shared.join("schemas/sarif-schema-2.1.0.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// (ruleId, fingerprint) of every result.
fn fingerprints(sarif: &Value) -> Vec<(String, String)> {
    sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().expect("ruleId").to_string(),
                r["partialFingerprints"]["policyLint/v1"]
                    .as_str()
                    .expect("a fingerprint")
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn sarif_for_the_seed_validates_and_its_fingerprints_survive_moving_lines() {
    let Some(seed) = seed() else { return };
    let dir = repo_with(".github/SECURITY.md", &seed);
    let report = sarif(dir.path());
    validate_sarif(&report);
    let run = &report["runs"][0];
    assert_eq!(run["properties"]["today"], "2026-11-22");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 5);
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], ".github/SECURITY.md");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
    }
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        33
    );
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let overdue = rules
        .iter()
        .find(|r| r["id"] == "rotation-overdue")
        .expect("rotation-overdue described");
    assert!(
        overdue["help"]["markdown"]
            .as_str()
            .expect("help")
            .contains("## Why is this bad?")
    );
    assert_eq!(overdue["defaultConfiguration"]["level"], "error");
    let before = fingerprints(&report);
    let unique: std::collections::BTreeSet<&String> = before.iter().map(|(_, f)| f).collect();
    assert_eq!(unique.len(), 5, "{before:?}");

    // Ten lines more above the rotation table: every line number moves, no fingerprint does.
    let moved = seed.replacen(
        "| Secret | Rotation Frequency",
        &format!("{}| Secret | Rotation Frequency", "Padding.\n\n".repeat(5)),
        1,
    );
    std::fs::write(dir.path().join(".github/SECURITY.md"), moved).expect("write");
    let after = sarif(dir.path());
    assert_eq!(
        after["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        43
    );
    assert_eq!(fingerprints(&after), before);
}

#[test]
fn every_corpus_document_gives_valid_sarif() {
    let Some(shared) = crate::shared() else {
        return;
    };
    let output = policy_lint(&shared)
        .args(["--format", "sarif", "corpus/real", "seeds"])
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&output.stdout).expect("SARIF");
    validate_sarif(&report);
}

#[test]
fn github_annotations_are_well_formed_and_the_summary_lists_every_finding() {
    let Some(seed) = seed() else { return };
    let dir = repo_with(".github/SECURITY.md", &seed);
    let summary = dir.path().join("summary.md");
    let output = policy_lint(dir.path())
        .args(["--format", "github"])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let shape = regex::Regex::new(
        r"^::error file=\.github/SECURITY\.md,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=policy-lint \([a-z-]+\)::[^\r\n]+$",
    )
    .expect("regex");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    for line in &lines {
        assert!(shape.is_match(line), "{line}");
    }
    assert!(lines[0].contains("line=33,col=51,endLine=33,endColumn=61"));
    assert!(
        lines[0].contains("%0Ahelp: rotate it"),
        "newlines are escaped"
    );
    let table = std::fs::read_to_string(summary).expect("step summary written");
    assert_eq!(table.matches("| ❌ error | `").count(), 5, "{table}");
    assert!(table.contains("[.github/SECURITY.md:222](.github/SECURITY.md#L222)"));
}

/// The seed with its rotation table between `disable`/`enable rotation-overdue` and a
/// `disable-next-line review-overdue` above its Next Review line.
fn suppressed_seed(seed: &str) -> String {
    let mut out = Vec::new();
    for (index, line) in seed.split('\n').enumerate() {
        match index + 1 {
            31 => out.extend([
                "<!-- policy-lint-disable rotation-overdue -- OPS-12 -->",
                "",
            ]),
            222 => out.push("<!-- policy-lint-disable-next-line review-overdue -->"),
            _ => {}
        }
        out.push(line);
        if index + 1 == 37 {
            out.extend(["<!-- policy-lint-enable rotation-overdue -->", ""]);
        }
    }
    out.join("\n")
}

#[test]
fn suppressions_silence_the_seed_and_an_unused_one_is_reported() {
    let Some(seed) = seed() else { return };
    let dir = repo_with("SECURITY.md", &suppressed_seed(&seed));
    let output = run(dir.path(), &["--format", "concise"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "All checks passed (1 file).\n"
    );

    let unused = suppressed_seed(&seed).replacen(
        "# ",
        "<!-- policy-lint-disable-file leaked-secret -->\n\n# ",
        1,
    );
    let dir = repo_with("SECURITY.md", &unused);
    let output = run(dir.path(), &["--format", "concise"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "SECURITY.md:1:31: warning[unused-suppression] this comment suppresses `leaked-secret`, \
         but `leaked-secret` finds nothing here\nFound 1 warning in 1 file.\n"
    );
    // --fix removes the comment and its line: back to the suppressed seed, byte for byte.
    let output = run(dir.path(), &["--fix"]);
    assert_eq!(output.status.code(), Some(0));
    let fixed = std::fs::read_to_string(dir.path().join("SECURITY.md")).expect("read");
    assert_eq!(fixed, suppressed_seed(&seed).replacen("# ", "\n# ", 1));
}

#[test]
fn standard_input_gives_the_findings_of_the_file() {
    let Some(seed) = seed() else { return };
    let dir = repo_with("SECURITY.md", &seed);
    let from_file = run(dir.path(), &["SECURITY.md", "--format", "json"]);
    let from_stdin = policy_lint(dir.path())
        .args(["-", "--stdin-filename", "SECURITY.md", "--format", "json"])
        .write_stdin(seed.clone())
        .output()
        .expect("runs");
    assert_eq!(from_stdin.status.code(), Some(1));
    assert_eq!(from_stdin.stdout, from_file.stdout);
    // Without a name the path is `-`.
    let unnamed = policy_lint(dir.path())
        .args(["-", "--format", "concise"])
        .write_stdin(seed.clone())
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&unnamed.stdout).starts_with("-:33:51: error"));
    // `--fix -` prints the fixed text (an editor's fix-on-save), the findings on stderr.
    let fixing = policy_lint(dir.path())
        .args(["-", "--fix", "--stdin-filename", "SECURITY.md"])
        .write_stdin(seed.clone())
        .output()
        .expect("runs");
    assert_eq!(fixing.status.code(), Some(1));
    let fixed_in_place = run(dir.path(), &["SECURITY.md", "--fix"]);
    assert_eq!(fixed_in_place.status.code(), Some(1));
    let on_disk = std::fs::read_to_string(dir.path().join("SECURITY.md")).expect("read");
    assert_eq!(String::from_utf8_lossy(&fixing.stdout), on_disk);
    assert!(String::from_utf8_lossy(&fixing.stderr).contains("rotation-overdue"));
}

#[test]
fn fix_on_standard_input_prints_the_fixed_document() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "# Security Policy\n\n## Reporting a Vulnerability\n\nE-mail security@acme-widgets.dev.\n\n\
                **Last Updated**: Oct 1, 2026\n";
    let output = policy_lint(dir.path())
        .args(["--fix", "-", "--quiet"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        text.replace("Oct 1, 2026", "2026-10-01")
    );
    // Only the supported-versions warning is left; it does not fail the run.
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("missing-section") && !stderr.contains("Found"),
        "{stderr}"
    );
    // --exit-non-zero-on-fix: a fix was applied, so exit 1.
    let output = policy_lint(dir.path())
        .args(["--fix", "-", "--quiet", "--exit-non-zero-on-fix"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn the_configuration_of_standard_input_is_found_from_its_name() {
    let dir = repo_with("docs/SECURITY.md", "# Security\n");
    std::fs::write(
        dir.path().join("docs/.policy-lint.yml"),
        "rules:\n  missing-section:\n    enabled: false\n",
    )
    .expect("config");
    let output = policy_lint(dir.path())
        .args([
            "-",
            "--stdin-filename",
            "docs/SECURITY.md",
            "--format",
            "concise",
        ])
        .write_stdin("# Security\n")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("missing-section"), "{stdout}");
    assert!(
        stdout.contains("docs/SECURITY.md:1:1: error[missing-contact]"),
        "{stdout}"
    );
}

#[test]
fn init_writes_a_policy_whose_only_finding_is_its_contact_placeholder() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    let output = run(dir.path(), &["init"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(dir.path().join(".policy-lint.yml").is_file());
    let output = run(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let findings = report["files"][0]["diagnostics"].as_array().expect("list");
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "placeholder-text");
    let policy = dir.path().join("SECURITY.md");
    let text = std::fs::read_to_string(&policy).expect("read");
    let line = text
        .lines()
        .nth(findings[0]["line"].as_u64().expect("line") as usize - 1);
    assert_eq!(line, Some("**Email**: [Add security contact email]"));

    std::fs::write(
        &policy,
        text.replace("[Add security contact email]", "security@acme-widgets.dev"),
    )
    .expect("fill in");
    let output = run(dir.path(), &["--fail-on", "warning"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    // A year later the rotation and the review are due: the dates in it are real dates.
    let later = run(
        dir.path(),
        &["--today", "2027-11-23", "--format", "concise"],
    );
    assert_eq!(later.status.code(), Some(1));

    let again = run(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&policy).expect("read"),
        text.replace("[Add security contact email]", "security@acme-widgets.dev"),
        "refused without --force, the policy is untouched"
    );
    assert_eq!(run(dir.path(), &["init", "--force"]).status.code(), Some(0));
}

#[test]
fn a_walked_directory_without_a_policy_is_a_finding_and_no_ignore_walks_ignored_ones() {
    let dir = repo_with("web/README.md", "# Web\n");
    std::fs::write(dir.path().join(".gitignore"), "vendor/\n").expect("ignore");
    std::fs::create_dir_all(dir.path().join("vendor")).expect("vendor");
    std::fs::write(
        dir.path().join("vendor/SECURITY.md"),
        "# Security\n\n## Reporting\n\nsecurity@acme-widgets.dev\n",
    )
    .expect("write");
    let output = run(dir.path(), &["web", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("web:1:1: error[missing-policy] no security policy found"),
        "{stdout}"
    );
    assert!(!stdout.contains("All checks passed"));

    let hidden = run(dir.path(), &[".", "--format", "concise"]);
    assert!(String::from_utf8_lossy(&hidden.stdout).starts_with(".:1:1: error[missing-policy]"));
    let walked = run(dir.path(), &[".", "--no-ignore", "--format", "concise"]);
    let stdout = String::from_utf8_lossy(&walked.stdout);
    assert!(!stdout.contains("missing-policy"), "{stdout}");
    assert!(stdout.contains("vendor/SECURITY.md"), "{stdout}");
}

#[test]
fn output_file_holds_the_report_and_statistics_count_per_rule() {
    let Some(seed) = seed() else { return };
    let dir = repo_with("SECURITY.md", &seed);
    let output = run(
        dir.path(),
        &["--format", "sarif", "--output-file", "report.sarif"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "Found 5 errors in 1 file.\n"
    );
    let written: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("report.sarif")).expect("written"),
    )
    .expect("SARIF");
    assert_eq!(
        written["runs"][0]["results"].as_array().map(Vec::len),
        Some(5)
    );

    let stats = run(dir.path(), &["--statistics"]);
    assert_eq!(
        String::from_utf8_lossy(&stats.stdout),
        "4  rotation-overdue  error\n1  review-overdue    error\n\
         Found 5 errors in 1 file.\n"
    );
    // Mixed severities and fixable counts still line up in columns.
    let mixed = repo_with(
        "SECURITY.md",
        "# Security Policy\n\n## Reporting a Vulnerability\n\nE-mail security@acme-widgets.dev.\n\n\
         **Last Updated**: Oct 1, 2026\n\n| Secret | Rotation Frequency | Owner | Last Rotated |\n\
         |---|---|---|---|\n| A | Every 90 days | Ops | 2026-11-01 |\n| B | sometimes | Ops |\n",
    );
    let stats = run(mixed.path(), &["--statistics"]);
    let text = String::from_utf8_lossy(&stats.stdout).into_owned();
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with("Found")).collect();
    assert!(rows.len() >= 3, "{text}");
    let column = |row: &str, word: &str| row.find(word).unwrap_or(usize::MAX);
    for row in &rows {
        let severity = column(row, "error").min(column(row, "warning"));
        assert_eq!(
            severity,
            column(rows[0], "error").min(column(rows[0], "warning")),
            "{text}"
        );
        if row.contains("fixable") {
            let first = rows
                .iter()
                .find(|r| r.contains("fixable"))
                .expect("a fixable row");
            assert_eq!(column(row, "("), column(first, "("), "{text}");
        }
    }
    assert!(
        rows.iter().any(|r| r.contains("warning")) && rows.iter().any(|r| r.contains("error")),
        "{text}"
    );
    assert!(
        rows.iter().filter(|r| r.contains("fixable")).count() >= 2,
        "{text}"
    );

    let json = run(dir.path(), &["--statistics", "--format", "json"]);
    let counts: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(counts[0]["rule"], "rotation-overdue");
    assert_eq!(counts[0]["count"], 4);
}

#[test]
fn the_catalogue_completions_and_man_page_come_from_the_binary() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = run(dir.path(), &["rules", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let rules: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let rules = rules.as_array().expect("list");
    assert_eq!(rules.len(), policy_lint::rules::all().count());
    let unused = rules
        .iter()
        .find(|r| r["name"] == "unused-suppression")
        .expect("listed");
    assert_eq!(unused["fix"], "safe");
    assert_eq!(unused["default_severity"], "warning");
    assert!(
        unused["docs"]
            .as_str()
            .expect("docs")
            .starts_with("## What it does")
    );

    let bash = run(dir.path(), &["completions", "bash"]);
    assert_eq!(bash.status.code(), Some(0));
    let script = String::from_utf8_lossy(&bash.stdout);
    assert!(script.contains("deadlines") && script.contains("--stdin-filename"));
    let man = run(dir.path(), &["man"]);
    assert_eq!(man.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&man.stdout).starts_with(".ie"));
}
