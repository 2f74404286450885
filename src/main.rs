//! The `callsim` binary: the game with no arguments, the trainer's tools
//! with a subcommand.

use std::process::ExitCode;

use clap::Parser;

use callsim::cli::{Cli, GameArgs, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => {
            quit_quietly_on_closed_pipe();
            run(command)
        }
        None => launch_game(cli.game),
    }
}

#[cfg(feature = "game")]
fn launch_game(args: GameArgs) -> ExitCode {
    callsim::game::run(args)
}

#[cfg(not(feature = "game"))]
fn launch_game(_args: GameArgs) -> ExitCode {
    eprintln!("this build has no game (built without the `game` feature); see `callsim --help`");
    ExitCode::FAILURE
}

/// `callsim analyze FILE | head` should stop quietly when `head` has read
/// enough, as other command-line tools do, rather than panic on the closed
/// pipe. Rust ignores SIGPIPE by default; the tools restore the default.
fn quit_quietly_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: resetting a signal to its default disposition at start-up,
    // before any other thread exists, has no memory-safety preconditions.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
