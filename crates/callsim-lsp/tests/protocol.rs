//! The language server driven as an editor drives it: real LSP messages
//! over an in-memory connection (initialize, didOpen, didChange, requests,
//! shutdown), and the answers an editor would show.

use std::path::Path;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Exit, Initialized, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, Initialize, PrepareRenameRequest,
    References, Rename, Shutdown,
};
use lsp_types::{
    CompletionItem, CompletionParams, CompletionResponse, CompletionTextEdit, Diagnostic, DiagnosticSeverity,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, HoverContents, HoverParams,
    InitializeParams, InitializedParams, Location, Position, PrepareRenameResponse, PublishDiagnosticsParams,
    ReferenceContext, ReferenceParams, RenameParams, TextDocumentContentChangeEvent, TextDocumentIdentifier,
    TextDocumentItem, TextDocumentPositionParams, TextEdit, Uri, VersionedTextDocumentIdentifier,
    WorkspaceEdit,
};

use callsim_lsp::Options;

const URI: &str = "file:///tmp/callsim-lsp-test/lost-parcel.ron";

/// A valid scenario to edit: the starter `callsim new` writes.
fn starter() -> String {
    callsim_core::starter::starter("The lost parcel", Path::new("lost-parcel.ron"))
}

struct Editor {
    conn: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
    /// Notifications that arrived while waiting for something else.
    notifications: Vec<Notification>,
    version: i32,
    text: String,
}

impl Editor {
    fn start() -> Editor {
        Editor::start_with(Options { typed_replies: false })
    }

    fn start_with(options: Options) -> Editor {
        let (server, conn) = Connection::memory();
        let handle = std::thread::spawn(move || callsim_lsp::run(server, options));
        let mut editor = Editor {
            conn,
            server: Some(handle),
            next_id: 0,
            notifications: Vec::new(),
            version: 0,
            text: String::new(),
        };
        let answer = editor
            .request::<Initialize>(InitializeParams::default())
            .expect("initialize");
        let caps = answer.capabilities;
        assert!(caps.completion_provider.is_some() && caps.rename_provider.is_some());
        assert!(caps.definition_provider.is_some() && caps.references_provider.is_some());
        assert!(caps.hover_provider.is_some());
        editor.notify::<Initialized>(InitializedParams {});
        editor
    }

    fn uri() -> Uri {
        URI.parse().expect("a URI")
    }

    fn recv(&mut self, until: Instant) -> Message {
        let left = until.saturating_duration_since(Instant::now());
        match self.conn.receiver.recv_timeout(left) {
            Ok(message) => message,
            Err(e) => panic!("the server said nothing in time ({e}); it may have panicked"),
        }
    }

    fn request<R: lsp_types::request::Request>(&mut self, params: R::Params) -> Result<R::Result, String> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), R::METHOD.to_owned(), params);
        self.conn
            .sender
            .send(request.into())
            .expect("the server is running");
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            match self.recv(until) {
                Message::Response(Response {
                    id: got,
                    response_result,
                }) if got == id => {
                    return match response_result {
                        Ok(result) => {
                            Ok(serde_json::from_value(result).expect("an answer of the right type"))
                        }
                        Err(error) => Err(error.message),
                    };
                }
                Message::Notification(n) => self.notifications.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn notify<N: lsp_types::notification::Notification>(&mut self, params: N::Params) {
        let n = Notification::new(N::METHOD.to_owned(), params);
        self.conn.sender.send(n.into()).expect("the server is running");
    }

    fn open(&mut self, text: &str) {
        self.open_at(Editor::uri(), text);
    }

    fn open_at(&mut self, uri: Uri, text: &str) {
        self.version = 1;
        self.text = text.to_owned();
        self.notify::<DidOpenTextDocument>(DidOpenTextDocumentParams {
            text_document: TextDocumentItem::new(uri, "ron".to_owned(), 1, text.to_owned()),
        });
    }

    fn change(&mut self, text: &str) {
        self.version += 1;
        self.text = text.to_owned();
        self.notify::<DidChangeTextDocument>(DidChangeTextDocumentParams {
            text_document: VersionedTextDocumentIdentifier::new(Editor::uri(), self.version),
            content_changes: vec![TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: text.to_owned(),
            }],
        });
    }

    /// The diagnostics published for the current version.
    fn diagnostics(&mut self) -> Vec<Diagnostic> {
        let version = self.version;
        let until = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(k) = self.notifications.iter().position(|n| {
                n.method == PublishDiagnostics::METHOD
                    && n.params["version"].as_i64() == Some(i64::from(version))
            }) {
                let n = self.notifications.remove(k);
                let p: PublishDiagnosticsParams = serde_json::from_value(n.params).expect("diagnostics");
                return p.diagnostics;
            }
            match self.recv(until) {
                Message::Notification(n) => self.notifications.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// The position of the `nth` (0-based) `needle` in the text, plus `ahead` characters.
    fn at(&self, needle: &str, nth: usize, ahead: usize) -> Position {
        let offset = self
            .text
            .match_indices(needle)
            .nth(nth)
            .unwrap_or_else(|| panic!("`{needle}` #{nth} in the text"))
            .0;
        let offset = offset
            + self.text[offset..]
                .chars()
                .take(ahead)
                .map(char::len_utf8)
                .sum::<usize>();
        position_of(&self.text, offset)
    }

    fn here(&self, position: Position) -> TextDocumentPositionParams {
        TextDocumentPositionParams::new(TextDocumentIdentifier::new(Editor::uri()), position)
    }

    fn complete(&mut self, position: Position) -> Vec<CompletionItem> {
        let answer = self
            .request::<Completion>(CompletionParams {
                text_document_position: self.here(position),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
                context: None,
            })
            .expect("completion");
        match answer {
            Some(CompletionResponse::Array(items)) => items,
            Some(CompletionResponse::List(list)) => list.items,
            None => Vec::new(),
        }
    }

    fn definition(&mut self, position: Position) -> Vec<Location> {
        let answer = self
            .request::<GotoDefinition>(GotoDefinitionParams {
                text_document_position_params: self.here(position),
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            })
            .expect("definition");
        match answer {
            Some(GotoDefinitionResponse::Scalar(l)) => vec![l],
            Some(GotoDefinitionResponse::Array(ls)) => ls,
            Some(GotoDefinitionResponse::Link(_)) => panic!("links are not sent"),
            None => Vec::new(),
        }
    }

    fn references(&mut self, position: Position) -> Vec<Location> {
        self.request::<References>(ReferenceParams {
            text_document_position: self.here(position),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            context: ReferenceContext {
                include_declaration: true,
            },
        })
        .expect("references")
        .unwrap_or_default()
    }

    fn hover(&mut self, position: Position) -> Option<String> {
        let answer = self
            .request::<HoverRequest>(HoverParams {
                text_document_position_params: self.here(position),
                work_done_progress_params: Default::default(),
            })
            .expect("hover")?;
        match answer.contents {
            HoverContents::Markup(m) => Some(m.value),
            other => panic!("markdown expected, got {other:?}"),
        }
    }

    fn rename(&mut self, position: Position, new: &str) -> Result<Vec<TextEdit>, String> {
        let edit: Option<WorkspaceEdit> = self.request::<Rename>(RenameParams {
            text_document_position: self.here(position),
            new_name: new.to_owned(),
            work_done_progress_params: Default::default(),
        })?;
        // The edits for this file (the only one there is).
        Ok(edit
            .and_then(|e| e.changes)
            .into_iter()
            .flatten()
            .filter(|(uri, _)| *uri == Editor::uri())
            .flat_map(|(_, edits)| edits)
            .collect())
    }

    fn shutdown(mut self) -> Result<(), String> {
        self.request::<Shutdown>(()).expect("shutdown answered");
        self.notify::<Exit>(());
        let server = self.server.take().expect("running");
        server.join().expect("the server did not panic")
    }
}

fn position_of(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    // LSP counts UTF-16 code units.
    let character = before[line_start..].encode_utf16().count();
    Position::new(line as u32, character as u32)
}

fn offset_of(text: &str, p: Position) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(p.line as usize)
        .map(str::len)
        .sum();
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units == p.character as usize {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with the edits applied, as the editor applies them.
fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset_of(text, e.range.start),
                offset_of(text, e.range.end),
                e.new_text.as_str(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

fn labels(items: &[CompletionItem]) -> Vec<&str> {
    items.iter().map(|i| i.label.as_str()).collect()
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Some(DiagnosticSeverity::ERROR))
        .collect()
}

#[test]
fn diagnostics_follow_the_text_as_it_is_typed() {
    let mut editor = Editor::start();
    let good = starter();
    editor.open(&good);
    assert_eq!(editor.diagnostics(), [], "the starter checks clean");

    // A mistake after Chinese text and an emoji on the same line: the
    // column is in UTF-16 code units (the emoji counts two).
    let broken = good.replace(
        r#"says: [(text: "So? What's going on?")]"#,
        r#"says: [(text: "怎么样了？😀 So?", when: [AtLeast("angr", 50)])]"#,
    );
    assert_ne!(broken, good);
    editor.change(&broken);
    let diagnostics = editor.diagnostics();
    let [error] = errors(&diagnostics)[..] else {
        panic!("one error expected: {diagnostics:#?}")
    };
    let at = editor.at(r#""angr""#, 0, 0);
    assert_eq!(error.range.start, at, "{error:#?}");
    assert_eq!(error.range.end, editor.at(r#""angr""#, 0, 6));
    assert!(error.message.contains("no meter `angr`"), "{}", error.message);
    assert!(
        error.message.contains("help: did you mean `anger`?"),
        "{}",
        error.message
    );
    let line = &editor.text.lines().nth(at.line as usize).expect("the line");
    let byte_column = line.find(r#""angr""#).expect("on the line");
    assert_ne!(at.character as usize, byte_column, "a byte column would be wrong");

    // Mid-edit: broken RON is reported at its place, with help.
    let unfinished = good.replace(r#"next: "checked","#, r#"next: "checked""#);
    editor.change(&unfinished);
    let diagnostics = editor.diagnostics();
    let [error] = errors(&diagnostics)[..] else {
        panic!("one error expected: {diagnostics:#?}")
    };
    assert!(
        error.message.starts_with("a comma is missing"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("\nhelp: add `,` at the end of line"),
        "{}",
        error.message
    );
    // Just after `"checked"`, where the comma goes.
    assert_eq!(
        error.range.start,
        editor.at(r#"next: "checked""#, 0, 15),
        "{error:#?}"
    );

    // Fixed again: the error goes.
    editor.change(&good);
    assert_eq!(editor.diagnostics(), []);

    // Closing the file clears its diagnostics.
    editor.notify::<DidCloseTextDocument>(DidCloseTextDocumentParams {
        text_document: TextDocumentIdentifier::new(Editor::uri()),
    });
    editor.version = 0;
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        match editor.recv(until) {
            Message::Notification(n) if n.method == PublishDiagnostics::METHOD => {
                let p: PublishDiagnosticsParams = serde_json::from_value(n.params).expect("diagnostics");
                if p.version.is_none() {
                    assert_eq!(p.diagnostics, []);
                    break;
                }
            }
            _ => {}
        }
    }
    editor.shutdown().expect("a clean shutdown");
}

#[test]
fn asset_paths_are_checked_against_the_files_folder() {
    let dir = tempfile::tempdir().expect("a folder");
    std::fs::create_dir(dir.path().join("sounds")).expect("sounds/");
    std::fs::write(dir.path().join("sounds/ring.ogg"), b"OggS").expect("a ringtone");
    let file = dir.path().join("parcel.ron");
    let uri: Uri = format!("file://{}", file.display()).parse().expect("a URI");
    let mut editor = Editor::start();
    let text = starter().replacen(
        "Scenario(",
        r#"Scenario(
    assets: (ringtone: "sounds/ring.ogg", hold_music: "sounds/missing.ogg"),"#,
        1,
    );
    editor.open_at(uri, &text);
    let diagnostics = editor.diagnostics();
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(messages[0].contains("missing.ogg"), "{messages:#?}");
    editor.shutdown().expect("a clean shutdown");
}

#[test]
fn completion_offers_what_fits_the_place() {
    let mut editor = Editor::start();
    let good = starter();
    editor.open(&good);
    editor.diagnostics();

    // Inside `next: "checked"`: the nodes and the endings.
    let items = editor.complete(editor.at(r#"next: "checked""#, 0, 7));
    let offered = labels(&items);
    for id in [
        "opening",
        "checked",
        "wants_supervisor",
        "thanks",
        "sorted",
        "escalated",
        "hung_up_on_us",
    ] {
        assert!(offered.contains(&id), "{id} in {offered:?}");
    }
    assert!(!offered.contains(&"anger"), "{offered:?}");
    let sorted = items.iter().find(|i| i.label == "sorted").expect("sorted");
    assert!(
        sorted.detail.as_deref().is_some_and(|d| d.contains("Delighted")),
        "{sorted:?}"
    );
    // It replaces the id between the quotes.
    let Some(CompletionTextEdit::Edit(edit)) = &sorted.text_edit else {
        panic!("an edit")
    };
    assert_eq!(edit.new_text, "sorted");
    assert_eq!(edit.range.start, editor.at(r#"next: "checked""#, 0, 7));
    assert_eq!(edit.range.end, editor.at(r#"next: "checked""#, 0, 14));

    // A meter condition: the meters.
    let items = editor.complete(editor.at(r#"AtLeast("anger", 55)"#, 0, 9));
    assert_eq!(labels(&items), ["anger", "trust"]);

    // A field-name position in a reply: its fields, less those written.
    let items = editor.complete(editor.at(r#"note: "Close by restating the promise.","#, 0, 40));
    let offered = labels(&items);
    for f in [
        "when",
        "once",
        "effects",
        "branches",
        "seconds",
        "over_accommodation",
        "examples",
    ] {
        assert!(offered.contains(&f), "{f} in {offered:?}");
    }
    for f in ["id", "text", "kind", "next", "note", "says", "replies"] {
        assert!(!offered.contains(&f), "{f} not in {offered:?}");
    }
    let Some(CompletionTextEdit::Edit(edit)) = &items[0].text_edit else {
        panic!("an edit")
    };
    assert!(edit.new_text.ends_with(": "), "{edit:?}");

    // An enum's variants.
    let items = editor.complete(editor.at("difficulty: Easy", 0, 12));
    assert_eq!(labels(&items), ["Easy", "Medium", "Hard"]);

    // Mid-edit, in a file that does not read: a new reply being typed.
    let typing = good.replace(
        r#"next: "sorted","#,
        r#"next: "sorted", branches: [(when: [Used("#,
    );
    editor.change(&typing);
    let at = editor.at("[Used(", 0, 6);
    let items = editor.complete(at);
    let offered = labels(&items);
    for kind in [
        "check_account",
        "script",
        "explain",
        "brush_off",
        "transfer",
        "refuse",
        "close",
    ] {
        assert!(offered.contains(&kind), "{kind} in {offered:?}");
    }
    let Some(CompletionTextEdit::Edit(edit)) = &items[0].text_edit else {
        panic!("an edit")
    };
    assert!(
        edit.new_text.starts_with('"') && edit.new_text.ends_with('"'),
        "{edit:?}"
    );

    // A `next` being typed in a file that does not read.
    let typing = good.replace(r#"next: "thanks","#, r#"next: "th"#);
    editor.change(&typing);
    let items = editor.complete(editor.at(r#"next: "th"#, 0, 9));
    assert!(labels(&items).contains(&"thanks"), "{:?}", labels(&items));
    editor.shutdown().expect("a clean shutdown");
}

#[test]
fn definition_and_references_of_a_node() {
    let mut editor = Editor::start();
    editor.open(&starter());
    editor.diagnostics();
    let defined = editor.at(r#"id: "wants_supervisor""#, 0, 5);
    // From a `next` to the node.
    let found = editor.definition(editor.at(r#"next: "wants_supervisor""#, 0, 9));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].range.start, defined);
    assert_eq!(found[0].uri, Editor::uri());
    // From a condition to the node.
    let found = editor.definition(editor.at(r#"Visited("wants_supervisor")"#, 0, 10));
    assert_eq!(found[0].range.start, defined);
    // Every use: the node's id, three `next`s and the policy's condition.
    let refs = editor.references(defined);
    assert_eq!(refs.len(), 5, "{refs:#?}");
    // Nothing on a text.
    assert_eq!(editor.definition(editor.at("Informed and reassured", 0, 3)), []);
    editor.shutdown().expect("a clean shutdown");
}

#[test]
fn hover_shows_a_replys_points_and_note_and_a_nodes_line_and_ways_in() {
    let mut editor = Editor::start();
    editor.open(&starter());
    editor.diagnostics();
    let on_reply = editor
        .hover(editor.at(r#"id: "acknowledge_and_check""#, 0, 8))
        .expect("a hover");
    assert!(on_reply.contains("understanding +2"), "{on_reply}");
    assert!(on_reply.contains("respect +4, sincerity +3"), "{on_reply}");
    assert!(
        on_reply.contains("Acknowledge what it costs her, then act."),
        "{on_reply}"
    );
    assert!(on_reply.contains("anger -15"), "{on_reply}");
    // The same on the reply's text.
    let on_text = editor
        .hover(editor.at("Have you tried restarting", 0, 4))
        .expect("a hover");
    assert!(on_text.contains("`restart_router`"), "{on_text}");
    assert!(
        on_text.contains("A script question before listening"),
        "{on_text}"
    );

    let on_node = editor
        .hover(editor.at(r#"next: "wants_supervisor""#, 0, 9))
        .expect("a hover");
    assert!(
        on_node.contains("This is useless. Put me through to your supervisor."),
        "{on_node}"
    );
    for way_in in [
        "`opening` → reply `restart_router`",
        "`checked` → reply `just_wait`",
        "`wants_supervisor` → reply `no_need`",
    ] {
        assert!(on_node.contains(way_in), "{way_in} in {on_node}");
    }
    let on_ending = editor
        .hover(editor.at(r#"ending: "hung_up_on_us""#, 0, 10))
        .expect("a hover");
    assert!(
        on_ending.contains("CallerHungUp") && on_ending.contains("threshold 1"),
        "{on_ending}"
    );
    editor.shutdown().expect("a clean shutdown");
}

#[test]
fn rename_changes_the_id_everywhere_and_refuses_what_would_break_the_file() {
    let mut editor = Editor::start();
    let good = starter();
    editor.open(&good);
    editor.diagnostics();
    let at = editor.at(r#"next: "wants_supervisor""#, 1, 9);

    let prepared = editor
        .request::<PrepareRenameRequest>(editor.here(at))
        .expect("renamable");
    let Some(PrepareRenameResponse::Range(range)) = prepared else {
        panic!("a range: {prepared:?}")
    };
    assert_eq!(range.start, editor.at(r#"next: "wants_supervisor""#, 1, 7));

    let edits = editor.rename(at, "asks_for_supervisor").expect("renamed");
    assert_eq!(edits.len(), 5, "{edits:#?}");
    let renamed = apply(&editor.text, &edits);
    assert!(!renamed.contains("wants_supervisor"), "{renamed}");
    assert_eq!(renamed.matches(r#""asks_for_supervisor""#).count(), 5);
    assert!(renamed.contains(r#"Visited("asks_for_supervisor")"#));
    // The renamed file still checks clean.
    editor.change(&renamed);
    assert_eq!(editor.diagnostics(), []);

    let refused = |editor: &mut Editor, needle: &str, nth: usize, ahead: usize, new: &str| {
        let at = editor.at(needle, nth, ahead);
        editor.rename(at, new).expect_err("refused")
    };
    let e = refused(&mut editor, r#"id: "sorted""#, 0, 6, "all sorted!");
    assert!(e.contains("cannot be an id") && e.contains("`all_sorted`"), "{e}");
    let e = refused(&mut editor, r#"id: "hung_up_on_us""#, 0, 6, "hung_up");
    assert!(e.contains("reserved") && e.contains("agent_hung_up"), "{e}");
    let e = refused(&mut editor, r#"id: "goodbye""#, 0, 6, "hang_up");
    assert!(e.contains("reserved for the built-in hang-up"), "{e}");
    let e = refused(&mut editor, r#"id: "sorted""#, 0, 6, "thanks");
    assert!(e.contains("already a node `thanks`"), "{e}");
    let e = refused(&mut editor, r#"id: "anger""#, 0, 6, "fury");
    assert!(e.contains("cannot be renamed"), "{e}");
    let e = refused(&mut editor, r#"kind: "refuse""#, 0, 8, "script");
    assert!(e.contains("merge"), "{e}");
    let e = refused(&mut editor, "Informed and reassured", 0, 2, "x");
    assert!(e.contains("put the cursor on the id"), "{e}");

    // A meter of the scenario's own: its conditions and effects follow.
    let with_patience = good
        .replace(
            r#"(id: "trust", label: "Trust", start: 30),"#,
            r#"(id: "trust", label: "Trust", start: 30), (id: "patience", start: 50),"#,
        )
        .replace(
            r#"{"anger": -15, "trust": 15}"#,
            r#"{"anger": -15, "patience": 5}"#,
        )
        .replace(
            r#"when: [Checked],"#,
            r#"when: [Checked, AtLeast("patience", 10)],"#,
        );
    editor.change(&with_patience);
    assert_eq!(errors(&editor.diagnostics()), Vec::<&Diagnostic>::new());
    let edits = editor
        .rename(editor.at(r#"id: "patience""#, 0, 6), "calm")
        .expect("renamed");
    assert_eq!(edits.len(), 3, "{edits:#?}");
    let renamed = apply(&editor.text, &edits);
    assert!(!renamed.contains("patience"), "{renamed}");
    assert!(renamed.contains(r#"{"anger": -15, "calm": 5}"#), "{renamed}");
    assert!(renamed.contains(r#"AtLeast("calm", 10)"#), "{renamed}");

    // Not while the file does not read.
    editor.change(&good.replace(r#"next: "checked","#, r#"next: "checked""#));
    let e = refused(&mut editor, r#"id: "sorted""#, 0, 6, "all_sorted");
    assert!(e.contains("does not read") && e.contains("line"), "{e}");
    editor.shutdown().expect("a clean shutdown");
}

#[test]
fn the_outline_lists_nodes_with_their_replies_and_the_endings() {
    let mut editor = Editor::start();
    editor.open(&starter());
    let answer = editor
        .request::<DocumentSymbolRequest>(DocumentSymbolParams {
            text_document: TextDocumentIdentifier::new(Editor::uri()),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        })
        .expect("symbols");
    let Some(DocumentSymbolResponse::Nested(symbols)) = answer else {
        panic!("nested symbols: {answer:?}")
    };
    let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "anger",
            "trust",
            "opening",
            "checked",
            "wants_supervisor",
            "thanks",
            "sorted",
            "escalated",
            "hung_up_on_us"
        ]
    );
    let opening = &symbols[2];
    let replies: Vec<&str> = opening
        .children
        .iter()
        .flatten()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(replies, ["acknowledge_and_check", "restart_router"]);
    editor.shutdown().expect("a clean shutdown");
}

/// Every prefix of a shipped scenario (a file being typed from the top),
/// with completion, hover, definition and rename asked at places in it:
/// the server answers each, and never panics.
#[test]
fn nothing_panics_on_a_file_mid_edit() {
    let mut editor = Editor::start();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
    let full = std::fs::read_to_string(dir.join("missing-bonus-number.ron")).expect("a shipped scenario");
    editor.open("");
    editor.diagnostics();
    let mut cut = 0;
    while cut < full.len() {
        cut = (cut + 397).min(full.len());
        while !full.is_char_boundary(cut) {
            cut += 1;
        }
        let text = &full[..cut];
        editor.change(text);
        let end = position_of(text, text.len());
        let middle = position_of(text, text.floor_char_boundary(text.len() / 2));
        for at in [end, middle, Position::new(0, 0), Position::new(end.line + 5, 3)] {
            editor.complete(at);
            editor.hover(at);
            editor.definition(at);
            editor.references(at);
            let _ = editor.rename(at, "x");
        }
        let diagnostics = editor.diagnostics();
        if cut < full.len() {
            assert!(
                !errors(&diagnostics).is_empty(),
                "a cut file has an error at {cut}"
            );
        }
        for d in &diagnostics {
            assert!(d.range.start.line <= end.line, "{d:?} past the end {end:?}");
        }
    }
    editor.shutdown().expect("a clean shutdown");
}

#[test]
fn playthroughs_are_not_scenarios() {
    let mut editor = Editor::start();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/scenarios");
    let text = std::fs::read_to_string(dir.join("dinner-time-call.playthroughs.ron")).expect("playthroughs");
    let uri: Uri = "file:///tmp/x/dinner-time-call.playthroughs.ron"
        .parse()
        .expect("a URI");
    editor.open_at(uri.clone(), &text);
    assert_eq!(editor.diagnostics(), []);
    let answer = editor
        .request::<Completion>(CompletionParams {
            text_document_position: TextDocumentPositionParams::new(
                TextDocumentIdentifier::new(uri),
                Position::new(3, 4),
            ),
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
            context: None,
        })
        .expect("answered");
    assert!(answer.is_none());
    editor.shutdown().expect("a clean shutdown");
}

#[test]
fn exit_without_shutdown_is_an_error() {
    let mut editor = Editor::start();
    editor.notify::<Exit>(());
    let server = editor.server.take().expect("running");
    let result = server.join().expect("no panic");
    assert!(result.is_err_and(|e| e.contains("without shutting it down")));
}

#[test]
fn an_unknown_request_is_answered_with_an_error() {
    let mut editor = Editor::start();
    let e = editor
        .request::<lsp_types::request::Formatting>(lsp_types::DocumentFormattingParams {
            text_document: TextDocumentIdentifier::new(Editor::uri()),
            options: Default::default(),
            work_done_progress_params: Default::default(),
        })
        .expect_err("not offered");
    assert!(e.contains("does not answer"), "{e}");
    editor.shutdown().expect("a clean shutdown");
}

/// The typed-reply checks (`check`'s, with the sentence model) arrive
/// after the others, for a file that checks clean.
#[test]
fn typed_reply_warnings_follow() {
    let mut editor = Editor::start_with(Options { typed_replies: true });
    let same = starter().replace(
        r#"text: "There's no need, they'll say the same.","#,
        r#"text: "Of course. I'll brief my supervisor so you don't have to repeat yourself.","#,
    );
    editor.open(&same);
    let until = Instant::now() + Duration::from_secs(300);
    loop {
        let diagnostics = editor.diagnostics();
        if let Some(d) = diagnostics
            .iter()
            .find(|d| d.code == Some(lsp_types::NumberOrString::String("replies-too-close".to_owned())))
        {
            assert!(
                d.message.contains("`transfer`") && d.message.contains("`no_need`"),
                "{d:#?}"
            );
            assert!(d.message.contains("help: "), "{d:#?}");
            break;
        }
        assert!(Instant::now() < until, "no typed-reply warning in time");
    }
    editor.shutdown().expect("a clean shutdown");
}
