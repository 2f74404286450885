//! What the hub tells browsers: a Content-Security-Policy that allows the
//! hub's own scripts only and no framing, no referrer, no content sniffing;
//! and pages with no inline script for that policy to have to allow.

mod hub_support;

use callsim_trainee::class::{Mode, NewVote};
use hub_support::*;

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }
}

fn get(url: &str, secret: Option<&str>) -> Answer {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut request = agent.get(url);
    if let Some(s) = secret {
        request = request.header("Authorization", format!("Bearer {s}"));
    }
    let mut response = request.call().expect("the hub answers");
    Answer {
        status: response.status().as_u16(),
        headers: response
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
            .collect(),
        body: response.body_mut().read_to_string().unwrap_or_default(),
    }
}

fn assert_security_headers(what: &str, a: &Answer) {
    let csp = a.header("content-security-policy");
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{what}: CSP has {directive}: {csp:?}");
    }
    assert!(
        !csp.contains("script-src 'self' 'unsafe-inline'"),
        "{what}: {csp}"
    );
    assert_eq!(a.header("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(a.header("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(a.header("x-frame-options"), "DENY", "{what}");
}

/// Every `<script` has a `src` and nothing between its tags; no `<style>`.
fn assert_no_inline_code(what: &str, html: &str) {
    assert!(!html.contains("<style"), "{what}: an inline style sheet");
    for (i, _) in html.match_indices("<script") {
        let tag = &html[i..html[i..].find("</script>").map_or(html.len(), |e| i + e)];
        assert!(tag.contains(" src=\""), "{what}: an inline script: {tag}");
        assert!(tag.ends_with('>'), "{what}: code inside a script tag: {tag}");
    }
}

#[test]
fn pages_and_answers_carry_the_security_headers_and_no_inline_script() {
    let hub = sqlite_hub();
    let c = client(&hub);
    let (code, secret) = class(&c, "Headers", Mode::Practice);
    let code = code.replace('-', "");
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

    for (what, path) in [
        ("the home page", "/".to_owned()),
        ("the results page", format!("/class/{code}")),
        ("the vote page", format!("/class/{code}/vote/{vote}")),
    ] {
        let page = get(&format!("{}{path}", hub.url()), Some(&secret));
        assert_eq!(page.status, 200, "{what}: {}", page.body);
        assert_security_headers(what, &page);
        assert_no_inline_code(what, &page.body);
    }
    let results = get(&format!("{}/class/{code}", hub.url()), Some(&secret));
    assert!(
        results.body.contains(&format!(
            "src=\"/assets/live.js\" data-events=\"/api/v1/classes/{code}/events\""
        )),
        "{}",
        results.body
    );

    let script = get(&format!("{}/assets/live.js", hub.url()), None);
    assert_eq!(script.status, 200);
    assert!(script.header("content-type").starts_with("text/javascript"));
    assert!(script.body.contains("EventSource"));
    assert_security_headers("the script", &script);
    let css = get(&format!("{}/assets/hub.css", hub.url()), None);
    assert!(css.header("content-type").starts_with("text/css"));

    // The API's answers and errors carry them too.
    let api = get(&format!("{}/api/v1/classes/{code}", hub.url()), None);
    assert_eq!(api.status, 401);
    assert_security_headers("an API error", &api);
}
