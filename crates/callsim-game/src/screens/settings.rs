//! Settings: language (the game's labels and the scenarios' text), text
//! size, practice or exam mode, sound. Each change is saved at once.

use bevy::prelude::*;
use bevy_egui::egui::{self, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::{FocusFirst, Screen, ScreenUi, top_bar};
use crate::records::{Records, TextSize};
use crate::session::{ChangeSettings, Navigate};
use crate::sound::BUILT_WITH_SOUND;
use crate::theme;
use callsim_core::call::Mode;
use callsim_trainee::progress::ReplyBy;

use crate::typing::{ModelState, SentenceModel};
use callsim_core::locale::labels::{Label, t, tf};
use callsim_core::locale::text::GAME_LANGUAGES;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Settings), open);
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUi).run_if(in_state(Screen::Settings)),
    );
}

fn open(mut commands: Commands) {
    commands.spawn((
        Name::new("Settings"),
        FocusFirst::default(),
        DespawnOnExit(Screen::Settings),
    ));
}

fn option(ui: &mut egui::Ui, on: bool, text: &str) -> egui::Response {
    let response = ui.add(
        egui::Button::selectable(on, RichText::new(text).color(theme::INK))
            .min_size(egui::Vec2::new(110.0, 38.0))
            .corner_radius(egui::CornerRadius::same(theme::RADIUS)),
    );
    theme::focus_ring(ui, &response);
    response
}

fn draw(
    mut contexts: EguiContexts,
    records: Res<Records>,
    model: Res<SentenceModel>,
    class: Option<Res<crate::class::Class>>,
    mut focus: Single<&mut FocusFirst>,
    mut change: MessageWriter<ChangeSettings>,
    mut navigate: MessageWriter<Navigate>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = records.settings.language.as_str();
    let current = &records.settings;
    let mut next = current.clone();
    theme::page(ctx, "settings", |ui| {
        if top_bar(
            ui,
            &records,
            t(lang, Label::SettingsTitle),
            Some(t(lang, Label::Back)),
        ) {
            navigate.write(Navigate(Screen::Title));
        }
        theme::column(ui, 720.0, |ui| {
            theme::card().show(ui, |ui| {
                ui.set_width(ui.available_width());
                theme::subheading(ui, t(lang, Label::Language));
                ui.horizontal_wrapped(|ui| {
                    for (code, name) in GAME_LANGUAGES {
                        let response = option(ui, current.language == code, name);
                        if current.language == code {
                            focus.apply(&response);
                        }
                        if response.clicked() {
                            next.language = code.to_owned();
                        }
                    }
                });
                ui.add_space(10.0);
                theme::subheading(ui, t(lang, Label::TextSize));
                let size = TextSize::nearest(current.text_scale);
                ui.horizontal_wrapped(|ui| {
                    for (preset, label) in TextSize::ALL.into_iter().zip([
                        Label::Small,
                        Label::Normal,
                        Label::Large,
                        Label::Largest,
                    ]) {
                        if option(ui, size == preset, t(lang, label)).clicked() {
                            next.text_scale = preset.scale();
                        }
                    }
                });
                ui.add_space(10.0);
                theme::subheading(ui, t(lang, Label::Mode));
                ui.horizontal_wrapped(|ui| {
                    for (mode, label) in [(Mode::Practice, Label::Practice), (Mode::Exam, Label::Exam)] {
                        if option(ui, current.mode == mode, t(lang, label)).clicked() {
                            next.mode = mode;
                        }
                    }
                });
                theme::muted(
                    ui,
                    t(
                        lang,
                        if current.mode == Mode::Practice {
                            Label::PracticeHelp
                        } else {
                            Label::ExamHelp
                        },
                    ),
                );
                ui.add_space(10.0);
                theme::subheading(ui, t(lang, Label::HowYouReply));
                // A class that requires typing decides for its trainees.
                let required = class
                    .as_ref()
                    .and_then(|c| c.membership.as_ref())
                    .is_some_and(|m| m.class.typing_required);
                ui.add_enabled_ui(!required, |ui| {
                    ui.horizontal_wrapped(|ui| {
                        for (by, label) in [
                            (ReplyBy::Choosing, Label::ReplyByChoosing),
                            (ReplyBy::Typing, Label::ReplyByTyping),
                        ] {
                            if option(ui, current.reply_by == by, t(lang, label)).clicked() {
                                next.reply_by = by;
                            }
                        }
                    });
                });
                if required {
                    theme::muted(ui, t(lang, Label::ClassAsksTyping));
                }
                match (current.reply_by, &model.state) {
                    (ReplyBy::Typing, ModelState::Failed(error)) => {
                        ui.colored_label(theme::WARN, tf(lang, Label::ModelMissing, &[("error", error)]));
                    }
                    (ReplyBy::Typing, ModelState::Loading) => {
                        theme::muted(ui, t(lang, Label::ModelLoading));
                    }
                    _ => {}
                }
                ui.add_space(10.0);
                theme::subheading(ui, t(lang, Label::Sound));
                ui.add_enabled_ui(BUILT_WITH_SOUND, |ui| {
                    let mut sound = current.sound && BUILT_WITH_SOUND;
                    let response = theme::checkbox(ui, &mut sound, t(lang, Label::SoundOn));
                    if response.changed() {
                        next.sound = sound;
                    }
                });
                if !BUILT_WITH_SOUND {
                    ui.label(RichText::new(t(lang, Label::NoSoundInBuild)).color(theme::WARN));
                }
                ui.add_space(10.0);
                match &records.settings_problem {
                    Some(error) => {
                        ui.colored_label(theme::BAD, tf(lang, Label::SettingsNotSaved, &[("error", error)]))
                    }
                    None => theme::muted(ui, t(lang, Label::SavedAutomatically)),
                };
            });
        });
    });
    if next != *current {
        change.write(ChangeSettings(next));
    }
    Ok(())
}
