//! The scenario library in the game: a resource over the core's
//! [`ScenarioFolder`], reloaded when its folder's watcher fires (waking the event
//! loop, so an idle game notices an edit without polling) or when asked.
//! A call on the line keeps the version it started with; the next call
//! rings with whatever is on disk then.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bevy::prelude::*;
use bevy::winit::EventLoopProxyWrapper;

use callsim_core::engine::Model;
use callsim_trainee::folder::{Change, Entry, ScenarioFolder, Watcher};

use super::{GameSystems, Launch};

pub(super) fn plugin(app: &mut App) {
    let launch = app.world().get_resource::<Launch>().cloned().unwrap_or_default();
    app.insert_resource(Scenarios::open(&launch.scenarios));
    app.add_message::<ReloadScenarios>();
    app.add_systems(Startup, watch);
    app.add_systems(Update, reload.in_set(GameSystems::Reload));
}

/// How many of the last changes `Scenarios::changes` keeps.
const KEPT_CHANGES: usize = 8;

/// Read the scenario folder again now.
#[derive(Message, Debug, Clone, Copy, Default)]
pub struct ReloadScenarios;

/// The scenario files on offer: playable ones, broken ones with their
/// errors, and broken edits of playable ones (the last good version stays).
#[derive(Resource, Debug)]
pub struct Scenarios {
    dir: PathBuf,
    /// `None` while the folder cannot be read.
    library: Option<ScenarioFolder>,
    /// Why the folder itself cannot be read.
    pub problem: Option<String>,
    /// Set by the watcher's thread when files changed.
    changed: Arc<AtomicBool>,
    watcher: Option<Watcher>,
    /// What the last reloads found, newest last, for the picker's notice.
    pub changes: Vec<Change>,
}

impl Scenarios {
    pub fn open(dir: &Path) -> Scenarios {
        let (library, problem) = match ScenarioFolder::open(dir) {
            Ok(library) => (Some(library), None),
            Err(err) => (None, Some(err.to_string())),
        };
        Scenarios {
            dir: dir.to_owned(),
            library,
            problem,
            changed: Arc::new(AtomicBool::new(false)),
            watcher: None,
            changes: Vec::new(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads the folder again; returns what changed.
    pub fn reload(&mut self) -> Vec<Change> {
        let changes = match &mut self.library {
            Some(library) => {
                let changes = library.reload();
                self.problem = library.folder_error().map(str::to_owned);
                changes
            }
            None => match ScenarioFolder::open(&self.dir) {
                Ok(library) => {
                    let changes = library
                        .entries()
                        .iter()
                        .map(|e| Change::Added(e.file.clone()))
                        .collect();
                    self.library = Some(library);
                    self.problem = None;
                    changes
                }
                Err(err) => {
                    self.problem = Some(err.to_string());
                    Vec::new()
                }
            },
        };
        self.changes.extend(changes.iter().cloned());
        let keep = self.changes.len().saturating_sub(KEPT_CHANGES);
        self.changes.drain(..keep);
        changes
    }

    /// Whether the watcher saw a change since the last reload.
    pub fn files_changed(&self) -> bool {
        self.changed.load(Ordering::Acquire)
    }

    /// Every scenario file, playable or not, by file name.
    pub fn entries(&self) -> &[Entry] {
        self.library.as_ref().map_or(&[], ScenarioFolder::entries)
    }

    /// The playable scenario with this id, as it is now.
    pub fn model(&self, id: &str) -> Option<Arc<Model>> {
        self.library.as_ref().and_then(|l| l.model(id))
    }

    /// The entry whose playable scenario has this id.
    pub fn find(&self, id: &str) -> Option<&Entry> {
        self.library.as_ref().and_then(|l| l.find(id))
    }
}

/// Starts watching the folder. The watcher's thread marks the library as
/// changed and wakes the event loop (when there is one), so the frame that
/// follows reloads it.
fn watch(mut scenarios: ResMut<Scenarios>, proxy: Option<Res<EventLoopProxyWrapper>>) {
    let Some(library) = &scenarios.library else {
        return;
    };
    let changed = Arc::clone(&scenarios.changed);
    let proxy = proxy.map(|p| (**p).clone());
    match library.watch(move || {
        changed.store(true, Ordering::Release);
        if let Some(proxy) = &proxy {
            crate::redraw::wake(proxy, crate::redraw::Waker::Library);
        }
    }) {
        Ok(watcher) => scenarios.watcher = Some(watcher),
        Err(err) => warn!("{err}; edits to scenario files show after a restart"),
    }
}

fn reload(mut asked: MessageReader<ReloadScenarios>, mut scenarios: ResMut<Scenarios>) {
    let asked = asked.read().count() > 0;
    let changed = scenarios.changed.swap(false, Ordering::AcqRel);
    if asked || changed {
        let changes = scenarios.reload();
        for change in &changes {
            info!("scenario library: {change:?}");
        }
    }
}
