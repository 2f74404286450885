//! The debrief: how the call ended, respect and sincerity on 0-100 with the
//! four sub-skills beneath, and every turn with its points, its coaching
//! note, the rules that bit, and the best reply where the trainee's was
//! not. Everything shown comes from the core's `Debrief`.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, Key, Modifiers, RichText, TextStyle};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::{FocusFirst, Screen, ScreenUi, top_bar};
use crate::records::Records;
use crate::session::{FlagTyped, LastCall, Navigate, ReplayCall, TryAgain};
use crate::theme::{self, Look};
use callsim_core::debrief::{Debrief, TurnReview};
use callsim_core::locale::labels::{Label, clock, ending_label, skill_label, t, tf};
use callsim_core::points::{Pillar, Points, Skill};
use callsim_core::scenario::EndingKind;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Debrief), open);
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUi)
            .run_if(in_state(Screen::Debrief).and_then(resource_exists::<LastCall>)),
    );
}

fn open(mut commands: Commands) {
    commands.spawn((
        Name::new("Debrief"),
        FocusFirst::default(),
        DespawnOnExit(Screen::Debrief),
    ));
}

pub fn ending_colours(kind: EndingKind, over_accommodated: bool) -> (Color32, Color32) {
    if kind.is_good() && !over_accommodated {
        (theme::GOOD, theme::GOOD_SOFT)
    } else if kind == EndingKind::Escalated || (kind.is_good() && over_accommodated) {
        (theme::WARN, theme::WARN_SOFT)
    } else {
        (theme::BAD, theme::BAD_SOFT)
    }
}

/// Everything the debrief can ask the game for.
#[derive(SystemParam)]
struct Asks<'w> {
    again: MessageWriter<'w, TryAgain>,
    replay: MessageWriter<'w, ReplayCall>,
    navigate: MessageWriter<'w, Navigate>,
    flag: MessageWriter<'w, FlagTyped>,
}

fn draw(
    mut contexts: EguiContexts,
    records: Res<Records>,
    last: Res<LastCall>,
    mut focus: Single<&mut FocusFirst>,
    mut asks: Asks,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let d = &last.debrief;
    let lang = d.language.as_str();
    if !ctx.text_edit_focused() {
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::R)) {
            asks.again.write(TryAgain);
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::P)) {
            asks.replay.write(ReplayCall);
        }
    }
    theme::page(ctx, "debrief", |ui| {
        if top_bar(
            ui,
            &records,
            &format!("{} · {}", t(lang, Label::Debrief), d.title),
            Some(t(lang, Label::OtherCall)),
        ) {
            asks.navigate.write(Navigate(Screen::Picker));
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                theme::keyboard_scroll(ui);
                ending_card(ui, d, lang);
                ui.add_space(10.0);
                ui.columns(2, |cols| {
                    for (col, pillar) in cols.iter_mut().zip(Pillar::ALL) {
                        pillar_card(col, d, pillar, lang);
                    }
                });
                if let Some(note) = d.cap_note() {
                    ui.add_space(6.0);
                    ui.add(egui::Label::new(RichText::new(note).color(theme::WARN)).wrap());
                }
                ui.add(
                    egui::Label::new(
                        RichText::new(t(lang, Label::ScaleHelp))
                            .small()
                            .color(theme::MUTED),
                    )
                    .wrap(),
                );
                ui.add_space(10.0);
                ui.horizontal_wrapped(|ui| {
                    let retry = theme::button(ui, Look::Primary, t(lang, Label::TryAgain), Some("R"));
                    focus.apply(&retry);
                    if retry.clicked() {
                        asks.again.write(TryAgain);
                    }
                    if theme::button(ui, Look::Secondary, t(lang, Label::ReplayCall), Some("P")).clicked() {
                        asks.replay.write(ReplayCall);
                    }
                    if theme::button(ui, Look::Secondary, t(lang, Label::OtherCall), Some("Esc")).clicked() {
                        asks.navigate.write(Navigate(Screen::Picker));
                    }
                    ui.label(
                        RichText::new(t(lang, Label::ScrollHint))
                            .small()
                            .color(theme::MUTED),
                    );
                });
                if let Some(error) = &last.not_saved {
                    ui.colored_label(theme::BAD, tf(lang, Label::NotSaved, &[("error", error)]));
                }
                ui.add_space(14.0);
                theme::heading(ui, t(lang, Label::TurnByTurn));
                for turn in &d.turns {
                    if let Some(flagged) = turn_card(ui, turn, lang) {
                        asks.flag.write(FlagTyped {
                            turn: turn.turn.number,
                            flagged,
                        });
                    }
                    ui.add_space(8.0);
                }
            });
    });
    Ok(())
}

fn ending_card(ui: &mut egui::Ui, d: &Debrief, lang: &str) {
    let (colour, fill) = ending_colours(d.ending.kind, d.over_accommodated);
    theme::card()
        .stroke(egui::Stroke::new(2.0, colour))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                theme::chip(ui, t(lang, ending_label(d.ending.kind)), colour, fill);
                ui.label(
                    RichText::new(tf(
                        lang,
                        Label::CallFacts,
                        &[("time", &clock(d.seconds)), ("seed", &d.seed)],
                    ))
                    .color(theme::MUTED),
                );
            });
            ui.label(
                RichText::new(&d.headline)
                    .text_style(TextStyle::Heading)
                    .color(theme::INK),
            );
            if let Some(says) = &d.ending.says {
                ui.add(
                    egui::Label::new(RichText::new(format!("“{says}”")).italics().color(theme::INK)).wrap(),
                );
            }
            ui.add(egui::Label::new(RichText::new(&d.ending.text).color(theme::INK)).wrap());
        });
}

fn pillar_card(ui: &mut egui::Ui, d: &Debrief, pillar: Pillar, lang: &str) {
    let (name, colour, skills) = match pillar {
        Pillar::Respect => (
            Label::Respect,
            theme::RESPECT,
            [Skill::Understanding, Skill::Acknowledgement],
        ),
        Pillar::Sincerity => (
            Label::Sincerity,
            theme::SINCERITY,
            [Skill::Emotion, Skill::Assistance],
        ),
    };
    let score = d.pillar(pillar);
    theme::card().show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            let figure = if score.assessed() {
                score.percent.to_string()
            } else {
                "–".to_owned()
            };
            ui.label(
                RichText::new(figure)
                    .text_style(theme::figure_style())
                    .color(colour),
            );
            ui.vertical(|ui| {
                ui.add_space(18.0);
                theme::heading(ui, t(lang, name));
                let under = if score.assessed() {
                    tf(lang, Label::PointsLost, &[("lost", &score.lost())])
                } else {
                    t(lang, Label::NotAssessed).to_owned()
                };
                ui.label(RichText::new(under).small().color(theme::MUTED));
            });
        });
        for skill in skills {
            let s = d.skill(skill);
            ui.horizontal(|ui| {
                ui.label(RichText::new(t(lang, skill_label(skill))).color(theme::INK));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if s.assessed() {
                        ui.label(RichText::new(s.percent.to_string()).strong().color(theme::INK));
                    } else {
                        ui.label(
                            RichText::new(t(lang, Label::NotAssessed))
                                .small()
                                .color(theme::MUTED),
                        );
                    }
                });
            });
            theme::bar(
                ui,
                ui.available_width(),
                12.0,
                f32::from(s.percent) / 100.0,
                colour,
            );
        }
    });
}

fn points_row(ui: &mut egui::Ui, points: Points, lang: &str) {
    ui.horizontal_wrapped(|ui| {
        for (pillar, value) in [
            (Label::Respect, points.respect()),
            (Label::Sincerity, points.sincerity()),
        ] {
            let colour = theme::points_colour(value);
            ui.label(
                RichText::new(format!("{} {value:+}", t(lang, pillar)))
                    .strong()
                    .color(colour),
            );
        }
        for skill in Skill::ALL {
            let value = points.get(skill);
            ui.label(
                RichText::new(format!("{} {value:+}", t(lang, skill_label(skill))))
                    .small()
                    .color(theme::points_colour(value)),
            );
        }
    });
}

/// One turn of the call; the trainee's new "that is not what I meant" on
/// it, when they just ticked or unticked it.
fn turn_card(ui: &mut egui::Ui, turn: &TurnReview, lang: &str) -> Option<bool> {
    let t_ = &turn.turn;
    let mut flag = None;
    theme::card().show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_top(|ui| {
            theme::chip(ui, &t_.number.to_string(), Color32::WHITE, theme::MUTED);
            ui.vertical(|ui| {
                if !t_.caller.is_empty() {
                    ui.add(
                        egui::Label::new(
                            RichText::new(format!("{}: {}", t(lang, Label::Caller), t_.caller))
                                .color(theme::MUTED),
                        )
                        .wrap(),
                    );
                }
                if let Some(typed) = &t_.typed {
                    // What the trainee really said, then what it was taken for.
                    ui.add(
                        egui::Label::new(
                            RichText::new(format!("{}: “{}”", t(lang, Label::YouTyped), typed.text))
                                .color(theme::INK)
                                .strong(),
                        )
                        .wrap(),
                    );
                    let sure = tf(
                        lang,
                        Label::Sureness,
                        &[("percent", &callsim_core::understand::sureness(typed.similarity))],
                    );
                    let taken = if t_.reply == callsim_core::call::NOT_UNDERSTOOD_ID {
                        format!("{} ({sure})", t(lang, Label::NotUnderstood))
                    } else {
                        format!("{}{} ({sure})", t(lang, Label::UnderstoodAs), t_.text)
                    };
                    ui.add(egui::Label::new(RichText::new(taken).color(theme::MUTED)).wrap());
                    // Only words the game played as a reply can be "not what
                    // I meant"; words it did not understand reach the trainer
                    // as they are.
                    if t_.reply != callsim_core::call::NOT_UNDERSTOOD_ID {
                        let mut flagged = typed.flagged;
                        if theme::checkbox(ui, &mut flagged, t(lang, Label::NotWhatIMeant)).changed() {
                            flag = Some(flagged);
                        }
                        if typed.flagged {
                            ui.add(
                                egui::Label::new(
                                    RichText::new(t(lang, Label::FlaggedNotMeant))
                                        .small()
                                        .color(theme::MUTED),
                                )
                                .wrap(),
                            );
                        }
                    }
                } else {
                    ui.add(
                        egui::Label::new(
                            RichText::new(format!("{}: {}", t(lang, Label::You), t_.text))
                                .color(theme::INK)
                                .strong(),
                        )
                        .wrap(),
                    );
                }
                points_row(ui, t_.points, lang);
                if !t_.note.is_empty() {
                    ui.add(egui::Label::new(RichText::new(&t_.note).italics().color(theme::INK)).wrap());
                }
                for note in &t_.rule_notes {
                    ui.add(egui::Label::new(RichText::new(format!("⚠ {note}")).color(theme::WARN)).wrap());
                }
                match &turn.best {
                    Some(best) => {
                        egui::Frame::new()
                            .fill(theme::GOOD_SOFT)
                            .corner_radius(egui::CornerRadius::same(8))
                            .inner_margin(egui::Margin::same(10))
                            .show(ui, |ui| {
                                ui.set_width(ui.available_width());
                                ui.label(
                                    RichText::new(t(lang, Label::BestHere))
                                        .small()
                                        .strong()
                                        .color(theme::GOOD),
                                );
                                ui.add(egui::Label::new(RichText::new(&best.text).color(theme::INK)).wrap());
                                points_row(ui, best.points, lang);
                                if !best.note.is_empty() {
                                    ui.add(
                                        egui::Label::new(
                                            RichText::new(&best.note).italics().color(theme::INK),
                                        )
                                        .wrap(),
                                    );
                                }
                            });
                    }
                    None if turn.was_best => {
                        ui.label(
                            RichText::new(format!("✓ {}", t(lang, Label::WasBest)))
                                .small()
                                .color(theme::GOOD),
                        );
                    }
                    None => {}
                }
            });
        });
    });
    flag
}
