//! The hub's shared state: the store, the scenarios it knows, live class
//! events and the vote rooms; what every request handler and page reads.

use std::sync::Arc;

use axum::extract::State;
use tokio::sync::broadcast;

use callsim_core::wire::{AssignedScenario, ClassInfo};

use crate::display_join_code;
use crate::error::*;
use crate::store::{ClassRow, Storage, StoreError};
use crate::verify::HubScenarios;
use crate::vote::Rooms;

/// The largest request body the hub reads. A long call's debrief with every
/// turn's text in Chinese is well under 200 KiB.
pub const BODY_LIMIT: usize = 512 * 1024;

/// Something that changed in a class, for live pages.
#[derive(Debug, Clone, Copy)]
pub struct ClassEvent {
    pub class_id: i64,
}

/// What `callsim serve` was told beyond where its data and scenarios are.
#[derive(Debug, Clone)]
pub struct HubSettings {
    /// When set, creating a class needs it (`--organiser-key`): the API as
    /// `Authorization: Bearer KEY`, the home page's form in its field.
    pub organiser_key: Option<String>,
    /// How long a client has to send a request's headers, counted from
    /// when the hub starts reading them (an idle keep-alive connection is
    /// closed after as long).
    pub header_timeout: std::time::Duration,
    /// How long a client has to send a request's body.
    pub body_timeout: std::time::Duration,
    /// Connections one address may hold open at once (a game's long poll,
    /// a browser's pages and event streams are a handful).
    pub connections_per_address: usize,
    /// Serve HTTPS with this certificate and key (`--tls-cert`, `--tls-key`).
    pub tls: Option<TlsFiles>,
}

/// A certificate chain and its private key, as PEM files.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

impl Default for HubSettings {
    fn default() -> HubSettings {
        HubSettings {
            organiser_key: None,
            header_timeout: std::time::Duration::from_secs(15),
            body_timeout: std::time::Duration::from_secs(30),
            connections_per_address: 64,
            tls: None,
        }
    }
}

/// Everything a request handler needs.
pub struct Hub {
    pub store: Arc<dyn Storage>,
    pub library: Arc<HubScenarios>,
    pub events: broadcast::Sender<ClassEvent>,
    pub rooms: Rooms,
    /// The organiser key's SHA-256, when the hub has one.
    pub organiser_key_hash: Option<String>,
    /// Each address's recent wrong join codes.
    pub failed_joins: crate::join_limit::FailedJoins,
    pub body_timeout: std::time::Duration,
    /// Whether the hub serves HTTPS: its links and cookies say so.
    pub https: bool,
}

impl Hub {
    pub fn new(store: Arc<dyn Storage>, library: HubScenarios) -> Arc<Hub> {
        Hub::with_settings(store, library, &HubSettings::default())
    }

    pub fn with_settings(store: Arc<dyn Storage>, library: HubScenarios, settings: &HubSettings) -> Arc<Hub> {
        let (events, _) = broadcast::channel(256);
        Arc::new(Hub {
            store,
            library: Arc::new(library),
            events,
            rooms: Rooms::default(),
            organiser_key_hash: settings.organiser_key.as_deref().map(crate::secret_hash),
            failed_joins: Default::default(),
            body_timeout: settings.body_timeout,
            https: settings.tls.is_some(),
        })
    }

    /// Whether `given` may create a class: anyone when the hub has no
    /// organiser key, otherwise only its holder.
    pub fn check_organiser(&self, given: Option<&str>) -> Result<(), ApiError> {
        let Some(expected) = &self.organiser_key_hash else {
            return Ok(());
        };
        match given.map(str::trim).filter(|g| !g.is_empty()) {
            None => Err(ApiError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "organiser-key-required",
                "this hub creates classes only with its organiser key (ask whoever started `callsim serve`), sent as Authorization: Bearer <key>",
            )),
            Some(g) if crate::secret_hash(g) == *expected => Ok(()),
            Some(_) => Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "wrong-organiser-key",
                "this is not the hub's organiser key",
            )),
        }
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

    pub(crate) fn changed(&self, class_id: i64) {
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
            typing_required: class.typing_required,
        }
    }
}

pub(crate) type Shared = State<Arc<Hub>>;
