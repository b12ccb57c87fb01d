use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{Contact, ContactKind, Document, title_matches};
use crate::rule::{Context, Rule, RuleMeta};
use crate::source::Span;

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
        let aliases = ctx
            .pack
            .section(&spec.section)
            .map(|s| s.aliases.as_slice());
        let reporting_bodies: Vec<Span> = doc
            .sections
            .iter()
            .filter(|s| aliases.is_some_and(|a| a.iter().any(|a| title_matches(&s.key, a))))
            .map(|s| Span::new(s.heading.start, s.body.end))
            .collect();
        let is_channel = |c: &Contact| {
            if is_example(c, &spec.ignore_domains) {
                return false;
            }
            match c.kind {
                ContactKind::Email | ContactKind::ObfuscatedEmail => true,
                ContactKind::Url if spec.public_url.is_match(&c.text) => false,
                ContactKind::Url => {
                    spec.channel_url.is_match(&c.text)
                        || reporting_bodies.iter().any(|body| c.span.within(*body))
                }
            }
        };
        if doc.contacts.iter().any(is_channel) {
            return;
        }
        if let Some(words) = &spec.private_reporting
            && doc.prose_matches(words).next().is_some()
        {
            return;
        }
        let reporting = aliases.and_then(|aliases| doc.find_section(aliases));
        let (span, place) = match reporting {
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

/// Whether the contact's host is one of the example domains or a subdomain of one.
fn is_example(contact: &Contact, ignored: &[String]) -> bool {
    let text = contact.text.to_lowercase();
    let host = match text.split_once('@') {
        Some((_, host)) => host,
        None => text
            .split_once("://")
            .map_or(text.as_str(), |(_, rest)| rest)
            .split(['/', ':', '?', '#'])
            .next()
            .unwrap_or(""),
    };
    ignored.iter().any(|domain| {
        let domain = domain.to_lowercase();
        host == domain || host.ends_with(&format!(".{domain}"))
    })
}
