//! The incident log: its columns, its values, its order and its marker.

use crate::dates::{self, iso};
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::document::{Document, Row, normalize_title};
use crate::io::source::Span;
use crate::lint::policy::{KindTable, TableKind};
use crate::lint::rule::{Context, Rule, RuleMeta};
use crate::pack::RequireIncidentMarker;

declare_rule! {
    /// ## What it does
    /// Reports an incident log (a table under a heading such as "Incident Log") that lacks
    /// one of the pack's required columns: Date, Incident, Severity and Status by default
    /// (aliases accepted).
    ///
    /// ## Why is this bad?
    /// An incident without a date or status cannot be ordered, followed up or closed, and
    /// `policy-lint incident add` cannot write a row into the log.
    ///
    /// ## Example
    /// ```markdown
    /// | Date | Incident |
    /// |------|----------|
    /// ```
    /// Use instead `| Date | Incident | Severity | Actions Taken | Status |`.
    ///
    /// ## Fix safety
    /// No automatic fix: existing rows would need values for the new columns.
    pub IncidentColumns("incident-columns", Error, None, "the incident log lacks required columns")
}

declare_rule! {
    /// ## What it does
    /// Reports an incident severity outside the pack's allowed set (by default Critical, High,
    /// Medium, Low, Informational, Info, None, N/A; case, emoji and punctuation ignored).
    ///
    /// ## Why is this bad?
    /// Free-form severities cannot be counted or compared, and escalation rules keyed on them
    /// silently miss incidents.
    ///
    /// ## Example
    /// `| 2026-03-01 | Leaked token | Urgent | Revoked | Closed |` — use `Critical` or `High`.
    ///
    /// ## Fix safety
    /// No automatic fix: mapping a severity is a judgement.
    pub IncidentSeverity("incident-severity", Error, None, "an incident severity outside the allowed set")
}

declare_rule! {
    /// ## What it does
    /// Reports an incident status outside the pack's allowed set (by default Open,
    /// Investigating, In Progress, Mitigated, Monitoring, Resolved, Closed, Complete,
    /// Completed; case, emoji and punctuation ignored).
    ///
    /// ## Why is this bad?
    /// An unrecognised status hides open incidents from anyone filtering for them.
    ///
    /// ## Example
    /// `| 2026-03-01 | Leaked token | High | Revoked | Done-ish |` — use `Resolved`.
    ///
    /// ## Fix safety
    /// No automatic fix: mapping a status is a judgement.
    pub IncidentStatus("incident-status", Error, None, "an incident status outside the allowed set")
}

declare_rule! {
    /// ## What it does
    /// Warns when the incident log's rows are not in date order, oldest first (new incidents
    /// go at the bottom, just above the marker).
    ///
    /// ## Why is this bad?
    /// Out-of-order rows hide the newest incident and break `policy-lint incident add`, which
    /// inserts in date order.
    ///
    /// ## Example
    /// A 2026-03-01 row above a 2025-11-16 row.
    ///
    /// ## Fix safety
    /// Safe when every row has a date: the fix sorts the rows by date, keeping rows with the
    /// same date in their order and every row's text unchanged.
    pub IncidentOrder("incident-order", Warning, Safe, "incident rows are not in date order")
}

declare_rule! {
    /// ## What it does
    /// Reports an incident log without the `<!-- Add new incidents above this line -->`
    /// marker after it (the pack's `marker`), and incident rows written below the marker.
    /// The marker is a convention a policy adopts: only a policy that uses it somewhere is
    /// held to it, unless the pack says `require-incident-marker: always` (as
    /// `security-md-strict` does).
    ///
    /// ## Why is this bad?
    /// The marker tells people and `policy-lint incident add` where a new incident goes. Rows
    /// below it are not part of the table: they render as a paragraph of pipes.
    ///
    /// ## Example
    /// ```markdown
    /// | 2025-11-16 | Initial policy | N/A | Documented | Complete |
    /// <!-- Add new incidents above this line -->
    /// | 2026-03-01 | Leaked token | High | Revoked | Closed |
    /// ```
    ///
    /// ## Fix safety
    /// Safe for rows below the marker: the fix moves them, unchanged, above it, into the
    /// table. No fix for a missing marker.
    pub IncidentMarker("incident-marker", Error, Safe, "the incident marker is missing or has rows below it")
}

fn incident_logs<'c>(ctx: &'c Context<'_>) -> impl Iterator<Item = &'c KindTable<'c>> + 'c {
    ctx.policy.tables_of(TableKind::Incidents)
}

impl Rule for IncidentColumns {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for log in incident_logs(ctx) {
            let missing: Vec<&str> = log
                .spec
                .columns
                .iter()
                .filter(|(key, c)| c.required && log.column(key).is_none())
                .map(|(_, c)| c.title.as_str())
                .collect();
            if missing.is_empty() {
                continue;
            }
            let all: Vec<&str> = log
                .spec
                .columns
                .values()
                .map(|c| c.title.as_str())
                .collect();
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span: log.table.header.span,
                message: format!(
                    "the incident log has no `{}` column{}",
                    missing.join("` or `"),
                    if missing.len() == 1 { "" } else { "s" }
                ),
                help: Some(format!("use the columns `| {} |`", all.join(" | "))),
                fix: None,
            });
        }
    }
}

/// Reports the cells of column `key` whose value is not one of the column's allowed values.
/// Whether normalised `value` is the allowed value `allowed` followed by a score or a note in
/// parentheses: `High (CVSS 8.1)`, `Critical 9.8`, `Low (cvss:3.1/…)`.
fn is_value_with_score(value: &str, allowed: &str) -> bool {
    let Some(rest) = value
        .strip_prefix(allowed)
        .and_then(|r| r.strip_prefix(' '))
    else {
        return false;
    };
    rest.split(' ')
        .next()
        .is_some_and(|first| first == "cvss" || first.starts_with(|c: char| c.is_ascii_digit()))
}

fn check_values(rule: &RuleMeta, key: &str, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for log in incident_logs(ctx) {
        let (Some(spec), Some(column)) = (log.spec.columns.get(key), log.column(key)) else {
            continue;
        };
        let allowed: Vec<String> = spec.values.iter().map(|v| normalize_title(v)).collect();
        for row in &log.table.rows {
            let Some(cell) = row.cells.get(column) else {
                continue;
            };
            let value = normalize_title(cell.text);
            if cell.text.is_empty()
                || allowed.contains(&value)
                || allowed.iter().any(|a| is_value_with_score(&value, a))
                || (value.is_empty() && allowed.iter().any(|a| a == "n a"))
            {
                continue;
            }
            out.push(Diagnostic {
                rule: rule.name,
                severity: rule.default_severity,
                span: cell.content(),
                message: format!("{key} `{}` is not one of the allowed values", cell.text),
                help: Some(format!("use one of: {}", spec.values.join(", "))),
                fix: None,
            });
        }
    }
}

impl Rule for IncidentSeverity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_values(&Self::META, "severity", ctx, out);
    }
}

impl Rule for IncidentStatus {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        check_values(&Self::META, "status", ctx, out);
    }
}

impl Rule for IncidentOrder {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for log in incident_logs(ctx) {
            let rows = &log.table.rows;
            let dated: Vec<Option<(chrono::NaiveDate, Span)>> = rows
                .iter()
                .map(|row| {
                    let cell = log.cell(row, "date")?;
                    let parsed = dates::find_date(cell.text).ok()?;
                    Some((parsed.date, cell.span_of(parsed.start..parsed.end)))
                })
                .collect();
            let mut newest = None;
            let first_out_of_order = dated.iter().flatten().find(|(date, _)| {
                let out_of_order = newest.is_some_and(|n| *date < n);
                newest = newest.max(Some(*date));
                out_of_order
            });
            let Some((date, span)) = first_out_of_order else {
                continue;
            };
            let fix = dated
                .iter()
                .map(|d| d.map(|(date, _)| date))
                .collect::<Option<Vec<_>>>()
                .and_then(|dates| sort_rows(doc, rows, &dates));
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span: *span,
                message: format!("the incident of {} comes after a later one", iso(*date)),
                help: Some("keep the log oldest first; `policy-lint --fix` sorts it".to_string()),
                fix,
            });
        }
    }
}

/// One edit that rewrites the rows in date order, keeping the text between them (line endings,
/// quote prefixes) where it was. None when the rows do not follow each other in the file (a
/// bare CR ends a row for the parser but not a line): no fix is better than a wrong one.
fn sort_rows(doc: &Document<'_>, rows: &[Row], dates: &[chrono::NaiveDate]) -> Option<Fix> {
    if rows
        .windows(2)
        .any(|pair| pair[0].span.end > pair[1].span.start)
    {
        return None;
    }
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| dates[i]);
    let (first, last) = (rows.first()?.span, rows.last()?.span);
    let mut text = String::with_capacity(last.end - first.start);
    for (position, &i) in order.iter().enumerate() {
        text.push_str(doc.text(rows[i].span));
        if let Some(next) = rows.get(position + 1) {
            text.push_str(doc.text(Span::new(rows[position].span.end, next.span.start)));
        }
    }
    Some(Fix {
        title: "sort the incidents by date".to_string(),
        applicability: Applicability::Safe,
        edits: vec![Edit {
            span: Span::new(first.start, last.end),
            replacement: text,
        }],
    })
}

impl Rule for IncidentMarker {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for log in incident_logs(ctx) {
            let Some(marker) = log.spec.marker.as_deref() else {
                continue;
            };
            let wanted = normalize_title(marker);
            // The marker is a convention of the policy's own: judged only where the policy
            // uses it somewhere, or its configuration asks for it.
            let uses_it = doc
                .comments
                .iter()
                .any(|c| normalize_title(&c.text) == wanted);
            if !uses_it && ctx.pack.require_incident_marker != RequireIncidentMarker::Always {
                continue;
            }
            let found = doc
                .comments
                .iter()
                .find(|c| c.span.start >= log.table.span.end && normalize_title(&c.text) == wanted);
            let Some(comment) = found else {
                let last = log.table.rows.last().unwrap_or(&log.table.header);
                out.push(Diagnostic {
                    rule: Self::META.name,
                    severity: Self::META.default_severity,
                    span: last.span,
                    message: format!("the incident log has no `<!-- {marker} -->` marker after it"),
                    help: Some(format!(
                        "add `<!-- {marker} -->` on the line after the last incident"
                    )),
                    fix: None,
                });
                continue;
            };
            if let Some(diagnostic) = stray_rows(doc, comment.span, marker) {
                out.push(diagnostic);
            }
        }
    }
}

/// Table-like lines right below the marker, and the fix that moves them above it.
fn stray_rows(doc: &Document<'_>, marker: Span, text: &str) -> Option<Diagnostic> {
    let source = doc.source;
    let marker_line = source.line_index(marker.start);
    let mut last = marker_line;
    while last + 1 < source.line_count()
        && source
            .slice(source.line_span(last + 1))
            .trim_start()
            .starts_with('|')
    {
        last += 1;
    }
    if last == marker_line {
        return None;
    }
    let first = source.line_span(marker_line + 1);
    let block = Span::new(first.start, source.line_span(last).end);
    let marker_line_span = source.line_span(marker_line);
    let ending = source.slice(Span::new(marker_line_span.end, first.start));
    let count = last - marker_line;
    Some(Diagnostic {
        rule: IncidentMarker::META.name,
        severity: IncidentMarker::META.default_severity,
        span: first,
        message: format!(
            "{count} incident row{} below the `<!-- {text} -->` marker, outside the table",
            if count == 1 { " is" } else { "s are" }
        ),
        help: Some("move them above the marker; `policy-lint --fix` does".to_string()),
        fix: Some(Fix {
            title: "move the rows above the marker".to_string(),
            applicability: Applicability::Safe,
            edits: vec![
                Edit {
                    span: Span::empty(marker_line_span.start),
                    replacement: format!("{}{ending}", source.slice(block)),
                },
                Edit {
                    span: Span::new(marker_line_span.end, block.end),
                    replacement: String::new(),
                },
            ],
        }),
    })
}
