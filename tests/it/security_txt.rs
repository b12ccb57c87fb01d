//! security.txt against an independent validator, DigitalTrustCenter's sectxt: every code it
//! reports about a file's content has a policy-lint finding of the rule that covers it, and
//! every policy-lint error it does not report is listed below with the clause that justifies
//! it. Its verdicts are stored — for the real files in `../shared/corpus/security-txt/`, and
//! for the project's own fixtures in `fixtures/sectxt-verdicts.json` (which `.ci/run` checks
//! against sectxt itself, `.ci/sectxt-verdicts.py`) — so that `cargo test` needs no Python.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use policy_lint::diagnostic::Severity;
use policy_lint::io::source::SourceFile;
use policy_lint::pack::Pack;

/// Each sectxt code about a file's content, and the rule that reports the same problem.
/// sectxt's `utf8` (not UTF-8) is policy-lint's read error, exit code 2, and never a finding.
const CODES: &[(&str, &str)] = &[
    ("no_contact", "txt-missing-contact"),
    ("no_expire", "txt-missing-expires"),
    ("multi_expire", "txt-repeated-field"),
    ("multi_lang", "txt-repeated-field"),
    ("invalid_expiry", "txt-invalid-expires"),
    ("expired", "txt-expired"),
    ("long_expiry", "txt-expires-too-far"),
    ("no_uri", "txt-not-uri"),
    ("no_https", "txt-insecure-uri"),
    ("invalid_lang", "txt-invalid-language"),
    ("prec_ws", "txt-line-syntax"),
    ("no_space", "txt-line-syntax"),
    ("empty_key", "txt-line-syntax"),
    ("invalid_line", "txt-line-syntax"),
    ("empty_value", "txt-empty-value"),
    ("no_line_separators", "txt-line-ending"),
    ("too_many_line_separators", "txt-line-ending"),
    ("bom_in_file", "txt-byte-order-mark"),
    ("signed_format_issue", "txt-signature-format"),
    ("pgp_data_error", "txt-signature-format"),
    ("pgp_error", "txt-signature-format"),
    ("pgp_signature_error", "txt-signature-format"),
    ("data_after_sig", "txt-signature-format"),
    ("no_csaf_file", "txt-invalid-csaf"),
    ("multiple_csaf_fields", "txt-multiple-csaf"),
    ("no_encryption", "txt-missing-encryption"),
    ("not_signed", "txt-not-signed"),
    ("no_canonical", "txt-missing-canonical"),
    ("unknown_field", "txt-unknown-field"),
];

/// The policy-lint errors sectxt does not report: (file, rule, how many more, why).
const EXPLAINED: &[(&str, &str, usize, &str)] = &[
    (
        "txt-not-uri/security.txt",
        "txt-not-uri",
        1,
        "RFC 9116 §2.5.3: a Contact is a `mailto:`, `tel:` or `https:` URI; sectxt accepts \
         any scheme, here `data:`",
    ),
    (
        "txt-invalid-language/security.txt",
        "txt-invalid-language",
        1,
        "RFC 5646 §2.1: subtags are joined by `-`; sectxt's langcodes reads `pt_BR` as `pt-BR`",
    ),
];

/// The day the corpus verdicts were made on (its README), and the tests' day for fixtures.
fn corpus_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid date")
}

/// The built-in pack with every `txt-` rule on: sectxt reports what the pack leaves off.
fn every_txt_rule() -> Pack {
    let mut pack = Pack::builtin().expect("pack");
    for rule in ["txt-not-signed", "txt-unknown-field"] {
        pack.rules.entry(rule.to_string()).or_default().enabled = Some(true);
    }
    pack
}

/// The findings of one file, by rule: how many, and whether the rule reports errors.
fn ours(path: &Path, bytes: Vec<u8>, day: NaiveDate) -> BTreeMap<&'static str, (usize, bool)> {
    let source = SourceFile::from_bytes(path.with_file_name("security.txt"), bytes).expect("UTF-8");
    let mut counts = BTreeMap::new();
    for finding in policy_lint::lint(&source, &every_txt_rule(), day) {
        let entry = counts.entry(finding.rule).or_insert((0, false));
        entry.0 += 1;
        entry.1 |= finding.severity == Severity::Error;
    }
    counts
}

/// sectxt's codes of one file, by the rule that covers them; an unknown code is a failure.
fn theirs(
    verdict: &serde_json::Value,
    problems: &mut Vec<String>,
    name: &str,
) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for list in ["errors", "recommendations", "notifications"] {
        for code in verdict[list].as_array().expect("a list of codes") {
            let code = code.as_str().expect("a code");
            match CODES.iter().find(|(c, _)| *c == code) {
                Some((_, rule)) => *counts.entry(*rule).or_insert(0) += 1,
                None => problems.push(format!("{name}: sectxt code `{code}` has no rule")),
            }
        }
    }
    counts
}

/// Compares one file; pushes every unexplained difference, and the explanations used.
fn compare(
    name: &str,
    ours: &BTreeMap<&'static str, (usize, bool)>,
    theirs: &BTreeMap<&'static str, usize>,
    used: &mut Vec<(String, &'static str)>,
    problems: &mut Vec<String>,
) {
    for (rule, count) in theirs {
        let found = ours.get(rule).map_or(0, |(n, _)| *n);
        if found < *count {
            problems.push(format!(
                "{name}: sectxt reports {count} × {rule}'s problem, policy-lint {found}"
            ));
        }
    }
    for (rule, (count, error)) in ours {
        let reported = theirs.get(rule).copied().unwrap_or(0);
        if !error || *count <= reported {
            continue;
        }
        let more = count - reported;
        match EXPLAINED
            .iter()
            .find(|(file, r, n, _)| name.ends_with(file) && r == rule && *n == more)
        {
            Some(_) => used.push((name.to_string(), rule)),
            None => problems.push(format!(
                "{name}: policy-lint reports {more} more {rule} error(s) than sectxt, unexplained"
            )),
        }
    }
}

#[test]
fn every_sectxt_finding_has_a_rule_and_every_extra_error_a_reason() {
    let repo = crate::repo();
    let mut problems = Vec::new();
    let mut used = Vec::new();
    let mut compared: Vec<String> = Vec::new();
    let stored: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.join("fixtures/sectxt-verdicts.json")).expect("stored"),
    )
    .expect("JSON");
    let mut fixtures = Vec::new();
    collect(&repo.join("fixtures"), &mut fixtures);
    assert!(fixtures.len() >= 20, "{} fixtures", fixtures.len());
    for path in &fixtures {
        let name = path
            .strip_prefix(repo.join("fixtures"))
            .expect("below fixtures")
            .to_string_lossy()
            .replace('\\', "/");
        let Some(verdict) = stored.get(&name) else {
            problems.push(format!(
                "{name}: no stored sectxt verdict; run `.ci/sectxt-verdicts.py --write`"
            ));
            continue;
        };
        let mine = ours(path, std::fs::read(path).expect("readable"), crate::today());
        let theirs = theirs(verdict, &mut problems, &name);
        compare(&name, &mine, &theirs, &mut used, &mut problems);
        compared.push(name);
    }
    if let Some(shared) = crate::shared() {
        let dir = shared.join("corpus/security-txt");
        let verdicts: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("sectxt-verdicts.json")).expect("verdicts"),
        )
        .expect("JSON");
        let files = verdicts.as_object().expect("an object");
        assert!(files.len() > 40, "the corpus has shrunk: {}", files.len());
        for (name, verdict) in files.iter().filter(|(name, _)| *name != "_doc") {
            let path = dir.join(name);
            let mine = ours(&path, std::fs::read(&path).expect("readable"), corpus_day());
            let theirs = theirs(verdict, &mut problems, name);
            compare(name, &mine, &theirs, &mut used, &mut problems);
            compared.push(name.clone());
        }
    }
    // An explanation of a file compared here must explain something.
    for (file, rule, _, _) in EXPLAINED {
        let was_compared = compared.iter().any(|name| name.ends_with(file));
        if was_compared
            && !used
                .iter()
                .any(|(name, r)| name.ends_with(file) && r == rule)
        {
            problems.push(format!(
                "the explanation for {file} {rule} explains nothing"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} differences with sectxt over {} files:\n{}",
        problems.len(),
        compared.len(),
        problems.join("\n")
    );
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.file_name().is_some_and(|n| n == "security.txt") {
            out.push(path);
        }
    }
}

// The command line on security.txt files.

use crate::{policy_lint, temp_repo, write};

const VALID: &str = "Contact: mailto:security@widget-project.org\nExpires: 2027-06-30T23:59:59Z\nEncryption: https://widget-project.org/pgp-key.txt\n";

fn concise(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output = policy_lint(dir)
        .args(["check", "--format", "concise"])
        .args(args)
        .output()
        .expect("runs");
    (
        output.status.code(),
        String::from_utf8(output.stdout).expect("UTF-8"),
    )
}

#[test]
fn discovery_finds_well_known_files_at_any_depth_and_the_legacy_top_level_one() {
    let dir = temp_repo();
    write(dir.path(), "SECURITY.md", "# Security\n");
    for path in [
        "public/.well-known/security.txt",
        "site/static/.well-known/security.txt",
        "security.txt",
        "notes/security.txt",
    ] {
        write(dir.path(), path, VALID);
    }
    let output = policy_lint(dir.path())
        .args(["check", "--show-files"])
        .output()
        .expect("runs");
    let listed = String::from_utf8(output.stdout).expect("UTF-8");
    let listed: Vec<&str> = listed.lines().collect();
    assert_eq!(
        listed,
        [
            "SECURITY.md",
            "public/.well-known/security.txt",
            "security.txt",
            "site/static/.well-known/security.txt"
        ]
    );
    // A walk finds the same below the folder it walks.
    let (_, walked) = concise(dir.path(), &["--show-files", "site"]);
    assert_eq!(walked.trim(), "site/static/.well-known/security.txt");
}

#[test]
fn renewal_changes_only_the_expires_date_on_lf_and_crlf_files() {
    for eol in ["\n", "\r\n"] {
        let dir = temp_repo();
        let before = [
            "# Reports: write to us   ",
            "Contact: mailto:security@widget-project.org",
            "Expires: 2025-06-30T22:00:00.000z",
            "Encryption: https://widget-project.org/pgp-key.txt",
        ]
        .join(eol);
        let before = format!("{before}{eol}");
        write(dir.path(), "public/.well-known/security.txt", &before);
        let output = policy_lint(dir.path())
            .args(["renew", "--until", "2027-05-31"])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let after =
            std::fs::read(dir.path().join("public/.well-known/security.txt")).expect("read");
        let expected = before.replace("2025-06-30T22:00:00.000z", "2027-05-31T22:00:00.000z");
        assert_eq!(
            String::from_utf8(after).expect("UTF-8"),
            expected,
            "{eol:?}"
        );
        let said = String::from_utf8(output.stdout).expect("UTF-8");
        assert!(
            said.contains("Expires: 2025-06-30T22:00:00.000z → 2027-05-31T22:00:00.000z"),
            "{said}"
        );
        // The default: a year ahead, minus a day, from the test's day (2026-11-22).
        let output = policy_lint(dir.path())
            .args(["renew", "--format", "json"])
            .output()
            .expect("runs");
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        assert_eq!(json["next_due"][0]["due"], "2027-11-21");
    }
}

#[test]
fn a_signed_file_is_refused_and_left_untouched() {
    let dir = temp_repo();
    let signed =
        std::fs::read_to_string(crate::repo().join("fixtures/txt-missing-canonical/security.txt"))
            .expect("fixture");
    write(dir.path(), ".well-known/security.txt", &signed);
    let output = policy_lint(dir.path())
        .args(["renew", "--for", "90d"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).expect("UTF-8");
    assert!(
        stderr.contains("signed") && stderr.contains("sign it again"),
        "{stderr}"
    );
    let after = std::fs::read_to_string(dir.path().join(".well-known/security.txt")).expect("read");
    assert_eq!(after, signed);
    // --fix offers nothing inside the signed text either.
    write(
        dir.path(),
        ".well-known/security.txt",
        &signed.replace("Contact: https", "Contact :https"),
    );
    let (_, found) = concise(dir.path(), &["--fix", ".well-known/security.txt"]);
    assert!(found.contains("txt-line-syntax"), "{found}");
    let after = std::fs::read_to_string(dir.path().join(".well-known/security.txt")).expect("read");
    assert!(after.contains("Contact :https"), "a signed file was edited");
}

#[test]
fn fix_repairs_the_line_syntax_and_nothing_else() {
    let dir = temp_repo();
    write(
        dir.path(),
        ".well-known/security.txt",
        "\u{feff}Contact :security@widget-project.org\r\nExpires:2027-06-30T23:59:59Z\r\nEncryption: http://widget-project.org/key.txt",
    );
    let (code, left) = concise(dir.path(), &["--fix", ".well-known/security.txt"]);
    let after = std::fs::read_to_string(dir.path().join(".well-known/security.txt")).expect("read");
    assert_eq!(
        after,
        "Contact: mailto:security@widget-project.org\r\nExpires: 2027-06-30T23:59:59Z\r\nEncryption: http://widget-project.org/key.txt\r\n"
    );
    // `https` is not certain: it needs --unsafe-fixes.
    assert_eq!(code, Some(1));
    assert!(left.contains("txt-insecure-uri"), "{left}");
}

#[test]
fn a_hash_comment_suppresses_and_an_unused_one_is_reported() {
    let dir = temp_repo();
    write(
        dir.path(),
        ".well-known/security.txt",
        "# policy-lint-disable-next-line txt-insecure-uri -- the intranet form gets TLS in Q1\nContact: http://intranet.widget-project.org/report\n# policy-lint-disable-next-line txt-expired\nExpires: 2027-06-30T23:59:59Z\n",
    );
    let (code, found) = concise(dir.path(), &[".well-known/security.txt"]);
    assert_eq!(code, Some(0), "{found}");
    assert!(!found.contains("txt-insecure-uri"), "{found}");
    assert!(
        found.contains(":3:33: warning[unused-suppression]"),
        "{found}"
    );
}

#[test]
fn sarif_and_annotations_point_into_the_file() {
    let dir = temp_repo();
    write(
        dir.path(),
        "public/.well-known/security.txt",
        "Contact: mailto:security@widget-project.org\nExpires: 2025-01-01T00:00:00Z\n",
    );
    let output = policy_lint(dir.path())
        .args(["check", "--format", "sarif"])
        .output()
        .expect("runs");
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let expired = results
        .iter()
        .find(|r| r["ruleId"] == "txt-expired")
        .expect("txt-expired");
    let location = &expired["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "public/.well-known/security.txt"
    );
    assert_eq!(location["region"]["startLine"], 2);
    assert_eq!(location["region"]["startColumn"], 10);
    assert_eq!(location["region"]["endColumn"], 30);
    let output = policy_lint(dir.path())
        .args(["check", "--format", "github"])
        .output()
        .expect("runs");
    let annotations = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(
        annotations.contains(
            "::error file=public/.well-known/security.txt,line=2,col=10,endLine=2,endColumn=30,title=policy-lint (txt-expired)::"
        ),
        "{annotations}"
    );
}

#[test]
fn the_calendar_feed_holds_the_expires_and_keeps_its_uid_through_a_renewal() {
    let dir = temp_repo();
    write(
        dir.path(),
        "static/.well-known/security.txt",
        "Contact: mailto:security@widget-project.org\nExpires: 2026-06-30T00:00:00Z\n",
    );
    let before = crate::deadlines::events(&crate::deadlines::ics(dir.path()));
    let (uid, (start, summary)) = before.iter().next().expect("one event");
    assert!(uid.starts_with("expiry-"), "{uid}");
    assert_eq!(start, "20260630");
    assert_eq!(summary, "Renew security.txt");
    let output = policy_lint(dir.path())
        .args(["renew", "--until", "2027-01-31"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let output = policy_lint(dir.path())
        .args(["deadlines", "--format", "ics"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let after = crate::deadlines::events(&output.stdout);
    assert_eq!(after.get(uid).map(|e| e.0.as_str()), Some("20270131"));
}

#[test]
fn init_writes_a_starter_that_expires_in_a_year_less_a_day() {
    let dir = temp_repo();
    let output = policy_lint(dir.path())
        .args(["init", "--security-txt"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0));
    let text =
        std::fs::read_to_string(dir.path().join(".well-known/security.txt")).expect("written");
    assert!(text.contains("\nExpires: 2027-11-21T00:00:00Z\n"), "{text}");
    // What is left to do is the contact, and nothing else.
    let (_, found) = concise(dir.path(), &[".well-known/security.txt"]);
    let rules: Vec<&str> = found
        .lines()
        .filter_map(|l| l.split('[').nth(1)?.split(']').next())
        .collect();
    assert_eq!(rules, ["txt-not-uri"], "{found}");
    let again = policy_lint(dir.path())
        .args(["init", "--security-txt"])
        .output()
        .expect("runs");
    assert_eq!(
        again.status.code(),
        Some(2),
        "an existing file is not overwritten"
    );
}

#[test]
fn a_configuration_that_extends_security_txt_lints_security_txt_only() {
    let dir = temp_repo();
    write(
        dir.path(),
        ".policy-lint.yml",
        "extends: security-txt\nsecurity-txt:\n  warning-window-days: 400\n",
    );
    write(dir.path(), ".well-known/security.txt", VALID);
    let (code, found) = concise(dir.path(), &[]);
    assert_eq!(code, Some(0), "{found}");
    assert!(
        found.contains("txt-expires-soon"),
        "the window is the configuration's: {found}"
    );
    assert!(!found.contains("missing-policy"), "{found}");
}

#[test]
fn the_agreement_reads_the_policy_from_disk_when_only_security_txt_is_named() {
    let dir = temp_repo();
    write(
        dir.path(),
        "SECURITY.md",
        "# Security Policy\n\n## Supported Versions\n\nOnly the latest release.\n\n## Reporting a Vulnerability\n\nE-mail psirt@widget-project.org.\n",
    );
    write(dir.path(), "public/.well-known/security.txt", VALID);
    let (_, found) = concise(dir.path(), &["public/.well-known/security.txt"]);
    assert!(
        found.contains("SECURITY.md names `psirt@widget-project.org` (line 9)"),
        "{found}"
    );
    assert!(
        found.contains("`mailto:security@widget-project.org` is not mentioned in SECURITY.md"),
        "{found}"
    );
}

#[test]
fn each_security_txt_is_held_against_the_nearest_policy_of_the_walk() {
    let dir = temp_repo();
    let policy = |address: &str| {
        format!(
            "# Security Policy\n\n## Supported Versions\n\nOnly the latest release.\n\n\
             ## Reporting a Vulnerability\n\nE-mail {address}.\n"
        )
    };
    let txt = |address: &str| {
        format!(
            "Contact: mailto:{address}\nExpires: 2027-06-30T23:59:59Z\n\
             Encryption: https://widget-project.org/pgp-key.txt\n"
        )
    };
    write(
        dir.path(),
        "SECURITY.md",
        &policy("outer@widget-project.org"),
    );
    write(
        dir.path(),
        "site/.well-known/security.txt",
        &txt("outer@widget-project.org"),
    );
    // A nested project whose policy lives in docs/, serving the folder above it, and a
    // security.txt that sorts before that policy in the walk.
    write(
        dir.path(),
        "inner/docs/SECURITY.md",
        &policy("inner@widget-project.org"),
    );
    write(
        dir.path(),
        "inner/.well-known/security.txt",
        &txt("inner@widget-project.org"),
    );
    write(
        dir.path(),
        "inner/public/.well-known/security.txt",
        &txt("other@widget-project.org"),
    );
    let (_, found) = concise(dir.path(), &["."]);
    let mismatches: Vec<&str> = found
        .lines()
        .filter(|line| line.contains("txt-contact-mismatch"))
        .collect();
    assert_eq!(mismatches.len(), 2, "{found}");
    for line in mismatches {
        assert!(
            line.starts_with("./inner/public/.well-known/security.txt:"),
            "{found}"
        );
        assert!(line.contains("./inner/docs/SECURITY.md"), "{found}");
    }
}

/// Lines a security.txt is made of, well and badly written, for the property below.
const LINES: &[&str] = &[
    "Contact: mailto:security@widget-project.org",
    "Contact :security@widget-project.org",
    "Contact:http://widget-project.org/report",
    "Expires: 2027-06-30T23:59:59Z",
    "Expires:\t31 Dec 2026",
    "Preferred-Languages: en, , pt_BR",
    "CSAF: https://widget-project.org/provider-metadata.json",
    "Hiring:",
    ": orphan",
    "# policy-lint-disable-next-line txt-expired",
    "# a comment",
    "just prose",
    "",
    "   ",
    "-----BEGIN PGP SIGNED MESSAGE-----",
    "Hash: SHA512",
    "- Contact: https://widget-project.org/escaped",
    "-----BEGIN PGP SIGNATURE-----",
    "iHUEARYIAB0WIQSDGZvjjHZ9TQvWTfDLGavDWnWofAUC",
    "=eYxW",
    "-----END PGP SIGNATURE-----",
    "\u{feff}Contact: https://widget-project.org/é",
    "Contact: mailto:é@例え.jp",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    /// Any mix of those lines, with any line endings, lints without a panic, every span on
    /// character boundaries, and `--fix` settles: a second fix changes nothing.
    #[test]
    fn any_security_txt_lints_and_fixes_to_a_fixpoint(
        picks in proptest::collection::vec((0..LINES.len(), 0..3usize), 0..14),
        final_break in proptest::bool::ANY,
    ) {
        let mut text = String::new();
        for (i, (line, eol)) in picks.iter().enumerate() {
            text.push_str(LINES[*line]);
            if i + 1 < picks.len() || final_break {
                text.push_str(["\n", "\r\n", "\n\n"][*eol]);
            }
        }
        let pack = every_txt_rule();
        let source = SourceFile::new("security.txt", text.clone());
        for finding in policy_lint::lint(&source, &pack, crate::today()) {
            proptest::prop_assert!(text.is_char_boundary(finding.span.start));
            proptest::prop_assert!(text.is_char_boundary(finding.span.end));
            proptest::prop_assert!(finding.span.end <= text.len());
        }
        let fixed = policy_lint::fix::fix_file(&source, true, &pack, crate::today(), None)
            .expect("fixes settle");
        let again = policy_lint::fix::fix_file(&fixed.source, true, &pack, crate::today(), None)
            .expect("fixes settle");
        proptest::prop_assert_eq!(again.applied, 0);
    }
}
