use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a `policy-lint-disable…` comment that suppresses nothing — the finding it was
    /// written for is gone — or that names a rule policy-lint does not know.
    ///
    /// The comments: `<!-- policy-lint-disable-next-line RULE… -- reason -->` for the next
    /// line, `<!-- policy-lint-disable RULE… -->` up to `<!-- policy-lint-enable RULE… -->`
    /// (or the end of the file), and `<!-- policy-lint-disable-file RULE… -->` for the whole
    /// file. Text after ` -- ` is the reason, for the reader.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding of that rule at that place, and a
    /// misspelt rule name suppresses nothing while looking as if it did.
    ///
    /// ## Example
    /// ```markdown
    /// <!-- policy-lint-disable-next-line rotation-overdue -->
    /// | GitHub Token | Every 90 days | DevOps Lead | 2026-11-20 |
    /// ```
    /// after the token was rotated: the comment can go.
    ///
    /// ## Fix safety
    /// Safe: the fix removes the comment (and its line when it stands alone, and the matching
    /// `enable` comment), or only the unused rule name when the comment names others that are
    /// still used. Comments change nothing the policy claims.
    pub UnusedSuppression("unused-suppression", Warning, Safe, "a suppression comment suppresses nothing")
}
