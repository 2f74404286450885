//! The hub's data in an embedded SQLite file: the default, nothing to install.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, params_from_iter};

use super::store::{
    Backend, Migration, Row, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4, SCHEMA_V5, SCHEMA_V6, StoreError, Tx, Value,
    migrate, schema_v1,
};

/// One connection behind a lock: SQLite writes one transaction at a time
/// anyway, and a class's traffic is small.
pub struct Sqlite {
    conn: Mutex<Connection>,
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Database(e.to_string())
}

pub fn migrations() -> Vec<Migration> {
    vec![
        Migration {
            version: 1,
            name: "classes, trainees, attempts, vote sessions",
            sql: schema_v1("INTEGER PRIMARY KEY"),
        },
        Migration {
            version: 2,
            name: "trainees' names compared by their key",
            sql: SCHEMA_V2.to_owned(),
        },
        Migration {
            version: 3,
            name: "a class can be closed",
            sql: SCHEMA_V3.to_owned(),
        },
        Migration {
            version: 4,
            name: "a class's mastery score",
            sql: SCHEMA_V4.to_owned(),
        },
        Migration {
            version: 5,
            name: "typed replies and their flags",
            sql: SCHEMA_V5.to_owned(),
        },
        Migration {
            version: 6,
            name: "classes whose trainees must type their replies",
            sql: SCHEMA_V6.to_owned(),
        },
    ]
}

impl Sqlite {
    /// Opens (or creates) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Sqlite, StoreError> {
        let conn =
            Connection::open(path).map_err(|e| StoreError::Database(format!("{}: {e}", path.display())))?;
        Sqlite::with(conn)
    }

    /// A private in-memory database, for tests.
    pub fn in_memory() -> Result<Sqlite, StoreError> {
        Sqlite::with(Connection::open_in_memory().map_err(db)?)
    }

    fn with(conn: Connection) -> Result<Sqlite, StoreError> {
        // WAL lets readers go on while an attempt is written; synchronous=FULL
        // makes every acknowledged attempt survive a power cut, not only a
        // killed process.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
        )
        .map_err(db)?;
        let sqlite = Sqlite {
            conn: Mutex::new(conn),
        };
        migrate(&sqlite, &migrations(), None)?;
        Ok(sqlite)
    }
}

struct SqliteTx<'a>(&'a rusqlite::Transaction<'a>);

fn bind(params: &[Value]) -> impl Iterator<Item = rusqlite::types::Value> + '_ {
    params.iter().map(|v| match v {
        Value::Int(i) => rusqlite::types::Value::Integer(*i),
        Value::Text(t) => rusqlite::types::Value::Text(t.clone()),
        Value::Bool(b) => rusqlite::types::Value::Integer(i64::from(*b)),
        Value::Null => rusqlite::types::Value::Null,
    })
}

impl Tx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError> {
        // `$1, $2, ...` appear in order in every statement, so SQLite numbers
        // them as positions 1, 2, ... and the same SQL runs on PostgreSQL.
        let mut stmt = self.0.prepare_cached(sql).map_err(db)?;
        stmt.execute(params_from_iter(bind(params)))
            .map(|n| n as u64)
            .map_err(db)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError> {
        let mut stmt = self.0.prepare_cached(sql).map_err(db)?;
        let columns = stmt.column_count();
        let mut rows = stmt.query(params_from_iter(bind(params))).map_err(db)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(db)? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(match row.get_ref(i).map_err(db)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    ValueRef::Real(v) => Value::Int(v.round() as i64),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Value::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(Row(values));
        }
        Ok(out)
    }
}

impl Backend for Sqlite {
    fn transaction<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
        // A panic inside an earlier transaction rolled it back as it
        // unwound (the transaction's drop); the connection is fine, so a
        // poisoned lock is taken as it is rather than failing every later
        // request until the hub restarts.
        let mut conn = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        let result = f(&mut SqliteTx(&tx))?;
        tx.commit().map_err(db)?;
        Ok(result)
    }

    fn kind(&self) -> &'static str {
        "sqlite"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_transaction_rolls_it_back_and_the_hub_goes_on() {
        let db = Sqlite::in_memory().expect("opens");
        let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _: Result<(), StoreError> = db.transaction(|tx| {
                tx.execute(
                    "INSERT INTO classes (join_code, name, mode, secret_hash, created_at) VALUES ($1, 'Monday', 'practice', 'h', 'now')",
                    &["K7MQ2P".into()],
                )?;
                panic!("a bug halfway through a request");
            });
        }));
        assert!(crashed.is_err());
        assert!(db.conn.is_poisoned());
        let count = db
            .transaction(|tx| tx.query_one("SELECT COUNT(*) FROM classes", &[]))
            .expect("the next request still reaches the database")
            .expect("a row")
            .int(0)
            .expect("a number");
        assert_eq!(count, 0, "the half-done transaction was rolled back");
    }

    #[test]
    fn a_name_that_joined_before_names_had_keys_still_collides_ignoring_case() {
        use crate::store::{Storage, Store};
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("hub.sqlite3");
        {
            let old = Sqlite {
                conn: Mutex::new(Connection::open(&path).expect("opens")),
            };
            migrate(&old, &migrations()[..1], None).expect("the first schema");
            old.transaction(|tx| {
                tx.execute(
                    "INSERT INTO classes (id, join_code, name, mode, secret_hash, created_at) VALUES (1, 'K7MQ2P', 'Monday', 'practice', 'h', 'now')",
                    &[],
                )?;
                tx.execute(
                    "INSERT INTO trainees (class_id, name, token_hash, joined_at) VALUES (1, 'Alice', 'x', 'now')",
                    &[],
                )
            })
            .expect("Alice joined under the first schema");
        }
        let store = Store {
            backend: Sqlite::open(&path).expect("opens and migrates"),
        };
        assert!(matches!(
            store.add_trainee(1, "ALICE", "y"),
            Err(StoreError::Conflict(_))
        ));
        store.add_trainee(1, "Bob", "z").expect("Bob joins");
        assert!(matches!(
            store.add_trainee(1, "BOB", "w"),
            Err(StoreError::Conflict(_))
        ));
    }
}
