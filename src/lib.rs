//! policy-lint lints and updates Markdown security-policy documents.
//!
//! The pipeline, one folder a stage: [`io`] reads the file ([`io::source::SourceFile`]: bytes,
//! BOM, line index) → [`document`] parses it once → [`lint`] gives the rules ([`rules`], one
//! file each) the pack's view of it and applies suppressions → [`diagnostic::Diagnostic`]s →
//! [`render`] prints them, one format a file; [`fix`] applies their edits and [`io`] writes the
//! result. [`cmd`] holds one file per command, [`run`] dispatches to them; [`server`], the
//! language server, is the other front end over the same pipeline.
//!
//! Two kinds of document go through it ([`kind`]): a Markdown policy, parsed by [`document`],
//! and an RFC 9116 security.txt, parsed by [`security_txt`]; each has its own rules.
//!
//! Where things go: a new rule in `rules/` (and the registry in `rules/mod.rs`), a new output
//! format in `render/`, a new date or frequency spelling in `dates.rs`, a new pack key in
//! `pack/mod.rs` and `rules/security-md.yml` (a key that holds regular expressions also in
//! `Pack::patterns` and in build.rs's `PATTERN_KEYS`, which builds the built-in packs' DFAs
//! — see [`lazy_regex`]).

pub mod cli;
mod cmd;
pub mod dates;
pub mod diagnostic;
pub mod document;
pub mod fix;
pub mod io;
pub mod kind;
pub mod lazy_regex;
pub mod lint;
pub mod pack;
pub mod render;
pub mod rules;
mod run;
pub mod security_txt;
pub mod server;
pub mod settings;
pub mod stable_hash;
#[cfg(test)]
mod test_texts;

use chrono::NaiveDate;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::io::source::{SourceFile, Span};
use crate::kind::Parsed;
use crate::lint::policy::Policy;
use crate::lint::rule::{Context, TxtContext};
use crate::lint::suppress::Suppressions;
use crate::pack::Pack;
use crate::rules::UnusedSuppression;
use crate::rules::security_txt::agreement::{self, PolicyFacts};
use crate::security_txt::SecurityTxt;

pub use run::run;

/// Lints one file of either kind with the rules `pack` enables, as of `today`. Findings come
/// sorted by position, with the severities the pack sets. A security.txt is linted on its own
/// here; [`lint_parsed`] can hold it against its repository's policy.
pub fn lint(source: &SourceFile, pack: &Pack, today: NaiveDate) -> Vec<Diagnostic> {
    lint_parsed(&Parsed::parse(source, pack), pack, today, None)
}

/// [`lint`] of a file already parsed; a security.txt is also checked against `policy`, the
/// facts of its repository's SECURITY.md, when they are given.
pub fn lint_parsed(
    parsed: &Parsed<'_>,
    pack: &Pack,
    today: NaiveDate,
    policy: Option<&PolicyFacts>,
) -> Vec<Diagnostic> {
    match parsed {
        Parsed::Policy(doc) => lint_document(doc, pack, today),
        Parsed::SecurityTxt(txt) => lint_security_txt(txt, pack, today, policy),
    }
}

/// [`lint`] of a Markdown policy already parsed.
pub fn lint_document(doc: &Document<'_>, pack: &Pack, today: NaiveDate) -> Vec<Diagnostic> {
    lint_document_gathering(doc, pack, today, false).0
}

/// [`lint_document`], and with `gather` the facts a security.txt of the same repository is
/// checked against, read from the same parse.
pub fn lint_document_gathering(
    doc: &Document<'_>,
    pack: &Pack,
    today: NaiveDate,
    gather: bool,
) -> (Vec<Diagnostic>, Option<PolicyFacts>) {
    let policy = Policy::new(doc, pack);
    let ctx = Context {
        today,
        pack,
        policy: &policy,
    };
    let mut out = Vec::new();
    for rule in rules::RULES {
        let (enabled, severity) = pack.switch(rule.meta().name);
        if !enabled {
            continue;
        }
        let first = out.len();
        rule.check(doc, &ctx, &mut out);
        force_severity(severity, &mut out[first..]);
    }
    let facts = gather.then(|| PolicyFacts::gather(doc, &policy, pack));
    finish(&mut out, doc.source, Suppressions::of_document(doc), pack);
    (out, facts)
}

/// [`lint`] of a security.txt already parsed, checked against its repository's policy when
/// `policy` gives its facts. Fixes inside the signed text are dropped: any edit there would
/// break the signature.
pub fn lint_security_txt(
    txt: &SecurityTxt<'_>,
    pack: &Pack,
    today: NaiveDate,
    policy: Option<&PolicyFacts>,
) -> Vec<Diagnostic> {
    let ctx = TxtContext { today, pack };
    let mut out = Vec::new();
    for rule in rules::security_txt::TXT_RULES {
        let (enabled, severity) = pack.switch(rule.meta().name);
        if !enabled {
            continue;
        }
        let first = out.len();
        rule.check(txt, &ctx, &mut out);
        force_severity(severity, &mut out[first..]);
    }
    if let Some(facts) = policy {
        let first = out.len();
        agreement::check(txt, facts, pack, today, &mut out);
        for finding in &mut out[first..] {
            if let Some(severity) = pack.severity(finding.rule) {
                finding.severity = severity;
            }
        }
    }
    finish(
        &mut out,
        txt.source,
        Suppressions::of_security_txt(txt),
        pack,
    );
    // Last, so that the removal of an unused suppression is dropped there too.
    if let Some(signed) = txt.signed_span() {
        for finding in &mut out {
            let inside =
                |span: Span| span.start < signed.end && signed.start < span.end.max(span.start + 1);
            if finding
                .fix
                .as_ref()
                .is_some_and(|fix| fix.edits.iter().any(|e| inside(e.span)))
            {
                finding.fix = None;
            }
        }
    }
    out
}

/// What every kind's lint ends with: suppressions applied, unused ones reported, findings
/// sorted by position.
fn finish(
    out: &mut Vec<Diagnostic>,
    source: &SourceFile,
    mut suppressions: Suppressions,
    pack: &Pack,
) {
    if suppressions.is_empty() {
        out.sort_by(|a, b| (a.span, a.rule).cmp(&(b.span, b.rule)));
        return;
    }
    out.retain(|d| !suppressions.suppresses(d, source));
    let name = UnusedSuppression::META.name;
    if pack.enabled(name) {
        let first = out.len();
        out.extend(suppressions.unused(source, &rules::names()));
        set_severity(pack, name, &mut out[first..]);
    }
    out.sort_by(|a, b| (a.span, a.rule).cmp(&(b.span, b.rule)));
}

/// The severity the pack sets for `rule`, when it sets one.
fn set_severity(pack: &Pack, rule: &str, findings: &mut [Diagnostic]) {
    force_severity(pack.severity(rule), findings);
}

/// `severity` on every finding, when the pack forces one.
fn force_severity(severity: Option<Severity>, findings: &mut [Diagnostic]) {
    if let Some(severity) = severity {
        for diagnostic in findings {
            diagnostic.severity = severity;
        }
    }
}
