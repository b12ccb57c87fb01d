use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::io::source::Span;
use crate::lint::rule::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Finds high-confidence credentials anywhere in the file, code blocks and comments
    /// included: AWS access key ids (`AKIA…`), GitHub tokens (`ghp_…`, `github_pat_…`),
    /// Slack tokens (`xoxb-…`) and private-key headers. The patterns come from the pack.
    /// AWS's documentation keys, which end in `EXAMPLE`, are not reported. The message shows
    /// only the first and last four characters.
    ///
    /// ## Why is this bad?
    /// A credential committed to a public policy file is compromised the moment it is pushed:
    /// scanners harvest them within minutes.
    ///
    /// ## Example
    /// ```markdown
    /// Test with `AWS_ACCESS_KEY_ID=AKIAQWERTYUIOPASDFGH aws s3 ls`
    /// ```
    /// Use instead:
    /// ```markdown
    /// Test with `AWS_ACCESS_KEY_ID=<new_key> aws s3 ls`
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: deleting the text does not help. Revoke and rotate the credential,
    /// then remove it from the file and from the repository's history.
    pub LeakedSecret("leaked-secret", Error, None, "a credential is written in the policy")
}

impl Rule for LeakedSecret {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, doc: &Document<'_>, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let text = &doc.source.text;
        for pattern in &ctx.pack.secrets {
            for found in pattern.regex.find_iter(text) {
                let secret = &text[found.clone()];
                if secret.ends_with("EXAMPLE") {
                    continue;
                }
                out.push(Diagnostic {
                    rule: Self::META.name,
                    severity: Self::META.default_severity,
                    span: Span::new(found.start, found.end),
                    message: format!(
                        "credential `{}` ({}) is written in the policy",
                        mask(secret),
                        pattern.name
                    ),
                    help: Some(
                        "revoke and rotate it now, then remove it from the file and from the \
                         repository history"
                            .to_string(),
                    ),
                    fix: None,
                });
            }
        }
    }
}

/// The first and last four characters of a token; a private-key header is shown as it is.
fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= 12 || secret.starts_with("-----") {
        return secret.to_string();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}
