//! The recording commands — `rotate`, `review`, `incident add` on the policy, `renew` on a
//! security.txt — around their read-modify-write.

use std::path::{Path, PathBuf};

use crate::cli::{Cli, FailOn, FileArg, Format, TextFormat};
use crate::dates::iso;
use crate::fix::update::Update;
use crate::io::source::SourceFile;
use crate::io::write;
use crate::io::{discover, git};
use crate::kind::{DocumentKind, Parsed};
use crate::lint::policy::Policy;
use crate::lint::schedule;
use crate::lint::schedule::Deadline;
use crate::settings::Settings;

/// The one file a recording command works on: `--file`, else the one discovered of `kind`.
fn target_file(
    file: Option<&Path>,
    settings: &Settings,
    kind: DocumentKind,
) -> Result<PathBuf, miette::Report> {
    if let Some(file) = file {
        return Ok(file.to_path_buf());
    }
    let cwd = std::env::current_dir()
        .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;
    let root = discover::repository_root(&cwd);
    let found = match kind {
        DocumentKind::Policy => discover::discover(&root, &settings.pack.file_names),
        DocumentKind::SecurityTxt => discover::discover_security_txt(
            &root,
            &settings.pack.security_txt.file_names,
            &discover::Exclude::new(&root, &cwd, &settings.pack.exclude)?,
        )
        .map_err(|err| miette::miette!("cannot walk the repository: {err}"))?,
    };
    match found.as_slice() {
        [one] => Ok(discover::display_path(one, &cwd)),
        [] if kind == DocumentKind::SecurityTxt => Err(miette::miette!(
            help = "pass it with --file, e.g. `--file public/.well-known/security.txt`;                     `policy-lint init --security-txt` writes one",
            "no security.txt found: none in a .well-known/ directory or the repository root"
        )),
        [] => Err(miette::miette!(
            help = "pass the policy with --file, e.g. `--file SECURITY.md`",
            "no policy file found in the repository root, .github/ or docs/"
        )),
        many => Err(miette::miette!(
            help = "choose one with --file",
            "several {} files found: {}",
            match kind {
                DocumentKind::Policy => "policy",
                DocumentKind::SecurityTxt => "security.txt",
            },
            many.iter()
                .map(|p| discover::display_path(p, &cwd).display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The obligations the command moved, judged anew in the text written.
fn next_due(after: &SourceFile, settings: &Settings, update: &Update) -> Vec<Deadline> {
    let today = settings.today;
    match Parsed::parse(after, &settings.pack) {
        Parsed::Policy(doc) => {
            let policy = Policy::new(&doc, &settings.pack);
            let window = i64::from(settings.pack.rotation.warning_window_days);
            schedule::obligations(&policy)
                .iter()
                .filter(|o| update.follow.contains(&o.key()))
                .map(|o| Deadline::new(o, after, "", today, window))
                .collect()
        }
        Parsed::SecurityTxt(txt) => {
            let window = i64::from(settings.pack.security_txt.warning_window_days);
            vec![Deadline::expiry(&txt, "", today, window)]
        }
    }
}

/// What a recording command computed: its edits, the commit message for `--commit`, and
/// for a rotation the tag of the procedure.
pub struct Recorded {
    pub update: Update,
    pub message: String,
    pub tag: Option<Tag>,
}

/// The tag a rotation's commit gets (`security-rotation-2026-11-22`).
pub struct Tag {
    pub name: String,
    /// `--tag`: put it on the commit.
    pub create: bool,
    /// Whether to suggest it when not created: not for a back-dated correction.
    pub suggest: bool,
}

/// Runs a recording command: reads the policy, computes its edits, applies them (keeping
/// aligned tables aligned), writes the file, commits and tags it when asked, and says what
/// changed. With `--commit`, git's preconditions are checked before anything is written.
pub fn record(
    cli: &Cli,
    target: &FileArg,
    kind: DocumentKind,
    format: TextFormat,
    compute: impl FnOnce(&SourceFile, &Settings) -> Result<Recorded, miette::Report>,
) -> Result<u8, miette::Report> {
    let settings = Settings::resolve(&cli.global, format.into(), FailOn::Error, None)?;
    let path = target_file(target.file.as_deref(), &settings, kind)?;
    let source = write::read_source(&path)?;
    let recorded = compute(&source, &settings)?;
    let update = &recorded.update;
    let repository = if target.commit {
        Some(git::Repository::for_policy(&path)?)
    } else {
        None
    };
    let tag_name = match (&repository, &recorded.tag) {
        (Some(repository), Some(tag)) if tag.create => {
            let name = repository.unique_tag(&tag.name)?;
            repository.check_tag_name(&name)?;
            Some(name)
        }
        _ => None,
    };
    let text = write::record(&source, &update.edits)?;
    let changed = text != source.text;
    if let Some(repository) = &repository
        && changed
    {
        repository.commit(&recorded.message)?;
        if let Some(name) = &tag_name {
            repository.tag(name)?;
        }
    }
    if settings.quiet {
        return Ok(0);
    }
    let after = SourceFile::new(&path, text.clone());
    let next_due = next_due(&after, &settings, update);
    let shown = path.display().to_string();
    if settings.format == Format::Json {
        let json = serde_json::json!({
            "tool": "policy-lint",
            "version": env!("CARGO_PKG_VERSION"),
            "today": iso(settings.today),
            "path": shown,
            "changes": update.changes,
            "committed": repository.is_some() && changed,
            "tag": if changed { tag_name.clone() } else { None },
            "next_due": next_due.iter().map(|d| serde_json::json!({
                "what": d.title, "due": d.due.map(iso),
            })).collect::<Vec<_>>(),
        });
        return super::print_bytes(format!("{json:#}\n").as_bytes());
    }
    let mut said = String::new();
    let mut say = |line: String| {
        said.push_str(&line);
        said.push('\n');
    };
    say(if changed {
        format!("Updated {shown}:")
    } else {
        format!("{shown}: nothing to change")
    });
    for change in &update.changes {
        say(format!("  {change}"));
    }
    for d in &next_due {
        let due = d.due.map_or_else(|| "an unknown date".to_string(), iso);
        say(format!(
            "Next due: {} on {due} ({}, {})",
            d.title,
            d.frequency,
            d.when()
        ));
    }
    if changed {
        match (&repository, &tag_name, &recorded.tag) {
            (Some(_), Some(name), _) => {
                say(format!("Committed and tagged {name}: {}", recorded.message));
            }
            (Some(_), None, _) => say(format!("Committed: {}", recorded.message)),
            (None, _, Some(tag)) if tag.suggest => {
                // Named as it would be tagged: after a first rotation today, `-2`.
                let name = match git::Repository::of(&path) {
                    Ok(Some(repository)) => repository.unique_tag(&tag.name)?,
                    _ => tag.name.clone(),
                };
                say(format!(
                    "Next: commit the change and tag it (or record with `--commit --tag`): \
                     git tag {name}"
                ));
            }
            _ => {}
        }
    }
    super::print_bytes(said.as_bytes())
}
