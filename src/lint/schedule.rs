//! The dated obligations a policy records — each secret's next rotation, the next policy
//! review — and when each falls due. The one due-date computation: the rotation and review
//! rules judge these obligations, and `policy-lint deadlines` lists them.

use chrono::NaiveDate;

use crate::dates::{self, Frequency};
use crate::io::source::Span;
use crate::lint::policy::{DatedField, FieldKind, KindTable, Policy, TableKind};

/// What an obligation promises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ObligationKind {
    /// Rotate a secret of a rotation table.
    Rotation,
    /// Review the policy.
    Review,
}

impl ObligationKind {
    /// `rotation`, `review`: the kind's name in JSON and in calendar UIDs.
    pub fn name(self) -> &'static str {
        match self {
            ObligationKind::Rotation => "rotation",
            ObligationKind::Review => "review",
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

/// How an obligation stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Overdue,
    /// Due within the warning window, today included.
    DueSoon,
    Scheduled,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::DueSoon => "due soon",
            Status::Scheduled => "scheduled",
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
        let last = table.cell(row, "last-rotated").and_then(|cell| {
            let parsed = dates::find_date(cell.text).ok()?;
            Some((parsed.date, cell.span_of(parsed.start..parsed.end)))
        });
        Some(Rotation {
            name: table.cell(row, "secret").map_or("", |c| c.text),
            owner,
            frequency_cell: frequency.content(),
            frequency_text: frequency.text,
            frequency: Frequency::parse(frequency.text),
            last,
            last_label,
        })
    })
}

/// The next policy review: the `Next Review` date when the policy states one, else the last
/// review (or update) plus the review cadence. `None` without a usable date.
pub fn review<'p>(policy: &'p Policy<'p>) -> Option<Obligation<'p>> {
    let cadence = &policy.cadence;
    let start = policy.review_start();
    let last = start.and_then(DatedField::date);
    let (due, basis, field) = match policy.field(FieldKind::NextReview) {
        Some(next) => (next.date()?, Basis::Stated, next),
        None => {
            let start = start?;
            (cadence.frequency.due(last?)?, Basis::Cadence, start)
        }
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

/// Every obligation of the policy, soonest first (then in document order).
pub fn obligations<'p>(policy: &'p Policy<'p>) -> Vec<Obligation<'p>> {
    let mut all: Vec<Obligation<'p>> = rotations(policy)
        .filter_map(|r| r.obligation())
        .chain(review(policy))
        .collect();
    all.sort_by_key(|o| (o.due, o.span));
    all
}
