//! policy-lint lints and updates Markdown security-policy documents.
//!
//! The pipeline, one folder a stage: [`io`] reads the file ([`io::source::SourceFile`]: bytes,
//! BOM, line index) → [`document`] parses it once → [`lint`] gives the rules ([`rules`], one
//! file each) the pack's view of it and applies suppressions → [`diagnostic::Diagnostic`]s →
//! [`render`] prints them, one format a file; [`fix`] applies their edits and [`io`] writes the
//! result. [`cmd`] holds one file per command, [`run`] dispatches to them.
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
pub mod lazy_regex;
pub mod lint;
pub mod pack;
pub mod render;
pub mod rules;
mod run;
pub mod settings;
pub mod stable_hash;
#[cfg(test)]
mod test_texts;

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::io::source::SourceFile;
use crate::lint::policy::Policy;
use crate::lint::rule::Context;
use crate::lint::suppress::Suppressions;
use crate::pack::Pack;
use crate::rules::UnusedSuppression;

pub use run::run;

/// Lints one document with the rules `pack` enables, as of `today`. Findings come sorted by
/// position, with the severities the pack sets.
pub fn lint(source: &SourceFile, pack: &Pack, today: NaiveDate) -> Vec<Diagnostic> {
    lint_document(&Document::parse(source), pack, today)
}

/// [`lint`] of a document already parsed.
pub fn lint_document(doc: &Document<'_>, pack: &Pack, today: NaiveDate) -> Vec<Diagnostic> {
    let policy = Policy::new(doc, pack);
    let ctx = Context {
        today,
        pack,
        policy: &policy,
    };
    let mut out = Vec::new();
    for rule in rules::RULES {
        let name = rule.meta().name;
        if !pack.enabled(name) {
            continue;
        }
        let first = out.len();
        rule.check(doc, &ctx, &mut out);
        set_severity(pack, name, &mut out[first..]);
    }
    let mut suppressions = Suppressions::parse(doc);
    out.retain(|d| !suppressions.suppresses(d, doc));
    let name = UnusedSuppression::META.name;
    if pack.enabled(name) {
        let first = out.len();
        out.extend(suppressions.unused(doc, &rules::names()));
        set_severity(pack, name, &mut out[first..]);
    }
    out.sort_by(|a, b| (a.span, a.rule).cmp(&(b.span, b.rule)));
    out
}

/// The severity the pack sets for `rule`, when it sets one.
fn set_severity(pack: &Pack, rule: &str, findings: &mut [Diagnostic]) {
    if let Some(severity) = pack.severity(rule) {
        for diagnostic in findings {
            diagnostic.severity = severity;
        }
    }
}
