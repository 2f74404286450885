//! Slow and greedy clients: a request whose headers or body never finish
//! is cut off, and one address holds only its share of connections, so a
//! few idle half-sent requests cannot starve the hub. Loopback only, a
//! handful of connections, a few seconds at most.

mod hub_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use callsim_hub::RunningHub;
use callsim_hub::sqlite::Sqlite;
use callsim_hub::state::HubSettings;
use callsim_hub::store::{Storage, Store};
use callsim_trainee::class::Mode;
use hub_support::*;

const CAP: usize = 6;

fn impatient_hub() -> RunningHub {
    let store: Arc<dyn Storage> = Arc::new(Store {
        backend: Sqlite::in_memory().expect("opens"),
    });
    RunningHub::start_with(
        store,
        library(),
        HubSettings {
            header_timeout: Duration::from_secs(1),
            body_timeout: Duration::from_secs(1),
            connections_per_address: CAP,
            ..HubSettings::default()
        },
    )
    .expect("starts")
}

/// Everything the hub sends until it closes the connection (at most 5 s).
fn read_until_closed(stream: &mut TcpStream) -> String {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a timeout");
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => seen.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the hub kept the connection open: {e}"),
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

#[test]
fn half_sent_headers_are_cut_off_and_one_address_holds_only_its_share() {
    let hub = impatient_hub();
    let started = Instant::now();
    let mut slow: Vec<TcpStream> = (0..CAP)
        .map(|_| {
            let mut s = TcpStream::connect(hub.addr).expect("connects");
            s.write_all(b"GET /api/v1/me HTTP/1.1\r\nHost: hub\r\n")
                .expect("half a request");
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));

    // One more from the same address is turned away at once, in JSON.
    let mut one_more = TcpStream::connect(hub.addr).expect("connects");
    let _ = one_more.write_all(b"GET / HTTP/1.1\r\nHost: hub\r\n\r\n");
    let refusal = read_until_closed(&mut one_more);
    assert!(refusal.starts_with("HTTP/1.1 429"), "{refusal}");
    assert!(refusal.contains("too-many-connections"), "{refusal}");

    // The half-sent requests are cut off by the header deadline...
    for s in &mut slow {
        read_until_closed(s);
    }
    let cut_after = started.elapsed();
    assert!(
        cut_after >= Duration::from_millis(900) && cut_after < Duration::from_secs(4),
        "cut off by the 1 s deadline, after {cut_after:?}"
    );
    // ...and their places are free again.
    let c = client(&hub);
    class(&c, "After the slow ones", Mode::Practice);
}

#[test]
fn a_body_sent_too_slowly_is_refused_with_a_json_408() {
    let hub = impatient_hub();
    let mut s = TcpStream::connect(hub.addr).expect("connects");
    s.write_all(
        b"POST /api/v1/join HTTP/1.1\r\nHost: hub\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"join",
    )
    .expect("a head and part of a body");
    let started = Instant::now();
    let answer = read_until_closed(&mut s);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"request-timeout\""), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(4));
}
