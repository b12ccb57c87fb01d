//! Prepares the built-in packs (every `rules/*.yml`) so that a run does not pay for them at start-up:
//!
//! - each pack as JSON (`<name>.json`), which loads in a fraction of the time its YAML takes;
//! - for each of their regular expressions that a DFA can express, the forward and reverse
//!   dense DFAs, serialised (`prebuilt_patterns.rs` lists them by pattern, with whether each
//!   anchors to a line), which a run deserialises without compiling anything. See
//!   `src/lazy_regex.rs` for how they are used.
//!
//! A pattern is left to be compiled at run time when a DFA cannot express it (a Unicode word
//! boundary) or its DFAs would be larger than `MAX_DFA_BYTES`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use regex_automata::dfa::{StartKind, dense, regex::Builder};
use serde_json::Value;

#[path = "src/document/contact_patterns.rs"]
mod contact_patterns;

/// The most bytes both DFAs of one pattern may take in the binary.
const MAX_DFA_BYTES: usize = 512 * 1024;

/// The keys of a pack whose values are regular expressions (a string or a list of them).
const PATTERN_KEYS: &[&str] = &[
    "regex",
    "channel-url",
    "public-url",
    "private-reporting",
    "cadence-patterns",
];

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let big_endian = std::env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() == Ok("big");
    let mut patterns = Vec::new();
    println!("cargo::rerun-if-changed=rules");
    let mut packs: Vec<PathBuf> = std::fs::read_dir("rules")
        .expect("rules/ holds the built-in packs")
        .map(|entry| entry.expect("rules/ is readable").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yml"))
        .collect();
    packs.sort();
    for path in &packs {
        println!("cargo::rerun-if-changed={}", path.display());
        let fail = |e: &dyn std::fmt::Display| -> ! { panic!("{}: {e}", path.display()) };
        let yaml = std::fs::read_to_string(path).unwrap_or_else(|e| fail(&e));
        // Read as the program reads it into its types: `no` is the word, not false.
        let mut options = serde_saphyr::Options::default();
        options.strict_booleans = true;
        let pack: Value =
            serde_saphyr::from_str_with_options(&yaml, options).unwrap_or_else(|e| fail(&e));
        collect_patterns(&pack, &mut patterns);
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 name");
        write(
            &out.join(format!("{name}.json")),
            pack.to_string().as_bytes(),
        );
    }
    println!("cargo::rerun-if-changed=src/document/contact_patterns.rs");
    patterns.extend(contact_patterns::ALL.iter().map(|p| p.to_string()));
    patterns.sort();
    patterns.dedup();

    let mut table = String::from(
        "/// The built-in packs' patterns with their forward and reverse DFAs.\n\
         pub(crate) static PREBUILT: &[Prebuilt] = &[\n",
    );
    for (i, pattern) in patterns.iter().enumerate() {
        let Some((forward, reverse)) = dfas(pattern, big_endian) else {
            continue;
        };
        let (forward_file, reverse_file) = (format!("{i}.fwd.dfa"), format!("{i}.rev.dfa"));
        write(&out.join(&forward_file), &forward);
        write(&out.join(&reverse_file), &reverse);
        let include = |file: &str| {
            format!(
                "&Aligned {{ _align: [], bytes: *include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\")) }}"
            )
        };
        let _ = writeln!(
            table,
            "    Prebuilt {{ pattern: {pattern:?}, forward: {}, reverse: {}, anchored: {} }},",
            include(&forward_file),
            include(&reverse_file),
            is_anchored(pattern),
        );
    }
    table.push_str("];\n");
    write(&out.join("prebuilt_patterns.rs"), table.as_bytes());
}

/// Every pattern a pack holds under one of [`PATTERN_KEYS`], at any depth.
fn collect_patterns(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match value {
                    Value::String(s) if PATTERN_KEYS.contains(&key.as_str()) => out.push(s.clone()),
                    Value::Array(items) if PATTERN_KEYS.contains(&key.as_str()) => {
                        out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)))
                    }
                    _ => collect_patterns(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_patterns(i, out)),
        _ => {}
    }
}

/// The forward and reverse DFAs of `pattern`, serialised without leading padding (they are
/// included with the alignment of a `u32`), or `None` when a DFA cannot express it or they are
/// too large.
fn dfas(pattern: &str, big_endian: bool) -> Option<(Vec<u8>, Vec<u8>)> {
    let regex = Builder::new()
        .dense(
            dense::Config::new()
                .minimize(true)
                // The forward DFA only ever searches unanchored (the reverse one is built
                // anchored): without anchored start states it is about half the size.
                .start_kind(StartKind::Unanchored)
                .dfa_size_limit(Some(MAX_DFA_BYTES)),
        )
        .build(pattern)
        .ok()?;
    let bytes = |dfa: &dense::DFA<Vec<u32>>| {
        let (bytes, padding) = if big_endian {
            dfa.to_bytes_big_endian()
        } else {
            dfa.to_bytes_little_endian()
        };
        bytes[padding..].to_vec()
    };
    let (forward, reverse) = (bytes(regex.forward()), bytes(regex.reverse()));
    (forward.len() + reverse.len() <= MAX_DFA_BYTES).then_some((forward, reverse))
}

/// Whether `pattern` anchors to a line or the text: `LazyRegex::is_anchored`, read here so
/// that a run does not parse the pattern for it.
fn is_anchored(pattern: &str) -> bool {
    let hir = regex_automata::util::syntax::parse(pattern);
    hir.map_or(true, |hir| hir.properties().look_set().contains_anchor())
}

fn write(path: &Path, bytes: &[u8]) {
    // Unchanged output keeps its timestamp, so that nothing including it is rebuilt.
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return;
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}
