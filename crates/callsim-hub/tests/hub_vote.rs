//! End to end: a hub, a facilitator and three trainees' games (the client
//! library, driven headless on threads) play a vote-mode call to its ending.

mod hub_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use callsim_core::{Call, Model};
use callsim_trainee::class::{Auth, ClientError, HubClient, Mode, NewVote, VoteView};
use hub_support::*;

/// How each trainee votes, given the options everyone sees.
fn pick(style: usize, view: &VoteView, model: &Arc<Model>) -> String {
    let spoken: Vec<_> = view.options.iter().filter(|o| o.action == "say").collect();
    match style {
        // Two trainees follow the analysis's best reply, replayed locally.
        0 | 1 => {
            let mut call = Call::start(Arc::clone(model), view.seed, &view.language);
            for p in &view.played {
                call.choose_id(&p.reply).expect("the played replies replay");
            }
            call.hint()
                .map_or_else(|| view.options[0].id.clone(), |o| o.id.clone())
        }
        // One always picks the last spoken reply.
        _ => spoken
            .last()
            .map_or_else(|| view.options[0].id.clone(), |o| o.id.clone()),
    }
}

#[test]
fn a_class_votes_a_call_through_to_its_ending() {
    let hub = sqlite_hub();
    let facilitator = client(&hub);
    let (join_code, secret) = class(&facilitator, "Vote mode", Mode::Practice);
    let reference = model(REFERENCE);

    let trainees: Vec<(HubClient, String)> = ["Ana", "Ben", "Chen"]
        .iter()
        .map(|name| {
            let c = client(&hub);
            let joined = c.join(&join_code, name).expect("joins");
            (c, joined.token)
        })
        .collect();

    // Before the facilitator starts, a trainee's game finds no vote.
    assert!(
        trainees[0]
            .0
            .current_vote(Auth::Trainee(&trainees[0].1), &join_code)
            .expect("asks")
            .is_none()
    );

    let opened = facilitator
        .open_vote(
            &secret,
            &join_code,
            &NewVote {
                scenario: REFERENCE.into(),
                seed: 11,
                language: "en".into(),
            },
        )
        .expect("the vote opens");
    let session = opened.session_id;
    let expected_first = Call::start(Arc::clone(&reference), 11, "en");
    assert_eq!(
        opened.caller,
        expected_first.caller_line(),
        "the hub plays the engine's call"
    );
    assert_eq!(
        opened.options.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(),
        expected_first
            .options()
            .iter()
            .map(|o| o.id.as_str())
            .collect::<Vec<_>>(),
        "everyone sees the engine's shuffled order"
    );

    let done = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + Duration::from_secs(120);
    let voters: Vec<_> = trainees
        .into_iter()
        .enumerate()
        .map(|(style, (c, token))| {
            let (model, done, code) = (Arc::clone(&reference), Arc::clone(&done), join_code.clone());
            thread::spawn(move || {
                let view = c
                    .current_vote(Auth::Trainee(&token), &code)
                    .expect("asks")
                    .expect("a vote is open");
                assert!(
                    view.options.iter().all(|o| o.votes.is_none()),
                    "trainees do not see the tally"
                );
                let mut version = None;
                let mut voted_turns = 0;
                while !done.load(Ordering::SeqCst) && Instant::now() < deadline {
                    let view = c
                        .vote_view(Auth::Trainee(&token), session, version, Duration::from_secs(2))
                        .expect("long poll");
                    version = Some(view.version);
                    if view.ending.is_some() {
                        break;
                    }
                    if view.my_vote.is_none() {
                        let choice = pick(style, &view, &model);
                        match c.cast_vote(&token, session, view.turn, &choice) {
                            Ok(after) => {
                                assert_eq!(after.my_vote.as_deref(), Some(choice.as_str()));
                                voted_turns += 1;
                            }
                            // The facilitator closed the turn first: vote on the next.
                            Err(ClientError::Refused { code, .. }) if code == "turn-closed" => {}
                            Err(e) => panic!("vote refused: {e}"),
                        }
                    }
                }
                voted_turns
            })
        })
        .collect();

    // The facilitator waits for all three votes each turn, plays the
    // majority, and overrides the class once (turn 2).
    let mut view = opened;
    let mut overrode = None;
    while view.ending.is_none() {
        assert!(Instant::now() < deadline, "the call reached no ending in time");
        view = facilitator
            .vote_view(
                Auth::Facilitator(&secret),
                session,
                Some(view.version),
                Duration::from_secs(2),
            )
            .expect("long poll");
        if view.ending.is_some() || view.voted < 3 {
            continue;
        }
        let counts: u32 = view.options.iter().filter_map(|o| o.votes).sum();
        assert_eq!(counts, 3, "the facilitator sees every vote as it arrives");
        let turn = view.turn;
        let choice = if turn == 2 {
            let majority = view.options.iter().max_by_key(|o| o.votes).map(|o| o.id.clone());
            let other = view
                .options
                .iter()
                .find(|o| Some(&o.id) != majority.as_ref())
                .map(|o| o.id.clone());
            overrode = other.clone();
            other
        } else {
            None
        };
        view = facilitator
            .play(&secret, session, turn, choice.as_deref())
            .expect("the turn is played");
        assert_eq!(view.turn, turn + 1);
        // Playing the same turn twice is refused.
        match facilitator.play(&secret, session, turn, None) {
            Err(ClientError::Refused { status: 409, .. }) => {}
            other => panic!("a closed turn cannot be played again: {other:?}"),
        }
    }
    done.store(true, Ordering::SeqCst);
    let turns_voted: Vec<usize> = voters
        .into_iter()
        .map(|v| v.join().expect("a trainee thread"))
        .collect();

    let debrief = facilitator
        .vote_debrief(Auth::Facilitator(&secret), session)
        .expect("the debrief once the call ended");
    assert_eq!(debrief.turns.len(), view.played.len());
    assert!(debrief.turns.len() >= 2, "a real call has several turns");
    for (i, t) in debrief.turns.iter().enumerate() {
        let total: u32 = t.votes.iter().map(|v| v.votes).sum();
        assert_eq!(total, 3, "turn {}: every trainee's vote is there", t.turn);
        assert!(
            turns_voted.iter().all(|n| *n >= debrief.turns.len()),
            "{turns_voted:?}"
        );
        if t.turn == 2 {
            assert!(t.overridden, "turn 2 was the facilitator's choice");
            assert_eq!(Some(&t.played), overrode.as_ref());
        } else {
            assert!(!t.overridden);
            assert_eq!(
                Some(&t.played),
                t.majority.as_ref(),
                "turn {}: the majority was played",
                i + 1
            );
        }
        // Two of three followed the best reply wherever the class played it.
        if !t.overridden && t.best == t.played {
            assert!(
                t.voted_best_percent >= 66,
                "turn {}: {}%",
                t.turn,
                t.voted_best_percent
            );
        }
    }
    // The core's debrief of the call as played.
    let core = &debrief.debrief;
    assert_eq!(core.scenario, REFERENCE);
    assert_eq!(core.choices.len(), debrief.turns.len());
    assert_eq!(core.ending.id, view.ending.as_ref().expect("ended").id.as_str());
}

#[test]
fn votes_are_checked_and_changeable_until_the_turn_closes() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (join_code, secret) = class(&c, "Votes", Mode::Practice);
    let ana = c.join(&join_code, "Ana").expect("joins");
    let view = c
        .open_vote(
            &secret,
            &join_code,
            &NewVote {
                scenario: REFERENCE.into(),
                seed: 2,
                language: "en".into(),
            },
        )
        .expect("opens");
    let (a, b) = (view.options[0].id.clone(), view.options[1].id.clone());
    c.cast_vote(&ana.token, view.session_id, 1, &a).expect("votes");
    let changed = c
        .cast_vote(&ana.token, view.session_id, 1, &b)
        .expect("changes the vote");
    assert_eq!(changed.my_vote.as_deref(), Some(b.as_str()));
    let tally = c
        .vote_view(Auth::Facilitator(&secret), view.session_id, None, Duration::ZERO)
        .expect("the facilitator's view");
    assert_eq!(tally.voted, 1, "one trainee, one vote");
    assert_eq!(tally.options[1].votes, Some(1));
    assert_eq!(tally.options[0].votes, Some(0));

    for (result, status, code) in [
        (
            c.cast_vote(&ana.token, view.session_id, 1, "no_such_reply"),
            422,
            "not-an-option",
        ),
        (
            c.cast_vote(&ana.token, view.session_id, 5, &a),
            409,
            "turn-closed",
        ),
        (
            c.cast_vote(&secret, view.session_id, 1, &a),
            403,
            "facilitator-cannot-vote",
        ),
        (
            c.play(&ana.token, view.session_id, 1, None),
            403,
            "trainee-cannot-play",
        ),
    ] {
        match result {
            Err(ClientError::Refused {
                status: s, code: k, ..
            }) => assert_eq!((s, k.as_str()), (status, code)),
            other => panic!("expected {status} {code}, got {other:?}"),
        }
    }
    // A trainee of another class cannot see this vote.
    let (other_code, _) = class(&c, "Other class", Mode::Practice);
    let outsider = c.join(&other_code, "Dan").expect("joins");
    match c.vote_view(
        Auth::Trainee(&outsider.token),
        view.session_id,
        None,
        Duration::ZERO,
    ) {
        Err(ClientError::Refused {
            status: 403, code, ..
        }) => assert_eq!(code, "not-your-class"),
        other => panic!("{other:?}"),
    }
    // Without votes there is no majority to play.
    let played = c
        .play(&secret, view.session_id, 1, None)
        .expect("Ana's vote is the majority");
    assert_eq!(played.played[0].reply, b);
    match c.play(&secret, view.session_id, 2, None) {
        Err(ClientError::Refused {
            status: 409, code, ..
        }) => assert_eq!(code, "no-votes"),
        other => panic!("{other:?}"),
    }
}
