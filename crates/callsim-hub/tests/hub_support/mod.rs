//! Shared by the class hub's tests: scenarios, scripted calls, hubs on
//! loopback, and raw HTTP for requests the client library would never send.
#![allow(dead_code)] // each test file uses its own part of this

use std::path::{Path, PathBuf};
use std::sync::Arc;

use callsim_core::{Call, Debrief, Model};
use callsim_hub::RunningHub;
use callsim_hub::sqlite::Sqlite;
use callsim_hub::store::{Storage, Store};
use callsim_hub::verify::HubScenarios;
use callsim_trainee::class::{AttemptUpload, HubClient, Mode, NewClass, attempt_of};

pub const REFERENCE: &str = "missing-bonus-number";

pub fn scenarios_dir() -> PathBuf {
    // This file is shared by the hub's, the game's and the binary's tests:
    // the shipped scenarios sit at the workspace's root, above each crate.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("scenarios"))
        .find(|dir| dir.is_dir())
        .expect("the shipped scenarios/ folder above this crate")
}

pub fn library() -> HubScenarios {
    let (library, problems) = HubScenarios::load(&scenarios_dir());
    assert!(problems.is_empty(), "shipped scenarios load: {problems:?}");
    library
}

pub fn model(id: &str) -> Arc<Model> {
    library().model(id).cloned().expect("the scenario ships")
}

/// Plays a call to its end, choosing with `pick` (a 1-based option number).
pub fn play(model: &Arc<Model>, seed: u64, mut pick: impl FnMut(&Call) -> usize) -> Debrief {
    let mut call = Call::start(Arc::clone(model), seed, "en");
    while !call.is_over() {
        let n = pick(&call);
        call.choose(n).expect("the scripted option is offered");
    }
    call.debrief().expect("a finished call has a debrief")
}

/// The best play from every state (the analysis's hint).
pub fn best(call: &Call) -> usize {
    call.hint().map_or(1, |o| o.number)
}

/// The first option shown: an arbitrary, varied play given the shuffle.
pub fn first(_: &Call) -> usize {
    1
}

/// A trainee who always picks the last spoken reply on offer.
pub fn last_spoken(call: &Call) -> usize {
    call.options()
        .iter()
        .filter(|o| o.is_spoken())
        .map(|o| o.number)
        .max()
        .unwrap_or(1)
}

pub fn upload_of(debrief: &Debrief) -> AttemptUpload {
    attempt_of(debrief)
}

pub fn sqlite_hub() -> RunningHub {
    let store: Arc<dyn Storage> = Arc::new(Store {
        backend: Sqlite::in_memory().expect("an in-memory database opens"),
    });
    RunningHub::start(store, library()).expect("the hub starts")
}

/// A hub on the PostgreSQL server named by `CALLSIM_TEST_POSTGRES`, or
/// `None` (with a message) when none is given.
pub fn postgres_hub(test: &str) -> Option<RunningHub> {
    let Ok(url) = std::env::var("CALLSIM_TEST_POSTGRES") else {
        eprintln!(
            "skipped {test} on PostgreSQL: CALLSIM_TEST_POSTGRES is not set (eval \"$(scripts/test-postgres.sh)\" starts a server)"
        );
        return None;
    };
    let pg = callsim_hub::postgres::Postgres::connect(&url).expect("the test PostgreSQL server is reachable");
    let store: Arc<dyn Storage> = Arc::new(Store { backend: pg });
    Some(RunningHub::start(store, library()).expect("the hub starts"))
}

pub fn client(hub: &RunningHub) -> HubClient {
    HubClient::new(&hub.url()).expect("a loopback address is valid")
}

/// A class with the reference scenario assigned; returns (join code, secret).
pub fn class(client: &HubClient, name: &str, mode: Mode) -> (String, String) {
    let created = client
        .create_class(&NewClass {
            name: name.into(),
            scenarios: vec![REFERENCE.into(), "on-hold-too-long".into()],
            mode,
            typing_required: false,
        })
        .expect("the class is created");
    (created.class.join_code, created.facilitator_secret)
}

/// A raw request: (status, JSON body or Null).
pub fn raw(
    method: &str,
    url: &str,
    auth: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    if let Some(a) = auth {
        request = request.header("Authorization", format!("Bearer {a}"));
    }
    if let Some(t) = content_type {
        request = request.header("Content-Type", t);
    }
    let mut response = agent
        .run(request.body(body).expect("a valid request"))
        .expect("the hub answers");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
    )
}

pub fn raw_json(
    method: &str,
    url: &str,
    auth: Option<&str>,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    raw(
        method,
        url,
        auth,
        Some("application/json"),
        serde_json::to_vec(body).expect("json"),
    )
}

pub fn error_code(body: &serde_json::Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}
