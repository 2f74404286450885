//! Scenarios built from the fuzzer's bytes, so most inputs load and the
//! engine, analysis, debrief and replay get exercised, not only the loader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (shape, choices) = data.split_at(data.len() * 3 / 4);
    let source = callsim_fuzz::generated::scenario_from_bytes(shape);
    callsim_fuzz::generated::exercise(&source, choices);
});
