//! The security.txt parser: one pass over the lines (RFC 9116 §3–4), following the OpenPGP
//! cleartext frame (RFC 4880 §7.1) where the file is signed.

use std::borrow::Cow;

use super::{
    Ending, Expiry, Field, KNOWN_FIELDS, Line, LineKind, SecurityTxt, Signature, parse_expires,
};
use crate::io::source::{SourceFile, Span};

const SIGNED_MESSAGE: &str = "-----BEGIN PGP SIGNED MESSAGE-----";
const BEGIN_SIGNATURE: &str = "-----BEGIN PGP SIGNATURE-----";
const END_SIGNATURE: &str = "-----END PGP SIGNATURE-----";

/// Where the parser is in the OpenPGP frame.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unsigned,
    /// After the signed-message line: `Hash:` headers, then a blank line.
    Header,
    /// The signed body, dash-escaped.
    Body,
    /// Inside the signature block; whether the blank line after its armor headers was seen.
    Block {
        data: bool,
    },
    AfterSignature,
}

pub(super) fn parse(source: &SourceFile) -> SecurityTxt<'_> {
    let text = source.text.as_str();
    let mut lines = Vec::with_capacity(source.line_count());
    let mut state = State::Unsigned;
    let mut signature: Option<Signature> = None;
    let mut block_start = 0;
    let mut armor_lines = 0;
    for index in 0..source.line_count() {
        let span = source.line_span(index);
        let ending = if index + 1 == source.line_count() {
            Ending::None
        } else if text.as_bytes()[span.end] == b'\r' {
            Ending::CrLf
        } else {
            Ending::Lf
        };
        // The last "line" of a file that ends in a line break is empty and not a line.
        if ending == Ending::None && span.is_empty() {
            break;
        }
        let raw = trim_end(text, span);
        let content = source.slice(raw);
        let problem = |signature: &mut Option<Signature>, at: Span, message: &str| {
            if let Some(signature) = signature {
                signature.problems.push((at, message.to_string()));
            }
        };
        let (text_span, kind) = match state {
            State::Block { data } => {
                if content == END_SIGNATURE {
                    state = State::AfterSignature;
                    if armor_lines == 0 {
                        problem(
                            &mut signature,
                            raw,
                            "the signature block holds no signature",
                        );
                    }
                    if let Some(signature) = &mut signature {
                        signature.block = Some(Span::new(block_start, raw.end));
                    }
                } else if !data {
                    if content.is_empty() {
                        state = State::Block { data: true };
                    } else if !is_armor_header(content) {
                        // No armor headers: the data starts at once.
                        state = State::Block { data: true };
                        armor_lines += 1;
                        if !is_radix64(content) {
                            problem(&mut signature, raw, &not_armor(content));
                        }
                    }
                } else if !content.is_empty() {
                    armor_lines += 1;
                    if !is_radix64(content) {
                        problem(&mut signature, raw, &not_armor(content));
                    }
                }
                (raw, LineKind::Armor)
            }
            State::AfterSignature => {
                if content.is_empty() {
                    (raw, LineKind::Blank)
                } else {
                    problem(
                        &mut signature,
                        raw,
                        "a signed security.txt has text after its signature",
                    );
                    (raw, LineKind::AfterSignature)
                }
            }
            State::Header => {
                if content.is_empty() {
                    state = State::Body;
                    (raw, LineKind::Armor)
                } else if starts_with_ignore_case(content, "hash:") {
                    (raw, LineKind::Armor)
                } else {
                    problem(
                        &mut signature,
                        raw,
                        "the signed message's `Hash:` header must be followed by a blank line",
                    );
                    state = State::Body;
                    body_line(source, raw)
                }
            }
            State::Unsigned | State::Body => {
                if content == SIGNED_MESSAGE && state == State::Unsigned {
                    state = State::Header;
                    let mut frame = Signature {
                        header: raw,
                        block: None,
                        problems: Vec::new(),
                    };
                    if index != 0 {
                        frame.problems.push((
                            raw,
                            "a signed security.txt must start with this line".to_string(),
                        ));
                    }
                    signature = Some(frame);
                    (raw, LineKind::Armor)
                } else if content == BEGIN_SIGNATURE && state == State::Body {
                    state = State::Block { data: false };
                    block_start = raw.start;
                    (raw, LineKind::Armor)
                } else if state == State::Body {
                    let unescaped = if content.starts_with("- ") {
                        Span::new(raw.start + 2, raw.end)
                    } else {
                        raw
                    };
                    body_line(source, unescaped)
                } else {
                    body_line(source, raw)
                }
            }
        };
        lines.push(Line {
            span,
            text: text_span,
            ending,
            kind,
        });
    }
    if let Some(frame) = &mut signature {
        match state {
            State::Header | State::Body => frame.problems.push((
                frame.header,
                "the signed message has no signature block".to_string(),
            )),
            State::Block { .. } => frame.problems.push((
                Span::new(block_start, block_start + BEGIN_SIGNATURE.len()),
                format!("the signature block never ends: `{END_SIGNATURE}` is missing"),
            )),
            State::Unsigned | State::AfterSignature => {}
        }
    }
    let expiries = lines
        .iter()
        .filter_map(|line| match &line.kind {
            LineKind::Field(field) if field.key == "expires" => Some(Expiry {
                value: field.value,
                at: parse_expires(source.slice(field.value)),
            }),
            _ => None,
        })
        .collect();
    SecurityTxt {
        source,
        lines,
        signature,
        expiries,
    }
}

/// A line of the body (after any dash-escape): blank, a comment, a field or neither.
fn body_line(source: &SourceFile, span: Span) -> (Span, LineKind) {
    let content = source.slice(span);
    if content.is_empty() {
        return (span, LineKind::Blank);
    }
    if content.starts_with('#') {
        return (
            span,
            LineKind::Comment {
                text: Span::new(span.start + 1, span.end),
            },
        );
    }
    let Some(colon) = content.find(':') else {
        return (span, LineKind::Invalid);
    };
    let name = content[..colon].trim_end();
    let after = &content[colon + 1..];
    let value_start = span.start + colon + 1 + (after.len() - after.trim_start().len());
    let field = Field {
        name: Span::new(span.start, span.start + name.len()),
        key: key_of(name),
        colon: span.start + colon,
        value: Span::new(value_start.min(span.end), span.end),
    };
    (span, LineKind::Field(field))
}

/// A field name lower-cased: one of [`KNOWN_FIELDS`] when it names one, so that the fields
/// RFC 9116 defines take no allocation.
fn key_of(name: &str) -> Cow<'static, str> {
    match KNOWN_FIELDS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(name))
    {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(name.to_lowercase()),
    }
}

/// `span` without trailing blanks (spaces, tabs).
fn trim_end(text: &str, span: Span) -> Span {
    let trimmed = text[span.start..span.end].trim_end_matches([' ', '\t']);
    Span::new(span.start, span.start + trimmed.len())
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// `Version: …`, `Comment: …`: an armor header of the signature block.
fn is_armor_header(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(key, _)| {
        !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// A line of radix-64 armor data, or its `=` checksum.
fn is_radix64(line: &str) -> bool {
    let data = line.strip_prefix('=').unwrap_or(line);
    !data.is_empty()
        && data
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

fn not_armor(line: &str) -> String {
    let shown: String = line.chars().take(40).collect();
    format!("the signature is not ASCII armor: `{shown}` is not radix-64 data")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        let source = SourceFile::new("security.txt", text.to_string());
        let txt = SecurityTxt::parse(&source);
        txt.lines
            .iter()
            .map(|l| match &l.kind {
                LineKind::Field(f) => format!("field {} = {}", f.key, source.slice(f.value)),
                LineKind::Comment { text } => format!("comment{}", source.slice(*text)),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn fields_comments_and_line_endings() {
        let text = "# hi\r\nContact: mailto:a@example.org\r\n\r\nExpires:2026-12-31T00:00:00Z";
        assert_eq!(
            kinds(text),
            [
                "comment hi",
                "field contact = mailto:a@example.org",
                "Blank",
                "field expires = 2026-12-31T00:00:00Z"
            ]
        );
        let source = SourceFile::new("security.txt", text.to_string());
        let txt = SecurityTxt::parse(&source);
        let endings: Vec<Ending> = txt.lines.iter().map(|l| l.ending).collect();
        assert_eq!(
            endings,
            [Ending::CrLf, Ending::CrLf, Ending::CrLf, Ending::None]
        );
        assert_eq!(txt.line_ending(), "\r\n");
    }

    #[test]
    fn a_signed_body_is_read_with_its_dash_escapes_undone() {
        let text = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n- Contact: mailto:a@example.org\nExpires: 2026-12-31T00:00:00Z\n-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCgAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n";
        let source = SourceFile::new("security.txt", text.to_string());
        let txt = SecurityTxt::parse(&source);
        let contact = txt.fields_named("contact").next().unwrap();
        assert_eq!(txt.value(contact), "mailto:a@example.org");
        assert_eq!(source.slice(contact.name), "Contact");
        let signature = txt.signature.as_ref().unwrap();
        assert!(signature.problems.is_empty(), "{:?}", signature.problems);
        assert!(signature.block.is_some());
        assert_eq!(txt.fields().count(), 2);
    }

    #[test]
    fn a_malformed_frame_is_described() {
        let text = "Contact: mailto:a@example.org\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nExpires: 2026-12-31T00:00:00Z\n-----BEGIN PGP SIGNATURE-----\n\n{PGP Signature Block}\n-----END PGP SIGNATURE-----\nContact: mailto:b@example.org\n";
        let source = SourceFile::new("security.txt", text.to_string());
        let txt = SecurityTxt::parse(&source);
        let problems: Vec<&str> = txt
            .signature
            .as_ref()
            .unwrap()
            .problems
            .iter()
            .map(|(_, m)| m.as_str())
            .collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("must start"));
        assert!(problems[1].contains("not ASCII armor"));
        assert!(problems[2].contains("after its signature"));
    }

    #[test]
    fn a_value_and_a_name_keep_their_spans() {
        let source = SourceFile::new("security.txt", "Contact :  x \n".to_string());
        let txt = SecurityTxt::parse(&source);
        let field = txt.fields().next().unwrap();
        assert_eq!(source.slice(field.name), "Contact");
        assert!(field.space_before_colon());
        assert_eq!(source.slice(field.value), "x");
        let empty = SourceFile::new("security.txt", "Contact:\n".to_string());
        let txt = SecurityTxt::parse(&empty);
        assert!(txt.fields().next().unwrap().value.is_empty());
    }
}
