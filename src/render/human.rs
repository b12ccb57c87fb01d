//! The default format: a miette graphical report per finding, with the source snippet.

use std::fmt;
use std::io::{self, Write};

use rayon::prelude::*;

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{RenderOptions, Report, summary_line};
use crate::diagnostic::{Diagnostic, Severity};
use crate::io::source::{SourceFile, Span};

/// Lines of context shown above and below a finding.
const CONTEXT_LINES: usize = 1;

/// The graphical handler used for findings and for errors: no terminal hyperlinks, colour
/// only when the caller decided so. Lines wrap at spaces: finding Unicode line-break
/// opportunities in every message was a tenth of the time of a report of many findings.
pub fn graphical_handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(CONTEXT_LINES)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
}

/// The lines around one finding, cut from the file with its line index: miette scans the
/// source it is given from the start, so handing it the whole file would make each finding
/// cost as much as the file, and the report quadratic.
struct Window<'a> {
    name: String,
    text: &'a str,
    /// The 0-based line number of the window's first line in the file.
    first_line: usize,
}

impl SourceCode for Window<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A finding as miette sees it: its span relative to its window.
struct Finding<'a> {
    diagnostic: &'a Diagnostic,
    source: Window<'a>,
    span: Span,
}

impl<'a> Finding<'a> {
    fn new(diagnostic: &'a Diagnostic, file: &'a SourceFile, name: &str) -> Self {
        let span = diagnostic.span;
        let first = file.line_index(span.start).saturating_sub(CONTEXT_LINES);
        let last = (file.line_index(span.end) + CONTEXT_LINES).min(file.line_count() - 1);
        let start = file.line_start(first);
        let end = file.line_start(last + 1);
        Finding {
            diagnostic,
            source: Window {
                name: name.to_string(),
                text: &file.text[start..end],
                first_line: first,
            },
            span: Span::new(span.start - start, span.end - start),
        }
    }
}

impl fmt::Debug for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Finding<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Finding<'_> {}

impl MietteDiagnostic for Finding<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    /// None for a finding about no text at all (`missing-policy`): an empty snippet box
    /// would show nothing.
    fn source_code(&self) -> Option<&dyn SourceCode> {
        (!self.source.text.is_empty()).then_some(&self.source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.text.is_empty() {
            return None;
        }
        let span = self.span;
        let label = LabeledSpan::new_primary_with_span(None, (span.start, span.len()));
        Some(Box::new(std::iter::once(label)))
    }
}

/// Findings rendered at once, in parallel, before they are written in order: enough to keep
/// the cores busy, few enough that their text stays small next to the file's.
const RENDERED_AT_ONCE: usize = 512;

/// A report with fewer findings than this is rendered on this thread: starting the thread
/// pool costs more than rendering them (about 10 us each).
const RENDERED_IN_PARALLEL_FROM: usize = 64;

pub fn render(report: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let handler = graphical_handler(options.color);
    let names: Vec<String> = report
        .files
        .iter()
        .map(|file| file.source.path().display().to_string())
        .collect();
    // Every finding of every file, in order: many files of a few findings each are rendered
    // in parallel as well as one file of many.
    let findings: Vec<(&SourceFile, &str, &Diagnostic)> = report
        .files
        .iter()
        .zip(&names)
        .flat_map(|(file, name)| {
            file.diagnostics
                .iter()
                .map(move |d| (&file.source, name.as_str(), d))
        })
        .collect();
    let render_one = |&(source, name, diagnostic): &(&SourceFile, &str, &Diagnostic)| {
        let mut text = String::new();
        let finding = Finding::new(diagnostic, source, name);
        handler.render_report(&mut text, &finding).map(|()| text)
    };
    let in_parallel = findings.len() >= RENDERED_IN_PARALLEL_FROM;
    for chunk in findings.chunks(RENDERED_AT_ONCE) {
        let rendered: Vec<Result<String, fmt::Error>> = if in_parallel {
            chunk.par_iter().map(render_one).collect()
        } else {
            chunk.iter().map(render_one).collect()
        };
        for text in rendered {
            writeln!(out, "{}", text.map_err(io::Error::other)?)?;
        }
    }
    let summary = report.summary();
    if !options.quiet {
        writeln!(out, "{}", summary_line(summary))?;
    }
    Ok(())
}
