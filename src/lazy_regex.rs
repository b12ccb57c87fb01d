//! A pack's regular expression, compiled only when a run needs it.
//!
//! Compiling is most of what a run on one small file would cost, and a run reaches only some
//! of the patterns. A configuration's patterns are compiled as it loads, so that a bad one is
//! reported where it is written. The built-in packs' patterns are known to compile (a test
//! compiles every one), and build.rs has already turned most of them into DFAs: a pattern's
//! first searches run on those, deserialised from the binary without compiling anything. Once
//! its DFAs have searched [`DFA_BUDGET`] bytes (one large document, or many small ones), the
//! pattern is compiled, for the compiled engine skips to its literals where a DFA reads every
//! byte, and from then on every search uses it. Until then, the groups of a match the DFAs
//! found come from a Pike VM, the one engine compiled for them. Both ways find the same
//! matches and groups (tested on every built-in pattern).

use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use regex::{Captures, Regex};
use regex_automata::dfa::{Automaton, dense};
use regex_automata::nfa::thompson::pikevm::PikeVM;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input};

/// A built-in pattern's DFAs searched as one regular expression.
type DfaRegex = regex_automata::dfa::regex::Regex<dense::DFA<&'static [u32]>>;

/// Bytes with the alignment of a `u32`, as a serialised DFA must be read.
#[repr(C)]
pub(crate) struct Aligned<B: ?Sized> {
    pub(crate) _align: [u32; 0],
    pub(crate) bytes: B,
}

/// A built-in pattern with its forward and reverse DFAs, serialised, and what build.rs read
/// from its syntax.
pub(crate) struct Prebuilt {
    pattern: &'static str,
    forward: &'static Aligned<[u8]>,
    reverse: &'static Aligned<[u8]>,
    /// See [`LazyRegex::is_anchored`].
    anchored: bool,
}

// The `PREBUILT` table that build.rs writes.
include!(concat!(env!("OUT_DIR"), "/prebuilt_patterns.rs"));

/// How many bytes a pattern's DFAs search before the pattern is compiled: about what the
/// compiled engine's literal search saves over them by the time it has paid for compiling.
const DFA_BUDGET: usize = 256 * 1024;

pub struct LazyRegex {
    source: String,
    compiled: OnceLock<Regex>,
    /// A built-in pattern's DFAs, as build.rs serialised them.
    prebuilt: Option<&'static Prebuilt>,
    /// The forward DFA alone, which is all a yes-or-no search needs. build.rs gives it only
    /// unanchored start states: searching it anchored would be an error.
    forward: OnceLock<dense::DFA<&'static [u32]>>,
    /// Both DFAs, which find where matches start and end.
    dfa: OnceLock<DfaRegex>,
    /// Bytes searched with the DFAs so far (files are linted in parallel).
    dfa_searched: AtomicUsize,
    /// A built-in pattern compiled only for a Pike VM, which finds groups within a match the
    /// DFAs found.
    capturer: OnceLock<PikeVM>,
    /// The same without Unicode (`None` when the pattern is not ASCII): two to four times
    /// cheaper to compile, and it finds the same groups in an ASCII match.
    ascii_capturer: OnceLock<Option<PikeVM>>,
    anchored: OnceLock<bool>,
}

impl LazyRegex {
    /// A pattern known to compile, compiled on first use (or searched with its DFAs).
    pub(crate) fn deferred(source: String) -> Self {
        let prebuilt = PREBUILT.iter().find(|p| p.pattern == source);
        LazyRegex {
            source,
            compiled: OnceLock::new(),
            prebuilt,
            forward: OnceLock::new(),
            dfa: OnceLock::new(),
            dfa_searched: AtomicUsize::new(0),
            capturer: OnceLock::new(),
            ascii_capturer: OnceLock::new(),
            anchored: OnceLock::new(),
        }
    }

    /// A pattern compiled already (a configuration's, checked as it loads).
    pub(crate) fn compiled(regex: Regex) -> Self {
        LazyRegex {
            source: regex.as_str().to_string(),
            compiled: OnceLock::from(regex),
            prebuilt: None,
            forward: OnceLock::new(),
            dfa: OnceLock::new(),
            dfa_searched: AtomicUsize::new(0),
            capturer: OnceLock::new(),
            ascii_capturer: OnceLock::new(),
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
        if let Some(prebuilt) = self.prebuilt {
            return prebuilt.anchored;
        }
        *self.anchored.get_or_init(|| is_anchored(&self.source))
    }

    pub fn is_match(&self, text: &str) -> bool {
        match self.engine(text) {
            Engine::Dfa => self.forward_dfa_matches(text),
            Engine::Compiled(regex) => regex.is_match(text),
        }
    }

    /// Whether the forward DFA finds a match in `text`.
    fn forward_dfa_matches(&self, text: &str) -> bool {
        let input = Input::new(text).earliest(true);
        let found = self.forward_dfa().try_search_fwd(&input);
        found
            .expect("a built-in DFA has no quit bytes and is searched unanchored")
            .is_some()
    }

    /// The byte ranges of the successive non-overlapping matches in `text`.
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Range<usize>> + 't {
        let (dfa, compiled) = match self.engine(text) {
            // The reverse DFA, which finds where matches start, is read only for a text
            // that has a match.
            Engine::Dfa => (
                self.forward_dfa_matches(text)
                    .then(|| self.dfa().find_iter(text)),
                None,
            ),
            Engine::Compiled(regex) => (None, Some(regex.find_iter(text))),
        };
        let dfa = dfa.into_iter().flatten().map(|m| m.range());
        dfa.chain(compiled.into_iter().flatten().map(|m| m.range()))
    }

    /// The spans of the first match in `text` and of its groups. For a built-in pattern
    /// searched in a short text, the DFAs find the match and a Pike VM (compiled only as
    /// far as it needs, and without Unicode when the match is ASCII) finds its groups.
    pub fn captures(&self, text: &str) -> Option<Groups> {
        let groups = |captures: Captures<'_>| {
            Groups(captures.iter().map(|m| m.map(|m| m.range())).collect())
        };
        let Engine::Dfa = self.engine(text) else {
            return self.regex().captures(text).map(groups);
        };
        let found = self.dfa().find(text)?.range();
        let ascii = text[found.clone()]
            .is_ascii()
            .then(|| self.ascii_capturer())
            .flatten();
        let vm = ascii.unwrap_or_else(|| self.capturer());
        // The groups of the match the DFAs found: the same match, searched from its start
        // to its end, with the text around it in view for `\b` and `$`.
        let input = Input::new(text).range(found).anchored(Anchored::Yes);
        let mut captures = vm.create_captures();
        vm.captures(&mut vm.create_cache(), input, &mut captures);
        let groups = (0..captures.group_len()).map(|i| captures.get_group(i));
        captures
            .is_match()
            .then(|| Groups(groups.map(|g| g.map(|span| span.range())).collect()))
    }

    /// The compiled pattern, compiled now if it is not yet.
    fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            Regex::new(&self.source).expect("a built-in pack's patterns compile (tested)")
        })
    }

    fn capturer(&self) -> &PikeVM {
        self.capturer.get_or_init(|| {
            PikeVM::new(&self.source).expect("a built-in pack's patterns compile (tested)")
        })
    }

    /// Without Unicode, `\s`, `\w`, `\d`, case folding and the rest match the same ASCII
    /// characters as with it, and nothing else that can occur in an ASCII text; a pattern
    /// written in ASCII therefore finds the same groups in an ASCII match.
    fn ascii_capturer(&self) -> Option<&PikeVM> {
        let vm = self.ascii_capturer.get_or_init(|| {
            let ascii = syntax::Config::new().unicode(false).utf8(false);
            let build = || PikeVM::builder().syntax(ascii).build(&self.source).ok();
            self.source.is_ascii().then(build).flatten()
        });
        vm.as_ref()
    }

    /// Which engine searches `text`: a built-in pattern's DFAs, until they have searched
    /// their budget, else the compiled pattern.
    fn engine(&self, text: &str) -> Engine<'_> {
        if let Some(regex) = self.compiled.get() {
            return Engine::Compiled(regex);
        }
        if self.prebuilt.is_some() {
            let searched = self.dfa_searched.fetch_add(text.len(), Ordering::Relaxed);
            if searched + text.len() <= DFA_BUDGET {
                return Engine::Dfa;
            }
        }
        Engine::Compiled(self.regex())
    }

    /// The forward DFA build.rs made of this built-in pattern.
    fn forward_dfa(&self) -> &dense::DFA<&'static [u32]> {
        let prebuilt = self.prebuilt.expect("only a built-in pattern has DFAs");
        self.forward
            .get_or_init(|| deserialize(&prebuilt.forward.bytes))
    }

    /// Both DFAs build.rs made of this built-in pattern.
    fn dfa(&self) -> &DfaRegex {
        let prebuilt = self.prebuilt.expect("only a built-in pattern has DFAs");
        self.dfa.get_or_init(|| {
            let reverse = deserialize(&prebuilt.reverse.bytes);
            DfaRegex::builder().build_from_dfas(self.forward_dfa().clone(), reverse)
        })
    }
}

fn deserialize(bytes: &'static [u8]) -> dense::DFA<&'static [u32]> {
    let dfa = dense::DFA::from_bytes(bytes);
    dfa.expect("build.rs serialised this DFA for this target").0
}

/// See [`LazyRegex::is_anchored`]; build.rs asks the same of the built-in patterns.
fn is_anchored(pattern: &str) -> bool {
    syntax::parse(pattern).map_or(true, |hir| hir.properties().look_set().contains_anchor())
}

impl Clone for LazyRegex {
    fn clone(&self) -> Self {
        LazyRegex {
            source: self.source.clone(),
            compiled: self.compiled.clone(),
            prebuilt: self.prebuilt,
            forward: self.forward.clone(),
            dfa: self.dfa.clone(),
            dfa_searched: AtomicUsize::new(self.dfa_searched.load(Ordering::Relaxed)),
            capturer: self.capturer.clone(),
            ascii_capturer: self.ascii_capturer.clone(),
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
    Dfa,
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
        let mut missing = Vec::new();
        for pattern in pack.patterns() {
            let prebuilt = pattern.prebuilt.is_some();
            if prebuilt != (pattern.as_str() != private.as_str()) {
                missing.push(pattern.as_str().to_string());
            }
        }
        assert!(missing.is_empty(), "not prebuilt: {missing:#?}");
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

    /// build.rs tells whether a built-in pattern anchors as a run would.
    #[test]
    fn built_in_patterns_are_anchored_as_their_syntax_says() {
        assert!(PREBUILT.iter().any(|p| p.anchored));
        for prebuilt in PREBUILT {
            assert_eq!(
                prebuilt.anchored,
                is_anchored(prebuilt.pattern),
                "{}",
                prebuilt.pattern
            );
        }
    }

    /// An ASCII match takes its groups from the pattern compiled without Unicode, any other
    /// from the pattern compiled with it; both give the groups the compiled pattern gives.
    #[test]
    fn groups_of_an_ascii_match_come_from_the_ascii_pike_vm() {
        let cadence = PREBUILT
            .iter()
            .find(|p| p.pattern.contains("quarterly") && p.pattern.contains(r"\("))
            .expect("the next-review cadence pattern is prebuilt");
        let text = "2026-03-01 (quarterly review)";
        let lazy = LazyRegex::deferred(cadence.pattern.to_string());
        let groups = lazy.captures(text).expect("a match");
        assert_eq!(groups.get(1), Some(12..21));
        assert!(lazy.ascii_capturer.get().is_some_and(Option::is_some));
        assert!(lazy.capturer.get().is_none());

        let text = "2026-03-01 (quarterly\u{a0}review)";
        let lazy = LazyRegex::deferred(cadence.pattern.to_string());
        assert_eq!(lazy.captures(text).and_then(|g| g.get(1)), Some(12..21));
        assert!(lazy.ascii_capturer.get().is_none());
        assert!(lazy.capturer.get().is_some());
    }

    /// The DFAs and Pike VMs find the groups the compiled patterns find, in every line of
    /// the fixtures, seeds and real policies.
    #[test]
    fn groups_are_those_of_the_compiled_patterns_in_real_lines() {
        let documents = crate::test_texts::documents();
        for lazy in prebuilt() {
            for (_, text) in &documents {
                for line in text.lines() {
                    let expected = lazy
                        .regex()
                        .captures(line)
                        .map(|c| Groups(c.iter().map(|m| m.map(|m| m.range())).collect()));
                    lazy.dfa_searched.store(0, Ordering::Relaxed);
                    assert_eq!(
                        lazy.captures(line),
                        expected,
                        "{} in {line:?}",
                        lazy.as_str()
                    );
                }
            }
        }
    }

    /// What a pattern's DFAs and the compiled pattern find, as byte ranges.
    fn both(lazy: &LazyRegex, text: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
        let dfa = lazy.dfa();
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
