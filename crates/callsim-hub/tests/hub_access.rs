//! Who may create, join and close a class: the organiser key, failed join
//! codes limited per address, a class the facilitator closed.

mod hub_support;

use std::sync::Arc;

use callsim_hub::RunningHub;
use callsim_hub::sqlite::Sqlite;
use callsim_hub::state::HubSettings;
use callsim_hub::store::{Storage, Store};
use callsim_trainee::class::{ClientError, Mode, NewClass};
use hub_support::*;

const KEY: &str = "open-sesame-2026";

fn keyed_hub() -> RunningHub {
    let store: Arc<dyn Storage> = Arc::new(Store {
        backend: Sqlite::in_memory().expect("opens"),
    });
    RunningHub::start_with(
        store,
        library(),
        HubSettings {
            organiser_key: Some(KEY.into()),
            ..HubSettings::default()
        },
    )
    .expect("starts")
}

fn new_class() -> NewClass {
    NewClass {
        name: "Monday".into(),
        scenarios: vec![REFERENCE.into()],
        mode: Mode::Practice,
        typing_required: false,
    }
}

fn refused(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String) {
    match result {
        Err(ClientError::Refused { status, code, .. }) => (status, code),
        other => panic!("expected the hub to refuse, got {other:?}"),
    }
}

/// A form post as the home page sends it: (status, Location, body).
fn post_form(url: &str, form: &str) -> (u16, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(form.as_bytes())
        .expect("the hub answers");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let status = response.status().as_u16();
    (
        status,
        location,
        response.body_mut().read_to_string().unwrap_or_default(),
    )
}

#[test]
fn a_hub_with_an_organiser_key_creates_classes_only_for_its_holder() {
    let hub = keyed_hub();
    let c = client(&hub);
    assert_eq!(
        refused(c.create_class(&new_class())),
        (401, "organiser-key-required".into())
    );
    assert_eq!(
        refused(c.create_class_with_key("guess", &new_class())),
        (403, "wrong-organiser-key".into())
    );
    let created = c
        .create_class_with_key(KEY, &new_class())
        .expect("the organiser creates a class");
    // Trainees join as ever: the key is for creating classes only.
    c.join(&created.class.join_code, "Ana").expect("joins");

    // The home page's form asks for the key and is held to it.
    let (status, home) = {
        let mut r = ureq::get(format!("{}/", hub.url()))
            .call()
            .expect("the home page");
        (r.status().as_u16(), r.body_mut().read_to_string().expect("html"))
    };
    assert_eq!(status, 200);
    assert!(home.contains("name=\"organiser_key\""), "{home}");
    let form = format!("name=Tuesday&scenario%3A{REFERENCE}=on&mode=practice");
    let (status, _, page) = post_form(&format!("{}/classes", hub.url()), &form);
    assert_eq!(status, 401);
    assert!(page.contains("organiser key"), "{page}");
    let (status, _, _) = post_form(
        &format!("{}/classes", hub.url()),
        &format!("{form}&organiser_key=guess"),
    );
    assert_eq!(status, 403);
    let (status, location, _) = post_form(
        &format!("{}/classes", hub.url()),
        &format!("{form}&organiser_key={KEY}"),
    );
    assert_eq!(status, 303);
    assert!(location.contains("/class/"), "{location}");
}

#[test]
fn a_hub_without_an_organiser_key_lets_anyone_create_a_class() {
    let hub = sqlite_hub();
    client(&hub).create_class(&new_class()).expect("no key needed");
    let mut r = ureq::get(format!("{}/", hub.url()))
        .call()
        .expect("the home page");
    let home = r.body_mut().read_to_string().expect("html");
    assert!(!home.contains("organiser_key"), "no key field");
}

/// A request with its status, headers of interest and JSON body.
fn send(
    method: &str,
    url: &str,
    auth: Option<&str>,
    body: &serde_json::Value,
) -> (u16, Option<String>, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", "application/json");
    if let Some(a) = auth {
        request = request.header("Authorization", format!("Bearer {a}"));
    }
    let mut response = agent
        .run(
            request
                .body(serde_json::to_vec(body).expect("json"))
                .expect("a request"),
        )
        .expect("the hub answers");
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    (
        status,
        retry_after,
        serde_json::from_str(&text).unwrap_or_default(),
    )
}

#[test]
fn wrong_join_codes_are_limited_per_address() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, _) = class(&c, "Guessing", Mode::Practice);
    let join = format!("{}/api/v1/join", hub.url());
    let guess = |n: usize| serde_json::json!({"join_code": format!("ZZZ{n:03}"), "name": "Mallory"});
    for n in 0..callsim_hub::join_limit::FAILED_JOINS {
        let (status, _, body) = send("POST", &join, None, &guess(n));
        assert_eq!((status, error_code(&body)), (404, "wrong-join-code"), "guess {n}");
    }
    let (status, retry_after, body) = send("POST", &join, None, &guess(99));
    assert_eq!(
        (status, error_code(&body)),
        (429, "too-many-join-attempts"),
        "{body}"
    );
    let seconds: u64 = retry_after.expect("Retry-After").parse().expect("seconds");
    assert!((1..=600).contains(&seconds), "{seconds}");
    // Held back, the right code is refused too: a guesser learns nothing.
    let (status, _, body) = send(
        "POST",
        &join,
        None,
        &serde_json::json!({"join_code": code, "name": "Mallory"}),
    );
    assert_eq!((status, error_code(&body)), (429, "too-many-join-attempts"));
}

#[test]
fn a_closed_class_takes_no_trainees_and_no_new_attempts() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, secret) = class(&c, "Closing", Mode::Practice);
    let ana = c.join(&code, "Ana").expect("joins");
    let kept = upload_of(&play(&model(REFERENCE), 1, best));
    c.upload(&ana.token, &kept).expect("stored");

    let close = format!("{}/api/v1/classes/{}/close", hub.url(), code.replace('-', ""));
    let (status, _, body) = send("POST", &close, Some(&ana.token), &serde_json::json!({}));
    assert_eq!(
        (status, error_code(&body)),
        (403, "wrong-secret"),
        "a trainee cannot close it"
    );
    let (status, _, body) = send("POST", &close, Some(&secret), &serde_json::json!({}));
    assert_eq!(status, 200, "{body}");
    let closed_at = body["closed_at"].as_str().expect("when").to_owned();

    let (status, _, code_) = match c.join(&code, "Ben") {
        Err(ClientError::Refused { status, code, .. }) => (status, (), code),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!((status, code_.as_str()), (410, "class-closed"));
    match c.upload(&ana.token, &upload_of(&play(&model(REFERENCE), 2, best))) {
        Err(ClientError::Refused {
            status,
            code,
            message,
        }) => {
            assert_eq!((status, code.as_str()), (410, "class-closed"));
            assert!(message.contains(&closed_at), "{message}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // The answer to the kept attempt was lost: its re-send is still acknowledged.
    let again = c.upload(&ana.token, &kept).expect("acknowledged");
    assert_eq!(again.receipt, callsim_trainee::class::Receipt::AlreadyRecorded);
    // Closing twice keeps the first time.
    let (status, _, body) = send("POST", &close, Some(&secret), &serde_json::json!({}));
    assert_eq!(
        (status, body["closed_at"].as_str()),
        (200, Some(closed_at.as_str()))
    );
    assert_eq!(c.results(&secret, &code).expect("results")["attempts"], 1);
}

#[test]
fn the_results_page_closes_the_class() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, secret) = class(&c, "Closing from the page", Mode::Practice);
    let code = code.replace('-', "");
    let page = || {
        let mut r = ureq::get(format!("{}/class/{code}", hub.url()))
            .header("Authorization", format!("Bearer {secret}"))
            .call()
            .expect("the page");
        r.body_mut().read_to_string().expect("html")
    };
    let open = page();
    assert!(open.contains("Close the class"), "{open}");
    assert!(open.contains(&format!("action=\"/class/{code}/close\"")));
    // Without the facilitator's key the button does nothing.
    let (status, _, _) = post_form(&format!("{}/class/{code}/close", hub.url()), "");
    assert_eq!(status, 401);
    assert!(c.join(&code, "Ana").is_ok(), "still open");

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let response = agent
        .post(format!("{}/class/{code}/close", hub.url()))
        .header("Authorization", format!("Bearer {secret}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(&b""[..])
        .expect("the page answers");
    assert_eq!(response.status().as_u16(), 303);
    let closed = page();
    assert!(closed.contains("id=\"closed\""), "{closed}");
    assert!(!closed.contains("Close the class"));
    assert!(matches!(
        c.join(&code, "Ben"),
        Err(ClientError::Refused { status: 410, .. })
    ));
}
