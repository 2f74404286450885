//! Vote mode: the call the hub plays for the whole class. Trainees see the
//! caller's line and the same options and vote (a click or a number key);
//! the facilitator sees the votes arrive as bars and plays the class's
//! choice or another reply. At the end, each turn shows how the class voted
//! next to the best reply.

use std::collections::HashMap;

use bevy::prelude::*;
use bevy_egui::egui::{self, Key, Modifiers, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::{Screen, ScreenUi, top_bar};
use crate::class::{CastClassVote, Class, LeaveClassVote, PlayClassTurn, VoteRole};
use crate::records::Records;
use crate::theme::{self, Look};
use callsim_core::locale::labels::{Label, t, tf};
use callsim_trainee::class::{VoteDebrief, VoteOption, VoteView};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::ClassVote), open);
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUi)
            .run_if(in_state(Screen::ClassVote).and_then(resource_exists::<Class>)),
    );
}

/// The reply texts seen so far, by id, for the debrief (which names replies
/// by id): options of earlier turns are no longer in the view.
#[derive(Component, Debug, Default)]
struct ReplyTexts(HashMap<String, String>);

fn open(mut commands: Commands) {
    commands.spawn((
        Name::new("Class vote"),
        ReplyTexts::default(),
        DespawnOnExit(Screen::ClassVote),
    ));
}

fn option_text(o: &VoteOption) -> &str {
    if o.text.is_empty() { &o.id } else { &o.text }
}

fn draw(
    mut contexts: EguiContexts,
    records: Res<Records>,
    class: Res<Class>,
    mut texts: Single<&mut ReplyTexts>,
    mut leave: MessageWriter<LeaveClassVote>,
    mut cast: MessageWriter<CastClassVote>,
    mut play: MessageWriter<PlayClassTurn>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = records.settings.language.as_str();
    let Some(vote) = &class.vote else {
        theme::page(ctx, "class-vote", |ui| {
            if top_bar(
                ui,
                &records,
                t(lang, Label::ClassTitle),
                Some(t(lang, Label::Back)),
            ) {
                leave.write(LeaveClassVote);
            }
            theme::muted(ui, t(lang, Label::NoClassVote));
        });
        return Ok(());
    };
    let view = &vote.view;
    for o in &view.options {
        texts
            .0
            .entry(o.id.clone())
            .or_insert_with(|| option_text(o).to_owned());
    }
    for p in &view.played {
        texts.0.entry(p.reply.clone()).or_insert_with(|| p.text.clone());
    }
    let over = view.ending.is_some();
    if !over && vote.role == VoteRole::Trainee && !ctx.egui_wants_keyboard_input() {
        for o in &view.options {
            if let Some(n) = Key::from_name(&o.number.to_string())
                && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, n))
            {
                cast.write(CastClassVote(o.id.clone()));
            }
        }
    }
    theme::page(ctx, "class-vote", |ui| {
        if top_bar(ui, &records, &view.title, Some(t(lang, Label::Back))) {
            leave.write(LeaveClassVote);
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                theme::column(ui, 900.0, |ui| match &view.ending {
                    Some(ending) => {
                        theme::heading(ui, &tf(lang, Label::VoteEnded, &[("ending", &ending.title)]));
                        match &vote.debrief {
                            Some(debrief) => review(ui, debrief, &texts.0, lang),
                            None => {
                                theme::muted(ui, t(lang, Label::FetchingDebrief));
                            }
                        }
                    }
                    None => {
                        turn(ui, view, vote.role, lang, &mut cast, &mut play);
                        if !view.played.is_empty() {
                            ui.add_space(10.0);
                            theme::subheading(ui, t(lang, Label::SoFar));
                            for p in &view.played {
                                ui.horizontal_wrapped(|ui| {
                                    ui.label(RichText::new(format!("{}.", p.turn)).color(theme::MUTED));
                                    ui.add(egui::Label::new(RichText::new(&p.text).color(theme::INK)).wrap());
                                    if p.overridden {
                                        ui.label(
                                            RichText::new(t(lang, Label::FacilitatorsChoice))
                                                .small()
                                                .color(theme::WARN),
                                        );
                                    }
                                });
                            }
                        }
                    }
                });
            });
    });
    Ok(())
}

/// The turn open now: the caller's line, the meters, the options to vote
/// on (trainee) or the votes as bars with the plays (facilitator).
fn turn(
    ui: &mut egui::Ui,
    view: &VoteView,
    role: VoteRole,
    lang: &str,
    cast: &mut MessageWriter<CastClassVote>,
    play: &mut MessageWriter<PlayClassTurn>,
) {
    ui.label(
        RichText::new(tf(
            lang,
            Label::VoteTurn,
            &[
                ("turn", &view.turn),
                ("voted", &view.voted),
                ("trainees", &view.trainees),
            ],
        ))
        .color(theme::MUTED),
    );
    theme::card().show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(
            RichText::new(t(lang, Label::Caller))
                .small()
                .strong()
                .color(theme::MUTED),
        );
        ui.add(
            egui::Label::new(
                RichText::new(&view.caller)
                    .text_style(theme::subheading_style())
                    .color(theme::INK),
            )
            .wrap(),
        );
        for meter in &view.meters {
            let share = (meter.value - meter.min) as f32 / (meter.max - meter.min).max(1) as f32;
            ui.horizontal(|ui| {
                // A fixed width, so the bars line up.
                ui.add_sized(
                    [140.0, 18.0],
                    egui::Label::new(RichText::new(&meter.label).color(theme::INK)).truncate(),
                );
                theme::bar(ui, 200.0, 10.0, share, theme::ACCENT);
                ui.label(RichText::new(meter.value.to_string()).color(theme::MUTED));
            });
        }
    });
    ui.add_space(8.0);
    match role {
        VoteRole::Trainee => {
            theme::subheading(ui, t(lang, Label::VoteForReply));
            for o in &view.options {
                let mine = view.my_vote.as_deref() == Some(o.id.as_str());
                let tint = if mine { theme::GOOD_SOFT } else { theme::PANEL };
                let caption = mine.then(|| (t(lang, Label::YouVoted), theme::GOOD));
                let response = theme::choice_card(
                    ui,
                    egui::Id::new(("class-vote-option", &o.id)),
                    &o.number.to_string(),
                    caption,
                    option_text(o),
                    tint,
                );
                if response.clicked() {
                    cast.write(CastClassVote(o.id.clone()));
                }
                ui.add_space(4.0);
            }
        }
        VoteRole::Facilitator => {
            let most = view.options.iter().filter_map(|o| o.votes).max().unwrap_or(0);
            // First, so that a long list of options never hides it.
            ui.add_enabled_ui(most > 0, |ui| {
                if theme::button(ui, Look::Primary, t(lang, Label::PlayClassChoice), None).clicked() {
                    play.write(PlayClassTurn(None));
                }
            });
            ui.add_space(6.0);
            for o in &view.options {
                let votes = o.votes.unwrap_or(0);
                theme::card().show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.horizontal(|ui| {
                        theme::keycap(ui, &o.number.to_string());
                        ui.add(egui::Label::new(RichText::new(option_text(o)).color(theme::INK)).wrap());
                    });
                    ui.horizontal(|ui| {
                        let share = if most == 0 {
                            0.0
                        } else {
                            votes as f32 / most as f32
                        };
                        theme::bar(
                            ui,
                            (ui.available_width() - 260.0).max(80.0),
                            16.0,
                            share,
                            theme::RESPECT,
                        );
                        ui.label(
                            RichText::new(votes.to_string())
                                .text_style(theme::subheading_style())
                                .color(theme::INK),
                        );
                        if theme::button(ui, Look::Secondary, t(lang, Label::PlayThis), None).clicked() {
                            play.write(PlayClassTurn(Some(o.id.clone())));
                        }
                    });
                });
                ui.add_space(4.0);
            }
        }
    }
}

/// The vote-mode debrief: the pillars, then per turn how the class voted
/// next to the best reply.
fn review(ui: &mut egui::Ui, debrief: &VoteDebrief, texts: &HashMap<String, String>, lang: &str) {
    let text_of = |id: &str| texts.get(id).cloned().unwrap_or_else(|| id.to_owned());

    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "{} {}",
                t(lang, Label::Respect),
                debrief.debrief.respect.percent
            ))
            .text_style(theme::subheading_style())
            .color(theme::RESPECT),
        );
        ui.add_space(20.0);
        ui.label(
            RichText::new(format!(
                "{} {}",
                t(lang, Label::Sincerity),
                debrief.debrief.sincerity.percent
            ))
            .text_style(theme::subheading_style())
            .color(theme::SINCERITY),
        );
    });
    theme::subheading(ui, t(lang, Label::ClassVotes));
    for turn in &debrief.turns {
        theme::card().show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(format!("{}. {}", turn.turn, turn.caller)).color(theme::INK));
            let total: u32 = turn.votes.iter().map(|v| v.votes).sum();
            for v in &turn.votes {
                ui.horizontal(|ui| {
                    let share = if total == 0 {
                        0.0
                    } else {
                        v.votes as f32 / total as f32
                    };
                    let colour = if v.reply == turn.best {
                        theme::GOOD
                    } else {
                        theme::RESPECT
                    };
                    theme::bar(ui, 160.0, 12.0, share, colour);
                    ui.label(RichText::new(v.votes.to_string()).strong());
                    let mut line = text_of(&v.reply);
                    if v.reply == turn.played {
                        line = format!("{line}  · {}", t(lang, Label::Played));
                    }
                    ui.add(egui::Label::new(RichText::new(line).color(theme::INK)).wrap());
                });
            }
            if turn.best != turn.played {
                ui.label(
                    RichText::new(format!("{}: {}", t(lang, Label::BestHere), turn.best_text))
                        .color(theme::GOOD),
                );
            }
            theme::muted(
                ui,
                &tf(lang, Label::VotedBest, &[("percent", &turn.voted_best_percent)]),
            );
        });
        ui.add_space(4.0);
    }
}
