//! What the rules read besides the document — the pack's view of it ([`policy`]), its dated
//! obligations ([`schedule`]) — the rule trait ([`rule`]), and the suppression comments that
//! silence findings ([`suppress`]). [`crate::lint()`] runs it all on one document.

pub mod policy;
pub mod rule;
pub mod schedule;
pub mod suppress;
