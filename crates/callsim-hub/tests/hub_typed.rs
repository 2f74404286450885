//! Typed replies at the hub: an attempt with the trainee's own words is
//! checked by replaying its choices as any other, its words are kept, and
//! the results page shows the facilitator, per scenario, what the game did
//! not understand and what trainees flagged as not what they meant,
//! escaped. A flag set after the call was sent still arrives; nothing else
//! about a sent attempt can change.

mod hub_support;

use std::sync::Arc;

use callsim_core::call::{Call, Typed};
use callsim_core::understand::Verdict;
use callsim_core::{Debrief, Model};
use callsim_hub::RunningHub;
use callsim_trainee::class::{AttemptUpload, ClientError, Mode, Receipt};
use hub_support::*;

const NOT_UNDERSTOOD: &str = "<script>alert('x')</script> hmm, the numbers & stuff?";
const MISREAD: &str = "Sorry, I'll look up the draw for you";

fn typed(text: &str, understood_as: Option<&str>, verdict: Verdict) -> Typed {
    Typed {
        text: text.into(),
        verdict,
        understood_as: understood_as.map(str::to_owned),
        similarity: 0.5,
        flagged: false,
    }
}

/// A call where the first reply typed is not understood, then every reply
/// is typed and played as the best one; returns the debrief and the text
/// of the reply turn 2 was taken for.
fn typed_call(model: &Arc<Model>) -> (Debrief, String) {
    let mut call = Call::start(Arc::clone(model), 31, "en");
    let closest = call.hint().map(|o| o.id.clone());
    call.not_understood(typed(NOT_UNDERSTOOD, closest.as_deref(), Verdict::NotUnderstood))
        .expect("a turn not understood");
    let mut taken = String::new();
    while !call.is_over() {
        let best = call.hint().cloned().expect("a best reply");
        let words = if call.turns().len() == 1 {
            taken = best.text.clone();
            MISREAD.to_owned()
        } else {
            format!("typed words for {}", best.id)
        };
        call.choose_typed(&best.id, typed(&words, Some(&best.id), Verdict::Understood))
            .expect("the best reply is on offer");
    }
    (call.debrief().expect("over"), taken)
}

fn flag(upload: &mut AttemptUpload, number: usize, flagged: bool) {
    let typed = upload
        .debrief
        .turns
        .iter_mut()
        .find(|t| t.turn.number == number)
        .and_then(|t| t.turn.typed.as_mut())
        .expect("a typed turn");
    typed.flagged = flagged;
}

fn page_text(hub: &RunningHub, code: &str, secret: &str) -> String {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .get(format!("{}/class/{}", hub.url(), code.replace('-', "")))
        .header("Authorization", format!("Bearer {secret}"))
        .call()
        .expect("the page answers");
    assert_eq!(response.status().as_u16(), 200);
    response.body_mut().read_to_string().expect("a page")
}

/// The `#typed` section of the page.
fn typed_section(page: &str) -> &str {
    let start = page.find("<section id=\"typed\">").expect("a typed section");
    let end = page[start..].find("</section>").map_or(page.len(), |e| start + e);
    &page[start..end]
}

#[test]
fn typed_words_reach_the_results_page_escaped_and_a_later_flag_follows() {
    typed_words_and_flags(&sqlite_hub());
}

#[test]
fn typed_words_and_flags_on_postgresql() {
    if let Some(hub) = postgres_hub("typed_words_and_flags_on_postgresql") {
        typed_words_and_flags(&hub);
    }
}

fn typed_words_and_flags(hub: &RunningHub) {
    let c = client(hub);
    let (code, secret) = class(&c, "Typing class", Mode::Exam);
    let ana = c.join(&code, "Ana").expect("joins");
    let reference = model(REFERENCE);

    let page = page_text(hub, &code, &secret);
    assert!(
        typed_section(&page).contains("Nothing yet"),
        "{}",
        typed_section(&page)
    );

    let (debrief, taken) = typed_call(&reference);
    let mut upload = upload_of(&debrief);
    flag(&mut upload, 2, true);
    let receipt = c
        .upload(&ana.token, &upload)
        .expect("an honest typed call is taken");
    assert_eq!(receipt.receipt, Receipt::Recorded);
    assert!(receipt.verified, "checked by replay, typed or not");
    assert_eq!(
        (receipt.respect, receipt.sincerity),
        (debrief.respect.percent, debrief.sincerity.percent)
    );

    let page = page_text(hub, &code, &secret);
    let typed = typed_section(&page);
    assert!(
        typed.contains("What trainees typed that was not understood (1)"),
        "{typed}"
    );
    assert!(
        typed.contains("&lt;script&gt;alert('x')&lt;/script&gt; hmm, the numbers &amp; stuff?"),
        "{typed}"
    );
    assert!(!page.contains("<script>alert"), "the trainee's words are escaped");
    assert!(typed.contains("Flagged as not what they meant (1)"), "{typed}");
    assert!(
        typed.contains(&format!("“{MISREAD}” understood as “{}”", taken)),
        "{typed}"
    );
    assert!(typed.contains("Ana"), "{typed}");

    // Flags change after the call was sent: the hub takes them, and only them.
    flag(&mut upload, 2, false);
    flag(&mut upload, 3, true);
    let again = c.upload(&ana.token, &upload).expect("a change of flags is taken");
    assert_eq!(again.receipt, Receipt::AlreadyRecorded);
    let page = page_text(hub, &code, &secret);
    let typed = typed_section(&page);
    assert!(!typed.contains(MISREAD), "the withdrawn flag is gone: {typed}");
    assert!(typed.contains("typed words for"), "{typed}");
    assert_eq!(
        c.my_attempts(&ana.token).expect("lists").len(),
        1,
        "still one attempt"
    );

    let mut reworded = upload.clone();
    reworded.debrief.turns[1].turn.typed.as_mut().expect("typed").text = "something else entirely".into();
    match c.upload(&ana.token, &reworded) {
        Err(ClientError::Refused { code, .. }) => assert_eq!(code, "attempt-conflict"),
        other => panic!("rewording a sent call must be refused, got {other:?}"),
    }

    // The results as JSON carry the same lists.
    let results = c.results(&secret, &code).expect("results");
    let scenario = results["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .find(|s| s["id"] == REFERENCE)
        .expect("the reference scenario");
    assert_eq!(scenario["not_understood"][0]["text"], NOT_UNDERSTOOD);
    assert_eq!(scenario["not_understood"][0]["trainee"], "Ana");
    assert_eq!(scenario["flagged"].as_array().map(Vec::len), Some(1));

    // A flag still reaches a closed class; a new call does not.
    c.close_class(&secret, &code).expect("closed");
    flag(&mut upload, 3, false);
    flag(&mut upload, 4, true);
    let closed = c
        .upload(&ana.token, &upload)
        .expect("a flag after closing is taken");
    assert_eq!(closed.receipt, Receipt::AlreadyRecorded);
    let page = page_text(hub, &code, &secret);
    assert!(
        typed_section(&page).contains("typed words for"),
        "{}",
        typed_section(&page)
    );
    let (fresh, _) = typed_call(&reference);
    match c.upload(&ana.token, &upload_of(&fresh)) {
        Err(ClientError::Refused { code, .. }) => assert_eq!(code, "class-closed"),
        other => panic!("a new call to a closed class must be refused, got {other:?}"),
    }
}

#[test]
fn typed_words_cannot_move_a_score() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, _) = class(&c, "Forgers", Mode::Exam);
    let ben = c.join(&code, "Ben").expect("joins");
    let reference = model(REFERENCE);
    let (debrief, _) = typed_call(&reference);

    // A turn not understood claimed as understood as the best reply: the
    // replay of the choices says otherwise.
    let mut forged = upload_of(&debrief);
    let best = forged.debrief.turns[1].turn.reply.clone();
    let first = &mut forged.debrief.turns[0].turn;
    let words = first.typed.as_mut().expect("typed");
    words.understood_as = Some(best.clone());
    words.verdict = Verdict::Understood;
    first.reply = best;
    match c.upload(&ben.token, &forged) {
        Err(ClientError::Refused { code, message, .. }) => {
            assert_eq!(code, "forged-scores", "{message}");
            assert!(message.contains("turn 1"), "{message}");
        }
        other => panic!("a forged typed turn must be refused, got {other:?}"),
    }

    // What the game took words for is the game's note, kept for the
    // trainer: it moves nothing. The scores are the replay's.
    let mut noted = upload_of(&debrief);
    let words = noted.debrief.turns[0].turn.typed.as_mut().expect("typed");
    words.understood_as = Some("no-such-reply".into());
    words.similarity = 0.99;
    let receipt = c.upload(&ben.token, &noted).expect("taken");
    assert!(receipt.verified);
    assert_eq!(
        (receipt.respect, receipt.sincerity),
        (debrief.respect.percent, debrief.sincerity.percent)
    );
}
