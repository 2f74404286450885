//! The core of callsim: everything the game, the hub and the trainer's
//! command line agree on, with no window, no database and no network.
//!
//! Start here. A trainer's RON file becomes a [`Scenario`] through one
//! loader ([`scenario::load_file`], or [`scenario::load_folder`] for a
//! folder), which reports every mistake as a located
//! [`diagnostic::Diagnostic`]. The [`engine`] turns a scenario into a
//! [`Model`] of the caller; a [`Call`] plays one phone call on it, turn by
//! turn, deterministic given its seed; when the call ends its
//! [`CallRecord`] (the choices) and its [`Debrief`] (the scores, the
//! transcript, the best replies) are what every other layer keeps, shows
//! or checks. [`analysis`] walks every path to find the best and the worst
//! play, [`check`] gathers what can be said about a file, [`graph`] draws
//! it, [`locale`] holds the frame's words in each game language, and
//! [`wire`] is the typed JSON the game and the class hub exchange.
//!
//! Reading scenario files is the only I/O here: no Bevy, no tokio, no SQL
//! (a test in this crate fails if one creeps into its dependencies).

pub mod analysis;
pub mod call;
pub mod check;
pub mod debrief;
pub mod diagnostic;
pub mod engine;
pub mod graph;
pub mod locale;
pub mod points;
pub mod scenario;
pub mod starter;
pub mod understand;
pub mod wire;

pub use call::{Call, CallRecord};
pub use debrief::Debrief;
pub use engine::Model;
pub use scenario::Scenario;
