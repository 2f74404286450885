//! The facilitator's pages, for a projector: the class's results and the
//! vote-mode screen. Server-rendered HTML with inline CSS and a few lines of
//! inline JavaScript for live updates: nothing to build, nothing from a CDN.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use callsim_core::points::Skill;
use callsim_core::wire::{API, Mode, NewClass, VoteDebrief, VoteView};

use super::display_join_code;
use super::results::{Averages, ClassResults, Counted};
use super::store::VoteSessionRow;
use super::vote::Viewer;
use crate::auth::{Facilitator, cookie_name, facilitator};
use crate::error::ApiError;
use crate::services::{base_url, class_data, results_of, room};
use crate::state::Hub;

pub fn routes() -> Router<Arc<Hub>> {
    Router::new()
        .route("/", get(home))
        .route("/assets/{name}", get(asset))
        .route("/classes", post(create_class_form))
        .route("/class/{code}", get(results_page))
        .route("/class/{code}/close", post(close_form))
        .route("/class/{code}/votes", post(open_vote_form))
        .route("/class/{code}/vote/{id}", get(vote_page))
        .route("/class/{code}/vote/{id}/play", post(play_form))
}

const CSS: &str = r#"
:root { --ink:#111; --paper:#fff; --muted:#555; --line:#ccc; --respect:#1f5fbf; --sincerity:#b3471d; --bad:#b00020; --good:#1b7f3b; }
* { box-sizing: border-box; }
body { font: 20px/1.45 system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif; color: var(--ink); background: var(--paper); margin: 0 auto; padding: 1rem 2rem 3rem; max-width: 1600px; }
h1 { font-size: 2.2rem; margin: .2rem 0; }
h2 { font-size: 1.5rem; border-bottom: 3px solid var(--ink); padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.2rem; margin-bottom: .3rem; }
.join { font-size: 1.3rem; color: var(--muted); }
.join strong { color: var(--ink); font-size: 2rem; letter-spacing: .15em; font-family: ui-monospace, monospace; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .6rem; text-align: left; vertical-align: top; }
thead th { font-size: .9rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.score { font-weight: 700; font-variant-numeric: tabular-nums; white-space: nowrap; }
.r { color: var(--respect); } .s { color: var(--sincerity); }
small, .muted { color: var(--muted); font-size: .8rem; }
.bad { color: var(--bad); } .good { color: var(--good); }
.bar { background: #e8e8e8; height: 1.1rem; min-width: 8rem; position: relative; }
.bar > span { display: block; height: 100%; background: var(--ink); }
.bar.r > span { background: var(--respect); } .bar.s > span { background: var(--sincerity); }
.caller { font-size: 1.25rem; font-style: italic; margin: .3rem 0; }
h4 { font-size: 1rem; margin: .8rem 0 .2rem; }
.typed li { padding: .2rem 0; border-bottom: 1px solid var(--line); }
.replies { list-style: none; padding: 0; margin: 0; }
.replies li { display: grid; grid-template-columns: minmax(10rem, 40%) 1fr 7rem; gap: .8rem; align-items: center; padding: .3rem 0; border-bottom: 1px solid var(--line); }
.replies li.best { font-weight: 700; }
.replies .bar > span { background: var(--bad); } .replies li.best .bar > span { background: var(--good); }
.options li { grid-template-columns: 3rem 1fr minmax(12rem, 30%) 6rem; }
.options .bar > span { background: var(--respect); }
button { font: inherit; padding: .3rem 1rem; cursor: pointer; }
form.inline { display: inline; }
footer { margin-top: 2rem; color: var(--muted); }
"#;

/// Re-fetches the page and swaps its `<main>` whenever the hub says
/// something changed; a burst of changes costs one fetch. A file of its
/// own, not inline, so the pages' Content-Security-Policy can allow scripts
/// from the hub only; the script tag's `data-events` and `data-event` say
/// what to listen to.
const LIVE_JS: &str = r#"(function() {
  var me = document.currentScript;
  var pending = null;
  var source = new EventSource(me.dataset.events);
  source.addEventListener(me.dataset.event, function() {
    if (pending) return;
    pending = setTimeout(function() {
      fetch(location.pathname, {credentials: 'same-origin'}).then(function(r) { return r.ok ? r.text() : null; }).then(function(text) {
        pending = null;
        if (!text) return;
        var fresh = new DOMParser().parseFromString(text, 'text/html').querySelector('main');
        if (fresh) document.querySelector('main').replaceWith(fresh);
      }, function() { pending = null; });
    }, 250);
  });
})();
"#;

fn live_script(events_url: &str, event: &str) -> Markup {
    html! { script src="/assets/live.js" data-events=(events_url) data-event=(event) {} }
}

/// The pages' stylesheet and script, served by the hub itself.
async fn asset(Path(name): Path<String>) -> Response {
    let (content_type, body) = match name.as_str() {
        "hub.css" => ("text/css; charset=utf-8", CSS),
        "live.js" => ("text/javascript; charset=utf-8", LIVE_JS),
        _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// What every answer of the hub says about how a browser may use it: its
/// own scripts and styles only (inline style attributes draw the bars),
/// no framing by another site, no referrer leaking a page's address, no
/// guessing at content types.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

pub async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn page(title: &str, body: Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) }
                    link rel="stylesheet" href="/assets/hub.css";
                }
                body { (body) }
            }
        }
        .into_string(),
    )
}

fn error_page(e: ApiError) -> Response {
    let status = e.status;
    let hint = match status {
        _ if e.code.contains("organiser-key") => {
            "Ask whoever started this hub (callsim serve --organiser-key) for its organiser key."
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            "Open the results link you were given when the class was created (it carries the facilitator's key)."
        }
        _ => "",
    };
    (
        status,
        page(
            "callsim hub",
            html! { h1 { "callsim class hub" } p.bad { (e.message) } p { (hint) } },
        ),
    )
        .into_response()
}

async fn home(State(hub): State<Arc<Hub>>) -> Html<String> {
    let ids: Vec<(String, String)> = hub
        .library
        .ids()
        .map(|id| (id.to_owned(), hub.library.title(id).unwrap_or_default()))
        .collect();
    page(
        "callsim class hub",
        html! {
            h1 { "callsim class hub" }
            p { "Trainees join from the game's title screen with this hub's address and the class's join code. "
                "A facilitator creates a class here or from the game." }
            h2 { "New class" }
            form method="post" action="/classes" {
                p { label { "Class name " input name="name" required maxlength="100"; } }
                p { "Scenarios:" }
                @for (id, title) in &ids {
                    p { label { input type="checkbox" name=(format!("scenario:{id}")) value="on"; " " (title) " " small { "(" (id) ")" } } }
                }
                p {
                    label { input type="radio" name="mode" value="practice" checked; " practice" } " "
                    label { input type="radio" name="mode" value="exam"; " exam" }
                }
                p { label { input type="checkbox" name="typing_required" value="on"; " Trainees type their replies in their own words (no options to pick from)" } }
                p { label { "Mastery score (the overall % that passes, for the LMS) " input type="number" name="mastery_score" min="0" max="100" value=(crate::store::DEFAULT_MASTERY_SCORE); } }
                @if hub.organiser_key_hash.is_some() {
                    p { label { "Organiser key " input type="password" name="organiser_key" required autocomplete="off"; } }
                }
                p { button type="submit" { "Create class" } }
            }
        },
    )
}

/// The home page's form: checkboxes arrive as `scenario:ID=on`.
async fn create_class_form(
    State(hub): State<Arc<Hub>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let scenarios: Vec<String> = hub
        .library
        .ids()
        .filter(|id| form.contains_key(&format!("scenario:{id}")))
        .map(str::to_owned)
        .collect();
    let new = NewClass {
        name: form.get("name").cloned().unwrap_or_default(),
        scenarios,
        mode: form
            .get("mode")
            .and_then(|m| Mode::parse(m))
            .unwrap_or(Mode::Practice),
        typing_required: form.contains_key("typing_required"),
    };
    let key = form.get("organiser_key").map(String::as_str);
    let mastery = match form
        .get("mastery_score")
        .map(|m| m.trim())
        .filter(|m| !m.is_empty())
    {
        None => None,
        Some(m) => match m.parse::<u8>() {
            Ok(score) => Some(score),
            Err(_) => {
                return error_page(ApiError::unprocessable(
                    "invalid-mastery-score",
                    format!("a mastery score is a percentage, 0-100, not {m}"),
                ));
            }
        },
    };
    match crate::services::create(&hub, &headers, key, new, mastery).await {
        Ok(created) => Redirect::to(&created.results_url).into_response(),
        Err(e) => error_page(e),
    }
}

#[derive(Debug, Deserialize)]
struct Key {
    key: Option<String>,
}

fn with_cookie(code: &str, secret: &str, to: &str, https: bool) -> Response {
    let mut response = Redirect::to(to).into_response();
    // Over HTTPS the browser keeps the key off any plain-HTTP request.
    let secure = if https { "; Secure" } else { "" };
    let cookie = format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000{secure}",
        cookie_name(code)
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// The results page. Opened once with `?key=SECRET`, it keeps the secret in
/// a cookie and reloads without it, so the projector never shows the key.
async fn results_page(
    State(hub): State<Arc<Hub>>,
    mut headers: HeaderMap,
    Path(code): Path<String>,
    Query(key): Query<Key>,
) -> Response {
    if let Some(secret) = key.key {
        if let Ok(v) = HeaderValue::from_str(&format!("Bearer {secret}")) {
            headers.insert(header::AUTHORIZATION, v);
        }
        return match facilitator(&hub, &headers, &code).await {
            Ok(class) => with_cookie(
                &class.join_code,
                &secret,
                &format!("/class/{}", class.join_code),
                hub.https,
            ),
            Err(e) => error_page(e),
        };
    }
    let class = match facilitator(&hub, &headers, &code).await {
        Ok(class) => class,
        Err(e) => return error_page(e),
    };
    let data = match class_data(&hub, class).await {
        Ok(data) => data,
        Err(e) => return error_page(e),
    };
    let results = results_of(&hub, &data);
    let class_id = data.class.id;
    let latest = hub.db(move |s| s.latest_vote(class_id)).await.ok().flatten();
    render_results(
        &hub,
        &results,
        &data.class.join_code,
        data.class.closed_at.as_deref(),
        &base_url(&hub, &headers),
        latest.as_ref(),
    )
    .into_response()
}

/// The results page's *Close the class* button.
async fn close_form(State(hub): State<Arc<Hub>>, facilitator: Result<Facilitator, ApiError>) -> Response {
    let class = match facilitator {
        Ok(Facilitator(class)) => class,
        Err(e) => return error_page(e),
    };
    match crate::services::close(&hub, &class).await {
        Ok(_) => Redirect::to(&format!("/class/{}", class.join_code)).into_response(),
        Err(e) => error_page(e),
    }
}

fn pct(v: f64) -> String {
    format!("{v:.0}")
}

fn bar(class: &str, value: f64, max: f64) -> Markup {
    let width = if max > 0.0 {
        (value / max * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    };
    html! { div class=(format!("bar {class}")) { span style=(format!("width:{width:.1}%")) {} } }
}

fn cell(c: &Counted) -> Markup {
    html! {
        span.score.r title="respect" { "R " (c.respect) }
        " "
        span.score.s title="sincerity" { "S " (c.sincerity) }
        br;
        small class=(if c.success { "good" } else { "bad" }) { (c.ending_kind) @if c.over_accommodated { " · gave in" } }
        small { " · " (c.attempts) @if c.attempts == 1 { " attempt" } @else { " attempts" } }
    }
}

fn averages_row(label: &str, a: Option<&Averages>) -> Markup {
    html! {
        tr {
            th { (label) }
            @match a {
                Some(a) => {
                    td { span.score.r { (pct(a.respect)) } (bar("r", a.respect, 100.0)) }
                    td { span.score.s { (pct(a.sincerity)) } (bar("s", a.sincerity, 100.0)) }
                    @for (skill, v) in a.skills() {
                        td data-skill=(skill.name()) { span.score { (pct(v)) } (bar(if skill.pillar() == callsim_core::points::Pillar::Respect { "r" } else { "s" }, v, 100.0)) }
                    }
                }
                None => { td colspan="6" { span.muted { "no attempts yet" } } }
            }
        }
    }
}

fn render_results(
    hub: &Hub,
    r: &ClassResults,
    code: &str,
    closed_at: Option<&str>,
    base: &str,
    latest: Option<&VoteSessionRow>,
) -> Html<String> {
    let api = format!("{API}/classes/{code}");
    let body = html! {
        header {
            h1 { (r.class.name) }
            @match closed_at {
                None => {
                    p.join {
                        "Join code " strong #join-code { (r.class.join_code) }
                        " · hub " (base) " · " (r.class.mode.name()) " mode"
                        @if r.class.typing_required { " · replies typed" }
                    }
                }
                Some(at) => {
                    p.join #closed {
                        "Closed at " (at) ": no more trainees join and no new attempts count"
                        " · hub " (base) " · " (r.class.mode.name()) " mode"
                        @if r.class.typing_required { " · replies typed" }
                    }
                }
            }
        }
        main #results {
            section #trainees {
                h2 { "Trainees (" (r.trainees.len()) " joined, " (r.attempts) " attempts)" }
                @if r.trainees.is_empty() {
                    p.muted { "Nobody has joined yet. Trainees choose Join class in the game and type the join code." }
                } @else {
                    table {
                        thead { tr {
                            th { "Trainee" }
                            @for s in &r.scenarios { th data-scenario=(s.id) { (s.title) @if !s.assigned { small { " (not assigned)" } } } }
                        } }
                        tbody {
                            @for t in &r.trainees {
                                tr data-trainee=(t.name) {
                                    th { (t.name) }
                                    @for (s, c) in r.scenarios.iter().zip(&t.scenarios) {
                                        td data-scenario=(s.id) {
                                            @match c { Some(c) => { (cell(c)) } None => { span.muted { "—" } } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    p.muted { @match r.class.mode {
                        Mode::Practice => "Each cell shows the trainee's best attempt: R = respect, S = sincerity, 0-100 (100 is the best play the scenario allows, 0 is nothing earned; a call closed by giving in is capped).",
                        Mode::Exam => "Each cell shows the trainee's first attempt: R = respect, S = sincerity, 0-100 (100 is the best play the scenario allows, 0 is nothing earned; a call closed by giving in is capped).",
                    } }
                }
            }
            @if !r.unchecked.is_empty() {
                section #unchecked {
                    h2 { "Unchecked attempts (" (r.unchecked.len()) ")" }
                    p.muted { "The hub has no copy of these scenarios to replay the calls with, so their scores are the game's word: they count in no cell and no average above." }
                    table {
                        thead { tr { th { "Trainee" } th { "Scenario" } th { "Claimed" } th { "Ending" } th { "Finished" } } }
                        tbody {
                            @for u in &r.unchecked {
                                tr data-attempt=(u.attempt_id) {
                                    td { (u.trainee) }
                                    td { (u.scenario) }
                                    td { span.score.r { "R " (u.respect) } " " span.score.s { "S " (u.sincerity) } }
                                    td { (u.ending) small { " (" (u.ending_kind) ")" } }
                                    td { small { (u.finished_at) } }
                                }
                            }
                        }
                    }
                }
            }
            section #averages {
                h2 { "Class averages" }
                table {
                    thead { tr {
                        th { "Scenario" } th { "Respect" } th { "Sincerity" }
                        @for skill in Skill::ALL { th { (skill.name()) } }
                    } }
                    tbody {
                        @for s in &r.scenarios { (averages_row(&s.title, s.average.as_ref())) }
                        (averages_row("All scenarios", r.average.as_ref()))
                    }
                }
            }
            section #hardest {
                h2 { "Hardest turns" }
                @for s in &r.scenarios {
                    article data-scenario=(s.id) {
                        h3 { (s.title) }
                        @match &s.hardest {
                            None => { p.muted { @if s.attempts == 0 { "Not played yet." } @else { "No turn where the class chose a reply that lost points." } } }
                            Some(h) => {
                                p.caller { "Caller: “" (h.caller) "”" }
                                p { strong.bad { (h.negative) " of " (h.reached) } " replies chosen here lost points." }
                                ol.replies {
                                    @for reply in &h.replies {
                                        li class=(if reply.best { "best" } else { "" }) data-reply=(reply.reply) {
                                            span { (reply.text) @if reply.best { " ★ best" } }
                                            (bar("", reply.count as f64, h.reached as f64))
                                            span.score { (reply.count) "× " small { "(" (format!("{:+}", reply.points)) " pts)" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section #typed {
                h2 { "What trainees typed" }
                @if r.scenarios.iter().all(|s| s.not_understood.is_empty() && s.flagged.is_empty()) {
                    p.muted { "Nothing yet: replies typed in the game that it did not understand, or that the trainee flagged as not what they meant, appear here for the trainer to add to the scenario." }
                }
                @for s in r.scenarios.iter().filter(|s| !s.not_understood.is_empty() || !s.flagged.is_empty()) {
                    article data-scenario=(s.id) {
                        h3 { (s.title) }
                        @if !s.not_understood.is_empty() {
                            h4 { "What trainees typed that was not understood (" (s.not_understood.len()) ")" }
                            ul.typed.not-understood {
                                @for t in &s.not_understood {
                                    li {
                                        "“" (t.text) "”"
                                        small { " — " (t.trainee) ", after “" (t.caller) "”"
                                            @if let Some(closest) = &t.understood_as { " · closest reply: “" (closest) "”" } }
                                    }
                                }
                            }
                        }
                        @if !s.flagged.is_empty() {
                            h4 { "Flagged as not what they meant (" (s.flagged.len()) ")" }
                            ul.typed.flagged {
                                @for t in &s.flagged {
                                    li {
                                        "“" (t.text) "”"
                                        @if let Some(taken) = &t.understood_as { " understood as “" (taken) "”" }
                                        small { " — " (t.trainee) ", after “" (t.caller) "”" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section #vote {
                h2 { "Class vote" }
                @if let Some(v) = latest {
                    p { a href=(format!("/class/{code}/vote/{}", v.id)) { "Open the latest vote (" (hub.library.title(&v.scenario).unwrap_or_else(|| v.scenario.clone())) ", seed " (v.seed) ")" } }
                }
                form method="post" action=(format!("/class/{code}/votes")) {
                    "Play " select name="scenario" {
                        @for s in &r.class.scenarios { option value=(s.id) { (s.title.clone().unwrap_or_else(|| s.id.clone())) } }
                    }
                    " in " select name="language" { @for l in ["en", "zh", "ru", "es"] { option value=(l) { (l) } } }
                    " " button type="submit" { "Start a class vote" }
                }
            }
            @if closed_at.is_none() {
                section #close {
                    h2 { "End of the class" }
                    form method="post" action=(format!("/class/{code}/close")) {
                        "Closing the class retires its join code: nobody else joins and no new attempt is taken. The results stay. "
                        button type="submit" { "Close the class" }
                    }
                }
            }
            footer {
                "Export: " a href=(format!("{api}/results.csv")) { "CSV" } " · " a href=(format!("{api}/xapi")) { "xAPI statements" }
                " · this page updates by itself"
            }
        }
        (live_script(&format!("{api}/events"), "changed"))
    };
    page(&format!("{} — class results", r.class.name), body)
}

#[derive(Debug, Deserialize)]
struct VoteForm {
    scenario: String,
    language: String,
}

async fn open_vote_form(
    State(hub): State<Arc<Hub>>,
    facilitator: Result<Facilitator, ApiError>,
    Form(form): Form<VoteForm>,
) -> Response {
    let class = match facilitator {
        Ok(Facilitator(class)) => class,
        Err(e) => return error_page(e),
    };
    let new = callsim_core::wire::NewVote {
        scenario: form.scenario,
        seed: rand::random::<u32>().into(),
        language: form.language,
    };
    match crate::services::start_vote(&hub, &class, new).await {
        Ok(view) => {
            Redirect::to(&format!("/class/{}/vote/{}", class.join_code, view.session_id)).into_response()
        }
        Err(e) => error_page(e),
    }
}

async fn vote_page(
    State(hub): State<Arc<Hub>>,
    facilitator: Result<Facilitator, ApiError>,
    Path((_code, id)): Path<(String, i64)>,
) -> Response {
    let class = match facilitator {
        Ok(Facilitator(class)) => class,
        Err(e) => return error_page(e),
    };
    let room = match room(&hub, id).await {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    let class_id = class.id;
    let trainees = hub
        .db(move |s| s.trainees(class_id))
        .await
        .map(|t| t.len() as u32)
        .unwrap_or(0);
    let (view, debrief) = {
        let room = room.lock().await;
        if room.session.class_id != class.id {
            return error_page(ApiError::new(
                StatusCode::NOT_FOUND,
                "no-such-vote",
                "this vote belongs to another class",
            ));
        }
        (room.view(Viewer::Facilitator, trainees), room.debrief())
    };
    render_vote(&class.join_code, &class.name, &view, debrief.as_ref()).into_response()
}

fn render_vote(code: &str, class_name: &str, v: &VoteView, debrief: Option<&VoteDebrief>) -> Html<String> {
    let body = html! {
        header {
            h1 { (v.title) }
            p.join { (class_name) " · join code " strong { (display_join_code(code)) } " · seed " (v.seed) }
        }
        main #vote {
            @match (&v.ending, debrief) {
                (Some(ending), Some(d)) => {
                    h2 { "The call ended: " (ending.title) }
                    table #vote-debrief {
                        thead { tr { th { "Turn" } th { "Caller" } th { "Class votes" } th { "Played" } th { "Best reply" } } }
                        tbody {
                            @for t in &d.turns {
                                tr data-turn=(t.turn) {
                                    td { (t.turn) }
                                    td { (t.caller) }
                                    td { @for c in &t.votes { @if c.votes > 0 { div { (c.reply) ": " (c.votes) } } } small { (t.voted_best_percent) "% voted for the best reply" } }
                                    td { (t.played) @if t.overridden { small { " (facilitator's choice)" } } }
                                    td class=(if t.best == t.played { "good" } else { "bad" }) { (t.best_text) }
                                }
                            }
                        }
                    }
                }
                _ => {
                    h2 { "Turn " (v.turn) " · " (v.voted) " of " (v.trainees) " voted" }
                    p.caller { "Caller: “" (v.caller) "”" }
                    @let max = v.options.iter().filter_map(|o| o.votes).max().unwrap_or(0).max(1);
                    ol.replies.options {
                        @for o in &v.options {
                            li data-option=(o.id) {
                                strong { (o.number) }
                                span { (o.text) }
                                (bar("", f64::from(o.votes.unwrap_or(0)), f64::from(max)))
                                form.inline method="post" action=(format!("/class/{code}/vote/{}/play", v.session_id)) {
                                    input type="hidden" name="turn" value=(v.turn);
                                    input type="hidden" name="reply" value=(o.id);
                                    button type="submit" title="play this reply" { (o.votes.unwrap_or(0)) " ▶" }
                                }
                            }
                        }
                    }
                    form method="post" action=(format!("/class/{code}/vote/{}/play", v.session_id)) {
                        input type="hidden" name="turn" value=(v.turn);
                        button type="submit" { "Play the class's choice" }
                    }
                }
            }
            @if !v.played.is_empty() && v.ending.is_none() {
                h2 { "So far" }
                ol { @for p in &v.played { li { (p.text) @if p.overridden { small { " (facilitator's choice)" } } } } }
            }
            footer { a href=(format!("/class/{code}")) { "Back to the class results" } }
        }
        (live_script(&format!("{API}/votes/{}/events", v.session_id), "vote"))
    };
    page(&format!("{} — class vote", v.title), body)
}

#[derive(Debug, Deserialize)]
struct PlayForm {
    turn: usize,
    reply: Option<String>,
}

async fn play_form(
    State(hub): State<Arc<Hub>>,
    facilitator: Result<Facilitator, ApiError>,
    Path((_code, id)): Path<(String, i64)>,
    Form(form): Form<PlayForm>,
) -> Response {
    let class = match facilitator {
        Ok(Facilitator(class)) => class,
        Err(e) => return error_page(e),
    };
    let session = match hub.db(move |s| s.vote_session(id)).await {
        Ok(Some(s)) if s.class_id == class.id => s,
        Ok(_) => {
            return error_page(ApiError::new(
                StatusCode::NOT_FOUND,
                "no-such-vote",
                "no such vote in this class",
            ));
        }
        Err(e) => return error_page(e),
    };
    match crate::services::play(&hub, &session, form.turn, form.reply.as_deref()).await {
        Ok(_) => {
            hub.events
                .send(crate::state::ClassEvent { class_id: class.id })
                .ok();
            Redirect::to(&format!("/class/{}/vote/{id}", class.join_code)).into_response()
        }
        Err(e) => error_page(e),
    }
}
