//! The API's promise: every error under `/api/v1` is JSON in one shape,
//! `{"error": {"code", "message"}}`, whatever went wrong: a wrong method, a
//! path or query parameter that does not parse, an endpoint that is not
//! there.

mod hub_support;

use callsim_hub::RunningHub;
use callsim_trainee::class::{Mode, NewVote};
use hub_support::*;

/// Every API route: its methods and its path, `{code}`, `{vote}`,
/// `{attempt}` and `{turn}` standing for parameters.
const ROUTES: &[(&[&str], &str)] = &[
    (&["POST"], "/classes"),
    (&["GET"], "/classes/{code}"),
    (&["GET"], "/classes/{code}/results"),
    (&["GET"], "/classes/{code}/results.csv"),
    (&["GET"], "/classes/{code}/xapi"),
    (&["GET"], "/classes/{code}/events"),
    (&["POST"], "/classes/{code}/close"),
    (&["PUT"], "/classes/{code}/mastery-score"),
    (&["POST"], "/classes/{code}/votes"),
    (&["GET"], "/classes/{code}/votes/current"),
    (&["POST"], "/join"),
    (&["GET"], "/me"),
    (&["GET", "POST"], "/attempts"),
    (&["GET"], "/attempts/{attempt}"),
    (&["GET"], "/votes/{vote}"),
    (&["GET"], "/votes/{vote}/events"),
    (&["PUT"], "/votes/{vote}/turns/{turn}/vote"),
    (&["POST"], "/votes/{vote}/turns/{turn}/play"),
    (&["GET"], "/votes/{vote}/debrief"),
];

struct Answer {
    status: u16,
    content_type: String,
    allow: Option<String>,
    body: serde_json::Value,
    text: String,
}

fn request(method: &str, url: &str, auth: Option<&str>) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    if let Some(a) = auth {
        builder = builder.header("Authorization", format!("Bearer {a}"));
    }
    let mut body = Vec::new();
    if matches!(method, "POST" | "PUT") {
        builder = builder.header("Content-Type", "application/json");
        body = b"{}".to_vec();
    }
    let mut response = agent
        .run(builder.body(body).expect("a valid request"))
        .expect("the hub answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (content_type, allow) = (header("content-type").unwrap_or_default(), header("allow"));
    let text = response.body_mut().read_to_string().unwrap_or_default();
    Answer {
        status: response.status().as_u16(),
        content_type,
        allow,
        body: serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        text,
    }
}

/// The one error shape, or a panic that says what came instead.
fn assert_json_error(what: &str, a: &Answer) -> String {
    assert!(
        (400..600).contains(&a.status),
        "{what}: an error status, got {}",
        a.status
    );
    assert!(
        a.content_type.starts_with("application/json"),
        "{what}: JSON, got {:?}: {}",
        a.content_type,
        a.text
    );
    let code = a.body["error"]["code"].as_str().unwrap_or_default();
    let message = a.body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        !code.is_empty() && !message.is_empty(),
        "{what}: {{\"error\": {{code, message}}}}, got {}",
        a.text
    );
    code.to_owned()
}

struct Class {
    hub: RunningHub,
    code: String,
    secret: String,
    token: String,
    vote: i64,
}

fn a_class() -> Class {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, secret) = class(&c, "Errors", Mode::Practice);
    let code = code.replace('-', "");
    let token = c.join(&code, "Ana").expect("joins").token;
    let vote = c
        .open_vote(
            &secret,
            &code,
            &NewVote {
                scenario: REFERENCE.into(),
                seed: 1,
                language: "en".into(),
            },
        )
        .expect("a vote")
        .session_id;
    Class {
        hub,
        code,
        secret,
        token,
        vote,
    }
}

/// The credential a route wants, so that what fails is what is tested.
fn auth_for<'a>(class: &'a Class, path: &str) -> &'a str {
    if path.starts_with("/classes/") {
        &class.secret
    } else {
        &class.token
    }
}

#[test]
fn a_wrong_method_on_every_api_route_answers_the_json_error() {
    let class = a_class();
    for (methods, path) in ROUTES {
        let concrete = path
            .replace("{code}", &class.code)
            .replace("{vote}", &class.vote.to_string())
            .replace("{turn}", "1")
            .replace("{attempt}", "00000000-0000-4000-8000-000000000000");
        let url = format!("{}/api/v1{concrete}", class.hub.url());
        for wrong in ["DELETE", "PATCH", "PUT", "GET"] {
            if methods.contains(&wrong) {
                continue;
            }
            let answer = request(wrong, &url, Some(auth_for(&class, path)));
            let what = format!("{wrong} {path}");
            assert_eq!(answer.status, 405, "{what}: {}", answer.text);
            assert_eq!(assert_json_error(&what, &answer), "method-not-allowed");
            let allow = answer.allow.clone().unwrap_or_default();
            for m in *methods {
                assert!(allow.contains(m), "{what}: Allow lists {m}: {allow:?}");
            }
            assert!(
                answer.body["error"]["message"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(wrong),
                "{what}: {}",
                answer.text
            );
        }
    }
}

#[test]
fn a_bad_path_or_query_parameter_on_every_api_route_answers_the_json_error() {
    let class = a_class();
    let mut tested = 0;
    for (methods, path) in ROUTES {
        // Each parameter of the route in turn made unreadable: a join code
        // or attempt id that is not UTF-8, a vote or turn that is no number.
        for (param, bad) in [
            ("{code}", "%FF%FE"),
            ("{attempt}", "%FF%FE"),
            ("{vote}", "abc"),
            ("{turn}", "-1"),
        ] {
            if !path.contains(param) {
                continue;
            }
            let concrete = path
                .replace(param, bad)
                .replace("{code}", &class.code)
                .replace("{vote}", &class.vote.to_string())
                .replace("{turn}", "1");
            let url = format!("{}/api/v1{concrete}", class.hub.url());
            let what = format!("{} {concrete}", methods[0]);
            let answer = request(methods[0], &url, Some(auth_for(&class, path)));
            assert_eq!(answer.status, 400, "{what}: {}", answer.text);
            assert_eq!(assert_json_error(&what, &answer), "bad-path");
            tested += 1;
        }
    }
    assert_eq!(tested, 17, "every parameter of every route");

    for query in ["after=soon", "after=1&wait=-5", "after=99999999999999999999999"] {
        let url = format!("{}/api/v1/votes/{}?{query}", class.hub.url(), class.vote);
        let answer = request("GET", &url, Some(&class.token));
        assert_eq!(answer.status, 400, "{query}: {}", answer.text);
        assert_eq!(assert_json_error(query, &answer), "bad-query");
    }

    let answer = request("GET", &format!("{}/api/v1/no/such/thing", class.hub.url()), None);
    assert_eq!(answer.status, 404);
    assert_eq!(
        assert_json_error("an unknown endpoint", &answer),
        "no-such-endpoint"
    );
}
