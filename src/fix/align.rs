//! Column alignment of GFM tables: whether a table is aligned, and the edits that align it
//! again after a cell changed width. Widths are display widths (unicode-width); a table
//! holding ZWJ emoji sequences, whose width terminals disagree on, is never realigned.

use unicode_width::UnicodeWidthStr;

use crate::diagnostic::Edit;
use crate::document::{Alignment, Row, Table, split_row};
use crate::io::source::{SourceFile, Span};

/// The rows of a table as written: header, delimiter, body.
fn rows<'t, 's>(table: &'t Table<'s>, delimiter: &'t Row<'s>) -> Vec<&'t Row<'s>> {
    let mut rows = Vec::with_capacity(table.rows.len() + 2);
    rows.extend([&table.header, delimiter]);
    rows.extend(&table.rows);
    rows
}

/// The delimiter row, split like the others.
fn delimiter<'s>(source: &'s SourceFile, table: &Table<'s>) -> Row<'s> {
    split_row(source.slice(table.delimiter), table.delimiter.start)
}

/// Whether every row has both edge pipes and every column the same display width in every row.
pub fn is_aligned(source: &SourceFile, table: &Table) -> bool {
    let delimiter = delimiter(source, table);
    let rows = rows(table, &delimiter);
    let width = table.header.cells.len();
    let has_edges = |row: &Row| {
        let text = source.slice(row.span).trim();
        text.len() > 1 && text.starts_with('|') && text.ends_with('|')
    };
    if rows.iter().any(|r| r.cells.len() != width || !has_edges(r)) {
        return false;
    }
    // The widths first: most tables fail there, on an early row.
    (0..width).all(|column| {
        let first = source.slice(rows[0].cells[column].span()).width();
        rows.iter()
            .all(|r| source.slice(r.cells[column].span()).width() == first)
    }) && !rows
        .iter()
        .flat_map(|r| &r.cells)
        .any(|c| c.text.contains('\u{200d}'))
}

/// The edits that align `table` again: every cell padded to its column's width (the header's,
/// or the widest content's when wider),
/// keeping the padding the header's first cell uses, the alignment colons and any text
/// around the row (container prefixes, trailing whitespace). `None` when the table cannot be
/// aligned safely (ragged rows, missing edge pipes, ZWJ emoji).
pub fn realign(source: &SourceFile, table: &Table) -> Option<Vec<Edit>> {
    let delimiter = delimiter(source, table);
    let rows = rows(table, &delimiter);
    let width = table.header.cells.len();
    for row in &rows {
        let text = source.slice(row.span).trim();
        if row.cells.len() != width || !text.starts_with('|') || !text.ends_with('|') {
            return None;
        }
    }
    if rows
        .iter()
        .flat_map(|r| &r.cells)
        .any(|c| c.text.contains('\u{200d}'))
    {
        return None;
    }
    let first = source.slice(table.header.cells.first()?.span());
    let pad = " ".repeat(first.len() - first.trim_start().len());
    // A column keeps the width its header gives it unless a cell now needs more, so an edit
    // that shortens a cell changes that cell only.
    let widths: Vec<usize> = (0..width)
        .map(|column| {
            let content = rows
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != 1)
                .map(|(_, r)| r.cells[column].text.width())
                .max()
                .unwrap_or(0);
            let header = source.slice(table.header.cells[column].span()).width();
            content.max(header.saturating_sub(2 * pad.len())).max(3)
        })
        .collect();
    let mut edits = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .cells
            .iter()
            .enumerate()
            .map(|(column, cell)| {
                let inner = if index == 1 {
                    delimiter_cell(table.alignments.get(column).copied(), widths[column])
                } else {
                    let fill = widths[column] - cell.text.width();
                    format!("{}{}", cell.text, " ".repeat(fill))
                };
                format!("{pad}{inner}{pad}")
            })
            .collect();
        let old = source.slice(row.span);
        let lead = &old[..old.len() - old.trim_start().len()];
        let trail = &old[old.trim_end().len()..];
        let new = format!("{lead}|{}|{trail}", cells.join("|"));
        if new != old {
            edits.push(Edit {
                span: Span::new(row.span.start, row.span.end),
                replacement: new,
            });
        }
    }
    Some(edits)
}

fn delimiter_cell(alignment: Option<Alignment>, width: usize) -> String {
    match alignment.unwrap_or(Alignment::None) {
        Alignment::None => "-".repeat(width),
        Alignment::Left => format!(":{}", "-".repeat(width - 1)),
        Alignment::Right => format!("{}:", "-".repeat(width - 1)),
        Alignment::Center => format!(":{}:", "-".repeat(width - 2)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn realigned(text: &str) -> Option<String> {
        let source = SourceFile::new("t.md", text.to_string());
        let doc = Document::parse(&source);
        let edits = realign(&source, &doc.tables[0])?;
        let refs: Vec<&Edit> = edits.iter().collect();
        Some(crate::diagnostic::apply_edits(text, &refs))
    }

    fn aligned(text: &str) -> bool {
        let source = SourceFile::new("t.md", text.to_string());
        let doc = Document::parse(&source);
        is_aligned(&source, &doc.tables[0])
    }

    #[test]
    fn alignment_is_by_display_width() {
        assert!(aligned("| a  | b |\n| -- | - |\n| cc | d |\n"));
        assert!(aligned("| 名前 | x |\n| ---- | - |\n| ab   | y |\n"));
        assert!(!aligned("| a | b |\n|---|---|\n| ccc | d |\n"));
        assert!(!aligned("a | b\n--|--\nc | d\n"));
    }

    #[test]
    fn realigning_pads_to_the_widest_cell_and_keeps_colons() {
        let text = "| Version | Supported |\n|:------- | ---------:|\n| 10.20.30 | yes |\n";
        assert_eq!(
            realigned(text).as_deref(),
            Some("| Version  | Supported |\n| :------- | --------: |\n| 10.20.30 | yes       |\n")
        );
    }

    #[test]
    fn realigning_keeps_prefixes_escapes_and_wide_characters() {
        let text = "> | 名前 | x |\n> | --- | --- |\n> | a \\| b | `c` |\n";
        assert_eq!(
            realigned(text).as_deref(),
            Some("> | 名前   | x   |\n> | ------ | --- |\n> | a \\| b | `c` |\n")
        );
    }

    #[test]
    fn zwj_emoji_tables_are_left_alone() {
        assert_eq!(
            realigned("| a | b |\n|---|---|\n| 👩\u{200d}💻 | x |\n"),
            None
        );
    }
}
