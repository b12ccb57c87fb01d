//! The OpenPGP cleartext signature (RFC 9116 §2.3): its frame, the `Canonical` a signed file
//! should carry, and whether the file is signed at all. Signatures are never verified.

use super::finding;
use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::io::source::Span;
use crate::lint::rule::{RuleMeta, TxtContext, TxtRule};
use crate::security_txt::SecurityTxt;

declare_rule! {
    /// ## What it does
    /// Reports a malformed OpenPGP cleartext frame: a `-----BEGIN PGP SIGNED MESSAGE-----`
    /// that is not the first line (sectxt: `signed_format_issue`), a missing blank line after
    /// the `Hash:` header, a signature block that is missing, never ends or holds no radix-64
    /// data (`pgp_data_error`, `pgp_error`, `pgp_signature_error`), and text after the
    /// signature (`data_after_sig`). The signature itself is not verified: policy-lint reads
    /// its shape, not its key.
    ///
    /// ## Why is this bad?
    /// RFC 9116 §2.3 allows signing the file as RFC 4880 §7 describes; a reader that cannot
    /// take the frame apart cannot check the signature, and text outside it is not signed.
    ///
    /// ## Example
    /// A template signed with the placeholder `{PGP Signature Block}`.
    ///
    /// ## Fix safety
    /// No automatic fix: a signature is made with a key.
    pub SignatureFormat("txt-signature-format", Error, None, "the OpenPGP signature's frame is malformed")
}

impl TxtRule for SignatureFormat {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(signature) = &txt.signature else {
            return;
        };
        for (span, message) in &signature.problems {
            out.push(finding(
                &Self::META,
                *span,
                message.clone(),
                "sign the file again, e.g. `gpg --clearsign security.txt`",
                None,
            ));
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Warns about a signed file without a `Canonical` field (sectxt: `no_canonical`, a
    /// recommendation).
    ///
    /// ## Why is this bad?
    /// RFC 9116 §2.3: a signed file "SHOULD" have `Canonical`, or its signature can be
    /// replayed on another site to vouch for contacts that are not that site's.
    ///
    /// ## Example
    /// A signed file with `Contact` and `Expires` only. Use instead: add
    /// `Canonical: https://example.org/.well-known/security.txt` and sign again.
    ///
    /// ## Fix safety
    /// No automatic fix: the file must be signed again.
    pub MissingCanonical("txt-missing-canonical", Warning, None, "a signed file without Canonical")
}

impl TxtRule for MissingCanonical {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(signature) = &txt.signature else {
            return;
        };
        if !txt.fields_named("canonical").any(|f| !f.value.is_empty()) {
            out.push(finding(
                &Self::META,
                signature.header,
                "a signed security.txt without a `Canonical` field".to_string(),
                "add `Canonical:` with the URL the file is served at, then sign it again",
                None,
            ));
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Warns about a file that is not OpenPGP-signed (sectxt: `not_signed`, a
    /// recommendation). Off in the built-in pack, since RFC 9116 §2.3 makes signing
    /// optional ("MAY"); switch it on with `--extend-select txt-not-signed`.
    ///
    /// ## Why is this bad?
    /// A signature lets a reader check that the contacts are the organisation's own.
    ///
    /// ## Example
    /// Any file without `-----BEGIN PGP SIGNED MESSAGE-----`.
    ///
    /// ## Fix safety
    /// No automatic fix: a signature is made with a key.
    pub NotSigned("txt-not-signed", Warning, None, "security.txt is not signed")
}

impl TxtRule for NotSigned {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        if txt.signature.is_none() {
            out.push(finding(
                &Self::META,
                Span::empty(txt.source.bom_len()),
                "security.txt is not signed".to_string(),
                "sign it with `gpg --clearsign` after every change (RFC 9116 §2.3)",
                None,
            ));
        }
    }
}
