//! A section's heading aliases and concepts, indexed once when the pack loads, so that
//! matching a heading or a line costs a few hash look-ups per word rather than a scan of every
//! alias and term: it runs for every heading of every document.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxBuildHasher;

use crate::document::{is_unspaced_script, word_starts};

/// The aliases and concepts of one section, normalised like titles.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    /// Aliases written with spaces: they match whole words of a heading.
    phrases: HashSet<String, FxBuildHasher>,
    /// The first bytes of `phrases`: a word starting with another byte starts none.
    phrase_starts: ByteSet,
    /// The most words a spaced alias has.
    most_words: usize,
    /// Aliases in a script written without spaces: they match anywhere.
    unspaced_aliases: Vec<String>,
    /// Single-word concept terms, which match the start of a word (`report` finds
    /// `reporting`), and the (concept, group) places each one fills.
    word_terms: HashMap<String, Vec<(usize, usize)>, FxBuildHasher>,
    /// The first bytes of the single-word and phrase terms: a word starting with another byte
    /// starts none.
    term_starts: ByteSet,
    /// The longest single-word term, in bytes.
    longest_term: usize,
    /// Phrase terms, which match at a word start, by their first word (which the word there
    /// must be), each with its place.
    phrase_terms: HashMap<String, Vec<PlacedTerm>, FxBuildHasher>,
    /// Terms in a script without spaces, which match anywhere, with their place.
    unspaced_terms: Vec<PlacedTerm>,
    /// Per concept, the bit of each of its groups; a concept without groups never matches.
    complete: Vec<u64>,
}

#[derive(Clone, Debug)]
struct PlacedTerm {
    term: String,
    concept: usize,
    group: usize,
}

/// The most word groups a concept may have.
pub const MAX_GROUPS: usize = 64;

impl Vocabulary {
    /// Indexes normalised `aliases` and `concepts` (each concept: groups of terms, of which a
    /// text must have one term of every group). Concepts with more than [`MAX_GROUPS`] groups
    /// are the caller's to refuse.
    pub fn new(aliases: &[String], concepts: &[Vec<Vec<String>>]) -> Self {
        let mut vocabulary = Vocabulary::default();
        for alias in aliases.iter().filter(|a| !a.is_empty()) {
            if alias.chars().any(is_unspaced_script) {
                vocabulary.unspaced_aliases.push(alias.clone());
            } else {
                let words = alias.split(' ').count();
                vocabulary.most_words = vocabulary.most_words.max(words);
                vocabulary.phrases.insert(alias.clone());
                vocabulary.phrase_starts.insert(alias.as_bytes()[0]);
            }
        }
        for (concept, groups) in concepts.iter().enumerate() {
            let groups = &groups[..groups.len().min(MAX_GROUPS)];
            vocabulary.complete.push(match groups.len() {
                0 => 0,
                MAX_GROUPS => u64::MAX,
                n => (1 << n) - 1,
            });
            for (group, terms) in groups.iter().enumerate() {
                for term in terms.iter().filter(|t| !t.is_empty()) {
                    let placed = PlacedTerm {
                        term: term.clone(),
                        concept,
                        group,
                    };
                    if term.chars().any(is_unspaced_script) {
                        vocabulary.unspaced_terms.push(placed);
                    } else if let Some((first, _)) = term.split_once(' ') {
                        vocabulary.term_starts.insert(term.as_bytes()[0]);
                        let terms = vocabulary.phrase_terms.entry(first.to_string());
                        terms.or_default().push(placed);
                    } else {
                        vocabulary.longest_term = vocabulary.longest_term.max(term.len());
                        vocabulary.term_starts.insert(term.as_bytes()[0]);
                        let places = vocabulary.word_terms.entry(term.clone()).or_default();
                        places.push((concept, group));
                    }
                }
            }
        }
        vocabulary
    }

    /// Whether a normalised `key` contains one of the aliases as whole words (or, for an alias
    /// in a script without spaces, anywhere).
    pub fn has_alias(&self, key: &str) -> bool {
        let spaced = word_starts(key).any(|at| {
            let rest = &key[at..];
            if !self.phrase_starts.contains(rest.as_bytes()[0]) {
                return false;
            }
            let ends = rest
                .match_indices(' ')
                .map(|(end, _)| end)
                .chain([rest.len()]);
            ends.take(self.most_words)
                .any(|end| self.phrases.contains(&rest[..end]))
        });
        spaced
            || (!key.is_ascii()
                && self
                    .unspaced_aliases
                    .iter()
                    .any(|a| key.contains(a.as_str())))
    }

    /// Whether a normalised `key` expresses one of the concepts: it has a term of every group
    /// of it. A single-word term matches a word that starts with it, a phrase term the words
    /// at a word start, a term in a script without spaces anywhere.
    pub fn expresses_concept(&self, key: &str) -> bool {
        if self.complete.is_empty() {
            return false;
        }
        let mut found = vec![0u64; self.complete.len()];
        let mut at = 0;
        for word in key.split(' ') {
            let rest = &key[at..];
            at += word.len() + 1;
            if !word
                .bytes()
                .next()
                .is_some_and(|b| self.term_starts.contains(b))
            {
                continue;
            }
            let longest = word.len().min(self.longest_term);
            let prefixes = (1..=longest).filter(|&end| word.is_char_boundary(end));
            for end in prefixes {
                for &(concept, group) in self.word_terms.get(&word[..end]).into_iter().flatten() {
                    found[concept] |= 1 << group;
                }
            }
            for phrase in self.phrase_terms.get(word).into_iter().flatten() {
                if rest.starts_with(phrase.term.as_str()) {
                    found[phrase.concept] |= 1 << phrase.group;
                }
            }
        }
        // A term in such a script is not ASCII.
        for unspaced in self.unspaced_terms.iter().filter(|_| !key.is_ascii()) {
            if key.contains(unspaced.term.as_str()) {
                found[unspaced.concept] |= 1 << unspaced.group;
            }
        }
        self.complete
            .iter()
            .zip(&found)
            .any(|(&complete, &found)| complete != 0 && found & complete == complete)
    }
}

/// A set of bytes, for the first bytes of the index's words: most words of a heading start
/// none of them, and are passed over without hashing.
#[derive(Clone, Copy, Debug, Default)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn insert(&mut self, byte: u8) {
        self.0[usize::from(byte >> 6)] |= 1 << (byte & 63);
    }

    fn contains(&self, byte: u8) -> bool {
        self.0[usize::from(byte >> 6)] & (1 << (byte & 63)) != 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::*;
    use crate::document::title_matches;
    use crate::pack::Pack;

    /// A concept's meaning, term by term: the specification the index is checked against.
    fn concept_by_scan(key: &str, groups: &[Vec<String>]) -> bool {
        let term_matches = |term: &String| {
            if term.is_empty() {
                false
            } else if term.chars().any(is_unspaced_script) {
                key.contains(term.as_str())
            } else if term.contains(' ') {
                word_starts(key).any(|at| key[at..].starts_with(term.as_str()))
            } else {
                key.split(' ').any(|word| word.starts_with(term.as_str()))
            }
        };
        !groups.is_empty() && groups.iter().all(|group| group.iter().any(term_matches))
    }

    /// Words of headings: the pack's own terms and aliases, cut and extended.
    const WORDS: &[&str] = &[
        "report",
        "reporting",
        "repor",
        "a",
        "vulnerability",
        "vulnerab",
        "security",
        "how",
        "to",
        "how to report",
        "supported",
        "versions",
        "version",
        "disclosure",
        "contact",
        "sicherheitslücke",
        "melden",
        "脆弱性の報告方法",
        "漏洞",
        "报告",
        "báo",
        "cáo",
        "lỗ",
        "hổng",
        "bugs",
        "updates",
        "platforms",
        "취약점",
        "보고",
        "",
    ];

    static PACK: LazyLock<Pack> = LazyLock::new(|| Pack::builtin().unwrap());

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        #[test]
        fn the_index_matches_like_a_scan(
            words in proptest::collection::vec(proptest::sample::select(WORDS), 0..6)
        ) {
            let key = words.iter().filter(|w| !w.is_empty()).copied().collect::<Vec<_>>().join(" ");
            for section in &PACK.sections {
                let by_alias = section.aliases.iter().any(|a| title_matches(&key, a));
                let by_concept = section.concepts.iter().any(|g| concept_by_scan(&key, g));
                prop_assert_eq!(section.expresses_concept(&key), by_concept, "{:?}", key);
                let by_title = section.titles.contains(&key);
                prop_assert_eq!(section.matches(&key), by_alias || by_concept || by_title, "{:?}", key);
            }
        }
    }

    #[test]
    fn a_phrase_term_matches_at_a_word_start() {
        let words = |list: &[&str]| list.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let concept = vec![words(&["how to report", "報告"]), words(&["bugs"])];
        let vocabulary = Vocabulary::new(&[], &[concept]);
        assert!(vocabulary.expresses_concept("bugs how to reporting"));
        assert!(vocabulary.expresses_concept("bugs 如何報告"));
        assert!(!vocabulary.expresses_concept("bugs show to report"));
        assert!(!vocabulary.expresses_concept("bugs how to"));
        assert!(!vocabulary.expresses_concept("how to report"));
    }

    #[test]
    fn groups_beyond_the_limit_are_refused() {
        let groups = vec![vec!["x".to_string()]; MAX_GROUPS + 1];
        let sections = format!(
            "extends: security-md\nsections:\n  - id: s\n    title: S\n    severity: error\n    aliases: []\n    concepts: [{}]\n",
            serde_json::to_string(&groups).unwrap()
        );
        let err = crate::pack::Loader::default()
            .load_text("config.yml", &sections, None)
            .unwrap_err();
        assert!(format!("{err:?}").contains("at most 64"), "{err:?}");
    }
}
