//! The command line's typed replies: `callsim understand` (what the model
//! makes of a text at a node, for trainers writing `examples`) and
//! `callsim play --typed` (a call in your own words, in the terminal).

use std::io::{self, BufRead, Write};
use std::path::Path;

use serde::Serialize;

use callsim_core::call::{Call, Typed};
use callsim_core::locale::labels::{Label, t, tf};
use callsim_core::understand::{Heard, Phrasebook, Reading, Verdict, first_visit, hear, offered, read};
use callsim_encoder::Encoder;

use crate::cli::{load_model, print_debrief, print_turn, said};

/// How to hang up when typing: hang-up is never matched from text.
const HANG_UP_COMMAND: &str = "/hangup";

/// The shipped sentence model, or a message naming the file that is wrong.
/// The sentence model, remembering the phrases it embeds in the data folder
/// (`CALLSIM_DATA_DIR` or the platform's), as the game does: a second
/// `check` of the same files embeds nothing again. Call
/// [`keep_embedded`] when done.
pub fn load_encoder() -> Result<Encoder, String> {
    let dir = callsim_encoder::default_model_dir();
    let encoder =
        Encoder::load(&dir).map_err(|e| format!("error: the sentence model cannot be loaded: {e}"))?;
    if let Some(folder) = callsim_trainee::progress::data_folder() {
        encoder.remember_in(&folder.join(callsim_trainee::progress::PHRASE_MEMO_FILE));
    }
    Ok(encoder)
}

/// Keeps what `encoder` embedded for the next run; a memo that cannot be
/// written costs only time, so it is a note, not an error.
pub fn keep_embedded(encoder: &Encoder) {
    if let Err(e) = encoder.save_memo() {
        eprintln!("note: the embedded phrases are not kept for next time: {e}");
    }
}

#[derive(Serialize)]
struct JsonCandidate<'a> {
    reply: &'a str,
    similarity: f32,
    offered: bool,
}

#[derive(Serialize)]
struct JsonReading<'a> {
    text: &'a str,
    verdict: &'static str,
    reply: Option<&'a str>,
    similarity: Option<f32>,
    cut: bool,
    candidates: Vec<JsonCandidate<'a>>,
    /// A reply of another moment that was closer (the verdict is then
    /// unsure at most).
    #[serde(skip_serializing_if = "Option::is_none")]
    elsewhere: Option<&'a callsim_core::understand::Elsewhere>,
}

/// `callsim understand FILE --node ID [TEXT]`: every reply written at the
/// node, ranked, each marked offered or not in the node's first-visit
/// state; the verdict treats them all as offered.
pub fn understand_cmd(file: &Path, node_id: &str, text: Option<&str>, json: bool) -> Result<(), String> {
    let model = load_model(file)?;
    let s = &model.scenario;
    let node = s.node_index(node_id).ok_or_else(|| {
        let ids: Vec<&str> = s.nodes.iter().map(|n| n.id.as_str()).collect();
        format!(
            "error: `{}` has no node `{node_id}`; its nodes are {}",
            file.display(),
            ids.join(", ")
        )
    })?;
    let encoder = load_encoder()?;
    let book = Phrasebook::new(&model, &encoder);
    keep_embedded(&encoder);
    let all: Vec<usize> = (0..s.nodes[node].replies.len()).collect();
    let offered_now = offered(&model, &first_visit(&model, node));
    let answer = |text: &str| -> Result<(), String> {
        let Some(mut reading) = read(&encoder, &book, &model, node, &all, text, &s.rules.understanding)
        else {
            if json {
                println!(r#"{{"text":"","verdict":"empty","reply":null,"similarity":null,"candidates":[]}}"#);
            } else {
                println!("(empty: nothing to understand)");
            }
            return Ok(());
        };
        for c in &mut reading.candidates {
            c.offered = offered_now.contains(&c.index);
        }
        if json {
            let best = reading.candidates.first();
            let line = JsonReading {
                text: &reading.text,
                verdict: reading.verdict.name(),
                reply: best
                    .filter(|_| reading.verdict != Verdict::NotUnderstood)
                    .map(|c| c.reply.as_str()),
                similarity: best.map(|c| c.similarity),
                cut: reading.cut,
                candidates: reading
                    .candidates
                    .iter()
                    .map(|c| JsonCandidate {
                        reply: &c.reply,
                        similarity: c.similarity,
                        offered: c.offered,
                    })
                    .collect(),
                elsewhere: reading.elsewhere.as_ref(),
            };
            println!("{}", serde_json::to_string(&line).map_err(|e| e.to_string())?);
        } else {
            print_reading(&reading);
        }
        Ok(())
    };
    match text {
        Some(text) => answer(text),
        None => {
            for line in io::stdin().lock().lines() {
                answer(&line.map_err(|e| format!("error: reading standard input: {e}"))?)?;
                let _ = io::stdout().flush();
            }
            Ok(())
        }
    }
}

fn print_reading(reading: &Reading) {
    let verdict = match reading.verdict {
        Verdict::Understood => "understood",
        Verdict::Unsure => "unsure",
        Verdict::NotUnderstood => "not understood",
    };
    let cut = if reading.cut { " (cut: too long)" } else { "" };
    println!("{:?}{cut}: {verdict}", reading.text);
    for c in &reading.candidates {
        let offered = if c.offered {
            ""
        } else {
            "  (not offered on arrival)"
        };
        println!("  {:>6.3}  {}{offered}", c.similarity, c.reply);
    }
    if let Some(e) = &reading.elsewhere {
        println!(
            "  closer to a reply of another moment: {:.3}  {} (node {}): unsure, not played",
            e.similarity, e.reply, e.node
        );
    }
}

/// `callsim play FILE --typed`: the trainee types what they would say.
/// Lines starting with `/` are commands: `/hangup`; when the game is
/// unsure, `1` or `2` picks the reply meant.
pub fn play_typed(file: &Path, lang: &str, seed: Option<u64>, json: bool) -> Result<(), String> {
    let model = load_model(file)?;
    let encoder = load_encoder()?;
    let book = Phrasebook::new(&model, &encoder);
    keep_embedded(&encoder);
    let seed = seed.unwrap_or_else(rand::random);
    let mut call = Call::start(model, seed, lang);
    let quiet = json;
    if !quiet {
        let s = &call.model().scenario;
        println!(
            "{} — {}  {}",
            s.text(&s.title, lang),
            s.text(&s.persona.name, lang),
            tf(lang, Label::SeedIs, &[("seed", &seed)])
        );
        println!(
            "{} ({HANG_UP_COMMAND}: {})",
            t(lang, Label::TypeYourReply),
            t(lang, Label::HangUp)
        );
        println!();
    }
    let stdin = io::stdin();
    let mut lines = stdin.lock().lines();
    let mut unsure: Option<Reading> = None;
    while !call.is_over() {
        if !quiet && unsure.is_none() {
            print_turn(&call, lang, true);
        }
        if !quiet {
            print!("> ");
            let _ = io::stdout().flush();
        }
        let line = match lines.next() {
            Some(Ok(line)) => line.trim().to_owned(),
            _ => return Err("no more input: the call was left unfinished".to_owned()),
        };
        if line == HANG_UP_COMMAND {
            let step = call
                .choose_id(callsim_core::call::HANG_UP_ID)
                .map_err(|e| e.to_string())?;
            if !quiet {
                println!("  {}{}", said(lang, Label::You), step.turn.text);
            }
            continue;
        }
        if let Some(reading) = unsure.take() {
            let pick = line.parse().ok().and_then(|n| reading.meant(n));
            if let Some(c) = pick {
                let id = c.reply.clone();
                let step = call
                    .choose_typed(&id, Typed::of(&reading))
                    .map_err(|e| e.to_string())?;
                if !quiet {
                    report(lang, &step.turn.text, &step);
                }
                continue;
            }
        }
        match hear(&mut call, &encoder, &book, &line).map_err(|e| e.to_string())? {
            None => {}
            Some(Heard::Played(step)) if !quiet => report(lang, &step.turn.text, &step),
            Some(Heard::NotUnderstood(_)) if !quiet => {
                println!("  ({})", t(lang, Label::NotUnderstood));
                println!();
            }
            Some(Heard::Played(_) | Heard::NotUnderstood(_)) => {}
            Some(Heard::Unsure(reading)) => {
                if !quiet {
                    println!("  {}", t(lang, Label::DidYouMean));
                    let s = &call.model().scenario;
                    let node = s.node_index(call.node_id()).unwrap_or(0);
                    for (n, c) in reading.choices().enumerate() {
                        let text = s.nodes[node]
                            .replies
                            .get(c.index)
                            .map(|r| s.text(&r.text, lang).to_owned())
                            .unwrap_or_default();
                        println!("  {}. {text}", n + 1);
                    }
                    println!("  {}", t(lang, Label::SayItAnotherWay));
                }
                unsure = Some(reading);
            }
        }
    }
    print_debrief(&call, json)
}

fn report(lang: &str, understood_as: &str, step: &callsim_core::call::Step) {
    println!("  {}{understood_as}", t(lang, Label::UnderstoodAs));
    println!("  {}  {}", step.turn.points, step.turn.note);
    for note in &step.turn.rule_notes {
        println!("  ! {note}");
    }
    println!();
}
