//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).
//!
//! Artifact URIs are relative to the repository root (`%SRCROOT%`), columns count Unicode
//! code points as everywhere in policy-lint, and each result carries a fingerprint made of
//! the rule and the text of the line it points at (whitespace collapsed), never the line
//! number, so an alert survives lines moving above it.

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{FileReport, Report};
use crate::dates::iso;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::rule::RuleMeta;
use crate::rules;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Writes the log with each result on a line of its own, streamed: a report of any size is
/// never held whole as a JSON tree.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let metas: Vec<&RuleMeta> = rules::all().collect();
    let index: HashMap<&str, usize> = metas.iter().enumerate().map(|(i, m)| (m.name, i)).collect();
    let run = json!({
        "tool": { "driver": {
            "name": "policy-lint",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://crates.io/crates/policy-lint",
            "rules": metas.iter().map(|m| rule(m)).collect::<Vec<_>>(),
        }},
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": { "%SRCROOT%": {
            "description": { "text": "The root of the repository." }
        }},
        "properties": { "today": iso(report.today) },
    });
    // The run's members, then its results: `{"$schema":…,"runs":[{"tool":…,"results":[`.
    let run = serde_json::to_string(&run)?;
    let members = run.strip_suffix('}').unwrap_or(&run);
    write!(
        out,
        "{{\"$schema\":{},\"version\":\"2.1.0\",\"runs\":[{members},\"results\":[",
        serde_json::to_string(SCHEMA)?
    )?;
    let mut first = true;
    for file in &report.files {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let repo_path = report.repo_path(file);
        for d in &file.diagnostics {
            out.write_all(if first { b"\n" } else { b",\n" })?;
            first = false;
            let result = result(file, &repo_path, d, index.get(d.rule).copied(), &mut seen);
            serde_json::to_writer(&mut *out, &result)?;
        }
    }
    writeln!(out, "\n]}}]}}")
}

/// A `reportingDescriptor`: the rule's summary, its "What it does" and its whole docs.
fn rule(meta: &RuleMeta) -> Value {
    let docs = meta.docs_markdown();
    json!({
        "id": meta.name,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": what_it_does(&docs) },
        "help": { "text": docs, "markdown": docs },
        "defaultConfiguration": { "level": level(meta.default_severity) },
    })
}

/// The paragraph under `## What it does`, joined into one line.
fn what_it_does(docs: &str) -> String {
    let body = docs.strip_prefix("## What it does").unwrap_or(docs);
    let paragraph = body.trim_start().split("\n\n").next().unwrap_or("");
    paragraph.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(
    file: &FileReport,
    repo_path: &str,
    d: &Diagnostic,
    rule_index: Option<usize>,
    seen: &mut HashMap<String, usize>,
) -> Value {
    let start = file.source.line_col(d.span.start);
    let end = file.source.line_col(d.span.end);
    // The same finding twice on equal lines: the occurrence number tells them apart.
    let key = stable_key(file, repo_path, d);
    let occurrence = seen.entry(key.clone()).or_default();
    *occurrence += 1;
    let fingerprint = format!(
        "{:016x}:{occurrence}",
        crate::stable_hash::fnv1a(key.as_bytes())
    );
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nHelp: ");
        message.push_str(help);
    }
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": repo_path, "uriBaseId": "%SRCROOT%" },
            "region": {
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
            },
        }}],
        "partialFingerprints": { "policyLint/v1": fingerprint },
    });
    if let (Some(index), Some(map)) = (rule_index, result.as_object_mut()) {
        map.insert("ruleIndex".to_string(), json!(index));
    }
    result
}

/// What identifies a finding whatever moves around it: the rule, the file and the text of
/// the line it points at (the secret's row, the field, the heading), whitespace collapsed;
/// for a finding about the whole document, its message.
fn stable_key(file: &FileReport, repo_path: &str, d: &Diagnostic) -> String {
    let what = if d.span.is_empty() && d.span.start <= file.source.bom_len() {
        d.message.clone()
    } else {
        let line = file.source.line_span(file.source.line_index(d.span.start));
        file.source
            .slice(line)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!("{}\n{repo_path}\n{what}", d.rule)
}
