//! `policy-lint deadlines`: the schedule of dated obligations as a terminal table, JSON or a
//! Markdown table (the iCalendar feed is `ics.rs`).

use std::io::{self, Write};

use chrono::NaiveDate;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::dates::{days_text, iso};
use crate::io::source::SourceFile;
use crate::lint::schedule::{Obligation, ObligationKind, Status};

/// One obligation of one file, judged on the run's date.
#[derive(Clone, Debug)]
pub struct Deadline {
    /// The path as shown to the person running the command.
    pub path: String,
    /// The path relative to the repository root, with forward slashes: for links and UIDs.
    pub repo_path: String,
    pub kind: ObligationKind,
    /// The secret's name; `policy review` for a review.
    pub name: String,
    pub title: String,
    pub owner: Option<String>,
    pub last: Option<NaiveDate>,
    /// `every 90 days`.
    pub frequency: String,
    pub due: NaiveDate,
    pub status: Status,
    /// Days from today to the due date; negative when overdue.
    pub days_left: i64,
    pub line: usize,
    pub column: usize,
    /// Stable inside the file: the kind and the secret's name.
    pub key: String,
}

impl Deadline {
    pub fn new(
        obligation: &Obligation<'_>,
        source: &SourceFile,
        repo_path: &str,
        today: NaiveDate,
        window_days: i64,
    ) -> Deadline {
        let at = source.line_col(obligation.span.start);
        Deadline {
            path: source.path().display().to_string(),
            repo_path: repo_path.to_string(),
            kind: obligation.kind,
            name: obligation.name.to_string(),
            title: obligation.title(),
            owner: obligation.owner.map(str::to_string),
            last: obligation.last,
            frequency: obligation.frequency.describe(),
            due: obligation.due,
            status: obligation.status(today, window_days),
            days_left: obligation.days_left(today),
            line: at.line,
            column: at.column,
            key: obligation.key(),
        }
    }

    /// `in 9 days`, `today`, `281 days late`.
    pub fn when(&self) -> String {
        match self.days_left {
            0 => "today".to_string(),
            left if left > 0 => format!("in {}", days_text(left)),
            late => format!("{} late", days_text(-late)),
        }
    }
}

/// Every obligation of a run, soonest first.
pub struct DeadlineReport {
    pub today: NaiveDate,
    /// `--within` as written.
    pub within: Option<String>,
    pub files: usize,
    pub deadlines: Vec<Deadline>,
}

impl DeadlineReport {
    pub fn count(&self, status: Status) -> usize {
        self.deadlines.iter().filter(|d| d.status == status).count()
    }

    pub fn summary_line(&self) -> String {
        let within = self
            .within
            .as_ref()
            .map(|w| format!(" due within {w}"))
            .unwrap_or_default();
        if self.deadlines.is_empty() {
            return format!("No dated obligations{within} as of {}.", iso(self.today));
        }
        format!(
            "{} obligation{}{within} as of {}: {} overdue, {} due soon, {} scheduled.",
            self.deadlines.len(),
            if self.deadlines.len() == 1 { "" } else { "s" },
            iso(self.today),
            self.count(Status::Overdue),
            self.count(Status::DueSoon),
            self.count(Status::Scheduled)
        )
    }
}

/// An aligned table, one obligation per line, then a summary.
pub fn human(report: &DeadlineReport, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<[String; 6]> = report
        .deadlines
        .iter()
        .map(|d| {
            [
                iso(d.due),
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
    due: String,
    last: Option<String>,
    frequency: &'a str,
    status: &'static str,
    days_left: i64,
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
                due: iso(d.due),
                last: d.last.map(iso),
                frequency: &d.frequency,
                status: d.status.name(),
                days_left: d.days_left,
                line: d.line,
                column: d.column,
                uid: super::ics::uid(d),
            })
            .collect(),
        summary: JsonSummary {
            files: report.files,
            obligations: report.deadlines.len(),
            overdue: report.count(Status::Overdue),
            due_soon: report.count(Status::DueSoon),
            scheduled: report.count(Status::Scheduled),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)
}

/// A Markdown table for a GitHub step summary or an issue body; links are relative to the
/// repository root (`SECURITY.md#L33`).
pub fn markdown(report: &DeadlineReport, out: &mut dyn Write) -> io::Result<()> {
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
        };
        let link = format!("{}#L{}", d.repo_path, d.line);
        writeln!(
            out,
            "| {emoji} {} | {} ({}) | {} | {} | [{}]({}) |",
            d.status.name(),
            iso(d.due),
            d.when(),
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
