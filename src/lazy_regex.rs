//! A pack's regular expression, compiled when it is first used.
//!
//! Compiling is most of what a run on one small file costs, and a run reaches only some of
//! the patterns (the private-reporting words only when no address or link is a channel). The
//! built-in packs' patterns are known to compile — a test compiles every one — so they wait
//! until they are needed; a configuration's are compiled as it loads, so that a bad one is
//! reported where it is written.

use std::ops::Deref;
use std::sync::OnceLock;

use regex::Regex;

#[derive(Clone, Debug)]
pub struct LazyRegex {
    source: String,
    compiled: OnceLock<Regex>,
    anchored: OnceLock<bool>,
}

impl LazyRegex {
    /// A pattern known to compile, compiled on first use.
    pub(crate) fn deferred(source: String) -> Self {
        LazyRegex {
            source,
            compiled: OnceLock::new(),
            anchored: OnceLock::new(),
        }
    }

    pub(crate) fn compiled(regex: Regex) -> Self {
        LazyRegex {
            source: regex.as_str().to_string(),
            compiled: OnceLock::from(regex),
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
}

impl Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            Regex::new(&self.source).expect("a built-in pack's patterns compile (tested)")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(regex.compiled.get().is_none());
        assert!(regex.is_match("xaab"));
        assert!(regex.compiled.get().is_some());
    }
}
