//! Applying fixes: non-overlapping edits, tables realigned ([`align`]), re-linted to a
//! fixpoint; and the edits the recording commands compute ([`update`]). The types a fix is
//! made of live beside the diagnostic that carries it.

pub mod align;
pub mod renew;
pub mod update;

use chrono::NaiveDate;

use crate::diagnostic::{self, Applicability, Edit};
use crate::document::Document;
use crate::io::source::{SourceFile, Span};
use crate::kind::DocumentKind;
use crate::pack::Pack;
use crate::rules::security_txt::agreement::PolicyFacts;
use crate::security_txt::SecurityTxt;

/// Applies `edits` (sorted by position, non-overlapping) to `text`, then aligns again every
/// table that was column-aligned before and had a cell edited; an unaligned table keeps the
/// minimal splice.
pub fn apply(text: &str, edits: &[&Edit]) -> String {
    let before = SourceFile::new("", text.to_string());
    apply_to(&Document::parse(&before), edits)
}

/// [`apply`] to the text of a document already parsed.
fn apply_to(doc: &Document<'_>, edits: &[&Edit]) -> String {
    let before = doc.source;
    let text = before.text.as_str();
    let aligned: Vec<usize> = doc
        .tables
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            edits
                .iter()
                .any(|e| e.span.within(t.span) || (e.span.is_empty() && e.span.start == t.span.end))
        })
        .filter(|(_, t)| align::is_aligned(before, t))
        .map(|(i, _)| i)
        .collect();
    let edited = diagnostic::apply_edits(text, edits);
    if aligned.is_empty() {
        return edited;
    }
    let after = SourceFile::new("", edited.clone());
    let doc = Document::parse(&after);
    let realigned: Vec<Edit> = aligned
        .iter()
        .filter_map(|&i| doc.tables.get(i))
        .filter_map(|t| align::realign(&after, t))
        .flatten()
        .collect();
    let mut refs: Vec<&Edit> = realigned.iter().collect();
    refs.sort_by_key(|e| e.span);
    diagnostic::apply_edits(&edited, &refs)
}

/// The most fix passes a run makes before it gives up.
pub const MAX_PASSES: usize = 10;

/// What [`fix_until_stable`] did.
#[derive(Debug)]
pub struct Fixed {
    /// The fixed document (the one given, when no fix applied), with its line index.
    pub source: SourceFile,
    /// Fixes applied over all passes.
    pub applied: usize,
    /// The findings of the fixed text: the last pass's lint, so that nobody lints it again.
    pub diagnostics: Vec<diagnostic::Diagnostic>,
}

/// Why fixing stopped without writing anything.
#[derive(Debug, PartialEq, Eq)]
pub enum FixError {
    /// These rules still had fixes after [`MAX_PASSES`] passes: they undo each other.
    NotConverged { rules: Vec<&'static str> },
    /// A pass of these rules' fixes changed the document's sections or table shapes.
    ChangedStructure { rules: Vec<&'static str> },
}

impl std::fmt::Display for FixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixError::NotConverged { rules } => write!(
                f,
                "fixes did not settle after {MAX_PASSES} passes (rules that kept changing it: {})",
                rules.join(", ")
            ),
            FixError::ChangedStructure { rules } => write!(
                f,
                "the fixes of {} would change its sections or tables",
                rules.join(", ")
            ),
        }
    }
}

/// What no fix may change: the sections and the number and width of tables.
fn structure(doc: &Document<'_>) -> Structure {
    (
        doc.sections
            .iter()
            .map(|s| (s.level, s.title.clone()))
            .collect(),
        doc.tables.iter().map(|t| t.header.cells.len()).collect(),
    )
}

/// Fixes a file of either kind with the rules `pack` enables, to a fixpoint: see
/// [`fix_until_stable`]. A security.txt is held against `policy`, its repository's
/// SECURITY.md, when its facts are given.
pub fn fix_file(
    given: &SourceFile,
    allow_unsafe: bool,
    pack: &Pack,
    today: NaiveDate,
    policy: Option<&PolicyFacts>,
) -> Result<Fixed, FixError> {
    match DocumentKind::of(given.path(), pack) {
        DocumentKind::Policy => fix_until_stable(given, allow_unsafe, |doc| {
            crate::lint_document(doc, pack, today)
        }),
        DocumentKind::SecurityTxt => fix_loop::<TxtModel>(given, allow_unsafe, |txt| {
            crate::lint_security_txt(txt, pack, today, policy)
        }),
    }
}

/// Lints `text`, applies every fix whose applicability is allowed and whose edits overlap no
/// fix already taken in the pass, and repeats on the result until no fix is left.
/// `lint` is called on each pass's parsed text; each pass parses once, and the findings of the
/// last pass are the report. A pass that changes the document's structure, or fixes that never
/// settle, stop it with nothing applied.
pub fn fix_until_stable(
    given: &SourceFile,
    allow_unsafe: bool,
    lint: impl FnMut(&Document<'_>) -> Vec<diagnostic::Diagnostic>,
) -> Result<Fixed, FixError> {
    fix_loop::<MarkdownModel>(given, allow_unsafe, lint)
}

/// What the fix loop needs of a kind of document: its model, what no fix may change in it,
/// and how edits are applied to it.
trait Model {
    type Parsed<'s>;
    fn parse(source: &SourceFile) -> Self::Parsed<'_>;
    fn structure(parsed: &Self::Parsed<'_>) -> Structure;
    fn apply(parsed: &Self::Parsed<'_>, edits: &[&Edit]) -> String;
}

/// Markdown: sections and table widths stay; edited aligned tables are aligned again.
struct MarkdownModel;

impl Model for MarkdownModel {
    type Parsed<'s> = Document<'s>;
    fn parse(source: &SourceFile) -> Document<'_> {
        Document::parse(source)
    }
    fn structure(doc: &Document<'_>) -> Structure {
        structure(doc)
    }
    fn apply(doc: &Document<'_>, edits: &[&Edit]) -> String {
        apply_to(doc, edits)
    }
}

/// security.txt: its fixes change one line each (its blanks, a `mailto:`, a line break, an
/// unused suppression), so no structure is held against them: a malformed OpenPGP frame can
/// read a field as a header once a comment above it is gone.
struct TxtModel;

impl Model for TxtModel {
    type Parsed<'s> = SecurityTxt<'s>;
    fn parse(source: &SourceFile) -> SecurityTxt<'_> {
        SecurityTxt::parse(source)
    }
    fn structure(_: &SecurityTxt<'_>) -> Structure {
        (Vec::new(), Vec::new())
    }
    fn apply(txt: &SecurityTxt<'_>, edits: &[&Edit]) -> String {
        diagnostic::apply_edits(&txt.source.text, edits)
    }
}

/// The loop of [`fix_until_stable`], for any kind of document.
fn fix_loop<M: Model>(
    given: &SourceFile,
    allow_unsafe: bool,
    mut lint: impl FnMut(&M::Parsed<'_>) -> Vec<diagnostic::Diagnostic>,
) -> Result<Fixed, FixError> {
    // The first pass reads the document as given; each later one, the text the last made.
    let mut fixed: Option<SourceFile> = None;
    let mut before: Option<Structure> = None;
    let mut applied = 0;
    let mut last_rules = Vec::new();
    for _ in 0..MAX_PASSES {
        let source = fixed.as_ref().unwrap_or(given);
        let doc = M::parse(source);
        let now = M::structure(&doc);
        if before.is_some_and(|before| before != now) {
            return Err(FixError::ChangedStructure { rules: last_rules });
        }
        let diagnostics = lint(&doc);
        let mut taken: Vec<&Edit> = Vec::new();
        let mut taken_spans = TakenSpans::default();
        let mut rules = Vec::new();
        for diagnostic in &diagnostics {
            let Some(fix) = &diagnostic.fix else { continue };
            if fix.applicability == Applicability::Unsafe && !allow_unsafe {
                continue;
            }
            let clashes = fix.edits.iter().any(|e| taken_spans.clashes(e.span));
            if clashes
                || fix
                    .edits
                    .iter()
                    .any(|e| source.text.get(e.span.start..e.span.end).is_none())
            {
                continue;
            }
            taken.extend(&fix.edits);
            taken_spans.extend(fix.edits.iter().map(|e| e.span));
            rules.push(diagnostic.rule);
            applied += 1;
        }
        if taken.is_empty() {
            drop(doc);
            return Ok(Fixed {
                source: fixed.unwrap_or_else(|| given.clone()),
                applied,
                diagnostics,
            });
        }
        taken.sort_by_key(|e| e.span);
        rules.sort_unstable();
        rules.dedup();
        let text = M::apply(&doc, &taken);
        drop(diagnostics);
        drop(doc);
        fixed = Some(SourceFile::new(given.path(), text));
        before = Some(now);
        last_rules = rules;
    }
    // The last pass's result was never parsed: its structure decides which error it is.
    let source = fixed.as_ref().unwrap_or(given);
    if before.is_some_and(|before| before != M::structure(&M::parse(source))) {
        return Err(FixError::ChangedStructure { rules: last_rules });
    }
    Err(FixError::NotConverged { rules: last_rules })
}

/// The sections (level, title) and the width of each table.
type Structure = (Vec<(u8, String)>, Vec<usize>);

/// Two insertions at the same point would have no defined order, so they clash too.
fn overlaps_or_touches(a: Span, b: Span) -> bool {
    a.overlaps(b) || (a.start == b.start && (a.is_empty() || b.is_empty()))
}

/// The spans of the edits a pass has taken, by start, so that a clash is found among the
/// two nearest instead of among all of them (a table can have 100,000 fixable dates).
#[derive(Default)]
struct TakenSpans(std::collections::BTreeMap<usize, Span>);

impl TakenSpans {
    /// Whether `span` overlaps or touches a taken span. Taken spans do not overlap one
    /// another, so their ends rise with their starts: of those starting at or before the end
    /// of `span`, the last has the latest end, and the one before it can share its start.
    fn clashes(&self, span: Span) -> bool {
        self.0
            .range(..=span.end)
            .rev()
            .take(2)
            .any(|(_, &taken)| overlaps_or_touches(span, taken))
    }

    /// Takes `spans`; of two that start together (one is then empty), the longer stands for
    /// both.
    fn extend(&mut self, spans: impl Iterator<Item = Span>) {
        for span in spans {
            let kept = self.0.entry(span.start).or_insert(span);
            kept.end = kept.end.max(span.end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Fix, Severity};
    use proptest::prelude::*;

    /// A text as the document fixes start from.
    fn doc(text: &str) -> SourceFile {
        SourceFile::new("t.md", text.to_string())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// The nearest taken spans decide a clash as a comparison with every one of them does.
        #[test]
        fn a_clash_is_found_among_the_nearest_taken_spans(
            candidates in proptest::collection::vec((0usize..40, 0usize..4), 0..40)
        ) {
            let mut taken: Vec<Span> = Vec::new();
            let mut taken_spans = TakenSpans::default();
            for (start, len) in candidates {
                let span = Span::new(start, start + len);
                let clashes = taken.iter().any(|&t| overlaps_or_touches(span, t));
                prop_assert_eq!(taken_spans.clashes(span), clashes, "{:?} {:?}", span, taken);
                if !clashes {
                    taken.push(span);
                    taken_spans.extend(std::iter::once(span));
                }
            }
        }
    }

    fn replace(span: Span, with: &str, applicability: Applicability) -> Diagnostic {
        Diagnostic {
            rule: "test-rule",
            severity: Severity::Warning,
            span,
            message: "test".to_string(),
            help: None,
            fix: Some(Fix {
                title: "test".to_string(),
                applicability,
                edits: vec![Edit {
                    span,
                    replacement: with.to_string(),
                }],
            }),
        }
    }

    /// Upper-cases one `x` per pass.
    fn upper_one_x(doc: &Document<'_>) -> Vec<Diagnostic> {
        doc.source
            .text
            .find('x')
            .map(|at| replace(Span::new(at, at + 1), "X", Applicability::Safe))
            .into_iter()
            .collect()
    }

    #[test]
    fn edits_change_only_their_spans() {
        let text = "a\r\nbb\r\nccc";
        let first = Edit {
            span: Span::new(0, 1),
            replacement: "A".to_string(),
        };
        let second = Edit {
            span: Span::new(3, 5),
            replacement: "B".to_string(),
        };
        assert_eq!(
            diagnostic::apply_edits(text, &[&first, &second]),
            "A\r\nB\r\nccc"
        );
    }

    #[test]
    fn fixing_repeats_until_nothing_is_left() {
        let fixed = fix_until_stable(&doc("x-x-x"), false, upper_one_x).unwrap();
        assert_eq!((fixed.source.text.as_str(), fixed.applied), ("X-X-X", 3));
        assert!(fixed.diagnostics.is_empty());
        let again = fix_until_stable(&fixed.source, false, upper_one_x).unwrap();
        assert_eq!(again.applied, 0);
    }

    #[test]
    fn unsafe_fixes_need_permission() {
        let lint = |doc: &Document<'_>| {
            let text = doc.source.text.as_str();
            if text == "a" {
                vec![replace(Span::new(0, 1), "b", Applicability::Unsafe)]
            } else {
                Vec::new()
            }
        };
        assert_eq!(fix_until_stable(&doc("a"), false, lint).unwrap().applied, 0);
        assert_eq!(
            fix_until_stable(&doc("a"), true, lint).unwrap().source.text,
            "b"
        );
    }

    #[test]
    fn fixes_that_fight_are_reported_not_applied() {
        let flip = |doc: &Document<'_>| {
            let text = doc.source.text.as_str();
            let to = if text == "a" { "b" } else { "a" };
            vec![replace(Span::new(0, 1), to, Applicability::Safe)]
        };
        let err = fix_until_stable(&doc("a"), false, flip).unwrap_err();
        assert_eq!(
            err,
            FixError::NotConverged {
                rules: vec!["test-rule"]
            }
        );
    }

    #[test]
    fn a_fix_that_changes_the_structure_is_refused() {
        let demote = |doc: &Document<'_>| {
            let text = doc.source.text.as_str();
            if text.starts_with("# ") {
                vec![replace(Span::new(0, 1), "##", Applicability::Safe)]
            } else {
                Vec::new()
            }
        };
        let err = fix_until_stable(&doc("# Title\n"), false, demote).unwrap_err();
        assert_eq!(
            err,
            FixError::ChangedStructure {
                rules: vec!["test-rule"]
            }
        );
    }

    #[test]
    fn an_edit_in_an_aligned_table_realigns_it() {
        let text = "| a   | b   |\n| --- | --- |\n| c   | d   |\n\nafter\n";
        let at = text.find(" c ").unwrap() + 1;
        let edit = Edit {
            span: Span::new(at, at + 1),
            replacement: "wider".to_string(),
        };
        assert_eq!(
            apply(text, &[&edit]),
            "| a     | b   |\n| ----- | --- |\n| wider | d   |\n\nafter\n"
        );
        let unaligned = "| a | b |\n|--|--|\n| c | d |\n";
        let at = unaligned.find(" c ").unwrap() + 1;
        let edit = Edit {
            span: Span::new(at, at + 1),
            replacement: "wider".to_string(),
        };
        assert_eq!(
            apply(unaligned, &[&edit]),
            "| a | b |\n|--|--|\n| wider | d |\n"
        );
    }

    #[test]
    fn overlapping_fixes_wait_for_the_next_pass() {
        let lint = |doc: &Document<'_>| {
            let text = doc.source.text.as_str();
            if text == "abc" {
                vec![
                    replace(Span::new(0, 2), "XY", Applicability::Safe),
                    replace(Span::new(1, 3), "ZW", Applicability::Safe),
                ]
            } else {
                Vec::new()
            }
        };
        assert_eq!(
            fix_until_stable(&doc("abc"), false, lint)
                .unwrap()
                .source
                .text,
            "XYc"
        );
    }
}
