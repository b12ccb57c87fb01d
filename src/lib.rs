//! policy-lint lints and updates Markdown security-policy documents.
//!
//! The pipeline: [`source::SourceFile`] (bytes, BOM, line index) → [`document::Document`]
//! (parsed once) → the [`rules`] (read-only) → [`diagnostic::Diagnostic`]s → a [`render`]er.

pub mod align;
pub mod cli;
mod cmd;
pub mod dates;
pub mod diagnostic;
pub mod discover;
pub mod document;
pub mod fix;
pub mod pack;
pub mod policy;
pub mod render;
pub mod rule;
pub mod rules;
mod run;
pub mod schedule;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod update;
pub mod write;

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::pack::Pack;
use crate::policy::Policy;
use crate::rule::Context;
use crate::rules::UnusedSuppression;
use crate::source::SourceFile;
use crate::suppress::Suppressions;

pub use run::run;

/// Lints one document with the rules `pack` enables, as of `today`. Findings come sorted by
/// position, with the severities the pack sets.
pub fn lint(source: &SourceFile, pack: &Pack, today: NaiveDate) -> Vec<Diagnostic> {
    let doc = Document::parse(source);
    let policy = Policy::new(&doc, pack);
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
        rule.check(&doc, &ctx, &mut out);
        set_severity(pack, name, &mut out[first..]);
    }
    let mut suppressions = Suppressions::parse(&doc);
    out.retain(|d| !suppressions.suppresses(d, &doc));
    let name = UnusedSuppression::META.name;
    if pack.enabled(name) {
        let first = out.len();
        out.extend(suppressions.unused(&doc, &rules::names()));
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
