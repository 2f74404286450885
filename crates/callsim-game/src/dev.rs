//! Dev tools (feature `dev`): an overlay counting the frames drawn, to see
//! at a glance that an idle screen draws nothing.

use bevy::prelude::*;
use bevy_egui::egui::{self, Align2, RichText};
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        frame_counter.after(super::screens::ScreenUi),
    );
}

fn frame_counter(mut contexts: EguiContexts, mut frames: Local<u64>) -> Result {
    let ctx = contexts.ctx_mut()?;
    *frames += 1;
    egui::Area::new(egui::Id::new("dev-frames"))
        .anchor(Align2::RIGHT_BOTTOM, egui::Vec2::new(-8.0, -6.0))
        .order(egui::Order::Tooltip)
        .interactable(false)
        .show(ctx, |ui| {
            ui.label(RichText::new(format!("frame {}", *frames)).small().monospace());
        });
    Ok(())
}
