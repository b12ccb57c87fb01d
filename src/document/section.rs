//! Headings and the normalised titles rules match them by.

use crate::io::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadingKind {
    /// `## Title`
    Atx,
    /// `Title` underlined with `===` or `---`.
    Setext,
    /// A paragraph whose first line is only bold text: `**Reporting a Vulnerability**`.
    Bold,
}

/// A heading and the part of the document it governs.
#[derive(Clone, Debug)]
pub struct Section {
    pub kind: HeadingKind,
    /// 1–6 for real headings; a bold pseudo-heading is one level below the real heading it
    /// stands under (level 1 under none, at most 7).
    pub level: u8,
    /// The title as rendered text (markup removed).
    pub title: String,
    /// The title normalised for matching: see [`normalize_title`].
    pub key: String,
    /// The whole heading (for setext, both lines).
    pub heading: Span,
    /// The title's source text.
    pub title_span: Span,
    /// From the end of the heading to the next heading of the same or a higher level.
    pub body: Span,
    /// The index of the enclosing section.
    pub parent: Option<usize>,
}

/// Lower-cases a title, drops emoji, `:shortcodes:`, punctuation and leading numbering
/// (`2.1 Reporting`), and collapses whitespace: `## 🚨 2. Reporting a Vulnerability!` becomes
/// `reporting a vulnerability`. One pass: it runs for every heading, header cell and label.
pub fn normalize_title(title: &str) -> String {
    // ASCII is lower-cased as it is copied (most titles and cells are ASCII); other text first,
    // as a whole, for a letter may lower-case differently at the end of a word (`Σ`).
    let lower = if title.is_ascii() {
        std::borrow::Cow::Borrowed(title)
    } else {
        std::borrow::Cow::Owned(title.to_lowercase())
    };
    let mut out = String::with_capacity(lower.len());
    let mut space = false;
    let mut rest = lower.as_ref();
    while let Some(c) = rest.chars().next() {
        if c == ':'
            && let Some(len) = shortcode_len(rest)
        {
            space = true;
            rest = &rest[len..];
            continue;
        }
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c.to_ascii_lowercase());
        } else {
            space = true;
        }
        rest = &rest[c.len_utf8()..];
    }
    // Leading numbering: words of ASCII digits before the first other word.
    let numbering = out
        .split(' ')
        .take_while(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
        .map(|w| w.len() + 1)
        .sum::<usize>();
    out.drain(..numbering.min(out.len()));
    out
}

/// The length of the `:shortcode:` (`:lock:`, `:+1:`) at the start of `text`, if one is.
fn shortcode_len(text: &str) -> Option<usize> {
    let name = text[1..]
        .bytes()
        .map(|b| b.to_ascii_lowercase())
        .take_while(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'+' | b'-'))
        .count();
    (name > 0 && text.as_bytes().get(1 + name) == Some(&b':')).then_some(name + 2)
}

/// Whether a normalised title `key` contains the alias `alias` — normalised the same way,
/// once, when the pack is loaded — as whole words. An alias in a script written without
/// spaces (Chinese, Japanese) matches as a plain substring, so `脆弱性の報告` finds
/// `脆弱性の報告方法`. Allocates nothing: it runs for every heading and every alias.
pub fn title_matches(key: &str, alias: &str) -> bool {
    if alias.is_empty() {
        return false;
    }
    if alias.chars().any(is_unspaced_script) {
        return key.contains(alias);
    }
    // Compared only where the alias's first byte is, rather than at every word.
    let (bytes, alias) = (key.as_bytes(), alias.as_bytes());
    memchr::memchr_iter(alias[0], bytes).any(|at| {
        let end = at + alias.len();
        (at == 0 || bytes[at - 1] == b' ')
            && bytes[at..].starts_with(alias)
            && (end == bytes.len() || bytes[end] == b' ')
    })
}

/// The byte offsets where the words of a normalised text (single spaces between words) start.
pub fn word_starts(key: &str) -> impl Iterator<Item = usize> + '_ {
    std::iter::once(0)
        .filter(|_| !key.is_empty())
        .chain(key.match_indices(' ').map(|(at, _)| at + 1))
}

/// CJK ideographs, kana and similar scripts that do not separate words with spaces.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF66}'..='\u{FF9F}')
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use proptest::prelude::*;
    use regex::Regex;

    use super::*;

    /// Normalisation as a chain of simple steps: the specification of `normalize_title`.
    fn normalized_step_by_step(title: &str) -> String {
        static SHORTCODE: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r":[a-z0-9_+-]+:").unwrap());
        let lower = title.to_lowercase();
        let without_codes = SHORTCODE.replace_all(&lower, " ");
        let spaced: String = without_codes
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect();
        let mut words = spaced.split_whitespace().peekable();
        while words
            .peek()
            .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
        {
            words.next();
        }
        words.collect::<Vec<_>>().join(" ")
    }

    const PIECES: &[&str] = &[
        " ", ":", "::", ":lock:", ":Lock:", "K", "ΣΑΣ", ":+1", "2.", "12", "1", "a1", "Report",
        "ÉTÉ", "İ", "🚨", "-", "_", "\t", "支持", "x", "ß", "SECURITY",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn normalisation_follows_its_steps(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..10)
        ) {
            let title = pieces.concat();
            prop_assert_eq!(normalize_title(&title), normalized_step_by_step(&title));
        }
    }

    #[test]
    fn normalisation_drops_emoji_numbering_and_punctuation() {
        assert_eq!(
            normalize_title("🚨 2. Reporting a Vulnerability!"),
            "reporting a vulnerability"
        );
        assert_eq!(
            normalize_title(":lock: Supported   Versions"),
            "supported versions"
        );
        assert_eq!(
            normalize_title("支持的版本 / Supported Versions"),
            "支持的版本 supported versions"
        );
    }

    #[test]
    fn aliases_match_whole_words_or_cjk_substrings() {
        assert!(title_matches(
            "reporting a vulnerability",
            &normalize_title("Reporting a vulnerability")
        ));
        assert!(title_matches(
            "支持的版本 supported versions",
            &normalize_title("Supported Versions")
        ));
        assert!(title_matches("脆弱性の報告方法 reporting", "脆弱性の報告"));
        assert!(!title_matches("unsupported versions", "supported versions"));
        assert!(!title_matches("anything", ""));
        // The whole-word occurrence overlaps an earlier one that is not.
        assert!(title_matches("aaa aa aa", "aa aa"));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]
        /// A spaced alias matches when some run of the title's words is the alias's words.
        #[test]
        fn aliases_match_runs_of_words(
            key in proptest::collection::vec(proptest::sample::select(&["a", "aa", "b", "ab"][..]), 1..7),
            alias in proptest::collection::vec(proptest::sample::select(&["a", "aa", "b", "ab"][..]), 1..4),
        ) {
            let by_words = key.windows(alias.len()).any(|run| run == alias.as_slice());
            prop_assert_eq!(title_matches(&key.join(" "), &alias.join(" ")), by_words);
        }
    }
}
