//! Byte preservation under `--fix`: every fixture also in CRLF, mixed-ending, BOM and
//! no-final-newline variants; the rendered structure never changes; generated rotation
//! tables (proptest) keep every byte outside their table.

use policy_lint::diagnostic::{Applicability, Edit};
use policy_lint::document::Document;
use policy_lint::fix::{apply, fix_until_stable};
use policy_lint::io::source::SourceFile;
use policy_lint::pack::Pack;
use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser};

fn fix(pack: &Pack, text: &str) -> String {
    let lint = |doc: &Document<'_>| policy_lint::lint_document(doc, pack, crate::today());
    fix_until_stable(&SourceFile::new("fixed.md", text.to_string()), true, lint)
        .expect("fixes converge")
        .source
        .text
}

fn mixed(text: &str) -> String {
    text.split_inclusive('\n')
        .enumerate()
        .map(|(i, line)| {
            if i % 2 == 0 {
                line.replace('\n', "\r\n")
            } else {
                line.to_string()
            }
        })
        .collect()
}

#[test]
fn line_endings_bom_and_final_newline_are_kept_by_every_fix() {
    let pack = Pack::builtin().expect("pack");
    let mut checked = 0;
    for source in crate::fixtures() {
        let text = source.text.replace("\r\n", "\n");
        let fixed = fix(&pack, &text);
        let name = source.path().display().to_string();
        assert_eq!(
            fix(&pack, &text.replace('\n', "\r\n")),
            fixed.replace('\n', "\r\n"),
            "{name}: CRLF"
        );
        assert_eq!(
            fix(&pack, &format!("\u{feff}{text}")),
            format!("\u{feff}{fixed}"),
            "{name}: BOM"
        );
        if let (Some(bare), Some(fixed_bare)) = (text.strip_suffix('\n'), fixed.strip_suffix('\n'))
        {
            assert_eq!(fix(&pack, bare), fixed_bare, "{name}: no final newline");
        }
        let fixed_mixed = fix(&pack, &mixed(&text));
        assert_eq!(
            fixed_mixed.replace("\r\n", "\n"),
            fixed,
            "{name}: mixed endings"
        );
        assert_eq!(
            fix(&pack, &fixed_mixed),
            fixed_mixed,
            "{name}: mixed endings, twice"
        );
        if fixed != text {
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} fixtures had something to fix");
}

/// The start and end tags of the rendered document: what a fix must not change. An HTML
/// block holding only a comment renders to nothing a reader sees, so removing an unused
/// suppression comment keeps the structure.
fn structure(text: &str) -> Vec<String> {
    let mut tags = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
        match event {
            Event::Start(tag) => {
                if matches!(tag, pulldown_cmark::Tag::HtmlBlock) {
                    block = Some((tags.len(), String::new()));
                }
                tags.push(format!("{tag:?}"));
            }
            Event::Html(html) => {
                if let Some((_, content)) = &mut block {
                    content.push_str(&html);
                }
            }
            Event::End(tag) => {
                tags.push(format!("/{tag:?}"));
                if let Some((start, content)) = block.take() {
                    let content = content.trim();
                    if content.starts_with("<!--") && content.ends_with("-->") {
                        tags.truncate(start);
                    }
                }
            }
            _ => {}
        }
    }
    tags
}

/// The rendered text runs: what may change only where an edit put new text.
fn texts(text: &str) -> Vec<String> {
    Parser::new_ext(text, Options::ENABLE_TABLES)
        .filter_map(|event| match event {
            Event::Text(t) | Event::Code(t) => Some(t.to_string()),
            _ => None,
        })
        .collect()
}

/// One pass of every safe fix except the incident marker's (moving rows into the table
/// changes the rendering on purpose): the rendering keeps its structure, and each text run
/// that changed holds the replacement of an edit.
#[test]
fn a_fix_pass_changes_the_rendering_only_where_it_edits() {
    let pack = Pack::builtin().expect("pack");
    let mut documents = crate::fixtures();
    documents.extend(crate::corpus());
    for source in documents {
        let name = source.path().display().to_string();
        let diagnostics = policy_lint::lint(&source, &pack, crate::today());
        let mut taken: Vec<&Edit> = Vec::new();
        for d in &diagnostics {
            let Some(fix) = &d.fix else { continue };
            if fix.applicability != Applicability::Safe || d.rule == "incident-marker" {
                continue;
            }
            if fix.edits.iter().any(|e| {
                taken
                    .iter()
                    .any(|t| t.span.overlaps(e.span) || t.span.start == e.span.start)
            }) {
                continue;
            }
            taken.extend(&fix.edits);
        }
        if taken.is_empty() {
            continue;
        }
        taken.sort_by_key(|e| e.span);
        let after = apply(&source.text, &taken);
        assert_eq!(
            structure(source.body()),
            structure(after.trim_start_matches('\u{feff}')),
            "{name}"
        );
        let (old, new) = (texts(&source.text), texts(&after));
        for (a, b) in old.iter().zip(&new) {
            if a != b {
                assert!(
                    taken.iter().any(|e| {
                        let new = e.replacement.trim();
                        !new.is_empty() && (b.contains(new) || new.contains(b.as_str()))
                    }),
                    "{name}: `{a}` became `{b}` without an edit there"
                );
            }
        }
    }
}

const SPELLINGS: &[&str] = &[
    "2026-03-04",
    "Mar 4, 2026",
    "2026/03/04",
    "4 March 2026",
    "04/03/2026",
    "31/12/2025",
    "March 4th, 2026",
];
const FREQUENCIES: &[&str] = &[
    "Every 90 days",
    "monthly",
    "quarterly",
    "P1Y",
    "weekly",
    "sometimes",
];

fn rotation_document() -> impl Strategy<Value = (String, bool, bool, bool)> {
    let row = (
        "[A-Za-z][A-Za-z0-9 ]{0,12}[A-Za-z0-9]",
        0..FREQUENCIES.len(),
        "[A-Za-z]{1,8}",
        0..SPELLINGS.len(),
    );
    (
        proptest::collection::vec(row, 1..6),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(rows, aligned, crlf, bom, final_newline)| {
            let cells: Vec<[String; 4]> = rows
                .into_iter()
                .map(|(secret, f, owner, d)| {
                    [
                        secret,
                        FREQUENCIES[f].to_string(),
                        owner,
                        SPELLINGS[d].to_string(),
                    ]
                })
                .collect();
            let header =
                ["Secret", "Rotation Frequency", "Owner", "Last Rotated"].map(String::from);
            let widths: Vec<usize> = (0..4)
                .map(|c| {
                    cells
                        .iter()
                        .map(|r| r[c].chars().count())
                        .chain([header[c].len()])
                        .max()
                        .unwrap_or(3)
                })
                .collect();
            let line = |r: &[String; 4]| {
                let padded: Vec<String> = r
                    .iter()
                    .enumerate()
                    .map(|(c, t)| {
                        if aligned {
                            format!("{t:<w$}", w = widths[c])
                        } else {
                            t.clone()
                        }
                    })
                    .collect();
                format!("| {} |", padded.join(" | "))
            };
            let delimiter: Vec<String> = widths
                .iter()
                .map(|w| "-".repeat(if aligned { *w } else { 3 }))
                .collect();
            let mut lines = vec![
                "# Security Policy".to_string(),
                String::new(),
                "## Secret Rotation Schedule".to_string(),
                String::new(),
                line(&header),
                format!("| {} |", delimiter.join(" | ")),
            ];
            lines.extend(cells.iter().map(line));
            lines.extend([String::new(), "Trailing text  ".to_string()]);
            let ending = if crlf { "\r\n" } else { "\n" };
            let mut text = lines.join(ending);
            if final_newline {
                text.push_str(ending);
            }
            if bom {
                text.insert(0, '\u{feff}');
            }
            (text, aligned, crlf, bom)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn generated_rotation_tables_fix_in_place((text, aligned, crlf, bom) in rotation_document()) {
        let pack = Pack::builtin().expect("pack");
        let fixed = fix(&pack, &text);
        prop_assert_eq!(fix(&pack, &fixed), fixed.clone());
        prop_assert_eq!(fixed.starts_with('\u{feff}'), bom);
        prop_assert_eq!(fixed.matches("\r\n").count(), text.matches("\r\n").count());
        prop_assert_eq!(fixed.matches('\n').count(), text.matches('\n').count());
        // Every line outside the table is byte-identical.
        let (before, after): (Vec<&str>, Vec<&str>) = (text.split('\n').collect(), fixed.split('\n').collect());
        for (i, (a, b)) in before.iter().zip(&after).enumerate() {
            if !a.trim_start_matches('\u{feff}').starts_with('|') {
                prop_assert_eq!(a, b, "line {}", i + 1);
            }
        }
        if aligned && !crlf {
            let source = SourceFile::new("p.md", fixed.clone());
            let doc = Document::parse(&source);
            prop_assert!(policy_lint::fix::align::is_aligned(&source, &doc.tables[0]), "{}", fixed);
        }
    }
}
