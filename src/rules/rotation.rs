//! The rotation schedule: is each secret rotated as often as the table promises?

use crate::dates::{self, iso};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::document::Document;
use crate::lint::rule::{Context, Rule, RuleMeta};
use crate::lint::schedule::{self, Status};

declare_rule! {
    /// ## What it does
    /// For each row of a rotation table (found by a heading such as "Secret Rotation
    /// Schedule" or by its columns: Secret / Rotation Frequency / Owner / Last Rotated and
    /// their aliases), adds the frequency to the last-rotated date and reports the secret when
    /// that due date is before today.
    ///
    /// ## Why is this bad?
    /// The policy promises a rotation the team no longer performs. An overdue credential is
    /// exactly the one an attacker who found an old copy can still use.
    ///
    /// ## Example
    /// On 2026-11-22:
    /// ```markdown
    /// | Secret | Rotation Frequency | Owner | Last Rotated |
    /// |--------|--------------------|-------|--------------|
    /// | AWS Access Keys | Every 90 days | DevOps Lead | 2025-11-16 |
    /// ```
    /// was due 2026-02-14. Rotate the key, then record it with
    /// `policy-lint rotate "AWS Access Keys"`.
    ///
    /// ## Fix safety
    /// No automatic fix: only a real rotation makes the finding go away.
    pub RotationOverdue("rotation-overdue", Error, None, "a secret is past its rotation date")
}

declare_rule! {
    /// ## What it does
    /// Warns about a secret whose rotation falls due within the warning window (the pack's
    /// `rotation.warning-window-days`, 14 days by default), today included.
    ///
    /// ## Why is this bad?
    /// A rotation planned ahead is a routine change; one noticed after its date is an incident.
    ///
    /// ## Example
    /// On 2026-02-05, `| GitHub Token | Every 90 days | DevOps Lead | 2025-11-16 |` is due
    /// 2026-02-14, in 9 days.
    ///
    /// ## Fix safety
    /// No automatic fix: rotate the secret, then run `policy-lint rotate NAME`.
    pub RotationDueSoon("rotation-due-soon", Warning, None, "a secret's rotation is due soon")
}

declare_rule! {
    /// ## What it does
    /// Reports a rotation-frequency cell that cannot be understood, or whose due date would lie
    /// past the end of the calendar. Understood: `Every N days|weeks|months|years`, `N days`,
    /// `90d`, `P90D`/`P3M`/`P1Y`, `daily`, `weekly`, `biweekly`/`fortnightly`, `monthly`,
    /// `quarterly`, `semi-annually`/`twice a year`, `annually`/`yearly`.
    ///
    /// ## Why is this bad?
    /// A frequency nobody can compute a date from is a promise nobody can check.
    ///
    /// ## Example
    /// ```markdown
    /// | Deploy key | When needed | Ops | 2026-01-10 |
    /// ```
    /// Use instead `Every 180 days`, or whatever the team really does.
    ///
    /// ## Fix safety
    /// No automatic fix: the intended frequency is unknown.
    pub UnknownFrequency("unknown-frequency", Error, None, "a rotation frequency cannot be understood")
}

declare_rule! {
    /// ## What it does
    /// Reports a `Next Rotation` cell (or its aliases: Next Due, Due Date…) that disagrees
    /// with the row's last-rotated date plus its frequency.
    ///
    /// ## Why is this bad?
    /// Two dates for one promise: a reader trusts the stated one, the schedule follows the
    /// other. Usually the next date was not updated after a rotation.
    ///
    /// ## Example
    /// ```markdown
    /// | Secret | Rotation Frequency | Owner | Last Rotated | Next Rotation |
    /// |--------|--------------------|-------|--------------|---------------|
    /// | GitHub Token | Every 90 days | DevOps Lead | 2026-10-01 | 2026-11-01 |
    /// ```
    /// Every 90 days from 2026-10-01 is 2026-12-30.
    ///
    /// ## Fix safety
    /// Safe: the fix writes the date the row's own last rotation and frequency imply, which is
    /// what the schedule already judges by.
    pub RotationDateMismatch("rotation-date-mismatch", Warning, Safe, "a next-rotation date disagrees with last rotated plus frequency")
}

impl Rule for RotationDateMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for rotation in schedule::rotations(ctx.policy) {
            let (Some(due), Some((stated, span))) = (rotation.obligation(), rotation.next) else {
                continue;
            };
            if stated == due.due {
                continue;
            }
            let computed = iso(due.due);
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span,
                message: format!(
                    "`{}` says the next rotation is {}, but {} from {} is {computed}",
                    rotation.name,
                    doc.text(span),
                    due.frequency.describe(),
                    due.last.map(iso).unwrap_or_default()
                ),
                help: Some(format!(
                    "write {computed}, or run `policy-lint --fix` (the schedule already uses it)"
                )),
                fix: Some(Fix {
                    title: format!("set the next rotation to {computed}"),
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        span,
                        replacement: computed.clone(),
                    }],
                }),
            });
        }
    }
}

impl Rule for RotationOverdue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for rotation in schedule::rotations(ctx.policy) {
            let (Some(due), Some((last, _))) = (rotation.obligation(), rotation.last) else {
                continue;
            };
            if due.status(ctx.today, 0) != Status::Overdue {
                continue;
            }
            let name = rotation.name;
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span: due.span,
                message: format!(
                    "`{name}` was last rotated {}; {} means it was due {} ({} ago)",
                    iso(last),
                    due.frequency.describe(),
                    iso(due.due),
                    dates::days_text(-due.days_left(ctx.today))
                ),
                help: Some(format!(
                    "rotate it, then run `policy-lint rotate \"{name}\"`"
                )),
                fix: None,
            });
        }
    }
}

impl Rule for RotationDueSoon {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let window = i64::from(ctx.pack.rotation.warning_window_days);
        for rotation in schedule::rotations(ctx.policy) {
            let (Some(due), Some((last, _))) = (rotation.obligation(), rotation.last) else {
                continue;
            };
            if due.status(ctx.today, window) != Status::DueSoon {
                continue;
            }
            let left = due.days_left(ctx.today);
            let when = if left == 0 {
                "today".to_string()
            } else {
                format!("in {}", dates::days_text(left))
            };
            let name = rotation.name;
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span: due.span,
                message: format!(
                    "`{name}` was last rotated {}; {} means it is due {} ({when})",
                    iso(last),
                    due.frequency.describe(),
                    iso(due.due)
                ),
                help: Some(format!(
                    "plan the rotation; afterwards run `policy-lint rotate \"{name}\"`"
                )),
                fix: None,
            });
        }
    }
}

impl Rule for UnknownFrequency {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for rotation in schedule::rotations(ctx.policy) {
            let message = match (rotation.frequency, rotation.last) {
                (None, _) => format!(
                    "`{}` is not a rotation frequency (`{}`)",
                    rotation.frequency_text, rotation.name
                ),
                (Some(frequency), Some((last, _))) if frequency.due(last).is_none() => format!(
                    "`{}` from {} lies past the end of the calendar (`{}`)",
                    rotation.frequency_text,
                    iso(last),
                    rotation.name
                ),
                _ => continue,
            };
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span: rotation.frequency_cell,
                message,
                help: Some(
                    "write a frequency such as `Every 90 days`, `monthly`, `quarterly`, \
                     `annually` or `P90D`"
                        .to_string(),
                ),
                fix: None,
            });
        }
    }
}
