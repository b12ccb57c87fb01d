//! The dated obligations a policy records — each secret's next rotation, the next policy
//! review — and when each falls due, and the `Expires` of a security.txt. The one due-date
//! computation: the rotation and review rules judge these obligations, and
//! `policy-lint deadlines` lists them ([`Deadline`], which the formats in `render/` print).

use chrono::NaiveDate;

use crate::dates::{self, Frequency, days_text, iso};
use crate::io::source::{SourceFile, Span};
use crate::lint::policy::{DatedField, FieldKind, KindTable, Policy, TableKind};
use crate::security_txt::{Expiry, SecurityTxt};

/// What an obligation promises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObligationKind {
    /// Rotate a secret of a rotation table.
    Rotation,
    /// Review the policy.
    Review,
    /// Renew a security.txt before its `Expires`.
    Expiry,
}

impl ObligationKind {
    /// `rotation`, `review`: the kind's name in JSON and in calendar UIDs.
    pub fn name(self) -> &'static str {
        match self {
            ObligationKind::Rotation => "rotation",
            ObligationKind::Review => "review",
            ObligationKind::Expiry => "expiry",
        }
    }
}

/// Where a due date comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// The last date (a rotation, a review or update) plus the frequency.
    Cadence,
    /// A `Next Review` field that states the date itself.
    Stated,
}

/// One dated promise of the policy.
#[derive(Clone, Debug)]
pub struct Obligation<'a> {
    pub kind: ObligationKind,
    /// What is due: the secret's name as the table writes it; `policy review` for a review.
    pub name: &'a str,
    /// Who owns it: the rotation table's owner cell.
    pub owner: Option<&'a str>,
    /// The last time it was done, when the document says.
    pub last: Option<NaiveDate>,
    /// How often it recurs.
    pub frequency: Frequency,
    /// Where the frequency comes from, for messages: `the table`, `"(quarterly review)" on
    /// line 222`.
    pub frequency_source: String,
    pub due: NaiveDate,
    pub basis: Basis,
    /// The date the due date is computed from (the last-rotated cell, the review field).
    pub span: Span,
    /// The label of the date at `span`: `Last Rotated`, `Next Review`, `Last Updated`.
    pub label: &'a str,
}

/// The key of an obligation inside its document — its kind and the secret's name, any case —
/// which stays the same when its dates change.
pub fn key(kind: ObligationKind, name: &str) -> String {
    format!("{}:{}", kind.name(), name.trim().to_lowercase())
}

/// The name of the review obligation.
pub const REVIEW_NAME: &str = "policy review";

/// The name of a security.txt's expiry.
pub const EXPIRY_NAME: &str = "security.txt expires";

/// How an obligation stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Overdue,
    /// Due within the warning window, today included.
    DueSoon,
    Scheduled,
    /// No due date can be computed: the policy gives no usable date or frequency.
    Unknown,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::DueSoon => "due soon",
            Status::Scheduled => "scheduled",
            Status::Unknown => "unknown",
        }
    }
}

impl Obligation<'_> {
    /// Days from `today` to the due date; negative when it is past.
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        dates::days_between(today, self.due)
    }

    pub fn status(&self, today: NaiveDate, window_days: i64) -> Status {
        match self.days_left(today) {
            left if left < 0 => Status::Overdue,
            left if left <= window_days => Status::DueSoon,
            _ => Status::Scheduled,
        }
    }

    /// A stable key of the obligation inside its document: see [`key`].
    pub fn key(&self) -> String {
        key(self.kind, self.name)
    }

    /// `Rotate AWS Access Keys`, `Review the policy`.
    pub fn title(&self) -> String {
        match self.kind {
            ObligationKind::Rotation => format!("Rotate {}", self.name),
            ObligationKind::Review => "Review the policy".to_string(),
            ObligationKind::Expiry => "Renew security.txt".to_string(),
        }
    }
}

/// One row of a rotation table, read: the secret, its frequency and its last rotation.
#[derive(Debug)]
pub struct Rotation<'a> {
    pub name: &'a str,
    pub owner: Option<&'a str>,
    pub frequency_cell: Span,
    pub frequency_text: &'a str,
    pub frequency: Option<Frequency>,
    /// The last-rotated date and its span, when it parsed.
    pub last: Option<(NaiveDate, Span)>,
    /// The last-rotated cell's content.
    pub last_cell: Option<Span>,
    /// The next-rotation date and its span, when the table has that column and it parsed.
    pub next: Option<(NaiveDate, Span)>,
    /// The last-rotated column's title as written.
    pub last_label: &'a str,
}

impl<'a> Rotation<'a> {
    /// The rotation's obligation, when the frequency and last date are known and the due date
    /// lies within the calendar.
    pub fn obligation(&self) -> Option<Obligation<'a>> {
        let (frequency, (last, span)) = (self.frequency?, self.last?);
        Some(Obligation {
            kind: ObligationKind::Rotation,
            name: self.name,
            owner: self.owner,
            last: Some(last),
            frequency,
            frequency_source: "the table".to_string(),
            due: frequency.due(last)?,
            basis: Basis::Cadence,
            span,
            label: self.last_label,
        })
    }
}

/// Every row of every rotation table that states a frequency.
pub fn rotations<'p>(policy: &'p Policy<'p>) -> impl Iterator<Item = Rotation<'p>> + 'p {
    policy
        .tables_of(TableKind::Rotation)
        .flat_map(table_rotations)
}

fn table_rotations<'p>(table: &'p KindTable<'p>) -> impl Iterator<Item = Rotation<'p>> + 'p {
    let last_label = table
        .column("last-rotated")
        .and_then(|i| table.table.header.cells.get(i))
        .map_or("Last Rotated", |c| c.text);
    table.table.rows.iter().filter_map(move |row| {
        let frequency = table.cell(row, "frequency")?;
        if frequency.text.is_empty() {
            return None;
        }
        let owner = table
            .cell(row, "owner")
            .map(|c| c.text)
            .filter(|t| !t.is_empty());
        let date_of = |key: &str| {
            table.cell(row, key).and_then(|cell| {
                let parsed = dates::find_date(cell.text).ok()?;
                Some((parsed.date, cell.span_of(parsed.start..parsed.end)))
            })
        };
        let last = date_of("last-rotated");
        Some(Rotation {
            name: table.cell(row, "secret").map_or("", |c| c.text),
            owner,
            frequency_cell: frequency.content(),
            frequency_text: frequency.text,
            frequency: Frequency::parse(frequency.text),
            last,
            last_cell: table.cell(row, "last-rotated").map(|c| c.content()),
            next: date_of("next-rotation"),
            last_label,
        })
    })
}

/// The next policy review: the `Next Review` date when the policy states one, else the last
/// review (or update) plus the review cadence, when that is judged (a cadence the policy
/// states, or the pack's default where it applies). `None` without a usable date.
pub fn review<'p>(policy: &'p Policy<'p>) -> Option<Obligation<'p>> {
    let cadence = &policy.cadence;
    let start = policy.review_start();
    let last = start.and_then(DatedField::date);
    let (due, basis, field) = match policy.field(FieldKind::NextReview) {
        Some(next) => (next.date()?, Basis::Stated, next),
        None if cadence.judged => {
            let start = start?;
            (cadence.frequency.due(last?)?, Basis::Cadence, start)
        }
        // No Next Review, no cadence stated: the policy promised no review date.
        None => return None,
    };
    Some(Obligation {
        kind: ObligationKind::Review,
        name: REVIEW_NAME,
        owner: None,
        last,
        frequency: cadence.frequency,
        frequency_source: cadence.source.clone(),
        due,
        basis,
        span: field.date_span(),
        label: &field.field.label,
    })
}

/// A rotation whose due date cannot be computed: `deadlines` lists it as unknown instead of
/// dropping it (the lint rules report why: `empty-cell`, `invalid-date`,
/// `unknown-frequency`).
#[derive(Debug)]
pub struct Undated<'a> {
    pub name: &'a str,
    pub owner: Option<&'a str>,
    pub frequency: Option<Frequency>,
    pub frequency_text: &'a str,
    /// `no usable Last Rotated date`.
    pub because: String,
    /// The last-rotated cell, else the frequency cell.
    pub span: Span,
}

/// Every rotation whose due date cannot be computed, in document order.
pub fn undated<'p>(policy: &'p Policy<'p>) -> Vec<Undated<'p>> {
    rotations(policy)
        .filter(|r| r.obligation().is_none())
        .map(|r| {
            let because = match (r.frequency, r.last) {
                (None, _) => format!("frequency `{}` not understood", r.frequency_text),
                (Some(_), None) => format!("no usable {} date", r.last_label),
                (Some(_), Some(_)) => "due date past the end of the calendar".to_string(),
            };
            Undated {
                name: r.name,
                owner: r.owner,
                frequency: r.frequency,
                frequency_text: r.frequency_text,
                because,
                span: r.last_cell.unwrap_or(r.frequency_cell),
            }
        })
        .collect()
}

/// Every obligation of the policy, soonest first (then in document order).
pub fn obligations<'p>(policy: &'p Policy<'p>) -> Vec<Obligation<'p>> {
    let mut all: Vec<Obligation<'p>> = rotations(policy)
        .filter_map(|r| r.obligation())
        .chain(review(policy))
        .collect();
    all.sort_by_key(|o| (o.due, o.span));
    all
}

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
    /// `None` when the policy gives no usable date to compute it from ([`Status::Unknown`]).
    pub due: Option<NaiveDate>,
    pub status: Status,
    /// Days from today to the due date; negative when overdue.
    pub days_left: Option<i64>,
    /// Why the due date is unknown: `no Last Rotated date`.
    pub unknown_because: Option<String>,
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
            due: Some(obligation.due),
            status: obligation.status(today, window_days),
            days_left: Some(obligation.days_left(today)),
            unknown_because: None,
            line: at.line,
            column: at.column,
            key: obligation.key(),
        }
    }

    /// A rotation whose due date cannot be computed, listed rather than dropped.
    pub fn unknown(undated: &Undated<'_>, source: &SourceFile, repo_path: &str) -> Deadline {
        let at = source.line_col(undated.span.start);
        Deadline {
            path: source.path().display().to_string(),
            repo_path: repo_path.to_string(),
            kind: ObligationKind::Rotation,
            name: undated.name.to_string(),
            title: format!("Rotate {}", undated.name),
            owner: undated.owner.map(str::to_string),
            last: None,
            frequency: undated
                .frequency
                .map_or_else(|| undated.frequency_text.to_string(), Frequency::describe),
            due: None,
            status: Status::Unknown,
            days_left: None,
            unknown_because: Some(undated.because.clone()),
            line: at.line,
            column: at.column,
            key: key(ObligationKind::Rotation, undated.name),
        }
    }

    /// The `Expires` of a security.txt: due on its day (UTC); with no usable `Expires`,
    /// listed with the reason.
    pub fn expiry(
        txt: &SecurityTxt<'_>,
        repo_path: &str,
        today: NaiveDate,
        window_days: i64,
    ) -> Deadline {
        let source = txt.source;
        let (span, due, because) = match txt.expires() {
            Some(Expiry {
                value,
                at: Some(at),
            }) => (*value, Some(at.naive_utc().date()), None),
            Some(Expiry { value, at: None }) => (
                *value,
                None,
                Some(format!(
                    "`Expires: {}` is not an RFC 3339 date-time",
                    txt.text(*value)
                )),
            ),
            None => (
                Span::empty(source.bom_len()),
                None,
                Some("no `Expires` field".to_string()),
            ),
        };
        let at = source.line_col(span.start);
        let days_left = due.map(|due| dates::days_between(today, due));
        let status = match days_left {
            None => Status::Unknown,
            Some(left) if left < 0 => Status::Overdue,
            Some(left) if left <= window_days => Status::DueSoon,
            Some(_) => Status::Scheduled,
        };
        Deadline {
            path: source.path().display().to_string(),
            repo_path: repo_path.to_string(),
            kind: ObligationKind::Expiry,
            name: EXPIRY_NAME.to_string(),
            title: "Renew security.txt".to_string(),
            owner: None,
            last: None,
            frequency: "set by Expires".to_string(),
            due,
            status,
            days_left,
            unknown_because: because,
            line: at.line,
            column: at.column,
            key: key(ObligationKind::Expiry, EXPIRY_NAME),
        }
    }

    /// `in 9 days`, `today`, `281 days late`; for an unknown date, why it is unknown.
    pub fn when(&self) -> String {
        match self.days_left {
            None => self.unknown_because.clone().unwrap_or_default(),
            Some(0) => "today".to_string(),
            Some(left) if left > 0 => format!("in {}", days_text(left)),
            Some(late) => format!("{} late", days_text(-late)),
        }
    }

    /// A stable identifier, for calendar UIDs: the kind and a hash of the repository-relative
    /// path and the row key — never the date, so that an event moves when its date does.
    pub fn uid(&self) -> String {
        let identity = format!("{}\n{}", self.repo_path, self.key);
        format!(
            "{}-{:016x}@policy-lint",
            self.kind.name(),
            crate::stable_hash::fnv1a(identity.as_bytes())
        )
    }
}

/// Every obligation of a run: undated ones first, then soonest first.
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
        let unknown = match self.count(Status::Unknown) {
            0 => String::new(),
            n => format!(", {n} with no usable date"),
        };
        format!(
            "{} obligation{}{within} as of {}: {} overdue, {} due soon, {} scheduled{unknown}.",
            self.deadlines.len(),
            if self.deadlines.len() == 1 { "" } else { "s" },
            iso(self.today),
            self.count(Status::Overdue),
            self.count(Status::DueSoon),
            self.count(Status::Scheduled)
        )
    }

    /// Whether something is overdue, or has no date to tell: `deadlines` then exits 1.
    pub fn fails(&self) -> bool {
        self.count(Status::Overdue) + self.count(Status::Unknown) > 0
    }
}
