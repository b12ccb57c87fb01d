//! Hostile inputs: each ends in exit 0, 1 or 2 with no panic, and nothing is lost where a
//! file is written.

use std::path::Path;

use crate::policy_lint;

/// Runs the binary on `args` in `dir`; returns the exit code and standard output.
fn survive(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = policy_lint(dir).args(args).output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    let code = output.status.code().expect("exited, not killed");
    assert!(matches!(code, 0..=2), "{args:?}: exit {code}: {stderr}");
    (code, String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Lints `bytes` as `name`, in every output format, for its deadlines and with --fix on a
/// copy; returns the exit code and the concise report.
fn lint_bytes(name: &str, bytes: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join(name), bytes).expect("write");
    for format in ["human", "json", "sarif", "github"] {
        survive(dir.path(), &[name, "--format", format]);
    }
    survive(dir.path(), &["deadlines", name]);
    lint_and_fix(dir.path(), name, bytes)
}

/// The concise report of `bytes`, then --fix on a copy (an error writes nothing); for inputs
/// too big to render in every format in a debug build.
fn lint_and_fix(dir: &Path, name: &str, bytes: &[u8]) -> (i32, String) {
    std::fs::write(dir.join(name), bytes).expect("write");
    let fixed = format!("fixed-{name}");
    std::fs::write(dir.join(&fixed), bytes).expect("write");
    let (code, _) = survive(dir, &[&fixed, "--fix", "--format", "concise"]);
    let after = std::fs::read(dir.join(&fixed)).expect("still there");
    if code == 2 {
        assert_eq!(after, bytes, "{name}: an error wrote the file");
    }
    survive(dir, &[name, "--format", "concise"])
}

fn lint_big(name: &str, bytes: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    lint_and_fix(dir.path(), name, bytes)
}

#[test]
fn degenerate_files() {
    assert_eq!(lint_bytes("empty.md", b"").0, 1);
    assert_eq!(lint_bytes("bom.md", b"\xef\xbb\xbf").0, 1);
    lint_bytes(
        "nul.md",
        b"# Security\x00Policy\n\n\x00 e-mail security@acme-widgets.dev\n",
    );
    assert_eq!(lint_bytes("latin1.md", b"# S\xe9curit\xe9\n").0, 2);
    let cr = b"# Security Policy\r\r## Reporting a Vulnerability\r\rsecurity@acme-widgets.dev\r";
    lint_bytes("cr.md", cr);
}

#[test]
fn huge_tables() {
    let mut rows = String::from(
        "# Policy\n\n## Secret Rotation Schedule\n\n\
         | Secret | Rotation Frequency | Owner | Last Rotated |\n|---|---|---|---|\n",
    );
    for i in 0..200_000 {
        rows.push_str(&format!("| Key {i} | Every 90 days | Ops | 2025-01-01 |\n"));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("rows.md"), &rows).expect("write");
    // The human report of 200,000 findings: one snippet each, in order.
    let (code, human) = survive(dir.path(), &["rows.md"]);
    assert_eq!(code, 1);
    assert_eq!(human.matches("rotation-overdue").count(), 200_000);
    assert!(
        human.contains("rows.md:200006:"),
        "the last row's line is located"
    );

    let columns = 5_000;
    let header: Vec<String> = (0..columns).map(|i| format!("c{i}")).collect();
    let wide = format!(
        "| {} |\n|{}\n| {} |\n",
        header.join(" | "),
        "---|".repeat(columns),
        vec!["v"; columns].join(" | ")
    );
    lint_big("wide.md", wide.as_bytes());
    lint_big("pipes.md", &vec![b'|'; 2_000_000]);
}

/// Regression: each fix of a pass was checked against every fix taken before it, so 50,000
/// fixable dates took 1.25 billion comparisons.
#[test]
fn fifty_thousand_fixable_dates_are_fixed_in_one_pass() {
    let mut text = String::from(
        "# Policy\n\n## Secret Rotation Schedule\n\n\
         | Secret | Rotation Frequency | Owner | Last Rotated |\n|---|---|---|---|\n",
    );
    for i in 0..50_000 {
        text.push_str(&format!(
            "| Key {i} | Every 90 days | Ops | Oct {}, 2026 |\n",
            i % 28 + 1
        ));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("dates.md"), &text).expect("write");
    let (_, report) = survive(dir.path(), &["dates.md", "--fix", "--format", "concise"]);
    assert!(report.contains("Fixed 50000 findings"), "{report}");
    let fixed = std::fs::read_to_string(dir.path().join("dates.md")).expect("read");
    assert!(fixed.contains("| Key 49999 | Every 90 days | Ops | 2026-10-20 |"));
    assert!(!fixed.contains(", 2026"));
}

#[test]
fn deep_nesting_and_long_runs() {
    let mut quote = vec![b'>'; 100_000];
    quote.extend_from_slice(b" deep\n");
    lint_big("quote.md", &quote);
    let list: String = (0..3_000)
        .map(|i| format!("{}- item\n", "  ".repeat(i)))
        .collect();
    lint_big("list.md", list.as_bytes());
    lint_big("line.md", &vec![b'a'; 20_000_000]);
    let mut runs = vec![b'`'; 100_000];
    runs.push(b'\n');
    runs.extend(vec![b'['; 100_000]);
    runs.push(b'\n');
    runs.extend(b"*_".repeat(50_000));
    lint_big("runs.md", &runs);
}

#[test]
fn dates_and_frequencies_at_the_edges() {
    let text = "# Policy\n\n## Secret Rotation Schedule\n\n\
        | Secret | Rotation Frequency | Owner | Last Rotated |\n|---|---|---|---|\n\
        | A | Every 0 days | Ops | 2025-01-01 |\n\
        | B | Every -5 days | Ops | 2025-01-01 |\n\
        | C | Every 99999999999999999999 days | Ops | 2025-01-01 |\n\
        | D | Every 90 days | Ops | 9999-12-31 |\n\
        | E | Every 90 days | Ops | 0000-01-01 |\n\
        | F | Every 90 days | Ops | 2026-02-29 |\n\
        | G | Every 90 days | Ops | +275760-09-13 |\n\n\
        **Last Updated**: 9999-12-31\n**Next Review**: +275760-09-13\n";
    let (code, report) = lint_bytes("dates.md", text.as_bytes());
    assert_eq!(code, 1);
    for expected in [
        ":7:7: error[unknown-frequency] `Every 0 days`",
        ":8:7: error[unknown-frequency] `Every -5 days`",
        ":9:7: error[unknown-frequency] `Every 99999999999999999999 days` from 2025-01-01 lies past",
        ":10:29: error[future-date]",
        ":11:29: error[rotation-overdue]",
        ":12:29: error[invalid-date] `2026-02-29`",
        ":13:29: error[invalid-date] `+275760-09-13`",
        ":15:19: error[future-date] `Last Updated` is 9999-12-31",
    ] {
        assert!(report.contains(expected), "{expected}\n{report}");
    }
}

#[test]
fn hostile_configurations_are_errors_not_hangs() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    std::fs::write(dir.path().join("SECURITY.md"), "# Security\n").expect("write");
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let prev = (b'a' + level - 1) as char;
        let name = (b'a' + level) as char;
        bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    std::fs::write(dir.path().join(".policy-lint.yml"), &bomb).expect("write");
    assert_eq!(survive(dir.path(), &[]).0, 2);

    let mut big = String::from("date-words:\n");
    while big.len() < 10_000_000 {
        big.push_str("  - ongoing-and-more-words-that-mean-no-date\n");
    }
    std::fs::write(dir.path().join(".policy-lint.yml"), &big).expect("write");
    assert!(matches!(survive(dir.path(), &[]).0, 1 | 2));
}

#[test]
fn unreadable_paths_directories_and_loops() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    // A dangling symlink cannot be read, even by root.
    std::os::unix::fs::symlink("nowhere.md", dir.path().join("SECURITY.md")).expect("symlink");
    assert_eq!(survive(dir.path(), &["SECURITY.md"]).0, 2);
    std::fs::create_dir(dir.path().join("docs")).expect("docs");
    assert_eq!(
        survive(dir.path(), &["rotate", "AWS", "--file", "docs"]).0,
        2,
        "a directory as --file"
    );
    // A symlink loop inside a walked directory: the walk does not follow it forever.
    std::fs::create_dir(dir.path().join("walk")).expect("walk");
    std::os::unix::fs::symlink("..", dir.path().join("walk/up")).expect("loop");
    std::fs::write(dir.path().join("walk/SECURITY.md"), "# Security\n").expect("write");
    let (code, report) = survive(dir.path(), &["walk", "--format", "concise"]);
    assert_eq!(code, 1);
    assert!(report.contains("walk/SECURITY.md"), "{report}");
}

/// Found by the `fix` fuzz target: a bare CR inside the last incident row made the parser end
/// the row before the line did, and sorting the rows sliced backwards.
#[test]
fn regression_a_bare_cr_in_an_incident_row_does_not_break_sorting() {
    let text = "# Security Policy\n\n## Incident Log\n\n\
        | Date | Incident | Severity | Actions Taken | Status |\n\
        |------|----------|----------|---------------|--------|\n\
        | 2026-03-01 | Second | Low | None | Closed |\n\
        | 2025-11-16 | First | Low | None | Closed |\n\
        | 2026-01-10 | Bet\rdated**: 2026-03-01\n";
    let (code, report) = lint_bytes("cr-row.md", text.as_bytes());
    assert_eq!(code, 1);
    assert!(report.contains("incident-order"), "{report}");
}
