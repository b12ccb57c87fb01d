//! Column alignment of GFM tables: whether a table is aligned, and the edits that align it
//! again after a cell changed width. Widths are display widths (unicode-width); a table
//! holding ZWJ emoji sequences, whose width terminals disagree on, is never realigned.
//!
//! Realigning keeps each row's own style: the padding inside each cell, the delimiter row's
//! colons and whether its dashes are padded, outer pipes or none, container prefixes and
//! trailing whitespace. Only a cell whose width must change is rewritten, so an edit that
//! keeps a column's width changes the edited cell alone.

use unicode_width::UnicodeWidthStr;

use crate::diagnostic::Edit;
use crate::document::{Cell, Row, Table, split_row};
use crate::io::source::SourceFile;

/// A row's cells as realigning sees them.
struct Line<'t, 's> {
    row: &'t Row<'s>,
    delimiter: bool,
    /// Whether the row ends with a pipe; without one, its last cell runs to the line's end
    /// and has no width to keep.
    closed: bool,
}

/// The rows of a table as written, header and delimiter first, with the rows that have as
/// many cells as the header marked (only those are aligned: a short or long row is
/// `table-row-shape`'s finding).
fn lines<'t, 's>(
    source: &SourceFile,
    table: &'t Table<'s>,
    delimiter: &'t Row<'s>,
) -> Vec<Line<'t, 's>> {
    let width = table.header.cells.len();
    [&table.header, delimiter]
        .into_iter()
        .chain(&table.rows)
        .enumerate()
        .filter(|(_, row)| row.cells.len() == width)
        .map(|(index, row)| Line {
            row,
            delimiter: index == 1,
            closed: source.slice(row.span).trim_end().ends_with('|'),
        })
        .collect()
}

/// The delimiter row, split like the others.
fn delimiter<'s>(source: &'s SourceFile, table: &Table<'s>) -> Row<'s> {
    split_row(source.slice(table.delimiter), table.delimiter.start)
}

fn has_zwj(table: &Table) -> bool {
    std::iter::once(&table.header)
        .chain(&table.rows)
        .flat_map(|r| &r.cells)
        .any(|c| c.text.contains('\u{200d}'))
}

/// The columns whose width every row keeps: all of them, less the last when a row leaves
/// it open (no closing pipe).
fn measured_columns(table: &Table, lines: &[Line]) -> usize {
    let width = table.header.cells.len();
    if lines.iter().all(|l| l.closed) {
        width
    } else {
        width.saturating_sub(1)
    }
}

/// Whether the rows that have the header's number of cells (at least the header, the
/// delimiter row and one more) give every column the same display width.
pub fn is_aligned(source: &SourceFile, table: &Table) -> bool {
    let delimiter = delimiter(source, table);
    let lines = lines(source, table, &delimiter);
    if lines.len() < 3 || !lines[1].delimiter || has_zwj(table) {
        return false;
    }
    let columns = measured_columns(table, &lines);
    columns > 0
        && (0..columns).all(|column| {
            let first = source.slice(lines[0].row.cells[column].span()).width();
            lines
                .iter()
                .all(|l| source.slice(l.row.cells[column].span()).width() == first)
        })
}

/// A cell as written: its padding on each side and its content.
struct Parts<'a> {
    lead: &'a str,
    content: &'a str,
    trail: &'a str,
}

fn parts<'a>(source: &'a SourceFile, cell: &Cell) -> Parts<'a> {
    let all = source.slice(cell.span());
    let content = source.slice(cell.content());
    let lead_len = cell.content().start - cell.span().start;
    Parts {
        lead: &all[..lead_len],
        content,
        trail: &all[lead_len + content.len()..],
    }
}

/// The least width `cell` can take in its style: its own padding, its content, and the
/// column's padding after the content (`trail`).
fn least_width(source: &SourceFile, cell: &Cell, delimiter: bool, trail: usize) -> usize {
    let p = parts(source, cell);
    if delimiter {
        let colons = p.content.matches(':').count();
        return p.lead.width() + colons + 1 + p.trail.width();
    }
    if p.content.is_empty() {
        return 0;
    }
    // A cell padded before its content is padded as much after it; one that is not keeps
    // at most one space (a table without outer pipes: `Secret | Owner`).
    let lead = p.lead.width();
    let after = trail.min(lead.max(1));
    lead + p.content.width() + after
}

/// `cell` written at `width` in its own style.
fn at_width(source: &SourceFile, cell: &Cell, delimiter: bool, width: usize) -> String {
    let p = parts(source, cell);
    if delimiter {
        let left = p.content.starts_with(':');
        let right = p.content.len() > 1 && p.content.ends_with(':');
        let colons = usize::from(left) + usize::from(right);
        let dashes = width
            .saturating_sub(p.lead.width() + p.trail.width() + colons)
            .max(1);
        return format!(
            "{}{}{}{}{}",
            p.lead,
            if left { ":" } else { "" },
            "-".repeat(dashes),
            if right { ":" } else { "" },
            p.trail
        );
    }
    if p.content.is_empty() {
        return " ".repeat(width.max(1));
    }
    let fill = width.saturating_sub(p.lead.width() + p.content.width());
    format!("{}{}{}", p.lead, p.content, " ".repeat(fill))
}

/// The edits that align `table` again: each column as wide as most of its rows already are,
/// or as its widest cell now needs; a cell already at that width is left as it is. `None`
/// when the table cannot be aligned safely (ZWJ emoji, no delimiter row of the header's
/// width).
pub fn realign(source: &SourceFile, table: &Table) -> Option<Vec<Edit>> {
    let delimiter = delimiter(source, table);
    let lines = lines(source, table, &delimiter);
    if lines.len() < 2 || !lines[1].delimiter || has_zwj(table) {
        return None;
    }
    let mut edits = Vec::new();
    for column in 0..measured_columns(table, &lines) {
        let widths: Vec<usize> = lines
            .iter()
            .map(|l| source.slice(l.row.cells[column].span()).width())
            .collect();
        // The width most rows have is the one the column had before the edit.
        let usual = most_common(&widths);
        // The space a column keeps after its content: what the widest of its cells that kept
        // the column's width has left (after a shorter cell's content there is also the
        // column's fill), and no more than a cell pads before its content.
        let trail = lines
            .iter()
            .zip(&widths)
            .filter(|(l, w)| !l.delimiter && **w == usual)
            .map(|(l, _)| parts(source, &l.row.cells[column]))
            .filter(|p| !p.content.is_empty())
            .map(|p| p.trail.width())
            .min()
            .unwrap_or(1);
        let needed = lines
            .iter()
            .map(|l| least_width(source, &l.row.cells[column], l.delimiter, trail))
            .max()
            .unwrap_or(0);
        let target = usual.max(needed);
        for (line, width) in lines.iter().zip(&widths) {
            if *width == target {
                continue;
            }
            let cell = &line.row.cells[column];
            edits.push(Edit {
                span: cell.span(),
                replacement: at_width(source, cell, line.delimiter, target),
            });
        }
    }
    edits.sort_by_key(|e| e.span);
    Some(edits)
}

/// The value most of `widths` have; on a tie, the first (the header's).
fn most_common(widths: &[usize]) -> usize {
    let count = |w: usize| widths.iter().filter(|&&x| x == w).count();
    widths
        .iter()
        .copied()
        .fold((0, 0), |(best, best_count), w| {
            let n = count(w);
            if n > best_count {
                (w, n)
            } else {
                (best, best_count)
            }
        })
        .0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::io::source::Span;

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
        // Without outer pipes the last column runs to the line's end: it has no width.
        assert!(aligned("a | b\n--|--\nc | dd\n"));
        assert!(!aligned("a | b\n---|--\nc | d\n"));
    }

    #[test]
    fn realigning_pads_to_the_widest_cell_and_keeps_colons() {
        let text = "| Version | Supported |\n|:------- | ---------:|\n| 10.20.30 | yes |\n";
        assert_eq!(
            realigned(text).as_deref(),
            Some("| Version  | Supported |\n|:-------- | ---------:|\n| 10.20.30 | yes       |\n")
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

    /// `text` with `old` replaced by `new` through `fix::apply`, which realigns.
    fn edited(text: &str, old: &str, new: &str) -> String {
        let start = text.find(old).expect("old text");
        let edit = Edit {
            span: Span::new(start, start + old.len()),
            replacement: new.to_string(),
        };
        crate::fix::apply(text, &[&edit])
    }

    const UNPADDED: &str = "\
| Secret          | Last Rotated       |
|-----------------|--------------------|
| GitHub Token    | 2025-11-16         |
| AWS Access Keys | 2025-10-01         |
";

    /// Regression: `rotate` rewrote an unpadded delimiter row as `| --- |` although no
    /// width changed.
    #[test]
    fn an_edit_that_keeps_the_widths_changes_only_its_cell() {
        let after = edited(UNPADDED, "2025-11-16", "2026-11-22");
        assert_eq!(after, UNPADDED.replace("2025-11-16", "2026-11-22"));
        let centred = UNPADDED.replace("|-----------------|", "|:---------------:|");
        let after = edited(&centred, "2025-11-16", "2026-11-22");
        assert_eq!(after, centred.replace("2025-11-16", "2026-11-22"));
    }

    #[test]
    fn a_wider_cell_widens_its_column_in_each_row_s_own_style() {
        let after = edited(UNPADDED, "GitHub Token", "GitHub Deploy Token Two");
        assert_eq!(
            after,
            "\
| Secret                  | Last Rotated       |
|-------------------------|--------------------|
| GitHub Deploy Token Two | 2025-11-16         |
| AWS Access Keys         | 2025-10-01         |
"
        );
        let bare = "Secret | Due\n:----- | ---\nabc    | x\n";
        assert_eq!(
            edited(bare, "abc", "abcdefgh"),
            "Secret   | Due\n:------- | ---\nabcdefgh | x\n"
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

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::is_aligned;
    use crate::diagnostic::Edit;
    use crate::document::Document;
    use crate::io::source::SourceFile;

    /// How a generated table is written.
    #[derive(Clone, Debug)]
    struct Style {
        outer_pipes: bool,
        /// Spaces inside each body and header cell, on each side.
        pad: usize,
        /// Whether the delimiter row's dashes are padded like the cells.
        padded_delimiter: bool,
        /// Per column: left colon, right colon.
        colons: Vec<(bool, bool)>,
    }

    fn row(style: &Style, cells: &[String]) -> String {
        let inner = cells.join("|");
        if style.outer_pipes {
            format!("|{inner}|")
        } else {
            inner
        }
    }

    /// An aligned table: column widths from the widest content, in `style`.
    fn table(style: &Style, header: &[String], body: &[Vec<String>]) -> String {
        let columns = header.len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                let content = std::iter::once(&header[c])
                    .chain(body.iter().map(|r| &r[c]))
                    .map(|t| t.chars().count())
                    .max()
                    .unwrap_or(0);
                (content + 2 * style.pad).max(3 + 2 * style.pad)
            })
            .collect();
        let cell = |c: usize, text: &str| {
            let pad = " ".repeat(style.pad);
            let fill = widths[c] - 2 * style.pad - text.chars().count();
            format!("{pad}{text}{}{pad}", " ".repeat(fill))
        };
        let delimiter: Vec<String> = (0..columns)
            .map(|c| {
                let (left, right) = style.colons[c];
                let pad = if style.padded_delimiter { style.pad } else { 0 };
                let dashes = widths[c] - 2 * pad - usize::from(left) - usize::from(right);
                format!(
                    "{p}{}{}{}{p}",
                    if left { ":" } else { "" },
                    "-".repeat(dashes),
                    if right { ":" } else { "" },
                    p = " ".repeat(pad)
                )
            })
            .collect();
        let mut lines = vec![row(
            style,
            &(0..columns)
                .map(|c| cell(c, &header[c]))
                .collect::<Vec<_>>(),
        )];
        lines.push(row(style, &delimiter));
        for r in body {
            lines.push(row(
                style,
                &(0..columns).map(|c| cell(c, &r[c])).collect::<Vec<_>>(),
            ));
        }
        lines.join("\n") + "\n"
    }

    fn word() -> impl Strategy<Value = String> {
        "[a-z0-9]{1,9}( [a-z]{1,4})?"
    }

    fn case() -> impl Strategy<Value = (Style, Vec<String>, Vec<Vec<String>>, usize, usize, String)>
    {
        (2usize..5, 1usize..4).prop_flat_map(|(columns, rows)| {
            (
                (
                    any::<bool>(),
                    0usize..3,
                    any::<bool>(),
                    proptest::collection::vec((any::<bool>(), any::<bool>()), columns),
                )
                    .prop_map(|(outer_pipes, pad, padded_delimiter, colons)| {
                        Style {
                            outer_pipes,
                            // A table without outer pipes has cells with at least a space
                            // between them, or its last column would be edited in place.
                            pad: if outer_pipes { pad } else { pad.max(1) },
                            padded_delimiter,
                            colons,
                        }
                    }),
                proptest::collection::vec(word(), columns),
                proptest::collection::vec(proptest::collection::vec(word(), columns), rows),
                0..rows,
                0..columns,
                word(),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// An edit of one body cell of an aligned table, in any style: the table stays
        /// aligned, a row is rewritten only where its column's width changed, and the
        /// delimiter row keeps its padding and colons.
        #[test]
        fn realigning_keeps_every_row_s_style(
            (style, header, body, edit_row, edit_column, new) in case()
        ) {
            let text = table(&style, &header, &body);
            let source = SourceFile::new("t.md", text.clone());
            let doc = Document::parse(&source);
            prop_assert_eq!(doc.tables.len(), 1, "{}", text);
            let table_model = &doc.tables[0];
            prop_assert!(is_aligned(&source, table_model), "{}", text);
            let columns = header.len();
            // The last column of a table without outer pipes is not padded by realigning.
            prop_assume!(style.outer_pipes || edit_column + 1 < columns);
            let cell = &table_model.rows[edit_row].cells[edit_column];
            let edit = Edit { span: cell.content(), replacement: new.clone() };
            let after = crate::fix::apply(&text, &[&edit]);

            let after_source = SourceFile::new("t.md", after.clone());
            let after_doc = Document::parse(&after_source);
            prop_assert!(is_aligned(&after_source, &after_doc.tables[0]), "{}\n->\n{}", text, after);

            // Every other row changes in the edited column only, and there only in padding;
            // when the new text clearly fits, not at all.
            let old_width = source.slice(cell.span()).chars().count();
            let fits = new.chars().count() + 2 * style.pad < old_width;
            let cells = |line: &str| -> Vec<String> {
                let line = if style.outer_pipes { &line[1..line.len() - 1] } else { line };
                line.split('|').map(String::from).collect()
            };
            let before_lines: Vec<&str> = text.lines().collect();
            let after_lines: Vec<&str> = after.lines().collect();
            prop_assert_eq!(before_lines.len(), after_lines.len());
            for (index, (b, a)) in before_lines.iter().zip(&after_lines).enumerate() {
                if index == edit_row + 2 {
                    continue;
                }
                if fits {
                    prop_assert_eq!(b, a, "{}\n->\n{}", text, after);
                }
                let (b, a) = (cells(b), cells(a));
                for c in 0..columns {
                    if c == edit_column {
                        prop_assert_eq!(b[c].trim().replace('-', ""), a[c].trim().replace('-', ""));
                    } else {
                        prop_assert_eq!(&b[c], &a[c], "{}\n->\n{}", text, after);
                    }
                }
            }
            // The delimiter row's style: colons where they were, padding as it was.
            let delimiter = after_lines[1];
            let cells: Vec<&str> = delimiter.trim_matches('|').split('|').collect();
            for (c, (left, right)) in style.colons.iter().enumerate() {
                let trimmed = cells[c].trim();
                prop_assert_eq!(trimmed.starts_with(':'), *left, "{}", delimiter);
                prop_assert_eq!(trimmed.ends_with(':'), *right, "{}", delimiter);
                let padded = cells[c].starts_with(' ');
                prop_assert_eq!(padded, style.padded_delimiter && style.pad > 0, "{}", delimiter);
            }
        }
    }
}
