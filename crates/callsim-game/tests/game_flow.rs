//! The game without a window: `MinimalPlugins` and the game's logic, driven
//! by the same messages the screens write when the trainee clicks or types.
//! Proves the screen flow and that a call played in the game is the call
//! the core plays alone with that seed.

mod game_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::prelude::*;

use callsim_core::call::Call;
use callsim_core::engine::Model;
use callsim_core::scenario::{Action, load_file};
use callsim_game::{
    AddTrainee, AnswerCall, ChangeSettings, ChooseOption, LastCall, LiveCall, Mode, Navigate, NextCall,
    OpenDebrief, PickScenario, Records, ReplayCall, Scenarios, Screen, Sound, SoundCue, TakeOffHold,
    TryAgain,
};
use callsim_trainee::progress::ProgressStore;
use game_support::{Drive, headless_game};

const REFERENCE: &str = "missing-bonus-number";

fn scenarios_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios")
}

fn reference_model() -> Arc<Model> {
    let loaded =
        load_file(&scenarios_dir().join(format!("{REFERENCE}.ron"))).expect("the reference scenario loads");
    Arc::new(Model::new(loaded.scenario).expect("the reference scenario compiles"))
}

/// The game without a window, keeping its progress in a fresh folder
/// (dropped with the returned guard).
fn game_app(scenarios: &Path, seed: u64) -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().expect("a temporary data folder");
    let app = headless_game(scenarios, data.path(), seed);
    (app, data)
}

/// Driving the game as a trainee would, a message at a time.
trait Trainee: Drive {
    fn live(&self) -> &LiveCall;
    /// Chooses option `number` (1-based, as displayed) and updates.
    fn choose_option(&mut self, number: usize) -> &mut Self;
}

impl Trainee for App {
    fn live(&self) -> &LiveCall {
        self.world()
            .get_resource::<LiveCall>()
            .expect("a call is on the line")
    }

    fn choose_option(&mut self, number: usize) -> &mut Self {
        self.send(ChooseOption(number))
    }
}

/// A script that does not always take the first option: `turn`'s choice
/// among `options` options.
fn scripted(turn: usize, options: usize) -> usize {
    (turn * 5 + 2) % options + 1
}

#[test]
fn the_trainee_goes_from_title_to_debrief_and_back() {
    let (mut app, _data) = game_app(&scenarios_dir(), 7);
    assert_eq!(app.screen(), Screen::Title);

    app.send(AddTrainee("Sam".into()));
    assert_eq!(app.screen(), Screen::Picker);
    assert_eq!(
        app.world()
            .resource::<Records>()
            .trainee()
            .map(|t| t.name.as_str()),
        Some("Sam")
    );

    app.send(PickScenario(REFERENCE.into()));
    assert_eq!(app.screen(), Screen::Incoming, "the phone rings");
    assert_eq!(
        app.world().resource::<NextCall>().seed,
        7,
        "the launch's seed is the first call's"
    );

    app.send(AnswerCall);
    assert_eq!(app.screen(), Screen::Call);
    assert!(
        !app.live().call.caller_line().is_empty(),
        "the caller speaks first"
    );

    let mut turns = 0;
    while !app.live().call.is_over() {
        let options = app.live().call.options().len();
        app.choose_option(scripted(turns, options));
        turns += 1;
        assert!(turns < 40, "the call never ended");
    }
    assert_eq!(
        app.screen(),
        Screen::Call,
        "the call ends on the call screen with the caller's last words"
    );
    assert!(app.world().get_resource::<LastCall>().is_some());

    app.send(OpenDebrief);
    assert_eq!(app.screen(), Screen::Debrief);
    let first = app.world().resource::<LastCall>().debrief.clone();
    assert_eq!(first.turns.len(), turns);
    let attempts = app.world().resource::<Records>().attempts().to_vec();
    assert_eq!(attempts.len(), 1, "the finished call is recorded");
    assert_eq!(attempts[0].respect, first.respect.percent);
    assert_eq!(attempts[0].sincerity, first.sincerity.percent);

    app.send(ReplayCall);
    assert_eq!(app.screen(), Screen::Incoming);
    assert_eq!(
        app.world().resource::<NextCall>().seed,
        7,
        "replay keeps the seed"
    );

    app.send(Navigate(Screen::Picker));
    app.send(PickScenario(REFERENCE.into()));
    app.send(AnswerCall);
    while !app.live().call.is_over() {
        let options = app.live().call.options().len();
        app.choose_option(options); // the last option: hanging up, at once
    }
    app.send(OpenDebrief);
    app.send(TryAgain);
    assert_eq!(app.screen(), Screen::Incoming);
    assert_ne!(
        app.world().resource::<NextCall>().seed,
        7,
        "try again brings a new caller"
    );

    app.send(Navigate(Screen::Progress));
    assert_eq!(app.screen(), Screen::Progress);
    assert_eq!(app.world().resource::<Records>().attempts().len(), 2);
}

#[test]
fn a_call_played_in_the_game_is_the_call_the_core_plays_with_that_seed() {
    for seed in [1, 42, 2024] {
        let (mut app, _data) = game_app(&scenarios_dir(), seed);
        app.send(AddTrainee("Kim".into()));
        app.send(PickScenario(REFERENCE.into()));
        app.send(AnswerCall);

        let mut alone = Call::start(reference_model(), seed, "en");
        let mut turn = 0;
        while !alone.is_over() {
            let game = &app.live().call;
            assert_eq!(
                game.caller_line(),
                alone.caller_line(),
                "seed {seed}, turn {turn}: the caller's line"
            );
            assert_eq!(
                game.options(),
                alone.options(),
                "seed {seed}, turn {turn}: the options and their order"
            );
            assert_eq!(
                game.meters(),
                alone.meters(),
                "seed {seed}, turn {turn}: the meters"
            );
            let number = scripted(turn, alone.options().len());
            let step = alone
                .choose(number)
                .expect("the script chooses an option on offer");
            app.choose_option(number);
            let played = app
                .live()
                .call
                .turns()
                .last()
                .expect("the game took the reply")
                .clone();
            assert_eq!(played.reply, step.turn.reply);
            assert_eq!(
                played.points, step.turn.points,
                "seed {seed}, turn {turn}: the points"
            );
            assert_eq!(played.rule_notes, step.turn.rule_notes);
            turn += 1;
        }
        assert!(app.live().call.is_over());
        let game_debrief = &app.world().resource::<LastCall>().debrief;
        let core_debrief = alone.debrief().expect("the call is over");
        assert_eq!(
            serde_json::to_value(game_debrief).expect("debrief serialises"),
            serde_json::to_value(&core_debrief).expect("debrief serialises"),
            "seed {seed}: the same debrief"
        );
        assert_eq!(app.world().resource::<LastCall>().record, alone.record());
        assert_eq!(
            app.live().clock(f64::MAX),
            core_debrief.seconds,
            "seed {seed}: the call clock shows the call time the debrief gives"
        );
    }
}

#[test]
fn actions_open_the_account_and_put_the_caller_on_hold() {
    let (mut app, _data) = game_app(&scenarios_dir(), 3);
    app.send(PickScenario(REFERENCE.into()));
    app.send(AnswerCall);
    let mut checked = false;
    let mut held = false;
    for _ in 0..40 {
        let call = &app.live().call;
        if call.is_over() {
            break;
        }
        // Prefer an action not yet seen, else the best reply.
        let option = call
            .options()
            .iter()
            .find(|o| {
                (!checked && o.action == Action::CheckAccount)
                    || (!held && matches!(o.action, Action::Hold { .. }))
            })
            .or_else(|| call.hint())
            .cloned()
            .expect("an option is on offer");
        app.choose_option(option.number);
        match option.action {
            Action::CheckAccount => {
                checked = true;
                assert!(app.live().account_open, "checking the account opens the panel");
                assert!(app.live().call.account().is_some_and(|facts| !facts.is_empty()));
            }
            Action::Hold { seconds } => {
                held = true;
                let hold = app.live().hold.expect("the caller is on hold");
                assert_eq!(hold.seconds, seconds);
                app.send(TakeOffHold);
                assert!(
                    app.live().hold.is_none(),
                    "taking the caller off hold ends the hold"
                );
            }
            _ => {}
        }
    }
    assert!(checked, "the reference scenario offers a check of the account");
}

#[test]
fn the_phone_rings_until_answered_and_hold_music_plays_while_on_hold() {
    let heard = |app: &App| app.world().resource::<SoundCue>().0.clone();
    let cue = |app: &App| heard(app).map(|cue| cue.sound);
    let (mut app, _data) = game_app(&scenarios_dir(), 3);
    app.send(PickScenario(REFERENCE.into()));
    assert_eq!(app.screen(), Screen::Incoming);
    assert_eq!(cue(&app), Some(Sound::Ring), "the phone rings");
    let own = heard(&app).and_then(|cue| cue.file);
    assert_eq!(
        own, None,
        "a scenario without sounds of its own rings with the game's"
    );
    app.send(AnswerCall);
    assert_eq!(cue(&app), None, "answering stops the ringing");
    let hold = loop {
        let call = &app.live().call;
        assert!(!call.is_over(), "the reference scenario offers a hold");
        let option = call
            .options()
            .iter()
            .find(|o| matches!(o.action, Action::Hold { .. }))
            .or_else(|| call.hint())
            .cloned()
            .expect("an option is on offer");
        app.choose_option(option.number);
        if matches!(option.action, Action::Hold { .. }) {
            break option;
        }
        assert_eq!(cue(&app), None, "no music off hold");
    };
    assert_eq!(
        cue(&app),
        Some(Sound::HoldMusic),
        "music while on hold ({})",
        hold.text
    );
    app.send(TakeOffHold);
    assert_eq!(cue(&app), None, "the music stops with the hold");

    // A scenario with its own recordings rings with them.
    let (mut app, _data) = game_app(&scenarios_dir(), 3);
    app.send(PickScenario("on-hold-too-long".into()));
    let ring = heard(&app).expect("the phone rings");
    assert_eq!(ring.sound, Sound::Ring);
    assert_eq!(ring.file, Some(scenarios_dir().join("sounds/ring.ogg")));
    assert!(ring.recording.is_some(), "its ring.ogg is read and decodes");

    // A recording that does not decode rings with the game's own sound
    // instead of stopping the game.
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(
        scenarios_dir().join("on-hold-too-long.ron"),
        dir.path().join("on-hold-too-long.ron"),
    )
    .expect("the scenario is copied");
    std::fs::create_dir(dir.path().join("sounds")).expect("a sounds folder");
    std::fs::write(dir.path().join("sounds/ring.ogg"), b"not a sound").expect("a broken ring.ogg");
    let (mut app, _data) = game_app(dir.path(), 3);
    app.send(PickScenario("on-hold-too-long".into()));
    let ring = heard(&app).expect("the phone rings");
    assert_eq!(ring.file, Some(dir.path().join("sounds/ring.ogg")));
    assert!(ring.recording.is_none(), "the broken file is not played");

    // With sound off in the settings, the phone rings in silence.
    let (mut app, _data) = game_app(&scenarios_dir(), 3);
    let mut settings = app.world().resource::<Records>().settings.clone();
    settings.sound = false;
    app.send(ChangeSettings(settings));
    app.send(PickScenario(REFERENCE.into()));
    assert_eq!(app.screen(), Screen::Incoming);
    assert_eq!(cue(&app), None);
}

#[test]
fn practice_mode_flashes_the_points_and_exam_mode_does_not() {
    for mode in [Mode::Practice, Mode::Exam] {
        let (mut app, _data) = game_app(&scenarios_dir(), 5);
        let mut settings = app.world().resource::<Records>().settings.clone();
        settings.mode = mode;
        app.send(ChangeSettings(settings));
        app.send(PickScenario(REFERENCE.into()));
        app.send(AnswerCall);
        assert_eq!(app.live().mode, mode);
        app.choose_option(1);
        let flash = app.live().flash;
        match mode {
            Mode::Practice => {
                let points = flash.expect("practice flashes the points").points;
                assert_eq!(points, app.live().call.turns()[0].points);
            }
            Mode::Exam => assert!(flash.is_none(), "exam mode shows no points before the debrief"),
        }
    }
}

#[test]
fn the_language_setting_is_the_calls_language() {
    let (mut app, _data) = game_app(&scenarios_dir(), 9);
    let mut settings = app.world().resource::<Records>().settings.clone();
    settings.language = "ru".into();
    app.send(ChangeSettings(settings));
    app.send(PickScenario(REFERENCE.into()));
    app.send(AnswerCall);
    assert_eq!(app.live().call.language(), "ru");
    let hang_up = app
        .live()
        .call
        .options()
        .last()
        .expect("hanging up is on offer")
        .clone();
    assert_eq!(
        hang_up.text, "(Положить трубку)",
        "the core's own words follow the language"
    );
}

#[test]
fn a_broken_scenario_file_is_an_error_card_and_the_others_still_play() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::copy(
        scenarios_dir().join(format!("{REFERENCE}.ron")),
        dir.path().join("good.ron"),
    )
    .expect("copy the reference scenario");
    std::fs::write(
        dir.path().join("broken.ron"),
        "Scenario(\n    id: \"broken\",\n    title: 12,\n)\n",
    )
    .expect("write a broken file");
    let (mut app, _data) = game_app(dir.path(), 1);
    let scenarios = app.world().resource::<Scenarios>();
    let broken = scenarios
        .entries()
        .iter()
        .find(|e| e.file.ends_with("broken.ron"))
        .expect("the broken file is listed");
    let error = broken.error.as_ref().expect("with its error");
    let first = error
        .diagnostics
        .iter()
        .find(|d| d.is_error())
        .expect("an error diagnostic");
    assert_eq!((first.line, first.column), (3, 12), "{}", error.headline());
    assert!(!broken.is_playable());
    assert!(scenarios.model(REFERENCE).is_some(), "the good file still plays");

    app.send(PickScenario(REFERENCE.into()));
    assert_eq!(app.screen(), Screen::Incoming);
}

/// Plays the reference scenario to its end with the best reply each turn.
fn play_best_call(app: &mut App) {
    let mut turns = 0;
    while !app.live().call.is_over() {
        let best = app.live().call.hint().expect("a best reply").number;
        app.choose_option(best);
        turns += 1;
        assert!(turns < 40, "the call never ended");
    }
}

#[test]
fn settings_and_the_last_trainee_are_there_the_next_time_the_game_opens() {
    let data = tempfile::tempdir().expect("a temporary data folder");
    {
        let mut app = headless_game(&scenarios_dir(), data.path(), 1);
        app.send(AddTrainee("Ana".into()));
        let mut settings = app.world().resource::<Records>().settings.clone();
        settings.language = "zh".into();
        settings.mode = Mode::Exam;
        settings.text_scale = 1.2;
        settings.sound = false;
        app.send(ChangeSettings(settings));
    }
    let app = headless_game(&scenarios_dir(), data.path(), 1);
    let records = app.world().resource::<Records>();
    assert_eq!(records.settings.language, "zh");
    assert_eq!(records.settings.mode, Mode::Exam);
    assert_eq!(records.settings.text_scale, 1.2);
    assert!(!records.settings.sound);
    assert_eq!(
        records.last_trainee().map(|t| t.name.as_str()),
        Some("Ana"),
        "the title offers to continue as Ana"
    );
}

#[test]
fn a_finished_call_is_in_the_database_before_the_debrief_opens() {
    let data = tempfile::tempdir().expect("a temporary data folder");
    let mut app = headless_game(&scenarios_dir(), data.path(), 11);
    app.send(AddTrainee("Lee".into()));
    app.send(PickScenario(REFERENCE.into()));
    app.send(AnswerCall);
    play_best_call(&mut app);
    let last = app.world().resource::<LastCall>().clone();
    assert!(last.not_saved.is_none(), "{:?}", last.not_saved);

    // Another program reading the same database: the game need not exit.
    let store = ProgressStore::open(data.path()).expect("the game's store opens");
    let trainee = store.last_trainee().expect("readable").expect("Lee played last");
    assert_eq!(trainee.name, "Lee");
    let attempts = store.attempts(trainee.id).expect("readable");
    assert_eq!(attempts.len(), 1);
    let saved = &attempts[0];
    assert_eq!(
        saved.record(),
        last.record,
        "the same call can be replayed from the database"
    );
    assert_eq!(
        (saved.respect, saved.sincerity),
        (last.debrief.respect.percent, last.debrief.sincerity.percent),
        "the scores the debrief shows"
    );
    assert!(
        saved.respect >= 90 && saved.sincerity >= 90,
        "a good call is saved as one"
    );
    assert_eq!(saved.ending, last.debrief.ending.id);
    assert_eq!(saved.mode, Mode::Practice);
}

/// Runs frames until `done` holds, as the watcher's thread needs a moment.
fn update_until(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    let start = std::time::Instant::now();
    while !done(app) {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "waited too long for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        app.update();
    }
}

fn title_of(app: &App) -> Option<String> {
    app.world()
        .resource::<Scenarios>()
        .model(REFERENCE)
        .map(|m| m.scenario.text(&m.scenario.title, "en").to_owned())
}

#[test]
fn editing_a_scenario_while_the_game_runs_updates_it_between_calls_and_a_broken_edit_keeps_the_last_good_one()
{
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("reference.ron");
    let original = std::fs::read_to_string(scenarios_dir().join(format!("{REFERENCE}.ron"))).expect("read");
    std::fs::write(&file, &original).expect("copy the reference scenario");
    let (mut app, _data) = game_app(dir.path(), 2);
    assert_eq!(title_of(&app).as_deref(), Some("The missing bonus number"));

    // A call is on the line when the trainer saves an edit.
    app.send(PickScenario(REFERENCE.into()));
    app.send(AnswerCall);
    let edited = original.replacen(
        "\"en\": \"The missing bonus number\"",
        "\"en\": \"The bonus number, take two\"",
        1,
    );
    assert_ne!(edited, original);
    std::fs::write(&file, &edited).expect("edit the title");
    update_until(&mut app, "the edit to be taken in", |app| {
        title_of(app).as_deref() == Some("The bonus number, take two")
    });
    let on_the_line = &app.live().call.model().scenario;
    assert_eq!(
        on_the_line.text(&on_the_line.title, "en"),
        "The missing bonus number",
        "the call on the line keeps its version"
    );
    play_best_call(&mut app);
    app.send(OpenDebrief);
    app.send(TryAgain);
    let ringing = &app.world().resource::<NextCall>().model.scenario;
    assert_eq!(
        ringing.text(&ringing.title, "en"),
        "The bonus number, take two",
        "the next call rings with the edited scenario"
    );

    // A broken edit: the error is shown with its place, the last good version stays.
    let broken = edited.replacen("difficulty: Medium", "difficulty: Medum", 1);
    std::fs::write(&file, &broken).expect("break the file");
    update_until(&mut app, "the broken edit to be noticed", |app| {
        app.world()
            .resource::<Scenarios>()
            .entries()
            .iter()
            .any(|e| e.error.is_some())
    });
    let scenarios = app.world().resource::<Scenarios>();
    let entry = &scenarios.entries()[0];
    let error = entry.error.as_ref().expect("the error is attached");
    let line = broken
        .lines()
        .position(|l| l.contains("Medum"))
        .expect("the line")
        + 1;
    let headline = error.headline();
    assert!(
        headline.contains(&format!("reference.ron:{line}:")) && headline.contains("Medum"),
        "{headline}"
    );
    assert_eq!(
        title_of(&app).as_deref(),
        Some("The bonus number, take two"),
        "the last good version still plays"
    );
    app.send(Navigate(Screen::Picker));
    app.send(PickScenario(REFERENCE.into()));
    assert_eq!(app.screen(), Screen::Incoming, "and can be picked");
}

/// `--open` starts the game at a screen (scripts/measure-idle.sh measures
/// each screen this way), and `--open incoming` with `--call` rings rather
/// than answering.
#[test]
fn the_game_can_open_at_a_screen() {
    let data = tempfile::tempdir().expect("temp dir");
    let open = |open: callsim_game::OpenAt, call: Option<&str>| {
        let mut app = App::new();
        app.add_plugins((MinimalPlugins, bevy::state::app::StatesPlugin));
        app.insert_resource(callsim_game::Launch {
            scenarios: scenarios_dir(),
            data_dir: Some(data.path().to_owned()),
            seed: Some(1),
            call: call.map(str::to_owned),
            open: Some(open),
            ..default()
        });
        app.add_plugins(callsim_game::plugin);
        app.update();
        app.update();
        app.screen()
    };
    assert_eq!(open(callsim_game::OpenAt::Progress, None), Screen::Progress);
    assert_eq!(open(callsim_game::OpenAt::Settings, None), Screen::Settings);
    assert_eq!(
        open(callsim_game::OpenAt::Incoming, Some("missing-bonus-number")),
        Screen::Incoming
    );
}
