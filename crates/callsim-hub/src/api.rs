//! The hub's HTTP API under `/api/v1`: one handler per route, each a thin
//! layer over `auth` (who may) and `services` (what happens), answering
//! JSON, with errors as `error::ApiError`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use tokio_stream::Stream;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use callsim_core::wire::{
    AttemptReceipt, AttemptSummary, AttemptUpload, CastVote, ClassOverview, JoinRequest, Joined, NewClass,
    NewVote, PlayTurn, Receipt, StoredAttempt, TraineeEntry, TraineeInfo, VoteView,
};

use crate::auth::*;
use crate::error::*;
use crate::services::*;
use crate::state::*;

use crate::vote::Viewer;
use crate::{new_secret, secret_hash};

/// The API's routes, below `/api/v1`.
pub fn routes() -> Router<Arc<Hub>> {
    Router::new()
        .route("/classes", post(create_class))
        .route("/classes/{code}", get(class_overview))
        .route("/classes/{code}/results", get(results_json))
        .route("/classes/{code}/results.csv", get(results_csv))
        .route("/classes/{code}/xapi", get(results_xapi))
        .route("/classes/{code}/events", get(class_events))
        .route("/classes/{code}/close", post(close_class))
        .route("/classes/{code}/mastery-score", put(put_mastery_score))
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
        })
        .layer(axum::middleware::from_fn(json_errors))
}

async fn create_class(
    State(hub): Shared,
    headers: HeaderMap,
    Body(new): Body<NewClass>,
) -> Result<Response, ApiError> {
    let created = create(&hub, &headers, bearer(&headers), new, None).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn class_overview(
    State(hub): Shared,
    Facilitator(class): Facilitator,
) -> Result<Json<ClassOverview>, ApiError> {
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

/// What a closed class answers a join or a new attempt.
fn class_closed(closed_at: &str) -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "class-closed",
        format!("the facilitator closed this class at {closed_at}; it takes no more trainees or attempts"),
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MasteryScore {
    mastery_score: u8,
}

/// The facilitator sets the percentage an attempt needs to pass.
async fn put_mastery_score(
    State(hub): Shared,
    Facilitator(class): Facilitator,
    Body(body): Body<MasteryScore>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let class = set_mastery_score(&hub, &class, body.mastery_score).await?;
    Ok(Json(serde_json::json!({
        "class": hub.class_info(&class),
        "mastery_score": class.mastery_score,
    })))
}

/// The facilitator closes the class: no joins, no new attempts.
async fn close_class(
    State(hub): Shared,
    Facilitator(class): Facilitator,
) -> Result<Json<serde_json::Value>, ApiError> {
    let closed = close(&hub, &class).await?;
    Ok(Json(serde_json::json!({
        "class": hub.class_info(&closed),
        "closed_at": closed.closed_at,
    })))
}

async fn join(
    State(hub): Shared,
    ClientAddress(address): ClientAddress,
    Body(req): Body<JoinRequest>,
) -> Result<Response, ApiError> {
    let name = validate_name("name", &req.name, 60)?;
    let now = std::time::Instant::now();
    if let Some(address) = address
        && let Err(wait) = hub.failed_joins.check(address, now)
    {
        let seconds = wait.as_secs().max(1);
        return Err(ApiError {
            retry_after: Some(seconds),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-join-attempts",
                format!(
                    "too many wrong join codes from this computer; check the code with your facilitator and try again in {} minute(s)",
                    seconds.div_ceil(60)
                ),
            )
        });
    }
    let class = match class_by_code(&hub, &req.join_code).await {
        Ok(class) => class,
        Err(e) => {
            if let Some(address) = address
                && e.code == "wrong-join-code"
            {
                hub.failed_joins.record(address, now);
            }
            return Err(e);
        }
    };
    if let Some(closed_at) = &class.closed_at {
        return Err(class_closed(closed_at));
    }
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

async fn me(State(hub): Shared, Trainee(trainee): Trainee) -> Result<Json<TraineeInfo>, ApiError> {
    let class = class_of(&hub, &trainee).await?;
    Ok(Json(TraineeInfo {
        trainee_id: trainee.id,
        name: trainee.name,
        class: hub.class_info(&class),
    }))
}

async fn upload_attempt(
    State(hub): Shared,
    Trainee(trainee): Trainee,
    Body(upload): Body<AttemptUpload>,
) -> Result<Response, ApiError> {
    if uuid::Uuid::parse_str(&upload.attempt_id).is_err() {
        return Err(ApiError::unprocessable(
            "invalid-attempt-id",
            format!("attempt_id `{}` is not a UUID", upload.attempt_id),
        ));
    }
    if upload.choices.len() > 1000 || upload.scenario.len() > 200 {
        return Err(ApiError::unprocessable(
            "invalid-attempt",
            "the attempt is implausibly large",
        ));
    }
    // The debrief's own language must match it (checked with the rest).
    validate_language(&upload.language)?;
    let class = class_of(&hub, &trainee).await?;
    if let Some(closed_at) = &class.closed_at {
        // A re-send of an attempt the hub has (its answer was lost) is
        // still acknowledged; only new attempts are refused.
        let id = upload.attempt_id.clone();
        let body = serde_json::to_string(&upload).map_err(|e| ApiError::internal(e.to_string()))?;
        let kept = hub.db(move |s| s.attempt(&id)).await?;
        if let Some(kept) = &kept
            && kept.trainee_id == trainee.id
            && kept.body != body
            && crate::verify::differs_in_flags_only(&kept.body, &body)
        {
            // A "not what I meant" flag set after the call was sent still
            // reaches the trainers: it moves no score.
            let flagged: Vec<i64> = upload
                .debrief
                .turns
                .iter()
                .filter(|t| t.turn.typed.as_ref().is_some_and(|t| t.flagged))
                .map(|t| t.turn.number as i64)
                .collect();
            let (id, new_body) = (kept.id.clone(), body.clone());
            hub.db(move |s| s.update_typed_flags(&id, &new_body, &flagged))
                .await?;
            hub.changed(class.id);
        }
        let body_matches = |kept: &crate::store::AttemptRow| {
            kept.body == body || crate::verify::differs_in_flags_only(&kept.body, &body)
        };
        return match kept {
            Some(kept) if kept.trainee_id == trainee.id && body_matches(&kept) => Ok((
                StatusCode::OK,
                Json(AttemptReceipt {
                    attempt_id: kept.id,
                    receipt: Receipt::AlreadyRecorded,
                    verified: kept.verified,
                    respect: kept.respect.percent,
                    sincerity: kept.sincerity.percent,
                }),
            )
                .into_response()),
            _ => Err(class_closed(closed_at)),
        };
    }
    let library = Arc::clone(&hub.library);
    let require_replay = class.mode == callsim_core::wire::Mode::Exam;
    let (trainee_id, class_id) = (trainee.id, class.id);
    // Replaying a call explores its graph: CPU work, kept off the async threads.
    let checked = tokio::task::spawn_blocking(move || {
        crate::verify::verify_attempt(&library, &upload, trainee_id, class_id, require_replay)
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
        Receipt::AlreadyRecorded => {
            // Sent again, it may carry a flag set since (see `Storage::record_attempt`).
            hub.changed(class_id);
            StatusCode::OK
        }
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

async fn my_attempts(
    State(hub): Shared,
    Trainee(trainee): Trainee,
) -> Result<Json<Vec<AttemptSummary>>, ApiError> {
    let id = trainee.id;
    let attempts = hub.db(move |s| s.trainee_attempts(id)).await?;
    Ok(Json(attempts.iter().map(summary).collect()))
}

async fn my_attempt(
    State(hub): Shared,
    Trainee(trainee): Trainee,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<StoredAttempt>, ApiError> {
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

async fn results_json(
    State(hub): Shared,
    Facilitator(class): Facilitator,
) -> Result<Json<crate::results::ClassResults>, ApiError> {
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

async fn results_csv(State(hub): Shared, Facilitator(class): Facilitator) -> Result<Response, ApiError> {
    let data = class_data(&hub, class).await?;
    let csv = crate::export::csv(&data.class, &data.trainees, &data.attempts).map_err(ApiError::internal)?;
    Ok(download(
        "text/csv; charset=utf-8",
        format!("class-{}.csv", data.class.join_code),
        csv,
    ))
}

async fn results_xapi(
    State(hub): Shared,
    headers: HeaderMap,
    Facilitator(class): Facilitator,
) -> Result<Response, ApiError> {
    let data = class_data(&hub, class).await?;
    let statements = crate::export::xapi(
        &data.class,
        &data.trainees,
        &data.attempts,
        &hub.library,
        &base_url(&hub, &headers),
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
    Facilitator(class): Facilitator,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let id = class.id;
    let stream = BroadcastStream::new(hub.events.subscribe())
        // A lagging listener just hears "changed" once more.
        .filter(move |e| e.as_ref().map_or(true, |e| e.class_id == id))
        .map(|_| Ok(Event::default().event("changed").data("class")));
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

async fn open_vote(
    State(hub): Shared,
    Facilitator(class): Facilitator,
    Body(new): Body<NewVote>,
) -> Result<Response, ApiError> {
    let view = start_vote(&hub, &class, new).await?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

async fn current_vote(
    State(hub): Shared,
    headers: HeaderMap,
    ApiPath(code): ApiPath<String>,
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

/// The vote's state; with `after`, waits (long poll) for a newer one.
async fn vote_view(
    State(hub): Shared,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(wait): ApiQuery<Wait>,
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
    ApiPath(id): ApiPath<i64>,
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

async fn cast_vote(
    State(hub): Shared,
    headers: HeaderMap,
    ApiPath((id, turn)): ApiPath<(i64, usize)>,
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
    let row = crate::store::VoteRow {
        turn: turn as i64,
        trainee_id,
        reply: vote.reply.clone(),
    };
    hub.db(move |s| s.cast_vote(id, &row)).await?;
    room.record_vote(trainee_id, &vote.reply);
    let trainees = trainee_count(&hub, session.class_id).await?;
    Ok(Json(room.view(Viewer::Trainee(trainee_id), trainees)))
}

async fn play_turn(
    State(hub): Shared,
    headers: HeaderMap,
    ApiPath((id, turn)): ApiPath<(i64, usize)>,
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
    ApiPath(id): ApiPath<i64>,
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
