//! What the editor shows beside the text: the hover (a finding's rule documentation, an
//! obligation's schedule) and the inlay hint (or code lens) at the end of each dated line.
//! Everything comes from the document's [`Analysis`]; nothing here judges a date.

use ls_types::{
    CodeLens, Command, Hover, HoverContents, InlayHint, InlayHintLabel, MarkupContent, MarkupKind,
    NumberOrString, Position, Range,
};

use super::analysis::{Analysis, DiagnosticData, Due, contains};
use crate::dates::{days_text, iso};
use crate::lint::schedule::ObligationKind;

/// The hover at `position`: the documentation of each finding there, and the schedule of an
/// obligation on that line.
pub fn hover(analysis: &Analysis, position: Position) -> Option<Hover> {
    let mut parts = Vec::new();
    for diagnostic in &analysis.diagnostics {
        if !contains(diagnostic.range, position) {
            continue;
        }
        let Some(NumberOrString::String(rule)) = &diagnostic.code else {
            continue;
        };
        let Some(meta) = crate::rules::find(rule) else {
            continue;
        };
        let help = diagnostic
            .data
            .clone()
            .and_then(|data| serde_json::from_value::<DiagnosticData>(data).ok())
            .and_then(|data| data.help)
            .map(|help| format!("help: {help}\n\n"))
            .unwrap_or_default();
        parts.push(format!("{help}{}", meta.explanation()));
    }
    for due in analysis.dues.iter().filter(|d| d.line == position.line) {
        parts.push(schedule(due));
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: parts.join("\n---\n\n"),
        }),
        range: None,
    })
}

/// An obligation's schedule, as a hover shows it.
fn schedule(due: &Due) -> String {
    let d = &due.deadline;
    let mut lines = vec![format!("**{}**", d.title), String::new()];
    match d.kind {
        ObligationKind::Rotation => {
            let last = d.last.map_or_else(|| "not recorded".to_string(), iso);
            lines.push(format!("- last rotated: {last}"));
            lines.push(format!("- frequency: {}", d.frequency));
        }
        ObligationKind::Review => {
            if let Some(last) = d.last {
                lines.push(format!("- last reviewed: {}", iso(last)));
            }
            lines.push(format!(
                "- cadence: {} (from {})",
                d.frequency, due.frequency_source
            ));
        }
        ObligationKind::Expiry => {}
    }
    match d.due {
        Some(date) => lines.push(format!("- due: {} ({})", iso(date), d.when())),
        None => lines.push(format!("- due: unknown ({})", d.when())),
    }
    if let Some(owner) = &d.owner {
        lines.push(format!("- owner: {owner}"));
    }
    lines.join("\n") + "\n"
}

/// The hint text: `due 2026-02-14 · 281 days late`, `due today`, `due in 12 days`.
pub fn label(due: &Due) -> String {
    let d = &due.deadline;
    match (d.due, d.days_left) {
        (Some(date), Some(left)) if left < 0 => {
            format!("due {} · {} late", iso(date), days_text(-left))
        }
        (Some(_), Some(0)) => "due today".to_string(),
        (Some(_), Some(left)) => format!("due in {}", days_text(left)),
        _ => format!("due date unknown: {}", d.when()),
    }
}

/// One hint at the end of each dated line inside `range`.
pub fn inlay_hints(analysis: &Analysis, range: Range) -> Vec<InlayHint> {
    analysis
        .dues
        .iter()
        .filter(|due| range.start.line <= due.line && due.line <= range.end.line)
        .map(|due| InlayHint {
            position: due.end,
            label: InlayHintLabel::String(label(due)),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect()
}

/// The same as code lenses, for a client without inlay hints: a lens runs no command.
pub fn code_lenses(analysis: &Analysis) -> Vec<CodeLens> {
    analysis
        .dues
        .iter()
        .map(|due| CodeLens {
            range: Range::new(Position::new(due.line, 0), due.end),
            command: Some(Command {
                title: label(due),
                command: String::new(),
                arguments: None,
            }),
            data: None,
        })
        .collect()
}
