//! `rules` and `rule NAME`: the rule catalogue, from the binary.

use std::io::Write;

use serde::Serialize;

use crate::cli::TextFormat;
use crate::diagnostic::Severity;
use crate::lint::rule::{FixAvailability, RuleMeta};
use crate::rules;

#[derive(Serialize)]
struct JsonRule {
    name: &'static str,
    summary: &'static str,
    default_severity: Severity,
    /// `none`, `safe` or `unsafe`.
    fix: &'static str,
    docs: String,
}

fn json_rule(meta: &RuleMeta) -> JsonRule {
    JsonRule {
        name: meta.name,
        summary: meta.summary,
        default_severity: meta.default_severity,
        fix: match meta.fix {
            FixAvailability::None => "none",
            FixAvailability::Safe => "safe",
            FixAvailability::Unsafe => "unsafe",
        },
        docs: meta.docs_markdown(),
    }
}

/// Every rule, a line each; `--format json` for the whole catalogue with each rule's docs.
pub fn list_rules(format: TextFormat) -> Result<u8, miette::Report> {
    let mut out = Vec::new();
    let written = if format == TextFormat::Json {
        let catalogue: Vec<JsonRule> = rules::all().map(json_rule).collect();
        serde_json::to_writer_pretty(&mut out, &catalogue)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        let width = rules::all().map(|m| m.name.len()).max().unwrap_or(0);
        rules::all().try_for_each(|meta| {
            let fix = match meta.fix {
                FixAvailability::None => "",
                FixAvailability::Safe => "  (fix)",
                FixAvailability::Unsafe => "  (unsafe fix)",
            };
            writeln!(
                out,
                "{:width$}  {:7}  {}{fix}",
                meta.name,
                meta.default_severity.to_string(),
                meta.summary
            )
        })
    };
    written.map_err(|err| miette::miette!("cannot write: {err}"))?;
    super::print_bytes(&out)
}

/// `policy-lint rule NAME`: the rule's documentation.
pub fn explain_rule(name: &str, format: TextFormat) -> Result<u8, miette::Report> {
    let Some(meta) = rules::find(name) else {
        let names = rules::names();
        let help = match crate::pack::closest(name, &names) {
            Some(near) => format!("did you mean `{near}`? `policy-lint rules` lists every rule"),
            None => "`policy-lint rules` lists every rule".to_string(),
        };
        return Err(miette::miette!(help = help, "unknown rule `{name}`"));
    };
    if format == TextFormat::Json {
        let json = serde_json::to_string_pretty(&json_rule(meta))
            .map_err(|err| miette::miette!("cannot write: {err}"))?;
        return super::print_bytes(format!("{json}\n").as_bytes());
    }
    super::print_bytes(meta.explanation().as_bytes())
}
