//! A fenced code block whose closing fence is malformed runs to the end of the document.

use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::lint::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Reports a fenced code block that runs to the end of the document because it is never
    /// closed — most often because its closing fence carries an info string (```` ```bash ````),
    /// which makes it no closing fence at all. The message names the line that was meant to
    /// close it.
    ///
    /// ## Why is this bad?
    /// GitHub renders everything after the opening fence as code: the reporting contact, the
    /// review date, whole sections. Readers see a broken page, and policy-lint, which reads
    /// the document as GitHub does, cannot see what is hidden there either.
    ///
    /// ## Example
    /// ````markdown
    /// ```bash
    /// make test
    /// ```bash
    ///
    /// ## Reporting a Vulnerability
    /// ````
    /// Close the block with a bare ```` ``` ````.
    ///
    /// ## Fix safety
    /// No automatic fix: where the block was meant to end is for a person to say.
    pub UnclosedCodeBlock("unclosed-code-block", Warning, None, "a code block that runs to the end of the document")
}

impl Rule for UnclosedCodeBlock {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let line = |at: usize| doc.source.line_col(at).line;
        for fence in doc.unclosed_fences() {
            let (message, help) = match fence.meant_to_close {
                Some(close) => (
                    format!(
                        "the code block opened here runs to the end of the document: line {}, \
                         {}, does not close it, for a closing fence takes no info string",
                        line(close.start),
                        doc.text(close).trim()
                    ),
                    format!(
                        "write the fence on line {} without the text after it",
                        line(close.start)
                    ),
                ),
                None => (
                    "the code block opened here is never closed: the rest of the document \
                     renders as code"
                        .to_string(),
                    "close it with a line of the same fence characters".to_string(),
                ),
            };
            out.push(Diagnostic {
                rule: Self::META.name,
                severity: Self::META.default_severity,
                span: fence.opening,
                message,
                help: Some(help),
                fix: None,
            });
        }
    }
}
