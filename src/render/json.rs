//! `--format json`: the public JSON contract of DESIGN §2.

use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::diagnostic::Applicability;
use crate::diagnostic::Severity;

#[derive(Serialize)]
struct JsonReport<'a> {
    tool: &'static str,
    version: &'static str,
    today: String,
    files: Vec<JsonFile<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: String,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'static str,
    severity: Severity,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    offset: usize,
    length: usize,
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    offset: usize,
    length: usize,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    fixable: usize,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let files = report
        .files
        .iter()
        .map(|file| JsonFile {
            path: file.source.path().display().to_string(),
            diagnostics: file
                .diagnostics
                .iter()
                .map(|d| {
                    let start = file.source.line_col(d.span.start);
                    let end = file.source.line_col(d.span.end);
                    JsonDiagnostic {
                        rule: d.rule,
                        severity: d.severity,
                        message: &d.message,
                        line: start.line,
                        column: start.column,
                        end_line: end.line,
                        end_column: end.column,
                        offset: d.span.start,
                        length: d.span.len(),
                        help: d.help.as_deref(),
                        fix: d.fix.as_ref().map(|fix| JsonFix {
                            applicability: fix.applicability,
                            title: &fix.title,
                            edits: fix
                                .edits
                                .iter()
                                .map(|e| JsonEdit {
                                    offset: e.span.start,
                                    length: e.span.len(),
                                    replacement: &e.replacement,
                                })
                                .collect(),
                        }),
                    }
                })
                .collect(),
        })
        .collect();
    let summary = report.summary();
    let json = JsonReport {
        tool: "policy-lint",
        version: env!("CARGO_PKG_VERSION"),
        today: report.today.format("%Y-%m-%d").to_string(),
        files,
        summary: JsonSummary {
            files: summary.files,
            errors: summary.errors,
            warnings: summary.warnings,
            fixable: summary.fixable,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}
