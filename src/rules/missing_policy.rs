use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a repository in which discovery finds no security policy: no `SECURITY.md`
    /// (or `SECURITY.markdown`, any case) in the repository root, `.github/` or `docs/`.
    ///
    /// ## Why is this bad?
    /// Without a policy, people who find a vulnerability do not know how to report it
    /// privately, and GitHub and OpenSSF Scorecard report the repository as having none.
    ///
    /// ## Example
    /// A repository with only `README.md`. Run `policy-lint init` to write a starter policy.
    ///
    /// ## Fix safety
    /// No automatic fix: `policy-lint init` writes a starter policy to fill in.
    pub MissingPolicy("missing-policy", Error, None, "no security policy file was found")
}
