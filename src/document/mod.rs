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
        // A pattern found nowhere in the whole text is found in none of its lines (unless it
        // anchors to line ends, which the whole text has elsewhere): one search a document
        // instead of one a line for the usual pattern that is not there.
        let possible = pattern.is_anchored() || pattern.is_match(&self.source.text);
        let lines = self
            .text_lines()
            .take(if possible { usize::MAX } else { 0 });
        lines.flat_map(move |line| {
            let text = self.text(line);
            pattern.find_iter(text).filter_map(move |found| {
                let span = Span::new(line.start + found.start, line.start + found.end);
                let hidden = (!inline_code && self.in_code(span)) || self.in_comment(span);
                (!hidden).then_some((span, &text[found]))
            })
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
