//! `path:line:col: severity[rule] message`, one finding per line.

use std::io::{self, Write};

use super::{RenderOptions, Report, summary_line};

pub fn render(report: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        for d in &file.diagnostics {
            let at = file.source.line_col(d.span.start);
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                file.source.path().display(),
                at.line,
                at.column,
                d.severity,
                d.rule,
                d.message
            )?;
        }
    }
    let summary = report.summary();
    if !options.quiet {
        writeln!(out, "{}", summary_line(summary))?;
    }
    Ok(())
}
