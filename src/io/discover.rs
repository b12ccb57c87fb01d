//! Which files to lint: discovery when no PATH is given, directory walks, literal files.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::WalkState;
use rayon::slice::ParallelSliceMut;

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
            .filter(|entry| is_named(&entry.file_name(), file_names))
            .map(|entry| entry.path())
            .collect();
        here.sort();
        found.extend(here);
    }
    found
}

/// The security.txt files of the repository at `root`: `root/security.txt` (the legacy place)
/// and every `.well-known/security.txt` at any depth (`public/`, `static/`, `docs/`…), named
/// as `file_names` says (any case). Walked like a directory PATH: ignore files respected.
pub fn discover_security_txt(
    root: &Path,
    file_names: &[String],
    exclude: &Exclude,
) -> Result<Vec<PathBuf>, ignore::Error> {
    if file_names.is_empty() {
        return Ok(Vec::new());
    }
    walk(root, &Wanted::security_txt(file_names), false, exclude)
}

/// The files a walk looks for.
pub struct Wanted<'a> {
    /// Policy file names, anywhere.
    pub policies: &'a [String],
    /// security.txt file names, in a `.well-known/` directory or at the top of the walk.
    pub security_txt: &'a [String],
}

impl<'a> Wanted<'a> {
    pub fn security_txt(file_names: &'a [String]) -> Wanted<'a> {
        Wanted {
            policies: &[],
            security_txt: file_names,
        }
    }

    /// Whether the file at `path`, found walking `top`, is wanted.
    fn wants(&self, path: &Path, top: &Path) -> bool {
        let Some(name) = path.file_name() else {
            return false;
        };
        if is_named(name, self.policies) {
            return true;
        }
        is_named(name, self.security_txt)
            && path.parent().is_some_and(|dir| {
                dir.file_name().is_some_and(|d| d == ".well-known") || dir == top
            })
    }
}

/// The files and directories `exclude` globs leave out (gitignore syntax, relative to the
/// repository root): `--exclude`, `--extend-exclude` and the configuration's `exclude`.
#[derive(Clone)]
pub struct Exclude {
    matcher: Option<ignore::gitignore::Gitignore>,
    cwd: PathBuf,
}

impl Exclude {
    /// Nothing excluded.
    pub fn none() -> Exclude {
        Exclude {
            matcher: None,
            cwd: PathBuf::new(),
        }
    }

    /// The `globs`, relative to `root`; paths are given relative to `cwd`.
    pub fn new(root: &Path, cwd: &Path, globs: &[String]) -> Result<Exclude, miette::Report> {
        if globs.is_empty() {
            return Ok(Exclude::none());
        }
        let mut builder = ignore::gitignore::GitignoreBuilder::new(root);
        for glob in globs {
            builder.add_line(None, glob).map_err(|err| {
                miette::miette!(
                    help =
                        "write globs as in .gitignore, e.g. `vendor/` or `examples/**/SECURITY.md`",
                    "the exclude glob `{glob}` is not valid: {err}"
                )
            })?;
        }
        let matcher = builder
            .build()
            .map_err(|err| miette::miette!("the exclude globs are not valid: {err}"))?;
        Ok(Exclude {
            matcher: Some(matcher),
            cwd: cwd.to_path_buf(),
        })
    }

    /// Whether `path` (relative to the working directory, or absolute) or a directory above
    /// it is excluded.
    pub fn excludes(&self, path: &Path, is_dir: bool) -> bool {
        let Some(matcher) = &self.matcher else {
            return false;
        };
        let absolute = self.cwd.join(path);
        if !absolute.starts_with(matcher.path()) {
            return false;
        }
        matcher
            .matched_path_or_any_parents(&absolute, is_dir)
            .is_ignore()
    }
}

/// Every file under `dir` (respecting .gitignore unless `no_ignore`, hidden directories such
/// as `.github` included, `.git` and what `exclude` leaves out excluded) that is `wanted`: a
/// policy by its name (any case), a security.txt by its name and place.
pub fn walk(
    dir: &Path,
    wanted: &Wanted<'_>,
    no_ignore: bool,
    exclude: &Exclude,
) -> Result<Vec<PathBuf>, ignore::Error> {
    // Directories are read on every core: on a large tree, reading them is a good part of a run.
    // Each thread keeps what it finds, and hands it over when the walk is done.
    let found = Mutex::new(Vec::new());
    let failure = Mutex::new(None);
    ignore::WalkBuilder::new(dir)
        .standard_filters(!no_ignore)
        .hidden(false)
        .filter_entry({
            let exclude = exclude.clone();
            move |entry| {
                entry.file_name() != ".git"
                    && !exclude
                        .excludes(entry.path(), entry.file_type().is_some_and(|t| t.is_dir()))
            }
        })
        .build_parallel()
        .run(|| {
            let failure = &failure;
            let mut kept = Kept {
                paths: Vec::new(),
                all: &found,
            };
            Box::new(move |entry| match entry {
                Ok(entry) => {
                    if entry.file_type().is_some_and(|t| t.is_file())
                        && wanted.wants(entry.path(), dir)
                    {
                        kept.paths.push(entry.into_path());
                    }
                    WalkState::Continue
                }
                Err(err) => {
                    lock(failure).get_or_insert(err);
                    WalkState::Quit
                }
            })
        });
    if let Some(err) = lock(&failure).take() {
        return Err(err);
    }
    let mut found = std::mem::take(&mut *lock(&found));
    // On every core: a walk of many repositories sorts tens of thousands of paths.
    found.par_sort_by_cached_key(|path| order_key(path));
    Ok(found)
}

/// The key that sorts the paths of one walk in the order of `Path`'s `Ord` (component by
/// component): the path's bytes, with every separator lowered below every other byte. The two
/// orders agree on paths whose separators are single, as the paths of one walk are. A walk of
/// many repositories sorts tens of thousands of paths, and comparing keys as bytes takes a
/// fraction of the instructions of splitting both paths into components at every comparison.
fn order_key(path: &Path) -> Vec<u8> {
    let mut key = path.as_os_str().as_encoded_bytes().to_vec();
    for byte in &mut key {
        if std::path::is_separator(char::from(*byte)) {
            *byte = 0;
        }
    }
    key
}

/// The paths one thread of a walk found, added to the walk's list when the thread is done.
struct Kept<'a> {
    paths: Vec<PathBuf>,
    all: &'a Mutex<Vec<PathBuf>>,
}

impl Drop for Kept<'_> {
    fn drop(&mut self) {
        lock(self.all).append(&mut self.paths);
    }
}

/// The walk's shared lists; a visitor that panicked has left nothing half-written in them.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Whether the file `name` is one of `file_names`, in any case.
pub fn is_named(name: &std::ffi::OsStr, file_names: &[String]) -> bool {
    let name = name.as_encoded_bytes();
    file_names
        .iter()
        .any(|n| n.as_bytes().eq_ignore_ascii_case(name))
}

/// `path` relative to `base` when it lies below it, for display.
pub fn display_path(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}

/// `path` relative to the root of its own repository (the nearest ancestor holding `.git`),
/// with forward slashes, as SARIF, links and calendar UIDs need it, wherever policy-lint
/// runs from. Outside any repository, relative to `fallback` (the canonical working
/// repository root), else the path as given.
pub fn repository_path(path: &Path, fallback: &Path) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let own_root = absolute
        .parent()
        .and_then(|dir| dir.ancestors().find(|d| d.join(".git").exists()));
    let relative = match own_root {
        Some(root) => absolute.strip_prefix(root).unwrap_or(path),
        None => absolute.strip_prefix(fallback).unwrap_or(path),
    };
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_key_sorts_as_components_do() {
        let paths = [
            "walk/a/SECURITY.md",
            "walk/a-b/SECURITY.md",
            "walk/a.b/SECURITY.md",
            "walk/a/.well-known/security.txt",
            "walk/a/public/.well-known/security.txt",
            "walk/ab/SECURITY.md",
            "walk/A/SECURITY.md",
            "walk/a/b/c/SECURITY.md",
            "walk/a b/SECURITY.md",
            "walk/é/SECURITY.md",
            "walk/security.txt",
            "walk/SECURITY.md",
        ];
        let mut by_components: Vec<&Path> = paths.iter().map(Path::new).collect();
        let mut by_bytes = by_components.clone();
        by_components.sort();
        by_bytes.sort_by_cached_key(|path| order_key(path));
        assert_eq!(by_bytes, by_components);
    }
}
