//! The file as read: its bytes decoded as UTF-8 (never lossily), a line index, and the
//! [`Span`] type every finding and edit is expressed in.

use std::path::{Path, PathBuf};

/// A byte range into the file as read (BOM included), `start..end`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `self` lies entirely inside `other`.
    pub const fn within(self, other: Span) -> bool {
        other.start <= self.start && self.end <= other.end
    }

    pub const fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The span shifted right by `by` bytes.
    pub const fn shift(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(range: std::ops::Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }
}

const BOM: &str = "\u{feff}";

/// A policy document as read from disk.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The whole file, BOM included, so that spans are file byte offsets.
    pub text: String,
    /// Byte offset of the start of each line after the first (which starts at 0): a file
    /// of one line, or none, has no list to allocate.
    line_starts: Box<[usize]>,
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// The file is not valid UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingError {
    pub path: PathBuf,
    /// Byte offset of the first byte that is not valid UTF-8.
    pub offset: usize,
    /// The 1-based line holding that byte.
    pub line: usize,
}

impl SourceFile {
    /// Decode `bytes`; invalid UTF-8 is an error naming the first bad byte.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Result<Self, EncodingError> {
        let path = path.into();
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Self::new(path, text)),
            Err(err) => {
                let offset = err.utf8_error().valid_up_to();
                let line = err.as_bytes()[..offset]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                Err(EncodingError { path, offset, line })
            }
        }
    }

    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        // Counted first: a 20 MB policy has 300,000 lines, too many to collect by doubling.
        let newlines = || memchr::memchr_iter(b'\n', text.as_bytes());
        let mut line_starts = Vec::with_capacity(newlines().count());
        line_starts.extend(newlines().map(|i| i + 1));
        Self {
            path: path.into(),
            text,
            line_starts: line_starts.into_boxed_slice(),
        }
    }

    /// The same file without its text, for a report that shows none of it: a clean file's
    /// report, kept until a large run ends.
    pub fn without_text(self) -> Self {
        Self::new(self.path, String::new())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Length of the byte-order mark (0 or 3): the parser sees `text[bom_len()..]`.
    pub fn bom_len(&self) -> usize {
        if self.text.starts_with(BOM) {
            BOM.len()
        } else {
            0
        }
    }

    /// The text the Markdown parser sees (the BOM stripped).
    pub fn body(&self) -> &str {
        &self.text[self.bom_len()..]
    }

    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    pub fn line_count(&self) -> usize {
        1 + self.line_starts.len()
    }

    /// The 0-based index of the line holding `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// The byte offset where line `index` (0-based) starts; the file's length past the last.
    pub fn line_start(&self, index: usize) -> usize {
        match index {
            0 => 0,
            _ => self
                .line_starts
                .get(index - 1)
                .copied()
                .unwrap_or(self.text.len()),
        }
    }

    /// The span of line `index` (0-based), without its line ending.
    pub fn line_span(&self, index: usize) -> Span {
        let start = self.line_start(index);
        let end = self
            .line_starts
            .get(index)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Span::new(start.max(if index == 0 { self.bom_len() } else { 0 }), end)
    }

    /// The 1-based line and column of a byte offset. The BOM takes no column.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let index = self.line_index(offset);
        let start = self.line_span(index).start.min(offset);
        LineCol {
            line: index + 1,
            column: self.text[start..offset].chars().count() + 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_the_first_bad_byte() {
        let err = SourceFile::from_bytes("x.md", b"ok\n\xe9t\xe9".to_vec()).unwrap_err();
        assert_eq!(err.offset, 3);
    }

    #[test]
    fn lines_of_an_empty_file_one_line_and_a_trailing_newline() {
        let empty = SourceFile::new("x.md", String::new());
        assert_eq!(empty.line_count(), 1);
        assert_eq!(empty.line_span(0), Span::new(0, 0));
        assert_eq!(empty.line_col(0), LineCol { line: 1, column: 1 });
        let one = SourceFile::new("x.md", "abc".to_string());
        assert_eq!((one.line_count(), one.line_span(0)), (1, Span::new(0, 3)));
        let ended = SourceFile::new("x.md", "ab\ncd\n".to_string());
        assert_eq!(ended.line_count(), 3);
        assert_eq!(ended.line_index(3), 1);
        assert_eq!(ended.line_start(1), 3);
        assert_eq!(ended.line_start(3), 6);
        assert_eq!(ended.line_span(1), Span::new(3, 5));
        assert_eq!(ended.line_span(2), Span::new(6, 6));
        assert_eq!(ended.line_col(6), LineCol { line: 3, column: 1 });
        let without = ended.without_text();
        assert_eq!(
            (without.path(), without.text.as_str()),
            (Path::new("x.md"), "")
        );
    }

    #[test]
    fn columns_count_scalar_values_and_skip_the_bom() {
        let file = SourceFile::new("x.md", "\u{feff}é|x\r\nab".to_string());
        assert_eq!(file.bom_len(), 3);
        assert_eq!(file.body(), "é|x\r\nab");
        assert_eq!(file.line_col(3), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(6), LineCol { line: 1, column: 3 });
        assert_eq!(file.line_col(9), LineCol { line: 2, column: 1 });
        assert_eq!(file.slice(file.line_span(0)), "é|x");
        assert_eq!(file.slice(file.line_span(1)), "ab");
    }
}
