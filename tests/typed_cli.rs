//! `callsim understand` and `callsim play --typed`, run as a trainer would.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn callsim(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("callsim runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("writes");
    child.wait_with_output().expect("finishes")
}

const BONUS: &str = "scenarios/missing-bonus-number.ron";

#[test]
fn understand_ranks_the_replies_and_answers_each_line_as_json() {
    let out = callsim(
        &["understand", BONUS, "--node", "opening", "--json"],
        "I'm so sorry, let me check your account right now\n今天天气真不错\n\n",
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(lines[0]["verdict"], "understood");
    assert_eq!(lines[0]["reply"], "acknowledge_and_check");
    let candidates = lines[0]["candidates"].as_array().expect("candidates");
    assert!(candidates.len() >= 4, "every reply written at the node");
    assert!(
        candidates
            .iter()
            .all(|c| c["offered"].is_boolean() && c["similarity"].is_number())
    );
    assert_eq!(lines[1]["verdict"], "not_understood");
    assert_eq!(lines[1]["reply"], serde_json::Value::Null);
    assert_eq!(lines[2]["verdict"], "empty");
}

#[test]
fn a_missing_model_is_a_clear_error_naming_the_file() {
    let out = callsim(
        &["understand", BONUS, "--node", "opening", "sorry"],
        "",
        &[("CALLSIM_MODEL_DIR", "/nonexistent/model")],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/model/weights.bin: missing"), "{err}");
}

#[test]
fn an_unknown_node_lists_the_nodes() {
    let out = callsim(&["understand", BONUS, "--node", "nope", "sorry"], "", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("has no node `nope`") && err.contains("opening"),
        "{err}"
    );
}

#[test]
fn a_typed_call_in_the_terminal_plays_what_was_meant_and_keeps_the_words() {
    let out = callsim(
        &["play", BONUS, "--typed", "--seed", "4", "--json"],
        "I'm so sorry you're still waiting after paying, let me check your account right now\n\
         blah blah the weather\n/hangup\n",
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let debrief: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the debrief as JSON");
    let turns = debrief["turns"].as_array().expect("turns");
    assert_eq!(turns[0]["reply"], "acknowledge_and_check");
    assert_eq!(turns[0]["typed"]["verdict"], "understood");
    assert!(
        turns[0]["typed"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("I'm so sorry"))
    );
    assert_eq!(turns[1]["reply"], "not_understood");
    assert_eq!(turns[1]["typed"]["verdict"], "not_understood");
    assert_eq!(turns[2]["reply"], "hang_up");
    assert_eq!(
        debrief["choices"],
        serde_json::json!(["acknowledge_and_check", "not_understood", "hang_up"])
    );
}

#[test]
fn check_warns_when_an_example_is_closer_to_another_reply() {
    let dir = tempfile::tempdir().expect("a folder");
    let source = std::fs::read_to_string(BONUS).expect("the scenario");
    let marked = "id: \"query_by_sms\",";
    assert!(source.contains(marked));
    // Its first example becomes what another reply says.
    let at = source.find(marked).expect("the reply") + marked.len();
    let list = at + source[at..].find("examples: [").expect("its examples") + "examples: [".len();
    let changed = format!(
        "{}\"I'm so sorry you're still waiting, let me check your account right now\", {}",
        &source[..list],
        &source[list..]
    );
    let file = dir.path().join("bonus.ron");
    std::fs::write(&file, changed).expect("written");
    let path = file.display().to_string();
    let out = callsim(&["check", "--deny-warnings", &path], "", &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("warning: the example \"I'm so sorry you're still waiting"),
        "{text}"
    );
    assert!(text.contains("is closer to `acknowledge_and_check`"), "{text}");
    assert!(text.contains("bonus.ron:"), "located: {text}");
}
