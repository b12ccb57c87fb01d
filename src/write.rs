//! Atomic, byte-preserving file replacement.

use std::io::Write;
use std::path::Path;

use atomic_write_file::AtomicWriteFile;

/// Replaces the file at `path` with `text`, atomically, keeping its permissions. A symlink is
/// resolved and its target written. `original` is the content the new text was derived from:
/// if the file no longer holds it, nothing is written and the error says so.
pub fn replace(path: &Path, original: &[u8], text: &str) -> Result<(), miette::Report> {
    let target = path
        .canonicalize()
        .map_err(|err| miette::miette!("cannot resolve {} to write it: {err}", path.display()))?;
    let metadata = std::fs::metadata(&target)
        .map_err(|err| miette::miette!("cannot read {}: {err}", path.display()))?;
    if metadata.permissions().readonly() {
        return Err(miette::miette!(
            help = "make it writable (e.g. `chmod u+w`), or run without writing (`--diff`)",
            "{} is read-only; it was left unchanged",
            path.display()
        ));
    }
    let now = std::fs::read(&target)
        .map_err(|err| miette::miette!("cannot read {} again: {err}", path.display()))?;
    if now != original {
        return Err(miette::miette!(
            help = "run policy-lint again on the current content",
            "{} changed on disk while it was being fixed; it was left alone",
            path.display()
        ));
    }
    let write = || -> std::io::Result<()> {
        let mut file = AtomicWriteFile::open(&target)?;
        file.write_all(text.as_bytes())?;
        file.commit()
    };
    write().map_err(|err| {
        miette::miette!(
            help = "check that the file and its directory are writable",
            "cannot write {}: {err}; the file was left unchanged",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("SECURITY.md");
        std::fs::write(&path, "changed by someone else\n").expect("write");
        let err = replace(&path, b"as read\n", "fixed\n").expect_err("refused");
        assert!(err.to_string().contains("changed on disk"), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "changed by someone else\n"
        );
        replace(&path, b"changed by someone else\n", "fixed\n").expect("written");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "fixed\n");
    }
}
