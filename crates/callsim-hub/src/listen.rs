//! The hub's accept loop: HTTP/1.1 over each accepted connection, with
//! what a server on a training room's network needs against slow or
//! greedy clients and that `axum::serve` does not offer: a deadline for a
//! request's headers (an idle keep-alive connection included) and a cap on
//! the connections one address holds at once. Request bodies have their
//! own deadline in the body extractor (`error::Body`).

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::state::HubSettings;

/// How many connections each address holds now.
#[derive(Default)]
struct Connections {
    by_address: Mutex<HashMap<IpAddr, usize>>,
}

/// One connection's place in [`Connections`], given back when dropped.
struct Slot {
    connections: Arc<Connections>,
    address: IpAddr,
}

impl Connections {
    fn take(self: &Arc<Self>, address: IpAddr, cap: usize) -> Option<Slot> {
        let mut map = self.by_address.lock().unwrap_or_else(PoisonError::into_inner);
        let held = map.entry(address).or_default();
        if *held >= cap {
            return None;
        }
        *held += 1;
        Some(Slot {
            connections: Arc::clone(self),
            address,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self
            .connections
            .by_address
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(held) = map.get_mut(&self.address) {
            *held -= 1;
            if *held == 0 {
                map.remove(&self.address);
            }
        }
    }
}

/// What an address over its cap is told before its connection is closed.
fn too_many_connections(cap: usize) -> String {
    let body = format!(
        "{{\"error\":{{\"code\":\"too-many-connections\",\"message\":\"this computer already has {cap} connections open to the hub; close some and try again\"}}}}"
    );
    format!(
        "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: 5\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Serves `app` on `listener` until `shutdown` completes, then gives open
/// connections a moment to finish (event streams would never) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    settings: &HubSettings,
    shutdown: impl Future<Output = ()>,
) {
    let connections = Arc::new(Connections::default());
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_timeout);
    let cap = settings.connections_per_address.max(1);
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, peer): (TcpStream, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: wait rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
        };
        let Some(slot) = connections.take(peer.ip(), cap) else {
            tasks.spawn(async move {
                let mut stream = stream;
                let refusal = too_many_connections(cap);
                let _ =
                    tokio::time::timeout(Duration::from_secs(1), stream.write_all(refusal.as_bytes())).await;
                let _ = stream.shutdown().await;
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone().layer(axum::Extension(ConnectInfo(peer))));
        let connection = http.serve_connection(TokioIo::new(stream), service);
        tasks.spawn(async move {
            let _slot = slot;
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    tasks.abort_all();
}

/// Middleware over every route: reads the request's body within the
/// hub's body deadline (408 `request-timeout` past it, 413 `body-too-large`
/// beyond the limit), so a client that sends a body slowly holds nothing
/// for long; the handler then reads it from memory.
pub async fn body_deadline(
    axum::extract::State(hub): axum::extract::State<Arc<crate::state::Hub>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;

    use crate::error::ApiError;
    use crate::state::BODY_LIMIT;

    let (parts, body) = request.into_parts();
    let bytes = match tokio::time::timeout(hub.body_timeout, axum::body::to_bytes(body, BODY_LIMIT)).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body-too-large",
                format!(
                    "the body is larger than the hub accepts ({} KiB)",
                    BODY_LIMIT / 1024
                ),
            )
            .into_response();
        }
        Err(_) => {
            let mut response = ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request-timeout",
                format!(
                    "the request's body did not arrive within {} seconds",
                    hub.body_timeout.as_secs_f32()
                ),
            )
            .into_response();
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
            return response;
        }
    };
    next.run(axum::extract::Request::from_parts(
        parts,
        axum::body::Body::from(bytes),
    ))
    .await
}
