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

use crate::state::{HubSettings, TlsFiles};

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

/// rustls's ring provider: deprecated for lacking post-quantum key
/// exchange, but the other provider (aws-lc-rs) needs cmake and nasm to
/// build, which the game's and CI's machines do not have; a hub on a
/// training room's network is well served by ring's classical suites.
#[allow(deprecated)] // see above: ring rather than aws-lc-rs, on purpose
pub fn ring_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// The TLS configuration of `files`: the PEM certificate chain and private
/// key, HTTP/1.1 offered by ALPN. Errors say which file and what is wrong.
pub fn tls_config(files: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, String> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};

    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|e| format!("--tls-cert {}: {e}", files.cert.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "--tls-cert {}: no certificate in it (a PEM file with BEGIN CERTIFICATE)",
            files.cert.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| format!("--tls-key {}: {e}", files.key.display()))?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(ring_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("--tls-cert and --tls-key do not make a certificate: {e}"))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves `app` on `listener` (over TLS with `tls`) until `shutdown`
/// completes, then gives open connections a moment to finish (event
/// streams would never) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    settings: &HubSettings,
    tls: Option<Arc<rustls::ServerConfig>>,
    shutdown: impl Future<Output = ()>,
) {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
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
        match &acceptor {
            None => {
                let connection = http.serve_connection(TokioIo::new(stream), service);
                tasks.spawn(async move {
                    let _slot = slot;
                    let _ = connection.await;
                });
            }
            Some(acceptor) => {
                let (acceptor, http) = (acceptor.clone(), http.clone());
                // The handshake counts as part of the headers' time.
                let deadline = settings.header_timeout;
                tasks.spawn(async move {
                    let _slot = slot;
                    if let Ok(Ok(stream)) = tokio::time::timeout(deadline, acceptor.accept(stream)).await {
                        let _ = http.serve_connection(TokioIo::new(stream), service).await;
                    }
                });
            }
        }
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
