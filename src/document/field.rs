//! `Label: value` fields and contact addresses found in the document's text lines.

use std::ops::Range;
use std::sync::LazyLock;

use super::contact_patterns;
use crate::io::source::Span;
use crate::lazy_regex::{LazyRegex, is_word_byte};

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

/// The longest field label, in characters.
const MAX_LABEL_CHARS: usize = 41;

/// Scans one text line (starting at file byte `base`) for fields.
///
/// A field is a label — a letter, then letters, digits, spaces and `'’/&()-` — with a colon
/// inside or outside optional emphasis (`**Label**:`, `**Label:**`, `_Label:`), then blanks and
/// a value running to the end of the line. It starts a line (after indentation, `>` quotes, a
/// list marker or a task box) or follows the end of a sentence (`. Last updated: …`). Written
/// by hand rather than as a regular expression: compiling that expression cost more than
/// linting a small policy, and this runs on every line.
pub fn fields_in_line(line: &str, base: usize, section: Option<usize>, out: &mut Vec<Field>) {
    // Most lines have no colon, and so no field.
    if !line.contains(':') {
        return;
    }
    // A value runs to the end of the line, so the next search starts after the label, not
    // after the value: `**Note**: reviewed quarterly. Last updated: January 2026` has two.
    let mut from = 0;
    while let Some((label, value)) = next_field(line, from) {
        from = label.end;
        let label = &line[label];
        if label.chars().count() > MAX_LABEL_CHARS {
            continue;
        }
        let trimmed = line[value.clone()]
            .trim_end_matches(|c: char| c.is_whitespace() || c == '*' || c == '_');
        if trimmed.is_empty() {
            continue;
        }
        let label_start = from - label.len();
        let label_text = label.trim_end();
        out.push(Field {
            label: label_text.to_string(),
            label_span: Span::new(base + label_start, base + label_start + label_text.len()),
            value: trimmed.to_string(),
            value_span: Span::new(base + value.start, base + value.start + trimmed.len()),
            section,
            front_matter: false,
        });
    }
}

/// The label and value of the first field that starts at or after byte `from`: at the start
/// of the line, or at a sentence end (`.`, `!`, `?` and blanks).
fn next_field(line: &str, from: usize) -> Option<(Range<usize>, Range<usize>)> {
    if from == 0
        && let Some(found) = field_at(line, line_prefix_end(line))
    {
        return Some(found);
    }
    let bytes = line.as_bytes();
    let mut at = from;
    while let Some(offset) = bytes[at..]
        .iter()
        .position(|b| matches!(b, b'.' | b'!' | b'?'))
    {
        let after = at + offset + 1;
        let label_at = skip_blanks(line, after);
        if label_at > after
            && let Some(found) = field_at(line, label_at)
        {
            return Some(found);
        }
        at = after;
    }
    None
}

/// Where a field at the start of `line` may begin: after indentation, `>` quote markers, a
/// list marker (`-`, `*`, `+`, `1.`, `12)`) and a task box (`[ ]`, `[x]`), each of the last two
/// only when blanks follow it.
fn line_prefix_end(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut at = skip_blanks(line, 0);
    while bytes.get(at) == Some(&b'>') {
        at = skip_blanks(line, at + 1);
    }
    let digits = bytes[at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let marker = match bytes.get(at) {
        Some(b'-' | b'*' | b'+') => 1,
        _ if (1..=3).contains(&digits) && matches!(bytes.get(at + digits), Some(b'.' | b')')) => {
            digits + 1
        }
        _ => 0,
    };
    if marker > 0 && skip_blanks(line, at + marker) > at + marker {
        at = skip_blanks(line, at + marker);
    }
    let task_box = bytes
        .get(at..at + 3)
        .is_some_and(|b| b[0] == b'[' && matches!(b[1], b' ' | b'x' | b'X') && b[2] == b']');
    if task_box && skip_blanks(line, at + 3) > at + 3 {
        at = skip_blanks(line, at + 3);
    }
    at
}

/// The field whose (optionally emphasised) label starts at byte `at`, if one does.
fn field_at(line: &str, at: usize) -> Option<(Range<usize>, Range<usize>)> {
    let rest = &line[at..];
    let emphasis = EMPHASIS
        .iter()
        .find(|e| rest.starts_with(*e))
        .map_or(0, |e| e.len());
    let label_start = at + emphasis;
    let mut chars = line[label_start..].char_indices();
    if !chars.next().is_some_and(|(_, c)| c.is_alphabetic()) {
        return None;
    }
    let label_end = chars
        .find(|&(_, c)| !is_label_char(c))
        .map_or(line.len(), |(i, _)| label_start + i);
    let after = &line[label_end..];
    // The colon after the closing emphasis, or before optional emphasis.
    let value_start = if let Some(e) = EMPHASIS
        .iter()
        .find(|e| after.starts_with(*e) && after[e.len()..].starts_with(':'))
    {
        value_start(line, label_end + e.len() + 1)
    } else if let Some(after_colon) = after.strip_prefix(':') {
        EMPHASIS
            .iter()
            .filter(|e| after_colon.starts_with(*e))
            .map(|e| e.len())
            .chain([0])
            .find_map(|len| value_start(line, label_end + 1 + len))
    } else {
        None
    }?;
    Some((label_start..label_end, value_start..line.len()))
}

/// Emphasis markers around a label, longest first.
const EMPHASIS: [&str; 4] = ["**", "__", "*", "_"];

fn is_label_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || matches!(c, ' ' | '\'' | '’' | '/' | '&' | '(' | ')' | '-')
}

/// Blanks (at least one) then a non-space character at byte `at`: where the value starts.
fn value_start(line: &str, at: usize) -> Option<usize> {
    let start = skip_blanks(line, at);
    (start > at
        && line[start..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace()))
    .then_some(start)
}

/// The first byte at or after `at` that is not a space or a tab.
fn skip_blanks(line: &str, at: usize) -> usize {
    at + line.as_bytes()[at..]
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count()
}

static EMAIL: LazyLock<LazyRegex> =
    LazyLock::new(|| LazyRegex::deferred(contact_patterns::EMAIL.to_string()));
static OBFUSCATED_EMAIL: LazyLock<LazyRegex> =
    LazyLock::new(|| LazyRegex::deferred(contact_patterns::OBFUSCATED_EMAIL.to_string()));

/// The `http://` and `https://` URLs in `line`, leftmost first: the scheme, then every
/// character up to white space or one of `<>()[]"'` and the backtick (at least one).
fn urls(line: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let ends_url = |c: char| c.is_whitespace() || "<>()[]\"'`".contains(c);
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(found) = line[from..].find("http") {
            let start = from + found;
            let after = &line[start + 4..];
            let scheme = if after.starts_with("s://") {
                8
            } else if after.starts_with("://") {
                7
            } else {
                0
            };
            let rest = &line[start + scheme..];
            let len = rest.find(ends_url).unwrap_or(rest.len());
            if scheme > 0 && len > 0 {
                from = start + scheme + len;
                return Some(start..from);
            }
            from = start + 1;
        }
        None
    })
}

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
    // Each scan is gated by what every match has: most lines have no `://`, `@` or "at".
    if line.contains("://") {
        for url in urls(line) {
            push(ContactKind::Url, url.start, &line[url]);
        }
    }
    if line.contains('@') {
        for email in EMAIL.find_iter(line) {
            push(ContactKind::Email, email.start, &line[email]);
        }
    }
    if has_word_at(line) {
        for email in OBFUSCATED_EMAIL.find_iter(line) {
            push(ContactKind::ObfuscatedEmail, email.start, &line[email]);
        }
    }
}

/// Whether `line` has "at" as a word (also `[at]`, `(at)`), as every obfuscated address does.
fn has_word_at(line: &str) -> bool {
    let bytes = line.as_bytes();
    let is_word = |i: usize| bytes.get(i).is_some_and(|&b| is_word_byte(b));
    // `b | 0x20` folds `T` to `t` (and no other byte to either).
    let mut from = 0;
    while let Some(offset) = memchr::memchr2(b'a', b'A', &bytes[from..]) {
        let at = from + offset;
        let t = bytes.get(at + 1).is_some_and(|&b| b | 0x20 == b't');
        if t && (at == 0 || !is_word(at - 1)) && !is_word(at + 2) {
            return true;
        }
        from = at + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use regex::Regex;

    /// The field grammar as a regular expression (with the leftmost-first semantics of the
    /// `regex` crate): the specification the scanner is checked against.
    static GRAMMAR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?x)
            (?: ^[\ \t]*(?:>[\ \t]*)*(?:(?:[-*+]|[0-9]{1,3}[.)])[\ \t]+)?(?:\[[\ xX]\][\ \t]+)?
              | [.!?][\ \t]+ )
            (?:\*\*|__|\*|_)?
            (?P<label>\p{Alphabetic}[\p{Alphabetic}\p{N}\ '’/&()-]*?)
            (?: (?:\*\*|__|\*|_): | :(?:\*\*|__|\*|_)? )
            [\ \t]+
            (?P<value>\S.*)$",
        )
        .unwrap()
    });

    type Found = Vec<(Range<usize>, Range<usize>)>;

    fn by_grammar(line: &str) -> Found {
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(caps) = GRAMMAR.captures_at(line, from) {
            let (label, value) = (caps.name("label").unwrap(), caps.name("value").unwrap());
            from = label.end();
            found.push((label.range(), value.range()));
        }
        found
    }

    fn by_scanner(line: &str) -> Found {
        let mut found = Vec::new();
        let mut from = 0;
        while let Some((label, value)) = next_field(line, from) {
            from = label.end;
            found.push((label, value));
        }
        found
    }

    /// Pieces of field-like lines, so that random lines often hold fields or near misses.
    const PIECES: &[&str] = &[
        " ", "\t", ">", "- ", "-", "*", "**", "_", "__", "+ ", "1. ", "12)", "1234. ", "[x] ",
        "[ ]", "[X]", "Last", "updated", "É", "日付", "ß", ":", ": ", ". ", "!", "? ", "’", "'",
        "/", "&", "(", ")", "2025", "\u{a0}", "e\u{301}", "x", "Ⅻ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn the_scanner_follows_the_grammar(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..12)
        ) {
            let line = pieces.concat();
            prop_assert_eq!(by_scanner(&line), by_grammar(&line), "{:?}", line);
        }
    }

    /// Every line of the fixtures, seeds and real policies.
    #[test]
    fn the_scanners_follow_their_patterns_on_real_lines() {
        let mut lines = 0;
        for (_, text) in crate::test_texts::documents() {
            for line in text.lines() {
                lines += 1;
                assert_eq!(by_scanner(line), by_grammar(line), "{line:?}");
                let expected: Vec<_> = URL.find_iter(line).map(|m| m.range()).collect();
                assert_eq!(urls(line).collect::<Vec<_>>(), expected, "{line:?}");
            }
        }
        // The fixtures alone hold a few hundred lines; with the corpus, many thousands.
        let least = if crate::test_texts::shared_present() {
            3_000
        } else {
            300
        };
        assert!(lines > least, "{lines} lines");
    }

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

    /// The URL scanner's specification.
    static URL: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"https?://[^\s<>()\[\]"'`]+"#).unwrap());

    const URL_PIECES: &[&str] = &[
        "http", "https", "://", ":/", "s", "x", " ", "\t", "\u{a0}", "\u{2028}", "<", ")", "]",
        "\"", "'", "`", "é", "日", ".",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn urls_are_those_of_the_pattern(
            pieces in proptest::collection::vec(proptest::sample::select(URL_PIECES), 0..12)
        ) {
            let line = pieces.concat();
            let expected: Vec<Range<usize>> = URL.find_iter(&line).map(|m| m.range()).collect();
            prop_assert_eq!(urls(&line).collect::<Vec<_>>(), expected, "{:?}", line);
        }
    }

    const ADDRESS_PIECES: &[&str] = &[
        "at", "AT", "[at]", "(at)", "dot", "[dot]", "(DOT)", ".", "com", "CO", "io", "x", "-", " ",
        "\t", "é", "m",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        /// The gate before the expression lets through every line it matches.
        #[test]
        fn every_obfuscated_address_passes_the_gate(
            pieces in proptest::collection::vec(proptest::sample::select(ADDRESS_PIECES), 0..12)
        ) {
            let line = pieces.concat();
            if OBFUSCATED_EMAIL.is_match(&line) {
                prop_assert!(has_word_at(&line), "{:?}", line);
            }
        }
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
