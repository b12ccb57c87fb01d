//! GFM tables with the exact spans of every cell.

use crate::io::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Alignment {
    None,
    Left,
    Center,
    Right,
}

/// One cell as written. `source[content()] == text` always holds.
///
/// Its offsets are kept as `u32` (files over 4 GiB are refused when read): a table can have
/// 100,000 rows, and a cell is then 32 bytes instead of 48.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell<'s> {
    /// The source text of [`Cell::content`], markup and `\|` escapes as written.
    pub text: &'s str,
    span: [u32; 2],
    content: [u32; 2],
}

impl<'s> Cell<'s> {
    fn new(span: Span, content: Span, text: &'s str) -> Self {
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        Cell {
            text,
            span: [offset(span.start), offset(span.end)],
            content: [offset(content.start), offset(content.end)],
        }
    }

    /// Everything between the two pipes (or the line edge), whitespace included.
    pub fn span(&self) -> Span {
        Span::new(self.span[0] as usize, self.span[1] as usize)
    }

    /// The cell's trimmed content; empty (zero-length, mid-cell) for a blank cell.
    pub fn content(&self) -> Span {
        Span::new(self.content[0] as usize, self.content[1] as usize)
    }

    /// The span of `text[within]`, a part of the content (a date in it).
    pub fn span_of(&self, within: std::ops::Range<usize>) -> Span {
        let start = self.content().start;
        Span::new(start + within.start, start + within.end)
    }
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

/// A cell's text as policy-lint writes it into a row: one space on each side, so that an
/// empty cell is always `|  |`, whichever command wrote it.
pub fn padded_cell(text: &str) -> String {
    format!(" {text} ")
}

/// Splits one table line (starting at byte `base` of the file) into cells at unescaped pipes,
/// as GFM does: a leading and a trailing pipe are optional, and a pipe inside a code span
/// still separates cells unless it is escaped.
pub fn split_row(line: &str, base: usize) -> Row<'_> {
    let leading = line.len() - line.trim_start().len();
    let trailing = line.trim_end().len();
    let cell = |start: usize, end: usize| cell_between(line, base, start, end);
    // Counted first, so that a row holds exactly its cells (a table may have 100,000 rows):
    // one more than the pipes, less an opening and a closing pipe.
    let (pipes, last) = unescaped_pipes(line).fold((0, None), |(n, _), p| (n + 1, Some(p)));
    let opens = line.as_bytes().get(leading) == Some(&b'|');
    let closes = last.is_some_and(|p: usize| p + 1 == trailing);
    let mut cells = Vec::with_capacity(pipes + 1 - usize::from(opens) - usize::from(closes));
    // Where the cell being read starts: after the last pipe, or at 0 before the first.
    let mut start = None;
    for pipe in unescaped_pipes(line) {
        // A pipe before any cell text only opens the row.
        if !(start.is_none() && pipe == leading) {
            cells.push(cell(start.unwrap_or(0), pipe));
        }
        start = Some(pipe + 1);
    }
    // A pipe that ends the line only closes the row.
    if !closes {
        cells.push(cell(start.unwrap_or(0), line.len()));
    }
    Row {
        span: Span::new(base, base + line.len()),
        cells,
    }
}

/// The cell of `line[start..end]` (between two pipes, or a pipe and the line's edge), its
/// content trimmed; `line` starts at byte `base` of the file.
fn cell_between(line: &str, base: usize, start: usize, end: usize) -> Cell<'_> {
    let raw = &line[start..end];
    let content_start = start + (raw.len() - raw.trim_start().len());
    let content_end = (start + raw.trim_end().len()).max(content_start);
    Cell::new(
        Span::new(base + start, base + end),
        Span::new(base + content_start, base + content_end),
        &line[content_start..content_end],
    )
}

/// The byte offsets of the pipes in `line` that a backslash does not escape.
fn unescaped_pipes(line: &str) -> impl Iterator<Item = usize> + '_ {
    // The byte the last unescaped backslash escapes (a backslash too, then it escapes none).
    let mut escaped = usize::MAX;
    let bytes = line.as_bytes();
    memchr::memchr2_iter(b'|', b'\\', bytes).filter(move |&i| {
        if i == escaped {
            return false;
        }
        if bytes[i] == b'\\' {
            escaped = i + 1;
            return false;
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition `split_row` is checked against: the pipes collected, then a cell
    /// between each pair of bounds (the line's edges count when no pipe stands there).
    fn split_row_by_bounds(line: &str, base: usize) -> Row<'_> {
        let pipes: Vec<usize> = {
            let (mut pipes, mut escaped) = (Vec::new(), false);
            for (i, b) in line.bytes().enumerate() {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'|' => pipes.push(i),
                    _ => {}
                }
            }
            pipes
        };
        let leading = line.len() - line.trim_start().len();
        let trailing = line.trim_end().len();
        let mut bounds = Vec::new();
        if pipes.first() != Some(&leading) {
            bounds.push(None);
        }
        bounds.extend(pipes.iter().map(|&p| Some(p)));
        if pipes.last().is_none_or(|&p| p + 1 != trailing) {
            bounds.push(None);
        }
        let cells = bounds
            .windows(2)
            .map(|pair| {
                let start = pair[0].map_or(0, |p| p + 1);
                cell_between(line, base, start, pair[1].unwrap_or(line.len()))
            })
            .collect();
        Row {
            span: Span::new(base, base + line.len()),
            cells,
        }
    }

    const PIECES: &[&str] = &["|", "\\", " ", "\t", "a", "é", "`", "\u{3000}"];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn cells_are_those_between_the_bounds(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..12)
        ) {
            let line = pieces.concat();
            let row = split_row(&line, 7);
            prop_assert_eq!(&row, &split_row_by_bounds(&line, 7), "{:?}", line);
            prop_assert_eq!(row.cells.capacity(), row.cells.len());
        }
    }

    fn texts<'s>(row: &Row<'s>) -> Vec<&'s str> {
        row.cells.iter().map(|c| c.text).collect()
    }

    #[test]
    fn splits_at_unescaped_pipes_only() {
        let row = split_row(r"| a \| b | `c|d` |  |", 10);
        assert_eq!(texts(&row), [r"a \| b", "`c", "d`", ""]);
        assert_eq!(row.cells[0].span(), Span::new(11, 19));
        assert_eq!(row.cells[0].content(), Span::new(12, 18));
        assert_eq!(row.cells[3].content().len(), 0);
    }

    #[test]
    fn leading_and_trailing_pipes_are_optional() {
        assert_eq!(texts(&split_row("a | b", 0)), ["a", "b"]);
        assert_eq!(texts(&split_row("| a | b", 0)), ["a", "b"]);
        assert_eq!(texts(&split_row("a | b |  ", 0)), ["a", "b"]);
        assert_eq!(texts(&split_row("|a|", 0)), ["a"]);
    }
}
