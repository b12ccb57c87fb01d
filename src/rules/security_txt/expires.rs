//! `Expires`: present, once, an RFC 3339 date-time, ahead of today but less than a year ahead.

use chrono::{Months, NaiveDate};

use super::finding;
use crate::dates::{days_text, iso};
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::io::source::Span;
use crate::lint::rule::{RuleMeta, TxtContext, TxtRule};
use crate::security_txt::SecurityTxt;

/// How to renew, for every help text of this family.
const RENEW: &str = "renew it with `policy-lint renew` (a year ahead, minus a day), or \
                     `policy-lint renew --until YYYY-MM-DD`";

declare_rule! {
    /// ## What it does
    /// Reports a security.txt file without an `Expires` field (sectxt: `no_expire`).
    ///
    /// ## Why is this bad?
    /// RFC 9116 §2.5.5: the field "MUST always be present". It tells readers when to stop
    /// trusting the file; a file without one is invalid for every validator, and many files
    /// written before the RFC lack it.
    ///
    /// ## Example
    /// ```text
    /// Contact: mailto:security@example.org
    /// ```
    /// Use instead:
    /// ```text
    /// Contact: mailto:security@example.org
    /// Expires: 2027-11-30T00:00:00Z
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the date is a promise. `policy-lint renew` adds the field.
    pub MissingExpires("txt-missing-expires", Error, None, "security.txt has no Expires field")
}

impl TxtRule for MissingExpires {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        if txt.fields_named("expires").next().is_none() {
            out.push(finding(
                &Self::META,
                Span::empty(txt.source.bom_len()),
                "security.txt has no `Expires` field, which RFC 9116 requires".to_string(),
                "add one with `policy-lint renew`, e.g. `Expires: 2027-11-30T00:00:00Z`",
                None,
            ));
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an `Expires` value that is not an RFC 3339 date-time with a time zone, such as
    /// `2026-12-31T23:59:59Z` or `2026-12-31T23:59:59+01:00` (sectxt: `invalid_expiry`).
    ///
    /// ## Why is this bad?
    /// RFC 9116 §2.5.5 requires the `date-time` format of RFC 3339 §5.6; a bare date, a
    /// time without a zone or an e-mail-style date cannot be compared by the tools that read
    /// the file.
    ///
    /// ## Example
    /// ```text
    /// Expires: 31 Dec 2026
    /// ```
    /// Use instead:
    /// ```text
    /// Expires: 2026-12-31T23:59:59Z
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the moment a date stands for is not certain. `policy-lint renew`
    /// writes a valid value.
    pub InvalidExpires("txt-invalid-expires", Error, None, "the expiry date is not an RFC 3339 date-time")
}

impl TxtRule for InvalidExpires {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for expiry in txt.expiries.iter().filter(|e| e.at.is_none()) {
            let value = txt.text(expiry.value);
            if !value.is_empty() {
                out.push(finding(
                    &Self::META,
                    expiry.value,
                    format!("`{value}` is not an RFC 3339 date-time"),
                    format!(
                        "write it as `YYYY-MM-DDTHH:MM:SSZ`, e.g. `2026-12-31T23:59:59Z`; or {RENEW}"
                    ),
                    None,
                ));
            }
        }
    }
}

/// Each `Expires` that parses, with its day in UTC.
fn expiry_dates<'t>(txt: &'t SecurityTxt<'_>) -> impl Iterator<Item = (Span, NaiveDate)> + 't {
    txt.expiries
        .iter()
        .filter_map(|expiry| Some((expiry.value, expiry.at?.naive_utc().date())))
}

declare_rule! {
    /// ## What it does
    /// Reports an `Expires` date before today (sectxt: `expired`). A file that expires today
    /// is reported by `txt-expires-soon`.
    ///
    /// ## Why is this bad?
    /// RFC 9116 §2.5.5: a file past its `Expires` "SHOULD be considered stale", so the
    /// contacts in it are no longer to be trusted. Nobody notices the date pass: this is the
    /// deadline `policy-lint deadlines` lists for each security.txt.
    ///
    /// ## Example
    /// `Expires: 2025-06-30T22:00:00Z`, checked on 2026-12-01.
    ///
    /// ## Fix safety
    /// No automatic fix: renewing is a promise. `policy-lint renew` sets a new date.
    pub Expired("txt-expired", Error, None, "security.txt has expired")
}

impl TxtRule for Expired {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, ctx: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for (span, date) in expiry_dates(txt) {
            let late = crate::dates::days_between(date, ctx.today);
            if late > 0 {
                out.push(finding(
                    &Self::META,
                    span,
                    format!(
                        "security.txt expired on {} ({} ago)",
                        iso(date),
                        days_text(late)
                    ),
                    RENEW,
                    None,
                ));
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports an `Expires` date more than a year after today (sectxt: `long_expiry`).
    ///
    /// ## Why is this bad?
    /// RFC 9116 §2.5.5 recommends "less than a year into the future", so that a file
    /// forgotten on a server goes stale instead of vouching for old contacts for decades.
    ///
    /// ## Example
    /// `Expires: 2050-01-01T00:00:00Z`.
    ///
    /// ## Fix safety
    /// No automatic fix. `policy-lint renew` sets a date a year ahead, minus a day.
    pub ExpiresTooFar("txt-expires-too-far", Warning, None, "the expiry date is more than a year ahead")
}

impl TxtRule for ExpiresTooFar {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, ctx: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(limit) = ctx.today.checked_add_months(Months::new(12)) else {
            return;
        };
        for (span, date) in expiry_dates(txt) {
            if date > limit {
                out.push(finding(
                    &Self::META,
                    span,
                    format!(
                        "`Expires` is {} ahead, more than the year RFC 9116 recommends",
                        days_text(crate::dates::days_between(ctx.today, date))
                    ),
                    format!("set a date before {}: {RENEW}", iso(limit)),
                    None,
                ));
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Warns when `Expires` falls within the pack's `security-txt: warning-window-days`
    /// (30 days in the built-in pack), today included. No `sectxt` check matches it.
    ///
    /// ## Why is this bad?
    /// A file about to expire becomes invalid without anyone editing it. Renewing it ahead
    /// of time keeps the deployed file valid while the change ships.
    ///
    /// ## Example
    /// `Expires: 2026-12-10T00:00:00Z`, checked on 2026-12-01.
    ///
    /// ## Fix safety
    /// No automatic fix. `policy-lint renew` sets a new date.
    pub ExpiresSoon("txt-expires-soon", Warning, None, "the expiry date falls within the warning window")
}

impl TxtRule for ExpiresSoon {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, ctx: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        let window = i64::from(ctx.pack.security_txt.warning_window_days);
        for (span, date) in expiry_dates(txt) {
            let left = crate::dates::days_between(ctx.today, date);
            if (0..=window).contains(&left) {
                let when = match left {
                    0 => "today".to_string(),
                    n => format!("in {}", days_text(n)),
                };
                out.push(finding(
                    &Self::META,
                    span,
                    format!("security.txt expires {when} ({})", iso(date)),
                    RENEW,
                    None,
                ));
            }
        }
    }
}
