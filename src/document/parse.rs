//! The single pass over pulldown-cmark events that builds a [`Document`].

use std::ops::Range;
use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::field::{contacts_in_line, fields_in_line};
use super::section::{HeadingKind, Section, normalize_title};
use super::table::{self, Alignment, Table};
use super::{Comment, Document};
use crate::io::source::{SourceFile, Span};

pub fn parse(source: &SourceFile) -> Document<'_> {
    let bom = source.bom_len();
    let front_matter = front_matter(source.body()).map(|len| Span::new(bom, bom + len));
    let start = front_matter.map_or(bom, |fm| fm.end);
    let markdown = &source.text[start..];

    let mut builder = Builder::new(source, start);
    parse_in_chunks(markdown, CHUNK_BYTES, &mut ShiftedBy(start, &mut builder));
    builder.finish(front_matter)
}

/// How much of a large document pulldown-cmark parses at a time (see [`parse_in_chunks`]).
const CHUNK_BYTES: usize = 512 * 1024;

/// What takes the events of a parse, and can take back those since a mark.
trait EventSink<'m> {
    type Mark: Copy;
    fn event(&mut self, event: Event<'m>, range: Range<usize>);
    fn mark(&self) -> Self::Mark;
    fn rollback(&mut self, mark: Self::Mark);
}

/// Hands every pulldown-cmark event of `markdown` to `sink`, in order, with its range.
///
/// pulldown-cmark's first pass builds the tree of everything it is given, several times the
/// text's size; a large document is therefore parsed in chunks of about `chunk_bytes`,
/// so that only one chunk's tree is alive at a time. A chunk ends just before an ATX heading
/// at the start of a line that follows an empty line: there every block has closed (a
/// paragraph, list, quote or table ends at the empty line), unless a fenced code block or an
/// HTML block of the kinds that run to an end marker (`<!--`, `<pre>`, `<script>` …) is
/// still open. Such a block reaches the end of its chunk, which is checked: the chunk's
/// events are then taken back and it is parsed again, twice as long (to the next boundary),
/// so that an open block of any length, over any number of boundaries, costs parses of about
/// twice its length in all. Link reference definitions are document-wide, so a document that
/// may hold one (any `]:`) is parsed whole. The events are those of a parse of the whole text
/// (tests compare them on every fixture and corpus document, cut at every boundary, and on
/// random documents).
fn parse_in_chunks<'m, S: EventSink<'m>>(markdown: &'m str, chunk_bytes: usize, sink: &mut S) {
    let whole = markdown.len() <= chunk_bytes || markdown.contains("]:");
    let mut start = 0;
    while start < markdown.len() {
        let mut end = if whole {
            markdown.len()
        } else {
            chunk_boundary(markdown, start + chunk_bytes)
        };
        let mark = sink.mark();
        while !parse_chunk(markdown, start..end, sink) && end < markdown.len() {
            sink.rollback(mark);
            end = chunk_boundary(markdown, end + (end - start));
        }
        start = end;
    }
}

/// Parses `markdown[chunk]` on its own into `sink`; false when a fenced code block or an HTML
/// block runs to the chunk's end, that is, when the chunk may have cut it.
fn parse_chunk<'m, S: EventSink<'m>>(markdown: &'m str, chunk: Range<usize>, sink: &mut S) -> bool {
    let (offset, text) = (chunk.start, &markdown[chunk]);
    let mut closed = true;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        if range.end == text.len()
            && matches!(event, Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock))
        {
            closed = false;
        }
        sink.event(event, range.start + offset..range.end + offset);
    }
    closed
}

/// The deepest level a bold pseudo-heading takes: below every real heading.
const BOLD_LEVEL_MAX: u8 = 7;

/// Gives each bold pseudo-heading the level one below the real heading it stands under (1
/// under none), so that the real subheadings after it (`**Reporting**`, then `### Private
/// channel`) are part of its section. One pass, in document order.
fn bold_levels(sections: &mut [Section]) {
    let mut under = 0;
    for section in sections {
        if section.kind == HeadingKind::Bold {
            section.level = (under + 1).min(BOLD_LEVEL_MAX);
        } else {
            under = section.level;
        }
    }
}

/// The builder, given ranges into text that starts `.0` bytes into the file.
struct ShiftedBy<'b, 's>(usize, &'b mut Builder<'s>);

impl<'m> EventSink<'m> for ShiftedBy<'_, '_> {
    type Mark = BuilderMark;

    fn event(&mut self, event: Event<'m>, range: Range<usize>) {
        self.1.event(event, Span::from(range).shift(self.0));
    }

    fn mark(&self) -> BuilderMark {
        let b = &self.1;
        BuilderMark([
            b.sections.len(),
            b.tables.len(),
            b.comments.len(),
            b.code.len(),
            b.opaque.len(),
            b.container_depth,
        ])
    }

    fn rollback(&mut self, BuilderMark(lengths): BuilderMark) {
        let b = &mut self.1;
        let [sections, tables, comments, code, opaque, depth] = lengths;
        b.sections.truncate(sections);
        b.tables.truncate(tables);
        b.comments.truncate(comments);
        b.code.truncate(code);
        b.opaque.truncate(opaque);
        b.container_depth = depth;
        b.heading = None;
    }
}

/// The lengths of what a [`Builder`] has collected, and its container depth.
#[derive(Clone, Copy)]
struct BuilderMark([usize; 6]);

/// The first chunk boundary at or after byte `from` (the end of the text when there is none):
/// the start of a line that opens an ATX heading (`#` to `######`, then a space, a tab or the
/// line's end) and follows an empty line.
fn chunk_boundary(markdown: &str, from: usize) -> usize {
    let bytes = markdown.as_bytes();
    let mut at = from;
    while at < bytes.len() {
        // The next "\n\n" or "\n\r\n" (an empty line) at or after `at`.
        let Some(newline) = bytes[at..].iter().position(|&b| b == b'\n') else {
            break;
        };
        let line = at + newline + 1;
        let after_empty = match bytes.get(line..) {
            Some([b'\n', ..]) => Some(line + 1),
            Some([b'\r', b'\n', ..]) => Some(line + 2),
            _ => None,
        };
        at = line;
        let Some(next) = after_empty else {
            continue;
        };
        // `line` follows a newline, so the empty line found there is a whole line.
        let hashes = bytes[next..].iter().take_while(|&&b| b == b'#').count();
        if (1..=6).contains(&hashes)
            && matches!(
                bytes.get(next + hashes),
                None | Some(b' ' | b'\t' | b'\n' | b'\r')
            )
        {
            return next;
        }
    }
    bytes.len()
}

/// The length of YAML front matter at the very start of `body`: a `---` line, then lines up to
/// a closing `---` or `...` line.
fn front_matter(body: &str) -> Option<usize> {
    let first_end = body.find('\n')?;
    if body[..first_end].trim_end() != "---" {
        return None;
    }
    let mut offset = first_end + 1;
    for line in body[offset..].split_inclusive('\n') {
        offset += line.len();
        if matches!(line.trim_end(), "---" | "...") {
            return Some(offset);
        }
    }
    None
}

/// A heading being collected between its start and end events.
struct OpenHeading {
    level: u8,
    span: Span,
    title: String,
    title_span: Option<Span>,
}

struct Builder<'s> {
    source: &'s SourceFile,
    start: usize,
    sections: Vec<Section>,
    tables: Vec<Table<'s>>,
    comments: Vec<Comment>,
    code: Vec<Span>,
    /// Code blocks, HTML blocks: lines touching these are not text lines.
    opaque: Vec<Span>,
    heading: Option<OpenHeading>,
    /// Depth of list items and block quotes around the current event.
    container_depth: usize,
}

/// The longest bold line taken as a pseudo-heading, in characters.
const BOLD_HEADING_MAX_CHARS: usize = 80;

/// The title of a line that is only bold text — `**Title**`, `__Title__`, with a colon inside
/// or after the emphasis and an optional trailing backslash (a hard break) — without its colon.
fn bold_title(line: &str) -> Option<Range<usize>> {
    let body = line
        .strip_prefix("**")
        .or_else(|| line.strip_prefix("__"))?;
    let run = body.find(['*', '_']).unwrap_or(body.len());
    let rest = &body[run..];
    let rest = rest
        .strip_prefix("**")
        .or_else(|| rest.strip_prefix("__"))?;
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix('\\').unwrap_or(rest);
    if run == 0 || !rest.trim_start_matches([' ', '\t']).is_empty() {
        return None;
    }
    let title = &body[..run];
    let end = if title.len() > 1 && title.ends_with(':') {
        run - 1
    } else {
        run
    };
    Some(2..2 + end)
}

/// HTML comments in `text`: each one's whole span and the span of what is inside it.
fn comments(text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = text[at..].find("<!--") {
        let inner = at + open + 4;
        let Some(close) = text[inner..].find("-->") else {
            break;
        };
        let end = inner + close + 3;
        found.push((at + open..end, inner..inner + close));
        at = end;
    }
    found
}

impl<'s> Builder<'s> {
    fn new(source: &'s SourceFile, start: usize) -> Self {
        Self {
            source,
            start,
            sections: Vec::new(),
            tables: Vec::new(),
            comments: Vec::new(),
            code: Vec::new(),
            opaque: Vec::new(),
            heading: None,
            container_depth: 0,
        }
    }

    fn event(&mut self, event: Event<'_>, span: Span) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some(OpenHeading {
                    level: heading_level(level),
                    span,
                    title: String::new(),
                    title_span: None,
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(open) = self.heading.take() {
                    self.push_heading(open);
                }
            }
            Event::Text(text) => self.heading_text(&text, span),
            Event::Code(text) => {
                self.code.push(span);
                self.heading_text(&text, span);
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.code.push(span);
                self.opaque.push(span);
            }
            Event::Start(Tag::HtmlBlock) => {
                self.opaque.push(span);
                self.collect_comments(span);
            }
            Event::InlineHtml(_) => self.collect_comments(span),
            Event::Start(Tag::Item | Tag::BlockQuote(_)) => self.container_depth += 1,
            Event::End(TagEnd::Item | TagEnd::BlockQuote(_)) => {
                self.container_depth = self.container_depth.saturating_sub(1);
            }
            Event::Start(Tag::Paragraph) if self.container_depth == 0 => {
                self.bold_heading(span);
            }
            Event::Start(Tag::Table(alignments)) => self.start_table(span, &alignments),
            Event::Start(Tag::TableHead) => {
                if let Some(table) = self.tables.last_mut() {
                    table.header = table_row(self.source, span);
                    // The delimiter row has no event: it is the next line, after the same
                    // container prefix (`> `, list indentation) as the header.
                    let header_line = self.source.line_index(span.start);
                    if header_line + 1 < self.source.line_count() {
                        let prefix = span.start - self.source.line_span(header_line).start;
                        let line = self.source.line_span(header_line + 1);
                        let start = (line.start + prefix).min(line.end);
                        table.delimiter = Span::new(start, line.end);
                    }
                }
            }
            Event::Start(Tag::TableRow) => {
                if let Some(table) = self.tables.last_mut() {
                    table.rows.push(table_row(self.source, span));
                }
            }
            _ => {}
        }
    }

    /// Inline text inside an open heading becomes part of its title.
    fn heading_text(&mut self, text: &str, span: Span) {
        if let Some(open) = self.heading.as_mut() {
            open.title.push_str(text);
            open.title_span = Some(match open.title_span {
                Some(s) => Span::new(s.start, span.end),
                None => span,
            });
        }
    }

    fn push_heading(&mut self, open: OpenHeading) {
        let text = self.source.slice(open.span);
        let kind = if text.trim_start().starts_with('#') {
            HeadingKind::Atx
        } else {
            HeadingKind::Setext
        };
        let title = open.title.trim().to_string();
        self.sections.push(Section {
            kind,
            level: open.level,
            key: normalize_title(&title),
            title,
            heading: trim_line_end(self.source, open.span),
            title_span: open.title_span.unwrap_or(Span::empty(open.span.end)),
            body: Span::empty(open.span.end),
            parent: None,
        });
    }

    /// A top-level paragraph whose first line is only bold text is a pseudo-heading.
    /// Its level is one below the real heading above it (at most [`BOLD_LEVEL_MAX`]).
    fn bold_heading(&mut self, span: Span) {
        let line = self.source.line_span(self.source.line_index(span.start));
        let line = Span::new(span.start.max(line.start), line.end);
        let text = self.source.slice(line);
        let Some(title) =
            bold_title(text).filter(|t| text[t.clone()].chars().count() <= BOLD_HEADING_MAX_CHARS)
        else {
            return;
        };
        let title_span = Span::new(line.start + title.start, line.start + title.end);
        let title = text[title].trim().to_string();
        self.sections.push(Section {
            kind: HeadingKind::Bold,
            // Set when the document is finished: see `bold_levels`.
            level: BOLD_LEVEL_MAX,
            key: normalize_title(&title),
            title,
            heading: line,
            title_span,
            body: Span::empty(line.end),
            parent: None,
        });
    }

    fn start_table(&mut self, span: Span, alignments: &[pulldown_cmark::Alignment]) {
        let alignments = alignments
            .iter()
            .map(|a| match a {
                pulldown_cmark::Alignment::None => Alignment::None,
                pulldown_cmark::Alignment::Left => Alignment::Left,
                pulldown_cmark::Alignment::Center => Alignment::Center,
                pulldown_cmark::Alignment::Right => Alignment::Right,
            })
            .collect();
        self.tables.push(Table {
            span: trim_line_end(self.source, span),
            header: table::split_row("", span.start),
            delimiter: Span::empty(span.start),
            alignments,
            rows: Vec::new(),
            section: None,
        });
    }

    fn collect_comments(&mut self, span: Span) {
        let text = self.source.slice(span);
        for (whole, inner) in comments(text) {
            self.comments.push(Comment {
                span: Span::new(span.start + whole.start, span.start + whole.end),
                text: text[inner].trim().to_string(),
            });
        }
    }

    fn finish(mut self, front_matter: Option<Span>) -> Document<'s> {
        bold_levels(&mut self.sections);
        let end = self.source.text.len();
        // A heading's body runs to the next heading of the same or a higher level; its parent
        // is the nearest earlier heading of a higher level. Two stack passes keep this linear.
        let mut later: Vec<usize> = Vec::new();
        for i in (0..self.sections.len()).rev() {
            let level = self.sections[i].level;
            while later
                .last()
                .is_some_and(|&j| self.sections[j].level > level)
            {
                later.pop();
            }
            let body_end = later
                .last()
                .map_or(end, |&j| self.sections[j].heading.start);
            let section = &mut self.sections[i];
            section.body = Span::new(section.heading.end.min(body_end), body_end);
            later.push(i);
        }
        let mut earlier: Vec<usize> = Vec::new();
        for i in 0..self.sections.len() {
            let level = self.sections[i].level;
            while earlier
                .last()
                .is_some_and(|&j| self.sections[j].level >= level)
            {
                earlier.pop();
            }
            self.sections[i].parent = earlier.last().copied();
            earlier.push(i);
        }
        self.code.sort();
        self.code.dedup();

        let mut document = Document {
            source: self.source,
            sections: self.sections,
            tables: self.tables,
            fields: Vec::new(),
            contacts: Vec::new(),
            comments: self.comments,
            code: self.code,
            front_matter,
            text_runs: text_runs(self.source, self.start, &self.opaque),
            text_start: self.start,
        };
        // Rows are split into cells only now that the parser's tree is gone: for a table of
        // 100,000 rows, the two together would be the largest memory of the run.
        for table in &mut document.tables {
            table.rows.shrink_to_fit();
            for row in std::iter::once(&mut table.header).chain(&mut table.rows) {
                *row = table::split_row(self.source.slice(row.span), row.span.start);
            }
            table.section = document
                .sections
                .partition_point(|s| s.heading.start <= table.span.start)
                .checked_sub(1);
        }
        // Lines, tables and headings all come in document order: two cursors follow the
        // lines. Tables do not nest, so the one starting last at or before a line is the only
        // one that can hold it.
        let (mut tables_before, mut sections_before) = (0, 0);
        let (mut contacts, mut fields) = (Vec::new(), Vec::new());
        for line in document.text_lines() {
            let text = self.source.slice(line);
            contacts_in_line(text, line.start, &mut contacts);
            while document
                .tables
                .get(tables_before)
                .is_some_and(|t| t.span.start <= line.start)
            {
                tables_before += 1;
            }
            while document
                .sections
                .get(sections_before)
                .is_some_and(|s| s.heading.start <= line.start)
            {
                sections_before += 1;
            }
            let in_table =
                tables_before > 0 && line.within(document.tables[tables_before - 1].span);
            if !in_table {
                let section = sections_before.checked_sub(1);
                fields_in_line(text, line.start, section, &mut fields);
            }
        }
        (document.contacts, document.fields) = (contacts, fields);
        let comment_spans: Vec<Span> = document.comments.iter().map(|c| c.span).collect();
        document
            .contacts
            .retain(|c| !super::overlaps_any(&comment_spans, c.span));
        document
            .fields
            .retain(|f| !super::overlaps_any(&document.code, f.label_span));
        if let Some(fm) = front_matter {
            front_matter_fields(self.source, fm, &mut document.fields);
            document.fields.sort_by_key(|f| f.label_span);
        }
        document
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A span without its trailing line ending.
fn trim_line_end(source: &SourceFile, span: Span) -> Span {
    let text = source.slice(span);
    let trimmed = text.trim_end_matches(['\n', '\r']);
    Span::new(span.start, span.start + trimmed.len())
}

/// A table row: the first line of `span`, its cells still to split (see [`Builder::finish`]).
fn table_row(source: &SourceFile, span: Span) -> table::Row<'_> {
    let line = source.line_span(source.line_index(span.start));
    table::Row {
        span: Span::new(span.start.max(line.start), line.end),
        cells: Vec::new(),
    }
}

/// The lines from `start` on that touch no opaque block, as runs of line indices.
fn text_runs(source: &SourceFile, start: usize, opaque: &[Span]) -> Vec<Range<usize>> {
    // The blocks sorted and merged, walked alongside the lines: linear in lines + blocks.
    let mut blocks: Vec<Span> = opaque.to_vec();
    blocks.sort();
    let mut merged: Vec<Span> = Vec::with_capacity(blocks.len());
    for block in blocks {
        match merged.last_mut() {
            Some(last) if block.start <= last.end => last.end = last.end.max(block.end),
            _ => merged.push(block),
        }
    }
    let mut next = 0;
    let mut runs: Vec<Range<usize>> = Vec::new();
    for index in source.line_index(start)..source.line_count() {
        let line = source.line_span(index);
        let line = Span::new(line.start.max(start), line.end.max(start));
        while merged
            .get(next)
            .is_some_and(|block| block.end <= line.start)
        {
            next += 1;
        }
        if merged.get(next).is_none_or(|block| block.start > line.end) {
            match runs.last_mut() {
                Some(run) if run.end == index => run.end += 1,
                _ => runs.push(index..index + 1),
            }
        }
    }
    runs
}

static FRONT_MATTER_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<label>[A-Za-z][\w -]*?):[ \t]+(?P<value>\S.*?)[ \t]*$").expect("static regex")
});

/// Top-level `key: value` lines of front matter are fields too (`date: 2026-07-30`).
fn front_matter_fields(source: &SourceFile, fm: Span, out: &mut Vec<crate::document::Field>) {
    let first = source.line_index(fm.start);
    let last = source.line_index(fm.end.saturating_sub(1));
    for index in first..=last {
        let line = source.line_span(index);
        let Some(caps) = FRONT_MATTER_FIELD.captures(source.slice(line)) else {
            continue;
        };
        let (Some(label), Some(value)) = (caps.name("label"), caps.name("value")) else {
            continue;
        };
        out.push(crate::document::Field {
            label: label.as_str().to_string(),
            label_span: Span::new(line.start + label.start(), line.start + label.end()),
            value: value.as_str().to_string(),
            value_span: Span::new(line.start + value.start(), line.start + value.end()),
            section: None,
            front_matter: true,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The bold pseudo-heading as a regular expression: the specification of `bold_title`.
    static BOLD_LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:\*\*|__)([^*_]+?):?(?:\*\*|__):?[ \t]*\\?[ \t]*$").unwrap()
    });

    const PIECES: &[&str] = &[
        "**", "__", "*", "_", ":", " ", "\t", "\\", "Contact", "é", "日", "x",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn bold_titles_follow_the_pattern(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..9)
        ) {
            let line = pieces.concat();
            let expected = BOLD_LINE.captures(&line).map(|c| c.get(1).unwrap().range());
            prop_assert_eq!(bold_title(&line), expected, "{:?}", line);
        }
    }

    #[test]
    fn bold_titles() {
        fn title(line: &str) -> Option<&str> {
            bold_title(line).map(|r| &line[r])
        }
        assert_eq!(title("**Contact**"), Some("Contact"));
        assert_eq!(title("**Contact:**"), Some("Contact"));
        assert_eq!(title("__Contact__: \\"), Some("Contact"));
        assert_eq!(title("**:**"), Some(":"));
        assert_eq!(title("**Contact** us"), None);
        assert_eq!(title("**a** and **b**"), None);
    }

    impl<'m> EventSink<'m> for Vec<(Event<'m>, Range<usize>)> {
        type Mark = usize;
        fn event(&mut self, event: Event<'m>, range: Range<usize>) {
            self.push((event, range));
        }
        fn mark(&self) -> usize {
            self.len()
        }
        fn rollback(&mut self, mark: usize) {
            self.truncate(mark);
        }
    }

    fn events(markdown: &str, chunk_bytes: usize) -> Vec<(Event<'_>, Range<usize>)> {
        let mut out = Vec::new();
        parse_in_chunks(markdown, chunk_bytes, &mut out);
        out
    }

    #[test]
    fn chunked_events_are_the_whole_parse_on_every_fixture_and_corpus_document() {
        let mut chunked = 0;
        for (path, text) in crate::test_texts::documents() {
            // Link reference definitions keep a document whole; without them, the same
            // document is cut at every boundary.
            let text = text.replace("]:", "] :");
            let whole = events(&text, usize::MAX);
            assert_eq!(events(&text, 0), whole, "{}", path.display());
            chunked += usize::from(chunk_boundary(&text, 1) < text.len());
        }
        assert!(chunked >= 40, "only {chunked} documents had a boundary");
    }

    #[test]
    fn a_block_open_at_a_boundary_extends_the_chunk() {
        for open in [
            "```",
            "~~~~",
            "<!--",
            "<pre>",
            "<script>",
            "<?php",
            "<![CDATA[",
            "- a\n  ```",
        ] {
            let text = format!("# A\n\n{open}\n\n# B\n\nx\n\n# C\n");
            assert!(chunk_boundary(&text, 1) < text.len());
            assert_eq!(events(&text, 0), events(&text, usize::MAX), "{open}");
        }
    }

    /// Events, and how many times a chunk was taken back to be parsed again.
    #[derive(Default)]
    struct Counting<'m> {
        events: Vec<(Event<'m>, Range<usize>)>,
        rollbacks: u32,
    }

    impl<'m> EventSink<'m> for Counting<'m> {
        type Mark = usize;
        fn event(&mut self, event: Event<'m>, range: Range<usize>) {
            self.events.push((event, range));
        }
        fn mark(&self) -> usize {
            self.events.len()
        }
        fn rollback(&mut self, mark: usize) {
            self.rollbacks += 1;
            self.events.truncate(mark);
        }
    }

    /// A code block left open over thousands of boundaries (headings inside it) is parsed a
    /// few times over, not once for each boundary: that took minutes for a 10 MB file.
    #[test]
    fn an_open_block_over_many_boundaries_is_parsed_a_few_times_over() {
        let text = format!(
            "# Policy\n\n```\n{}",
            "x\n\n# not a heading\n".repeat(20_000)
        );
        let mut sink = Counting::default();
        parse_in_chunks(&text, 4096, &mut sink);
        assert_eq!(sink.events, events(&text, usize::MAX));
        // 400 KB in chunks of 4 KiB, each twice the last: 7 parses.
        assert!(sink.rollbacks <= 8, "parsed again {} times", sink.rollbacks);
    }

    #[test]
    fn chunk_boundaries_are_atx_headings_after_an_empty_line() {
        let text = "# A\nx\n# B\n\n#C\n\n####### D\n\r\n## E\n\n#\n";
        let after = |from| &text[chunk_boundary(text, from)..];
        assert_eq!(after(1), "## E\n\n#\n");
        assert_eq!(after(text.find("## E").unwrap() + 1), "#\n");
        assert_eq!(after(text.len() - 1), "");
    }

    /// Lines that open and close every kind of block, for documents made at random.
    const LINES: &[&str] = &[
        "",
        "",
        "# H",
        "## H",
        "#",
        "text",
        "- item",
        "  - nested",
        "1. one",
        "> quote",
        "    indented",
        "```",
        "~~~",
        "```rust",
        "  ```",
        "<!--",
        "-->",
        "<!-- c -->",
        "<pre>",
        "</pre>",
        "<div>",
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
        "---",
        "===",
        "**Bold**",
        "[x]: https://example.com",
        "\r",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn chunked_events_are_the_whole_parse(
            lines in proptest::collection::vec(proptest::sample::select(LINES), 0..60)
        ) {
            let text = lines.join("\n");
            let whole = events(&text, usize::MAX);
            prop_assert_eq!(events(&text, 0), whole.clone(), "{:?}", text);
            prop_assert_eq!(events(&text, 7), whole, "{:?}", text);
        }
    }

    #[test]
    fn comments_shortest_first_and_unclosed_ignored() {
        let text = "a <!-- one --> b <!--two--><!-- three";
        let found: Vec<&str> = comments(text).into_iter().map(|(_, i)| &text[i]).collect();
        assert_eq!(found, [" one ", "two"]);
        assert!(comments("<!-->").is_empty());
        assert_eq!(comments("<!---->")[0].1, 4..4);
    }
}
