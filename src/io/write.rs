//! Reading a policy, and writing it back atomically, changing no byte that no edit touches.

use std::io::Write;
use std::path::Path;

use atomic_write_file::AtomicWriteFile;

use crate::diagnostic::Edit;
use crate::fix;
use crate::io::source::{EncodingError, SourceFile};

/// Reads a file as UTF-8; anything else is an error that names the file. The file may be
/// anything a PATH names (a pipe, `/dev/stdin`): it is read to its end.
pub fn read_source(path: &Path) -> Result<SourceFile, miette::Report> {
    read_as_source(path, false)
}

/// [`read_source`] of a regular file, as a directory walk finds them: a read that returns
/// less than it asked for is the end of a regular file (Linux, macOS and Windows fill the
/// buffer unless the file ends), which saves the read that would only answer "end of
/// file". Were a file system ever to return less in the middle of a file, `--fix` would
/// still lose nothing: [`replace`] reads the whole file again before it writes, and leaves
/// alone a file that is not the text it fixed.
pub fn read_regular_file(path: &Path) -> Result<SourceFile, miette::Report> {
    read_as_source(path, true)
}

fn read_as_source(path: &Path, short_read_is_end: bool) -> Result<SourceFile, miette::Report> {
    let bytes = read_bytes(path, short_read_is_end).map_err(|err| {
        miette::miette!(
            help = "check the path; a file PATH is linted as given",
            "cannot read {}: {err}",
            path.display()
        )
    })?;
    decode(path, bytes)
}

/// A file's bytes, read without asking its size first: `fs::read` asks the file's size and
/// position (two system calls more a file), and most policies and every security.txt fit
/// the first read anyway. That read goes into a buffer each thread keeps (so it is neither
/// allocated nor zeroed for every file), and the text is copied out at its exact size.
/// With `short_read_is_end`, a first read that does not fill the buffer is the whole file.
fn read_bytes(path: &Path, short_read_is_end: bool) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    const FIRST_READ: usize = 8 * 1024;
    thread_local! {
        static FIRST: std::cell::RefCell<Box<[u8]>> =
            std::cell::RefCell::new(vec![0; FIRST_READ].into_boxed_slice());
    }
    let mut file = std::fs::File::open(path)?;
    let mut bytes = FIRST.with_borrow_mut(|buffer| -> std::io::Result<Vec<u8>> {
        loop {
            match file.read(buffer) {
                Ok(read) => return Ok(buffer[..read].to_vec()),
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    })?;
    let ended = bytes.is_empty() || short_read_is_end && bytes.len() < FIRST_READ;
    if !ended {
        // Through `take`, which gives no size hint: the buffer grows as it fills.
        file.take(u64::MAX).read_to_end(&mut bytes)?;
        // Kept as the document's text: no more room than the text.
        bytes.shrink_to_fit();
    }
    Ok(bytes)
}

/// The largest policy read: offsets into it are kept in 32 bits.
const MAX_BYTES: usize = u32::MAX as usize;

/// A file's bytes (or standard input's, named `name`) as a policy: UTF-8 of at most 4 GiB.
pub fn decode(name: &Path, bytes: Vec<u8>) -> Result<SourceFile, miette::Report> {
    if bytes.len() > MAX_BYTES {
        return Err(miette::miette!(
            help = "policy-lint reads policies of up to 4 GiB",
            "{} is too large ({} bytes)",
            name.display(),
            bytes.len()
        ));
    }
    if let Some(kind) = binary_kind(&bytes) {
        return Err(miette::miette!(
            help = "policy-lint lints Markdown policies; pass the policy's path, or leave this \
                    file out with --exclude",
            "{} is a binary file ({kind}), not a text policy",
            name.display()
        ));
    }
    SourceFile::from_bytes(name, bytes).map_err(|err| encoding_error(&err))
}

/// What kind of binary file `bytes` hold, by their magic number, or by a NUL byte in the first
/// 8 KiB (git's test); `None` for text.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"\x7fELF", "an ELF executable"),
        (b"MZ", "a Windows executable"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x1f\x8b", "a gzip archive"),
    ];
    if let Some((_, kind)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        // `MZ` and `GIF8` also start ordinary words: only with a NUL byte are they binary.
        let weak = matches!(*kind, "a Windows executable" | "a GIF image");
        if !weak || bytes[..bytes.len().min(8192)].contains(&0) {
            return Some(kind);
        }
    }
    bytes[..bytes.len().min(8192)]
        .contains(&0)
        .then_some("it holds NUL bytes")
}

/// An encoding error naming the file, the byte and its line, with the bytes around it shown.
pub fn encoding_error(err: &EncodingError) -> miette::Report {
    let line = err.line;
    miette::miette!(
        help = "policy-lint reads UTF-8 only; convert the file, e.g. \
                `iconv -f latin1 -t utf-8 FILE > FILE.utf8 && mv FILE.utf8 FILE`",
        "{} is not valid UTF-8: byte {} (line {line}) is not part of a UTF-8 character",
        err.path.display(),
        err.offset,
    )
}

/// The read-modify-write of the recording commands: applies `edits` to the policy as read
/// (keeping aligned tables aligned) and writes the result when it differs. Returns the text.
pub fn record(source: &SourceFile, edits: &[Edit]) -> Result<String, miette::Report> {
    let text = recorded(source, edits);
    if text != source.text {
        replace(source.path(), source.text.as_bytes(), &text)?;
    }
    Ok(text)
}

/// The text [`record`] writes: `edits` applied to the policy as read, aligned tables kept
/// aligned. The language server's record actions are this text, never written.
pub fn recorded(source: &SourceFile, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| e.span);
    fix::apply(&source.text, &edits)
}

/// Replaces the file at `path` with `text`, atomically, keeping its permissions. A symlink is
/// resolved and its target written. `original` is the content the new text was derived from:
/// if the file no longer holds it, nothing is written and the error says so.
pub fn replace(path: &Path, original: &[u8], text: &str) -> Result<(), miette::Report> {
    // Only a symlink is resolved: resolving every path reads every directory on the way.
    let is_symlink = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let target = if is_symlink {
        path.canonicalize().map_err(|err| {
            miette::miette!("cannot resolve {} to write it: {err}", path.display())
        })?
    } else {
        path.to_path_buf()
    };
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
    fn a_file_is_read_whole_whatever_its_size_against_the_first_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        for size in [0, 1, 8 * 1024 - 1, 8 * 1024, 8 * 1024 + 1, 3 * 8 * 1024 + 5] {
            let path = dir.path().join(format!("{size}.md"));
            let bytes: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&path, &bytes).expect("write");
            for short_read_is_end in [false, true] {
                let read = read_bytes(&path, short_read_is_end).expect("read");
                assert_eq!(read, bytes, "a file of {size} bytes");
                assert_eq!(read.capacity(), read.len(), "kept at its size");
            }
        }
    }

    /// A pipe hands over what has been written so far: its first short read is not its end.
    #[cfg(unix)]
    #[test]
    fn a_pipe_is_read_to_its_end() {
        use std::io::Write;
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("SECURITY.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        if !made {
            eprintln!("skipped: mkfifo is not available");
            return;
        }
        let writer = std::thread::spawn({
            let fifo = fifo.clone();
            move || {
                let mut pipe = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&fifo)
                    .expect("open the pipe");
                pipe.write_all(b"# Security\n").expect("write");
                pipe.flush().expect("flush");
                std::thread::sleep(std::time::Duration::from_millis(200));
                pipe.write_all(b"Report to security@example.org\n")
                    .expect("write");
            }
        });
        let source = read_source(&fifo).expect("read");
        writer.join().expect("writer");
        assert_eq!(source.text, "# Security\nReport to security@example.org\n");
    }

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
