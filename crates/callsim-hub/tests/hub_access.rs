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
        },
    )
    .expect("starts")
}

fn new_class() -> NewClass {
    NewClass {
        name: "Monday".into(),
        scenarios: vec![REFERENCE.into()],
        mode: Mode::Practice,
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
