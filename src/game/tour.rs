//! The screenshot tour (`callsim --screenshots DIR`): plays one scripted
//! call through every screen, saving a screenshot of each, then exits. It
//! fails (non-zero exit) if a screenshot is blank or the call does not reach
//! its ending. The windowed smoke test and the README's pictures both come
//! from here.
//!
//! The tour writes the same messages a trainee's keys would; the script is
//! one slip on the first reply, then the best reply the core's analysis
//! finds at each turn, so the debrief has something to teach.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use serde::Serialize;

use super::records::Records;
use super::screens::Screen;
use super::session::{
    AddTrainee, AnswerCall, ChooseOption, LastCall, LiveCall, Navigate, OpenDebrief, PickScenario,
    ShowWholeLine, TakeOffHold,
};
use super::{Launch, Scenarios};

pub(super) fn plugin(app: &mut App) {
    if let Some(started) = app
        .world()
        .get_resource::<Launch>()
        .filter(|l| l.report_launch)
        .and_then(|l| l.started)
    {
        app.insert_resource(LaunchReport {
            started,
            pending: None,
            done: Arc::new(Mutex::new(false)),
        });
        app.add_systems(Last, report_launch);
    }
    let Some(dir) = app
        .world()
        .get_resource::<Launch>()
        .and_then(|l| l.screenshots.clone())
    else {
        return;
    };
    app.insert_resource(Tour {
        dir,
        step: Step::Warm,
        frames: 0,
        shots: Arc::new(Mutex::new(Vec::new())),
        pending: None,
        started: Instant::now(),
        slipped: false,
        account_shot: false,
    });
    app.add_systems(Last, run_tour);
}

/// The reference scenario, used when it is there: it uses every feature.
const PREFERRED: &str = "missing-bonus-number";
/// Frames to let a screen settle (egui lays out over a frame or two) before
/// its picture.
const SETTLE_FRAMES: u32 = 8;
/// Frames for the renderer's pipelines before the first picture.
const WARM_FRAMES: u32 = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Warm,
    Title,
    Picker,
    Incoming,
    CallStart,
    Playing,
    CallEnded,
    Debrief,
    Progress,
    Settings,
    Done,
    /// Asked to exit; nothing more to do.
    Exited,
}

/// One saved picture.
#[derive(Debug, Clone, Serialize)]
struct Shot {
    name: String,
    file: PathBuf,
    /// Share of pixels that differ from the most common colour.
    ink: f64,
    blank: bool,
}

/// What the tour found, written to `tour.json` beside the pictures.
#[derive(Debug, Serialize)]
struct Summary {
    screens: Vec<Shot>,
    ended: bool,
    ending: Option<String>,
    respect: Option<u8>,
    sincerity: Option<u8>,
    seconds: f64,
}

#[derive(Resource)]
struct Tour {
    dir: PathBuf,
    step: Step,
    frames: u32,
    shots: Arc<Mutex<Vec<Shot>>>,
    /// A picture asked for and not yet saved.
    pending: Option<Arc<Mutex<bool>>>,
    started: Instant,
    slipped: bool,
    account_shot: bool,
}

impl Tour {
    fn snap(&mut self, commands: &mut Commands, name: &str) {
        let file = self.dir.join(format!("{name}.png"));
        let done = Arc::new(Mutex::new(false));
        self.pending = Some(Arc::clone(&done));
        let shots = Arc::clone(&self.shots);
        let name = name.to_owned();
        commands
            .spawn(Screenshot::primary_window())
            .observe(move |captured: On<ScreenshotCaptured>| {
                let shot = save(&captured.image, &name, &file);
                if let Ok(mut shots) = shots.lock() {
                    shots.push(shot);
                }
                if let Ok(mut done) = done.lock() {
                    *done = true;
                }
            });
    }

    fn waiting(&self) -> bool {
        self.pending
            .as_ref()
            .is_some_and(|p| p.lock().is_ok_and(|done| !*done))
    }
}

/// Share of the pixels that differ from the most common colour: near 0 for
/// a blank window.
fn ink(rgb: &[[u8; 3]]) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for p in rgb {
        *counts.entry(*p).or_insert(0usize) += 1;
    }
    let most = counts.values().copied().max().unwrap_or(0);
    1.0 - most as f64 / rgb.len().max(1) as f64
}

/// Below this share of ink a picture counts as blank.
const BLANK: f64 = 0.005;

/// Saves `image` as a PNG and measures how much is drawn on it.
fn save(image: &Image, name: &str, file: &PathBuf) -> Shot {
    let mut ink_share = 0.0;
    match image.clone().try_into_dynamic() {
        Ok(picture) => {
            let rgb = picture.to_rgb8();
            let pixels: Vec<[u8; 3]> = rgb.pixels().map(|p| p.0).collect();
            ink_share = ink(&pixels);
            if let Err(err) = rgb.save(file) {
                error!("cannot save {}: {err}", file.display());
            }
        }
        Err(err) => error!("cannot read the screenshot {name}: {err}"),
    }
    Shot {
        name: name.to_owned(),
        file: file.clone(),
        ink: ink_share,
        blank: ink_share < BLANK,
    }
}

/// `--report-launch`: pictures of the window until one shows the screen,
/// then how long that took since the program started.
#[derive(Resource)]
struct LaunchReport {
    started: Instant,
    pending: Option<Arc<Mutex<bool>>>,
    done: Arc<Mutex<bool>>,
}

fn report_launch(mut report: ResMut<LaunchReport>, mut commands: Commands) {
    if report.done.lock().is_ok_and(|d| *d) {
        return;
    }
    if report
        .pending
        .as_ref()
        .is_some_and(|p| p.lock().is_ok_and(|p| !*p))
    {
        return;
    }
    let asked = Arc::new(Mutex::new(false));
    report.pending = Some(Arc::clone(&asked));
    let done = Arc::clone(&report.done);
    let started = report.started;
    commands
        .spawn(Screenshot::primary_window())
        .observe(move |captured: On<ScreenshotCaptured>| {
            let drawn = captured
                .image
                .clone()
                .try_into_dynamic()
                .map(|p| ink(&p.to_rgb8().pixels().map(|p| p.0).collect::<Vec<_>>()))
                .unwrap_or(0.0);
            if drawn >= BLANK
                && let Ok(mut done) = done.lock()
                && !*done
            {
                *done = true;
                println!(
                    "callsim: first interactive frame after {} ms",
                    started.elapsed().as_millis()
                );
            }
            if let Ok(mut asked) = asked.lock() {
                *asked = true;
            }
        });
}

/// What the tour does as the trainee: the messages a trainee's keys write.
#[derive(SystemParam)]
struct Hands<'w> {
    add: MessageWriter<'w, AddTrainee>,
    pick: MessageWriter<'w, PickScenario>,
    answer: MessageWriter<'w, AnswerCall>,
    choose: MessageWriter<'w, ChooseOption>,
    whole: MessageWriter<'w, ShowWholeLine>,
    off_hold: MessageWriter<'w, TakeOffHold>,
    debrief: MessageWriter<'w, OpenDebrief>,
    navigate: MessageWriter<'w, Navigate>,
}

#[allow(clippy::too_many_arguments)] // the tour reads every part of the game it photographs
fn run_tour(
    mut tour: ResMut<Tour>,
    mut commands: Commands,
    screen: Res<State<Screen>>,
    scenarios: Res<Scenarios>,
    records: Res<Records>,
    live: Option<Res<LiveCall>>,
    last: Option<Res<LastCall>>,
    mut hands: Hands,
    mut exit: MessageWriter<AppExit>,
) {
    if tour.waiting() {
        return;
    }
    tour.frames += 1;
    let settled = tour.frames >= SETTLE_FRAMES;
    match tour.step {
        Step::Warm if tour.frames >= WARM_FRAMES => {
            if let Err(err) = std::fs::create_dir_all(&tour.dir) {
                error!("cannot create {}: {err}", tour.dir.display());
                exit.write(AppExit::error());
                return;
            }
            tour.step = Step::Title;
            tour.frames = 0;
        }
        Step::Title if settled && *screen.get() == Screen::Title => {
            tour.snap(&mut commands, "01-title");
            if records.trainee().is_none() {
                hands.add.write(AddTrainee("Alex".into()));
            }
            tour.step = Step::Picker;
            tour.frames = 0;
        }
        Step::Picker if settled && *screen.get() == Screen::Picker => {
            tour.snap(&mut commands, "02-picker");
            let id = scenarios
                .model(PREFERRED)
                .map(|m| m.scenario.id.clone())
                .or_else(|| {
                    scenarios
                        .entries()
                        .iter()
                        .find_map(|e| e.scenario_id().map(str::to_owned))
                });
            match id {
                Some(id) => {
                    hands.pick.write(PickScenario(id));
                    tour.step = Step::Incoming;
                }
                None => {
                    error!(
                        "the tour found no playable scenario in {}",
                        scenarios.dir().display()
                    );
                    tour.step = Step::Done;
                }
            }
            tour.frames = 0;
        }
        Step::Incoming if settled && *screen.get() == Screen::Incoming => {
            tour.snap(&mut commands, "03-incoming");
            hands.answer.write(AnswerCall);
            tour.step = Step::CallStart;
            tour.frames = 0;
        }
        Step::CallStart if *screen.get() == Screen::Call => {
            hands.whole.write(ShowWholeLine);
            if settled {
                tour.snap(&mut commands, "04-call");
                tour.step = Step::Playing;
                tour.frames = 0;
            }
        }
        Step::Playing if tour.frames >= 3 => {
            let Some(live) = live else {
                return;
            };
            if live.call.is_over() {
                hands.whole.write(ShowWholeLine);
                tour.step = Step::CallEnded;
                tour.frames = 0;
                return;
            }
            if live.hold.is_some() {
                hands.off_hold.write(TakeOffHold);
                return;
            }
            if live.account_open && !tour.account_shot {
                hands.whole.write(ShowWholeLine);
                if tour.frames >= SETTLE_FRAMES {
                    tour.snap(&mut commands, "05-call-account");
                    tour.account_shot = true;
                    tour.frames = 0;
                }
                return;
            }
            let options = live.call.options();
            let best = live.call.hint().map(|o| o.number);
            let number = if tour.slipped {
                best
            } else {
                tour.slipped = true;
                options
                    .iter()
                    .find(|o| o.is_spoken() && Some(o.number) != best)
                    .map(|o| o.number)
                    .or(best)
            };
            if let Some(number) = number.or_else(|| options.first().map(|o| o.number)) {
                hands.choose.write(ChooseOption(number));
            }
            tour.frames = 0;
        }
        Step::CallEnded if settled => {
            hands.whole.write(ShowWholeLine);
            tour.snap(&mut commands, "06-call-ended");
            hands.debrief.write(OpenDebrief);
            tour.step = Step::Debrief;
            tour.frames = 0;
        }
        Step::Debrief if settled && *screen.get() == Screen::Debrief => {
            tour.snap(&mut commands, "07-debrief");
            hands.navigate.write(Navigate(Screen::Progress));
            tour.step = Step::Progress;
            tour.frames = 0;
        }
        Step::Progress if settled && *screen.get() == Screen::Progress => {
            tour.snap(&mut commands, "08-progress");
            hands.navigate.write(Navigate(Screen::Settings));
            tour.step = Step::Settings;
            tour.frames = 0;
        }
        Step::Settings if settled && *screen.get() == Screen::Settings => {
            tour.snap(&mut commands, "09-settings");
            tour.step = Step::Done;
            tour.frames = 0;
        }
        Step::Done => {
            let shots = tour.shots.lock().map(|s| s.clone()).unwrap_or_default();
            let debrief = last.as_ref().map(|l| &l.debrief);
            let summary = Summary {
                ended: debrief.is_some(),
                ending: debrief.map(|d| d.ending.id.clone()),
                respect: debrief.map(|d| d.respect.percent),
                sincerity: debrief.map(|d| d.sincerity.percent),
                seconds: tour.started.elapsed().as_secs_f64(),
                screens: shots,
            };
            let json = serde_json::to_string_pretty(&summary).unwrap_or_default();
            if let Err(err) = std::fs::write(tour.dir.join("tour.json"), &json) {
                error!("cannot write tour.json: {err}");
            }
            println!("{json}");
            let blank: Vec<&str> = summary
                .screens
                .iter()
                .filter(|s| s.blank)
                .map(|s| s.name.as_str())
                .collect();
            let ok = summary.ended && blank.is_empty() && summary.screens.len() >= 8;
            if !blank.is_empty() {
                error!("blank screenshots: {}", blank.join(", "));
            }
            if !summary.ended {
                error!("the scripted call did not reach its ending");
            }
            exit.write(if ok { AppExit::Success } else { AppExit::error() });
            tour.step = Step::Exited;
        }
        _ => {}
    }
}
