//! The encoder's own vectors (no head) for texts read from standard input,
//! one per line, written to standard output as little-endian f32, 512 per
//! text, in order. `scripts/train-head.py` trains callsim's head on them.
//!
//! ```text
//! cargo run --release -p callsim-understand --example embed_base < texts.txt > vectors.f32
//! ```

use std::io::{BufRead, Write};

use callsim_understand::{Encoder, default_model_dir};

fn main() {
    let encoder = match Encoder::load_base(&default_model_dir()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let Ok(line) = line else {
            eprintln!("standard input is not UTF-8 text");
            std::process::exit(1);
        };
        let vector = encoder.embed(&line);
        for v in vector.as_slice() {
            if out.write_all(&v.to_le_bytes()).is_err() {
                std::process::exit(1);
            }
        }
    }
    if out.flush().is_err() {
        std::process::exit(1);
    }
}
