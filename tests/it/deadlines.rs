//! `policy-lint deadlines`: the schedule of the seed in every format, the calendar feed read
//! back by an independent parser, and the agreement with the rotation and review rules.

use std::collections::BTreeMap;

use policy_lint::lint::policy::Policy;
use policy_lint::lint::schedule::{self, Status};
use policy_lint::pack::Pack;
use serde_json::Value;

use crate::policy_lint;

const SEED: &str = "seeds/000_44b596ed7c7cac7d.txt";

/// A repository holding `text` as its `.github/SECURITY.md`.
fn repo_with(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join(".git")).expect(".git");
    std::fs::create_dir_all(dir.path().join(".github")).expect(".github");
    std::fs::write(dir.path().join(".github/SECURITY.md"), text).expect("write");
    dir
}

fn shared_text(name: &str) -> Option<String> {
    let shared = crate::shared()?;
    Some(std::fs::read_to_string(shared.join(name)).expect("seed"))
}

fn run_json(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, Value) {
    let output = policy_lint(dir)
        .arg("deadlines")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&output.stdout).expect("JSON output");
    (output.status.code(), json)
}

/// (name, due, owner, status) of each obligation, in order.
fn listed(json: &Value) -> Vec<(String, String, String, String)> {
    json["obligations"]
        .as_array()
        .expect("obligations")
        .iter()
        .map(|o| {
            (
                o["name"].as_str().expect("name").to_string(),
                o["due"].as_str().expect("due").to_string(),
                o["owner"].as_str().unwrap_or("").to_string(),
                o["status"].as_str().expect("status").to_string(),
            )
        })
        .collect()
}

fn row(name: &str, due: &str, owner: &str, status: &str) -> (String, String, String, String) {
    (name.into(), due.into(), owner.into(), status.into())
}

#[test]
fn the_seed_lists_five_overdue_obligations_soonest_first() {
    let Some(seed) = shared_text(SEED) else {
        return;
    };
    let dir = repo_with(&seed);
    let (code, json) = run_json(dir.path(), &["--today", "2026-11-22"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        listed(&json),
        [
            row("AWS Access Keys", "2026-02-14", "DevOps Lead", "overdue"),
            row("GitHub Token", "2026-02-14", "DevOps Lead", "overdue"),
            row("Database Passwords", "2026-02-14", "DevOps Lead", "overdue"),
            row("policy review", "2026-02-16", "", "overdue"),
            row("MLflow Password", "2026-05-15", "ML Lead", "overdue"),
        ]
    );
    let first = &json["obligations"][0];
    assert_eq!(first["line"], 33);
    assert_eq!(first["days_left"], -281);
    assert_eq!(first["path"], ".github/SECURITY.md");
    assert_eq!(json["obligations"][3]["line"], 222);
    assert_eq!(json["today"], "2026-11-22");
    assert_eq!(json["summary"]["overdue"], 5);
}

#[test]
fn within_keeps_what_falls_due_in_time() {
    let Some(seed) = shared_text(SEED) else {
        return;
    };
    let dir = repo_with(&seed);
    let (code, json) = run_json(dir.path(), &["--today", "2026-02-05", "--within", "10d"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        listed(&json),
        [
            row("AWS Access Keys", "2026-02-14", "DevOps Lead", "due soon"),
            row("GitHub Token", "2026-02-14", "DevOps Lead", "due soon"),
            row(
                "Database Passwords",
                "2026-02-14",
                "DevOps Lead",
                "due soon"
            ),
        ]
    );
    assert_eq!(json["within"], "10d");
    // Without --within, the review and the later rotation are listed as scheduled.
    let (code, json) = run_json(dir.path(), &["--today", "2026-02-05"]);
    assert_eq!(code, Some(0));
    assert_eq!(json["obligations"][4]["status"], "scheduled");
}

#[test]
fn a_review_cadence_from_prose_gives_the_only_obligation() {
    let Some(seed) = shared_text("seeds/004_2bf44fc813d4ecbd.txt") else {
        return;
    };
    let dir = repo_with(&seed);
    let (code, json) = run_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        listed(&json),
        [row("policy review", "2026-01-14", "", "overdue")]
    );
    assert_eq!(json["obligations"][0]["frequency"], "every 3 months");
}

#[test]
fn a_bad_within_or_a_findings_format_is_a_usage_error() {
    let dir = repo_with("# Security\n");
    let output = policy_lint(dir.path())
        .args(["deadlines", "--within", "soonish"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not a duration"));
    let output = policy_lint(dir.path())
        .args(["deadlines", "--format", "concise"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let output = policy_lint(dir.path())
        .args(["check", "--format", "ics"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_markdown_table_links_each_line() {
    let Some(seed) = shared_text(SEED) else {
        return;
    };
    let dir = repo_with(&seed);
    let output = policy_lint(dir.path())
        .args(["deadlines", "--format", "markdown"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        text.contains(
            "| 🔴 overdue | 2026-02-14 (281 days late) | Rotate AWS Access Keys | DevOps Lead | \
         [.github/SECURITY.md:33](.github/SECURITY.md#L33) |"
        ),
        "{text}"
    );
    assert_eq!(text.lines().filter(|l| l.starts_with("| 🔴")).count(), 5);
}

/// The events of a feed read back with the `ical` crate: UID → (DTSTART, SUMMARY).
pub fn events(feed: &[u8]) -> BTreeMap<String, (String, String)> {
    let mut calendars = ical::IcalParser::new(feed);
    let calendar = calendars
        .next()
        .expect("one calendar")
        .expect("the feed parses");
    assert!(calendars.next().is_none(), "one calendar only");
    calendar
        .events
        .iter()
        .map(|event| {
            let value = |name: &str| {
                event
                    .properties
                    .iter()
                    .find(|p| p.name == name)
                    .and_then(|p| p.value.clone())
                    .unwrap_or_else(|| panic!("{name} missing"))
            };
            assert_eq!(event.alarms.len(), 1, "one reminder");
            let trigger = event.alarms[0]
                .properties
                .iter()
                .find(|p| p.name == "TRIGGER")
                .and_then(|p| p.value.clone());
            assert_eq!(trigger.as_deref(), Some("-P7D"));
            value("DTSTAMP");
            (value("UID"), (value("DTSTART"), value("SUMMARY")))
        })
        .collect()
}

pub fn ics(dir: &std::path::Path) -> Vec<u8> {
    let output = policy_lint(dir)
        .args(["deadlines", "--format", "ics"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let feed = output.stdout;
    let text = String::from_utf8(feed.clone()).expect("UTF-8");
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split_terminator("\r\n") {
        assert!(!line.contains('\n'), "bare LF in {line:?}");
        assert!(line.len() <= 75, "unfolded line: {line:?}");
    }
    feed
}

#[test]
fn the_calendar_feed_parses_and_its_uids_survive_a_rotation() {
    let Some(seed) = shared_text(SEED) else {
        return;
    };
    let dir = repo_with(&seed);
    let before = events(&ics(dir.path()));
    let mut dates: Vec<(String, String)> = before.values().cloned().collect();
    dates.sort();
    assert_eq!(
        dates,
        [
            (
                "20260214".into(),
                "Rotate AWS Access Keys (DevOps Lead)".into()
            ),
            (
                "20260214".into(),
                "Rotate Database Passwords (DevOps Lead)".into()
            ),
            (
                "20260214".into(),
                "Rotate GitHub Token (DevOps Lead)".into()
            ),
            ("20260216".into(), "Review the policy".into()),
            ("20260515".into(), "Rotate MLflow Password (ML Lead)".into()),
        ]
    );

    let rotated = policy_lint(dir.path())
        .args(["rotate", "GitHub Token"])
        .output()
        .expect("runs");
    assert_eq!(rotated.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&rotated.stdout);
    assert!(
        stdout.contains("Next due: Rotate GitHub Token on 2027-02-20 (every 90 days, in 90 days)"),
        "{stdout}"
    );

    let after = events(&ics(dir.path()));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same UIDs"
    );
    for (uid, (date, summary)) in &after {
        let (old_date, _) = &before[uid];
        if summary.starts_with("Rotate GitHub Token") {
            assert_eq!(date, "20270220");
        } else {
            assert_eq!(date, old_date, "{summary} moved");
        }
    }
}

#[test]
fn review_says_when_the_next_review_is_due() {
    let Some(seed) = shared_text(SEED) else {
        return;
    };
    let dir = repo_with(&seed);
    let output = policy_lint(dir.path())
        .args(["review", "--date", "2026-11-20"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Next due: Review the policy on 2027-02-20 (every 3 months, in 90 days)"),
        "{stdout}"
    );
}

/// One source of truth: the overdue obligations are exactly what rotation-overdue and
/// review-overdue report, and the ones due soon what rotation-due-soon reports (in documents
/// without suppression comments).
#[test]
fn deadlines_and_the_date_rules_agree_on_every_document() {
    let pack = Pack::builtin().expect("built-in pack");
    let today = crate::today();
    let window = i64::from(pack.rotation.warning_window_days);
    for source in crate::fixtures().into_iter().chain(crate::corpus()) {
        // A suppression silences a finding, not the schedule: `deadlines` still lists it.
        if source.text.contains("policy-lint-disable") {
            continue;
        }
        let diagnostics = policy_lint::lint(&source, &pack, today);
        let doc = policy_lint::document::Document::parse(&source);
        let policy = Policy::new(&doc, &pack);
        let obligations = schedule::obligations(&policy);
        let spans = |rules: &[&str]| -> Vec<usize> {
            let mut v: Vec<usize> = diagnostics
                .iter()
                .filter(|d| rules.contains(&d.rule))
                .map(|d| d.span.start)
                .collect();
            v.sort_unstable();
            v
        };
        let with = |status: Status, kinds: &[schedule::ObligationKind]| -> Vec<usize> {
            let mut v: Vec<usize> = obligations
                .iter()
                .filter(|o| kinds.contains(&o.kind) && o.status(today, window) == status)
                .map(|o| o.span.start)
                .collect();
            v.sort_unstable();
            v
        };
        use schedule::ObligationKind::{Review, Rotation};
        let path = source.path().display();
        assert_eq!(
            spans(&["rotation-overdue", "review-overdue"]),
            with(Status::Overdue, &[Rotation, Review]),
            "{path}"
        );
        assert_eq!(
            spans(&["rotation-due-soon"]),
            with(Status::DueSoon, &[Rotation]),
            "{path}"
        );
    }
}
