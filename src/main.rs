//! The `callsim` binary: the game with no arguments, the trainer's tools
//! with a subcommand.

use std::process::ExitCode;

use clap::Parser;

use callsim::cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => run(command),
        None => launch_game(),
    }
}

#[cfg(feature = "game")]
fn launch_game() -> ExitCode {
    eprintln!("the game is not built yet; try `callsim play scenarios/missing-bonus-number.ron`");
    ExitCode::FAILURE
}

#[cfg(not(feature = "game"))]
fn launch_game() -> ExitCode {
    eprintln!("this build has no game (built without the `game` feature); see `callsim --help`");
    ExitCode::FAILURE
}
