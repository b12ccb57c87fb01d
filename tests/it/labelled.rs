//! Precision and recall on `../shared/corpus/labelled/`: real policies nobody here wrote,
//! labelled by hand with the findings a careful reviewer requires (`must`) or accepts
//! (`allowed`), scored as the corpus README says, as of 2026-11-24.
//!
//! The test prints a per-rule table and every false finding and miss, and fails on a false
//! finding of error severity, on a missed `must`, and below 97 % precision.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use policy_lint::diagnostic::{Diagnostic, Severity};
use policy_lint::io::source::SourceFile;
use policy_lint::pack::Pack;
use serde_json::Value;

/// The day the labels were written for.
fn labelled_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("valid date")
}

/// A `must` label: the rule, a substring of the message, the line.
struct Must {
    rule: String,
    substring: Option<String>,
    line: Option<usize>,
}

/// An `allowed` label: the rule, a substring of the message.
struct Allowed {
    rule: String,
    substring: Option<String>,
}

fn text_of(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

fn labels(entry: &Value) -> (Vec<Must>, Vec<Allowed>) {
    let list = |key: &str| entry[key].as_array().cloned().unwrap_or_default();
    let must = list("must")
        .iter()
        .map(|l| Must {
            rule: text_of(&l[0]).expect("a rule"),
            substring: text_of(&l[1]),
            line: l[2].as_u64().map(|n| n as usize),
        })
        .collect();
    let allowed = list("allowed")
        .iter()
        .map(|l| Allowed {
            rule: text_of(&l[0]).expect("a rule"),
            substring: text_of(&l[1]),
        })
        .collect();
    (must, allowed)
}

/// What one finding is, as the README scores it.
struct Finding {
    rule: &'static str,
    severity: Severity,
    line: usize,
    message: String,
}

impl Finding {
    fn new(d: &Diagnostic, source: &SourceFile) -> Finding {
        Finding {
            rule: d.rule,
            severity: d.severity,
            line: source.line_col(d.span.start).line,
            message: d.message.clone(),
        }
    }

    fn matches_must(&self, must: &Must) -> bool {
        self.rule == must.rule
            && must
                .substring
                .as_ref()
                .is_none_or(|s| self.message.contains(s.as_str()))
            && must.line.is_none_or(|l| l == self.line)
    }

    fn matches_allowed(&self, allowed: &Allowed) -> bool {
        self.rule == allowed.rule
            && allowed
                .substring
                .as_ref()
                .is_none_or(|s| self.message.contains(s.as_str()))
    }
}

#[derive(Default)]
struct Counts {
    found: usize,
    false_findings: usize,
    missed: usize,
    must: usize,
}

#[test]
fn precision_and_recall_on_the_labelled_corpus() {
    let Some(shared) = crate::shared() else {
        return;
    };
    let dir = shared.join("corpus/labelled");
    let labels_file: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("labels.json")).expect("labels.json"),
    )
    .expect("labels.json is JSON");
    let pack = Pack::builtin().expect("pack");
    let mut by_rule: BTreeMap<String, Counts> = BTreeMap::new();
    let mut false_findings = Vec::new();
    let mut misses = Vec::new();
    let (mut all, mut true_findings, mut musts, mut found_musts) = (0, 0, 0, 0);
    let documents = labels_file.as_object().expect("an object");
    for (name, entry) in documents.iter().filter(|(name, _)| !name.starts_with('_')) {
        let bytes = std::fs::read(dir.join(name)).expect("a labelled document");
        let source = SourceFile::from_bytes(dir.join(name), bytes).expect("UTF-8");
        let (must, allowed) = labels(entry);
        let findings: Vec<Finding> = policy_lint::lint(&source, &pack, labelled_day())
            .iter()
            .map(|d| Finding::new(d, &source))
            .collect();
        for finding in &findings {
            all += 1;
            let counts = by_rule.entry(finding.rule.to_string()).or_default();
            counts.found += 1;
            let right = must.iter().any(|m| finding.matches_must(m))
                || allowed.iter().any(|a| finding.matches_allowed(a));
            if right {
                true_findings += 1;
            } else {
                counts.false_findings += 1;
                false_findings.push(format!(
                    "{name}:{}: {}[{}] {}",
                    finding.line, finding.severity, finding.rule, finding.message
                ));
            }
        }
        for label in &must {
            musts += 1;
            let counts = by_rule.entry(label.rule.clone()).or_default();
            counts.must += 1;
            if findings.iter().any(|f| f.matches_must(label)) {
                found_musts += 1;
            } else {
                counts.missed += 1;
                misses.push(format!(
                    "{name}:{}: {}{}",
                    label.line.map_or("-".to_string(), |l| l.to_string()),
                    label.rule,
                    label
                        .substring
                        .as_ref()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default()
                ));
            }
        }
    }
    assert!(documents.len() > 40, "the corpus has shrunk");

    let percent = |part: usize, whole: usize| {
        if whole == 0 {
            100.0
        } else {
            100.0 * part as f64 / whole as f64
        }
    };
    let precision = percent(true_findings, all);
    let recall = percent(found_musts, musts);
    let mut table =
        String::from("rule                      found  false  must  missed  precision  recall\n");
    for (rule, c) in &by_rule {
        table.push_str(&format!(
            "{rule:24}  {:5}  {:5}  {:4}  {:6}  {:8.1}%  {:5.1}%\n",
            c.found,
            c.false_findings,
            c.must,
            c.missed,
            percent(c.found - c.false_findings, c.found),
            percent(c.must - c.missed, c.must)
        ));
    }
    table.push_str(&format!(
        "all                       {all:5}  {:5}  {musts:4}  {:6}  {precision:8.1}%  {recall:5.1}%\n",
        all - true_findings,
        musts - found_musts
    ));
    // Printed whatever the outcome (to the handle: the harness captures `println!`).
    let report = format!(
        "labelled corpus, as of 2026-11-24:\n{table}false findings:\n  {}\nmissed:\n  {}\n",
        false_findings.join("\n  "),
        misses.join("\n  ")
    );
    let _ = std::io::Write::write_all(&mut std::io::stderr(), report.as_bytes());

    let false_errors: Vec<&String> = false_findings
        .iter()
        .filter(|f| f.contains(": error["))
        .collect();
    assert!(
        false_errors.is_empty(),
        "false findings of error severity:\n{report}"
    );
    assert!(misses.is_empty(), "missed `must` findings:\n{report}");
    assert!(
        precision >= 97.0,
        "precision {precision:.1} % < 97 %:\n{report}"
    );
}
