//! Which files to lint: discovery when no PATH is given, directory walks, literal files.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::WalkState;

/// The directories, relative to the repository root, where GitHub and OpenSSF Scorecard look
/// for a security policy.
pub const POLICY_DIRS: &[&str] = &["", ".github", "docs"];

/// The repository root, canonical: the nearest ancestor of `cwd` holding `.git`, else `cwd`.
pub fn repository_root(cwd: &Path) -> PathBuf {
    let root = cwd
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(cwd);
    std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf())
}

/// The policy files in `root`, `root/.github` and `root/docs` whose names match `file_names`
/// case-insensitively, in that order.
pub fn discover(root: &Path, file_names: &[String]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in POLICY_DIRS {
        let dir = root.join(dir);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut here: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_ok_and(|t| !t.is_dir()))
            .filter(|entry| is_policy_name(&entry.file_name().to_string_lossy(), file_names))
            .map(|entry| entry.path())
            .collect();
        here.sort();
        found.extend(here);
    }
    found
}

/// Every file under `dir` (respecting .gitignore unless `no_ignore`, hidden directories such
/// as `.github` included, `.git` excluded) whose name matches `file_names` case-insensitively.
pub fn walk(
    dir: &Path,
    file_names: &[String],
    no_ignore: bool,
) -> Result<Vec<PathBuf>, ignore::Error> {
    // Directories are read on every core: on a large tree, reading them is a good part of a run.
    let found = Mutex::new(Vec::new());
    let failure = Mutex::new(None);
    ignore::WalkBuilder::new(dir)
        .standard_filters(!no_ignore)
        .hidden(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build_parallel()
        .run(|| {
            Box::new(|entry| match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file())
                        && is_policy_name(&entry.file_name().to_string_lossy(), file_names)
                    {
                        lock(&found).push(entry.into_path());
                    }
                    WalkState::Continue
                }
                Err(err) => {
                    lock(&failure).get_or_insert(err);
                    WalkState::Quit
                }
            })
        });
    if let Some(err) = lock(&failure).take() {
        return Err(err);
    }
    let mut found = std::mem::take(&mut *lock(&found));
    found.sort();
    Ok(found)
}

/// The walk's shared lists; a visitor that panicked has left nothing half-written in them.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn is_policy_name(name: &str, file_names: &[String]) -> bool {
    file_names.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// `path` relative to `base` when it lies below it, for display.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}

/// `path` relative to the repository root (canonical, as [`repository_root`] gives it) with
/// forward slashes, as links and calendar UIDs need it; the path as given when it lies outside.
pub fn repository_path(path: &Path, root: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let relative = absolute.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
