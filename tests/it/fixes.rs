//! `--fix` on every fixture and corpus document: a fixpoint, no safe fix left, and the diff
//! each fixture's safe and unsafe fixes make.

use policy_lint::diagnostic::Applicability;
use policy_lint::document::Document;
use policy_lint::fix::fix_until_stable;
use policy_lint::io::source::SourceFile;
use policy_lint::pack::Pack;

fn lint_text(pack: &Pack, text: &str) -> Vec<policy_lint::diagnostic::Diagnostic> {
    policy_lint::lint(
        &SourceFile::new("fixed.md", text.to_string()),
        pack,
        crate::today(),
    )
}

#[test]
fn fixing_twice_changes_nothing_and_leaves_no_safe_fix() {
    let pack = Pack::builtin().expect("pack");
    let mut documents = crate::fixtures();
    documents.extend(crate::corpus());
    for source in documents {
        let name = source.path().display().to_string();
        let fixed = fix_until_stable(&source, false, |doc: &Document<'_>| {
            policy_lint::lint_document(doc, &pack, crate::today())
        })
        .unwrap_or_else(|err| panic!("{name}: {err:?}"));
        let again = fix_until_stable(&fixed.source, false, |doc: &Document<'_>| {
            policy_lint::lint_document(doc, &pack, crate::today())
        })
        .expect("fixpoint");
        assert_eq!(again.applied, 0, "{name}");
        assert_eq!(again.source.text, fixed.source.text, "{name}");
        let left: Vec<_> = lint_text(&pack, &fixed.source.text)
            .into_iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == Applicability::Safe)
            })
            .collect();
        assert!(
            left.is_empty(),
            "{name}: safe fixes left after fixing: {left:?}"
        );
    }
}

#[test]
fn fixture_fix_diffs() {
    let pack = Pack::builtin().expect("pack");
    insta::glob!("../../fixtures", "*/*.md", |path| {
        let text = std::fs::read_to_string(path).expect("fixture");
        let fixed = fix_until_stable(
            &SourceFile::new(path, text.clone()),
            true,
            |doc: &Document<'_>| policy_lint::lint_document(doc, &pack, crate::today()),
        )
        .expect("converges");
        if fixed.source.text == text {
            return;
        }
        let diff = similar::TextDiff::from_lines(&text, &fixed.source.text)
            .unified_diff()
            .context_radius(1)
            .to_string();
        insta::assert_snapshot!(format!("{} fixes applied\n{diff}", fixed.applied));
    });
}
