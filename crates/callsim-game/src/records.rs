//! The trainee's records as the screens need them: who is training, their
//! finished calls and best scores, and the settings. A resource over the
//! core's [`ProgressStore`] (SQLite in the data folder): this file only caches what
//! the screens draw every frame, so a frame never queries the database.

use std::collections::BTreeMap;
use std::path::PathBuf;

use bevy::prelude::*;

use callsim_core::call::CallRecord;
use callsim_core::debrief::Debrief;
use callsim_trainee::progress::{
    Attempt, AttemptId, ProgressError, ProgressStore, ReplyBy, ScenarioBest, Settings, Trainee, TraineeId,
};

use super::Launch;

pub(super) fn plugin(app: &mut App) {
    let launch = app.world().get_resource::<Launch>().cloned().unwrap_or_default();
    let mut records = Records::open(launch.data_dir.clone());
    if let Some(lang) = &launch.lang {
        // For this run only: the saved setting stays until the trainee
        // changes a setting.
        records.settings.language = lang.clone();
        records.settings = records.settings.clone().normalised();
    }
    app.insert_resource(records);
}

/// The text sizes the settings screen offers, as scales of the normal
/// size. Any scale in [`Settings::TEXT_SCALES`] is kept as saved; the
/// screen highlights the nearest preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextSize {
    Small,
    Normal,
    Large,
    Largest,
}

impl TextSize {
    pub const ALL: [TextSize; 4] = [
        TextSize::Small,
        TextSize::Normal,
        TextSize::Large,
        TextSize::Largest,
    ];

    pub fn scale(self) -> f32 {
        match self {
            TextSize::Small => 0.85,
            TextSize::Normal => 1.0,
            TextSize::Large => 1.2,
            TextSize::Largest => 1.45,
        }
    }

    /// The preset nearest a saved scale.
    pub fn nearest(scale: f32) -> TextSize {
        TextSize::ALL
            .into_iter()
            .min_by(|a, b| (a.scale() - scale).abs().total_cmp(&(b.scale() - scale).abs()))
            .unwrap_or(TextSize::Normal)
    }
}

/// Why a trainee could not be added, in terms the title screen translates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    TooLong,
    /// Anything else (the database): the store's own message.
    Other(String),
}

/// The trainee's records and the settings.
#[derive(Resource)]
pub struct Records {
    /// `None` when no store could be opened: the game still plays, and
    /// `problem` says that nothing is kept.
    store: Option<ProgressStore>,
    /// Keeps the stand-in folder alive when the data folder was unusable.
    _stand_in: Option<tempfile::TempDir>,
    pub settings: Settings,
    /// How to reply for a trainee who never chose: the settings file's.
    pc_reply_by: ReplyBy,
    /// Why progress or settings cannot be kept, to show the trainee.
    pub problem: Option<String>,
    /// Why the settings could not be saved last time, if they could not.
    pub settings_problem: Option<String>,
    /// Why the last name typed on the title screen was refused.
    pub name_problem: Option<NameProblem>,
    trainee: Option<Trainee>,
    last_trainee: Option<Trainee>,
    trainees: Vec<Trainee>,
    /// The signed-in trainee's attempts, oldest first.
    attempts: Vec<Attempt>,
    best: BTreeMap<String, ScenarioBest>,
    /// The class this PC has joined (`Membership::key`), kept by the class
    /// plugin: each call is saved as owed to it, so that a call the class
    /// outbox never got is still sent after a crash.
    class: Option<String>,
}

impl std::fmt::Debug for Records {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records")
            .field("folder", &self.store.as_ref().map(ProgressStore::folder))
            .field("settings", &self.settings)
            .field("trainee", &self.trainee)
            .field("attempts", &self.attempts.len())
            .finish_non_exhaustive()
    }
}

impl Records {
    /// Opens the store in `folder`, else in the platform's data folder
    /// (`CALLSIM_DATA_DIR` first). If that fails the game uses a temporary
    /// folder for this run and says so.
    pub fn open(folder: Option<PathBuf>) -> Records {
        let opened = match folder {
            Some(folder) => ProgressStore::open(folder),
            None => ProgressStore::open_default(),
        };
        let (store, stand_in, problem) = match opened {
            Ok(store) => (Some(store), None, None),
            Err(err) => {
                let problem = err.to_string();
                warn!("{problem}; progress is kept for this run only");
                match tempfile::tempdir().map_err(|e| e.to_string()).and_then(|dir| {
                    ProgressStore::open(dir.path())
                        .map(|s| (s, dir))
                        .map_err(|e| e.to_string())
                }) {
                    Ok((store, dir)) => (Some(store), Some(dir), Some(problem)),
                    Err(second) => (None, None, Some(format!("{problem}; {second}"))),
                }
            }
        };
        let settings = store.as_ref().map(ProgressStore::settings).unwrap_or_default();
        let mut records = Records {
            pc_reply_by: settings.reply_by,
            store,
            _stand_in: stand_in,
            settings,
            problem,
            settings_problem: None,
            name_problem: None,
            trainee: None,
            last_trainee: None,
            trainees: Vec::new(),
            attempts: Vec::new(),
            best: BTreeMap::new(),
            class: None,
        };
        records.refresh_trainees();
        records
    }

    /// Where progress is kept, if anywhere.
    pub fn folder(&self) -> Option<&std::path::Path> {
        self.store.as_ref().map(ProgressStore::folder)
    }

    /// The store itself, for the class outbox to find the calls it owes the hub.
    pub fn store(&self) -> Option<&ProgressStore> {
        self.store.as_ref()
    }

    /// The class calls are played for from now on (`None` out of a class).
    pub fn play_for_class(&mut self, class: Option<String>) {
        self.class = class;
    }

    fn note<T>(&mut self, result: Result<T, ProgressError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                warn!("{err}");
                self.problem = Some(err.to_string());
                None
            }
        }
    }

    fn refresh_trainees(&mut self) {
        let Some(store) = &self.store else {
            return;
        };
        let (trainees, last) = (store.trainees(), store.last_trainee());
        self.trainees = self.note(trainees).unwrap_or_default();
        self.last_trainee = self.note(last).flatten();
    }

    fn refresh_attempts(&mut self) {
        let (Some(store), Some(trainee)) = (&self.store, &self.trainee) else {
            self.attempts.clear();
            self.best.clear();
            return;
        };
        let (attempts, best) = (store.attempts(trainee.id), store.best_per_scenario(trainee.id));
        let mut attempts = self.note(attempts).unwrap_or_default();
        attempts.reverse();
        self.attempts = attempts;
        self.best = self.note(best).unwrap_or_default();
    }

    /// Who is training now.
    pub fn trainee(&self) -> Option<&Trainee> {
        self.trainee.as_ref()
    }

    /// The trainee who trained last on this computer, to continue as.
    pub fn last_trainee(&self) -> Option<&Trainee> {
        self.last_trainee.as_ref()
    }

    /// Every trainee, by name.
    pub fn trainees(&self) -> &[Trainee] {
        &self.trainees
    }

    pub fn sign_in(&mut self, id: TraineeId) {
        let Some(trainee) = self.trainees.iter().find(|t| t.id == id).cloned() else {
            return;
        };
        if let Some(store) = &self.store {
            let saved = store.set_last_trainee(id);
            self.note(saved);
        }
        // How this trainee chose to reply; the PC's setting until they do.
        let theirs = self.store.as_ref().map(|store| store.reply_by(id)).transpose();
        self.settings.reply_by = self.note(theirs).flatten().flatten().unwrap_or(self.pc_reply_by);
        self.last_trainee = Some(trainee.clone());
        self.trainee = Some(trainee);
        self.name_problem = None;
        self.refresh_attempts();
    }

    /// Adds a trainee by name and signs in as them. A name already taken
    /// (ignoring case) signs in as that trainee: a name is all a trainee
    /// has to remember.
    pub fn add_trainee(&mut self, name: &str) -> Result<TraineeId, NameProblem> {
        let Some(store) = &self.store else {
            return Err(NameProblem::Other(self.problem.clone().unwrap_or_default()));
        };
        let id = match store.create_trainee(name) {
            Ok(id) => id,
            Err(ProgressError::NameTaken(taken)) => match self.trainees.iter().find(|t| t.name == taken) {
                Some(existing) => existing.id,
                None => return Err(NameProblem::Other(format!("“{taken}”"))),
            },
            Err(ProgressError::EmptyName) => return Err(self.refuse(NameProblem::Empty)),
            Err(ProgressError::NameTooLong) => return Err(self.refuse(NameProblem::TooLong)),
            Err(err) => return Err(self.refuse(NameProblem::Other(err.to_string()))),
        };
        self.refresh_trainees();
        self.sign_in(id);
        Ok(id)
    }

    fn refuse(&mut self, problem: NameProblem) -> NameProblem {
        self.name_problem = Some(problem.clone());
        problem
    }

    /// Saves a finished call for the signed-in trainee, in one transaction,
    /// as owed to the class this PC is in, if any. With nobody signed in
    /// nothing is kept (the debrief says so).
    pub fn record(&mut self, debrief: &Debrief, record: &CallRecord) -> Result<AttemptId, String> {
        let (Some(store), Some(trainee)) = (&self.store, &self.trainee) else {
            return Err(self
                .problem
                .clone()
                .unwrap_or_else(|| "nobody is signed in".to_owned()));
        };
        let id = store
            .record_attempt_for(
                trainee.id,
                debrief,
                record,
                self.settings.mode,
                self.class.as_deref(),
            )
            .map_err(|e| e.to_string())?;
        self.refresh_attempts();
        Ok(id)
    }

    /// Keeps the trainee's "that is not what I meant" on typed turn `turn`
    /// of saved call `id` (or its withdrawal).
    pub fn flag_typed(&mut self, id: AttemptId, turn: usize, flagged: bool) -> Result<(), String> {
        let Some(store) = &self.store else {
            return Err(self.problem.clone().unwrap_or_default());
        };
        store
            .flag_typed(id, turn, flagged)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The signed-in trainee's calls, oldest first.
    pub fn attempts(&self) -> &[Attempt] {
        &self.attempts
    }

    /// The signed-in trainee's best respect and sincerity on `scenario`.
    pub fn best(&self, scenario: &str) -> Option<ScenarioBest> {
        self.best.get(scenario).copied()
    }

    /// Keeps `settings` for this run and saves them for the next. How to
    /// reply is the signed-in trainee's own (the PC's setting when nobody
    /// is signed in).
    pub fn save_settings(&mut self, settings: Settings) {
        let changed_reply_by = settings.reply_by != self.settings.reply_by;
        self.settings = settings.normalised();
        let mut file = self.settings.clone();
        let mut problem = None;
        match (&self.store, &self.trainee) {
            (Some(store), Some(trainee)) => {
                file.reply_by = self.pc_reply_by;
                if changed_reply_by {
                    problem = store
                        .set_reply_by(trainee.id, self.settings.reply_by)
                        .err()
                        .map(|e| e.to_string());
                }
            }
            _ => self.pc_reply_by = self.settings.reply_by,
        }
        self.settings_problem = match &self.store {
            Some(store) => problem.or_else(|| store.save_settings(&file).err().map(|e| e.to_string())),
            None => self.problem.clone(),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_size_snaps_to_the_nearest_preset() {
        assert_eq!(TextSize::nearest(1.0), TextSize::Normal);
        assert_eq!(TextSize::nearest(1.3), TextSize::Large);
        assert_eq!(TextSize::nearest(3.0), TextSize::Largest);
    }

    #[test]
    fn an_unusable_data_folder_still_gives_a_game_that_keeps_this_run() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("not-a-folder");
        std::fs::write(&file, "x").expect("write a file");
        let mut records = Records::open(Some(file));
        assert!(records.problem.is_some(), "the trainee is told");
        let id = records.add_trainee("Sam").expect("a trainee for this run");
        assert_eq!(records.trainee().map(|t| t.id), Some(id));
    }

    #[test]
    fn a_taken_name_signs_in_as_that_trainee() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut records = Records::open(Some(dir.path().to_owned()));
        let first = records.add_trainee("Sam").expect("added");
        let again = records.add_trainee("sam").expect("signed in");
        assert_eq!(first, again);
        assert_eq!(records.trainees().len(), 1);
        assert_eq!(records.add_trainee("  "), Err(NameProblem::Empty));
    }

    #[test]
    fn trainees_sharing_a_pc_each_keep_how_they_reply() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut records = Records::open(Some(dir.path().to_owned()));
        let ana = records.add_trainee("Ana").expect("added");
        let typing = Settings {
            reply_by: ReplyBy::Typing,
            ..records.settings.clone()
        };
        records.save_settings(typing);
        let ben = records.add_trainee("Ben").expect("added");
        assert_eq!(
            records.settings.reply_by,
            ReplyBy::Choosing,
            "Ben never chose: the PC's setting"
        );
        records.sign_in(ana);
        assert_eq!(records.settings.reply_by, ReplyBy::Typing, "Ana chose typing");

        // The next run, Ben last: still each their own.
        let mut records = Records::open(Some(dir.path().to_owned()));
        records.sign_in(ben);
        assert_eq!(records.settings.reply_by, ReplyBy::Choosing);
        records.sign_in(ana);
        assert_eq!(records.settings.reply_by, ReplyBy::Typing);
    }
}
