//! Every phrase the game compares a typed reply with, for every scenario in
//! a folder (default `scenarios/`): one JSON object per line,
//! `{"scenario", "node", "reply", "text"}`, in file order. Read through the
//! one loader, so it is exactly what the phrasebook embeds
//! (`understand::phrases`). `scripts/train-head.py` trains the head on them.
//!
//! ```text
//! cargo run --release -p callsim-core --example phrases [-- FOLDER]
//! ```

use std::path::PathBuf;

use callsim_core::scenario::{load_file, scenario_files};
use callsim_core::understand::phrases;

fn main() {
    let folder = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios"));
    let files = match scenario_files(&folder) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("{}: {e}", folder.display());
            std::process::exit(1);
        }
    };
    let mut failed = false;
    for file in files {
        let scenario = match load_file(&file) {
            Ok(loaded) => loaded.scenario,
            Err(e) => {
                eprintln!("{}", e.render());
                failed = true;
                continue;
            }
        };
        for node in &scenario.nodes {
            for reply in &node.replies {
                for text in phrases(reply) {
                    println!(
                        "{}",
                        serde_json::json!({"scenario": scenario.id, "node": node.id, "reply": reply.id, "text": text})
                    );
                }
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
