use std::process::ExitCode;

fn main() -> ExitCode {
    policy_lint::run(std::env::args_os().collect())
}
