//! The fix round trip on any UTF-8 text: fixing converges or refuses, never panics; a fixed
//! text fixes to itself and keeps no safe fix.
#![no_main]

use std::sync::LazyLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use policy_lint::diagnostic::Applicability;
use policy_lint::document::Document;
use policy_lint::fix::fix_until_stable;
use policy_lint::io::source::SourceFile;
use policy_lint::pack::Pack;

/// Loaded once: compiling the pack's patterns costs more than a run.
static PACK: LazyLock<Pack> = LazyLock::new(|| Pack::builtin().expect("the built-in pack loads"));

fuzz_target!(|text: &str| {
    let pack = &*PACK;
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let lint = |text: &str| {
        policy_lint::lint(
            &SourceFile::new("SECURITY.md", text.to_string()),
            pack,
            today,
        )
    };
    let lint_doc = |doc: &Document<'_>| policy_lint::lint_document(doc, pack, today);
    let Ok(fixed) = fix_until_stable(&SourceFile::new("fuzz.md", text.to_string()), false, lint_doc)
    else {
        return;
    };
    let again = fix_until_stable(&fixed.source, false, lint_doc).expect("a fixed text fixes again");
    let fixed = fixed.source;
    assert_eq!(again.source.text, fixed.text, "fixing twice changed the text");
    let left = lint(&fixed.text);
    assert!(
        !left.iter().any(|d| d
            .fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)),
        "a safe fix is left after fixing"
    );
});
