use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    // clap prints help, version and usage errors itself, styled when the terminal takes it.
    let cli = crossrole::Cli::parse();
    ExitCode::from(crossrole::run(cli, &mut std::io::stdout().lock(), &mut std::io::stderr().lock()))
}
