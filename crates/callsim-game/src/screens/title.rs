//! The title screen: the game's name, who is training (continue, choose or
//! add a trainee), and the way to the calls, progress, settings and out.

use bevy::prelude::*;
use bevy_egui::egui::{self, RichText, TextStyle};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::{FocusFirst, Screen, ScreenUi};
use crate::class::Class;
use crate::records::{NameProblem, Records};
use crate::session::{AddTrainee, Navigate, Quit, SignIn};
use crate::theme::{self, Look};
use callsim_core::locale::labels::{Label, t, tf};
use callsim_trainee::progress::MAX_NAME_CHARS;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Title), open);
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUi).run_if(in_state(Screen::Title)),
    );
}

/// The name being typed for a new trainee.
#[derive(Component, Debug, Default)]
struct NewTraineeName(String);

fn open(mut commands: Commands) {
    commands.spawn((
        Name::new("Title screen"),
        NewTraineeName::default(),
        FocusFirst::default(),
        DespawnOnExit(Screen::Title),
    ));
}

#[allow(clippy::too_many_arguments)] // one writer per thing the trainee can do, and the class
fn draw(
    mut contexts: EguiContexts,
    records: Res<Records>,
    class: Option<Res<Class>>,
    screen: Single<(&mut NewTraineeName, &mut FocusFirst)>,
    mut sign_in: MessageWriter<SignIn>,
    mut add: MessageWriter<AddTrainee>,
    mut navigate: MessageWriter<Navigate>,
    mut quit: MessageWriter<Quit>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let (mut name, mut focus) = screen.into_inner();
    let lang = records.settings.language.as_str();
    theme::page(ctx, "title", |ui| {
        ui.add_space((ui.available_height() * 0.08).min(70.0));
        theme::column(ui, 560.0, |ui| {
            ui.vertical_centered(|ui| {
                phone_mark(ui);
                ui.label(
                    RichText::new(t(lang, Label::AppName))
                        .text_style(theme::title_style())
                        .color(theme::ACCENT),
                );
                ui.add(egui::Label::new(RichText::new(t(lang, Label::Tagline)).color(theme::MUTED)).wrap());
            });
            ui.add_space(18.0);
            theme::card().show(ui, |ui| {
                ui.set_width(ui.available_width());
                theme::subheading(ui, t(lang, Label::WhoIsTraining));
                ui.add_space(4.0);
                let mut first = None;
                if let Some(last) = records.last_trainee() {
                    let text = tf(lang, Label::ContinueAs, &[("name", &last.name)]);
                    let response = theme::button(ui, Look::Primary, &text, Some("Enter"));
                    if response.clicked() {
                        sign_in.write(SignIn(last.id));
                    }
                    first = Some(response);
                }
                let last = records.last_trainee().map(|t| t.id);
                let others: Vec<_> = records
                    .trainees()
                    .iter()
                    .filter(|t| Some(t.id) != last)
                    .take(8)
                    .collect();
                if !others.is_empty() {
                    ui.horizontal_wrapped(|ui| {
                        for trainee in others {
                            if theme::button(ui, Look::Secondary, &trainee.name, None).clicked() {
                                sign_in.write(SignIn(trainee.id));
                            }
                        }
                    });
                }
                ui.add_space(6.0);
                ui.label(RichText::new(t(lang, Label::NewTraineeName)).color(theme::MUTED));
                ui.horizontal(|ui| {
                    let field = ui.add(
                        egui::TextEdit::singleline(&mut name.0)
                            .desired_width(ui.available_width() - 130.0)
                            .font(TextStyle::Body)
                            .margin(egui::Margin::symmetric(10, 8)),
                    );
                    theme::focus_ring(ui, &field);
                    let submitted = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    let start = theme::button(ui, Look::Secondary, t(lang, Label::AddTrainee), None);
                    if submitted || start.clicked() {
                        add.write(AddTrainee(name.0.trim().to_owned()));
                    }
                    if first.is_none() {
                        first = Some(field);
                    }
                });
                match &records.name_problem {
                    Some(NameProblem::Empty) => {
                        ui.colored_label(theme::BAD, t(lang, Label::NameNeeded));
                    }
                    Some(NameProblem::TooLong) => {
                        ui.colored_label(
                            theme::BAD,
                            tf(lang, Label::NameTooLong, &[("max", &MAX_NAME_CHARS)]),
                        );
                    }
                    Some(NameProblem::Other(error)) => {
                        ui.colored_label(theme::BAD, error);
                    }
                    None if records.trainees().is_empty() => {
                        theme::muted(ui, t(lang, Label::NameNeeded));
                    }
                    None => {}
                }
                if let Some(first) = &first {
                    focus.apply(first);
                }
            });
            ui.add_space(14.0);
            ui.horizontal_wrapped(|ui| {
                if theme::button(ui, Look::Secondary, t(lang, Label::ChooseCall), None).clicked() {
                    navigate.write(Navigate(Screen::Picker));
                }
                let class_entry = match class.as_ref().and_then(|c| c.membership.as_ref()) {
                    Some(m) => tf(lang, Label::ClassBadge, &[("name", &m.class.name)]),
                    None => t(lang, Label::JoinClass).to_owned(),
                };
                if theme::button(ui, Look::Secondary, &class_entry, None).clicked() {
                    navigate.write(Navigate(Screen::Class));
                }
                if theme::button(ui, Look::Secondary, t(lang, Label::Progress), None).clicked() {
                    navigate.write(Navigate(Screen::Progress));
                }
                if theme::button(ui, Look::Secondary, t(lang, Label::Settings), None).clicked() {
                    navigate.write(Navigate(Screen::Settings));
                }
                if theme::button(ui, Look::Danger, t(lang, Label::Quit), None).clicked() {
                    quit.write(Quit);
                }
            });
        });
    });
    Ok(())
}

/// A handset in a circle: the game's mark.
fn phone_mark(ui: &mut egui::Ui) {
    let (rect, _) = ui.allocate_exact_size(egui::Vec2::splat(76.0), egui::Sense::hover());
    let painter = ui.painter();
    painter.circle_filled(rect.center(), 36.0, theme::ACCENT_SOFT);
    crate::face::paint_handset(painter, rect.center(), 26.0, theme::ACCENT);
}
