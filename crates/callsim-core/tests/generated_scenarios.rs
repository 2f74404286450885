//! A property test on stable: scenarios generated from random bytes (the
//! same generator the fuzz targets use, `support/generated.rs`) go the
//! whole way through callsim without a panic, a replay equals the call's
//! debrief, and the analysis stays within its bound. Cases and time are
//! bounded; `scripts/fuzz.sh` searches far longer.

#[path = "support/generated.rs"]
mod generated;

use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

const CASES: usize = 400;
const TIME: Duration = Duration::from_secs(60);

#[test]
fn generated_scenarios_never_panic_and_replay_to_the_same_debrief() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let started = Instant::now();
    let (mut cases, mut loaded, mut played) = (0, 0, 0);
    while cases < CASES && started.elapsed() < TIME {
        let bytes: Vec<u8> = (0..rng.random_range(0..400)).map(|_| rng.random()).collect();
        let choices: Vec<u8> = (0..41).map(|_| rng.random()).collect();
        let source = generated::scenario_from_bytes(&bytes);
        let outcome =
            std::panic::catch_unwind(|| generated::exercise(&source, &choices)).unwrap_or_else(|_| {
                panic!("case {cases} panicked; its scenario:\n{source}\nchoices: {choices:?}")
            });
        cases += 1;
        loaded += usize::from(outcome.loaded);
        played += usize::from(outcome.played);
    }
    assert!(cases >= 50, "only {cases} cases ran in {TIME:?}");
    // The generator must mostly make scenarios that load, or it tests
    // only the loader's errors.
    assert!(
        loaded * 3 >= cases,
        "{loaded} of {cases} generated scenarios loaded"
    );
    assert!(
        played * 5 >= cases,
        "{played} of {cases} generated scenarios were played to the end"
    );
}

/// Bytes the fuzzer found, kept: each once broke a promise.
#[test]
fn fuzz_finds_stay_fixed() {
    let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/regressions"));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let bytes = std::fs::read(entry.path()).expect("a kept input is readable");
        let source = match entry.path().extension().and_then(|e| e.to_str()) {
            Some("ron") => String::from_utf8_lossy(&bytes).into_owned(),
            _ => generated::scenario_from_bytes(&bytes),
        };
        generated::exercise(&source, &bytes);
    }
}
