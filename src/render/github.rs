//! `--format github`: one GitHub Actions workflow command per finding, so that each shows as
//! an annotation on the pull request's diff, and a Markdown table of every finding for the
//! step summary (GitHub shows only the first ten annotations of each kind on a run).

use std::io::{self, Write};

use super::{Report, summary_line};
use crate::diagnostic::Severity;

/// `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        let repo_path = report.repo_path(file);
        for d in &file.diagnostics {
            let start = file.source.line_col(d.span.start);
            let end = file.source.line_col(d.span.end);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                property(&repo_path),
                start.line,
                start.column,
                end.line,
                end.column,
                property(&format!("policy-lint ({})", d.rule)),
                data(&message)
            )?;
        }
    }
    Ok(())
}

/// Where a workflow's files are on GitHub: `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/
/// $GITHUB_SHA` when the three are set (a job summary has no page to resolve a relative
/// link against).
pub fn blob_url_from_env() -> Option<String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    Some(format!(
        "{}/{}/blob/{}",
        var("GITHUB_SERVER_URL")?.trim_end_matches('/'),
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

/// A Markdown table of every finding, for `$GITHUB_STEP_SUMMARY`; each links to its line
/// under `link_base` (see [`blob_url_from_env`]), else relative to the repository root.
pub fn step_summary(
    report: &Report,
    link_base: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "### policy-lint\n")?;
    writeln!(out, "{}\n", summary_line(report.summary()))?;
    if report.files.iter().all(|f| f.diagnostics.is_empty()) {
        return Ok(());
    }
    writeln!(out, "| | Rule | Where | Finding |")?;
    writeln!(out, "|---|---|---|---|")?;
    for file in &report.files {
        let repo_path = report.repo_path(file);
        for d in &file.diagnostics {
            let line = file.source.line_col(d.span.start).line;
            let icon = match d.severity {
                Severity::Error => "❌ error",
                Severity::Warning => "⚠️ warning",
            };
            let target = match link_base {
                Some(base) => format!("{base}/{repo_path}"),
                None => repo_path.clone(),
            };
            writeln!(
                out,
                "| {icon} | `{}` | [{}:{line}]({}#L{line}) | {} |",
                d.rule,
                cell(&repo_path),
                target.replace(' ', "%20"),
                cell(&d.message)
            )?;
        }
    }
    Ok(())
}

/// A message: `%`, CR and LF escaped as GitHub's toolkit does.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value: as a message, and `:` and `,` too.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Text safe inside a Markdown table cell, on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(
            data("100% done\r\nnext: a, b"),
            "100%25 done%0D%0Anext: a, b"
        );
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
