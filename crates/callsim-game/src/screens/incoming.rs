//! The incoming call: the phone rings with the caller's name and face, the
//! centre's policy for this call, and the trainee answers with a key or a
//! click.

use bevy::prelude::*;
use bevy_egui::egui::{self, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::{FocusFirst, Screen, ScreenUi, top_bar};
use crate::face::{Mood, paint_face, paint_handset};
use crate::records::Records;
use crate::session::{AnswerCall, Navigate, NextCall};
use crate::theme::{self, Look};
use callsim_core::call::Mode;
use callsim_core::locale::labels::{Label, t};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Incoming), open);
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUi)
            .run_if(in_state(Screen::Incoming).and_then(resource_exists::<NextCall>)),
    );
}

/// The phone rings in pulses this many times a second.
const RING_STEPS_PER_SECOND: f64 = 3.0;

fn open(mut commands: Commands) {
    commands.spawn((
        Name::new("Incoming call"),
        FocusFirst::default(),
        DespawnOnExit(Screen::Incoming),
    ));
}

fn draw(
    mut contexts: EguiContexts,
    records: Res<Records>,
    next: Res<NextCall>,
    time: Res<Time<Real>>,
    mut focus: Single<&mut FocusFirst>,
    mut answer: MessageWriter<AnswerCall>,
    mut navigate: MessageWriter<Navigate>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = records.settings.language.as_str();
    let s = &next.model.scenario;
    let now = time.elapsed_secs_f64();
    let step = (now * RING_STEPS_PER_SECOND) as u64;
    // Wake up for the next pulse, and only then.
    ctx.request_repaint_after(std::time::Duration::from_secs_f64(
        (1.0 - (now * RING_STEPS_PER_SECOND).fract()) / RING_STEPS_PER_SECOND,
    ));
    theme::page(ctx, "incoming", |ui| {
        if top_bar(ui, &records, s.text(&s.title, lang), Some(t(lang, Label::Back))) {
            navigate.write(Navigate(Screen::Picker));
        }
        ui.add_space(10.0);
        theme::column(ui, 620.0, |ui| {
            theme::card().show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.vertical_centered(|ui| {
                    ui.label(
                        RichText::new(t(lang, Label::IncomingCall))
                            .text_style(theme::subheading_style())
                            .color(theme::ACCENT),
                    );
                    let (rect, _) =
                        ui.allocate_exact_size(egui::Vec2::new(220.0, 200.0), egui::Sense::hover());
                    let centre = rect.center();
                    let painter = ui.painter();
                    // Rings spreading out from the caller, a pulse at a time.
                    for ring in 0..3u64 {
                        let phase = (step + ring) % 3;
                        let radius = 66.0 + 12.0 * phase as f32;
                        let alpha = 150 - 45 * phase as u8;
                        painter.circle_stroke(
                            centre,
                            radius,
                            egui::Stroke::new(
                                3.0,
                                egui::Color32::from_rgba_unmultiplied(0x1D, 0x4E, 0xD8, alpha),
                            ),
                        );
                    }
                    let expression = Mood::Annoyed.expression();
                    paint_face(painter, centre, 60.0, &s.persona.face, expression);
                    let badge = centre + egui::Vec2::new(52.0, 44.0);
                    painter.circle_filled(badge, 19.0, theme::GOOD);
                    paint_handset(painter, badge, 11.0, egui::Color32::WHITE);
                    theme::heading(ui, s.text(&s.persona.name, lang));
                    ui.add(
                        egui::Label::new(RichText::new(s.text(&s.summary, lang)).color(theme::MUTED)).wrap(),
                    );
                });
                let notes = s.text(&s.policy.notes, lang);
                if !notes.is_empty() {
                    ui.add_space(6.0);
                    egui::Frame::new()
                        .fill(theme::WARN_SOFT)
                        .corner_radius(egui::CornerRadius::same(8))
                        .inner_margin(egui::Margin::same(12))
                        .show(ui, |ui| {
                            ui.set_width(ui.available_width());
                            ui.label(
                                RichText::new(t(lang, Label::CentrePolicy))
                                    .strong()
                                    .color(theme::WARN),
                            );
                            ui.add(egui::Label::new(RichText::new(notes).color(theme::INK)).wrap());
                        });
                }
                ui.add_space(4.0);
                let help = match records.settings.mode {
                    Mode::Practice => Label::PracticeHelp,
                    Mode::Exam => Label::ExamHelp,
                };
                theme::muted(ui, t(lang, help));
                ui.add_space(8.0);
                ui.vertical_centered(|ui| {
                    let button = theme::button(ui, Look::Primary, t(lang, Label::Answer), Some("Enter"));
                    focus.apply(&button);
                    if button.clicked() {
                        answer.write(AnswerCall);
                    }
                    ui.label(
                        RichText::new(t(lang, Label::AnswerHint))
                            .color(theme::MUTED)
                            .small(),
                    );
                });
            });
        });
    });
    // Space answers too, wherever the focus is.
    if ctx.input(|i| i.key_pressed(egui::Key::Space)) && ctx.memory(|m| m.focused().is_none()) {
        answer.write(AnswerCall);
    }
    Ok(())
}
