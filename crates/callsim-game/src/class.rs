//! The game's side of a class hub: joining a facilitator's class, sending
//! every finished call through the durable outbox, and vote mode for the
//! trainees and the facilitator. The hub is reached from threads of the
//! game's own (the `class_client` calls block); what it answers comes back
//! over a channel that a system applies each frame, waking the event loop so
//! that an idle game notices. Nothing here draws or scores.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use bevy::prelude::*;
use bevy::winit::{EventLoopProxy, EventLoopProxyWrapper, WinitUserEvent};

use callsim_core::call::Mode;
use callsim_trainee::class::{
    Auth, ClassInfo, ClientError, Facilitation, HubClient, Membership, NewClass, NewVote, Outbox, SendReport,
    VoteDebrief, VoteView, Waiting,
};

use super::records::Records;
use super::screens::Screen;
use super::session::{ChangeSettings, LastCall, Seeds};
use super::{GameSystems, Launch};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<JoinClass>()
        .add_message::<LeaveClass>()
        .add_message::<CreateClass>()
        .add_message::<StopRunningClass>()
        .add_message::<StartClassVote>()
        .add_message::<FollowClassVote>()
        .add_message::<CastClassVote>()
        .add_message::<PlayClassTurn>()
        .add_message::<LeaveClassVote>();
    app.add_systems(Startup, open);
    app.add_systems(
        Update,
        (
            // First: what the hub answers this frame (join, refresh) then
            // comes after it, with the class's mode too.
            keep_typing_required,
            join_class,
            leave_class,
            create_class,
            stop_running_class,
            start_vote,
            follow_vote,
            cast_vote,
            play_turn,
            leave_vote,
            hear_from_hub,
            send_finished_call,
        )
            .chain()
            .in_set(GameSystems::Act)
            .run_if(resource_exists::<Class>),
    );
}

/// The outbox file in the game's data folder.
pub const OUTBOX_FILE: &str = "class-outbox.sqlite3";

/// How often attempts still waiting are tried again while the hub is away.
const RETRY: Duration = Duration::from_secs(5);
/// How long one wait for a vote's next change lasts (the hub answers at once
/// when something changes; at most 30 s).
const LONG_POLL: Duration = Duration::from_secs(20);

/// Join the class with this join code on the hub at this address.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct JoinClass {
    pub hub: String,
    pub join_code: String,
    pub name: String,
}

/// Leave the class on this PC (calls already finished are still sent).
#[derive(Message, Debug, Clone, Copy, Default)]
pub struct LeaveClass;

/// The facilitator sets up another class: this PC forgets the one it runs
/// (which goes on at the hub, its results page still working).
#[derive(Message, Debug, Clone, Copy, Default)]
pub struct StopRunningClass;

/// The facilitator creates a class on a hub, from this game.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct CreateClass {
    pub hub: String,
    pub name: String,
    /// Scenario ids, in the order trainees' pickers show them.
    pub scenarios: Vec<String>,
    pub mode: Mode,
    /// Trainees must type their replies.
    pub typing_required: bool,
}

/// The facilitator starts a call the class votes on, in the game's language.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct StartClassVote {
    pub scenario: String,
}

/// A trainee goes to the class's vote, if the facilitator has started one.
#[derive(Message, Debug, Clone, Copy, Default)]
pub struct FollowClassVote;

/// A trainee votes for this reply (by id) on the turn open now.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct CastClassVote(pub String);

/// The facilitator plays the turn open now: the class's choice with `None`,
/// or this reply.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct PlayClassTurn(pub Option<String>);

/// Back out of the vote screen; the vote goes on at the hub. A trainee
/// stops following it (and can go to it again); the facilitator keeps it,
/// to come back to.
#[derive(Message, Debug, Clone, Copy, Default)]
pub struct LeaveClassVote;

/// Who is looking at a vote from this game.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteRole {
    Trainee,
    Facilitator,
}

/// The vote this game follows: the newest view the hub sent, and the
/// debrief once the call is over.
#[derive(Debug)]
pub struct FollowedVote {
    pub role: VoteRole,
    pub view: VoteView,
    pub debrief: Option<VoteDebrief>,
    /// Tells the thread waiting on the hub to stop.
    stop: Arc<AtomicBool>,
}

impl Drop for FollowedVote {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// This PC's class: the membership, the outbox's state, the facilitator's
/// class and the vote being followed, as the screens show them.
#[derive(Resource)]
pub struct Class {
    outbox: Option<Arc<Outbox>>,
    pub membership: Option<Membership>,
    pub facilitating: Option<Facilitation>,
    /// A request the screen waits on (join, create, open or find a vote).
    pub busy: bool,
    /// What went wrong last, in words for the class screen.
    pub problem: Option<String>,
    /// Finished calls not yet on the hub, refused ones included.
    pub waiting: Vec<Waiting>,
    /// Why the hub could not be reached on the last try, if it could not.
    pub unreachable: Option<String>,
    /// Finished calls the hub acknowledged during this run.
    pub sent: usize,
    pub vote: Option<FollowedVote>,
    /// The trainee asked for the class vote and there was none yet.
    pub no_vote_yet: bool,
    jobs: Sender<Job>,
    replies: Mutex<Receiver<Reply>>,
    /// For the vote threads this resource starts.
    replies_in: Sender<Reply>,
    waker: Waker,
}

impl Class {
    /// Where `scenario` stands in the class's assignment, if it is assigned.
    pub fn assigned(&self, scenario: &str) -> Option<usize> {
        self.membership
            .as_ref()
            .and_then(|m| m.class.scenarios.iter().position(|s| s.id == scenario))
    }

    /// Finished calls still waiting for the hub (not those it refused).
    pub fn pending(&self) -> usize {
        self.waiting.iter().filter(|w| !w.rejected).count()
    }

    fn send(&self, job: Job) {
        // The worker only stops when the game does.
        let _ = self.jobs.send(job);
    }
}

/// Wakes the game's event loop when an answer arrives (none without a window).
#[derive(Clone)]
struct Waker(Option<EventLoopProxy<WinitUserEvent>>);

impl Waker {
    fn wake(&self) {
        if let Some(proxy) = &self.0 {
            crate::redraw::wake(proxy, crate::redraw::Waker::Class);
        }
    }
}

/// A secret to authenticate with, owned so that a thread can keep it.
#[derive(Debug, Clone)]
enum Key {
    Trainee(String),
    Facilitator(String),
}

impl Key {
    fn auth(&self) -> Auth<'_> {
        match self {
            Key::Trainee(t) => Auth::Trainee(t),
            Key::Facilitator(s) => Auth::Facilitator(s),
        }
    }

    fn role(&self) -> VoteRole {
        match self {
            Key::Trainee(_) => VoteRole::Trainee,
            Key::Facilitator(_) => VoteRole::Facilitator,
        }
    }
}

/// What the worker thread is asked to do.
enum Job {
    Join {
        hub: String,
        code: String,
        name: String,
    },
    Refresh,
    SendPending,
    Create {
        hub: String,
        class: NewClass,
    },
    FindVote {
        hub: String,
        key: Key,
        code: String,
    },
    OpenVote {
        hub: String,
        secret: String,
        code: String,
        vote: NewVote,
    },
    Cast {
        hub: String,
        token: String,
        session: i64,
        turn: usize,
        reply: String,
    },
    Play {
        hub: String,
        secret: String,
        session: i64,
        turn: usize,
        reply: Option<String>,
    },
}

/// What came back from the hub.
enum Reply {
    Joined(Result<Membership, ClientError>),
    Refreshed(Result<ClassInfo, ClientError>),
    Outbox(Result<SendReport, ClientError>, Vec<Waiting>),
    Created(Result<Facilitation, ClientError>),
    /// A vote view asked for (found, opened, after a vote or a play);
    /// `None` when the class has no vote yet.
    Vote {
        hub: String,
        key: Key,
        result: Result<Option<VoteView>, ClientError>,
    },
    /// A newer view of a followed vote, from its thread.
    VoteChanged(VoteView),
    VoteOver(i64, VoteDebrief),
}

/// Opens the outbox in the game's data folder and starts the worker.
fn open(
    mut commands: Commands,
    launch: Res<Launch>,
    mut records: ResMut<Records>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
) {
    let waker = Waker(proxy.map(|p| (**p).clone()));
    let folder = launch
        .data_dir
        .clone()
        .or_else(callsim_trainee::progress::data_folder);
    let opened = match &folder {
        Some(folder) => std::fs::create_dir_all(folder)
            .map_err(|e| format!("{}: {e}", folder.display()))
            .and_then(|()| Outbox::open(&folder.join(OUTBOX_FILE)).map_err(|e| e.to_string())),
        None => Err("this system has no data folder for the game".to_owned()),
    };
    let (outbox, problem) = match opened {
        Ok(outbox) => (Some(Arc::new(outbox)), None),
        Err(e) => {
            warn!("the class outbox cannot be opened, so this PC cannot join a class: {e}");
            (None, Some(e))
        }
    };
    let membership = outbox.as_ref().and_then(|o| o.membership().ok().flatten());
    let facilitating = outbox.as_ref().and_then(|o| o.facilitation().ok().flatten());
    records.play_for_class(membership.as_ref().map(Membership::key));
    // Calls saved for the class that the outbox never got: the game
    // stopped between saving one and queuing it.
    if let (Some(o), Some(store)) = (&outbox, records.store()) {
        match o.catch_up(store) {
            Ok(0) => {}
            Ok(n) => info!("{n} finished calls saved before the game stopped are queued for the class"),
            Err(e) => warn!("the calls saved for the class could not be queued: {e}"),
        }
    }
    let waiting = outbox.as_ref().and_then(|o| o.waiting().ok()).unwrap_or_default();
    let (jobs, jobs_out) = mpsc::channel();
    let (replies_in, replies) = mpsc::channel();
    spawn_worker(outbox.clone(), jobs_out, replies_in.clone(), waker.clone());
    let class = Class {
        outbox,
        membership,
        facilitating,
        busy: false,
        problem,
        waiting,
        unreachable: None,
        sent: 0,
        vote: None,
        no_vote_yet: false,
        jobs,
        replies: Mutex::new(replies),
        replies_in,
        waker,
    };
    if class.membership.is_some() {
        // What the facilitator assigned may have changed since the last run,
        // and calls from then may still wait.
        class.send(Job::Refresh);
        class.send(Job::SendPending);
    }
    commands.insert_resource(class);
}

fn spawn_worker(outbox: Option<Arc<Outbox>>, jobs: Receiver<Job>, replies: Sender<Reply>, waker: Waker) {
    let spawned = thread::Builder::new()
        .name("callsim-class".into())
        .spawn(move || {
            let mut retry = false;
            loop {
                let job = if retry {
                    match jobs.recv_timeout(RETRY) {
                        Ok(job) => job,
                        Err(RecvTimeoutError::Timeout) => Job::SendPending,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                } else {
                    match jobs.recv() {
                        Ok(job) => job,
                        Err(_) => return,
                    }
                };
                let reply = work(outbox.as_deref(), job);
                if let Reply::Outbox(_, waiting) = &reply {
                    retry = waiting.iter().any(|w| !w.rejected);
                }
                if replies.send(reply).is_err() {
                    return;
                }
                waker.wake();
            }
        });
    if let Err(e) = spawned {
        error!("cannot start the class thread: {e}");
    }
}

fn no_outbox() -> ClientError {
    ClientError::Local("the class outbox could not be opened on this PC".into())
}

/// Does one job against the hub; blocking, on the worker thread.
fn work(outbox: Option<&Outbox>, job: Job) -> Reply {
    let client = |hub: &str| HubClient::new(hub);
    match job {
        Job::Join { hub, code, name } => Reply::Joined(
            outbox
                .ok_or_else(no_outbox)
                .and_then(|o| client(&hub).and_then(|c| o.join(&c, &code, &name))),
        ),
        Job::Refresh => Reply::Refreshed((|| -> Result<ClassInfo, ClientError> {
            let o = outbox.ok_or_else(no_outbox)?;
            let m = o
                .membership()?
                .ok_or_else(|| ClientError::Local("not in a class".into()))?;
            let info = client(&m.hub)?.me(&m.token)?;
            o.remember(&Membership {
                class: info.class.clone(),
                ..m
            })?;
            Ok(info.class)
        })()),
        Job::SendPending => match outbox {
            Some(o) => {
                let report = o.send_pending();
                let waiting = o.waiting().unwrap_or_default();
                Reply::Outbox(report, waiting)
            }
            None => Reply::Outbox(Err(no_outbox()), Vec::new()),
        },
        Job::Create { hub, class } => Reply::Created(client(&hub).and_then(|c| {
            let created = c.create_class(&class)?;
            let running = Facilitation {
                hub: c.address().to_owned(),
                secret: created.facilitator_secret,
                class: created.class,
                results_url: created.results_url,
            };
            // Kept, the class outlives this run of the game; not kept, it
            // still runs until the game closes.
            if let Some(Err(e)) = outbox.map(|o| o.run_class(&running)) {
                warn!("the class this PC runs could not be saved for the next run: {e}");
            }
            Ok(running)
        })),
        Job::FindVote { hub, key, code } => {
            let result = client(&hub).and_then(|c| c.current_vote(key.auth(), &code));
            Reply::Vote { hub, key, result }
        }
        Job::OpenVote {
            hub,
            secret,
            code,
            vote,
        } => {
            let result = client(&hub)
                .and_then(|c| c.open_vote(&secret, &code, &vote))
                .map(Some);
            Reply::Vote {
                hub,
                key: Key::Facilitator(secret),
                result,
            }
        }
        Job::Cast {
            hub,
            token,
            session,
            turn,
            reply,
        } => {
            let result = client(&hub)
                .and_then(|c| c.cast_vote(&token, session, turn, &reply))
                .map(Some);
            Reply::Vote {
                hub,
                key: Key::Trainee(token),
                result,
            }
        }
        Job::Play {
            hub,
            secret,
            session,
            turn,
            reply,
        } => {
            let result = client(&hub)
                .and_then(|c| c.play(&secret, session, turn, reply.as_deref()))
                .map(Some);
            Reply::Vote {
                hub,
                key: Key::Facilitator(secret),
                result,
            }
        }
    }
}

/// Follows a vote from a thread of its own: waits on the hub for each newer
/// view (a long poll), and fetches the debrief when the call ends.
fn spawn_vote_watch(
    hub: String,
    key: Key,
    first: &VoteView,
    stop: Arc<AtomicBool>,
    replies: Sender<Reply>,
    waker: Waker,
) {
    let (session, mut version) = (first.session_id, first.version);
    let mut over = first.ending.is_some();
    let spawned = thread::Builder::new()
        .name("callsim-class-vote".into())
        .spawn(move || {
            let Ok(client) = HubClient::new(&hub) else {
                return;
            };
            while !stop.load(Ordering::SeqCst) {
                if over {
                    match client.vote_debrief(key.auth(), session) {
                        Ok(debrief) => {
                            let _ = replies.send(Reply::VoteOver(session, debrief));
                            waker.wake();
                            return;
                        }
                        Err(e) if e.is_retryable() => thread::sleep(Duration::from_secs(1)),
                        Err(e) => {
                            warn!("the class vote's debrief: {e}");
                            return;
                        }
                    }
                    continue;
                }
                match client.vote_view(key.auth(), session, Some(version), LONG_POLL) {
                    Ok(view) if view.version > version => {
                        version = view.version;
                        over = view.ending.is_some();
                        if replies.send(Reply::VoteChanged(view)).is_err() {
                            return;
                        }
                        waker.wake();
                    }
                    Ok(_) => {}
                    // The hub is away for a moment: ask again shortly.
                    Err(e) if e.is_retryable() => thread::sleep(Duration::from_secs(1)),
                    Err(e) => {
                        warn!("the class vote: {e}");
                        return;
                    }
                }
            }
        });
    if let Err(e) = spawned {
        error!("cannot follow the class vote: {e}");
    }
}

/// The class decides practice or exam, and whether replies are typed: the
/// game follows it.
fn follow_class_mode(class: &ClassInfo, records: &Records, settings: &mut MessageWriter<ChangeSettings>) {
    if let Some(next) = class_settings(class, &records.settings) {
        settings.write(ChangeSettings(next));
    }
}

/// A class that requires typed replies keeps its trainees typing, whoever
/// signs in on the PC and whatever they chose before.
fn keep_typing_required(
    class: Res<Class>,
    records: Res<Records>,
    mut settings: MessageWriter<ChangeSettings>,
) {
    let required = class.membership.as_ref().is_some_and(|m| m.class.typing_required);
    if required && records.settings.reply_by != callsim_trainee::progress::ReplyBy::Typing {
        settings.write(ChangeSettings(super::Settings {
            reply_by: callsim_trainee::progress::ReplyBy::Typing,
            ..records.settings.clone()
        }));
    }
}

/// The settings a class asks for, if they differ from `current`.
pub(crate) fn class_settings(class: &ClassInfo, current: &super::Settings) -> Option<super::Settings> {
    let reply_by = if class.typing_required {
        callsim_trainee::progress::ReplyBy::Typing
    } else {
        current.reply_by
    };
    (current.mode != class.mode || current.reply_by != reply_by).then(|| super::Settings {
        mode: class.mode,
        reply_by,
        ..current.clone()
    })
}

fn join_class(mut asked: MessageReader<JoinClass>, mut class: ResMut<Class>) {
    if let Some(join) = asked.read().last() {
        class.busy = true;
        class.problem = None;
        class.send(Job::Join {
            hub: join.hub.trim().to_owned(),
            code: join.join_code.clone(),
            name: join.name.clone(),
        });
    }
}

/// Has the outbox forget something this PC keeps; false, with the problem
/// shown on the class screen, when it could not.
fn forget(class: &mut Class, what: impl FnOnce(&Outbox) -> Result<(), ClientError>) -> bool {
    if let Some(outbox) = &class.outbox
        && let Err(e) = what(outbox)
    {
        class.problem = Some(e.to_string());
        return false;
    }
    true
}

fn leave_class(mut asked: MessageReader<LeaveClass>, mut class: ResMut<Class>, mut records: ResMut<Records>) {
    if asked.read().count() == 0 || !forget(&mut class, Outbox::leave) {
        return;
    }
    records.play_for_class(None);
    class.membership = None;
    class.vote = None;
}

fn stop_running_class(mut asked: MessageReader<StopRunningClass>, mut class: ResMut<Class>) {
    if asked.read().count() == 0 || !forget(&mut class, Outbox::stop_running_class) {
        return;
    }
    class.facilitating = None;
    if class
        .vote
        .as_ref()
        .is_some_and(|v| v.role == VoteRole::Facilitator)
    {
        class.vote = None;
    }
}

fn create_class(mut asked: MessageReader<CreateClass>, mut class: ResMut<Class>) {
    if let Some(new) = asked.read().last() {
        class.busy = true;
        class.problem = None;
        class.send(Job::Create {
            hub: new.hub.trim().to_owned(),
            class: NewClass {
                name: new.name.clone(),
                scenarios: new.scenarios.clone(),
                mode: new.mode,
                typing_required: new.typing_required,
            },
        });
    }
}

fn start_vote(
    mut asked: MessageReader<StartClassVote>,
    mut class: ResMut<Class>,
    mut seeds: ResMut<Seeds>,
    records: Res<Records>,
) {
    let Some(start) = asked.read().last() else {
        return;
    };
    let Some(f) = &class.facilitating else {
        class.problem = Some("only the facilitator of a class created in this game can start a vote".into());
        return;
    };
    let job = Job::OpenVote {
        hub: f.hub.clone(),
        secret: f.secret.clone(),
        code: f.class.join_code.clone(),
        vote: NewVote {
            scenario: start.scenario.clone(),
            seed: seeds.next_seed(),
            language: records.settings.language.clone(),
        },
    };
    class.busy = true;
    class.problem = None;
    class.send(job);
}

fn follow_vote(mut asked: MessageReader<FollowClassVote>, mut class: ResMut<Class>) {
    if asked.read().count() == 0 {
        return;
    }
    let Some(m) = &class.membership else {
        return;
    };
    let job = Job::FindVote {
        hub: m.hub.clone(),
        key: Key::Trainee(m.token.clone()),
        code: m.class.join_code.clone(),
    };
    class.busy = true;
    class.no_vote_yet = false;
    class.problem = None;
    class.send(job);
}

fn cast_vote(mut asked: MessageReader<CastClassVote>, class: Res<Class>) {
    let Some(CastClassVote(reply)) = asked.read().last() else {
        return;
    };
    let (Some(m), Some(vote)) = (&class.membership, &class.vote) else {
        return;
    };
    if vote.role != VoteRole::Trainee || vote.view.ending.is_some() {
        return;
    }
    let job = Job::Cast {
        hub: m.hub.clone(),
        token: m.token.clone(),
        session: vote.view.session_id,
        turn: vote.view.turn,
        reply: reply.clone(),
    };
    class.send(job);
}

fn play_turn(mut asked: MessageReader<PlayClassTurn>, class: Res<Class>) {
    let Some(PlayClassTurn(reply)) = asked.read().last() else {
        return;
    };
    let (Some(f), Some(vote)) = (&class.facilitating, &class.vote) else {
        return;
    };
    if vote.role != VoteRole::Facilitator || vote.view.ending.is_some() {
        return;
    }
    let job = Job::Play {
        hub: f.hub.clone(),
        secret: f.secret.clone(),
        session: vote.view.session_id,
        turn: vote.view.turn,
        reply: reply.clone(),
    };
    class.send(job);
}

fn leave_vote(
    mut asked: MessageReader<LeaveClassVote>,
    mut class: ResMut<Class>,
    mut screen: ResMut<NextState<Screen>>,
) {
    if asked.read().count() > 0 {
        if class.vote.as_ref().is_some_and(|v| v.role == VoteRole::Trainee) {
            class.vote = None;
        }
        screen.set(Screen::Class);
    }
}

/// Applies what the hub answered since the last frame.
fn hear_from_hub(
    mut class: ResMut<Class>,
    mut records: ResMut<Records>,
    mut settings: MessageWriter<ChangeSettings>,
    mut screen: ResMut<NextState<Screen>>,
) {
    let replies: Vec<Reply> = match class.replies.lock() {
        Ok(receiver) => receiver.try_iter().collect(),
        Err(_) => return,
    };
    for reply in replies {
        match reply {
            Reply::Joined(Ok(m)) => {
                class.busy = false;
                records.play_for_class(Some(m.key()));
                follow_class_mode(&m.class, &records, &mut settings);
                class.membership = Some(m);
            }
            Reply::Refreshed(Ok(info)) => {
                follow_class_mode(&info, &records, &mut settings);
                if let Some(m) = &mut class.membership {
                    m.class = info;
                }
            }
            Reply::Refreshed(Err(e)) => {
                // The last known assignment stays; the hub may be away.
                info!("the class could not be refreshed: {e}");
            }
            Reply::Outbox(report, waiting) => {
                class.waiting = waiting;
                match report {
                    Ok(report) => {
                        class.sent += report.sent + report.already_there;
                        class.unreachable = report.unreachable;
                    }
                    Err(e) => class.unreachable = Some(e.to_string()),
                }
            }
            Reply::Created(Ok(running)) => {
                class.busy = false;
                class.facilitating = Some(running);
            }
            Reply::Vote {
                hub,
                key,
                result: Ok(Some(view)),
            } => {
                class.busy = false;
                class.no_vote_yet = false;
                if follow(&mut class, hub, key, view) {
                    screen.set(Screen::ClassVote);
                }
            }
            Reply::Vote { result: Ok(None), .. } => {
                class.busy = false;
                class.no_vote_yet = true;
            }
            Reply::VoteChanged(view) => {
                if let Some(vote) = &mut class.vote
                    && vote.view.session_id == view.session_id
                    && view.version > vote.view.version
                {
                    vote.view = view;
                }
            }
            Reply::VoteOver(session, debrief) => {
                if let Some(vote) = &mut class.vote
                    && vote.view.session_id == session
                {
                    vote.debrief = Some(debrief);
                }
            }
            Reply::Joined(Err(e)) | Reply::Created(Err(e)) | Reply::Vote { result: Err(e), .. } => {
                class.busy = false;
                class.problem = Some(e.to_string());
            }
        }
    }
}

/// Shows `view` and follows its vote, starting a watch for a vote not yet
/// followed; whether it was not.
fn follow(class: &mut Class, hub: String, key: Key, view: VoteView) -> bool {
    if let Some(vote) = &mut class.vote
        && vote.view.session_id == view.session_id
        && vote.role == key.role()
    {
        if view.version >= vote.view.version {
            vote.view = view;
        }
        return false;
    }
    let stop = Arc::new(AtomicBool::new(false));
    spawn_vote_watch(
        hub,
        key.clone(),
        &view,
        Arc::clone(&stop),
        class.replies_in.clone(),
        class.waker.clone(),
    );
    class.vote = Some(FollowedVote {
        role: key.role(),
        view,
        debrief: None,
        stop,
    });
    true
}

/// Every finished call goes into the outbox (on disk at once), then to the
/// hub when it can be reached; so does a call whose typed turns were
/// flagged since. Both come from the saved call: the progress store
/// recorded it as owed to the class in the same transaction that saved it.
fn send_finished_call(last: Option<Res<LastCall>>, records: Res<Records>, mut class: ResMut<Class>) {
    let Some(last) = last else {
        return;
    };
    if !last.is_changed() || class.membership.is_none() {
        return;
    }
    let (Some(outbox), Some(store), Some(id)) = (class.outbox.clone(), records.store(), last.attempt) else {
        return;
    };
    match outbox.sync_attempt(store, id) {
        Ok(_) => {
            if let Ok(waiting) = outbox.waiting() {
                class.waiting = waiting;
            }
            class.send(Job::SendPending);
        }
        Err(e) => {
            // Still owed in the progress store: the next start queues it.
            error!("a finished call could not be queued for the class: {e}");
            class.problem = Some(e.to_string());
        }
    }
}
