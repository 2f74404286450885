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

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::window::RequestRedraw;
use bevy::winit::{EventLoopProxy, EventLoopProxyWrapper, UpdateMode, WinitSettings, WinitUserEvent};
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
                            if proxy.send_event(WinitUserEvent::WakeUp).is_err() {
                                return;
                            }
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
                let _ = proxy.send_event(WinitUserEvent::WakeUp);
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

/// With `CALLSIM_REDRAW_LOG` set: how many frames each second drew, and
/// why egui wanted them.
fn log_frames(mut count: Local<(u32, f64)>, time: Res<Time<Real>>, mut contexts: Query<&mut EguiContext>) {
    let now = time.elapsed_secs_f64();
    count.0 += 1;
    let causes: Vec<String> = contexts
        .iter_mut()
        .flat_map(|mut c| c.get_mut().repaint_causes())
        .map(|c| c.to_string())
        .collect();
    if !causes.is_empty() {
        debug!("egui asked for a repaint: {}", causes.join(", "));
    }
    if now - count.1 >= 1.0 {
        info!("{} frames in the last {:.1} s", count.0, now - count.1);
        *count = (0, now);
    }
}
