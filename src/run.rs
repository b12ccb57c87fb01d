//! The dispatcher: parse the command line, run the command, map the result to an exit code.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, Command, IncidentCommand};
use crate::cmd::{self, EXIT_ERROR, Recorded, Tag, print_error};
use crate::dates::iso;
use crate::fix::update;

/// Runs the command line `args` (program name first) and returns the exit code.
pub fn run(args: Vec<OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(crate::cli::with_default_command(args)) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { EXIT_ERROR } else { 0 });
        }
    };
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal();
    let result = match cli.command {
        Command::Check(ref args) => cmd::check(&cli, args),
        Command::Rules => cmd::list_rules(&cli),
        Command::Deadlines(ref args) => cmd::deadlines(&cli, args),
        Command::Init(ref args) => cmd::init(&cli, args),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "policy-lint",
                &mut std::io::stdout(),
            );
            Ok(0)
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map(|()| 0)
            .map_err(|err| miette::miette!("cannot write the man page: {err}")),
        Command::Rule { ref name } => cmd::explain_rule(name),
        Command::Rotate(ref args) => {
            let names = &args.secrets;
            cmd::record(&cli, &args.file, |source, settings| {
                let date = args.date.unwrap_or(settings.today);
                let update = update::rotate(source, &settings.pack, settings.today, names, date)?;
                Ok(Recorded {
                    update,
                    message: format!("Record rotation of {} on {}", names.join(", "), iso(date)),
                    tag: Some(Tag {
                        name: settings.pack.rotation.tag.replace("{date}", &iso(date)),
                        create: args.tag,
                        // A back-dated correction is not a new rotation to tag.
                        suggest: date == settings.today,
                    }),
                })
            })
        }
        Command::Review(ref args) => cmd::record(&cli, &args.file, |source, settings| {
            let date = args.date.unwrap_or(settings.today);
            Ok(Recorded {
                update: update::review(source, &settings.pack, settings.today, date)?,
                message: format!("Record policy review on {}", iso(date)),
                tag: None,
            })
        }),
        Command::Incident {
            command: IncidentCommand::Add(ref args),
        } => cmd::record(&cli, &args.file, |source, settings| {
            let incident = update::NewIncident {
                date: args.date,
                severity: args.severity.clone(),
                status: args.status.clone(),
                actions: args.actions.clone(),
                text: args.text.clone(),
            };
            Ok(Recorded {
                update: update::add_incident(source, &settings.pack, settings.today, &incident)?,
                message: format!("Record incident of {}: {}", iso(args.date), args.text),
                tag: None,
            })
        }),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(report) => {
            print_error(&report, color);
            ExitCode::from(EXIT_ERROR)
        }
    }
}
