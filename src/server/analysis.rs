//! One lint of one open document, as the server keeps it: the CLI's findings in LSP form, and
//! the document's dated obligations (each rotation row, the review field, a security.txt's
//! `Expires`) for hover, inlay hints and the record actions. Made on the lint thread from one
//! parse, so that no request has to parse the document again.

use std::path::Path;

use chrono::NaiveDate;
use ls_types::{
    CodeDescription, Diagnostic as LspDiagnostic, DiagnosticSeverity, NumberOrString, Position,
    Range, TextEdit, Uri,
};
use serde::{Deserialize, Serialize};

use super::position::{self, Encoding};
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::io::source::{SourceFile, Span};
use crate::kind::Parsed;
use crate::lint::policy::Policy;
use crate::lint::schedule::{self, Deadline};
use crate::settings::Settings;

/// The name findings carry as their `source`.
pub const SOURCE: &str = "policy-lint";

/// Where the rules' documentation is read on the web: the README's rule list. A rule's full
/// text is the hover on its finding, as `policy-lint rule NAME` prints it.
pub fn docs_url() -> String {
    format!("{}#rules", env!("CARGO_PKG_REPOSITORY"))
}

/// A lint of one version of one document.
#[derive(Debug)]
pub struct Analysis {
    pub uri: Uri,
    pub version: i32,
    pub diagnostics: Vec<LspDiagnostic>,
    pub dues: Vec<Due>,
    pub layout: Layout,
}

/// What a suppression comment's place depends on, read from the lint's parse.
#[derive(Debug)]
pub enum Layout {
    Markdown {
        /// Each table's bytes.
        tables: Vec<Span>,
        /// Where the document's body starts: after a BOM and the front matter.
        body_start: usize,
    },
    SecurityTxt {
        /// Whether the file is OpenPGP-signed: no edit may touch it.
        signed: bool,
    },
}

/// One dated obligation, where it is written.
#[derive(Debug)]
pub struct Due {
    /// The line it is written on (0-based), and the end of that line, where its hint goes.
    pub line: u32,
    pub end: Position,
    pub deadline: Deadline,
    /// Where the frequency comes from: `the table`, `"(quarterly review)" on line 222`.
    pub frequency_source: String,
}

/// What a finding's fix carries in `Diagnostic.data`, so that a code action needs no second
/// lint.
#[derive(Debug, Serialize, Deserialize)]
pub struct FixData {
    pub title: String,
    /// `false` for an unsafe fix: offered alone, labelled, never in fix-all.
    pub safe: bool,
    pub edits: Vec<TextEdit>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct DiagnosticData {
    /// What to do next, as the CLI's `help:` line says it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixData>,
}

/// Lints `text` as the file at `path`, with `settings`' pack, as of `today`.
pub fn analyse(
    uri: Uri,
    version: i32,
    path: &Path,
    text: String,
    settings: &Settings,
    today: NaiveDate,
    encoding: Encoding,
) -> Analysis {
    let source = SourceFile::new(path, text);
    let pack = &settings.pack;
    let parsed = Parsed::parse(&source, pack);
    let findings = crate::lint_parsed(&parsed, pack, today, None);
    let diagnostics = findings
        .iter()
        .map(|finding| to_lsp(finding, &source, encoding))
        .collect();
    let mut dues = Vec::new();
    let mut push = |deadline: Deadline, offset: usize, frequency_source: String| {
        let line = source.line_index(offset);
        let end = position::line_end(&source.text, source.line_start(line));
        dues.push(Due {
            line: position::position(&source, offset, encoding).line,
            end: position::position(&source, end, encoding),
            deadline,
            frequency_source,
        });
    };
    let layout = match &parsed {
        Parsed::Policy(doc) => {
            let policy = Policy::new(doc, pack);
            let window = i64::from(pack.rotation.warning_window_days);
            for obligation in schedule::obligations(&policy) {
                let deadline = Deadline::new(&obligation, &source, "", today, window);
                push(
                    deadline,
                    obligation.span.start,
                    obligation.frequency_source.clone(),
                );
            }
            for undated in schedule::undated(&policy) {
                push(
                    Deadline::unknown(&undated, &source, ""),
                    undated.span.start,
                    "the table".to_string(),
                );
            }
            Layout::Markdown {
                tables: doc
                    .tables
                    .iter()
                    .map(|t| t.span)
                    .filter(|s| !s.is_empty())
                    .collect(),
                // After the front matter's closing line, else at the very start.
                body_start: doc.front_matter.map_or(source.bom_len(), |front| {
                    source.line_start(source.line_index(front.end.max(1) - 1) + 1)
                }),
            }
        }
        Parsed::SecurityTxt(txt) => {
            let window = i64::from(pack.security_txt.warning_window_days);
            let offset = txt.expires().map_or(0, |expiry| expiry.value.start);
            push(
                Deadline::expiry(txt, "", today, window),
                offset,
                "the Expires field".to_string(),
            );
            Layout::SecurityTxt {
                signed: txt.signature.is_some(),
            }
        }
    };
    dues.sort_by_key(|due| due.line);
    Analysis {
        uri,
        version,
        diagnostics,
        dues,
        layout,
    }
}

/// A finding as the CLI reports it: the rule as `code`, its docs, severity, message, range;
/// its fix's edits in `data`. (The help line is in the hover, with the rule's docs.)
pub fn to_lsp(finding: &Diagnostic, source: &SourceFile, encoding: Encoding) -> LspDiagnostic {
    let fix = finding.fix.as_ref().map(|fix| FixData {
        title: fix.title.clone(),
        safe: fix.applicability == Applicability::Safe,
        edits: fix
            .edits
            .iter()
            .map(|edit| TextEdit {
                range: position::range(source, edit.span, encoding),
                new_text: edit.replacement.clone(),
            })
            .collect(),
    });
    LspDiagnostic {
        range: position::range(source, finding.span, encoding),
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: docs_url().parse().ok().map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: finding.message.clone(),
        data: serde_json::to_value(DiagnosticData {
            help: finding.help.clone(),
            fix,
        })
        .ok(),
        ..LspDiagnostic::default()
    }
}

/// Whether `position` lies in `range` (an empty range holds the position it is at).
pub fn contains(range: Range, position: Position) -> bool {
    range.start <= position
        && (position < range.end || range.start == range.end && position == range.start)
}
