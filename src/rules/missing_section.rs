use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::io::source::Span;
use crate::lint::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks that the document has each section the pack requires — by default a section on
    /// reporting a vulnerability (an error when missing) and one on supported versions (a
    /// warning). Headings match by the pack's aliases, ignoring case, emoji, punctuation and
    /// numbering, in any heading level, setext headings and bold pseudo-headings
    /// (`**Reporting a Vulnerability**`) included.
    ///
    /// ## Why is this bad?
    /// A reader looking for how to report a vulnerability scans the headings. A policy without
    /// a reporting section sends reports to public issue trackers.
    ///
    /// ## Example
    /// ```markdown
    /// # Security Policy
    ///
    /// Please be careful.
    /// ```
    /// Use instead:
    /// ```markdown
    /// # Security Policy
    ///
    /// ## Reporting a Vulnerability
    ///
    /// Email security@example.org; we answer within 48 hours.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix yet.
    pub MissingSection("missing-section", Error, None, "a required section is absent")
}

impl Rule for MissingSection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for found in &ctx.policy.sections {
            if found.is_present() {
                continue;
            }
            let required = found.spec;
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: required.severity,
                span: Span::empty(doc.source.bom_len()),
                message: format!("the policy has no `{}` section", required.title),
                help: Some(format!(
                    "add a `## {}` section (headings such as `{}` also count)",
                    required.title,
                    required
                        .aliases
                        .iter()
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("`, `")
                )),
                fix: None,
            });
        }
    }
}
