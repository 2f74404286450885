//! SVG laid out here (`layout`), so the graph opens in a browser without
//! Graphviz: boxes, shaped endings, labelled arrows and a legend.

use std::fmt::Write as _;

use super::layout::{self, LinkIn, Outline, Rect, Role, SpotIn};
use super::*;

/// Text escaped for XML content and attribute values.
pub(super) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

// ---- SVG ----

const SANS: &str = "DejaVu Sans, Verdana, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
const MONO: &str = "DejaVu Sans Mono, Menlo, Consolas, 'Noto Sans Mono CJK SC', monospace";
const NODE_WIDTH: f64 = 200.0;
const ENDING_WIDTH: f64 = 190.0;
const LINE: f64 = 15.0;
const LABEL_LINE: f64 = 14.0;

/// Advance widths of printable ASCII in DejaVu Sans (the font the SVG asks
/// for first, and Debian's default), in thousandths of an em.
const DEJAVU: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
    295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
    500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
    392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
const DEJAVU_BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696,
    696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372,
    372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838,
    500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
    478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Sans,
    Bold,
    Mono,
}

/// Width of `text` in px at `size`, from DejaVu's metrics plus a little, so
/// boxes hold their text in that font or a narrower one.
fn text_width(text: &str, size: f64, font: Font) -> f64 {
    let thousandths: u32 = text
        .chars()
        .map(|c| {
            let code = c as u32;
            if char_columns(c) == 2 {
                1000
            } else if font == Font::Mono {
                602
            } else if (32..127).contains(&code) {
                let i = (code - 32) as usize;
                u32::from(if font == Font::Bold {
                    DEJAVU_BOLD[i]
                } else {
                    DEJAVU[i]
                })
            } else if font == Font::Bold {
                1000
            } else {
                900
            }
        })
        .sum();
    f64::from(thousandths) / 1000.0 * size * 1.04
}

/// A spot's lines as drawn: (text, class).
fn spot_lines(spot: &Spot) -> Vec<(String, &'static str)> {
    match spot.what {
        What::Node => {
            let mut lines = vec![(spot.id.clone(), "id")];
            lines.extend(
                wrap_by(&quoted(&spot.text), NODE_WIDTH - 16.0, 3, &|t| {
                    text_width(t, 12.0, Font::Sans)
                })
                .into_iter()
                .map(|l| (l, "says")),
            );
            lines
        }
        What::Ending(kind) => {
            let mut lines = vec![
                (spot.id.clone(), "id"),
                (ending_style(kind).1.to_uppercase(), "kind"),
            ];
            lines.extend(
                wrap_by(&spot.text, ENDING_WIDTH - 40.0, 3, &|t| {
                    text_width(t, 12.0, Font::Sans)
                })
                .into_iter()
                .map(|l| (l, "says")),
            );
            lines
        }
        What::AnyTurn => vec![
            ("After any reply".to_owned(), "id"),
            ("the call can also end:".to_owned(), "says"),
        ],
    }
}

fn outline(what: What) -> Outline {
    match what {
        What::Node => Outline::Rect,
        What::AnyTurn => Outline::Rect,
        What::Ending(kind) => match kind {
            EndingKind::Delighted | EndingKind::Resolved => Outline::Pill(18.0),
            EndingKind::Escalated => Outline::NarrowTop(16.0),
            EndingKind::Complaint => Outline::PointRight(16.0),
            EndingKind::CallerHungUp => Outline::Hexagon(16.0),
            EndingKind::AgentHungUp => Outline::NarrowBottom(16.0),
        },
    }
}

/// Label rows as drawn: the head (with ★), tag chips, conditions, points.
fn label_size(link: &Link) -> (f64, f64) {
    let head = format!("{}{}", if link.best { "★ " } else { "" }, link.head);
    let mut w = text_width(&head, 12.0, Font::Bold);
    let mut rows = 1.0;
    if !link.tags.is_empty() {
        let chips: f64 = link
            .tags
            .iter()
            .map(|t| text_width(&t.text(), 10.0, Font::Bold) + 12.0)
            .sum();
        w = w.max(chips);
        rows += 1.0;
    }
    for c in &link.conditions {
        w = w.max(text_width(c, 11.0, Font::Sans));
        rows += 1.0;
    }
    if let Some(p) = link.points {
        w = w.max(text_width(&points_text(p), 11.0, Font::Mono));
        rows += 1.0;
    }
    (w + 14.0, rows * LABEL_LINE + 8.0)
}

impl Design {
    pub(super) fn svg(&self) -> String {
        let spots_in: Vec<SpotIn> = self
            .spots
            .iter()
            .map(|s| {
                let lines = spot_lines(s);
                let (width, role) = match s.what {
                    What::Node => (NODE_WIDTH, Role::Node),
                    What::Ending(_) => (ENDING_WIDTH, Role::Ending),
                    What::AnyTurn => (150.0, Role::AnyTurn),
                };
                SpotIn {
                    width,
                    height: lines.len() as f64 * LINE + 14.0,
                    role,
                    outline: outline(s.what),
                }
            })
            .collect();
        let links_in: Vec<LinkIn> = self
            .links
            .iter()
            .map(|l| {
                let (w, h) = label_size(l);
                LinkIn {
                    from: l.from,
                    to: l.to,
                    label_width: w,
                    label_height: h,
                    priority: if l.best { 1000 } else { 0 } + l.points.map_or(-100, total),
                    straight: l.best,
                }
            })
            .collect();
        let drawing = layout::lay_out(&spots_in, &links_in, self.start);

        let margin = 20.0;
        let min_width = 980.0;
        let width = (drawing.width + 2.0 * margin).max(min_width);
        let (legend, legend_height) = legend(width - 2.0 * margin);
        let header = 46.0 + legend_height + 16.0;
        let height = header + drawing.height + margin;

        let mut out = String::new();
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" font-family="{SANS}" font-size="12">"#
        );
        let _ = writeln!(
            out,
            "<title>{}</title>",
            xml(&format!("{} ({})", self.title, self.scenario_id))
        );
        out.push_str(&defs());
        let _ = writeln!(
            out,
            r##"<rect x="0" y="0" width="{width:.0}" height="{height:.0}" fill="#FFFFFF"/>"##
        );
        let _ = writeln!(
            out,
            r##"<text x="{margin}" y="30" font-size="20" font-weight="bold" fill="#111111">{}</text>"##,
            xml(&self.title)
        );
        let title_w = text_width(&self.title, 20.0, Font::Bold);
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="30" font-size="13" fill="#555555">{}</text>"##,
            (margin + title_w + 12.0)
                .min(width - margin - text_width(&self.scenario_id, 13.0, Font::Sans) - 4.0)
                .max(margin),
            xml(&self.scenario_id)
        );
        let _ = writeln!(out, r#"<g transform="translate({margin:.0},46)">{legend}</g>"#);
        let _ = writeln!(out, r#"<g transform="translate({margin:.0},{header:.0})">"#);
        self.svg_graph(&mut out, &drawing);
        out.push_str("</g>\n</svg>\n");
        out
    }

    fn svg_graph(&self, out: &mut String, drawing: &layout::Drawing) {
        // Arrows first, then the boxes over them.
        for (k, link) in self.links.iter().enumerate() {
            let colour = link.colour();
            let width = if link.best { 3.2 } else { 1.4 };
            let dash = if link.dashed {
                r#" stroke-dasharray="7 4""#
            } else {
                ""
            };
            let _ = writeln!(
                out,
                r#"<path d="{}" fill="none" stroke="{colour}" stroke-width="{width}"{dash} marker-end="url(#arrow-{})"><title>{}</title></path>"#,
                drawing.paths[k],
                marker_name(colour),
                xml(&link.lines().join(" · "))
            );
        }
        if let Some(start) = drawing.spots.get(self.start) {
            let (x, y) = (start.left(), start.cy);
            let _ = writeln!(
                out,
                r##"<circle cx="{:.1}" cy="{y:.1}" r="7" fill="#000000"/><path d="M{:.1},{y:.1} L{:.1},{y:.1}" stroke="#000000" stroke-width="2.2" marker-end="url(#arrow-start)"/><text x="{:.1}" y="{:.1}" font-size="11" font-weight="bold" fill="#000000">start</text>"##,
                x - 52.0,
                x - 45.0,
                x - 1.0,
                x - 62.0,
                y - 12.0
            );
        }
        for (k, link) in self.links.iter().enumerate() {
            svg_label(out, link, &drawing.labels[k]);
        }
        for (i, spot) in self.spots.iter().enumerate() {
            svg_spot(out, spot, &drawing.spots[i], i == self.start);
        }
    }
}

fn marker_name(colour: &str) -> &'static str {
    match colour {
        GAINS => "gains",
        LOSES => "loses",
        _ => "neutral",
    }
}

fn defs() -> String {
    let mut out = String::from("<defs>\n");
    for (name, colour) in [
        ("gains", GAINS),
        ("loses", LOSES),
        ("neutral", NEUTRAL),
        ("start", "#000000"),
    ] {
        let _ = writeln!(
            out,
            r#"<marker id="arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>"#
        );
    }
    out.push_str("</defs>\n");
    out
}

fn svg_label(out: &mut String, link: &Link, r: &Rect) {
    let colour = link.colour();
    let dash = if link.dashed {
        r#" stroke-dasharray="4 3""#
    } else {
        ""
    };
    let _ = writeln!(
        out,
        r##"<g><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="5" fill="#FFFFFF" stroke="{colour}" stroke-width="{}"{dash}/>"##,
        r.left(),
        r.top(),
        r.w,
        r.h,
        if link.best { 2.0 } else { 0.8 }
    );
    let x = r.left() + 7.0;
    let mut y = r.top() + 4.0 + LABEL_LINE - 3.0;
    let head = format!("{}{}", if link.best { "★ " } else { "" }, link.head);
    let _ = writeln!(
        out,
        r##"<text x="{x:.1}" y="{y:.1}" font-size="12" font-weight="bold" fill="#111111">{}</text>"##,
        xml(&head)
    );
    if !link.tags.is_empty() {
        y += LABEL_LINE;
        let mut cx = x;
        for tag in &link.tags {
            let text = tag.text();
            let w = text_width(&text, 10.0, Font::Bold) + 8.0;
            let (bg, fg) = tag.colours();
            let _ = writeln!(
                out,
                r#"<rect x="{cx:.1}" y="{:.1}" width="{w:.1}" height="13" rx="6" fill="{bg}"/><text x="{:.1}" y="{:.1}" font-size="10" font-weight="bold" fill="{fg}">{}</text>"#,
                y - 10.5,
                cx + 4.0,
                y - 0.5,
                xml(&text)
            );
            cx += w + 4.0;
        }
    }
    for c in &link.conditions {
        y += LABEL_LINE;
        let _ = writeln!(
            out,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="11" font-style="italic" fill="#333333">{}</text>"##,
            xml(c)
        );
    }
    if let Some(p) = link.points {
        y += LABEL_LINE;
        let fill = if colour == NEUTRAL { "#444444" } else { colour };
        let _ = writeln!(
            out,
            r#"<text x="{x:.1}" y="{y:.1}" font-size="11" font-family="{MONO}" fill="{fill}">{}</text>"#,
            xml(&points_text(p))
        );
    }
    out.push_str("</g>\n");
}

/// The outline of an ending's shape, as SVG.
fn shape(kind: EndingKind, r: &Rect, fill: &str) -> String {
    let (l, t, rt, b) = (r.left(), r.top(), r.right(), r.bottom());
    let poly = |points: &[(f64, f64)]| {
        let list: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        format!(
            r##"<polygon points="{}" fill="{fill}" stroke="#222222" stroke-width="1.2"/>"##,
            list.join(" ")
        )
    };
    match kind {
        EndingKind::Delighted => format!(
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="18" fill="{fill}" stroke="#222222" stroke-width="1.2"/><rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="14" fill="none" stroke="#222222" stroke-width="1.2"/>"##,
            l,
            t,
            r.w,
            r.h,
            l + 4.0,
            t + 4.0,
            r.w - 8.0,
            r.h - 8.0
        ),
        EndingKind::Resolved => format!(
            r##"<rect x="{l:.1}" y="{t:.1}" width="{:.1}" height="{:.1}" rx="18" fill="{fill}" stroke="#222222" stroke-width="1.2"/>"##,
            r.w, r.h
        ),
        EndingKind::Escalated => poly(&[(l + 16.0, t), (rt - 16.0, t), (rt, b), (l, b)]),
        EndingKind::Complaint => poly(&[(l, t), (rt - 16.0, t), (rt, r.cy), (rt - 16.0, b), (l, b)]),
        EndingKind::CallerHungUp => poly(&[
            (l + 16.0, t),
            (rt - 16.0, t),
            (rt, r.cy),
            (rt - 16.0, b),
            (l + 16.0, b),
            (l, r.cy),
        ]),
        EndingKind::AgentHungUp => poly(&[(l, t), (rt, t), (rt - 16.0, b), (l + 16.0, b)]),
    }
}

fn svg_spot(out: &mut String, spot: &Spot, r: &Rect, is_start: bool) {
    out.push_str("<g>");
    match spot.what {
        What::Node => {
            let _ = write!(
                out,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="#FFFFFF" stroke="#222222" stroke-width="{}"/>"##,
                r.left(),
                r.top(),
                r.w,
                r.h,
                if is_start { 2.6 } else { 1.2 }
            );
        }
        What::Ending(kind) => out.push_str(&shape(kind, r, ending_style(kind).0)),
        What::AnyTurn => {
            let _ = write!(
                out,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" rx="4" fill="#F4F4F4" stroke="#555555" stroke-width="1.2" stroke-dasharray="6 4"/>"##,
                r.left(),
                r.top(),
                r.w,
                r.h
            );
        }
    }
    let lines = spot_lines(spot);
    let mut y = r.top() + 7.0 + LINE - 3.0;
    for (text, class) in lines {
        let (size, weight, style) = match class {
            "id" => (13.0, "bold", "normal"),
            "kind" => (10.0, "bold", "normal"),
            _ => (
                12.0,
                "normal",
                if spot.what == What::Node {
                    "italic"
                } else {
                    "normal"
                },
            ),
        };
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{y:.1}" text-anchor="middle" font-size="{size}" font-weight="{weight}" font-style="{style}" fill="#000000">{}</text>"##,
            r.cx,
            xml(&text)
        );
        y += LINE;
    }
    out.push_str("</g>\n");
}

/// The legend: ending shapes and colours, arrow styles and tags. Returns
/// the SVG and its height; it wraps to `width`.
fn legend(width: f64) -> (String, f64) {
    let mut out = String::new();
    let mut x = 0.0;
    let mut y = 0.0;
    let row = 30.0;
    let place = |w: f64, x: &mut f64, y: &mut f64| {
        if *x > 0.0 && *x + w > width {
            *x = 0.0;
            *y += row;
        }
        let at = (*x, *y);
        *x += w + 18.0;
        at
    };
    for kind in EndingKind::ALL {
        let (colour, name) = ending_style(kind);
        let w = 56.0 + 6.0 + text_width(name, 12.0, Font::Sans);
        let (px, py) = place(w, &mut x, &mut y);
        let r = Rect {
            cx: px + 28.0,
            cy: py + 11.0,
            w: 56.0,
            h: 22.0,
        };
        let small = shape(kind, &r, colour)
            .replace("rx=\"18\"", "rx=\"11\"")
            .replace("rx=\"14\"", "rx=\"8\"");
        let _ = write!(
            out,
            r##"{small}<text x="{:.1}" y="{:.1}" fill="#111111">{}</text>"##,
            px + 62.0,
            py + 15.0,
            xml(name)
        );
    }
    x = 0.0;
    y += row;
    let arrows = [
        (GAINS, false, false, "reply earns points"),
        (LOSES, false, false, "reply loses points"),
        (NEUTRAL, false, false, "no points"),
        (NEUTRAL, true, false, "only under a condition"),
        (GAINS, false, true, "★ best path"),
    ];
    for (colour, dashed, best, text) in arrows {
        let w = 44.0 + 6.0 + text_width(text, 12.0, Font::Sans);
        let (px, py) = place(w, &mut x, &mut y);
        let dash = if dashed { r#" stroke-dasharray="7 4""# } else { "" };
        let _ = write!(
            out,
            r##"<path d="M{:.1},{:.1} L{:.1},{:.1}" stroke="{colour}" stroke-width="{}"{dash} marker-end="url(#arrow-{})"/><text x="{:.1}" y="{:.1}" fill="#111111">{}</text>"##,
            px,
            py + 11.0,
            px + 42.0,
            py + 11.0,
            if best { 3.2 } else { 1.4 },
            marker_name(colour),
            px + 50.0,
            py + 15.0,
            xml(text)
        );
    }
    let points = "U understanding · A acknowledgement · E emotion · S assistance";
    let (px, py) = place(text_width(points, 12.0, Font::Sans), &mut x, &mut y);
    let _ = write!(
        out,
        r##"<text x="{px:.1}" y="{:.1}" fill="#111111">{}</text>"##,
        py + 15.0,
        xml(points)
    );
    x = 0.0;
    y += row;
    for tag in [
        Tag::CheckAccount,
        Tag::Hold(60),
        Tag::Transfer(None),
        Tag::EndCall,
        Tag::OverAccommodation,
    ] {
        let text = if let Tag::Hold(_) = &tag {
            "hold".to_owned()
        } else {
            tag.text()
        };
        let w = text_width(&text, 10.0, Font::Bold) + 8.0;
        let (px, py) = place(w, &mut x, &mut y);
        let (bg, fg) = tag.colours();
        let _ = write!(
            out,
            r#"<rect x="{px:.1}" y="{:.1}" width="{w:.1}" height="13" rx="6" fill="{bg}"/><text x="{:.1}" y="{:.1}" font-size="10" font-weight="bold" fill="{fg}">{}</text>"#,
            py + 4.5,
            px + 4.0,
            py + 14.0,
            xml(&text)
        );
    }
    let note = "arrows leave a caller line on the right; an arrow coming in on the right goes back to an earlier line";
    let (px, py) = place(text_width(note, 12.0, Font::Sans), &mut x, &mut y);
    let _ = write!(
        out,
        r##"<text x="{px:.1}" y="{:.1}" fill="#444444">{}</text>"##,
        py + 15.0,
        xml(note)
    );
    (out, y + row)
}
