//! Robustness and model invariants over every fixture and every real-world policy.

use policy_lint::document::Document;
use policy_lint::io::source::SourceFile;
use policy_lint::pack::Pack;

fn documents() -> Vec<SourceFile> {
    let mut documents = crate::fixtures();
    documents.extend(crate::corpus());
    documents
}

#[test]
fn every_cell_content_span_slices_to_its_text() {
    let mut cells = 0;
    for source in documents() {
        let doc = Document::parse(&source);
        for table in &doc.tables {
            for row in std::iter::once(&table.header).chain(&table.rows) {
                for cell in &row.cells {
                    assert_eq!(
                        source.slice(cell.content()),
                        cell.text,
                        "{}",
                        source.path().display()
                    );
                    assert!(cell.content().within(cell.span()));
                    assert!(cell.span().within(row.span));
                    assert_eq!(cell.text, cell.text.trim());
                    cells += 1;
                }
            }
            assert!(table.header.span.within(table.span));
            assert_eq!(table.alignments.len(), table.header.cells.len());
            let delimiter = source.slice(table.delimiter);
            assert!(delimiter.contains('-'), "delimiter row `{delimiter}`");
        }
    }
    if crate::shared().is_some() {
        assert!(
            cells > 500,
            "only {cells} cells seen: the corpus was not read"
        );
    }
}

#[test]
fn every_field_and_title_span_slices_to_its_text() {
    for source in documents() {
        let doc = Document::parse(&source);
        for field in &doc.fields {
            assert_eq!(source.slice(field.value_span), field.value);
            assert_eq!(source.slice(field.label_span), field.label);
        }
        for section in &doc.sections {
            assert!(section.title_span.within(section.heading));
            assert!(section.heading.end <= section.body.start || section.body.is_empty());
            if let Some(parent) = section.parent {
                assert!(doc.sections[parent].level < section.level);
                assert!(section.heading.within(doc.sections[parent].body));
            }
        }
        for contact in &doc.contacts {
            assert_eq!(source.slice(contact.span), contact.text);
            assert!(!doc.in_comment(contact.span));
        }
    }
}

#[test]
fn linting_every_document_never_panics_and_spans_are_in_bounds() {
    let pack = Pack::builtin().expect("pack");
    for source in documents() {
        for d in policy_lint::lint(&source, &pack, crate::today()) {
            assert!(d.span.end <= source.text.len());
            assert!(source.text.is_char_boundary(d.span.start));
            assert!(source.text.is_char_boundary(d.span.end));
        }
    }
}

#[test]
fn the_latin1_document_is_an_encoding_error() {
    let Some(shared) = crate::shared() else {
        return;
    };
    let path =
        shared.join("corpus/real/thiagorodriguespantoja__pipeline-versions-tags__SECURITY.md");
    let bytes = std::fs::read(&path).expect("corpus file");
    let err = SourceFile::from_bytes(&path, bytes).expect_err("Latin-1 is not UTF-8");
    assert!(err.offset > 0);
}

#[test]
fn seed_fields_are_found() {
    let Some(shared) = crate::shared() else {
        return;
    };
    let text =
        std::fs::read_to_string(shared.join("seeds/000_44b596ed7c7cac7d.txt")).expect("seed");
    let source = SourceFile::new("seed.md", text);
    let doc = Document::parse(&source);
    let labels: Vec<(&str, &str)> = doc
        .fields
        .iter()
        .map(|f| (f.label.as_str(), f.value.as_str()))
        .collect();
    assert!(
        labels.contains(&("Last Updated", "2025-11-16")),
        "{labels:?}"
    );
    assert!(labels.contains(&("Next Review", "2026-02-16 (quarterly review)")));
    assert!(labels.contains(&("Email", "peter@beaconagile.net")));
    let rotation = doc
        .tables
        .iter()
        .find(|t| t.header.cells.first().is_some_and(|c| c.text == "Secret"))
        .expect("rotation table");
    assert_eq!(rotation.rows.len(), 4);
    assert_eq!(rotation.rows[0].cells[3].text, "2025-11-16");
    assert_eq!(
        source
            .line_col(rotation.rows[0].cells[3].content().start)
            .line,
        33
    );
    let incident = doc
        .comments
        .iter()
        .find(|c| c.text == "Add new incidents above this line")
        .expect("marker comment");
    assert_eq!(source.line_col(incident.span.start).line, 111);
}

#[test]
fn every_date_where_a_date_belongs_parses_or_is_reported() {
    let pack = Pack::builtin().expect("pack");
    let mut checked = 0;
    for source in documents() {
        let doc = Document::parse(&source);
        let policy = policy_lint::lint::policy::Policy::new(&doc, &pack);
        let findings = policy_lint::lint(&source, &pack, crate::today());
        for value in &policy.dates {
            checked += 1;
            let iso = matches!(
                &value.parsed,
                Ok(p) if matches!(p.form, policy_lint::dates::DateForm::Iso | policy_lint::dates::DateForm::IsoDateTime)
            );
            let reported = findings.iter().any(|d| {
                (d.rule == "invalid-date" || d.rule == "non-iso-date") && d.span == value.span
            });
            // A cell that names an event (`at release v3`) holds no date to report.
            let event = policy_lint::dates::names_an_event(value.text);
            assert!(
                iso || reported || event,
                "{}: `{}` ({}) neither parses as YYYY-MM-DD nor is reported",
                source.path().display(),
                value.text,
                value.what
            );
        }
    }
    assert!(checked > 50, "only {checked} dates checked");
}
