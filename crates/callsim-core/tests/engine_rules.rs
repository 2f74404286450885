//! Every rule of the call engine, each on a small scenario written for it:
//! what the trainee would see change (points, the caller's mood and lines,
//! the ending, the debrief).

use std::path::Path;
use std::sync::Arc;

use callsim_core::call::CallError;
use callsim_core::engine::RuleApplied;
use callsim_core::points::Points;
use callsim_core::scenario::{EndingKind, parse_str};
use callsim_core::{Call, Model};

/// A scenario with the given pieces; meters are anger and trust from 0 to 100.
struct Spec<'a> {
    anger: &'a str,
    trust: &'a str,
    traits: &'a str,
    rules: &'a str,
    policy: &'a str,
    thresholds: &'a str,
    nodes: &'a str,
    extra: &'a str,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            anger: "50",
            trust: "50",
            traits: "",
            rules: "",
            policy: "",
            thresholds: "",
            nodes: "",
            extra: "",
        }
    }
}

fn build(spec: Spec) -> Arc<Model> {
    let src = format!(
        r#"Scenario(
    id: "test", title: "Test", summary: "A test.", difficulty: Easy, source: "test",
    languages: ["en", "zh"],
    persona: (
        name: "Caller", description: "Someone.",
        meters: [(id: "anger", start: {anger}), (id: "trust", start: {trust})],
        traits: [{traits}],
    ),
    rules: ({rules}),
    policy: ({policy}),
    thresholds: [{thresholds}],
    start: "a",
    nodes: [{nodes}],
    endings: [
        (id: "good", kind: Resolved, title: "Good", debrief: "Well done."),
        (id: "great", kind: Delighted, title: "Great", debrief: "Lovely.", says: "Thank you!"),
        (id: "bad", kind: Complaint, title: "Bad", debrief: "A complaint."),
        (id: "up", kind: Escalated, title: "Up", debrief: "Escalated."),
        (id: "gone", kind: CallerHungUp, title: "Gone", debrief: "He hung up.", says: "That's it!"),
    ],
    {extra}
)"#,
        anger = spec.anger,
        trust = spec.trust,
        traits = spec.traits,
        rules = spec.rules,
        policy = spec.policy,
        thresholds = spec.thresholds,
        nodes = spec.nodes,
        extra = spec.extra,
    );
    let loaded = parse_str(&src, Path::new("test.ron"), None).unwrap_or_else(|e| panic!("{}", e.render()));
    Arc::new(Model::new(loaded.scenario).expect("compiles"))
}

fn points(u: i32, a: i32, e: i32, s: i32) -> Points {
    Points::new(u, a, e, s)
}

const FINISH: &str =
    r#"(id: "finish", text: "Goodbye.", kind: "close", points: (emotion: 1), next: "good", note: "n")"#;
const GOODBYE: &str = r#"(id: "finish", text: "Goodbye.", kind: "close", action: EndCall, points: (emotion: 1), next: "good", note: "n")"#;

#[test]
fn repeating_a_kind_lands_worse_each_time() {
    let model = build(Spec {
        nodes: &format!(
            r#"(id: "a", says: [(text: "Well?")], replies: [
                (id: "sms", text: "Text us.", kind: "redirect_to_sms", points: (understanding: 2, assistance: 2), repeatable: true, next: "a", note: "n"),
                {FINISH},
            ])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    let first = call.choose_id("sms").expect("offered");
    assert_eq!(first.turn.points, points(2, 0, 0, 2));
    assert_eq!(call.meter("anger"), Some(50));

    let second = call.choose_id("sms").expect("offered");
    // Half the positive points kept (rounded down), -1 understanding, +10 anger.
    assert_eq!(second.turn.points, points(0, 0, 0, 1));
    assert_eq!(call.meter("anger"), Some(60));
    assert_eq!(
        second.turn.rule_notes,
        ["You have said this kind of thing before (2 times now): each repeat lands worse than the last."]
    );

    let third = call.choose_id("sms").expect("offered");
    assert_eq!(third.turn.points, points(-2, 0, 0, 0));
    assert_eq!(call.meter("anger"), Some(80));
}

#[test]
fn exempt_kinds_can_be_repeated_freely() {
    let model = build(Spec {
        rules: r#"repetition: (exempt: ["listen"])"#,
        nodes: &format!(
            r#"(id: "a", says: [(text: "And another thing...")], replies: [
                (id: "mm", text: "Mm, I see.", kind: "listen", points: (understanding: 1), effects: {{"trust": 5}}, repeatable: true, next: "a", note: "n"),
                {FINISH},
            ])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    for _ in 0..3 {
        let step = call.choose_id("mm").expect("offered");
        assert_eq!(step.turn.points, points(1, 0, 0, 0));
        assert!(step.turn.rules.is_empty());
    }
    assert_eq!(call.meter("anger"), Some(50));
    assert_eq!(call.meter("trust"), Some(65));
}

#[test]
fn holds_cost_patience_more_when_long_or_repeated() {
    let model = build(Spec {
        rules: "hold: (free_seconds: 30, anger_per_minute: 10, trust_per_minute: -4, repeat: 1.5)",
        nodes: &format!(
            r#"(id: "a", says: [(text: "Hello?")], replies: [
                (id: "hold", text: "Please hold.", kind: "hold", action: Hold(seconds: 90), points: (assistance: 1), repeatable: true, next: "a", note: "n", seconds: 5),
                (id: "short", text: "One second.", kind: "quick_hold", action: Hold(seconds: 20), points: (assistance: 1), repeatable: true, next: "a", note: "n", seconds: 5),
                {FINISH},
            ])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    let short = call.choose_id("short").expect("offered");
    assert_eq!(
        call.meter("anger"),
        Some(50),
        "a hold within the free seconds costs nothing"
    );
    assert!(matches!(
        short.turn.rules[0],
        RuleApplied::Hold {
            anger: 0,
            trust: 0,
            ..
        }
    ));
    assert_eq!(call.clock(), 25);
    assert_eq!(short.turn.points, points(0, 0, 0, 1), "nor any points");

    let second = call.choose_id("hold").expect("offered");
    // One minute beyond the free 30 s, after one earlier hold: 10 × 1.5.
    assert_eq!(call.meter("anger"), Some(65));
    assert_eq!(call.meter("trust"), Some(44));
    assert_eq!(call.clock(), 25 + 95);
    // And points: 2 emotion and 2 assistance a minute by default, × 1.5
    // for the earlier hold (3), against the reply's own +1 assistance.
    assert_eq!(second.turn.points, points(0, 0, -3, -2));

    let third = call.choose_id("hold").expect("offered");
    // Same length, two earlier holds: 10 × 1.5² = 22.5, rounded to 23; the
    // repetition rule does not charge holds a second time.
    assert_eq!(call.meter("anger"), Some(88));
    // 2 × 1.5² = 4.5, rounded away from zero.
    assert_eq!(third.turn.points, points(0, 0, -5, -4));
    assert!(
        third.turn.rule_notes[0].starts_with("On hold for 90 s: anger +23, trust -9."),
        "{:?}",
        third.turn.rule_notes
    );
}

#[test]
fn a_transfer_is_judged_against_the_policy() {
    let model = build(Spec {
        policy: r#"transfer: (allowed_when: [Visited("insists")], misuse: (acknowledgement: -3, assistance: -2), misuse_note: "He had not asked.")"#,
        nodes: r#"
            (id: "a", says: [(text: "It's broken.")], replies: [
                (id: "pass_on", text: "I'll transfer you.", kind: "transfer", action: Transfer, next: "up", note: "n"),
                (id: "ask", text: "What happened?", kind: "clarify", points: (understanding: 1), next: "insists", note: "n"),
            ]),
            (id: "insists", says: [(text: "I want your manager.")], replies: [
                (id: "transfer", text: "Of course.", kind: "transfer", action: Transfer, points: (acknowledgement: 1), next: "up", note: "n"),
            ]),
        "#,
        ..Spec::default()
    });
    let mut early = Call::start(Arc::clone(&model), 1, "en");
    let step = early.choose_id("pass_on").expect("offered");
    assert_eq!(step.turn.points, points(0, -3, 0, -2));
    assert_eq!(step.turn.rules, [RuleApplied::TransferAgainstPolicy { to: None }]);
    assert_eq!(
        step.turn.rule_notes,
        ["Transfer against policy: passing the caller on to be rid of them. He had not asked."]
    );
    assert_eq!(step.ended.expect("ended").kind, EndingKind::Escalated);

    let mut asked = Call::start(model, 1, "en");
    asked.choose_id("ask").expect("offered");
    let step = asked.choose_id("transfer").expect("offered");
    assert_eq!(step.turn.points, points(0, 1, 0, 0));
    assert_eq!(step.turn.rules, [RuleApplied::TransferWithinPolicy { to: None }]);
}

#[test]
fn hanging_up_on_a_caller_who_is_not_done_is_an_upheld_complaint() {
    let model = build(Spec {
        nodes: &format!(
            r#"(id: "a", says: [(text: "I haven't finished!")], replies: [
                (id: "ok", text: "Go on.", kind: "listen", points: (understanding: 1), next: "done", note: "n"),
            ]),
            (id: "done", done: true, says: [(text: "That's all, thanks.")], replies: [{GOODBYE}])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(Arc::clone(&model), 1, "en");
    let ids: Vec<&str> = call.options().iter().map(|o| o.id.as_str()).collect();
    assert_eq!(
        ids,
        ["ok", "hang_up"],
        "the trainee can always hang up, listed last"
    );
    let step = call.choose_id("hang_up").expect("offered");
    let ending = step.ended.expect("hanging up ends the call");
    assert_eq!(
        (ending.id.as_str(), ending.kind),
        ("hung_up", EndingKind::AgentHungUp)
    );
    assert_eq!(ending.title, "You hung up on the caller");
    assert_eq!(
        step.turn.points,
        points(-3, -5, -5, -5),
        "the default hang-up rule"
    );

    // Once the caller is done, ending the call is the goodbye, not a hang-up.
    let mut call = Call::start(model, 1, "en");
    call.choose_id("ok").expect("offered");
    assert!(call.options().iter().all(|o| o.id != "hang_up"));
    let step = call.choose_id("finish").expect("offered");
    assert_eq!(step.ended.expect("ended").id, "good");
}

#[test]
fn an_end_call_reply_on_a_caller_who_is_not_done_is_named_in_the_debrief() {
    let model = build(Spec {
        nodes: r#"(id: "a", says: [(text: "And another thing...")], replies: [
            (id: "bye", text: "I have to go.", kind: "end_call", action: EndCall, points: (emotion: -2), next: "bad", note: "Cut off."),
            (id: "listen", text: "Tell me.", kind: "listen", points: (understanding: 2), next: "good", note: "n"),
        ])"#,
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "zh");
    let step = call.choose_id("bye").expect("offered");
    assert_eq!(step.turn.rules, [RuleApplied::HungUpOnCaller]);
    assert_eq!(step.turn.rule_notes, ["客户还没说完你就结束了通话：投诉成立。"]);
    assert_eq!(step.ended.expect("ended").id, "bad");
}

#[test]
fn over_accommodation_is_named_and_never_a_win() {
    let model = build(Spec {
        rules: "over_accommodation: (points: (assistance: -2))",
        nodes: r#"(id: "a", says: [(text: "Give me a refund or I'll complain.")], replies: [
            (id: "refund", text: "Fine, here's a refund.", kind: "compensation", over_accommodation: true, points: (emotion: 1), next: "great", note: "Buying peace."),
            (id: "explain", text: "Let me explain the charge.", kind: "explain", points: (understanding: 2, assistance: 2), next: "good", note: "n"),
        ])"#,
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    let step = call.choose_id("refund").expect("offered");
    assert_eq!(step.turn.points, points(0, 0, 1, -2));
    let d = call.debrief().expect("over");
    assert!(d.over_accommodated);
    assert_eq!(d.ending.kind, EndingKind::Delighted);
    assert_eq!(d.headline, "Closed by over-accommodation: Great");
    assert_eq!(d.turns[0].best.as_ref().map(|b| b.id.as_str()), Some("explain"));
}

#[test]
fn a_trait_scales_how_a_kind_of_reply_lands() {
    let model = build(Spec {
        traits: r#"(name: "Hates scripts", kinds: ["routine_apology"], effects: 2.0, points: 1.5)"#,
        nodes: &format!(
            r#"(id: "a", says: [(text: "Well?")], replies: [
                (id: "sorry", text: "Sorry for the inconvenience.", kind: "routine_apology", points: (emotion: -2), effects: {{"anger": 7, "trust": -3}}, next: "a", note: "n"),
                {FINISH},
            ])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    let step = call.choose_id("sorry").expect("offered");
    assert_eq!(call.meter("anger"), Some(64));
    assert_eq!(call.meter("trust"), Some(44));
    assert_eq!(step.turn.points, points(0, 0, -3, 0));
    assert_eq!(
        step.turn.rule_notes,
        ["Hates scripts: this caller takes this kind of reply harder."]
    );
}

#[test]
fn a_mood_threshold_ends_the_call_whatever_the_reply() {
    let model = build(Spec {
        anger: "85",
        thresholds: r#"(when: [AtLeast("anger", 100)], ending: "gone")"#,
        nodes: &format!(
            r#"(id: "a", says: [(text: "Well?")], replies: [
                (id: "rude", text: "Calm down.", kind: "dismiss", points: (acknowledgement: -2), effects: {{"anger": 30}}, next: "a", note: "n"),
                (id: "rude_bye", text: "Calm down. Bye.", kind: "dismiss_bye", action: EndCall, points: (acknowledgement: -2), effects: {{"anger": 30}}, next: "bad", note: "n"),
                {FINISH},
            ])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(Arc::clone(&model), 1, "en");
    let step = call.choose_id("rude").expect("offered");
    assert_eq!(call.meter("anger"), Some(100), "meters stay in their range");
    let ending = step.ended.expect("the threshold ended it");
    assert_eq!(ending.id, "gone");
    assert_eq!(step.caller.as_deref(), Some("That's it!"));
    assert_eq!(call.caller_line(), "That's it!");

    // The trainee ending the call is not overruled by the caller's mood.
    let mut call = Call::start(model, 1, "en");
    assert_eq!(
        call.choose_id("rude_bye")
            .expect("offered")
            .ended
            .expect("ended")
            .id,
        "bad"
    );
}

#[test]
fn branches_are_tried_in_order_before_next() {
    let model = build(Spec {
        anger: "70",
        nodes: &format!(
            r#"(id: "a", says: [(text: "Well?")], replies: [
                (id: "go", text: "Let me see.", kind: "check", points: (assistance: 1), effects: {{"anger": -10}}, next: "calm",
                 branches: [(when: [AtLeast("anger", 65)], next: "angry"), (when: [AtLeast("anger", 55)], next: "tense")], note: "n"),
            ]),
            (id: "angry", says: [(text: "Angry.")], replies: [{FINISH}]),
            (id: "tense", says: [(text: "Tense.")], replies: [{FINISH}]),
            (id: "calm", says: [(text: "Calm.")], replies: [{FINISH}])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    // Branches see the meters after the reply's effects: 70 - 10 = 60.
    assert_eq!(
        call.choose_id("go").expect("offered").caller.as_deref(),
        Some("Tense.")
    );
    assert_eq!(call.node_id(), "tense");
}

#[test]
fn the_caller_says_the_most_specific_line_for_their_mood() {
    let nodes = format!(
        r#"(id: "a", says: [
            (text: "Hello."),
            (text: "WHAT NOW?", when: [AtLeast("anger", 70)]),
            (text: "What now, after all that?", when: [AtLeast("anger", 70), AtMost("trust", 20)]),
        ], replies: [{FINISH}])"#
    );
    let line = |anger: &str, trust: &str| {
        let model = build(Spec {
            anger,
            trust,
            nodes: &nodes,
            ..Spec::default()
        });
        Call::start(model, 1, "en").caller_line().to_owned()
    };
    assert_eq!(line("10", "50"), "Hello.");
    assert_eq!(line("80", "50"), "WHAT NOW?");
    assert_eq!(line("80", "10"), "What now, after all that?");
}

#[test]
fn a_line_can_answer_the_reply_just_chosen() {
    // `Used` remembers a kind for the rest of the call; `JustUsed` only the
    // reply that led here, so "don't tell me to calm down" is said once.
    let model = build(Spec {
        nodes: &format!(
            r#"(id: "a", says: [(text: "Refund it!")], replies: [
                (id: "calm_down", text: "Calm down, sir.", kind: "rebuke", points: (acknowledgement: -2), next: "b", note: "n"),
                (id: "listen", text: "I'm listening.", kind: "listen", points: (acknowledgement: 1), next: "b", note: "n"),
            ]),
            (id: "b", says: [
                (text: "Well?"),
                (text: "Don't tell me to calm down!", when: [JustUsed("rebuke")]),
            ], replies: [
                (id: "listen_again", text: "Go on.", kind: "listen", points: (acknowledgement: 1), next: "b", note: "n"),
                (id: "sorry_for_that", text: "Sorry, that was rude of me.", kind: "apology", when: [JustUsed("rebuke")], points: (emotion: 1), next: "b", note: "n"),
                {FINISH},
            ])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(Arc::clone(&model), 1, "en");
    let step = call.choose_id("calm_down").expect("offered");
    assert_eq!(step.caller.as_deref(), Some("Don't tell me to calm down!"));
    assert!(call.options().iter().any(|o| o.id == "sorry_for_that"));
    let step = call.choose_id("listen_again").expect("offered");
    assert_eq!(
        step.caller.as_deref(),
        Some("Well?"),
        "the rebuke was two replies ago"
    );
    assert!(!call.options().iter().any(|o| o.id == "sorry_for_that"));

    let mut call = Call::start(model, 1, "en");
    let step = call.choose_id("listen").expect("offered");
    assert_eq!(step.caller.as_deref(), Some("Well?"));
}

#[test]
fn just_used_names_a_kind_some_reply_has() {
    let src = r#"Scenario(
    id: "test", title: "Test", summary: "A test.", difficulty: Easy, source: "test",
    persona: (name: "Caller", description: "Someone.", meters: [(id: "anger", start: 50), (id: "trust", start: 50)]),
    start: "a",
    nodes: [(id: "a", says: [(text: "Hi."), (text: "Oi!", when: [JustUsed("rebuk")])], replies: [
        (id: "calm_down", text: "Calm down.", kind: "rebuke", points: (acknowledgement: -1), next: "a", note: "n"),
        (id: "bye", text: "Bye.", kind: "close", points: (emotion: 1), next: "good", note: "n"),
    ])],
    endings: [(id: "good", kind: Resolved, title: "Good", debrief: "Fine.")],
)"#;
    let err = match parse_str(src, Path::new("test.ron"), None) {
        Ok(_) => panic!("an unknown kind in JustUsed must be an error"),
        Err(e) => e.render(),
    };
    assert!(err.contains("rebuk") && err.contains("rebuke"), "{err}");
    assert!(err.contains("test.ron:5:"), "points at the condition: {err}");
}

#[test]
fn equal_lines_are_picked_by_weight() {
    let model = build(Spec {
        nodes: &format!(
            r#"(id: "a", says: [(text: "rare"), (text: "common", weight: 3)], replies: [{FINISH}])"#
        ),
        ..Spec::default()
    });
    let common = (0..400)
        .filter(|&seed| Call::start(Arc::clone(&model), seed, "en").caller_line() == "common")
        .count();
    assert!(
        (240..=360).contains(&common),
        "weight 3 against 1 gave {common} of 400"
    );
}

#[test]
fn the_starting_mood_is_drawn_within_the_range_and_fixed_by_the_seed() {
    let model = build(Spec {
        anger: "(20, 80)",
        nodes: &format!(r#"(id: "a", says: [(text: "Hi.")], replies: [{FINISH}])"#),
        ..Spec::default()
    });
    let starts: Vec<i32> = (0..50)
        .map(|seed| {
            Call::start(Arc::clone(&model), seed, "en")
                .meter("anger")
                .expect("anger")
        })
        .collect();
    assert!(starts.iter().all(|a| (20..=80).contains(a)));
    assert!(
        starts.iter().any(|&a| a != starts[0]),
        "different seeds, different moods"
    );
    assert_eq!(
        Call::start(Arc::clone(&model), 7, "en").meter("anger"),
        Call::start(model, 7, "en").meter("anger")
    );
}

fn four_replies() -> Arc<Model> {
    build(Spec {
        nodes: r#"(id: "a", says: [(text: "Well?")], replies: [
            (id: "r1", text: "One.", kind: "k1", points: (understanding: 1), next: "good", note: "n"),
            (id: "r2", text: "Two.", kind: "k2", points: (understanding: 2), next: "good", note: "n"),
            (id: "check", text: "Let me look.", kind: "check", action: CheckAccount, points: (assistance: 1), next: "good", note: "n"),
            (id: "r3", text: "Three.", kind: "k3", points: (understanding: 3), next: "good", note: "n"),
            (id: "r4", text: "Four.", kind: "k4", points: (understanding: 4), next: "good", note: "n"),
        ])"#,
        ..Spec::default()
    })
}

#[test]
fn replies_are_shuffled_by_the_seed_and_actions_follow_them() {
    let model = four_replies();
    let order = |seed| -> Vec<String> {
        Call::start(Arc::clone(&model), seed, "en")
            .options()
            .iter()
            .map(|o| o.id.clone())
            .collect()
    };
    assert_eq!(order(3), order(3));
    let orders: std::collections::BTreeSet<Vec<String>> = (0..30).map(order).collect();
    assert!(orders.len() > 5, "only {} orders in 30 seeds", orders.len());
    for o in &orders {
        assert_eq!(o[4..], ["check", "hang_up"], "spoken replies first, then actions");
    }
    let call = Call::start(Arc::clone(&model), 3, "en");
    let numbers: Vec<usize> = call.options().iter().map(|o| o.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6]);
}

#[test]
fn the_same_seed_and_choices_make_the_same_call_byte_for_byte() {
    let file =
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios/missing-bonus-number.ron");
    let loaded = callsim_core::scenario::load_file(&file).expect("shipped scenario loads");
    let model = Arc::new(Model::new(loaded.scenario).expect("compiles"));
    let play = |seed| {
        let mut call = Call::start(Arc::clone(&model), seed, "en");
        // Always the second option: a different path per seed.
        while !call.is_over() {
            call.choose(2.min(call.options().len())).expect("offered");
        }
        call
    };
    for seed in [1, 2, 99] {
        let a = serde_json::to_string(&play(seed).debrief()).expect("serialises");
        let b = serde_json::to_string(&play(seed).debrief()).expect("serialises");
        assert_eq!(a, b);
        let record = play(seed).record();
        let replayed = Call::replay(Arc::clone(&model), &record).expect("replays");
        assert_eq!(serde_json::to_string(&replayed.debrief()).expect("serialises"), a);
    }
}

#[test]
fn checking_the_account_reveals_the_facts_and_opens_replies() {
    let model = build(Spec {
        extra: r#"account: [(label: "Top-up", value: {"en": "¥100 at 19:02", "zh": "19:02 充值100元"})],"#,
        nodes: &format!(
            r#"(id: "a", says: [(text: "Where is it?")], replies: [
                (id: "check", text: "Let me check.", kind: "check", action: CheckAccount, points: (assistance: 2), next: "a", note: "n", once: true),
                (id: "facts", text: "You topped up at 19:02.", kind: "explain", when: [Checked], points: (understanding: 2), next: "good", note: "n"),
                {FINISH},
            ])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "zh");
    assert_eq!(call.account(), None);
    assert!(call.options().iter().all(|o| o.id != "facts"));
    call.choose_id("check").expect("offered");
    assert_eq!(
        call.account(),
        Some(vec![("Top-up".to_owned(), "19:02 充值100元".to_owned())])
    );
    let ids: Vec<&str> = call.options().iter().map(|o| o.id.as_str()).collect();
    assert!(ids.contains(&"facts") && !ids.contains(&"check"), "{ids:?}");
}

#[test]
fn conditions_on_history_gate_replies() {
    let model = build(Spec {
        nodes: &format!(
            r#"(id: "a", says: [(text: "Hi.")], replies: [
                (id: "to_b", text: "B.", kind: "kb", points: (understanding: 1), next: "b", note: "n"),
                (id: "to_c", text: "C.", kind: "kc", points: (understanding: 1), next: "c", note: "n"),
            ]),
            (id: "b", says: [(text: "B here.")], replies: [(id: "to_c", text: "C.", kind: "kc", points: (understanding: 1), next: "c", note: "n")]),
            (id: "c", says: [(text: "C here.")], replies: [
                (id: "via_b", text: "Via B.", kind: "x", when: [Visited("b")], points: (understanding: 1), next: "good", note: "n"),
                (id: "direct", text: "Direct.", kind: "y", when: [NotVisited("b"), Not(Used("kb"))], points: (understanding: 1), next: "good", note: "n"),
                (id: "either", text: "Either.", kind: "z", when: [AnyOf([Used("kb"), Used("kc")])], points: (understanding: 1), next: "good", note: "n"),
                {FINISH},
            ])"#
        ),
        ..Spec::default()
    });
    let offered = |path: &[&str]| -> Vec<String> {
        let mut call = Call::start(Arc::clone(&model), 1, "en");
        for id in path {
            call.choose_id(id).expect("offered");
        }
        let mut ids: Vec<String> = call.options().iter().map(|o| o.id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(
        offered(&["to_b", "to_c"]),
        ["either", "finish", "hang_up", "via_b"]
    );
    assert_eq!(offered(&["to_c"]), ["direct", "either", "finish", "hang_up"]);
}

#[test]
fn a_call_that_goes_on_too_long_ends_with_the_caller_giving_up() {
    let model = build(Spec {
        rules: r#"repetition: (exempt: ["listen"])"#,
        extra: "max_turns: 3,",
        nodes: &format!(
            r#"(id: "a", says: [(text: "Blah.")], replies: [
                (id: "mm", text: "Mm.", kind: "listen", points: (understanding: 1), effects: {{"trust": 1}}, next: "a", note: "n"),
                {FINISH},
            ])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    call.choose_id("mm").expect("offered");
    call.choose_id("mm").expect("offered");
    let step = call.choose_id("mm").expect("offered");
    let ending = step.ended.expect("the third reply is the last");
    assert_eq!(
        (ending.id.as_str(), ending.kind),
        ("gave_up", EndingKind::CallerHungUp)
    );
    assert_eq!(call.choose_id("mm").err(), Some(CallError::Over));
}

#[test]
fn the_debrief_scores_against_the_best_and_worst_the_scenario_allows() {
    let model = build(Spec {
        nodes: r#"(id: "a", says: [(text: "Well?")], replies: [
            (id: "best", text: "Best.", kind: "k1", points: (understanding: 3, acknowledgement: 1, emotion: 2, assistance: 2), next: "great", note: "Best note."),
            (id: "middling", text: "Middling.", kind: "k2", points: (understanding: 1, emotion: 1), next: "good", note: "n"),
            (id: "worst", text: "Worst.", kind: "k3", points: (understanding: -1, acknowledgement: -1, emotion: -2, assistance: -2), next: "bad", note: "n"),
        ])"#,
        ..Spec::default()
    });
    let play = |id: &str| {
        let mut call = Call::start(Arc::clone(&model), 1, "en");
        call.choose_id(id).expect("offered");
        call.debrief().expect("over")
    };
    let best = play("best");
    assert_eq!((best.respect.percent, best.sincerity.percent), (100, 100));
    assert!(best.turns[0].was_best && best.turns[0].best.is_none());

    let worst = play("worst");
    // 0 is nothing earned: a call that only lost points shows 0, and the
    // points lost are the whole best total and more.
    assert_eq!((worst.respect.best, worst.respect.total), (4, -2));
    assert_eq!(worst.respect.percent, 0);
    assert_eq!(worst.respect.lost(), 6);
    let better = worst.turns[0].best.as_ref().expect("a better reply existed");
    assert_eq!((better.id.as_str(), better.note.as_str()), ("best", "Best note."));

    let middling = play("middling");
    // Respect: 1 of the best 4 points is 25/100, whatever the worst is.
    assert_eq!((middling.respect.total, middling.respect.best), (1, 4));
    assert_eq!(middling.respect.percent, 25);
    assert_eq!(middling.respect.lost(), 3);
    assert_eq!(middling.sincerity.percent, 25);
    // Acknowledgement was scored (the best reply earns 1) and not earned.
    let ack = middling.skill(callsim_core::points::Skill::Acknowledgement);
    assert!(ack.assessed());
    assert_eq!(ack.percent, 0);
}

#[test]
fn hanging_up_at_once_scores_nothing() {
    let model = build(Spec {
        nodes: r#"(id: "a", says: [(text: "Well?")], replies: [
            (id: "best", text: "Best.", kind: "k1", points: (understanding: 3, acknowledgement: 1, emotion: 2, assistance: 2), next: "great", note: "Best note."),
        ])"#,
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    call.choose_id("hang_up").expect("hanging up is always offered");
    let d = call.debrief().expect("over");
    assert_eq!((d.respect.percent, d.sincerity.percent), (0, 0));
    for skill in callsim_core::points::Skill::ALL {
        assert_eq!(d.skill(skill).percent, 0, "{skill:?}");
    }
    // The debrief shows what was lost beside the 0: the best total and
    // the hang-up rule's own cost.
    assert_eq!(d.respect.lost(), 4 + 8);
}

#[test]
fn a_skill_the_scenario_never_scores_is_not_assessed() {
    let model = build(Spec {
        nodes: r#"(id: "a", says: [(text: "Well?")], replies: [
            (id: "best", text: "Best.", kind: "k1", points: (understanding: 3, emotion: 2, assistance: 2), next: "great", note: "n"),
            (id: "poor", text: "Poor.", kind: "k2", points: (acknowledgement: -1), next: "good", note: "n"),
        ])"#,
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    call.choose_id("best").expect("offered");
    let d = call.debrief().expect("over");
    let ack = d.skill(callsim_core::points::Skill::Acknowledgement);
    assert!(!ack.assessed(), "{ack:?}");
    assert_eq!(ack.percent, 0, "never 100/100 for a skill nobody can earn");
    assert!(d.skill(callsim_core::points::Skill::Understanding).assessed());
}

#[test]
fn choosing_something_not_on_offer_is_an_error_not_a_panic() {
    let model = four_replies();
    let mut call = Call::start(model, 1, "en");
    assert_eq!(
        call.choose(0).err(),
        Some(CallError::NoSuchNumber {
            number: 0,
            options: 6
        })
    );
    assert_eq!(
        call.choose(7).err(),
        Some(CallError::NoSuchNumber {
            number: 7,
            options: 6
        })
    );
    assert!(matches!(call.choose_id("r9"), Err(CallError::NotOffered { .. })));
    assert_eq!(call.turns().len(), 0, "nothing happened");
}

#[test]
fn the_trainees_language_is_used_with_the_default_as_fallback() {
    let model = build(Spec {
        nodes: r#"(id: "a", says: [(text: {"en": "Hello.", "zh": "你好。"})], replies: [
            (id: "hi", text: "Hi.", kind: "greet", points: (emotion: 1), next: "great", note: {"en": "Warm.", "zh": "亲切。"}),
        ])"#,
        ..Spec::default()
    });
    let zh = Call::start(Arc::clone(&model), 1, "zh");
    assert_eq!(zh.caller_line(), "你好。");
    assert_eq!(zh.options()[0].text, "Hi.", "no zh given: the default language");
    let ru = Call::start(model, 1, "ru");
    assert_eq!(ru.caller_line(), "Hello.");
}

/// Issue 11: a loop paid its points twice, so the best path went through a
/// wrong answer and the debrief coached it as "best reply here".
#[test]
fn points_round_a_loop_count_once_per_call() {
    let model = build(Spec {
        // Apologies may be repeated without the repetition rule's cost:
        // before, each lap of a -> b -> a paid the apology's +2 again.
        rules: r#"repetition: (exempt: ["apology"])"#,
        nodes: r#"
            (id: "a", says: [(text: "My bill is wrong.")], replies: [
                (id: "sorry", text: "I'm so sorry.", kind: "apology", points: (emotion: 2), next: "b", note: "n"),
                (id: "check", text: "Let me check it now.", kind: "check", points: (understanding: 1, assistance: 2), next: "great", note: "n"),
            ]),
            (id: "b", says: [(text: "Sorry won't fix it.")], replies: [
                (id: "wrong", text: "Did you read the small print?", kind: "blame", points: (understanding: 1, acknowledgement: -2), next: "a", note: "Blames the caller."),
                (id: "fix", text: "You're right; I'll correct it now.", kind: "fix", points: (understanding: 1, assistance: 2), next: "great", note: "n"),
            ]),
        "#,
        ..Spec::default()
    });
    let mut call = Call::start(Arc::clone(&model), 1, "en");
    call.choose_id("sorry").expect("offered");
    let wrong = call.choose_id("wrong").expect("offered");
    assert_eq!(wrong.turn.points, points(1, -2, 0, 0));
    let again = call.choose_id("sorry").expect("offered again");
    assert_eq!(again.turn.points, points(0, 0, 0, 0), "paid the first time only");
    assert_eq!(
        again.turn.rule_notes,
        ["Chosen before in this call: its points counted the first time, not again."]
    );
    let twice = call.choose_id("wrong").expect("offered again");
    // Only the loss counts again (the repetition rule adds its own -1).
    assert_eq!(twice.turn.points, points(-1, -2, 0, 0));

    // The analysis's best path does not go round the loop, and the
    // debrief never calls the wrong answer the best reply.
    let a = callsim_core::analysis::analyze(&model);
    let path: Vec<&str> = a.best_path.steps.iter().map(|s| s.reply.as_str()).collect();
    assert_eq!(path, ["sorry", "fix"]);
    assert!(
        !a.problems
            .iter()
            .any(|p| matches!(p, callsim_core::analysis::Problem::BestPathRevisits { .. })),
        "{:?}",
        a.problems
    );
    call.choose_id("check").expect("offered");
    let d = call.debrief().expect("over");
    assert!(!d.turns[1].was_best, "the wrong answer is not the best reply");
    assert_eq!(d.turns[1].best.as_ref().map(|b| b.id.as_str()), Some("fix"));
}

#[test]
fn a_reply_marked_repeatable_pays_every_time() {
    let model = build(Spec {
        rules: r#"repetition: (exempt: ["listen"])"#,
        nodes: &format!(
            r#"(id: "a", says: [(text: "And another thing...")], replies: [
                (id: "mm", text: "Mm, I see.", kind: "listen", points: (understanding: 1), next: "a", note: "n"),
                (id: "go_on", text: "Go on.", kind: "listen", points: (understanding: 1), repeatable: true, next: "a", note: "n"),
                {FINISH},
            ])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    call.choose_id("mm").expect("offered");
    // Exempt from the repetition rule, but its point counted once.
    assert_eq!(
        call.choose_id("mm").expect("offered").turn.points,
        points(0, 0, 0, 0)
    );
    call.choose_id("go_on").expect("offered");
    assert_eq!(
        call.choose_id("go_on").expect("offered").turn.points,
        points(1, 0, 0, 0)
    );
}

/// Issue 11, seed 004: closing a call by buying the caller off scored 88
/// and 64. Over-accommodation caps both pillars, the best play never gives
/// in, and the debrief says why.
#[test]
fn giving_in_caps_both_pillars_and_is_never_the_best_reply() {
    let model = build(Spec {
        rules: "over_accommodation: (cap: 25)",
        nodes: r#"(id: "a", says: [(text: "Give me a new machine and a voucher or I complain!")], replies: [
            (id: "buy_off", text: "Fine: a new machine and a voucher.", kind: "give_in", points: (acknowledgement: 3, emotion: 3, assistance: 3), over_accommodation: true, next: "great", note: "Bought off."),
            (id: "repair", text: "I understand. I'll book a repair under warranty today.", kind: "fix", points: (understanding: 2, acknowledgement: 1, emotion: 1, assistance: 2), next: "good", note: "n"),
        ])"#,
        ..Spec::default()
    });
    let mut call = Call::start(Arc::clone(&model), 1, "en");
    call.choose_id("buy_off").expect("offered");
    let d = call.debrief().expect("over");
    assert!(d.over_accommodated);
    assert_eq!((d.respect.percent, d.sincerity.percent), (25, 25));
    assert_eq!((d.respect.cap, d.sincerity.cap), (Some(25), Some(25)));
    assert!(!d.turns[0].was_best);
    assert_eq!(d.turns[0].best.as_ref().map(|b| b.id.as_str()), Some("repair"));
    // The scale's best is the honest play: repairing scores 100/100.
    let mut honest = Call::start(Arc::clone(&model), 1, "en");
    honest.choose_id("repair").expect("offered");
    let h = honest.debrief().expect("over");
    assert_eq!((h.respect.percent, h.sincerity.percent), (100, 100));
    assert_eq!(h.respect.cap, None);
    let a = callsim_core::analysis::analyze(&model);
    assert_eq!(a.best_path.steps[0].reply, "repair");
}

/// Issue 11: "already sent away three times" as the caller's history: the
/// repetition rule and conditions treat the call as a continuation.
#[test]
fn the_callers_history_makes_the_call_a_continuation() {
    let model = build(Spec {
        extra: r#"history: (used: {"redirect_to_sms": 3}, visited: ["promised"]),"#,
        nodes: &format!(
            r#"(id: "a", says: [
                    (text: "Well?"),
                    (text: "You promised me a callback last time!", when: [Visited("promised")]),
                ], replies: [
                (id: "sms", text: "Text us.", kind: "redirect_to_sms", points: (understanding: 2, assistance: 2), next: "a", note: "n"),
                (id: "promise", text: "I'll call you back.", kind: "promise", points: (assistance: 1), next: "promised", note: "n"),
                {FINISH},
            ]),
            (id: "promised", says: [(text: "Fine.")], replies: [{FINISH}])"#
        ),
        ..Spec::default()
    });
    let mut call = Call::start(model, 1, "en");
    assert_eq!(call.caller_line(), "You promised me a callback last time!");
    let sms = call.choose_id("sms").expect("offered");
    // The fourth time he hears it: 0.5³ of the points kept (rounded down
    // to 0), -3 understanding, +30 anger.
    assert_eq!(sms.turn.points, points(-3, 0, 0, 0));
    assert_eq!(call.meter("anger"), Some(80));
    assert!(
        sms.turn.rule_notes[0].contains("4 times now"),
        "{:?}",
        sms.turn.rule_notes
    );
}

/// Issue 11, seed 000: calls are transferred to other departments too, each
/// with its own policy (the consumer kicked between shop and manufacturer).
#[test]
fn each_transfer_target_is_judged_against_its_own_policy() {
    let model = build(Spec {
        policy: r#"
            transfers: [
                (id: "maker", name: {"en": "the manufacturer", "zh": "厂家"},
                 allowed_when: [Checked], misuse: (acknowledgement: -3, assistance: -3),
                 misuse_note: {"en": "Nothing was checked: he is being kicked between you and the maker.", "zh": "什么都没查：你们在踢皮球。"}),
            ],"#,
        nodes: r#"
            (id: "a", says: [(text: "The machine broke again.")], replies: [
                (id: "to_maker", text: "That's the manufacturer's job; I'll put you through.", kind: "transfer", action: Transfer, to: "maker", next: "up", note: "n"),
                (id: "check", text: "Let me look at your order.", kind: "check", action: CheckAccount, points: (assistance: 2), next: "checked", note: "n"),
            ]),
            (id: "checked", says: [(text: "Well?")], replies: [
                (id: "to_maker_now", text: "It's a warranty repair: I'll transfer you to the manufacturer's service line with your order details.", kind: "transfer", action: Transfer, to: "maker", points: (assistance: 1), next: "up", note: "n"),
            ]),
        "#,
        ..Spec::default()
    });
    let mut early = Call::start(Arc::clone(&model), 1, "en");
    let shown = early
        .options()
        .iter()
        .find(|o| o.id == "to_maker")
        .expect("offered");
    assert_eq!(shown.transfer_to.as_deref(), Some("the manufacturer"));
    let step = early.choose_id("to_maker").expect("offered");
    assert_eq!(
        step.turn.rules,
        [RuleApplied::TransferAgainstPolicy {
            to: Some("maker".into())
        }]
    );
    assert_eq!(step.turn.points, points(0, -3, 0, -3));
    // The coaching is this target's, not the supervisor policy's.
    assert!(
        step.turn.rule_notes[0]
            .ends_with("Nothing was checked: he is being kicked between you and the maker."),
        "{:?}",
        step.turn.rule_notes
    );
    assert_eq!(step.turn.transfer_to.as_deref(), Some("the manufacturer"));

    let mut later = Call::start(Arc::clone(&model), 1, "zh");
    later.choose_id("check").expect("offered");
    let step = later.choose_id("to_maker_now").expect("offered");
    assert_eq!(
        step.turn.rules,
        [RuleApplied::TransferWithinPolicy {
            to: Some("maker".into())
        }]
    );
    assert_eq!(step.turn.transfer_to.as_deref(), Some("厂家"));
}
