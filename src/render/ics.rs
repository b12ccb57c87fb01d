//! `policy-lint deadlines --format ics`: an iCalendar feed (RFC 5545) with one all-day event
//! per obligation, so that a team can subscribe to its policy's deadlines.
//!
//! Each event's `UID` comes from the repository-relative path, the obligation's kind and its
//! row key — never from the date — so re-importing the feed after a rotation moves the event
//! instead of adding one.

use std::io::{self, Write};

use chrono::{Days, NaiveDate};

use crate::dates::iso;
use crate::lint::schedule::{Deadline, DeadlineReport, ObligationKind};

/// The longest content line, in octets, before it is folded (RFC 5545 §3.1).
const FOLD_AT: usize = 75;

pub fn render(report: &DeadlineReport, out: &mut dyn Write) -> io::Result<()> {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".to_string(),
        format!(
            "PRODID:-//policy-lint//policy-lint {}//EN",
            env!("CARGO_PKG_VERSION")
        ),
        "CALSCALE:GREGORIAN".to_string(),
        "METHOD:PUBLISH".to_string(),
        "X-WR-CALNAME:Security policy deadlines".to_string(),
    ];
    // DTSTAMP is required; the run's date keeps the feed reproducible for a given day.
    let stamp = format!("{}T000000Z", compact(report.today));
    for deadline in &report.deadlines {
        let summary = summary(deadline);
        // An obligation with no usable date stands on the run's day, to be seen and dated.
        let due = deadline.due.unwrap_or(report.today);
        lines.extend([
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}", deadline.uid()),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", compact(due)),
            format!(
                "DTEND;VALUE=DATE:{}",
                compact(due.checked_add_days(Days::new(1)).unwrap_or(due))
            ),
            format!("SUMMARY:{}", escape(&summary)),
            format!("DESCRIPTION:{}", escape(&description(deadline))),
            "TRANSP:TRANSPARENT".to_string(),
            "BEGIN:VALARM".to_string(),
            "ACTION:DISPLAY".to_string(),
            "TRIGGER:-P7D".to_string(),
            format!("DESCRIPTION:{}", escape(&summary)),
            "END:VALARM".to_string(),
            "END:VEVENT".to_string(),
        ]);
    }
    lines.push("END:VCALENDAR".to_string());
    for line in lines {
        out.write_all(fold(&line).as_bytes())?;
    }
    Ok(())
}

/// `Rotate AWS Access Keys (DevOps Lead)`; `… (date unknown: no usable Last Rotated date)`.
fn summary(deadline: &Deadline) -> String {
    let title = match &deadline.unknown_because {
        Some(because) => format!("{} (date unknown: {because})", deadline.title),
        None => deadline.title.clone(),
    };
    match &deadline.owner {
        Some(owner) => format!("{title} ({owner})"),
        None => title,
    }
}

/// The frequency, the last date and where the promise is written.
fn description(deadline: &Deadline) -> String {
    let last = match (deadline.kind, deadline.last) {
        (_, None) => String::new(),
        (ObligationKind::Rotation, Some(last)) => format!(", last rotated {}", iso(last)),
        (ObligationKind::Review, Some(last)) => format!(", last reviewed {}", iso(last)),
        (ObligationKind::Expiry, Some(_)) => String::new(),
    };
    let mut frequency = deadline.frequency.clone();
    if let Some(first) = frequency.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    format!(
        "{frequency}{last}.\nRecorded in {} line {}.",
        deadline.repo_path, deadline.line
    )
}

/// `20260214`.
fn compact(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newline.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line ending in CRLF, folded so that no line exceeds 75 octets: each
/// continuation starts with a space, and a UTF-8 character is never split.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / FOLD_AT * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > FOLD_AT {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_lines_within_75_octets_and_characters_whole() {
        let line = format!("SUMMARY:{}", "Rotate ключи доступа AWS ".repeat(8));
        let folded = fold(&line);
        for part in folded.split_terminator("\r\n") {
            assert!(part.len() <= FOLD_AT, "{} octets: {part:?}", part.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
        assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
    }

    #[test]
    fn text_is_escaped_as_the_rfc_requires() {
        assert_eq!(escape("a,b;c\\d\ne\r"), "a\\,b\\;c\\\\d\\ne");
    }
}
