//! Every rule, one file per rule or small family, and the one registry list.
//!
//! To add a rule: write `src/rules/<name>.rs` with a `declare_rule!` whose doc comment is the
//! user documentation, implement [`Rule`], add it to [`RULES`], and add
//! `fixtures/<rule-name>/` with a snapshot test. A security.txt rule goes in
//! `src/rules/security_txt/`, implements [`crate::lint::rule::TxtRule`] and joins
//! `security_txt::TXT_RULES`; its fixture is `fixtures/txt-<name>/security.txt`.

mod dates;
mod incidents;
mod leaked_secret;
mod missing_contact;
mod missing_policy;
mod missing_section;
mod placeholder_text;
mod review;
mod rotation;
pub mod security_txt;
mod table_shape;
mod unclosed_code_block;
mod unused_suppression;
mod versions;

use crate::lint::rule::{Rule, RuleMeta};

pub use missing_policy::MissingPolicy;
pub use unused_suppression::UnusedSuppression;

/// Rules that check one document.
pub static RULES: &[&dyn Rule] = &[
    &missing_section::MissingSection,
    &missing_contact::MissingContact,
    &placeholder_text::PlaceholderText,
    &leaked_secret::LeakedSecret,
    &rotation::RotationOverdue,
    &rotation::RotationDueSoon,
    &rotation::UnknownFrequency,
    &rotation::RotationDateMismatch,
    &dates::InvalidDate,
    &dates::FutureDate,
    &dates::NonIsoDate,
    &table_shape::EmptyCell,
    &table_shape::TableRowShape,
    &review::ReviewOverdue,
    &review::ReviewDateMismatch,
    &review::MissingReviewDate,
    &review::LastUpdatedStale,
    &incidents::IncidentColumns,
    &incidents::IncidentSeverity,
    &incidents::IncidentStatus,
    &incidents::IncidentOrder,
    &incidents::IncidentMarker,
    &versions::NoSupportedVersion,
    &unclosed_code_block::UnclosedCodeBlock,
];

/// Every rule's metadata: the Markdown policy's rules, then the rules the engine reports
/// itself (about suppression comments, about the set of files), then the security.txt rules
/// and those that hold it against SECURITY.md.
pub fn all() -> impl Iterator<Item = &'static RuleMeta> {
    RULES
        .iter()
        .map(|rule| rule.meta())
        .chain([&UnusedSuppression::META, &MissingPolicy::META])
        .chain(security_txt::TXT_RULES.iter().map(|rule| rule.meta()))
        .chain(security_txt::agreement::RULES.iter().copied())
}

/// The rules whose findings come from the passage of time, not from an edit: a commit did not
/// cause them and cannot fix them, so `--deadlines report` (the pre-commit hook) lists them
/// without failing.
pub const DEADLINE_RULES: &[&str] = &[
    "rotation-overdue",
    "rotation-due-soon",
    "review-overdue",
    "txt-expired",
    "txt-expires-soon",
];

pub fn names() -> Vec<&'static str> {
    all().map(|meta| meta.name).collect()
}

pub fn find(name: &str) -> Option<&'static RuleMeta> {
    all().find(|meta| meta.name == name)
}
