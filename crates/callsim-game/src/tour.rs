//! The screenshot tour (`callsim --screenshots DIR`): plays one scripted
//! call through every screen, saving a screenshot of each in DIR, then
//! exits. It fails (non-zero exit, and `tour.json` says why) if a picture is
//! blank, a key did nothing, or the call does not reach its ending. The
//! windowed smoke test (`tests/windowed.rs`) and the README's pictures both
//! come from here.
//!
//! Inside a call the tour uses the keyboard only, through the same input
//! path as a real keyboard: Enter answers, a reply's number or an action's
//! letter chooses it, Enter takes the caller off hold and opens the
//! debrief, Page Down scrolls it. The script is one slip on the first
//! reply, then the reply the core's analysis rates best at each turn, so
//! the debrief has something to teach. Then one call in Chinese, to show
//! the CJK font at work, and one in the trainee's own words: with replies
//! typed into the text box (the best reply's words, keys as a keyboard
//! sends them) and Enter, to the debrief that shows what was typed.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bevy::ecs::system::SystemParam;
use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyCode, KeyboardInput};
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::window::PrimaryWindow;
use serde::Serialize;

use super::records::Records;
use super::screens::{Screen, key_for};
use super::session::{ChangeSettings, LastCall, LiveCall, Navigate, PickScenario};
use super::typing::PickMeant;
use super::{Launch, Scenarios, Settings};
use callsim_core::call::NOT_UNDERSTOOD_ID;
use callsim_core::scenario::Action;
use callsim_trainee::progress::ReplyBy;

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
    app.insert_resource(Tour::new(dir));
    app.add_systems(Last, run_tour);
}

/// The seed of the tour's call when none is given, so the pictures are the
/// same from one run to the next.
pub const TOUR_SEED: u64 = 4;

/// The reference scenario, used when it is there: it uses every feature
/// and speaks English and Chinese.
const PREFERRED: &str = "missing-bonus-number";
/// Frames to let a screen settle (egui lays out over a frame or two)
/// before its picture.
const SETTLE_FRAMES: u32 = 8;
/// Frames for the renderer's pipelines before the first picture.
const WARM_FRAMES: u32 = 40;
/// Frames to wait for a key or a message to show its effect before the
/// tour gives up and fails.
const PATIENCE: u32 = 120;

/// Every picture the tour takes, in order. The smoke test expects them all.
pub const PICTURES: [&str; 15] = [
    "01-title",
    "02-picker",
    "03-incoming",
    "04-call",
    "05-call-account",
    "06-call-on-hold",
    "07-call-ended",
    "08-debrief",
    "09-debrief-turns",
    "10-progress",
    "11-settings",
    "12-picker-zh",
    "13-call-zh",
    "14-call-typed",
    "15-debrief-typed",
];

/// The pictures that come only when the scripted call goes there: the best
/// path never puts the caller on hold. The windowed smoke test requires
/// every other picture of [`PICTURES`].
pub const OPTIONAL_PICTURES: [&str; 1] = ["06-call-on-hold"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Warm,
    Title,
    Picker,
    Incoming,
    CallStart,
    CallStartShot,
    AccountShot,
    HoldShot,
    Playing,
    /// A key was pressed to choose; waiting for the turn to land.
    Chose {
        turns: usize,
        key: char,
    },
    CallEnded,
    CallEndedShot,
    Debrief,
    DebriefTurns,
    Progress,
    Settings,
    PickerZh,
    /// A scenario was picked: once the phone rings, Enter answers, then
    /// `then`.
    Ringing {
        then: &'static Step,
    },
    CallZh,
    CallZhShot,
    PickerTyped,
    /// A call in typed mode: type the next reply once the model is there.
    Typing,
    /// Enter was pressed on a typed reply; waiting for it to be read.
    Typed {
        turns: usize,
    },
    TypedShot,
    TypedEnded,
    DebriefTyped,
    DebriefTypedShot,
    Done,
    /// Asked to exit; nothing more to do.
    Exited,
    /// Waiting for `screen`, then `next`; `why` names what should have
    /// brought it, for the failure message.
    Await {
        screen: Screen,
        next: &'static Step,
        why: &'static str,
    },
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
    /// The scripted call reached its ending.
    ended: bool,
    ending: Option<String>,
    respect: Option<u8>,
    sincerity: Option<u8>,
    /// Keys the tour pressed, in order.
    keys: String,
    /// Why the tour failed, if it did.
    failure: Option<String>,
    seconds: f64,
}

/// A key to press: what the keyboard reports for it.
#[derive(Debug, Clone)]
struct Press {
    code: KeyCode,
    key: Key,
    /// The character it types, if any.
    text: Option<char>,
}

impl Press {
    fn named(code: KeyCode, key: Key) -> Press {
        Press {
            code,
            key,
            text: None,
        }
    }

    fn enter() -> Press {
        Press::named(KeyCode::Enter, Key::Enter)
    }

    fn space() -> Press {
        Press {
            code: KeyCode::Space,
            key: Key::Space,
            text: Some(' '),
        }
    }

    /// A letter or digit key, unshifted.
    fn char(c: char) -> Option<Press> {
        let lower = c.to_ascii_lowercase();
        let code = match lower {
            '0'..='9' => [
                KeyCode::Digit0,
                KeyCode::Digit1,
                KeyCode::Digit2,
                KeyCode::Digit3,
                KeyCode::Digit4,
                KeyCode::Digit5,
                KeyCode::Digit6,
                KeyCode::Digit7,
                KeyCode::Digit8,
                KeyCode::Digit9,
            ][lower as usize - '0' as usize],
            'a'..='z' => [
                KeyCode::KeyA,
                KeyCode::KeyB,
                KeyCode::KeyC,
                KeyCode::KeyD,
                KeyCode::KeyE,
                KeyCode::KeyF,
                KeyCode::KeyG,
                KeyCode::KeyH,
                KeyCode::KeyI,
                KeyCode::KeyJ,
                KeyCode::KeyK,
                KeyCode::KeyL,
                KeyCode::KeyM,
                KeyCode::KeyN,
                KeyCode::KeyO,
                KeyCode::KeyP,
                KeyCode::KeyQ,
                KeyCode::KeyR,
                KeyCode::KeyS,
                KeyCode::KeyT,
                KeyCode::KeyU,
                KeyCode::KeyV,
                KeyCode::KeyW,
                KeyCode::KeyX,
                KeyCode::KeyY,
                KeyCode::KeyZ,
            ][lower as usize - 'a' as usize],
            _ => return None,
        };
        Some(Press {
            code,
            key: Key::Character(c.to_string().as_str().into()),
            text: Some(c),
        })
    }

    fn label(&self) -> String {
        match (&self.key, self.text) {
            (Key::Space, _) => "Space".to_owned(),
            (_, Some(c)) => c.to_string(),
            (key, None) => format!("{key:?}"),
        }
    }
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
    /// Whether the caller went on hold (the script does not force it: in
    /// the reference scenario a hold this early ends the call).
    held: bool,
    /// Whether the call offered a check of the account, which the script
    /// then takes, so its picture is expected.
    offered_account: bool,
    /// Keys still to press, and the one held down now.
    keys: VecDeque<Press>,
    down: Option<Press>,
    pressed: Vec<String>,
    failure: Option<String>,
    /// The settings before the tour switched to Chinese, to put back.
    settings: Option<Settings>,
    /// The typed call's first understood reply was pictured.
    typed_shot: bool,
}

impl Tour {
    fn new(dir: PathBuf) -> Tour {
        Tour {
            dir,
            step: Step::Warm,
            frames: 0,
            shots: Arc::new(Mutex::new(Vec::new())),
            pending: None,
            started: Instant::now(),
            slipped: false,
            account_shot: false,
            held: false,
            offered_account: false,
            keys: VecDeque::new(),
            down: None,
            pressed: Vec::new(),
            failure: None,
            settings: None,
            typed_shot: false,
        }
    }

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

    fn press(&mut self, key: Press) {
        self.keys.push_back(key);
    }

    /// Types `text`'s letters, digits and spaces (what [`Press::char`]
    /// knows; punctuation is left out).
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            if c == ' ' {
                self.press(Press::space());
            } else if let Some(press) = Press::char(c) {
                self.press(press);
            }
        }
    }

    fn go(&mut self, step: Step) {
        self.step = step;
        self.frames = 0;
    }

    fn fail(&mut self, why: String) {
        error!("screenshot tour: {why}");
        self.failure = Some(why);
        self.go(Step::Done);
    }

    /// After `keys`, wait for `screen`; fail with `why` if it does not come.
    fn expect(&mut self, screen: Screen, next: &'static Step, why: &'static str) {
        self.go(Step::Await { screen, next, why });
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
fn save(image: &Image, name: &str, file: &Path) -> Shot {
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
        file: file.to_owned(),
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

/// What the tour reads of the game.
#[derive(SystemParam)]
struct Game<'w> {
    screen: Res<'w, State<Screen>>,
    scenarios: Res<'w, Scenarios>,
    records: Res<'w, Records>,
    live: Option<Res<'w, LiveCall>>,
    last: Option<Res<'w, LastCall>>,
    time: Res<'w, Time<Real>>,
}

/// What the tour does outside a call, where a trainee would click.
#[derive(SystemParam)]
struct Hands<'w> {
    pick: MessageWriter<'w, PickScenario>,
    navigate: MessageWriter<'w, Navigate>,
    settings: MessageWriter<'w, ChangeSettings>,
    meant: MessageWriter<'w, PickMeant>,
    keyboard: MessageWriter<'w, KeyboardInput>,
    exit: MessageWriter<'w, AppExit>,
}

fn run_tour(
    mut tour: ResMut<Tour>,
    mut commands: Commands,
    game: Game,
    mut hands: Hands,
    window: Query<Entity, With<PrimaryWindow>>,
) {
    if tour.waiting() {
        return;
    }
    // One key at a time: down one frame, up the next.
    if let Ok(window) = window.single() {
        let mut send = |press: &Press, state: ButtonState| {
            hands.keyboard.write(KeyboardInput {
                key_code: press.code,
                logical_key: press.key.clone(),
                state,
                text: press
                    .text
                    .filter(|_| state == ButtonState::Pressed)
                    .map(|c| c.to_string().as_str().into()),
                repeat: false,
                window,
            });
        };
        if let Some(down) = tour.down.take() {
            send(&down, ButtonState::Released);
            tour.frames = 0;
            return;
        }
        if let Some(next) = tour.keys.pop_front() {
            send(&next, ButtonState::Pressed);
            tour.pressed.push(next.label());
            tour.down = Some(next);
            return;
        }
    }
    tour.frames += 1;
    let settled = tour.frames >= SETTLE_FRAMES;
    let screen = *game.screen.get();
    match tour.step {
        Step::Warm if tour.frames >= WARM_FRAMES => {
            if let Err(err) = std::fs::create_dir_all(&tour.dir) {
                let why = format!("cannot create {}: {err}", tour.dir.display());
                tour.fail(why);
                return;
            }
            tour.go(Step::Title);
        }
        Step::Title if settled && screen == Screen::Title => {
            tour.snap(&mut commands, "01-title");
            if game.records.last_trainee().is_some() {
                // "Continue as …" has the focus.
                tour.press(Press::enter());
            } else {
                // The name field has the focus.
                tour.type_text("Alex");
                tour.press(Press::enter());
            }
            tour.expect(
                Screen::Picker,
                &Step::Picker,
                "typing a name and Enter on the title screen did not start",
            );
        }
        Step::Picker if settled => {
            tour.snap(&mut commands, "02-picker");
            match reference(&game.scenarios) {
                Some(id) => {
                    hands.pick.write(PickScenario(id));
                    tour.expect(
                        Screen::Incoming,
                        &Step::Incoming,
                        "picking a scenario did not ring",
                    );
                }
                None => {
                    let why = format!("no playable scenario in {}", game.scenarios.dir().display());
                    tour.fail(why);
                }
            }
        }
        Step::Incoming if settled => {
            tour.snap(&mut commands, "03-incoming");
            tour.press(Press::enter());
            tour.expect(Screen::Call, &Step::CallStart, "Enter did not answer the call");
        }
        Step::CallStart => {
            // Space shows the caller's whole line at once.
            tour.press(Press::space());
            tour.go(Step::CallStartShot);
        }
        Step::CallStartShot if settled => {
            tour.snap(&mut commands, "04-call");
            tour.go(Step::Playing);
        }
        Step::AccountShot if settled => {
            tour.snap(&mut commands, "05-call-account");
            tour.go(Step::Playing);
        }
        Step::HoldShot if settled => {
            tour.snap(&mut commands, "06-call-on-hold");
            // "Take off hold" has the focus, unless the hold played out
            // already and a reply has it.
            if game.live.as_ref().is_some_and(|l| l.hold.is_some()) {
                tour.press(Press::enter());
            }
            tour.go(Step::Playing);
        }
        Step::Playing if settled => {
            let Some(live) = game.live else {
                tour.fail("the call screen has no call".to_owned());
                return;
            };
            let call = &live.call;
            if call.is_over() {
                tour.go(Step::CallEnded);
                return;
            }
            if live.hold.is_some() {
                tour.held = true;
                tour.go(Step::HoldShot);
                return;
            }
            if live.account_open && !tour.account_shot {
                tour.account_shot = true;
                tour.press(Press::space());
                tour.go(Step::AccountShot);
                return;
            }
            let options = call.options();
            let best = call.hint().map(|o| o.number);
            let account = options.iter().find(|o| o.action == Action::CheckAccount);
            tour.offered_account |= account.is_some();
            let number = if !tour.slipped {
                tour.slipped = true;
                options
                    .iter()
                    .find(|o| o.is_spoken() && Some(o.number) != best)
                    .map(|o| o.number)
                    .or(best)
            } else if let Some(account) = account.filter(|_| !tour.account_shot) {
                Some(account.number)
            } else {
                best
            };
            let Some(number) = number.or_else(|| options.first().map(|o| o.number)) else {
                tour.fail("nothing to choose and the call is not over".to_owned());
                return;
            };
            match key_for(options, number).and_then(|c| Press::char(c).map(|p| (c, p))) {
                Some((key, press)) => {
                    tour.press(press);
                    let turns = call.turns().len();
                    tour.go(Step::Chose { turns, key });
                }
                None => tour.fail(format!("option {number} has no key on the call screen")),
            }
        }
        Step::Chose { turns, key } => {
            let played = game.live.as_ref().map_or(0, |l| l.call.turns().len());
            if played > turns {
                tour.go(Step::Playing);
            } else if tour.frames > PATIENCE {
                tour.fail(format!("pressing {key} did not choose a reply"));
            }
        }
        Step::CallEnded => {
            // Wait for the caller's last words to be said whole. Space
            // would hurry them, but once they are whole it opens the
            // debrief, and the tour cannot tell which it would be.
            let now = game.time.elapsed_secs_f64();
            if game.live.as_ref().is_none_or(|l| l.line_is_whole(now)) {
                tour.go(Step::CallEndedShot);
            }
        }
        Step::CallEndedShot if settled && screen != Screen::Call => {
            tour.fail(format!("the call ended on {screen:?}, not on the call screen"));
        }
        Step::CallEndedShot if settled => {
            tour.snap(&mut commands, "07-call-ended");
            // "See the debrief" has the focus.
            tour.press(Press::enter());
            tour.expect(Screen::Debrief, &Step::Debrief, "Enter did not open the debrief");
        }
        Step::Debrief if settled => {
            tour.snap(&mut commands, "08-debrief");
            tour.press(Press::named(KeyCode::PageDown, Key::PageDown));
            tour.go(Step::DebriefTurns);
        }
        Step::DebriefTurns if settled => {
            tour.snap(&mut commands, "09-debrief-turns");
            hands.navigate.write(Navigate(Screen::Progress));
            tour.expect(
                Screen::Progress,
                &Step::Progress,
                "the progress screen did not open",
            );
        }
        Step::Progress if settled => {
            tour.snap(&mut commands, "10-progress");
            hands.navigate.write(Navigate(Screen::Settings));
            tour.expect(Screen::Settings, &Step::Settings, "the settings did not open");
        }
        Step::Settings if settled => {
            tour.snap(&mut commands, "11-settings");
            let settings = game.records.settings.clone();
            hands.settings.write(ChangeSettings(Settings {
                language: "zh".to_owned(),
                ..settings.clone()
            }));
            tour.settings = Some(settings);
            hands.navigate.write(Navigate(Screen::Picker));
            tour.expect(Screen::Picker, &Step::PickerZh, "the picker did not open");
        }
        Step::PickerZh if settled => {
            tour.snap(&mut commands, "12-picker-zh");
            if let Some(id) = reference(&game.scenarios) {
                hands.pick.write(PickScenario(id));
            }
            tour.go(Step::Ringing { then: &Step::CallZh });
        }
        Step::Ringing { then } if screen == Screen::Incoming && settled => {
            tour.press(Press::enter());
            tour.expect(Screen::Call, then, "Enter did not answer the call");
        }
        Step::Ringing { .. } if screen != Screen::Incoming && tour.frames > PATIENCE => {
            tour.fail(format!("picking a scenario did not ring (still on {screen:?})"));
        }
        Step::CallZh if settled => {
            let key = game
                .live
                .as_ref()
                .and_then(|l| l.call.hint().and_then(|o| key_for(l.call.options(), o.number)))
                .and_then(Press::char);
            if let Some(key) = key {
                tour.press(key);
            }
            tour.press(Press::space());
            tour.go(Step::CallZhShot);
        }
        Step::CallZhShot if settled => {
            tour.snap(&mut commands, "13-call-zh");
            // Back in English, replying in one's own words.
            let settings = tour
                .settings
                .clone()
                .unwrap_or_else(|| game.records.settings.clone());
            hands.settings.write(ChangeSettings(Settings {
                reply_by: ReplyBy::Typing,
                ..settings
            }));
            hands.navigate.write(Navigate(Screen::Picker));
            tour.expect(Screen::Picker, &Step::PickerTyped, "the picker did not open");
        }
        Step::PickerTyped if settled => {
            if let Some(id) = reference(&game.scenarios) {
                hands.pick.write(PickScenario(id));
            }
            tour.go(Step::Ringing { then: &Step::Typing });
        }
        Step::Typing if settled => {
            let Some(live) = game.live else {
                tour.fail("the call screen has no call".to_owned());
                return;
            };
            if live.call.is_over() {
                tour.go(Step::TypedEnded);
                return;
            }
            if !live.typing {
                // The sentence model is still loading: the options show.
                if tour.frames > PATIENCE * 8 {
                    tour.fail("typed mode never came: the sentence model did not load".to_owned());
                }
                return;
            }
            if live.unsure.is_some() {
                // The trainee clicks the closest of the two.
                hands.meant.write(PickMeant(1));
                let turns = live.call.turns().len();
                tour.go(Step::Typed { turns });
                return;
            }
            let Some(best) = live.call.hint() else {
                tour.fail("nothing to say and the call is not over".to_owned());
                return;
            };
            let text = best.text.clone();
            // Space shows the caller's whole line at once first.
            tour.press(Press::space());
            tour.type_text(&text);
            tour.press(Press::enter());
            let turns = live.call.turns().len();
            tour.go(Step::Typed { turns });
        }
        Step::Typed { turns } => {
            let Some(live) = game.live else {
                tour.fail("the call screen has no call".to_owned());
                return;
            };
            if live.call.turns().len() > turns {
                let understood = live
                    .call
                    .turns()
                    .last()
                    .is_some_and(|t| t.typed.is_some() && t.reply != NOT_UNDERSTOOD_ID);
                if understood && !tour.typed_shot {
                    tour.typed_shot = true;
                    tour.go(Step::TypedShot);
                } else {
                    tour.go(Step::Typing);
                }
            } else if live.unsure.is_some() && tour.frames > SETTLE_FRAMES {
                tour.go(Step::Typing);
            } else if tour.frames > PATIENCE * 4 {
                tour.fail("Enter on a typed reply did nothing".to_owned());
            }
        }
        Step::TypedShot if settled => {
            tour.snap(&mut commands, "14-call-typed");
            tour.go(Step::Typing);
        }
        Step::TypedEnded => {
            let now = game.time.elapsed_secs_f64();
            if game.live.as_ref().is_none_or(|l| l.line_is_whole(now)) && tour.frames > SETTLE_FRAMES {
                // "See the debrief" has the focus.
                tour.press(Press::enter());
                tour.expect(
                    Screen::Debrief,
                    &Step::DebriefTyped,
                    "Enter did not open the typed call's debrief",
                );
            }
        }
        Step::DebriefTyped if settled => {
            // Down to the turns, where what was typed shows.
            tour.press(Press::named(KeyCode::PageDown, Key::PageDown));
            tour.go(Step::DebriefTypedShot);
        }
        Step::DebriefTypedShot if settled => {
            tour.snap(&mut commands, "15-debrief-typed");
            if let Some(settings) = tour.settings.take() {
                hands.settings.write(ChangeSettings(settings));
            }
            tour.go(Step::Done);
        }
        Step::Await {
            screen: want,
            next,
            why,
        } => {
            if screen == want {
                tour.go(*next);
            } else if tour.frames > PATIENCE {
                tour.fail(format!("{why} (still on {screen:?})"));
            }
        }
        Step::Done => {
            let code = finish(&tour, game.last.as_deref());
            hands.exit.write(code);
            tour.go(Step::Exited);
        }
        _ if tour.frames > PATIENCE * 4 => {
            let step = tour.step;
            tour.fail(format!("stuck at {step:?} on {screen:?}"));
        }
        _ => {}
    }
}

impl Tour {
    fn shots(&self) -> Vec<Shot> {
        self.shots.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

/// The scenario the tour plays: the reference one, else the first playable.
fn reference(scenarios: &Scenarios) -> Option<String> {
    scenarios
        .model(PREFERRED)
        .map(|m| m.scenario.id.clone())
        .or_else(|| {
            scenarios
                .entries()
                .iter()
                .find_map(|e| e.scenario_id().map(str::to_owned))
        })
}

/// Writes `tour.json`, prints it, and says how the program should exit.
fn finish(tour: &Tour, last: Option<&LastCall>) -> AppExit {
    let debrief = last.map(|l| &l.debrief);
    let mut failure = tour.failure.clone();
    let screens = tour.shots();
    let blank: Vec<&str> = screens
        .iter()
        .filter(|s| s.blank)
        .map(|s| s.name.as_str())
        .collect();
    let missing: Vec<&str> = PICTURES
        .iter()
        .copied()
        .filter(|name| match *name {
            "05-call-account" => tour.offered_account,
            "06-call-on-hold" => tour.held,
            _ => true,
        })
        .filter(|name| !screens.iter().any(|s| s.name == *name))
        .collect();
    if failure.is_none() && debrief.is_none() {
        failure = Some("the scripted call did not reach its ending".to_owned());
    }
    if failure.is_none() && !blank.is_empty() {
        failure = Some(format!("blank pictures: {}", blank.join(", ")));
    }
    if failure.is_none() && !missing.is_empty() {
        failure = Some(format!("pictures not taken: {}", missing.join(", ")));
    }
    let summary = Summary {
        ended: debrief.is_some(),
        ending: debrief.map(|d| d.ending.id.clone()),
        respect: debrief.map(|d| d.respect.percent),
        sincerity: debrief.map(|d| d.sincerity.percent),
        keys: tour.pressed.join(" "),
        failure: failure.clone(),
        seconds: tour.started.elapsed().as_secs_f64(),
        screens,
    };
    let json = serde_json::to_string_pretty(&summary).unwrap_or_default();
    if let Err(err) = std::fs::write(tour.dir.join("tour.json"), &json) {
        error!("cannot write tour.json: {err}");
    }
    println!("{json}");
    match failure {
        None => AppExit::Success,
        Some(why) => {
            error!("screenshot tour failed: {why}");
            AppExit::error()
        }
    }
}
