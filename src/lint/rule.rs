//! The rule trait and the metadata every rule declares next to its documentation.

use chrono::NaiveDate;

use crate::diagnostic::{Diagnostic, Severity};
use crate::document::Document;
use crate::lint::policy::Policy;
use crate::pack::Pack;
use crate::security_txt::SecurityTxt;

/// Whether a rule can fix what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Safe,
    Unsafe,
}

/// What `policy-lint rules` and `policy-lint rule NAME` print about a rule.
#[derive(Debug)]
pub struct RuleMeta {
    /// The public, never-renamed name: `missing-section`.
    pub name: &'static str,
    /// One line: what it finds.
    pub summary: &'static str,
    /// The rule's doc comment: What it does / Why is this bad? / Example / Fix safety.
    pub docs: &'static str,
    pub default_severity: Severity,
    pub fix: FixAvailability,
}

impl RuleMeta {
    /// The doc comment as Markdown, without the space that starts each line.
    pub fn docs_markdown(&self) -> String {
        self.docs
            .lines()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_string()
    }

    /// The rule's documentation as `policy-lint rule NAME` prints it (and the language
    /// server's hover shows it): name, summary, default severity, then the docs.
    pub fn explanation(&self) -> String {
        format!(
            "# {}\n\n{}\n\nDefault severity: {}\n\n{}\n",
            self.name,
            self.summary,
            self.default_severity,
            self.docs_markdown()
        )
    }
}

/// What every rule gets besides the document: the date of the run, the resolved pack and the
/// pack's view of the document.
/// Rules never read the clock.
pub struct Context<'a> {
    pub today: NaiveDate,
    pub pack: &'a Pack,
    /// The document's tables, dates and review fields as the pack's kinds see them.
    pub policy: &'a Policy<'a>,
}

/// A check over one parsed document. Rules only read the model; they never parse Markdown.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// Push findings to `out`. Severity is set by the engine from the configuration, so a
    /// rule may leave its default in place.
    fn check(&self, doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// What every security.txt rule gets besides the file: the date of the run and the pack.
pub struct TxtContext<'a> {
    pub today: NaiveDate,
    pub pack: &'a Pack,
}

/// A check over one parsed security.txt file: the `txt-` rules.
pub trait TxtRule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    fn check(&self, txt: &SecurityTxt<'_>, ctx: &TxtContext<'_>, out: &mut Vec<Diagnostic>);
}

/// Declares a rule's unit struct and its [`RuleMeta`], taking the docs from the doc comment:
///
/// ```text
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub MissingSection("missing-section", Error, Unsafe, "a required section is absent")
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub $ty:ident($name:literal, $severity:ident, $fix:ident, $summary:literal)
    ) => {
        $(#[doc = $doc])*
        pub struct $ty;

        impl $ty {
            pub const META: $crate::lint::rule::RuleMeta = $crate::lint::rule::RuleMeta {
                name: $name,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
                default_severity: $crate::diagnostic::Severity::$severity,
                fix: $crate::lint::rule::FixAvailability::$fix,
            };
        }
    };
}
