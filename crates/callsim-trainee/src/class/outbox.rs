//! The trainee's outbox: finished calls wait in a local SQLite file until the
//! hub acknowledges them, so a hub that is down or a network that drops
//! loses nothing, and the attempt's id keeps a re-send from counting twice.
//! The same file remembers the class this PC has joined and the class its
//! facilitator runs from it.

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};

use crate::progress::{AttemptId, ProgressStore};
use crate::schema::SchemaError;

use super::{AttemptUpload, ClassInfo, ClientError, HubClient, Receipt, WaitReason, attempt_upload};

/// The class this PC's trainee has joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The hub's address, as given to `HubClient::new`.
    pub hub: String,
    pub trainee_id: i64,
    pub name: String,
    pub token: String,
    pub class: ClassInfo,
}

impl Membership {
    /// What the progress store records a class's attempts under
    /// (`ProgressStore::record_attempt_for`): the hub and the trainee's
    /// number there, which no other membership shares.
    pub fn key(&self) -> String {
        format!("{}#{}", self.hub, self.trainee_id)
    }
}

/// A class this PC's game created and so runs: the facilitator's secret is
/// kept with it, so a restarted game still runs the class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facilitation {
    /// The hub's address, as given to `HubClient::new`.
    pub hub: String,
    pub secret: String,
    pub class: ClassInfo,
    /// The results page for the projector, with the key in it.
    pub results_url: String,
}

/// An attempt still in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub attempt_id: String,
    pub scenario: String,
    pub queued_at: String,
    pub tries: i64,
    /// Why it waits, for the class screen: the hub's reason when it
    /// refused, why the hub could not be reached, or that the hub answered
    /// as no callsim hub would (a wrong address). Empty before the first try.
    pub last_error: String,
    /// What kind of failure `last_error` is: `unreachable`, `local`, or the
    /// hub's error code (`unknown-token`, `unknown-scenario`, ...); empty
    /// before the first try. See [`Waiting::reason`].
    pub last_code: String,
    /// The hub refused it for good, for what the attempt itself is (one of
    /// [`super::FINAL_REFUSALS`]: scores that do not replay, an id sent
    /// with another body, ...); it stays here for the trainee to see and is
    /// not sent again. Any other failure keeps it waiting.
    pub rejected: bool,
}

/// What one `send_pending` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Newly stored by the hub.
    pub sent: usize,
    /// The hub had them already (an earlier answer was lost on the way).
    pub already_there: usize,
    /// Refused for good: (attempt id, the hub's reason).
    pub rejected: Vec<(String, String)>,
    /// Still waiting, with why the hub could not be reached.
    pub waiting: usize,
    pub unreachable: Option<String>,
}

impl Waiting {
    /// Why this attempt waits, for the game to say in the trainee's language.
    pub fn reason(&self) -> WaitReason {
        WaitReason::of(&self.last_code, self.rejected)
    }
}

pub struct Outbox {
    conn: Mutex<Connection>,
    /// One sender at a time; a second caller waits rather than sending the
    /// same attempts in parallel.
    sending: Mutex<()>,
}

fn local(e: impl std::fmt::Display) -> ClientError {
    ClientError::Local(format!("the class outbox: {e}"))
}

/// The outbox file's schema, one step per version (see [`crate::schema`]).
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE membership (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         hub TEXT NOT NULL,
         trainee_id INTEGER NOT NULL,
         name TEXT NOT NULL,
         token TEXT NOT NULL,
         class TEXT NOT NULL
     );
     CREATE TABLE outbox (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         attempt_id TEXT NOT NULL UNIQUE,
         hub TEXT NOT NULL,
         token TEXT NOT NULL,
         scenario TEXT NOT NULL,
         body TEXT NOT NULL,
         queued_at TEXT NOT NULL,
         state TEXT NOT NULL CHECK (state IN ('waiting', 'sent', 'rejected')),
         tries INTEGER NOT NULL DEFAULT 0,
         last_error TEXT NOT NULL DEFAULT ''
     );",
    // 2: the class a facilitator runs from this PC.
    "CREATE TABLE facilitation (
         id INTEGER PRIMARY KEY CHECK (id = 1),
         hub TEXT NOT NULL,
         secret TEXT NOT NULL,
         class TEXT NOT NULL,
         results_url TEXT NOT NULL
     );",
    // 3: games before this one set aside an attempt on any refusal (a hub
    // whose database was reset answering 401, a wrong address answering
    // 404); try them all again, and the hub refuses the truly bad ones anew.
    "UPDATE outbox SET state = 'waiting' WHERE state = 'rejected';",
    // 4: the kind of the last failure beside its words, so the game can say
    // why an attempt waits in the trainee's language.
    "ALTER TABLE outbox ADD COLUMN last_code TEXT NOT NULL DEFAULT '';",
];

impl Outbox {
    /// Opens (or creates) the outbox file, e.g. `class-outbox.sqlite3` in
    /// the game's data folder.
    pub fn open(path: &Path) -> Result<Outbox, ClientError> {
        let mut conn = Connection::open(path).map_err(|e| local(format!("{}: {e}", path.display())))?;
        // FULL: an attempt the game was told is queued survives a power cut.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;",
        )
        .map_err(local)?;
        crate::schema::migrate(&mut conn, MIGRATIONS, MIGRATIONS.len()).map_err(|e| match e {
            SchemaError::TooNew { found, .. } => local(format!(
                "{} was written by a newer callsim (schema {found})",
                path.display()
            )),
            SchemaError::Sqlite(e) => local(format!("{}: {e}", path.display())),
        })?;
        Ok(Outbox {
            conn: Mutex::new(conn),
            sending: Mutex::new(()),
        })
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, ClientError> {
        // A panic while the lock was held leaves the connection as good as
        // before: an unfinished statement is dropped and SQLite keeps the
        // file consistent. Going on beats a class screen stuck until restart.
        Ok(self.conn.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Joins a class on `hub` and remembers it for the next runs of the game.
    pub fn join(&self, hub: &HubClient, join_code: &str, name: &str) -> Result<Membership, ClientError> {
        let joined = hub.join(join_code, name)?;
        let membership = Membership {
            hub: hub.address().to_owned(),
            trainee_id: joined.trainee_id,
            name: joined.name,
            token: joined.token,
            class: joined.class,
        };
        self.remember(&membership)?;
        // Calls the hub refused because it no longer knew the trainee (its
        // database was reset) go with the new membership: joining again is
        // what the class screen tells the trainee to do about them.
        self.conn()?
            .execute(
                "UPDATE outbox SET token = ?1 WHERE hub = ?2 AND state = 'waiting' AND last_code = 'unknown-token'",
                params![membership.token, membership.hub],
            )
            .map_err(local)?;
        Ok(membership)
    }

    /// Stores `membership` as this PC's class.
    pub fn remember(&self, m: &Membership) -> Result<(), ClientError> {
        let class = serde_json::to_string(&m.class).map_err(local)?;
        self.conn()?
            .execute(
                "INSERT INTO membership (id, hub, trainee_id, name, token, class) VALUES (1, ?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (id) DO UPDATE SET hub = excluded.hub, trainee_id = excluded.trainee_id,
                 name = excluded.name, token = excluded.token, class = excluded.class",
                params![m.hub, m.trainee_id, m.name, m.token, class],
            )
            .map_err(local)?;
        Ok(())
    }

    /// The class this PC has joined, if any.
    pub fn membership(&self) -> Result<Option<Membership>, ClientError> {
        let row = self
            .conn()?
            .query_row(
                "SELECT hub, trainee_id, name, token, class FROM membership WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                },
            )
            .optional()
            .map_err(local)?;
        row.map(|(hub, trainee_id, name, token, class)| {
            Ok(Membership {
                hub,
                trainee_id,
                name,
                token,
                class: serde_json::from_str(&class).map_err(local)?,
            })
        })
        .transpose()
    }

    /// Leaves the class on this PC. Attempts already queued are still sent.
    pub fn leave(&self) -> Result<(), ClientError> {
        self.conn()?
            .execute("DELETE FROM membership", [])
            .map_err(local)?;
        Ok(())
    }

    /// Stores `f` as the class this PC runs, in place of any before it.
    pub fn run_class(&self, f: &Facilitation) -> Result<(), ClientError> {
        let class = serde_json::to_string(&f.class).map_err(local)?;
        self.conn()?
            .execute(
                "INSERT INTO facilitation (id, hub, secret, class, results_url) VALUES (1, ?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET hub = excluded.hub, secret = excluded.secret,
                 class = excluded.class, results_url = excluded.results_url",
                params![f.hub, f.secret, class, f.results_url],
            )
            .map_err(local)?;
        Ok(())
    }

    /// The class this PC runs, if any.
    pub fn facilitation(&self) -> Result<Option<Facilitation>, ClientError> {
        let row = self
            .conn()?
            .query_row(
                "SELECT hub, secret, class, results_url FROM facilitation WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()
            .map_err(local)?;
        row.map(|(hub, secret, class, results_url)| {
            Ok(Facilitation {
                hub,
                secret,
                class: serde_json::from_str(&class).map_err(local)?,
                results_url,
            })
        })
        .transpose()
    }

    /// Forgets the class this PC runs (it goes on at the hub, and its
    /// results page keeps working), to set up another.
    pub fn stop_running_class(&self) -> Result<(), ClientError> {
        self.conn()?
            .execute("DELETE FROM facilitation", [])
            .map_err(local)?;
        Ok(())
    }

    /// Queues every attempt the progress store recorded for the class this
    /// PC has joined that this outbox has never had: on start, after a
    /// crash between saving a call and queuing it; after each call, any
    /// call saved while the outbox could not be written. How many were
    /// queued. Nothing when the PC has joined no class.
    pub fn catch_up(&self, progress: &ProgressStore) -> Result<usize, ClientError> {
        let Some(m) = self.membership()? else {
            return Ok(0);
        };
        let owed = progress.class_attempts(&m.key()).map_err(local)?;
        let mut queued = 0;
        for attempt in owed {
            let Some(id) = super::attempt_id_of(&attempt.uid) else {
                continue;
            };
            if self.has(&id)? {
                continue;
            }
            if self.sync_attempt(progress, attempt.id)? {
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// Queues attempt `id` of the progress store as it is saved now, if it
    /// was recorded for the class this PC has joined; once queued, a
    /// changed debrief (a typed turn flagged "not what I meant") replaces
    /// the one queued and is sent again, also when the hub already has the
    /// attempt: the hub takes a change of flags alone and nothing else.
    /// Whether the attempt is in the outbox now.
    pub fn sync_attempt(&self, progress: &ProgressStore, id: AttemptId) -> Result<bool, ClientError> {
        let Some(m) = self.membership()? else {
            return Ok(false);
        };
        let Some((class, attempt, debrief)) = progress.class_attempt(id).map_err(local)? else {
            return Ok(false);
        };
        if class != m.key() {
            return Ok(false);
        }
        let upload = attempt_upload(&attempt.uid, attempt.played_at, &debrief)?;
        let body = serde_json::to_string(&upload).map_err(local)?;
        // A body changed after a refusal for good stays refused: the hub
        // refused the attempt, not its flags.
        self.conn()?
            .execute(
                "INSERT INTO outbox (attempt_id, hub, token, scenario, body, queued_at, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'waiting')
                 ON CONFLICT (attempt_id) DO UPDATE SET body = excluded.body,
                     state = CASE WHEN outbox.state = 'rejected' THEN 'rejected' ELSE 'waiting' END
                 WHERE outbox.body != excluded.body",
                params![
                    upload.attempt_id,
                    m.hub,
                    m.token,
                    upload.scenario,
                    body,
                    super::now()
                ],
            )
            .map_err(local)?;
        Ok(true)
    }

    /// Whether attempt `attempt_id` is in the outbox, sent or not.
    fn has(&self, attempt_id: &str) -> Result<bool, ClientError> {
        self.conn()?
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM outbox WHERE attempt_id = ?1)",
                [attempt_id],
                |r| r.get(0),
            )
            .map_err(local)
    }

    /// Queues `upload` for `membership`'s hub. Queuing the same attempt id
    /// twice keeps the first.
    pub fn enqueue_upload(&self, m: &Membership, upload: &AttemptUpload) -> Result<(), ClientError> {
        let body = serde_json::to_string(upload).map_err(local)?;
        self.conn()?
            .execute(
                "INSERT INTO outbox (attempt_id, hub, token, scenario, body, queued_at, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'waiting') ON CONFLICT (attempt_id) DO NOTHING",
                params![
                    upload.attempt_id,
                    m.hub,
                    m.token,
                    upload.scenario,
                    body,
                    super::now()
                ],
            )
            .map_err(local)?;
        Ok(())
    }

    /// Attempts not yet on the hub, oldest first (refused ones included).
    pub fn waiting(&self) -> Result<Vec<Waiting>, ClientError> {
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare(
                "SELECT attempt_id, scenario, queued_at, tries, last_error, state, last_code FROM outbox
                 WHERE state != 'sent' ORDER BY seq",
            )
            .map_err(local)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Waiting {
                    attempt_id: r.get(0)?,
                    scenario: r.get(1)?,
                    queued_at: r.get(2)?,
                    tries: r.get(3)?,
                    last_error: r.get(4)?,
                    rejected: r.get::<_, String>(5)? == "rejected",
                    last_code: r.get(6)?,
                })
            })
            .map_err(local)?;
        rows.collect::<Result<_, _>>().map_err(local)
    }

    /// How many attempts wait to be sent (refused ones not counted).
    pub fn pending(&self) -> Result<usize, ClientError> {
        self.conn()?
            .query_row("SELECT COUNT(*) FROM outbox WHERE state = 'waiting'", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as usize)
            .map_err(local)
    }

    /// Sends the waiting attempts, oldest first. An attempt the hub refuses
    /// for good ([`ClientError::refuses_for_good`]) is set aside and the
    /// others go on; one it refuses for now over its content (a 422, e.g. a
    /// scenario the hub does not have yet) waits and the others go on; any
    /// other failure (no hub, a 5xx, a 401 from a hub that no longer knows
    /// the trainee, an address that is no hub) stops the round, every
    /// attempt left keeping that reason for the class screen.
    pub fn send_pending(&self) -> Result<SendReport, ClientError> {
        let _one_sender = self.sending.lock().unwrap_or_else(PoisonError::into_inner);
        let queued: Vec<(String, String, String, String)> = {
            let conn = self.conn()?;
            let mut stmt = conn
                .prepare(
                    "SELECT attempt_id, hub, token, body FROM outbox WHERE state = 'waiting' ORDER BY seq",
                )
                .map_err(local)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map_err(local)?;
            rows.collect::<Result<_, _>>().map_err(local)?
        };
        let mut report = SendReport::default();
        for (i, (id, hub, token, body)) in queued.iter().enumerate() {
            let upload: AttemptUpload = serde_json::from_str(body).map_err(local)?;
            let result = HubClient::new(hub).and_then(|client| client.upload(token, &upload));
            let conn = self.conn()?;
            match result {
                Ok(receipt) => {
                    // Only the body sent is marked sent: one changed since
                    // (a flag set meanwhile) goes in the next round.
                    conn.execute(
                        "UPDATE outbox SET state = CASE WHEN body = ?2 THEN 'sent' ELSE state END,
                             tries = tries + 1, last_error = '', last_code = '' WHERE attempt_id = ?1",
                        params![id, body],
                    )
                    .map_err(local)?;
                    match receipt.receipt {
                        Receipt::Recorded => report.sent += 1,
                        Receipt::AlreadyRecorded => report.already_there += 1,
                    }
                }
                Err(e) if e.refuses_for_good() => {
                    conn.execute(
                        "UPDATE outbox SET state = 'rejected', tries = tries + 1, last_error = ?2, last_code = ?3
                         WHERE attempt_id = ?1",
                        params![id, e.to_string(), e.code()],
                    )
                    .map_err(local)?;
                    report.rejected.push((id.clone(), e.to_string()));
                }
                Err(e @ ClientError::Refused { status: 422, .. }) => {
                    conn.execute(
                        "UPDATE outbox SET tries = tries + 1, last_error = ?2, last_code = ?3 WHERE attempt_id = ?1",
                        params![id, e.to_string(), e.code()],
                    )
                    .map_err(local)?;
                    report.waiting += 1;
                }
                Err(e) => {
                    let (why, code) = (e.to_string(), e.code());
                    conn.execute(
                        "UPDATE outbox SET tries = tries + 1, last_error = ?2, last_code = ?3 WHERE attempt_id = ?1",
                        params![id, why, code],
                    )
                    .map_err(local)?;
                    // The rest were not tried: the same reason holds them back.
                    for (rest, ..) in &queued[i + 1..] {
                        conn.execute(
                            "UPDATE outbox SET last_error = ?2, last_code = ?3 WHERE attempt_id = ?1",
                            params![rest, why, code],
                        )
                        .map_err(local)?;
                    }
                    report.waiting += queued.len() - i;
                    report.unreachable = Some(why);
                    break;
                }
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::ProgressStore;
    use callsim_core::wire::{ClassInfo, Mode};

    fn class(name: &str) -> ClassInfo {
        ClassInfo {
            name: name.into(),
            join_code: "K7P2QX".into(),
            mode: Mode::Practice,
            scenarios: Vec::new(),
            typing_required: false,
        }
    }

    #[test]
    fn the_class_a_pc_runs_survives_a_restart_until_it_is_forgotten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("outbox.sqlite3");
        let running = Facilitation {
            hub: "http://10.0.0.5:7878".into(),
            secret: "s3cret".into(),
            class: class("Monday intake"),
            results_url: "http://10.0.0.5:7878/classes/K7P2QX?key=s3cret".into(),
        };
        Outbox::open(&path)
            .expect("opens")
            .run_class(&running)
            .expect("stored");

        let reopened = Outbox::open(&path).expect("opens again");
        assert_eq!(reopened.facilitation().expect("reads"), Some(running.clone()));

        let next = Facilitation {
            class: class("Tuesday intake"),
            ..running
        };
        reopened.run_class(&next).expect("replaced");
        assert_eq!(reopened.facilitation().expect("reads"), Some(next));
        reopened.stop_running_class().expect("forgotten");
        assert_eq!(
            Outbox::open(&path).expect("opens").facilitation().expect("reads"),
            None
        );
    }

    #[test]
    fn an_outbox_from_before_facilitation_was_kept_opens_with_its_class_and_queue() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("outbox.sqlite3");
        {
            // The first schema, as a game from before wrote it.
            let conn = Connection::open(&path).expect("opens");
            conn.execute_batch(
                "CREATE TABLE membership (
                     id INTEGER PRIMARY KEY CHECK (id = 1), hub TEXT NOT NULL, trainee_id INTEGER NOT NULL,
                     name TEXT NOT NULL, token TEXT NOT NULL, class TEXT NOT NULL);
                 CREATE TABLE outbox (
                     seq INTEGER PRIMARY KEY AUTOINCREMENT, attempt_id TEXT NOT NULL UNIQUE,
                     hub TEXT NOT NULL, token TEXT NOT NULL, scenario TEXT NOT NULL, body TEXT NOT NULL,
                     queued_at TEXT NOT NULL,
                     state TEXT NOT NULL CHECK (state IN ('waiting', 'sent', 'rejected')),
                     tries INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');
                 PRAGMA user_version = 1;",
            )
            .expect("the old schema");
            let info = serde_json::to_string(&class("Monday intake")).expect("json");
            conn.execute(
                "INSERT INTO membership VALUES (1, 'http://hub', 7, 'Ana', 'tok', ?1)",
                params![info],
            )
            .expect("joined");
            conn.execute(
                "INSERT INTO outbox (attempt_id, hub, token, scenario, body, queued_at, state)
                 VALUES ('a1', 'http://hub', 'tok', 'dinner-time-call', '{}', '2026-11-20T10:00:00Z', 'waiting')",
                [],
            )
            .expect("queued");
        }
        let outbox = Outbox::open(&path).expect("the old file opens");
        let m = outbox.membership().expect("reads").expect("still in the class");
        assert_eq!((m.name.as_str(), m.class.name.as_str()), ("Ana", "Monday intake"));
        assert_eq!(
            outbox.pending().expect("counts"),
            1,
            "the queued call still waits"
        );
        assert_eq!(outbox.facilitation().expect("reads"), None);
    }

    #[test]
    fn a_panic_while_the_outbox_is_held_does_not_lock_it_until_restart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outbox = Outbox::open(&dir.path().join("outbox.sqlite3")).expect("opens");
        std::thread::scope(|s| {
            let crashed = s.spawn(|| {
                let _conn = outbox.conn.lock();
                let _sending = outbox.sending.lock();
                panic!("a bug while the outbox is held");
            });
            assert!(crashed.join().is_err());
        });
        assert!(outbox.conn.is_poisoned() && outbox.sending.is_poisoned());
        let running = Facilitation {
            hub: "http://10.0.0.5:7878".into(),
            secret: "s3cret".into(),
            class: class("Monday intake"),
            results_url: "http://10.0.0.5:7878/class/K7P2QX".into(),
        };
        outbox.run_class(&running).expect("still stores");
        assert_eq!(outbox.facilitation().expect("still reads"), Some(running));
        assert_eq!(outbox.pending().expect("still counts"), 0);
        assert_eq!(outbox.send_pending().expect("still sends"), SendReport::default());
    }

    fn member(hub: &str) -> Membership {
        Membership {
            hub: hub.into(),
            trainee_id: 7,
            name: "Ana".into(),
            token: "tok".into(),
            class: class("Monday intake"),
        }
    }

    /// A finished call through the test scenario, its one reply typed.
    fn typed_call() -> (callsim_core::Debrief, callsim_core::CallRecord) {
        use callsim_core::call::Typed;
        use callsim_core::understand::Verdict;
        let model = crate::folder::fixture::parcel_model();
        let mut call = callsim_core::Call::start(model, 4, "en");
        let typed = Typed {
            text: "let me look it up".into(),
            verdict: Verdict::Understood,
            understood_as: Some("check".into()),
            similarity: 0.8,
            flagged: false,
        };
        call.choose_typed("check", typed).expect("offered");
        (call.debrief().expect("over"), call.record())
    }

    fn body_of(outbox: &Outbox, attempt_id: &str) -> (String, String) {
        outbox
            .conn()
            .expect("conn")
            .query_row(
                "SELECT body, state FROM outbox WHERE attempt_id = ?1",
                [attempt_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("queued")
    }

    #[test]
    fn a_call_saved_for_the_class_but_never_queued_is_queued_on_the_next_start() {
        let dir = tempfile::tempdir().expect("temp dir");
        let progress = ProgressStore::open(dir.path()).expect("opens");
        let outbox_path = dir.path().join("class-outbox.sqlite3");
        let m = member("http://10.0.0.5:7878");
        Outbox::open(&outbox_path)
            .expect("opens")
            .remember(&m)
            .expect("joined");
        let ana = progress.create_trainee("Ana").expect("created");
        let (debrief, record) = typed_call();
        // The crash window: the call is saved for the class, then the game
        // dies before the outbox hears of it.
        let owed = progress
            .record_attempt_for(
                ana,
                &debrief,
                &record,
                callsim_core::call::Mode::Practice,
                Some(&m.key()),
            )
            .expect("saved");
        // Neither one outside the class nor one for another class is owed.
        progress
            .record_attempt(ana, &debrief, &record, callsim_core::call::Mode::Practice)
            .expect("saved");
        progress
            .record_attempt_for(
                ana,
                &debrief,
                &record,
                callsim_core::call::Mode::Practice,
                Some("http://other#7"),
            )
            .expect("saved");

        let outbox = Outbox::open(&outbox_path).expect("opens again");
        assert_eq!(outbox.pending().expect("counts"), 0);
        assert_eq!(outbox.catch_up(&progress).expect("caught up"), 1);
        assert_eq!(outbox.catch_up(&progress).expect("again"), 0, "queued once");
        let waiting = outbox.waiting().expect("reads");
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0].reason(), WaitReason::NotTried);
        let uid = progress.attempt(owed).expect("reads").expect("kept").uid;
        let id = uuid::Uuid::try_parse(&uid)
            .expect("a uuid")
            .hyphenated()
            .to_string();
        assert_eq!(waiting[0].attempt_id, id, "the hub gets the progress store's id");
        let upload: AttemptUpload = serde_json::from_str(&body_of(&outbox, &id).0).expect("an upload");
        // As the hub reads it (the live call's engine state never travels).
        let json = |d: &callsim_core::Debrief| serde_json::to_value(d).expect("json");
        assert_eq!(json(&upload.debrief), json(&debrief));
        assert_eq!(upload.choices, ["check"]);
    }

    #[test]
    fn a_flag_set_after_sending_sends_the_call_again_with_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let progress = ProgressStore::open(dir.path()).expect("opens");
        let outbox = Outbox::open(&dir.path().join("class-outbox.sqlite3")).expect("opens");
        let m = member("http://10.0.0.5:7878");
        outbox.remember(&m).expect("joined");
        let ana = progress.create_trainee("Ana").expect("created");
        let (debrief, record) = typed_call();
        let id = progress
            .record_attempt_for(
                ana,
                &debrief,
                &record,
                callsim_core::call::Mode::Practice,
                Some(&m.key()),
            )
            .expect("saved");
        assert!(outbox.sync_attempt(&progress, id).expect("queued"));
        let attempt_id = outbox.waiting().expect("reads")[0].attempt_id.clone();
        let (first, _) = body_of(&outbox, &attempt_id);
        // As if the hub had taken it.
        outbox
            .conn()
            .expect("conn")
            .execute("UPDATE outbox SET state = 'sent'", [])
            .expect("sent");
        assert!(outbox.sync_attempt(&progress, id).expect("unchanged"));
        assert_eq!(body_of(&outbox, &attempt_id).1, "sent", "nothing new to send");

        assert!(progress.flag_typed(id, 1, true).expect("flagged"));
        assert!(outbox.sync_attempt(&progress, id).expect("queued again"));
        let (second, state) = body_of(&outbox, &attempt_id);
        assert_eq!(state, "waiting");
        assert_ne!(first, second);
        let upload: AttemptUpload = serde_json::from_str(&second).expect("an upload");
        assert!(
            upload.debrief.turns[0]
                .turn
                .typed
                .as_ref()
                .is_some_and(|t| t.flagged)
        );
        let before: AttemptUpload = serde_json::from_str(&first).expect("an upload");
        assert_eq!(
            (upload.attempt_id, upload.finished_at),
            (before.attempt_id, before.finished_at),
            "the same attempt, as the hub knows it"
        );
    }

    #[test]
    fn attempts_an_older_game_set_aside_are_tried_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("outbox.sqlite3");
        {
            let mut conn = Connection::open(&path).expect("opens");
            crate::schema::migrate(&mut conn, &MIGRATIONS[..2], 2).expect("the schema before");
            conn.execute(
                "INSERT INTO outbox (attempt_id, hub, token, scenario, body, queued_at, state, tries, last_error)
                 VALUES ('a1', 'http://hub', 'tok', 'dinner-time-call', '{}', '2026-11-20T10:00:00Z', 'rejected', 1,
                         'this trainee token is not known to the hub; join the class again')",
                [],
            )
            .expect("set aside on a 401");
        }
        let outbox = Outbox::open(&path).expect("opens");
        assert_eq!(outbox.pending().expect("counts"), 1);
        let waiting = outbox.waiting().expect("reads");
        assert!(!waiting[0].rejected);
    }
}
