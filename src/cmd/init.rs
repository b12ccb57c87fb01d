//! `init`: a starter SECURITY.md and a commented .policy-lint.yml; with `--security-txt`, a
//! starter `.well-known/security.txt`.

use std::path::PathBuf;

use crate::cli::{Cli, FailOn, Format, InitArgs};
use crate::dates::iso;
use crate::io::discover;
use crate::settings::Settings;

/// The starter policy: every section the default pack asks for, a rotation table, an
/// incident log with its marker and review dates; one placeholder, the contact, to fill in.
const POLICY: &str = include_str!("templates/SECURITY.md");
/// The starter configuration, every option commented.
const CONFIG: &str = include_str!("templates/policy-lint.yml");
/// The starter security.txt: the contact to fill in, an `Expires` a year ahead minus a day.
const SECURITY_TXT: &str = include_str!("templates/security.txt");

pub fn init(cli: &Cli, args: &InitArgs) -> Result<u8, miette::Report> {
    let settings = Settings::resolve(&cli.global, Format::Human, FailOn::Error, None)?;
    let cwd = std::env::current_dir()
        .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => discover::display_path(&discover::repository_root(&cwd), &cwd),
    };
    if args.security_txt {
        let expires = format!(
            "{}T00:00:00Z",
            iso(crate::fix::renew::default_until(settings.today))
        );
        let path = dir.join(".well-known").join("security.txt");
        let text = SECURITY_TXT.replace("{EXPIRES}", &expires);
        return write_files(
            &[(path, &text)],
            args.force,
            settings.quiet,
            "Next: fill in the Contact (`policy-lint` points at it), publish the file at \
             /.well-known/security.txt on your site (move it into the folder your site serves, \
             e.g. public/ or static/), and renew it with `policy-lint renew` before it expires.\n",
            true,
        );
    }
    // The template promises a quarterly review.
    let next_review = settings
        .today
        .checked_add_months(chrono::Months::new(3))
        .ok_or_else(|| miette::miette!("--today is too close to the end of the calendar"))?;
    let policy = POLICY
        .replace("{TODAY}", &iso(settings.today))
        .replace("{NEXT_REVIEW}", &iso(next_review));
    let files: [(PathBuf, &str); 2] = [
        (dir.join("SECURITY.md"), &policy),
        (dir.join(".policy-lint.yml"), CONFIG),
    ];
    write_files(
        &files,
        args.force,
        settings.quiet,
        "Next: fill in the security contact (`policy-lint` points at it), turn on private \
         vulnerability reporting in the repository's Settings > Code security, and adapt \
         the tables to your project.\n",
        false,
    )
}

/// Writes the starter files, none of them when one exists (unless `force`), and says what
/// to do next. With `make_dirs`, the folders they go in are made.
fn write_files(
    files: &[(PathBuf, &str)],
    force: bool,
    quiet: bool,
    next: &str,
    make_dirs: bool,
) -> Result<u8, miette::Report> {
    if !force && let Some((existing, _)) = files.iter().find(|(path, _)| path.exists()) {
        return Err(miette::miette!(
            help = "pass --force to overwrite it; nothing was written",
            "{} already exists",
            existing.display()
        ));
    }
    let mut said = String::new();
    for (path, text) in files {
        if make_dirs && let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| miette::miette!("cannot create {}: {err}", parent.display()))?;
        }
        std::fs::write(path, text)
            .map_err(|err| miette::miette!("cannot write {}: {err}", path.display()))?;
        said.push_str(&format!("Wrote {}\n", path.display()));
    }
    said.push_str(next);
    if quiet {
        return Ok(0);
    }
    super::print_bytes(said.as_bytes())
}
