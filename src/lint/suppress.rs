//! Inline suppressions: comments that silence named rules for a line, a range or the whole
//! file — HTML comments in Markdown, `#` comments in security.txt — and the
//! `unused-suppression` findings for those that silence nothing.
//!
//! ```markdown
//! <!-- policy-lint-disable-next-line review-overdue -- reviewed in the audit, see #42 -->
//! <!-- policy-lint-disable rotation-overdue -->  …  <!-- policy-lint-enable rotation-overdue -->
//! <!-- policy-lint-disable-file missing-review-date -->
//! ```
//!
//! ```text
//! # policy-lint-disable-next-line txt-insecure-uri -- the intranet form has no TLS yet
//! ```

use crate::diagnostic::Diagnostic;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::document::Document;
use crate::io::source::{SourceFile, Span};
use crate::rules::UnusedSuppression;
use crate::security_txt::SecurityTxt;

const PREFIX: &str = "policy-lint-";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// The line after the comment (0-based line index).
    NextLine(usize),
    /// From the comment to its `enable` comment, or to the end of the file.
    Range(Span),
    File,
}

#[derive(Debug)]
struct Suppression {
    comment: Span,
    /// The `enable` comment that ends a range, when there is one.
    enable: Option<Span>,
    scope: Scope,
    /// Each rule name with its span in the file; whether it suppressed something.
    names: Vec<(String, Span, bool)>,
}

/// The suppression comments of one document.
#[derive(Debug, Default)]
pub struct Suppressions {
    list: Vec<Suppression>,
    /// Comments that look like suppressions but are not: an unknown directive, no rule name.
    malformed: Vec<(Span, String)>,
}

/// The words of a comment after `policy-lint-`: the directive, then rule names with their
/// offsets in the comment text, stopping at ` -- ` (the reason).
fn words(text: &str) -> Vec<(usize, &str)> {
    let head = &text[..text.find(" --").unwrap_or(text.len())];
    let mut out = Vec::new();
    let mut start = None;
    for (at, c) in head.char_indices() {
        if c.is_whitespace() || c == ',' {
            if let Some(from) = start.take() {
                out.push((from, &head[from..at]));
            }
        } else if start.is_none() {
            start = Some(at);
        }
    }
    if let Some(from) = start {
        out.push((from, &head[from..]));
    }
    out
}

impl Suppressions {
    /// The suppressions of a Markdown document: its HTML comments.
    pub fn of_document(doc: &Document<'_>) -> Suppressions {
        let comments = doc.comments.iter().filter_map(|comment| {
            let raw = doc.text(comment.span);
            (raw.starts_with("<!--") && raw.ends_with("-->") && raw.len() >= 7).then(|| {
                (
                    comment.span,
                    Span::new(comment.span.start + 4, comment.span.end - 3),
                )
            })
        });
        Suppressions::parse(doc.source, comments)
    }

    /// The suppressions of a security.txt file: its `#` comments.
    pub fn of_security_txt(txt: &SecurityTxt<'_>) -> Suppressions {
        Suppressions::parse(txt.source, txt.comments())
    }

    /// The suppressions among `comments`, each given as (the whole comment, its text
    /// inside the comment markers).
    fn parse(source: &SourceFile, comments: impl Iterator<Item = (Span, Span)>) -> Suppressions {
        let mut list: Vec<Suppression> = Vec::new();
        // The `disable` ranges no `enable` has ended yet, as indices into `list`.
        let mut open: Vec<usize> = Vec::new();
        let mut malformed = Vec::new();
        for (whole, inner) in comments {
            let Some((directive, names)) = directive(source, inner) else {
                continue;
            };
            let end = whole.end;
            let scope = match directive {
                "disable-next-line" => {
                    Scope::NextLine(source.line_index(end.saturating_sub(1)) + 1)
                }
                "disable" => {
                    open.push(list.len());
                    Scope::Range(Span::new(end, source.text.len()))
                }
                "disable-file" => Scope::File,
                "enable" => {
                    close_ranges(&mut list, &mut open, &names, whole);
                    continue;
                }
                _ => {
                    malformed.push((whole, format!("`{PREFIX}{directive}` is not a suppression directive; write disable-next-line, disable, enable or disable-file")));
                    continue;
                }
            };
            if names.is_empty() {
                malformed.push((whole, format!("`{PREFIX}{directive}` names no rule, so it suppresses nothing; name the rules after it")));
            }
            list.push(Suppression {
                comment: whole,
                enable: None,
                scope,
                names: names.into_iter().map(|(n, s)| (n, s, false)).collect(),
            });
        }
        Suppressions { list, malformed }
    }

    /// Whether a comment suppresses `diagnostic`; marks the comments that do as used.
    pub fn suppresses(&mut self, diagnostic: &Diagnostic, source: &SourceFile) -> bool {
        let line = source.line_index(diagnostic.span.start);
        let mut suppressed = false;
        for suppression in &mut self.list {
            let applies = match suppression.scope {
                Scope::NextLine(next) => next == line,
                Scope::Range(range) => {
                    range.start <= diagnostic.span.start && diagnostic.span.start < range.end
                }
                Scope::File => true,
            };
            if !applies {
                continue;
            }
            for (name, _, used) in &mut suppression.names {
                if name == diagnostic.rule {
                    *used = true;
                    suppressed = true;
                }
            }
        }
        suppressed
    }

    /// Whether the document has no suppression comment at all.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.malformed.is_empty()
    }

    /// `unused-suppression` findings: a name that suppressed nothing or is no rule, with a
    /// safe fix that removes it, or the whole comment when no name in it was used.
    pub fn unused(&self, source: &SourceFile, known: &[&str]) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self
            .malformed
            .iter()
            .map(|(comment, message)| Diagnostic {
                rule: UnusedSuppression::META.name,
                severity: UnusedSuppression::META.default_severity,
                span: *comment,
                message: message.clone(),
                help: Some("`policy-lint rule unused-suppression` shows the comments".to_string()),
                fix: None,
            })
            .collect();
        for suppression in &self.list {
            let unused: Vec<&(String, Span, bool)> = suppression
                .names
                .iter()
                .filter(|(_, _, used)| !used)
                .collect();
            if unused.is_empty() {
                continue;
            }
            let all_unused = unused.len() == suppression.names.len();
            for (index, (name, span, _)) in unused.iter().enumerate() {
                let message = if known.contains(&name.as_str()) {
                    format!("this comment suppresses `{name}`, but `{name}` finds nothing here")
                } else {
                    format!("`{name}` is not a rule, so this comment suppresses nothing")
                };
                let help = if known.contains(&name.as_str()) {
                    "remove the suppression; `policy-lint --fix` does it".to_string()
                } else {
                    match crate::pack::closest(name, known) {
                        Some(near) => {
                            format!("did you mean `{near}`? `policy-lint rules` lists them")
                        }
                        None => "`policy-lint rules` lists the rule names".to_string(),
                    }
                };
                let fix = if all_unused {
                    let mut edits = vec![remove_comment(source, suppression.comment)];
                    // The `enable` goes too, unless it also ends another comment's range.
                    let shared = |enable: &Span| {
                        self.list
                            .iter()
                            .filter(|s| s.enable == Some(*enable))
                            .count()
                            > 1
                    };
                    edits.extend(
                        suppression
                            .enable
                            .filter(|enable| !shared(enable))
                            .map(|enable| remove_comment(source, enable)),
                    );
                    Fix {
                        title: "remove the suppression comment".to_string(),
                        applicability: Applicability::Safe,
                        edits,
                    }
                } else {
                    Fix {
                        title: format!("remove `{name}` from the comment"),
                        applicability: Applicability::Safe,
                        edits: vec![remove_name(source, *span)],
                    }
                };
                out.push(Diagnostic {
                    rule: UnusedSuppression::META.name,
                    severity: UnusedSuppression::META.default_severity,
                    span: *span,
                    message,
                    help: Some(help),
                    // One edit set per comment: the first name of a wholly unused comment
                    // carries the fix, so that fixes never overlap.
                    fix: (!all_unused || index == 0).then_some(fix),
                });
            }
        }
        out
    }
}

/// The directive of a suppression comment (given by its text inside the markers) and its
/// rule names with their file spans.
fn directive(source: &SourceFile, inner: Span) -> Option<(&str, Vec<(String, Span)>)> {
    let text = source.slice(inner);
    let offset = inner.start + (text.len() - text.trim_start().len());
    let inner = text.trim();
    let rest = inner.strip_prefix(PREFIX)?;
    let words = words(rest);
    let (_, directive) = *words.first()?;
    let base = offset + PREFIX.len();
    let names = words[1..]
        .iter()
        .map(|(at, word)| {
            (
                word.to_string(),
                Span::new(base + at, base + at + word.len()),
            )
        })
        .collect();
    Some((directive, names))
}

/// An `enable` comment ends the open ranges of the rules it names (all open ranges when it
/// names none).
fn close_ranges(
    list: &mut [Suppression],
    open: &mut Vec<usize>,
    names: &[(String, Span)],
    enable: Span,
) {
    open.retain(|&index| {
        let suppression = &mut list[index];
        let closes = names.is_empty()
            || suppression
                .names
                .iter()
                .any(|(name, _, _)| names.iter().any(|(n, _)| n == name));
        if closes {
            if let Scope::Range(range) = &mut suppression.scope {
                range.end = enable.start;
            }
            suppression.enable = Some(enable);
        }
        !closes
    });
}

/// Removes a comment, and its whole line (with the line ending) when nothing else is on it.
fn remove_comment(source: &SourceFile, comment: Span) -> Edit {
    let first = source.line_index(comment.start);
    let last = source.line_index(comment.end.saturating_sub(1).max(comment.start));
    let line_start = source.line_span(first).start;
    let line_end = source.line_span(last).end;
    let alone = source
        .slice(Span::new(line_start, comment.start))
        .trim()
        .is_empty()
        && source
            .slice(Span::new(comment.end, line_end))
            .trim()
            .is_empty();
    let span = if alone {
        // Through the line ending, when there is one.
        let after = if last + 1 < source.line_count() {
            source.line_span(last + 1).start
        } else {
            line_end
        };
        Span::new(line_start, after)
    } else {
        comment
    };
    Edit {
        span,
        replacement: String::new(),
    }
}

/// Removes one rule name from a comment, with the whitespace or comma before it.
fn remove_name(source: &SourceFile, name: Span) -> Edit {
    let before = &source.text[..name.start];
    let trimmed = before.trim_end_matches([' ', '\t', ',']);
    Edit {
        span: Span::new(trimmed.len(), name.end),
        replacement: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn words_keep_their_byte_offsets_whatever_separates_them() {
        assert_eq!(
            words("disable-next-line a,\u{a0}b  c -- because d"),
            [(0, "disable-next-line"), (18, "a"), (22, "b"), (25, "c")]
        );
    }
}
