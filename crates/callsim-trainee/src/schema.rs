//! One way to keep a SQLite file's schema current, shared by the trainee's
//! two files (progress, the class outbox): numbered steps, the file's
//! version in `PRAGMA user_version`, each step committed with its version
//! bump. (The class hub has its own, over SQLite and PostgreSQL alike.)

use rusqlite::{Connection, TransactionBehavior};

/// Why a schema could not be brought up to date.
#[derive(Debug)]
pub enum SchemaError {
    /// The file was written by a newer callsim, with more steps than known.
    TooNew {
        found: i64,
        known: i64,
    },
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for SchemaError {
    fn from(e: rusqlite::Error) -> SchemaError {
        SchemaError::Sqlite(e)
    }
}

/// Applies `steps[found..target]`, where `found` is the file's version
/// (0 for a new file). The whole run is one immediate transaction: two
/// copies of the game opening a new or old file together take turns
/// instead of both creating tables (a deferred `BEGIN` would let both read
/// version 0 and the second fail), and a kill mid-way leaves the file at
/// the version it had.
pub fn migrate(conn: &mut Connection, steps: &[&str], target: usize) -> Result<(), SchemaError> {
    let known = i64::try_from(steps.len()).unwrap_or(i64::MAX);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > known {
        return Err(SchemaError::TooNew { found, known });
    }
    let from = usize::try_from(found).unwrap_or(0);
    for (version, step) in (1i64..).zip(steps).take(target).skip(from) {
        tx.execute_batch(step)?;
        tx.pragma_update(None, "user_version", version)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEPS: &[&str] = &["CREATE TABLE a (x INTEGER);", "ALTER TABLE a ADD COLUMN y TEXT;"];

    fn version(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("reads")
    }

    #[test]
    fn a_new_file_gets_every_step_and_an_old_one_the_rest() {
        let mut conn = Connection::open_in_memory().expect("opens");
        migrate(&mut conn, STEPS, 1).expect("step 1");
        assert_eq!(version(&conn), 1);
        migrate(&mut conn, STEPS, STEPS.len()).expect("step 2");
        assert_eq!(version(&conn), 2);
        conn.execute("INSERT INTO a (x, y) VALUES (1, 'y')", [])
            .expect("both columns exist");
        // Opening again changes nothing.
        migrate(&mut conn, STEPS, STEPS.len()).expect("again");
        assert_eq!(version(&conn), 2);
    }

    #[test]
    fn a_file_from_a_newer_callsim_is_refused_untouched() {
        let mut conn = Connection::open_in_memory().expect("opens");
        conn.execute_batch("PRAGMA user_version = 7;").expect("set");
        match migrate(&mut conn, STEPS, STEPS.len()) {
            Err(SchemaError::TooNew { found: 7, known: 2 }) => {}
            other => panic!("expected TooNew, got {other:?}"),
        }
        assert_eq!(version(&conn), 7);
    }

    #[test]
    fn a_failing_step_leaves_the_file_at_its_version() {
        let mut conn = Connection::open_in_memory().expect("opens");
        migrate(&mut conn, STEPS, 1).expect("step 1");
        let broken = [STEPS[0], "ALTER TABLE nowhere ADD COLUMN z;"];
        assert!(migrate(&mut conn, &broken, 2).is_err());
        assert_eq!(version(&conn), 1);
    }
}
