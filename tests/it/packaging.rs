//! The ways policy-lint is installed agree on what a release holds: the archives cargo-dist
//! builds (dist-workspace.toml), the names `cargo binstall` and the action download, the
//! release workflow's publish jobs, the wheel's and the mirror's versions.
//! (`.ci/packaging-test` and `.ci/action-test` run the wheel, the mirror and the download.)

use std::path::Path;
use std::process::Command;

fn read(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The quoted strings of the list `key = [...]` in a TOML file.
fn toml_list(text: &str, key: &str) -> Vec<String> {
    let start = text
        .find(&format!("{key} = ["))
        .unwrap_or_else(|| panic!("no {key}"));
    let list = &text[start..start + text[start..].find(']').expect("a closed list")];
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn toml_string(text: &str, key: &str) -> String {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{key} = \"")))
        .unwrap_or_else(|| panic!("no {key}"));
    line.split('"').nth(1).expect("a quoted value").to_string()
}

fn version() -> String {
    toml_string(&read("Cargo.toml"), "version")
}

/// The archive cargo-dist makes for `target`, and the binary's path inside it.
fn dist_archive(target: &str) -> (String, String) {
    let dist = read("dist-workspace.toml");
    if target.contains("windows") {
        let ext = toml_string(&dist, "windows-archive");
        (
            format!("policy-lint-{target}{ext}"),
            "policy-lint.exe".into(),
        )
    } else {
        let ext = toml_string(&dist, "unix-archive");
        (
            format!("policy-lint-{target}{ext}"),
            format!("policy-lint-{target}/policy-lint"),
        )
    }
}

#[test]
fn binstall_downloads_the_archives_cargo_dist_builds() {
    let cargo = read("Cargo.toml");
    let repo = toml_string(&cargo, "repository");
    let targets = toml_list(&read("dist-workspace.toml"), "targets");
    assert_eq!(targets.len(), 5, "{targets:?}");
    let section = |name: &str| {
        let start = cargo.find(name).unwrap_or_else(|| panic!("no {name}"));
        let rest = &cargo[start + name.len()..];
        rest[..rest.find("\n[").unwrap_or(rest.len())].to_string()
    };
    let default = section("[package.metadata.binstall]\n");
    let windows = section("[package.metadata.binstall.overrides.x86_64-pc-windows-msvc]\n");
    for target in &targets {
        let windows_target = target.contains("windows");
        let get = |key: &str| {
            let own = windows_target.then(|| windows.lines().find(|l| l.starts_with(key)));
            let line = own
                .flatten()
                .or_else(|| default.lines().find(|l| l.starts_with(key)));
            line.expect(key)
                .split('"')
                .nth(1)
                .expect("quoted")
                .to_string()
        };
        let suffix = match get("pkg-fmt").as_str() {
            "tgz" => ".tar.gz",
            "zip" => ".zip",
            other => panic!("unexpected pkg-fmt {other}"),
        };
        let exe = if windows_target { ".exe" } else { "" };
        let fill = |template: String| {
            template
                .replace("{ repo }", &repo)
                .replace("{ version }", &version())
                .replace("{ name }", "policy-lint")
                .replace("{ target }", target)
                .replace("{ archive-suffix }", suffix)
                .replace("{ bin }", "policy-lint")
                .replace("{ binary-ext }", exe)
        };
        let (archive, binary) = dist_archive(target);
        assert_eq!(
            fill(get("pkg-url")),
            format!("{repo}/releases/download/v{}/{archive}", version())
        );
        assert_eq!(fill(get("bin-dir")), binary, "{target}");
    }
}

#[test]
fn the_action_downloads_a_release_archive_on_every_runner() {
    let targets = toml_list(&read("dist-workspace.toml"), "targets");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (os, arch) in [
        ("Linux", "X64"),
        ("Linux", "ARM64"),
        ("macOS", "X64"),
        ("macOS", "ARM64"),
        ("Windows", "X64"),
    ] {
        let temp = tempfile::tempdir().expect("temp dir");
        let output_file = temp.path().join("output");
        let status = Command::new("bash")
            .arg(root.join("action/install.sh"))
            .arg("plan")
            .env("GITHUB_ACTION_PATH", root)
            .env("RUNNER_TEMP", temp.path())
            .env("RUNNER_OS", os)
            .env("RUNNER_ARCH", arch)
            .env("GITHUB_OUTPUT", &output_file)
            .status()
            .expect("bash runs");
        assert!(status.success());
        let output = std::fs::read_to_string(&output_file).expect("the plan's outputs");
        let target = output
            .lines()
            .find_map(|l| l.strip_prefix("target="))
            .expect("a target");
        assert!(
            targets.iter().any(|t| t == target),
            "{os} {arch}: {target} is not one of the release's {targets:?}"
        );
        assert!(output.contains(&format!("version={}\n", version())));
    }
}

#[test]
fn the_release_workflow_calls_the_publish_workflows_that_exist() {
    let release = read(".github/workflows/release.yml");
    for job in toml_list(&read("dist-workspace.toml"), "publish-jobs") {
        let name = job.strip_prefix("./").expect("a local job");
        let path = format!(".github/workflows/{name}.yml");
        assert!(
            release.contains(&format!("uses: ./{path}\n")),
            "release.yml does not call {path}"
        );
        assert!(
            read(&path).contains("workflow_call:"),
            "{path} cannot be called"
        );
    }
    assert!(
        !release.contains("uses: $/"),
        "dist's `$/` is back in release.yml"
    );
}

#[test]
fn the_wheel_and_the_mirror_are_this_version() {
    let pyproject = read("pyproject.toml");
    assert!(pyproject.contains("bindings = \"bin\""));
    assert!(
        pyproject.contains("dynamic = [\"version\""),
        "the wheel's version comes from Cargo.toml"
    );
    let mirror = read("packaging/pre-commit-mirror/pyproject.toml");
    assert_eq!(toml_string(&mirror, "version"), version());
    assert!(mirror.contains(&format!("\"policy-lint=={}\"", version())));
    let hooks = read("packaging/pre-commit-mirror/.pre-commit-hooks.yaml");
    let source = read(".pre-commit-hooks.yaml");
    let ids = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.strip_prefix("- id: ").map(str::to_string))
            .collect()
    };
    assert_eq!(ids(&hooks), ids(&source));
    assert!(!hooks.contains("language: rust"));
    assert_eq!(
        hooks.matches("language: python").count(),
        source.matches("language: rust").count()
    );
}
