//! The kinds of document policy-lint reads — a Markdown security policy (SECURITY.md) and an
//! RFC 9116 security.txt — and the one seam through which the pipeline takes either: a file's
//! kind comes from its name ([`DocumentKind::of`]), it is parsed once into its own model
//! ([`Parsed`]), and [`crate::lint_parsed`] runs that kind's rules on it.
//!
//! A new kind of document gets a model and parser module of its own beside `document/` and
//! `security_txt/`, a variant here, its rules under `rules/`, and its file names in the pack.

use std::path::Path;

use crate::document::Document;
use crate::io::discover::is_named;
use crate::io::source::SourceFile;
use crate::pack::Pack;
use crate::security_txt::SecurityTxt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentKind {
    /// A Markdown security policy: SECURITY.md.
    Policy,
    /// An RFC 9116 security.txt.
    SecurityTxt,
}

impl DocumentKind {
    /// The kind of the file at `path`: a security.txt when its name is one of the pack's
    /// `security-txt: file-names` (any case), else a Markdown policy.
    pub fn of(path: &Path, pack: &Pack) -> DocumentKind {
        match path.file_name() {
            Some(name) if is_named(name, &pack.security_txt.file_names) => {
                DocumentKind::SecurityTxt
            }
            _ => DocumentKind::Policy,
        }
    }
}

/// A file parsed into the model of its kind.
pub enum Parsed<'s> {
    Policy(Document<'s>),
    SecurityTxt(SecurityTxt<'s>),
}

impl<'s> Parsed<'s> {
    /// Parses `source` as the kind its name says.
    pub fn parse(source: &'s SourceFile, pack: &Pack) -> Parsed<'s> {
        match DocumentKind::of(source.path(), pack) {
            DocumentKind::Policy => Parsed::Policy(Document::parse(source)),
            DocumentKind::SecurityTxt => Parsed::SecurityTxt(SecurityTxt::parse(source)),
        }
    }

    pub fn source(&self) -> &'s SourceFile {
        match self {
            Parsed::Policy(doc) => doc.source,
            Parsed::SecurityTxt(txt) => txt.source,
        }
    }
}
