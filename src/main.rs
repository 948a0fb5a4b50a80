use std::process::ExitCode;

fn main() -> ExitCode {
    let code = crossrole::main_with(std::env::args_os(), &mut std::io::stdout().lock(), &mut std::io::stderr().lock());
    ExitCode::from(code)
}
