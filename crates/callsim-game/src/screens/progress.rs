//! The trainee's progress: respect and sincerity call by call as a chart,
//! the best per scenario, and the list of calls.

use std::time::{SystemTime, UNIX_EPOCH};

use bevy::prelude::*;
use bevy_egui::egui::{self, Color32, Pos2, Rect, RichText, Stroke, TextStyle, Vec2};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::debrief::ending_colours;
use super::{FocusFirst, Screen, ScreenUi, top_bar_focused};
use crate::class::Class;
use crate::records::Records;
use crate::session::Navigate;
use crate::theme;
use callsim_core::locale::labels::{Label, ending_label, t, tf};
use callsim_trainee::progress::Attempt;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Progress), open);
    app.add_systems(
        EguiPrimaryContextPass,
        draw.in_set(ScreenUi).run_if(in_state(Screen::Progress)),
    );
}

fn open(mut commands: Commands) {
    commands.spawn((
        Name::new("Progress"),
        FocusFirst::default(),
        DespawnOnExit(Screen::Progress),
    ));
}

/// `when` as `YYYY-MM-DD HH:MM` (UTC).
pub fn date_time(when: SystemTime) -> String {
    let when = when.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (when / 86_400) as i64;
    let secs = when % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

fn draw(
    mut contexts: EguiContexts,
    records: Res<Records>,
    class: Option<Res<Class>>,
    mut focus: Single<&mut FocusFirst>,
    mut navigate: MessageWriter<Navigate>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    let lang = records.settings.language.as_str();
    theme::page(ctx, "progress", |ui| {
        if top_bar_focused(
            ui,
            &records,
            t(lang, Label::ProgressTitle),
            Some(t(lang, Label::Back)),
            Some(&mut *focus),
        ) {
            navigate.write(Navigate(Screen::Title));
        }
        // Calls that have not reached the class, and why: the class screen
        // says the same, but a trainee looks here for their calls.
        if let Some(class) = class.as_deref()
            && !class.waiting.is_empty()
        {
            theme::card().show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.label(
                    RichText::new(tf(
                        lang,
                        Label::ProgressWaiting,
                        &[("count", &class.waiting.len())],
                    ))
                    .strong()
                    .color(theme::WARN),
                );
                super::class::outbox_status(ui, class, lang);
            });
            ui.add_space(10.0);
        }
        if records.trainee().is_none() {
            theme::muted(ui, t(lang, Label::NoTrainee));
            return;
        }
        let attempts = records.attempts();
        if attempts.is_empty() {
            theme::muted(ui, t(lang, Label::NoAttempts));
            return;
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                theme::keyboard_scroll(ui);
                theme::card().show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.horizontal(|ui| {
                        theme::subheading(ui, t(lang, Label::PerCall));
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            legend(ui, t(lang, Label::Sincerity), theme::SINCERITY);
                            legend(ui, t(lang, Label::Respect), theme::RESPECT);
                        });
                    });
                    chart(ui, attempts);
                });
                ui.add_space(10.0);
                ui.columns(2, |cols| {
                    theme::card().show(&mut cols[0], |ui| {
                        ui.set_width(ui.available_width());
                        theme::subheading(ui, t(lang, Label::BestPerScenario));
                        let mut seen: Vec<&str> = Vec::new();
                        egui::Grid::new("best")
                            .num_columns(3)
                            .spacing([18.0, 8.0])
                            .striped(true)
                            .show(ui, |ui| {
                                ui.label(
                                    RichText::new(t(lang, Label::Scenario))
                                        .small()
                                        .color(theme::MUTED),
                                );
                                ui.label(RichText::new(t(lang, Label::Respect)).small().color(theme::MUTED));
                                ui.label(
                                    RichText::new(t(lang, Label::Sincerity))
                                        .small()
                                        .color(theme::MUTED),
                                );
                                ui.end_row();
                                for a in attempts {
                                    if seen.contains(&a.scenario.as_str()) {
                                        continue;
                                    }
                                    seen.push(&a.scenario);
                                    let Some(best) = records.best(&a.scenario) else {
                                        continue;
                                    };
                                    ui.label(RichText::new(&a.title).color(theme::INK));
                                    ui.label(
                                        RichText::new(best.respect.to_string())
                                            .strong()
                                            .color(theme::RESPECT),
                                    );
                                    ui.label(
                                        RichText::new(best.sincerity.to_string())
                                            .strong()
                                            .color(theme::SINCERITY),
                                    );
                                    ui.end_row();
                                }
                            });
                    });
                    theme::card().show(&mut cols[1], |ui| {
                        ui.set_width(ui.available_width());
                        theme::subheading(ui, t(lang, Label::Calls));
                        egui::Grid::new("calls")
                            .num_columns(4)
                            .spacing([14.0, 8.0])
                            .striped(true)
                            .show(ui, |ui| {
                                for label in [Label::When, Label::Scenario, Label::Ending] {
                                    ui.label(RichText::new(t(lang, label)).small().color(theme::MUTED));
                                }
                                ui.label(
                                    RichText::new(format!(
                                        "{} · {}",
                                        t(lang, Label::Respect),
                                        t(lang, Label::Sincerity)
                                    ))
                                    .small()
                                    .color(theme::MUTED),
                                );
                                ui.end_row();
                                for a in attempts.iter().rev() {
                                    ui.label(
                                        RichText::new(date_time(a.played_at)).small().color(theme::MUTED),
                                    );
                                    ui.label(RichText::new(&a.title).color(theme::INK));
                                    let (colour, fill) = ending_colours(a.ending_kind, false);
                                    theme::chip(ui, t(lang, ending_label(a.ending_kind)), colour, fill);
                                    ui.label(
                                        RichText::new(format!("{} · {}", a.respect, a.sincerity))
                                            .strong()
                                            .color(theme::INK),
                                    );
                                    ui.end_row();
                                }
                            });
                    });
                });
            });
    });
    Ok(())
}

fn legend(ui: &mut egui::Ui, name: &str, colour: Color32) {
    ui.label(RichText::new(name).color(theme::INK));
    let (rect, _) = ui.allocate_exact_size(Vec2::new(22.0, 4.0), egui::Sense::hover());
    ui.painter()
        .rect_filled(rect, egui::CornerRadius::same(2), colour);
}

/// Respect and sincerity per call, 0-100, oldest on the left.
fn chart(ui: &mut egui::Ui, attempts: &[Attempt]) {
    let height = 220.0;
    let (rect, _) = ui.allocate_exact_size(Vec2::new(ui.available_width(), height), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let plot = Rect::from_min_max(rect.min + Vec2::new(36.0, 10.0), rect.max - Vec2::new(12.0, 24.0));
    let small = TextStyle::Small.resolve(ui.style());
    for level in [0, 25, 50, 75, 100] {
        let y = plot.bottom() - plot.height() * level as f32 / 100.0;
        painter.line_segment(
            [Pos2::new(plot.left(), y), Pos2::new(plot.right(), y)],
            Stroke::new(1.0, theme::LINE),
        );
        painter.text(
            Pos2::new(plot.left() - 8.0, y),
            egui::Align2::RIGHT_CENTER,
            level.to_string(),
            small.clone(),
            theme::MUTED,
        );
    }
    let n = attempts.len();
    let x = |i: usize| {
        if n == 1 {
            plot.center().x
        } else {
            plot.left() + plot.width() * i as f32 / (n - 1) as f32
        }
    };
    let y = |v: u8| plot.bottom() - plot.height() * f32::from(v) / 100.0;
    for (colour, value) in [
        (theme::RESPECT, (|a: &Attempt| a.respect) as fn(&Attempt) -> u8),
        (theme::SINCERITY, |a: &Attempt| a.sincerity),
    ] {
        let points: Vec<Pos2> = attempts
            .iter()
            .enumerate()
            .map(|(i, a)| Pos2::new(x(i), y(value(a))))
            .collect();
        if points.len() > 1 {
            painter.line(points.clone(), Stroke::new(2.5, colour));
        }
        for p in points {
            painter.circle_filled(p, 4.5, colour);
        }
    }
    let step = (n / 10).max(1);
    for i in (0..n).step_by(step) {
        painter.text(
            Pos2::new(x(i), plot.bottom() + 12.0),
            egui::Align2::CENTER_CENTER,
            (i + 1).to_string(),
            small.clone(),
            theme::MUTED,
        );
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::date_time;

    #[test]
    fn dates_are_civil_utc() {
        let at = |s: u64| date_time(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01 00:00");
        assert_eq!(at(1_763_886_060), "2025-11-23 08:21");
        assert_eq!(at(951_782_400), "2000-02-29 00:00");
    }
}
