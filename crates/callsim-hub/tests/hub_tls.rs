//! `callsim serve --tls-cert --tls-key`: the hub over HTTPS on loopback,
//! with a certificate made for the test and a client that trusts it.

mod hub_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use callsim_hub::RunningHub;
use callsim_hub::listen::ring_provider;
use callsim_hub::sqlite::Sqlite;
use callsim_hub::state::{HubSettings, TlsFiles};
use callsim_hub::store::{Storage, Store};
use hub_support::*;
use rustls_pki_types::ServerName;

/// A GET over TLS trusting `root` only: the whole answer as text.
fn https_get(
    addr: std::net::SocketAddr,
    root: &rustls_pki_types::CertificateDer<'static>,
    path: &str,
) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root.clone()).expect("the test's certificate");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(ring_provider()))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from("localhost").expect("a name");
    let mut connection = rustls::ClientConnection::new(Arc::new(config), name).expect("a TLS client");
    let mut socket = TcpStream::connect(addr).expect("connects");
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a timeout");
    let mut tls = rustls::Stream::new(&mut connection, &mut socket);
    write!(
        tls,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("sends");
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// A hub serving HTTPS on loopback with a certificate for `localhost` made
/// for the test (from PEM files in the returned folder).
fn tls_hub() -> (RunningHub, rcgen::CertifiedKey, tempfile::TempDir) {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key) = (dir.path().join("hub.crt"), dir.path().join("hub.key"));
    std::fs::write(&cert, made.cert.pem()).expect("writes");
    std::fs::write(&key, made.key_pair.serialize_pem()).expect("writes");
    let store: Arc<dyn Storage> = Arc::new(Store {
        backend: Sqlite::in_memory().expect("opens"),
    });
    let hub = RunningHub::start_with(
        store,
        library(),
        HubSettings {
            tls: Some(TlsFiles { cert, key }),
            ..HubSettings::default()
        },
    )
    .expect("starts with the certificate");
    (hub, made, dir)
}

#[test]
fn the_hub_serves_https_with_a_certificate_from_pem_files() {
    let (hub, made, _dir) = tls_hub();
    assert!(hub.url().starts_with("https://127.0.0.1:"), "{}", hub.url());

    let root = made.cert.der().clone();
    let home = https_get(hub.addr, &root, "/");
    assert!(home.starts_with("HTTP/1.1 200"), "{home}");
    assert!(home.contains("callsim class hub"));
    let api = https_get(hub.addr, &root, "/api/v1/no/such/thing");
    assert!(api.contains("\"no-such-endpoint\""), "{api}");

    // Plain HTTP to the TLS port gets no page.
    let mut plain = TcpStream::connect(hub.addr).expect("connects");
    plain
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a timeout");
    let _ = plain.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    let mut seen = Vec::new();
    let _ = plain.read_to_end(&mut seen);
    assert!(!String::from_utf8_lossy(&seen).contains("callsim class hub"));
}

#[test]
fn a_missing_or_wrong_certificate_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Storage> = Arc::new(Store {
        backend: Sqlite::in_memory().expect("opens"),
    });
    let not_pem = dir.path().join("hub.crt");
    std::fs::write(&not_pem, "not a certificate").expect("writes");
    let error = RunningHub::start_with(
        store,
        library(),
        HubSettings {
            tls: Some(TlsFiles {
                cert: not_pem,
                key: dir.path().join("missing.key"),
            }),
            ..HubSettings::default()
        },
    )
    .err()
    .expect("refused");
    assert!(error.contains("--tls-cert"), "{error}");
}

#[test]
fn the_game_joins_a_class_over_https_trusting_the_hubs_own_certificate() {
    use callsim_core::call::Mode;
    use callsim_trainee::class::{ClientError, HUB_CERT_ENV, HubClient, HubTrust, NewClass};

    let (hub, made, _dir) = tls_hub();
    let address = format!("https://localhost:{}", hub.addr.port());

    // The facilitator and the trainee, given the hub's certificate file.
    let trusted =
        HubClient::trusting(&address, &HubTrust::Pem(made.cert.pem().into_bytes())).expect("a client");
    let created = trusted
        .create_class(&NewClass {
            name: "Over TLS".into(),
            scenarios: vec!["missing-bonus-number".into()],
            mode: Mode::Practice,
            typing_required: false,
        })
        .expect("creates the class over https");
    let joined = trusted
        .join(&created.class.join_code, "Alice")
        .expect("joins over https");
    assert_eq!(joined.name, "Alice");
    assert_eq!(trusted.me(&joined.token).expect("me").name, "Alice");

    // A PC that was not given the certificate refuses the hub, and says
    // what to do; it is worth trying again once it has it.
    let public = HubClient::trusting(&address, &HubTrust::Public).expect("a client");
    let error = public
        .join(&created.class.join_code, "Bob")
        .expect_err("a self-signed certificate is not trusted by default");
    assert!(matches!(error, ClientError::Unreachable(_)), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("certificate") && message.contains(HUB_CERT_ENV),
        "{message}"
    );

    // A certificate file that holds no certificate is refused before any
    // connection, naming the variable.
    let bad = HubClient::trusting(&address, &HubTrust::Pem(b"not a certificate".to_vec()))
        .expect_err("no certificate in the file");
    assert!(bad.to_string().contains(HUB_CERT_ENV), "{bad}");
}
