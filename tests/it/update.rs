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
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("git tag security-rotation-2026-11-20"),
        "{stdout}"
    );

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
            "**Last Updated**: 2026-11-22",
        );
    assert_eq!(after, expected);
}
