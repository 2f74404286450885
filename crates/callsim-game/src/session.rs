//! The trainee's session: who is training, which call is ringing or on the
//! line, and how the last one went. Systems here turn what the trainee
//! chose (the messages, written by the screens or by tests) into calls to
//! the core; nothing here draws or scores.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bevy::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use callsim_core::call::{Call, CallRecord, Step};
use callsim_core::debrief::Debrief;
use callsim_core::engine::Model;
use callsim_core::points::Points;
use callsim_core::scenario::Action;

use super::records::Records;
use super::screens::Screen;
use super::{GameSystems, Launch, Scenarios};
use callsim_core::call::Mode;
use callsim_trainee::progress::{AttemptId, Settings, TraineeId, flag_typed_turn};

pub(super) fn plugin(app: &mut App) {
    let launch = app.world().get_resource::<Launch>().cloned().unwrap_or_default();
    app.insert_resource(Seeds::new(launch.seed));
    app.add_message::<Navigate>()
        .add_message::<SignIn>()
        .add_message::<AddTrainee>()
        .add_message::<ChangeSettings>()
        .add_message::<PickScenario>()
        .add_message::<AnswerCall>()
        .add_message::<ChooseOption>()
        .add_message::<ShowWholeLine>()
        .add_message::<TakeOffHold>()
        .add_message::<ToggleAccount>()
        .add_message::<OpenDebrief>()
        .add_message::<TryAgain>()
        .add_message::<ReplayCall>()
        .add_message::<FlagTyped>()
        .add_message::<Quit>();
    app.add_systems(Startup, straight_into_a_call);
    app.add_systems(
        Update,
        (
            navigate,
            sign_in,
            add_trainee,
            pick_scenario,
            try_again,
            replay_call,
            answer_call,
            choose_option,
            show_whole_line,
            take_off_hold,
            toggle_account,
            open_debrief,
            flag_typed,
            quit,
        )
            .chain()
            .in_set(GameSystems::Act),
    );
    // After every other act, so settings a class asks for in this frame
    // (its systems act too) show in this frame's picture, not after the
    // next input.
    app.add_systems(Update, change_settings.after(GameSystems::Act));
    app.add_systems(
        Update,
        end_hold
            .in_set(GameSystems::Tick)
            .run_if(resource_exists::<LiveCall>),
    );
}

/// Go to a screen that needs nothing prepared (title, picker, progress,
/// settings).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Navigate(pub Screen);

/// Continue as an existing trainee (by id).
#[derive(Message, Debug, Clone, Copy)]
pub struct SignIn(pub TraineeId);

/// Start as a new trainee (by name).
#[derive(Message, Debug, Clone)]
pub struct AddTrainee(pub String);

#[derive(Message, Debug, Clone)]
pub struct ChangeSettings(pub Settings);

/// Let this scenario's caller phone in (by scenario id).
#[derive(Message, Debug, Clone)]
pub struct PickScenario(pub String);

#[derive(Message, Debug, Clone, Copy, Default)]
pub struct AnswerCall;

/// Choose the option with this number, as `Call::options` numbers them
/// (1-based, display order): a reply or an action.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChooseOption(pub usize);

/// Show the caller's line whole rather than as it is being said.
#[derive(Message, Debug, Clone, Copy, Default)]
pub struct ShowWholeLine;

#[derive(Message, Debug, Clone, Copy, Default)]
pub struct TakeOffHold;

/// Show or hide the account panel.
#[derive(Message, Debug, Clone, Copy, Default)]
pub struct ToggleAccount;

#[derive(Message, Debug, Clone, Copy, Default)]
pub struct OpenDebrief;

/// The same scenario again, with a new seed.
#[derive(Message, Debug, Clone, Copy, Default)]
pub struct TryAgain;

/// The same scenario again with the same seed: the same caller, the same
/// lines for the same replies.
#[derive(Message, Debug, Clone, Copy, Default)]
pub struct ReplayCall;

/// The trainee's "that is not what I meant" on a typed turn of the last
/// call (turn number, 1-based), or its withdrawal.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagTyped {
    pub turn: usize,
    pub flagged: bool,
}

#[derive(Message, Debug, Clone, Copy, Default)]
pub struct Quit;

/// Where new calls' seeds come from: the launch's seed first (so a
/// scripted run is repeatable), then a generator.
#[derive(Resource, Debug)]
pub struct Seeds {
    first: Option<u64>,
    rng: ChaCha8Rng,
}

impl Seeds {
    pub fn new(first: Option<u64>) -> Seeds {
        let start = first.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
                ^ u64::from(std::process::id())
        });
        Seeds {
            first,
            rng: ChaCha8Rng::seed_from_u64(start),
        }
    }

    pub fn next_seed(&mut self) -> u64 {
        // Seeds people can read out loud and type into `callsim play`.
        self.first
            .take()
            .unwrap_or_else(|| self.rng.random_range(1..1_000_000))
    }
}

/// The call that is ringing.
#[derive(Resource, Debug, Clone)]
pub struct NextCall {
    pub model: Arc<Model>,
    pub seed: u64,
}

/// How fast the caller's line appears, in characters a second.
const LETTERS_PER_SECOND: f64 = 45.0;
/// Chinese says more per character.
const HANZI_PER_SECOND: f64 = 16.0;
/// A practice-mode flash of a reply's points stays this long.
pub const FLASH_SECONDS: f64 = 2.5;

/// How long a hold of `seconds` call time takes to watch: compressed, so
/// the trainee sees the cost without waiting a real minute.
pub fn hold_duration(seconds: u32) -> f64 {
    (f64::from(seconds) / 15.0).clamp(2.0, 5.0)
}

/// The caller on hold.
#[derive(Debug, Clone, Copy)]
pub struct Hold {
    /// Call time the hold lasts.
    pub seconds: u32,
    /// When it started, on the game's clock (real seconds).
    pub started: f64,
}

impl Hold {
    pub fn ends(&self) -> f64 {
        self.started + hold_duration(self.seconds)
    }

    /// Call time spent on hold so far.
    pub fn held(&self, now: f64) -> u32 {
        let share = ((now - self.started) / hold_duration(self.seconds)).clamp(0.0, 1.0);
        (share * f64::from(self.seconds)) as u32
    }
}

/// A reply's points, flashed briefly in practice mode.
#[derive(Debug, Clone, Copy)]
pub struct Flash {
    pub points: Points,
    pub at: f64,
}

/// The call on the line, and how it is being presented (the line being
/// said, the hold, the flash). Times are real seconds since the game
/// started.
#[derive(Resource, Debug)]
pub struct LiveCall {
    pub call: Call,
    pub mode: Mode,
    /// When the caller began saying the current line.
    pub line_started: f64,
    pub whole_line: bool,
    pub hold: Option<Hold>,
    pub flash: Option<Flash>,
    pub account_open: bool,
    /// The trainee replies in their own words (settings, and the model
    /// is ready).
    pub typing: bool,
    /// A typed reply the game was unsure of: the trainee picks which reply
    /// they meant or says it another way.
    pub unsure: Option<callsim_core::understand::Reading>,
}

impl LiveCall {
    pub fn start(model: Arc<Model>, seed: u64, lang: &str, mode: Mode, now: f64) -> LiveCall {
        LiveCall {
            call: Call::start(model, seed, lang),
            mode,
            line_started: now,
            whole_line: false,
            hold: None,
            flash: None,
            account_open: false,
            typing: false,
            unsure: None,
        }
    }

    fn speed(text: &str) -> f64 {
        let hanzi = text
            .chars()
            .filter(|c| ('\u{3400}'..='\u{9fff}').contains(c))
            .count();
        if hanzi * 3 > text.chars().count() {
            HANZI_PER_SECOND
        } else {
            LETTERS_PER_SECOND
        }
    }

    /// How much of the caller's current line has been said, in characters.
    pub fn said(&self, now: f64) -> usize {
        let line = self.call.caller_line();
        let total = line.chars().count();
        if self.whole_line {
            return total;
        }
        let elapsed = (now - self.line_started).max(0.0);
        ((elapsed * Self::speed(line)) as usize).min(total)
    }

    pub fn line_is_whole(&self, now: f64) -> bool {
        self.said(now) >= self.call.caller_line().chars().count()
    }

    /// The call clock, in call seconds: real time since answering, with
    /// holds counted at their full length.
    pub fn clock(&self, now: f64) -> u32 {
        // The core's call time (each reply takes the seconds its scenario
        // gives it): the figure the debrief shows. A hold is already
        // counted there; while it plays out it runs up second by second.
        match self.hold {
            Some(hold) => self
                .call
                .clock()
                .saturating_sub(hold.seconds)
                .saturating_add(hold.held(now)),
            None => self.call.clock(),
        }
    }

    /// The flash to show now, if any.
    pub fn flash(&self, now: f64) -> Option<Flash> {
        self.flash.filter(|f| now - f.at < FLASH_SECONDS)
    }

    /// Seconds until something on screen changes by itself (a letter of
    /// the line, the hold timer, the clock, the flash going), if anything
    /// will.
    pub fn next_change(&self, now: f64) -> Option<f64> {
        let mut next: Option<f64> = None;
        let mut soon = |t: f64| next = Some(next.map_or(t, |n: f64| n.min(t)));
        if let Some(hold) = self.hold {
            let per_second = hold_duration(hold.seconds) / f64::from(hold.seconds.max(1));
            // The timer and bar move five times a second, not once per
            // second of call time (36 frames a second for a 3-minute hold).
            soon(per_second.max(0.2));
            soon(hold.ends() - now);
        } else if !self.line_is_whole(now) {
            soon(1.0 / Self::speed(self.call.caller_line()));
        }
        if let Some(flash) = self.flash(now) {
            soon(flash.at + FLASH_SECONDS - now);
        }
        next.map(|t| t.max(0.0))
    }

    pub(crate) fn after(&mut self, step: &Step, now: f64) {
        self.whole_line = false;
        self.line_started = now;
        if self.mode == Mode::Practice {
            self.flash = Some(Flash {
                points: step.turn.points,
                at: now,
            });
        }
        match step.turn.action {
            Action::CheckAccount => self.account_open = true,
            Action::Hold { seconds } if step.ended.is_none() => {
                let hold = Hold {
                    seconds,
                    started: now,
                };
                self.line_started = hold.ends();
                self.hold = Some(hold);
            }
            _ => {}
        }
    }

    pub(crate) fn end_hold(&mut self, now: f64) {
        if self.hold.take().is_some() {
            self.line_started = now;
        }
    }
}

/// The last finished call and its debrief.
#[derive(Resource, Debug, Clone)]
pub struct LastCall {
    pub debrief: Debrief,
    pub record: CallRecord,
    /// Why it could not be saved, if it could not.
    pub not_saved: Option<String>,
    /// The saved call, when it was saved.
    pub attempt: Option<AttemptId>,
}

fn now(time: &Time<Real>) -> f64 {
    time.elapsed_secs_f64()
}

fn straight_into_a_call(
    launch: Res<Launch>,
    scenarios: Res<Scenarios>,
    mut records: ResMut<Records>,
    mut seeds: ResMut<Seeds>,
    time: Res<Time<Real>>,
    mut screen: ResMut<NextState<Screen>>,
    mut commands: Commands,
) {
    let open = match launch.open {
        Some(crate::OpenAt::Picker) => Some(Screen::Picker),
        Some(crate::OpenAt::Progress) => Some(Screen::Progress),
        Some(crate::OpenAt::Settings) => Some(Screen::Settings),
        Some(crate::OpenAt::Class) => Some(Screen::Class),
        Some(crate::OpenAt::Incoming) | None => None,
    };
    if let Some(open) = open {
        if let Some(last) = records.last_trainee().map(|t| t.id) {
            records.sign_in(last);
        }
        screen.set(open);
        return;
    }
    let Some(id) = &launch.call else {
        return;
    };
    let Some(model) = scenarios.model(id) else {
        error!(
            "--call {id}: no playable scenario with this id in {}",
            scenarios.dir().display()
        );
        return;
    };
    if let Some(last) = records.last_trainee().map(|t| t.id) {
        records.sign_in(last);
    }
    let seed = seeds.next_seed();
    if launch.open == Some(crate::OpenAt::Incoming) {
        ring(model, seed, &mut commands, &mut screen);
        return;
    }
    commands.insert_resource(NextCall {
        model: Arc::clone(&model),
        seed,
    });
    commands.insert_resource(LiveCall::start(
        model,
        seed,
        &records.settings.language,
        records.settings.mode,
        now(&time),
    ));
    screen.set(Screen::Call);
}

fn navigate(mut asked: MessageReader<Navigate>, mut screen: ResMut<NextState<Screen>>) {
    if let Some(Navigate(to)) = asked.read().last() {
        screen.set(*to);
    }
}

fn sign_in(
    mut asked: MessageReader<SignIn>,
    mut records: ResMut<Records>,
    mut screen: ResMut<NextState<Screen>>,
) {
    if let Some(SignIn(id)) = asked.read().last() {
        records.sign_in(*id);
        screen.set(Screen::Picker);
    }
}

fn add_trainee(
    mut asked: MessageReader<AddTrainee>,
    mut records: ResMut<Records>,
    mut screen: ResMut<NextState<Screen>>,
) {
    for AddTrainee(name) in asked.read() {
        match records.add_trainee(name) {
            Ok(_) => screen.set(Screen::Picker),
            // The title screen shows why.
            Err(problem) => warn!("cannot add trainee {name:?}: {problem:?}"),
        }
    }
}

fn change_settings(mut asked: MessageReader<ChangeSettings>, mut records: ResMut<Records>) {
    if let Some(ChangeSettings(settings)) = asked.read().last() {
        records.save_settings(settings.clone());
    }
}

fn ring(model: Arc<Model>, seed: u64, commands: &mut Commands, screen: &mut NextState<Screen>) {
    commands.insert_resource(NextCall { model, seed });
    screen.set(Screen::Incoming);
}

fn pick_scenario(
    mut asked: MessageReader<PickScenario>,
    scenarios: Res<Scenarios>,
    mut seeds: ResMut<Seeds>,
    mut screen: ResMut<NextState<Screen>>,
    mut commands: Commands,
) {
    if let Some(PickScenario(id)) = asked.read().last() {
        match scenarios.model(id) {
            Some(model) => ring(model, seeds.next_seed(), &mut commands, &mut screen),
            None => warn!("no playable scenario `{id}`"),
        }
    }
}

/// The scenario as it is now on disk (it may have been edited since the
/// last call), else as it was.
fn latest(scenarios: &Scenarios, last: &LastCall, next: Option<&NextCall>) -> Option<Arc<Model>> {
    scenarios
        .model(&last.debrief.scenario)
        .or_else(|| next.map(|n| Arc::clone(&n.model)))
}

fn try_again(
    mut asked: MessageReader<TryAgain>,
    scenarios: Res<Scenarios>,
    last: Option<Res<LastCall>>,
    next: Option<Res<NextCall>>,
    mut seeds: ResMut<Seeds>,
    mut screen: ResMut<NextState<Screen>>,
    mut commands: Commands,
) {
    if asked.read().count() == 0 {
        return;
    }
    if let Some(model) = last.and_then(|last| latest(&scenarios, &last, next.as_deref())) {
        ring(model, seeds.next_seed(), &mut commands, &mut screen);
    }
}

fn replay_call(
    mut asked: MessageReader<ReplayCall>,
    scenarios: Res<Scenarios>,
    last: Option<Res<LastCall>>,
    next: Option<Res<NextCall>>,
    mut screen: ResMut<NextState<Screen>>,
    mut commands: Commands,
) {
    if asked.read().count() == 0 {
        return;
    }
    if let Some(last) = last
        && let Some(model) = latest(&scenarios, &last, next.as_deref())
    {
        ring(model, last.record.seed, &mut commands, &mut screen);
    }
}

fn answer_call(
    mut asked: MessageReader<AnswerCall>,
    next: Option<Res<NextCall>>,
    records: Res<Records>,
    time: Res<Time<Real>>,
    mut screen: ResMut<NextState<Screen>>,
    mut commands: Commands,
) {
    if asked.read().count() == 0 {
        return;
    }
    let Some(next) = next else {
        return;
    };
    commands.insert_resource(LiveCall::start(
        Arc::clone(&next.model),
        next.seed,
        &records.settings.language,
        records.settings.mode,
        now(&time),
    ));
    screen.set(Screen::Call);
}

fn choose_option(
    mut asked: MessageReader<ChooseOption>,
    live: Option<ResMut<LiveCall>>,
    mut records: ResMut<Records>,
    time: Res<Time<Real>>,
    mut commands: Commands,
) {
    let Some(mut live) = live else {
        asked.clear();
        return;
    };
    let now = now(&time);
    for ChooseOption(number) in asked.read() {
        if live.call.is_over() {
            break;
        }
        live.end_hold(now);
        match live.call.choose(*number) {
            Ok(step) => live.after(&step, now),
            Err(err) => {
                warn!("{err}");
                continue;
            }
        }
        keep_if_over(&live, &mut records, &mut commands);
    }
}

/// Once the call is over: records the attempt and keeps the debrief for
/// the debrief screen.
pub(crate) fn keep_if_over(live: &LiveCall, records: &mut Records, commands: &mut Commands) {
    if let Some(debrief) = live.call.debrief() {
        let record = live.call.record();
        let saved = records.record(&debrief, &record);
        commands.insert_resource(LastCall {
            debrief,
            record,
            attempt: saved.as_ref().ok().copied(),
            not_saved: saved.err(),
        });
    }
}

fn show_whole_line(mut asked: MessageReader<ShowWholeLine>, live: Option<ResMut<LiveCall>>) {
    if asked.read().count() > 0
        && let Some(mut live) = live
    {
        live.whole_line = true;
    }
}

fn take_off_hold(
    mut asked: MessageReader<TakeOffHold>,
    live: Option<ResMut<LiveCall>>,
    time: Res<Time<Real>>,
) {
    if asked.read().count() > 0
        && let Some(mut live) = live
    {
        live.end_hold(now(&time));
    }
}

fn toggle_account(mut asked: MessageReader<ToggleAccount>, live: Option<ResMut<LiveCall>>) {
    let toggles = asked.read().count();
    if toggles % 2 == 1
        && let Some(mut live) = live
    {
        live.account_open = !live.account_open && live.call.account().is_some();
    }
}

fn open_debrief(
    mut asked: MessageReader<OpenDebrief>,
    last: Option<Res<LastCall>>,
    mut screen: ResMut<NextState<Screen>>,
) {
    if asked.read().count() > 0 && last.is_some() {
        screen.set(Screen::Debrief);
    }
}

/// Flags (or unflags) a typed turn of the last call: in its debrief, and in
/// the saved call, from which the class outbox sends it again.
fn flag_typed(
    mut asked: MessageReader<FlagTyped>,
    last: Option<ResMut<LastCall>>,
    mut records: ResMut<Records>,
) {
    let Some(mut last) = last else {
        asked.clear();
        return;
    };
    for &FlagTyped { turn, flagged } in asked.read() {
        if !flag_typed_turn(&mut last.debrief, turn, flagged) {
            continue;
        }
        if let Some(id) = last.attempt
            && let Err(e) = records.flag_typed(id, turn, flagged)
        {
            warn!("the flag on turn {turn} could not be saved: {e}");
            last.not_saved = Some(e);
        }
    }
}

fn quit(mut asked: MessageReader<Quit>, mut exit: MessageWriter<AppExit>) {
    if asked.read().count() > 0 {
        exit.write(AppExit::Success);
    }
}

/// Takes the caller off hold when the hold has played out.
fn end_hold(mut live: ResMut<LiveCall>, time: Res<Time<Real>>) {
    let now = now(&time);
    if live.hold.is_some_and(|h| now >= h.ends()) {
        live.end_hold(now);
    }
}
