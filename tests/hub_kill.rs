//! The hub killed (SIGKILL) in the middle of a trainee's uploads: nothing it
//! acknowledged is lost, the game's outbox keeps the rest while the hub is
//! down and sends it once the hub is back, and nothing arrives twice.

#[path = "../crates/callsim-hub/tests/hub_support/mod.rs"]
mod hub_support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use callsim_core::Debrief;
use callsim_trainee::class::{HubClient, Membership, Mode, Outbox};
use hub_support::*;

/// Starts `callsim serve` and waits for its "ready" line; returns the child
/// and the address it listens on.
fn serve(data: &Path, addr: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callsim"))
        .args(["serve", "--addr", addr, "--data"])
        .arg(data)
        .arg("--scenarios")
        .arg(scenarios_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the hub starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut address = None;
    for line in lines.by_ref() {
        let line = line.expect("a line");
        if let Some(rest) = line.strip_prefix("callsim hub listening on http://") {
            address = rest.split_whitespace().next().map(str::to_owned);
        }
        if line == "ready" {
            break;
        }
    }
    // Keep reading so the hub never blocks on a full pipe.
    thread::spawn(move || for _ in lines {});
    (child, address.expect("the hub says where it listens"))
}

/// Queues a finished call for the class; its attempt id.
fn queue(outbox: &Outbox, me: &Membership, debrief: &Debrief) -> String {
    let upload = upload_of(debrief);
    outbox.enqueue_upload(me, &upload).expect("queued");
    upload.attempt_id
}

#[test]
fn killing_the_hub_mid_upload_loses_nothing_it_acknowledged() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = dir.path().join("hub");
    let (mut hub, addr) = serve(&data, "127.0.0.1:0");
    let c = HubClient::new(&addr).expect("address");
    let (join_code, secret) = class(&c, "Kill", Mode::Practice);
    let outbox = Arc::new(Outbox::open(&dir.path().join("outbox.sqlite3")).expect("the outbox opens"));
    let me = outbox.join(&c, &join_code, "Ana").expect("joins");

    let reference = model(REFERENCE);
    let mut queued = Vec::new();
    for seed in 0..30 {
        let debrief = play(&reference, seed, if seed % 2 == 0 { best } else { first });
        queued.push(queue(&outbox, &me, &debrief));
    }
    assert_eq!(outbox.pending().expect("counts"), 30);

    // The game's sender keeps going while the hub dies under it.
    let stop = Arc::new(AtomicBool::new(false));
    let sender = {
        let (outbox, stop) = (Arc::clone(&outbox), Arc::clone(&stop));
        thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let _ = outbox.send_pending();
                thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while outbox.pending().expect("counts") > 24 {
        assert!(Instant::now() < deadline, "uploads did not start");
        thread::sleep(Duration::from_millis(1));
    }
    hub.kill().expect("SIGKILL");
    hub.wait().expect("the hub is gone");
    // Let the sender notice the hub is gone, then stop it.
    thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::SeqCst);
    sender.join().expect("the sender thread");

    let waiting: HashSet<String> = outbox
        .waiting()
        .expect("lists")
        .into_iter()
        .map(|w| {
            assert!(!w.rejected, "nothing was refused: {}", w.last_error);
            w.attempt_id
        })
        .collect();
    let acknowledged: Vec<String> = queued
        .iter()
        .filter(|id| !waiting.contains(*id))
        .cloned()
        .collect();
    assert!(
        acknowledged.len() >= 6,
        "some attempts were acknowledged before the kill"
    );
    assert!(!waiting.is_empty(), "the kill came before the last upload");

    // While the hub is down, another call ends: it waits too.
    let late = play(&reference, 99, last_spoken);
    queued.push(queue(&outbox, &me, &late));
    let report = outbox.send_pending().expect("tries");
    assert_eq!(report.sent, 0);
    assert!(report.unreachable.is_some(), "{report:?}");
    assert_eq!(outbox.pending().expect("counts"), waiting.len() + 1);

    // The hub comes back on the same address and data.
    let (mut hub, again) = serve(&data, &addr);
    assert_eq!(again, addr);
    let report = outbox.send_pending().expect("sends");
    assert_eq!(outbox.pending().expect("counts"), 0, "{report:?}");
    assert_eq!(report.sent + report.already_there, waiting.len() + 1);
    assert!(report.rejected.is_empty(), "{report:?}");

    let stored = c.my_attempts(&me.token).expect("lists");
    let stored_ids: HashSet<&str> = stored.iter().map(|a| a.attempt_id.as_str()).collect();
    assert_eq!(stored.len(), queued.len(), "nothing doubled");
    assert_eq!(
        stored_ids,
        queued.iter().map(String::as_str).collect::<HashSet<_>>(),
        "nothing lost"
    );
    for id in acknowledged {
        assert!(stored_ids.contains(id.as_str()));
    }
    let results = c.results(&secret, &join_code).expect("results");
    assert_eq!(results["attempts"].as_u64(), Some(queued.len() as u64));
    hub.kill().expect("stops");
    hub.wait().expect("stopped");
}
