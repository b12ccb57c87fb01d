//! The dispatcher: parse the command line, run the command, map the result to an exit code.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::cli::{Cli, Command, FileArg, IncidentCommand};
use crate::cmd::{self, EXIT_ERROR, Recorded, Tag, print_error};
use crate::dates::iso;
use crate::fix::{self, update};
use crate::kind::DocumentKind;

/// Runs the command line `args` (program name first) and returns the exit code.
pub fn run(args: Vec<OsString>) -> ExitCode {
    let command = Cli::command();
    let args = crate::cli::command_first(&command, args);
    let matches = match command.try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { EXIT_ERROR } else { 0 });
        }
    };
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let command_matches = matches.subcommand().map_or(&matches, |(_, m)| m);
    cli.global.today_from_env = matches!(
        command_matches.value_source("today"),
        Some(clap::parser::ValueSource::EnvVariable)
    );
    cli.global.given = command_matches
        .ids()
        .filter(|id| {
            matches!(
                command_matches.value_source(id.as_str()),
                Some(clap::parser::ValueSource::CommandLine)
            )
        })
        .map(|id| id.as_str().to_string())
        .collect();
    let color = crate::settings::use_color(cli.global.color, std::io::stderr().is_terminal());
    let result = match cli.command {
        None => cmd::check(&cli, &cli.check),
        Some(Command::Check(ref args)) => cmd::check(&cli, args),
        Some(Command::Rules(ref format)) => cmd::list_rules(format.format),
        Some(Command::Deadlines(ref args)) => cmd::deadlines(&cli, args),
        Some(Command::Init(ref args)) => cmd::init(&cli, args),
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "policy-lint", &mut script);
            cmd::print_bytes(&script)
        }
        Some(Command::Man) => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut page) {
                Ok(()) => cmd::print_bytes(&page),
                Err(err) => Err(miette::miette!("cannot render the man page: {err}")),
            }
        }
        Some(Command::Server) => crate::server::run(&cli.global),
        Some(Command::Rule {
            ref name,
            ref format,
        }) => cmd::explain_rule(name, format.format),
        Some(Command::Rotate(ref args)) => {
            let names = &args.secrets;
            cmd::record(
                &cli,
                &args.file,
                DocumentKind::Policy,
                args.format.format,
                |source, settings| {
                    let date = args.date.unwrap_or(settings.today);
                    let update =
                        update::rotate(source, &settings.pack, settings.today, names, date)?;
                    Ok(Recorded {
                        update,
                        message: format!(
                            "Record rotation of {} on {}",
                            names.join(", "),
                            iso(date)
                        ),
                        tag: Some(Tag {
                            name: settings.pack.rotation.tag.replace("{date}", &iso(date)),
                            create: args.tag,
                            // A back-dated correction is not a new rotation to tag.
                            suggest: date == settings.today,
                        }),
                    })
                },
            )
        }
        Some(Command::Review(ref args)) => cmd::record(
            &cli,
            &args.file,
            DocumentKind::Policy,
            args.format.format,
            |source, settings| {
                let date = args.date.unwrap_or(settings.today);
                Ok(Recorded {
                    update: update::review(source, &settings.pack, settings.today, date)?,
                    message: format!("Record policy review on {}", iso(date)),
                    tag: None,
                })
            },
        ),
        Some(Command::Renew(ref args)) => {
            let target = FileArg {
                file: args.file.clone(),
                commit: args.commit,
            };
            let kind = DocumentKind::SecurityTxt;
            cmd::record(
                &cli,
                &target,
                kind,
                args.format.format,
                |source, settings| {
                    let today = settings.today;
                    let until = match (&args.until, &args.for_) {
                        (Some(until), _) => *until,
                        (None, Some(within)) => within.frequency.due(today).ok_or_else(|| {
                            miette::miette!(
                                "--for {} reaches past the end of the calendar",
                                within.text
                            )
                        })?,
                        (None, None) => fix::renew::default_until(today),
                    };
                    Ok(Recorded {
                        update: fix::renew::renew(source, today, until)?,
                        message: format!("Renew security.txt until {}", iso(until)),
                        tag: None,
                    })
                },
            )
        }
        Some(Command::Incident {
            command: IncidentCommand::Add(ref args),
        }) => cmd::record(
            &cli,
            &args.file,
            DocumentKind::Policy,
            args.format.format,
            |source, settings| {
                let incident = update::NewIncident {
                    date: args.date,
                    severity: args.severity.clone(),
                    status: args.status.clone(),
                    actions: args.actions.clone(),
                    text: args.text.clone(),
                };
                Ok(Recorded {
                    update: update::add_incident(
                        source,
                        &settings.pack,
                        settings.today,
                        &incident,
                    )?,
                    message: format!("Record incident of {}: {}", iso(args.date), args.text),
                    tag: None,
                })
            },
        ),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(report) => {
            print_error(&report, color);
            ExitCode::from(EXIT_ERROR)
        }
    }
}
