//! The desktop game: Bevy + bevy_egui screens over the core. It presents
//! what `Call` and `Debrief` decide and computes no score of its own.
//!
//! The logic (what a click means) lives in systems that read messages such
//! as [`ChooseOption`] and call the core; the egui code only draws and
//! writes those messages, so the headless tests drive the same path as a
//! trainee's clicks and keys.

mod class;
mod face;
mod library;
mod records;
mod redraw;
mod screens;
mod session;
mod sound;
mod theme;
#[cfg(any(feature = "sound", test))]
mod tones;
mod tour;
mod typing;

#[cfg(feature = "dev")]
mod dev;

use std::path::PathBuf;
use std::process::ExitCode;

use bevy::prelude::*;
use bevy::window::WindowResolution;
use bevy::winit::WinitSettings;
use bevy_egui::EguiPlugin;

pub use callsim_core::call::Mode;
pub use callsim_trainee::progress::Settings;
pub use class::{
    CastClassVote, Class, CreateClass, FollowClassVote, JoinClass, LeaveClass, LeaveClassVote, OUTBOX_FILE,
    PlayClassTurn, StartClassVote, StopRunningClass, VoteRole,
};
pub use library::{ReloadScenarios, Scenarios};
pub use records::{NameProblem, Records, TextSize};
pub use screens::Screen;
pub use session::{
    AddTrainee, AnswerCall, ChangeSettings, ChooseOption, FlagTyped, LastCall, LiveCall, Navigate, NextCall,
    OpenDebrief, PickScenario, Quit, ReplayCall, ShowWholeLine, SignIn, TakeOffHold, TryAgain,
};
pub use sound::{BUILT_WITH_SOUND, Cue, Sound, SoundCue};
pub use tour::{OPTIONAL_PICTURES, PICTURES};
pub use typing::{Draft, ModelState, PickMeant, SayTyped, SentenceModel};

/// How this run was launched (`callsim` with no subcommand): folders, and
/// what to do first. The binary's command line flattens these options, so
/// they are written once, here.
#[derive(Resource, Debug, Clone, Default, clap::Args)]
pub struct Launch {
    /// Folder of scenario files to offer (default: `scenarios/` beside the
    /// program or in the current folder).
    #[arg(long = "scenarios", value_name = "DIR", default_value_os_t = callsim_trainee::folder::default_scenario_dir(), hide_default_value = true)]
    pub scenarios: PathBuf,
    /// Where the trainee's progress and settings are kept (default:
    /// $CALLSIM_DATA_DIR, else the platform's data folder).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Go straight into a call with this scenario (its id), already answered.
    #[arg(long, value_name = "SCENARIO")]
    pub call: Option<String>,
    /// Open the game at this screen, signed in as the last trainee:
    /// picker, progress, settings, class; or, with `--call`, incoming (the
    /// phone ringing instead of the call answered). For measuring each
    /// screen (scripts/measure-idle.sh) and for trainers' screenshots.
    #[arg(long, value_enum, value_name = "SCREEN")]
    pub open: Option<OpenAt>,
    /// Seed for the first call (the caller's mood, lines and reply order).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Language for this run (en, zh, ru, es), overriding the saved setting.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Play one scripted call through every screen (by keyboard inside the
    /// call), save a PNG of each screen in DIR with `tour.json`, and exit:
    /// non-zero if a picture is blank, a key did nothing or the call did not
    /// reach its ending. Uses seed 4 and a throwaway data folder unless
    /// `--seed` / `--data-dir` say otherwise.
    #[arg(long, value_name = "DIR")]
    pub screenshots: Option<PathBuf>,
    /// Print how long the first interactive frame took to appear.
    #[arg(long)]
    pub report_launch: bool,
    /// When the program started, for the launch report.
    #[arg(skip)]
    pub started: Option<std::time::Instant>,
}

/// A screen `--open` can start at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OpenAt {
    Picker,
    Incoming,
    Progress,
    Settings,
    Class,
}

/// The order the game's own systems run in, each frame, in `Update`.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GameSystems {
    /// Notice changed scenario files.
    Reload,
    /// Act on what the trainee chose (the messages).
    Act,
    /// Advance the call's own timers: the line being said, the hold.
    Tick,
}

/// Opens the game window and runs until the trainee quits.
pub fn run(mut launch: Launch) -> ExitCode {
    launch.started = launch.started.or_else(|| Some(std::time::Instant::now()));
    let touring = launch.screenshots.is_some();
    // The tour plays as a trainee called Alex: unless told where, it keeps
    // that trainee's progress in a folder of its own, not the real one.
    let mut _tour_data = None;
    if touring {
        launch.seed = launch.seed.or(Some(tour::TOUR_SEED));
        if launch.data_dir.is_none() {
            match tempfile::tempdir() {
                Ok(dir) => {
                    launch.data_dir = Some(dir.path().to_owned());
                    _tour_data = Some(dir);
                }
                Err(err) => {
                    eprintln!("callsim: cannot make a folder for the tour's progress: {err}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "callsim".into(),
                    resolution: WindowResolution::new(1280, 800),
                    ..default()
                }),
                ..default()
            })
            .set(bevy::log::LogPlugin {
                filter: "wgpu=error,naga=warn,bevy_render=warn,bevy_egui=warn".into(),
                ..default()
            }),
    )
    .add_plugins(EguiPlugin::default())
    .insert_resource(ClearColor(theme::clear_colour()))
    .insert_resource(if touring {
        // The tour waits on frames, so it must not wait for input.
        WinitSettings::continuous()
    } else {
        // Draw flat out while the renderer compiles its pipelines, so the
        // first screen shows as soon as it can; `redraw` then switches to
        // drawing only on input and on the game's own wake-ups.
        redraw::launching()
    })
    .insert_resource(launch)
    .add_plugins((plugin, windowed_plugin));
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// Everything but the window: screens, the call, the scenario library and
/// the trainee's records. The headless tests add this to `MinimalPlugins`
/// (with `StatesPlugin`) after inserting a [`Launch`].
pub fn plugin(app: &mut App) {
    app.configure_sets(
        Update,
        (GameSystems::Reload, GameSystems::Act, GameSystems::Tick).chain(),
    );
    app.add_plugins((
        records::plugin,
        library::plugin,
        session::plugin,
        class::plugin,
        screens::plugin,
        sound::plugin,
        typing::plugin,
    ));
}

/// What needs a real window: the look, the redraw control, the screenshot
/// tour, dev tools.
fn windowed_plugin(app: &mut App) {
    app.add_plugins((theme::plugin, redraw::plugin, tour::plugin));
    #[cfg(feature = "sound")]
    app.add_plugins(sound::output_plugin);
    #[cfg(feature = "dev")]
    app.add_plugins(dev::plugin);
}
