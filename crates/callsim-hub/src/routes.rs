//! Every route of the hub in one table: the JSON API under `/api/v1` and
//! the facilitator's pages, with the body limit and deadline and the
//! security headers over both.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;

use callsim_core::wire::API;

use crate::state::{BODY_LIMIT, Hub};

/// The hub's whole router, its state given.
pub fn router(hub: Arc<Hub>) -> Router {
    let api = crate::api::routes();
    Router::new()
        .nest(API, api)
        .merge(crate::page::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&hub),
            crate::listen::body_deadline,
        ))
        .layer(axum::middleware::map_response(crate::page::security_headers))
        .with_state(hub)
}
