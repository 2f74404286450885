//! The `callsim` binary: the game with no arguments, the trainer's tools
//! with a subcommand.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod translate;
mod typed;

use cli::{Cli, run};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(command) => {
            quit_quietly_on_closed_pipe();
            run(command)
        }
        None => callsim_game::run(cli.game),
    }
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
