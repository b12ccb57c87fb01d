//! The line syntax of RFC 9116 §4: `Name: value` lines, comments, blank lines, line breaks.

use super::finding;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::io::source::Span;
use crate::lint::rule::{RuleMeta, TxtContext, TxtRule};
use crate::security_txt::{Ending, LineKind, SecurityTxt};

declare_rule! {
    /// ## What it does
    /// Reports a line that breaks RFC 9116's field syntax: blanks before the colon (sectxt:
    /// `prec_ws`), no space after it (`no_space`), no field name before it (`empty_key`), or
    /// a line that is neither a field, a comment (`# …`) nor blank (`invalid_line`).
    ///
    /// ## Why is this bad?
    /// RFC 9116 §4 defines a field as `name ":" SP value`; parsers that follow it skip a line
    /// they cannot read, and with it the contact or the date it holds.
    ///
    /// ## Example
    /// ```text
    /// Contact :mailto:security@example.org
    /// Report issues to our security team
    /// ```
    /// Use instead:
    /// ```text
    /// Contact: mailto:security@example.org
    /// # Report issues to our security team
    /// ```
    ///
    /// ## Fix safety
    /// The blanks before the colon and a missing space after it are fixed safely: the field
    /// means what it meant. A line of prose is left to a person (a comment, or a field?).
    pub LineSyntax("txt-line-syntax", Error, Safe, "a line is not `Name: value`, a comment or blank")
}

impl TxtRule for LineSyntax {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for line in &txt.lines {
            match &line.kind {
                LineKind::Invalid => out.push(finding(
                    &Self::META,
                    line.text,
                    "this line is neither a field (`Name: value`) nor a comment (`# …`)"
                        .to_string(),
                    "make it a comment with `# ` in front, or a field `Name: value`",
                    None,
                )),
                LineKind::Field(field) if field.name.is_empty() => out.push(finding(
                    &Self::META,
                    Span::new(field.colon, field.colon + 1),
                    "no field name before the colon".to_string(),
                    "write the field's name before the colon, or `# ` to make it a comment",
                    None,
                )),
                LineKind::Field(field) => {
                    let name = txt.text(field.name);
                    if field.space_before_colon() {
                        out.push(finding(
                            &Self::META,
                            Span::new(field.name.end, field.colon),
                            format!("blanks between `{name}` and its colon"),
                            "remove them: `Name: value`",
                            Some(Fix {
                                title: "remove the blanks before the colon".to_string(),
                                applicability: Applicability::Safe,
                                edits: vec![Edit {
                                    span: Span::new(field.name.end, field.colon),
                                    replacement: String::new(),
                                }],
                            }),
                        ));
                    }
                    let between = Span::new(field.colon + 1, field.value.start);
                    let blanks = txt.text(between);
                    if !field.value.is_empty() && !blanks.starts_with(' ') {
                        out.push(finding(
                            &Self::META,
                            Span::new(field.colon, field.colon + 1),
                            format!("no space after the colon of `{name}`"),
                            "write one space between the colon and the value",
                            Some(Fix {
                                title: "write a space after the colon".to_string(),
                                applicability: Applicability::Safe,
                                edits: vec![Edit {
                                    span: between,
                                    replacement: " ".to_string(),
                                }],
                            }),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a field with nothing after its colon (sectxt: `empty_value`).
    ///
    /// ## Why is this bad?
    /// RFC 9116 §4's ABNF gives every field a value; an empty `Contact:` or `Expires:` is a
    /// template left unfilled, and counts as no field at all.
    ///
    /// ## Example
    /// `Contact:`. Use instead: `Contact: mailto:security@example.org`.
    ///
    /// ## Fix safety
    /// No automatic fix: only a person knows the value.
    pub EmptyValue("txt-empty-value", Error, None, "a field has no value")
}

impl TxtRule for EmptyValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for field in txt.fields() {
            if field.value.is_empty() && !field.name.is_empty() {
                let name = txt.text(field.name);
                out.push(finding(
                    &Self::META,
                    Span::new(field.name.start, field.colon + 1),
                    format!("`{name}` has no value"),
                    "fill in the value, or remove the line",
                    None,
                ));
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a file whose last line does not end in a line break (sectxt:
    /// `no_line_separators`), and a signed file that ends in more than one
    /// (`too_many_line_separators`).
    ///
    /// ## Why is this bad?
    /// RFC 9116 §4: every line, the last included, ends in CRLF or LF. Blank lines after an
    /// OpenPGP signature are data after it, which strict readers refuse.
    ///
    /// ## Example
    /// A file that ends in `Expires: 2027-01-01T00:00:00Z` with no line break after it.
    ///
    /// ## Fix safety
    /// Safe: the line break the file uses elsewhere is added, or the blank lines after the
    /// signature removed; no field changes.
    pub LineEnding("txt-line-ending", Error, Safe, "the file does not end in exactly one line break")
}

impl TxtRule for LineEnding {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        let Some(last) = txt.lines.last() else {
            return;
        };
        let end = txt.source.text.len();
        if last.ending == Ending::None {
            out.push(finding(
                &Self::META,
                Span::empty(end),
                "the last line does not end in a line break".to_string(),
                "end the file with a line break",
                Some(Fix {
                    title: "end the file with a line break".to_string(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        span: Span::empty(end),
                        replacement: txt.line_ending().to_string(),
                    }],
                }),
            ));
            return;
        }
        if txt.signature.is_some() && matches!(last.kind, LineKind::Blank) {
            let blank_from = txt
                .lines
                .iter()
                .rev()
                .take_while(|l| matches!(l.kind, LineKind::Blank))
                .last()
                .map_or(end, |l| l.span.start);
            out.push(finding(
                &Self::META,
                Span::new(blank_from, end),
                "blank lines after the end of the signed file".to_string(),
                "end a signed file with a single line break after its signature",
                Some(Fix {
                    title: "remove the blank lines at the end".to_string(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        span: Span::new(blank_from, end),
                        replacement: String::new(),
                    }],
                }),
            ));
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a byte-order mark at the start of the file (sectxt: `bom_in_file`).
    ///
    /// ## Why is this bad?
    /// RFC 9116 §4 requires UTF-8 in Net-Unicode form (RFC 5198), which has no byte-order
    /// mark; a parser may read it as part of the first field's name.
    ///
    /// ## Example
    /// A file saved by an editor as "UTF-8 with BOM".
    ///
    /// ## Fix safety
    /// Safe: the mark is removed, the text stays.
    pub ByteOrderMark("txt-byte-order-mark", Error, Safe, "the file starts with a byte-order mark")
}

impl TxtRule for ByteOrderMark {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        let bom = txt.source.bom_len();
        if bom > 0 {
            out.push(finding(
                &Self::META,
                Span::new(0, bom),
                "the file starts with a byte-order mark".to_string(),
                "save it as UTF-8 without a BOM",
                Some(Fix {
                    title: "remove the byte-order mark".to_string(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit {
                        span: Span::new(0, bom),
                        replacement: String::new(),
                    }],
                }),
            ));
        }
    }
}
