//! `callsim lsp`: a language server for scenario files, so that a
//! trainer's editor helps while they type. Read this first.
//!
//! It speaks the Language Server Protocol over standard input and output
//! ([`run_stdio`]; [`run`] on any connection, which the tests use). An
//! open file is a [`document::Document`]: the editor's text, never the
//! file on disk. What it offers:
//!
//! - **diagnostics**: `callsim check`'s, with their help, as you type
//!   ([`diagnostics`]); the typed-reply checks follow a moment later;
//! - **completion** of node, ending, meter and reply-kind ids where the
//!   format names one, of field names, of an enum's variants and of a
//!   text's languages ([`complete`]);
//! - **go to definition**, **find references** and an outline of nodes,
//!   replies, endings and meters ([`navigate`]);
//! - **hover** on a reply, a node, an ending, a meter or a kind ([`hover`]);
//! - **rename** of an id everywhere in the file ([`rename`]).
//!
//! A file mid-edit is usually broken RON. The ids and the place of the
//! cursor are read from the core's lexer ([`outline`]), which reads
//! anything; what needs the scenario itself (hover, the details in the
//! completion list) uses the last version of the text that read. Field and
//! variant names come from the serde structs themselves ([`format`]).
//! Positions are in UTF-16 code units, as LSP counts them ([`position`]).

pub mod complete;
pub mod diagnostics;
pub mod document;
pub mod format;
pub mod hover;
pub mod navigate;
pub mod outline;
pub mod position;
pub mod rename;
mod server;

use lsp_server::Connection;

pub use server::capabilities;

/// How the server runs.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Run `check`'s typed-reply checks, which load the sentence model
    /// (on a thread of their own, on the first file that checks clean).
    pub typed_replies: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { typed_replies: true }
    }
}

/// Serves the editor on standard input and output until it shuts the
/// server down; an error says how it ended otherwise.
pub fn run_stdio() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let result = run(connection, Options::default());
    let joined = io_threads
        .join()
        .map_err(|e| format!("error: reading from or writing to the editor: {e}"));
    result.and(joined)
}

/// Serves the editor on `connection` (from [`Connection::stdio`], or
/// [`Connection::memory`] in tests) until it shuts the server down.
pub fn run(connection: Connection, options: Options) -> Result<(), String> {
    server::serve(&connection, options)
}
