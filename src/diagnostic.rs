//! What a rule reports.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::fix::Fix;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding: a rule, where, what, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    /// The offending text; an empty span at 0 for a finding about the whole document.
    pub span: Span,
    /// What is wrong, lower-case, no trailing period.
    pub message: String,
    /// What to do next.
    pub help: Option<String>,
    pub fix: Option<Fix>,
}
