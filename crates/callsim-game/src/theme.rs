//! The game's look: fonts (with CJK and Cyrillic), colours, text sizes and
//! the few widgets every screen shares (buttons with a visible focus ring
//! and their key, cards, bars).

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::egui::{
    self, Color32, CornerRadius, FontData, FontDefinitions, FontFamily, FontId, Frame, Id, LayerId, Margin,
    Rect, Response, RichText, Sense, Shape, Stroke, StrokeKind, TextStyle, Ui, UiBuilder, Vec2,
};
use bevy_egui::{EguiContexts, EguiPreUpdateSet};

use super::records::Records;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_camera);
    // Fonts given to egui take effect at the start of the next pass, so
    // they are set before the pass begins, never inside it.
    app.add_systems(
        PreUpdate,
        apply_look
            .after(EguiPreUpdateSet::InitContexts)
            .before(EguiPreUpdateSet::BeginPass),
    );
}

// Colours: calm, high-contrast, readable on a projector.
pub const BACKGROUND: Color32 = Color32::from_rgb(0xEE, 0xF2, 0xF7);
pub const PANEL: Color32 = Color32::WHITE;
pub const INK: Color32 = Color32::from_rgb(0x1F, 0x29, 0x33);
pub const MUTED: Color32 = Color32::from_rgb(0x5B, 0x67, 0x75);
pub const LINE: Color32 = Color32::from_rgb(0xD5, 0xDC, 0xE4);
pub const ACCENT: Color32 = Color32::from_rgb(0x1D, 0x4E, 0xD8);
pub const ACCENT_SOFT: Color32 = Color32::from_rgb(0xDB, 0xEA, 0xFE);
pub const GOOD: Color32 = Color32::from_rgb(0x15, 0x80, 0x3D);
pub const GOOD_SOFT: Color32 = Color32::from_rgb(0xDC, 0xFC, 0xE7);
pub const BAD: Color32 = Color32::from_rgb(0xB9, 0x1C, 0x1C);
pub const BAD_SOFT: Color32 = Color32::from_rgb(0xFE, 0xE2, 0xE2);
pub const WARN: Color32 = Color32::from_rgb(0xB4, 0x53, 0x09);
pub const WARN_SOFT: Color32 = Color32::from_rgb(0xFE, 0xF3, 0xC7);
/// The focus ring: amber, so it stands out from the blue accent.
pub const FOCUS: Color32 = Color32::from_rgb(0xF5, 0x9E, 0x0B);
pub const RESPECT: Color32 = Color32::from_rgb(0x1D, 0x4E, 0xD8);
pub const SINCERITY: Color32 = Color32::from_rgb(0xC2, 0x41, 0x0C);

pub const RADIUS: u8 = 10;

/// The window's clear colour: the background, for the frames before egui
/// draws.
pub fn clear_colour() -> Color {
    Color::srgb_u8(0xEE, 0xF2, 0xF7)
}

/// The bold family, for headings and figures.
pub fn bold() -> FontFamily {
    FontFamily::Name("bold".into())
}

pub fn title_style() -> TextStyle {
    TextStyle::Name("title".into())
}

pub fn figure_style() -> TextStyle {
    TextStyle::Name("figure".into())
}

pub fn subheading_style() -> TextStyle {
    TextStyle::Name("subheading".into())
}

fn spawn_camera(mut commands: Commands) {
    // egui smooths its own edges: multisampling would only cost memory
    // (four samples of a window-sized target) and time.
    commands.spawn((Camera2d, Msaa::Off));
}

/// The fonts: Noto Sans for Latin and Cyrillic, Noto Sans CJK SC for
/// Chinese, egui's emoji fonts for symbols.
pub fn fonts() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    let add = |fonts: &mut FontDefinitions, name: &str, data: &'static [u8]| {
        fonts
            .font_data
            .insert(name.to_owned(), Arc::new(FontData::from_static(data)));
    };
    add(
        &mut fonts,
        "noto-sans",
        include_bytes!("../../../assets/fonts/NotoSans-Regular.subset.ttf"),
    );
    add(
        &mut fonts,
        "noto-sans-bold",
        include_bytes!("../../../assets/fonts/NotoSans-Bold.subset.ttf"),
    );
    add(
        &mut fonts,
        "noto-sans-cjk-sc",
        include_bytes!("../../../assets/fonts/NotoSansCJKsc-Regular.subset.otf"),
    );
    let symbols: Vec<String> = fonts
        .families
        .get(&FontFamily::Proportional)
        .map(|list| list.iter().filter(|f| f.contains("moji")).cloned().collect())
        .unwrap_or_default();
    let family = |first: &str| {
        let mut list = vec![first.to_owned(), "noto-sans-cjk-sc".to_owned()];
        list.extend(symbols.iter().cloned());
        list
    };
    fonts
        .families
        .insert(FontFamily::Proportional, family("noto-sans"));
    fonts.families.insert(bold(), family("noto-sans-bold"));
    if let Some(mono) = fonts.families.get_mut(&FontFamily::Monospace) {
        mono.push("noto-sans-cjk-sc".to_owned());
    }
    fonts
}

/// Text sizes at scale 1.
fn text_styles(scale: f32) -> [(TextStyle, FontId); 8] {
    let size = |s: f32| s * scale;
    [
        (
            TextStyle::Small,
            FontId::new(size(13.0), FontFamily::Proportional),
        ),
        (TextStyle::Body, FontId::new(size(16.0), FontFamily::Proportional)),
        (
            TextStyle::Button,
            FontId::new(size(16.0), FontFamily::Proportional),
        ),
        (
            TextStyle::Monospace,
            FontId::new(size(14.0), FontFamily::Monospace),
        ),
        (TextStyle::Heading, FontId::new(size(24.0), bold())),
        (subheading_style(), FontId::new(size(18.0), bold())),
        (title_style(), FontId::new(size(44.0), bold())),
        (figure_style(), FontId::new(size(64.0), bold())),
    ]
}

/// The style for a text scale.
pub fn style(scale: f32) -> egui::Style {
    let mut style = egui::Style {
        text_styles: text_styles(scale).into_iter().collect(),
        ..egui::Style::default()
    };
    style.spacing.item_spacing = Vec2::new(10.0, 10.0);
    style.spacing.button_padding = Vec2::new(14.0, 8.0);
    style.spacing.interact_size.y = 34.0 * scale;
    style.spacing.icon_width = 20.0 * scale;
    style.spacing.icon_width_inner = 12.0 * scale;
    style.spacing.icon_spacing = 8.0;
    style.interaction.tooltip_delay = 0.6;
    let v = &mut style.visuals;
    *v = egui::Visuals::light();
    v.panel_fill = BACKGROUND;
    v.window_fill = PANEL;
    v.extreme_bg_color = PANEL;
    v.override_text_color = Some(INK);
    v.hyperlink_color = ACCENT;
    v.selection.bg_fill = ACCENT_SOFT;
    v.selection.stroke = Stroke::new(1.5, ACCENT);
    let radius = CornerRadius::same(RADIUS);
    for w in [
        &mut v.widgets.inactive,
        &mut v.widgets.hovered,
        &mut v.widgets.active,
        &mut v.widgets.open,
        &mut v.widgets.noninteractive,
    ] {
        w.corner_radius = radius;
    }
    v.widgets.noninteractive.bg_stroke = Stroke::new(1.0, LINE);
    v.widgets.inactive.weak_bg_fill = PANEL;
    v.widgets.inactive.bg_fill = PANEL;
    v.widgets.inactive.bg_stroke = Stroke::new(1.0, LINE);
    v.widgets.hovered.weak_bg_fill = ACCENT_SOFT;
    v.widgets.hovered.bg_fill = ACCENT_SOFT;
    v.widgets.hovered.bg_stroke = Stroke::new(1.5, ACCENT);
    // egui draws the focused widget with the `active` look: make it the
    // focus ring, thick and amber.
    v.widgets.active.weak_bg_fill = ACCENT_SOFT;
    v.widgets.active.bg_fill = ACCENT_SOFT;
    v.widgets.active.bg_stroke = Stroke::new(3.0, FOCUS);
    v.widgets.active.fg_stroke = Stroke::new(1.5, INK);
    v.text_cursor.blink = false;
    style
}

/// Applies the fonts once and the style whenever the text size changes.
fn apply_look(mut contexts: EguiContexts, records: Res<Records>, mut applied: Local<Option<f32>>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let scale = records.settings.text_scale;
    if applied.is_none() {
        ctx.set_fonts(fonts());
    }
    if *applied != Some(scale) {
        ctx.set_theme(egui::ThemePreference::Light);
        ctx.set_style_of(egui::Theme::Light, style(scale));
        *applied = Some(scale);
    }
    Ok(())
}

/// A whole-window page with the game's background and margins.
pub fn page<R>(ctx: &egui::Context, id: &str, add: impl FnOnce(&mut Ui) -> R) -> R {
    let mut root = Ui::new(
        ctx.clone(),
        Id::new(id),
        UiBuilder::new()
            .layer_id(LayerId::background())
            .max_rect(ctx.content_rect()),
    );
    egui::CentralPanel::default()
        .frame(
            Frame::new()
                .fill(BACKGROUND)
                .inner_margin(Margin::symmetric(32, 24)),
        )
        .show(&mut root, add)
        .inner
}

/// A white card with a thin border.
pub fn card() -> Frame {
    Frame::new()
        .fill(PANEL)
        .stroke(Stroke::new(1.0, LINE))
        .corner_radius(CornerRadius::same(RADIUS))
        .inner_margin(Margin::same(16))
}

/// Whether `response`'s widget has the keyboard focus. Unlike
/// `Response::has_focus` this does not ask whether the window has the
/// system's focus: the ring stays visible when the trainee looks away.
pub fn has_focus(ui: &Ui, response: &Response) -> bool {
    ui.memory(|m| m.has_focus(response.id))
}

/// Draws the focus ring around `response` when it has the keyboard focus.
pub fn focus_ring(ui: &Ui, response: &Response) {
    if has_focus(ui, response) {
        ui.painter().rect_stroke(
            response.rect.expand(3.0),
            CornerRadius::same(RADIUS + 3),
            Stroke::new(3.0, FOCUS),
            StrokeKind::Outside,
        );
    }
}

/// A small key cap, e.g. `1` or `Enter`.
pub fn keycap(ui: &mut Ui, key: &str) -> Response {
    let text = RichText::new(key).text_style(TextStyle::Small).color(INK);
    Frame::new()
        .fill(Color32::from_rgb(0xF1, 0xF5, 0xF9))
        .stroke(Stroke::new(1.0, Color32::from_rgb(0x94, 0xA3, 0xB8)))
        .corner_radius(CornerRadius::same(5))
        .inner_margin(Margin::symmetric(7, 2))
        .show(ui, |ui| ui.label(text))
        .response
}

/// How a button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// The screen's main action: filled with the accent.
    Primary,
    /// Other actions: white with a border.
    Secondary,
    /// Something that ends or hurts: red text.
    Danger,
}

/// A button with an optional key cap, the game's look and a focus ring.
pub fn button(ui: &mut Ui, look: Look, text: &str, key: Option<&str>) -> Response {
    let (fill, color, stroke) = match look {
        Look::Primary => (ACCENT, Color32::WHITE, Stroke::new(1.0, ACCENT)),
        Look::Secondary => (PANEL, INK, Stroke::new(1.0, LINE)),
        Look::Danger => (PANEL, BAD, Stroke::new(1.0, Color32::from_rgb(0xF0, 0xB4, 0xB4))),
    };
    let label = RichText::new(text).color(color).text_style(TextStyle::Button);
    let mut button = egui::Button::new(label)
        .fill(fill)
        .stroke(stroke)
        .corner_radius(CornerRadius::same(RADIUS))
        .min_size(Vec2::new(0.0, 38.0));
    if let Some(key) = key {
        button = button.right_text(RichText::new(key).text_style(TextStyle::Small).color(
            if look == Look::Primary {
                Color32::from_rgb(0xDB, 0xEA, 0xFE)
            } else {
                MUTED
            },
        ));
    }
    let response = ui.add(button);
    focus_ring(ui, &response);
    response
}

/// A clickable card: `key` in a cap, then `text` wrapped to the width
/// available, with an optional small line above it. Focusable; Enter or
/// Space clicks it.
pub fn choice_card(
    ui: &mut Ui,
    id: Id,
    key: &str,
    caption: Option<(&str, Color32)>,
    text: &str,
    tint: Color32,
) -> Response {
    let background = ui.painter().add(Shape::Noop);
    let inner = Frame::new()
        .inner_margin(Margin::symmetric(14, 10))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_top(|ui| {
                keycap(ui, key);
                ui.vertical(|ui| {
                    ui.spacing_mut().item_spacing.y = 2.0;
                    if let Some((caption, colour)) = caption {
                        ui.label(
                            RichText::new(caption)
                                .text_style(TextStyle::Small)
                                .color(colour)
                                .strong(),
                        );
                    }
                    ui.add(egui::Label::new(RichText::new(text).color(INK)).wrap());
                });
            });
        });
    let response = ui.interact(inner.response.rect, id, Sense::click());
    let (fill, stroke) = if has_focus(ui, &response) {
        (ACCENT_SOFT, Stroke::new(3.0, FOCUS))
    } else if response.hovered() {
        (ACCENT_SOFT, Stroke::new(1.5, ACCENT))
    } else {
        (tint, Stroke::new(1.0, LINE))
    };
    ui.painter().set(
        background,
        egui::epaint::RectShape::new(
            response.rect,
            CornerRadius::same(RADIUS),
            fill,
            stroke,
            StrokeKind::Inside,
        ),
    );
    response.on_hover_cursor(egui::CursorIcon::PointingHand)
}

/// A small rounded label, e.g. a tag or a difficulty. Measured before it
/// is placed, so a row of chips wraps instead of running off the card.
pub fn chip(ui: &mut Ui, text: &str, colour: Color32, fill: Color32) -> Response {
    let galley = egui::WidgetText::from(RichText::new(text).text_style(TextStyle::Small)).into_galley(
        ui,
        Some(egui::TextWrapMode::Extend),
        f32::INFINITY,
        TextStyle::Small,
    );
    let padding = Vec2::new(9.0, 3.0);
    let (rect, response) = ui.allocate_exact_size(galley.size() + 2.0 * padding, Sense::hover());
    if ui.is_rect_visible(rect) {
        ui.painter().rect_filled(rect, CornerRadius::same(12), fill);
        ui.painter().galley(rect.min + padding, galley, colour);
    }
    response
}

/// A horizontal bar filled to `share` (0-1).
pub fn bar(ui: &mut Ui, width: f32, height: f32, share: f32, colour: Color32) -> Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, height), Sense::hover());
    let radius = CornerRadius::same((height / 2.0).min(255.0) as u8);
    ui.painter()
        .rect_filled(rect, radius, Color32::from_rgb(0xE2, 0xE8, 0xF0));
    let share = share.clamp(0.0, 1.0);
    if share > 0.0 {
        let filled = Rect::from_min_size(rect.min, Vec2::new(rect.width() * share, height));
        ui.painter().rect_filled(filled, radius, colour);
    }
    response
}

/// A heading with the bold family.
pub fn heading(ui: &mut Ui, text: &str) -> Response {
    ui.label(RichText::new(text).text_style(TextStyle::Heading).color(INK))
}

/// A checkbox that looks like one: square-cornered (the theme's rounded
/// corners make egui's box look like a radio button), with the focus ring.
pub fn checkbox(ui: &mut Ui, on: &mut bool, text: impl Into<egui::WidgetText>) -> Response {
    let response = ui
        .scope(|ui| {
            let widgets = &mut ui.visuals_mut().widgets;
            for w in [&mut widgets.inactive, &mut widgets.hovered, &mut widgets.active] {
                w.corner_radius = CornerRadius::same(3);
            }
            ui.checkbox(on, text)
        })
        .inner;
    focus_ring(ui, &response);
    response
}

pub fn subheading(ui: &mut Ui, text: &str) -> Response {
    ui.label(RichText::new(text).text_style(subheading_style()).color(INK))
}

pub fn muted(ui: &mut Ui, text: &str) -> Response {
    ui.add(egui::Label::new(RichText::new(text).color(MUTED)).wrap())
}

/// A colour for a signed number of points.
pub fn points_colour(points: i32) -> Color32 {
    match points.signum() {
        1 => GOOD,
        -1 => BAD,
        _ => MUTED,
    }
}

/// A column of `width` centred in the space available.
pub fn column<R>(ui: &mut Ui, width: f32, add: impl FnOnce(&mut Ui) -> R) -> R {
    let width = width.min(ui.available_width());
    let side = ((ui.available_width() - width) / 2.0).max(0.0);
    ui.horizontal_top(|ui| {
        ui.add_space(side);
        ui.vertical(|ui| {
            ui.set_width(width);
            add(ui)
        })
        .inner
    })
    .inner
}

/// Scrolls the scroll area `ui` is drawn in with the keyboard: Page Up and
/// Page Down by most of a screen, Home and End to the ends. Without it a
/// trainee using only the keyboard could not read a long debrief, whose
/// turns have nothing to focus.
pub fn keyboard_scroll(ui: &mut Ui) {
    if ui.ctx().text_edit_focused() {
        return;
    }
    let page = ui.clip_rect().height() * 0.85;
    let delta = ui.input(|i| {
        if i.key_pressed(egui::Key::PageDown) {
            -page
        } else if i.key_pressed(egui::Key::PageUp) {
            page
        } else if i.key_pressed(egui::Key::End) {
            // Far enough for any content; the scroll area clamps it.
            -1.0e7
        } else if i.key_pressed(egui::Key::Home) {
            1.0e7
        } else {
            0.0
        }
    });
    if delta != 0.0 {
        ui.scroll_with_delta(Vec2::new(0.0, delta));
    }
}
