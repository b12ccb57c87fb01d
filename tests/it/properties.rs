//! The fuzz targets' properties (`fuzz/`), exercised on generated policy-like documents within
//! a bounded number of cases: every rule and format survives any text, spans lie on character
//! boundaries, and the fix round trip converges.

use std::sync::LazyLock;

use policy_lint::cli::Format;
use policy_lint::diagnostic::Applicability;
use policy_lint::diagnostic::Diagnostic;
use policy_lint::document::Document;
use policy_lint::fix::fix_until_stable;
use policy_lint::io::source::SourceFile;
use policy_lint::pack::Pack;
use policy_lint::render::{self, FileReport, RenderOptions, Report};
use proptest::prelude::*;

static PACK: LazyLock<Pack> = LazyLock::new(|| Pack::builtin().expect("pack"));

fn lint(text: &str) -> Vec<Diagnostic> {
    policy_lint::lint(
        &SourceFile::new("p.md", text.to_string()),
        &PACK,
        crate::today(),
    )
}

/// Lines a policy is made of, and the pieces that break parsers: pipes, backticks, brackets,
/// comments and suppressions, odd dates and frequencies, non-ASCII text.
fn fragment() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# Security Policy".to_string()),
        Just("## Reporting a Vulnerability".to_string()),
        Just("## Supported Versions".to_string()),
        Just("## Secret Rotation Schedule".to_string()),
        Just("## Incident Log".to_string()),
        Just("| Secret | Rotation Frequency | Owner | Last Rotated |".to_string()),
        Just("| Date | Incident | Severity | Status |".to_string()),
        Just("|---|---|---|---|".to_string()),
        Just("<!-- Add new incidents above this line -->".to_string()),
        Just("<!-- policy-lint-disable-next-line rotation-overdue -->".to_string()),
        Just("<!-- policy-lint-disable rotation-overdue -->".to_string()),
        Just("<!-- policy-lint-enable -->".to_string()),
        Just("**Last Updated**: Oct 1, 2026".to_string()),
        Just("**Next Review**: 2026-02-30 (quarterly review)".to_string()),
        Just("Email security@acme-widgets.dev or [TODO](https://example.com).".to_string()),
        Just("```".to_string()),
        Just("> quoted | text".to_string()),
        Just("- [ ] Last reviewed: 3 March 2026".to_string()),
        Just("".to_string()),
        (
            "[A-Za-z ]{0,12}",
            prop_oneof![
                "Every [0-9]{1,3} days",
                "P[0-9]M",
                "monthly",
                "sometimes",
                "-5 weeks"
            ],
            "[A-Za-z]{0,8}",
            prop_oneof![
                "20[0-9]{2}-[01][0-9]-[0-3][0-9]",
                "[0-3]?[0-9]/[01]?[0-9]/20[0-9]{2}",
                "(Jan|Oct|May) [0-9]{1,2}, 2026",
                "YYYY-MM-DD",
                "\\+275760-09-13",
            ],
        )
            .prop_map(|(a, b, c, d)| format!("| {a} | {b} | {c} | {d} |")),
        "[|`*_\\[\\]<>!#: a-zé日-]{0,40}",
    ];
    piece
}

fn document() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(fragment(), 0..40),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(lines, crlf, bom)| {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            if bom { format!("\u{feff}{text}") } else { text }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_rule_and_format_survives_any_policy(text in document()) {
        let diagnostics = lint(&text);
        for d in &diagnostics {
            prop_assert!(d.span.start <= d.span.end && d.span.end <= text.len());
            prop_assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
        }
        let report = Report {
            today: crate::today(),
            root: std::path::PathBuf::new(),
            files: vec![FileReport {
                source: SourceFile::new("p.md", text.clone()),
                diagnostics,
                fixed: 0,
            }],
        };
        let options = RenderOptions { color: false, quiet: false, statistics: false };
        for format in [Format::Human, Format::Concise, Format::Json, Format::Sarif, Format::Github] {
            prop_assert!(render::render(format, &report, options, &mut std::io::sink()).is_ok());
        }
    }

    #[test]
    fn fixing_converges_and_leaves_no_safe_fix(text in document()) {
        // A refusal (fixes that fight or change the structure) is an answer, not a failure.
        let lint_doc = |doc: &Document<'_>| policy_lint::lint_document(doc, &PACK, crate::today());
        if let Ok(fixed) = fix_until_stable(&SourceFile::new("p.md", text.clone()), false, lint_doc) {
            let again = fix_until_stable(&fixed.source, false, lint_doc);
            let fixed = fixed.source;
            prop_assert_eq!(again.map(|a| a.source.text).ok(), Some(fixed.text.clone()));
            let safe_left = lint(&fixed.text).into_iter().any(|d| {
                d.fix.is_some_and(|f| f.applicability == Applicability::Safe)
            });
            prop_assert!(!safe_left, "{}", fixed.text);
        }
    }
}
