//! The `txt-` rules: RFC 9116's requirements and recommendations for a security.txt file, one
//! file a family — its `Expires` ([`expires`]), its fields ([`fields`]), its line syntax
//! ([`syntax`]), its signature ([`signature`]) — and the rules that hold it against the
//! repository's SECURITY.md ([`agreement`]). Each rule's docs name the code DigitalTrustCenter's
//! `sectxt` validator gives the same problem, where it has one.
//!
//! What the rules leave out: whatever needs the file's URL (served over HTTPS, its
//! content type, redirects, a `Canonical` that matches the address it was fetched from).

pub mod agreement;
mod expires;
mod fields;
mod signature;
mod syntax;

use crate::diagnostic::{Diagnostic, Fix};
use crate::io::source::Span;
use crate::lint::rule::{RuleMeta, TxtRule};

/// Rules that check one security.txt file.
pub static TXT_RULES: &[&dyn TxtRule] = &[
    &fields::MissingContact,
    &expires::MissingExpires,
    &expires::InvalidExpires,
    &expires::Expired,
    &expires::ExpiresTooFar,
    &expires::ExpiresSoon,
    &fields::RepeatedField,
    &fields::NotUri,
    &fields::InsecureUri,
    &fields::InvalidLanguage,
    &fields::InvalidCsaf,
    &fields::MultipleCsaf,
    &fields::MissingEncryption,
    &fields::UnknownField,
    &syntax::LineSyntax,
    &syntax::EmptyValue,
    &syntax::LineEnding,
    &syntax::ByteOrderMark,
    &signature::SignatureFormat,
    &signature::MissingCanonical,
    &signature::NotSigned,
];

/// A finding of `meta`'s rule at its default severity.
fn finding(
    meta: &RuleMeta,
    span: Span,
    message: String,
    help: impl Into<String>,
    fix: Option<Fix>,
) -> Diagnostic {
    Diagnostic {
        rule: meta.name,
        severity: meta.default_severity,
        span,
        message,
        help: Some(help.into()),
        fix,
    }
}
