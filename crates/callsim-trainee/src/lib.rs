//! The trainee's side of callsim, without a window: what the game keeps
//! and watches on the trainee's PC, tested without Bevy.
//!
//! Start here. [`progress`] keeps trainees, their finished calls and the
//! game's settings (SQLite and a JSON file in the platform's data folder);
//! [`folder`] is the watched folder of scenario files the picker shows,
//! reloaded when a trainer edits one, keeping the last good version of a
//! broken file; [`class`] talks to a class hub and keeps finished calls in a
//! durable outbox until the hub has them. Scenarios, calls and scores come
//! from `callsim-core`; this crate only stores and moves them.

pub mod class;
pub mod folder;
pub mod progress;
pub mod schema;
