//! crossrole: a catalog of AWS IAM permissions in, deployable CloudFormation and Terraform out.
//!
//! The flow runs one way: flags and config (`cli`, `config`) merge into a typed `request`; the
//! `model` builds one plan per setup from it and the `catalog`, checked against the rules in
//! `aws`; `render` turns the plan into files through per-format views and templates; `output`
//! writes them in two phases. `commands` wires this up for each subcommand.

mod aws;
mod catalog;
mod cli;
mod commands;
mod config;
mod external_id;
#[cfg(test)]
mod fuzz;
mod iam;
mod keyword;
mod model;
mod output;
mod parallel;
mod render;
mod request;
mod schema;
mod split;
mod suggest;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser as _;

pub use cli::Cli;
use cli::Command;
pub use commands::{EXIT_DRIFT, EXIT_ERROR, EXIT_OK};

/// Runs one command, prints errors to `stderr` (one line each) and returns the exit code.
/// `stderr` is not taken for a terminal: `--color auto` leaves it plain.
pub fn run(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8 {
    run_for(cli, stdout, stderr, false)
}

/// `run`, told whether standard error is a terminal (for `--color auto`).
pub fn run_for(cli: Cli, stdout: &mut dyn Write, stderr: &mut dyn Write, stderr_is_tty: bool) -> u8 {
    let no_color = std::env::var("NO_COLOR").ok();
    let color = cli.color.enabled(stderr_is_tty, no_color.as_deref());
    let mut stderr = commands::styled::Styled::new(stderr, color, cli.quiet);
    let stderr: &mut dyn Write = &mut stderr;
    let result = match cli.command {
        Command::Emit(args) => commands::emit::run(&args, stdout, stderr),
        Command::Catalog(args) => commands::catalog::run(&args, stdout),
        Command::Completions { shell } => commands::completions(shell, stdout),
        Command::Man => commands::man(stdout),
        Command::Init(args) => commands::init::run(&args, stderr),
        Command::Explain(args) => commands::explain::run(&args, stdout, stderr),
        Command::Policy(args) => commands::policy::run(&args, stdout, stderr),
        Command::Schema => stdout.write_all(schema::json().as_bytes()).map(|()| EXIT_OK).map_err(anyhow::Error::from),
        Command::Templates { command } => commands::templates(&command, stdout, stderr),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            commands::print_error(&err, stderr);
            EXIT_ERROR
        }
    }
}

/// Parses the command line and runs it, as the binary does but with plain (unstyled) clap
/// messages: the whole program in process, for tests and embedding.
pub fn main_with<I, T>(args: I, stdout: &mut dyn Write, stderr: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match Cli::try_parse_from(args) {
        Ok(cli) => run(cli, stdout, stderr),
        Err(e) => {
            // `--help` and `--version` are answers, not errors.
            let _ = if e.use_stderr() { write!(stderr, "{}", e.render()) } else { write!(stdout, "{}", e.render()) };
            u8::try_from(e.exit_code()).unwrap_or(EXIT_ERROR)
        }
    }
}
