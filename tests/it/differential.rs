//! comrak and pulldown-cmark must agree on the document model: the same section titles and
//! the same table cells, on every fixture and corpus document.
//!
//! Known divergences, handled below:
//! - Bold pseudo-headings are policy-lint's own idea; comrak has no such node, so only ATX
//!   and setext headings are compared.
//! - comrak pads a short row to the header's width and drops extra cells; the model keeps
//!   the cells a row really has (`table-row-shape` needs them), so only the first
//!   min(actual, header) cells of a row are compared.
//! - comrak's padding cells for a short row carry source positions at the row's end (their
//!   text reads `|` or nothing), so a comrak row is cut to the model's length when the model's
//!   row is shorter.
//! - Heading titles are compared as rendered text with whitespace collapsed: comrak keeps a
//!   soft break inside a setext heading as a newline, pulldown-cmark as nothing.

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, parse_document};
use policy_lint::document::{Document, HeadingKind};
use policy_lint::io::source::SourceFile;

#[derive(Debug, PartialEq)]
struct Model {
    headings: Vec<(u8, String)>,
    /// Per table, per row, the trimmed source text of each cell.
    tables: Vec<Vec<Vec<String>>>,
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn ours(source: &SourceFile) -> Model {
    let doc = Document::parse(source);
    let headings = doc
        .sections
        .iter()
        .filter(|s| s.kind != HeadingKind::Bold)
        .map(|s| (s.level, collapse(&s.title)))
        .collect();
    let tables = doc
        .tables
        .iter()
        .map(|table| {
            let width = table.header.cells.len();
            std::iter::once(&table.header)
                .chain(&table.rows)
                .map(|row| {
                    row.cells
                        .iter()
                        .take(width)
                        .map(|c| c.text.to_string())
                        .collect()
                })
                .collect()
        })
        .collect();
    Model { headings, tables }
}

fn plain_text<'a>(node: &'a AstNode<'a>, out: &mut String) {
    for child in node.children() {
        match &child.data.borrow().value {
            NodeValue::Text(text) => out.push_str(text),
            NodeValue::Code(code) => out.push_str(&code.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => out.push(' '),
            _ => plain_text(child, out),
        }
    }
}

/// Byte offset of a comrak line/column (both 1-based, the column in bytes) in `body`.
fn offset(line_starts: &[usize], line: usize, column: usize) -> usize {
    line_starts[line - 1] + column - 1
}

fn theirs(source: &SourceFile) -> Model {
    let body = source.body();
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.front_matter_delimiter = Some("---".to_string());
    let arena = Arena::new();
    let root = parse_document(&arena, body, &options);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();

    let mut model = Model {
        headings: Vec::new(),
        tables: Vec::new(),
    };
    for node in root.descendants() {
        let data = node.data.borrow();
        match &data.value {
            NodeValue::Heading(heading) => {
                let mut title = String::new();
                plain_text(node, &mut title);
                model.headings.push((heading.level, collapse(&title)));
            }
            NodeValue::Table(_) => model.tables.push(Vec::new()),
            NodeValue::TableRow(_) => {
                let width = node
                    .parent()
                    .and_then(|table| table.first_child())
                    .map_or(0, |header| header.children().count());
                let cells = node
                    .children()
                    .filter_map(|cell| {
                        let pos = cell.data.borrow().sourcepos;
                        if pos.start.line == 0 {
                            return None; // a padding cell comrak made up
                        }
                        let start = offset(&line_starts, pos.start.line, pos.start.column);
                        let end = offset(&line_starts, pos.end.line, pos.end.column) + 1;
                        Some(
                            body.get(start..end.max(start))
                                .unwrap_or("")
                                .trim()
                                .to_string(),
                        )
                    })
                    .take(width)
                    .collect();
                if let Some(table) = model.tables.last_mut() {
                    table.push(cells);
                }
            }
            _ => {}
        }
    }
    model
}

#[test]
fn comrak_and_the_model_agree() {
    let mut documents = crate::fixtures();
    documents.extend(crate::corpus());
    let mut disagreements = Vec::new();
    let (mut headings, mut tables) = (0, 0);
    for source in &documents {
        let ours = ours(source);
        let mut theirs = theirs(source);
        for (our_table, their_table) in ours.tables.iter().zip(&mut theirs.tables) {
            for (our_row, their_row) in our_table.iter().zip(their_table.iter_mut()) {
                if our_row.len() < their_row.len()
                    && their_row[our_row.len()..]
                        .iter()
                        .all(|c| c.is_empty() || c == "|")
                {
                    their_row.truncate(our_row.len());
                }
            }
        }
        headings += theirs.headings.len();
        tables += theirs.tables.len();
        if ours != theirs {
            disagreements.push(format!(
                "{}:\n  ours:   {ours:?}\n  comrak: {theirs:?}",
                source.path().display()
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert!(
        headings > 50 && tables > 10,
        "compared only {headings} headings, {tables} tables"
    );
    if crate::shared().is_some() {
        assert!(
            headings > 300 && tables > 40,
            "compared only {headings} headings, {tables} tables"
        );
    }
}
