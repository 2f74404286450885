//! `callsim lsp` as an editor starts it: the built binary, spoken to in
//! JSON-RPC with `Content-Length` framing over its standard input and
//! output, from `initialize` to `exit`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

fn send(stdin: &mut ChildStdin, message: &Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads");
    stdin.flush().expect("the server reads");
}

/// The server's messages, one JSON value each, as they are framed.
fn read_messages(stdout: impl Read + Send + 'static) -> Receiver<Value> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = None;
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 {
                    return;
                }
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some(n) = header.strip_prefix("Content-Length: ") {
                    length = n.parse::<usize>().ok();
                }
            }
            let mut body = vec![0; length.expect("every message has a Content-Length")];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            let value: Value = serde_json::from_slice(&body).expect("the body is JSON");
            if tx.send(value).is_err() {
                return;
            }
        }
    });
    rx
}

fn wait_for(rx: &Receiver<Value>, what: &str, mut wanted: impl FnMut(&Value) -> bool) -> Value {
    loop {
        let message = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("no {what} from `callsim lsp`: {e}"));
        if wanted(&message) {
            return message;
        }
    }
}

#[test]
fn the_binary_speaks_lsp_over_stdio() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_callsim"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("callsim lsp starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let rx = read_messages(child.stdout.take().expect("stdout"));

    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    let init = wait_for(&rx, "initialize answer", |m| m["id"] == 1);
    assert_eq!(
        init["result"]["capabilities"]["renameProvider"]["prepareProvider"], true,
        "{init}"
    );
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );

    // A file with a mistake after a Chinese line.
    let text = "Scenario(\n    title: \"丢失的包裹\",\n    difficulty: Esay,\n)\n";
    let uri = "file:///tmp/callsim-lsp-cli/parcel.ron";
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "ron", "version": 1, "text": text}
        }}),
    );
    let published = wait_for(&rx, "diagnostics", |m| {
        m["method"] == "textDocument/publishDiagnostics"
    });
    let d = &published["params"]["diagnostics"][0];
    assert_eq!(published["params"]["uri"], uri);
    assert_eq!(
        d["message"], "unknown difficulty `Esay`\nhelp: did you mean `Easy`?",
        "{published}"
    );
    assert_eq!(
        d["range"]["start"],
        json!({"line": 2, "character": 16}),
        "{published}"
    );
    assert_eq!(d["severity"], 1);

    // Completion of the same place: the difficulties.
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/completion", "params": {
            "textDocument": {"uri": uri}, "position": {"line": 2, "character": 18}
        }}),
    );
    let answer = wait_for(&rx, "completion answer", |m| m["id"] == 2);
    let labels: Vec<&str> = answer["result"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["Easy", "Medium", "Hard"], "{answer}");

    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
    );
    let bye = wait_for(&rx, "shutdown answer", |m| m["id"] == 3);
    assert!(bye.get("error").is_none(), "{bye}");
    send(&mut stdin, &json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let status = child.wait().expect("callsim lsp exits");
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(status.success(), "{status}: {stderr}");
}
