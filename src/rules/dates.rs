//! Every date where a date belongs — date columns of the pack's tables, dated fields — must be
//! a real date, written `YYYY-MM-DD`, and not in the future when it records the past.

use crate::dates::{self, DateError, DateForm, iso};
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::document::Document;
use crate::lint::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a date column cell or a dated field (`Last Updated`, `Next Review`…) that holds
    /// an impossible date (`2026-02-30`, `31/06/2021`), template text (`YYYY-MM-DD`) or, in a
    /// date column, text that is no date at all. Words the pack lists for "no date"
    /// (`Ongoing`, `N/A`) are accepted in date columns.
    ///
    /// ## Why is this bad?
    /// Every deadline computed from the date is wrong or impossible, so the rotation or
    /// review it guards is never checked.
    ///
    /// ## Example
    /// ```markdown
    /// | GitHub Token | Every 90 days | DevOps Lead | 2026-02-30 |
    /// ```
    /// Use instead the real date, e.g. `2026-02-28`.
    ///
    /// ## Fix safety
    /// No automatic fix: the intended date is unknown.
    pub InvalidDate("invalid-date", Error, None, "an impossible or unparsable date where a date belongs")
}

declare_rule! {
    /// ## What it does
    /// Warns about a date not written `YYYY-MM-DD`: `Oct 1, 2026`, `2026/09/15`,
    /// `3 March 2026`, `31/12/2026`, a month-only `January 2026`, or an ambiguous
    /// `01/02/2026` (1 February or 2 January?).
    ///
    /// ## Why is this bad?
    /// ISO dates sort, compare and read the same in every country; other spellings are
    /// misread, and an ambiguous one can move a deadline by months.
    ///
    /// ## Example
    /// ```markdown
    /// **Last Updated**: Oct 1, 2026
    /// ```
    /// Use instead `**Last Updated**: 2026-10-01`.
    ///
    /// ## Fix safety
    /// Safe when the date is unambiguous: the fix rewrites the same day as `YYYY-MM-DD`. No
    /// fix for ambiguous numeric dates, month-only dates or quarters, which would need a guess.
    pub NonIsoDate("non-iso-date", Warning, Safe, "a date not written YYYY-MM-DD")
}

declare_rule! {
    /// ## What it does
    /// Reports a date that records the past — a last-rotated date, an incident date, a
    /// `Last Updated` or `Last reviewed` field — when it lies after today.
    ///
    /// ## Why is this bad?
    /// A rotation "done" next month pushes its own deadline out; such a date is a typo or a
    /// plan written down as a fact.
    ///
    /// ## Example
    /// On 2026-11-22, `**Last Updated**: 2026-12-01`.
    ///
    /// ## Fix safety
    /// No automatic fix: the real date is unknown.
    pub FutureDate("future-date", Error, None, "a date that records the past lies after today")
}

impl Rule for InvalidDate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for value in &ctx.policy.dates {
            let (message, help) = match &value.parsed {
                Ok(_) | Err(DateError::Ambiguous(_)) => continue,
                // A cell that names an event (`at release v3`) is no date, and no bad one.
                Err(DateError::Unparsable(_)) if dates::names_an_event(value.text) => {
                    continue;
                }
                Err(DateError::Impossible(text)) => (
                    format!("`{text}` in {} is not a calendar date", value.what),
                    "correct the day or month; dates are written YYYY-MM-DD",
                ),
                Err(DateError::Placeholder(text)) => (
                    format!(
                        "{} holds template text `{text}` instead of a date",
                        value.what
                    ),
                    "write the real date as YYYY-MM-DD",
                ),
                Err(DateError::Unparsable(_)) => (
                    format!("`{}` in {} is not a date", value.text, value.what),
                    "write the date as YYYY-MM-DD",
                ),
            };
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span: value.span,
                message,
                help: Some(help.to_string()),
                fix: None,
            });
        }
    }
}

impl Rule for NonIsoDate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for value in &ctx.policy.dates {
            let (message, fix) = match &value.parsed {
                Err(DateError::Ambiguous(text)) => (
                    format!(
                        "`{text}` in {} is ambiguous: day and month cannot be told apart",
                        value.what
                    ),
                    None,
                ),
                Ok(parsed)
                    if parsed.form == DateForm::MonthOnly || parsed.form == DateForm::Period =>
                {
                    (
                        format!(
                            "`{}` in {} names no day; it counts as {}",
                            doc.text(value.span),
                            value.what,
                            iso(parsed.date)
                        ),
                        None,
                    )
                }
                Ok(parsed) if parsed.form.rewritable() => {
                    let canonical = iso(parsed.date);
                    let fix = Fix {
                        title: format!("write `{canonical}`"),
                        applicability: Applicability::Safe,
                        edits: vec![Edit {
                            span: value.span,
                            replacement: canonical.clone(),
                        }],
                    };
                    (
                        format!(
                            "`{}` in {} is not written YYYY-MM-DD ({canonical})",
                            doc.text(value.span),
                            value.what
                        ),
                        Some(fix),
                    )
                }
                _ => continue,
            };
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span: value.span,
                message,
                help: Some(match fix {
                    Some(_) => "run `policy-lint --fix` to rewrite it".to_string(),
                    None => "write the full date as YYYY-MM-DD".to_string(),
                }),
                fix,
            });
        }
    }
}

impl Rule for FutureDate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for value in ctx.policy.dates.iter().filter(|v| v.past) {
            let Ok(parsed) = &value.parsed else { continue };
            // A month or quarter that has begun is not in the future.
            if matches!(parsed.form, DateForm::MonthOnly | DateForm::Period)
                || parsed.date <= ctx.today
            {
                continue;
            }
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span: value.span,
                message: format!(
                    "{} is {}, after today ({})",
                    value.what,
                    iso(parsed.date),
                    iso(ctx.today)
                ),
                help: Some("record the date on which it really happened".to_string()),
                fix: None,
            });
        }
    }
}
