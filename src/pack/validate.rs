//! Checks a configuration file's keys and values before it is read into a pack, so that every
//! mistake is reported at once, in words, with the form that was expected and where the
//! wrong value stands. (Reading it into a pack stops at the first problem; the complex keys —
//! sections, tables, patterns — are left to that reading.)

use std::fmt;

use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use thiserror::Error;

use super::closest;

/// A YAML value as written: kept apart are quoted text (`"no"`) and plain words (`no`).
#[derive(Debug)]
enum Node {
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
    List(Vec<Spanned<Node>>),
    Bool(bool),
    Number(String),
    Text(String),
    Null,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Number(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Number(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Number(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Text(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Text(v))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

/// What a key's value must be.
enum Shape {
    Bool,
    /// A whole number; the words say of what (`a number of days`).
    Count(&'static str),
    Text,
    OneOf(&'static [&'static str]),
    List(&'static Shape),
    /// A mapping with these keys, each optional.
    Fields(&'static [(&'static str, Shape)]),
    /// A mapping from rule names to values of this shape.
    ByRule(&'static Shape),
    /// A mapping from any name to values of this shape.
    ByName(&'static Shape),
    RuleName,
    /// Checked when the file is read into a pack.
    Any,
}

const RULE_SWITCH: Shape = Shape::Fields(&[
    ("enabled", Shape::Bool),
    ("severity", Shape::OneOf(&["error", "warning"])),
]);

/// The keys a configuration or pack file may set.
const CONFIG: Shape = Shape::Fields(&[
    ("extends", Shape::Text),
    ("file-names", Shape::List(&Shape::Text)),
    ("sections", Shape::Any),
    ("contact", Shape::Any),
    ("placeholders", Shape::Any),
    ("secrets", Shape::Any),
    ("fields", Shape::Any),
    (
        "review",
        Shape::Fields(&[
            ("default-cadence", Shape::Text),
            ("cadence-patterns", Shape::List(&Shape::Text)),
        ]),
    ),
    (
        "rotation",
        Shape::Fields(&[
            ("warning-window-days", Shape::Count("a number of days")),
            ("tag", Shape::Text),
        ]),
    ),
    ("date-words", Shape::List(&Shape::Text)),
    ("tables", Shape::Any),
    (
        "require-review-date",
        Shape::OneOf(&["when-dated", "always"]),
    ),
    (
        "require-incident-marker",
        Shape::OneOf(&["when-used", "always"]),
    ),
    ("apply-default-cadence", Shape::Bool),
    ("rules", Shape::ByRule(&RULE_SWITCH)),
    ("families", Shape::ByName(&Shape::List(&Shape::RuleName))),
    ("exclude", Shape::List(&Shape::Text)),
    (
        "security-txt",
        Shape::Fields(&[
            ("file-names", Shape::List(&Shape::Text)),
            ("warning-window-days", Shape::Count("a number of days")),
        ]),
    ),
]);

/// One problem of a configuration or pack file, pointing into its YAML.
#[derive(Debug, Error, Diagnostic)]
#[error("{message}")]
pub struct Problem {
    message: String,
    #[source_code]
    source_code: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

impl Problem {
    /// The problem `message` at `at` in `text` (the file `file`), with a label and help.
    pub fn new(
        file: &str,
        text: &str,
        at: &serde_saphyr::Location,
        message: String,
        label: &str,
        help: String,
    ) -> Problem {
        let span = at.span();
        let start = span.byte_offset().unwrap_or(0) as usize;
        let len = span.byte_len().unwrap_or(0) as usize;
        Problem {
            message,
            source_code: NamedSource::new(file, text.to_string()),
            span: (start, len).into(),
            label: label.to_string(),
            help: Some(help),
        }
    }
}

/// Every problem of one file.
#[derive(Debug, Error, Diagnostic)]
#[error("{file} has {count} problem{s}", s = if *count == 1 { "" } else { "s" })]
#[diagnostic(help("fix them and run again; `policy-lint init` writes a commented example"))]
pub struct Problems {
    file: String,
    count: usize,
    #[related]
    problems: Vec<Problem>,
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    rules: &'a [&'a str],
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn problem(&mut self, at: &serde_saphyr::Location, message: String, label: &str, help: String) {
        let problem = Problem::new(self.file, self.text, at, message, label, help);
        self.problems.push(problem);
    }

    fn check(&mut self, path: &str, node: &Spanned<Node>, shape: &Shape) {
        let at = &node.referenced;
        let found = describe(&node.value);
        match (shape, &node.value) {
            (Shape::Any, _) => {}
            (Shape::Bool, Node::Bool(_)) => {}
            (Shape::Bool, Node::Text(text)) if matches!(text.as_str(), "true" | "false") => {
                self.problem(
                    at,
                    format!("`{path}` is the text \"{text}\", not a boolean"),
                    "quoted",
                    format!("write {text} without quotes"),
                );
            }
            (Shape::Bool, _) => self.problem(
                at,
                format!("`{path}` must be true or false, not {found}"),
                "not a boolean",
                format!("write `{}: true` or `{}: false`", last(path), last(path)),
            ),
            (Shape::Count(_), Node::Number(n)) if n.parse::<u32>().is_ok() => {}
            (Shape::Count(what), _) => self.problem(
                at,
                format!("`{path}` must be {what}, a whole number, not {found}"),
                "not a whole number",
                format!("write e.g. `{}: 14`", last(path)),
            ),
            (Shape::Text, Node::Text(_) | Node::Number(_)) => {}
            (Shape::Text, _) => self.problem(
                at,
                format!("`{path}` must be text, not {found}"),
                "not text",
                "write the value on the same line, quoted if it holds `:` or `#`".to_string(),
            ),
            (Shape::OneOf(allowed), Node::Text(text)) if allowed.contains(&text.as_str()) => {}
            (Shape::OneOf(allowed), _) => self.problem(
                at,
                format!(
                    "`{path}` must be one of {}, not {found}",
                    allowed.join(", ")
                ),
                "not an allowed value",
                match closest_value(&node.value, allowed) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("write one of: {}", allowed.join(", ")),
                },
            ),
            (Shape::RuleName, Node::Text(name)) if self.rules.contains(&name.as_str()) => {}
            (Shape::RuleName, _) => {
                let help = rule_help(&node.value, self.rules);
                self.problem(
                    at,
                    format!("`{path}`: {found} is not a rule"),
                    "no rule has this name",
                    help,
                );
            }
            (Shape::List(item), Node::List(items)) => {
                for (index, value) in items.iter().enumerate() {
                    self.check(&format!("{path}[{index}]"), value, item);
                }
            }
            (Shape::List(_), _) => self.problem(
                at,
                format!("`{path}` must be a list, not {found}"),
                "not a list",
                format!("write `{}: [a, b]`, or one `- item` per line", last(path)),
            ),
            (Shape::Fields(fields), Node::Map(entries)) => {
                for (key, value) in entries {
                    let name = key.value.as_str();
                    let child = join(path, name);
                    match fields.iter().find(|(field, _)| *field == name) {
                        Some((_, shape)) => self.check(&child, value, shape),
                        None => {
                            let names: Vec<&str> = fields.iter().map(|(f, _)| *f).collect();
                            let help = match closest(name, &names) {
                                Some(near) => format!("did you mean `{near}`?"),
                                None => format!("the keys here are: {}", names.join(", ")),
                            };
                            self.problem(
                                &key.referenced,
                                format!("unknown key `{child}`"),
                                "unknown key",
                                help,
                            );
                        }
                    }
                }
            }
            (Shape::ByRule(value_shape), Node::Map(entries)) => {
                for (key, value) in entries {
                    let child = join(path, &key.value);
                    if !self.rules.contains(&key.value.as_str()) {
                        let help = rule_help(&Node::Text(key.value.clone()), self.rules);
                        self.problem(
                            &key.referenced,
                            format!("unknown rule `{}`", key.value),
                            "no rule has this name",
                            help,
                        );
                        continue;
                    }
                    self.check(&child, value, value_shape);
                }
            }
            (Shape::ByName(value_shape), Node::Map(entries)) => {
                for (key, value) in entries {
                    self.check(&join(path, &key.value), value, value_shape);
                }
            }
            (Shape::Fields(_) | Shape::ByRule(_) | Shape::ByName(_), Node::Null)
                if path.is_empty() => {}
            (Shape::Fields(_) | Shape::ByRule(_) | Shape::ByName(_), _) => {
                let example = match shape {
                    Shape::ByRule(_) => {
                        format!("{}:\n  missing-section:\n    enabled: false", last(path))
                    }
                    Shape::Fields(fields) => match fields.first() {
                        Some((field, shape)) => {
                            format!("{}:\n  {field}: {}", last(path), sample(shape))
                        }
                        None => format!("{}: {{}}", last(path)),
                    },
                    _ => format!("{}:\n  name: value", last(path)),
                };
                self.problem(
                    at,
                    format!("`{path}` must be a mapping of keys to values, not {found}"),
                    "not a mapping",
                    format!("write it indented under its key, e.g.\n{example}"),
                );
            }
        }
    }
}

/// A value of `shape`, for an example.
fn sample(shape: &Shape) -> String {
    match shape {
        Shape::Bool => "false".to_string(),
        Shape::Count(_) => "14".to_string(),
        Shape::OneOf(allowed) => allowed.first().copied().unwrap_or("").to_string(),
        Shape::List(_) => "[…]".to_string(),
        _ => "…".to_string(),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn last(path: &str) -> &str {
    let path = path.rsplit('.').next().unwrap_or(path);
    path.split('[').next().unwrap_or(path)
}

fn describe(node: &Node) -> String {
    match node {
        Node::Map(_) => "a mapping".to_string(),
        Node::List(_) => "a list".to_string(),
        Node::Bool(b) => format!("`{b}`"),
        Node::Number(n) => format!("`{n}`"),
        Node::Text(t) => format!("`{t}`"),
        Node::Null => "nothing".to_string(),
    }
}

fn closest_value<'a>(node: &Node, allowed: &[&'a str]) -> Option<&'a str> {
    match node {
        Node::Text(text) => closest(text, allowed),
        _ => None,
    }
}

fn rule_help(node: &Node, rules: &[&str]) -> String {
    match closest_value(node, rules) {
        Some(near) => format!("did you mean `{near}`? `policy-lint rules` lists them"),
        None => "`policy-lint rules` lists the rule names".to_string(),
    }
}

/// Every problem of the configuration or pack file `text` (named `file`), or `Ok` when its
/// keys and simple values are right. `rules` are the rule names it may use.
pub fn check(
    file: &str,
    text: &str,
    rules: &[&str],
    options: serde_saphyr::Options,
) -> Result<(), miette::Report> {
    // A file that is not YAML at all is reported by the reading that follows.
    let Ok(root) = serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options) else {
        return Ok(());
    };
    let mut checker = Checker {
        file,
        text,
        rules,
        problems: Vec::new(),
    };
    checker.check("", &root, &CONFIG);
    if checker.problems.is_empty() {
        return Ok(());
    }
    Err(miette::Report::new(Problems {
        file: file.to_string(),
        count: checker.problems.len(),
        problems: checker.problems,
    }))
}

#[cfg(test)]
mod tests {
    fn problems(text: &str) -> String {
        let rules = crate::rules::names();
        match super::check(
            "c.yml",
            text,
            &rules,
            super::super::load::yaml_options_for_tests(),
        ) {
            Ok(()) => String::new(),
            Err(report) => {
                let mut text = String::new();
                crate::render::graphical_handler(false)
                    .render_report(&mut text, report.as_ref())
                    .expect("renders");
                text
            }
        }
    }

    #[test]
    fn every_problem_is_reported_at_once_in_words() {
        let text = "rotation:\n  warning-window-days: soon\nrules:\n  missing-section:\n    \
                    enabled: \"no\"\n  placeholder-text:\n    severity: fatal\n  \
                    placholder-text: {}\n  leaked-secret: off\nrulez: 1\n";
        let report = problems(text);
        for expected in [
            "has 6 problems",
            "`rotation.warning-window-days` must be a number of days, a whole number, not `soon`",
            "`rules.missing-section.enabled` must be true or false, not `no`",
            "`rules.placeholder-text.severity` must be one of error, warning, not `fatal`",
            "did you mean `placeholder-text`?",
            "enabled: false",
            "unknown key `rulez`",
        ] {
            assert!(report.contains(expected), "{expected}: {report}");
        }
        assert!(
            !report.contains("invalid u32") && !report.contains("policy_lint::"),
            "{report}"
        );
    }

    #[test]
    fn a_quoted_boolean_is_refused() {
        let report = problems("rules:\n  leaked-secret:\n    enabled: \"false\"\n");
        assert!(
            report.contains("is the text \"false\", not a boolean"),
            "{report}"
        );
        assert_eq!(
            problems("rules:\n  leaked-secret:\n    enabled: false\n"),
            ""
        );
    }
}
