//! What the hub refuses to take at its word: figures no call can have,
//! unchecked attempts in the class's averages, language tags that are not
//! tags, names that look alike or hide characters, cells a spreadsheet
//! would run.

mod hub_support;

use std::sync::Arc;

use callsim_hub::RunningHub;
use callsim_hub::sqlite::Sqlite;
use callsim_hub::store::{Storage, Store};
use callsim_hub::verify::HubScenarios;
use callsim_trainee::class::{AttemptUpload, ClientError, Mode};
use hub_support::*;
use serde_json::json;

/// A hub with the reference scenarios but not `dinner-time-call`.
fn hub_lacking_dinner_time_call() -> RunningHub {
    let store: Arc<dyn Storage> = Arc::new(Store {
        backend: Sqlite::in_memory().expect("opens"),
    });
    let mut library = HubScenarios::default();
    library.add(model(REFERENCE));
    library.add(model("on-hold-too-long"));
    RunningHub::start(store, library).expect("starts")
}

fn refused_code(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String, String) {
    match result {
        Err(ClientError::Refused {
            status,
            code,
            message,
        }) => (status, code, message),
        other => panic!("expected the hub to refuse, got {other:?}"),
    }
}

fn unchecked_call(seed: u64) -> AttemptUpload {
    upload_of(&play(&model("dinner-time-call"), seed, first))
}

#[test]
fn figures_no_call_can_have_are_refused_checked_or_not() {
    let hub = hub_lacking_dinner_time_call();
    let c = client(&hub);
    let (code, secret) = class(&c, "Figures", Mode::Practice);
    let ana = c.join(&code, "Ana").expect("joins");

    let mut above_100 = unchecked_call(1);
    above_100.debrief.respect.percent = 255;
    let (status, code_, message) = refused_code(c.upload(&ana.token, &above_100));
    assert_eq!((status, code_.as_str()), (422, "invalid-score"));
    assert!(message.contains("255"), "{message}");

    let mut outside = unchecked_call(2);
    outside.debrief.sincerity.total = outside.debrief.sincerity.best + 5;
    let (status, code_, message) = refused_code(c.upload(&ana.token, &outside));
    assert_eq!((status, code_.as_str()), (422, "invalid-score"));
    assert!(message.contains("not between"), "{message}");

    // A claimed 100 the total does not give.
    let mut inflated = unchecked_call(3);
    for s in &mut inflated.debrief.skills {
        s.score.percent = 100;
    }
    let (status, code_, _) = refused_code(c.upload(&ana.token, &inflated));
    assert_eq!((status, code_.as_str()), (422, "invalid-score"));

    // A checked scenario too: 255 is refused before any replay.
    let mut checked = upload_of(&play(&model(REFERENCE), 4, first));
    checked.debrief.sincerity.percent = 255;
    let (status, code_, _) = refused_code(c.upload(&ana.token, &checked));
    assert_eq!((status, code_.as_str()), (422, "invalid-score"));

    let results = c.results(&secret, &code).expect("results");
    assert_eq!(results["attempts"], json!(0), "nothing refused was kept");
}

#[test]
fn unchecked_attempts_are_listed_apart_and_left_out_of_the_averages() {
    let hub = hub_lacking_dinner_time_call();
    let c = client(&hub);
    let (code, secret) = class(&c, "Practice", Mode::Practice);
    let ana = c.join(&code, "Ana").expect("joins");
    let ben = c.join(&code, "Ben").expect("joins");
    let checked = play(&model(REFERENCE), 7, first);
    c.upload(&ana.token, &upload_of(&checked)).expect("stored");
    // Ben's call the hub cannot replay: honest-looking figures, kept apart.
    let best_play = play(&model("dinner-time-call"), 5, best);
    let receipt = c.upload(&ben.token, &upload_of(&best_play)).expect("kept");
    assert!(!receipt.verified);

    let results = c.results(&secret, &code).expect("results");
    assert_eq!(results["attempts"], json!(2));
    let unchecked = results["unchecked"].as_array().expect("a list");
    assert_eq!(unchecked.len(), 1);
    assert_eq!(unchecked[0]["trainee"], "Ben");
    assert_eq!(unchecked[0]["scenario"], "dinner-time-call");
    assert_eq!(unchecked[0]["respect"], json!(best_play.respect.percent));
    assert_eq!(
        results["scenarios"].as_array().expect("columns").len(),
        2,
        "no column for a scenario played only unchecked"
    );
    assert!(
        results["trainees"][1]["scenarios"]
            .as_array()
            .expect("cells")
            .iter()
            .all(|c| c.is_null()),
        "Ben has no counted cell"
    );
    assert_eq!(
        results["average"]["respect"].as_f64(),
        Some(f64::from(checked.respect.percent)),
        "the class average is Ana's checked attempt alone"
    );

    let (status, page) = page_text(&hub, &code, &secret);
    assert_eq!(status, 200);
    assert!(page.contains("id=\"unchecked\""), "{page}");
    assert!(page.contains("Unchecked attempts (1)"));
}

/// The results page's HTML, with the facilitator's key as a bearer token.
fn page_text(hub: &RunningHub, code: &str, secret: &str) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let code = code.replace('-', "");
    let mut response = agent
        .get(format!("{}/class/{code}", hub.url()))
        .header("Authorization", format!("Bearer {secret}"))
        .call()
        .expect("the page answers");
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().unwrap_or_default())
}

const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"Click\")";

#[test]
fn a_language_must_be_a_language_tag() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, secret) = class(&c, "Languages", Mode::Practice);
    let ana = c.join(&code, "Ana").expect("joins");
    let mut upload = upload_of(&play(&model(REFERENCE), 2, first));
    upload.language = FORMULA.into();
    upload.debrief.language = FORMULA.into();
    let (status, code_, message) = refused_code(c.upload(&ana.token, &upload));
    assert_eq!((status, code_.as_str()), (422, "invalid-language"));
    assert!(message.contains("not a language tag"), "{message}");

    let (status, body) = raw_json(
        "POST",
        &format!("{}/api/v1/classes/{code}/votes", hub.url()),
        Some(&secret),
        &json!({"scenario": REFERENCE, "seed": 1, "language": "en_GB"}),
    );
    assert_eq!((status, error_code(&body)), (422, "invalid-language"));
}

#[test]
fn a_scenario_or_ending_a_spreadsheet_would_run_is_kept_as_text_in_the_csv() {
    let hub = hub_lacking_dinner_time_call();
    let c = client(&hub);
    let (code, secret) = class(&c, "Formulas", Mode::Practice);
    let ana = c.join(&code, "Ana").expect("joins");
    // Unchecked, so its scenario and ending are the game's word.
    let mut upload = unchecked_call(1);
    upload.scenario = FORMULA.into();
    upload.debrief.scenario = FORMULA.into();
    upload.debrief.ending.id = format!("+{FORMULA}");
    c.upload(&ana.token, &upload).expect("kept, unchecked");

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let csv = agent
        .get(format!(
            "{}/api/v1/classes/{}/results.csv",
            hub.url(),
            code.replace('-', "")
        ))
        .header("Authorization", format!("Bearer {secret}"))
        .call()
        .expect("csv")
        .body_mut()
        .read_to_string()
        .expect("text");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().expect("a header").clone();
    let row = reader.records().next().expect("a row").expect("readable");
    let cell = |name: &str| row[headers.iter().position(|h| h == name).expect("a column")].to_owned();
    assert_eq!(cell("scenario"), format!("'{FORMULA}"), "{csv}");
    assert_eq!(cell("ending"), format!("'+{FORMULA}"), "{csv}");
    for text in row.iter() {
        assert!(!text.starts_with(['=', '+', '@']), "{text} in\n{csv}");
    }
}
