//! When the game draws a frame: on input, on the game's own timers (the
//! caller's line appearing, the hold timer, the points flash going), and on
//! a scenario reload; never on a loop.
//!
//! Bevy's reactive mode waits for input, but two things in bevy_egui 0.42
//! keep an idle egui app redrawing:
//!
//! - It pushes a `ModifiersChanged` event into egui's input every frame,
//!   changed or not, and egui asks for an immediate repaint whenever a frame
//!   had input events: every frame asked for the next one (about 10 a
//!   second under software Vulkan, most of a core). The game drops that
//!   event when the modifiers did not change; egui keeps the last ones.
//! - It turns every repaint egui asks for into an immediate `RequestRedraw`,
//!   whatever delay egui gave (`output.rs`), and its repaint callback
//!   ignores non-zero delays (`input.rs`), so "repaint when the next letter
//!   is due" became "repaint now". The game takes that over: egui's repaint
//!   callback wakes the event loop at once for a zero delay and through a
//!   small alarm thread at the right moment otherwise, and the
//!   `RequestRedraw` messages bevy_egui writes are dropped.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::window::RequestRedraw;
use bevy::winit::{
    EventLoopProxy, EventLoopProxyWrapper, RawWinitWindowEvent, UpdateMode, WinitSettings, WinitUserEvent,
};
use bevy_egui::{EguiContext, EguiInput, EguiPostUpdateSet, EguiPreUpdateSet, egui};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        PreUpdate,
        take_over_repaints.after(EguiPreUpdateSet::InitContexts),
    );
    app.add_systems(
        PreUpdate,
        drop_unchanged_modifiers
            .after(EguiPreUpdateSet::ProcessInput)
            .before(EguiPreUpdateSet::BeginPass),
    );
    app.add_systems(
        PostUpdate,
        drop_egui_redraw_requests.after(EguiPostUpdateSet::ProcessOutput),
    );
    let touring = app
        .world()
        .get_resource::<super::Launch>()
        .is_some_and(|l| l.screenshots.is_some());
    if !touring {
        // The tour keeps drawing continuously: it waits on frames.
        app.add_systems(Last, settle);
    }
    if std::env::var_os("CALLSIM_REDRAW_LOG").is_some() {
        app.add_systems(Last, log_frames);
    }
}

/// Who woke the event loop from outside it: every wake-up the game sends
/// goes through [`wake`], so the frame log can name why a frame was drawn.
/// Each is its index in [`WAKES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waker {
    /// egui asked for a repaint now.
    EguiNow,
    /// egui asked for a repaint later, and that time came (the alarm).
    EguiLater,
    /// The sentence model finished loading.
    Model,
    /// The class worker has an answer.
    Class,
    /// A scenario file changed on disk.
    Library,
}

impl Waker {
    const ALL: [Waker; 5] = [
        Waker::EguiNow,
        Waker::EguiLater,
        Waker::Model,
        Waker::Class,
        Waker::Library,
    ];

    fn name(self) -> &'static str {
        match self {
            Waker::EguiNow => "egui now",
            Waker::EguiLater => "egui timer",
            Waker::Model => "model loaded",
            Waker::Class => "class worker",
            Waker::Library => "scenario file changed",
        }
    }
}

/// Wake-ups sent since the frame log last read them, per [`Waker`].
static WAKES: [AtomicU32; Waker::ALL.len()] = [const { AtomicU32::new(0) }; Waker::ALL.len()];

/// Wakes the game's event loop, which draws nothing while idle, and counts
/// who did.
pub fn wake(proxy: &EventLoopProxy<WinitUserEvent>, who: Waker) {
    WAKES[who as usize].fetch_add(1, Ordering::Relaxed);
    // The game is closing if this fails: nothing to wake.
    let _ = proxy.send_event(WinitUserEvent::WakeUp);
}

/// Wakes the event loop at given instants, from its own thread.
#[derive(Resource, Clone)]
pub struct Alarm(Sender<Instant>);

impl Alarm {
    pub fn start(proxy: EventLoopProxy<WinitUserEvent>) -> Alarm {
        let (sender, receiver) = mpsc::channel::<Instant>();
        let spawned = thread::Builder::new()
            .name("callsim-alarm".into())
            .spawn(move || {
                let mut due: Option<Instant> = None;
                loop {
                    let next = match due {
                        Some(at) => receiver.recv_timeout(at.saturating_duration_since(Instant::now())),
                        None => receiver.recv().map_err(|_| RecvTimeoutError::Disconnected),
                    };
                    match next {
                        Ok(at) => due = Some(due.map_or(at, |d| d.min(at))),
                        Err(RecvTimeoutError::Timeout) => {
                            due = None;
                            wake(&proxy, Waker::EguiLater);
                        }
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            });
        if let Err(err) = spawned {
            error!("cannot start the redraw alarm: {err}");
        }
        Alarm(sender)
    }

    /// Wake the event loop in `delay`.
    pub fn ring_in(&self, delay: Duration) {
        // The thread only stops when the game does.
        let _ = self.0.send(Instant::now() + delay);
    }
}

/// The first frames after launch are drawn while the renderer is still
/// compiling its pipelines and may come out empty; the game draws
/// continuously for this long so the first screen appears as soon as it
/// can, without input.
const SETTLING: Duration = Duration::from_millis(2000);

/// How the game draws while it starts: continuously (see [`SETTLING`]).
pub fn launching() -> WinitSettings {
    WinitSettings::continuous()
}

/// How the game draws once started: on input and on the game's own
/// wake-ups, never on a timer of Bevy's, so an idle screen costs nothing.
pub fn settled() -> WinitSettings {
    WinitSettings {
        focused_mode: UpdateMode::reactive_low_power(Duration::from_secs(3600)),
        unfocused_mode: UpdateMode::reactive_low_power(Duration::from_secs(3600)),
    }
}

/// Switches from [`launching`] to [`settled`] once the launch is over.
fn settle(mut settings: ResMut<WinitSettings>, time: Res<Time<Real>>, mut done: Local<bool>) {
    if !*done && time.elapsed() >= SETTLING {
        *settings = settled();
        *done = true;
    }
}

/// egui's default `RawInput::predicted_dt`, which it takes off every delay.
const PREDICTED_FRAME: Duration = Duration::from_micros(16_667);

fn take_over_repaints(
    mut contexts: Query<&mut EguiContext, Added<EguiContext>>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
    alarm: Option<Res<Alarm>>,
    mut commands: Commands,
) {
    let Some(proxy) = proxy else {
        return;
    };
    for mut context in &mut contexts {
        let alarm = match &alarm {
            Some(alarm) => Alarm::clone(alarm),
            None => {
                let alarm = Alarm::start((**proxy).clone());
                commands.insert_resource(alarm.clone());
                alarm
            }
        };
        let proxy = (**proxy).clone();
        context.get_mut().set_request_repaint_callback(move |info| {
            if info.delay.is_zero() {
                wake(&proxy, Waker::EguiNow);
            } else if info.delay < Duration::from_secs(3600) {
                // egui wakes early by its predicted frame time (1/60 s,
                // bevy_egui never sets it): wake on time instead, or a
                // clock's second would take two frames.
                alarm.ring_in(info.delay + PREDICTED_FRAME);
            }
        });
    }
}

/// Drops the `ModifiersChanged` events that say what egui already knows.
fn drop_unchanged_modifiers(mut contexts: Query<(&mut EguiInput, &mut EguiContext)>) {
    for (mut input, mut context) in &mut contexts {
        let mut known = context.get_mut().input(|i| i.modifiers);
        input.events.retain(|event| match event {
            egui::Event::ModifiersChanged(modifiers) if *modifiers == known => false,
            egui::Event::ModifiersChanged(modifiers) => {
                known = *modifiers;
                true
            }
            _ => true,
        });
    }
}

/// Every repaint egui asked for has been scheduled by the callback above,
/// at the time egui asked for it; bevy_egui's "redraw now" would undo that.
fn drop_egui_redraw_requests(mut redraws: ResMut<Messages<RequestRedraw>>) {
    redraws.clear();
}

/// With `CALLSIM_REDRAW_LOG` set: why each frame was drawn (at debug
/// level: the window events that arrived before it, who woke the event
/// loop, what egui asked for), and each second how many frames were drawn
/// and the tally of their causes (at info level). A frame with none of
/// these was Bevy's own: the launch, or a change of update mode.
fn log_frames(
    mut second: Local<(u32, f64, std::collections::BTreeMap<String, u32>)>,
    time: Res<Time<Real>>,
    mut events: MessageReader<RawWinitWindowEvent>,
    mut contexts: Query<&mut EguiContext>,
) {
    let now = time.elapsed_secs_f64();
    let mut causes: Vec<String> = events.read().map(|e| event_name(&e.event)).collect();
    for (who, count) in Waker::ALL.iter().zip(&WAKES) {
        let n = count.swap(0, Ordering::Relaxed);
        causes.extend((0..n).map(|_| format!("woken: {}", who.name())));
    }
    causes.extend(
        contexts
            .iter_mut()
            .flat_map(|mut c| c.get_mut().repaint_causes())
            .map(|c| format!("egui: {c}")),
    );
    if causes.is_empty() {
        causes.push("bevy (launch or update mode)".to_owned());
    }
    causes.sort();
    causes.dedup();
    debug!("frame at {now:.3} s: {}", causes.join(", "));
    second.0 += 1;
    for cause in causes {
        // The tally names each cause once per frame, without its details.
        let short = cause.split(" (").next().unwrap_or(&cause).to_owned();
        *second.2.entry(short).or_default() += 1;
    }
    if now - second.1 >= 1.0 {
        let tally: Vec<String> = second.2.iter().map(|(c, n)| format!("{c} ×{n}")).collect();
        info!(
            "{} frames in the last {:.1} s: {}",
            second.0,
            now - second.1,
            tally.join(", ")
        );
        *second = (0, now, Default::default());
    }
}

/// A winit window event's name, without its data ("CursorMoved").
fn event_name(event: &impl std::fmt::Debug) -> String {
    let debug = format!("{event:?}");
    debug.split(['(', ' ', '{']).next().unwrap_or(&debug).to_owned()
}
