//! Typed replies in the game: the sentence model, loaded in the background
//! when the game starts (until it has, a call in typed mode shows the
//! options), each scenario's phrasebook, and the messages a typed reply
//! sends. What a text means is the core's to decide
//! (`callsim_core::understand::hear`); this only presents it.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};

use bevy::prelude::*;
use bevy::winit::EventLoopProxyWrapper;

use callsim_core::call::Typed;
use callsim_core::engine::Model;
use callsim_core::understand::{Heard, Phrasebook, hear};
use callsim_encoder::Encoder;

use crate::GameSystems;
use crate::records::Records;
use crate::session::{LiveCall, keep_if_over};

/// The trainee typed this and pressed Enter.
#[derive(Message, Debug, Clone)]
pub struct SayTyped(pub String);

/// The game was unsure: the trainee meant the closest reply (1) or the
/// second closest (2).
#[derive(Message, Debug, Clone, Copy)]
pub struct PickMeant(pub usize);

/// What the trainee is typing, kept between frames.
#[derive(Resource, Debug, Default)]
pub struct Draft(pub String);

/// Where the sentence model is.
#[derive(Debug, Clone)]
pub enum ModelState {
    Loading,
    Ready(Arc<Encoder>),
    /// It could not be loaded: the file and why. Said once, in settings
    /// and the log; calls then show the options.
    Failed(String),
}

#[derive(Resource)]
pub struct SentenceModel {
    pub state: ModelState,
    loaded: Option<Mutex<Receiver<Result<Encoder, String>>>>,
    /// Each scenario's phrases, embedded once per loaded version: on a
    /// thread of their own from the moment a typed call starts, so the
    /// first reply rarely waits for them.
    books: HashMap<usize, Book>,
}

enum Book {
    Embedding(Mutex<Receiver<Phrasebook>>),
    Ready(Arc<Phrasebook>),
}

impl SentenceModel {
    pub fn encoder(&self) -> Option<&Arc<Encoder>> {
        match &self.state {
            ModelState::Ready(encoder) => Some(encoder),
            _ => None,
        }
    }

    /// Starts embedding `model`'s phrases on another thread, unless that
    /// was done or started already.
    pub fn prepare(&mut self, model: &Arc<Model>) {
        let Some(encoder) = self.encoder().map(Arc::clone) else {
            return;
        };
        let key = Arc::as_ptr(model) as usize;
        if self.books.contains_key(&key) {
            return;
        }
        let (done, embedded) = channel();
        let model = Arc::clone(model);
        let spawned = std::thread::Builder::new()
            .name("phrasebook".into())
            .spawn(move || {
                let book = Phrasebook::new(&model, &encoder);
                let _ = done.send(book);
                if let Err(e) = encoder.save_memo() {
                    warn!("cannot keep the embedded phrases for the next launch: {e}");
                }
            });
        if spawned.is_ok() {
            self.books.insert(key, Book::Embedding(Mutex::new(embedded)));
        }
    }

    /// The phrasebook of `model`: the one embedded or being embedded (then
    /// waited for), else embedded now.
    pub fn book(&mut self, model: &Arc<Model>) -> Option<Arc<Phrasebook>> {
        let encoder = Arc::clone(self.encoder()?);
        let key = Arc::as_ptr(model) as usize;
        let embedded = match self.books.get(&key) {
            Some(Book::Ready(book)) => return Some(Arc::clone(book)),
            Some(Book::Embedding(rx)) => rx.lock().ok().and_then(|rx| rx.recv().ok()),
            None => None,
        };
        let book = Arc::new(embedded.unwrap_or_else(|| Phrasebook::new(model, &encoder)));
        self.books.insert(key, Book::Ready(Arc::clone(&book)));
        Some(book)
    }
}

pub(super) fn plugin(app: &mut App) {
    app.add_message::<SayTyped>().add_message::<PickMeant>();
    app.init_resource::<Draft>();
    app.add_systems(Startup, start_loading);
    app.add_systems(
        Update,
        (model_loaded, (say_typed, pick_meant).in_set(GameSystems::Act)).chain(),
    );
}

fn start_loading(
    mut commands: Commands,
    proxy: Option<Res<EventLoopProxyWrapper>>,
    records: Option<Res<Records>>,
) {
    let proxy = proxy.map(|p| (**p).clone());
    let memo = records.and_then(|r| {
        r.folder()
            .map(|f| f.join(callsim_trainee::progress::PHRASE_MEMO_FILE))
    });
    let (done, loaded) = channel();
    let spawned = std::thread::Builder::new()
        .name("sentence-model".into())
        .spawn(move || {
            let dir = callsim_encoder::default_model_dir();
            let loaded = Encoder::load(&dir).map_err(|e| e.to_string());
            if let (Ok(encoder), Some(memo)) = (&loaded, &memo) {
                let known = encoder.remember_in(memo);
                info!("{known} phrases remembered from {}", memo.display());
            }
            let _ = done.send(loaded);
            if let Some(proxy) = proxy {
                crate::redraw::wake(&proxy, crate::redraw::Waker::Model);
            }
        });
    let state = match spawned {
        Ok(_) => ModelState::Loading,
        Err(e) => ModelState::Failed(format!("cannot start loading the sentence model: {e}")),
    };
    commands.insert_resource(SentenceModel {
        state,
        loaded: Some(Mutex::new(loaded)),
        books: HashMap::new(),
    });
}

fn model_loaded(mut model: ResMut<SentenceModel>, live: Option<ResMut<LiveCall>>, records: Res<Records>) {
    let received = model
        .loaded
        .as_ref()
        .and_then(|rx| rx.lock().ok().and_then(|rx| rx.try_recv().ok()));
    if let Some(result) = received {
        model.loaded = None;
        model.state = match result {
            Ok(encoder) => {
                info!("sentence model loaded");
                ModelState::Ready(Arc::new(encoder))
            }
            Err(e) => {
                warn!("typed replies are off: {e}");
                ModelState::Failed(e)
            }
        };
    }
    // A call in typed mode types once the model is there.
    if let Some(mut live) = live {
        let wanted = records.settings.reply_by == callsim_trainee::progress::ReplyBy::Typing;
        let ready = model.encoder().is_some();
        if wanted && ready && !live.call.is_over() {
            let scenario = Arc::clone(live.call.model());
            model.prepare(&scenario);
        }
        if live.typing != (wanted && ready) && !live.call.is_over() {
            live.typing = wanted && ready;
        }
    }
}

fn say_typed(
    mut said: MessageReader<SayTyped>,
    live: Option<ResMut<LiveCall>>,
    mut model: ResMut<SentenceModel>,
    mut draft: ResMut<Draft>,
    mut records: ResMut<Records>,
    time: Res<Time<Real>>,
    mut commands: Commands,
) {
    let Some(mut live) = live else {
        said.clear();
        return;
    };
    let now = time.elapsed_secs_f64();
    for SayTyped(text) in said.read() {
        if live.call.is_over() || live.hold.is_some() {
            break;
        }
        let model_arc = Arc::clone(live.call.model());
        let (Some(encoder), Some(book)) = (model.encoder().cloned(), model.book(&model_arc)) else {
            break;
        };
        live.unsure = None;
        match hear(&mut live.call, &encoder, &book, text) {
            Ok(None) => continue,
            Ok(Some(Heard::Played(step) | Heard::NotUnderstood(step))) => {
                draft.0.clear();
                live.after(&step, now);
            }
            Ok(Some(Heard::Unsure(reading))) => live.unsure = Some(reading),
            Err(err) => warn!("{err}"),
        }
        keep_if_over(&live, &mut records, &mut commands);
    }
}

fn pick_meant(
    mut picked: MessageReader<PickMeant>,
    live: Option<ResMut<LiveCall>>,
    mut draft: ResMut<Draft>,
    mut records: ResMut<Records>,
    time: Res<Time<Real>>,
    mut commands: Commands,
) {
    let Some(mut live) = live else {
        picked.clear();
        return;
    };
    let now = time.elapsed_secs_f64();
    for PickMeant(n) in picked.read() {
        let Some(reading) = live.unsure.take() else {
            break;
        };
        let Some(id) = reading.meant(*n).map(|c| c.reply.clone()) else {
            break;
        };
        match live.call.choose_typed(&id, Typed::of(&reading)) {
            Ok(step) => {
                draft.0.clear();
                live.after(&step, now);
            }
            Err(err) => warn!("{err}"),
        }
        keep_if_over(&live, &mut records, &mut commands);
    }
}
