//! On the line: the caller's face and mood, the meters (practice mode), the
//! call clock, the conversation with the caller's newest line appearing as
//! it is said, the replies numbered in the engine's order, and the actions
//! (check the account, hold, transfer, end the call) with their own keys.
//!
//! Everything here is drawn from `LiveCall`; a click or a key only writes a
//! message for `session` to act on.

use std::time::Duration;

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, Id, Key, Modifiers, RichText, TextStyle};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::{Screen, ScreenUi};
use crate::face::{Expression, Mood, paint_face};
use crate::session::{ChooseOption, LiveCall, OpenDebrief, ShowWholeLine, TakeOffHold, ToggleAccount};
use crate::theme::{self, Look};
use crate::typing::{Draft, ModelState, PickMeant, SayTyped, SentenceModel};
use callsim_core::call::Mode;
use callsim_core::call::OptionView;
use callsim_core::locale::labels::{Label, clock, reply_keys, t, tf};
use callsim_core::scenario::Action;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Call), open);
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUi)
            .run_if(in_state(Screen::Call).and_then(resource_exists::<LiveCall>)),
    );
}

/// Where the keyboard focus was last put: it moves to the first reply each
/// turn, to the hold or debrief button when they appear.
#[derive(Component, Debug, Default)]
struct CallFocus {
    placed_for: Option<(usize, Phase)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Talking,
    OnHold,
    Over,
}

fn open(mut commands: Commands) {
    commands.spawn((
        Name::new("In the call"),
        CallFocus::default(),
        DespawnOnExit(Screen::Call),
    ));
}

/// An action's key and name.
fn action_key(option: &OptionView) -> (char, Label) {
    match option.action {
        Action::CheckAccount => ('C', Label::CheckAccount),
        Action::Hold { .. } => ('H', Label::PutOnHold),
        Action::Transfer => ('T', Label::Transfer),
        Action::EndCall if option.id == "hang_up" => ('X', Label::HangUp),
        Action::EndCall | Action::Say => ('E', Label::EndCall),
    }
}

/// Each action with its key; a second action of the same sort takes the
/// next free letter.
fn action_keys(options: &[OptionView]) -> Vec<(char, Label, &OptionView)> {
    let mut taken = Vec::new();
    options
        .iter()
        .filter(|o| !o.is_spoken())
        .map(|o| {
            let (mut key, label) = action_key(o);
            if taken.contains(&key)
                && let Some(free) = "FGJKLMNOPRUVWYZ".chars().find(|c| !taken.contains(c))
            {
                key = free;
            }
            taken.push(key);
            (key, label, o)
        })
        .collect()
}

/// The key that chooses option `number` on this screen: its place among
/// the replies (`1`-`9`) or its action's letter. The screenshot tour
/// presses these, as a trainee would.
pub(crate) fn key_for(options: &[OptionView], number: usize) -> Option<char> {
    if let Some(i) = options
        .iter()
        .filter(|o| o.is_spoken())
        .position(|o| o.number == number)
    {
        return char::from_digit(u32::try_from(i + 1).ok()?, 10);
    }
    action_keys(options)
        .into_iter()
        .find(|(_, _, o)| o.number == number)
        .map(|(key, _, _)| key)
}

fn letter_key(c: char) -> Option<Key> {
    Key::from_name(&c.to_string())
}

fn digit_key(n: usize) -> Option<Key> {
    Key::from_name(&n.to_string())
}

fn action_caption(lang: &str, label: Label, option: &OptionView) -> String {
    match (option.action, &option.transfer_to) {
        (Action::Hold { seconds }, _) => tf(lang, label, &[("time", &clock(seconds))]),
        (Action::Transfer, Some(name)) => tf(lang, Label::TransferTo, &[("name", name)]),
        _ => t(lang, label).to_owned(),
    }
}

/// What the trainee's action did, in words, for the transcript.
fn action_note(lang: &str, action: Action, transfer_to: Option<&str>) -> Option<String> {
    if let (Action::Transfer, Some(name)) = (action, transfer_to) {
        return Some(tf(lang, Label::TransferredToNote, &[("name", &name)]));
    }
    match action {
        Action::Say => None,
        Action::CheckAccount => Some(t(lang, Label::CheckedAccountNote).to_owned()),
        Action::Hold { seconds } => Some(tf(lang, Label::HeldNote, &[("time", &clock(seconds))])),
        Action::Transfer => Some(t(lang, Label::TransferredNote).to_owned()),
        Action::EndCall => Some(t(lang, Label::EndedNote).to_owned()),
    }
}

#[allow(clippy::too_many_arguments)] // one writer per thing the trainee can do
fn draw(
    mut contexts: EguiContexts,
    live: Res<LiveCall>,
    time: Res<Time<Real>>,
    mut focus: Single<&mut CallFocus>,
    mut choose: MessageWriter<ChooseOption>,
    mut whole: MessageWriter<ShowWholeLine>,
    mut off_hold: MessageWriter<TakeOffHold>,
    mut account: MessageWriter<ToggleAccount>,
    mut debrief: MessageWriter<OpenDebrief>,
    mut typed: TypedHands,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = live.call.language().to_owned();
    let lang = lang.as_str();
    let now = time.elapsed_secs_f64();
    let call = &live.call;
    let s = &call.model().scenario;
    let phase = if call.is_over() {
        Phase::Over
    } else if live.hold.is_some() {
        Phase::OnHold
    } else {
        Phase::Talking
    };
    if let Some(wait) = live.next_change(now) {
        ctx.request_repaint_after(Duration::from_secs_f64(wait));
    }

    // Keys first. Space shows the whole line and never reaches a focused
    // reply card: a trainee pressing it just as the line finishes would
    // otherwise send a reply by accident. Enter or the number chooses.
    let typing = ctx.text_edit_focused();
    let saying = !live.line_is_whole(now);
    let takes_space = match phase {
        Phase::Talking => true,
        // The caller's last words; once said, Space opens the debrief.
        Phase::Over => saying,
        Phase::OnHold => false,
    };
    if !typing && takes_space && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Space)) && saying {
        whole.write(ShowWholeLine);
    }
    let spoken: Vec<&OptionView> = call.options().iter().filter(|o| o.is_spoken()).collect();
    let actions = action_keys(call.options());
    if !typing && phase == Phase::Talking {
        for (i, option) in spoken.iter().enumerate() {
            if digit_key(i + 1).is_some_and(|k| ctx.input_mut(|inp| inp.consume_key(Modifiers::NONE, k))) {
                choose.write(ChooseOption(option.number));
            }
        }
        for (key, _, option) in &actions {
            if letter_key(*key).is_some_and(|k| ctx.input_mut(|inp| inp.consume_key(Modifiers::NONE, k))) {
                choose.write(ChooseOption(option.number));
            }
        }
    }
    if !typing && call.account().is_some() && ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::A)) {
        account.write(ToggleAccount);
    }

    let mut root = egui::Ui::new(
        ctx.clone(),
        Id::new("call"),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.content_rect()),
    );
    let side = egui::Frame::new()
        .fill(theme::PANEL)
        .inner_margin(egui::Margin::symmetric(20, 18))
        .stroke(egui::Stroke::new(1.0, theme::LINE));
    egui::Panel::left("caller")
        .exact_size(330.0)
        .resizable(false)
        .frame(side)
        .show(&mut root, |ui| caller_panel(ui, &live, lang, now, &mut account));

    let main = egui::Frame::new()
        .fill(theme::BACKGROUND)
        .inner_margin(egui::Margin::symmetric(24, 16));
    egui::Panel::bottom("replies")
        .resizable(false)
        .frame(main.inner_margin(egui::Margin {
            left: 24,
            right: 24,
            top: 10,
            bottom: 18,
        }))
        .show(&mut root, |ui| {
            let first = match phase {
                Phase::Talking if live.typing => {
                    typed_reply(ui, lang, &live, &actions, &mut typed, &mut choose)
                }
                Phase::Talking => {
                    if typed.wants_typing() {
                        theme::muted(ui, &typed.model_note(lang));
                    }
                    replies(ui, lang, &spoken, &actions, &mut choose)
                }
                Phase::OnHold => hold_card(ui, &live, lang, now, &mut off_hold),
                Phase::Over => ended_card(ui, &live, lang, &mut debrief),
            };
            let marker = (call.turns().len(), phase);
            // Each turn, and whenever nothing has the focus (Esc clears
            // it), the first choice takes it: the focus is always visible.
            let unfocused = ui.memory(|m| m.focused().is_none());
            if (focus.placed_for != Some(marker) || unfocused)
                && let Some(first) = first
            {
                first.request_focus();
                focus.placed_for = Some(marker);
            }
        });
    egui::CentralPanel::default().frame(main).show(&mut root, |ui| {
        ui.horizontal(|ui| {
            theme::heading(ui, s.text(&s.title, lang));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let mode = if live.mode == Mode::Exam {
                    Label::Exam
                } else {
                    Label::Practice
                };
                theme::chip(ui, t(lang, mode), theme::ACCENT, theme::ACCENT_SOFT);
                ui.label(
                    RichText::new(clock(live.clock(now)))
                        .text_style(theme::subheading_style())
                        .color(if call.is_over() { theme::MUTED } else { theme::INK }),
                );
                ui.label(RichText::new(t(lang, Label::CallTime)).color(theme::MUTED));
            });
        });
        ui.separator();
        transcript(ui, &live, lang, now);
    });
    Ok(())
}

fn caller_panel(
    ui: &mut egui::Ui,
    live: &LiveCall,
    lang: &str,
    now: f64,
    account: &mut MessageWriter<ToggleAccount>,
) {
    let call = &live.call;
    let s = &call.model().scenario;
    let mood = Mood::of(call);
    ui.vertical_centered(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::Vec2::new(220.0, 200.0), egui::Sense::hover());
        let expression = Expression::animated(ui.ctx(), Id::new("caller-face"), mood.expression());
        paint_face(ui.painter(), rect.center(), 98.0, &s.persona.face, expression);
        theme::heading(ui, s.text(&s.persona.name, lang));
        let colour = match mood {
            Mood::Angry => theme::BAD,
            Mood::Annoyed => theme::WARN,
            Mood::Relieved | Mood::Pleased => theme::GOOD,
            Mood::Calm => theme::MUTED,
        };
        ui.label(RichText::new(t(lang, mood.label())).color(colour).strong());
    });
    ui.add_space(8.0);
    if live.mode == Mode::Practice {
        let last = call.turns().last();
        for meter in call.meters() {
            let share = (meter.value - meter.min) as f32 / (meter.max - meter.min).max(1) as f32;
            let colour = match meter.id.as_str() {
                "anger" => theme::BAD,
                "trust" => theme::GOOD,
                _ => theme::ACCENT,
            };
            ui.horizontal(|ui| {
                ui.label(RichText::new(&meter.label).color(theme::INK));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(RichText::new(meter.value.to_string()).strong().color(theme::INK));
                    let change = last
                        .and_then(|turn| turn.meters.iter().find(|m| m.id == meter.id))
                        .map_or(0, |m| m.after - m.before);
                    if change != 0 {
                        ui.label(RichText::new(format!("{change:+}")).small().color(theme::MUTED));
                    }
                });
            });
            theme::bar(ui, ui.available_width(), 10.0, share, colour);
        }
        // The last reply's points, in a place kept for them so nothing
        // moves when they come and go.
        ui.add_space(6.0);
        let (rect, _) =
            ui.allocate_exact_size(egui::Vec2::new(ui.available_width(), 44.0), egui::Sense::hover());
        if let Some(flash) = live.flash(now) {
            points_flash(ui, rect, lang, flash.points);
        }
    }
    if let Some(facts) = call.account() {
        ui.add_space(12.0);
        if live.account_open {
            theme::card().fill(theme::ACCENT_SOFT).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    theme::subheading(ui, t(lang, Label::Account));
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if theme::button(ui, Look::Secondary, t(lang, Label::Close), Some("A")).clicked() {
                            account.write(ToggleAccount);
                        }
                    });
                });
                egui::ScrollArea::vertical().id_salt("account").show(ui, |ui| {
                    for (label, value) in facts {
                        ui.label(RichText::new(label).small().strong().color(theme::MUTED));
                        ui.add(egui::Label::new(RichText::new(value).color(theme::INK)).wrap());
                    }
                });
            });
        } else if theme::button(ui, Look::Secondary, t(lang, Label::Account), Some("A")).clicked() {
            account.write(ToggleAccount);
        }
    }
}

/// A speech bubble, on the left for the caller and on the right for the
/// trainee.
fn bubble(ui: &mut egui::Ui, who: &str, text: &str, mine: bool) {
    let width = ui.available_width() * 0.78;
    let layout = if mine {
        egui::Layout::right_to_left(egui::Align::Min)
    } else {
        egui::Layout::left_to_right(egui::Align::Min)
    };
    ui.with_layout(layout, |ui| {
        egui::Frame::new()
            .fill(if mine { theme::ACCENT_SOFT } else { theme::PANEL })
            .stroke(egui::Stroke::new(
                1.0,
                if mine {
                    Color32::from_rgb(0xBF, 0xD4, 0xF6)
                } else {
                    theme::LINE
                },
            ))
            .corner_radius(egui::CornerRadius::same(12))
            .inner_margin(egui::Margin::symmetric(14, 10))
            .show(ui, |ui| {
                ui.set_max_width(width);
                ui.vertical(|ui| {
                    ui.spacing_mut().item_spacing.y = 3.0;
                    ui.label(RichText::new(who).small().strong().color(if mine {
                        theme::ACCENT
                    } else {
                        theme::MUTED
                    }));
                    ui.add(egui::Label::new(RichText::new(text).color(theme::INK)).wrap());
                });
            });
    });
}

fn note(ui: &mut egui::Ui, text: &str) {
    ui.vertical_centered(|ui| {
        ui.label(RichText::new(text).italics().small().color(theme::MUTED));
    });
}

fn transcript(ui: &mut egui::Ui, live: &LiveCall, lang: &str, now: f64) {
    let call = &live.call;
    let s = &call.model().scenario;
    let caller = s.text(&s.persona.name, lang);
    let you = t(lang, Label::You);
    egui::ScrollArea::vertical()
        .id_salt("transcript")
        .auto_shrink([false, false])
        .stick_to_bottom(true)
        .show(ui, |ui| {
            theme::keyboard_scroll(ui);
            for turn in call.turns() {
                if !turn.caller.is_empty() {
                    bubble(ui, caller, &turn.caller, false);
                }
                // The core's "(Hang up)" is not something said.
                match &turn.typed {
                    Some(typed) => {
                        bubble(ui, you, &typed.text, true);
                        // Practice shows what the words were taken for; an
                        // exam reveals nothing until the debrief.
                        if live.mode == Mode::Practice {
                            let seen = if turn.reply == callsim_core::call::NOT_UNDERSTOOD_ID {
                                t(lang, Label::NotUnderstood).to_owned()
                            } else {
                                format!("{}{}", t(lang, Label::UnderstoodAs), turn.text)
                            };
                            note(ui, &seen);
                        }
                    }
                    None if turn.reply != callsim_core::call::HANG_UP_ID => bubble(ui, you, &turn.text, true),
                    None => {}
                }
                if let Some(text) = action_note(lang, turn.action, turn.transfer_to.as_deref()) {
                    note(ui, &text);
                }
            }
            if live.hold.is_some() {
                note(ui, &format!("♪ {} ♪", t(lang, Label::OnHold)));
                return;
            }
            let line = if call.is_over() {
                call.ending().and_then(|e| e.says).unwrap_or_default()
            } else {
                call.caller_line().to_owned()
            };
            if !line.is_empty() {
                let said: String = line.chars().take(live.said(now)).collect();
                let text = if live.line_is_whole(now) {
                    said
                } else {
                    format!("{said} ▍")
                };
                bubble(ui, caller, &text, false);
            }
            if call.is_over() {
                ui.add_space(6.0);
                note(ui, &format!("— {} —", t(lang, Label::CallEnded)));
            }
        });
}

/// What the typed-reply panel reads and writes.
#[derive(bevy::ecs::system::SystemParam)]
struct TypedHands<'w> {
    draft: ResMut<'w, Draft>,
    model: Res<'w, SentenceModel>,
    records: Res<'w, crate::records::Records>,
    say: MessageWriter<'w, SayTyped>,
    pick: MessageWriter<'w, PickMeant>,
}

impl TypedHands<'_> {
    /// The settings ask for typing, though the call shows the options.
    fn wants_typing(&self) -> bool {
        self.records.settings.reply_by == callsim_trainee::progress::ReplyBy::Typing
    }

    fn model_note(&self, lang: &str) -> String {
        match &self.model.state {
            ModelState::Failed(error) => tf(lang, Label::ModelMissing, &[("error", error)]),
            _ => t(lang, Label::ModelLoading).to_owned(),
        }
    }
}

/// Typed mode: a text box with the focus, Enter sends; when the game was
/// unsure, the two closest replies to pick from; Hang up stays a button.
fn typed_reply(
    ui: &mut egui::Ui,
    lang: &str,
    live: &LiveCall,
    actions: &[(char, Label, &OptionView)],
    hands: &mut TypedHands,
    choose: &mut MessageWriter<ChooseOption>,
) -> Option<egui::Response> {
    use callsim_core::understand::MAX_CHARS;
    theme::subheading(ui, t(lang, Label::WhatDoYouSay));
    // An exam reveals no reply before the debrief: unsure only asks again.
    if live.unsure.is_some() && live.mode == Mode::Exam {
        ui.label(
            RichText::new(t(lang, Label::PutItAnotherWay))
                .strong()
                .color(theme::INK),
        );
    } else if let Some(reading) = &live.unsure {
        let s = &live.call.model().scenario;
        let node = s.node_index(live.call.node_id()).unwrap_or(0);
        ui.label(
            RichText::new(t(lang, Label::DidYouMean))
                .strong()
                .color(theme::INK),
        );
        for (n, candidate) in reading.choices().enumerate() {
            let text = s.nodes[node]
                .replies
                .get(candidate.index)
                .map(|r| s.text(&r.text, lang).to_owned())
                .unwrap_or_default();
            let response = theme::choice_card(
                ui,
                Id::new(("meant", n)),
                &(n + 1).to_string(),
                None,
                &text,
                theme::PANEL,
            );
            if response.clicked() {
                hands.pick.write(PickMeant(n + 1));
            }
        }
        theme::muted(ui, t(lang, Label::SayItAnotherWay));
    }
    let edit = egui::TextEdit::singleline(&mut hands.draft.0)
        .id(Id::new("typed-reply"))
        .hint_text(t(lang, Label::TypeYourReply))
        .char_limit(MAX_CHARS)
        .desired_width(f32::INFINITY)
        .font(TextStyle::Body)
        .margin(egui::Margin::symmetric(10, 8));
    let response = ui.add(edit);
    theme::focus_ring(ui, &response);
    if response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
        let text = std::mem::take(&mut hands.draft.0);
        if text.trim().is_empty() {
            hands.draft.0 = text;
        } else {
            hands.draft.0 = text.clone();
            hands.say.write(SayTyped(text));
        }
        response.request_focus();
    }
    if hands.draft.0.chars().count() >= MAX_CHARS {
        ui.label(
            RichText::new(tf(lang, Label::TypedTooLong, &[("max", &MAX_CHARS)]))
                .small()
                .color(theme::WARN),
        );
    }
    // Hang-up is never matched from text: it stays a button.
    for (key, label, option) in actions
        .iter()
        .filter(|(_, _, o)| o.id == callsim_core::call::HANG_UP_ID)
    {
        let caption = action_caption(lang, *label, option);
        let hang_up = theme::choice_card(
            ui,
            Id::new(("action", option.number)),
            &key.to_string(),
            Some((caption.as_str(), theme::BAD)),
            "",
            Color32::from_rgb(0xF8, 0xFA, 0xFC),
        );
        if hang_up.clicked() {
            choose.write(ChooseOption(option.number));
        }
    }
    Some(response)
}

/// The replies (numbered) and the actions (lettered). Returns the first
/// reply, which takes the focus each turn.
fn replies(
    ui: &mut egui::Ui,
    lang: &str,
    spoken: &[&OptionView],
    actions: &[(char, Label, &OptionView)],
    choose: &mut MessageWriter<ChooseOption>,
) -> Option<egui::Response> {
    let mut first = None;
    ui.horizontal(|ui| {
        theme::subheading(ui, t(lang, Label::WhatDoYouSay));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(
                RichText::new(tf(lang, Label::ReplyKeys, &[("keys", &reply_keys(spoken.len()))]))
                    .small()
                    .color(theme::MUTED),
            );
        });
    });
    for (i, option) in spoken.iter().enumerate() {
        let response = theme::choice_card(
            ui,
            Id::new(("reply", option.number)),
            &(i + 1).to_string(),
            None,
            &option.text,
            theme::PANEL,
        );
        if response.clicked() {
            choose.write(ChooseOption(option.number));
        }
        if first.is_none() {
            first = Some(response);
        }
    }
    if !actions.is_empty() {
        ui.add_space(4.0);
        ui.label(
            RichText::new(t(lang, Label::Actions))
                .strong()
                .color(theme::MUTED),
        );
        let columns = 2.min(actions.len());
        for row in actions.chunks(columns) {
            ui.columns(columns, |cols| {
                for (col, (key, label, option)) in cols.iter_mut().zip(row) {
                    let caption = action_caption(lang, *label, option);
                    let hang_up = option.id == "hang_up";
                    let colour = if matches!(option.action, Action::EndCall) {
                        theme::BAD
                    } else {
                        theme::ACCENT
                    };
                    let text = if hang_up { "" } else { option.text.as_str() };
                    let response = theme::choice_card(
                        col,
                        Id::new(("action", option.number)),
                        &key.to_string(),
                        Some((caption.as_str(), colour)),
                        text,
                        Color32::from_rgb(0xF8, 0xFA, 0xFC),
                    );
                    if response.clicked() {
                        choose.write(ChooseOption(option.number));
                    }
                    if first.is_none() {
                        first = Some(response);
                    }
                }
            });
        }
    }
    first
}

fn hold_card(
    ui: &mut egui::Ui,
    live: &LiveCall,
    lang: &str,
    now: f64,
    off_hold: &mut MessageWriter<TakeOffHold>,
) -> Option<egui::Response> {
    let hold = live.hold?;
    let mut button = None;
    theme::card().fill(theme::WARN_SOFT).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!(
                    "♪ {}  {} / {}",
                    t(lang, Label::OnHold),
                    clock(hold.held(now)),
                    clock(hold.seconds)
                ))
                .text_style(theme::subheading_style())
                .color(theme::WARN),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let response = theme::button(ui, Look::Primary, t(lang, Label::TakeOffHold), Some("Enter"));
                if response.clicked() {
                    off_hold.write(TakeOffHold);
                }
                button = Some(response);
            });
        });
        let share = hold.held(now) as f32 / hold.seconds.max(1) as f32;
        theme::bar(ui, ui.available_width(), 10.0, share, theme::WARN);
    });
    button
}

fn ended_card(
    ui: &mut egui::Ui,
    live: &LiveCall,
    lang: &str,
    debrief: &mut MessageWriter<OpenDebrief>,
) -> Option<egui::Response> {
    let ending = live.call.ending()?;
    let mut button = None;
    theme::card().show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.vertical(|ui| {
                ui.label(
                    RichText::new(t(lang, Label::CallEnded))
                        .small()
                        .color(theme::MUTED),
                );
                theme::subheading(ui, &ending.title);
            });
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let response = theme::button(ui, Look::Primary, t(lang, Label::SeeDebrief), Some("Enter"));
                if response.clicked() {
                    debrief.write(OpenDebrief);
                }
                button = Some(response);
            });
        });
    });
    button
}

/// The last reply's points per pillar, in `rect`. It stays still and goes
/// at once, so it costs no frames while it is up.
fn points_flash(ui: &mut egui::Ui, rect: egui::Rect, lang: &str, points: callsim_core::points::Points) {
    let mut ui = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(egui::Layout::left_to_right(egui::Align::Center)),
    );
    egui::Frame::new()
        .fill(theme::ACCENT_SOFT)
        .corner_radius(egui::CornerRadius::same(12))
        .inner_margin(egui::Margin::symmetric(14, 6))
        .show(&mut ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                for (label, value) in [
                    (Label::Respect, points.respect()),
                    (Label::Sincerity, points.sincerity()),
                ] {
                    ui.label(RichText::new(t(lang, label)).color(theme::INK));
                    ui.label(
                        RichText::new(format!("{value:+}"))
                            .text_style(TextStyle::Heading)
                            .color(theme::points_colour(value)),
                    );
                    ui.add_space(6.0);
                }
            });
        });
}
