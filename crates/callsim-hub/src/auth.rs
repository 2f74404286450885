//! Who is asking: a trainee by the token they got when joining, the
//! facilitator of a class by its secret (a bearer token, or the results
//! page's cookie). [`Facilitator`] and [`Trainee`] are extractors, so a
//! handler that needs one says so in its signature and never checks twice.

use std::sync::Arc;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};

use crate::error::*;
use crate::state::*;
use crate::store::{ClassRow, TraineeRow, VoteSessionRow};
use crate::vote::Viewer;
use crate::{display_join_code, normalise_join_code, secret_hash};

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
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

pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
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

pub(crate) async fn class_by_code(hub: &Hub, code: &str) -> Result<ClassRow, ApiError> {
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

/// The facilitator of the session's class, or a trainee in it.
pub(crate) async fn vote_viewer(
    hub: &Hub,
    headers: &HeaderMap,
    session: &VoteSessionRow,
) -> Result<Viewer, ApiError> {
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

/// The class named by the route's `{code}`, when the request carries its
/// facilitator's secret. A handler that takes one is refused (401/403, as
/// [`facilitator`] words it) before it runs; a page that shows its own
/// error takes `Result<Facilitator, ApiError>`.
pub struct Facilitator(pub ClassRow);

impl FromRequestParts<Arc<Hub>> for Facilitator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, hub: &Arc<Hub>) -> Result<Self, ApiError> {
        let params = RawPathParams::from_request_parts(parts, hub)
            .await
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad-path", e.body_text()))?;
        let code = params
            .iter()
            .find_map(|(name, value)| (name == "code").then(|| value.to_owned()))
            .ok_or_else(|| ApiError::internal("a facilitator's route without a class code".into()))?;
        facilitator(hub, &parts.headers, &code).await.map(Facilitator)
    }
}

/// The trainee whose token the request carries (see [`trainee`]).
pub struct Trainee(pub TraineeRow);

impl FromRequestParts<Arc<Hub>> for Trainee {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, hub: &Arc<Hub>) -> Result<Self, ApiError> {
        trainee(hub, &parts.headers).await.map(Trainee)
    }
}

/// The address the request came from, when the hub was served with it
/// (`callsim serve` and `RunningHub` are).
pub struct ClientAddress(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip()),
        ))
    }
}
