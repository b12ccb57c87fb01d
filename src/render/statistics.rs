//! `--statistics`: how many findings each rule made, most first, instead of the findings.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{RenderOptions, Report, summary_line};
use crate::cli::Format;
use crate::diagnostic::Severity;

#[derive(Serialize)]
struct Count {
    rule: &'static str,
    severity: Severity,
    count: usize,
    fixable: usize,
}

pub fn render(
    format: Format,
    report: &Report,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut by_rule: BTreeMap<(&'static str, Severity), (usize, usize)> = BTreeMap::new();
    for d in report.files.iter().flat_map(|f| &f.diagnostics) {
        let entry = by_rule.entry((d.rule, d.severity)).or_default();
        entry.0 += 1;
        entry.1 += usize::from(d.fix.is_some());
    }
    let mut counts: Vec<Count> = by_rule
        .into_iter()
        .map(|((rule, severity), (count, fixable))| Count {
            rule,
            severity,
            count,
            fixable,
        })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &counts)?;
        return writeln!(out);
    }
    // Every column as wide as its widest entry, so that the columns line up.
    let width = counts.iter().map(|c| c.rule.len()).max().unwrap_or(0);
    let digits = counts.first().map_or(1, |c| c.count.to_string().len());
    let severity_width = counts
        .iter()
        .map(|c| c.severity.to_string().len())
        .max()
        .unwrap_or(0);
    for c in &counts {
        let line = if c.fixable > 0 {
            format!(
                "{:>digits$}  {:width$}  {:severity_width$}  ({} fixable)",
                c.count,
                c.rule,
                c.severity.to_string(),
                c.fixable
            )
        } else {
            format!("{:>digits$}  {:width$}  {}", c.count, c.rule, c.severity)
        };
        writeln!(out, "{}", line.trim_end())?;
    }
    if !options.quiet {
        writeln!(out, "{}", summary_line(report.summary()))?;
    }
    Ok(())
}
