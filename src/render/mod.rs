//! Output formats, one file each: the only code that prints findings.

mod concise;
pub mod deadlines;
pub mod github;
mod human;
pub mod ics;
mod json;
mod sarif;
mod statistics;

use std::io::{self, Write};
use std::path::PathBuf;

use chrono::NaiveDate;

use crate::cli::Format;
use crate::diagnostic::{Diagnostic, Severity};
use crate::io::source::SourceFile;

pub use human::graphical_handler;

/// The findings of one run.
pub struct Report {
    pub today: NaiveDate,
    /// The repository root, canonical, as [`crate::io::discover::repository_root`] finds it.
    pub root: PathBuf,
    pub files: Vec<FileReport>,
}

pub struct FileReport {
    pub source: SourceFile,
    pub diagnostics: Vec<Diagnostic>,
    /// Fixes `--fix` applied to this file.
    pub fixed: usize,
}

impl FileReport {
    /// Whether this stands for a directory in which no policy was found (`missing-policy`),
    /// not for a file that was read.
    pub fn is_missing_policy(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.rule == crate::rules::MissingPolicy::META.name)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub fixable: usize,
    pub fixed: usize,
}

impl Report {
    /// `file`'s path relative to the repository root, with forward slashes, as SARIF and
    /// GitHub annotations name it: worked out when a format asks for it, since it resolves
    /// the path on disk.
    pub fn repo_path(&self, file: &FileReport) -> String {
        crate::io::discover::repository_path(file.source.path(), &self.root)
    }

    /// The counts of the report, in one pass over it: a run over many repositories has
    /// tens of thousands of reports, long out of the caches.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for file in &self.files {
            for d in &file.diagnostics {
                match d.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                }
                summary.fixable += usize::from(d.fix.is_some());
            }
            // A directory in which no policy was found is a finding, not a file linted.
            summary.files += usize::from(!file.is_missing_policy());
            summary.fixed += file.fixed;
        }
        summary
    }

    /// Whether any finding that `counts` is at or above `threshold`.
    pub fn fails(&self, threshold: Option<Severity>, counts: impl Fn(&Diagnostic) -> bool) -> bool {
        threshold.is_some_and(|threshold| {
            self.files
                .iter()
                .flat_map(|f| &f.diagnostics)
                .any(|d| d.severity >= threshold && counts(d))
        })
    }
}

/// Options that change how a report is printed, not what it says.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub color: bool,
    pub quiet: bool,
    /// A count per rule instead of the findings.
    pub statistics: bool,
}

/// Prints `report` to `out` in `format`.
pub fn render(
    format: Format,
    report: &Report,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    if options.statistics {
        return statistics::render(format, report, options, out);
    }
    match format {
        Format::Human => human::render(report, options, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out),
        Format::Concise => concise::render(report, options, out),
        Format::Json => json::render(report, out),
        Format::Markdown | Format::Ics => Err(io::Error::other(
            "the markdown and ics formats are for `policy-lint deadlines`",
        )),
    }
}

/// `1 error`, `2 warnings`.
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The closing line of the text formats: `Found 5 errors in 1 file.`, `Found 1 error and
/// 2 warnings in 3 files.`, `All checks passed (1 file).`; a count of zero is left out.
pub fn summary_line(summary: Summary) -> String {
    let files = plural(summary.files, "file");
    let fixed = match summary.fixed {
        0 => String::new(),
        n => format!("Fixed {}. ", plural(n, "finding")),
    };
    if summary.errors + summary.warnings == 0 {
        return format!("{fixed}All checks passed ({files}).");
    }
    let counts: Vec<String> = [(summary.errors, "error"), (summary.warnings, "warning")]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, noun)| plural(count, noun))
        .collect();
    let within = match summary.files {
        0 => String::new(),
        _ => format!(" in {files}"),
    };
    format!("{fixed}Found {}{within}.", counts.join(" and "))
}

#[cfg(test)]
mod tests {
    use super::{Summary, summary_line};

    #[test]
    fn the_summary_line_leaves_out_what_is_zero() {
        let summary = |files, errors, warnings| Summary {
            files,
            errors,
            warnings,
            ..Summary::default()
        };
        assert_eq!(summary_line(summary(1, 5, 0)), "Found 5 errors in 1 file.");
        assert_eq!(
            summary_line(summary(2, 0, 1)),
            "Found 1 warning in 2 files."
        );
        assert_eq!(
            summary_line(summary(3, 1, 2)),
            "Found 1 error and 2 warnings in 3 files."
        );
        // Only a directory without a policy: no file was read.
        assert_eq!(summary_line(summary(0, 1, 0)), "Found 1 error.");
        assert_eq!(
            summary_line(summary(1, 0, 0)),
            "All checks passed (1 file)."
        );
    }
}
