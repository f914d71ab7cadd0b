//! Exercise illustrations: an exercise's pose drawn as an SVG picture.
//!
//! The geometry (where every joint and prop is) comes from
//! [`crate::catalog::pose`], which the loader has already checked; this
//! module only turns it into SVG text. It is a pure function of the
//! exercise, and its output is byte-for-byte stable: numbers are written
//! with one decimal, and everything is drawn in a fixed order.
//!
//! SVG is plain text, so it is written with `std::fmt` rather than an SVG
//! crate: the picture uses six element kinds.

use std::fmt::Write;

use crate::catalog::Exercise;
use crate::catalog::pose::{
    BODY, Base, FLOOR_Y, Figure, LABEL_BAND, Panel, Point, STAGE_HEIGHT, STAGE_WIDTH, Shape, Side,
    Vec2, View,
};

/// The picture's width in pixels.
pub const WIDTH: u32 = 840;
/// The picture's height in pixels.
pub const HEIGHT: u32 = 440;
/// Pixels per metre: the stage fills the picture.
const SCALE: f64 = WIDTH as f64 / STAGE_WIDTH;

/// The one stroke colour of a figure.
const INK: &str = "#1f3a5f";
/// The figure's far side in side view.
const INK_FAR: &str = "#7d93ae";
/// The previous position, ghosted.
const GHOST: &str = "#c6cfd9";
/// The ghost's far side.
const GHOST_FAR: &str = "#dde3ea";
/// Props' outlines.
const PROP: &str = "#8c99a8";
/// Props' fill.
const PROP_FILL: &str = "#edf1f5";
/// A towel or strap.
const TOWEL: &str = "#9aa7b5";
/// The movement arrow.
const ARROW: &str = "#c0583a";
/// Panel labels and dividers.
const LABEL: &str = "#5b6b7d";

/// Line widths, in pixels.
const LIMB: f64 = 3.5;
const PROP_LINE: f64 = 2.0;
/// Radius of a joint's dot, in pixels.
const JOINT: f64 = 3.2;

/// The exercise's illustration as an SVG document.
pub fn svg(exercise: &Exercise) -> String {
    let pose = &exercise.pose;
    let id = &exercise.id;
    let mut out = String::with_capacity(8 * 1024);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" "#,
            r#"role="img" aria-labelledby="{id}-title {id}-desc">"#,
            "\n<title id=\"{id}-title\">{title}</title>\n<desc id=\"{id}-desc\">{desc}</desc>\n",
            r#"<defs><marker id="{id}-arrowhead" viewBox="0 0 10 10" refX="7" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">"#,
            r#"<path d="M0,0L10,5L0,10z" fill="{arrow}"/></marker></defs>"#,
            "\n",
            r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##,
            "\n",
        ),
        w = WIDTH,
        h = HEIGHT,
        id = escape(id),
        title = escape(&exercise.name),
        desc = escape(&description(exercise)),
        arrow = ARROW,
    );
    let panels = pose.panels();
    for (i, panel) in panels.iter().enumerate() {
        if i > 0 {
            let _ = writeln!(
                out,
                r#"<line x1="{x}" y1="{y0}" x2="{x}" y2="{y1}" stroke="{LABEL}" stroke-opacity="0.25" stroke-width="1"/>"#,
                x = px(panel.left),
                y0 = num(16.0),
                y1 = num(f64::from(HEIGHT) - 16.0),
            );
        }
        draw_panel(&mut out, panel, pose.view, id);
    }
    out.push_str("</svg>\n");
    out
}

/// A sentence for each position: the step it shows.
fn description(exercise: &Exercise) -> String {
    let pose = &exercise.pose;
    let step = |n: u8| {
        exercise
            .steps
            .get(usize::from(n).saturating_sub(1))
            .map_or("", String::as_str)
    };
    let seen = match (pose.view, pose.start.base) {
        (_, Base::SideLying) => "lying on its side, seen from above",
        (View::Side, _) => "seen from the side",
        (View::Front, _) => "seen from the front",
    };
    let mut parts = vec![format!("A stick figure, {seen}.")];
    for (label, _, posture) in pose.postures() {
        parts.push(format!("{label}: {}", step(posture.step)));
    }
    parts.join(" ")
}

fn draw_panel(out: &mut String, panel: &Panel, view: View, id: &str) {
    let _ = writeln!(
        out,
        r#"<text x="{x}" y="{y}" text-anchor="middle" font-family="sans-serif" font-size="15" fill="{LABEL}">{label}</text>"#,
        x = px(panel.left + panel.width / 2.0),
        y = num(28.0),
        label = panel.label,
    );
    for shape in panel.shapes.iter().filter(|s| !s.in_front()) {
        draw_shape(out, shape, panel);
    }
    if let Some(ghost) = &panel.ghost {
        draw_figure(out, ghost, view, GHOST, GHOST_FAR, "none");
    }
    draw_figure(out, &panel.figure, view, INK, INK_FAR, "#ffffff");
    for shape in panel.shapes.iter().filter(|s| s.in_front()) {
        draw_shape(out, shape, panel);
    }
    if let Some(arrow) = &panel.arrow {
        let _ = writeln!(
            out,
            r#"<path d="M{} {}Q{} {} {} {}" fill="none" stroke="{ARROW}" stroke-width="2.5" stroke-linecap="round" marker-end="url(#{id}-arrowhead)"/>"#,
            px(arrow.from.x),
            py(arrow.from.y),
            px(arrow.bend.x),
            py(arrow.bend.y),
            px(arrow.to.x),
            py(arrow.to.y),
        );
    }
}

fn draw_figure(out: &mut String, f: &Figure, view: View, near: &str, far: &str, head_fill: &str) {
    let colour = |side: Side| {
        if view == View::Side && side == Side::Left {
            far
        } else {
            near
        }
    };
    let lines = f.lines();
    let _ = writeln!(
        out,
        r#"<g fill="none" stroke-width="{}" stroke-linecap="round" stroke-linejoin="round">"#,
        num(LIMB)
    );
    let mut dots: Vec<(Vec2, &str)> = Vec::new();
    for line in &lines {
        let mut d = String::new();
        for (i, p) in line.points.iter().enumerate() {
            let at = f.at(*p);
            let _ = write!(
                d,
                "{}{} {}",
                if i == 0 { "M" } else { "L" },
                px(at.x),
                py(at.y)
            );
            // Toes end a line; every other point is a joint.
            if !matches!(p, Point::ToeL | Point::ToeR) {
                dots.push((at, colour(line.side)));
            }
        }
        let _ = writeln!(out, r#"<path d="{d}" stroke="{}"/>"#, colour(line.side));
    }
    // The head goes last: hands behind it are hidden by it, as they are.
    let (base, edge) = f.neck_line();
    let head = f.at(Point::Head);
    let _ = writeln!(
        out,
        r#"<path d="M{} {}L{} {}" stroke="{near}"/>"#,
        px(base.x),
        py(base.y),
        px(edge.x),
        py(edge.y),
    );
    let _ = writeln!(
        out,
        r#"<circle cx="{}" cy="{}" r="{}" stroke="{near}" fill="{head_fill}"/>"#,
        px(head.x),
        py(head.y),
        num(BODY.head_radius * SCALE),
    );
    let _ = writeln!(out, "</g>");
    let _ = write!(out, "<g>");
    for (at, colour) in dots {
        let _ = write!(
            out,
            r#"<circle cx="{}" cy="{}" r="{}" fill="{colour}"/>"#,
            px(at.x),
            py(at.y),
            num(JOINT)
        );
    }
    let _ = writeln!(out, "</g>");
}

fn draw_shape(out: &mut String, shape: &Shape, panel: &Panel) {
    let rect = |out: &mut String, lo: Vec2, hi: Vec2, fill: &str, stroke: &str| {
        let _ = writeln!(
            out,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{fill}" stroke="{stroke}" stroke-width="{}"/>"#,
            px(lo.x),
            py(hi.y),
            num((hi.x - lo.x) * SCALE),
            num((hi.y - lo.y) * SCALE),
            num(PROP_LINE),
        );
    };
    let line = |out: &mut String, a: Vec2, b: Vec2, width: f64| {
        let _ = writeln!(
            out,
            r#"<path d="M{} {}L{} {}" stroke="{PROP}" stroke-width="{}" stroke-linecap="round"/>"#,
            px(a.x),
            py(a.y),
            px(b.x),
            py(b.y),
            num(width),
        );
    };
    // The joints' dots sit on a support, so it is drawn just below them.
    let under = (JOINT + LIMB / 2.0) / SCALE;
    match shape {
        Shape::Floor { y } => {
            let (x0, x1) = (panel.left + 0.08, panel.left + panel.width - 0.08);
            line(out, Vec2::new(x0, y - under), Vec2::new(x1, y - under), 2.5);
        }
        Shape::Ground => rect(
            out,
            Vec2::new(panel.left + 0.15, FLOOR_Y),
            Vec2::new(panel.left + panel.width - 0.15, STAGE_HEIGHT - LABEL_BAND),
            PROP_FILL,
            "none",
        ),
        Shape::Mat { lo, hi } => rect(
            out,
            Vec2::new(lo.x, lo.y - under),
            Vec2::new(hi.x, hi.y - under),
            "#dfe6ee",
            PROP,
        ),
        Shape::WallFace { lo, hi } => {
            let lo = Vec2::new(lo.x.max(panel.left + 0.08), lo.y - under);
            let hi = Vec2::new(hi.x.min(panel.left + panel.width - 0.08), hi.y);
            rect(out, lo, hi, PROP_FILL, "none");
        }
        Shape::WallEdge { x, floor } => {
            let x = x - under;
            rect(
                out,
                Vec2::new(x - 0.06, floor - under),
                Vec2::new(x, floor + crate::catalog::pose::props::WALL_HEIGHT),
                PROP_FILL,
                PROP,
            );
        }
        Shape::ChairSide {
            back,
            front,
            seat,
            floor,
        } => {
            let seat = seat - under;
            let floor = floor - under;
            line(out, Vec2::new(*back, seat), Vec2::new(*front, seat), 5.0);
            line(
                out,
                Vec2::new(*front - 0.02, seat),
                Vec2::new(*front - 0.02, floor),
                3.0,
            );
            line(
                out,
                Vec2::new(*back, floor),
                Vec2::new(*back, floor + crate::catalog::pose::props::CHAIR_BACK_TOP),
                3.0,
            );
        }
        Shape::ChairFront {
            left,
            right,
            seat,
            floor,
        } => {
            let seat = seat - under;
            let floor = floor - under;
            let top = floor + crate::catalog::pose::props::CHAIR_BACK_TOP;
            rect(
                out,
                Vec2::new(left + 0.04, seat),
                Vec2::new(right - 0.04, top),
                PROP_FILL,
                "none",
            );
            line(out, Vec2::new(*left, seat), Vec2::new(*right, seat), 5.0);
            for x in [left + 0.02, right - 0.02] {
                line(out, Vec2::new(x, seat), Vec2::new(x, floor), 3.0);
            }
        }
        Shape::Round { centre, radius } => {
            let centre = Vec2::new(centre.x, centre.y - under);
            let _ = writeln!(
                out,
                r#"<circle cx="{}" cy="{}" r="{}" fill="{PROP_FILL}" stroke="{PROP}" stroke-width="{}"/>"#,
                px(centre.x),
                py(centre.y),
                num(radius * SCALE),
                num(PROP_LINE),
            );
        }
        Shape::Towel { path } => {
            let mut d = String::new();
            for (i, p) in path.iter().enumerate() {
                let _ = write!(
                    d,
                    "{}{} {}",
                    if i == 0 { "M" } else { "L" },
                    px(p.x),
                    py(p.y)
                );
            }
            let _ = writeln!(
                out,
                r#"<path d="{d}" fill="none" stroke="{TOWEL}" stroke-width="3" stroke-dasharray="7 4" stroke-linejoin="round"/>"#
            );
        }
        Shape::Block { lo, hi } => rect(
            out,
            Vec2::new(lo.x, lo.y - under),
            Vec2::new(hi.x, hi.y - under),
            PROP_FILL,
            PROP,
        ),
    }
}

/// A stage x in pixels.
fn px(x: f64) -> String {
    num(x * SCALE)
}

/// A stage y in pixels: SVG's y runs down.
fn py(y: f64) -> String {
    num((STAGE_HEIGHT - y) * SCALE)
}

/// A number with one decimal, and never `-0.0`.
fn num(v: f64) -> String {
    let s = format!("{v:.1}");
    if s == "-0.0" { "0.0".to_owned() } else { s }
}

/// Text for an SVG element or attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    #[test]
    fn pixels_are_square() {
        let across = f64::from(WIDTH) / STAGE_WIDTH;
        let down = f64::from(HEIGHT) / STAGE_HEIGHT;
        assert!((across - down).abs() < 1e-9, "{across} vs {down}");
    }

    #[test]
    fn every_exercise_in_the_catalog_renders_a_titled_described_picture() {
        let catalog = Catalog::embedded().expect("the embedded content loads");
        assert_eq!(catalog.exercises.len(), 30);
        for e in &catalog.exercises {
            let svg = svg(e);
            assert!(
                svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
                "{}",
                e.id
            );
            assert!(svg.ends_with("</svg>\n"), "{}", e.id);
            assert!(svg.contains(r#"role="img""#), "{}", e.id);
            assert!(svg.contains(r#"viewBox="0 0 840 440""#), "{}", e.id);
            assert!(
                svg.contains(&format!(">{}</title>", escape(&e.name))),
                "{}",
                e.id
            );
            let desc = svg
                .split_once("-desc\">")
                .and_then(|(_, rest)| rest.split_once("</desc>"))
                .map(|(d, _)| d)
                .unwrap_or_default();
            assert!(
                desc.contains("Start: ") && desc.contains(" End: "),
                "{}: {desc}",
                e.id
            );
            assert!(
                svg.matches("<circle").count() > 10,
                "{}: a figure is drawn",
                e.id
            );
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{}", e.id);
            assert_eq!(svg, super::svg(e), "{}: the same bytes every time", e.id);
        }
    }

    #[test]
    fn a_standing_figure_is_drawn_where_its_geometry_says() {
        let e = exercise(
            r#"{"view": "side", "props": ["floor"],
                "start": {"step": 1, "base": "standing"},
                "end": {"step": 2, "base": "standing", "angles": {"hip_r": 90}}}"#,
        );
        let svg = svg(&e);
        // The head of a figure standing on the floor: 1.60 m above it.
        let head_y = (STAGE_HEIGHT - FLOOR_Y - 1.60) * SCALE;
        assert!(
            svg.contains(&format!(r#"cy="{}" r="16.0""#, num(head_y))),
            "head at y {head_y}: {svg}"
        );
        // A straight leg raised to 90 degrees ends 0.88 m in front of the hip.
        let panels = e.pose.panels();
        let end = &panels[1].figure;
        let reach = end.at(Point::AnkleR).x - end.at(Point::Pelvis).x;
        assert!((reach - 0.88).abs() < 1e-9, "{reach}");
        let ankle = end.at(Point::AnkleR);
        assert!(
            svg.contains(&format!("L{} {}", px(ankle.x), py(ankle.y))),
            "{svg}"
        );
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"Cat & "cow" <1>"#),
            "Cat &amp; &quot;cow&quot; &lt;1&gt;"
        );
        assert_eq!(num(-0.01), "0.0");
        assert_eq!(num(12.345), "12.3");
    }

    fn exercise(pose: &str) -> Exercise {
        let json = format!(
            r#"{{"id": "test-stand", "name": "Stand & lift", "summary": "s", "benefit": "b", "feel": "f", "target": "t", "kind": "mobility",
                "areas": ["hips"], "position": "standing", "equipment": ["none"], "applies": [],
                "difficulty": "beginner", "steps": ["Stand tall.", "Lift one leg.", "Lower it."],
                "pose": {pose}, "dose": {{"reps": 5, "sets": 1}}, "minutes": 1,
                "best_time": ["morning"], "suitable_for": ["x"],
                "pregnancy": {{"status": "safe"}}, "cautions": ["c"], "common_mistakes": ["m"],
                "sources": ["s"]}}"#
        );
        serde_json::from_str(&json).expect("a test exercise")
    }
}
