//! What the API and the pages both do: create a class, gather a class's
//! results, open and play a class vote. Handlers in `api` and `page` turn
//! requests into calls of these and their results into answers.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};
use tokio::sync::Mutex;

use callsim_core::wire::{AttemptSummary, ClassCreated, NewClass, NewVote, VoteView};

use crate::error::*;
use crate::state::*;
use crate::store::{AttemptRow, ClassRow, TraineeRow, VoteSessionRow};
use crate::vote::{Room, Viewer, VoteError};
use crate::{new_join_code, new_secret, secret_hash};

/// A typed name in its one form (`crate::names::normalise`), or the 422
/// that says what is wrong with it.
pub(crate) fn validate_name(what: &str, name: &str, max: usize) -> Result<String, ApiError> {
    crate::names::normalise(what, name, max).map_err(|e| ApiError::unprocessable(e.code, e.message))
}

/// `language` if it reads as a language tag (`crate::is_language_tag`).
pub(crate) fn validate_language(language: &str) -> Result<String, ApiError> {
    if crate::is_language_tag(language) {
        Ok(language.to_owned())
    } else {
        let shown: String = language.chars().take(40).collect();
        Err(ApiError::unprocessable(
            "invalid-language",
            format!("`{shown}` is not a language tag such as en, zh-Hans or es-419"),
        ))
    }
}

/// `http://host:port` as the client reached the hub, for links and IRIs.
pub fn base_url(hub: &Hub, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if hub.https { "https" } else { "http" };
    format!("{scheme}://{host}")
}

/// Creates a class from `new`, with a fresh join code and facilitator
/// secret, if `organiser_key` is the hub's (when it has one).
pub async fn create(
    hub: &Hub,
    headers: &HeaderMap,
    organiser_key: Option<&str>,
    new: NewClass,
    mastery_score: Option<u8>,
) -> Result<ClassCreated, ApiError> {
    hub.check_organiser(organiser_key)?;
    if let Some(score) = mastery_score {
        check_mastery_score(score)?;
    }
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
        created_at: crate::now(),
        closed_at: None,
        mastery_score: mastery_score.unwrap_or(crate::store::DEFAULT_MASTERY_SCORE),
        typing_required: new.typing_required,
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
        results_url: format!(
            "{}/class/{}?key={secret}",
            base_url(hub, headers),
            class.join_code
        ),
        facilitator_secret: secret,
    })
}

/// Closes `class` (a second close keeps the first time) and returns it as now stored.
pub async fn close(hub: &Hub, class: &ClassRow) -> Result<ClassRow, ApiError> {
    let id = class.id;
    let closed = hub
        .db(move |s| {
            s.close_class(id, &crate::now())?;
            s.class_by_id(id)
        })
        .await?
        .ok_or_else(|| ApiError::internal(format!("class {id} is missing")))?;
    hub.changed(id);
    Ok(closed)
}

pub(crate) fn check_mastery_score(score: u8) -> Result<(), ApiError> {
    if score > 100 {
        return Err(ApiError::unprocessable(
            "invalid-mastery-score",
            format!("a mastery score is a percentage, 0-100, not {score}"),
        ));
    }
    Ok(())
}

/// Sets the percentage `class`'s attempts need to pass, for the xAPI export.
pub async fn set_mastery_score(hub: &Hub, class: &ClassRow, score: u8) -> Result<ClassRow, ApiError> {
    check_mastery_score(score)?;
    let id = class.id;
    let class = hub
        .db(move |s| {
            s.set_mastery_score(id, score)?;
            s.class_by_id(id)
        })
        .await?
        .ok_or_else(|| ApiError::internal(format!("class {id} is missing")))?;
    hub.changed(id);
    Ok(class)
}

pub(crate) async fn class_of(hub: &Hub, trainee: &TraineeRow) -> Result<ClassRow, ApiError> {
    let id = trainee.class_id;
    hub.db(move |s| s.class_by_id(id))
        .await?
        .ok_or_else(|| ApiError::internal(format!("class {id} is missing")))
}

pub(crate) fn summary(a: &AttemptRow) -> AttemptSummary {
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

/// Everything the results, the CSV and the xAPI export are made from.
pub struct ClassData {
    pub class: ClassRow,
    pub trainees: Vec<TraineeRow>,
    pub attempts: Vec<AttemptRow>,
    pub tallies: Vec<crate::store::ReplyTally>,
    pub typed: Vec<crate::store::TypedTurnRow>,
}

pub async fn class_data(hub: &Hub, class: ClassRow) -> Result<ClassData, ApiError> {
    let id = class.id;
    let (trainees, attempts, tallies, typed) = hub
        .db(move |s| {
            Ok((
                s.trainees(id)?,
                s.class_attempts(id)?,
                s.reply_tallies(id)?,
                s.typed_turns(id)?,
            ))
        })
        .await?;
    Ok(ClassData {
        class,
        trainees,
        attempts,
        tallies,
        typed,
    })
}

pub fn results_of(hub: &Hub, data: &ClassData) -> crate::results::ClassResults {
    crate::results::class_results(
        &data.class,
        hub.class_info(&data.class),
        &data.trainees,
        &data.attempts,
        &data.tallies,
        &data.typed,
        &hub.library,
    )
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

pub(crate) async fn trainee_count(hub: &Hub, class_id: i64) -> Result<u32, ApiError> {
    Ok(hub.db(move |s| s.trainees(class_id)).await?.len() as u32)
}

/// Opens a vote session in `class` and its room.
pub async fn start_vote(hub: &Hub, class: &ClassRow, new: NewVote) -> Result<VoteView, ApiError> {
    if hub.library.model(&new.scenario).is_none() {
        return Err(ApiError::unprocessable(
            "unknown-scenario",
            format!("this hub has no scenario `{}` to play", new.scenario),
        ));
    }
    let language = validate_language(&new.language)?;
    let row = VoteSessionRow {
        id: 0,
        class_id: class.id,
        scenario: new.scenario,
        seed: new.seed,
        language,
        opened_at: crate::now(),
    };
    let session = hub.db(move |s| s.open_vote(&row)).await?;
    let room = room(hub, session.id).await?;
    let trainees = trainee_count(hub, class.id).await?;
    let view = room.lock().await.view(Viewer::Facilitator, trainees);
    hub.changed(class.id);
    Ok(view)
}

pub(crate) async fn session_of(hub: &Hub, id: i64) -> Result<VoteSessionRow, ApiError> {
    hub.db(move |s| s.vote_session(id)).await?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no-such-vote",
            format!("there is no vote session {id}"),
        )
    })
}

pub(crate) fn vote_error(e: VoteError) -> ApiError {
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
