//! Typed replies on the shipped scenarios, with the shipped model: what a
//! trainee types is understood as the right reply, off-topic text is not,
//! and a reply the game did not understand is a turn of the call that
//! replays like any other.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use callsim_core::call::{Call, NOT_UNDERSTOOD_ID, Typed};
use callsim_core::engine::Model;
use callsim_core::scenario::load_file;
use callsim_core::understand::{Phrasebook, Verdict, read};
use callsim_encoder::Encoder;
use serde::Deserialize;

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn encoder() -> &'static Encoder {
    static ENCODER: OnceLock<Encoder> = OnceLock::new();
    ENCODER.get_or_init(|| {
        Encoder::load(&callsim_encoder::default_model_dir()).expect("the shipped model loads")
    })
}

fn model(id: &str) -> Arc<Model> {
    let loaded =
        load_file(&root().join("scenarios").join(format!("{id}.ron"))).expect("shipped scenario loads");
    Arc::new(Model::new(loaded.scenario).expect("compiles"))
}

/// What `callsim understand` makes of `text` at node `node`: every reply
/// written there counts as offered.
fn read_at(model: &Model, book: &Phrasebook, node: &str, text: &str) -> callsim_core::understand::Reading {
    let node = model.scenario.node_index(node).expect("the node exists");
    let all: Vec<usize> = (0..model.scenario.nodes[node].replies.len()).collect();
    read(
        encoder(),
        book,
        model,
        node,
        &all,
        text,
        &model.scenario.rules.understanding,
    )
    .expect("a reading")
}

/// What the game makes of `text` typed at the start of a call.
fn understood(model: &Model, book: &Phrasebook, text: &str) -> (Verdict, String) {
    let call = Call::start(Arc::new(model.clone()), 1, "en");
    let node = model.scenario.node_index(call.node_id()).expect("a node");
    let offered: Vec<usize> = call
        .options()
        .iter()
        .filter_map(|o| {
            model.scenario.nodes[node]
                .replies
                .iter()
                .position(|r| r.id == o.id)
        })
        .collect();
    let reading = read(
        encoder(),
        book,
        model,
        node,
        &offered,
        text,
        &model.scenario.rules.understanding,
    )
    .expect("text to read");
    (
        reading.verdict,
        reading.best().map(|c| c.reply.clone()).unwrap_or_default(),
    )
}

#[test]
fn a_trainee_s_own_words_are_understood_as_the_reply_they_mean() {
    let model = model("missing-bonus-number");
    let book = Phrasebook::new(&model, encoder());
    for (text, reply) in [
        (
            "I'm so sorry you're still waiting after paying. Let me check your account right now.",
            "acknowledge_and_check",
        ),
        (
            "实在抱歉让您久等了，我马上帮您查一下账户。",
            "acknowledge_and_check",
        ),
        (
            "You can text us to check the bonus number yourself.",
            "query_by_sms",
        ),
    ] {
        let (verdict, best) = understood(&model, &book, text);
        assert_eq!(best, reply, "{text}");
        assert_eq!(verdict, Verdict::Understood, "{text}");
    }
}

#[test]
fn a_move_the_call_has_for_a_later_moment_is_asked_about_not_played() {
    // At the opening, before anyone has looked at the account, the trainee
    // explains the busy platform: the scenario has that move once the time
    // of the top-up is known (`confirms_time`), not now.
    let model = model("missing-bonus-number");
    let book = Phrasebook::new(&model, encoder());
    let reading = read_at(
        &model,
        &book,
        "opening",
        "I see, that explains it. Lots of customers are topping up for this offer right now, so the platform is busy and the text may not have reached you yet. Don't worry, you can apply within 48 hours.",
    );
    let elsewhere = reading
        .elsewhere
        .as_ref()
        .expect("closer to a reply of another moment");
    assert_eq!(
        (elsewhere.node.as_str(), elsewhere.reply.as_str()),
        ("confirms_time", "explain_and_reassure")
    );
    assert_ne!(
        reading.verdict,
        Verdict::Understood,
        "never played at the opening"
    );
}

#[test]
fn off_topic_text_is_not_played_as_a_reply() {
    let model = model("missing-bonus-number");
    let book = Phrasebook::new(&model, encoder());
    for text in [
        "Did you catch the football last night?",
        "今天天气真不错啊。",
        "asdf qwer zxcv",
    ] {
        let (verdict, _) = understood(&model, &book, text);
        assert_ne!(verdict, Verdict::Understood, "{text}");
    }
}

#[test]
fn odd_input_never_panics_and_empty_input_is_not_a_turn() {
    let model = model("universal-machine");
    let book = Phrasebook::new(&model, encoder());
    let rule = &model.scenario.rules.understanding;
    let all: Vec<usize> = (0..model.scenario.nodes[0].replies.len()).collect();
    assert!(read(encoder(), &book, &model, 0, &all, "   \n", rule).is_none());
    let long = "lo siento ".repeat(2_000);
    for text in [
        "😀😀😀",
        "\u{202e}evil\u{202c}",
        "مرحبا كيف حالك",
        "mixed 中文 и русский",
        long.as_str(),
    ] {
        let reading = read(encoder(), &book, &model, 0, &all, text, rule).expect("a reading");
        assert!(reading.candidates.iter().all(|c| c.similarity.is_finite()));
        assert_eq!(
            reading.cut,
            text.chars().count() > callsim_core::understand::MAX_CHARS
        );
    }
}

#[derive(Deserialize)]
struct Set {
    scenario: String,
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    node: String,
    lang: String,
    text: String,
    reply: Option<String>,
    split: String,
}

/// Paraphrases on the report split (never tuned on): no off-topic line is
/// played, and the right reply ranks first in at least 85% of cases in
/// every language. The aim is 97%; docs/performance.md ("Understanding
/// typed replies") records where each language stands. This guards
/// against a change to the model, the rules or the examples that loses
/// ground.
#[test]
fn paraphrases_rank_first_and_off_topic_lines_are_never_played() {
    let mut tally: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    let mut played_off_topic = Vec::new();
    for entry in
        std::fs::read_dir(root().join("tests/understanding/paraphrases")).expect("the paraphrase sets")
    {
        let path = entry.expect("an entry").path();
        let set: Set =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("a set");
        let model = model(&set.scenario);
        let book = Phrasebook::new(&model, encoder());
        for item in set.items.iter().filter(|i| i.split == "report") {
            let reading = read_at(&model, &book, &item.node, &item.text);
            match &item.reply {
                Some(reply) => {
                    let t = tally.entry(item.lang.clone()).or_default();
                    t.1 += 1;
                    t.0 += usize::from(reading.best().is_some_and(|b| &b.reply == reply));
                }
                None if reading.verdict == Verdict::Understood => played_off_topic.push(item.text.clone()),
                None => {}
            }
        }
    }
    assert!(
        played_off_topic.is_empty(),
        "off-topic lines played: {played_off_topic:?}"
    );
    for (lang, (first, all)) in tally {
        assert!(all > 20, "{lang}: {all} paraphrases");
        assert!(first * 100 >= all * 85, "{lang}: {first}/{all} ranked first");
    }
}

fn typed(text: &str) -> Typed {
    Typed {
        text: text.to_owned(),
        verdict: Verdict::NotUnderstood,
        understood_as: None,
        similarity: 0.1,
        flagged: false,
    }
}

#[test]
fn a_reply_not_understood_costs_a_turn_and_patience_and_replays() {
    let model = model("missing-bonus-number");
    let mut call = Call::start(Arc::clone(&model), 3, "en");
    let node = call.node_id().to_owned();
    let options: Vec<String> = call.options().iter().map(|o| o.id.clone()).collect();
    let anger = call
        .meters()
        .iter()
        .find(|m| m.id == "anger")
        .expect("anger")
        .value;
    let step = call.not_understood(typed("blah blah")).expect("a turn");
    assert_eq!(step.turn.reply, NOT_UNDERSTOOD_ID);
    assert_eq!(
        step.caller.as_deref(),
        Some("Sorry, I don't follow. What do you mean?")
    );
    assert_eq!(call.node_id(), node, "the call stays at the same moment");
    let after: Vec<String> = call.options().iter().map(|o| o.id.clone()).collect();
    assert_eq!(after, options, "the same options, in the same order");
    let rule = &model.scenario.rules.not_understood;
    let now = call
        .meters()
        .iter()
        .find(|m| m.id == "anger")
        .expect("anger")
        .value;
    assert_eq!(now, anger + rule.anger);
    assert_eq!(step.turn.seconds, rule.seconds);
    assert_eq!(step.turn.points.total(), 0);
    assert_eq!(
        step.turn.typed.as_ref().map(|t| t.text.as_str()),
        Some("blah blah")
    );

    // Played to an end, the call replays to the same debrief, and the
    // debrief keeps what was typed.
    let first = call.options()[0].id.clone();
    call.choose_typed(&first, typed("whatever I meant"))
        .expect("a reply");
    while !call.is_over() {
        let id = call.options()[0].id.clone();
        call.choose_id(&id).expect("a reply");
    }
    let debrief = call.debrief().expect("over");
    let replayed = Call::replay(Arc::clone(&model), &call.record()).expect("replays");
    let again = replayed.debrief().expect("over");
    assert_eq!(debrief.respect, again.respect);
    assert_eq!(debrief.ending, again.ending);
    assert_eq!(
        debrief.turns[0].turn.typed.as_ref().map(|t| t.text.as_str()),
        Some("blah blah")
    );
    let json = serde_json::to_string(&debrief).expect("serialises");
    let back: callsim_core::Debrief = serde_json::from_str(&json).expect("reads back");
    assert_eq!(
        back.turns[1].turn.typed.as_ref().map(|t| t.text.as_str()),
        Some("whatever I meant")
    );
}

#[test]
fn typing_nonsense_again_and_again_ends_the_call_instead_of_looping() {
    let model = model("dinner-time-call");
    let mut call = Call::start(Arc::clone(&model), 1, "en");
    let mut turns = 0;
    while !call.is_over() {
        call.not_understood(typed("??")).expect("a turn");
        turns += 1;
        assert!(turns <= model.scenario.max_turns as usize, "the call must end");
    }
    let debrief = call.debrief().expect("over");
    assert!(!debrief.ending.kind.is_good(), "{:?}", debrief.ending);
}

#[test]
fn replies_never_offered_together_are_not_reported_as_too_close() {
    // `back_to_your_number` (before the account is checked) and
    // `back_to_your_number_checked` (after) share a node but never the
    // options list: made word for word the same, they are still no warning.
    let shipped = model("missing-bonus-number");
    let mut scenario = shipped.scenario.clone();
    let node = scenario
        .nodes
        .iter()
        .position(|n| n.replies.iter().any(|r| r.id == "back_to_your_number_checked"))
        .expect("the node");
    let replies = &mut scenario.nodes[node].replies;
    let plain = replies
        .iter()
        .position(|r| r.id == "back_to_your_number")
        .expect("reply");
    let checked = replies
        .iter()
        .position(|r| r.id == "back_to_your_number_checked")
        .expect("reply");
    replies[checked].text = replies[plain].text.clone();
    let too_close = |scenario: callsim_core::scenario::Scenario| {
        let model = Model::new(scenario).expect("compiles");
        callsim_core::understand::lint(&model, encoder())
            .into_iter()
            .filter(|f| f.code == "replies-too-close")
            .count()
    };
    assert_eq!(
        too_close(scenario.clone()),
        0,
        "Checked and Not(Checked) never meet"
    );

    // Without their conditions they could be offered together: reported.
    for r in [plain, checked] {
        scenario.nodes[node].replies[r].when.clear();
    }
    assert_eq!(too_close(scenario), 1);
}
