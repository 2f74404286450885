//! Load on loopback: 40 trainees join and upload 10 attempts each at once
//! while the facilitator keeps reading the results. Nothing may be lost or
//! doubled and every answer must be right; the figures it prints are a
//! benchmark (`scripts/bench-hub.sh`), never asserted.

mod hub_support;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use callsim_hub::RunningHub;
use callsim_hub::sqlite::Sqlite;
use callsim_hub::store::{Storage, Store};
use callsim_trainee::class::{Mode, Receipt};
use hub_support::*;

const TRAINEES: usize = 40;
const ATTEMPTS: usize = 10;
/// The test gives up (and fails) rather than run on.
const DEADLINE: Duration = Duration::from_secs(300);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn load(hub: &RunningHub, backend: &str) {
    let start = Instant::now();
    let reference = model(REFERENCE);
    // A spread of real calls, good and poor, for the hub to replay.
    let debriefs: Arc<Vec<callsim_core::Debrief>> = Arc::new(
        (0..20u64)
            .map(|seed| match seed % 3 {
                0 => play(&reference, seed, best),
                1 => play(&reference, seed, first),
                _ => play(&reference, seed, last_spoken),
            })
            .collect(),
    );
    let c = client(hub);
    let (join_code, secret) = class(&c, "Load", Mode::Practice);

    let stop_reading = Arc::new(AtomicBool::new(false));
    let reader = {
        let (c, join_code, secret, stop) = (
            client(hub),
            join_code.clone(),
            secret.clone(),
            Arc::clone(&stop_reading),
        );
        thread::spawn(move || {
            let mut latencies = Vec::new();
            let mut last_seen = 0;
            while !stop.load(Ordering::SeqCst) && start.elapsed() < DEADLINE {
                let t = Instant::now();
                let results = c
                    .results(&secret, &join_code)
                    .expect("the facilitator reads the results");
                latencies.push(t.elapsed());
                let seen = results["attempts"].as_u64().expect("a count") as usize;
                assert!(
                    seen >= last_seen,
                    "the attempt count never goes down ({last_seen} then {seen})"
                );
                assert!(seen <= TRAINEES * ATTEMPTS);
                last_seen = seen;
                thread::sleep(Duration::from_millis(50));
            }
            latencies
        })
    };

    let began = Instant::now();
    let trainees: Vec<_> = (0..TRAINEES)
        .map(|n| {
            let (c, join_code, debriefs) = (client(hub), join_code.clone(), Arc::clone(&debriefs));
            thread::spawn(move || {
                let t = Instant::now();
                let joined = c.join(&join_code, &format!("Trainee {n:02}")).expect("joins");
                let mut latencies = vec![t.elapsed()];
                let mut sent = Vec::new();
                for i in 0..ATTEMPTS {
                    assert!(start.elapsed() < DEADLINE, "the load test ran out of time");
                    let debrief = &debriefs[(n * ATTEMPTS + i) % debriefs.len()];
                    let upload = upload_of(debrief);
                    let t = Instant::now();
                    let receipt = c
                        .upload(&joined.token, &upload)
                        .expect("the upload is acknowledged");
                    latencies.push(t.elapsed());
                    assert_eq!(receipt.receipt, Receipt::Recorded);
                    assert!(receipt.verified);
                    assert_eq!(receipt.attempt_id, upload.attempt_id);
                    assert_eq!(
                        (receipt.respect, receipt.sincerity),
                        (debrief.respect.percent, debrief.sincerity.percent)
                    );
                    sent.push(upload.attempt_id);
                }
                (joined.token, sent, latencies)
            })
        })
        .collect();
    let finished: Vec<_> = trainees
        .into_iter()
        .map(|t| t.join().expect("a trainee thread"))
        .collect();
    let elapsed = began.elapsed();
    stop_reading.store(true, Ordering::SeqCst);
    let mut reads = reader.join().expect("the facilitator thread");

    // Every acknowledged attempt is there exactly once, under its trainee.
    let mut all_ids = HashSet::new();
    for (token, sent, _) in &finished {
        let stored = c.my_attempts(token).expect("lists");
        let stored_ids: HashSet<&str> = stored.iter().map(|a| a.attempt_id.as_str()).collect();
        assert_eq!(stored.len(), ATTEMPTS, "no attempt lost or doubled");
        assert_eq!(
            stored_ids,
            sent.iter().map(String::as_str).collect::<HashSet<_>>()
        );
        all_ids.extend(sent.iter().cloned());
    }
    assert_eq!(all_ids.len(), TRAINEES * ATTEMPTS);
    let results = c.results(&secret, &join_code).expect("results");
    assert_eq!(results["attempts"].as_u64(), Some((TRAINEES * ATTEMPTS) as u64));
    assert_eq!(results["trainees"].as_array().map(Vec::len), Some(TRAINEES));

    let mut uploads: Vec<Duration> = finished
        .iter()
        .flat_map(|(_, _, l)| l[1..].iter().copied())
        .collect();
    uploads.sort();
    reads.sort();
    let requests = TRAINEES * (ATTEMPTS + 1);
    eprintln!(
        "class hub load ({backend}): {TRAINEES} trainees x {ATTEMPTS} attempts in {:.2} s: {:.0} uploads/s, {:.0} requests/s",
        elapsed.as_secs_f64(),
        (TRAINEES * ATTEMPTS) as f64 / elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64()
    );
    eprintln!(
        "  upload latency: p50 {}, p95 {}, max {}",
        ms(percentile(&uploads, 0.5)),
        ms(percentile(&uploads, 0.95)),
        ms(percentile(&uploads, 1.0))
    );
    eprintln!(
        "  results reads meanwhile: {} reads, p50 {}, p95 {}",
        reads.len(),
        ms(percentile(&reads, 0.5)),
        ms(percentile(&reads, 0.95))
    );
}

#[test]
fn forty_trainees_upload_at_once_and_nothing_is_lost_or_doubled() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    // A file on disk with full sync, as `callsim serve` runs.
    let store: Arc<dyn Storage> = Arc::new(Store {
        backend: Sqlite::open(&dir.path().join("hub.sqlite3")).expect("opens"),
    });
    let hub = RunningHub::start(store, library()).expect("starts");
    load(&hub, "SQLite file");
}

#[test]
fn forty_trainees_upload_at_once_on_postgresql() {
    if let Some(hub) = postgres_hub("the load test") {
        load(&hub, "PostgreSQL");
    }
}
