//! One snapshot per fixture under `fixtures/<rule>/`: the rendered findings.

use policy_lint::source::SourceFile;

#[test]
fn rule_fixtures() {
    insta::glob!("../../fixtures", "*/*.md", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        insta::assert_snapshot!(crate::render_human(SourceFile::new(path, text)));
    });
}

#[test]
fn every_rule_has_docs_and_a_fixture() {
    let fixtures = crate::repo().join("fixtures");
    for meta in policy_lint::rules::all() {
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Fix safety",
        ] {
            assert!(
                meta.docs.contains(heading),
                "{} docs lack `{heading}`",
                meta.name
            );
        }
        let first = meta.summary.chars().next().expect("summary");
        assert!(
            first.is_lowercase() && !meta.summary.ends_with('.'),
            "{}: summaries are lower-case with no trailing period",
            meta.name
        );
        if meta.name != "missing-policy" {
            assert!(
                fixtures.join(meta.name).is_dir(),
                "no fixtures/{}/",
                meta.name
            );
        }
    }
}

#[test]
fn messages_are_lower_case_without_trailing_period() {
    let pack = policy_lint::pack::Pack::builtin().expect("pack");
    for source in crate::fixtures() {
        for d in policy_lint::lint(&source, &pack, crate::today()) {
            let first = d.message.chars().next().expect("message");
            assert!(!first.is_uppercase(), "{}: {}", d.rule, d.message);
            assert!(!d.message.ends_with('.'), "{}: {}", d.rule, d.message);
        }
    }
}
