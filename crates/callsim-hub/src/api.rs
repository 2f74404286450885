//! The hub's HTTP API under `/api/v1` and its routes: who may do what, size
//! limits, and errors as clear JSON that change nothing.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::sync::{Mutex, broadcast};
use tokio_stream::Stream;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use callsim_core::wire::{
    API, AssignedScenario, AttemptReceipt, AttemptSummary, AttemptUpload, CastVote, ClassCreated, ClassInfo,
    ClassOverview, ErrorBody, ErrorDetail, JoinRequest, Joined, NewClass, NewVote, PlayTurn, Receipt,
    StoredAttempt, TraineeEntry, TraineeInfo, VoteView,
};

use super::store::{AttemptRow, ClassRow, Storage, StoreError, TraineeRow, VoteSessionRow};
use super::verify::HubScenarios;
use super::vote::{Room, Rooms, Viewer, VoteError};
use super::{display_join_code, new_join_code, new_secret, normalise_join_code, secret_hash};

/// The largest request body the hub reads. A long call's debrief with every
/// turn's text in Chinese is well under 200 KiB.
pub const BODY_LIMIT: usize = 512 * 1024;

/// Something that changed in a class, for live pages.
#[derive(Debug, Clone, Copy)]
pub struct ClassEvent {
    pub class_id: i64,
}

/// Everything a request handler needs.
pub struct Hub {
    pub store: Arc<dyn Storage>,
    pub library: Arc<HubScenarios>,
    pub events: broadcast::Sender<ClassEvent>,
    pub rooms: Rooms,
}

impl Hub {
    pub fn new(store: Arc<dyn Storage>, library: HubScenarios) -> Arc<Hub> {
        let (events, _) = broadcast::channel(256);
        Arc::new(Hub {
            store,
            library: Arc::new(library),
            events,
            rooms: Rooms::default(),
        })
    }

    /// Runs a database call off the async threads.
    pub async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Storage) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .map_err(|e| ApiError::internal(format!("a database call failed: {e}")))?
            .map_err(ApiError::from)
    }

    fn changed(&self, class_id: i64) {
        // Nobody listening is fine.
        let _ = self.events.send(ClassEvent { class_id });
    }

    pub fn class_info(&self, class: &ClassRow) -> ClassInfo {
        ClassInfo {
            name: class.name.clone(),
            join_code: display_join_code(&class.join_code),
            mode: class.mode,
            scenarios: class
                .scenarios
                .iter()
                .map(|id| AssignedScenario {
                    id: id.clone(),
                    title: self.library.title(id),
                })
                .collect(),
        }
    }
}

/// An error answer: a status, a stable code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn internal(message: String) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            StoreError::Database(m) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database-unavailable",
                format!("the hub cannot reach its database; try again shortly ({m})"),
            ),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code.to_owned(),
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// A JSON body whose every failure is an `ApiError`.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(e) => ApiError::unprocessable(
                    "invalid-fields",
                    format!("the JSON has the wrong fields: {}", e.body_text()),
                ),
                JsonRejection::JsonSyntaxError(e) => ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "malformed-json",
                    format!("the body is not valid JSON: {}", e.body_text()),
                ),
                JsonRejection::MissingJsonContentType(_) => ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "not-json",
                    "send the body as JSON, with Content-Type: application/json",
                ),
                JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "body-too-large",
                        format!(
                            "the body is larger than the hub accepts ({} KiB)",
                            BODY_LIMIT / 1024
                        ),
                    )
                }
                other => ApiError::new(other.status(), "bad-body", other.body_text()),
            }),
        }
    }
}

type Shared = State<Arc<Hub>>;

pub fn router(hub: Arc<Hub>) -> Router {
    let api = Router::new()
        .route("/classes", post(create_class))
        .route("/classes/{code}", get(class_overview))
        .route("/classes/{code}/results", get(results_json))
        .route("/classes/{code}/results.csv", get(results_csv))
        .route("/classes/{code}/xapi", get(results_xapi))
        .route("/classes/{code}/events", get(class_events))
        .route("/classes/{code}/votes", post(open_vote))
        .route("/classes/{code}/votes/current", get(current_vote))
        .route("/join", post(join))
        .route("/me", get(me))
        .route("/attempts", post(upload_attempt).get(my_attempts))
        .route("/attempts/{id}", get(my_attempt))
        .route("/votes/{id}", get(vote_view))
        .route("/votes/{id}/events", get(vote_events))
        .route("/votes/{id}/turns/{turn}/vote", put(cast_vote))
        .route("/votes/{id}/turns/{turn}/play", post(play_turn))
        .route("/votes/{id}/debrief", get(vote_debrief))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no-such-endpoint",
                "no such API endpoint; see docs/class-hub.md",
            )
        });
    Router::new()
        .nest(API, api)
        .merge(super::page::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(hub)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The facilitator's cookie for class `code`, set by the results page.
pub fn cookie_name(code: &str) -> String {
    format!("callsim_facilitator_{code}")
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The trainee whose token the request carries.
pub async fn trainee(hub: &Hub, headers: &HeaderMap) -> Result<TraineeRow, ApiError> {
    let Some(token) = bearer(headers) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing-token",
            "send the trainee token you got when joining, as Authorization: Bearer <token>",
        ));
    };
    if token.starts_with("f_") {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "facilitator-secret",
            "this is a facilitator's secret; trainees' calls need a trainee token from joining the class",
        ));
    }
    let hash = secret_hash(token);
    hub.db(move |s| s.trainee_by_token(&hash)).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unknown-token",
            "this trainee token is not known to the hub; join the class again",
        )
    })
}

async fn class_by_code(hub: &Hub, code: &str) -> Result<ClassRow, ApiError> {
    let code = normalise_join_code(code);
    let shown = display_join_code(&code);
    hub.db(move |s| s.class_by_code(&code)).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "wrong-join-code",
            format!("no class has the join code {shown}; check it with your facilitator"),
        )
    })
}

/// The class `code`, if the request carries its facilitator's secret (as a
/// bearer token or the results page's cookie).
pub async fn facilitator(hub: &Hub, headers: &HeaderMap, code: &str) -> Result<ClassRow, ApiError> {
    let class = class_by_code(hub, code).await?;
    let secret = bearer(headers).or_else(|| cookie(headers, &cookie_name(&class.join_code)));
    match secret {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "missing-secret",
            "this needs the class's facilitator secret, as Authorization: Bearer <secret>",
        )),
        Some(s) if secret_hash(s) == class.secret_hash => Ok(class),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "wrong-secret",
            "this is not the facilitator secret of this class",
        )),
    }
}

fn validate_name(what: &str, name: &str, max: usize) -> Result<String, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::unprocessable(
            "empty-name",
            format!("the {what} is empty"),
        ));
    }
    if name.chars().count() > max {
        return Err(ApiError::unprocessable(
            "name-too-long",
            format!("the {what} is longer than {max} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ApiError::unprocessable(
            "invalid-name",
            format!("the {what} contains control characters"),
        ));
    }
    Ok(name.to_owned())
}

/// `http://host:port` as the client reached the hub, for links and IRIs.
pub fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

async fn create_class(
    State(hub): Shared,
    headers: HeaderMap,
    Body(new): Body<NewClass>,
) -> Result<Response, ApiError> {
    let created = create(&hub, &headers, new).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// Creates a class from `new`, with a fresh join code and facilitator secret.
pub async fn create(hub: &Hub, headers: &HeaderMap, new: NewClass) -> Result<ClassCreated, ApiError> {
    let name = validate_name("class name", &new.name, 100)?;
    if new.scenarios.is_empty() || new.scenarios.len() > 50 {
        return Err(ApiError::unprocessable(
            "invalid-scenarios",
            "assign between 1 and 50 scenarios",
        ));
    }
    let mut scenarios: Vec<String> = Vec::new();
    for id in &new.scenarios {
        if hub.library.model(id).is_none() {
            let known: Vec<&str> = hub.library.ids().collect();
            return Err(ApiError::unprocessable(
                "unknown-scenario",
                format!("this hub has no scenario `{id}`; it has: {}", known.join(", ")),
            ));
        }
        if !scenarios.contains(id) {
            scenarios.push(id.clone());
        }
    }
    let secret = new_secret("f");
    let mut row = ClassRow {
        id: 0,
        join_code: String::new(),
        name,
        mode: new.mode,
        secret_hash: secret_hash(&secret),
        scenarios,
        created_at: super::now(),
    };
    // A taken code (rare with 887 million) just draws another.
    let mut created = None;
    for _ in 0..8 {
        row.join_code = new_join_code();
        let attempt = row.clone();
        match hub.db(move |s| s.create_class(&attempt)).await {
            Ok(class) => {
                created = Some(class);
                break;
            }
            Err(e) if e.status == StatusCode::CONFLICT => continue,
            Err(e) => return Err(e),
        }
    }
    let class = created.ok_or_else(|| ApiError::internal("no free join code found".into()))?;
    Ok(ClassCreated {
        class: hub.class_info(&class),
        results_url: format!("{}/class/{}?key={secret}", base_url(headers), class.join_code),
        facilitator_secret: secret,
    })
}

async fn class_overview(
    State(hub): Shared,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<ClassOverview>, ApiError> {
    let class = facilitator(&hub, &headers, &code).await?;
    let id = class.id;
    let trainees = hub.db(move |s| s.trainees(id)).await?;
    Ok(Json(ClassOverview {
        class: hub.class_info(&class),
        trainees: trainees
            .into_iter()
            .map(|t| TraineeEntry {
                trainee_id: t.id,
                name: t.name,
                joined_at: t.joined_at,
            })
            .collect(),
    }))
}

async fn join(State(hub): Shared, Body(req): Body<JoinRequest>) -> Result<Response, ApiError> {
    let name = validate_name("name", &req.name, 60)?;
    let class = class_by_code(&hub, &req.join_code).await?;
    let token = new_secret("t");
    let hash = secret_hash(&token);
    let class_id = class.id;
    let trainee = hub
        .db(move |s| s.add_trainee(class_id, &name, &hash))
        .await
        .map_err(|e| match e.status {
            StatusCode::CONFLICT => ApiError::new(StatusCode::CONFLICT, "name-taken", e.message),
            _ => e,
        })?;
    hub.changed(class.id);
    let body = Joined {
        trainee_id: trainee.id,
        name: trainee.name,
        token,
        class: hub.class_info(&class),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

async fn class_of(hub: &Hub, trainee: &TraineeRow) -> Result<ClassRow, ApiError> {
    let id = trainee.class_id;
    hub.db(move |s| s.class_by_id(id))
        .await?
        .ok_or_else(|| ApiError::internal(format!("class {id} is missing")))
}

async fn me(State(hub): Shared, headers: HeaderMap) -> Result<Json<TraineeInfo>, ApiError> {
    let trainee = trainee(&hub, &headers).await?;
    let class = class_of(&hub, &trainee).await?;
    Ok(Json(TraineeInfo {
        trainee_id: trainee.id,
        name: trainee.name,
        class: hub.class_info(&class),
    }))
}

fn summary(a: &AttemptRow) -> AttemptSummary {
    AttemptSummary {
        attempt_id: a.id.clone(),
        scenario: a.scenario.clone(),
        seed: a.seed,
        language: a.language.clone(),
        ending: a.ending.clone(),
        ending_kind: a.ending_kind.clone(),
        success: a.success,
        respect: a.respect.percent,
        sincerity: a.sincerity.percent,
        verified: a.verified,
        finished_at: a.finished_at.clone(),
    }
}

async fn upload_attempt(
    State(hub): Shared,
    headers: HeaderMap,
    Body(upload): Body<AttemptUpload>,
) -> Result<Response, ApiError> {
    let trainee = trainee(&hub, &headers).await?;
    if uuid::Uuid::parse_str(&upload.attempt_id).is_err() {
        return Err(ApiError::unprocessable(
            "invalid-attempt-id",
            format!("attempt_id `{}` is not a UUID", upload.attempt_id),
        ));
    }
    if upload.choices.len() > 1000 || upload.scenario.len() > 200 || upload.language.len() > 35 {
        return Err(ApiError::unprocessable(
            "invalid-attempt",
            "the attempt is implausibly large",
        ));
    }
    let class = class_of(&hub, &trainee).await?;
    let library = Arc::clone(&hub.library);
    let require_replay = class.mode == callsim_core::wire::Mode::Exam;
    let (trainee_id, class_id) = (trainee.id, class.id);
    // Replaying a call explores its graph: CPU work, kept off the async threads.
    let checked = tokio::task::spawn_blocking(move || {
        super::verify::verify_attempt(&library, &upload, trainee_id, class_id, require_replay)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?
    .map_err(|r| ApiError::unprocessable(r.code, r.message))?;
    let receipt_body = AttemptReceipt {
        attempt_id: checked.row.id.clone(),
        receipt: Receipt::Recorded,
        verified: checked.row.verified,
        respect: checked.row.respect.percent,
        sincerity: checked.row.sincerity.percent,
    };
    let receipt = hub
        .db(move |s| s.record_attempt(&checked.row, &checked.turns))
        .await
        .map_err(|e| match e.status {
            StatusCode::CONFLICT => ApiError::new(StatusCode::CONFLICT, "attempt-conflict", e.message),
            _ => e,
        })?;
    let status = match receipt {
        Receipt::Recorded => {
            hub.changed(class_id);
            StatusCode::CREATED
        }
        Receipt::AlreadyRecorded => StatusCode::OK,
    };
    Ok((
        status,
        Json(AttemptReceipt {
            receipt,
            ..receipt_body
        }),
    )
        .into_response())
}

async fn my_attempts(State(hub): Shared, headers: HeaderMap) -> Result<Json<Vec<AttemptSummary>>, ApiError> {
    let trainee = trainee(&hub, &headers).await?;
    let id = trainee.id;
    let attempts = hub.db(move |s| s.trainee_attempts(id)).await?;
    Ok(Json(attempts.iter().map(summary).collect()))
}

async fn my_attempt(
    State(hub): Shared,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<StoredAttempt>, ApiError> {
    let trainee = trainee(&hub, &headers).await?;
    let attempt = hub.db(move |s| s.attempt(&id)).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no-such-attempt",
            "the hub has no attempt with this id",
        )
    })?;
    if attempt.trainee_id != trainee.id {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not-your-attempt",
            "this attempt belongs to another trainee",
        ));
    }
    let upload: AttemptUpload = serde_json::from_str(&attempt.body)
        .map_err(|e| ApiError::internal(format!("stored attempt unreadable: {e}")))?;
    Ok(Json(StoredAttempt {
        summary: summary(&attempt),
        upload,
    }))
}

/// Everything the results, the CSV and the xAPI export are made from.
pub struct ClassData {
    pub class: ClassRow,
    pub trainees: Vec<TraineeRow>,
    pub attempts: Vec<AttemptRow>,
    pub tallies: Vec<super::store::ReplyTally>,
}

pub async fn class_data(hub: &Hub, class: ClassRow) -> Result<ClassData, ApiError> {
    let id = class.id;
    let (trainees, attempts, tallies) = hub
        .db(move |s| Ok((s.trainees(id)?, s.class_attempts(id)?, s.reply_tallies(id)?)))
        .await?;
    Ok(ClassData {
        class,
        trainees,
        attempts,
        tallies,
    })
}

pub fn results_of(hub: &Hub, data: &ClassData) -> super::results::ClassResults {
    super::results::class_results(
        &data.class,
        hub.class_info(&data.class),
        &data.trainees,
        &data.attempts,
        &data.tallies,
        &hub.library,
    )
}

async fn results_json(
    State(hub): Shared,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<super::results::ClassResults>, ApiError> {
    let class = facilitator(&hub, &headers, &code).await?;
    let data = class_data(&hub, class).await?;
    Ok(Json(results_of(&hub, &data)))
}

fn download(content_type: &'static str, filename: String, body: String) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

async fn results_csv(
    State(hub): Shared,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let class = facilitator(&hub, &headers, &code).await?;
    let data = class_data(&hub, class).await?;
    let csv = super::export::csv(&data.class, &data.trainees, &data.attempts).map_err(ApiError::internal)?;
    Ok(download(
        "text/csv; charset=utf-8",
        format!("class-{}.csv", data.class.join_code),
        csv,
    ))
}

async fn results_xapi(
    State(hub): Shared,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let class = facilitator(&hub, &headers, &code).await?;
    let data = class_data(&hub, class).await?;
    let statements = super::export::xapi(
        &data.class,
        &data.trainees,
        &data.attempts,
        &hub.library,
        &base_url(&headers),
    );
    let body = serde_json::to_string_pretty(&statements).map_err(|e| ApiError::internal(e.to_string()))?;
    Ok(download(
        "application/json",
        format!("class-{}-xapi.json", data.class.join_code),
        body,
    ))
}

/// `changed` whenever someone joins or an attempt arrives, for the results page.
async fn class_events(
    State(hub): Shared,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let class = facilitator(&hub, &headers, &code).await?;
    let id = class.id;
    let stream = BroadcastStream::new(hub.events.subscribe())
        // A lagging listener just hears "changed" once more.
        .filter(move |e| e.as_ref().map_or(true, |e| e.class_id == id))
        .map(|_| Ok(Event::default().event("changed").data("class")));
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// The room of vote session `id`, restored on first use.
pub async fn room(hub: &Hub, id: i64) -> Result<Arc<Mutex<Room>>, ApiError> {
    let mut rooms = hub.rooms.rooms.lock().await;
    if let Some(room) = rooms.get(&id) {
        return Ok(Arc::clone(room));
    }
    let (session, played, votes) = hub
        .db(move |s| {
            let session = s.vote_session(id)?;
            Ok((session, s.played_turns(id)?, s.votes(id)?))
        })
        .await?;
    let session = session.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no-such-vote",
            format!("there is no vote session {id}"),
        )
    })?;
    let model = hub.library.model(&session.scenario).cloned().ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "unknown-scenario",
            format!("this hub no longer has scenario `{}`", session.scenario),
        )
    })?;
    let room = Room::restore(model, session, played, &votes).map_err(ApiError::internal)?;
    let room = Arc::new(Mutex::new(room));
    rooms.insert(id, Arc::clone(&room));
    Ok(room)
}

/// The facilitator of the session's class, or a trainee in it.
async fn vote_viewer(hub: &Hub, headers: &HeaderMap, session: &VoteSessionRow) -> Result<Viewer, ApiError> {
    let secret = bearer(headers).map(str::to_owned);
    let class_id = session.class_id;
    let class = hub
        .db(move |s| s.class_by_id(class_id))
        .await?
        .ok_or_else(|| ApiError::internal("the vote's class is missing".into()))?;
    let cookie_secret = cookie(headers, &cookie_name(&class.join_code)).map(str::to_owned);
    if let Some(s) = secret.as_deref().or(cookie_secret.as_deref())
        && secret_hash(s) == class.secret_hash
    {
        return Ok(Viewer::Facilitator);
    }
    let t = trainee(hub, headers).await?;
    if t.class_id != session.class_id {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not-your-class",
            "this vote belongs to another class",
        ));
    }
    Ok(Viewer::Trainee(t.id))
}

async fn trainee_count(hub: &Hub, class_id: i64) -> Result<u32, ApiError> {
    Ok(hub.db(move |s| s.trainees(class_id)).await?.len() as u32)
}

async fn open_vote(
    State(hub): Shared,
    headers: HeaderMap,
    Path(code): Path<String>,
    Body(new): Body<NewVote>,
) -> Result<Response, ApiError> {
    let class = facilitator(&hub, &headers, &code).await?;
    let view = start_vote(&hub, &class, new).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// Opens a vote session in `class` and its room.
pub async fn start_vote(hub: &Hub, class: &ClassRow, new: NewVote) -> Result<VoteView, ApiError> {
    if hub.library.model(&new.scenario).is_none() {
        return Err(ApiError::unprocessable(
            "unknown-scenario",
            format!("this hub has no scenario `{}` to play", new.scenario),
        ));
    }
    let language = validate_name("language", &new.language, 35)?;
    let row = VoteSessionRow {
        id: 0,
        class_id: class.id,
        scenario: new.scenario,
        seed: new.seed,
        language,
        opened_at: super::now(),
    };
    let session = hub.db(move |s| s.open_vote(&row)).await?;
    let room = room(hub, session.id).await?;
    let trainees = trainee_count(hub, class.id).await?;
    let view = room.lock().await.view(Viewer::Facilitator, trainees);
    hub.changed(class.id);
    Ok(view)
}

async fn current_vote(
    State(hub): Shared,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Json<VoteView>, ApiError> {
    let class = class_by_code(&hub, &code).await?;
    let class_id = class.id;
    let session = hub.db(move |s| s.latest_vote(class_id)).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no-vote",
            "the facilitator has not started a vote in this class",
        )
    })?;
    let viewer = vote_viewer(&hub, &headers, &session).await?;
    let room = room(&hub, session.id).await?;
    let trainees = trainee_count(&hub, class_id).await?;
    Ok(Json(room.lock().await.view(viewer, trainees)))
}

#[derive(Debug, Deserialize)]
struct Wait {
    /// Answer once the view's version is past this.
    after: Option<u64>,
    /// Seconds to wait for that, at most 30.
    wait: Option<u64>,
}

async fn session_of(hub: &Hub, id: i64) -> Result<VoteSessionRow, ApiError> {
    hub.db(move |s| s.vote_session(id)).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no-such-vote",
            format!("there is no vote session {id}"),
        )
    })
}

/// The vote's state; with `after`, waits (long poll) for a newer one.
async fn vote_view(
    State(hub): Shared,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(wait): Query<Wait>,
) -> Result<Json<VoteView>, ApiError> {
    let session = session_of(&hub, id).await?;
    let viewer = vote_viewer(&hub, &headers, &session).await?;
    let room = room(&hub, id).await?;
    if let Some(after) = wait.after {
        let mut changes = room.lock().await.subscribe();
        let limit = Duration::from_secs(wait.wait.unwrap_or(20).min(30));
        let _ = tokio::time::timeout(limit, changes.wait_for(|v| *v > after)).await;
    }
    let trainees = trainee_count(&hub, session.class_id).await?;
    Ok(Json(room.lock().await.view(viewer, trainees)))
}

/// The vote's state as server-sent events, one `vote` event per change.
async fn vote_events(
    State(hub): Shared,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let session = session_of(&hub, id).await?;
    let viewer = vote_viewer(&hub, &headers, &session).await?;
    let room = room(&hub, id).await?;
    let changes = room.lock().await.subscribe();
    let class_id = session.class_id;
    let stream = WatchStream::new(changes).then(move |_| {
        let hub = Arc::clone(&hub);
        let room = Arc::clone(&room);
        async move {
            let trainees = trainee_count(&hub, class_id).await.unwrap_or(0);
            let view = room.lock().await.view(viewer, trainees);
            Ok(Event::default()
                .event("vote")
                .json_data(&view)
                .unwrap_or_else(|_| Event::default().event("vote")))
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

fn vote_error(e: VoteError) -> ApiError {
    match e {
        VoteError::Closed(m) => ApiError::new(StatusCode::CONFLICT, "turn-closed", m),
        VoteError::NotOffered(m) => ApiError::unprocessable("not-an-option", m),
        VoteError::NoVotes => ApiError::new(
            StatusCode::CONFLICT,
            "no-votes",
            "nobody has voted on this turn yet; wait for votes or choose the reply to play",
        ),
    }
}

async fn cast_vote(
    State(hub): Shared,
    headers: HeaderMap,
    Path((id, turn)): Path<(i64, usize)>,
    Body(vote): Body<CastVote>,
) -> Result<Json<VoteView>, ApiError> {
    let session = session_of(&hub, id).await?;
    let Viewer::Trainee(trainee_id) = vote_viewer(&hub, &headers, &session).await? else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "facilitator-cannot-vote",
            "votes come from trainees; the facilitator plays the turn instead",
        ));
    };
    let room = room(&hub, id).await?;
    let mut room = room.lock().await;
    room.check_vote(turn, &vote.reply).map_err(vote_error)?;
    let row = super::store::VoteRow {
        turn: turn as i64,
        trainee_id,
        reply: vote.reply.clone(),
    };
    hub.db(move |s| s.cast_vote(id, &row)).await?;
    room.record_vote(trainee_id, &vote.reply);
    let trainees = trainee_count(&hub, session.class_id).await?;
    Ok(Json(room.view(Viewer::Trainee(trainee_id), trainees)))
}

/// Plays turn `turn` (the majority, or the facilitator's choice) and opens the next.
pub async fn play(
    hub: &Hub,
    session: &VoteSessionRow,
    turn: usize,
    reply: Option<&str>,
) -> Result<VoteView, ApiError> {
    let room = room(hub, session.id).await?;
    let mut room = room.lock().await;
    let row = room.plan_play(turn, reply).map_err(vote_error)?;
    let stored = row.clone();
    let id = session.id;
    hub.db(move |s| s.play_turn(id, &stored))
        .await
        .map_err(|e| match e.status {
            StatusCode::CONFLICT => ApiError::new(StatusCode::CONFLICT, "turn-closed", e.message),
            _ => e,
        })?;
    room.apply_play(row).map_err(ApiError::internal)?;
    let trainees = trainee_count(hub, session.class_id).await?;
    Ok(room.view(Viewer::Facilitator, trainees))
}

async fn play_turn(
    State(hub): Shared,
    headers: HeaderMap,
    Path((id, turn)): Path<(i64, usize)>,
    Body(req): Body<PlayTurn>,
) -> Result<Json<VoteView>, ApiError> {
    let session = session_of(&hub, id).await?;
    let Viewer::Facilitator = vote_viewer(&hub, &headers, &session).await? else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "trainee-cannot-play",
            "only the facilitator plays a turn; trainees vote",
        ));
    };
    let view = play(&hub, &session, turn, req.reply.as_deref()).await?;
    hub.changed(session.class_id);
    Ok(Json(view))
}

async fn vote_debrief(
    State(hub): Shared,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<callsim_core::wire::VoteDebrief>, ApiError> {
    let session = session_of(&hub, id).await?;
    vote_viewer(&hub, &headers, &session).await?;
    let room = room(&hub, id).await?;
    let room = room.lock().await;
    room.debrief().map(Json).ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "call-not-over",
            format!(
                "the call is still on turn {}; the debrief comes at its end",
                room.turn()
            ),
        )
    })
}
