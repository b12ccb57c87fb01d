//! The recording commands — `rotate`, `review`, `incident add` — around their read-modify-write.

use std::path::{Path, PathBuf};

use crate::cli::{Cli, FailOn, Format};
use crate::dates::iso;
use crate::document::Document;
use crate::fix::update::Update;
use crate::io::discover;
use crate::io::source::SourceFile;
use crate::io::write;
use crate::lint::policy::Policy;
use crate::lint::schedule;
use crate::render::deadlines::Deadline;
use crate::settings::Settings;

/// The one policy file a recording command works on: `--file`, else the one discovered.
fn policy_file(file: Option<&Path>, settings: &Settings) -> Result<PathBuf, miette::Report> {
    if let Some(file) = file {
        return Ok(file.to_path_buf());
    }
    let cwd = std::env::current_dir()
        .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;
    let found = discover::discover(&discover::repository_root(&cwd), &settings.pack.file_names);
    match found.as_slice() {
        [one] => Ok(discover::display_path(one, &cwd)),
        [] => Err(miette::miette!(
            help = "pass the policy with --file, e.g. `--file SECURITY.md`",
            "no policy file found in the repository root, .github/ or docs/"
        )),
        many => Err(miette::miette!(
            help = "choose one with --file",
            "several policy files found: {}",
            many.iter()
                .map(|p| discover::display_path(p, &cwd).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Runs a recording command: reads the policy, computes its edits, applies them (keeping
/// aligned tables aligned), writes the file and says what changed.
pub fn record(
    cli: &Cli,
    file: Option<&Path>,
    compute: impl FnOnce(&SourceFile, &Settings) -> Result<(Update, Option<String>), miette::Report>,
) -> Result<u8, miette::Report> {
    let settings = Settings::resolve(&cli.global, FailOn::Error, None)?;
    let path = policy_file(file, &settings)?;
    let source = write::read_source(&path)?;
    let (update, next_step) = compute(&source, &settings)?;
    let text = write::record(&source, &update.edits)?;
    if settings.quiet {
        return Ok(0);
    }
    let after = SourceFile::new(&path, text.clone());
    let doc = Document::parse(&after);
    let policy = Policy::new(&doc, &settings.pack);
    let window = i64::from(settings.pack.rotation.warning_window_days);
    let next_due: Vec<Deadline> = schedule::obligations(&policy)
        .iter()
        .filter(|o| update.follow.contains(&o.key()))
        .map(|o| Deadline::new(o, &after, "", settings.today, window))
        .collect();
    let shown = path.display().to_string();
    if settings.format == Format::Json {
        let json = serde_json::json!({
            "tool": "policy-lint",
            "version": env!("CARGO_PKG_VERSION"),
            "today": iso(settings.today),
            "path": shown,
            "changes": update.changes,
            "next_due": next_due.iter().map(|d| serde_json::json!({
                "what": d.title, "due": iso(d.due),
            })).collect::<Vec<_>>(),
        });
        println!("{json:#}");
        return Ok(0);
    }
    if text == source.text {
        println!("{shown}: nothing to change");
    } else {
        println!("Updated {shown}:");
    }
    for change in &update.changes {
        println!("  {change}");
    }
    for d in &next_due {
        println!(
            "Next due: {} on {} ({}, {})",
            d.title,
            iso(d.due),
            d.frequency,
            d.when()
        );
    }
    if let Some(next_step) = next_step.filter(|_| text != source.text) {
        println!("Next: commit the change and tag it: {next_step}");
    }
    Ok(0)
}
