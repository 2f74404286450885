//! The class screen: join a facilitator's class (hub address, join code,
//! name), see what the class assigned and whether every finished call has
//! reached the hub, go to the class vote; and, for a facilitator, create a
//! class (kept for the next runs of the game), start a call the class votes
//! on, and set up another class.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui::{self, RichText, TextStyle};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::{FocusFirst, Screen, ScreenUi, top_bar};
use crate::class::{
    Class, CreateClass, FollowClassVote, JoinClass, LeaveClass, StartClassVote, StopRunningClass,
};
use crate::library::Scenarios;
use crate::records::Records;
use crate::session::Navigate;
use crate::theme::{self, Look};
use callsim_core::call::Mode;
use callsim_core::locale::labels::{Label, t, tf};
use callsim_trainee::class::{WaitReason, Waiting};
use callsim_trainee::folder::Entry;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Class), open);
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUi)
            .run_if(in_state(Screen::Class).and_then(resource_exists::<Class>)),
    );
}

/// What is being typed and chosen on this screen.
#[derive(Component, Debug)]
struct ClassForm {
    hub: String,
    join_code: String,
    name: String,
    class_name: String,
    /// Scenario ids to assign, in the order they were ticked.
    assign: Vec<String>,
    mode: Mode,
    typing_required: bool,
    vote_scenario: Option<String>,
}

fn open(mut commands: Commands, records: Res<Records>, class: Option<Res<Class>>) {
    let hub = class
        .as_ref()
        .and_then(|c| c.membership.as_ref().map(|m| m.hub.clone()))
        .unwrap_or_default();
    commands.spawn((
        Name::new("Class screen"),
        ClassForm {
            hub,
            join_code: String::new(),
            name: records.trainee().map(|t| t.name.clone()).unwrap_or_default(),
            class_name: String::new(),
            assign: Vec::new(),
            mode: records.settings.mode,
            typing_required: false,
            vote_scenario: None,
        },
        FocusFirst::default(),
        DespawnOnExit(Screen::Class),
    ));
}

/// A labelled one-line text field.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String) -> egui::Response {
    ui.label(RichText::new(label).color(theme::MUTED));
    let response = ui.add(
        egui::TextEdit::singleline(text)
            .desired_width(ui.available_width())
            .font(TextStyle::Body)
            .margin(egui::Margin::symmetric(10, 8)),
    );
    theme::focus_ring(ui, &response);
    response
}

/// Everything this screen can ask the game for.
#[derive(SystemParam)]
struct Asks<'w> {
    navigate: MessageWriter<'w, Navigate>,
    join: MessageWriter<'w, JoinClass>,
    leave: MessageWriter<'w, LeaveClass>,
    follow: MessageWriter<'w, FollowClassVote>,
    create: MessageWriter<'w, CreateClass>,
    start: MessageWriter<'w, StartClassVote>,
    stop_running: MessageWriter<'w, StopRunningClass>,
}

fn draw(
    mut contexts: EguiContexts,
    records: Res<Records>,
    class: Res<Class>,
    scenarios: Res<Scenarios>,
    screen: Single<(&mut ClassForm, &mut FocusFirst)>,
    mut asks: Asks,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let (mut form, mut focus) = screen.into_inner();
    let lang = records.settings.language.as_str();
    let models: Vec<(String, String)> = scenarios
        .entries()
        .iter()
        .filter_map(Entry::model)
        .map(|m| {
            (
                m.scenario.id.clone(),
                m.scenario.text(&m.scenario.title, lang).to_owned(),
            )
        })
        .collect();
    theme::page(ctx, "class", |ui| {
        if top_bar(
            ui,
            &records,
            t(lang, Label::ClassTitle),
            Some(t(lang, Label::Back)),
        ) {
            asks.navigate.write(Navigate(Screen::Title));
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                theme::column(ui, 680.0, |ui| {
                    theme::card().show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        match &class.membership {
                            None => {
                                theme::subheading(ui, t(lang, Label::JoinClass));
                                let first = field(ui, t(lang, Label::HubAddress), &mut form.hub);
                                focus.apply(&first);
                                field(ui, t(lang, Label::JoinCode), &mut form.join_code);
                                field(ui, t(lang, Label::YourName), &mut form.name);
                                ui.add_space(6.0);
                                if theme::button(ui, Look::Primary, t(lang, Label::Join), None).clicked() {
                                    asks.join.write(JoinClass {
                                        hub: form.hub.clone(),
                                        join_code: form.join_code.clone(),
                                        name: form.name.clone(),
                                    });
                                }
                            }
                            Some(m) => {
                                ui.horizontal_wrapped(|ui| {
                                    theme::subheading(ui, &m.class.name);
                                    let mode = match m.class.mode {
                                        callsim_core::call::Mode::Practice => Label::Practice,
                                        callsim_core::call::Mode::Exam => Label::Exam,
                                    };
                                    theme::chip(ui, t(lang, mode), theme::ACCENT, theme::ACCENT_SOFT);
                                    if m.class.typing_required {
                                        theme::chip(
                                            ui,
                                            t(lang, Label::ReplyByTyping),
                                            theme::ACCENT,
                                            theme::ACCENT_SOFT,
                                        );
                                    }
                                    theme::chip(ui, &m.class.join_code, theme::MUTED, theme::BACKGROUND);
                                });
                                theme::muted(
                                    ui,
                                    &tf(lang, Label::JoinedAs, &[("name", &m.name), ("hub", &m.hub)]),
                                );
                                ui.add_space(6.0);
                                ui.label(
                                    RichText::new(t(lang, Label::AssignedCalls))
                                        .strong()
                                        .color(theme::INK),
                                );
                                for (i, s) in m.class.scenarios.iter().enumerate() {
                                    ui.label(format!("{}. {}", i + 1, s.title.as_deref().unwrap_or(&s.id)));
                                }
                                ui.add_space(6.0);
                                outbox_status(ui, &class, lang);
                                ui.add_space(6.0);
                                ui.horizontal_wrapped(|ui| {
                                    let go =
                                        theme::button(ui, Look::Primary, t(lang, Label::GoToClassVote), None);
                                    focus.apply(&go);
                                    if go.clicked() {
                                        asks.follow.write(FollowClassVote);
                                    }
                                    if theme::button(ui, Look::Danger, t(lang, Label::LeaveClass), None)
                                        .clicked()
                                    {
                                        asks.leave.write(LeaveClass);
                                    }
                                });
                                if class.no_vote_yet {
                                    theme::muted(ui, t(lang, Label::NoVoteYet));
                                }
                            }
                        }
                        if class.busy {
                            theme::muted(ui, t(lang, Label::Connecting));
                        }
                        if let Some(problem) = &class.problem {
                            ui.colored_label(theme::BAD, problem);
                        }
                    });
                    ui.add_space(14.0);
                    theme::card().show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        egui::CollapsingHeader::new(RichText::new(t(lang, Label::Facilitate)).strong())
                            .default_open(class.facilitating.is_some())
                            .show(ui, |ui| {
                                facilitator(ui, &class, &mut form, &models, lang, &mut asks);
                            });
                    });
                });
            });
    });
    Ok(())
}

/// Whether every finished call has reached the hub, and why not: how many
/// wait for each reason, said in the trainee's language, with the hub's or
/// the network's own words beneath.
pub(super) fn outbox_status(ui: &mut egui::Ui, class: &Class, lang: &str) {
    let pending = class.pending();
    if pending == 0 {
        ui.colored_label(theme::GOOD, t(lang, Label::AllSent));
    } else {
        ui.colored_label(
            theme::WARN,
            tf(lang, Label::WaitingToSend, &[("count", &pending)]),
        );
    }
    for (reason, waiting) in by_reason(&class.waiting) {
        let colour = if waiting[0].rejected {
            theme::BAD
        } else {
            theme::INK
        };
        ui.add(
            egui::Label::new(
                RichText::new(format!("{} × {}", waiting.len(), t(lang, reason_label(reason)))).color(colour),
            )
            .wrap(),
        );
        for w in waiting.iter().filter(|w| w.rejected) {
            ui.colored_label(
                theme::BAD,
                tf(
                    lang,
                    Label::RefusedAttempt,
                    &[("scenario", &w.scenario), ("error", &w.last_error)],
                ),
            );
        }
        if let Some(w) = waiting.iter().find(|w| !w.rejected && !w.last_error.is_empty()) {
            theme::muted(ui, &tf(lang, Label::LastAnswer, &[("error", &w.last_error)]));
        }
    }
}

/// The calls not on the hub, grouped by why, in the order the reasons
/// first appear (oldest call first).
fn by_reason(waiting: &[Waiting]) -> Vec<(WaitReason, Vec<&Waiting>)> {
    let mut groups: Vec<(WaitReason, Vec<&Waiting>)> = Vec::new();
    for w in waiting {
        let reason = w.reason();
        match groups.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, group)) => group.push(w),
            None => groups.push((reason, vec![w])),
        }
    }
    groups
}

fn reason_label(reason: WaitReason) -> Label {
    match reason {
        WaitReason::NotTried => Label::WaitNotTried,
        WaitReason::Unreachable => Label::WaitUnreachable,
        WaitReason::UnknownTrainee => Label::WaitUnknownTrainee,
        WaitReason::ScenarioMissing => Label::WaitScenarioMissing,
        WaitReason::ClassClosed => Label::WaitClassClosed,
        WaitReason::Refused => Label::WaitRefused,
        WaitReason::Local => Label::WaitLocal,
        WaitReason::Other => Label::WaitOther,
    }
}

fn facilitator(
    ui: &mut egui::Ui,
    class: &Class,
    form: &mut ClassForm,
    models: &[(String, String)],
    lang: &str,
    asks: &mut Asks,
) {
    match &class.facilitating {
        None => {
            field(ui, t(lang, Label::HubAddressToRun), &mut form.hub);
            field(ui, t(lang, Label::ClassName), &mut form.class_name);
            ui.label(RichText::new(t(lang, Label::ScenariosToAssign)).color(theme::MUTED));
            for (id, title) in models {
                let mut on = form.assign.contains(id);
                let position = form.assign.iter().position(|a| a == id);
                let text = match position {
                    Some(i) => format!("{}. {title}", i + 1),
                    None => title.clone(),
                };
                if theme::checkbox(ui, &mut on, text).changed() {
                    if on {
                        form.assign.push(id.clone());
                    } else {
                        form.assign.retain(|a| a != id);
                    }
                }
            }
            ui.horizontal(|ui| {
                ui.radio_value(&mut form.mode, Mode::Practice, t(lang, Label::Practice));
                ui.radio_value(&mut form.mode, Mode::Exam, t(lang, Label::Exam));
            });
            theme::checkbox(ui, &mut form.typing_required, t(lang, Label::TypingRequired));
            if theme::button(ui, Look::Primary, t(lang, Label::CreateClass), None).clicked() {
                asks.create.write(CreateClass {
                    hub: form.hub.clone(),
                    name: form.class_name.clone(),
                    scenarios: form.assign.clone(),
                    mode: form.mode,
                    typing_required: form.typing_required,
                });
            }
        }
        Some(f) => {
            theme::subheading(ui, &f.class.name);
            ui.label(
                RichText::new(tf(lang, Label::ShowJoinCode, &[("code", &f.class.join_code)]))
                    .text_style(theme::subheading_style())
                    .color(theme::ACCENT),
            );
            theme::muted(ui, t(lang, Label::ResultsPage));
            ui.add(egui::Label::new(RichText::new(&f.results_url).text_style(TextStyle::Monospace)).wrap());
            ui.add_space(8.0);
            let chosen = form
                .vote_scenario
                .clone()
                .or_else(|| f.class.scenarios.first().map(|s| s.id.clone()));
            let title_of = |id: &str| {
                f.class
                    .scenarios
                    .iter()
                    .find(|s| s.id == id)
                    .and_then(|s| s.title.clone())
                    .unwrap_or_else(|| id.to_owned())
            };
            ui.horizontal_wrapped(|ui| {
                egui::ComboBox::from_id_salt("vote-scenario")
                    .selected_text(chosen.as_deref().map(title_of).unwrap_or_default())
                    .show_ui(ui, |ui| {
                        for s in &f.class.scenarios {
                            ui.selectable_value(&mut form.vote_scenario, Some(s.id.clone()), title_of(&s.id));
                        }
                    });
                if let Some(scenario) = &chosen
                    && theme::button(ui, Look::Primary, t(lang, Label::StartClassVote), None).clicked()
                {
                    asks.start.write(StartClassVote {
                        scenario: scenario.clone(),
                    });
                }
                if class.vote.is_some()
                    && theme::button(ui, Look::Secondary, t(lang, Label::BackToVote), None).clicked()
                {
                    asks.navigate.write(Navigate(Screen::ClassVote));
                }
            });
            ui.add_space(12.0);
            if theme::button(ui, Look::Secondary, t(lang, Label::SetUpAnotherClass), None).clicked() {
                asks.stop_running.write(StopRunningClass);
                // The next class is most likely on the same hub.
                if form.hub.trim().is_empty() {
                    form.hub = f.hub.clone();
                }
            }
            theme::muted(ui, t(lang, Label::ClassStaysOnHub));
        }
    }
}
