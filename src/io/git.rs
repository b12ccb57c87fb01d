//! The `git` command, as pre-commit uses it: committing a recorded change to the policy and
//! tagging it (`rotate --commit --tag`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository a policy lives in, checked before anything is written.
pub struct Repository {
    /// The directory git runs in: the policy's own.
    dir: PathBuf,
    /// The policy's path as git is given it: its file name, relative to `dir`.
    file: PathBuf,
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, miette::Report> {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|err| {
            miette::miette!(
                help = "install git, or record without --commit",
                "cannot run git: {err}"
            )
        })
}

fn refuse(message: String, help: &str) -> miette::Report {
    miette::miette!(help = help.to_string(), "{message}")
}

impl Repository {
    /// The repository of `policy`, when committing only it is possible: inside a git work
    /// tree, and the policy without changes of its own that are not committed (they would
    /// go into the commit unreviewed).
    pub fn for_policy(policy: &Path) -> Result<Repository, miette::Report> {
        let Some(repository) = Repository::of(policy)? else {
            return Err(refuse(
                format!("{} is not in a git repository", policy.display()),
                "record without --commit, or run it in the repository's work tree",
            ));
        };
        let (dir, file) = (repository.dir, repository.file);
        let name = file.to_string_lossy().into_owned();
        let status = git(&dir, &["status", "--porcelain", "--", &name])?;
        if !status.status.success() {
            return Err(refuse(
                format!(
                    "git cannot tell whether {} has changes: {}",
                    policy.display(),
                    String::from_utf8_lossy(&status.stderr).trim()
                ),
                "run `git status` to see what is wrong",
            ));
        }
        if !status.stdout.trim_ascii().is_empty() {
            return Err(refuse(
                format!(
                    "{} has changes that are not committed: {}",
                    policy.display(),
                    String::from_utf8_lossy(&status.stdout).trim()
                ),
                "commit or stash them first, so that the commit holds only what this command \
                 records (or record without --commit)",
            ));
        }
        Ok(Repository { dir, file })
    }

    /// The git work tree `policy` is in, if any.
    pub fn of(policy: &Path) -> Result<Option<Repository>, miette::Report> {
        let dir = match policy.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let file = PathBuf::from(policy.file_name().unwrap_or(policy.as_os_str()));
        let inside = git(&dir, &["rev-parse", "--is-inside-work-tree"])?;
        let inside = inside.status.success() && inside.stdout.trim_ascii() == b"true";
        Ok(inside.then_some(Repository { dir, file }))
    }

    /// `name`, or `name-2`, `name-3`… when a tag of that name exists (a second rotation on
    /// one day).
    pub fn unique_tag(&self, name: &str) -> Result<String, miette::Report> {
        let mut candidate = name.to_string();
        for n in 2.. {
            let reference = format!("refs/tags/{candidate}");
            let exists = git(&self.dir, &["rev-parse", "--verify", "--quiet", &reference])?;
            if !exists.status.success() {
                return Ok(candidate);
            }
            candidate = format!("{name}-{n}");
        }
        unreachable!("the loop returns")
    }

    /// Checks that `name` is a tag name git accepts.
    pub fn check_tag_name(&self, name: &str) -> Result<(), miette::Report> {
        let reference = format!("refs/tags/{name}");
        let checked = git(&self.dir, &["check-ref-format", &reference])?;
        if checked.status.success() {
            return Ok(());
        }
        Err(refuse(
            format!("`{name}` is not a valid git tag name"),
            "set `rotation: tag:` in .policy-lint.yml to a name such as \
             `security-rotation-{date}`",
        ))
    }

    /// Commits the policy alone, whatever else is staged, with `message`.
    pub fn commit(&self, message: &str) -> Result<(), miette::Report> {
        let name = self.file.to_string_lossy().into_owned();
        self.succeed(
            &["commit", "--quiet", "-m", message, "--", &name],
            "the policy was updated but git could not commit it",
            "commit it by hand: the file holds the recorded change",
        )
    }

    /// Tags the commit just made.
    pub fn tag(&self, name: &str) -> Result<(), miette::Report> {
        self.succeed(
            &["tag", name],
            &format!("the change was committed but git could not tag it `{name}`"),
            "tag it by hand with `git tag NAME`",
        )
    }

    /// Runs git with `args`; when it fails, says `what` with git's own words and `help`.
    fn succeed(&self, args: &[&str], what: &str, help: &str) -> Result<(), miette::Report> {
        let output = git(&self.dir, args)?;
        if output.status.success() {
            return Ok(());
        }
        let said = String::from_utf8_lossy(&output.stderr);
        Err(refuse(format!("{what}: {}", said.trim()), help))
    }
}
