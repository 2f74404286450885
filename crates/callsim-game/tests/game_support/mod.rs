//! The game without a window, for the headless tests: `MinimalPlugins` and
//! the game's logic, driven by the same messages its screens write when the
//! trainee clicks or types.

use std::path::Path;

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;

use callsim_game::{Launch, Screen};

/// A game reading scenarios from `scenarios` and keeping its data in
/// `data`, its first call on `seed`, after its first frame.
pub fn headless_game(scenarios: &Path, data: &Path, seed: u64) -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, StatesPlugin));
    app.insert_resource(Launch {
        scenarios: scenarios.to_owned(),
        data_dir: Some(data.to_owned()),
        seed: Some(seed),
        ..default()
    });
    app.add_plugins(callsim_game::plugin);
    app.update();
    app
}

/// Driving a game a message at a time.
pub trait Drive {
    /// Writes `message` and runs frames until the game has acted on it.
    fn send<M: Message>(&mut self, message: M) -> &mut Self;
    fn screen(&self) -> Screen;
}

impl Drive for App {
    fn send<M: Message>(&mut self, message: M) -> &mut Self {
        self.world_mut().write_message(message);
        // One frame to act, one for the state transition to land.
        self.update();
        self.update();
        self
    }

    fn screen(&self) -> Screen {
        *self.world().resource::<State<Screen>>().get()
    }
}
