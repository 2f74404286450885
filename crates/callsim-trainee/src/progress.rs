//! The trainee's history and settings, kept in the platform's data folder:
//! trainees and their attempts in an embedded SQLite database, the game's
//! settings in a small JSON file beside it.
//!
//! An attempt is written in one transaction when a call ends, in WAL mode
//! with full sync, so killing the game (or a crash of the machine) never
//! loses or corrupts an attempt that was recorded before. The schema is
//! versioned with `PRAGMA user_version` and migrated forward on open.
//!
//! A [`ProgressStore`] is `Send + Sync`: the game can keep one in a resource and
//! call it from any system. Two stores (two copies of the game) may share a
//! folder; SQLite serialises their writes.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use callsim_core::call::Mode;
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use crate::schema::SchemaError;
use serde::{Deserialize, Serialize};

use callsim_core::call::CallRecord;
use callsim_core::debrief::Debrief;
use callsim_core::locale::text::GAME_LANGUAGES;
use callsim_core::points::Skill;
use callsim_core::scenario::EndingKind;

/// The database's file name inside the data folder.
pub const DATABASE_FILE: &str = "progress.sqlite3";
/// The settings' file name inside the data folder.
pub const SETTINGS_FILE: &str = "settings.json";
/// Overrides the data folder (tests, screenshots, a portable install).
pub const DATA_DIR_VAR: &str = "CALLSIM_DATA_DIR";
/// The longest trainee name, in characters: it has to fit on a card.
pub const MAX_NAME_CHARS: usize = 40;

/// How long a write waits for another copy of the game holding the
/// database before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Something went wrong keeping the trainee's progress. Every message is
/// meant to be shown to the trainee as it is.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error("a trainee needs a name")]
    EmptyName,
    #[error("a name can be at most {MAX_NAME_CHARS} characters long")]
    NameTooLong,
    #[error("there is already a trainee called “{0}”; choose another name")]
    NameTaken(String),
    #[error("this trainee no longer exists (id {0})")]
    UnknownTrainee(TraineeId),
    #[error("the debrief is for “{debrief}” but the call record is for “{record}”; nothing was saved")]
    Mismatch { debrief: String, record: String },
    #[error("cannot find a folder to keep your progress in: set {DATA_DIR_VAR} to a folder you can write to")]
    NoDataFolder,
    #[error(
        "your progress file {path} was made by a newer version of callsim (format {found}, this version reads up to {known}); update callsim to open it"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error(
        "your progress file {path} is damaged or is not a callsim progress file; move it away to start afresh ({source})"
    )]
    Damaged { path: PathBuf, source: rusqlite::Error },
    #[error("cannot open your progress file {path}: {source}")]
    Open { path: PathBuf, source: rusqlite::Error },
    #[error("cannot read or save your progress: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("cannot write down this call's debrief: {0}")]
    Encode(serde_json::Error),
    #[error("the saved debrief of call {id} cannot be read ({source}); it was left as it was")]
    Decode {
        id: AttemptId,
        source: serde_json::Error,
    },
    #[error("there is no call {0} in your progress")]
    UnknownAttempt(AttemptId),
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// A trainee's number in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TraineeId(pub i64);

impl fmt::Display for TraineeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An attempt's number in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AttemptId(pub i64);

impl fmt::Display for AttemptId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Someone who plays: a name is enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trainee {
    pub id: TraineeId,
    pub name: String,
    pub created: SystemTime,
}

/// A sub-skill's result in one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkillResult {
    pub skill: Skill,
    /// The points earned.
    pub total: i32,
    /// Where the total sits between the worst and best possible, 0-100.
    pub percent: u8,
}

/// One finished call, as the progress screen shows it. The full debrief is
/// kept too: [`ProgressStore::debrief_json`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub id: AttemptId,
    /// A random id that stays the same wherever the attempt is copied (the
    /// class hub uses it to never count an attempt twice).
    pub uid: String,
    pub trainee: TraineeId,
    pub played_at: SystemTime,
    pub scenario: String,
    /// The scenario's title in the call's language, as it was then.
    pub title: String,
    pub seed: u64,
    pub language: String,
    pub mode: Mode,
    /// Reply ids in order.
    pub choices: Vec<String>,
    pub ending: String,
    pub ending_kind: EndingKind,
    /// Respect and sincerity, 0-100.
    pub respect: u8,
    pub sincerity: u8,
    /// The four sub-skills, in [`Skill::ALL`] order.
    pub skills: [SkillResult; 4],
    /// Call time in seconds.
    pub seconds: u32,
}

impl Attempt {
    /// Enough to play this call again exactly (`Call::replay`).
    pub fn record(&self) -> CallRecord {
        CallRecord {
            scenario: self.scenario.clone(),
            seed: self.seed,
            language: self.language.clone(),
            choices: self.choices.clone(),
        }
    }

    pub fn skill(&self, skill: Skill) -> SkillResult {
        self.skills
            .iter()
            .copied()
            .find(|s| s.skill == skill)
            .unwrap_or(SkillResult {
                skill,
                total: 0,
                percent: 0,
            })
    }
}

/// An attempt recorded for a class, as the class outbox finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassAttempt {
    pub id: AttemptId,
    pub uid: String,
    pub played_at: SystemTime,
}

/// Sets or clears the "that is not what I meant" flag on typed turn
/// `number` (1-based) of `debrief`; whether that turn was typed. (The live
/// call's `Call::flag_typed` does the same before the call ends; the
/// debrief screen only has the debrief.)
pub fn flag_typed_turn(debrief: &mut Debrief, number: usize, flagged: bool) -> bool {
    match debrief
        .turns
        .iter_mut()
        .find(|t| t.turn.number == number)
        .and_then(|t| t.turn.typed.as_mut())
    {
        Some(typed) => {
            typed.flagged = flagged;
            true
        }
        None => false,
    }
}

/// A trainee's best on one scenario, for the picker's cards. Respect and
/// sincerity are each the best reached in any attempt, not necessarily in
/// the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioBest {
    pub respect: u8,
    pub sincerity: u8,
    pub attempts: u32,
}

/// The game's settings, saved between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `en`, `zh`, `ru` or `es`: the game's labels and, where the scenario
    /// has it, the scenario's text.
    pub language: String,
    /// Multiplies every text size; within [`Settings::TEXT_SCALES`].
    pub text_scale: f32,
    pub mode: Mode,
    pub sound: bool,
    /// Whether the trainee picks a written reply or types their own words.
    pub reply_by: ReplyBy,
}

/// How the trainee replies in a call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyBy {
    /// Pick one of the scenario's written replies.
    #[default]
    Choosing,
    /// Type their own words, understood as one of the replies.
    Typing,
}

impl Settings {
    /// The text sizes the game offers, smallest to largest.
    pub const TEXT_SCALES: std::ops::RangeInclusive<f32> = 0.75..=2.0;

    /// The same settings with anything out of range brought back in: a
    /// language the game does not speak becomes the default, a text size is
    /// clamped. A hand-edited file never makes the game unusable.
    pub fn normalised(mut self) -> Settings {
        if !GAME_LANGUAGES.iter().any(|(code, _)| *code == self.language) {
            self.language = system_language();
        }
        self.text_scale = if self.text_scale.is_finite() {
            self.text_scale
                .clamp(*Self::TEXT_SCALES.start(), *Self::TEXT_SCALES.end())
        } else {
            1.0
        };
        self
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            language: system_language(),
            text_scale: 1.0,
            mode: Mode::Practice,
            sound: true,
            reply_by: ReplyBy::Choosing,
        }
    }
}

/// Where the settings came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingsSource {
    /// Read from the settings file.
    Saved,
    /// No settings saved yet: the defaults.
    Defaults,
    /// The file could not be used: the defaults, and the old file kept
    /// aside as `kept_as` (when it could be moved) for someone to look at.
    Recovered {
        reason: String,
        kept_as: Option<PathBuf>,
    },
}

/// The game's language from the system locale (`zh_CN.UTF-8` → `zh`)
/// where the game speaks it, else English.
pub fn system_language() -> String {
    language_from_locale(sys_locale::get_locale().as_deref()).to_owned()
}

/// The game language for a locale name such as `ru-RU`, `es_ES.UTF-8` or
/// `zh-Hans-CN`; English when there is none or the game does not speak it.
pub fn language_from_locale(locale: Option<&str>) -> &'static str {
    let code = locale
        .and_then(|l| l.split(['-', '_', '.', '@']).next())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    GAME_LANGUAGES
        .iter()
        .map(|(c, _)| *c)
        .find(|c| *c == code)
        .unwrap_or("en")
}

/// The sentence encoder's memo in the data folder (callsim-understand's
/// `Encoder::remember_in`): each scenario phrase is embedded once, not on
/// every launch or every `callsim check`.
pub const PHRASE_MEMO_FILE: &str = "phrase-memo.bin";

/// The folder the game keeps its data in: `$CALLSIM_DATA_DIR` when set,
/// else the platform's data folder for callsim (`~/.local/share/callsim` on
/// Linux, `~/ScenarioFolder/Application Support/org.callsim.callsim` on macOS,
/// `%APPDATA%\callsim\callsim\data` on Windows). It may not exist yet.
pub fn data_folder() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_VAR).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("org", "callsim", "callsim").map(|d| d.data_dir().to_owned())
}

/// The schema, one step per version: step `i` takes a file from version `i`
/// to `i + 1`. Never edit a step that has shipped; add one.
const MIGRATIONS: &[&str] = &[
    // 1: trainees, attempts, and small facts such as the last trainee.
    "CREATE TABLE trainee (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        -- the name trimmed and lower-cased: names are unique ignoring case
        name_key TEXT NOT NULL UNIQUE,
        created_ms INTEGER NOT NULL
    );
    CREATE TABLE attempt (
        id INTEGER PRIMARY KEY,
        trainee INTEGER NOT NULL REFERENCES trainee(id),
        played_ms INTEGER NOT NULL,
        scenario TEXT NOT NULL,
        title TEXT NOT NULL,
        -- the u64 seed's bits as a signed integer
        seed INTEGER NOT NULL,
        language TEXT NOT NULL,
        mode TEXT NOT NULL,
        -- JSON array of reply ids
        choices TEXT NOT NULL,
        ending TEXT NOT NULL,
        ending_kind TEXT NOT NULL,
        respect INTEGER NOT NULL,
        sincerity INTEGER NOT NULL,
        understanding_total INTEGER NOT NULL,
        understanding_percent INTEGER NOT NULL,
        acknowledgement_total INTEGER NOT NULL,
        acknowledgement_percent INTEGER NOT NULL,
        emotion_total INTEGER NOT NULL,
        emotion_percent INTEGER NOT NULL,
        assistance_total INTEGER NOT NULL,
        assistance_percent INTEGER NOT NULL,
        seconds INTEGER NOT NULL,
        debrief TEXT NOT NULL
    );
    CREATE INDEX attempt_by_trainee ON attempt (trainee, scenario, played_ms);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // 2: a stable random id per attempt, so an attempt copied elsewhere (a
    // class hub) is recognised and never counted twice.
    "ALTER TABLE attempt ADD COLUMN uid TEXT;
    UPDATE attempt SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
    CREATE UNIQUE INDEX attempt_uid ON attempt (uid);",
    // 3: the class an attempt was played for (`class::Membership::key`),
    // written in the attempt's own transaction: the class outbox is
    // another file, so a crash between the two writes must leave a trace
    // here from which the next start queues the attempt after all.
    "ALTER TABLE attempt ADD COLUMN class TEXT;
    CREATE INDEX attempt_by_class ON attempt (class) WHERE class IS NOT NULL;",
    // 4: how each trainee replies (`choosing` or `typing`), kept with the
    // trainee so trainees sharing a PC each keep theirs; NULL until the
    // trainee chooses, when the PC's setting applies.
    "ALTER TABLE trainee ADD COLUMN reply_by TEXT;",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const LAST_TRAINEE: &str = "last_trainee";

const ATTEMPT_COLUMNS: &str = "id, uid, trainee, played_ms, scenario, title, seed, language, mode, choices, \
     ending, ending_kind, respect, sincerity, \
     understanding_total, understanding_percent, acknowledgement_total, acknowledgement_percent, \
     emotion_total, emotion_percent, assistance_total, assistance_percent, seconds";

/// The trainees' history and the game's settings in one data folder.
#[derive(Debug)]
pub struct ProgressStore {
    folder: PathBuf,
    db: Mutex<Connection>,
}

impl ProgressStore {
    /// Opens the store in the game's data folder ([`data_folder`]),
    /// creating it on first run.
    pub fn open_default() -> Result<ProgressStore, ProgressError> {
        ProgressStore::open(data_folder().ok_or(ProgressError::NoDataFolder)?)
    }

    /// Opens (creating if needed) the store in `folder`: the database
    /// [`DATABASE_FILE`] and the settings [`SETTINGS_FILE`] inside it.
    pub fn open(folder: impl AsRef<Path>) -> Result<ProgressStore, ProgressError> {
        let folder = folder.as_ref().to_owned();
        fs::create_dir_all(&folder).map_err(|source| ProgressError::Io {
            path: folder.clone(),
            source,
        })?;
        let path = folder.join(DATABASE_FILE);
        let mut conn = Connection::open(&path).map_err(|source| ProgressError::Open {
            path: path.clone(),
            source,
        })?;
        prepare(&mut conn, &path)?;
        remove_stray_settings(&folder);
        Ok(ProgressStore {
            folder,
            db: Mutex::new(conn),
        })
    }

    /// The data folder this store keeps its files in.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    pub fn database_path(&self) -> PathBuf {
        self.folder.join(DATABASE_FILE)
    }

    pub fn settings_path(&self) -> PathBuf {
        self.folder.join(SETTINGS_FILE)
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave the connection
        // half-written (SQLite rolls back an unfinished transaction), so a
        // poisoned lock is still safe to use.
        self.db.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    // --- trainees -------------------------------------------------------

    /// Adds a trainee. The name is trimmed; it must not be empty nor the
    /// name of another trainee, ignoring case.
    pub fn create_trainee(&self, name: &str) -> Result<TraineeId, ProgressError> {
        let (name, key) = checked_name(name)?;
        let db = self.db();
        let inserted = db.execute(
            "INSERT INTO trainee (name, name_key, created_ms) VALUES (?1, ?2, ?3)",
            params![name, key, now_ms()],
        );
        match inserted {
            Ok(_) => Ok(TraineeId(db.last_insert_rowid())),
            Err(e) if is_unique_violation(&e) => Err(ProgressError::NameTaken(taken_name(&db, &key)?)),
            Err(e) => Err(e.into()),
        }
    }

    /// Every trainee, by name.
    pub fn trainees(&self) -> Result<Vec<Trainee>, ProgressError> {
        let db = self.db();
        let mut stmt = db.prepare("SELECT id, name, created_ms FROM trainee ORDER BY name_key, id")?;
        let rows = stmt.query_map([], trainee_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn trainee(&self, id: TraineeId) -> Result<Trainee, ProgressError> {
        self.db()
            .query_row(
                "SELECT id, name, created_ms FROM trainee WHERE id = ?1",
                [id.0],
                trainee_from_row,
            )
            .optional()?
            .ok_or(ProgressError::UnknownTrainee(id))
    }

    /// Gives a trainee a new name, checked as in [`ProgressStore::create_trainee`]
    /// (changing only the case of one's own name is allowed).
    pub fn rename(&self, id: TraineeId, name: &str) -> Result<(), ProgressError> {
        let (name, key) = checked_name(name)?;
        let db = self.db();
        let updated = db.execute(
            "UPDATE trainee SET name = ?1, name_key = ?2 WHERE id = ?3",
            params![name, key, id.0],
        );
        match updated {
            Ok(0) => Err(ProgressError::UnknownTrainee(id)),
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(ProgressError::NameTaken(taken_name(&db, &key)?)),
            Err(e) => Err(e.into()),
        }
    }

    /// How `id` chose to reply, if they ever chose (`None`: the PC's setting).
    pub fn reply_by(&self, id: TraineeId) -> Result<Option<ReplyBy>, ProgressError> {
        let db = self.db();
        ensure_trainee(&db, id)?;
        let saved: Option<String> =
            db.query_row("SELECT reply_by FROM trainee WHERE id = ?1", [id.0], |r| r.get(0))?;
        // A value this build does not know (a newer game's) counts as none.
        Ok(saved.and_then(|s| serde_json::from_value(serde_json::Value::String(s)).ok()))
    }

    /// Keeps how `id` replies, for their next calls on this PC.
    pub fn set_reply_by(&self, id: TraineeId, by: ReplyBy) -> Result<(), ProgressError> {
        let name = match by {
            ReplyBy::Choosing => "choosing",
            ReplyBy::Typing => "typing",
        };
        let updated = self.db().execute(
            "UPDATE trainee SET reply_by = ?1 WHERE id = ?2",
            params![name, id.0],
        )?;
        if updated == 0 {
            return Err(ProgressError::UnknownTrainee(id));
        }
        Ok(())
    }

    /// The trainee who played last on this computer, if they still exist.
    pub fn last_trainee(&self) -> Result<Option<Trainee>, ProgressError> {
        Ok(self
            .db()
            .query_row(
                "SELECT t.id, t.name, t.created_ms FROM meta m JOIN trainee t
                 ON t.id = CAST(m.value AS INTEGER) WHERE m.key = ?1",
                [LAST_TRAINEE],
                trainee_from_row,
            )
            .optional()?)
    }

    pub fn set_last_trainee(&self, id: TraineeId) -> Result<(), ProgressError> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ensure_trainee(&tx, id)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![LAST_TRAINEE, id.0.to_string()],
        )?;
        tx.commit()?;
        Ok(())
    }

    // --- attempts -------------------------------------------------------

    /// Saves a finished call, in one transaction: when this returns `Ok`
    /// the attempt is on disk and survives a crash.
    pub fn record_attempt(
        &self,
        trainee: TraineeId,
        debrief: &Debrief,
        record: &CallRecord,
        mode: Mode,
    ) -> Result<AttemptId, ProgressError> {
        self.record_attempt_for(trainee, debrief, record, mode, None)
    }

    /// [`ProgressStore::record_attempt`] for a call played while this PC is
    /// in a class: `class` (`class::Membership::key`) is kept in the same
    /// transaction, so the attempt is owed to the class from the moment it
    /// is saved, whatever happens before the class outbox has it (see
    /// [`ProgressStore::class_attempts`]).
    pub fn record_attempt_for(
        &self,
        trainee: TraineeId,
        debrief: &Debrief,
        record: &CallRecord,
        mode: Mode,
        class: Option<&str>,
    ) -> Result<AttemptId, ProgressError> {
        if debrief.scenario != record.scenario || debrief.seed != record.seed {
            return Err(ProgressError::Mismatch {
                debrief: format!("{} (seed {})", debrief.scenario, debrief.seed),
                record: format!("{} (seed {})", record.scenario, record.seed),
            });
        }
        let debrief_json = serde_json::to_string(debrief).map_err(ProgressError::Encode)?;
        let choices = serde_json::to_string(&record.choices).map_err(ProgressError::Encode)?;
        let skill = |s: Skill| debrief.skill(s);
        let (u, a, e, s) = (
            skill(Skill::Understanding),
            skill(Skill::Acknowledgement),
            skill(Skill::Emotion),
            skill(Skill::Assistance),
        );

        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ensure_trainee(&tx, trainee)?;
        tx.execute(
            "INSERT INTO attempt (uid, trainee, played_ms, scenario, title, seed, language, mode,
                choices, ending, ending_kind, respect, sincerity,
                understanding_total, understanding_percent, acknowledgement_total,
                acknowledgement_percent, emotion_total, emotion_percent, assistance_total,
                assistance_percent, seconds, debrief, class)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?22, ?23, ?24)",
            params![
                new_uid(),
                trainee.0,
                now_ms(),
                record.scenario,
                debrief.title,
                seed_to_sql(record.seed),
                record.language,
                mode.name(),
                choices,
                debrief.ending.id,
                debrief.ending.kind.name(),
                debrief.respect.percent,
                debrief.sincerity.percent,
                u.total,
                u.percent,
                a.total,
                a.percent,
                e.total,
                e.percent,
                s.total,
                s.percent,
                debrief.seconds,
                debrief_json,
                class,
            ],
        )?;
        let id = AttemptId(tx.last_insert_rowid());
        tx.commit()?;
        Ok(id)
    }

    /// A trainee's attempts, newest first.
    pub fn attempts(&self, trainee: TraineeId) -> Result<Vec<Attempt>, ProgressError> {
        self.query_attempts(
            &format!(
                "SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE trainee = ?1
                 ORDER BY played_ms DESC, id DESC"
            ),
            params![trainee.0],
        )
    }

    /// A trainee's attempts at one scenario, oldest first (the progress
    /// chart's order).
    pub fn attempts_for(&self, trainee: TraineeId, scenario: &str) -> Result<Vec<Attempt>, ProgressError> {
        self.query_attempts(
            &format!(
                "SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE trainee = ?1 AND scenario = ?2
                 ORDER BY played_ms, id"
            ),
            params![trainee.0, scenario],
        )
    }

    pub fn attempt(&self, id: AttemptId) -> Result<Option<Attempt>, ProgressError> {
        Ok(self
            .query_attempts(
                &format!("SELECT {ATTEMPT_COLUMNS} FROM attempt WHERE id = ?1"),
                params![id.0],
            )?
            .pop())
    }

    /// The full debrief of an attempt as it was saved (the JSON of
    /// [`Debrief`]), to show it again.
    pub fn debrief_json(&self, id: AttemptId) -> Result<Option<String>, ProgressError> {
        Ok(self
            .db()
            .query_row("SELECT debrief FROM attempt WHERE id = ?1", [id.0], |r| r.get(0))
            .optional()?)
    }

    /// The attempts recorded for `class` (`class::Membership::key`), by any
    /// trainee of this PC, oldest first: what the class outbox owes the hub.
    pub fn class_attempts(&self, class: &str) -> Result<Vec<ClassAttempt>, ProgressError> {
        let db = self.db();
        let mut stmt =
            db.prepare("SELECT id, uid, played_ms FROM attempt WHERE class = ?1 ORDER BY played_ms, id")?;
        let rows = stmt.query_map([class], |r| {
            Ok(ClassAttempt {
                id: AttemptId(r.get(0)?),
                uid: r.get(1)?,
                played_at: time_from_ms(r.get(2)?),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The class an attempt was recorded for, and what the class is sent
    /// of it: its id, when it was played, and its debrief as saved now
    /// (typed turns flagged since included). `None` for an attempt played
    /// outside a class.
    pub fn class_attempt(
        &self,
        id: AttemptId,
    ) -> Result<Option<(String, ClassAttempt, Debrief)>, ProgressError> {
        let row = self
            .db()
            .query_row(
                "SELECT class, uid, played_ms, debrief FROM attempt WHERE id = ?1",
                [id.0],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?
            .ok_or(ProgressError::UnknownAttempt(id))?;
        let (Some(class), uid, played_ms, json) = row else {
            return Ok(None);
        };
        let debrief = serde_json::from_str(&json).map_err(|source| ProgressError::Decode { id, source })?;
        let attempt = ClassAttempt {
            id,
            uid,
            played_at: time_from_ms(played_ms),
        };
        Ok(Some((class, attempt, debrief)))
    }

    /// The trainee's "that is not what I meant" on typed turn `turn`
    /// (1-based) of attempt `id`, or its withdrawal: kept in the saved
    /// debrief, in one transaction, for a trainer to improve the examples
    /// from. Whether the turn was a typed one (nothing changes otherwise).
    pub fn flag_typed(&self, id: AttemptId, turn: usize, flagged: bool) -> Result<bool, ProgressError> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let json: String = tx
            .query_row("SELECT debrief FROM attempt WHERE id = ?1", [id.0], |r| r.get(0))
            .optional()?
            .ok_or(ProgressError::UnknownAttempt(id))?;
        let mut debrief: Debrief =
            serde_json::from_str(&json).map_err(|source| ProgressError::Decode { id, source })?;
        if !flag_typed_turn(&mut debrief, turn, flagged) {
            return Ok(false);
        }
        let json = serde_json::to_string(&debrief).map_err(ProgressError::Encode)?;
        tx.execute(
            "UPDATE attempt SET debrief = ?1 WHERE id = ?2",
            params![json, id.0],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// For each scenario the trainee has played: the best respect, the best
    /// sincerity, and how many attempts.
    pub fn best_per_scenario(
        &self,
        trainee: TraineeId,
    ) -> Result<BTreeMap<String, ScenarioBest>, ProgressError> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT scenario, MAX(respect), MAX(sincerity), COUNT(*) FROM attempt
             WHERE trainee = ?1 GROUP BY scenario",
        )?;
        let rows = stmt.query_map([trainee.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                ScenarioBest {
                    respect: r.get(1)?,
                    sincerity: r.get(2)?,
                    attempts: r.get(3)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn query_attempts(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<Attempt>, ProgressError> {
        let db = self.db();
        let mut stmt = db.prepare(sql)?;
        let rows = stmt.query_map(args, attempt_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    // --- settings -------------------------------------------------------

    /// The saved settings, or the defaults (see [`ProgressStore::load_settings`]).
    pub fn settings(&self) -> Settings {
        self.load_settings().0
    }

    /// The saved settings and where they came from. A file that cannot be
    /// read as settings is moved aside to `settings.json.bak` and the
    /// defaults are used: the game always starts.
    pub fn load_settings(&self) -> (Settings, SettingsSource) {
        let path = self.settings_path();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return (Settings::default(), SettingsSource::Defaults);
            }
            Err(e) => {
                let reason = format!("cannot read {}: {e}", path.display());
                return (Settings::default(), set_aside(&path, reason));
            }
        };
        match serde_json::from_str::<Settings>(&text) {
            Ok(settings) => (settings.normalised(), SettingsSource::Saved),
            Err(e) => {
                let reason = format!("{} is not valid settings ({e})", path.display());
                (Settings::default(), set_aside(&path, reason))
            }
        }
    }

    /// Saves the settings atomically: written to a temporary file in the
    /// same folder (`settings.json.*.tmp`), flushed to disk, renamed over
    /// the old file, and the folder flushed too (on Unix a rename is only
    /// durable once its directory is), so a crash or a power cut leaves
    /// either the old settings or the new, never half of them. A temporary
    /// file a crash left behind is removed by the next [`ProgressStore::open`].
    pub fn save_settings(&self, settings: &Settings) -> Result<(), ProgressError> {
        let path = self.settings_path();
        let io_error = |source| ProgressError::Io {
            path: path.clone(),
            source,
        };
        let json = serde_json::to_string_pretty(&settings.clone().normalised())
            .map_err(|e| io_error(io::Error::other(e)))?;
        let mut file = tempfile::Builder::new()
            .prefix(SETTINGS_TEMP_PREFIX)
            .suffix(SETTINGS_TEMP_SUFFIX)
            .tempfile_in(&self.folder)
            .map_err(io_error)?;
        file.write_all(json.as_bytes()).map_err(io_error)?;
        file.write_all(b"\n").map_err(io_error)?;
        file.as_file().sync_all().map_err(io_error)?;
        file.persist(&path).map_err(|e| io_error(e.error))?;
        sync_folder(&self.folder).map_err(|source| ProgressError::Io {
            path: self.folder.clone(),
            source,
        })?;
        Ok(())
    }
}

/// How the settings' temporary files are named: `settings.json.XXXXXX.tmp`.
const SETTINGS_TEMP_PREFIX: &str = "settings.json.";
const SETTINGS_TEMP_SUFFIX: &str = ".tmp";
/// A temporary settings file older than this was left by a crash; a
/// younger one may be another copy of the game saving right now.
const STRAY_AGE: Duration = Duration::from_secs(60);

/// Flushes `folder`'s entries (a rename into it) to disk. Windows has no
/// such call and makes renames durable itself.
fn sync_folder(folder: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::File::open(folder)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}

/// Whether `name` is a temporary settings file: ours
/// (`settings.json.XXXXXX.tmp`) or one from a game before they were named
/// (`.tmpXXXXXX`, the `tempfile` crate's default).
fn is_settings_temp(name: &str) -> bool {
    let ours = name.starts_with(SETTINGS_TEMP_PREFIX)
        && name.ends_with(SETTINGS_TEMP_SUFFIX)
        && name.len() > SETTINGS_TEMP_PREFIX.len() + SETTINGS_TEMP_SUFFIX.len();
    let older = name
        .strip_prefix(".tmp")
        .is_some_and(|rest| rest.len() == 6 && rest.chars().all(|c| c.is_ascii_alphanumeric()));
    ours || older
}

/// Removes the temporary settings files a crash mid-save left in
/// `folder`, sparing any younger than [`STRAY_AGE`]; the names removed.
/// Nothing here stops the game: a file that cannot be removed stays.
fn remove_stray_settings(folder: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    let now = SystemTime::now();
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = entry.metadata().ok()?;
            let age = meta.modified().ok().and_then(|m| now.duration_since(m).ok())?;
            (meta.is_file()
                && is_settings_temp(&name)
                && age >= STRAY_AGE
                && fs::remove_file(entry.path()).is_ok())
            .then_some(name)
        })
        .collect()
}

/// Sets up a freshly opened connection: WAL, full sync, foreign keys, a
/// busy timeout, and the schema migrated to [`SCHEMA_VERSION`].
fn prepare(conn: &mut Connection, path: &Path) -> Result<(), ProgressError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The first read of a file that is not a database fails here. Where
    // WAL is not possible (some network drives) SQLite keeps its rollback
    // journal, which is just as safe, only slower with two copies open.
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| damaged_or(e, path))?;
    // FULL: a committed attempt survives a power cut too, at the cost of
    // one fsync per call, which nobody notices.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    migrate(conn, path, MIGRATIONS.len())
}

/// Brings the schema up to version `target` (see [`crate::schema`]).
fn migrate(conn: &mut Connection, path: &Path, target: usize) -> Result<(), ProgressError> {
    crate::schema::migrate(conn, MIGRATIONS, target).map_err(|e| match e {
        SchemaError::TooNew { found, known } => ProgressError::TooNew {
            path: path.to_owned(),
            found,
            known,
        },
        SchemaError::Sqlite(e) => damaged_or(e, path),
    })
}

fn damaged_or(e: rusqlite::Error, path: &Path) -> ProgressError {
    if is_not_a_database(&e) {
        ProgressError::Damaged {
            path: path.to_owned(),
            source: e,
        }
    } else {
        e.into()
    }
}

fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(ErrorCode::ConstraintViolation)
}

/// The name trimmed, and its key for the uniqueness check.
fn checked_name(name: &str) -> Result<(String, String), ProgressError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ProgressError::EmptyName);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(ProgressError::NameTooLong);
    }
    Ok((name.to_owned(), name.to_lowercase()))
}

/// The existing name that `key` collided with, as its owner wrote it.
fn taken_name(db: &Connection, key: &str) -> Result<String, ProgressError> {
    Ok(
        db.query_row("SELECT name FROM trainee WHERE name_key = ?1", [key], |r| {
            r.get(0)
        })?,
    )
}

fn ensure_trainee(db: &Connection, id: TraineeId) -> Result<(), ProgressError> {
    let exists: bool = db.query_row(
        "SELECT EXISTS (SELECT 1 FROM trainee WHERE id = ?1)",
        [id.0],
        |r| r.get(0),
    )?;
    if exists {
        Ok(())
    } else {
        Err(ProgressError::UnknownTrainee(id))
    }
}

fn trainee_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Trainee> {
    Ok(Trainee {
        id: TraineeId(r.get(0)?),
        name: r.get(1)?,
        created: time_from_ms(r.get(2)?),
    })
}

fn attempt_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Attempt> {
    let invalid = |column: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            Box::new(io::Error::new(io::ErrorKind::InvalidData, what)),
        )
    };
    let mode: String = r.get(8)?;
    let choices: String = r.get(9)?;
    let kind: String = r.get(11)?;
    let skill = |skill: Skill, at: usize| -> rusqlite::Result<SkillResult> {
        Ok(SkillResult {
            skill,
            total: r.get(at)?,
            percent: r.get(at + 1)?,
        })
    };
    Ok(Attempt {
        id: AttemptId(r.get(0)?),
        uid: r.get(1)?,
        trainee: TraineeId(r.get(2)?),
        played_at: time_from_ms(r.get(3)?),
        scenario: r.get(4)?,
        title: r.get(5)?,
        seed: seed_from_sql(r.get(6)?),
        language: r.get(7)?,
        mode: Mode::parse(&mode).ok_or_else(|| invalid(8, format!("unknown mode `{mode}`")))?,
        choices: serde_json::from_str(&choices)
            .map_err(|e| invalid(9, format!("choices are not a list of ids: {e}")))?,
        ending: r.get(10)?,
        ending_kind: ending_kind_from_name(&kind)
            .ok_or_else(|| invalid(11, format!("unknown ending kind `{kind}`")))?,
        respect: r.get(12)?,
        sincerity: r.get(13)?,
        skills: [
            skill(Skill::Understanding, 14)?,
            skill(Skill::Acknowledgement, 16)?,
            skill(Skill::Emotion, 18)?,
            skill(Skill::Assistance, 20)?,
        ],
        seconds: r.get(22)?,
    })
}

fn ending_kind_from_name(name: &str) -> Option<EndingKind> {
    EndingKind::ALL.into_iter().find(|k| k.name() == name)
}

/// SQLite integers are signed: a seed keeps its 64 bits, read back exactly.
fn seed_to_sql(seed: u64) -> i64 {
    i64::from_ne_bytes(seed.to_ne_bytes())
}

fn seed_from_sql(value: i64) -> u64 {
    u64::from_ne_bytes(value.to_ne_bytes())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn time_from_ms(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

fn new_uid() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Moves an unusable settings file to `*.bak` so the next save does not
/// overwrite what someone may want to look at.
fn set_aside(path: &Path, reason: String) -> SettingsSource {
    let mut bak = path.as_os_str().to_owned();
    bak.push(".bak");
    let bak = PathBuf::from(bak);
    let kept_as = fs::rename(path, &bak).ok().map(|()| bak);
    SettingsSource::Recovered { reason, kept_as }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::Arc;
    use std::time::Instant;

    use super::*;
    use crate::folder::fixture::parcel_model;
    use callsim_core::Call;

    /// A call through the test scenario (`library::fixture`) with this
    /// reply.
    fn play(seed: u64, reply: &str) -> (Debrief, CallRecord) {
        let mut call = Call::start(parcel_model(), seed, "en");
        call.choose_id(reply).expect("the reply is on offer");
        (call.debrief().expect("the call is over"), call.record())
    }

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().expect("a temporary folder")
    }

    fn user_version(store: &ProgressStore) -> i64 {
        store
            .db()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("user_version reads")
    }

    #[test]
    fn the_store_can_live_in_a_bevy_resource() {
        fn send_sync<T: Send + Sync + 'static>() {}
        send_sync::<ProgressStore>();
    }

    #[test]
    fn trainees_are_created_listed_and_renamed() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        let ana = store.create_trainee("  Ana López ").expect("created");
        let ivan = store.create_trainee("Иван").expect("created");
        let zhang = store.create_trainee("张伟").expect("created");
        let names: Vec<String> = store
            .trainees()
            .expect("listed")
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["Ana López", "Иван", "张伟"]);

        store.rename(ana, "Ana").expect("renamed");
        store
            .rename(ivan, "ИВАН")
            .expect("changing only the case of one's own name is fine");
        assert_eq!(store.trainee(ana).expect("exists").name, "Ana");
        assert_eq!(store.trainee(ivan).expect("exists").name, "ИВАН");
        assert_eq!(store.trainee(zhang).expect("exists").name, "张伟");
    }

    #[test]
    fn names_must_be_given_and_unique_ignoring_case() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        let ivan = store.create_trainee("Иван").expect("created");
        let ana = store.create_trainee("Ana").expect("created");

        let err = store.create_trainee(" иван ").expect_err("same name, other case");
        assert_eq!(
            err.to_string(),
            "there is already a trainee called “Иван”; choose another name"
        );
        let err = store
            .rename(ana, "ИВАН")
            .expect_err("renaming onto another's name");
        assert!(
            matches!(err, ProgressError::NameTaken(ref n) if n == "Иван"),
            "{err}"
        );
        assert_eq!(
            store.trainee(ana).expect("exists").name,
            "Ana",
            "a refused rename changes nothing"
        );

        let err = store.create_trainee(" \t ").expect_err("blank name");
        assert_eq!(err.to_string(), "a trainee needs a name");
        let err = store
            .create_trainee(&"x".repeat(MAX_NAME_CHARS + 1))
            .expect_err("too long");
        assert_eq!(err.to_string(), "a name can be at most 40 characters long");
        store
            .create_trainee(&"я".repeat(MAX_NAME_CHARS))
            .expect("40 characters fit, whatever their bytes");

        let err = store
            .rename(TraineeId(ivan.0 + 100), "Someone")
            .expect_err("no such trainee");
        assert!(matches!(err, ProgressError::UnknownTrainee(_)), "{err}");
        assert_eq!(store.trainees().expect("listed").len(), 3);
    }

    #[test]
    fn the_last_trainee_is_remembered_between_runs() {
        let dir = temp();
        let ana = {
            let store = ProgressStore::open(dir.path()).expect("store opens");
            assert_eq!(store.last_trainee().expect("reads"), None);
            store.create_trainee("Ana").expect("created");
            let ana = store.create_trainee("Bea").expect("created");
            store.set_last_trainee(ana).expect("set");
            let err = store
                .set_last_trainee(TraineeId(99))
                .expect_err("no such trainee");
            assert!(matches!(err, ProgressError::UnknownTrainee(TraineeId(99))));
            ana
        };
        let store = ProgressStore::open(dir.path()).expect("store opens again");
        let last = store.last_trainee().expect("reads").expect("remembered");
        assert_eq!((last.id, last.name.as_str()), (ana, "Bea"));
    }

    #[test]
    fn an_attempt_keeps_what_the_debrief_said_and_replays_the_same_call() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        let ana = store.create_trainee("Ana").expect("created");
        let (good, good_record) = play(1, "check");
        let (poor, poor_record) = play(2, "brush_off");
        let first = store
            .record_attempt(ana, &good, &good_record, Mode::Practice)
            .expect("recorded");
        let second = store
            .record_attempt(ana, &poor, &poor_record, Mode::Exam)
            .expect("recorded");

        let attempts = store.attempts(ana).expect("listed");
        let ids: Vec<AttemptId> = attempts.iter().map(|a| a.id).collect();
        assert_eq!(ids, [second, first], "newest first");

        let good_attempt = &attempts[1];
        assert_eq!((good_attempt.respect, good_attempt.sincerity), (100, 100));
        assert_eq!(good_attempt.ending, "sorted");
        assert_eq!(good_attempt.ending_kind, EndingKind::Delighted);
        assert_eq!(good_attempt.mode, Mode::Practice);
        assert_eq!(good_attempt.uid.len(), 32);

        let poor_attempt = &attempts[0];
        assert_eq!(poor_attempt.scenario, "parcel");
        assert_eq!(poor_attempt.title, "A late parcel");
        assert_eq!((poor_attempt.seed, poor_attempt.language.as_str()), (2, "en"));
        assert_eq!(
            (poor_attempt.respect, poor_attempt.sincerity),
            (poor.respect.percent, poor.sincerity.percent)
        );
        assert!(poor_attempt.respect < 100 && poor_attempt.sincerity < 100);
        assert_eq!(poor_attempt.ending, "annoyed");
        assert_eq!(poor_attempt.ending_kind, EndingKind::Complaint);
        assert_eq!(poor_attempt.mode, Mode::Exam);
        assert_eq!(poor_attempt.choices, ["brush_off"]);
        assert_eq!(poor_attempt.seconds, poor.seconds);
        assert_eq!(poor_attempt.skill(Skill::Understanding).total, -2);
        assert_eq!(poor_attempt.skill(Skill::Emotion).total, -1);
        for skill in Skill::ALL {
            let saved = poor_attempt.skill(skill);
            let shown = poor.skill(skill);
            assert_eq!(
                (saved.total, saved.percent),
                (shown.total, shown.percent),
                "{skill:?}"
            );
        }
        assert_ne!(good_attempt.uid, poor_attempt.uid);

        // The saved record plays the very same call again.
        let replayed = Call::replay(parcel_model(), &poor_attempt.record()).expect("replays");
        let again = replayed.debrief().expect("over");
        assert_eq!((again.respect, again.sincerity), (poor.respect, poor.sincerity));
        assert_eq!(again.ending.id, "annoyed");

        let json = store.debrief_json(second).expect("reads").expect("kept");
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value["ending"]["id"], "annoyed");
        assert_eq!(value["turns"][0]["note"], "A rule is not an answer.");
        assert_eq!(store.attempt(second).expect("reads").as_ref(), Some(poor_attempt));
        assert_eq!(store.attempt(AttemptId(second.0 + 1)).expect("reads"), None);
    }

    #[test]
    fn a_seed_above_the_signed_range_comes_back_exactly() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        let ana = store.create_trainee("Ana").expect("created");
        let (debrief, record) = play(u64::MAX - 6, "act");
        store
            .record_attempt(ana, &debrief, &record, Mode::Practice)
            .expect("recorded");
        let saved = store.attempts(ana).expect("listed").remove(0);
        assert_eq!(saved.seed, u64::MAX - 6);
        assert_eq!(saved.record(), record);
    }

    #[test]
    fn the_best_per_scenario_takes_each_pillars_best_and_counts_attempts() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        let ana = store.create_trainee("Ana").expect("created");
        let bea = store.create_trainee("Bea").expect("created");
        let mut scores = Vec::new();
        for reply in ["listen", "act", "brush_off"] {
            let (debrief, record) = play(1, reply);
            scores.push((debrief.respect.percent, debrief.sincerity.percent));
            store
                .record_attempt(ana, &debrief, &record, Mode::Practice)
                .expect("recorded");
        }
        // The fixture's replies are built so that no one attempt has both.
        assert!(!scores.contains(&(100, 100)), "{scores:?}");
        let (debrief, record) = play(1, "check");
        store
            .record_attempt(bea, &debrief, &record, Mode::Practice)
            .expect("recorded");

        let best = store.best_per_scenario(ana).expect("reads");
        assert_eq!(
            best.get("parcel"),
            Some(&ScenarioBest {
                respect: 100,
                sincerity: 100,
                attempts: 3
            })
        );
        assert_eq!(best.len(), 1);
        let chart: Vec<(u8, u8)> = store
            .attempts_for(ana, "parcel")
            .expect("reads")
            .iter()
            .map(|a| (a.respect, a.sincerity))
            .collect();
        assert_eq!(chart, scores, "oldest first");
        assert!(store.attempts_for(ana, "another").expect("reads").is_empty());
        assert_eq!(store.best_per_scenario(bea).expect("reads")["parcel"].attempts, 1);
    }

    #[test]
    fn recording_for_a_missing_trainee_or_a_mismatched_record_saves_nothing() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        let ana = store.create_trainee("Ana").expect("created");
        let (debrief, record) = play(1, "check");
        let err = store
            .record_attempt(TraineeId(ana.0 + 1), &debrief, &record, Mode::Practice)
            .expect_err("no such trainee");
        assert!(matches!(err, ProgressError::UnknownTrainee(_)), "{err}");
        let other = CallRecord {
            seed: 2,
            ..record.clone()
        };
        let err = store
            .record_attempt(ana, &debrief, &other, Mode::Practice)
            .expect_err("the record is another call's");
        assert!(err.to_string().contains("nothing was saved"), "{err}");
        let rows: i64 = store
            .db()
            .query_row("SELECT COUNT(*) FROM attempt", [], |r| r.get(0))
            .expect("counts");
        assert_eq!(rows, 0);
    }

    #[test]
    fn two_stores_on_one_folder_see_each_others_writes() {
        let dir = temp();
        let a = Arc::new(ProgressStore::open(dir.path()).expect("first store opens"));
        let b = Arc::new(ProgressStore::open(dir.path()).expect("second store opens"));
        let ana = a.create_trainee("Ana").expect("created");
        let err = b
            .create_trainee("ANA")
            .expect_err("the other store's trainee counts");
        assert!(matches!(err, ProgressError::NameTaken(_)), "{err}");
        assert_eq!(b.trainees().expect("listed")[0].id, ana);

        let (debrief, record) = play(1, "brush_off");
        let writers: Vec<_> = [a.clone(), b.clone()]
            .into_iter()
            .map(|store| {
                let (debrief, record) = (debrief.clone(), record.clone());
                std::thread::spawn(move || {
                    (0..10)
                        .map(|_| {
                            store
                                .record_attempt(ana, &debrief, &record, Mode::Practice)
                                .expect("both stores write at once")
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut written: Vec<AttemptId> = writers
            .into_iter()
            .flat_map(|w| w.join().expect("writer finished"))
            .collect();
        written.sort();
        for store in [&a, &b] {
            let mut seen: Vec<AttemptId> = store
                .attempts(ana)
                .expect("listed")
                .iter()
                .map(|x| x.id)
                .collect();
            seen.sort();
            assert_eq!(seen, written);
        }
        assert_eq!(a.best_per_scenario(ana).expect("reads")["parcel"].attempts, 20);
    }

    const KILL_TEST_DIR: &str = "CALLSIM_KILL_TEST_DIR";
    const KILL_TEST_TRAINEE: &str = "CALLSIM_KILL_TEST_TRAINEE";

    /// The child process of the kill test: records attempts as fast as it
    /// can, printing each id once `record_attempt` has returned, until the
    /// parent kills it.
    #[test]
    #[ignore = "run by killing_the_game_mid_write_loses_no_recorded_attempt in a child process"]
    fn child_records_attempts_until_killed() {
        // Run alone (`--include-ignored`), there is nothing to do.
        let (Some(dir), Ok(trainee)) = (std::env::var_os(KILL_TEST_DIR), std::env::var(KILL_TEST_TRAINEE))
        else {
            return;
        };
        let trainee: i64 = trainee.parse().expect("a trainee id");
        let store = ProgressStore::open(dir).expect("store opens");
        let (debrief, record) = play(1, "check");
        let mut out = io::stdout().lock();
        loop {
            let id = store
                .record_attempt(TraineeId(trainee), &debrief, &record, Mode::Practice)
                .expect("recorded");
            writeln!(out, "recorded {id}").expect("the parent reads");
            out.flush().expect("the parent reads");
        }
    }

    /// The attempt a line of the child's output acknowledges. The test
    /// harness prints the test's name on the same line as its first output,
    /// so the acknowledgement may not start the line.
    fn acknowledgement(line: &str) -> Option<AttemptId> {
        let (_, id) = line.rsplit_once("recorded ")?;
        Some(AttemptId(id.trim().parse().expect("an attempt id")))
    }

    #[test]
    fn killing_the_game_mid_write_loses_no_recorded_attempt() {
        let dir = temp();
        let trainee = ProgressStore::open(dir.path())
            .expect("store opens")
            .create_trainee("Ana")
            .expect("created");
        let mut acknowledged = Vec::new();
        for round in 0..3 {
            let mut child = Command::new(std::env::current_exe().expect("the test binary"))
                .args([
                    "--exact",
                    "progress::tests::child_records_attempts_until_killed",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(KILL_TEST_DIR, dir.path())
                .env(KILL_TEST_TRAINEE, trainee.0.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("the child starts");
            let stdout = child.stdout.take().expect("piped");
            let mut lines = BufReader::new(stdout).lines();
            // Vary the moment of the kill from round to round.
            let target = acknowledged.len() + 15 + round * 7;
            let deadline = Instant::now() + Duration::from_secs(60);
            while acknowledged.len() < target && Instant::now() < deadline {
                match lines.next() {
                    Some(Ok(line)) => {
                        acknowledged.extend(acknowledgement(&line));
                    }
                    _ => break,
                }
            }
            // SIGKILL on Unix: no destructor, no rollback, no flush.
            child.kill().expect("the child is killed");
            child.wait().expect("the child is reaped");
            // Ids the child printed before it died are acknowledged too.
            for line in lines.map_while(Result::ok) {
                acknowledged.extend(acknowledgement(&line));
            }
            assert!(
                acknowledged.len() >= target,
                "round {round}: the child recorded only {} attempts",
                acknowledged.len()
            );

            let store = ProgressStore::open(dir.path()).expect("the store opens after a kill");
            let integrity: String = store
                .db()
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .expect("integrity check runs");
            assert_eq!(integrity, "ok");
            let saved: Vec<AttemptId> = store
                .attempts(trainee)
                .expect("listed")
                .iter()
                .map(|a| a.id)
                .collect();
            let lost: Vec<&AttemptId> = acknowledged.iter().filter(|id| !saved.contains(id)).collect();
            assert!(lost.is_empty(), "round {round}: lost {lost:?}");
            // At most the one attempt in flight at each kill is there
            // unannounced: committed, killed before it was printed.
            assert!(
                saved.len() <= acknowledged.len() + round + 1,
                "round {round}: {} saved, {} acknowledged",
                saved.len(),
                acknowledged.len()
            );
        }
    }

    #[test]
    fn an_empty_file_is_given_the_whole_schema() {
        let dir = temp();
        fs::write(dir.path().join(DATABASE_FILE), b"").expect("written");
        let store = ProgressStore::open(dir.path()).expect("an empty file opens");
        assert_eq!(user_version(&store), SCHEMA_VERSION);
        let ana = store.create_trainee("Ana").expect("created");
        let (debrief, record) = play(1, "check");
        store
            .record_attempt(ana, &debrief, &record, Mode::Practice)
            .expect("recorded");
    }

    #[test]
    fn a_version_1_file_is_migrated_and_keeps_its_attempts() {
        let dir = temp();
        let path = dir.path().join(DATABASE_FILE);
        {
            let mut conn = Connection::open(&path).expect("a new file");
            migrate(&mut conn, &path, 1).expect("version 1 schema");
            conn.execute_batch(
                "INSERT INTO trainee (id, name, name_key, created_ms) VALUES (7, 'Ana', 'ana', 1000);
                 INSERT INTO attempt (trainee, played_ms, scenario, title, seed, language, mode,
                    choices, ending, ending_kind, respect, sincerity,
                    understanding_total, understanding_percent, acknowledgement_total,
                    acknowledgement_percent, emotion_total, emotion_percent, assistance_total,
                    assistance_percent, seconds, debrief)
                 VALUES (7, 2000, 'parcel', 'A late parcel', -1, 'en',
                    'exam', '[\"brush_off\"]', 'annoyed', 'Complaint', 25, 31,
                    -3, 20, -2, 30, 1, 40, -1, 25, 95, '{}');
                 INSERT INTO meta (key, value) VALUES ('last_trainee', '7');",
            )
            .expect("a version 1 attempt");
            let version: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .expect("reads");
            assert_eq!(version, 1);
        }
        let store = ProgressStore::open(dir.path()).expect("a version 1 file opens");
        assert_eq!(user_version(&store), SCHEMA_VERSION);
        let ana = store.last_trainee().expect("reads").expect("kept");
        assert_eq!((ana.id, ana.name.as_str()), (TraineeId(7), "Ana"));
        let old = store.attempts(ana.id).expect("listed").remove(0);
        assert_eq!((old.respect, old.sincerity, old.seed), (25, 31, u64::MAX));
        assert_eq!(old.ending_kind, EndingKind::Complaint);
        assert_eq!(old.mode, Mode::Exam);
        assert_eq!(old.skill(Skill::Emotion).percent, 40);
        assert_eq!(old.uid.len(), 32, "the migration gave the old attempt an id");

        let (debrief, record) = play(1, "check");
        store
            .record_attempt(ana.id, &debrief, &record, Mode::Practice)
            .expect("recorded");
        let uids: Vec<String> = store
            .attempts(ana.id)
            .expect("listed")
            .into_iter()
            .map(|a| a.uid)
            .collect();
        assert_eq!(uids.len(), 2);
        assert_ne!(uids[0], uids[1]);
    }

    #[test]
    fn a_file_from_a_newer_version_is_refused_untouched() {
        let dir = temp();
        let path = dir.path().join(DATABASE_FILE);
        {
            let conn = Connection::open(&path).expect("a new file");
            conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
                .expect("written");
        }
        let err = ProgressStore::open(dir.path()).expect_err("too new");
        assert!(matches!(err, ProgressError::TooNew { found: 99, .. }), "{err}");
        assert!(err.to_string().contains("newer version of callsim"), "{err}");
        let conn = Connection::open(&path).expect("reopens");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("reads");
        assert_eq!(version, 99);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_reported_not_overwritten() {
        let dir = temp();
        let path = dir.path().join(DATABASE_FILE);
        let junk = "these are my notes, not a database\n".repeat(200);
        fs::write(&path, &junk).expect("written");
        let err = ProgressStore::open(dir.path()).expect_err("not a database");
        assert!(matches!(err, ProgressError::Damaged { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("is damaged or is not a callsim progress file"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&path).expect("still there"), junk);
    }

    #[test]
    fn each_trainee_keeps_how_they_reply() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        let ana = store.create_trainee("Ana").expect("added");
        let ben = store.create_trainee("Ben").expect("added");
        assert_eq!(store.reply_by(ana).expect("reads"), None, "not chosen yet");
        store.set_reply_by(ana, ReplyBy::Typing).expect("kept");
        store.set_reply_by(ben, ReplyBy::Choosing).expect("kept");
        let again = ProgressStore::open(dir.path()).expect("reopens");
        assert_eq!(again.reply_by(ana).expect("reads"), Some(ReplyBy::Typing));
        assert_eq!(again.reply_by(ben).expect("reads"), Some(ReplyBy::Choosing));
        assert!(matches!(
            again.set_reply_by(TraineeId(999), ReplyBy::Typing),
            Err(ProgressError::UnknownTrainee(_))
        ));
    }

    #[test]
    fn settings_default_then_round_trip_atomically() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        assert_eq!(
            store.load_settings(),
            (Settings::default(), SettingsSource::Defaults)
        );
        let mine = Settings {
            language: "zh".to_owned(),
            text_scale: 1.5,
            mode: Mode::Exam,
            sound: false,
            reply_by: ReplyBy::Typing,
        };
        store.save_settings(&mine).expect("saved");
        let again = ProgressStore::open(dir.path()).expect("reopens");
        assert_eq!(again.load_settings(), (mine.clone(), SettingsSource::Saved));
        store
            .save_settings(&Settings {
                language: "ru".to_owned(),
                ..mine
            })
            .expect("saved over");
        assert_eq!(again.settings().language, "ru");
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with(DATABASE_FILE))
            .collect();
        left.sort();
        assert_eq!(left, [SETTINGS_FILE], "no temporary file is left behind");
    }

    #[test]
    fn temporary_settings_files_a_crash_left_are_removed_on_the_next_start() {
        let dir = temp();
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let leave = |name: &str, modified: SystemTime| {
            let file = fs::File::create(dir.path().join(name)).expect("created");
            file.set_modified(modified).expect("dated");
        };
        // Killed between writing the temporary file and renaming it, by
        // this game and by one from before the files were named.
        leave("settings.json.Xy12ab.tmp", an_hour_ago);
        leave(".tmpQ7w8E9", an_hour_ago);
        // Another copy of the game saving right now, and files not ours.
        leave("settings.json.Zz99yy.tmp", SystemTime::now());
        leave("notes.tmp", an_hour_ago);
        leave(".tmp-not-ours", an_hour_ago);
        fs::write(dir.path().join(SETTINGS_FILE), "{\"language\": \"es\"}").expect("written");

        let store = ProgressStore::open(dir.path()).expect("store opens");
        let mut left: Vec<String> = fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with(DATABASE_FILE))
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                ".tmp-not-ours",
                "notes.tmp",
                SETTINGS_FILE,
                "settings.json.Zz99yy.tmp"
            ]
        );
        assert_eq!(
            store.settings().language,
            "es",
            "the saved settings are untouched"
        );
    }

    /// A call through the test scenario with the first reply typed.
    fn play_typed(seed: u64) -> (Debrief, CallRecord) {
        use callsim_core::call::Typed;
        use callsim_core::understand::Verdict;
        let mut call = Call::start(parcel_model(), seed, "en");
        let typed = Typed {
            text: "I'll look your parcel up right now".into(),
            verdict: Verdict::Understood,
            understood_as: Some("check".into()),
            similarity: 0.81,
            flagged: false,
        };
        call.choose_typed("check", typed).expect("the reply is on offer");
        (call.debrief().expect("the call is over"), call.record())
    }

    #[test]
    fn a_flag_on_a_typed_turn_is_kept_with_the_attempt_after_reopening() {
        let dir = temp();
        let (id, uid) = {
            let store = ProgressStore::open(dir.path()).expect("store opens");
            let ana = store.create_trainee("Ana").expect("created");
            let (debrief, record) = play_typed(3);
            let id = store
                .record_attempt_for(ana, &debrief, &record, Mode::Practice, Some("http://hub#7"))
                .expect("recorded");
            assert!(
                store.flag_typed(id, 1, true).expect("flagged"),
                "turn 1 was typed"
            );
            (id, store.attempt(id).expect("reads").expect("kept").uid)
        };
        let store = ProgressStore::open(dir.path()).expect("reopens");
        let json = store.debrief_json(id).expect("reads").expect("kept");
        let debrief: Debrief = serde_json::from_str(&json).expect("a debrief");
        let typed = debrief.turns[0].turn.typed.as_ref().expect("typed");
        assert_eq!(typed.text, "I'll look your parcel up right now");
        assert!(typed.flagged, "the flag survived a restart");

        let (class, attempt, sent) = store.class_attempt(id).expect("reads").expect("for a class");
        assert_eq!(
            (class.as_str(), attempt.uid.as_str()),
            ("http://hub#7", uid.as_str())
        );
        assert!(sent.turns[0].turn.typed.as_ref().is_some_and(|t| t.flagged));

        assert!(store.flag_typed(id, 1, false).expect("withdrawn"));
        let json = store.debrief_json(id).expect("reads").expect("kept");
        assert!(json.contains("\"flagged\":false"), "{json}");
        // The turn number of no typed turn changes nothing.
        assert!(!store.flag_typed(id, 9, true).expect("no such turn"));
        let err = store
            .flag_typed(AttemptId(999), 1, true)
            .expect_err("no such call");
        assert_eq!(err.to_string(), "there is no call 999 in your progress");
    }

    #[test]
    fn only_attempts_recorded_for_the_class_are_owed_to_it() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        let ana = store.create_trainee("Ana").expect("created");
        let bea = store.create_trainee("Bea").expect("created");
        let (debrief, record) = play(1, "check");
        let alone = store
            .record_attempt(ana, &debrief, &record, Mode::Practice)
            .expect("recorded");
        let first = store
            .record_attempt_for(ana, &debrief, &record, Mode::Practice, Some("k1"))
            .expect("recorded");
        let other = store
            .record_attempt_for(bea, &debrief, &record, Mode::Practice, Some("k2"))
            .expect("recorded");
        let second = store
            .record_attempt_for(bea, &debrief, &record, Mode::Practice, Some("k1"))
            .expect("recorded");
        let owed: Vec<AttemptId> = store
            .class_attempts("k1")
            .expect("listed")
            .iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(owed, [first, second], "every trainee of this PC, oldest first");
        assert_eq!(store.class_attempts("k2").expect("listed")[0].id, other);
        assert_eq!(store.class_attempt(alone).expect("reads"), None);
    }

    #[test]
    fn a_corrupt_settings_file_is_kept_aside_and_defaults_are_used() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        let corrupt = "{ \"language\": \"zh\", \"text_sc";
        fs::write(store.settings_path(), corrupt).expect("written");
        let (settings, source) = store.load_settings();
        assert_eq!(settings, Settings::default());
        let SettingsSource::Recovered { reason, kept_as } = source else {
            panic!("expected a recovery, got {source:?}");
        };
        assert!(reason.contains("is not valid settings"), "{reason}");
        let bak = kept_as.expect("moved aside");
        assert_eq!(bak, dir.path().join("settings.json.bak"));
        assert_eq!(fs::read_to_string(&bak).expect("kept"), corrupt);
        assert!(!store.settings_path().exists());
        assert_eq!(store.load_settings().1, SettingsSource::Defaults);
        store
            .save_settings(&Settings::default())
            .expect("saving works again");
        assert_eq!(store.load_settings().1, SettingsSource::Saved);
    }

    #[test]
    fn hand_edited_settings_are_brought_back_in_range() {
        let dir = temp();
        let store = ProgressStore::open(dir.path()).expect("store opens");
        fs::write(
            store.settings_path(),
            r#"{"language": "fr", "text_scale": 9.0, "volume": 3}"#,
        )
        .expect("written");
        let (settings, source) = store.load_settings();
        assert_eq!(source, SettingsSource::Saved);
        assert_eq!(settings.language, system_language());
        assert_eq!(settings.text_scale, 2.0);
        assert_eq!((settings.mode, settings.sound), (Mode::Practice, true));
    }

    #[test]
    fn the_language_follows_the_system_locale_where_the_game_speaks_it() {
        for (locale, lang) in [
            (Some("zh_CN.UTF-8"), "zh"),
            (Some("zh-Hans-CN"), "zh"),
            (Some("ru-RU"), "ru"),
            (Some("es"), "es"),
            (Some("ES_mx"), "es"),
            (Some("en-GB"), "en"),
            (Some("fr_FR.UTF-8"), "en"),
            (Some("C"), "en"),
            (None, "en"),
        ] {
            assert_eq!(language_from_locale(locale), lang, "{locale:?}");
        }
    }
}
