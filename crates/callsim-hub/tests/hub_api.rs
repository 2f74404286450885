//! The class hub's API, as trainees' games and a facilitator use it, on
//! SQLite and (when `CALLSIM_TEST_POSTGRES` names a server) PostgreSQL.

mod hub_support;

use std::collections::HashSet;

use callsim_hub::RunningHub;
use callsim_trainee::class::{ClientError, Mode, NewClass, Receipt};
use hub_support::*;
use serde_json::{Value, json};

fn refused(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String, String) {
    match result {
        Err(ClientError::Refused {
            status,
            code,
            message,
        }) => (status, code, message),
        other => panic!("expected the hub to refuse, got {other:?}"),
    }
}

/// Creating a class and joining it, with every way a person can get it wrong.
fn classes_and_joining(hub: &RunningHub) {
    let c = client(hub);
    let (status, code, message) = refused(c.create_class(&NewClass {
        name: "Tuesday".into(),
        scenarios: vec!["missing-bonus-numbr".into()],
        mode: Mode::Practice,
        typing_required: false,
    }));
    assert_eq!((status, code.as_str()), (422, "unknown-scenario"));
    assert!(
        message.contains("missing-bonus-number"),
        "the known ids are listed: {message}"
    );

    let (join_code, secret) = class(&c, "Tuesday onboarding", Mode::Practice);
    assert_eq!(join_code.len(), 7, "shown as ABC-DEF: {join_code}");

    let (status, code, message) = refused(c.join("ZZZ-ZZZ", "Ana"));
    assert_eq!((status, code.as_str()), (404, "wrong-join-code"));
    assert!(message.contains("ZZZ-ZZZ"), "{message}");

    // Typed in lower case without the dash, the code still works.
    let typed = join_code.replace('-', "").to_lowercase();
    let ana = c.join(&typed, "  Ana  ").expect("Ana joins");
    assert_eq!(ana.name, "Ana");
    assert_eq!(ana.class.name, "Tuesday onboarding");
    assert_eq!(ana.class.scenarios[0].id, REFERENCE);
    assert_eq!(
        ana.class.scenarios[0].title.as_deref(),
        Some("The missing bonus number")
    );

    let (status, code, _) = refused(c.join(&join_code, "Ana"));
    assert_eq!((status, code.as_str()), (409, "name-taken"));
    // Names are compared in one form, ignoring case: no second Ana that
    // looks the same on the projector.
    for look_alike in ["ANA", "ana", "Ａｎａ", "  Ana\u{00A0}"] {
        let (status, code, _) = refused(c.join(&join_code, look_alike));
        assert_eq!((status, code.as_str()), (409, "name-taken"), "{look_alike:?}");
    }
    for hidden in ["An\u{200B}a", "\u{202E}anA", "Ana\u{2067}", "\u{FEFF}Bo"] {
        let (status, code, message) = refused(c.join(&join_code, hidden));
        assert_eq!((status, code.as_str()), (422, "invalid-name"), "{hidden:?}");
        assert!(message.contains("invisible"), "{message}");
    }
    let bea = c.join(&join_code, "Ｂｅａ").expect("Bea joins");
    assert_eq!(bea.name, "Bea", "kept in its NFKC form");
    let (status, code, _) = refused(c.join(&join_code, "   "));
    assert_eq!((status, code.as_str()), (422, "empty-name"));

    let me = c.me(&ana.token).expect("the token works");
    assert_eq!((me.trainee_id, me.name.as_str()), (ana.trainee_id, "Ana"));

    let overview = c
        .class_overview(&secret, &join_code)
        .expect("the facilitator sees the class");
    assert_eq!(
        overview
            .trainees
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>(),
        ["Ana", "Bea"]
    );
    // A trainee's token is not the facilitator's secret, and no secret is no access.
    let (status, code, _) = refused(c.class_overview(&ana.token, &join_code));
    assert_eq!((status, code.as_str()), (403, "wrong-secret"));
    let (status, body) = raw(
        "GET",
        &format!("{}/api/v1/classes/{join_code}", hub.url()),
        None,
        None,
        vec![],
    );
    assert_eq!((status, error_code(&body)), (401, "missing-secret"));
    // The facilitator's secret is not a trainee token either.
    let (status, code, _) = refused(c.me(&secret));
    assert_eq!((status, code.as_str()), (403, "facilitator-secret"));
    let (status, code, _) = refused(c.me("t_0000"));
    assert_eq!((status, code.as_str()), (401, "unknown-token"));
}

/// Uploads: stored once, verified by replay, forged or malformed ones refused
/// without a trace.
fn attempts(hub: &RunningHub) {
    let c = client(hub);
    let (join_code, secret) = class(&c, "Attempts", Mode::Practice);
    let ana = c.join(&join_code, "Ana").expect("joins");
    let ben = c.join(&join_code, "Ben").expect("joins");
    let reference = model(REFERENCE);

    let debrief = play(&reference, 7, best);
    let upload = upload_of(&debrief);
    let receipt = c.upload(&ana.token, &upload).expect("stored");
    assert_eq!(receipt.receipt, Receipt::Recorded);
    assert!(receipt.verified);
    assert_eq!(
        (receipt.respect, receipt.sincerity),
        (debrief.respect.percent, debrief.sincerity.percent)
    );

    // The game re-sends after a lost answer: acknowledged, not stored twice.
    let again = c.upload(&ana.token, &upload).expect("acknowledged");
    assert_eq!(again.receipt, Receipt::AlreadyRecorded);
    assert_eq!(c.my_attempts(&ana.token).expect("listed").len(), 1);

    // Another body under the same id is a conflict, and so is Ben using Ana's id.
    let mut changed = upload.clone();
    changed.finished_at = "2020-01-01T00:00:00Z".into();
    let (status, code, message) = refused(c.upload(&ana.token, &changed));
    assert_eq!((status, code.as_str()), (409, "attempt-conflict"));
    assert!(message.contains("new attempt needs a new id"), "{message}");
    let (status, code, _) = refused(c.upload(&ben.token, &upload));
    assert_eq!((status, code.as_str()), (409, "attempt-conflict"));

    // Forged scores: the replay disagrees, the hub says how.
    let honest = play(&reference, 8, first);
    let mut forged = upload_of(&honest);
    // Figures that agree with each other (a narrower range, its percentage
    // worked out) but not with the call the choices make.
    let respect = &mut forged.debrief.respect;
    respect.worst = respect.total;
    respect.percent = respect.expected_percent();
    let (status, code, message) = refused(c.upload(&ben.token, &forged));
    assert_eq!((status, code.as_str()), (422, "forged-scores"));
    assert!(
        message.contains(&format!(
            "replaying its choices gives {}/100",
            honest.respect.percent
        )),
        "{message}"
    );
    // Choices that do not match the debrief.
    let mut mismatched = upload_of(&honest);
    mismatched.choices.pop();
    let (status, code, _) = refused(c.upload(&ben.token, &mismatched));
    assert_eq!((status, code.as_str()), (422, "debrief-mismatch"));
    // Not a UUID.
    let mut bad_id = upload_of(&honest);
    bad_id.attempt_id = "1; DROP TABLE attempts".into();
    let (status, code, _) = refused(c.upload(&ben.token, &bad_id));
    assert_eq!((status, code.as_str()), (422, "invalid-attempt-id"));

    let url = format!("{}/api/v1/attempts", hub.url());
    let (status, body) = raw(
        "POST",
        &url,
        Some(&ben.token),
        Some("application/json"),
        b"{\"attempt_id\": ".to_vec(),
    );
    assert_eq!((status, error_code(&body)), (400, "malformed-json"));
    let (status, body) = raw_json("POST", &url, Some(&ben.token), &json!({"attempt_id": "x"}));
    assert_eq!((status, error_code(&body)), (422, "invalid-fields"));
    let mut huge = serde_json::to_value(upload_of(&honest)).expect("json");
    huge["debrief"]["padding"] = json!("x".repeat(600 * 1024));
    let (status, body) = raw_json("POST", &url, Some(&ben.token), &huge);
    assert_eq!((status, error_code(&body)), (413, "body-too-large"));
    let (status, body) = raw_json(
        "POST",
        &url,
        None,
        &serde_json::to_value(upload_of(&honest)).expect("json"),
    );
    assert_eq!((status, error_code(&body)), (401, "missing-token"));
    assert!(
        c.my_attempts(&ben.token).expect("listed").is_empty(),
        "nothing refused was stored"
    );

    // A trainee reads their own attempt, never another's.
    let own = format!("{}/api/v1/attempts/{}", hub.url(), upload.attempt_id);
    let (status, body) = raw("GET", &own, Some(&ana.token), None, vec![]);
    assert_eq!(status, 200);
    assert_eq!(body["upload"]["choices"], json!(upload.choices));
    let (status, body) = raw("GET", &own, Some(&ben.token), None, vec![]);
    assert_eq!((status, error_code(&body)), (403, "not-your-attempt"));

    let results = c.results(&secret, &join_code).expect("results");
    assert_eq!(results["attempts"], json!(1));
}

/// An exam counts only attempts the hub can check; practice keeps the
/// others, marked unchecked.
fn unchecked_attempts(hub_without_scenario: &RunningHub, missing: &callsim_core::Debrief) {
    let c = client(hub_without_scenario);
    let (code, secret) = class(&c, "Practice", Mode::Practice);
    let ana = c.join(&code, "Ana").expect("joins");
    let receipt = c.upload(&ana.token, &upload_of(missing)).expect("kept");
    assert!(!receipt.verified);
    let results = c.results(&secret, &code).expect("results");
    assert_eq!(results["unchecked"][0]["trainee"], json!("Ana"));
    assert!(
        results["trainees"][0]["scenarios"]
            .as_array()
            .expect("cells")
            .iter()
            .all(Value::is_null),
        "an unchecked attempt fills no cell"
    );

    let (code, _) = class(&c, "Exam", Mode::Exam);
    let ben = c.join(&code, "Ben").expect("joins");
    let (status, code, _) = refused(c.upload(&ben.token, &upload_of(missing)));
    assert_eq!((status, code.as_str()), (422, "unknown-scenario"));
}

/// Checks a statement against the xAPI 1.0.3 rules this export relies on.
fn assert_xapi_statement(s: &Value) {
    let iri = |v: &Value, what: &str| {
        let text = v.as_str().unwrap_or_else(|| panic!("{what} is a string: {s}"));
        let (scheme, rest) = text
            .split_once(':')
            .unwrap_or_else(|| panic!("{what} is an IRI: {text}"));
        assert!(
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        );
        assert!(
            !rest.is_empty() && !text.contains(' '),
            "{what} is an IRI: {text}"
        );
    };
    let language_map = |v: &Value, what: &str| {
        let map = v
            .as_object()
            .unwrap_or_else(|| panic!("{what} is a language map"));
        assert!(!map.is_empty());
        for (tag, text) in map {
            assert!(
                tag.split('-')
                    .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
            );
            assert!(text.is_string());
        }
    };
    let allowed = [
        "id",
        "actor",
        "verb",
        "object",
        "result",
        "context",
        "timestamp",
        "stored",
        "authority",
        "version",
        "attachments",
    ];
    for key in s.as_object().expect("a statement is an object").keys() {
        assert!(
            allowed.contains(&key.as_str()),
            "no property {key} in a statement"
        );
    }
    let id = s["id"].as_str().expect("an id");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "the id is a UUID");
    assert!(s["version"].as_str().expect("a version").starts_with("1.0."));

    // Actor: an Agent with exactly one inverse functional identifier.
    let actor = &s["actor"];
    assert_eq!(actor["objectType"], "Agent");
    let ifis = ["mbox", "mbox_sha1sum", "openid", "account"];
    assert_eq!(ifis.iter().filter(|k| actor.get(**k).is_some()).count(), 1);
    iri(&actor["account"]["homePage"], "account.homePage");
    assert!(
        !actor["account"]["name"]
            .as_str()
            .expect("account.name")
            .is_empty()
    );

    let verb = s["verb"]["id"].as_str().expect("a verb");
    assert!(
        [
            "http://adlnet.gov/expapi/verbs/answered",
            "http://adlnet.gov/expapi/verbs/completed",
            "http://adlnet.gov/expapi/verbs/passed",
            "http://adlnet.gov/expapi/verbs/failed",
        ]
        .contains(&verb),
        "{verb}"
    );
    language_map(&s["verb"]["display"], "verb.display");

    let object = &s["object"];
    assert_eq!(object["objectType"], "Activity");
    iri(&object["id"], "object.id");
    language_map(&object["definition"]["name"], "definition.name");
    iri(&object["definition"]["type"], "definition.type");

    let result = &s["result"];
    let score = |v: &Value| {
        let scaled = v["scaled"].as_f64().expect("scaled");
        assert!((-1.0..=1.0).contains(&scaled), "scaled in -1..1: {scaled}");
        let (raw, min, max) = (
            v["raw"].as_f64().expect("raw"),
            v["min"].as_f64().expect("min"),
            v["max"].as_f64().expect("max"),
        );
        assert!(min <= raw && raw <= max, "min <= raw <= max: {v}");
    };
    if let Some(extensions) = result.get("extensions") {
        for (key, _) in extensions.as_object().expect("extensions") {
            iri(&Value::String(key.clone()), "an extension key");
        }
    }
    let context = &s["context"];
    let language = context["language"].as_str().expect("context.language");
    assert!(language.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));

    // cmi5: every statement names its registration and session; the
    // defined ones (completed, passed, failed) carry the cmi5 and moveon
    // categories, an allowed one (answered) neither.
    assert!(uuid::Uuid::parse_str(context["registration"].as_str().expect("a registration")).is_ok());
    let session = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
    assert!(context["extensions"][session].is_string(), "a session id: {s}");
    let categories: Vec<&str> = context["contextActivities"]["category"]
        .as_array()
        .map(|c| c.iter().filter_map(|a| a["id"].as_str()).collect())
        .unwrap_or_default();
    let cmi5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
    let moveon = "https://w3id.org/xapi/cmi5/context/categories/moveon";
    match verb.rsplit('/').next().unwrap_or_default() {
        "answered" => {
            assert!(categories.is_empty(), "an allowed statement has no cmi5 category");
            assert!(result["response"].is_string());
            assert!(result.get("score").is_none());
            assert_eq!(object["definition"]["interactionType"], "choice");
        }
        "completed" => {
            assert_eq!(categories, [cmi5, moveon]);
            assert_eq!(result["completion"], true);
            let duration = result["duration"].as_str().expect("a duration");
            assert!(
                duration.starts_with("PT") && duration.ends_with('S'),
                "{duration}"
            );
            assert!(result.get("score").is_none(), "cmi5: no score on completed");
            assert!(result.get("success").is_none(), "cmi5: no success on completed");
        }
        "passed" | "failed" => {
            assert_eq!(categories, [cmi5, moveon]);
            score(&result["score"]);
            let mastery = context["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"]
                .as_f64()
                .expect("a mastery score");
            let scaled = result["score"]["scaled"].as_f64().expect("scaled");
            assert_eq!(result["success"], json!(scaled >= mastery));
            assert_eq!(verb.ends_with("passed"), scaled >= mastery);
            assert!(result.get("completion").is_none());
        }
        other => panic!("unexpected verb {other}"),
    }

    // ISO 8601 with a time zone.
    let ts = s["timestamp"].as_str().expect("timestamp");
    assert!(
        time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339).is_ok(),
        "{ts}"
    );
}

/// A scripted class, then what the facilitator exports.
fn results_and_exports(hub: &RunningHub) {
    let c = client(hub);
    let (join_code, secret) = class(&c, "Exports", Mode::Practice);
    let reference = model(REFERENCE);
    let ana = c.join(&join_code, "Ana").expect("joins");
    let ben = c.join(&join_code, "Ben, \"the new one\"").expect("joins");
    let good = play(&reference, 3, best);
    let poor = play(&reference, 4, last_spoken);
    c.upload(&ana.token, &upload_of(&good)).expect("stored");
    c.upload(&ben.token, &upload_of(&poor)).expect("stored");
    c.upload(&ben.token, &upload_of(&good)).expect("stored");
    // A name a spreadsheet would run as a formula.
    let mallory = c.join(&join_code, "=HYPERLINK(\"http://x\")").expect("joins");
    c.upload(&mallory.token, &upload_of(&poor)).expect("stored");

    let results = c.results(&secret, &join_code).expect("results");
    let ana_cell = &results["trainees"][0]["scenarios"][0];
    assert_eq!(ana_cell["respect"], json!(good.respect.percent));
    // Practice: Ben's best attempt leads, out of two.
    let ben_cell = &results["trainees"][1]["scenarios"][0];
    assert_eq!(ben_cell["attempts"], json!(2));
    assert_eq!(
        ben_cell["respect"],
        json!(good.respect.percent.max(poor.respect.percent))
    );
    assert_eq!(
        results["scenarios"][1]["attempts"],
        json!(0),
        "the second assigned scenario is not played"
    );

    let csv_url = format!("{}/api/v1/classes/{join_code}/results.csv", hub.url());
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .get(&csv_url)
        .header("Authorization", format!("Bearer {secret}"))
        .call()
        .expect("csv");
    assert_eq!(response.status().as_u16(), 200);
    let csv = response.body_mut().read_to_string().expect("text");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 5, "a header and four attempts:\n{csv}");
    assert!(lines[0].starts_with("class,join_code,trainee,scenario,attempt_id"));
    assert!(lines[0].ends_with("understanding,acknowledgement,emotion,assistance,respect_raw,sincerity_raw"));
    assert!(
        csv.contains("\"Ben, \"\"the new one\"\"\""),
        "a name with a comma and quotes is quoted:\n{csv}"
    );
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "a name starting with = stays text in a spreadsheet:\n{csv}"
    );

    let (status, statements) = raw(
        "GET",
        &format!("{}/api/v1/classes/{join_code}/xapi", hub.url()),
        Some(&secret),
        None,
        vec![],
    );
    assert_eq!(status, 200);
    let statements = statements.as_array().expect("an array of statements");
    let expected: usize = [&good, &poor, &good, &poor]
        .iter()
        .map(|d| d.turns.len() + 2)
        .sum();
    assert_eq!(
        statements.len(),
        expected,
        "per attempt: one answered per turn, completed, passed or failed"
    );
    for s in statements {
        assert_xapi_statement(s);
    }
    let verb = |s: &Value| {
        s["verb"]["display"]["en-US"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    // Ana's attempt first: her replies in order, then completed, then the verdict.
    let turns = good.turns.len();
    for (s, choice) in statements[..turns].iter().zip(&good.choices) {
        assert_eq!(
            (verb(s).as_str(), s["actor"]["name"].as_str()),
            ("answered", Some("Ana"))
        );
        assert_eq!(s["result"]["response"], json!(choice));
    }
    assert_eq!(verb(&statements[turns]), "completed");
    assert_eq!(
        statements[turns]["result"]["duration"],
        json!(format!("PT{}S", good.seconds))
    );
    let verdict = &statements[turns + 1];
    let overall = f64::from(good.respect.percent + good.sincerity.percent) / 200.0;
    assert_eq!(verb(verdict), if overall >= 0.8 { "passed" } else { "failed" });
    let respect_key = format!("{}/xapi/respect", hub.url());
    assert_eq!(
        verdict["result"]["extensions"][&respect_key]["scaled"].as_f64(),
        Some(f64::from(good.respect.percent) / 100.0)
    );
    assert_eq!(
        verdict["result"]["extensions"][&respect_key]["raw"].as_i64(),
        Some(i64::from(good.respect.total))
    );
    let ids: HashSet<&str> = statements.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(ids.len(), expected, "every statement its own id");

    // The facilitator sets the mastery score; every checked attempt passes at 0.
    let mastery_url = format!("{}/api/v1/classes/{join_code}/mastery-score", hub.url());
    let (status, body) = raw_json("PUT", &mastery_url, Some(&secret), &json!({"mastery_score": 101}));
    assert_eq!((status, error_code(&body)), (422, "invalid-mastery-score"));
    let (status, body) = raw_json("PUT", &mastery_url, Some(&secret), &json!({"mastery_score": 0}));
    assert_eq!((status, body["mastery_score"].as_u64()), (200, Some(0)));
    let (_, again) = raw(
        "GET",
        &format!("{}/api/v1/classes/{join_code}/xapi", hub.url()),
        Some(&secret),
        None,
        vec![],
    );
    let again = again.as_array().expect("statements");
    assert!(
        again
            .iter()
            .filter(|s| matches!(verb(s).as_str(), "passed" | "failed"))
            .all(|s| verb(s) == "passed")
    );
    let same_statements = |list: &[Value]| -> HashSet<String> {
        list.iter()
            .filter(|s| matches!(verb(s).as_str(), "answered" | "completed"))
            .filter_map(|s| s["id"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        same_statements(again),
        same_statements(statements),
        "exported again, the statements that did not change keep their ids"
    );
}

/// A class whose trainees must type their replies says so to every game
/// that joins; a request from an older game, without the field, makes a
/// class that does not.
fn typing_required_classes(hub: &RunningHub) {
    let client = client(hub);
    let created = client
        .create_class(&NewClass {
            name: "Typed exam".into(),
            scenarios: vec!["missing-bonus-number".into()],
            mode: Mode::Exam,
            typing_required: true,
        })
        .expect("created");
    assert!(created.class.typing_required);
    let joined = client.join(&created.class.join_code, "Dana").expect("joins");
    assert!(joined.class.typing_required, "the trainee's game is told");
    assert!(client.me(&joined.token).expect("me").class.typing_required);

    let (status, body) = raw_json(
        "POST",
        &format!("{}/api/v1/classes", hub.url()),
        None,
        &serde_json::json!({"name": "Older game", "scenarios": ["missing-bonus-number"], "mode": "practice"}),
    );
    assert!(status < 300, "{status} {body}");
    assert_eq!(body["class"]["typing_required"], false);
}

fn suite(hub: &RunningHub) {
    typing_required_classes(hub);
    classes_and_joining(hub);
    attempts(hub);
    results_and_exports(hub);
}

#[test]
fn the_api_on_sqlite() {
    suite(&sqlite_hub());
}

#[test]
fn the_api_on_postgresql() {
    if let Some(hub) = postgres_hub("the_api_on_postgresql") {
        suite(&hub);
    }
}

#[test]
fn attempts_at_scenarios_the_hub_lacks() {
    // A hub with only the reference scenario; the trainee played another.
    let store: std::sync::Arc<dyn callsim_hub::store::Storage> =
        std::sync::Arc::new(callsim_hub::store::Store {
            backend: callsim_hub::sqlite::Sqlite::in_memory().expect("opens"),
        });
    let mut only_reference = callsim_hub::verify::HubScenarios::default();
    only_reference.add(model(REFERENCE));
    only_reference.add(model("on-hold-too-long"));
    let hub = RunningHub::start(store, only_reference).expect("starts");
    let other = play(&model("dinner-time-call"), 5, first);
    unchecked_attempts(&hub, &other);
}

#[test]
fn the_results_page_hears_of_each_new_attempt() {
    use std::io::{BufRead, BufReader, Write};
    let hub = sqlite_hub();
    let c = client(&hub);
    let (join_code, secret) = class(&c, "Live", Mode::Practice);
    let mut stream = std::net::TcpStream::connect(hub.addr).expect("connects");
    write!(
        stream,
        "GET /api/v1/classes/{join_code}/events HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {secret}\r\n\r\n",
        hub.addr
    )
    .expect("sends");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).expect("status line");
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    // Once the stream is open, a trainee joins.
    std::thread::sleep(std::time::Duration::from_millis(200));
    c.join(&join_code, "Ana").expect("joins");
    let mut seen = String::new();
    while !seen.contains("event: changed") {
        line.clear();
        if reader.read_line(&mut line).expect("reads an event") == 0 {
            break;
        }
        seen.push_str(&line);
    }
    assert!(seen.contains("event: changed"), "{seen}");
}
