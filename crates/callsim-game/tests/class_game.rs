//! The game in a class, without a window: a hub on loopback, a facilitator's
//! game and three trainees' games (each `MinimalPlugins` and the game's
//! logic, driven by the messages its screens write), talking to the hub
//! through the game's own network code.

mod game_support;
#[path = "../../callsim-hub/tests/hub_support/mod.rs"]
mod hub_support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::prelude::*;

use callsim_core::call::Call;
use callsim_game::{
    self, AddTrainee, AnswerCall, CastClassVote, Class, CreateClass, FollowClassVote, JoinClass, LastCall,
    LeaveClassVote, LiveCall, Mode, PickScenario, PlayClassTurn, Records, Screen, StartClassVote,
    StopRunningClass, VoteRole,
};
use callsim_trainee::class::WaitReason;
use callsim_trainee::progress::ReplyBy;
use game_support::{Drive, headless_game};
use hub_support::*;

/// A game without a window, keeping its data in `data`.
fn game_app(data: &Path, seed: u64) -> App {
    headless_game(&scenarios_dir(), data, seed)
}

trait Player: Drive {
    fn class(&self) -> &Class;
}

impl Player for App {
    fn class(&self) -> &Class {
        self.world().resource::<Class>()
    }
}

/// Runs frames of every game until `done` holds for all of them: the hub
/// answers on the games' own threads, a frame applies what came back.
fn until(apps: &mut [&mut App], what: &str, done: impl Fn(&App) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        for app in apps.iter_mut() {
            app.update();
        }
        if apps.iter().all(|a| done(a)) {
            return;
        }
        if let Some(problem) = apps.iter().find_map(|a| a.class().problem.clone()) {
            panic!("while waiting for {what}: {problem}");
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A class created on `hub` from `class`, and a game in `data` whose
/// trainee `name` has joined it (the frame that joined just run).
fn joined(
    hub: &callsim_hub::RunningHub,
    class: callsim_trainee::class::NewClass,
    name: &str,
    data: &Path,
    seed: u64,
) -> App {
    let created = client(hub).create_class(&class).expect("the class is created");
    let mut app = game_app(data, seed);
    app.send(AddTrainee(name.into()));
    app.send(JoinClass {
        hub: hub.url(),
        join_code: created.class.join_code.clone(),
        name: name.into(),
    });
    until(&mut [&mut app], "joining", |a| a.class().membership.is_some());
    app
}

fn vote_turn(app: &App) -> Option<usize> {
    app.class().vote.as_ref().map(|v| v.view.turn)
}

#[test]
fn a_facilitator_and_three_trainees_play_a_vote_mode_call_to_its_end() {
    let hub = sqlite_hub();
    let data = tempfile::tempdir().expect("a temporary folder");
    let reference = model(REFERENCE);

    // The facilitator creates the class from the game.
    let mut facilitator = game_app(&data.path().join("facilitator"), 31);
    facilitator.send(CreateClass {
        hub: hub.url(),
        name: "Wednesday intake".into(),
        scenarios: vec![REFERENCE.into()],
        mode: Mode::Practice,
        // The class hears what its trainees would really say.
        typing_required: true,
    });
    until(&mut [&mut facilitator], "the class", |a| {
        a.class().facilitating.is_some()
    });
    let join_code = facilitator
        .class()
        .facilitating
        .as_ref()
        .map(|f| f.class.join_code.clone())
        .expect("created");

    // The facilitator's PC restarts before the session: the game still runs
    // the class (it votes with the kept secret below).
    drop(facilitator);
    let mut facilitator = game_app(&data.path().join("facilitator"), 31);
    let kept = facilitator
        .class()
        .facilitating
        .as_ref()
        .expect("still running the class");
    assert_eq!(
        (kept.class.name.as_str(), kept.class.join_code.as_str()),
        ("Wednesday intake", join_code.as_str())
    );
    let secret = kept.secret.clone();

    // Three trainees join from their own PCs, with the address as typed.
    let address = hub.url().trim_start_matches("http://").to_owned();
    let mut trainees: Vec<App> = ["Ana", "Ben", "Chen"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut app = game_app(&data.path().join(name), 100 + i as u64);
            app.send(JoinClass {
                hub: address.clone(),
                join_code: join_code.to_lowercase(),
                name: (*name).into(),
            });
            app
        })
        .collect();
    {
        let mut all: Vec<&mut App> = trainees.iter_mut().collect();
        until(&mut all, "the trainees to join", |a| {
            a.class().membership.is_some()
        });
    }
    for (app, name) in trainees.iter().zip(["Ana", "Ben", "Chen"]) {
        let m = app.class().membership.as_ref().expect("joined");
        assert_eq!(m.name, name);
        assert_eq!(m.class.name, "Wednesday intake");
        assert_eq!(m.class.scenarios[0].id, REFERENCE);
        assert!(m.class.typing_required, "the hub says replies are typed");
    }
    // Their games reply by typing now, and keep to it: a trainee who
    // switches back in the settings is typing again a frame or two later.
    for app in &mut trainees {
        app.update();
        assert_eq!(
            app.world().resource::<Records>().settings.reply_by,
            ReplyBy::Typing
        );
        let choosing = callsim_game::Settings {
            reply_by: ReplyBy::Choosing,
            ..app.world().resource::<Records>().settings.clone()
        };
        app.world_mut().resource_mut::<Records>().save_settings(choosing);
        app.update();
        app.update();
        assert_eq!(
            app.world().resource::<Records>().settings.reply_by,
            ReplyBy::Typing
        );
    }

    // A trainee who looks before the facilitator starts finds no vote.
    trainees[0].send(FollowClassVote);
    until(&mut [&mut trainees[0]], "the answer", |a| !a.class().busy);
    assert!(trainees[0].class().no_vote_yet);
    assert_eq!(trainees[0].screen(), Screen::Title, "and stays where it was");

    // The facilitator starts the vote; the trainees go to it.
    facilitator.send(StartClassVote {
        scenario: REFERENCE.into(),
    });
    until(&mut [&mut facilitator], "the vote", |a| {
        a.class().vote.is_some() && a.screen() == Screen::ClassVote
    });
    assert_eq!(facilitator.screen(), Screen::ClassVote);
    let (seed, language) = {
        let view = &facilitator.class().vote.as_ref().expect("followed").view;
        (view.seed, view.language.clone())
    };
    assert_eq!(seed, 31, "the facilitator's game chose the seed");
    for app in &mut trainees {
        app.send(FollowClassVote);
    }
    {
        let mut all: Vec<&mut App> = trainees.iter_mut().collect();
        until(&mut all, "the trainees to reach the vote", |a| {
            a.class().vote.is_some() && a.screen() == Screen::ClassVote
        });
    }
    for app in &trainees {
        assert_eq!(app.screen(), Screen::ClassVote);
        assert_eq!(app.class().vote.as_ref().map(|v| v.role), Some(VoteRole::Trainee));
    }

    // Turn by turn: Ana and Ben vote for the best reply, Chen for the first
    // shown; the facilitator plays the class's choice. The same call, played
    // alone with the same seed, tells what each turn should show.
    let mut expected = Call::start(Arc::clone(&reference), seed, &language);
    let mut turns = 0;
    while !expected.is_over() {
        turns += 1;
        assert!(turns < 40, "the call never ended");
        let best = expected.hint().map(|o| o.id.clone()).expect("a best reply");
        let first = expected.options()[0].id.clone();
        for app in &trainees {
            let view = &app.class().vote.as_ref().expect("followed").view;
            assert_eq!(view.turn, turns);
            assert_eq!(
                view.caller,
                expected.caller_line(),
                "every trainee sees the caller's line"
            );
            assert_eq!(
                view.options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
                expected
                    .options()
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>(),
                "every trainee sees the same options in the same order"
            );
            assert!(
                view.options.iter().all(|o| o.votes.is_none()),
                "trainees do not see the count"
            );
        }
        for (i, app) in trainees.iter_mut().enumerate() {
            app.send(CastClassVote(if i < 2 { best.clone() } else { first.clone() }));
        }
        // The facilitator's bars fill as the votes arrive.
        until(&mut [&mut facilitator], "three votes", |a| {
            a.class().vote.as_ref().is_some_and(|v| v.view.voted == 3)
        });
        let view = &facilitator.class().vote.as_ref().expect("followed").view;
        let count = |id: &str| view.options.iter().find(|o| o.id == id).and_then(|o| o.votes);
        if best == first {
            assert_eq!(count(&best), Some(3));
        } else {
            assert_eq!((count(&best), count(&first)), (Some(2), Some(1)));
        }
        {
            let mut all: Vec<&mut App> = trainees.iter_mut().collect();
            until(&mut all, "each trainee to see their vote is in", |a| {
                a.class().vote.as_ref().is_some_and(|v| v.view.my_vote.is_some())
            });
        }
        for (i, app) in trainees.iter().enumerate() {
            let mine = app.class().vote.as_ref().and_then(|v| v.view.my_vote.clone());
            assert_eq!(mine, Some(if i < 2 { best.clone() } else { first.clone() }));
        }

        facilitator.send(PlayClassTurn(None));
        expected.choose_id(&best).expect("the majority reply is offered");
        let next = turns + 1;
        let mut all: Vec<&mut App> = std::iter::once(&mut facilitator)
            .chain(trainees.iter_mut())
            .collect();
        until(&mut all, "the next turn", |a| {
            a.class()
                .vote
                .as_ref()
                .is_some_and(|v| v.view.turn == next || v.view.ending.is_some())
        });
    }

    // The ending and the class's debrief, on every screen.
    let mut all: Vec<&mut App> = std::iter::once(&mut facilitator)
        .chain(trainees.iter_mut())
        .collect();
    until(&mut all, "the debrief", |a| {
        a.class().vote.as_ref().is_some_and(|v| v.debrief.is_some())
    });
    let ending = expected.ending().expect("the call ended");
    let alone = expected.debrief().expect("a debrief");
    for app in [&facilitator].into_iter().chain(trainees.iter()) {
        let vote = app.class().vote.as_ref().expect("followed");
        assert_eq!(
            vote.view.ending.as_ref().map(|e| e.id.as_str()),
            Some(ending.id.as_str())
        );
        let debrief = vote.debrief.as_ref().expect("the debrief");
        assert_eq!(debrief.turns.len(), turns);
        assert_eq!(debrief.debrief.respect.percent, alone.respect.percent);
        for turn in &debrief.turns {
            assert_eq!(turn.votes.iter().map(|v| v.votes).sum::<u32>(), 3);
            assert_eq!(turn.majority.as_deref(), Some(turn.played.as_str()));
            assert!(!turn.overridden);
            assert_eq!(turn.played, turn.best, "the class followed the best reply");
            assert!(turn.voted_best_percent >= 66, "{turn:?}");
        }
    }
    assert_eq!(vote_turn(&facilitator), Some(turns + 1));

    // Backing out: a trainee lets the vote go, the facilitator keeps it to
    // come back to.
    trainees[0].send(LeaveClassVote);
    assert_eq!(trainees[0].screen(), Screen::Class);
    assert!(trainees[0].class().vote.is_none());
    facilitator.send(LeaveClassVote);
    assert_eq!(facilitator.screen(), Screen::Class);
    assert!(facilitator.class().vote.is_some());

    // Setting up another class: this PC stops running this one, for good.
    facilitator.send(StopRunningClass);
    assert!(facilitator.class().facilitating.is_none());
    assert!(facilitator.class().vote.is_none());
    drop(facilitator);
    let again = game_app(&data.path().join("facilitator"), 32);
    assert!(again.class().facilitating.is_none());
    // The class goes on at the hub: its trainees are still in it.
    let overview = client(&hub)
        .class_overview(&secret, &join_code)
        .expect("the class is still on the hub");
    assert_eq!(overview.trainees.len(), 3);
}

#[test]
fn a_call_finished_in_a_class_reaches_the_hub_and_the_picker_puts_the_assignment_first() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let data = tempfile::tempdir().expect("a temporary folder");
    let mut app = joined(
        &hub,
        callsim_trainee::class::NewClass {
            name: "Thursday".into(),
            scenarios: vec!["on-hold-too-long".into(), REFERENCE.into()],
            mode: callsim_trainee::class::Mode::Exam,
            typing_required: false,
        },
        "Dana",
        data.path(),
        5,
    );
    // The class is an exam: the game follows.
    until(&mut [&mut app], "exam mode", |a| {
        a.world().resource::<Records>().settings.mode == Mode::Exam
    });
    assert_eq!(app.class().assigned("on-hold-too-long"), Some(0));
    assert_eq!(app.class().assigned(REFERENCE), Some(1));
    assert_eq!(app.class().assigned("dinner-time-call"), None);

    // A call played in the game, start to end.
    app.send(PickScenario(REFERENCE.into()));
    app.send(AnswerCall);
    let mut turns = 0;
    while !app.world().resource::<LiveCall>().call.is_over() {
        let options = app.world().resource::<LiveCall>().call.options().len();
        app.send(callsim_game::ChooseOption(turns % options + 1));
        turns += 1;
        assert!(turns < 40, "the call never ended");
    }
    let debrief = app.world().resource::<LastCall>().debrief.clone();
    until(&mut [&mut app], "the upload", |a| a.class().sent == 1);
    assert_eq!(app.class().pending(), 0);

    let token = app
        .class()
        .membership
        .as_ref()
        .map(|m| m.token.clone())
        .expect("joined");
    let stored = c.my_attempts(&token).expect("lists");
    assert_eq!(stored.len(), 1, "sent once");
    assert!(stored[0].verified, "the hub replayed it");
    assert_eq!(stored[0].scenario, REFERENCE);
    assert_eq!(
        (stored[0].respect, stored[0].sincerity),
        (debrief.respect.percent, debrief.sincerity.percent)
    );

    // The next run of the game remembers the class.
    drop(app);
    let again = game_app(data.path(), 6);
    let m = again.class().membership.as_ref().expect("still in the class");
    assert_eq!(m.class.name, "Thursday");
}

/// Plays the reference call to its end in `app`, choosing in turn.
fn play_a_call(app: &mut App) -> callsim_core::Debrief {
    app.send(PickScenario(REFERENCE.into()));
    app.send(AnswerCall);
    let mut turns = 0;
    while !app.world().resource::<LiveCall>().call.is_over() {
        let options = app.world().resource::<LiveCall>().call.options().len();
        app.send(callsim_game::ChooseOption(turns % options + 1));
        turns += 1;
        assert!(turns < 40, "the call never ended");
    }
    app.world().resource::<LastCall>().debrief.clone()
}

#[test]
fn a_call_saved_just_before_the_game_stopped_reaches_the_hub_on_the_next_start() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, _) = class(&c, "Friday", Mode::Practice);
    let data = tempfile::tempdir().expect("a temporary folder");
    // What a game that stopped between saving a call and queuing it leaves
    // in its data folder: the class joined, the call saved as owed to it,
    // an empty outbox.
    let (token, debrief) = {
        let outbox = callsim_trainee::class::Outbox::open(&data.path().join(callsim_game::OUTBOX_FILE))
            .expect("the outbox opens");
        let m = outbox.join(&c, &code, "Eve").expect("joins");
        let progress = callsim_trainee::progress::ProgressStore::open(data.path()).expect("opens");
        let eve = progress.create_trainee("Eve").expect("created");
        let debrief = play(&model(REFERENCE), 8, best);
        let record = callsim_core::call::CallRecord {
            scenario: debrief.scenario.clone(),
            seed: debrief.seed,
            language: debrief.language.clone(),
            choices: debrief.choices.clone(),
        };
        progress
            .record_attempt_for(eve, &debrief, &record, Mode::Practice, Some(&m.key()))
            .expect("saved");
        assert_eq!(outbox.pending().expect("counts"), 0, "never queued");
        (m.token, debrief)
    };

    let mut app = game_app(data.path(), 9);
    until(&mut [&mut app], "the upload after the restart", |a| {
        a.class().sent == 1
    });
    let stored = c.my_attempts(&token).expect("lists");
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].respect, stored[0].sincerity),
        (debrief.respect.percent, debrief.sincerity.percent)
    );

    // A call played now goes as before, and the earlier one not again.
    app.send(AddTrainee("Eve".into()));
    play_a_call(&mut app);
    until(&mut [&mut app], "the next upload", |a| a.class().sent == 2);
    drop(app);
    let again = game_app(data.path(), 10);
    assert_eq!(again.class().pending(), 0);
    assert_eq!(c.my_attempts(&token).expect("lists").len(), 2);
}

#[test]
fn calls_waiting_for_a_hub_that_went_away_say_why() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, _) = class(&c, "Saturday", Mode::Practice);
    let data = tempfile::tempdir().expect("a temporary folder");
    let mut app = game_app(data.path(), 5);
    app.send(AddTrainee("Fay".into()));
    app.send(JoinClass {
        hub: hub.url(),
        join_code: code,
        name: "Fay".into(),
    });
    until(&mut [&mut app], "joining", |a| a.class().membership.is_some());
    drop(hub);

    play_a_call(&mut app);
    until(&mut [&mut app], "a failed try", |a| {
        a.class()
            .waiting
            .iter()
            .any(|w| w.reason() == WaitReason::Unreachable)
    });
    let class = app.class();
    assert_eq!(class.pending(), 1);
    assert!(!class.waiting[0].last_error.is_empty());
    // The progress store still has the call, owed to the class.
    let records = app.world().resource::<Records>();
    assert_eq!(records.attempts().len(), 1);
}

#[test]
fn an_exam_class_that_requires_typing_gets_both_on_joining() {
    let hub = sqlite_hub();
    let data = tempfile::tempdir().expect("a temporary folder");
    let mut app = joined(
        &hub,
        callsim_trainee::class::NewClass {
            name: "Friday exam".into(),
            scenarios: vec![REFERENCE.into()],
            mode: callsim_trainee::class::Mode::Exam,
            typing_required: true,
        },
        "Eve",
        data.path(),
        6,
    );
    // In the frame that joined: the exam and typing, neither undoing the
    // other.
    let settings = &app.world().resource::<Records>().settings;
    assert_eq!((settings.mode, settings.reply_by), (Mode::Exam, ReplyBy::Typing));
    app.update();
    let settings = &app.world().resource::<Records>().settings;
    assert_eq!((settings.mode, settings.reply_by), (Mode::Exam, ReplyBy::Typing));
}
