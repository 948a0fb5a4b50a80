use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = crossrole::Cli::parse();
    ExitCode::from(crossrole::run(cli))
}
