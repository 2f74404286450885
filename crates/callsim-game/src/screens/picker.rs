//! The scenario picker: a card per scenario file (title, caller, difficulty,
//! languages, the trainee's best so far, tags), filters by tag and language,
//! and broken files as error cards pointing at file:line:column.

use std::collections::BTreeSet;

use bevy::prelude::*;
use bevy_egui::egui::{self, RichText, TextStyle};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::{FocusFirst, Screen, ScreenUi, top_bar};
use crate::class::Class;
use crate::face::{Expression, paint_face};
use crate::library::Scenarios;
use crate::records::Records;
use crate::session::{Navigate, PickScenario};
use crate::theme::{self, Look};
use callsim_core::locale::labels::{Label, t, tf};
use callsim_core::locale::text::GAME_LANGUAGES;
use callsim_core::scenario::Difficulty;
use callsim_trainee::folder::{Change, Entry};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Picker), open);
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUi).run_if(in_state(Screen::Picker)),
    );
}

/// The filters the trainee has set.
#[derive(Component, Debug, Default)]
struct Filters {
    tag: Option<String>,
    language: Option<String>,
}

fn open(mut commands: Commands) {
    commands.spawn((
        Name::new("Scenario picker"),
        Filters::default(),
        FocusFirst::default(),
        DespawnOnExit(Screen::Picker),
    ));
}

fn language_name(code: &str) -> &str {
    GAME_LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, name)| name)
}

fn difficulty(lang: &str, d: Difficulty) -> (&'static str, egui::Color32, egui::Color32) {
    match d {
        Difficulty::Easy => (t(lang, Label::Easy), theme::GOOD, theme::GOOD_SOFT),
        Difficulty::Medium => (t(lang, Label::Medium), theme::WARN, theme::WARN_SOFT),
        Difficulty::Hard => (t(lang, Label::Hard), theme::BAD, theme::BAD_SOFT),
    }
}

fn shown(entry: &Entry, filters: &Filters) -> bool {
    let Some(model) = entry.model() else {
        // A broken file is always shown: the trainer needs to see it.
        return true;
    };
    let s = &model.scenario;
    filters.tag.as_ref().is_none_or(|tag| s.tags.contains(tag))
        && filters
            .language
            .as_ref()
            .is_none_or(|lang| s.languages.contains(lang))
}

fn draw(
    mut contexts: EguiContexts,
    records: Res<Records>,
    scenarios: Res<Scenarios>,
    class: Option<Res<Class>>,
    screen: Single<(&mut Filters, &mut FocusFirst)>,
    mut pick: MessageWriter<PickScenario>,
    mut navigate: MessageWriter<Navigate>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let (mut filters, mut focus) = screen.into_inner();
    let lang = records.settings.language.as_str();
    let models: Vec<_> = scenarios.entries().iter().filter_map(Entry::model).collect();
    let tags: BTreeSet<&str> = models
        .iter()
        .flat_map(|m| m.scenario.tags.iter().map(String::as_str))
        .collect();
    let languages: BTreeSet<&str> = models
        .iter()
        .flat_map(|m| m.scenario.languages.iter().map(String::as_str))
        .collect();
    theme::page(ctx, "picker", |ui| {
        if top_bar(
            ui,
            &records,
            t(lang, Label::PickerTitle),
            Some(t(lang, Label::Back)),
        ) {
            navigate.write(Navigate(Screen::Title));
        }
        ui.horizontal_wrapped(|ui| {
            filter_row(
                ui,
                t(lang, Label::Language),
                lang,
                &languages,
                &mut filters.language,
                |s| language_name(s).to_owned(),
            );
            if tags.len() > 1 {
                ui.add_space(16.0);
                ui.label(RichText::new(t(lang, Label::Topic)).color(theme::MUTED));
                let shown = filters
                    .tag
                    .clone()
                    .unwrap_or_else(|| t(lang, Label::All).to_owned());
                let combo = egui::ComboBox::from_id_salt("topic")
                    .selected_text(shown)
                    .width(200.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut filters.tag, None, t(lang, Label::All));
                        for tag in &tags {
                            ui.selectable_value(&mut filters.tag, Some((*tag).to_owned()), *tag);
                        }
                    });
                theme::focus_ring(ui, &combo.response);
            }
        });
        ui.add_space(6.0);
        // A trainer editing a file sees it taken in at once.
        if let Some(Change::Added(file) | Change::Updated(file)) = scenarios.changes.last() {
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            ui.label(RichText::new(tf(lang, Label::Reloaded, &[("file", &name)])).color(theme::GOOD));
        }
        if let Some(problem) = &scenarios.problem {
            ui.colored_label(theme::BAD, problem);
        }
        let mut entries: Vec<&Entry> = scenarios
            .entries()
            .iter()
            .filter(|e| shown(e, &filters))
            .collect();
        // What the trainee's class assigned comes first, in the class's order.
        let assigned = |e: &Entry| {
            class
                .as_ref()
                .and_then(|c| e.scenario_id().and_then(|id| c.assigned(id)))
        };
        entries.sort_by_key(|e| assigned(e).unwrap_or(usize::MAX));
        if scenarios.entries().is_empty() {
            theme::muted(
                ui,
                &tf(lang, Label::NoScenarios, &[("dir", &scenarios.dir().display())]),
            );
        } else if entries.is_empty() {
            theme::muted(ui, t(lang, Label::NoMatch));
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                theme::keyboard_scroll(ui);
                let columns = if ui.available_width() > 900.0 { 2 } else { 1 };
                let mut first = true;
                for row in entries.chunks(columns) {
                    ui.columns(columns, |cols| {
                        for (col, entry) in cols.iter_mut().zip(row) {
                            let play = scenario_card(col, &records, entry, lang, assigned(entry).is_some());
                            if let Some(play) = play {
                                if first {
                                    focus.apply(&play);
                                    first = false;
                                }
                                if play.clicked()
                                    && let Some(id) = entry.scenario_id()
                                {
                                    pick.write(PickScenario(id.to_owned()));
                                }
                            }
                        }
                    });
                    ui.add_space(12.0);
                }
            });
    });
    Ok(())
}

/// A row of toggle buttons: "All" and each value.
fn filter_row(
    ui: &mut egui::Ui,
    name: &str,
    lang: &str,
    values: &BTreeSet<&str>,
    chosen: &mut Option<String>,
    show: impl Fn(&str) -> String,
) {
    if values.len() < 2 {
        return;
    }
    ui.label(RichText::new(name).color(theme::MUTED));
    let all = ui.selectable_label(chosen.is_none(), t(lang, Label::All));
    theme::focus_ring(ui, &all);
    if all.clicked() {
        *chosen = None;
    }
    for value in values {
        let on = chosen.as_deref() == Some(*value);
        let response = ui.selectable_label(on, show(value));
        theme::focus_ring(ui, &response);
        if response.clicked() {
            *chosen = if on { None } else { Some((*value).to_owned()) };
        }
    }
}

/// One scenario's card; returns the play button, if the card has one.
fn scenario_card(
    ui: &mut egui::Ui,
    records: &Records,
    entry: &Entry,
    lang: &str,
    assigned: bool,
) -> Option<egui::Response> {
    let frame = if entry.error.is_some() {
        theme::card().stroke(egui::Stroke::new(2.0, theme::BAD))
    } else {
        theme::card()
    };
    frame
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            // Left-aligned, not justified: `columns` justifies, which
            // stretches the letters of a wrapped summary.
            ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                card_body(ui, records, entry, lang, assigned)
            })
            .inner
        })
        .inner
}

fn card_body(
    ui: &mut egui::Ui,
    records: &Records,
    entry: &Entry,
    lang: &str,
    assigned: bool,
) -> Option<egui::Response> {
    if let Some(error) = &entry.error {
        ui.horizontal(|ui| {
            theme::chip(ui, "!", egui::Color32::WHITE, theme::BAD);
            theme::subheading(ui, t(lang, Label::BrokenScenario));
        });
        ui.label(
            RichText::new(entry.file_name())
                .text_style(TextStyle::Monospace)
                .color(theme::INK),
        );
        for d in error.diagnostics.iter().filter(|d| d.is_error()).take(3) {
            ui.add(
                egui::Label::new(
                    RichText::new(format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message))
                        .text_style(TextStyle::Monospace)
                        .color(theme::BAD),
                )
                .wrap(),
            );
            if let Some(help) = &d.help {
                theme::muted(ui, &format!("→ {help}"));
            }
        }
        theme::muted(ui, t(lang, Label::BrokenHelp));
        if entry.is_playable() {
            ui.label(RichText::new(t(lang, Label::KeptLastGood)).color(theme::WARN));
        }
    }
    let model = entry.model()?;
    let s = &model.scenario;
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::Vec2::splat(56.0), egui::Sense::hover());
        paint_face(
            ui.painter(),
            rect.center(),
            27.0,
            &s.persona.face,
            Expression {
                brow: 0.0,
                mouth: 0.0,
                eyes: 1.0,
                flush: 0.0,
            },
        );
        ui.vertical(|ui| {
            ui.spacing_mut().item_spacing.y = 2.0;
            ui.horizontal_wrapped(|ui| {
                theme::subheading(ui, s.text(&s.title, lang));
                let (name, colour, fill) = difficulty(lang, s.difficulty);
                theme::chip(ui, name, colour, fill);
                if assigned {
                    theme::chip(ui, t(lang, Label::Assigned), egui::Color32::WHITE, theme::ACCENT);
                }
            });
            ui.label(
                RichText::new(s.text(&s.persona.name, lang))
                    .color(theme::INK)
                    .strong(),
            );
        });
    });
    ui.add(egui::Label::new(RichText::new(s.text(&s.summary, lang)).color(theme::MUTED)).wrap());
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().interact_size.y = 22.0;
        ui.spacing_mut().item_spacing = egui::Vec2::new(6.0, 6.0);
        for code in &s.languages {
            theme::chip(ui, language_name(code), theme::ACCENT, theme::ACCENT_SOFT);
        }
        for tag in &s.tags {
            theme::chip(ui, tag, theme::MUTED, egui::Color32::from_rgb(0xF1, 0xF5, 0xF9));
        }
    });
    ui.horizontal(|ui| {
        // Its own id, so the focus stays on it when the card above it
        // changes (a file broken or mended while the picker is open).
        let play = ui
            .push_id(("play", &entry.file), |ui| {
                theme::button(ui, Look::Primary, t(lang, Label::TakeCall), None)
            })
            .inner;
        match records.best(&s.id) {
            Some(best) => ui.label(
                RichText::new(tf(
                    lang,
                    Label::BestSoFar,
                    &[("respect", &best.respect), ("sincerity", &best.sincerity)],
                ))
                .color(theme::INK),
            ),
            None => ui.label(RichText::new(t(lang, Label::NotPlayedYet)).color(theme::MUTED)),
        };
        Some(play)
    })
    .inner
}
