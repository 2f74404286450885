//! Load time and time per sentence, on one core.
//!
//! ```text
//! cargo run --release --example embed_bench [MODEL_DIR]
//! ```
//!
//! Embeds every fixture sentence (tests/fixtures/reference-vectors.json) and
//! prints the median and worst time per sentence, then the same for a
//! 1000-iteration loop over a typed call-centre reply.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use callsim_understand::{Encoder, default_model_dir};

const FIXTURE: &str = include_str!("../tests/fixtures/reference-vectors.json");
const REPLY: &str = "I'm so sorry about that, let me check your account right now and sort it out";

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(default_model_dir);
    let start = Instant::now();
    let encoder = match Encoder::load(&dir) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!("model load: {:.1} ms ({})", ms(start.elapsed()), dir.display());

    let texts = fixture_texts();
    // warm up: page in the weights
    for t in &texts {
        std::hint::black_box(encoder.embed(t));
    }
    let mut rows = Vec::new();
    for t in &texts {
        let tokens = encoder.token_ids(t).len();
        let mut best = Duration::MAX;
        for _ in 0..5 {
            let s = Instant::now();
            std::hint::black_box(encoder.embed(std::hint::black_box(t)));
            best = best.min(s.elapsed());
        }
        rows.push((best, tokens, t.chars().take(40).collect::<String>()));
    }
    let mut times: Vec<Duration> = rows.iter().map(|r| r.0).collect();
    times.sort();
    let worst = rows
        .iter()
        .max_by_key(|r| r.0)
        .map(|r| (r.1, r.2.clone()))
        .unwrap_or_default();
    println!(
        "fixture, {} sentences (best of 5 each): fastest {:.3} ms, median {:.3} ms, worst {:.3} ms ({} tokens: {:?}…)",
        times.len(),
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        worst.0,
        worst.1
    );
    let short: Vec<Duration> = rows.iter().filter(|r| r.1 <= 40).map(|r| r.0).collect();
    println!(
        "  of which up to 40 tokens ({}): worst {:.3} ms",
        short.len(),
        ms(short.iter().copied().max().unwrap_or_default())
    );

    let tokens = encoder.token_ids(REPLY).len();
    let mut loop_times = Vec::with_capacity(1000);
    let all = Instant::now();
    for _ in 0..1000 {
        let s = Instant::now();
        std::hint::black_box(encoder.embed(std::hint::black_box(REPLY)));
        loop_times.push(s.elapsed());
    }
    let total = all.elapsed();
    loop_times.sort();
    println!(
        "1000 × one reply ({} words, {tokens} tokens): median {:.3} ms, p99 {:.3} ms, worst {:.3} ms, mean {:.3} ms",
        REPLY.split_whitespace().count(),
        ms(loop_times[500]),
        ms(loop_times[990]),
        ms(loop_times[999]),
        ms(total) / 1000.0
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The "text" fields of the fixture, without a JSON parser: every value after
/// `"text":` up to the closing quote, unescaped.
fn fixture_texts() -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = FIXTURE;
    while let Some(i) = rest.find("\"text\":\"") {
        rest = &rest[i + 8..];
        let mut text = String::new();
        let mut chars = rest.char_indices();
        while let Some((j, c)) = chars.next() {
            match c {
                '"' => {
                    rest = &rest[j + 1..];
                    break;
                }
                '\\' => match chars.next().map(|(_, c)| c) {
                    Some('n') => text.push('\n'),
                    Some('t') => text.push('\t'),
                    Some('r') => text.push('\r'),
                    Some('u') => {
                        let hex: String = (0..4).filter_map(|_| chars.next().map(|(_, c)| c)).collect();
                        let cp = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                        text.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                    }
                    Some(c) => text.push(c),
                    None => {}
                },
                c => text.push(c),
            }
        }
        out.push(text);
    }
    out
}
