//! The commands that record what happened — a rotation, a review, an incident — as edits to
//! the policy. They compute edits only; `run` applies them through `fix::apply` (which keeps
//! aligned tables aligned) and writes the file.

use chrono::NaiveDate;

use crate::dates::{self, Frequency, iso};
use crate::diagnostic::Edit;
use crate::document::{Cell, Document, Row, normalize_title, padded_cell};
use crate::io::source::{SourceFile, Span};
use crate::lint::policy::{FieldKind, KindTable, Policy, TableKind};
use crate::lint::schedule::{self, ObligationKind};
use crate::pack::Pack;

/// The edits a command makes, and one line per change for the person who ran it.
#[derive(Debug, Default)]
pub struct Update {
    pub edits: Vec<Edit>,
    pub changes: Vec<String>,
    /// The keys ([`schedule::key`]) of the obligations whose next due date the command moved.
    pub follow: Vec<String>,
}

impl Update {
    fn set(&mut self, span: Span, old: &str, new: String, what: String) {
        if old == new {
            return;
        }
        self.changes.push(format!("{what}: {old} → {new}"));
        self.edits.push(Edit {
            span,
            replacement: new,
        });
    }

    /// Sets `Last Updated`, when the document has one, to `today`.
    fn touch_last_updated(&mut self, doc: &Document<'_>, policy: &Policy<'_>, today: NaiveDate) {
        if let Some(updated) = policy.field(FieldKind::LastUpdated) {
            let span = updated.date_span();
            self.set(
                span,
                doc.text(span),
                iso(today),
                updated.field.label.clone(),
            );
        }
    }
}

/// A usage error of a command: what is wrong and what to do.
fn refuse(message: String, help: String) -> miette::Report {
    miette::miette!(help = help, "{message}")
}

/// Refuses to record `what` on a day after `today`: `check` would report the date as
/// `future-date`.
fn not_after_today(date: NaiveDate, today: NaiveDate, what: &str) -> Result<(), miette::Report> {
    if date <= today {
        return Ok(());
    }
    Err(refuse(
        format!(
            "cannot record {what} on {}, after today ({})",
            iso(date),
            iso(today)
        ),
        "give the day it happened with --date, or set the date with --today if today is wrong"
            .to_string(),
    ))
}

/// Sets a cell's content; a blank cell is rewritten whole, padded like its neighbours.
fn cell_edit(update: &mut Update, doc: &Document<'_>, cell: &Cell, new: String, what: String) {
    if cell.content().is_empty() {
        update.changes.push(format!("{what}: (blank) → {new}"));
        update.edits.push(Edit {
            span: cell.span(),
            replacement: padded_cell(&new),
        });
    } else {
        update.set(cell.content(), doc.text(cell.content()), new, what);
    }
}

/// `policy-lint rotate`: sets each named secret's last-rotated date to `date`, its next-rotation
/// date (if the table has that column) to `date` plus its frequency, and `Last Updated` to today.
pub fn rotate(
    source: &SourceFile,
    pack: &Pack,
    today: NaiveDate,
    names: &[String],
    date: NaiveDate,
) -> Result<Update, miette::Report> {
    not_after_today(date, today, "a rotation")?;
    let doc = Document::parse(source);
    let policy = Policy::new(&doc, pack);
    let rows: Vec<(&KindTable<'_>, &Row)> = policy
        .tables_of(TableKind::Rotation)
        .flat_map(|t| t.table.rows.iter().map(move |r| (t, r)))
        .collect();
    if rows.is_empty() {
        return Err(refuse(
            format!("{} has no rotation table", source.path().display()),
            "add a `## Secret Rotation Schedule` table with the columns \
             `| Secret | Rotation Frequency | Owner | Last Rotated |`"
                .to_string(),
        ));
    }
    let known: Vec<&str> = rows.iter().map(|(t, r)| t.row_name(r)).collect();
    let mut update = Update::default();
    for name in names {
        let wanted = normalize_title(name);
        let Some((table, row)) = rows
            .iter()
            .find(|(t, r)| normalize_title(t.row_name(r)) == wanted)
        else {
            let help = match crate::pack::closest(name, &known) {
                Some(near) => format!(
                    "did you mean `{near}`? The secrets are: {}",
                    known.join(", ")
                ),
                None => format!("the secrets are: {}", known.join(", ")),
            };
            return Err(refuse(
                format!("no secret named `{name}` in the rotation table"),
                help,
            ));
        };
        let secret = table.row_name(row);
        let Some(last) = table.cell(row, "last-rotated") else {
            return Err(refuse(
                format!(
                    "the row of `{secret}` has no `{}` cell",
                    table.title("last-rotated")
                ),
                "give the row a cell for every column".to_string(),
            ));
        };
        cell_edit(
            &mut update,
            &doc,
            last,
            iso(date),
            format!("{secret}: {}", table.title("last-rotated")),
        );
        update
            .follow
            .push(schedule::key(ObligationKind::Rotation, secret));
        let frequency = table
            .cell(row, "frequency")
            .and_then(|c| Frequency::parse(c.text));
        if let (Some(next), Some(frequency)) = (table.cell(row, "next-rotation"), frequency)
            && let Some(due) = frequency.due(date)
        {
            cell_edit(
                &mut update,
                &doc,
                next,
                iso(due),
                format!("{secret}: {}", table.title("next-rotation")),
            );
        }
    }
    update.touch_last_updated(&doc, &policy, today);
    Ok(update)
}

/// `policy-lint review`: the last-reviewed field (else `Last Updated`) becomes `date`, and
/// `Next Review` becomes `date` plus the review cadence, keeping any text after the date.
pub fn review(
    source: &SourceFile,
    pack: &Pack,
    today: NaiveDate,
    date: NaiveDate,
) -> Result<Update, miette::Report> {
    not_after_today(date, today, "a review")?;
    let doc = Document::parse(source);
    let policy = Policy::new(&doc, pack);
    let Some(start) = policy.review_start() else {
        return Err(refuse(
            format!("{} has no `Last Updated` or `Last reviewed` field to record the review in", source.path().display()),
            "add `**Last Updated**: YYYY-MM-DD` and `**Next Review**: YYYY-MM-DD (quarterly review)`".to_string(),
        ));
    };
    if let Some(recorded) = start.date()
        && date < recorded
    {
        return Err(refuse(
            format!(
                "the policy records a review on {} (`{}`); a review on {} would move it backwards",
                iso(recorded),
                start.field.label,
                iso(date)
            ),
            "record the newest review: --date on or after the recorded one".to_string(),
        ));
    }
    let mut update = Update::default();
    update
        .follow
        .push(schedule::key(ObligationKind::Review, schedule::REVIEW_NAME));
    let span = start.date_span();
    update.set(span, doc.text(span), iso(date), start.field.label.clone());
    if start.kind == FieldKind::LastReviewed {
        update.touch_last_updated(&doc, &policy, today);
    }
    let cadence = &policy.cadence;
    let Some(due) = cadence.frequency.due(date) else {
        return Ok(update);
    };
    match policy.field(FieldKind::NextReview) {
        Some(next) => {
            let span = next.date_span();
            update.set(span, doc.text(span), iso(due), next.field.label.clone());
        }
        None => update.changes.push(format!(
            "no `Next Review` field: add `**Next Review**: {}` (reviewed {}, from {})",
            iso(due),
            cadence.frequency.describe(),
            cadence.source
        )),
    }
    Ok(update)
}

/// A new row of the incident log.
#[derive(Debug)]
pub struct NewIncident {
    pub date: NaiveDate,
    pub severity: String,
    pub status: String,
    pub actions: Option<String>,
    pub text: String,
}

/// The allowed value `value` names (case, emoji and punctuation ignored), in its pack spelling.
fn allowed(pack_values: &[String], value: &str, what: &str) -> Result<String, miette::Report> {
    let key = normalize_title(value);
    pack_values
        .iter()
        .find(|v| normalize_title(v) == key)
        .cloned()
        .ok_or_else(|| {
            refuse(
                format!("{what} `{value}` is not allowed"),
                format!("use one of: {}", pack_values.join(", ")),
            )
        })
}

/// A cell's text: pipes escaped, line breaks folded.
fn cell_text(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// `policy-lint incident add`: inserts a row into the incident log in date order (after rows
/// of the same date), above the marker, and sets `Last Updated` to today.
pub fn add_incident(
    source: &SourceFile,
    pack: &Pack,
    today: NaiveDate,
    incident: &NewIncident,
) -> Result<Update, miette::Report> {
    let spec = &pack.tables.incidents;
    let values = |key: &str| {
        spec.columns
            .get(key)
            .map(|c| c.values.clone())
            .unwrap_or_default()
    };
    not_after_today(incident.date, today, "an incident")?;
    let severity = allowed(&values("severity"), &incident.severity, "severity")?;
    let status = allowed(&values("status"), &incident.status, "status")?;

    let doc = Document::parse(source);
    let policy = Policy::new(&doc, pack);
    let Some(log) = policy.tables_of(TableKind::Incidents).next() else {
        return Err(refuse(
            format!("{} has no incident log", source.path().display()),
            "add a `## Incident Log` table with the columns \
             `| Date | Incident | Severity | Actions Taken | Status |`, followed by \
             `<!-- Add new incidents above this line -->`"
                .to_string(),
        ));
    };
    let cells: Vec<String> = (0..log.table.header.cells.len())
        .map(|index| {
            let key = log
                .columns
                .iter()
                .find(|(_, i)| **i == index)
                .map(|(k, _)| *k);
            match key {
                Some("date") => iso(incident.date),
                Some("incident") => cell_text(&incident.text),
                Some("severity") => severity.clone(),
                Some("status") => status.clone(),
                Some("actions") => cell_text(incident.actions.as_deref().unwrap_or("")),
                _ => String::new(),
            }
        })
        .collect();
    let row_text = format!(
        "|{}|",
        cells
            .iter()
            .map(|c| padded_cell(c))
            .collect::<Vec<_>>()
            .join("|")
    );

    // After the last row dated on or before the new one; else right below the delimiter row.
    let after = log
        .table
        .rows
        .iter()
        .rev()
        .find(|row| {
            log.cell(row, "date")
                .and_then(|c| dates::find_date(c.text).ok())
                .is_some_and(|d| d.date <= incident.date)
        })
        .map_or(log.table.delimiter, |row| row.span);
    let line = source.line_index(after.start);
    let line_span = source.line_span(line);
    let prefix = source.slice(Span::new(line_span.start, after.start));
    let ending = line_ending(source, line);
    let mut update = Update::default();
    update
        .changes
        .push(format!("incident log: added `{row_text}`"));
    update.edits.push(Edit {
        span: Span::empty(line_span.end),
        replacement: format!("{ending}{prefix}{row_text}"),
    });
    update.touch_last_updated(&doc, &policy, today);
    Ok(update)
}

/// The line ending of line `index`; for a last line without one, the file's first line ending.
fn line_ending(source: &SourceFile, index: usize) -> &str {
    let end = source.line_span(index).end;
    let rest = &source.text[end..];
    if rest.starts_with("\r\n") {
        return "\r\n";
    }
    if rest.starts_with('\n') {
        return "\n";
    }
    if source.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}
