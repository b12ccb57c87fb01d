//! `rotate`, `review`, `incident add` and `--diff` on copies of the seed: exactly the lines
//! they must change, every other byte identical, in LF and in CRLF with a BOM.

use crate::policy_lint;

const SEED: &str = "seeds/000_44b596ed7c7cac7d.txt";

/// A repository holding `text` as its SECURITY.md.
fn repo_with(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    std::fs::write(dir.path().join("SECURITY.md"), text).expect("write");
    dir
}

fn seed() -> Option<String> {
    let shared = crate::shared()?;
    Some(std::fs::read_to_string(shared.join(SEED)).expect("seed"))
}

/// The lines (1-based number, new text) that differ; both texts must have as many lines.
fn changed_lines(before: &str, after: &str) -> Vec<(usize, String)> {
    let (a, b): (Vec<&str>, Vec<&str>) =
        (before.split('\n').collect(), after.split('\n').collect());
    assert_eq!(a.len(), b.len(), "line count changed");
    a.iter()
        .zip(&b)
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, (_, y))| (i + 1, y.to_string()))
        .collect()
}

fn run_in(text: &str, args: &[&str]) -> (String, std::process::Output) {
    let dir = repo_with(text);
    let output = policy_lint(dir.path()).args(args).output().expect("runs");
    let after = std::fs::read_to_string(dir.path().join("SECURITY.md")).expect("read");
    (after, output)
}

fn crlf_with_bom(text: &str) -> String {
    format!("\u{feff}{}", text.replace('\n', "\r\n"))
}

#[test]
fn rotate_changes_exactly_the_rotation_and_last_updated() {
    let Some(seed) = seed() else { return };
    let args = ["rotate", "AWS Access Keys", "--date", "2026-11-20"];
    let (after, output) = run_in(&seed, &args);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        changed_lines(&seed, &after),
        [
            (
                33,
                "| AWS Access Keys | Every 90 days | DevOps Lead | 2026-11-20 |".to_string()
            ),
            (221, "**Last Updated**: 2026-11-22  ".to_string()),
        ]
    );
    // A back-dated correction is not a rotation to tag.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("git tag"), "{stdout}");

    let (after_crlf, output) = run_in(&crlf_with_bom(&seed), &args);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(after_crlf, crlf_with_bom(&after));
}

#[test]
fn rotate_refuses_an_unknown_secret_and_touches_nothing() {
    let Some(seed) = seed() else { return };
    let (after, output) = run_in(&seed, &["rotate", "GitHub Token", "AWS Acess Keys"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(after, seed);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("did you mean `AWS Access Keys`"),
        "{stderr}"
    );
}

#[test]
fn incident_add_inserts_in_date_order_above_the_marker() {
    let Some(seed) = seed() else { return };
    let args = [
        "incident",
        "add",
        "--date",
        "2026-11-21",
        "--severity",
        "High",
        "--status",
        "Open",
        "--actions",
        "Revoked token",
        "Leaked CI token",
    ];
    let (after, output) = run_in(&seed, &args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut expected: Vec<String> = seed.split('\n').map(str::to_string).collect();
    expected.insert(
        110,
        "| 2026-11-21 | Leaked CI token | High | Revoked token | Open |".to_string(),
    );
    expected[221] = "**Last Updated**: 2026-11-22  ".to_string();
    assert_eq!(after, expected.join("\n"));

    let (after_crlf, _) = run_in(&crlf_with_bom(&seed), &args);
    assert_eq!(after_crlf, crlf_with_bom(&after));
}

#[test]
fn incident_add_escapes_pipes_and_validates_against_the_pack() {
    let Some(seed) = seed() else { return };
    let args = [
        "incident",
        "add",
        "--date",
        "2025-01-01",
        "--severity",
        "low",
        "--status",
        "closed",
        "a | b",
    ];
    let (after, output) = run_in(&seed, &args);
    assert_eq!(output.status.code(), Some(0));
    let lines: Vec<&str> = after.split('\n').collect();
    assert_eq!(lines[109], "| 2025-01-01 | a \\| b | Low |  | Closed |");

    let (after, output) = run_in(
        &seed,
        &[
            "incident",
            "add",
            "--date",
            "2026-11-21",
            "--severity",
            "Urgent",
            "--status",
            "Open",
            "x",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(after, seed);
    assert!(String::from_utf8_lossy(&output.stderr).contains("Critical, High, Medium, Low"));
}

#[test]
fn review_moves_the_next_review_by_the_cadence_keeping_its_suffix() {
    let Some(seed) = seed() else { return };
    let (after, output) = run_in(&seed, &["review", "--date", "2026-11-22"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        changed_lines(&seed, &after),
        [
            (221, "**Last Updated**: 2026-11-22  ".to_string()),
            (
                222,
                "**Next Review**: 2027-02-22 (quarterly review)".to_string()
            ),
        ]
    );
}

#[test]
fn recording_needs_exactly_one_policy() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    let output = policy_lint(dir.path())
        .args(["review"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no policy file found"));
    std::fs::write(dir.path().join("SECURITY.md"), "# A\n").expect("write");
    std::fs::create_dir(dir.path().join("docs")).expect("docs");
    std::fs::write(dir.path().join("docs/SECURITY.md"), "# B\n").expect("write");
    let output = policy_lint(dir.path())
        .args(["review"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("several policy files"));
}

#[test]
fn diff_prints_what_fix_would_do_and_writes_nothing() {
    let text = "# Security Policy\n\n**Last Updated**: Nov 1, 2026\n";
    let dir = repo_with(text);
    let output = policy_lint(dir.path())
        .arg("--diff")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("-**Last Updated**: Nov 1, 2026\n+**Last Updated**: 2026-11-01"),
        "{stdout}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("SECURITY.md")).expect("read"),
        text
    );

    policy_lint(dir.path()).arg("--fix").assert().code(1);
    let output = policy_lint(dir.path())
        .arg("--diff")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_an_error_and_stays_unchanged() {
    use std::os::unix::fs::PermissionsExt;
    let text = "# Security Policy\n\n**Last Updated**: Nov 1, 2026\n";
    let dir = repo_with(text);
    let path = dir.path().join("SECURITY.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let output = policy_lint(dir.path()).arg("--fix").output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("read-only"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}

#[cfg(unix)]
#[test]
fn fixing_through_a_symlink_writes_the_target_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let text = "# Security Policy\n\n**Last Updated**: Nov 1, 2026\n";
    let dir = repo_with(text);
    let target = dir.path().join("SECURITY.md");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    std::os::unix::fs::symlink(&target, dir.path().join("link.md")).expect("symlink");
    policy_lint(dir.path())
        .args(["--fix", "link.md"])
        .assert()
        .code(1);
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.md"))
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .expect("read")
            .contains("2026-11-01")
    );
    let mode = std::fs::metadata(&target)
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn fix_twice_on_the_corpus_is_fix_once() {
    let Some(shared) = crate::shared() else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(shared.join("corpus/real")).expect("corpus") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .replace("SECURITY", "x");
        if name.ends_with(".md") && !name.starts_with("thiago") {
            // Written anew, not copied: the corpus files are read-only.
            std::fs::write(dir.path().join(&name), std::fs::read(&path).expect("read"))
                .expect("write");
        }
    }
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("e").path())
        .collect();
    let run = || {
        let output = policy_lint(dir.path())
            .arg("--fix")
            .args(&files)
            .output()
            .expect("runs");
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        files
            .iter()
            .map(|f| std::fs::read(f).expect("read"))
            .collect::<Vec<_>>()
    };
    let once = run();
    let twice = run();
    assert_eq!(once, twice);
}

#[test]
fn rotate_recomputes_next_rotation_and_keeps_an_aligned_table_aligned() {
    let text = "# Security Policy\n\n## Secret Rotation Schedule\n\n\
        | Secret       | Rotation Frequency | Owner | Last Rotated | Next Rotation |\n\
        | ------------ | ------------------ | ----- | ------------ | ------------- |\n\
        | Deploy token | monthly            | Ops   | 2026-10-31   | 2026-11-30    |\n\
        | github token | Every 90 days      | Ops   | 2026-09-01   | 2026-11-30    |\n\n\
        **Last Updated**: 2026-10-31\n";
    let (after, output) = run_in(
        text,
        &[
            "rotate",
            "GITHUB TOKEN",
            "deploy token",
            "--date",
            "2026-11-30",
            "--today",
            "2026-11-30",
        ],
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = text
        .replace(
            "| monthly            | Ops   | 2026-10-31   | 2026-11-30    |",
            "| monthly            | Ops   | 2026-11-30   | 2026-12-30    |",
        )
        .replace(
            "| Every 90 days      | Ops   | 2026-09-01   | 2026-11-30    |",
            "| Every 90 days      | Ops   | 2026-11-30   | 2027-02-28    |",
        )
        .replace(
            "**Last Updated**: 2026-10-31",
            "**Last Updated**: 2026-11-30",
        );
    assert_eq!(after, expected);
}

/// A policy of the project's own with a rotation table, a review and an incident log.
const POLICY: &str = "\
# Security Policy

## Reporting a Vulnerability

E-mail security@acme-widgets.dev.

## Secret Rotation Schedule

| Secret          | Rotation Frequency | Owner       | Last Rotated |
|-----------------|--------------------|-------------|--------------|
| GitHub Token    | Every 90 days      | DevOps Lead | 2026-10-01   |
| AWS Access Keys | Every 90 days      | DevOps Lead | 2026-09-01   |

## Incident Log

| Date | Incident | Severity | Actions Taken | Status |
|------|----------|----------|---------------|--------|
| 2026-03-02 | Leaked CI token | High | Revoked | Resolved |

<!-- Add new incidents above this line -->

**Last Updated**: 2026-11-01
**Last reviewed**: 2026-10-15
**Next Review**: 2027-01-15 (quarterly review)
";

#[test]
fn record_commands_refuse_a_date_check_would_reject_and_touch_nothing() {
    for args in [
        &["rotate", "GitHub Token", "--date", "2026-11-23"][..],
        &["review", "--date", "2027-01-01"],
        &["review", "--date", "2026-10-14"],
        &[
            "incident",
            "add",
            "--date",
            "2026-12-01",
            "--severity",
            "Low",
            "--status",
            "Open",
            "Lost laptop",
        ],
    ] {
        let (after, output) = run_in(POLICY, args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(after, POLICY, "{args:?}");
        assert!(
            stderr.contains("after today") || stderr.contains("backwards"),
            "{args:?}: {stderr}"
        );
    }
    // The day of the recorded review itself, and today, are fine.
    let (_, output) = run_in(POLICY, &["review", "--date", "2026-10-15"]);
    assert_eq!(output.status.code(), Some(0));
}

/// A git repository whose first commit holds `POLICY` as SECURITY.md.
fn git_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "init.defaultBranch=main"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "--quiet"]);
    git(&["config", "user.email", "ci@acme-widgets.dev"]);
    git(&["config", "user.name", "CI"]);
    git(&["config", "commit.gpgsign", "false"]);
    git(&["config", "tag.gpgsign", "false"]);
    std::fs::write(dir.path().join("SECURITY.md"), POLICY).expect("write");
    std::fs::write(dir.path().join("other.txt"), "one\n").expect("write");
    git(&["add", "."]);
    git(&["commit", "--quiet", "-m", "first"]);
    dir
}

fn git_out(dir: &std::path::Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("git runs");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[test]
fn rotate_commit_tag_commits_only_the_policy_and_tags_it_uniquely() {
    let dir = git_repo();
    // Something else staged stays out of the commit.
    std::fs::write(dir.path().join("other.txt"), "two\n").expect("write");
    git_out(dir.path(), &["add", "other.txt"]);
    let run = |args: &[&str]| policy_lint(dir.path()).args(args).output().expect("runs");

    let output = run(&["rotate", "GitHub Token", "--commit", "--tag"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        git_out(dir.path(), &["log", "-1", "--format=%s"]),
        "Record rotation of GitHub Token on 2026-11-22"
    );
    assert_eq!(
        git_out(dir.path(), &["show", "--name-only", "--format=", "HEAD"]),
        "SECURITY.md"
    );
    assert_eq!(
        git_out(dir.path(), &["status", "--porcelain"]),
        "M  other.txt"
    );
    assert_eq!(
        git_out(dir.path(), &["tag", "--points-at", "HEAD"]),
        "security-rotation-2026-11-22"
    );

    // A second rotation the same day gets a tag of its own.
    let output = run(&["rotate", "AWS Access Keys", "--commit", "--tag"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        git_out(dir.path(), &["tag", "--points-at", "HEAD"]),
        "security-rotation-2026-11-22-2"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("security-rotation-2026-11-22-2"),
        "{stdout}"
    );

    // review and incident add commit too.
    let output = run(&["review", "--commit"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        git_out(dir.path(), &["log", "-1", "--format=%s"]),
        "Record policy review on 2026-11-22"
    );
    let output = run(&[
        "incident",
        "add",
        "--date",
        "2026-11-21",
        "--severity",
        "Low",
        "--status",
        "Open",
        "--commit",
        "Lost laptop",
    ]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        git_out(dir.path(), &["log", "-1", "--format=%s"]),
        "Record incident of 2026-11-21: Lost laptop"
    );
}

#[test]
fn commit_is_refused_outside_git_and_over_uncommitted_changes() {
    // Not a repository at all (the `.git` of `repo_with` is an empty directory).
    let plain = tempfile::tempdir().expect("temp dir");
    std::fs::write(plain.path().join("SECURITY.md"), POLICY).expect("write");
    let output = policy_lint(plain.path())
        .args([
            "rotate",
            "GitHub Token",
            "--commit",
            "--file",
            "SECURITY.md",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not in a git repository"));
    assert_eq!(
        std::fs::read_to_string(plain.path().join("SECURITY.md")).expect("read"),
        POLICY
    );

    let dir = git_repo();
    let edited = POLICY.replace("E-mail", "Write to");
    std::fs::write(dir.path().join("SECURITY.md"), &edited).expect("write");
    let output = policy_lint(dir.path())
        .args(["rotate", "GitHub Token", "--commit", "--tag"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not committed"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("SECURITY.md")).expect("read"),
        edited
    );
    assert_eq!(git_out(dir.path(), &["tag"]), "");
    assert_eq!(git_out(dir.path(), &["log", "--format=%s"]), "first");

    // --tag needs --commit.
    let output = policy_lint(dir.path())
        .args(["rotate", "GitHub Token", "--tag"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
}

/// One way of writing an empty cell: `incident add` without `--actions` writes it as the
/// `table-row-shape` fix pads a row, `|  |`.
#[test]
fn an_empty_cell_is_written_one_way() {
    let (after, output) = run_in(
        POLICY,
        &[
            "incident",
            "add",
            "--date",
            "2026-11-21",
            "--severity",
            "Low",
            "--status",
            "Open",
            "Lost laptop",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(
        after.contains("\n| 2026-11-21 | Lost laptop | Low |  | Open |\n"),
        "{after}"
    );
    let short = POLICY.replace("| Revoked | Resolved |", "| Revoked |");
    let (fixed, _) = run_in(&short, &["--fix"]);
    assert!(fixed.contains("| High | Revoked |  |\n"), "{fixed}");
}
