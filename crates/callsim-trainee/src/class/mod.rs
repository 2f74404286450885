//! The game's side of a class: talk to a class hub (join, upload attempts,
//! vote mode) and keep finished calls in a durable outbox until the hub has
//! them. Blocking calls, no Bevy: the game runs them off its main thread.

mod outbox;

use std::fmt;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use ureq::http::{Method, Request};

pub use self::outbox::{Facilitation, Membership, Outbox, SendReport, Waiting};

pub use callsim_core::wire::*;
use std::time::SystemTime;

/// Why a call to the hub failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The hub could not be reached, or failed on its side (5xx): the same
    /// request may work later.
    Unreachable(String),
    /// The hub answered the request with a 4xx and its reason. Whether
    /// sending it again can help depends on the code: see
    /// [`ClientError::refuses_for_good`].
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// Something on this PC: the outbox file, an unreadable answer.
    Local(String),
}

/// The hub's codes for an attempt it refuses for what the attempt itself
/// is: sending the same attempt again can never succeed. Any other refusal
/// (an unknown token after the hub's database was reset, a wrong address
/// answering 404, a scenario the hub does not have yet) may pass later.
pub const FINAL_REFUSALS: &[&str] = &[
    "forged-scores",
    "debrief-mismatch",
    "replay-failed",
    "unfinished-call",
    "attempt-conflict",
    "invalid-attempt",
    "invalid-attempt-id",
    "invalid-time",
    "invalid-score",
    "invalid-language",
    "class-closed",
];

impl ClientError {
    /// Whether trying the same request later may work.
    pub fn is_retryable(&self) -> bool {
        matches!(self, ClientError::Unreachable(_))
    }

    /// Whether the hub refused the request for what it is, so that sending
    /// it again can never succeed (one of [`FINAL_REFUSALS`]).
    pub fn refuses_for_good(&self) -> bool {
        matches!(self, ClientError::Refused { code, .. } if FINAL_REFUSALS.contains(&code.as_str()))
    }

    /// The kind of failure in one word: `unreachable`, `local`, or the
    /// hub's error code.
    pub fn code(&self) -> &str {
        match self {
            ClientError::Unreachable(_) => "unreachable",
            ClientError::Refused { code, .. } => code,
            ClientError::Local(_) => "local",
        }
    }
}

/// Why a finished call has not reached the hub, in kinds the game words in
/// the trainee's language (the hub's own words, in English, go beside).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// Queued, not tried yet.
    NotTried,
    /// No hub answered at the address, it failed on its side, or what
    /// answered was not a callsim hub: tried again every few seconds.
    Unreachable,
    /// The hub does not know this PC's trainee (its database was reset):
    /// join the class again.
    UnknownTrainee,
    /// The hub lacks the call's scenario (an exam class counts only calls
    /// it can check): the facilitator adds the file to the hub.
    ScenarioMissing,
    /// The facilitator closed the class before the call reached it.
    ClassClosed,
    /// The hub refused the call for what it is: never sent again.
    Refused,
    /// The outbox file on this PC could not be used.
    Local,
    /// The hub answered with another refusal; tried again.
    Other,
}

impl WaitReason {
    /// The reason for a failure of kind `code` ([`ClientError::code`]);
    /// `rejected` when the outbox set the attempt aside for good.
    pub fn of(code: &str, rejected: bool) -> WaitReason {
        match code {
            "" if !rejected => WaitReason::NotTried,
            "unreachable" => WaitReason::Unreachable,
            "unknown-token" | "missing-token" => WaitReason::UnknownTrainee,
            "unknown-scenario" => WaitReason::ScenarioMissing,
            "class-closed" => WaitReason::ClassClosed,
            "local" => WaitReason::Local,
            _ if rejected => WaitReason::Refused,
            _ => WaitReason::Other,
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Unreachable(m) => write!(f, "the class hub cannot be reached: {m}"),
            ClientError::Refused { message, .. } => f.write_str(message),
            ClientError::Local(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ClientError {}

/// A class hub at an address on the local network.
#[derive(Clone)]
pub struct HubClient {
    base: String,
    agent: ureq::Agent,
}

impl fmt::Debug for HubClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HubClient").field("base", &self.base).finish()
    }
}

/// What a request authenticates with.
#[derive(Debug, Clone, Copy)]
pub enum Auth<'a> {
    None,
    /// A trainee's token from `join`.
    Trainee(&'a str),
    /// A class's facilitator secret from `create_class`.
    Facilitator(&'a str),
    /// The hub's organiser key (`callsim serve --organiser-key`), which
    /// creating a class needs on a hub that has one.
    Organiser(&'a str),
}

impl<'a> Auth<'a> {
    fn header(self) -> Option<&'a str> {
        match self {
            Auth::None => None,
            Auth::Trainee(s) | Auth::Facilitator(s) | Auth::Organiser(s) => Some(s),
        }
    }
}

/// The environment variable naming a PEM file with the certificate a hub
/// serving HTTPS uses (its `--tls-cert`), for a hub whose certificate no
/// public authority signed: the game then trusts that certificate only.
pub const HUB_CERT_ENV: &str = "CALLSIM_HUB_CERT";

/// Which certificates an `https://` hub may show.
#[derive(Debug, Clone, Default)]
pub enum HubTrust {
    /// The public certificate authorities (Mozilla's list, built in).
    #[default]
    Public,
    /// Only these certificates (PEM), e.g. a training room's self-signed one.
    Pem(Vec<u8>),
}

impl HubTrust {
    /// The hub certificate named by [`HUB_CERT_ENV`], else the public
    /// authorities.
    pub fn from_env() -> Result<HubTrust, ClientError> {
        let Some(path) = std::env::var_os(HUB_CERT_ENV) else {
            return Ok(HubTrust::Public);
        };
        std::fs::read(&path).map(HubTrust::Pem).map_err(|e| {
            ClientError::Local(format!(
                "{HUB_CERT_ENV}={}: cannot read the hub's certificate: {e}",
                std::path::Path::new(&path).display()
            ))
        })
    }

    fn tls_config(&self) -> Result<ureq::tls::TlsConfig, ClientError> {
        use ureq::tls::{PemItem, RootCerts, TlsConfig, parse_pem};
        let roots = match self {
            HubTrust::Public => RootCerts::WebPki,
            HubTrust::Pem(pem) => {
                let certificates: Vec<_> = parse_pem(pem)
                    .filter_map(|item| match item {
                        Ok(PemItem::Certificate(c)) => Some(c),
                        _ => None,
                    })
                    .collect();
                if certificates.is_empty() {
                    return Err(ClientError::Local(format!(
                        "{HUB_CERT_ENV}: the file holds no certificate (it should be the hub's --tls-cert PEM file)"
                    )));
                }
                RootCerts::Specific(std::sync::Arc::new(certificates))
            }
        };
        Ok(TlsConfig::builder().root_certs(roots).build())
    }
}

impl HubClient {
    /// `address` as the facilitator gives it: `192.168.1.20:7878`,
    /// `hub.local:7878`, `http://...` or `https://...` (a hub started with
    /// `--tls-cert`). An `https://` hub must show a certificate a public
    /// authority signed, or the one [`HUB_CERT_ENV`] names.
    pub fn new(address: &str) -> Result<HubClient, ClientError> {
        HubClient::trusting(address, &HubTrust::from_env()?)
    }

    /// [`HubClient::new`] with the certificates an `https://` hub may show.
    pub fn trusting(address: &str, trust: &HubTrust) -> Result<HubClient, ClientError> {
        let address = address.trim().trim_end_matches('/');
        let base = if address.starts_with("https://") || address.starts_with("http://") {
            address.to_owned()
        } else {
            format!("http://{address}")
        };
        if base.ends_with("://") {
            return Err(ClientError::Local("the hub address is empty".into()));
        }
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(3)))
            .timeout_global(Some(Duration::from_secs(40)));
        if base.starts_with("https://") {
            config = config.tls_config(trust.tls_config()?);
        }
        let agent: ureq::Agent = config.build().into();
        Ok(HubClient { base, agent })
    }

    /// The hub's base URL, `http://host:port`.
    pub fn address(&self) -> &str {
        &self.base
    }

    fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        auth: Auth<'_>,
        body: Option<&impl Serialize>,
    ) -> Result<(u16, T), ClientError> {
        let url = format!("{}{API}{path}", self.base);
        let mut request = Request::builder().method(method).uri(&url);
        if let Some(secret) = auth.header() {
            request = request.header("Authorization", format!("Bearer {secret}"));
        }
        let bytes = match body {
            Some(body) => {
                request = request.header("Content-Type", "application/json");
                serde_json::to_vec(body).map_err(|e| ClientError::Local(e.to_string()))?
            }
            None => Vec::new(),
        };
        let request = request
            .body(bytes)
            .map_err(|e| ClientError::Local(format!("{url}: {e}")))?;
        let mut response = self
            .agent
            .run(request)
            .map_err(|e| ClientError::Unreachable(self.unreachable(&e)))?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_string()
            .map_err(|e| ClientError::Unreachable(format!("{}: the answer was cut off: {e}", self.base)))?;
        if status >= 400 {
            let detail = serde_json::from_str::<ErrorBody>(&text)
                .map(|b| b.error)
                .unwrap_or(ErrorDetail {
                    code: "http".into(),
                    message: format!("the hub answered {status}"),
                });
            return Err(if status >= 500 {
                ClientError::Unreachable(detail.message)
            } else {
                ClientError::Refused {
                    status,
                    code: detail.code,
                    message: detail.message,
                }
            });
        }
        // Something answered, but not as a callsim hub does: another
        // server at this address, a captive portal. Worth trying again once
        // the address or the network is right.
        let value = serde_json::from_str(&text).map_err(|e| {
            ClientError::Unreachable(format!(
                "{} answered {path} with something other than a callsim hub's answer (is the address right?): {e}",
                self.base
            ))
        })?;
        Ok((status, value))
    }

    /// Why the hub could not be reached, in words a facilitator can act on.
    fn unreachable(&self, e: &ureq::Error) -> String {
        // rustls's verdict on the certificate arrives wrapped in an I/O
        // error ("invalid peer certificate: UnknownIssuer").
        let certificate = match e {
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => true,
            ureq::Error::Io(io) => io.to_string().contains("certificate"),
            _ => false,
        };
        if certificate {
            format!(
                "{}: the hub's certificate is not trusted by this PC ({e}); if the hub uses a certificate of its own, set {HUB_CERT_ENV} to its file (the hub's --tls-cert)",
                self.base
            )
        } else {
            format!("{}: {e}", self.base)
        }
    }

    fn get<T: DeserializeOwned>(&self, path: &str, auth: Auth<'_>) -> Result<T, ClientError> {
        self.call(Method::GET, path, auth, None::<&()>).map(|(_, v)| v)
    }

    fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        auth: Auth<'_>,
        body: &impl Serialize,
    ) -> Result<T, ClientError> {
        self.call(method, path, auth, Some(body)).map(|(_, v)| v)
    }

    /// A facilitator creates a class; keep `facilitator_secret` safe, the
    /// hub shows it only once.
    pub fn create_class(&self, class: &NewClass) -> Result<ClassCreated, ClientError> {
        self.send(Method::POST, "/classes", Auth::None, class)
    }

    /// [`HubClient::create_class`] on a hub started with an organiser key
    /// (refused `organiser-key-required` without it).
    pub fn create_class_with_key(
        &self,
        organiser_key: &str,
        class: &NewClass,
    ) -> Result<ClassCreated, ClientError> {
        self.send(Method::POST, "/classes", Auth::Organiser(organiser_key), class)
    }

    /// A trainee joins with the join code the facilitator shows.
    pub fn join(&self, join_code: &str, name: &str) -> Result<Joined, ClientError> {
        let body = JoinRequest {
            join_code: join_code.to_owned(),
            name: name.to_owned(),
        };
        self.send(Method::POST, "/join", Auth::None, &body)
    }

    /// The trainee and their class: its mode and assigned scenarios, in order.
    pub fn me(&self, token: &str) -> Result<TraineeInfo, ClientError> {
        self.get("/me", Auth::Trainee(token))
    }

    /// Sends one attempt. Prefer `Outbox`, which keeps it until the hub has it.
    pub fn upload(&self, token: &str, attempt: &AttemptUpload) -> Result<AttemptReceipt, ClientError> {
        self.send(Method::POST, "/attempts", Auth::Trainee(token), attempt)
    }

    /// The trainee's own attempts on the hub.
    pub fn my_attempts(&self, token: &str) -> Result<Vec<AttemptSummary>, ClientError> {
        self.get("/attempts", Auth::Trainee(token))
    }

    /// The facilitator's list of who joined.
    pub fn class_overview(&self, secret: &str, join_code: &str) -> Result<ClassOverview, ClientError> {
        self.get(
            &format!("/classes/{}", code_segment(join_code)),
            Auth::Facilitator(secret),
        )
    }

    /// The facilitator closes the class: its join code is retired, no one
    /// else joins and no new attempt is taken (`class-closed`).
    pub fn close_class(&self, secret: &str, join_code: &str) -> Result<serde_json::Value, ClientError> {
        self.send(
            Method::POST,
            &format!("/classes/{}/close", code_segment(join_code)),
            Auth::Facilitator(secret),
            &serde_json::json!({}),
        )
    }

    /// The class results as JSON (the same figures as the results page).
    pub fn results(&self, secret: &str, join_code: &str) -> Result<serde_json::Value, ClientError> {
        self.get(
            &format!("/classes/{}/results", code_segment(join_code)),
            Auth::Facilitator(secret),
        )
    }

    /// The facilitator opens a vote on `scenario` with `seed`: the hub plays
    /// the call, everyone sees the same options.
    pub fn open_vote(&self, secret: &str, join_code: &str, vote: &NewVote) -> Result<VoteView, ClientError> {
        self.send(
            Method::POST,
            &format!("/classes/{}/votes", code_segment(join_code)),
            Auth::Facilitator(secret),
            vote,
        )
    }

    /// The class's latest vote, if the facilitator has started one.
    pub fn current_vote(&self, auth: Auth<'_>, join_code: &str) -> Result<Option<VoteView>, ClientError> {
        match self.get(
            &format!("/classes/{}/votes/current", code_segment(join_code)),
            auth,
        ) {
            Ok(view) => Ok(Some(view)),
            Err(ClientError::Refused {
                status: 404, code, ..
            }) if code == "no-vote" => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The vote's state now, or (with `after`) as soon as it is newer than
    /// that version, waiting at most `wait` (up to 30 s): a long poll.
    pub fn vote_view(
        &self,
        auth: Auth<'_>,
        session: i64,
        after: Option<u64>,
        wait: Duration,
    ) -> Result<VoteView, ClientError> {
        let path = match after {
            Some(v) => format!("/votes/{session}?after={v}&wait={}", wait.as_secs().min(30)),
            None => format!("/votes/{session}"),
        };
        self.get(&path, auth)
    }

    /// A trainee votes on `turn` (changeable until the facilitator plays it).
    pub fn cast_vote(
        &self,
        token: &str,
        session: i64,
        turn: usize,
        reply: &str,
    ) -> Result<VoteView, ClientError> {
        let body = CastVote {
            reply: reply.to_owned(),
        };
        self.send(
            Method::PUT,
            &format!("/votes/{session}/turns/{turn}/vote"),
            Auth::Trainee(token),
            &body,
        )
    }

    /// The facilitator plays `turn`: the class's majority with `None`, or
    /// the reply they choose.
    pub fn play(
        &self,
        secret: &str,
        session: i64,
        turn: usize,
        reply: Option<&str>,
    ) -> Result<VoteView, ClientError> {
        let body = PlayTurn {
            reply: reply.map(str::to_owned),
        };
        self.send(
            Method::POST,
            &format!("/votes/{session}/turns/{turn}/play"),
            Auth::Facilitator(secret),
            &body,
        )
    }

    /// The vote-mode call's debrief, once it has ended.
    pub fn vote_debrief(&self, auth: Auth<'_>, session: i64) -> Result<VoteDebrief, ClientError> {
        self.get(&format!("/votes/{session}/debrief"), auth)
    }
}

/// A join code as a URL path segment: `K7M-Q2P` as typed works too.
fn code_segment(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

/// The attempt a finished call makes, with a fresh id and the time now.
pub fn attempt_of(debrief: &callsim_core::Debrief) -> AttemptUpload {
    AttemptUpload {
        attempt_id: uuid::Uuid::new_v4().to_string(),
        scenario: debrief.scenario.clone(),
        seed: debrief.seed,
        language: debrief.language.clone(),
        choices: debrief.choices.clone(),
        debrief: debrief.clone(),
        finished_at: now(),
    }
}

/// The attempt the hub is sent for a call the progress store keeps: its
/// id is the store's id for it (`Attempt::uid`, as a UUID) and its time the
/// time it was saved, so the same call makes the same upload every time,
/// after a restart too, and the hub never counts it twice.
pub fn attempt_upload(
    uid: &str,
    played_at: SystemTime,
    debrief: &callsim_core::Debrief,
) -> Result<AttemptUpload, ClientError> {
    let attempt_id = attempt_id_of(uid).ok_or_else(|| {
        ClientError::Local(format!(
            "call {uid} in your progress has no usable id, so it cannot be sent to the class"
        ))
    })?;
    Ok(AttemptUpload {
        attempt_id,
        scenario: debrief.scenario.clone(),
        seed: debrief.seed,
        language: debrief.language.clone(),
        choices: debrief.choices.clone(),
        debrief: debrief.clone(),
        finished_at: rfc3339(time::OffsetDateTime::from(played_at)),
    })
}

/// The hub's attempt id for the progress store's `uid` (32 hex digits).
fn attempt_id_of(uid: &str) -> Option<String> {
    uuid::Uuid::try_parse(uid)
        .ok()
        .map(|u| u.hyphenated().to_string())
}

/// Now as RFC 3339 in UTC.
fn now() -> String {
    rfc3339(time::OffsetDateTime::now_utc())
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}
