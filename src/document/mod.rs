//! The parse-once model of a policy document. [`Document::parse`] is the only code that
//! touches the Markdown parser; rules only read the model it builds.

pub(crate) mod contact_patterns;
mod fence;
mod field;
mod parse;
mod section;
mod table;

use crate::lazy_regex::LazyRegex;

use crate::io::source::{SourceFile, Span};

pub use fence::UnclosedFence;
pub use field::{Contact, ContactKind, Field};
pub use section::{
    HeadingKind, Section, is_unspaced_script, normalize_title, title_matches, word_starts,
};
pub use table::{Alignment, Cell, Row, Table, padded_cell, split_row};

/// A policy document: sections, tables, fields and the other landmarks rules look at.
#[derive(Debug)]
pub struct Document<'s> {
    pub source: &'s SourceFile,
    /// Headings (ATX, setext and bold pseudo-headings) in document order.
    pub sections: Vec<Section>,
    pub tables: Vec<Table<'s>>,
    /// `Label: value` pairs in prose (and `key: value` lines of front matter).
    pub fields: Vec<Field>,
    /// E-mail addresses and URLs in prose and tables (not in code blocks or comments).
    pub contacts: Vec<Contact>,
    /// HTML comments, for markers and suppressions.
    pub comments: Vec<Comment>,
    /// Code spans and code blocks, sorted by start.
    pub code: Vec<Span>,
    /// YAML front matter, only when the document starts with it.
    pub front_matter: Option<Span>,
    /// The lines of rendered text (see [`Document::text_lines`]), as runs of line indices: a
    /// 20 MB policy has 300,000 lines, and a few thousand runs of them.
    text_runs: Vec<std::ops::Range<usize>>,
    /// Where the Markdown starts (after a BOM and front matter).
    text_start: usize,
}

/// An HTML comment `<!-- text -->`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    /// The comment's content, trimmed.
    pub text: String,
}

impl<'s> Document<'s> {
    pub fn parse(source: &'s SourceFile) -> Self {
        parse::parse(source)
    }

    /// The text of a span of this document.
    pub fn text(&self, span: Span) -> &'s str {
        self.source.slice(span)
    }

    /// Whether `span` overlaps a code span or code block.
    pub fn in_code(&self, span: Span) -> bool {
        overlaps_any(&self.code, span)
    }

    /// Whether `span` overlaps an HTML comment.
    pub fn in_comment(&self, span: Span) -> bool {
        // Comments come in document order and never overlap.
        let after = self
            .comments
            .partition_point(|c| c.span.start < span.end.max(span.start + 1));
        self.comments[..after].last().is_some_and(|c| {
            c.span.overlaps(span)
                || (span.is_empty() && c.span.start <= span.start && span.start < c.span.end)
        })
    }

    /// Lines (without line endings) of rendered text: everything outside code blocks,
    /// HTML blocks and front matter.
    pub fn text_lines(&self) -> impl Iterator<Item = Span> + '_ {
        let start = self.text_start;
        self.text_runs.iter().flat_map(move |run| {
            run.clone().map(move |index| {
                let line = self.source.line_span(index);
                Span::new(line.start.max(start), line.end.max(start))
            })
        })
    }

    /// Matches of `pattern` in rendered text: never inside code, comments or front matter.
    pub fn prose_matches<'a>(
        &'a self,
        pattern: &'a LazyRegex,
    ) -> impl Iterator<Item = (Span, &'s str)> + 'a {
        self.text_matches(pattern, false)
    }

    /// Matches of `pattern` in rendered text and inline code (`` `Private vulnerability
    /// reporting` `` names a feature as plainly as prose does): never in code blocks,
    /// comments or front matter.
    pub fn prose_and_inline_code_matches<'a>(
        &'a self,
        pattern: &'a LazyRegex,
    ) -> impl Iterator<Item = (Span, &'s str)> + 'a {
        self.text_matches(pattern, true)
    }

    fn text_matches<'a>(
        &'a self,
        pattern: &'a LazyRegex,
        inline_code: bool,
    ) -> impl Iterator<Item = (Span, &'s str)> + 'a {
        let visible = move |span: Span| {
            let hidden = (!inline_code && self.in_code(span)) || self.in_comment(span);
            (!hidden).then(|| (span, self.text(span)))
        };
        let found: Box<dyn Iterator<Item = Span> + 'a> = if pattern.is_anchored() {
            // What an anchored pattern finds depends on where the text is cut: search line
            // by line.
            Box::new(
                self.text_lines()
                    .flat_map(|line| self.line_matches(pattern, line)),
            )
        } else {
            Box::new(self.whole_text_matches(pattern))
        };
        found.filter_map(visible)
    }

    /// The matches of `pattern` in each text line, found with one search of the whole text:
    /// the same matches as a search of each line, at a fraction of the cost. A match within
    /// one line is one a search of that line finds too (for an unanchored pattern, whose
    /// `\b` sees a line end as the text's end). A match that runs over a line end is one no line
    /// search finds: the lines it covers are searched one by one instead.
    fn whole_text_matches<'a>(&'a self, pattern: &'a LazyRegex) -> impl Iterator<Item = Span> + 'a {
        let source = self.source;
        let mut matches = pattern.find_iter(&source.text);
        // The last line searched on its own: later matches that start in it are its own.
        let mut searched: Option<usize> = None;
        // What the lines searched on their own found, not yet given out.
        let mut pending = std::collections::VecDeque::new();
        std::iter::from_fn(move || {
            loop {
                if let Some(span) = pending.pop_front() {
                    return Some(span);
                }
                let m = matches.next()?;
                let first = source.line_index(m.start);
                if searched.is_some_and(|line| first <= line) {
                    continue;
                }
                let line = self.text_line(first);
                if line.is_some_and(|line| line.start <= m.start && m.end <= line.end) {
                    return Some(Span::new(m.start, m.end));
                }
                let last = source.line_index(m.end.saturating_sub(1).max(m.start));
                for index in first..=last {
                    let Some(line) = self.text_line(index) else {
                        continue;
                    };
                    // Matches of the first line before this one were given out already.
                    let found = self.line_matches(pattern, line);
                    pending.extend(found.filter(|span| index != first || span.start >= m.start));
                }
                searched = Some(last);
            }
        })
    }

    /// The matches of `pattern` in one text line.
    fn line_matches<'a>(
        &'a self,
        pattern: &'a LazyRegex,
        line: Span,
    ) -> impl Iterator<Item = Span> + 'a {
        let text = self.text(line);
        pattern
            .find_iter(text)
            .map(move |found| Span::new(line.start + found.start, line.start + found.end))
    }

    /// Line `index` as [`Document::text_lines`] gives it, when it is a text line.
    fn text_line(&self, index: usize) -> Option<Span> {
        let run = self.text_runs.partition_point(|run| run.end <= index);
        let is_text = self
            .text_runs
            .get(run)
            .is_some_and(|run| run.contains(&index));
        is_text.then(|| {
            let line = self.source.line_span(index);
            Span::new(
                line.start.max(self.text_start),
                line.end.max(self.text_start),
            )
        })
    }
}

/// Whether `span` overlaps one of `sorted` (sorted by start, non-nested).
pub(super) fn overlaps_any(sorted: &[Span], span: Span) -> bool {
    let after = sorted.partition_point(|s| s.start < span.end.max(span.start + 1));
    sorted[..after].iter().rev().take(2).any(|s| {
        s.overlaps(span) || (span.is_empty() && s.start <= span.start && span.start < s.end)
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::io::source::SourceFile;

    /// What a search of each text line finds: what `prose_matches` must find, in one search.
    fn line_by_line(doc: &Document<'_>, pattern: &LazyRegex) -> Vec<Span> {
        doc.text_lines()
            .flat_map(|line| doc.line_matches(pattern, line).collect::<Vec<_>>())
            .filter(|&span| !doc.in_code(span) && !doc.in_comment(span))
            .collect()
    }

    const PATTERNS: &[&str] = &[
        r"a\s+b",
        r"(?i)todo[^.\n]*",
        r"\bab\b",
        r"b\s*\n?\s*a",
        r"a[^x]{0,6}b",
        r"`a",
    ];

    #[test]
    fn a_match_over_a_line_end_is_searched_again_in_its_lines() {
        let source = SourceFile::new("t.md", "x a\nb a b\n\n```\na b\n```\na  b a\n".to_string());
        let doc = Document::parse(&source);
        let pattern = LazyRegex::deferred(r"a\s+b".to_string());
        let found: Vec<&str> = doc.prose_matches(&pattern).map(|(_, text)| text).collect();
        assert_eq!(found, ["a b", "a  b"]);
    }

    proptest! {
        #[test]
        fn one_search_finds_what_a_search_of_each_line_finds(
            lines in prop::collection::vec("[ab x.`<!-]{0,8}|```|    a b|todo x", 0..12),
            newline in prop::sample::select(vec!["\n", "\r\n"]),
        ) {
            let text = lines.join(newline);
            let source = SourceFile::new("t.md", text.clone());
            let doc = Document::parse(&source);
            for pattern in PATTERNS {
                let pattern = LazyRegex::deferred(pattern.to_string());
                let found: Vec<Span> = doc.prose_matches(&pattern).map(|(span, _)| span).collect();
                prop_assert_eq!(found, line_by_line(&doc, &pattern), "{:?} in {:?}", pattern, text);
            }
        }
    }
}
