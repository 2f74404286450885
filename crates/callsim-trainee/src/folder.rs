//! The scenario library the picker shows: every `*.ron` file in a folder,
//! each playable or broken (with its located errors), reloaded when a
//! trainer edits, adds or deletes a file while the game runs.
//!
//! A broken edit never takes a scenario away: the last version that loaded
//! stays playable and the error is attached beside it, so the picker can
//! show both the card and a warning with file:line:column. A [`Watcher`]
//! wakes the game when the folder changes, so nothing polls.

use std::collections::BTreeMap;
use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use callsim_core::scenario::{is_scenario_file, scenario_files};
use notify_debouncer_mini::notify::{self, RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};

use callsim_core::diagnostic::Diagnostic;
use callsim_core::engine::Model;
use callsim_core::scenario::{LoadError, Loaded, load_file, parse_str};

/// Overrides where the game looks for scenarios.
pub const SCENARIO_DIR_VAR: &str = "CALLSIM_SCENARIOS";

/// How long the [`Watcher`] waits for a burst of file events to settle
/// before waking the game: an editor's save is several events.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// The scenario library could not be read or watched.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    #[error("cannot read the scenario folder {dir}: {source}")]
    Folder { dir: PathBuf, source: io::Error },
    #[error("cannot watch the scenario folder {dir} for changes: {source}")]
    Watch { dir: PathBuf, source: notify::Error },
}

/// A version of a scenario that loaded and can be played.
#[derive(Debug, Clone)]
pub struct Playable {
    pub model: Arc<Model>,
    /// Warnings about this version (file:line:column).
    pub warnings: Vec<Diagnostic>,
}

/// One scenario file: at least one of `playable` and `error` is set.
#[derive(Debug, Clone)]
pub struct Entry {
    pub file: PathBuf,
    /// The last version of the file that loaded: what the picker offers,
    /// even while the file on disk is broken.
    pub playable: Option<Playable>,
    /// Why the file as it is on disk now does not load.
    pub error: Option<LoadError>,
    /// A hash of the content last read; `None` when it could not be read,
    /// so the next reload tries again.
    content: Option<u64>,
}

impl Entry {
    pub fn is_playable(&self) -> bool {
        self.playable.is_some()
    }

    /// The scenario to play, if any version loaded.
    pub fn model(&self) -> Option<&Arc<Model>> {
        self.playable.as_ref().map(|p| &p.model)
    }

    /// The playable scenario's id.
    pub fn scenario_id(&self) -> Option<&str> {
        self.model().map(|m| m.scenario.id.as_str())
    }

    /// The file's name, for a card when nothing else is known.
    pub fn file_name(&self) -> String {
        self.file.file_name().map_or_else(
            || self.file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }
}

/// What a reload found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A new scenario file (playable or broken: see its entry).
    Added(PathBuf),
    /// The file changed and loads: its new version replaced the old.
    Updated(PathBuf),
    /// The file changed and does not load; the last good version, if any,
    /// is still playable.
    Broken(PathBuf),
    /// The file is gone, and its scenario with it.
    Removed(PathBuf),
}

impl Change {
    pub fn file(&self) -> &Path {
        match self {
            Change::Added(f) | Change::Updated(f) | Change::Broken(f) | Change::Removed(f) => f,
        }
    }
}

/// The scenarios in one folder, sorted by file name.
#[derive(Debug, Clone)]
pub struct ScenarioFolder {
    dir: PathBuf,
    entries: Vec<Entry>,
    folder_error: Option<String>,
}

impl ScenarioFolder {
    /// Loads every `*.ron` file in `dir` (not its subfolders; files whose
    /// name starts with `.` are editors' and are skipped).
    pub fn open(dir: impl AsRef<Path>) -> Result<ScenarioFolder, FolderError> {
        let dir = dir.as_ref().to_owned();
        scenario_files(&dir).map_err(|source| FolderError::Folder {
            dir: dir.clone(),
            source,
        })?;
        let mut library = ScenarioFolder {
            dir,
            entries: Vec::new(),
            folder_error: None,
        };
        library.reload();
        Ok(library)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Every scenario file, playable or not, by file name.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry for `file` (a path in the library's folder).
    pub fn entry(&self, file: &Path) -> Option<&Entry> {
        self.entries.iter().find(|e| e.file == file)
    }

    /// The playable entries.
    pub fn playable(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.is_playable())
    }

    /// The first playable entry (by file name) whose scenario has this id.
    pub fn find(&self, scenario_id: &str) -> Option<&Entry> {
        self.playable().find(|e| e.scenario_id() == Some(scenario_id))
    }

    /// The playable scenario with this id.
    pub fn model(&self, scenario_id: &str) -> Option<Arc<Model>> {
        self.find(scenario_id).and_then(|e| e.model().cloned())
    }

    /// Scenario ids used by more than one file, with those files: usually a
    /// file copied to make a variant without changing its `id`. Progress is
    /// kept by id, so the two would share one history.
    pub fn duplicate_ids(&self) -> Vec<(String, Vec<PathBuf>)> {
        let mut by_id: BTreeMap<&str, Vec<PathBuf>> = BTreeMap::new();
        for e in self.playable() {
            if let Some(id) = e.scenario_id() {
                by_id.entry(id).or_default().push(e.file.clone());
            }
        }
        by_id
            .into_iter()
            .filter(|(_, files)| files.len() > 1)
            .map(|(id, files)| (id.to_owned(), files))
            .collect()
    }

    /// Why the folder could not be listed at the last reload (it was
    /// deleted or renamed); the scenarios loaded before stay.
    pub fn folder_error(&self) -> Option<&str> {
        self.folder_error.as_deref()
    }

    /// Reads the folder again: loads files that are new or whose content
    /// changed, drops files that are gone. Unchanged files are not parsed
    /// again. Call it when the [`Watcher`] fires.
    pub fn reload(&mut self) -> Vec<Change> {
        let files = match scenario_files(&self.dir) {
            Ok(files) => {
                self.folder_error = None;
                files
            }
            Err(e) => {
                self.folder_error = Some(format!(
                    "cannot read the scenario folder {}: {e}",
                    self.dir.display()
                ));
                return Vec::new();
            }
        };
        let mut changes = Vec::new();
        let mut seen = Vec::with_capacity(files.len());
        for file in files {
            let bytes = match fs::read(&file) {
                Ok(bytes) => Some(bytes),
                // Deleted since the folder was listed (an editor's rename
                // dance): as if it had not been listed.
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(_) => None,
            };
            seen.push(file.clone());
            let content = bytes.as_deref().map(hash);
            let existing = self.entries.iter_mut().find(|e| e.file == file);
            if let Some(entry) = &existing
                && content.is_some()
                && entry.content == content
            {
                continue;
            }
            let loaded = load(&file, bytes);
            match existing {
                Some(entry) => {
                    entry.content = content;
                    match loaded {
                        Ok(playable) => {
                            entry.playable = Some(playable);
                            entry.error = None;
                            changes.push(Change::Updated(file));
                        }
                        Err(error) => {
                            entry.error = Some(error);
                            changes.push(Change::Broken(file));
                        }
                    }
                }
                None => {
                    let (playable, error) = match loaded {
                        Ok(p) => (Some(p), None),
                        Err(e) => (None, Some(e)),
                    };
                    self.entries.push(Entry {
                        file: file.clone(),
                        playable,
                        error,
                        content,
                    });
                    changes.push(Change::Added(file));
                }
            }
        }
        self.entries.retain(|e| {
            let keep = seen.contains(&e.file);
            if !keep {
                changes.push(Change::Removed(e.file.clone()));
            }
            keep
        });
        self.entries.sort_by(|a, b| a.file.cmp(&b.file));
        changes
    }

    /// Starts watching the library's folder; see [`Watcher::new`].
    pub fn watch(&self, on_change: impl Fn() + Send + 'static) -> Result<Watcher, FolderError> {
        Watcher::new(&self.dir, on_change)
    }
}

/// Calls a function when a scenario file in a folder is created, changed,
/// renamed or deleted, at most once per [`DEBOUNCE`] burst. Watching stops
/// when the `Watcher` is dropped.
pub struct Watcher {
    dir: PathBuf,
    _debouncer: Debouncer<RecommendedWatcher>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").field("dir", &self.dir).finish()
    }
}

impl Watcher {
    /// Watches `dir` (not its subfolders) and calls `on_change` from a
    /// background thread after scenario files changed. The call is only a
    /// wake-up: the game then calls [`ScenarioFolder::reload`] on its own thread.
    /// A watching error also calls it, so the game re-reads the folder
    /// rather than miss a change.
    pub fn new(dir: impl AsRef<Path>, on_change: impl Fn() + Send + 'static) -> Result<Watcher, FolderError> {
        let dir = dir.as_ref().to_owned();
        let watch_error = |source| FolderError::Watch {
            dir: dir.clone(),
            source,
        };
        // The system reports a file being opened or read as an event too
        // (inotify's IN_OPEN, which notify watches): another program, a
        // second game or `callsim check` reading the folder would wake an
        // idle game again and again. Only a real change calls `on_change`:
        // the files' sizes, times and identities differ from last time.
        let mut seen = stamps(&dir);
        let root = dir.clone();
        let mut debouncer = new_debouncer(DEBOUNCE, move |events: DebounceEventResult| {
            let (relevant, failed) = match events {
                Ok(events) => (events.iter().any(|e| is_scenario_file(&e.path)), false),
                Err(_) => (true, true),
            };
            if !relevant {
                return;
            }
            let now = stamps(&root);
            if now != seen || failed {
                seen = now;
                on_change();
            }
        })
        .map_err(watch_error)?;
        debouncer
            .watcher()
            .watch(&dir, RecursiveMode::Recursive)
            .map_err(watch_error)?;
        Ok(Watcher {
            dir,
            _debouncer: debouncer,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// What tells one version of a file from another without opening it: its
/// size, modification time and (on Unix) inode, which a save by rename
/// changes.
type Stamp = (u64, Option<std::time::SystemTime>, u64);

/// The stamp of every scenario file under `dir` (read from the folder's
/// metadata only, so reading it makes no event of its own).
fn stamps(dir: &Path) -> BTreeMap<PathBuf, Stamp> {
    scenario_files(dir)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|file| {
            let meta = fs::metadata(&file).ok()?;
            #[cfg(unix)]
            let inode = std::os::unix::fs::MetadataExt::ino(&meta);
            #[cfg(not(unix))]
            let inode = 0;
            Some((file, (meta.len(), meta.modified().ok(), inode)))
        })
        .collect()
}

/// Where the game finds its scenarios, the first that applies:
///
/// 1. `$CALLSIM_SCENARIOS`, when set;
/// 2. `./scenarios`, when it exists (the game run from the repository);
/// 3. `scenarios` beside the executable, when it exists (an unpacked
///    release);
/// 4. `scenarios` in the data folder ([`crate::progress::data_folder`]),
///    which may not exist yet: the caller creates it if it wants to.
pub fn default_scenario_dir() -> PathBuf {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_owned));
    choose_scenario_dir(
        std::env::var_os(SCENARIO_DIR_VAR)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
        std::env::current_dir().ok(),
        exe_dir,
        crate::progress::data_folder(),
    )
}

fn choose_scenario_dir(
    from_env: Option<PathBuf>,
    current_dir: Option<PathBuf>,
    exe_dir: Option<PathBuf>,
    data_folder: Option<PathBuf>,
) -> PathBuf {
    if let Some(dir) = from_env {
        return dir;
    }
    [current_dir, exe_dir]
        .into_iter()
        .flatten()
        .map(|d| d.join("scenarios"))
        .find(|d| d.is_dir())
        .or_else(|| data_folder.map(|d| d.join("scenarios")))
        .unwrap_or_else(|| PathBuf::from("scenarios"))
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Parses `bytes` as read from `file`, or reads it again when they were not
/// text (so the error is the loader's own, with its hint).
fn load(file: &Path, bytes: Option<Vec<u8>>) -> Result<Playable, LoadError> {
    let loaded = match bytes.map(String::from_utf8) {
        Some(Ok(source)) => parse_str(&source, file, file.parent()),
        _ => load_file(file),
    }?;
    let Loaded {
        scenario,
        warnings,
        file,
        source,
    } = loaded;
    match Model::new(scenario) {
        Ok(model) => Ok(Playable {
            model: Arc::new(model),
            warnings,
        }),
        // Validation rejects everything the engine cannot compile, so this
        // is a bug in callsim; still a card, never a crash.
        Err(e) => Err(LoadError {
            diagnostics: vec![Diagnostic::whole_file(
                "internal",
                &file.display().to_string(),
                e.to_string(),
                "this is a bug in callsim: please report it with the file".to_owned(),
            )],
            file,
            source,
        }),
    }
}

/// A small scenario written as a trainer would, for the tests of the
/// library and of the progress store: they must not depend on the shipped
/// scenarios, which trainers keep editing.
#[cfg(test)]
pub(crate) mod fixture {
    use std::path::Path;
    use std::sync::Arc;

    use callsim_core::engine::Model;

    const PARCEL: &str = r#"Scenario(
    id: "@ID@",
    title: "@TITLE@",
    summary: "A one-reply call for callsim's own tests.",
    difficulty: Easy,
    source: "none",
    persona: (
        name: "Ms. Test",
        description: "A calm caller whose parcel is late.",
        meters: [
            (id: "anger", label: "Anger", min: 0, max: 100, start: (30, 50)),
            (id: "trust", label: "Trust", min: 0, max: 100, start: 50),
        ],
    ),
    start: "opening",
    nodes: [
        (
            id: "opening",
            says: [(text: "Hello, my parcel is late.")],
            replies: [
                (
                    id: "check",
                    text: "I'm sorry it's late. Let me look it up for you now.",
                    kind: "check",
                    points: (understanding: 2, assistance: 2),
                    next: "sorted",
                    note: "Acknowledge, then act.",
                ),
                (
                    id: "listen",
                    text: "That's annoying when you're waiting in. When was it due?",
                    kind: "question",
                    points: (understanding: 2, emotion: -1),
                    next: "heard",
                    note: "A good question, in a flat voice.",
                ),
                (
                    id: "act",
                    text: "I'll send a new one today.",
                    kind: "resend",
                    points: (understanding: -1, assistance: 2),
                    next: "heard",
                    note: "Help, before knowing what happened.",
                ),
                (
                    id: "brush_off",
                    text: "Parcels are often late.",
                    kind: "policy",
                    points: (understanding: -2, emotion: -1),
                    next: "annoyed",
                    note: "A rule is not an answer.",
                ),
            ],
        ),
    ],
    endings: [
        (id: "sorted", kind: Delighted, title: "Sorted", debrief: "You found the parcel."),
        (id: "heard", kind: Resolved, title: "Half sorted", debrief: "She got part of what she needed."),
        (id: "annoyed", kind: Complaint, title: "A complaint", debrief: "She felt brushed off."),
    ],
)
"#;

    /// The one-reply scenario with this id and title. Its replies: `check`
    /// (the best), `listen` (best respect, weaker sincerity), `act` (best
    /// sincerity, weaker respect), `brush_off` (a complaint).
    pub(crate) fn parcel(id: &str, title: &str) -> String {
        PARCEL.replace("@ID@", id).replace("@TITLE@", title)
    }

    pub(crate) fn parcel_model() -> Arc<Model> {
        let loaded = callsim_core::scenario::parse_str(
            &parcel("parcel", "A late parcel"),
            Path::new("parcel.ron"),
            None,
        )
        .unwrap_or_else(|e| panic!("the fixture loads:\n{}", e.render()));
        Arc::new(Model::new(loaded.scenario).expect("the fixture compiles"))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Instant;

    use super::*;

    fn variant(id: &str, title: &str) -> String {
        fixture::parcel(id, title)
    }

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().expect("a temporary folder")
    }

    /// 1-based line and column (in characters) of the first `needle`.
    fn line_column_of(text: &str, needle: &str) -> (usize, usize) {
        let at = text.find(needle).expect("the needle is in the text");
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }

    fn title(entry: &Entry) -> String {
        entry
            .model()
            .map(|m| m.scenario.text(&m.scenario.title, "en").to_owned())
            .unwrap_or_default()
    }

    /// What a reload found, as `"file.ron updated"`.
    fn reload(library: &mut ScenarioFolder) -> Vec<String> {
        library
            .reload()
            .iter()
            .map(|c| {
                let name = c
                    .file()
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let what = match c {
                    Change::Added(_) => "added",
                    Change::Updated(_) => "updated",
                    Change::Broken(_) => "broken",
                    Change::Removed(_) => "removed",
                };
                format!("{name} {what}")
            })
            .collect::<Vec<_>>()
    }

    #[test]
    fn the_shipped_scenarios_all_load_playable() {
        let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("scenarios");
        let library = ScenarioFolder::open(&dir).expect("scenarios/ opens");
        assert!(!library.entries().is_empty());
        for entry in library.entries() {
            assert!(
                entry.error.is_none(),
                "{}",
                entry.error.as_ref().map(LoadError::render).unwrap_or_default()
            );
            assert!(entry.is_playable());
        }
    }

    #[test]
    fn open_lists_playable_and_broken_files_and_skips_others() {
        let dir = temp();
        fs::write(dir.path().join("b.ron"), variant("b", "Bee")).expect("written");
        fs::write(dir.path().join("a.ron"), "Scenario(id: \"a\",").expect("written");
        fs::write(dir.path().join("notes.txt"), "not a scenario").expect("written");
        fs::write(dir.path().join(".#b.ron"), "an editor's lock file").expect("written");
        let library = ScenarioFolder::open(dir.path()).expect("opens");
        let names: Vec<String> = library.entries().iter().map(Entry::file_name).collect();
        assert_eq!(names, ["a.ron", "b.ron"]);
        let broken = &library.entries()[0];
        assert!(!broken.is_playable());
        let error = broken.error.as_ref().expect("a.ron is broken");
        assert!(error.headline().contains("a.ron:1:"), "{}", error.headline());
        assert_eq!(
            library.model("b").map(|m| m.scenario.id.clone()).as_deref(),
            Some("b")
        );
        assert!(library.model("a").is_none());
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let dir = temp();
        let err = ScenarioFolder::open(dir.path().join("nowhere")).expect_err("no folder");
        assert!(
            err.to_string().starts_with("cannot read the scenario folder"),
            "{err}"
        );
        assert!(err.to_string().contains("nowhere"), "{err}");
    }

    #[test]
    fn a_broken_edit_keeps_the_last_good_version_and_reports_line_and_column() {
        let dir = temp();
        let file = dir.path().join("call.ron");
        fs::write(&file, variant("call", "First version")).expect("written");
        let mut library = ScenarioFolder::open(dir.path()).expect("opens");
        let before = library.model("call").expect("playable");

        let broken = variant("call", "Second version").replacen("difficulty: Easy", "difficulty: Esay", 1);
        fs::write(&file, &broken).expect("written");
        assert_eq!(reload(&mut library), ["call.ron broken"]);

        let entry = library.entry(&file).expect("still listed");
        assert_eq!(
            title(entry),
            "First version",
            "the last good version stays playable"
        );
        assert!(Arc::ptr_eq(entry.model().expect("playable"), &before));
        let error = entry.error.as_ref().expect("the error is attached");
        let (line, column) = line_column_of(&broken, "Esay");
        let headline = error.headline();
        assert!(
            headline.starts_with(&format!(
                "{}:{line}:{column}: error: unknown difficulty `Esay`",
                file.display()
            )),
            "{headline}"
        );
        assert!(
            error.render().contains("did you mean `Easy`?"),
            "{}",
            error.render()
        );

        // Nothing changed on disk: nothing is reported, nothing is parsed.
        assert!(library.reload().is_empty());

        fs::write(&file, variant("call", "Fixed version")).expect("written");
        assert_eq!(reload(&mut library), ["call.ron updated"]);
        let entry = library.entry(&file).expect("listed");
        assert!(entry.error.is_none(), "the fix clears the error");
        assert_eq!(title(entry), "Fixed version");
    }

    #[test]
    fn a_file_broken_from_the_start_becomes_playable_when_fixed() {
        let dir = temp();
        let file = dir.path().join("new.ron");
        let broken = variant("new", "New").replacen("start: \"", "strat: \"", 1);
        fs::write(&file, &broken).expect("written");
        let mut library = ScenarioFolder::open(dir.path()).expect("opens");
        let entry = library.entry(&file).expect("listed");
        assert!(!entry.is_playable());
        let headline = entry.error.as_ref().expect("broken").headline();
        let (line, column) = line_column_of(&broken, "strat");
        assert!(
            headline.contains(&format!("new.ron:{line}:{column}")),
            "{headline}"
        );

        fs::write(&file, variant("new", "New")).expect("written");
        assert_eq!(reload(&mut library), ["new.ron updated"]);
        assert!(library.model("new").is_some());
    }

    #[test]
    fn new_files_appear_and_deleted_files_disappear() {
        let dir = temp();
        fs::write(dir.path().join("a.ron"), variant("a", "A")).expect("written");
        let mut library = ScenarioFolder::open(dir.path()).expect("opens");
        fs::write(dir.path().join("b.ron"), variant("b", "B")).expect("written");
        assert_eq!(reload(&mut library), ["b.ron added"]);
        assert!(library.model("b").is_some());

        fs::remove_file(dir.path().join("a.ron")).expect("deleted");
        assert_eq!(reload(&mut library), ["a.ron removed"]);
        assert!(library.model("a").is_none());
        let names: Vec<String> = library.entries().iter().map(Entry::file_name).collect();
        assert_eq!(names, ["b.ron"]);
    }

    #[test]
    fn a_save_in_two_steps_is_broken_between_them_and_good_after() {
        let dir = temp();
        let file = dir.path().join("call.ron");
        fs::write(&file, variant("call", "Old")).expect("written");
        let mut library = ScenarioFolder::open(dir.path()).expect("opens");

        // An editor that truncates, then writes: the reload may land between.
        let new = variant("call", "New");
        let (first, rest) = new.split_at(new.len() / 2);
        fs::write(&file, first).expect("first half written");
        assert_eq!(reload(&mut library), ["call.ron broken"]);
        assert_eq!(title(library.entry(&file).expect("listed")), "Old");

        let mut handle = fs::OpenOptions::new().append(true).open(&file).expect("opens");
        io::Write::write_all(&mut handle, rest.as_bytes()).expect("second half written");
        drop(handle);
        assert_eq!(reload(&mut library), ["call.ron updated"]);
        let entry = library.entry(&file).expect("listed");
        assert_eq!(title(entry), "New");
        assert!(entry.error.is_none());

        // Truncated to nothing (the first step of many saves).
        fs::write(&file, "").expect("truncated");
        assert_eq!(reload(&mut library), ["call.ron broken"]);
        assert_eq!(title(library.entry(&file).expect("listed")), "New");
    }

    #[test]
    fn a_save_by_rename_over_the_file_is_an_update() {
        let dir = temp();
        let file = dir.path().join("call.ron");
        fs::write(&file, variant("call", "Old")).expect("written");
        let mut library = ScenarioFolder::open(dir.path()).expect("opens");
        let temp_file = dir.path().join("call.ron.swp");
        fs::write(&temp_file, variant("call", "Renamed in")).expect("written");
        assert!(
            library.reload().is_empty(),
            "an editor's temporary file is not a scenario"
        );
        fs::rename(&temp_file, &file).expect("renamed over");
        assert_eq!(reload(&mut library), ["call.ron updated"]);
        assert_eq!(title(library.entry(&file).expect("listed")), "Renamed in");
    }

    #[test]
    fn a_file_deleted_and_recreated_is_removed_then_added() {
        let dir = temp();
        let file = dir.path().join("call.ron");
        fs::write(&file, variant("call", "Old")).expect("written");
        let mut library = ScenarioFolder::open(dir.path()).expect("opens");
        fs::remove_file(&file).expect("deleted");
        assert_eq!(reload(&mut library), ["call.ron removed"]);
        fs::write(&file, variant("call", "Again")).expect("recreated");
        assert_eq!(reload(&mut library), ["call.ron added"]);
        assert_eq!(title(library.entry(&file).expect("listed")), "Again");

        // Deleted and recreated with new content between two reloads: an update.
        fs::remove_file(&file).expect("deleted");
        fs::write(&file, variant("call", "Third")).expect("recreated");
        assert_eq!(reload(&mut library), ["call.ron updated"]);
        assert_eq!(title(library.entry(&file).expect("listed")), "Third");
    }

    #[test]
    fn a_copied_file_with_the_same_id_is_reported() {
        let dir = temp();
        fs::write(dir.path().join("a.ron"), variant("same", "A")).expect("written");
        fs::write(dir.path().join("b.ron"), variant("same", "B")).expect("written");
        fs::write(dir.path().join("c.ron"), variant("other", "C")).expect("written");
        let library = ScenarioFolder::open(dir.path()).expect("opens");
        assert_eq!(
            library.duplicate_ids(),
            [(
                "same".to_owned(),
                vec![dir.path().join("a.ron"), dir.path().join("b.ron")]
            )]
        );
        assert_eq!(
            title(library.find("same").expect("found")),
            "A",
            "the first file wins"
        );
    }

    /// Waits for the watcher's wake-up, at most `limit`.
    fn woken(rx: &mpsc::Receiver<()>, limit: Duration) -> bool {
        rx.recv_timeout(limit).is_ok()
    }

    /// Drains wake-ups until the folder has been quiet for a debounce or two.
    fn settle(rx: &mpsc::Receiver<()>) {
        while rx.recv_timeout(DEBOUNCE * 3).is_ok() {}
    }

    #[test]
    fn the_watcher_wakes_the_game_when_a_scenario_changes() {
        let dir = temp();
        let file = dir.path().join("call.ron");
        fs::write(&file, variant("call", "Old")).expect("written");
        let mut library = ScenarioFolder::open(dir.path()).expect("opens");
        let (tx, rx) = mpsc::channel();
        let watcher = library
            .watch(move || {
                // The receiver is gone only when the test is over.
                let _ = tx.send(());
            })
            .expect("watches");
        assert_eq!(watcher.dir(), dir.path());
        let limit = Duration::from_secs(10);

        let started = Instant::now();
        fs::write(&file, variant("call", "New")).expect("written");
        assert!(woken(&rx, limit), "no wake-up after an edit");
        assert!(
            started.elapsed() >= DEBOUNCE,
            "the wake-up waits for the burst to settle"
        );
        assert_eq!(reload(&mut library), ["call.ron updated"]);
        settle(&rx);

        fs::write(dir.path().join("notes.txt"), "not a scenario").expect("written");
        fs::write(dir.path().join("second.ron"), variant("second", "Second")).expect("written");
        assert!(woken(&rx, limit), "no wake-up after a new file");
        assert_eq!(reload(&mut library), ["second.ron added"]);
        settle(&rx);

        let temp_file = dir.path().join("call.ron.tmp");
        fs::write(&temp_file, variant("call", "Renamed")).expect("written");
        fs::rename(&temp_file, &file).expect("renamed over");
        assert!(woken(&rx, limit), "no wake-up after a rename over");
        assert_eq!(reload(&mut library), ["call.ron updated"]);
        settle(&rx);

        fs::remove_file(dir.path().join("second.ron")).expect("deleted");
        assert!(woken(&rx, limit), "no wake-up after a delete");
        assert_eq!(reload(&mut library), ["second.ron removed"]);
        settle(&rx);

        fs::write(dir.path().join("notes.txt"), "still not a scenario").expect("written");
        assert!(
            !woken(&rx, DEBOUNCE * 5),
            "a file that is not a scenario does not wake the game"
        );

        // Issue 13: reading the files (another game starting, `callsim
        // check`, a backup) is an event to the system, not a change: it
        // woke an idle game 2-3 times a second while a test suite read them.
        for _ in 0..5 {
            fs::read_to_string(&file).expect("read");
            std::thread::sleep(DEBOUNCE / 2);
        }
        assert!(
            !woken(&rx, DEBOUNCE * 5),
            "reading a scenario does not wake the game"
        );

        drop(watcher);
        fs::write(&file, variant("call", "Unwatched")).expect("written");
        assert!(!woken(&rx, DEBOUNCE * 5), "a dropped watcher stays quiet");
    }

    #[test]
    fn the_watcher_can_live_in_a_bevy_resource() {
        fn send_sync<T: Send + Sync + 'static>() {}
        send_sync::<Watcher>();
        send_sync::<ScenarioFolder>();
    }

    #[test]
    fn the_scenario_folder_is_found_in_the_documented_order() {
        let root = temp();
        let repo = root.path().join("repo");
        let exe = root.path().join("bin");
        let data = root.path().join("data");
        for d in [&repo, &exe, &data] {
            fs::create_dir_all(d).expect("created");
        }
        let pick = |env: Option<&Path>| {
            choose_scenario_dir(
                env.map(Path::to_owned),
                Some(repo.clone()),
                Some(exe.clone()),
                Some(data.clone()),
            )
        };
        assert_eq!(
            pick(None),
            data.join("scenarios"),
            "nothing found: the data folder"
        );
        fs::create_dir(exe.join("scenarios")).expect("created");
        assert_eq!(pick(None), exe.join("scenarios"), "beside the executable");
        fs::create_dir(repo.join("scenarios")).expect("created");
        assert_eq!(pick(None), repo.join("scenarios"), "the repository's first");
        let chosen = root.path().join("mine");
        assert_eq!(pick(Some(&chosen)), chosen, "the environment overrides all");
    }
}
