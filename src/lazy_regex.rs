//! A pack's regular expression, compiled only when a run needs it.
//!
//! Compiling is most of what a run on one small file would cost, and a run reaches only some
//! of the patterns. A configuration's patterns are compiled as it loads, so that a bad one is
//! reported where it is written. The built-in packs' patterns are known to compile (a test
//! compiles every one), and build.rs has already turned most of them into DFAs: a pattern's
//! first searches run on those, deserialised from the binary without compiling anything. Once
//! its DFAs have searched [`DFA_BUDGET`] bytes (one large document, or many small ones), the
//! pattern is compiled, for the compiled engine skips to its literals where a DFA reads every
//! byte, and from then on every search uses it. Both engines find the same matches (tested on
//! every built-in pattern).

use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use regex::{Captures, Regex};
use regex_automata::dfa::dense;
use regex_automata::meta;

/// A built-in pattern's DFAs searched as one regular expression.
type DfaRegex = regex_automata::dfa::regex::Regex<dense::DFA<&'static [u32]>>;

/// Bytes with the alignment of a `u32`, as a serialised DFA must be read.
#[repr(C)]
pub(crate) struct Aligned<B: ?Sized> {
    pub(crate) _align: [u32; 0],
    pub(crate) bytes: B,
}

/// A built-in pattern with its forward and reverse DFAs, serialised.
pub(crate) struct Prebuilt {
    pattern: &'static str,
    forward: &'static Aligned<[u8]>,
    reverse: &'static Aligned<[u8]>,
}

// The `PREBUILT` table that build.rs writes.
include!(concat!(env!("OUT_DIR"), "/prebuilt_patterns.rs"));

/// How many bytes a pattern's DFAs search before the pattern is compiled: about what the
/// compiled engine's literal search saves over them by the time it has paid for compiling.
const DFA_BUDGET: usize = 256 * 1024;

pub struct LazyRegex {
    source: String,
    compiled: OnceLock<Regex>,
    /// The forward and reverse DFAs of a built-in pattern, as build.rs serialised them.
    prebuilt: Option<(&'static [u8], &'static [u8])>,
    dfa: OnceLock<DfaRegex>,
    /// Bytes searched with the DFAs so far (files are linted in parallel).
    dfa_searched: AtomicUsize,
    /// A built-in pattern compiled only for a Pike VM, which finds groups in short texts.
    capturer: OnceLock<meta::Regex>,
    anchored: OnceLock<bool>,
}

impl LazyRegex {
    /// A pattern known to compile, compiled on first use (or searched with its DFAs).
    pub(crate) fn deferred(source: String) -> Self {
        let prebuilt = PREBUILT
            .iter()
            .find(|p| p.pattern == source)
            .map(|p| (&p.forward.bytes[..], &p.reverse.bytes[..]));
        LazyRegex {
            source,
            compiled: OnceLock::new(),
            prebuilt,
            dfa: OnceLock::new(),
            dfa_searched: AtomicUsize::new(0),
            capturer: OnceLock::new(),
            anchored: OnceLock::new(),
        }
    }

    pub(crate) fn compiled(regex: Regex) -> Self {
        LazyRegex {
            source: regex.as_str().to_string(),
            compiled: OnceLock::from(regex),
            prebuilt: None,
            dfa: OnceLock::new(),
            dfa_searched: AtomicUsize::new(0),
            capturer: OnceLock::new(),
            anchored: OnceLock::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the expression anchors to the start or end of a line or of the text (`^`, `$`,
    /// `\A`, `\z`): what it finds then depends on where the searched text is cut, so a search
    /// of a whole document does not stand for searches of its lines.
    pub fn is_anchored(&self) -> bool {
        *self.anchored.get_or_init(|| {
            regex_syntax::parse(&self.source)
                .map_or(true, |hir| hir.properties().look_set().contains_anchor())
        })
    }

    pub fn is_match(&self, text: &str) -> bool {
        match self.engine(text) {
            Engine::Dfa(dfa) => dfa.is_match(text),
            Engine::Compiled(regex) => regex.is_match(text),
        }
    }

    /// The byte ranges of the successive non-overlapping matches in `text`.
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Range<usize>> + 't {
        let (dfa, compiled) = match self.engine(text) {
            Engine::Dfa(dfa) => (Some(dfa.find_iter(text)), None),
            Engine::Compiled(regex) => (None, Some(regex.find_iter(text))),
        };
        let dfa = dfa.into_iter().flatten().map(|m| m.range());
        dfa.chain(compiled.into_iter().flatten().map(|m| m.range()))
    }

    /// The spans of the first match in `text` and of its groups. Only a text that matches
    /// compiles the pattern, and then (for a built-in pattern, searched in a short text) only
    /// as far as a Pike VM needs, which takes half as long as a full compilation.
    pub fn captures(&self, text: &str) -> Option<Groups> {
        let groups = |captures: Captures<'_>| {
            Groups(captures.iter().map(|m| m.map(|m| m.range())).collect())
        };
        match self.engine(text) {
            Engine::Compiled(regex) => regex.captures(text).map(groups),
            Engine::Dfa(dfa) if !dfa.is_match(text) => None,
            Engine::Dfa(_) => {
                let vm = self.capturer.get_or_init(|| {
                    let config = meta::Config::new()
                        .hybrid(false)
                        .onepass(false)
                        .backtrack(false)
                        .auto_prefilter(false);
                    meta::Builder::new()
                        .configure(config)
                        .build(&self.source)
                        .expect("a built-in pack's patterns compile (tested)")
                });
                let mut captures = vm.create_captures();
                vm.captures(text, &mut captures);
                let groups = (0..captures.group_len()).map(|i| captures.get_group(i));
                captures
                    .is_match()
                    .then(|| Groups(groups.map(|g| g.map(|span| span.range())).collect()))
            }
        }
    }

    /// The compiled pattern, compiled now if it is not yet.
    fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            Regex::new(&self.source).expect("a built-in pack's patterns compile (tested)")
        })
    }

    fn engine(&self, text: &str) -> Engine<'_> {
        if let Some(regex) = self.compiled.get() {
            return Engine::Compiled(regex);
        }
        if self.prebuilt.is_some() {
            let searched = self.dfa_searched.fetch_add(text.len(), Ordering::Relaxed);
            if let Some(dfa) = self.dfa()
                && searched + text.len() <= DFA_BUDGET
            {
                return Engine::Dfa(dfa);
            }
        }
        Engine::Compiled(self.regex())
    }

    /// The DFAs build.rs made of this pattern, if it made any.
    fn dfa(&self) -> Option<&DfaRegex> {
        let (forward, reverse) = self.prebuilt?;
        Some(self.dfa.get_or_init(|| {
            let dfa = |bytes| {
                dense::DFA::from_bytes(bytes)
                    .expect("build.rs serialised this DFA for this target")
                    .0
            };
            DfaRegex::builder().build_from_dfas(dfa(forward), dfa(reverse))
        }))
    }
}

impl Clone for LazyRegex {
    fn clone(&self) -> Self {
        LazyRegex {
            source: self.source.clone(),
            compiled: self.compiled.clone(),
            prebuilt: self.prebuilt,
            dfa: self.dfa.clone(),
            dfa_searched: AtomicUsize::new(self.dfa_searched.load(Ordering::Relaxed)),
            capturer: self.capturer.clone(),
            anchored: self.anchored.clone(),
        }
    }
}

/// A pattern shows as its text, however far it has been compiled.
impl std::fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.source).finish()
    }
}

/// The spans of a match (group 0) and of its groups, `None` for a group that took no part.
#[derive(Debug, PartialEq, Eq)]
pub struct Groups(Vec<Option<Range<usize>>>);

impl Groups {
    pub fn get(&self, group: usize) -> Option<Range<usize>> {
        self.0.get(group).cloned().flatten()
    }
}

enum Engine<'a> {
    Dfa(&'a DfaRegex),
    Compiled(&'a Regex),
}

/// A byte of an ASCII word, as `(?-u:\b)` sees it.
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::pack::Pack;

    #[test]
    fn anchors_are_recognised() {
        let anchored = |p: &str| LazyRegex::deferred(p.to_string()).is_anchored();
        assert!(anchored("^TODO"));
        assert!(anchored(r"(?m)done$"));
        assert!(anchored(r"\Ax"));
        assert!(!anchored(r"[^\]\n]*\bTODO\b"));
        assert!(!anchored(r"\[(?:add|your)[^\]]*\]"));
    }

    #[test]
    fn compiled_on_first_use() {
        let regex = LazyRegex::deferred("a+b".to_string());
        assert!(regex.prebuilt.is_none());
        assert!(regex.compiled.get().is_none());
        assert!(regex.is_match("xaab"));
        assert!(regex.compiled.get().is_some());
    }

    #[test]
    fn a_prebuilt_pattern_is_compiled_once_its_dfas_have_searched_their_budget() {
        let pattern = crate::document::contact_patterns::EMAIL.to_string();
        let line = "write to security@example.org\n";
        let regex = LazyRegex::deferred(pattern.clone());
        for _ in 0..DFA_BUDGET / line.len() {
            assert!(regex.is_match(line));
        }
        assert!(regex.compiled.get().is_none());
        assert!(regex.is_match(line));
        assert!(regex.compiled.get().is_some());

        let regex = LazyRegex::deferred(pattern);
        assert_eq!(
            regex.find_iter(&line.repeat(DFA_BUDGET)).count(),
            DFA_BUDGET
        );
        assert!(regex.compiled.get().is_some());
    }

    /// Every pattern of the built-in pack and of the contact scanner has DFAs, but the
    /// private-reporting words (whose DFA would take tens of megabytes).
    #[test]
    fn the_built_in_patterns_are_prebuilt() {
        let pack = Pack::builtin().unwrap();
        let private = pack.contact.private_reporting.as_ref().unwrap();
        for pattern in pack.patterns() {
            let prebuilt = pattern.prebuilt.is_some();
            assert_eq!(
                prebuilt,
                pattern.as_str() != private.as_str(),
                "{}",
                pattern.as_str()
            );
        }
        for pattern in crate::document::contact_patterns::ALL {
            assert!(
                LazyRegex::deferred(pattern.to_string()).prebuilt.is_some(),
                "{pattern}"
            );
        }
    }

    /// What a pattern's DFAs and the compiled pattern find, as byte ranges.
    fn both(lazy: &LazyRegex, text: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
        let dfa = lazy.dfa().expect("prebuilt");
        let by_dfa = dfa.find_iter(text).map(|m| m.range()).collect();
        let by_regex = lazy.regex().find_iter(text).map(|m| m.range()).collect();
        (by_dfa, by_regex)
    }

    fn prebuilt() -> Vec<LazyRegex> {
        let patterns = PREBUILT
            .iter()
            .map(|p| LazyRegex::deferred(p.pattern.to_string()));
        patterns.collect()
    }

    /// Both engines find the same matches in every line and every whole document of the
    /// fixtures, seeds and real policies.
    #[test]
    fn dfas_find_what_the_compiled_patterns_find_in_real_documents() {
        let documents = crate::test_texts::documents();
        assert!(documents.len() > 40);
        for lazy in prebuilt() {
            let pattern = lazy.as_str();
            for (path, text) in &documents {
                let (by_dfa, by_regex) = both(&lazy, text);
                assert_eq!(by_dfa, by_regex, "{pattern} in {}", path.display());
                for line in text.lines() {
                    let (by_dfa, by_regex) = both(&lazy, line);
                    assert_eq!(by_dfa, by_regex, "{pattern} in {line:?}");
                }
            }
        }
    }

    /// Pieces of the built-in patterns' matches, and characters that case folding and word
    /// boundaries treat specially.
    const PIECES: &[&str] = &[
        "TODO",
        "todo",
        "[add",
        "[YOUR_NAME]",
        "<YOUR EMAIL>",
        "]",
        "[",
        "AKIA",
        "ABCDEFGHIJKLMNOP",
        "ghp_",
        "0123456789abcdefghij0123456789abcdef",
        "xoxb-",
        "0123456789",
        "-----BEGIN ",
        "RSA ",
        "PRIVATE KEY-----",
        "@",
        "a@example.com",
        "you@",
        "example",
        ".",
        "com",
        "org",
        "(quarterly review)",
        "(",
        ")",
        "reviewed ",
        "and updated ",
        "annually",
        "every 2 weeks",
        "monthly",
        "security ",
        "review",
        "reviews",
        "https://",
        "github.com/o/r",
        "/issues",
        "/new",
        "?q=1",
        "#x",
        "/security/advisories",
        "hackerone.com",
        "/security",
        ".txt",
        "/report",
        "bug-bounty",
        "disclose",
        "use this section to tell them",
        " at ",
        " dot ",
        "[at]",
        "(dot)",
        " ",
        "\t",
        "\n",
        "_",
        "x",
        "é",
        "\u{212a}",
        "\u{17f}",
        "İ",
        "漏洞",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Both engines find the same matches in texts made of the patterns' own pieces.
        #[test]
        fn dfas_find_what_the_compiled_patterns_find(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..24)
        ) {
            let text = pieces.concat();
            for lazy in PATTERNS.iter() {
                let (by_dfa, by_regex) = both(lazy, &text);
                prop_assert_eq!(by_dfa, by_regex, "{} in {:?}", lazy.as_str(), text);
                let expected = lazy.regex().captures(&text).map(|c| {
                    Groups(c.iter().map(|m| m.map(|m| m.range())).collect())
                });
                // A pattern not compiled yet, to take the DFAs' and the Pike VM's way.
                let fresh = LazyRegex::deferred(lazy.as_str().to_string());
                prop_assert_eq!(fresh.captures(&text), expected, "{} in {:?}", lazy.as_str(), text);
            }
        }
    }

    static PATTERNS: std::sync::LazyLock<Vec<LazyRegex>> = std::sync::LazyLock::new(prebuilt);
}
