//! Raw bytes as a scenario file: parse, validate, compile, analyse, draw,
//! a short call, its debrief and its replay. Inputs that are not UTF-8
//! stop where `load_file` would report them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        // The file's own bytes pick the replies: any choice is fine.
        callsim_fuzz::generated::exercise(source, data);
    }
});
