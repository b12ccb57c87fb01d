use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Contact, Document};
use crate::io::source::Span;
use crate::lint::policy;
use crate::lint::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Checks that the document gives a reporting channel: an e-mail address (also written
    /// `security at example dot org`) or a URL in the reporting section; or, anywhere else in
    /// the document, an e-mail address or a URL that is a reporting channel by the pack's
    /// `channel-url` pattern (a GitHub advisory form, a bug-bounty platform, a security page)
    /// rather than a reference link. Addresses on the pack's example domains (`example.com`),
    /// links to a public issue tracker (`…/issues`), and anything in code blocks or HTML
    /// comments do not count. GitHub's private vulnerability reporting named in words ("use
    /// the *Report a vulnerability* button on the Security tab", "open a GitHub Security
    /// Advisory") counts as a channel: the pack's `private-reporting` pattern.
    ///
    /// ## Why is this bad?
    /// A policy that asks for private reports but names no private channel leaves reporters
    /// with only the public issue tracker.
    ///
    /// ## Example
    /// ```markdown
    /// ## Reporting a Vulnerability
    ///
    /// **Email**: [Add security contact email]
    /// ```
    /// Use instead:
    /// ```markdown
    /// ## Reporting a Vulnerability
    ///
    /// **Email**: security@your-project.org
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: only a person knows the right address.
    pub MissingContact("missing-contact", Error, None, "no e-mail address or URL to report to")
}

impl Rule for MissingContact {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let spec = &ctx.pack.contact;
        let reporting = ctx.policy.section(&spec.section);
        let bodies: Vec<Span> = reporting.map(|r| r.spans().collect()).unwrap_or_default();
        let is_channel = |c: &Contact| {
            let inside = bodies.iter().any(|body| c.span.within(*body));
            policy::is_channel(ctx.pack, c, inside)
        };
        if doc.contacts.iter().any(is_channel) {
            return;
        }
        if let Some(words) = &spec.private_reporting
            && doc.prose_and_inline_code_matches(words).next().is_some()
        {
            return;
        }
        let (span, place) = match reporting.and_then(|r| r.headings.first()) {
            Some(section) => (
                section.title_span,
                format!("the `{}` section", section.title),
            ),
            None => (Span::empty(doc.source.bom_len()), "the policy".to_string()),
        };
        out.push(Diagnostic {
            rule: Self::META.name,
            severity: Self::META.default_severity,
            span,
            message: format!("{place} gives no e-mail address or URL to report a vulnerability to"),
            help: Some(
                "add a private channel: a security e-mail address or a GitHub security-advisory \
                 link (https://github.com/OWNER/REPO/security/advisories/new)"
                    .to_string(),
            ),
            fix: None,
        });
    }
}
