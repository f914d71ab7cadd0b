//! An exercise's pose: a small jointed stick figure, given as joint angles
//! for where the movement starts and where it ends, and the props it uses.
//! The exercise's illustration is drawn from it, so a clinician changes the
//! picture by editing numbers in the exercise's file, and the loader refuses
//! a pose that cannot be drawn or that no body makes.
//!
//! ```json
//! "pose": {
//!   "view": "side",
//!   "props": ["floor"],
//!   "start": {"step": 2, "base": "all_fours", "angles": {"trunk": 80, "hip_l": 80, "hip_r": 80}},
//!   "end": {"step": 3, "base": "all_fours", "angles": {"trunk": 80, "hip_r": -10, "knee_r": 0}}
//! }
//! ```
//!
//! - `view`: `side` (the figure faces right; its right side is nearer and
//!   drawn darker) or `front` (the figure faces you, so its left is on your
//!   right).
//! - `props`: what the figure uses, drawn simply: `floor` (every pose lists
//!   it), `mat`, `wall`, `chair`, `foam_roller`, `ball`, `towel`, `block`.
//!   Each but the floor and the mat needs its equipment in the exercise's
//!   `equipment` ([`Prop::equipment`]).
//! - `wall`: `behind` (the figure's back is to it; the default) or
//!   `beside` (it stands side-on to it, so the side view shows the wall face on).
//! - `moves`: the body point the movement arrow follows; by default the
//!   point that moves furthest.
//! - `start`, `middle` (optional), `end`: the positions, each with the
//!   `step` (1-based) it shows, its `base` (what the figure rests on) and
//!   its `angles`.
//!
//! # Angles
//!
//! Whole degrees; a joint left out is 0, its neutral standing position.
//! [`RANGES`] states every joint's range and what its numbers mean; in
//! short, in side view:
//!
//! - `trunk`: the lower back (pelvis to waist) from vertical, leaning
//!   forward positive: 0 upright, 90 face down (all fours), -90 lying on the back.
//! - `thoracic`: the upper back bent on the lower back, rounding positive,
//!   arching negative.
//! - `neck`: the head bent on the upper back, chin to chest positive.
//! - `shoulder_l`, `shoulder_r`: the upper arm from the trunk: 0 along the
//!   trunk, 90 forward, 180 overhead, negative behind.
//! - `elbow_*`, `knee_*`: bend, 0 straight.
//! - `hip_*`: the thigh bent forward on the lower back: 0 in line with
//!   it (standing), 90 at a right angle (sitting), negative behind.
//! - `ankle_*`: 0 foot at a right angle to the shin, toes towards the shin
//!   positive, pointed negative.
//!
//! In front view the same names mean the sideways movements: `trunk`,
//! `thoracic` and `neck` lean or bend towards the figure's left (positive)
//! or right; `twist` turns the upper body towards its left (positive);
//! `shoulder_*` and `hip_*` are how far the limb is raised out to its side;
//! `elbow_*` turns the forearm further out and up (positive, goalpost arms)
//! or in towards the body (negative, hands on hips); `knee_*` bend is
//! shown foreshortened. Ankles are not drawn in front view.
//!
//! # Bases
//!
//! The base says what holds the figure up; the figure is lowered onto it:
//! the lower foot onto the floor (`standing`), the lower knee
//! (`kneeling`, `all_fours`, whose hands must reach the floor too), the
//! pelvis onto the chair seat (`sitting_chair`) or the floor
//! (`sitting_floor`), the lowest of pelvis, waist and shoulders (`lying`),
//! the middle of the upper back onto a foam roller (`on_roller`).
//! `side_lying` is drawn as seen from above, the figure lying on the floor.
//! Every other point must then stay out of the floor and the props.
//!
//! # Panels
//!
//! Each position gets a panel of the picture ([`Pose::panels`]); from the
//! second on, the previous position is ghosted behind it, lined up on a
//! point that rests on the support in both (for standing, the left foot
//! before the right, so a step is taken with the right), and an arrow
//! shows how the `moves` point went from one to the other. All of this is
//! geometry in metres; `crate::illustration` only draws it.

use serde::Deserialize;

use super::vocab::{Equipment, vocabulary};

vocabulary! {
    /// Which way the figure is seen.
    View {
        /// From its right side: the figure faces right.
        Side = "side",
        /// From the front: the figure faces you.
        Front = "front",
    }
}

vocabulary! {
    /// What holds the figure up in one position.
    Base {
        /// On the feet.
        Standing = "standing",
        /// On one or both knees, upright or folded forward.
        Kneeling = "kneeling",
        /// On hands and knees.
        AllFours = "all_fours",
        /// Sitting on a chair.
        SittingChair = "sitting_chair",
        /// Sitting on the floor.
        SittingFloor = "sitting_floor",
        /// Lying on the back or front.
        Lying = "lying",
        /// Lying on one side, drawn as seen from above.
        SideLying = "side_lying",
        /// Lying back with the upper back on a foam roller.
        OnRoller = "on_roller",
    }
}

vocabulary! {
    /// Something the figure uses, drawn simply.
    Prop {
        /// The floor line.
        Floor = "floor",
        /// An exercise mat on the floor.
        Mat = "mat",
        /// A wall, behind or beside the figure.
        Wall = "wall",
        /// A chair the figure sits on.
        Chair = "chair",
        /// A foam roller lying crosswise on the floor.
        FoamRoller = "foam_roller",
        /// A massage ball between the buttock and a wall.
        Ball = "ball",
        /// A towel or strap from the hands to a foot.
        Towel = "towel",
        /// A yoga block under a hand.
        Block = "block",
    }
}

vocabulary! {
    /// Where a wall stands.
    WallPlace {
        /// Behind the figure's back.
        Behind = "behind",
        /// Beside the figure, which stands side-on to it.
        Beside = "beside",
    }
}

vocabulary! {
    /// A named point of the figure, for problems and the movement arrow.
    Point {
        /// The centre of the head.
        Head = "head",
        /// The base of the neck, between the shoulders.
        Neck = "neck",
        /// The waist: where the lower back meets the upper back.
        Waist = "waist",
        /// The pelvis, between the hips.
        Pelvis = "pelvis",
        /// The left shoulder.
        ShoulderL = "shoulder_l",
        /// The right shoulder.
        ShoulderR = "shoulder_r",
        /// The left elbow.
        ElbowL = "elbow_l",
        /// The right elbow.
        ElbowR = "elbow_r",
        /// The left wrist (the hand).
        WristL = "wrist_l",
        /// The right wrist (the hand).
        WristR = "wrist_r",
        /// The left hip.
        HipL = "hip_l",
        /// The right hip.
        HipR = "hip_r",
        /// The left knee.
        KneeL = "knee_l",
        /// The right knee.
        KneeR = "knee_r",
        /// The left ankle.
        AnkleL = "ankle_l",
        /// The right ankle.
        AnkleR = "ankle_r",
        /// The tip of the left foot.
        ToeL = "toe_l",
        /// The tip of the right foot.
        ToeR = "toe_r",
    }
}

vocabulary! {
    /// A joint angle a pose gives.
    Joint {
        /// The lower back from vertical.
        Trunk = "trunk",
        /// The upper back on the lower back.
        Thoracic = "thoracic",
        /// The head on the upper back.
        Neck = "neck",
        /// The upper body turned on the pelvis (front view).
        Twist = "twist",
        /// The left shoulder.
        ShoulderL = "shoulder_l",
        /// The right shoulder.
        ShoulderR = "shoulder_r",
        /// The left elbow.
        ElbowL = "elbow_l",
        /// The right elbow.
        ElbowR = "elbow_r",
        /// The left hip.
        HipL = "hip_l",
        /// The right hip.
        HipR = "hip_r",
        /// The left knee.
        KneeL = "knee_l",
        /// The right knee.
        KneeR = "knee_r",
        /// The left ankle.
        AnkleL = "ankle_l",
        /// The right ankle.
        AnkleR = "ankle_r",
    }
}

/// An exercise's stick figure: how it is seen, what it uses, and where the
/// movement starts and ends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pose {
    /// Side or front view.
    pub view: View,
    /// What the figure uses; `floor` always, the others only with their equipment.
    pub props: Vec<Prop>,
    /// Where the wall stands, when `props` has one (behind when left out).
    #[serde(default)]
    pub wall: Option<WallPlace>,
    /// The point the movement arrow follows; the one that moves furthest when left out.
    #[serde(default)]
    pub moves: Option<Point>,
    /// Where the movement starts.
    pub start: Posture,
    /// A position on the way, when the movement passes through one worth showing.
    #[serde(default)]
    pub middle: Option<Posture>,
    /// Where the movement ends (or the held stretch).
    pub end: Posture,
}

/// One position of the figure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Posture {
    /// The step (1-based) of the exercise's `steps` this position shows.
    pub step: u8,
    /// What holds the figure up.
    pub base: Base,
    /// Joint angles in whole degrees; a joint left out is 0.
    #[serde(default)]
    pub angles: Angles,
}

/// Joint angles in whole degrees, each 0 when left out. Their meanings and
/// ranges are in [`RANGES`].
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Angles {
    /// The lower back from vertical.
    pub trunk: i16,
    /// The upper back on the lower back.
    pub thoracic: i16,
    /// The head on the upper back.
    pub neck: i16,
    /// The upper body turned on the pelvis (front view only).
    pub twist: i16,
    /// The left upper arm from the trunk.
    pub shoulder_l: i16,
    /// The right upper arm from the trunk.
    pub shoulder_r: i16,
    /// The left elbow.
    pub elbow_l: i16,
    /// The right elbow.
    pub elbow_r: i16,
    /// The left thigh from the lower back.
    pub hip_l: i16,
    /// The right thigh from the lower back.
    pub hip_r: i16,
    /// The left knee bend.
    pub knee_l: i16,
    /// The right knee bend.
    pub knee_r: i16,
    /// The left ankle (side view only).
    pub ankle_l: i16,
    /// The right ankle (side view only).
    pub ankle_r: i16,
}

impl Angles {
    /// The angle of `joint`, in degrees.
    pub fn get(&self, joint: Joint) -> i16 {
        match joint {
            Joint::Trunk => self.trunk,
            Joint::Thoracic => self.thoracic,
            Joint::Neck => self.neck,
            Joint::Twist => self.twist,
            Joint::ShoulderL => self.shoulder_l,
            Joint::ShoulderR => self.shoulder_r,
            Joint::ElbowL => self.elbow_l,
            Joint::ElbowR => self.elbow_r,
            Joint::HipL => self.hip_l,
            Joint::HipR => self.hip_r,
            Joint::KneeL => self.knee_l,
            Joint::KneeR => self.knee_r,
            Joint::AnkleL => self.ankle_l,
            Joint::AnkleR => self.ankle_r,
        }
    }
}

/// A joint's range in each view, and what its numbers mean there. `None`:
/// the joint is not drawn in that view, so it must be left out (0).
#[derive(Debug, Clone, Copy)]
pub struct JointRange {
    /// The joint.
    pub joint: Joint,
    /// Lowest and highest value in side view, and their meaning.
    pub side: Option<(i16, i16, &'static str)>,
    /// Lowest and highest value in front view, and their meaning.
    pub front: Option<(i16, i16, &'static str)>,
}

impl JointRange {
    /// The range and meaning in `view`.
    pub fn of(&self, view: View) -> Option<(i16, i16, &'static str)> {
        match view {
            View::Side => self.side,
            View::Front => self.front,
        }
    }
}

/// Every joint's range: what a body can do, widened only where a side view
/// shows a movement out of its plane (an arm held out to the side and back
/// looks like an arm straight behind). A pose outside them is refused.
pub const RANGES: [JointRange; 14] = {
    const SHOULDER: JointRange = JointRange {
        joint: Joint::ShoulderL,
        side: Some((
            -90,
            180,
            "shoulder: 0 arm along the trunk, 90 forward, 180 overhead, negative behind",
        )),
        front: Some((
            -30,
            180,
            "shoulder: 0 arm by the side, 90 out level, 180 overhead",
        )),
    };
    const ELBOW: JointRange = JointRange {
        joint: Joint::ElbowL,
        side: Some((
            -90,
            150,
            "elbow bend; negative: forearm raised with the arm out to the side, as a goalpost arm looks from the side",
        )),
        front: Some((
            -150,
            150,
            "elbow: forearm turned out and up positive, in towards the body negative",
        )),
    };
    const HIP: JointRange = JointRange {
        joint: Joint::HipL,
        side: Some((
            -40,
            165,
            "hip flexion: thigh forward on the lower back, negative behind; past 130 only with the lower back rounding too",
        )),
        front: Some((-20, 45, "hip: thigh out to the side, negative across")),
    };
    const KNEE: JointRange = JointRange {
        joint: Joint::KneeL,
        side: Some((0, 160, "knee flexion")),
        front: Some((0, 160, "knee flexion")),
    };
    const ANKLE: JointRange = JointRange {
        joint: Joint::AnkleL,
        side: Some((
            -90,
            40,
            "ankle: toes towards the shin positive, pointed negative, to -90 with the top of the foot flat on the floor behind",
        )),
        front: None,
    };
    const fn side(r: JointRange, joint: Joint) -> JointRange {
        JointRange { joint, ..r }
    }
    [
        JointRange {
            joint: Joint::Trunk,
            side: Some((
                -135,
                135,
                "trunk: lower back from vertical, forward positive",
            )),
            front: Some((-60, 60, "trunk: lean towards the figure's left")),
        },
        JointRange {
            joint: Joint::Thoracic,
            side: Some((-45, 60, "upper back: rounding positive, arching negative")),
            front: Some((-40, 40, "upper back: side bend towards the left")),
        },
        JointRange {
            joint: Joint::Neck,
            side: Some((-60, 60, "neck: chin to chest positive")),
            front: Some((-45, 45, "neck: head tilted towards the left")),
        },
        JointRange {
            joint: Joint::Twist,
            side: None,
            front: Some((-70, 70, "twist: upper body turned towards the left")),
        },
        SHOULDER,
        side(SHOULDER, Joint::ShoulderR),
        ELBOW,
        side(ELBOW, Joint::ElbowR),
        HIP,
        side(HIP, Joint::HipR),
        KNEE,
        side(KNEE, Joint::KneeR),
        ANKLE,
        side(ANKLE, Joint::AnkleR),
    ]
};

/// Segment lengths and widths of the one body every figure has, in metres:
/// an adult of about 1.70 m, so every illustration shares its proportions.
#[derive(Debug, Clone, Copy)]
pub struct Body {
    /// Hip to knee.
    pub thigh: f64,
    /// Knee to ankle.
    pub shank: f64,
    /// Ankle to the tip of the foot.
    pub foot: f64,
    /// Pelvis to waist.
    pub lower_back: f64,
    /// Waist to the base of the neck.
    pub upper_back: f64,
    /// Base of the neck to the head.
    pub neck: f64,
    /// The head's radius.
    pub head_radius: f64,
    /// Shoulder to elbow.
    pub upper_arm: f64,
    /// Elbow to wrist.
    pub forearm: f64,
    /// Half the distance between the hips (front view).
    pub hip_half_width: f64,
    /// Half the distance between the shoulders (front view).
    pub shoulder_half_width: f64,
    /// The foot as seen from the front.
    pub front_foot: f64,
}

/// The body every figure has.
pub const BODY: Body = Body {
    thigh: 0.44,
    shank: 0.44,
    foot: 0.16,
    lower_back: 0.22,
    upper_back: 0.30,
    neck: 0.10,
    head_radius: 0.10,
    upper_arm: 0.29,
    forearm: 0.26,
    hip_half_width: 0.09,
    shoulder_half_width: 0.17,
    front_foot: 0.07,
};

/// Sizes of the props, in metres.
pub mod props {
    /// Height of a chair seat: the shin's length, so feet rest flat.
    pub const SEAT_HEIGHT: f64 = 0.44;
    /// How far the seat reaches behind the pelvis (side view).
    pub const SEAT_BEHIND: f64 = 0.22;
    /// How far the seat reaches in front of the pelvis: sitting near its front edge.
    pub const SEAT_AHEAD: f64 = 0.20;
    /// Half the seat's width (front view).
    pub const SEAT_HALF_WIDTH: f64 = 0.26;
    /// Top of the chair's backrest.
    pub const CHAIR_BACK_TOP: f64 = 0.92;
    /// A foam roller's radius.
    pub const ROLLER_RADIUS: f64 = 0.075;
    /// A massage ball's radius.
    pub const BALL_RADIUS: f64 = 0.045;
    /// A yoga block's length and height, lying flat.
    pub const BLOCK: (f64, f64) = (0.23, 0.10);
    /// How high a wall is drawn.
    pub const WALL_HEIGHT: f64 = 2.0;
    /// A mat's thickness.
    pub const MAT: f64 = 0.015;
}

/// The room the whole illustration has, in metres: panels share the width
/// equally, one per position.
pub const STAGE_WIDTH: f64 = 5.25;
/// The illustration's height, in metres.
pub const STAGE_HEIGHT: f64 = 2.75;
/// Height of the floor above the bottom edge.
pub const FLOOR_Y: f64 = 0.22;
/// Height of the band at the top that holds the panel labels.
pub const LABEL_BAND: f64 = 0.25;
/// Room kept free at each side of a panel.
pub const PANEL_MARGIN: f64 = 0.1;

/// How far a point may sink into the floor or a prop before it is refused:
/// the drawn joints have a width of their own.
pub const TOLERANCE: f64 = 0.03;
/// How far a resting hand may be above the floor and still count as on it.
pub const CONTACT: f64 = 0.05;
/// Seat edges are soft: a thigh may sink this far over the front edge.
const SEAT_TOLERANCE: f64 = 0.05;

/// A point in metres, y up.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Vec2 {
    /// Rightwards.
    pub x: f64,
    /// Upwards.
    pub y: f64,
}

impl Vec2 {
    /// A point.
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
    /// The unit vector at `degrees` from straight up, turning towards +x.
    fn towards(degrees: f64) -> Self {
        let r = degrees.to_radians();
        Self::new(r.sin(), r.cos())
    }
    /// The distance to `other`.
    pub fn distance(self, other: Self) -> f64 {
        (self - other).length()
    }
    /// The length of the vector.
    pub fn length(self) -> f64 {
        self.x.hypot(self.y)
    }
}

impl std::ops::Add for Vec2 {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Self::new(self.x + o.x, self.y + o.y)
    }
}
impl std::ops::Sub for Vec2 {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Self::new(self.x - o.x, self.y - o.y)
    }
}
impl std::ops::Mul<f64> for Vec2 {
    type Output = Self;
    fn mul(self, k: f64) -> Self {
        Self::new(self.x * k, self.y * k)
    }
}

/// Which side of the body a line belongs to, for drawing the far side lighter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The figure's left: the far side in side view.
    Left,
    /// The spine, the pelvis and the shoulder line.
    Middle,
    /// The figure's right: the near side in side view.
    Right,
}

/// The points of one side's limbs and the joints that bend them.
struct Limbs {
    side: Side,
    /// +1 for the left, which is on the viewer's right in front view.
    outward: f64,
    joints: [Joint; 5],
    points: [Point; 7],
}

const LIMBS: [Limbs; 2] = [
    Limbs {
        side: Side::Left,
        outward: 1.0,
        joints: [
            Joint::ShoulderL,
            Joint::ElbowL,
            Joint::HipL,
            Joint::KneeL,
            Joint::AnkleL,
        ],
        points: [
            Point::ShoulderL,
            Point::ElbowL,
            Point::WristL,
            Point::HipL,
            Point::KneeL,
            Point::AnkleL,
            Point::ToeL,
        ],
    },
    Limbs {
        side: Side::Right,
        outward: -1.0,
        joints: [
            Joint::ShoulderR,
            Joint::ElbowR,
            Joint::HipR,
            Joint::KneeR,
            Joint::AnkleR,
        ],
        points: [
            Point::ShoulderR,
            Point::ElbowR,
            Point::WristR,
            Point::HipR,
            Point::KneeR,
            Point::AnkleR,
            Point::ToeR,
        ],
    },
];

/// One drawn line of the figure: a chain of points on one side.
#[derive(Debug, Clone)]
pub struct Line {
    /// Which side it belongs to.
    pub side: Side,
    /// The points it joins, in order.
    pub points: Vec<Point>,
}

/// A posed figure: every point, in metres.
#[derive(Debug, Clone)]
pub struct Figure {
    /// How it is seen.
    pub view: View,
    /// What holds it up.
    pub base: Base,
    points: [Vec2; Point::ALL.len()],
}

impl Figure {
    /// Poses a figure with its pelvis at the origin.
    pub fn new(view: View, posture: &Posture) -> Self {
        let b = &BODY;
        let angle = |j: Joint| f64::from(posture.angles.get(j));
        let mut f = Self {
            view,
            base: posture.base,
            points: [Vec2::default(); Point::ALL.len()],
        };
        let lower = angle(Joint::Trunk);
        let upper = lower + angle(Joint::Thoracic);
        let waist = Vec2::towards(lower) * b.lower_back;
        let neck = waist + Vec2::towards(upper) * b.upper_back;
        f.set(Point::Waist, waist);
        f.set(Point::Neck, neck);
        f.set(
            Point::Head,
            neck + Vec2::towards(upper + angle(Joint::Neck)) * (b.neck + b.head_radius),
        );
        for limb in &LIMBS {
            let [shoulder_j, elbow_j, hip_j, knee_j, ankle_j] = limb.joints;
            let [shoulder, elbow, wrist, hip, knee, ankle, toe] = limb.points;
            match view {
                View::Side => {
                    // Both sides lie in one plane; the far side is drawn lighter.
                    let arm = upper + 180.0 - angle(shoulder_j);
                    let forearm = arm - angle(elbow_j);
                    let thigh = lower + 180.0 - angle(hip_j);
                    let shank = thigh + angle(knee_j);
                    let foot = shank - 90.0 - angle(ankle_j);
                    let e = neck + Vec2::towards(arm) * b.upper_arm;
                    let k = Vec2::towards(thigh) * b.thigh;
                    let a = k + Vec2::towards(shank) * b.shank;
                    f.set(shoulder, neck);
                    f.set(elbow, e);
                    f.set(wrist, e + Vec2::towards(forearm) * b.forearm);
                    f.set(hip, Vec2::default());
                    f.set(knee, k);
                    f.set(ankle, a);
                    f.set(toe, a + Vec2::towards(foot) * b.foot);
                }
                View::Front => {
                    let s = limb.outward;
                    // A turned upper body shows its shoulders closer together.
                    let across = Vec2::towards(upper + 90.0)
                        * (b.shoulder_half_width * angle(Joint::Twist).to_radians().cos() * s);
                    let sh = neck + across;
                    let arm = upper + 180.0 - s * angle(shoulder_j);
                    let forearm = arm - s * angle(elbow_j);
                    let e = sh + Vec2::towards(arm) * b.upper_arm;
                    // The pelvis stays level: the lower back bends above it.
                    let h = Vec2::new(s * b.hip_half_width, 0.0);
                    let leg = Vec2::towards(180.0 - s * angle(hip_j));
                    let (thigh_tilt, shank_tilt) = front_leg_tilts(posture.base, angle(knee_j));
                    let k = h + leg * (b.thigh * thigh_tilt.to_radians().cos());
                    let a = k + leg * (b.shank * shank_tilt.to_radians().cos());
                    f.set(shoulder, sh);
                    f.set(elbow, e);
                    f.set(wrist, e + Vec2::towards(forearm) * b.forearm);
                    f.set(hip, h);
                    f.set(knee, k);
                    f.set(ankle, a);
                    f.set(toe, a + Vec2::new(s * b.front_foot, 0.0));
                }
            }
        }
        f
    }

    fn set(&mut self, p: Point, at: Vec2) {
        self.points[p as usize] = at;
    }

    /// Where `p` is.
    pub fn at(&self, p: Point) -> Vec2 {
        self.points[p as usize]
    }

    /// Every point with its name, in [`Point`] order.
    pub fn points(&self) -> impl Iterator<Item = (Point, Vec2)> + '_ {
        Point::ALL.iter().map(|&p| (p, self.at(p)))
    }

    /// Moves the whole figure.
    pub fn shift(&mut self, by: Vec2) {
        for p in &mut self.points {
            *p = *p + by;
        }
    }

    /// The lines to draw, far side first in side view.
    pub fn lines(&self) -> Vec<Line> {
        let line = |side, points: &[Point]| Line {
            side,
            points: points.to_vec(),
        };
        let mut lines = Vec::new();
        for limb in &LIMBS {
            let [shoulder, elbow, wrist, hip, knee, ankle, toe] = limb.points;
            lines.push(line(limb.side, &[hip, knee, ankle, toe]));
            lines.push(line(limb.side, &[shoulder, elbow, wrist]));
        }
        lines.push(line(
            Side::Middle,
            &[Point::Pelvis, Point::Waist, Point::Neck],
        ));
        if self.view == View::Front {
            lines.push(line(Side::Middle, &[Point::HipL, Point::HipR]));
            lines.push(line(Side::Middle, &[Point::ShoulderL, Point::ShoulderR]));
        }
        // Far (left) side first so the near side is drawn over it.
        lines.sort_by_key(|l| match l.side {
            Side::Left => 0,
            Side::Middle => 1,
            Side::Right => 2,
        });
        lines
    }

    /// The neck's line: from its base to the edge of the head.
    pub fn neck_line(&self) -> (Vec2, Vec2) {
        let base = self.at(Point::Neck);
        let head = self.at(Point::Head);
        let along = head - base;
        let length = along.length();
        let edge = if length > 0.0 {
            base + along * ((length - BODY.head_radius) / length)
        } else {
            base
        };
        (base, edge)
    }

    /// The lowest y of `p`, counting the head's round edge.
    fn bottom(&self, p: Point) -> f64 {
        let at = self.at(p);
        if p == Point::Head {
            at.y - BODY.head_radius
        } else {
            at.y
        }
    }

    /// The figure's extent: lowest-left and highest-right corners.
    pub fn bounds(&self) -> (Vec2, Vec2) {
        let r = BODY.head_radius;
        let mut lo = Vec2::new(f64::INFINITY, f64::INFINITY);
        let mut hi = Vec2::new(f64::NEG_INFINITY, f64::NEG_INFINITY);
        for (p, at) in self.points() {
            let pad = if p == Point::Head { r } else { 0.0 };
            lo = Vec2::new(lo.x.min(at.x - pad), lo.y.min(at.y - pad));
            hi = Vec2::new(hi.x.max(at.x + pad), hi.y.max(at.y + pad));
        }
        (lo, hi)
    }

    /// The middle of the upper back, where a foam roller goes.
    fn upper_back_middle(&self) -> Vec2 {
        (self.at(Point::Waist) + self.at(Point::Neck)) * 0.5
    }
}

/// How far thigh and shin lean towards or away from the viewer in front
/// view, in degrees, so their drawn lengths can be foreshortened.
fn front_leg_tilts(base: Base, knee: f64) -> (f64, f64) {
    match base {
        // The thigh points at the viewer; the shin hangs from the knee.
        Base::SittingChair | Base::SittingFloor => (90.0, knee - 90.0),
        // The thigh is upright; a bent knee sends the shin back.
        Base::Kneeling | Base::AllFours => (0.0, knee),
        // Standing: hips stay over the feet, so thigh and shin share the bend.
        _ => (knee / 2.0, knee / 2.0),
    }
}

/// The points that hold the figure up for a base, and the height of what
/// they rest on.
fn support(base: Base) -> (&'static [Point], f64) {
    match base {
        Base::Standing => (
            &[Point::AnkleL, Point::AnkleR, Point::ToeL, Point::ToeR],
            0.0,
        ),
        Base::Kneeling | Base::AllFours => (&[Point::KneeL, Point::KneeR], 0.0),
        Base::SittingChair => (&[Point::Pelvis], props::SEAT_HEIGHT),
        Base::SittingFloor => (&[Point::Pelvis], 0.0),
        Base::Lying => (&[Point::Pelvis, Point::Waist, Point::Neck], 0.0),
        // Placed by the roller or centred; see `Scene::new`.
        Base::OnRoller | Base::SideLying => (&[], 0.0),
    }
}

/// The points that stay put between two positions on a base, best first:
/// the ghost of the previous position is lined up on the first one that
/// rests on the support in both.
fn stays_put(base: Base) -> &'static [Point] {
    match base {
        Base::Standing => &[Point::AnkleL, Point::AnkleR, Point::ToeL, Point::ToeR],
        Base::Kneeling | Base::AllFours => {
            &[Point::KneeL, Point::KneeR, Point::AnkleL, Point::AnkleR]
        }
        Base::SittingChair | Base::SittingFloor | Base::SideLying => &[Point::Pelvis],
        Base::Lying | Base::OnRoller => &[Point::Pelvis, Point::Neck, Point::AnkleL, Point::AnkleR],
    }
}

/// A prop as drawn, in metres.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// The floor line, across the panel at height `y`.
    Floor {
        /// Its height.
        y: f64,
    },
    /// The floor seen from above, filling the panel behind a side-lying figure.
    Ground,
    /// A mat on the floor (or seen from above).
    Mat {
        /// Lowest-left corner.
        lo: Vec2,
        /// Highest-right corner.
        hi: Vec2,
    },
    /// A wall seen edge on, behind the figure's back, its face at `x`.
    WallEdge {
        /// Where its face is.
        x: f64,
        /// The floor's height.
        floor: f64,
    },
    /// A wall seen face on, behind the figure.
    WallFace {
        /// Lowest-left corner.
        lo: Vec2,
        /// Highest-right corner.
        hi: Vec2,
    },
    /// A chair seen from the side, facing right.
    ChairSide {
        /// The back edge of the seat, where the backrest stands.
        back: f64,
        /// The front edge of the seat.
        front: f64,
        /// The seat's height.
        seat: f64,
        /// The floor's height.
        floor: f64,
    },
    /// A chair seen from the front.
    ChairFront {
        /// The seat's left end.
        left: f64,
        /// The seat's right end.
        right: f64,
        /// The seat's height.
        seat: f64,
        /// The floor's height.
        floor: f64,
    },
    /// A foam roller or a ball, seen end on.
    Round {
        /// Its centre.
        centre: Vec2,
        /// Its radius.
        radius: f64,
    },
    /// A towel from the hands to a foot.
    Towel {
        /// Its path: one hand, the foot, the other hand.
        path: Vec<Vec2>,
    },
    /// A yoga block.
    Block {
        /// Lowest-left corner.
        lo: Vec2,
        /// Highest-right corner.
        hi: Vec2,
    },
}

impl Shape {
    fn shift(&mut self, by: Vec2) {
        let at = |v: &mut Vec2| *v = *v + by;
        match self {
            Shape::Floor { y } => *y += by.y,
            Shape::Ground => {}
            Shape::Mat { lo, hi } | Shape::WallFace { lo, hi } | Shape::Block { lo, hi } => {
                at(lo);
                at(hi);
            }
            Shape::WallEdge { x, floor } => {
                *x += by.x;
                *floor += by.y;
            }
            Shape::ChairSide {
                back,
                front,
                seat,
                floor,
            } => {
                *back += by.x;
                *front += by.x;
                *seat += by.y;
                *floor += by.y;
            }
            Shape::ChairFront {
                left,
                right,
                seat,
                floor,
            } => {
                *left += by.x;
                *right += by.x;
                *seat += by.y;
                *floor += by.y;
            }
            Shape::Round { centre, .. } => at(centre),
            Shape::Towel { path } => path.iter_mut().for_each(at),
        }
    }

    /// The horizontal extent it adds to a panel's content, if any: floors
    /// and wall faces fill whatever room the panel has.
    fn span(&self) -> Option<(f64, f64)> {
        match self {
            Shape::Floor { .. } | Shape::WallFace { .. } | Shape::Ground => None,
            Shape::Mat { lo, hi } | Shape::Block { lo, hi } => Some((lo.x, hi.x)),
            Shape::WallEdge { x, .. } => Some((x - 0.05, *x)),
            Shape::ChairSide { back, front, .. } => Some((*back, *front)),
            Shape::ChairFront { left, right, .. } => Some((*left, *right)),
            Shape::Round { centre, radius } => Some((centre.x - radius, centre.x + radius)),
            Shape::Towel { path } => path.iter().fold(None, |acc, p| match acc {
                None => Some((p.x, p.x)),
                Some((a, b)) => Some((a.min(p.x), b.max(p.x))),
            }),
        }
    }

    /// Whether it is drawn over the figure (a towel held in the hands).
    pub fn in_front(&self) -> bool {
        matches!(self, Shape::Towel { .. })
    }
}

/// One position placed on its support, with its props: the floor at y 0,
/// the pelvis at x 0.
#[derive(Debug, Clone)]
pub struct Scene {
    /// The figure.
    pub figure: Figure,
    /// Its props.
    pub shapes: Vec<Shape>,
}

impl Scene {
    /// Places `posture` on its base and puts the props around it.
    pub fn new(pose: &Pose, posture: &Posture) -> Self {
        let mut figure = Figure::new(pose.view, posture);
        let (anchors, height) = support(posture.base);
        let lift = match posture.base {
            Base::OnRoller => 2.0 * props::ROLLER_RADIUS - figure.upper_back_middle().y,
            // Seen from above: the trunk across the middle of the panel,
            // at the same height in every position.
            Base::SideLying => room() / 2.0 - figure.at(Point::Pelvis).y,
            _ => {
                height
                    - anchors
                        .iter()
                        .map(|&p| figure.at(p).y)
                        .fold(f64::INFINITY, f64::min)
            }
        };
        figure.shift(Vec2::new(0.0, lift));
        let shapes = shapes(pose, &figure);
        Self { figure, shapes }
    }

    /// Where the figure goes into the floor or a prop, or does not rest as
    /// its base says: each a sentence naming the point.
    pub fn problems(&self) -> Vec<String> {
        let f = &self.figure;
        let r = BODY.head_radius;
        let mut found = Vec::new();
        if f.base != Base::SideLying {
            for &p in Point::ALL {
                let depth = -f.bottom(p);
                if depth > TOLERANCE {
                    found.push(format!("{p} is {depth:.2} m below the floor"));
                }
            }
        }
        if f.base == Base::AllFours {
            let (hand, height) = [Point::WristL, Point::WristR]
                .into_iter()
                .map(|p| (p, f.at(p).y))
                .fold((Point::WristL, f64::INFINITY), |a, b| {
                    if b.1 < a.1 { b } else { a }
                });
            if height > CONTACT {
                found.push(format!(
                    "on all fours the hands rest on the floor, but {hand} is {height:.2} m above it"
                ));
            }
        }
        for shape in &self.shapes {
            match *shape {
                Shape::WallEdge { x, .. } => {
                    for (p, at) in f.points() {
                        let back = at.x - back_depth(p);
                        if x - back > TOLERANCE {
                            found.push(format!("{p} is {:.2} m behind the wall", x - back));
                        }
                    }
                }
                Shape::ChairSide {
                    back, front, seat, ..
                } => {
                    for line in f.lines() {
                        for pair in line.points.windows(2) {
                            let (a, b) = (f.at(pair[0]), f.at(pair[1]));
                            if let Some(depth) = through_seat(a, b, back, front, seat) {
                                let lower = if a.y < b.y { pair[0] } else { pair[1] };
                                found.push(format!(
                                    "{lower} goes {depth:.2} m through the chair seat"
                                ));
                            }
                        }
                    }
                    for (p, at) in f.points() {
                        if back - at.x > TOLERANCE && at.y > seat && at.y < props::CHAIR_BACK_TOP {
                            found.push(format!(
                                "{p} is {:.2} m behind the chair's backrest",
                                back - at.x
                            ));
                        }
                    }
                }
                Shape::Round { centre, radius } => {
                    let what = if radius == props::ROLLER_RADIUS {
                        "foam roller"
                    } else {
                        "ball"
                    };
                    for line in f.lines() {
                        for pair in line.points.windows(2) {
                            let (a, b) = (f.at(pair[0]), f.at(pair[1]));
                            let d = segment_distance(centre, a, b);
                            if radius - d > TOLERANCE {
                                found.push(format!(
                                    "the line to {} goes {:.2} m into the {what}",
                                    pair[1],
                                    radius - d
                                ));
                            } else if passes_under(centre, a, b) {
                                // Between the prop and the floor: through it.
                                found.push(format!(
                                    "the line to {} goes under the {what}, through it",
                                    pair[1]
                                ));
                            }
                        }
                    }
                    let head = f.at(Point::Head).distance(centre);
                    if radius + r - head > TOLERANCE {
                        found.push(format!(
                            "head goes {:.2} m into the {what}",
                            radius + r - head
                        ));
                    }
                }
                Shape::Block { lo, hi } => {
                    for (p, at) in f.points() {
                        if at.x > lo.x && at.x < hi.x && at.y < hi.y - TOLERANCE && at.y > lo.y {
                            found.push(format!("{p} is {:.2} m inside the block", hi.y - at.y));
                        }
                    }
                }
                _ => {}
            }
        }
        found.sort();
        found.dedup();
        found
    }
}

/// How deep the segment `a`-`b` goes through a seat board at height `seat`
/// spanning `back`..`front`, when it passes from above the seat to below
/// it over the board.
fn through_seat(a: Vec2, b: Vec2, back: f64, front: f64, seat: f64) -> Option<f64> {
    let (x0, x1) = (a.x.min(b.x).max(back), a.x.max(b.x).min(front));
    if x0 > x1 {
        return None;
    }
    let y_at = |x: f64| {
        if (b.x - a.x).abs() < 1e-9 {
            (a.y.min(b.y), a.y.max(b.y))
        } else {
            let y = a.y + (b.y - a.y) * (x - a.x) / (b.x - a.x);
            (y, y)
        }
    };
    let (low0, high0) = y_at(x0);
    let (low1, high1) = y_at(x1);
    let low = low0.min(low1);
    let high = high0.max(high1);
    // Only a line that reaches the seat from above passes through it;
    // one wholly below (feet tucked under the chair) does not.
    (high >= seat - TOLERANCE && seat - low > SEAT_TOLERANCE).then_some(seat - low)
}

/// Whether the segment `a`-`b` crosses the vertical through `c` below it.
fn passes_under(c: Vec2, a: Vec2, b: Vec2) -> bool {
    if (a.x - c.x) * (b.x - c.x) > 0.0 || (a.x - b.x).abs() < 1e-9 {
        return false;
    }
    let y = a.y + (b.y - a.y) * (c.x - a.x) / (b.x - a.x);
    y < c.y
}

/// The distance from `c` to the segment `a`-`b`.
fn segment_distance(c: Vec2, a: Vec2, b: Vec2) -> f64 {
    let ab = b - a;
    let len2 = ab.x * ab.x + ab.y * ab.y;
    let t = if len2 > 0.0 {
        (((c.x - a.x) * ab.x + (c.y - a.y) * ab.y) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    c.distance(a + ab * t)
}

/// How far the back of the body is behind the spine's line: the line is
/// the body's middle, so a wall touches the back this far behind it.
const BACK_DEPTH: f64 = 0.06;

/// How far behind `p` the body's surface is, facing a wall behind it.
fn back_depth(p: Point) -> f64 {
    match p {
        Point::Head => BODY.head_radius,
        Point::Pelvis | Point::Waist | Point::Neck => BACK_DEPTH,
        _ => 0.0,
    }
}

/// The props around a placed figure.
fn shapes(pose: &Pose, f: &Figure) -> Vec<Shape> {
    let (lo, hi) = f.bounds();
    let from_above = f.base == Base::SideLying;
    let ground = |pad: f64| {
        (
            Vec2::new(lo.x - pad, lo.y - pad),
            Vec2::new(hi.x + pad, hi.y + pad),
        )
    };
    let pelvis = f.at(Point::Pelvis);
    let has = |p: Prop| pose.props.contains(&p);
    let mut shapes = Vec::new();
    // Drawn in this order, back to front.
    if has(Prop::Wall) && (pose.view == View::Front || pose.wall == Some(WallPlace::Beside)) {
        shapes.push(Shape::WallFace {
            lo: Vec2::new(lo.x - 0.35, 0.0),
            hi: Vec2::new(hi.x + 0.35, props::WALL_HEIGHT),
        });
    }
    if has(Prop::Floor) {
        if from_above {
            shapes.push(Shape::Ground);
        } else {
            shapes.push(Shape::Floor { y: 0.0 });
        }
    }
    if has(Prop::Mat) {
        if from_above {
            let (lo, hi) = ground(0.1);
            shapes.push(Shape::Mat { lo, hi });
        } else {
            let on_floor: Vec<f64> = f
                .points()
                .filter(|(p, _)| f.bottom(*p) < CONTACT)
                .map(|(_, at)| at.x)
                .collect();
            let x0 = on_floor.iter().copied().fold(lo.x, f64::min) - 0.1;
            let x1 = on_floor.iter().copied().fold(hi.x, f64::max) + 0.1;
            shapes.push(Shape::Mat {
                lo: Vec2::new(x0, -props::MAT),
                hi: Vec2::new(x1, 0.0),
            });
        }
    }
    if has(Prop::Chair) {
        shapes.push(match pose.view {
            View::Side => Shape::ChairSide {
                back: pelvis.x - props::SEAT_BEHIND,
                front: pelvis.x + seat_ahead(f),
                seat: pelvis.y,
                floor: 0.0,
            },
            View::Front => Shape::ChairFront {
                left: pelvis.x - props::SEAT_HALF_WIDTH,
                right: pelvis.x + props::SEAT_HALF_WIDTH,
                seat: pelvis.y,
                floor: 0.0,
            },
        });
    }
    let ball =
        has(Prop::Ball).then(|| Vec2::new(pelvis.x - BACK_DEPTH - props::BALL_RADIUS, pelvis.y));
    if has(Prop::Wall) && pose.view == View::Side && pose.wall != Some(WallPlace::Beside) {
        // The wall touches the back; a limb behind it goes through it.
        let back = [Point::Head, Point::Neck, Point::Waist, Point::Pelvis]
            .iter()
            .map(|&p| f.at(p).x - back_depth(p))
            .fold(f64::INFINITY, f64::min);
        let x = ball.map_or(back, |b| back.min(b.x - props::BALL_RADIUS));
        shapes.push(Shape::WallEdge { x, floor: 0.0 });
    }
    if has(Prop::FoamRoller) {
        let centre = if f.base == Base::OnRoller {
            Vec2::new(f.upper_back_middle().x, props::ROLLER_RADIUS)
        } else {
            // Lying behind a seated figure, where its upper back will land.
            Vec2::new(
                pelvis.x - BODY.lower_back - BODY.upper_back / 2.0,
                props::ROLLER_RADIUS,
            )
        };
        shapes.push(Shape::Round {
            centre,
            radius: props::ROLLER_RADIUS,
        });
    }
    if let Some(centre) = ball {
        shapes.push(Shape::Round {
            centre,
            radius: props::BALL_RADIUS,
        });
    }
    if has(Prop::Block) {
        let hand = lowest(f, &[Point::WristL, Point::WristR]);
        let at = f.at(hand);
        let (length, height) = props::BLOCK;
        shapes.push(Shape::Block {
            lo: Vec2::new(at.x - length / 2.0, 0.0),
            hi: Vec2::new(at.x + length / 2.0, height),
        });
    }
    if has(Prop::Towel) {
        let hands = (f.at(Point::WristL) + f.at(Point::WristR)) * 0.5;
        let foot = [Point::ToeL, Point::ToeR]
            .into_iter()
            .min_by(|a, b| {
                f.at(*a)
                    .distance(hands)
                    .total_cmp(&f.at(*b).distance(hands))
            })
            .unwrap_or(Point::ToeL);
        shapes.push(Shape::Towel {
            path: vec![f.at(Point::WristL), f.at(foot), f.at(Point::WristR)],
        });
    }
    shapes
}

/// How far the seat reaches in front of a seated figure's pelvis: to
/// [`props::SEAT_AHEAD`], or less where a thigh slopes down over the front
/// edge, since every seated exercise sits near it.
fn seat_ahead(f: &Figure) -> f64 {
    let hip = f.at(Point::Pelvis);
    [Point::KneeL, Point::KneeR]
        .iter()
        .map(|&k| {
            let knee = f.at(k);
            let drop = hip.y - knee.y;
            if drop > SEAT_TOLERANCE && knee.x > hip.x {
                (knee.x - hip.x) * (SEAT_TOLERANCE / drop)
            } else {
                props::SEAT_AHEAD
            }
        })
        .fold(props::SEAT_AHEAD, f64::min)
        .max(props::SEAT_AHEAD / 3.0)
}

/// The lowest of `points`, the first on a tie.
fn lowest(f: &Figure, points: &[Point]) -> Point {
    points
        .iter()
        .copied()
        .fold(None, |best: Option<Point>, p| match best {
            Some(b) if f.at(b).y <= f.at(p).y => Some(b),
            _ => Some(p),
        })
        .unwrap_or(Point::Pelvis)
}

/// The height a figure has above the floor.
fn room() -> f64 {
    STAGE_HEIGHT - FLOOR_Y - LABEL_BAND
}

/// The movement arrow: from where `point` was to where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrow {
    /// The point it follows.
    pub point: Point,
    /// Where the point was.
    pub from: Vec2,
    /// A control point bowing the arrow away from the body.
    pub bend: Vec2,
    /// Where the point is.
    pub to: Vec2,
}

/// One panel of the illustration, placed on the stage (metres, y up, the
/// stage's lower-left corner at the origin).
#[derive(Debug, Clone)]
pub struct Panel {
    /// "Start", "Middle" or "End".
    pub label: &'static str,
    /// Its left edge.
    pub left: f64,
    /// Its width.
    pub width: f64,
    /// The previous position, lined up where the two share a support.
    pub ghost: Option<Figure>,
    /// This position.
    pub figure: Figure,
    /// Its props.
    pub shapes: Vec<Shape>,
    /// How the body moved from the ghost to here.
    pub arrow: Option<Arrow>,
}

/// Shortest movement worth an arrow.
const MIN_ARROW: f64 = 0.03;
/// Movements shorter than this get an arrow of [`ARROW_LENGTH`] beside
/// them instead of one spanning them.
const SHORT_MOVE: f64 = 0.25;
/// The length of the arrow beside a short movement.
const ARROW_LENGTH: f64 = 0.18;

impl Pose {
    /// The positions in order, with their labels and field names.
    pub fn postures(&self) -> Vec<(&'static str, &'static str, &Posture)> {
        let mut all = vec![("Start", "start", &self.start)];
        if let Some(m) = &self.middle {
            all.push(("Middle", "middle", m));
        }
        all.push(("End", "end", &self.end));
        all
    }

    /// The panels, left to right.
    pub fn panels(&self) -> Vec<Panel> {
        let postures = self.postures();
        let scenes: Vec<Scene> = postures
            .iter()
            .map(|(_, _, p)| Scene::new(self, p))
            .collect();
        let width = STAGE_WIDTH / scenes.len() as f64;
        let mut panels = Vec::new();
        for (i, ((label, _, _), scene)) in postures.iter().zip(&scenes).enumerate() {
            let mut figure = scene.figure.clone();
            let mut shapes = scene.shapes.clone();
            let mut ghost = i
                .checked_sub(1)
                .map(|j| line_up(&scenes[j].figure, &figure));
            let mut arrow = ghost.as_ref().and_then(|g| self.arrow(g, &figure));
            let (mut lo, mut hi) = figure.bounds();
            if let Some(g) = &ghost {
                let (glo, ghi) = g.bounds();
                lo.x = lo.x.min(glo.x);
                hi.x = hi.x.max(ghi.x);
            }
            for (a, b) in shapes.iter().filter_map(Shape::span) {
                lo.x = lo.x.min(a);
                hi.x = hi.x.max(b);
            }
            let left = width * i as f64;
            let by = Vec2::new(left + width / 2.0 - (lo.x + hi.x) / 2.0, FLOOR_Y);
            figure.shift(by);
            if let Some(g) = &mut ghost {
                g.shift(by);
            }
            shapes.iter_mut().for_each(|s| s.shift(by));
            if let Some(a) = &mut arrow {
                for v in [&mut a.from, &mut a.bend, &mut a.to] {
                    *v = *v + by;
                }
            }
            panels.push(Panel {
                label,
                left,
                width,
                ghost,
                figure,
                shapes,
                arrow,
            });
        }
        panels
    }

    fn arrow(&self, ghost: &Figure, now: &Figure) -> Option<Arrow> {
        let moved = |p: Point| ghost.at(p).distance(now.at(p));
        let point = self.moves.unwrap_or_else(|| {
            Point::ALL.iter().copied().fold(Point::Pelvis, |best, p| {
                if moved(p) > moved(best) { p } else { best }
            })
        });
        let (from, to) = (ghost.at(point), now.at(point));
        let length = from.distance(to);
        if length < MIN_ARROW {
            return None;
        }
        let along = (to - from) * (1.0 / length);
        let body =
            (now.at(Point::Pelvis) + now.at(Point::Waist) + now.at(Point::Neck)) * (1.0 / 3.0);
        // A unit normal pointing away from the body, so the arrow keeps off it.
        let mut normal = Vec2::new(-along.y, along.x);
        let mid = (from + to) * 0.5;
        let bend = |n: Vec2| mid + n * (0.25 * length);
        let towards_body =
            (mid + normal * 0.1).distance(body) < (mid - normal * 0.1).distance(body);
        // ...unless that side is under the floor (a foot sliding along it).
        let under_floor = |n: Vec2| now.base != Base::SideLying && bend(n).y < TOLERANCE;
        if (towards_body && !under_floor(normal * -1.0)) || under_floor(normal) {
            normal = normal * -1.0;
        }
        // Clear of the joint's dot, or of the head's outline.
        let clear = if point == Point::Head {
            BODY.head_radius + 0.03
        } else {
            0.05
        };
        if length < SHORT_MOVE {
            // Too short to draw between the two places: a straight arrow
            // of readable length leads up to where the point was, in the
            // direction it moves, a little to the side.
            let lead_in = from - along * clear + normal * 0.04;
            let mut start = lead_in - along * ARROW_LENGTH;
            // From under the floor it could not be seen: it follows on
            // from where the point went instead.
            if now.base != Base::SideLying && start.y.min(lead_in.y) < TOLERANCE {
                start = to + along * clear + normal * 0.04;
            }
            let end = if start.distance(lead_in) < ARROW_LENGTH + 0.01 {
                lead_in
            } else {
                start + along * ARROW_LENGTH
            };
            return Some(Arrow {
                point,
                from: start,
                bend: (start + end) * 0.5,
                to: end,
            });
        }
        if point == Point::Head {
            // Round the outside of the two heads rather than from one
            // outline to the other, which leaves little arrow between them.
            let out = normal * (BODY.head_radius + 0.04);
            return Some(Arrow {
                point,
                from: from + out,
                bend: bend(normal) + out,
                to: to + out,
            });
        }
        let bend = bend(normal);
        let toward = |a: Vec2, by: f64| {
            let d = a.distance(bend);
            if d <= by {
                a
            } else {
                a + (bend - a) * (by / d)
            }
        };
        Some(Arrow {
            point,
            from: toward(from, clear),
            bend,
            to: toward(to, clear + 0.02),
        })
    }
}

/// `previous` moved sideways so that it meets `now` at a point both rest on.
fn line_up(previous: &Figure, now: &Figure) -> Figure {
    let mut ghost = previous.clone();
    let resting = |f: &Figure, p: Point| {
        let (_, height) = support(f.base);
        let height = if p == Point::Pelvis { height } else { 0.0 };
        (f.at(p).y - height).abs() < CONTACT
    };
    let anchor = if now.base == Base::SideLying {
        Point::Pelvis
    } else {
        stays_put(now.base)
            .iter()
            .copied()
            .find(|&p| resting(now, p) && resting(previous, p))
            .unwrap_or(Point::Pelvis)
    };
    let dy = if now.base == Base::SideLying {
        now.at(anchor).y - previous.at(anchor).y
    } else {
        0.0
    };
    ghost.shift(Vec2::new(now.at(anchor).x - previous.at(anchor).x, dy));
    ghost
}

/// Everything wrong with `pose` for an exercise with this equipment and
/// this many steps, as (field, message) pairs; empty when it can be drawn.
pub fn check(pose: &Pose, equipment: &[Equipment], steps: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut problem = |field: String, message: String| out.push((field, message));
    let mut drawable = true;
    for (i, prop) in pose.props.iter().enumerate() {
        let field = format!("pose.props[{i}]");
        if pose.props[..i].contains(prop) {
            problem(field.clone(), format!("`{prop}` is listed twice"));
        }
        if let Some(needed) = prop.equipment()
            && !equipment.contains(&needed)
        {
            problem(
                field.clone(),
                format!("`{prop}` needs `{needed}` in equipment"),
            );
        }
        if pose.view == View::Front
            && matches!(
                prop,
                Prop::FoamRoller | Prop::Ball | Prop::Towel | Prop::Block
            )
        {
            problem(field, format!("`{prop}` is drawn only in side view"));
            drawable = false;
        }
    }
    if !pose.props.contains(&Prop::Floor) {
        problem(
            "pose.props".into(),
            "list `floor`: every figure rests on it".into(),
        );
    }
    if pose.wall.is_some() && !pose.props.contains(&Prop::Wall) {
        problem("pose.wall".into(), "there is no `wall` in props".into());
    }
    if pose.view == View::Front && pose.wall == Some(WallPlace::Beside) {
        problem(
            "pose.wall".into(),
            "in front view the wall is drawn behind the figure; leave `wall` out".into(),
        );
    }
    if pose.props.contains(&Prop::Ball) && !pose.props.contains(&Prop::Wall) {
        problem(
            "pose.props".into(),
            "the ball is drawn between the buttock and a wall: list `wall` too".into(),
        );
        drawable = false;
    }
    let postures = pose.postures();
    let chair = pose.props.contains(&Prop::Chair);
    for (_, name, p) in &postures {
        let at = format!("pose.{name}");
        if usize::from(p.step) == 0 || usize::from(p.step) > steps {
            problem(
                format!("{at}.step"),
                format!("{} is outside 1..={steps} (the exercise's steps)", p.step),
            );
        }
        let front_ok = matches!(p.base, Base::Standing | Base::SittingChair | Base::Kneeling);
        if pose.view == View::Front && !front_ok {
            problem(
                format!("{at}.base"),
                format!("`{}` cannot be drawn in front view", p.base),
            );
            drawable = false;
        }
        if (p.base == Base::SittingChair) != chair {
            let message = if chair {
                "the chair is drawn under a figure sitting on it: use `sitting_chair`"
            } else {
                "`sitting_chair` needs `chair` in props"
            };
            problem(format!("{at}.base"), message.into());
            drawable = false;
        }
        if p.base == Base::OnRoller && !pose.props.contains(&Prop::FoamRoller) {
            problem(
                format!("{at}.base"),
                "`on_roller` needs `foam_roller` in props".into(),
            );
            drawable = false;
        }
        for range in &RANGES {
            let value = p.angles.get(range.joint);
            let field = format!("{at}.angles.{}", range.joint);
            match range.of(pose.view) {
                Some((lo, hi, means)) if value < lo || value > hi => {
                    problem(field, format!("{value} is outside {lo}..={hi} ({means})"));
                }
                None if value != 0 => problem(
                    field,
                    format!(
                        "{value}: `{}` is not drawn in {} view; leave it out",
                        range.joint, pose.view
                    ),
                ),
                _ => {}
            }
        }
    }
    for pair in postures.windows(2) {
        let ((_, _, a), (_, name, b)) = (pair[0], pair[1]);
        if b.step <= a.step {
            problem(
                format!("pose.{name}.step"),
                format!("{} does not come after step {}", b.step, a.step),
            );
        }
    }
    let above = postures
        .iter()
        .filter(|(_, _, p)| p.base == Base::SideLying)
        .count();
    if above != 0 && above != postures.len() {
        problem(
            "pose".into(),
            "`side_lying` is drawn from above, so every position must be `side_lying`".into(),
        );
        drawable = false;
    }
    if pose.view == View::Front && above != 0 {
        drawable = false;
    }
    if !drawable {
        return out;
    }
    for (_, name, p) in &postures {
        for message in Scene::new(pose, p).problems() {
            problem(format!("pose.{name}"), message);
        }
    }
    for panel in pose.panels() {
        let (mut lo, mut hi) = panel.figure.bounds();
        if let Some(g) = &panel.ghost {
            let (glo, ghi) = g.bounds();
            lo = Vec2::new(lo.x.min(glo.x), lo.y.min(glo.y));
            hi = Vec2::new(hi.x.max(ghi.x), hi.y.max(ghi.y));
        }
        for (a, b) in panel.shapes.iter().filter_map(Shape::span) {
            lo.x = lo.x.min(a);
            hi.x = hi.x.max(b);
        }
        let room_x = panel.width - 2.0 * PANEL_MARGIN;
        if hi.x - lo.x > room_x {
            problem(
                "pose".into(),
                format!(
                    "the {} panel is {:.2} m wide; a panel holds {room_x:.2} m",
                    panel.label.to_lowercase(),
                    hi.x - lo.x
                ),
            );
        }
        if hi.y > STAGE_HEIGHT - LABEL_BAND {
            problem(
                "pose".into(),
                format!(
                    "the {} panel reaches {:.2} m above the floor; it holds {:.2} m",
                    panel.label.to_lowercase(),
                    hi.y - FLOOR_Y,
                    room()
                ),
            );
        }
    }
    out
}

impl Prop {
    /// The equipment an exercise must list to use this prop; none for the
    /// floor and the mat, which every exercise may use.
    pub const fn equipment(self) -> Option<Equipment> {
        match self {
            Prop::Floor | Prop::Mat => None,
            Prop::Wall => Some(Equipment::Wall),
            Prop::Chair => Some(Equipment::Chair),
            Prop::FoamRoller => Some(Equipment::FoamRoller),
            Prop::Ball => Some(Equipment::MassageBall),
            Prop::Towel => Some(Equipment::Towel),
            Prop::Block => Some(Equipment::YogaBlock),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, LoadError, read_dir};

    const EPS: f64 = 1e-9;

    fn posture(base: Base, angles: &str) -> Posture {
        serde_json::from_str(&format!(
            r#"{{"step": 1, "base": "{base}", "angles": {angles}}}"#
        ))
        .expect("a posture")
    }

    fn pose(json: &str) -> Pose {
        serde_json::from_str(json).expect("a pose")
    }

    #[test]
    fn a_standing_figure_with_every_angle_zero_is_upright_on_its_feet() {
        let standing = pose(
            r#"{"view": "side", "props": ["floor"],
                "start": {"step": 1, "base": "standing"}, "end": {"step": 2, "base": "standing"}}"#,
        );
        let f = Scene::new(&standing, &standing.start).figure;
        let b = BODY;
        let legs = b.thigh + b.shank;
        assert!(
            (f.at(Point::AnkleL).y).abs() < EPS,
            "the feet are on the floor"
        );
        assert!((f.at(Point::Pelvis).y - legs).abs() < EPS);
        let head = legs + b.lower_back + b.upper_back + b.neck + b.head_radius;
        assert!(
            (f.at(Point::Head).y - head).abs() < EPS,
            "{:?}",
            f.at(Point::Head)
        );
        assert!((head - 1.60).abs() < EPS, "the body is about 1.70 m tall");
        // Everything on one vertical line, and the foot points forward.
        for p in [
            Point::Head,
            Point::Neck,
            Point::Waist,
            Point::KneeR,
            Point::AnkleR,
        ] {
            assert!(f.at(p).x.abs() < EPS, "{p} at {:?}", f.at(p));
        }
        assert!((f.at(Point::ToeR).x - b.foot).abs() < EPS);
        // Arms hang along the trunk.
        let wrist = f.at(Point::WristL);
        assert!(
            (wrist.y - (legs + b.lower_back + b.upper_back - b.upper_arm - b.forearm)).abs() < EPS
        );
    }

    #[test]
    fn a_hip_at_90_degrees_puts_a_straight_leg_level_in_front() {
        let f = Figure::new(View::Side, &posture(Base::Standing, r#"{"hip_r": 90}"#));
        let reach = BODY.thigh + BODY.shank;
        assert!(
            (f.at(Point::AnkleR).x - reach).abs() < EPS,
            "{:?}",
            f.at(Point::AnkleR)
        );
        assert!(f.at(Point::AnkleR).y.abs() < EPS, "level with the hip");
        assert!(
            f.at(Point::AnkleL).x.abs() < EPS,
            "the other leg stays down"
        );
        // Bending that knee 90 degrees drops the shin straight down.
        let f = Figure::new(
            View::Side,
            &posture(Base::Standing, r#"{"hip_r": 90, "knee_r": 90}"#),
        );
        let ankle = f.at(Point::AnkleR);
        assert!((ankle.x - BODY.thigh).abs() < EPS && (ankle.y + BODY.shank).abs() < EPS);
    }

    #[test]
    fn the_trunk_angle_is_from_vertical_and_lying_puts_the_back_on_the_floor() {
        let lying = pose(
            r#"{"view": "side", "props": ["floor"],
                "start": {"step": 1, "base": "lying", "angles": {"trunk": -90, "neck": 30}},
                "end": {"step": 2, "base": "lying", "angles": {"trunk": -90, "neck": 30}}}"#,
        );
        let f = Scene::new(&lying, &lying.start).figure;
        for p in [Point::Pelvis, Point::Waist, Point::Neck, Point::AnkleL] {
            assert!(
                f.at(p).y.abs() < EPS,
                "{p} rests on the floor: {:?}",
                f.at(p)
            );
        }
        // Face up, head towards -x; a neck bent 30 degrees rests the head on the floor.
        assert!(f.at(Point::Neck).x < f.at(Point::Pelvis).x);
        assert!((f.at(Point::Head).y - BODY.head_radius).abs() < 1e-6);
    }

    #[test]
    fn front_view_shows_the_shoulders_apart_and_a_turn_narrows_them() {
        let width = |angles: &str| {
            let f = Figure::new(View::Front, &posture(Base::Standing, angles));
            f.at(Point::ShoulderL).x - f.at(Point::ShoulderR).x
        };
        assert!((width("{}") - 2.0 * BODY.shoulder_half_width).abs() < EPS);
        assert!((width(r#"{"twist": 60}"#) - BODY.shoulder_half_width).abs() < EPS);
        let f = Figure::new(
            View::Front,
            &posture(Base::Standing, r#"{"shoulder_l": 90}"#),
        );
        assert!(
            (f.at(Point::WristL).y - f.at(Point::ShoulderL).y).abs() < EPS,
            "an arm raised 90 degrees to the side is level"
        );
        assert!(
            f.at(Point::WristL).x > f.at(Point::ShoulderL).x,
            "on the figure's left, your right"
        );
    }

    #[test]
    fn every_joint_has_one_range_row_in_order() {
        let joints: Vec<Joint> = RANGES.iter().map(|r| r.joint).collect();
        assert_eq!(joints, Joint::ALL);
        for r in &RANGES {
            for (lo, hi, _) in [r.side, r.front].into_iter().flatten() {
                assert!(
                    lo <= 0 && 0 <= hi,
                    "{}: 0, the neutral position, is in range",
                    r.joint
                );
            }
        }
    }

    #[test]
    fn the_same_pose_gives_the_same_panels() {
        let catalog = Catalog::embedded().expect("the embedded content loads");
        for e in &catalog.exercises {
            let a = format!("{:?}", e.pose.panels());
            let b = format!("{:?}", e.pose.panels());
            assert_eq!(a, b, "{}", e.id);
            assert!(!a.contains("NaN"), "{}", e.id);
        }
    }

    /// Every problem loading the fixture catalog with the chair-reach
    /// exercise's pose (and equipment) replaced.
    fn problems_with(pose: &str, equipment: &[&str]) -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        let (mut files, _) = read_dir(&root).expect("the fixture reads");
        let file = files
            .iter_mut()
            .find(|f| f.path == "exercises/chair-reach.json")
            .expect("the fixture has chair-reach");
        let mut json: serde_json::Value = serde_json::from_str(&file.text).expect("JSON");
        json["pose"] = serde_json::from_str(pose).expect("the test's pose is JSON");
        json["equipment"] = serde_json::json!(equipment);
        file.text = json.to_string();
        match Catalog::from_files(files) {
            Ok(_) => Vec::new(),
            Err(LoadError::Invalid(problems)) => problems.iter().map(ToString::to_string).collect(),
            Err(e) => panic!("{e}"),
        }
    }

    #[track_caller]
    fn assert_refused(pose: &str, equipment: &[&str], expected: &[&str]) {
        let found = problems_with(pose, equipment);
        let line = found
            .iter()
            .find(|p| expected.iter().all(|e| p.contains(e)))
            .unwrap_or_else(|| {
                panic!(
                    "no problem with all of {expected:?}; got:\n{}",
                    found.join("\n")
                )
            });
        assert!(
            line.starts_with("exercises/chair-reach.json: pose"),
            "{line}"
        );
    }

    const SEATED: &str = r#"{"hip_l": 90, "hip_r": 90, "knee_l": 90, "knee_r": 90}"#;

    fn seated(end: &str) -> String {
        format!(
            r#"{{"view": "side", "props": ["floor", "chair"],
                "start": {{"step": 1, "base": "sitting_chair", "angles": {SEATED}}},
                "end": {{"step": 2, "base": "sitting_chair", "angles": {end}}}}}"#
        )
    }

    #[test]
    fn the_fixture_pose_is_valid() {
        assert_eq!(
            problems_with(&seated(SEATED), &["chair"]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_joint_outside_its_range_is_refused_naming_file_and_joint() {
        assert_refused(
            &seated(r#"{"hip_l": 90, "hip_r": 90, "knee_l": 200, "knee_r": 90}"#),
            &["chair"],
            &[
                "exercises/chair-reach.json: pose.end.angles.knee_l: 200 is outside 0..=160 (knee flexion)",
            ],
        );
    }

    #[test]
    fn a_joint_the_view_cannot_show_is_refused() {
        assert_refused(
            &seated(r#"{"twist": 30, "hip_l": 90, "hip_r": 90, "knee_l": 90, "knee_r": 90}"#),
            &["chair"],
            &["pose.end.angles.twist: 30", "not drawn in side view"],
        );
    }

    #[test]
    fn a_limb_through_the_floor_is_refused() {
        // A leg straight down from the seat: it goes 0.44 m into the floor.
        assert_refused(
            &seated(r#"{"hip_r": 90, "knee_r": 90}"#),
            &["chair"],
            &["pose.end: ankle_l is", "below the floor"],
        );
    }

    #[test]
    fn a_limb_through_the_chair_seat_is_refused() {
        // A thigh pointing steeply down from the seat goes through its front.
        assert_refused(
            &seated(r#"{"hip_l": 40, "hip_r": 90, "knee_l": 40, "knee_r": 90}"#),
            &["chair"],
            &["pose.end: knee_l goes", "through the chair seat"],
        );
        // Leaning far back goes through the backrest.
        assert_refused(
            &seated(r#"{"trunk": -40, "hip_l": 50, "hip_r": 50, "knee_l": 90, "knee_r": 90}"#),
            &["chair"],
            &["pose.end: neck is", "behind the chair's backrest"],
        );
    }

    #[test]
    fn a_limb_through_the_wall_is_refused() {
        let pose = r#"{"view": "side", "props": ["floor", "wall"],
            "start": {"step": 1, "base": "standing"},
            "end": {"step": 2, "base": "standing", "angles": {"shoulder_l": -80}}}"#;
        assert_refused(
            pose,
            &["wall"],
            &["pose.end: wrist_l is", "behind the wall"],
        );
    }

    #[test]
    fn a_body_through_the_foam_roller_is_refused() {
        // Lying flat with a roller: the roller lies behind where a seated
        // figure would lean back, right under the flat back.
        let pose = r#"{"view": "side", "props": ["floor", "foam_roller"],
            "start": {"step": 1, "base": "sitting_floor", "angles": {"hip_l": 90, "hip_r": 90}},
            "end": {"step": 2, "base": "lying", "angles": {"trunk": -90, "neck": 30}}}"#;
        assert_refused(
            pose,
            &["foam_roller"],
            &["pose.end: the line to", "the foam roller, through it"],
        );
    }

    #[test]
    fn a_prop_without_its_equipment_is_refused() {
        assert_refused(
            &seated(SEATED),
            &["none"],
            &["pose.props[1]: `chair` needs `chair` in equipment"],
        );
    }

    #[test]
    fn hands_that_do_not_reach_the_floor_on_all_fours_are_refused() {
        let pose = r#"{"view": "side", "props": ["floor"],
            "start": {"step": 1, "base": "all_fours", "angles": {"trunk": 80, "hip_l": 80, "hip_r": 80, "knee_l": 95, "knee_r": 95, "shoulder_l": 80, "shoulder_r": 80}},
            "end": {"step": 2, "base": "all_fours", "angles": {"trunk": 80, "hip_l": 80, "hip_r": 80, "knee_l": 95, "knee_r": 95, "shoulder_l": 80, "shoulder_r": 80, "elbow_l": 90, "elbow_r": 90}}}"#;
        assert_refused(
            pose,
            &["none"],
            &["pose.end: on all fours", "wrist_l is", "above it"],
        );
    }

    #[test]
    fn a_base_the_view_cannot_draw_and_a_step_that_is_not_there_are_refused() {
        let pose = r#"{"view": "front", "props": ["floor"],
            "start": {"step": 1, "base": "standing"},
            "end": {"step": 7, "base": "lying", "angles": {"trunk": -90}}}"#;
        assert_refused(
            pose,
            &["none"],
            &["pose.end.base: `lying` cannot be drawn in front view"],
        );
        assert_refused(pose, &["none"], &["pose.end.step: 7 is outside 1..=3"]);
    }

    #[test]
    fn a_figure_too_wide_for_its_panel_is_refused() {
        let arms_out = r#"{"trunk": -90, "neck": 30, "shoulder_l": 180, "shoulder_r": 180}"#;
        let pose = format!(
            r#"{{"view": "side", "props": ["floor"],
                "start": {{"step": 1, "base": "lying", "angles": {arms_out}}},
                "middle": {{"step": 2, "base": "lying", "angles": {arms_out}}},
                "end": {{"step": 3, "base": "lying", "angles": {arms_out}}}}}"#
        );
        assert_refused(
            &pose,
            &["none"],
            &["pose: the start panel is", "wide; a panel holds"],
        );
    }

    #[test]
    fn unknown_joints_are_refused_by_name() {
        let found = problems_with(
            &seated(r#"{"hip_l": 90, "hip_r": 90, "knee_l": 90, "knee_r": 90, "knees": 3}"#),
            &["chair"],
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("pose.end.angles") && p.contains("unknown field `knees`")),
            "{found:?}"
        );
    }
}
