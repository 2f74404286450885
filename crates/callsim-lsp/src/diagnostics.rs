//! `check`'s diagnostics on the editor's text: the loader's and the
//! analysis's at once (`callsim_core::check`), the typed-reply checks,
//! which need the sentence model and take a second or more, on a thread of
//! their own.

use std::thread;

use crossbeam_channel::{Receiver, Sender};
use lsp_types::{Diagnostic as LspDiagnostic, DiagnosticSeverity, NumberOrString, Uri};

use callsim_core::Scenario;
use callsim_core::check::check_loaded;
use callsim_core::diagnostic::{Diagnostic, Severity};
use callsim_core::engine::Model;
use callsim_core::scenario::validate::Finding;
use callsim_core::scenario::{parse_str, resolve_findings};

use crate::document::Document;

/// What `check` says about the document's current text, and the scenario
/// to run the typed-reply checks on when it has no errors (as `check`
/// runs them only then).
pub fn check(doc: &Document) -> (Vec<Diagnostic>, Option<Scenario>) {
    match parse_str(&doc.text, &doc.file, doc.folder.as_deref()) {
        Ok(loaded) => {
            let scenario = loaded.scenario.clone();
            let report = check_loaded(loaded);
            let clean = report.errors() == 0;
            (report.diagnostics, clean.then_some(scenario))
        }
        Err(err) => (err.diagnostics, None),
    }
}

/// Every diagnostic of the document as the editor shows it.
pub fn all(doc: &Document) -> Vec<LspDiagnostic> {
    let Some(checked) = &doc.checked else {
        return Vec::new();
    };
    let mut out: Vec<LspDiagnostic> = checked.iter().map(|d| to_lsp(doc, d)).collect();
    if !checked.iter().any(Diagnostic::is_error) {
        let name = doc.file.display().to_string();
        out.extend(
            resolve_findings(&doc.typed, &doc.text, &name)
                .iter()
                .map(|d| to_lsp(doc, d)),
        );
    }
    out
}

/// A diagnostic with its help, the way `check` prints it, in one message.
fn to_lsp(doc: &Document, d: &Diagnostic) -> LspDiagnostic {
    let mut message = d.message.clone();
    if let Some(label) = &d.label {
        message.push_str(&format!("\n{label}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    LspDiagnostic {
        range: doc.lines.range(&doc.text, &d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_owned())),
        source: Some("callsim".to_owned()),
        message,
        ..LspDiagnostic::default()
    }
}

/// A document's scenario to run the typed-reply checks on.
struct Job {
    uri: Uri,
    scenario: Scenario,
}

/// The typed-reply checks' answer for a document, or why they cannot run
/// (the sentence model did not load).
pub struct TypedDone {
    pub uri: Uri,
    pub findings: Result<Vec<Finding>, String>,
}

/// The thread that runs the typed-reply checks. It loads the sentence
/// model on its first job and keeps it; of several jobs queued for one
/// document only the newest runs.
pub struct TypedChecks {
    jobs: Sender<Job>,
    pub done: Receiver<TypedDone>,
}

impl TypedChecks {
    pub fn start() -> TypedChecks {
        let (jobs, job_rx) = crossbeam_channel::unbounded::<Job>();
        let (done_tx, done) = crossbeam_channel::unbounded();
        // If the thread cannot start, `check` still runs: the jobs go
        // nowhere and the typed-reply warnings are missing, not wrong.
        let _ = thread::Builder::new()
            .name("typed-reply checks".to_owned())
            .spawn(move || typed_checks(&job_rx, &done_tx));
        TypedChecks { jobs, done }
    }

    pub fn queue(&self, uri: Uri, scenario: Scenario) {
        let _ = self.jobs.send(Job { uri, scenario });
    }
}

fn typed_checks(jobs: &Receiver<Job>, done: &Sender<TypedDone>) {
    let mut encoder: Option<Result<callsim_encoder::Encoder, String>> = None;
    while let Ok(first) = jobs.recv() {
        let mut latest = vec![first];
        while let Ok(job) = jobs.try_recv() {
            latest.retain(|j| j.uri != job.uri);
            latest.push(job);
        }
        for job in latest {
            let loaded = encoder.get_or_insert_with(|| {
                callsim_encoder::Encoder::load(&callsim_encoder::default_model_dir())
                    // The same phrases come back on every edit: each is
                    // embedded once.
                    .inspect(callsim_encoder::Encoder::remember)
                    .map_err(|e| {
                        format!("typed replies are not checked: the sentence model cannot be loaded: {e}")
                    })
            });
            let findings = match loaded {
                Ok(encoder) => Ok(match Model::new(job.scenario) {
                    Ok(model) => callsim_core::understand::lint(&model, encoder),
                    // `check` reports a scenario that does not compile.
                    Err(_) => Vec::new(),
                }),
                Err(message) => Err(message.clone()),
            };
            let answer = TypedDone {
                uri: job.uri,
                findings,
            };
            if done.send(answer).is_err() {
                return;
            }
        }
    }
}
