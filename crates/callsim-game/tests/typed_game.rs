//! Typed replies in the game, headless: the trainee types their own words,
//! the game plays the reply they mean, and the call ends where choosing
//! those replies ends it.

mod game_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::prelude::*;

use callsim_core::call::{Call, NOT_UNDERSTOOD_ID};
use callsim_core::engine::Model;
use callsim_core::scenario::load_file;
use callsim_game::{
    AddTrainee, AnswerCall, ChangeSettings, FlagTyped, LastCall, LiveCall, PickScenario, Records, SayTyped,
};
use callsim_trainee::progress::{ProgressStore, ReplyBy};
use game_support::{Drive, headless_game};

const REFERENCE: &str = "missing-bonus-number";

fn scenarios_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios")
}

fn reference_model() -> Arc<Model> {
    let loaded = load_file(&scenarios_dir().join(format!("{REFERENCE}.ron"))).expect("loads");
    Arc::new(Model::new(loaded.scenario).expect("compiles"))
}

fn live(app: &App) -> &LiveCall {
    app.world()
        .get_resource::<LiveCall>()
        .expect("a call is on the line")
}

/// A game in typed mode, on the line, the model loaded.
fn typing_game(seed: u64) -> (App, tempfile::TempDir) {
    let data = tempfile::tempdir().expect("a data folder");
    let mut app = headless_game(&scenarios_dir(), data.path(), seed);
    app.send(AddTrainee("Kim".into()));
    let mut settings = app.world().resource::<Records>().settings.clone();
    settings.reply_by = ReplyBy::Typing;
    app.send(ChangeSettings(settings));
    app.send(PickScenario(REFERENCE.into()));
    app.send(AnswerCall);
    let start = std::time::Instant::now();
    while !live(&app).typing {
        assert!(start.elapsed().as_secs() < 60, "the sentence model did not load");
        std::thread::sleep(std::time::Duration::from_millis(20));
        app.update();
    }
    (app, data)
}

#[test]
fn typing_a_reply_reaches_the_ending_choosing_it_reaches() {
    let seed = 7;
    let (mut app, _data) = typing_game(seed);
    let mut alone = Call::start(reference_model(), seed, "en");
    // The first reply in the trainee's own words; then each reply as the
    // scenario writes it (its own text is its closest phrase).
    let first = "I'm so sorry you're still waiting after paying, let me check your account right now";
    app.send(SayTyped(first.into()));
    let played = live(&app).call.turns().last().expect("a turn").clone();
    assert_eq!(played.reply, "acknowledge_and_check");
    assert_eq!(played.typed.as_ref().map(|t| t.text.as_str()), Some(first));
    alone.choose_id("acknowledge_and_check").expect("offered");
    let mut turns = 1;
    while !alone.is_over() {
        let option = alone
            .options()
            .iter()
            .find(|o| o.id != callsim_core::call::HANG_UP_ID)
            .expect("a reply to say")
            .clone();
        alone.choose_id(&option.id).expect("offered");
        app.send(SayTyped(option.text.clone()));
        let played = live(&app).call.turns().last().expect("a turn").clone();
        assert_eq!(played.reply, option.id, "turn {turns}: typed {:?}", option.text);
        turns += 1;
        assert!(turns < 40);
    }
    assert!(live(&app).call.is_over());
    app.send(callsim_game::OpenDebrief);
    assert_eq!(app.screen(), callsim_game::Screen::Debrief);
    let last = app.world().resource::<LastCall>();
    let core = alone.debrief().expect("over");
    assert_eq!(last.debrief.ending.id, core.ending.id);
    assert_eq!(last.debrief.respect, core.respect);
    assert_eq!(last.record.choices, alone.record().choices);
}

#[test]
fn words_the_game_cannot_place_are_a_turn_the_caller_did_not_follow() {
    let (mut app, _data) = typing_game(3);
    let node = live(&app).call.node_id().to_owned();
    app.send(SayTyped("   ".into()));
    assert!(live(&app).call.turns().is_empty(), "an empty box is not a turn");
    app.send(SayTyped("purple elephants on the motorway".into()));
    let call = &live(&app).call;
    let turn = call.turns().last().expect("a turn");
    assert_eq!(turn.reply, NOT_UNDERSTOOD_ID);
    assert_eq!(call.node_id(), node);
    assert_eq!(call.caller_line(), "Sorry, I don't follow. What do you mean?");
}

#[test]
fn a_typed_turn_flagged_in_the_debrief_is_kept_with_the_saved_call() {
    let (mut app, data) = typing_game(11);
    let first = "I'm so sorry you're still waiting after paying, let me check your account right now";
    app.send(SayTyped(first.into()));
    let mut turns = 1;
    while !live(&app).call.is_over() {
        let text = live(&app)
            .call
            .options()
            .iter()
            .find(|o| o.id != callsim_core::call::HANG_UP_ID)
            .expect("a reply to say")
            .text
            .clone();
        app.send(SayTyped(text));
        turns += 1;
        assert!(turns < 40);
    }
    app.send(callsim_game::OpenDebrief);
    app.send(FlagTyped {
        turn: 1,
        flagged: true,
    });
    let last = app.world().resource::<LastCall>();
    let typed = last.debrief.turns[0].turn.typed.as_ref().expect("typed");
    assert!(typed.flagged, "the debrief shows the flag");
    let id = last.attempt.expect("the call was saved");

    let saved = |data: &Path| -> callsim_core::Debrief {
        let store = ProgressStore::open(data).expect("the progress store opens");
        let json = store.debrief_json(id).expect("reads").expect("kept");
        serde_json::from_str(&json).expect("a debrief")
    };
    let kept = saved(data.path());
    let typed = kept.turns[0].turn.typed.as_ref().expect("typed");
    assert_eq!(typed.text, first);
    assert!(typed.flagged, "the flag is saved with the call");

    app.send(FlagTyped {
        turn: 1,
        flagged: false,
    });
    drop(app);
    let kept = saved(data.path());
    assert!(
        !kept.turns[0].turn.typed.as_ref().expect("typed").flagged,
        "taking the flag back is saved too"
    );
}
