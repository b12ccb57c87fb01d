//! The documents unit tests run over: the project's fixtures, and the seeds and real
//! policies of `../shared` when it is beside the project.

use std::path::{Path, PathBuf};

/// Whether `../shared` sits beside the project. Where `POLICY_LINT_REQUIRE_SHARED` is set (the
/// main run of `.ci/run`), its absence fails the test instead of narrowing it.
pub fn shared_present() -> bool {
    let present = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .is_dir();
    assert!(
        present || std::env::var_os("POLICY_LINT_REQUIRE_SHARED").is_none(),
        "../shared must sit beside the project (POLICY_LINT_REQUIRE_SHARED is set)"
    );
    if !present {
        // Written to the handle, not with `eprintln!`, which the test harness would capture.
        let test = std::thread::current()
            .name()
            .unwrap_or("a test")
            .to_string();
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("skipped: the seeds and corpus in {test} (../shared is absent)\n").as_bytes(),
        );
    }
    present
}

/// Every Markdown (`.md`, `.txt`) document of the fixtures, seeds and real policies, with
/// its text (a file that is not UTF-8 is left out).
pub fn documents() -> Vec<(PathBuf, String)> {
    shared_present();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["fixtures", "../shared/seeds", "../shared/corpus/real"] {
        markdown_files(&root.join(dir), &mut paths);
    }
    paths
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(&path).ok().map(|text| (path, text)))
        .collect()
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md" || e == "txt") {
            out.push(path);
        }
    }
}
