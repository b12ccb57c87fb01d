//! Byte offsets ↔ LSP positions. A position's `character` counts UTF-8 bytes or UTF-16 code
//! units, as negotiated at `initialize` (`general.positionEncodings`): UTF-8 when the client
//! offers it, else UTF-16, the protocol's default.

use ls_types::{Position, PositionEncodingKind, Range};

use crate::io::source::{SourceFile, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// The client's choice: UTF-8 when it lists it, else UTF-16.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        if offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8)) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn units(self, text: &str) -> usize {
        match self {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16 => text.encode_utf16().count(),
        }
    }
}

/// The position of byte `offset` (clamped to the text, and back to a character boundary).
pub fn position(source: &SourceFile, offset: usize, encoding: Encoding) -> Position {
    let text = &source.text;
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = source.line_index(offset);
    let start = source.line_start(line);
    Position {
        line: to_u32(line),
        character: to_u32(encoding.units(&text[start..offset])),
    }
}

pub fn range(source: &SourceFile, span: Span, encoding: Encoding) -> Range {
    Range {
        start: position(source, span.start, encoding),
        end: position(source, span.end, encoding),
    }
}

/// The byte offset of `position`: a line past the end is the end of the text, a character
/// past the end of its line is the line's end, and one inside a character (half of a UTF-16
/// surrogate pair, a byte inside a UTF-8 sequence) is that character's start.
pub fn offset(source: &SourceFile, position: Position, encoding: Encoding) -> usize {
    let text = &source.text;
    let line = position.line as usize;
    if line >= source.line_count() {
        return text.len();
    }
    let start = source.line_start(line);
    let end = line_end(text, start);
    let mut units = 0;
    for (at, c) in text[start..end].char_indices() {
        let width = match encoding {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        };
        if units + width > position.character as usize {
            return start + at;
        }
        units += width;
    }
    end
}

pub fn span(source: &SourceFile, range: Range, encoding: Encoding) -> Span {
    let start = offset(source, range.start, encoding);
    Span::new(start, offset(source, range.end, encoding).max(start))
}

/// The end of the line starting at `start`, before its `\n` or `\r\n`.
pub fn line_end(text: &str, start: usize) -> usize {
    let end = memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i);
    if end > start && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceFile {
        SourceFile::new("SECURITY.md", text.to_string())
    }

    /// Every character boundary round-trips (but the one inside a CRLF, which is no place
    /// for a cursor), and lands where the encoding counts it.
    fn round_trip(text: &str, encoding: Encoding) {
        let file = source(text);
        for (at, _) in text.char_indices().chain([(text.len(), ' ')]) {
            if text[..at].ends_with('\r') && text[at..].starts_with('\n') {
                continue;
            }
            let p = position(&file, at, encoding);
            assert_eq!(offset(&file, p, encoding), at, "{text:?} at {at}");
        }
    }

    #[test]
    fn cjk_emoji_and_combining_marks_count_as_the_encoding_says() {
        // Korean (3 bytes, 1 unit each), an emoji outside the BMP (4 bytes, 2 units), an `e`
        // with a combining acute (1 + 2 bytes, 2 units).
        let text = "# 보안 정책\n| 🔑 키 | e\u{301} |\r\nend";
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            round_trip(text, encoding);
        }
        let file = source(text);
        let key = text.find('키').unwrap();
        assert_eq!(
            position(&file, key, Encoding::Utf16),
            Position::new(1, 5) // `| ` 2, the emoji 2, the space 1
        );
        assert_eq!(position(&file, key, Encoding::Utf8), Position::new(1, 7));
        let mark_end = text.find(" |\r").unwrap();
        assert_eq!(
            position(&file, mark_end, Encoding::Utf16),
            Position::new(1, 11) // `| ` 2, the emoji 2, ` 키 | ` 5, `e` 1, the mark 1
        );
        // The third line starts after the CRLF.
        assert_eq!(
            position(&file, text.len(), Encoding::Utf16),
            Position::new(2, 3)
        );
    }

    #[test]
    fn positions_past_the_text_or_inside_a_character_are_clamped() {
        let file = source("🔑x\nb");
        // Inside the surrogate pair: the emoji's start.
        assert_eq!(offset(&file, Position::new(0, 1), Encoding::Utf16), 0);
        assert_eq!(offset(&file, Position::new(0, 2), Encoding::Utf16), 4);
        // Past the line's end: before its line break.
        assert_eq!(offset(&file, Position::new(0, 99), Encoding::Utf16), 5);
        assert_eq!(offset(&file, Position::new(9, 0), Encoding::Utf16), 7);
        // An offset inside a character is moved back to its start.
        assert_eq!(position(&file, 2, Encoding::Utf8), Position::new(0, 0));
    }

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
    }
}
