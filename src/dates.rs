//! The date and frequency grammar (DESIGN §5) and due-date arithmetic. Rules never parse dates
//! themselves; they call these.

use std::sync::LazyLock;

use chrono::{Days, Months, NaiveDate};
use regex::Regex;

use crate::lazy_regex::is_word_byte;

/// How a date was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateForm {
    /// `2026-10-01`, the canonical form.
    Iso,
    /// `2026-10-01T12:00:00Z`: a timestamp whose date part is canonical.
    IsoDateTime,
    /// `2026/10/01`.
    YearSlashed,
    /// `Oct 1, 2026`, `October 1st, 2026`.
    MonthDayYear,
    /// `1 October 2026`, `1st Oct 2026`.
    DayMonthYear,
    /// `31/12/2026` or `12/31/2026`, read only because one part is above 12.
    Numeric,
    /// `January 2026`: counts as the last day of the month.
    MonthOnly,
    /// `Q4/2022`, `2026H2`: counts as the last day of the quarter or half-year.
    Period,
}

impl DateForm {
    /// Whether the date can be rewritten as `YYYY-MM-DD` without changing what it says.
    pub fn rewritable(self) -> bool {
        !matches!(
            self,
            DateForm::Iso | DateForm::IsoDateTime | DateForm::MonthOnly
        )
    }
}

/// A date found in a text, with how it was written and where it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedDate {
    pub date: NaiveDate,
    pub form: DateForm,
    /// Byte range of the date's own text (emphasis around it excluded) in the text given.
    pub start: usize,
    pub end: usize,
}

/// Why a text in a date's place is not a usable date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Well-formed but not in the calendar: `2026-02-30`, `31/06/2021`.
    Impossible(String),
    /// `01/02/2026`: day and month cannot be told apart.
    Ambiguous(String),
    /// Template text such as `YYYY-MM-DD`.
    Placeholder(String),
    /// Nothing that looks like a date.
    Unparsable(String),
}

/// `2026-10-01`, `2026/10/1`, `2026-10-01T08:00:00+02:00` at the start of a text: read by
/// hand, as it is the date of nearly every cell.
struct IsoPrefix<'t> {
    year: &'t str,
    separators: (u8, u8),
    month: &'t str,
    day: &'t str,
    /// A `T08:00…` time follows the day.
    time: bool,
    len: usize,
}

/// Four digits, `-` or `/`, one or two digits, `-` or `/`, one or two digits, and an optional
/// time (`T` and digits, `:` and `.`, then an optional `Z` or `±hh[:]mm`).
fn iso_prefix(text: &str) -> Option<IsoPrefix<'_>> {
    let bytes = text.as_bytes();
    let digits_at = |at: usize, most: usize| {
        bytes.get(at..).map_or(0, |rest| {
            rest.iter()
                .take(most)
                .take_while(|b| b.is_ascii_digit())
                .count()
        })
    };
    let separator = |at: usize| bytes.get(at).copied().filter(|b| matches!(b, b'-' | b'/'));
    if digits_at(0, 4) != 4 {
        return None;
    }
    let first = separator(4)?;
    let month = digits_at(5, 2);
    let second = separator(5 + month).filter(|_| month > 0)?;
    let day_at = 6 + month;
    let day = digits_at(day_at, 2);
    if day == 0 {
        return None;
    }
    let mut len = day_at + day;
    let clock = bytes[len..]
        .iter()
        .skip(1)
        .take_while(|b| b.is_ascii_digit() || matches!(b, b':' | b'.'))
        .count();
    let time = bytes.get(len) == Some(&b'T') && clock > 0;
    if time {
        len += 1 + clock;
        if bytes.get(len) == Some(&b'Z') {
            len += 1;
        } else if matches!(bytes.get(len), Some(b'+' | b'-')) && digits_at(len + 1, 2) == 2 {
            let colon = usize::from(bytes.get(len + 3) == Some(&b':'));
            if digits_at(len + 3 + colon, 2) == 2 {
                len += 5 + colon;
            }
        }
    }
    Some(IsoPrefix {
        year: &text[..4],
        separators: (first, second),
        month: &text[5..5 + month],
        day: &text[day_at..day_at + day],
        time,
        len,
    })
}
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})(?-u:\b)").expect("static regex")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^([a-z]{3,9})\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+([0-9]{4})(?-u:\b)")
        .expect("static regex")
});
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^([0-9]{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\.?,?\s+([0-9]{4})(?-u:\b)",
    )
    .expect("static regex")
});
static MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^([a-z]{3,9})\.?,?\s+([0-9]{4})(?-u:\b)").expect("static regex")
});
static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:Q([1-4])\s*[/ -]?\s*([0-9]{4})|([0-9]{4})\s*[/ -]?\s*Q([1-4])|([0-9]{4})\s*H([12]))(?-u:\b)|^([0-9]{4})H([12])")
        .expect("static regex")
});
static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:yyyy[-/]mm[-/]dd|dd[-/]mm[-/]yyyy|mm[-/]dd[-/]yyyy|tbd|todo|n/?a(?-u:\b))")
        .expect("static regex")
});

/// Whether text that is no date still looks like one someone meant to write — digits joined
/// by a date separator (`2026-13`, `10/2026`), a year (`2026`), a month's name — rather
/// than naming an event (`at release v3`, `until 2.0 ships`), which is no date at all.
pub fn looks_like_a_date(text: &str) -> bool {
    // `2026-13-45`, `31/06/21`: runs of digits joined by date separators, `/` or `-`, or `.`
    // with a four-digit year (`1.2.3` is a version).
    let separated = text
        .split(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '/' | '.')))
        .any(|token| {
            let runs: Vec<&str> = token.split(['-', '/', '.']).collect();
            let digits = runs.len() >= 2 && runs.iter().all(|r| !r.is_empty());
            let slashed = token.contains(['/', '-']);
            let has_year = runs.iter().any(|r| r.len() == 4);
            digits && (slashed || has_year)
        });
    let year = text
        .split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() == 4 && (run.starts_with("19") || run.starts_with("20")));
    let month = text
        .split(|c: char| !c.is_alphabetic())
        .any(|word| month_number(word).is_some());
    separated || year || month
}

/// Whether a date cell that is no date names an event instead — `at release v3`, `until 2.0
/// ships`, `after the audit`, `on request` — which is no bad date either (unlike `soon` or
/// `2026-13-45`).
pub fn names_an_event(text: &str) -> bool {
    const LEADS: &[&str] = &[
        "at",
        "after",
        "before",
        "until",
        "till",
        "upon",
        "on",
        "with",
        "when",
        "once",
        "by",
        "next",
        "per",
        "during",
        "following",
        "every",
    ];
    const EVENTS: &[&str] = &[
        "release",
        "releases",
        "released",
        "ship",
        "ships",
        "shipped",
        "launch",
        "launches",
        "major",
        "minor",
        "version",
        "milestone",
        "audit",
        "incident",
        "request",
        "demand",
        "deploy",
        "deployment",
        "rotation",
        "compromise",
        "offboarding",
        "onboarding",
    ];
    if looks_like_a_date(text) {
        return false;
    }
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let led = words.len() > 1 && LEADS.contains(&words[0]);
    led || words.iter().any(|w| EVENTS.contains(w))
}

/// The month named by `name` (`Oct`, `October`, `Sept`), if any.
fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let name = name.to_lowercase();
    if name == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == name || (name.len() == 3 && m.starts_with(&name)))
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn number(text: &str) -> u32 {
    text.parse().unwrap_or(u32::MAX)
}

fn ymd(year: u32, month: u32, day: u32, text: &str) -> Result<NaiveDate, DateError> {
    i32::try_from(year)
        .ok()
        .and_then(|year| NaiveDate::from_ymd_opt(year, month, day))
        .ok_or_else(|| DateError::Impossible(text.to_string()))
}

/// Reads the date at the start of `text` (leading whitespace and emphasis allowed):
/// `2026-10-01`, `2026/10/01`, `2026-10-01T08:00Z`, `Oct 1, 2026`, `1st October 2026`,
/// `January 2026`, and numeric `DD/MM/YYYY` or `MM/DD/YYYY` when one part is above 12.
pub fn parse_date(text: &str) -> Result<ParsedDate, DateError> {
    let skipped = text.len() - text.trim_start_matches([' ', '\t', '*', '_', '`']).len();
    let rest = &text[skipped..];
    let found = |date, form, len: usize| {
        Ok(ParsedDate {
            date,
            form,
            start: skipped,
            end: skipped + len,
        })
    };
    if let Some(iso) = iso_prefix(rest) {
        let whole = &rest[..iso.len];
        if iso.separators.0 != iso.separators.1 {
            return Err(DateError::Unparsable(whole.to_string()));
        }
        let date = ymd(number(iso.year), number(iso.month), number(iso.day), whole)?;
        let form = match (iso.separators.0, iso.time) {
            (b'/', _) => DateForm::YearSlashed,
            (_, true) => DateForm::IsoDateTime,
            _ if iso.month.len() == 2 && iso.day.len() == 2 => DateForm::Iso,
            _ => DateForm::YearSlashed,
        };
        return found(date, form, whole.len());
    }
    if let Some(c) = NUMERIC.captures(rest) {
        let whole = &c[0];
        let (a, b, year) = (number(&c[1]), number(&c[2]), number(&c[3]));
        let (day, month) = match (a > 12, b > 12) {
            (true, false) => (a, b),
            (false, true) => (b, a),
            (false, false) if a == b => (a, b),
            (false, false) => return Err(DateError::Ambiguous(whole.to_string())),
            (true, true) => return Err(DateError::Impossible(whole.to_string())),
        };
        return found(
            ymd(year, month, day, whole)?,
            DateForm::Numeric,
            whole.len(),
        );
    }
    if let Some(c) = MONTH_DAY_YEAR.captures(rest)
        && let Some(month) = month_number(&c[1])
    {
        let date = ymd(number(&c[3]), month, number(&c[2]), &c[0])?;
        return found(date, DateForm::MonthDayYear, c[0].len());
    }
    if let Some(c) = DAY_MONTH_YEAR.captures(rest)
        && let Some(month) = month_number(&c[2])
    {
        let date = ymd(number(&c[3]), month, number(&c[1]), &c[0])?;
        return found(date, DateForm::DayMonthYear, c[0].len());
    }
    if let Some(c) = MONTH_YEAR.captures(rest)
        && let Some(month) = month_number(&c[1])
    {
        let first = ymd(number(&c[2]), month, 1, &c[0])?;
        let last = first
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            .ok_or_else(|| DateError::Impossible(c[0].to_string()))?;
        return found(last, DateForm::MonthOnly, c[0].len());
    }
    if let Some(c) = QUARTER.captures(rest) {
        let group = |i| c.get(i).map(|m| number(m.as_str()));
        let (year, last_month) = match (group(1), group(2), group(3), group(4)) {
            (Some(q), Some(year), _, _) | (_, _, Some(year), Some(q)) => (year, q * 3),
            _ => match (group(5).or(group(7)), group(6).or(group(8))) {
                (Some(year), Some(half)) => (year, half * 6),
                _ => return Err(DateError::Unparsable(c[0].to_string())),
            },
        };
        let last = ymd(year, last_month, 1, &c[0])?
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            .ok_or_else(|| DateError::Impossible(c[0].to_string()))?;
        return found(last, DateForm::Period, c[0].len());
    }
    let shown = rest.split_whitespace().next().unwrap_or("").to_string();
    if PLACEHOLDER.is_match(rest) {
        return Err(DateError::Placeholder(shown));
    }
    Err(DateError::Unparsable(shown))
}

/// The first date in `text`: at its start, else at the start of a later word
/// (`End of Life: 2025-12-31`). An error is returned only when no word starts a date and the
/// first word that looks like one is impossible, ambiguous or a placeholder.
pub fn find_date(text: &str) -> Result<ParsedDate, DateError> {
    let first = parse_date(text);
    if !matches!(first, Err(DateError::Unparsable(_))) {
        return first;
    }
    let word_starts = text
        .char_indices()
        .filter(|&(i, c)| i > 0 && !c.is_whitespace() && text[..i].ends_with([' ', '\t', ':', '(']))
        .map(|(i, _)| i);
    for start in word_starts {
        match parse_date(&text[start..]) {
            Ok(date) => {
                return Ok(ParsedDate {
                    start: date.start + start,
                    end: date.end + start,
                    ..date
                });
            }
            Err(DateError::Unparsable(_)) => continue,
            Err(err) => return Err(err),
        }
    }
    first
}

/// The canonical spelling, `YYYY-MM-DD`.
pub fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A recurrence: `Every 90 days`, `quarterly`, `P1Y`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frequency {
    Days(u64),
    Weeks(u64),
    Months(u64),
    Years(u64),
}

/// The units `Every N <unit>` may name, lower-case.
const UNITS: &[&str] = &[
    "d", "day", "days", "w", "wk", "wks", "week", "weeks", "m", "mo", "mos", "month", "months",
    "y", "yr", "yrs", "year", "years",
];

/// `every N <unit>`, `once every N <unit>` or `N <unit>` (`90d`) at the start of `lower`
/// (lower-case text), the unit a word of its own: the number and the unit.
fn every_n(lower: &str) -> Option<(&str, &str)> {
    /// `w` and white space, at the start of `s`: the rest after the white space.
    fn word<'s>(s: &'s str, w: &str) -> Option<&'s str> {
        let rest = s.strip_prefix(w)?;
        let after = rest.trim_start();
        (after.len() < rest.len()).then_some(after)
    }
    let rest = word(lower, "every")
        .or_else(|| word(lower, "once").and_then(|r| word(r, "every")))
        .unwrap_or(lower);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (number, after) = rest.split_at(digits);
    let after = after.trim_start();
    let unit = &after[..after.bytes().take_while(|&b| is_word_byte(b)).count()];
    (digits > 0 && UNITS.contains(&unit)).then_some((number, unit))
}

/// `P<N><D|W|M|Y>` (ISO 8601, upper-case), the whole text: the number and the unit.
fn iso_duration(upper: &str) -> Option<(&str, char)> {
    let rest = upper.strip_prefix('P')?;
    let unit = rest.chars().next_back().filter(|u| "DWMY".contains(*u))?;
    let number = &rest[..rest.len() - 1];
    (!number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())).then_some((number, unit))
}

impl Frequency {
    /// Reads a frequency: `Every N days|weeks|months|years`, `N days`, `90d`, `P90D`/`P3M`/`P1Y`,
    /// `daily`, `weekly`, `biweekly`/`fortnightly`/`every 2 weeks`, `monthly`, `quarterly`,
    /// `semi-annually`/`twice a year`/`every 6 months`, `annually`/`yearly`.
    pub fn parse(text: &str) -> Option<Frequency> {
        Frequency::parse_allowing_zero(text, false)
    }

    /// A length of time in the same grammar, where zero is allowed (`--within 0d`: only what
    /// is due today or overdue).
    pub fn parse_duration(text: &str) -> Option<Frequency> {
        Frequency::parse_allowing_zero(text, true)
    }

    fn parse_allowing_zero(text: &str, zero: bool) -> Option<Frequency> {
        let text = text.trim().trim_matches(['*', '_', '`']).trim();
        let lower = text.to_lowercase();
        let named = match lower.trim_end_matches('.') {
            "daily" | "every day" => Some(Frequency::Days(1)),
            "weekly" | "every week" => Some(Frequency::Weeks(1)),
            "biweekly" | "bi-weekly" | "fortnightly" | "every other week" => {
                Some(Frequency::Weeks(2))
            }
            "monthly" | "every month" => Some(Frequency::Months(1)),
            "quarterly" | "every quarter" => Some(Frequency::Months(3)),
            "semi-annually" | "semiannually" | "semi-annual" | "biannually" | "twice a year"
            | "twice yearly" | "half-yearly" => Some(Frequency::Months(6)),
            "annually" | "annual" | "yearly" | "every year" | "once a year" => {
                Some(Frequency::Years(1))
            }
            _ => None,
        };
        if named.is_some() {
            return named;
        }
        if let Some((number, unit)) = iso_duration(&text.to_uppercase()) {
            // `P0D` recurs never: not a frequency.
            let n = number.parse().ok().filter(|&n| zero || n > 0)?;
            return Some(match unit {
                'D' => Frequency::Days(n),
                'W' => Frequency::Weeks(n),
                'M' => Frequency::Months(n),
                _ => Frequency::Years(n),
            });
        }
        let (number, unit) = every_n(&lower)?;
        // Too many digits for any calendar: keep the frequency, `due` will refuse it.
        let n = number.parse().unwrap_or(u64::MAX);
        if n == 0 && !zero {
            return None;
        }
        Some(match unit.as_bytes()[0] {
            b'd' => Frequency::Days(n),
            b'w' => Frequency::Weeks(n),
            b'm' => Frequency::Months(n),
            _ => Frequency::Years(n),
        })
    }

    /// `from` plus this frequency; months and years are added to the original date, clamping
    /// at month end (2024-11-30 + 3 months = 2025-02-28). `None` past the calendar's end.
    pub fn due(self, from: NaiveDate) -> Option<NaiveDate> {
        let months = |n: u64| u32::try_from(n).ok().map(Months::new);
        match self {
            Frequency::Days(n) => from.checked_add_days(Days::new(n)),
            Frequency::Weeks(n) => from.checked_add_days(Days::new(n.checked_mul(7)?)),
            Frequency::Months(n) => from.checked_add_months(months(n)?),
            Frequency::Years(n) => from.checked_add_months(months(n.checked_mul(12)?)?),
        }
    }

    /// `every 90 days`, `every 3 months`.
    pub fn describe(self) -> String {
        let (n, unit) = match self {
            Frequency::Days(n) => (n, "day"),
            Frequency::Weeks(n) => (n, "week"),
            Frequency::Months(n) => (n, "month"),
            Frequency::Years(n) => (n, "year"),
        };
        if n == 1 {
            format!("every {unit}")
        } else {
            format!("every {n} {unit}s")
        }
    }
}

/// `1 day`, `281 days`.
pub fn days_text(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    to.signed_duration_since(from).num_days()
}

#[cfg(test)]
mod event_tests {
    use super::{looks_like_a_date, names_an_event};

    #[test]
    fn an_event_is_not_an_attempted_date() {
        for event in [
            "at release v3",
            "until 2.0 ships",
            "with 1.2.3",
            "on request",
            "next major",
        ] {
            assert!(!looks_like_a_date(event), "{event}");
            assert!(names_an_event(event), "{event}");
        }
        for vague in ["soon", "recently", "2026-13-45", "+275760-09-13"] {
            assert!(!names_an_event(vague), "{vague}");
        }
        for attempt in [
            "2026-13-45",
            "10/2026",
            "Q3 2026",
            "sometime in March",
            "31/06/21",
            "1.13.2026",
            "+275760-09-13",
        ] {
            assert!(looks_like_a_date(attempt), "{attempt}");
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The ISO prefix as a regular expression: the specification of `iso_prefix`.
    static ISO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^([0-9]{4})([-/])([0-9]{1,2})([-/])([0-9]{1,2})(T[0-9:.]+(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?",
        )
        .unwrap()
    });

    /// The frequency grammar as regular expressions: the specification of `every_n` and
    /// `iso_duration`.
    static EVERY_N: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:every\s+|once\s+every\s+)?([0-9]+)\s*(d|days?|w|wks?|weeks?|m|mos?|months?|y|yrs?|years?)(?-u:\b)")
            .unwrap()
    });
    static DURATION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^P([0-9]+)([DWMY])$").unwrap());

    const FREQUENCY_PIECES: &[&str] = &[
        "every",
        "once",
        " ",
        "  ",
        "\t",
        "\u{a0}",
        "90",
        "0",
        "1",
        "d",
        "days",
        "day",
        "w",
        "wks",
        "weeks",
        "m",
        "mos",
        "months",
        "y",
        "yrs",
        "years",
        "x",
        "_",
        "é",
        "-",
        "P",
        "D",
        "W",
        "M",
        "Y",
        "p",
        "s",
        "once every",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn the_frequency_grammar_follows_its_patterns(
            pieces in proptest::collection::vec(proptest::sample::select(FREQUENCY_PIECES), 0..8)
        ) {
            let text = pieces.concat().to_lowercase();
            let by_pattern = EVERY_N.captures(&text).map(|c| (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str()));
            prop_assert_eq!(every_n(&text), by_pattern, "{:?}", text);
            let upper = text.to_uppercase();
            let by_pattern = DURATION.captures(&upper).map(|c| (c.get(1).unwrap().as_str(), c[2].chars().next().unwrap()));
            prop_assert_eq!(iso_duration(&upper), by_pattern, "{:?}", upper);
        }
    }

    const PIECES: &[&str] = &[
        "2026",
        "202",
        "1",
        "12",
        "123",
        "-",
        "/",
        ".",
        ":",
        "T",
        "Z",
        "+",
        "05",
        "0530",
        " ",
        "x",
        "2026-11-22",
        "2026/1/2",
        "T08:00",
        "T.",
        "+05:30",
        "-0530",
        "+05:3",
        "Z",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn the_iso_prefix_follows_its_pattern(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..10)
        ) {
            let text = pieces.concat();
            let by_hand = iso_prefix(&text).map(|i| {
                let separators = (char::from(i.separators.0), char::from(i.separators.1));
                (i.year, separators, i.month, i.day, i.time, i.len)
            });
            let by_pattern = ISO.captures(&text).map(|c| {
                let separators = (c[2].chars().next().unwrap(), c[4].chars().next().unwrap());
                let parts = (c.get(1).unwrap().as_str(), separators, c.get(3).unwrap().as_str());
                (parts.0, parts.1, parts.2, c.get(5).unwrap().as_str(), c.get(6).is_some(), c[0].len())
            });
            prop_assert_eq!(by_hand, by_pattern, "{:?}", text);
        }
    }

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    /// Text → Ok((canonical date, form)) or the kind of error.
    #[test]
    fn date_grammar() {
        use DateForm::*;
        enum Want {
            Date(&'static str, DateForm),
            Impossible,
            Ambiguous,
            Placeholder,
            Unparsable,
        }
        use Want::*;
        let cases: &[(&str, Want)] = &[
            ("2026-10-01", Date("2026-10-01", Iso)),
            ("2025-11-16", Date("2025-11-16", Iso)),
            ("2024-02-29", Date("2024-02-29", Iso)),
            ("2000-02-29", Date("2000-02-29", Iso)),
            ("1900-02-29", Impossible),
            ("2026-02-29", Impossible),
            ("2026-02-30", Impossible),
            ("2026-04-31", Impossible),
            ("2026-13-01", Impossible),
            ("2026-00-10", Impossible),
            ("2026-01-00", Impossible),
            ("9999-12-31", Date("9999-12-31", Iso)),
            ("2026-1-5", Date("2026-01-05", YearSlashed)),
            ("2026/09/15", Date("2026-09-15", YearSlashed)),
            ("2026/9/5", Date("2026-09-05", YearSlashed)),
            ("2026/02/30", Impossible),
            ("2026-09/15", Unparsable),
            ("2026-02-20T21:55:00Z", Date("2026-02-20", IsoDateTime)),
            ("2026-02-20T21:55", Date("2026-02-20", IsoDateTime)),
            ("2026-02-20T21:55:00+02:00", Date("2026-02-20", IsoDateTime)),
            ("2025-11-16 (initial)", Date("2025-11-16", Iso)),
            ("  **2025-11-16**", Date("2025-11-16", Iso)),
            ("`2025-11-16`", Date("2025-11-16", Iso)),
            ("Oct 1, 2026", Date("2026-10-01", MonthDayYear)),
            ("October 1, 2026", Date("2026-10-01", MonthDayYear)),
            ("October 1 2026", Date("2026-10-01", MonthDayYear)),
            ("Oct. 1, 2026", Date("2026-10-01", MonthDayYear)),
            ("Sept 30, 2026", Date("2026-09-30", MonthDayYear)),
            ("Sep 30, 2026", Date("2026-09-30", MonthDayYear)),
            ("November 9, 2025", Date("2025-11-09", MonthDayYear)),
            ("January 15, 2025", Date("2025-01-15", MonthDayYear)),
            ("February 29, 2024", Date("2024-02-29", MonthDayYear)),
            ("February 29, 2025", Impossible),
            ("February 30, 2024", Impossible),
            ("october 1st, 2026", Date("2026-10-01", MonthDayYear)),
            ("May 22nd, 2026", Date("2026-05-22", MonthDayYear)),
            ("1 October 2026", Date("2026-10-01", DayMonthYear)),
            ("3 March 2026", Date("2026-03-03", DayMonthYear)),
            ("1st October 2026", Date("2026-10-01", DayMonthYear)),
            ("2nd Feb 2026", Date("2026-02-02", DayMonthYear)),
            ("23rd of June 2026", Date("2026-06-23", DayMonthYear)),
            ("31 April 2026", Impossible),
            ("31 Dec 2026", Date("2026-12-31", DayMonthYear)),
            ("January 2026", Date("2026-01-31", MonthOnly)),
            ("February 2024", Date("2024-02-29", MonthOnly)),
            ("February 2026", Date("2026-02-28", MonthOnly)),
            ("April 2026", Date("2026-04-30", MonthOnly)),
            ("December 9999", Date("9999-12-31", MonthOnly)),
            ("January 2026 (v1.6.0).", Date("2026-01-31", MonthOnly)),
            ("Dec, 2025", Date("2025-12-31", MonthOnly)),
            ("31/12/2026", Date("2026-12-31", Numeric)),
            ("12/31/2026", Date("2026-12-31", Numeric)),
            ("13/01/2026", Date("2026-01-13", Numeric)),
            ("01/13/2026", Date("2026-01-13", Numeric)),
            ("05/05/2026", Date("2026-05-05", Numeric)),
            ("01/02/2026", Ambiguous),
            ("06/01/2023", Ambiguous),
            ("12/11/2026", Ambiguous),
            ("31/06/2021", Impossible),
            ("30/02/2026", Impossible),
            ("13/13/2026", Impossible),
            ("31.12.2026", Date("2026-12-31", Numeric)),
            ("YYYY-MM-DD", Placeholder),
            ("yyyy/mm/dd", Placeholder),
            ("DD/MM/YYYY", Placeholder),
            ("TBD", Placeholder),
            ("N/A", Placeholder),
            ("", Unparsable),
            ("soon", Unparsable),
            ("Q4/2022", Date("2022-12-31", Period)),
            ("Q2/2021", Date("2021-06-30", Period)),
            ("2026 Q1", Date("2026-03-31", Period)),
            ("2026H2(plan)", Date("2026-12-31", Period)),
            ("2024H1", Date("2024-06-30", Period)),
            ("Q5/2022", Unparsable),
            ("Smarch 1, 2026", Unparsable),
            ("20220513", Unparsable),
            ("99999-01-01", Unparsable),
            ("Ongoing", Unparsable),
        ];
        assert!(cases.len() >= 70);
        for (text, want) in cases {
            let got = parse_date(text);
            match (want, &got) {
                (Date(date, form), Ok(p)) => {
                    assert_eq!((p.date, p.form), (d(date), *form), "{text}");
                    assert!(p.start < p.end && p.end <= text.len(), "{text}");
                }
                (Impossible, Err(DateError::Impossible(_)))
                | (Ambiguous, Err(DateError::Ambiguous(_)))
                | (Placeholder, Err(DateError::Placeholder(_)))
                | (Unparsable, Err(DateError::Unparsable(_))) => {}
                _ => panic!("{text}: got {got:?}"),
            }
        }
    }

    #[test]
    fn a_date_reports_where_it_was() {
        let parsed = parse_date("2025-11-16 (quarterly review)").expect("date");
        assert_eq!((parsed.start, parsed.end), (0, "2025-11-16".len()));
        let parsed = parse_date("**Oct 1, 2026** and more").expect("date");
        assert_eq!((parsed.start, parsed.end), (2, "**Oct 1, 2026".len()));
        let parsed = find_date("End of Life: 2025-12-31").expect("date");
        assert_eq!((parsed.date, parsed.start), (d("2025-12-31"), 13));
        assert_eq!(
            find_date("Ongoing"),
            Err(DateError::Unparsable("Ongoing".to_string()))
        );
        assert!(matches!(
            find_date("until 31/06/2021"),
            Err(DateError::Impossible(_))
        ));
    }

    /// Frequency text, start date, expected due date (`None`: beyond the calendar).
    #[test]
    fn frequency_grammar_and_due_dates() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("Every 90 days", "2025-11-16", Some("2026-02-14")),
            ("Every 180 days", "2025-11-16", Some("2026-05-15")),
            ("every 90 days", "2024-12-31", Some("2025-03-31")),
            ("90 days", "2026-01-01", Some("2026-04-01")),
            ("90d", "2026-01-01", Some("2026-04-01")),
            ("90 d", "2026-01-01", Some("2026-04-01")),
            ("1 day", "2026-12-31", Some("2027-01-01")),
            ("P90D", "2026-01-01", Some("2026-04-01")),
            ("p90d", "2026-01-01", Some("2026-04-01")),
            ("P2W", "2026-01-01", Some("2026-01-15")),
            ("P3M", "2024-11-30", Some("2025-02-28")),
            ("P1Y", "2024-02-29", Some("2025-02-28")),
            ("daily", "2026-02-28", Some("2026-03-01")),
            ("Daily", "2024-02-28", Some("2024-02-29")),
            ("weekly", "2026-12-28", Some("2027-01-04")),
            ("Weekly", "2026-01-01", Some("2026-01-08")),
            ("biweekly", "2026-01-01", Some("2026-01-15")),
            ("bi-weekly", "2026-01-01", Some("2026-01-15")),
            ("fortnightly", "2026-01-01", Some("2026-01-15")),
            ("every 2 weeks", "2026-01-01", Some("2026-01-15")),
            ("Monthly", "2026-01-31", Some("2026-02-28")),
            ("monthly", "2024-01-31", Some("2024-02-29")),
            ("Every month", "2026-03-31", Some("2026-04-30")),
            ("quarterly", "2024-11-30", Some("2025-02-28")),
            ("Quarterly", "2025-11-16", Some("2026-02-16")),
            ("every 3 months", "2026-05-31", Some("2026-08-31")),
            ("semi-annually", "2026-08-31", Some("2027-02-28")),
            ("twice a year", "2026-01-15", Some("2026-07-15")),
            ("every 6 months", "2026-01-15", Some("2026-07-15")),
            ("annually", "2024-02-29", Some("2025-02-28")),
            ("yearly", "2026-06-01", Some("2027-06-01")),
            ("Every 2 years", "2026-06-01", Some("2028-06-01")),
            ("12 months", "2026-06-01", Some("2027-06-01")),
            ("**Every 90 days**", "2025-11-16", Some("2026-02-14")),
            ("Every 99999999999 days", "2026-01-01", None),
            ("Every 99999999999999999999999 days", "2026-01-01", None),
            ("Every 5000000000 months", "2026-01-01", None),
        ];
        assert!(cases.len() >= 35);
        for (text, from, due) in cases {
            let frequency = Frequency::parse(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(frequency.due(d(from)), due.map(d), "{text} from {from}");
        }
    }

    #[test]
    fn the_end_of_the_calendar_is_a_none_not_a_panic() {
        let far = Frequency::Years(1)
            .due(d("9999-12-31"))
            .expect("chrono goes past 9999");
        assert_eq!(iso(far), "+10000-12-31");
        assert_eq!(Frequency::Days(1).due(NaiveDate::MAX), None);
        assert_eq!(Frequency::Years(1).due(NaiveDate::MAX), None);
        assert_eq!(Frequency::Weeks(u64::MAX).due(d("2026-01-01")), None);
    }

    #[test]
    fn unknown_frequencies() {
        for text in [
            "",
            "sometimes",
            "when needed",
            "As required",
            "every",
            "90",
            "P90X",
            "Never",
            "Every 0 days",
            "0d",
            "P0D",
            "Every -5 days",
        ] {
            assert_eq!(Frequency::parse(text), None, "{text}");
        }
    }

    #[test]
    fn frequencies_describe_themselves() {
        assert_eq!(Frequency::Days(90).describe(), "every 90 days");
        assert_eq!(Frequency::Months(1).describe(), "every month");
        assert_eq!(
            Frequency::parse("quarterly")
                .map(Frequency::describe)
                .as_deref(),
            Some("every 3 months")
        );
    }

    #[test]
    fn today_equal_to_due_is_zero_days() {
        let due = Frequency::Days(90).due(d("2025-11-16")).expect("due");
        assert_eq!(days_between(due, d("2026-02-14")), 0);
        assert_eq!(days_between(due, d("2026-11-22")), 281);
        assert_eq!(iso(due), "2026-02-14");
    }
}
