//! Table rows as written: the right number of cells, no blank required cells.

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::document::{Document, padded_cell};
use crate::io::source::Span;
use crate::lint::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a table row with fewer or more cells than the header. GFM silently pads a
    /// short row with empty cells and drops the extra cells of a long one.
    ///
    /// ## Why is this bad?
    /// A dropped cell is text the reader never sees; a padded row usually means a value was
    /// forgotten or a pipe went missing, shifting the cells into the wrong columns.
    ///
    /// ## Example
    /// ```markdown
    /// | Secret | Rotation Frequency | Owner | Last Rotated |
    /// |--------|--------------------|-------|--------------|
    /// | GitHub Token | Every 90 days | DevOps Lead |
    /// ```
    ///
    /// ## Fix safety
    /// Safe for a short row: the fix adds the empty cells GFM already shows. No fix for a long
    /// row: which cell is extra needs a person.
    pub TableRowShape("table-row-shape", Error, Safe, "a row with fewer or more cells than the header")
}

declare_rule! {
    /// ## What it does
    /// Reports a blank cell in a required column of the pack's tables: a rotation's secret,
    /// frequency, owner or last-rotated date; an incident's date, description, severity or
    /// status.
    ///
    /// ## Why is this bad?
    /// A rotation without an owner is nobody's job; an incident without a status is never
    /// closed.
    ///
    /// ## Example
    /// ```markdown
    /// | GitHub Token | Every 90 days |  | 2026-10-01 |
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: only a person knows the value.
    pub EmptyCell("empty-cell", Error, None, "a required column left blank")
}

impl Rule for TableRowShape {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for table in &doc.tables {
            let width = table.header.cells.len();
            for row in &table.rows {
                let count = row.cells.len();
                if count == width {
                    continue;
                }
                let (message, fix) = if count < width {
                    let text = doc.text(row.span);
                    let end = row.span.start + text.trim_end().len();
                    // A row without a closing pipe gets one after its last cell first.
                    let close = if text.trim_end().ends_with('|') {
                        ""
                    } else {
                        " |"
                    };
                    let empty = format!("{}|", padded_cell(""));
                    let fix = Fix {
                        title: "add the missing empty cells".to_string(),
                        applicability: Applicability::Safe,
                        edits: vec![Edit {
                            span: Span::empty(end),
                            replacement: format!("{close}{}", empty.repeat(width - count)),
                        }],
                    };
                    (
                        format!(
                            "this row has {count} of the header's {width} cells; GFM shows the rest empty"
                        ),
                        Some(fix),
                    )
                } else {
                    let dropped: Vec<&str> = row.cells[width..].iter().map(|c| c.text).collect();
                    (
                        format!(
                            "this row has {count} cells but the header has {width}; GFM drops `{}`",
                            dropped.join(" | ")
                        ),
                        None,
                    )
                };
                out.push(Diagnostic {
                    rule: Self::META.name,
                    severity: Self::META.default_severity,
                    span: row.span,
                    message,
                    help: Some(match fix {
                        Some(_) => "fill in the missing cells, or run `policy-lint --fix` to add them empty".to_string(),
                        None => "move the extra text into a cell of its own column, or escape a literal pipe as `\\|`".to_string(),
                    }),
                    fix,
                });
            }
        }
    }
}

impl Rule for EmptyCell {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for table in &ctx.policy.tables {
            let required = table.spec.columns.iter().filter(|(_, c)| c.required);
            for (key, _) in required {
                let Some(column) = table.column(key) else {
                    continue;
                };
                for row in &table.table.rows {
                    let Some(cell) = row.cells.get(column) else {
                        continue;
                    };
                    if !cell.text.is_empty() {
                        continue;
                    }
                    let row_name = table.row_name(row);
                    let of = if row_name.is_empty() {
                        String::new()
                    } else {
                        format!(" of `{row_name}`")
                    };
                    out.push(Diagnostic {
                        rule: Self::META.name,
                        severity: Self::META.default_severity,
                        span: cell.span(),
                        message: format!("`{}`{of} is blank", table.title(key)),
                        help: Some("fill in the cell".to_string()),
                        fix: None,
                    });
                }
            }
        }
    }
}
