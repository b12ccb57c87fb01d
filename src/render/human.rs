//! The default format: a miette graphical report per finding, with the source snippet.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic as MietteDiagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan,
    NamedSource, SourceCode,
};

use super::{RenderOptions, Report, summary_line};
use crate::diagnostic::{Diagnostic, Severity};

/// The graphical handler used for findings and for errors: no terminal hyperlinks, colour
/// only when the caller decided so.
pub fn graphical_handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(1)
}

/// A finding as miette sees it.
struct Finding<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a NamedSource<String>,
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

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.diagnostic.span;
        let label = LabeledSpan::new_primary_with_span(None, (span.start, span.len()));
        Some(Box::new(std::iter::once(label)))
    }
}

pub fn render(report: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let handler = graphical_handler(options.color);
    for file in &report.files {
        let name = file.source.path().display().to_string();
        let source = NamedSource::new(name, file.source.text.clone());
        for diagnostic in &file.diagnostics {
            let mut text = String::new();
            handler
                .render_report(
                    &mut text,
                    &Finding {
                        diagnostic,
                        source: &source,
                    },
                )
                .map_err(io::Error::other)?;
            writeln!(out, "{text}")?;
        }
    }
    let summary = report.summary();
    if !options.quiet {
        writeln!(out, "{}", summary_line(summary))?;
    }
    Ok(())
}
