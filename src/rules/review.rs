//! Review deadlines: `Next Review`, the last review or update, the cadence between them.

use chrono::NaiveDate;

use crate::dates::{self, iso};
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::document::Document;
use crate::io::source::Span;
use crate::lint::policy::{DateSubject, FieldKind, TableKind};
use crate::lint::rule::{Context, Rule, RuleMeta};
use crate::lint::schedule::{self, Basis, Status};
use crate::pack::RequireReviewDate;

declare_rule! {
    /// ## What it does
    /// Reports a policy whose review is overdue: its `Next Review` date (or `Next review due`,
    /// `Review by`) is before today; or, without one, its last review (`Last reviewed`, else
    /// `Last Updated`) plus the review cadence the policy states is before today. The cadence
    /// comes from what the document says of its own review — `(quarterly review)` beside
    /// Next Review, "this policy is reviewed and updated quarterly" — never from other
    /// reviews. A policy that states neither a Next Review nor a cadence promised no review
    /// date; the `security-md-strict` pack (`apply-default-cadence: true`) judges it by the
    /// pack's default cadence (annually).
    ///
    /// ## Why is this bad?
    /// A stale policy lists people who left, versions no longer shipped and channels no
    /// longer read. The review date is the promise that someone checks.
    ///
    /// ## Example
    /// On 2026-11-22:
    /// ```markdown
    /// **Last Updated**: 2025-11-16
    /// **Next Review**: 2026-02-16 (quarterly review)
    /// ```
    /// Review the policy, then run `policy-lint review`.
    ///
    /// ## Fix safety
    /// No automatic fix: a fix never moves a review deadline; only `policy-lint review` does,
    /// after a review.
    pub ReviewOverdue("review-overdue", Error, None, "the policy's review is overdue")
}

declare_rule! {
    /// ## What it does
    /// Warns when `Next Review` lies later than the last review (or update) plus the review
    /// cadence: the deadline was pushed out without a review.
    ///
    /// ## Why is this bad?
    /// A quarterly review with a next review a year away is an annual review in disguise.
    ///
    /// ## Example
    /// ```markdown
    /// **Last Updated**: 2025-11-16
    /// **Next Review**: 2026-11-16 (quarterly review)
    /// ```
    /// Use instead `**Next Review**: 2026-02-16 (quarterly review)`.
    ///
    /// ## Fix safety
    /// Unsafe: the fix sets `Next Review` to the last review plus the cadence, which changes
    /// the deadline the policy claims.
    pub ReviewDateMismatch("review-date-mismatch", Warning, Unsafe, "the next review is later than the cadence allows")
}

declare_rule! {
    /// ## What it does
    /// Warns when the policy records no date at all of its last update or review
    /// (`**Last Updated**: YYYY-MM-DD`, `Last reviewed: …`, or a front-matter `date`). In the
    /// default pack it applies only to a policy that made promises with dates — one with a
    /// rotation table, an incident log, a review cadence or a `Next Review` date; with
    /// `extends: security-md-strict` (`require-review-date: always`) to every policy.
    ///
    /// ## Why is this bad?
    /// Without a date, a reader cannot tell a current policy from one abandoned years ago, and
    /// no review deadline can be checked.
    ///
    /// ## Example
    /// Add at the end of the policy:
    /// ```markdown
    /// **Last Updated**: 2026-11-22
    /// **Next Review**: 2027-02-22 (quarterly review)
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: only a person knows when the policy was last reviewed.
    pub MissingReviewDate("missing-review-date", Warning, None, "no last-updated or last-reviewed date")
}

declare_rule! {
    /// ## What it does
    /// Warns when `Last Updated` is older than the newest date the document itself records
    /// in a rotation table or an incident log (dates after today are left to `future-date`).
    /// It concerns `Last Updated` only: a rotation after a *review* date is normal.
    ///
    /// ## Why is this bad?
    /// The document changed when the rotation or incident was recorded, so its `Last Updated`
    /// claims an older state than the one it shows.
    ///
    /// ## Example
    /// `**Last Updated**: 2025-11-16` above a rotation recorded on 2026-03-01.
    ///
    /// ## Fix safety
    /// Safe: the fix sets `Last Updated` to the newest recorded date, which the document's own
    /// dates prove.
    pub LastUpdatedStale("last-updated-stale", Warning, Safe, "the last-updated date is older than a date the document records")
}

impl Rule for ReviewOverdue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let cadence = &ctx.policy.cadence;
        let help = format!(
            "review the policy, then run `policy-lint review` (reviewed {}, from {})",
            cadence.frequency.describe(),
            cadence.source
        );
        let Some(review) = schedule::review(ctx.policy) else {
            return;
        };
        if review.status(ctx.today, 0) != Status::Overdue {
            return;
        }
        let late = dates::days_text(-review.days_left(ctx.today));
        let message = match (review.basis, review.last) {
            (Basis::Stated, _) | (Basis::Cadence, None) => format!(
                "`{}` was {}: the review is {late} overdue",
                review.label,
                iso(review.due)
            ),
            (Basis::Cadence, Some(last)) => format!(
                "`{}` is {}; reviewed {} (from {}) means a review was due {} ({late} ago)",
                review.label,
                iso(last),
                cadence.frequency.describe(),
                cadence.source,
                iso(review.due)
            ),
        };
        out.push(Diagnostic {
            rule: Self::META.name,
            severity: Self::META.default_severity,
            span: review.span,
            message,
            help: Some(help),
            fix: None,
        });
    }
}

impl Rule for ReviewDateMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let cadence = &ctx.policy.cadence;
        if !cadence.judged {
            return;
        }
        let (Some(next), Some(start)) = (
            ctx.policy.field(FieldKind::NextReview),
            ctx.policy.review_start(),
        ) else {
            return;
        };
        let (Some(next_date), Some(last)) = (next.date(), start.date()) else {
            return;
        };
        let Some(expected) = cadence.frequency.due(last) else {
            return;
        };
        if next_date <= expected {
            return;
        }
        let canonical = iso(expected);
        out.push(Diagnostic {
            rule: Self::META.name,
            severity: Self::META.default_severity,
            span: next.date_span(),
            message: format!(
                "`{}` {} is later than `{}` {} plus {} (from {}) = {canonical}",
                next.field.label,
                iso(next_date),
                start.field.label,
                iso(last),
                cadence.frequency.describe(),
                cadence.source
            ),
            help: Some(
                "review on the cadence the policy promises; `policy-lint --fix --unsafe-fixes` \
                 sets the deadline back"
                    .to_string(),
            ),
            fix: Some(Fix {
                title: format!("set `{}` to {canonical}", next.field.label),
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    span: next.date_span(),
                    replacement: canonical,
                }],
            }),
        });
    }
}

impl Rule for MissingReviewDate {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if ctx.policy.review_start().is_some() {
            return;
        }
        if ctx.pack.require_review_date == RequireReviewDate::WhenDated
            && !ctx.policy.makes_dated_promises()
        {
            return;
        }
        out.push(Diagnostic {
            rule: Self::META.name,
            severity: Self::META.default_severity,
            span: Span::empty(doc.source.bom_len()),
            message: "the policy records no last-updated or last-reviewed date".to_string(),
            help: Some(
                "add `**Last Updated**: YYYY-MM-DD` and `**Next Review**: YYYY-MM-DD` at the end"
                    .to_string(),
            ),
            fix: None,
        });
    }
}

impl Rule for LastUpdatedStale {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(updated) = ctx.policy.field(FieldKind::LastUpdated) else {
            return;
        };
        let Some(updated_date) = updated.date() else {
            return;
        };
        let recorded = ctx
            .policy
            .tables_of(TableKind::Rotation)
            .chain(ctx.policy.tables_of(TableKind::Incidents));
        let mut table_spans: Vec<Span> = recorded.map(|t| t.table.span).collect();
        table_spans.sort();
        // Tables do not overlap: the last one starting at or before a date is the only one
        // that can hold it.
        let in_a_table = |span: Span| {
            let before = table_spans.partition_point(|t| t.start <= span.start);
            before > 0 && span.within(table_spans[before - 1])
        };
        let newest: Option<(NaiveDate, DateSubject<'_>)> = ctx
            .policy
            .dates
            .iter()
            .filter(|v| v.past && in_a_table(v.span))
            .filter_map(|v| v.parsed.as_ref().ok().map(|p| (p.date, v.what)))
            .filter(|(date, _)| *date <= ctx.today)
            .max_by_key(|(date, _)| *date);
        let Some((newest, what)) = newest else { return };
        if newest <= updated_date {
            return;
        }
        let canonical = iso(newest);
        out.push(Diagnostic {
            rule: Self::META.name,
            severity: Self::META.default_severity,
            span: updated.date_span(),
            message: format!(
                "`{}` is {}, but the document records {what} on {canonical}",
                updated.field.label,
                iso(updated_date)
            ),
            help: Some("run `policy-lint --fix` to set it to the newest recorded date".to_string()),
            fix: Some(Fix {
                title: format!("set `{}` to {canonical}", updated.field.label),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    span: updated.date_span(),
                    replacement: canonical,
                }],
            }),
        });
    }
}
