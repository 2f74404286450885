//! The message loop: documents open in the editor by URI, requests
//! answered in order, diagnostics checked once the editor pauses typing,
//! the typed-reply checks' answers merged in as they come.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, select};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, LogMessage, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, PrepareRenameRequest, References,
    Rename, Request as _,
};
use lsp_types::{
    CompletionOptions, CompletionParams, CompletionResponse, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DocumentSymbolParams, DocumentSymbolResponse,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, HoverProviderCapability,
    Location, LogMessageParams, MarkupContent, MarkupKind, MessageType, OneOf, PrepareRenameResponse,
    PublishDiagnosticsParams, ReferenceParams, RenameOptions, RenameParams, ServerCapabilities,
    TextDocumentPositionParams, TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri,
    WorkspaceEdit,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::diagnostics::{self, TypedChecks, TypedDone};
use crate::document::Document;
use crate::{Options, complete, hover, navigate, rename};

/// What the server can do, as `initialize` tells the editor.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(["\"", "(", "[", "{", ":"].map(str::to_owned).to_vec()),
            ..CompletionOptions::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves one editor on `connection` until it shuts the server down.
pub fn serve(connection: &Connection, options: Options) -> Result<(), String> {
    let capabilities =
        serde_json::to_value(capabilities()).map_err(|e| format!("error: the server's capabilities: {e}"))?;
    connection
        .initialize(capabilities)
        .map_err(|e| format!("error: the editor did not start the language server: {e}"))?;
    let mut server = Server {
        sender: connection.sender.clone(),
        docs: HashMap::new(),
        unchecked: BTreeSet::new(),
        typed: options.typed_replies.then(TypedChecks::start),
        typed_broken: false,
    };
    let typed_done: Receiver<TypedDone> = server
        .typed
        .as_ref()
        .map_or_else(crossbeam_channel::never, |t| t.done.clone());
    loop {
        select! {
            recv(connection.receiver) -> message => {
                if server.handle(connection, message.ok())? {
                    return Ok(());
                }
            }
            recv(typed_done) -> done => {
                if let Ok(done) = done {
                    server.typed_done(done);
                }
            }
        }
        // A burst of keystrokes is checked once, when the editor pauses;
        // requests that come meanwhile are answered at once.
        while !server.unchecked.is_empty() {
            match connection.receiver.recv_timeout(PAUSE) {
                Ok(message) => {
                    if server.handle(connection, Some(message))? {
                        return Ok(());
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return server.handle(connection, None).map(drop),
            }
        }
        server.check_unchecked();
    }
}

/// How long the editor must be quiet before its edits are checked.
const PAUSE: Duration = Duration::from_millis(50);

struct Server {
    sender: Sender<Message>,
    docs: HashMap<Uri, Document>,
    /// Documents changed since they were last checked.
    unchecked: BTreeSet<Uri>,
    typed: Option<TypedChecks>,
    /// The typed-reply checks cannot run (their model did not load): said once.
    typed_broken: bool,
}

impl Server {
    /// Handles one message from the editor (`None`: it has gone); `true`
    /// once it has shut the server down.
    fn handle(&mut self, connection: &Connection, message: Option<Message>) -> Result<bool, String> {
        match message {
            Some(Message::Request(request)) => {
                let shut_down = connection
                    .handle_shutdown(&request)
                    .map_err(|e| format!("error: while shutting down: {e}"))?;
                if !shut_down {
                    self.request(request);
                }
                Ok(shut_down)
            }
            Some(Message::Notification(n)) if n.method == "exit" => {
                Err("error: the editor stopped the language server without shutting it down".to_owned())
            }
            Some(Message::Notification(n)) => {
                self.notification(n);
                Ok(false)
            }
            Some(Message::Response(_)) => Ok(false),
            None => {
                Err("error: the editor closed the connection without shutting the server down".to_owned())
            }
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // The editor has gone if this fails; the loop sees it next.
        let _ = self.sender.send(message.into());
    }

    fn notify<P: Serialize>(&self, method: &str, params: P) {
        self.send(Notification::new(method.to_owned(), params));
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    let doc = Document::new(
                        &p.text_document.uri,
                        p.text_document.version,
                        p.text_document.text,
                    );
                    self.docs.insert(p.text_document.uri.clone(), doc);
                    self.unchecked.insert(p.text_document.uri);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params)
                    && let Some(doc) = self.docs.get_mut(&p.text_document.uri)
                {
                    doc.change(p.text_document.version, p.content_changes);
                    self.unchecked.insert(p.text_document.uri);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    self.docs.remove(&p.text_document.uri);
                    self.unchecked.remove(&p.text_document.uri);
                    self.publish_for(p.text_document.uri, Vec::new(), None);
                }
            }
            // Saving, configuration, cancelling: nothing to do.
            _ => {}
        }
    }

    /// Checks every document changed since its last check, and says what
    /// it found.
    fn check_unchecked(&mut self) {
        for uri in std::mem::take(&mut self.unchecked) {
            let Some(doc) = self.docs.get_mut(&uri) else {
                continue;
            };
            if !doc.is_scenario {
                doc.checked = Some(Vec::new());
                self.publish(&uri);
                continue;
            }
            let (checked, clean) = diagnostics::check(doc);
            doc.checked = Some(checked);
            if let (Some(scenario), Some(typed)) = (clean, &self.typed)
                && !self.typed_broken
            {
                typed.queue(uri.clone(), scenario);
            }
            self.publish(&uri);
        }
    }

    fn typed_done(&mut self, done: TypedDone) {
        match done.findings {
            Ok(findings) => {
                let Some(doc) = self.docs.get_mut(&done.uri) else {
                    return;
                };
                // Located by path, they fit a later version of the text
                // too until their check of it comes.
                doc.typed = findings;
                self.publish(&done.uri);
            }
            Err(message) => {
                if !self.typed_broken {
                    self.typed_broken = true;
                    eprintln!("callsim lsp: {message}");
                    self.notify(
                        LogMessage::METHOD,
                        LogMessageParams {
                            typ: MessageType::WARNING,
                            message,
                        },
                    );
                }
            }
        }
    }

    fn publish(&self, uri: &Uri) {
        if let Some(doc) = self.docs.get(uri) {
            self.publish_for(uri.clone(), diagnostics::all(doc), Some(doc.version));
        }
    }

    fn publish_for(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.notify(
            PublishDiagnostics::METHOD,
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let response = match request.method.as_str() {
            Completion::METHOD => self.answer(request, |doc, p: CompletionParams| {
                let at = offset(doc, &p.text_document_position);
                Ok(Some(CompletionResponse::Array(complete::complete(doc, at))))
            }),
            GotoDefinition::METHOD => self.answer(request, |doc, p: GotoDefinitionParams| {
                let at = offset(doc, &p.text_document_position_params);
                let uri = &p.text_document_position_params.text_document.uri;
                let found = locations(doc, uri, navigate::definition(doc, at));
                Ok(match found.len() {
                    0 => None,
                    1 => found.into_iter().next().map(GotoDefinitionResponse::Scalar),
                    _ => Some(GotoDefinitionResponse::Array(found)),
                })
            }),
            References::METHOD => self.answer(request, |doc, p: ReferenceParams| {
                let at = offset(doc, &p.text_document_position);
                let spans = navigate::references(doc, at, p.context.include_declaration);
                Ok(Some(locations(
                    doc,
                    &p.text_document_position.text_document.uri,
                    spans,
                )))
            }),
            HoverRequest::METHOD => self.answer(request, |doc, p: HoverParams| {
                let at = offset(doc, &p.text_document_position_params);
                Ok(hover::hover(doc, at).map(|markdown| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: markdown,
                    }),
                    range: None,
                }))
            }),
            PrepareRenameRequest::METHOD => self.answer(request, |doc, p: TextDocumentPositionParams| {
                let at = offset(doc, &p);
                rename::prepare(doc, at)
                    .map(|span| Some(PrepareRenameResponse::Range(doc.lines.range(&doc.text, &span))))
            }),
            Rename::METHOD => self.answer(request, |doc, p: RenameParams| {
                let at = offset(doc, &p.text_document_position);
                let spans = rename::rename(doc, at, &p.new_name)?;
                let new = p.new_name.trim();
                let edits: Vec<TextEdit> = spans
                    .iter()
                    .map(|s| TextEdit::new(doc.lines.range(&doc.text, s), new.to_owned()))
                    .collect();
                let uri = p.text_document_position.text_document.uri;
                Ok(Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri, edits)])),
                    ..WorkspaceEdit::default()
                }))
            }),
            DocumentSymbolRequest::METHOD => self.answer(request, |doc, _: DocumentSymbolParams| {
                Ok(Some(DocumentSymbolResponse::Nested(navigate::symbols(doc))))
            }),
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("callsim lsp does not answer `{}`", request.method),
            ),
        };
        self.send(response);
    }

    /// Answers a request about one document with `f`.
    fn answer<P, R>(&self, request: Request, f: impl FnOnce(&Document, P) -> Result<R, String>) -> Response
    where
        P: DeserializeOwned + HasDocument,
        R: Serialize,
    {
        let id: RequestId = request.id;
        let params: P = match serde_json::from_value(request.params) {
            Ok(params) => params,
            Err(e) => return Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()),
        };
        let Some(doc) = self.docs.get(params.uri()) else {
            return Response::new_err(
                id,
                ErrorCode::RequestFailed as i32,
                "the document is not open (the editor sent no didOpen for it)".to_owned(),
            );
        };
        if !doc.is_scenario {
            return Response::new_ok(id, serde_json::Value::Null);
        }
        match f(doc, params) {
            Ok(result) => Response::new_ok(id, result),
            Err(message) => Response::new_err(id, ErrorCode::RequestFailed as i32, message),
        }
    }
}

fn offset(doc: &Document, at: &TextDocumentPositionParams) -> usize {
    doc.lines.offset(&doc.text, at.position)
}

fn locations(doc: &Document, uri: &Uri, spans: Vec<Range<usize>>) -> Vec<Location> {
    spans
        .iter()
        .map(|s| Location::new(uri.clone(), doc.lines.range(&doc.text, s)))
        .collect()
}

/// Request parameters that name a document.
trait HasDocument {
    fn uri(&self) -> &Uri;
}

impl HasDocument for CompletionParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position.text_document.uri
    }
}

impl HasDocument for GotoDefinitionParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position_params.text_document.uri
    }
}

impl HasDocument for ReferenceParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position.text_document.uri
    }
}

impl HasDocument for HoverParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position_params.text_document.uri
    }
}

impl HasDocument for TextDocumentPositionParams {
    fn uri(&self) -> &Uri {
        &self.text_document.uri
    }
}

impl HasDocument for RenameParams {
    fn uri(&self) -> &Uri {
        &self.text_document_position.text_document.uri
    }
}

impl HasDocument for DocumentSymbolParams {
    fn uri(&self) -> &Uri {
        &self.text_document.uri
    }
}
