use std::process::ExitCode;

use clap::Parser as _;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // clap prints help, version and usage errors itself, styled when the terminal takes it.
    let cli = crossrole::Cli::parse();
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    ExitCode::from(crossrole::run_for(cli, &mut std::io::stdout().lock(), &mut std::io::stderr().lock(), tty))
}
