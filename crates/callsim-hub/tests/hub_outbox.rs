//! The trainee's outbox against hubs that answer badly: only the hub's
//! refusal of the attempt itself sets an attempt aside; a wrong address, a
//! hub that forgot the trainee or a scenario it lacks keep it waiting, with
//! the reason kept for the class screen.

mod hub_support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use callsim_core::call::CallRecord;
use callsim_trainee::class::{AttemptUpload, ClassInfo, Membership, Mode, Outbox, WaitReason};
use callsim_trainee::progress::ProgressStore;
use hub_support::*;

/// A server on loopback that answers every request with `response` (a
/// whole HTTP response), for at most `count` connections.
fn fake_server(response: &'static str, count: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
    let addr = listener.local_addr().expect("an address");
    std::thread::spawn(move || {
        for stream in listener.incoming().take(count) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            // Read the request's head and body (the body is small JSON).
            let mut seen = Vec::new();
            let mut buf = [0u8; 64 * 1024];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&seen);
                if let Some(head_end) = text.find("\r\n\r\n") {
                    let length = text[..head_end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if seen.len() >= head_end + 4 + length {
                        break;
                    }
                }
            }
            let _ = stream.write_all(response.as_bytes());
        }
    });
    format!("http://{addr}")
}

fn membership(hub: &str, token: &str) -> Membership {
    Membership {
        hub: hub.to_owned(),
        trainee_id: 1,
        name: "Ana".into(),
        token: token.to_owned(),
        class: ClassInfo {
            name: "Monday".into(),
            join_code: "K7M-Q2P".into(),
            mode: Mode::Practice,
            scenarios: Vec::new(),
            typing_required: false,
        },
    }
}

fn a_call(seed: u64) -> AttemptUpload {
    upload_of(&play(&model(REFERENCE), seed, best))
}

fn outbox() -> (tempfile::TempDir, Outbox) {
    let dir = tempfile::tempdir().expect("temp dir");
    let outbox = Outbox::open(&dir.path().join("class-outbox.sqlite3")).expect("opens");
    (dir, outbox)
}

#[test]
fn an_attempt_waits_when_a_wrong_address_answers_with_a_web_page() {
    let page = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 27\r\nConnection: close\r\n\r\n<html>Router login</html>\r\n";
    let address = fake_server(page, 4);
    let (_dir, outbox) = outbox();
    outbox
        .enqueue_upload(&membership(&address, "t_x"), &a_call(1))
        .expect("queued");
    for round in 1..=2 {
        let report = outbox.send_pending().expect("a round");
        assert!(report.rejected.is_empty(), "round {round}: {report:?}");
        assert_eq!(report.waiting, 1);
        let waiting = outbox.waiting().expect("reads");
        assert_eq!(waiting.len(), 1);
        assert!(!waiting[0].rejected, "a web page is no refusal");
        assert_eq!(waiting[0].tries, round, "tried again in round {round}");
        assert!(
            waiting[0].last_error.contains("is the address right?"),
            "the screen can say why: {}",
            waiting[0].last_error
        );
    }
    assert_eq!(outbox.pending().expect("counts"), 1);
}

#[test]
fn an_attempt_waits_when_a_wrong_address_answers_404() {
    let not_found = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found";
    let address = fake_server(not_found, 2);
    let (_dir, outbox) = outbox();
    outbox
        .enqueue_upload(&membership(&address, "t_x"), &a_call(1))
        .expect("queued");
    let report = outbox.send_pending().expect("a round");
    assert!(report.rejected.is_empty(), "{report:?}");
    let waiting = outbox.waiting().expect("reads");
    assert!(!waiting[0].rejected);
    assert!(waiting[0].last_error.contains("404"), "{}", waiting[0].last_error);
    assert_eq!(outbox.pending().expect("counts"), 1);
}

#[test]
fn attempts_wait_when_the_hub_no_longer_knows_the_trainee() {
    // As after the hub's database was reset: the token answers 401.
    let hub = sqlite_hub();
    let (_dir, outbox) = outbox();
    let m = membership(&hub.url(), "t_from_before_the_reset");
    outbox.enqueue_upload(&m, &a_call(1)).expect("queued");
    outbox.enqueue_upload(&m, &a_call(2)).expect("queued");
    let report = outbox.send_pending().expect("a round");
    assert!(report.rejected.is_empty(), "{report:?}");
    assert_eq!(report.waiting, 2);
    let waiting = outbox.waiting().expect("reads");
    assert_eq!(waiting.len(), 2);
    for w in &waiting {
        assert!(!w.rejected);
        assert!(
            w.last_error.contains("not known to the hub"),
            "each waiting attempt says why: {}",
            w.last_error
        );
    }
    assert_eq!(
        (waiting[0].tries, waiting[1].tries),
        (1, 0),
        "the round stopped at the first"
    );
}

#[test]
fn only_the_hubs_refusal_of_the_attempt_itself_sets_it_aside() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, _) = class(&c, "Monday", Mode::Exam);
    let (_dir, outbox) = outbox();
    let m = outbox.join(&c, &code, "Ana").expect("joins");

    let mut forged = a_call(1);
    let respect = &mut forged.debrief.respect;
    respect.worst = respect.total;
    respect.percent = respect.expected_percent();
    // In an exam, a scenario the hub lacks is refused for now: the
    // facilitator may add it, so the attempt waits and does not hold up
    // the ones behind it.
    let mut elsewhere = a_call(2);
    elsewhere.scenario = "not-on-this-hub".into();
    elsewhere.debrief.scenario = "not-on-this-hub".into();
    let honest = a_call(3);
    for upload in [&forged, &elsewhere, &honest] {
        outbox.enqueue_upload(&m, upload).expect("queued");
    }
    let report = outbox.send_pending().expect("a round");
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(report.rejected.len(), 1);
    assert_eq!(report.rejected[0].0, forged.attempt_id);
    assert_eq!(report.waiting, 1);
    let waiting = outbox.waiting().expect("reads");
    let by_id = |id: &str| waiting.iter().find(|w| w.attempt_id == id).expect("listed");
    assert!(by_id(&forged.attempt_id).rejected);
    assert!(
        by_id(&forged.attempt_id)
            .last_error
            .contains("replaying its choices")
    );
    assert!(!by_id(&elsewhere.attempt_id).rejected);
    assert!(
        by_id(&elsewhere.attempt_id)
            .last_error
            .contains("not-on-this-hub"),
        "{}",
        by_id(&elsewhere.attempt_id).last_error
    );
    assert_eq!(outbox.pending().expect("counts"), 1);
}

#[test]
fn a_call_saved_just_before_a_crash_reaches_the_hub_after_the_restart() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, _) = class(&c, "Crash test", Mode::Practice);
    let data = tempfile::tempdir().expect("temp dir");
    let outbox_file = data.path().join("class-outbox.sqlite3");
    let (key, token, uid, debrief) = {
        let outbox = Outbox::open(&outbox_file).expect("opens");
        let m = outbox.join(&c, &code, "Ana").expect("joins");
        let progress = ProgressStore::open(data.path()).expect("opens");
        let ana = progress.create_trainee("Ana").expect("created");
        let debrief = play(&model(REFERENCE), 5, best);
        let record = CallRecord {
            scenario: debrief.scenario.clone(),
            seed: debrief.seed,
            language: debrief.language.clone(),
            choices: debrief.choices.clone(),
        };
        let id = progress
            .record_attempt_for(ana, &debrief, &record, Mode::Practice, Some(&m.key()))
            .expect("the call is saved");
        let uid = progress.attempt(id).expect("reads").expect("kept").uid;
        // The game dies here: the outbox never heard of the call.
        (m.key(), m.token, uid, debrief)
    };
    assert!(c.my_attempts(&token).expect("lists").is_empty());

    // The next start.
    let progress = ProgressStore::open(data.path()).expect("opens after the crash");
    let outbox = Outbox::open(&outbox_file).expect("opens after the crash");
    assert_eq!(outbox.membership().expect("reads").map(|m| m.key()), Some(key));
    assert_eq!(outbox.catch_up(&progress).expect("caught up"), 1);
    let report = outbox.send_pending().expect("sends");
    assert_eq!(report.sent, 1, "{report:?}");
    let stored = c.my_attempts(&token).expect("lists");
    assert_eq!(stored.len(), 1);
    let id = uuid::Uuid::try_parse(&uid)
        .expect("a uuid")
        .hyphenated()
        .to_string();
    assert_eq!(
        stored[0].attempt_id, id,
        "under the id the progress store gave it"
    );
    assert!(stored[0].verified);
    assert_eq!(stored[0].respect, debrief.respect.percent);

    // Starting again sends nothing twice.
    assert_eq!(outbox.catch_up(&progress).expect("caught up"), 0);
    drop(outbox);
    let outbox = Outbox::open(&outbox_file).expect("opens");
    assert_eq!(outbox.catch_up(&progress).expect("caught up"), 0);
    assert_eq!(outbox.pending().expect("counts"), 0);
    assert_eq!(c.my_attempts(&token).expect("lists").len(), 1);
}

#[test]
fn each_waiting_call_says_why_in_a_kind_the_game_can_word() {
    // Nothing listens on this port.
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
        format!("http://{}", listener.local_addr().expect("an address"))
    };
    let (_dir, away) = outbox();
    away.enqueue_upload(&membership(&closed, "t_x"), &a_call(1))
        .expect("queued");
    assert_eq!(away.waiting().expect("reads")[0].reason(), WaitReason::NotTried);
    away.send_pending().expect("a round");
    let waiting = away.waiting().expect("reads");
    assert_eq!(waiting[0].reason(), WaitReason::Unreachable);
    assert!(!waiting[0].last_error.is_empty());

    let hub = sqlite_hub();
    let (_dir2, forgotten) = outbox();
    forgotten
        .enqueue_upload(&membership(&hub.url(), "t_unknown"), &a_call(2))
        .expect("queued");
    forgotten.send_pending().expect("a round");
    let waiting = forgotten.waiting().expect("reads");
    assert_eq!(waiting[0].reason(), WaitReason::UnknownTrainee, "{waiting:?}");
    assert!(!waiting[0].rejected, "it waits for the trainee to join again");
}

#[test]
fn calls_a_reset_hub_no_longer_took_go_with_the_trainee_who_joins_again() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, _) = class(&c, "After the reset", Mode::Practice);
    let (_dir, outbox) = outbox();
    outbox
        .enqueue_upload(&membership(&hub.url(), "t_from_before_the_reset"), &a_call(1))
        .expect("queued");
    outbox.send_pending().expect("a round");
    assert_eq!(
        outbox.waiting().expect("reads")[0].reason(),
        WaitReason::UnknownTrainee
    );

    let m = outbox.join(&c, &code, "Ana").expect("joins again");
    let report = outbox.send_pending().expect("a round");
    assert_eq!(report.sent, 1, "{report:?}");
    assert_eq!(outbox.pending().expect("counts"), 0);
    assert_eq!(c.my_attempts(&m.token).expect("lists").len(), 1);
}
