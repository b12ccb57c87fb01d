//! Fenced code blocks that never close: a closing fence written with an info string
//! (```` ```bash ````) is no closing fence, so GitHub shows the rest of the policy as code.

use super::Document;
use crate::io::source::Span;

/// A fenced code block that runs to the end of the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnclosedFence {
    /// The opening fence's line.
    pub opening: Span,
    /// The first line inside that looks like a fence of the same kind with text after it:
    /// the line that was meant to close the block.
    pub meant_to_close: Option<Span>,
}

/// The fence a line opens or closes, after indentation and container markers: its character
/// (`` ` `` or `~`), its length and the text after it.
fn fence(line: &str) -> Option<(char, usize, &str)> {
    let line = line.trim_start_matches([' ', '\t', '>']).trim_start();
    let c = line.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let length = line.len() - line.trim_start_matches(c).len();
    (length >= 3).then(|| (c, length, line[length..].trim()))
}

impl Document<'_> {
    /// Every fenced code block that runs to the end of the document without a closing fence.
    pub fn unclosed_fences(&self) -> Vec<UnclosedFence> {
        let text = &self.source.text;
        let end = text.trim_end().len();
        let mut found = Vec::new();
        for &block in self.code.iter().filter(|b| b.end >= end) {
            let source = self.source;
            let first = source.line_index(block.start);
            let last = source.line_index(block.end.saturating_sub(1).max(block.start));
            let Some((c, length, _)) = fence(source.slice(source.line_span(first))) else {
                continue;
            };
            let closing = (first < last)
                .then(|| fence(source.slice(source.line_span(last))))
                .flatten();
            if closing.is_some_and(|(d, n, after)| d == c && n >= length && after.is_empty()) {
                continue;
            }
            let meant_to_close =
                (first + 1..=last)
                    .map(|line| source.line_span(line))
                    .find(|&line| {
                        fence(source.slice(line))
                            .is_some_and(|(d, n, after)| d == c && n >= length && !after.is_empty())
                    });
            found.push(UnclosedFence {
                opening: source.line_span(first),
                meant_to_close,
            });
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use crate::document::Document;
    use crate::io::source::SourceFile;

    fn unclosed(text: &str) -> Vec<(usize, Option<usize>)> {
        let source = SourceFile::new("t.md", text.to_string());
        let doc = Document::parse(&source);
        doc.unclosed_fences()
            .iter()
            .map(|f| {
                (
                    source.line_col(f.opening.start).line,
                    f.meant_to_close.map(|s| source.line_col(s.start).line),
                )
            })
            .collect()
    }

    #[test]
    fn a_fence_closed_with_an_info_string_never_closes() {
        let text = "# Policy\n\n```bash\nmake test\n```bash\n\n## Reporting\n\nsecurity@acme.dev\n";
        assert_eq!(unclosed(text), [(3, Some(5))]);
        assert_eq!(unclosed("```\ncode\n"), [(1, None)]);
        // Closed ones, at the end of the document too, are not reported.
        assert!(unclosed("```bash\nmake\n```\n").is_empty());
        assert!(unclosed("text\n\n~~~~\ncode\n~~~~~\n").is_empty());
        assert!(unclosed("```\ncode\n```\n\nmore\n").is_empty());
    }
}
