use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, normalize_title, title_matches};
use crate::lint::policy::TableKind;
use crate::lint::rule::{Context, Rule, RuleMeta};
use crate::pack::is_unsupported_word;

declare_rule! {
    /// ## What it does
    /// Warns about a supported-versions table in which no row is marked supported: every
    /// cell of its Supported column is blank or says "not supported" (`:x:`, `❌`, `No`,
    /// `Unsupported`, `EOL`… — the pack's `unsupported` list).
    ///
    /// ## Why is this bad?
    /// A reporter cannot tell whether any release will get a fix; usually the table was never
    /// updated after the last release.
    ///
    /// ## Example
    /// ```markdown
    /// | Version | Supported |
    /// | ------- | --------- |
    /// | 1.x     | :x:       |
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which versions are supported is a decision.
    pub NoSupportedVersion("no-supported-version", Warning, None, "a supported-versions table marks nothing supported")
}

impl Rule for NoSupportedVersion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for table in ctx.policy.tables_of(TableKind::Versions) {
            if table.column("supported").is_none() || table.table.rows.is_empty() {
                continue;
            }
            let unsupported = &table.spec.unsupported;
            let supported = |text: &str| {
                let key = normalize_title(text);
                let lower = text.to_lowercase();
                // Words are normalised and symbols lower-cased when the pack loads.
                let says_no = unsupported.iter().any(|marker| {
                    if is_unsupported_word(marker) {
                        title_matches(&key, marker)
                    } else {
                        lower.contains(marker.as_str())
                    }
                });
                !text.is_empty() && !says_no
            };
            let any = table.table.rows.iter().any(|row| {
                table
                    .cell(row, "supported")
                    .is_some_and(|c| supported(c.text))
            });
            if any {
                continue;
            }
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span: table.table.header.span,
                message: "no version in this table is marked supported".to_string(),
                help: Some(
                    "mark the versions that receive security fixes, e.g. with `:white_check_mark:`"
                        .to_string(),
                ),
                fix: None,
            });
        }
    }
}
