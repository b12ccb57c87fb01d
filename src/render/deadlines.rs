//! `policy-lint deadlines`: the schedule of dated obligations as a terminal table, JSON or a
//! Markdown table (the iCalendar feed is `ics.rs`).

use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::dates::iso;
use crate::lint::schedule::{DeadlineReport, Status};

/// An aligned table, one obligation per line, then a summary.
pub fn human(report: &DeadlineReport, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<[String; 6]> = report
        .deadlines
        .iter()
        .map(|d| {
            [
                d.due.map_or_else(|| "unknown".to_string(), iso),
                d.status.name().to_string(),
                d.when(),
                d.title.clone(),
                d.owner.clone().unwrap_or_else(|| "-".to_string()),
                format!("{}:{}", d.path, d.line),
            ]
        })
        .collect();
    if !rows.is_empty() {
        let header = ["DUE", "STATUS", "WHEN", "WHAT", "OWNER", "WHERE"].map(str::to_string);
        let mut widths = [0; 6];
        for row in std::iter::once(&header).chain(&rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.width());
            }
        }
        for row in std::iter::once(&header).chain(&rows) {
            let mut line = String::new();
            for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
                line.push_str(cell);
                if i + 1 < row.len() {
                    line.push_str(&" ".repeat(width - cell.width() + 2));
                }
            }
            writeln!(out, "{line}")?;
        }
    }
    if !quiet {
        if !rows.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "{}", report.summary_line())?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    tool: &'static str,
    version: &'static str,
    today: String,
    within: Option<&'a str>,
    obligations: Vec<JsonObligation<'a>>,
    summary: JsonSummary,
}

#[derive(Serialize)]
struct JsonObligation<'a> {
    path: &'a str,
    kind: &'static str,
    name: &'a str,
    title: &'a str,
    owner: Option<&'a str>,
    due: Option<String>,
    last: Option<String>,
    frequency: &'a str,
    status: &'static str,
    days_left: Option<i64>,
    line: usize,
    column: usize,
    uid: String,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    obligations: usize,
    overdue: usize,
    due_soon: usize,
    scheduled: usize,
    unknown: usize,
}

pub fn json(report: &DeadlineReport, out: &mut dyn Write) -> io::Result<()> {
    let json = JsonReport {
        tool: "policy-lint",
        version: env!("CARGO_PKG_VERSION"),
        today: iso(report.today),
        within: report.within.as_deref(),
        obligations: report
            .deadlines
            .iter()
            .map(|d| JsonObligation {
                path: &d.path,
                kind: d.kind.name(),
                name: &d.name,
                title: &d.title,
                owner: d.owner.as_deref(),
                due: d.due.map(iso),
                last: d.last.map(iso),
                frequency: &d.frequency,
                status: d.status.name(),
                days_left: d.days_left,
                line: d.line,
                column: d.column,
                uid: d.uid(),
            })
            .collect(),
        summary: JsonSummary {
            files: report.files,
            obligations: report.deadlines.len(),
            overdue: report.count(Status::Overdue),
            due_soon: report.count(Status::DueSoon),
            scheduled: report.count(Status::Scheduled),
            unknown: report.count(Status::Unknown),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

/// The schedule as a Markdown table. Each obligation links to its line: under `link_base`
/// (`https://github.com/OWNER/REPO/blob/SHA`) when given, else relative to the repository root.
pub fn markdown(
    report: &DeadlineReport,
    link_base: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "### Security policy deadlines\n")?;
    writeln!(out, "{}\n", report.summary_line())?;
    if report.deadlines.is_empty() {
        return Ok(());
    }
    writeln!(out, "| Status | Due | What | Owner | Where |")?;
    writeln!(out, "|--------|-----|------|-------|-------|")?;
    for d in &report.deadlines {
        let emoji = match d.status {
            Status::Overdue => "🔴",
            Status::DueSoon => "🟡",
            Status::Scheduled => "🟢",
            Status::Unknown => "⚪",
        };
        let link = match link_base {
            Some(base) => format!("{}/{}#L{}", base.trim_end_matches('/'), d.repo_path, d.line),
            None => format!("{}#L{}", d.repo_path, d.line),
        };
        writeln!(
            out,
            "| {emoji} {} | {} | {} | {} | [{}]({}) |",
            d.status.name(),
            match d.due {
                Some(due) => format!("{} ({})", iso(due), d.when()),
                None => format!("unknown ({})", d.when()),
            },
            cell(&d.title),
            cell(d.owner.as_deref().unwrap_or("")),
            cell(&format!("{}:{}", d.repo_path, d.line)),
            link.replace(' ', "%20")
        )?;
    }
    Ok(())
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|")
}
