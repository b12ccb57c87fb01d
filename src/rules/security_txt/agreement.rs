//! security.txt against the repository's SECURITY.md: the same channels, an `Expires` that
//! outlasts the next review, a `Policy` that points at the policy. The facts of the policy are
//! gathered once, when it is linted ([`PolicyFacts::gather`]), and read by every security.txt of
//! its repository.

use chrono::NaiveDate;

use super::finding;
use crate::dates::iso;
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::{ContactKind, Document};
use crate::io::source::Span;
use crate::lint::policy::{self, Policy};
use crate::lint::schedule;
use crate::pack::Pack;
use crate::security_txt::{Expiry, SecurityTxt};

declare_rule! {
    /// ## What it does
    /// When a repository has both a SECURITY.md and a security.txt, reports each `Contact`
    /// that SECURITY.md does not mention, and each reporting channel of SECURITY.md — an
    /// e-mail address, or a URL that `missing-contact` counts as a channel — that no `Contact`
    /// lists. E-mail addresses are compared without `mailto:` and case; URLs without a
    /// trailing `/`, and their scheme and host without case. Telephone numbers are not
    /// compared. Every finding is reported in the security.txt, one a channel.
    ///
    /// ## Why is this bad?
    /// Reporters reach the project through either file; two lists drift apart when one
    /// address changes, and reports go to an inbox nobody reads.
    ///
    /// ## Example
    /// SECURITY.md says "e-mail security@example.org"; security.txt says
    /// `Contact: mailto:psirt@example.org`. Name the same channels in both.
    ///
    /// ## Fix safety
    /// No automatic fix: which address is current is for a person to say.
    pub ContactMismatch("txt-contact-mismatch", Warning, None, "security.txt and SECURITY.md name different channels")
}

declare_rule! {
    /// ## What it does
    /// When a repository has both files, warns when security.txt's `Expires` comes before
    /// SECURITY.md's next review (its `Next Review` date, or its last review plus the cadence
    /// it states). Once either date has passed, `txt-expired` or `review-overdue` reports it
    /// instead.
    ///
    /// ## Why is this bad?
    /// The review is when the contacts get checked; a security.txt that expires before it
    /// lapses in between, and nobody is due to look.
    ///
    /// ## Example
    /// `Expires: 2027-01-31T00:00:00Z`, and `**Next Review:** 2027-06-01` in SECURITY.md.
    ///
    /// ## Fix safety
    /// No automatic fix. Renew with `policy-lint renew --until` a date after the review.
    pub ExpiresBeforeReview("txt-expires-before-review", Warning, None, "security.txt expires before SECURITY.md's next review")
}

declare_rule! {
    /// ## What it does
    /// When a repository has both files, warns about a `Policy` field that does not point
    /// at the repository's security policy: a URL whose last path segment is not the
    /// policy's file name (`SECURITY.md`), nor GitHub's `…/security/policy` page.
    ///
    /// ## Why is this bad?
    /// A reader follows `Policy` to learn how reports are handled; a link to another page
    /// can say something else than the policy the repository keeps.
    ///
    /// ## Example
    /// `Policy: https://example.org/old-disclosure-page`, in a repository whose policy is
    /// `SECURITY.md`. Use instead:
    /// `Policy: https://github.com/OWNER/REPO/blob/main/SECURITY.md`.
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub PolicyElsewhere("txt-policy-elsewhere", Warning, None, "the Policy field points elsewhere than SECURITY.md")
}

/// The rules of this file: the engine runs them when it knows the repository's policy.
pub const RULES: &[&crate::lint::rule::RuleMeta] = &[
    &ContactMismatch::META,
    &ExpiresBeforeReview::META,
    &PolicyElsewhere::META,
];

/// What the agreement rules need of a repository's SECURITY.md. A run keeps the facts of
/// every policy that has a security.txt until it ends, so they hold only what the rules read,
/// each string and list at its exact size.
#[derive(Clone, Debug)]
pub struct PolicyFacts {
    /// The policy's path, as shown.
    pub path: Box<str>,
    /// Each reporting channel once, in the order the policy first names it as one.
    channels: Box<[Channel]>,
    /// Every other address and URL the policy mentions, once, normalised.
    others: Box<[Box<str>]>,
    /// The next review's due date, when the policy promises one.
    pub next_review: Option<NaiveDate>,
}

/// A reporting channel of the policy: normalised, as written, and the line where it is.
#[derive(Clone, Debug)]
struct Channel {
    normal: Box<str>,
    written: Box<str>,
    line: usize,
}

impl PolicyFacts {
    /// The facts of a parsed policy, read through the pack like the rules read it.
    pub fn gather(doc: &Document<'_>, policy: &Policy<'_>, pack: &Pack) -> PolicyFacts {
        let bodies: Vec<Span> = policy
            .section(&pack.contact.section)
            .map(|r| r.spans().collect())
            .unwrap_or_default();
        let mut channels: Vec<Channel> = Vec::new();
        let mut others: Vec<Box<str>> = Vec::new();
        for contact in &doc.contacts {
            if contact.kind == ContactKind::ObfuscatedEmail {
                continue;
            }
            let normal = match contact.kind {
                ContactKind::Email => normalize_email(&contact.text),
                _ => normalize_url(&contact.text),
            };
            if channels.iter().any(|c| *c.normal == *normal) {
                continue;
            }
            let inside = bodies.iter().any(|body| contact.span.within(*body));
            if policy::is_channel(pack, contact, inside) {
                // Mentioned before, but not as a channel: a channel from here on.
                others.retain(|other| **other != *normal);
                channels.push(Channel {
                    normal: normal.into_boxed_str(),
                    written: contact.text.as_str().into(),
                    line: doc.source.line_col(contact.span.start).line,
                });
            } else if !others.iter().any(|other| **other == *normal) {
                others.push(normal.into_boxed_str());
            }
        }
        PolicyFacts {
            path: doc.source.path().to_string_lossy().into(),
            channels: channels.into_boxed_slice(),
            others: others.into_boxed_slice(),
            next_review: schedule::review(policy).map(|o| o.due),
        }
    }

    /// The policy's file name, for `txt-policy-elsewhere`.
    fn file_name(&self) -> &str {
        std::path::Path::new(&*self.path)
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default()
    }

    /// Whether the policy mentions the address or URL `normal` (normalised), as a channel or not.
    fn mentions(&self, normal: &str) -> bool {
        self.channels.iter().any(|c| *c.normal == *normal)
            || self.others.iter().any(|other| **other == *normal)
    }
}

/// The agreement findings of `txt` with the policy `facts` describe, for the rules `pack`
/// enables.
pub fn check(
    txt: &SecurityTxt<'_>,
    facts: &PolicyFacts,
    pack: &Pack,
    today: NaiveDate,
    out: &mut Vec<Diagnostic>,
) {
    if pack.enabled(ContactMismatch::META.name) {
        contacts(txt, facts, out);
    }
    if pack.enabled(ExpiresBeforeReview::META.name)
        && let (
            Some(review),
            Some(Expiry {
                value,
                at: Some(at),
            }),
        ) = (facts.next_review, txt.expires())
    {
        let expires = at.naive_utc().date();
        // Past either date, `txt-expired` or `review-overdue` says what matters.
        if today <= expires && expires < review {
            out.push(finding(
                &ExpiresBeforeReview::META,
                *value,
                format!(
                    "security.txt expires on {}, before {}'s next review on {}",
                    iso(expires),
                    facts.path,
                    iso(review)
                ),
                format!(
                    "renew it past {} (`policy-lint renew` sets a year ahead, minus a day), or \
                     review the policy sooner",
                    iso(review)
                ),
                None,
            ));
        }
    }
    if pack.enabled(PolicyElsewhere::META.name) {
        for field in txt.fields_named("policy") {
            let value = txt.value(field);
            if !value.is_empty() && !points_at_policy(value, facts.file_name()) {
                out.push(finding(
                    &PolicyElsewhere::META,
                    field.value,
                    format!("`Policy` points to `{value}`, not to {}", facts.path),
                    format!(
                        "link the repository's policy, e.g. \
                         `https://github.com/OWNER/REPO/blob/main/{}`",
                        facts.file_name()
                    ),
                    None,
                ));
            }
        }
    }
}

fn contacts(txt: &SecurityTxt<'_>, facts: &PolicyFacts, out: &mut Vec<Diagnostic>) {
    let mut listed: Vec<String> = Vec::new();
    for field in txt.fields_named("contact") {
        let value = txt.value(field);
        let Some(normal) = normalize_contact(value) else {
            continue;
        };
        if !facts.mentions(&normal) {
            out.push(finding(
                &ContactMismatch::META,
                field.value,
                format!("`{value}` is not mentioned in {}", facts.path),
                format!("name it in {} too, or remove it here", facts.path),
                None,
            ));
        }
        listed.push(normal);
    }
    let at = txt
        .fields_named("contact")
        .next()
        .map_or(Span::empty(txt.source.bom_len()), |f| f.name);
    for channel in &facts.channels {
        if !listed.iter().any(|l| *l == *channel.normal) {
            out.push(finding(
                &ContactMismatch::META,
                at,
                format!(
                    "{} names `{}` (line {}), which no `Contact` here lists",
                    facts.path, channel.written, channel.line
                ),
                format!("add `Contact: {}` here, or remove it there", channel.normal),
                None,
            ));
        }
    }
}

/// A `Contact` value in the form channels are compared in; `None` for a telephone number or
/// a value that is neither an address nor a web URL.
fn normalize_contact(value: &str) -> Option<String> {
    let starts_with = |prefix: &str| {
        value
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if starts_with("mailto:") {
        let address = &value["mailto:".len()..];
        let address = address.split('?').next().unwrap_or(address);
        return Some(normalize_email(address));
    }
    if starts_with("https://") || starts_with("http://") {
        return Some(normalize_url(value));
    }
    value.contains('@').then(|| normalize_email(value))
}

/// `mailto:` and the address, lower-cased. Built without `format!`: this runs for every
/// address of every policy that has a security.txt.
fn normalize_email(address: &str) -> String {
    let address = address.trim();
    let mut normal = String::with_capacity("mailto:".len() + address.len());
    normal.push_str("mailto:");
    if address.is_ascii() {
        normal.push_str(address);
        normal.make_ascii_lowercase();
    } else {
        normal.push_str(&address.to_lowercase());
    }
    normal
}

/// Scheme and host lower-cased, `http` read as `https`, without a trailing `/`.
fn normalize_url(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    let Some(colon) = url.as_bytes().windows(3).position(|w| w == b"://") else {
        return url.to_string();
    };
    let (scheme, rest) = (&url[..colon], &url[colon + 3..]);
    let (host, path) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
    let mut normal = String::with_capacity(url.len() + 1);
    if scheme.eq_ignore_ascii_case("http") {
        normal.push_str("https");
    } else {
        normal.extend(scheme.chars().map(|c| c.to_ascii_lowercase()));
    }
    normal.push_str("://");
    normal.extend(host.chars().map(|c| c.to_ascii_lowercase()));
    normal.push_str(path);
    normal
}

/// Whether a `Policy` URL points at the repository's policy file or GitHub's policy page.
fn points_at_policy(url: &str, file_name: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or(path);
    last.eq_ignore_ascii_case(file_name) || path.to_ascii_lowercase().ends_with("/security/policy")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_compared_without_case_scheme_or_trailing_slash() {
        assert_eq!(
            normalize_contact("mailto:Security@Example.org?subject=x"),
            Some("mailto:security@example.org".to_string())
        );
        assert_eq!(
            normalize_contact("https://Example.ORG/Report/"),
            Some("https://example.org/Report".to_string())
        );
        assert_eq!(
            normalize_contact("http://example.org/Report"),
            normalize_contact("https://example.org/Report")
        );
        assert_eq!(
            normalize_contact("HTTP://Example.org?topic=Security"),
            Some("https://example.org?topic=Security".to_string())
        );
        assert_eq!(
            normalize_contact("mailto:Sécurité@Example.org"),
            Some("mailto:sécurité@example.org".to_string())
        );
        assert_eq!(normalize_contact("tel:+1-201-555-0123"), None);
    }

    #[test]
    fn a_policy_url_is_the_policy_when_it_names_its_file() {
        assert!(points_at_policy(
            "https://github.com/o/r/blob/main/SECURITY.md",
            "SECURITY.md"
        ));
        assert!(points_at_policy(
            "https://github.com/o/r/security/policy",
            "SECURITY.md"
        ));
        assert!(!points_at_policy(
            "https://example.org/disclosure",
            "SECURITY.md"
        ));
    }
}
