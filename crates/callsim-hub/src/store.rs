//! The hub's data: classes, trainees, attempts, vote sessions. One storage
//! trait, one set of SQL (bound parameters only) run on SQLite or PostgreSQL.

use std::fmt;

use callsim_core::wire::{Mode, Receipt};

/// A value bound to or read from SQL. No NULL parameters: both databases
/// then agree on every parameter's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Text(String),
    Bool(bool),
    Null,
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}

/// A result row, read by column position.
#[derive(Debug, Clone, Default)]
pub struct Row(pub Vec<Value>);

impl Row {
    pub fn int(&self, i: usize) -> Result<i64, StoreError> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            Some(Value::Bool(b)) => Ok(i64::from(*b)),
            other => Err(StoreError::Database(format!(
                "column {i}: expected a number, got {other:?}"
            ))),
        }
    }

    pub fn text(&self, i: usize) -> Result<String, StoreError> {
        match self.0.get(i) {
            Some(Value::Text(v)) => Ok(v.clone()),
            other => Err(StoreError::Database(format!(
                "column {i}: expected text, got {other:?}"
            ))),
        }
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }

    pub fn bool(&self, i: usize) -> Result<bool, StoreError> {
        match self.0.get(i) {
            Some(Value::Bool(v)) => Ok(*v),
            Some(Value::Int(v)) => Ok(*v != 0),
            other => Err(StoreError::Database(format!(
                "column {i}: expected true/false, got {other:?}"
            ))),
        }
    }

    /// Percentages are stored as numbers; a stored value outside 0-100 is clamped.
    pub fn percent(&self, i: usize) -> Result<u8, StoreError> {
        self.int(i).map(|v| v.clamp(0, 100) as u8)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The database failed or is unreachable.
    Database(String),
    /// A unique key is taken (a trainee name in a class, an attempt id).
    Conflict(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Database(m) => write!(f, "database error: {m}"),
            StoreError::Conflict(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for StoreError {}

/// Statements inside one transaction.
pub trait Tx {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;

    fn query_one(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

/// A database the hub can run its SQL on.
pub trait Backend: Send + Sync + 'static {
    /// Runs `f` in a transaction, committed when it returns `Ok`.
    fn transaction<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError>;
    /// `sqlite` or `postgresql`, for the startup line.
    fn kind(&self) -> &'static str;
}

/// One versioned migration.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: String,
}

/// Applies the migrations not yet applied, each in its own transaction,
/// recording it in `schema_migrations`.
pub fn migrate(
    backend: &impl Backend,
    migrations: &[Migration],
    lock: Option<&str>,
) -> Result<(), StoreError> {
    backend.transaction(|tx| {
        tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            &[],
        )
        .map(|_| ())
    })?;
    for m in migrations {
        backend.transaction(|tx| {
            if let Some(lock) = lock {
                // Two hubs starting on one database take turns.
                tx.query(lock, &[])?;
            }
            let done = tx.query_one(
                "SELECT version FROM schema_migrations WHERE version = $1",
                &[m.version.into()],
            )?;
            if done.is_some() {
                return Ok(());
            }
            for statement in m.sql.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                tx.execute(statement, &[])?;
            }
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                &[m.version.into(), m.name.into(), super::now().into()],
            )?;
            Ok(())
        })?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRow {
    pub id: i64,
    pub join_code: String,
    pub name: String,
    pub mode: Mode,
    pub secret_hash: String,
    pub scenarios: Vec<String>,
    pub created_at: String,
    /// When the facilitator closed it: no joins and no new attempts since.
    pub closed_at: Option<String>,
    /// The overall percentage an attempt needs to pass (cmi5's mastery
    /// score, in the xAPI export).
    pub mastery_score: u8,
    /// Trainees must type their replies (the game shows no options).
    pub typing_required: bool,
}

/// A class's mastery score until its facilitator sets another.
pub const DEFAULT_MASTERY_SCORE: u8 = 80;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraineeRow {
    pub id: i64,
    pub class_id: i64,
    pub name: String,
    pub joined_at: String,
}

/// An attempt as stored: the upload's body and what the results need from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRow {
    pub id: String,
    pub trainee_id: i64,
    pub class_id: i64,
    pub scenario: String,
    pub seed: u64,
    pub language: String,
    /// The upload as received, re-serialised: the idempotency check compares it.
    pub body: String,
    pub verified: bool,
    pub ending: String,
    pub ending_kind: String,
    pub over_accommodated: bool,
    pub success: bool,
    pub respect: PillarScore,
    pub sincerity: PillarScore,
    /// Understanding, acknowledgement, emotion, assistance on 0-100.
    pub skills: [u8; 4],
    pub finished_at: String,
    pub received_at: String,
}

/// A pillar's score with the raw total and its range, as xAPI wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PillarScore {
    pub percent: u8,
    pub raw: i64,
    pub worst: i64,
    pub best: i64,
}

/// One turn of a stored attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnRow {
    pub number: i64,
    pub node: String,
    pub caller: String,
    pub reply: String,
    pub reply_text: String,
    /// The reply's points summed over the four sub-skills.
    pub total: i64,
    pub was_best: bool,
    /// What the trainee typed, when they typed the reply.
    pub typed: Option<TypedTurn>,
}

/// A typed reply, as the game reported it: the trainee's words are theirs,
/// and they move no score (the turn's reply, checked by replay, does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedTurn {
    pub text: String,
    /// The reply the game took it for, or (not understood) the closest.
    pub understood_as: Option<String>,
    /// The trainee said "that is not what I meant".
    pub flagged: bool,
}

/// A typed turn of a class's checked attempt that a trainer wants to see:
/// one the game did not understand, or one the trainee flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedTurnRow {
    pub scenario: String,
    pub language: String,
    pub trainee: String,
    pub node: String,
    pub caller: String,
    /// The reply the turn was played as (`not_understood` when it was not).
    pub reply: String,
    pub reply_text: String,
    pub typed: TypedTurn,
}

/// How often a reply was chosen at a node, over a class's attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTally {
    pub scenario: String,
    pub node: String,
    pub reply: String,
    pub total: i64,
    pub count: i64,
    /// How many of those choices were the best reply available there.
    pub best: i64,
    /// One of the texts it was shown with, and one caller line at the node.
    pub reply_text: String,
    pub caller: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteSessionRow {
    pub id: i64,
    pub class_id: i64,
    pub scenario: String,
    pub seed: u64,
    pub language: String,
    pub opened_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteTurnRow {
    pub number: i64,
    pub played: String,
    pub majority: Option<String>,
    pub overridden: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoteRow {
    pub turn: i64,
    pub trainee_id: i64,
    pub reply: String,
}

/// Everything the hub asks of its database.
pub trait Storage: Send + Sync {
    fn kind(&self) -> &'static str;
    /// Creates a class; `Conflict` when the join code is taken (the caller draws another).
    fn create_class(&self, class: &ClassRow) -> Result<ClassRow, StoreError>;
    fn class_by_code(&self, join_code: &str) -> Result<Option<ClassRow>, StoreError>;
    fn class_by_id(&self, id: i64) -> Result<Option<ClassRow>, StoreError>;
    /// Closes the class at `at`; closing a closed class keeps its first time.
    fn close_class(&self, id: i64, at: &str) -> Result<(), StoreError>;
    fn set_mastery_score(&self, id: i64, score: u8) -> Result<(), StoreError>;
    /// Adds a trainee; `Conflict` when the name is taken in that class.
    fn add_trainee(&self, class_id: i64, name: &str, token_hash: &str) -> Result<TraineeRow, StoreError>;
    fn trainee_by_token(&self, token_hash: &str) -> Result<Option<TraineeRow>, StoreError>;
    fn trainees(&self, class_id: i64) -> Result<Vec<TraineeRow>, StoreError>;
    /// Stores an attempt and its turns once. The same id with the same body
    /// again is `AlreadyRecorded`, and so is a body that differs only in
    /// the typed turns' "not what I meant" flags, which are then taken;
    /// with any other body (or another trainee), `Conflict`.
    fn record_attempt(&self, attempt: &AttemptRow, turns: &[TurnRow]) -> Result<Receipt, StoreError>;
    fn attempt(&self, id: &str) -> Result<Option<AttemptRow>, StoreError>;
    /// A class's attempts, oldest first.
    fn class_attempts(&self, class_id: i64) -> Result<Vec<AttemptRow>, StoreError>;
    fn trainee_attempts(&self, trainee_id: i64) -> Result<Vec<AttemptRow>, StoreError>;
    /// How often each reply was chosen where, over the class's checked attempts.
    fn reply_tallies(&self, class_id: i64) -> Result<Vec<ReplyTally>, StoreError>;
    /// The typed turns of the class's checked attempts that were not
    /// understood or were flagged, oldest attempt first.
    fn typed_turns(&self, class_id: i64) -> Result<Vec<TypedTurnRow>, StoreError>;
    /// Takes attempt `id`'s new `body`, which differs from the one kept in
    /// its "not what I meant" flags alone, and marks the turns `flagged`
    /// (and no other) as flagged.
    fn update_typed_flags(&self, id: &str, body: &str, flagged: &[i64]) -> Result<(), StoreError>;
    fn open_vote(&self, session: &VoteSessionRow) -> Result<VoteSessionRow, StoreError>;
    fn vote_session(&self, id: i64) -> Result<Option<VoteSessionRow>, StoreError>;
    /// The class's newest vote session, if any.
    fn latest_vote(&self, class_id: i64) -> Result<Option<VoteSessionRow>, StoreError>;
    /// Records or changes a trainee's vote.
    fn cast_vote(&self, session: i64, vote: &VoteRow) -> Result<(), StoreError>;
    fn votes(&self, session: i64) -> Result<Vec<VoteRow>, StoreError>;
    /// Records a played turn; `Conflict` if that turn was already played.
    fn play_turn(&self, session: i64, turn: &VoteTurnRow) -> Result<(), StoreError>;
    fn played_turns(&self, session: i64) -> Result<Vec<VoteTurnRow>, StoreError>;
}

/// The hub's SQL on any backend.
pub struct Store<B: Backend> {
    pub backend: B,
}

const CLASS_COLUMNS: &str =
    "id, join_code, name, mode, secret_hash, created_at, closed_at, mastery_score, typing_required";
const ATTEMPT_COLUMNS: &str = "id, trainee_id, class_id, scenario_id, seed, language, body, verified, ending_id, ending_kind, over_accommodated, success, respect, respect_raw, respect_worst, respect_best, sincerity, sincerity_raw, sincerity_worst, sincerity_best, understanding, acknowledgement, emotion, assistance, finished_at, received_at";

fn class_row(tx: &mut dyn Tx, row: &Row) -> Result<ClassRow, StoreError> {
    let id = row.int(0)?;
    let mode = row.text(3)?;
    let scenarios = tx
        .query(
            "SELECT scenario_id FROM class_scenarios WHERE class_id = $1 ORDER BY position",
            &[id.into()],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect::<Result<_, _>>()?;
    Ok(ClassRow {
        id,
        join_code: row.text(1)?,
        name: row.text(2)?,
        mode: Mode::parse(&mode)
            .ok_or_else(|| StoreError::Database(format!("unknown class mode `{mode}`")))?,
        secret_hash: row.text(4)?,
        scenarios,
        created_at: row.text(5)?,
        closed_at: Some(row.text(6)?).filter(|at| !at.is_empty()),
        mastery_score: row.percent(7)?,
        typing_required: row.bool(8)?,
    })
}

fn trainee_row(row: &Row) -> Result<TraineeRow, StoreError> {
    Ok(TraineeRow {
        id: row.int(0)?,
        class_id: row.int(1)?,
        name: row.text(2)?,
        joined_at: row.text(3)?,
    })
}

fn seed(text: &str) -> Result<u64, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Database(format!("stored seed `{text}` is not a number")))
}

fn attempt_row(row: &Row) -> Result<AttemptRow, StoreError> {
    let pillar = |at: usize| -> Result<PillarScore, StoreError> {
        Ok(PillarScore {
            percent: row.percent(at)?,
            raw: row.int(at + 1)?,
            worst: row.int(at + 2)?,
            best: row.int(at + 3)?,
        })
    };
    Ok(AttemptRow {
        id: row.text(0)?,
        trainee_id: row.int(1)?,
        class_id: row.int(2)?,
        scenario: row.text(3)?,
        // u64 seeds do not fit a signed BIGINT; text keeps them whole on both databases.
        seed: seed(&row.text(4)?)?,
        language: row.text(5)?,
        body: row.text(6)?,
        verified: row.bool(7)?,
        ending: row.text(8)?,
        ending_kind: row.text(9)?,
        over_accommodated: row.bool(10)?,
        success: row.bool(11)?,
        respect: pillar(12)?,
        sincerity: pillar(16)?,
        skills: [
            row.percent(20)?,
            row.percent(21)?,
            row.percent(22)?,
            row.percent(23)?,
        ],
        finished_at: row.text(24)?,
        received_at: row.text(25)?,
    })
}

fn vote_session_row(row: &Row) -> Result<VoteSessionRow, StoreError> {
    Ok(VoteSessionRow {
        id: row.int(0)?,
        class_id: row.int(1)?,
        scenario: row.text(2)?,
        seed: seed(&row.text(3)?)?,
        language: row.text(4)?,
        opened_at: row.text(5)?,
    })
}

impl<B: Backend> Storage for Store<B> {
    fn kind(&self) -> &'static str {
        self.backend.kind()
    }

    fn create_class(&self, class: &ClassRow) -> Result<ClassRow, StoreError> {
        self.backend.transaction(|tx| {
            let inserted = tx.query_one(
                "INSERT INTO classes (join_code, name, mode, secret_hash, created_at, mastery_score, typing_required) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (join_code) DO NOTHING RETURNING id",
                &[
                    (&class.join_code).into(),
                    (&class.name).into(),
                    class.mode.name().into(),
                    (&class.secret_hash).into(),
                    (&class.created_at).into(),
                    i64::from(class.mastery_score).into(),
                    class.typing_required.into(),
                ],
            )?;
            let Some(row) = inserted else {
                return Err(StoreError::Conflict(format!("join code {} is taken", class.join_code)));
            };
            let id = row.int(0)?;
            for (position, scenario) in class.scenarios.iter().enumerate() {
                tx.execute(
                    "INSERT INTO class_scenarios (class_id, position, scenario_id) VALUES ($1, $2, $3)",
                    &[id.into(), (position as i64).into(), scenario.into()],
                )?;
            }
            Ok(ClassRow { id, ..class.clone() })
        })
    }

    fn class_by_code(&self, join_code: &str) -> Result<Option<ClassRow>, StoreError> {
        self.backend.transaction(|tx| {
            let sql = format!("SELECT {CLASS_COLUMNS} FROM classes WHERE join_code = $1");
            match tx.query_one(&sql, &[join_code.into()])? {
                Some(row) => class_row(tx, &row).map(Some),
                None => Ok(None),
            }
        })
    }

    fn class_by_id(&self, id: i64) -> Result<Option<ClassRow>, StoreError> {
        self.backend.transaction(|tx| {
            let sql = format!("SELECT {CLASS_COLUMNS} FROM classes WHERE id = $1");
            match tx.query_one(&sql, &[id.into()])? {
                Some(row) => class_row(tx, &row).map(Some),
                None => Ok(None),
            }
        })
    }

    fn close_class(&self, id: i64, at: &str) -> Result<(), StoreError> {
        self.backend.transaction(|tx| {
            tx.execute(
                "UPDATE classes SET closed_at = $1 WHERE id = $2 AND closed_at = ''",
                &[at.into(), id.into()],
            )
            .map(|_| ())
        })
    }

    fn set_mastery_score(&self, id: i64, score: u8) -> Result<(), StoreError> {
        self.backend.transaction(|tx| {
            tx.execute(
                "UPDATE classes SET mastery_score = $1 WHERE id = $2",
                &[i64::from(score).into(), id.into()],
            )
            .map(|_| ())
        })
    }

    fn add_trainee(&self, class_id: i64, name: &str, token_hash: &str) -> Result<TraineeRow, StoreError> {
        let joined_at = super::now();
        let key = crate::names::key(name);
        let taken = || StoreError::Conflict(format!("someone called {name} has already joined this class"));
        self.backend.transaction(|tx| {
            // Trainees who joined before names had keys are compared here;
            // the unique index on (class_id, name_key) covers the rest, two
            // joins at once included.
            for old in tx.query(
                "SELECT name FROM trainees WHERE class_id = $1 AND name_key = ''",
                &[class_id.into()],
            )? {
                if crate::names::key(&old.text(0)?) == key {
                    return Err(taken());
                }
            }
            let row = tx.query_one(
                "INSERT INTO trainees (class_id, name, name_key, token_hash, joined_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
                &[class_id.into(), name.into(), (&key).into(), token_hash.into(), (&joined_at).into()],
            )?;
            match row {
                Some(row) => Ok(TraineeRow {
                    id: row.int(0)?,
                    class_id,
                    name: name.to_owned(),
                    joined_at: joined_at.clone(),
                }),
                None => Err(taken()),
            }
        })
    }

    fn trainee_by_token(&self, token_hash: &str) -> Result<Option<TraineeRow>, StoreError> {
        self.backend.transaction(|tx| {
            tx.query_one(
                "SELECT id, class_id, name, joined_at FROM trainees WHERE token_hash = $1",
                &[token_hash.into()],
            )?
            .map(|r| trainee_row(&r))
            .transpose()
        })
    }

    fn trainees(&self, class_id: i64) -> Result<Vec<TraineeRow>, StoreError> {
        self.backend.transaction(|tx| {
            tx.query(
                "SELECT id, class_id, name, joined_at FROM trainees WHERE class_id = $1 ORDER BY id",
                &[class_id.into()],
            )?
            .iter()
            .map(trainee_row)
            .collect()
        })
    }

    fn record_attempt(&self, a: &AttemptRow, turns: &[TurnRow]) -> Result<Receipt, StoreError> {
        self.backend.transaction(|tx| {
            let sql = format!(
                "INSERT INTO attempts ({ATTEMPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26) ON CONFLICT (id) DO NOTHING RETURNING id"
            );
            let pillar = |p: PillarScore| -> [Value; 4] {
                [i64::from(p.percent).into(), p.raw.into(), p.worst.into(), p.best.into()]
            };
            let mut params: Vec<Value> = vec![
                (&a.id).into(),
                a.trainee_id.into(),
                a.class_id.into(),
                (&a.scenario).into(),
                a.seed.to_string().into(),
                (&a.language).into(),
                (&a.body).into(),
                a.verified.into(),
                (&a.ending).into(),
                (&a.ending_kind).into(),
                a.over_accommodated.into(),
                a.success.into(),
            ];
            params.extend(pillar(a.respect));
            params.extend(pillar(a.sincerity));
            params.extend(a.skills.iter().map(|&s| Value::Int(i64::from(s))));
            params.push((&a.finished_at).into());
            params.push((&a.received_at).into());
            if tx.query_one(&sql, &params)?.is_none() {
                let existing = tx.query_one("SELECT trainee_id, body FROM attempts WHERE id = $1", &[(&a.id).into()])?;
                let conflict = || StoreError::Conflict(format!(
                    "attempt {} was already sent with different content; a new attempt needs a new id",
                    a.id
                ));
                let Some(row) = existing else {
                    return Err(conflict());
                };
                if row.int(0)? != a.trainee_id {
                    return Err(conflict());
                }
                let kept = row.text(1)?;
                if kept == a.body {
                    return Ok(Receipt::AlreadyRecorded);
                }
                // Sent again after the trainee flagged a typed turn "not
                // what I meant" in the debrief: the flags are taken, the
                // rest must be what the hub has.
                if !crate::verify::differs_in_flags_only(&kept, &a.body) {
                    return Err(conflict());
                }
                let flagged: Vec<i64> = turns
                    .iter()
                    .filter(|t| t.typed.as_ref().is_some_and(|t| t.flagged))
                    .map(|t| t.number)
                    .collect();
                set_typed_flags(tx, &a.id, &a.body, &flagged)?;
                return Ok(Receipt::AlreadyRecorded);
            }
            for t in turns {
                let typed = t.typed.as_ref();
                tx.execute(
                    "INSERT INTO attempt_turns (attempt_id, number, node, caller, reply, reply_text, total, was_best, typed_text, understood_as, flagged) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                    &[
                        (&a.id).into(),
                        t.number.into(),
                        (&t.node).into(),
                        (&t.caller).into(),
                        (&t.reply).into(),
                        (&t.reply_text).into(),
                        t.total.into(),
                        t.was_best.into(),
                        typed.map(|t| t.text.clone()).unwrap_or_default().into(),
                        typed.and_then(|t| t.understood_as.clone()).unwrap_or_default().into(),
                        typed.is_some_and(|t| t.flagged).into(),
                    ],
                )?;
            }
            Ok(Receipt::Recorded)
        })
    }

    fn attempt(&self, id: &str) -> Result<Option<AttemptRow>, StoreError> {
        self.backend.transaction(|tx| {
            let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id = $1");
            tx.query_one(&sql, &[id.into()])?
                .map(|r| attempt_row(&r))
                .transpose()
        })
    }

    fn class_attempts(&self, class_id: i64) -> Result<Vec<AttemptRow>, StoreError> {
        self.backend.transaction(|tx| {
            let sql = format!(
                "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE class_id = $1 ORDER BY received_at, id"
            );
            tx.query(&sql, &[class_id.into()])?
                .iter()
                .map(attempt_row)
                .collect()
        })
    }

    fn trainee_attempts(&self, trainee_id: i64) -> Result<Vec<AttemptRow>, StoreError> {
        self.backend.transaction(|tx| {
            let sql = format!(
                "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE trainee_id = $1 ORDER BY received_at, id"
            );
            tx.query(&sql, &[trainee_id.into()])?
                .iter()
                .map(attempt_row)
                .collect()
        })
    }

    fn reply_tallies(&self, class_id: i64) -> Result<Vec<ReplyTally>, StoreError> {
        self.backend.transaction(|tx| {
            tx.query(
                "SELECT a.scenario_id, t.node, t.reply, t.total, COUNT(*), SUM(CASE WHEN t.was_best THEN 1 ELSE 0 END), MIN(t.reply_text), MIN(t.caller) \
                 FROM attempt_turns t JOIN attempts a ON a.id = t.attempt_id \
                 WHERE a.class_id = $1 AND a.verified \
                 GROUP BY a.scenario_id, t.node, t.reply, t.total \
                 ORDER BY a.scenario_id, t.node, t.reply, t.total",
                &[class_id.into()],
            )?
            .iter()
            .map(|r| {
                Ok(ReplyTally {
                    scenario: r.text(0)?,
                    node: r.text(1)?,
                    reply: r.text(2)?,
                    total: r.int(3)?,
                    count: r.int(4)?,
                    best: r.int(5)?,
                    reply_text: r.text(6)?,
                    caller: r.text(7)?,
                })
            })
            .collect()
        })
    }

    fn typed_turns(&self, class_id: i64) -> Result<Vec<TypedTurnRow>, StoreError> {
        self.backend.transaction(|tx| {
            tx.query(
                "SELECT a.scenario_id, a.language, tr.name, t.node, t.caller, t.reply, t.reply_text, t.typed_text, t.understood_as, t.flagged \
                 FROM attempt_turns t JOIN attempts a ON a.id = t.attempt_id JOIN trainees tr ON tr.id = a.trainee_id \
                 WHERE a.class_id = $1 AND a.verified AND t.typed_text <> '' AND (t.reply = $2 OR t.flagged) \
                 ORDER BY a.received_at, a.id, t.number",
                &[class_id.into(), callsim_core::call::NOT_UNDERSTOOD_ID.into()],
            )?
            .iter()
            .map(|r| {
                Ok(TypedTurnRow {
                    scenario: r.text(0)?,
                    language: r.text(1)?,
                    trainee: r.text(2)?,
                    node: r.text(3)?,
                    caller: r.text(4)?,
                    reply: r.text(5)?,
                    reply_text: r.text(6)?,
                    typed: TypedTurn {
                        text: r.text(7)?,
                        understood_as: Some(r.text(8)?).filter(|u| !u.is_empty()),
                        flagged: r.bool(9)?,
                    },
                })
            })
            .collect()
        })
    }
    fn update_typed_flags(&self, id: &str, body: &str, flagged: &[i64]) -> Result<(), StoreError> {
        self.backend
            .transaction(|tx| set_typed_flags(tx, id, body, flagged))
    }
    fn open_vote(&self, s: &VoteSessionRow) -> Result<VoteSessionRow, StoreError> {
        self.backend.transaction(|tx| {
            let row = tx
                .query_one(
                    "INSERT INTO vote_sessions (class_id, scenario_id, seed, language, opened_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[
                        s.class_id.into(),
                        (&s.scenario).into(),
                        s.seed.to_string().into(),
                        (&s.language).into(),
                        (&s.opened_at).into(),
                    ],
                )?
                .ok_or_else(|| StoreError::Database("the new vote session has no id".into()))?;
            Ok(VoteSessionRow { id: row.int(0)?, ..s.clone() })
        })
    }

    fn vote_session(&self, id: i64) -> Result<Option<VoteSessionRow>, StoreError> {
        self.backend.transaction(|tx| {
            tx.query_one(
                "SELECT id, class_id, scenario_id, seed, language, opened_at FROM vote_sessions WHERE id = $1",
                &[id.into()],
            )?
            .map(|r| vote_session_row(&r))
            .transpose()
        })
    }

    fn latest_vote(&self, class_id: i64) -> Result<Option<VoteSessionRow>, StoreError> {
        self.backend.transaction(|tx| {
            tx.query_one(
                "SELECT id, class_id, scenario_id, seed, language, opened_at FROM vote_sessions WHERE class_id = $1 ORDER BY id DESC LIMIT 1",
                &[class_id.into()],
            )?
            .map(|r| vote_session_row(&r))
            .transpose()
        })
    }

    fn cast_vote(&self, session: i64, v: &VoteRow) -> Result<(), StoreError> {
        self.backend.transaction(|tx| {
            tx.execute(
                "INSERT INTO votes (session_id, turn, trainee_id, reply, cast_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (session_id, turn, trainee_id) DO UPDATE SET reply = excluded.reply, cast_at = excluded.cast_at",
                &[
                    session.into(),
                    v.turn.into(),
                    v.trainee_id.into(),
                    (&v.reply).into(),
                    super::now().into(),
                ],
            )
            .map(|_| ())
        })
    }

    fn votes(&self, session: i64) -> Result<Vec<VoteRow>, StoreError> {
        self.backend.transaction(|tx| {
            tx.query(
                "SELECT turn, trainee_id, reply FROM votes WHERE session_id = $1 ORDER BY turn, trainee_id",
                &[session.into()],
            )?
            .iter()
            .map(|r| {
                Ok(VoteRow {
                    turn: r.int(0)?,
                    trainee_id: r.int(1)?,
                    reply: r.text(2)?,
                })
            })
            .collect()
        })
    }

    fn play_turn(&self, session: i64, t: &VoteTurnRow) -> Result<(), StoreError> {
        self.backend.transaction(|tx| {
            let row = tx.query_one(
                "INSERT INTO vote_turns (session_id, number, played_reply, majority_reply, overridden, played_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (session_id, number) DO NOTHING RETURNING number",
                &[
                    session.into(),
                    t.number.into(),
                    (&t.played).into(),
                    t.majority.clone().unwrap_or_default().into(),
                    t.overridden.into(),
                    super::now().into(),
                ],
            )?;
            match row {
                Some(_) => Ok(()),
                None => Err(StoreError::Conflict(format!("turn {} has already been played", t.number))),
            }
        })
    }

    fn played_turns(&self, session: i64) -> Result<Vec<VoteTurnRow>, StoreError> {
        self.backend.transaction(|tx| {
            tx.query(
                "SELECT number, played_reply, majority_reply, overridden FROM vote_turns WHERE session_id = $1 ORDER BY number",
                &[session.into()],
            )?
            .iter()
            .map(|r| {
                Ok(VoteTurnRow {
                    number: r.int(0)?,
                    played: r.text(1)?,
                    majority: Some(r.text(2)?).filter(|m| !m.is_empty()),
                    overridden: r.bool(3)?,
                })
            })
            .collect()
        })
    }
}

/// Keeps attempt `id`'s new body and marks its typed turns `flagged`, and
/// only those, as flagged.
fn set_typed_flags(tx: &mut dyn Tx, id: &str, body: &str, flagged: &[i64]) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE attempts SET body = $1 WHERE id = $2",
        &[body.into(), id.into()],
    )?;
    tx.execute(
        "UPDATE attempt_turns SET flagged = $1 WHERE attempt_id = $2",
        &[false.into(), id.into()],
    )?;
    for number in flagged {
        tx.execute(
            "UPDATE attempt_turns SET flagged = $1 WHERE attempt_id = $2 AND number = $3 AND typed_text <> ''",
            &[true.into(), id.into(), (*number).into()],
        )?;
    }
    Ok(())
}

/// Version 2: trainees' names compared by their key (`crate::names::key`),
/// so `ALICE` cannot join beside `Alice`. Rows from before keep an empty
/// key and are compared in `add_trainee`.
pub const SCHEMA_V2: &str = "ALTER TABLE trainees ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
    CREATE UNIQUE INDEX trainees_name_key ON trainees (class_id, name_key) WHERE name_key <> ''";

/// Version 3: a class the facilitator closed (empty while open).
pub const SCHEMA_V3: &str = "ALTER TABLE classes ADD COLUMN closed_at TEXT NOT NULL DEFAULT ''";

/// Version 4: the class's mastery score, for cmi5's passed and failed.
pub const SCHEMA_V4: &str = "ALTER TABLE classes ADD COLUMN mastery_score BIGINT NOT NULL DEFAULT 80";

/// Version 5: what the trainee typed on a turn, what the game took it for,
/// and their "not what I meant" flag (empty and false for a chosen reply,
/// and for attempts stored before).
pub const SCHEMA_V5: &str = "ALTER TABLE attempt_turns ADD COLUMN typed_text TEXT NOT NULL DEFAULT '';
    ALTER TABLE attempt_turns ADD COLUMN understood_as TEXT NOT NULL DEFAULT '';
    ALTER TABLE attempt_turns ADD COLUMN flagged BOOLEAN NOT NULL DEFAULT FALSE";

/// Version 6: a class may require its trainees to type their replies.
pub const SCHEMA_V6: &str = "ALTER TABLE classes ADD COLUMN typing_required BOOLEAN NOT NULL DEFAULT FALSE";
/// The schema, written once: the two databases differ only in how a table
/// numbers its rows, filled in per backend.
pub fn schema_v1(id_column: &str) -> String {
    format!(
        "CREATE TABLE classes (
            id {id_column},
            join_code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('practice', 'exam')),
            secret_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE class_scenarios (
            class_id BIGINT NOT NULL REFERENCES classes (id),
            position BIGINT NOT NULL,
            scenario_id TEXT NOT NULL,
            PRIMARY KEY (class_id, position)
        );
        CREATE TABLE trainees (
            id {id_column},
            class_id BIGINT NOT NULL REFERENCES classes (id),
            name TEXT NOT NULL,
            token_hash TEXT NOT NULL UNIQUE,
            joined_at TEXT NOT NULL,
            UNIQUE (class_id, name)
        );
        CREATE TABLE attempts (
            id TEXT PRIMARY KEY,
            trainee_id BIGINT NOT NULL REFERENCES trainees (id),
            class_id BIGINT NOT NULL REFERENCES classes (id),
            scenario_id TEXT NOT NULL,
            seed TEXT NOT NULL,
            language TEXT NOT NULL,
            body TEXT NOT NULL,
            verified BOOLEAN NOT NULL,
            ending_id TEXT NOT NULL,
            ending_kind TEXT NOT NULL,
            over_accommodated BOOLEAN NOT NULL,
            success BOOLEAN NOT NULL,
            respect BIGINT NOT NULL,
            respect_raw BIGINT NOT NULL,
            respect_worst BIGINT NOT NULL,
            respect_best BIGINT NOT NULL,
            sincerity BIGINT NOT NULL,
            sincerity_raw BIGINT NOT NULL,
            sincerity_worst BIGINT NOT NULL,
            sincerity_best BIGINT NOT NULL,
            understanding BIGINT NOT NULL,
            acknowledgement BIGINT NOT NULL,
            emotion BIGINT NOT NULL,
            assistance BIGINT NOT NULL,
            finished_at TEXT NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE INDEX attempts_by_class ON attempts (class_id, received_at);
        CREATE INDEX attempts_by_trainee ON attempts (trainee_id, received_at);
        CREATE TABLE attempt_turns (
            attempt_id TEXT NOT NULL REFERENCES attempts (id),
            number BIGINT NOT NULL,
            node TEXT NOT NULL,
            caller TEXT NOT NULL,
            reply TEXT NOT NULL,
            reply_text TEXT NOT NULL,
            total BIGINT NOT NULL,
            was_best BOOLEAN NOT NULL,
            PRIMARY KEY (attempt_id, number)
        );
        CREATE TABLE vote_sessions (
            id {id_column},
            class_id BIGINT NOT NULL REFERENCES classes (id),
            scenario_id TEXT NOT NULL,
            seed TEXT NOT NULL,
            language TEXT NOT NULL,
            opened_at TEXT NOT NULL
        );
        CREATE TABLE vote_turns (
            session_id BIGINT NOT NULL REFERENCES vote_sessions (id),
            number BIGINT NOT NULL,
            played_reply TEXT NOT NULL,
            majority_reply TEXT NOT NULL,
            overridden BOOLEAN NOT NULL,
            played_at TEXT NOT NULL,
            PRIMARY KEY (session_id, number)
        );
        CREATE TABLE votes (
            session_id BIGINT NOT NULL REFERENCES vote_sessions (id),
            turn BIGINT NOT NULL,
            trainee_id BIGINT NOT NULL REFERENCES trainees (id),
            reply TEXT NOT NULL,
            cast_at TEXT NOT NULL,
            PRIMARY KEY (session_id, turn, trainee_id)
        )"
    )
}
