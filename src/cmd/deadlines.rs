//! `deadlines`: every dated obligation of the policies and each security.txt's `Expires`,
//! soonest first; exit 1 when one is overdue.

use std::path::Path;

use super::{EXIT_FINDINGS, Finding, Searched, each_input, emit, inputs};
use crate::cli::{Cli, DeadlinesArgs, FailOn, Format};
use crate::io::discover;
use crate::kind::Parsed;
use crate::lint::policy::Policy;
use crate::lint::schedule::{self, Deadline, DeadlineReport};
use crate::render;
use crate::settings::Settings;

pub fn deadlines(cli: &Cli, args: &DeadlinesArgs) -> Result<u8, miette::Report> {
    let settings = Settings::resolve(&cli.global, args.format.into(), FailOn::Error, None)?;
    let cwd = std::env::current_dir()
        .map_err(|err| miette::miette!("cannot read the current directory: {err}"))?;
    let root = discover::repository_root(&cwd);
    let exclude = discover::Exclude::new(&root, &cwd, &settings.pack.exclude)?;
    let finding = Finding {
        stdin_name: None,
        no_ignore: false,
        exclude: &exclude,
        force_exclude: false,
    };
    let found = inputs(&args.paths, &settings, &cwd, &finding)?;
    // Nothing to list: no policy, and no security.txt either.
    if let Some(searched) = found
        .without_policy
        .first()
        .filter(|_| found.inputs.is_empty())
    {
        let (Searched::Discovery(dir) | Searched::Walk(dir)) = searched;
        return Err(miette::miette!(
            help = "pass the policy's PATH, e.g. `policy-lint deadlines SECURITY.md`",
            "no policy file found in {}",
            if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            }
            .display()
        ));
    }
    let window = i64::from(settings.pack.rotation.warning_window_days);
    let txt_window = i64::from(settings.pack.security_txt.warning_window_days);
    let until = match &args.within {
        Some(within) => Some(within.frequency.due(settings.today).ok_or_else(|| {
            miette::miette!(
                "--within {} reaches past the end of the calendar",
                within.text
            )
        })?),
        None => None,
    };
    let per_file: Vec<Result<Vec<Deadline>, miette::Report>> = each_input(&found.inputs, |input| {
        let source = input.read()?;
        let repo_path = discover::repository_path(input.path(), &root);
        let doc = match Parsed::parse(&source, &settings.pack) {
            Parsed::Policy(doc) => doc,
            Parsed::SecurityTxt(txt) => {
                let expiry = Deadline::expiry(&txt, &repo_path, settings.today, txt_window);
                let within = expiry
                    .due
                    .is_none_or(|due| until.is_none_or(|until| due <= until));
                return Ok(if within { vec![expiry] } else { Vec::new() });
            }
        };
        let policy = Policy::new(&doc, &settings.pack);
        // A rotation with no usable date is listed whatever --within says: nobody can tell
        // when it falls due.
        let undated = schedule::undated(&policy);
        let undated = undated
            .iter()
            .map(|u| Deadline::unknown(u, &source, &repo_path));
        let dated = schedule::obligations(&policy);
        let dated = dated
            .iter()
            .filter(|o| until.is_none_or(|until| o.due <= until))
            .map(|o| Deadline::new(o, &source, &repo_path, settings.today, window));
        Ok(undated.chain(dated).collect())
    });
    let mut report = DeadlineReport {
        today: settings.today,
        within: args.within.as_ref().map(|w| w.text.clone()),
        files: found.inputs.len(),
        deadlines: Vec::new(),
    };
    for result in per_file {
        report.deadlines.extend(result?);
    }
    // Files come in order, each soonest first; a stable sort keeps file order on equal dates.
    report.deadlines.sort_by_key(|d| d.due);
    let to_file = emit(args.output.output_file.as_deref(), |out| {
        match settings.format {
            Format::Json => render::deadlines::json(&report, out),
            Format::Markdown => {
                render::deadlines::markdown(&report, args.link_base.as_deref(), out)
            }
            Format::Ics => render::ics::render(&report, out),
            _ => render::deadlines::human(&report, settings.quiet, out),
        }
    })?;
    if to_file && !settings.quiet {
        super::print_bytes(format!("{}\n", report.summary_line()).as_bytes())?;
    }
    Ok(if report.fails() { EXIT_FINDINGS } else { 0 })
}
