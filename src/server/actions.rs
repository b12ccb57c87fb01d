//! Code actions: each finding's fix (from its `data`), fix-all to a fixpoint as `--fix` does,
//! a suppression comment, and on a dated line the very edits `rotate` and `review` make.

use std::collections::HashMap;

use chrono::NaiveDate;
use ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Diagnostic as LspDiagnostic,
    NumberOrString, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::analysis::{Analysis, DiagnosticData, Layout, SOURCE};
use super::position::{self, Encoding};
use crate::fix;
use crate::fix::update;
use crate::io::source::SourceFile;
use crate::io::write;
use crate::lint::schedule::ObligationKind;
use crate::settings::Settings;

/// `source.fixAll.policy-lint`: what an editor runs on save to apply the safe fixes.
pub const FIX_ALL: &str = "source.fixAll.policy-lint";

/// An open document as the actions see it.
pub struct Target<'a> {
    pub uri: &'a Uri,
    pub source: &'a SourceFile,
    pub settings: &'a Settings,
    pub today: NaiveDate,
    pub encoding: Encoding,
    pub analysis: &'a Analysis,
}

/// The actions for `params`' range and diagnostics, of the kinds `params.context.only` asks
/// for.
pub fn code_actions(target: &Target<'_>, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let only = params.context.only.as_deref();
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|only| {
            only.iter().any(|asked| {
                kind.as_str() == asked.as_str()
                    || kind.as_str().starts_with(&format!("{}.", asked.as_str()))
            })
        })
    };
    let ours: Vec<&LspDiagnostic> = params
        .context
        .diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some(SOURCE))
        .collect();
    let mut actions = Vec::new();
    if wants(&CodeActionKind::QUICKFIX) {
        actions.extend(ours.iter().filter_map(|d| quick_fix(target, d)));
        actions.extend(record(target, params.range, &ours));
        let mut disabled = Vec::new();
        for d in &ours {
            if let Some(action) = disable(target, d)
                && !disabled.contains(&action.title)
            {
                disabled.push(action.title.clone());
                actions.push(action);
            }
        }
    }
    let fix_all_kind = CodeActionKind::from(FIX_ALL);
    if wants(&fix_all_kind)
        && let Some(action) = fix_all(target)
    {
        actions.push(action);
    }
    actions
        .into_iter()
        .map(CodeActionOrCommand::CodeAction)
        .collect()
}

fn edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

/// The finding's own fix, its edits read from its `data`. An unsafe fix says so.
fn quick_fix(target: &Target<'_>, diagnostic: &LspDiagnostic) -> Option<CodeAction> {
    let data: DiagnosticData = serde_json::from_value(diagnostic.data.clone()?).ok()?;
    let fix = data.fix?;
    let title = if fix.safe {
        fix.title
    } else {
        format!("{} (unsafe fix: check the result)", fix.title)
    };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(edit(target.uri, fix.edits)),
        is_preferred: Some(fix.safe),
        ..CodeAction::default()
    })
}

/// Every safe fix, to a fixpoint, as `policy-lint --fix` applies them.
fn fix_all(target: &Target<'_>) -> Option<CodeAction> {
    let pack = &target.settings.pack;
    let fixed = fix::fix_file(target.source, false, pack, target.today, None).ok()?;
    if fixed.applied == 0 {
        return None;
    }
    Some(CodeAction {
        title: format!(
            "Apply every safe policy-lint fix ({} {})",
            fixed.applied,
            if fixed.applied == 1 { "fix" } else { "fixes" }
        ),
        kind: Some(CodeActionKind::from(FIX_ALL)),
        edit: Some(edit(
            target.uri,
            edits_between(target.source, &fixed.source.text, target.encoding),
        )),
        ..CodeAction::default()
    })
}

/// "Disable RULE for this line": a `disable-next-line` comment above the finding's line, its
/// reason to fill in. A finding in a table gets a `disable`…`enable` pair around the table (a
/// comment between rows would end the table); one about the whole document, `disable-file`.
/// None in a signed security.txt, where any edit breaks the signature.
fn disable(target: &Target<'_>, diagnostic: &LspDiagnostic) -> Option<CodeAction> {
    let Some(NumberOrString::String(rule)) = &diagnostic.code else {
        return None;
    };
    let source = target.source;
    let (open, close, tables, body_start) = match &target.analysis.layout {
        Layout::SecurityTxt { signed: true } => return None,
        Layout::SecurityTxt { signed: false } => ("# ", "", &[][..], source.bom_len()),
        Layout::Markdown { tables, body_start } => ("<!-- ", " -->", &tables[..], *body_start),
    };
    let newline = if source.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let comment = |words: String| format!("{open}policy-lint-{words}{close}{newline}");
    let line_start = |offset: usize| source.line_start(source.line_index(offset));
    let at = position::span(source, diagnostic.range, target.encoding);
    let (title, edits) = if at.is_empty() && at.start <= source.bom_len() {
        (
            format!("Disable {rule} for this file"),
            vec![(
                body_start,
                comment(format!("disable-file {rule} -- reason")),
            )],
        )
    } else if let Some(table) = tables
        .iter()
        .find(|t| t.start <= at.start && at.start < t.end)
    {
        let after = source.line_start(source.line_index(table.end - 1) + 1);
        let mut enable = comment(format!("enable {rule}"));
        if after == source.text.len() && !source.text.ends_with('\n') {
            enable = format!("{newline}{}", enable.trim_end());
        }
        (
            format!("Disable {rule} for this table"),
            vec![
                (
                    line_start(table.start),
                    comment(format!("disable {rule} -- reason")),
                ),
                (after, enable),
            ],
        )
    } else {
        (
            format!("Disable {rule} for this line"),
            vec![(
                line_start(at.start),
                comment(format!("disable-next-line {rule} -- reason")),
            )],
        )
    };
    let edits = edits
        .into_iter()
        .map(|(offset, new_text)| {
            let at = position::position(source, offset, target.encoding);
            TextEdit {
                range: Range::new(at, at),
                new_text,
            }
        })
        .collect();
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(edit(target.uri, edits)),
        ..CodeAction::default()
    })
}

/// On a rotation row "Record rotation of SECRET today", on the review field "Record review
/// today": `rotate` and `review` with today's date, their edits applied as the commands apply
/// them (aligned tables stay aligned); on a security.txt's `Expires`, "Renew security.txt
/// until DATE", as `renew` sets it (none on a signed file, which `renew` refuses).
fn record(target: &Target<'_>, range: Range, ours: &[&LspDiagnostic]) -> Vec<CodeAction> {
    let pack = &target.settings.pack;
    let today = target.today;
    let mut actions = Vec::new();
    for due in &target.analysis.dues {
        if due.line < range.start.line || due.line > range.end.line {
            continue;
        }
        let d = &due.deadline;
        let (title, update) = match d.kind {
            ObligationKind::Rotation => (
                format!("Record rotation of {} today", d.name),
                update::rotate(
                    target.source,
                    pack,
                    today,
                    std::slice::from_ref(&d.name),
                    today,
                ),
            ),
            ObligationKind::Review => (
                "Record review today".to_string(),
                update::review(target.source, pack, today, today),
            ),
            ObligationKind::Expiry => {
                let until = fix::renew::default_until(today);
                (
                    format!("Renew security.txt until {}", crate::dates::iso(until)),
                    fix::renew::renew(target.source, today, until),
                )
            }
        };
        let Ok(update) = update else { continue };
        let text = write::recorded(target.source, &update.edits);
        if text == target.source.text {
            continue;
        }
        let on_line: Vec<LspDiagnostic> = ours
            .iter()
            .filter(|diag| diag.range.start.line == due.line)
            .map(|diag| (*diag).clone())
            .collect();
        actions.push(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: (!on_line.is_empty()).then_some(on_line),
            edit: Some(edit(
                target.uri,
                edits_between(target.source, &text, target.encoding),
            )),
            ..CodeAction::default()
        });
    }
    actions
}

/// The edits that turn `old` into `new`: one per changed run of lines, trimmed to the bytes
/// that differ, so that an editor moves no cursor and no mark it need not.
pub fn edits_between(old: &SourceFile, new: &str, encoding: Encoding) -> Vec<TextEdit> {
    let diff = similar::TextDiff::from_lines(old.text.as_str(), new);
    let new_starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', new.as_bytes()).map(|i| i + 1))
        .collect();
    let new_start = |line: usize| {
        new_starts
            .get(line)
            .copied()
            .unwrap_or(new.len())
            .min(new.len())
    };
    let mut edits = Vec::new();
    for op in diff.ops() {
        let (tag, old_lines, new_lines) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            continue;
        }
        let (mut start, mut end) = (
            old.line_start(old_lines.start),
            old.line_start(old_lines.end),
        );
        let (mut new_from, mut new_to) = (new_start(new_lines.start), new_start(new_lines.end));
        // Trim what the two sides share at either end, on character boundaries.
        let shared_start = common_prefix(&old.text[start..end], &new[new_from..new_to]);
        start += shared_start;
        new_from += shared_start;
        let shared_end = common_suffix(&old.text[start..end], &new[new_from..new_to]);
        end -= shared_end;
        new_to -= shared_end;
        edits.push(TextEdit {
            range: Range::new(
                position::position(old, start, encoding),
                position::position(old, end, encoding),
            ),
            new_text: new[new_from..new_to].to_string(),
        });
    }
    edits
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((at, _), _)| at)
}

fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

/// Applies LSP edits to `text` as a client does: all positions are read in the text before
/// any edit. For tests and for checking an action's result.
pub fn apply(source: &SourceFile, edits: &[TextEdit], encoding: Encoding) -> String {
    let mut spans: Vec<(crate::io::source::Span, &str)> = edits
        .iter()
        .map(|e| {
            (
                position::span(source, e.range, encoding),
                e.new_text.as_str(),
            )
        })
        .collect();
    spans.sort_by_key(|(span, _)| (span.start, span.end));
    let mut out = String::with_capacity(source.text.len());
    let mut at = 0;
    for (span, text) in spans {
        out.push_str(&source.text[at..span.start.max(at)]);
        out.push_str(text);
        at = span.end.max(at);
    }
    out.push_str(&source.text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ls_types::Position;

    #[test]
    fn edits_between_change_only_the_bytes_that_differ() {
        let old = SourceFile::new(
            "SECURITY.md",
            "a\n| x | 2025-11-16 |\nb\n🔑 c\n".to_string(),
        );
        let new = "a\n| x | 2026-11-22 |\nb\n🔑 d\n";
        let edits = edits_between(&old, new, Encoding::Utf16);
        assert_eq!(edits.len(), 2);
        assert_eq!(
            edits[0].range,
            Range::new(Position::new(1, 9), Position::new(1, 16))
        );
        assert_eq!(edits[0].new_text, "6-11-22");
        assert_eq!(
            edits[1].range,
            Range::new(Position::new(3, 3), Position::new(3, 4))
        );
        assert_eq!(apply(&old, &edits, Encoding::Utf16), new);
        // Lines added and removed.
        let new = "| x | 2025-11-16 |\nb\nnew\n🔑 c\n";
        assert_eq!(
            apply(
                &old,
                &edits_between(&old, new, Encoding::Utf8),
                Encoding::Utf8
            ),
            new
        );
    }
}
