//! The README cannot drift: every sample that starts with `$ policy-lint` is run and compared
//! with what it shows, and its install, try-it and test commands are the ones CI runs.

use std::path::Path;

/// The fenced blocks of `markdown`: (info string, lines).
fn blocks(markdown: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let body: Vec<String> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .map(str::to_string)
            .collect();
        out.push((info.trim().to_string(), body));
    }
    out
}

/// A command line split as a shell would split this README's commands: at spaces, with
/// double-quoted words kept whole.
fn split(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut started = false;
    for c in command.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                started = true;
            }
            ' ' if !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                    started = false;
                }
            }
            c => {
                word.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// Whether `actual` is `expected`, where a line `...` of `expected` stands for any lines.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, tail)| line.trim_end() == first.trim_end() && matches(rest, tail)),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("readable") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

fn readme() -> String {
    std::fs::read_to_string(crate::repo().join("README.md")).expect("README.md")
}

#[test]
fn every_sample_is_what_the_program_prints() {
    let mut ran = 0;
    for (_, body) in blocks(&readme()) {
        let Some(command) = body.first().and_then(|l| l.strip_prefix("$ policy-lint")) else {
            continue;
        };
        // Each sample runs in a fresh copy of the fixtures: a recording command writes.
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join(".git")).expect(".git");
        copy_dir(
            &crate::repo().join("fixtures"),
            &dir.path().join("fixtures"),
        );
        let args = split(command);
        let output = crate::policy_lint(dir.path())
            .args(&args)
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let actual: Vec<&str> = stdout.lines().collect();
        assert!(
            matches(&body[1..], &actual),
            "the README's `$ policy-lint{command}` prints, in full:\n{stdout}\n(stderr: {})",
            String::from_utf8_lossy(&output.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 4, "only {ran} samples found");
}

#[test]
fn the_readme_s_commands_are_the_ones_ci_runs() {
    let readme = readme();
    let shell: Vec<String> = blocks(&readme)
        .into_iter()
        .filter(|(info, _)| info == "sh")
        .flat_map(|(_, body)| body)
        .collect();
    // Every way of building that the install section gives uses the locked versions.
    let section = &readme[readme.find("## Install\n").expect("an install section")..];
    let section = &section[..section[3..].find("\n## ").expect("a next section") + 3];
    let builds: Vec<&str> = section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|code| code.starts_with("cargo install"))
        .collect();
    assert!(builds.len() >= 2, "{builds:?}");
    for build in builds {
        assert!(build.contains("--locked"), "{build}");
    }
    // The try-it command runs a shipped example that a sample shows.
    let try_it = shell
        .iter()
        .find_map(|l| l.strip_prefix("cargo run --release -- "))
        .expect("a `cargo run --release --` command");
    assert!(
        readme.contains(&format!("$ policy-lint {try_it}\n")),
        "no sample shows `{try_it}`"
    );
    assert!(
        crate::repo()
            .join(split(try_it).last().expect("a path"))
            .is_file()
    );
    // The test command is the one .ci/run runs.
    let test = shell
        .iter()
        .find(|l| l.starts_with("cargo test"))
        .expect("a test command");
    let ci = std::fs::read_to_string(crate::repo().join(".ci/run")).expect(".ci/run");
    assert!(
        ci.lines().any(|l| l.trim() == test.as_str()),
        "`{test}` is not what .ci/run runs"
    );
    // rust-version as the README states it.
    let manifest = std::fs::read_to_string(crate::repo().join("Cargo.toml")).expect("Cargo.toml");
    let msrv = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("rust-version");
    assert!(
        readme.contains(&format!("({msrv} or newer")),
        "the README does not say Rust {msrv}"
    );
}

#[test]
fn sample_matching_understands_elisions() {
    let expected: Vec<String> = ["a", "...", "d"].iter().map(|s| s.to_string()).collect();
    assert!(matches(&expected, &["a", "b", "c", "d"]));
    assert!(matches(&expected, &["a", "d"]));
    assert!(!matches(&expected, &["a", "b"]));
    assert_eq!(
        split(r#"rotate "GitHub Token" --file F"#),
        ["rotate", "GitHub Token", "--file", "F"]
    );
}

/// `rust-version` is the highest any locked dependency needs: a lower one promises a build
/// that fails.
#[test]
fn rust_version_is_what_the_locked_dependencies_need() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = std::process::Command::new(cargo)
        .current_dir(crate::repo())
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let version = |text: &str| -> Vec<u64> {
        text.split('.')
            .map(|part| part.parse().expect("a number"))
            .collect()
    };
    let packages = metadata["packages"].as_array().expect("packages");
    let ours = packages
        .iter()
        .find(|p| p["name"] == "policy-lint")
        .and_then(|p| p["rust_version"].as_str())
        .map(version)
        .expect("our rust-version");
    let (highest, by) = packages
        .iter()
        .filter(|p| p["name"] != "policy-lint")
        .filter_map(|p| {
            let needed = p["rust_version"].as_str()?;
            Some((version(needed), p["name"].as_str()?.to_string()))
        })
        .max()
        .expect("dependencies with a rust-version");
    let pad = |mut v: Vec<u64>| {
        v.resize(3, 0);
        v
    };
    assert!(
        pad(ours.clone()) >= pad(highest.clone()),
        "rust-version {ours:?} is below {by}'s {highest:?}"
    );
}
