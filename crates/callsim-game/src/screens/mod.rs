//! The screens, one file each: the `Screen` state says which one is up, and
//! each screen's entities (its local state) are despawned when it closes.

mod call;
mod class;
mod class_vote;
mod debrief;
mod incoming;
mod picker;
mod progress;
mod settings;
mod title;

pub(crate) use call::key_for;

use bevy::prelude::*;
use bevy_egui::EguiPrimaryContextPass;

pub(super) fn plugin(app: &mut App) {
    app.init_state::<Screen>();
    app.configure_sets(EguiPrimaryContextPass, ScreenUi);
    app.add_plugins((
        title::plugin,
        picker::plugin,
        incoming::plugin,
        call::plugin,
        debrief::plugin,
        progress::plugin,
        settings::plugin,
        class::plugin,
        class_vote::plugin,
    ));
}

/// Which screen is up.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    #[default]
    Title,
    /// The list of scenarios.
    Picker,
    /// The phone ringing.
    Incoming,
    /// On the line.
    Call,
    Debrief,
    Progress,
    Settings,
    /// Joining a class; a facilitator's class.
    Class,
    /// A call the class votes on.
    ClassVote,
}

/// The screens' egui systems, which draw after the look is applied.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScreenUi;

/// A screen's first frame asks for the keyboard focus to go to its main
/// button, so the focus is visible from the start.
#[derive(Component, Debug, Clone, Copy)]
pub struct FocusFirst(pub bool);

impl Default for FocusFirst {
    fn default() -> Self {
        FocusFirst(true)
    }
}

impl FocusFirst {
    /// Gives `response` the focus if the screen has just opened, or if
    /// nothing has it (Esc clears it): the focus is always visible.
    pub fn apply(&mut self, response: &bevy_egui::egui::Response) {
        if self.0 || response.ctx.memory(|m| m.focused().is_none()) {
            response.request_focus();
            self.0 = false;
        }
    }
}

/// The bar across the top of a screen: a back button (Esc), the screen's
/// title, and who is training. Returns whether back was asked for.
pub fn top_bar(
    ui: &mut bevy_egui::egui::Ui,
    records: &crate::records::Records,
    title: &str,
    back: Option<&str>,
) -> bool {
    top_bar_focused(ui, records, title, back, None)
}

/// [`top_bar`], whose back button is the screen's main button (given
/// `focus`): for a screen with nothing else to press.
pub fn top_bar_focused(
    ui: &mut bevy_egui::egui::Ui,
    records: &crate::records::Records,
    title: &str,
    back: Option<&str>,
    focus: Option<&mut FocusFirst>,
) -> bool {
    use crate::theme::{self, Look};
    use bevy_egui::egui::{Align, Key, Layout};
    use callsim_core::locale::labels::{Label, t, tf};
    let lang = records.settings.language.as_str();
    let mut go_back = false;
    ui.horizontal(|ui| {
        if let Some(back) = back {
            let button = theme::button(ui, Look::Secondary, back, Some("Esc"));
            if let Some(focus) = focus {
                focus.apply(&button);
            }
            if button.clicked() {
                go_back = true;
            }
            if ui.input(|i| i.key_pressed(Key::Escape)) && !ui.ctx().text_edit_focused() {
                go_back = true;
            }
        }
        theme::heading(ui, title);
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            let mode = match records.settings.mode {
                callsim_core::call::Mode::Practice => Label::Practice,
                callsim_core::call::Mode::Exam => Label::Exam,
            };
            theme::chip(ui, t(lang, mode), theme::ACCENT, theme::ACCENT_SOFT);
            if let Some(trainee) = records.trainee() {
                ui.label(
                    bevy_egui::egui::RichText::new(tf(lang, Label::TraineeBadge, &[("name", &trainee.name)]))
                        .color(theme::MUTED),
                );
            }
        });
    });
    ui.add_space(8.0);
    go_back
}
