//! GFM tables with the exact spans of every cell.

use crate::io::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alignment {
    None,
    Left,
    Center,
    Right,
}

/// One cell as written. `source[content] == text` always holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell<'s> {
    /// Everything between the two pipes (or the line edge), whitespace included.
    pub span: Span,
    /// The cell's trimmed content; empty (zero-length, mid-cell) for a blank cell.
    pub content: Span,
    /// The source text of `content`, markup and `\|` escapes as written.
    pub text: &'s str,
}

/// A header or body row. `cells` holds every cell the row really has, which may be fewer or
/// more than the header has (GFM would pad or drop them when rendering).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row<'s> {
    /// The row's line, from its first character after any container prefix to the end of
    /// the line (line ending excluded).
    pub span: Span,
    pub cells: Vec<Cell<'s>>,
}

#[derive(Clone, Debug)]
pub struct Table<'s> {
    pub span: Span,
    pub header: Row<'s>,
    pub delimiter: Span,
    pub alignments: Vec<Alignment>,
    pub rows: Vec<Row<'s>>,
    /// The innermost section holding the table.
    pub section: Option<usize>,
}

impl Table<'_> {
    /// The index of the first header cell whose text is accepted by `matches`.
    pub fn column(&self, matches: impl Fn(&str) -> bool) -> Option<usize> {
        self.header.cells.iter().position(|cell| matches(cell.text))
    }
}

/// Splits one table line (starting at byte `base` of the file) into cells at unescaped pipes,
/// as GFM does: a leading and a trailing pipe are optional, and a pipe inside a code span
/// still separates cells unless it is escaped.
pub fn split_row(line: &str, base: usize) -> Row<'_> {
    let mut pipes = Vec::new();
    let mut escaped = false;
    for (i, b) in line.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' => escaped = true,
            b'|' => pipes.push(i),
            _ => {}
        }
    }
    let leading = line.len() - line.trim_start().len();
    let trailing = line.trim_end().len();
    let mut bounds = Vec::with_capacity(pipes.len() + 2);
    if pipes.first() != Some(&leading) {
        bounds.push(None);
    }
    bounds.extend(pipes.iter().map(|&p| Some(p)));
    let ends_with_pipe = pipes.last().is_some_and(|&p| p + 1 == trailing);
    if !ends_with_pipe {
        bounds.push(None);
    }
    let cells = bounds
        .windows(2)
        .map(|pair| {
            let start = pair[0].map_or(0, |p| p + 1);
            let end = pair[1].unwrap_or(line.len());
            let raw = &line[start..end];
            let content_start = start + (raw.len() - raw.trim_start().len());
            let content_end = (start + raw.trim_end().len()).max(content_start);
            Cell {
                span: Span::new(base + start, base + end),
                content: Span::new(base + content_start, base + content_end),
                text: &line[content_start..content_end],
            }
        })
        .collect();
    Row {
        span: Span::new(base, base + line.len()),
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'s>(row: &Row<'s>) -> Vec<&'s str> {
        row.cells.iter().map(|c| c.text).collect()
    }

    #[test]
    fn splits_at_unescaped_pipes_only() {
        let row = split_row(r"| a \| b | `c|d` |  |", 10);
        assert_eq!(texts(&row), [r"a \| b", "`c", "d`", ""]);
        assert_eq!(row.cells[0].span, Span::new(11, 19));
        assert_eq!(row.cells[0].content, Span::new(12, 18));
        assert_eq!(row.cells[3].content.len(), 0);
    }

    #[test]
    fn leading_and_trailing_pipes_are_optional() {
        assert_eq!(texts(&split_row("a | b", 0)), ["a", "b"]);
        assert_eq!(texts(&split_row("| a | b", 0)), ["a", "b"]);
        assert_eq!(texts(&split_row("a | b |  ", 0)), ["a", "b"]);
        assert_eq!(texts(&split_row("|a|", 0)), ["a"]);
    }
}
