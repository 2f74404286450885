//! callsim: a training game for new call-centre agents.
//!
//! The core (scenarios, the call engine, scoring, analysis) has no Bevy in
//! it; the CLI and the tests drive it directly, and the game (feature
//! `game`) only presents what it decides. Feature `desktop` adds what the
//! game needs besides Bevy: the trainee's progress and settings
//! (`progress`) and the hot-reloaded scenario library (`library`).

pub mod analysis;
pub mod call;
pub mod check;
#[cfg(feature = "class-client")]
pub mod class_client;
#[cfg(any(feature = "hub", feature = "class-client"))]
pub mod classroom;
pub mod cli;
pub mod debrief;
pub mod diagnostic;
pub mod engine;
#[cfg(feature = "game")]
pub mod game;
pub mod graph;
#[cfg(feature = "hub")]
pub mod hub;
pub mod i18n;
pub mod labels;
#[cfg(feature = "desktop")]
pub mod library;
pub mod points;
#[cfg(feature = "desktop")]
pub mod progress;
pub mod scenario;
pub mod starter;
pub mod text;
pub mod validate;

pub use call::{Call, CallRecord};
pub use debrief::Debrief;
pub use engine::Model;
pub use scenario::Scenario;
