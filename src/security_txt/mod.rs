//! security.txt (RFC 9116), the second kind of document: its model — lines, fields, comments
//! and the OpenPGP cleartext signature around them — parsed once by [`parse`] for the `txt-`
//! rules, the renewal of `Expires` and the deadlines. Every span is a byte range of the file as
//! read, so findings point into it exactly as into a Markdown policy.
//!
//! The signature is read for its shape only (where the signed body starts and ends, whether the
//! armor is well formed); it is never verified against a key.

mod parse;

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset};

use crate::io::source::{SourceFile, Span};

/// The fields RFC 9116 §2.5 defines, and `CSAF` (the registered extension), lower-cased.
pub const KNOWN_FIELDS: &[&str] = &[
    "acknowledgments",
    "canonical",
    "contact",
    "encryption",
    "expires",
    "hiring",
    "policy",
    "preferred-languages",
    "csaf",
];

/// The fields whose value is a URI (RFC 9116 §2.5.1–§2.5.7, and `CSAF`).
pub const URI_FIELDS: &[&str] = &[
    "acknowledgments",
    "canonical",
    "contact",
    "encryption",
    "hiring",
    "policy",
    "csaf",
];

/// A parsed security.txt file.
#[derive(Debug)]
pub struct SecurityTxt<'s> {
    pub source: &'s SourceFile,
    pub lines: Vec<Line>,
    /// The cleartext signature's frame, when the file is signed.
    pub signature: Option<Signature>,
    /// Every `Expires` field, in file order, read once for every rule that needs its date.
    pub expiries: Vec<Expiry>,
}

/// The value of an `Expires` field, and its time when it is an RFC 3339 date-time.
#[derive(Debug)]
pub struct Expiry {
    pub value: Span,
    pub at: Option<DateTime<FixedOffset>>,
}

/// How a line ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    Lf,
    CrLf,
    /// The last line of a file that does not end in a line break.
    None,
}

/// One line of the file.
#[derive(Debug)]
pub struct Line {
    /// The line without its ending; in a signed body, with its dash-escape `- ` (see `text`).
    pub span: Span,
    /// The line as the body means it: after a dash-escape `- ` is undone, trailing blanks
    /// stripped.
    pub text: Span,
    pub ending: Ending,
    pub kind: LineKind,
}

#[derive(Debug)]
pub enum LineKind {
    Blank,
    /// `# …`: `text` is what follows the `#`.
    Comment {
        text: Span,
    },
    Field(Field),
    /// Neither a field nor a comment nor blank.
    Invalid,
    /// A line of the OpenPGP frame: a header, an armor header, the signature block.
    Armor,
    /// A line after the end of the signature.
    AfterSignature,
}

/// `Name: value`.
#[derive(Debug)]
pub struct Field {
    /// The name as written, without blanks around it.
    pub name: Span,
    /// The name lower-cased, for matching (field names are case-insensitive, §2.4): one of
    /// [`KNOWN_FIELDS`] for the fields RFC 9116 defines.
    pub key: Cow<'static, str>,
    pub colon: usize,
    /// The value, without the blanks around it; empty (at the end of the line) when there is none.
    pub value: Span,
}

impl Field {
    /// Blanks stand between the name and the colon.
    pub fn space_before_colon(&self) -> bool {
        self.name.end < self.colon
    }
}

/// The frame of an OpenPGP cleartext-signed file (RFC 4880 §7).
#[derive(Debug)]
pub struct Signature {
    /// The `-----BEGIN PGP SIGNED MESSAGE-----` line.
    pub header: Span,
    /// The `-----BEGIN PGP SIGNATURE-----` … `-----END PGP SIGNATURE-----` block, when it is there.
    pub block: Option<Span>,
    /// What is wrong with the frame, each with where.
    pub problems: Vec<(Span, String)>,
}

impl<'s> SecurityTxt<'s> {
    pub fn parse(source: &'s SourceFile) -> Self {
        parse::parse(source)
    }

    pub fn text(&self, span: Span) -> &'s str {
        self.source.slice(span)
    }

    /// Every field, in file order.
    pub fn fields(&self) -> impl Iterator<Item = &Field> {
        self.lines.iter().filter_map(|line| match &line.kind {
            LineKind::Field(field) => Some(field),
            _ => None,
        })
    }

    /// The fields named `key` (lower-case), in file order.
    pub fn fields_named<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Field> + 'a {
        self.fields().filter(move |f| f.key == key)
    }

    /// The value of a field.
    pub fn value(&self, field: &Field) -> &'s str {
        self.text(field.value)
    }

    /// The first `Expires` field, with its time when the value is an RFC 3339 date-time.
    pub fn expires(&self) -> Option<&Expiry> {
        self.expiries.first()
    }

    /// The comments, each as (the whole comment, its text after `#`).
    pub fn comments(&self) -> impl Iterator<Item = (Span, Span)> + '_ {
        self.lines.iter().filter_map(|line| match line.kind {
            LineKind::Comment { text } => Some((line.text, text)),
            _ => None,
        })
    }

    /// The signed text with its frame, from the signed-message line to the end of the
    /// signature (or of the file), when the file is signed.
    pub fn signed_span(&self) -> Option<Span> {
        let signature = self.signature.as_ref()?;
        let end = signature
            .block
            .map_or(self.source.text.len(), |block| block.end);
        Some(Span::new(signature.header.start, end))
    }

    /// The line ending the file uses most (LF when there is no line break).
    pub fn line_ending(&self) -> &'static str {
        let crlf = self
            .lines
            .iter()
            .filter(|l| l.ending == Ending::CrLf)
            .count();
        let lf = self.lines.iter().filter(|l| l.ending == Ending::Lf).count();
        if crlf > lf { "\r\n" } else { "\n" }
    }
}

/// An `Expires` value read as RFC 3339 §5.6 `date-time` (`T`, `Z` in either case, or a space
/// between date and time as RFC 3339 allows), else `None`.
pub fn parse_expires(value: &str) -> Option<DateTime<FixedOffset>> {
    let bytes = value.as_bytes();
    let shape = bytes.len() >= 20
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && matches!(bytes[10], b'T' | b't' | b' ')
        && bytes[13] == b':'
        && bytes[16] == b':';
    if !shape {
        return None;
    }
    DateTime::parse_from_rfc3339(value).ok()
}

/// The scheme of a URI value, as Python's `urlsplit` finds one: letters, digits, `+`, `-` and
/// `.` before the first colon, starting with a letter. `None` when the value has none.
pub fn uri_scheme(value: &str) -> Option<&str> {
    let bytes = value.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    // One pass: the scheme ends at the first byte that cannot be in one, which must be a colon.
    let end = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))?;
    (bytes[end] == b':').then(|| &value[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_is_read_as_rfc_3339() {
        assert!(parse_expires("2026-12-31T23:59:59Z").is_some());
        assert!(parse_expires("2026-12-31t23:59:59.000z").is_some());
        assert!(parse_expires("2026-12-31T23:59:59+02:00").is_some());
        assert!(parse_expires("2026-12-31 23:59:59Z").is_some());
        assert!(parse_expires("2026-12-31").is_none());
        assert!(parse_expires("2026-13-31T23:59:59Z").is_none());
        assert!(parse_expires("Thu, 31 Dec 2026 23:59:59 GMT").is_none());
        assert!(parse_expires("2026-12-31T23:59:59").is_none());
    }

    #[test]
    fn a_scheme_is_found_as_urlsplit_finds_it() {
        assert_eq!(uri_scheme("mailto:a@example.org"), Some("mailto"));
        assert_eq!(uri_scheme("https://example.org"), Some("https"));
        assert_eq!(uri_scheme("a@example.org"), None);
        assert_eq!(uri_scheme("['mailto:a@example.org']"), None);
        assert_eq!(uri_scheme(":x"), None);
    }
}
