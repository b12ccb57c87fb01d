//! `Label: value` fields and contact addresses found in the document's text lines.

use std::sync::LazyLock;

use regex::Regex;

use crate::io::source::Span;

/// A `Label: value` pair: `**Last Updated**: 2025-11-16`, `- **Email**: x@y.org`,
/// `_Last reviewed: 3 March 2026_`, or `Last updated: 2025-10-14` after a sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The label as written, without emphasis markers.
    pub label: String,
    pub label_span: Span,
    /// The value: the rest of the line, without trailing emphasis markers and whitespace.
    /// `source[value_span] == value` always holds.
    pub value: String,
    pub value_span: Span,
    pub section: Option<usize>,
    /// A `key: value` line of YAML front matter rather than a line of the document.
    pub front_matter: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactKind {
    /// `security@example.org`, also inside `mailto:` links and autolinks.
    Email,
    /// `security at python dot org`.
    ObfuscatedEmail,
    /// An `http(s)://` URL.
    Url,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub kind: ContactKind,
    pub span: Span,
    pub text: String,
}

/// A label at the start of a line (after any list marker, task box or quote) or after the end
/// of a sentence, optionally emphasised, with the colon inside or outside the emphasis.
static FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?: ^[\ \t]*(?:>[\ \t]*)*(?:(?:[-*+]|\d{1,3}[.)])[\ \t]+)?(?:\[[\ xX]\][\ \t]+)?
          | [.!?][\ \t]+ )
        (?:\*\*|__|\*|_)?
        (?P<label>\p{L}[\p{L}\p{N}\ '’/&()-]*?)
        (?: (?:\*\*|__|\*|_): | :(?:\*\*|__|\*|_)? )
        [\ \t]+
        (?P<value>\S.*)$",
    )
    .expect("static regex")
});

/// The longest field label, in characters.
const MAX_LABEL_CHARS: usize = 41;

/// Scans one text line (starting at file byte `base`) for fields.
pub fn fields_in_line(line: &str, base: usize, section: Option<usize>, out: &mut Vec<Field>) {
    // A value runs to the end of the line, so the next search starts after the label, not
    // after the value: `**Note**: reviewed quarterly. Last updated: January 2026` has two.
    let mut from = 0;
    while let Some(caps) = FIELD.captures_at(line, from) {
        let (Some(label), Some(value)) = (caps.name("label"), caps.name("value")) else {
            break;
        };
        from = label.end();
        // A label is short; the length is checked here because a bounded repetition of a
        // Unicode class makes the pattern slow to build and to run.
        if label.as_str().chars().count() > MAX_LABEL_CHARS {
            continue;
        }
        let trimmed = value
            .as_str()
            .trim_end_matches(|c: char| c.is_whitespace() || c == '*' || c == '_');
        if trimmed.is_empty() {
            continue;
        }

        let label_text = label.as_str().trim_end();
        out.push(Field {
            label: label_text.to_string(),
            label_span: Span::new(
                base + label.start(),
                base + label.start() + label_text.len(),
            ),
            value: trimmed.to_string(),
            value_span: Span::new(base + value.start(), base + value.start() + trimmed.len()),
            section,
            front_matter: false,
        });
    }
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
        .expect("static regex")
});

static OBFUSCATED_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix-u)\b[a-z0-9][a-z0-9._+-]*[\ \t]*(?:\[at\]|\(at\)|\bat\b)[\ \t]*[a-z0-9-]+
          (?:[\ \t]*(?:\[dot\]|\(dot\)|\bdot\b|\.)[\ \t]*[a-z0-9-]+)*?
          [\ \t]*(?:\[dot\]|\(dot\)|\bdot\b|\.)[\ \t]*(?:com|org|net|io|dev|edu|gov|info|me|co|uk|de|fr|eu)\b",
    )
    .expect("static regex")
});

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"https?://[^\s<>()\[\]"'`]+"#).expect("static regex"));

/// Scans one text line for e-mail addresses and URLs.
pub fn contacts_in_line(line: &str, base: usize, out: &mut Vec<Contact>) {
    let mut push = |kind, start: usize, text: &str| {
        let text = text.trim_end_matches(['.', ',', ';', ':', '!', '?', '*', '_']);
        out.push(Contact {
            kind,
            span: Span::new(base + start, base + start + text.len()),
            text: text.to_string(),
        });
    };
    for url in URL.find_iter(line) {
        push(ContactKind::Url, url.start(), url.as_str());
    }
    for email in EMAIL.find_iter(line) {
        push(ContactKind::Email, email.start(), email.as_str());
    }
    for email in OBFUSCATED_EMAIL.find_iter(line) {
        push(ContactKind::ObfuscatedEmail, email.start(), email.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(line: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        fields_in_line(line, 0, None, &mut out);
        for field in &out {
            assert_eq!(
                &line[field.value_span.start..field.value_span.end],
                field.value
            );
            assert_eq!(
                &line[field.label_span.start..field.label_span.end],
                field.label
            );
        }
        out.into_iter().map(|f| (f.label, f.value)).collect()
    }

    fn one(label: &str, value: &str) -> Vec<(String, String)> {
        vec![(label.to_string(), value.to_string())]
    }

    #[test]
    fn bold_italic_and_plain_labels() {
        assert_eq!(
            fields("**Last Updated**: 2025-11-16  "),
            one("Last Updated", "2025-11-16")
        );
        assert_eq!(
            fields("**Last Updated:** 2026-02-20T21:55:00Z"),
            one("Last Updated", "2026-02-20T21:55:00Z")
        );
        assert_eq!(
            fields("_Last reviewed: 3 March 2026_"),
            one("Last reviewed", "3 March 2026")
        );
        assert_eq!(
            fields("Next review due: 2026-06-03"),
            one("Next review due", "2026-06-03")
        );
        assert_eq!(fields("- **Email**: x@y.org"), one("Email", "x@y.org"));
        assert_eq!(
            fields("1. **Email**: [Add email]"),
            one("Email", "[Add email]")
        );
    }

    #[test]
    fn labels_after_a_sentence() {
        assert_eq!(
            fields("This policy is reviewed and updated quarterly. Last updated: 2025-10-14"),
            one("Last updated", "2025-10-14")
        );
        assert_eq!(
            fields("*This policy is reviewed quarterly. Last updated: January 15, 2025*"),
            one("Last updated", "January 15, 2025")
        );
    }

    #[test]
    fn a_field_inside_another_fields_value() {
        let line =
            "**Note**: This policy is reviewed quarterly. Last updated: January 2026 (v1.6.0).";
        let found = fields(line);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(
            found[1],
            (
                "Last updated".to_string(),
                "January 2026 (v1.6.0).".to_string()
            )
        );
    }

    #[test]
    fn urls_and_prose_are_not_fields() {
        assert!(fields("See https://example.org/x for details").is_empty());
        assert!(fields("We aim to respond within 48 hours.").is_empty());
        assert!(fields("**DO NOT** open public issues: ever").is_empty());
    }

    #[test]
    fn contacts_plain_obfuscated_and_urls() {
        let mut out = Vec::new();
        contacts_in_line(
            "Mail <security@x.org>, security at python dot org, or https://x.org/sec.",
            0,
            &mut out,
        );
        let texts: Vec<_> = out.iter().map(|c| (c.kind, c.text.as_str())).collect();
        assert_eq!(
            texts,
            [
                (ContactKind::Url, "https://x.org/sec"),
                (ContactKind::Email, "security@x.org"),
                (ContactKind::ObfuscatedEmail, "security at python dot org"),
            ]
        );
    }
}
