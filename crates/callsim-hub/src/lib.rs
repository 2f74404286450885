//! The class hub (`callsim serve`): trainees join a class from their own
//! PCs, their finished calls arrive here, the facilitator watches the class's
//! results on a projector and runs calls the class votes on.
//!
//! Start here. [`serve`] opens the [`store`] (SQLite through [`sqlite`], or
//! PostgreSQL through [`postgres`], one set of SQL for both), loads the
//! scenarios the hub knows and serves the JSON API ([`api`]) and the
//! facilitator's pages ([`page`]). An uploaded attempt is replayed with the
//! core's engine before it is kept ([`verify`]); [`vote`] runs a call the
//! class plays together; [`results`] and [`export`] turn the kept attempts
//! into the projector's tables, CSV and xAPI. No Bevy: the hub is a server.

pub mod api;
pub mod auth;
pub mod error;
pub mod export;
pub mod join_limit;
pub mod listen;
pub mod names;
pub mod page;
pub mod postgres;
pub mod results;
pub mod routes;
pub mod services;
pub mod sqlite;
pub mod state;
pub mod store;
pub mod verify;
pub mod vote;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::net::TcpListener;

use self::store::{Storage, Store};
use self::verify::HubScenarios;

/// How `callsim serve` was asked to run.
#[derive(Debug, Clone)]
pub struct HubConfig {
    pub addr: SocketAddr,
    /// `postgres://...` for PostgreSQL; otherwise a SQLite file in `data`.
    pub database: Option<String>,
    pub data: PathBuf,
    pub scenarios: PathBuf,
    /// Who may do what beyond the defaults (an organiser key, ...).
    pub settings: state::HubSettings,
}

/// The warning `callsim serve` prints when anyone on the network could
/// create classes: it listens beyond loopback with no organiser key.
pub fn exposure_warning(addr: SocketAddr, settings: &state::HubSettings) -> Option<String> {
    (!addr.ip().is_loopback() && settings.organiser_key.is_none()).then(|| {
        format!(
            "warning: listening on {addr} with no organiser key: anyone who can reach this hub can create classes; \
             start it with --organiser-key KEY (or CALLSIM_ORGANISER_KEY=KEY)"
        )
    })
}

/// Opens the database the configuration names.
pub fn open_store(config: &HubConfig) -> Result<Arc<dyn Storage>, String> {
    match &config.database {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let pg = postgres::Postgres::connect(url).map_err(|e| e.to_string())?;
            Ok(Arc::new(Store { backend: pg }))
        }
        Some(other) => {
            let path = other.strip_prefix("sqlite://").unwrap_or(other);
            let db = sqlite::Sqlite::open(std::path::Path::new(path)).map_err(|e| e.to_string())?;
            Ok(Arc::new(Store { backend: db }))
        }
        None => {
            std::fs::create_dir_all(&config.data)
                .map_err(|e| format!("cannot create the data folder {}: {e}", config.data.display()))?;
            let path = config.data.join("hub.sqlite3");
            let db = sqlite::Sqlite::open(&path).map_err(|e| e.to_string())?;
            Ok(Arc::new(Store { backend: db }))
        }
    }
}

/// Runs the hub until interrupted (Ctrl-C).
pub fn serve(config: HubConfig) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the hub's runtime: {e}"))?;
    runtime.block_on(async move {
        let store = tokio::task::spawn_blocking({
            let config = config.clone();
            move || open_store(&config)
        })
        .await
        .map_err(|e| e.to_string())??;
        let (library, problems) = HubScenarios::load(&config.scenarios);
        for p in &problems {
            eprintln!("warning: scenario not loaded (its attempts are stored unchecked): {p}");
        }
        let tls = config.settings.tls.as_ref().map(listen::tls_config).transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let listener = TcpListener::bind(config.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", config.addr))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!(
            "callsim hub listening on {scheme}://{addr} ({} database, {} scenario{} from {})",
            store.kind(),
            library.len(),
            if library.len() == 1 { "" } else { "s" },
            config.scenarios.display()
        );
        if let Some(warning) = exposure_warning(addr, &config.settings) {
            eprintln!("{warning}");
        }
        // The line tests and scripts wait for before they connect.
        println!("ready");
        let app = routes::router(state::Hub::with_settings(store, library, &config.settings));
        listen::serve(listener, app, &config.settings, tls, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
        Ok(())
    })
}

/// A hub running in this process on a thread of its own, for tests and
/// benchmarks; it stops when dropped.
pub struct RunningHub {
    pub addr: SocketAddr,
    https: bool,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningHub {
    /// Starts a hub on a free loopback port with `store` and `library`.
    pub fn start(store: Arc<dyn Storage>, library: HubScenarios) -> Result<RunningHub, String> {
        RunningHub::start_with(store, library, state::HubSettings::default())
    }

    /// [`RunningHub::start`] with `settings` (an organiser key, ...).
    pub fn start_with(
        store: Arc<dyn Storage>,
        library: HubScenarios,
        settings: state::HubSettings,
    ) -> Result<RunningHub, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let tls = settings.tls.as_ref().map(listen::tls_config).transpose()?;
        let https = tls.is_some();
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        std_listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let addr = std_listener.local_addr().map_err(|e| e.to_string())?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let Ok(listener) = TcpListener::from_std(std_listener) else {
                    return;
                };
                let app = routes::router(state::Hub::with_settings(store, library, &settings));
                listen::serve(listener, app, &settings, tls, async {
                    let _ = rx.await;
                })
                .await;
            });
            // Long polls and event streams are cut rather than waited for.
            runtime.shutdown_timeout(std::time::Duration::from_millis(100));
        });
        Ok(RunningHub {
            addr,
            https,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`, or `https://` when it serves TLS.
    pub fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }
}

impl Drop for RunningHub {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Now, in UTC, with a fixed number of digits so that times sort as text.
pub fn now() -> String {
    format_time(OffsetDateTime::now_utc())
}

fn format_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// An RFC 3339 time, normalised to UTC in the hub's own format.
pub fn parse_time(text: &str) -> Option<String> {
    OffsetDateTime::parse(text, &Rfc3339).ok().map(format_time)
}

/// What the hub keeps of a secret: its SHA-256, so a copied database file
/// gives no one the facilitator's or a trainee's access.
pub fn secret_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh secret: 32 random bytes in hex behind a prefix that says what it is.
pub fn new_secret(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}_{hex}")
}

/// Letters and digits nobody misreads on a projector: no 0/O, 1/I/L.
const JOIN_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A six-character join code such as `K7MQ2P` (shown as `K7M-Q2P`).
pub fn new_join_code() -> String {
    (0..6)
        .map(|_| {
            let i = rand::random::<u32>() as usize % JOIN_ALPHABET.len();
            char::from(JOIN_ALPHABET[i])
        })
        .collect()
}

/// A join code as typed: any case, spaces and dashes ignored.
pub fn normalise_join_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `K7MQ2P` as `K7M-Q2P`.
pub fn display_join_code(code: &str) -> String {
    if code.len() == 6 && code.is_ascii() {
        format!("{}-{}", &code[..3], &code[3..])
    } else {
        code.to_owned()
    }
}

/// Whether `tag` reads as a BCP 47 language tag (`en`, `zh-Hans`,
/// `es-419`): at most 35 characters, subtags of 1-8 ASCII letters or digits
/// joined by hyphens, the first 2-8 letters. The shape only, not the
/// registry: enough to keep anything else out of exports and LMS records.
pub fn is_language_tag(tag: &str) -> bool {
    let mut subtags = tag.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|s| (2..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic()));
    tag.len() <= 35
        && first_ok
        && subtags.all(|s| (1..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hub_beyond_loopback_without_an_organiser_key_warns() {
        let open = state::HubSettings::default();
        let keyed = state::HubSettings {
            organiser_key: Some("k".into()),
            ..state::HubSettings::default()
        };
        let room: SocketAddr = "0.0.0.0:7878".parse().expect("an address");
        let local: SocketAddr = "127.0.0.1:7878".parse().expect("an address");
        let warning = exposure_warning(room, &open).expect("a warning");
        assert!(warning.contains("--organiser-key"), "{warning}");
        assert_eq!(exposure_warning(room, &keyed), None);
        assert_eq!(exposure_warning(local, &open), None);
        assert!(exposure_warning("[::]:7878".parse().expect("an address"), &open).is_some());
    }

    #[test]
    fn language_tags_are_letters_digits_and_hyphens() {
        for good in ["en", "zh", "zh-Hans", "es-419", "sr-Latn-RS", "tlh"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in [
            "",
            "e",
            "=HYPERLINK(\"http://x\")",
            "en_GB",
            "en-",
            "-en",
            "en--GB",
            "en GB",
            "en-abcdefghi",
            "1en",
            "é",
            &"en-a".repeat(12),
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn join_codes_avoid_lookalike_characters_and_read_in_two_halves() {
        for _ in 0..200 {
            let code = new_join_code();
            assert_eq!(code.len(), 6);
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
        }
        assert_eq!(display_join_code("K7MQ2P"), "K7M-Q2P");
        assert_eq!(normalise_join_code(" k7m-q2p "), "K7MQ2P");
    }

    #[test]
    fn times_are_normalised_to_utc_and_sort_as_text() {
        assert_eq!(
            parse_time("2025-03-01T10:00:00+02:00").as_deref(),
            Some("2025-03-01T08:00:00.000000Z")
        );
        assert_eq!(parse_time("yesterday"), None);
        assert!(now().as_str() > "2025-01-01T00:00:00.000000Z");
    }
}
