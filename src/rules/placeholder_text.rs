use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::io::source::Span;
use crate::lint::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds template text left in the policy: bracketed instructions
    /// (`[Add security contact email]`, `[INSERT_SECURITY_EMAIL]`), angle-bracket
    /// placeholders (`<YOUR NAME>`), `TODO`/`TBD`/`FIXME`, example addresses
    /// (`security@example.com`) and GitHub's template sentence "Use this section to tell
    /// people…". The patterns come from the pack. Text in code spans, code blocks and HTML
    /// comments is never reported.
    ///
    /// ## Why is this bad?
    /// A placeholder where a contact or a promise belongs means the policy was never
    /// finished: reporters reach nobody, and readers learn the policy is not maintained.
    ///
    /// ## Example
    /// ```markdown
    /// **Email**: [Add security contact email]
    /// ```
    /// Use instead:
    /// ```markdown
    /// **Email**: security@your-project.org
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the real text is something only a person knows.
    pub PlaceholderText("placeholder-text", Error, None, "template text left in the policy")
}

/// Whether a bracketed match is a link's text or label rather than template text: `[name](url)`,
/// `[name][ref]`, `[text][label]`, `[label]: url`, or a `[label]` that the document defines.
fn is_link_text(doc: &Document<'_>, span: Span, text: &str) -> bool {
    let Some(label) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return false;
    };
    let source = &doc.source.text;
    let before = source[..span.start].chars().next_back();
    let after = source[span.end..].chars().next();
    if before == Some(']') || matches!(after, Some('(' | '[' | ':')) {
        return true;
    }
    // A shortcut reference link: its definition `[label]: …` starts a line (labels match
    // in any case). Only lines that start with `[` are lower-cased.
    let definition = format!("[{}]:", label.to_lowercase());
    source
        .lines()
        .map(str::trim_start)
        .filter(|line| line.starts_with('[') && line.len() >= definition.len())
        .any(|line| line.to_lowercase().starts_with(&definition))
}

impl Rule for PlaceholderText {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut found = Vec::new();
        for pattern in &ctx.pack.placeholders {
            for (span, text) in doc.prose_matches(&pattern.regex) {
                if !is_link_text(doc, span, text) {
                    found.push((span, text, &pattern.name));
                }
            }
        }
        found.sort_by_key(|(span, _, _)| *span);
        // Report a placeholder once per line, even where two patterns match it or a link
        // repeats it: `[you@example.com](mailto:you@example.com)`.
        let mut reported: Vec<(usize, &str)> = Vec::new();
        for (span, text, name) in found {
            let line = doc.source.line_index(span.start);
            if reported.iter().any(|&(l, t)| l == line && t.contains(text)) {
                continue;
            }
            reported.push((line, text));
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span,
                message: format!("template text `{text}` ({name}) left in the policy"),
                help: Some("replace it with the real information, or remove it".to_string()),
                fix: None,
            });
        }
    }
}
