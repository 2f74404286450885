//! The caller's face, drawn with egui's painter: the persona's look (skin,
//! hair, glasses, beard) with an expression that follows the mood meters,
//! so the trainee sees every reply land without reading a number.

use bevy_egui::egui::{self, Color32, Painter, Pos2, Shape, Stroke, Vec2, epaint::QuadraticBezierShape};

use callsim_core::call::Call;
use callsim_core::scenario::{EndingKind, Face, Hair, HairColour, Skin};

use callsim_core::locale::labels::Label;

/// How the caller feels, as the face shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mood {
    Calm,
    Annoyed,
    Angry,
    Relieved,
    Pleased,
}

impl Mood {
    /// The mood the meters show. Anger and trust are read as shares of
    /// their range; "relieved" is anger falling on the last reply.
    pub fn of(call: &Call) -> Mood {
        // Once the call is over its ending says how the caller left,
        // whatever the meters' last reading.
        match call.ending().map(|e| e.kind) {
            Some(kind) if kind.is_good() => return Mood::Pleased,
            Some(EndingKind::Complaint | EndingKind::CallerHungUp | EndingKind::AgentHungUp) => {
                return Mood::Angry;
            }
            _ => {}
        }
        let meters = call.meters();
        let share = |id: &str| {
            meters
                .iter()
                .find(|m| m.id == id)
                .map(|m| f64::from(m.value - m.min) / f64::from((m.max - m.min).max(1)))
        };
        let anger = share("anger").unwrap_or(0.0);
        let trust = share("trust").unwrap_or(0.5);
        let anger_fell = call.turns().last().is_some_and(|turn| {
            turn.meters
                .iter()
                .find(|m| m.id == "anger")
                .is_some_and(|m| m.after < m.before)
        });
        Mood::from_shares(anger, trust, anger_fell)
    }

    pub fn from_shares(anger: f64, trust: f64, anger_fell: bool) -> Mood {
        if anger >= 0.7 {
            Mood::Angry
        } else if trust >= 0.65 && anger <= 0.3 {
            Mood::Pleased
        } else if anger_fell && anger < 0.5 {
            Mood::Relieved
        } else if anger >= 0.4 {
            Mood::Annoyed
        } else {
            Mood::Calm
        }
    }

    pub fn label(self) -> Label {
        match self {
            Mood::Calm => Label::Calm,
            Mood::Annoyed => Label::Annoyed,
            Mood::Angry => Label::Angry,
            Mood::Relieved => Label::Relieved,
            Mood::Pleased => Label::Pleased,
        }
    }

    /// The face's shape for this mood.
    pub fn expression(self) -> Expression {
        let (brow, mouth, eyes, flush) = match self {
            Mood::Calm => (0.0, 0.1, 1.0, 0.0),
            Mood::Annoyed => (-0.5, -0.35, 0.75, 0.25),
            Mood::Angry => (-1.0, -0.85, 0.6, 0.75),
            Mood::Relieved => (0.4, 0.45, 0.55, 0.0),
            Mood::Pleased => (0.3, 1.0, 0.9, 0.3),
        };
        Expression {
            brow,
            mouth,
            eyes,
            flush,
        }
    }
}

/// The moving parts of a face, each roughly in -1..1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Expression {
    /// Eyebrows: -1 drawn down and in (anger), 1 raised.
    pub brow: f32,
    /// Mouth: -1 a frown, 1 a broad smile.
    pub mouth: f32,
    /// Eye openness: 1 open, lower narrowed.
    pub eyes: f32,
    /// Red in the cheeks: 0 none, 1 flushed.
    pub flush: f32,
}

impl Expression {
    /// This expression eased towards `target` by egui's animation, keyed
    /// by `id`: the face changes over a third of a second.
    pub fn animated(ctx: &egui::Context, id: egui::Id, target: Expression) -> Expression {
        let part = |name: &str, value: f32| ctx.animate_value_with_time(id.with(name), value, 0.35);
        Expression {
            brow: part("brow", target.brow),
            mouth: part("mouth", target.mouth),
            eyes: part("eyes", target.eyes),
            flush: part("flush", target.flush),
        }
    }
}

fn skin_colour(skin: Skin) -> Color32 {
    match skin {
        Skin::Light => Color32::from_rgb(0xF6, 0xD7, 0xC3),
        Skin::Medium => Color32::from_rgb(0xE0, 0xAC, 0x83),
        Skin::Tan => Color32::from_rgb(0xC6, 0x86, 0x42),
        Skin::Dark => Color32::from_rgb(0x8D, 0x55, 0x24),
    }
}

fn hair_colour(colour: HairColour) -> Color32 {
    match colour {
        HairColour::Black => Color32::from_rgb(0x2B, 0x2B, 0x2E),
        HairColour::Brown => Color32::from_rgb(0x6B, 0x42, 0x26),
        HairColour::Blonde => Color32::from_rgb(0xE3, 0xC1, 0x6F),
        HairColour::Red => Color32::from_rgb(0xB5, 0x52, 0x2D),
        HairColour::Grey => Color32::from_rgb(0x9C, 0xA3, 0xAF),
        HairColour::White => Color32::from_rgb(0xE5, 0xE7, 0xEB),
    }
}

fn darker(c: Color32, by: f32) -> Color32 {
    let f = |v: u8| (f32::from(v) * (1.0 - by)) as u8;
    Color32::from_rgb(f(c.r()), f(c.g()), f(c.b()))
}

/// Points on an ellipse's arc from angle `from` to `to` (radians, 0 at the
/// right, growing clockwise on screen).
fn arc(centre: Pos2, radius: Vec2, from: f32, to: f32, steps: usize) -> Vec<Pos2> {
    (0..=steps)
        .map(|i| {
            let a = from + (to - from) * i as f32 / steps as f32;
            centre + Vec2::new(radius.x * a.cos(), radius.y * a.sin())
        })
        .collect()
}

/// Paints the face `look` with `expression` in a circle of `radius` at
/// `centre`.
pub fn paint_face(painter: &Painter, centre: Pos2, radius: f32, look: &Face, expression: Expression) {
    use std::f32::consts::PI;
    let r = radius;
    let skin = skin_colour(look.skin);
    let hair = hair_colour(look.hair_colour);
    let ink = Color32::from_rgb(0x2A, 0x23, 0x20);

    // Backdrop and shoulders.
    painter.circle_filled(centre, r, Color32::from_rgb(0xE3, 0xEC, 0xF7));
    let head_c = centre + Vec2::new(0.0, -0.08 * r);
    let head = Vec2::new(0.50 * r, 0.60 * r);
    if look.hair == Hair::Long {
        painter.add(Shape::ellipse_filled(
            head_c + Vec2::new(0.0, 0.22 * r),
            Vec2::new(0.62 * r, 0.72 * r),
            hair,
        ));
    }
    let shoulders = arc(
        centre + Vec2::new(0.0, 1.02 * r),
        Vec2::new(0.78 * r, 0.42 * r),
        PI,
        2.0 * PI,
        24,
    );
    painter.add(Shape::convex_polygon(
        shoulders,
        Color32::from_rgb(0x47, 0x55, 0x69),
        Stroke::NONE,
    ));
    painter.rect_filled(
        egui::Rect::from_center_size(head_c + Vec2::new(0.0, 0.62 * r), Vec2::new(0.32 * r, 0.3 * r)),
        egui::CornerRadius::same(4),
        darker(skin, 0.08),
    );
    // Ears, head.
    for side in [-1.0, 1.0] {
        painter.circle_filled(
            head_c + Vec2::new(side * 0.5 * r, 0.04 * r),
            0.1 * r,
            darker(skin, 0.05),
        );
    }
    painter.add(Shape::ellipse_filled(head_c, head, skin));

    // Hair on top.
    match look.hair {
        Hair::Bald => {
            for side in [-1.0, 1.0] {
                painter.add(Shape::ellipse_filled(
                    head_c + Vec2::new(side * 0.47 * r, -0.08 * r),
                    Vec2::new(0.06 * r, 0.16 * r),
                    hair,
                ));
            }
        }
        Hair::Short | Hair::Long | Hair::Bun => {
            let mut cap = arc(head_c, head + Vec2::splat(0.03 * r), PI * 1.02, PI * 1.98, 24);
            cap.push(head_c + Vec2::new(0.36 * r, -0.3 * r));
            cap.push(head_c + Vec2::new(-0.1 * r, -0.36 * r));
            cap.push(head_c + Vec2::new(-0.4 * r, -0.22 * r));
            painter.add(Shape::convex_polygon(cap, hair, Stroke::NONE));
            if look.hair == Hair::Bun {
                painter.circle_filled(head_c + Vec2::new(0.0, -0.68 * r), 0.17 * r, hair);
            }
            if look.hair == Hair::Long {
                for side in [-1.0, 1.0] {
                    painter.add(Shape::ellipse_filled(
                        head_c + Vec2::new(side * 0.47 * r, 0.05 * r),
                        Vec2::new(0.09 * r, 0.3 * r),
                        hair,
                    ));
                }
            }
        }
    }

    // Cheeks.
    if expression.flush > 0.02 {
        let alpha = (expression.flush.clamp(0.0, 1.0) * 110.0) as u8;
        for side in [-1.0, 1.0] {
            painter.circle_filled(
                head_c + Vec2::new(side * 0.28 * r, 0.16 * r),
                0.1 * r,
                Color32::from_rgba_unmultiplied(0xE0, 0x3A, 0x3A, alpha),
            );
        }
    }

    // Eyes and brows.
    let eye_y = head_c.y - 0.02 * r;
    for side in [-1.0_f32, 1.0] {
        let eye = Pos2::new(head_c.x + side * 0.2 * r, eye_y);
        let open = expression.eyes.clamp(0.2, 1.3);
        painter.add(Shape::ellipse_filled(
            eye,
            Vec2::new(0.065 * r, 0.075 * r * open),
            ink,
        ));
        // Inner end down and out end up when angry; both up when raised.
        let inner = Pos2::new(
            eye.x - side * 0.08 * r,
            eye_y - (0.15 - 0.07 * -expression.brow.min(0.0)) * r - 0.04 * r * expression.brow.max(0.0),
        );
        let outer = Pos2::new(
            eye.x + side * 0.11 * r,
            eye_y - (0.17 + 0.02 * -expression.brow.min(0.0)) * r - 0.05 * r * expression.brow.max(0.0),
        );
        painter.line_segment([inner, outer], Stroke::new(0.035 * r, darker(hair, 0.1)));
    }
    if look.glasses {
        let frame = Stroke::new(0.025 * r, Color32::from_rgb(0x33, 0x41, 0x55));
        for side in [-1.0, 1.0] {
            painter.circle_stroke(Pos2::new(head_c.x + side * 0.2 * r, eye_y), 0.13 * r, frame);
        }
        painter.line_segment(
            [
                Pos2::new(head_c.x - 0.07 * r, eye_y - 0.02 * r),
                Pos2::new(head_c.x + 0.07 * r, eye_y - 0.02 * r),
            ],
            frame,
        );
    }

    // Nose.
    painter.line_segment(
        [
            head_c + Vec2::new(0.0, 0.04 * r),
            head_c + Vec2::new(-0.04 * r, 0.17 * r),
        ],
        Stroke::new(0.022 * r, darker(skin, 0.25)),
    );

    // Beard, then the mouth over it.
    let mouth_y = head_c.y + 0.32 * r;
    if look.beard {
        let mut beard = arc(head_c, head + Vec2::splat(0.01 * r), 0.05 * PI, 0.95 * PI, 20);
        beard.push(Pos2::new(head_c.x - 0.3 * r, mouth_y - 0.08 * r));
        beard.push(Pos2::new(head_c.x + 0.3 * r, mouth_y - 0.08 * r));
        painter.add(Shape::convex_polygon(beard, hair, Stroke::NONE));
    }
    let curve = expression.mouth.clamp(-1.0, 1.0);
    let half = (0.15 + 0.04 * curve.max(0.0)) * r;
    let left = Pos2::new(head_c.x - half, mouth_y - 0.03 * r * curve);
    let right = Pos2::new(head_c.x + half, mouth_y - 0.03 * r * curve);
    let control = Pos2::new(head_c.x, mouth_y + 0.16 * r * curve);
    let lips = if look.beard {
        Color32::from_rgb(0xF2, 0xE8, 0xE4)
    } else {
        Color32::from_rgb(0x8E, 0x3B, 0x3B)
    };
    painter.add(QuadraticBezierShape::from_points_stroke(
        [left, control, right],
        false,
        Color32::TRANSPARENT,
        Stroke::new(0.04 * r, lips),
    ));
}

/// Paints a telephone handset of `size` centred on `centre`.
pub fn paint_handset(painter: &Painter, centre: Pos2, size: f32, colour: Color32) {
    let s = size;
    let ear = centre + Vec2::new(-0.55 * s, -0.45 * s);
    let mouth = centre + Vec2::new(0.45 * s, 0.55 * s);
    let bend = centre + Vec2::new(-0.55 * s, 0.45 * s);
    painter.add(QuadraticBezierShape::from_points_stroke(
        [ear, bend, mouth],
        false,
        Color32::TRANSPARENT,
        Stroke::new(0.3 * s, colour),
    ));
    painter.circle_filled(ear, 0.26 * s, colour);
    painter.circle_filled(mouth, 0.26 * s, colour);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_face_follows_the_meters() {
        assert_eq!(Mood::from_shares(0.8, 0.2, false), Mood::Angry);
        assert_eq!(Mood::from_shares(0.5, 0.2, false), Mood::Annoyed);
        assert_eq!(Mood::from_shares(0.45, 0.3, true), Mood::Relieved);
        assert_eq!(Mood::from_shares(0.1, 0.8, true), Mood::Pleased);
        assert_eq!(Mood::from_shares(0.2, 0.3, false), Mood::Calm);
    }

    #[test]
    fn an_angry_face_frowns_and_a_pleased_one_smiles() {
        assert!(Mood::Angry.expression().mouth < 0.0);
        assert!(Mood::Angry.expression().brow < Mood::Calm.expression().brow);
        assert!(Mood::Pleased.expression().mouth > Mood::Relieved.expression().mouth);
    }
}
