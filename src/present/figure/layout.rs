//! Label placement: boxes measured with the embedded font's metrics, a greedy placer that takes
//! the first candidate position free of earlier labels, markers and lines (or, if none is, the one
//! that overlaps least), and [`place_all`], which places the labels of points together so that
//! none covers another label, a marker or another's leader line (leaving out the least important
//! where nothing else fits). Deterministic: candidates are tried in the order given.

use super::style::LINE_HEIGHT;
use super::svg::{Anchor, Attrs, Canvas, TextStyle};

/// A point in figure pixels.
pub type Point = (f64, f64);

/// An axis-aligned box in figure pixels (y grows downwards).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    /// Left.
    pub x0: f64,
    /// Top.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Bottom.
    pub y1: f64,
}

impl BBox {
    /// The box with these corners.
    pub fn new(x0: f64, y0: f64, x1: f64, y1: f64) -> BBox {
        BBox { x0, y0, x1, y1 }
    }

    /// The square of half-side `r` around a point.
    pub fn around(x: f64, y: f64, r: f64) -> BBox {
        BBox::new(x - r, y - r, x + r, y + r)
    }

    /// Height.
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }

    /// Grown by `d` on every side.
    pub fn inflate(self, d: f64) -> BBox {
        BBox::new(self.x0 - d, self.y0 - d, self.x1 + d, self.y1 + d)
    }

    /// Area shared with `o`.
    pub fn overlap(&self, o: &BBox) -> f64 {
        let w = self.x1.min(o.x1) - self.x0.max(o.x0);
        let h = self.y1.min(o.y1) - self.y0.max(o.y0);
        if w > 0.0 && h > 0.0 {
            w * h
        } else {
            0.0
        }
    }

    /// Whether the box lies within `outer`.
    pub fn inside(&self, outer: &BBox) -> bool {
        self.x0 >= outer.x0 && self.y0 >= outer.y0 && self.x1 <= outer.x1 && self.y1 <= outer.y1
    }

    /// Whether the segment a–b crosses the box (Liang–Barsky clipping).
    pub fn hits_segment(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let mut t0: f64 = 0.0;
        let mut t1: f64 = 1.0;
        for (p, q) in [
            (-dx, a.0 - self.x0),
            (dx, self.x1 - a.0),
            (-dy, a.1 - self.y0),
            (dy, self.y1 - a.1),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
                if t0 > t1 {
                    return false;
                }
            }
        }
        true
    }
}

/// A block of text lines drawn with one anchor, measured once.
#[derive(Clone, Debug, PartialEq)]
pub struct TextBlock {
    /// Lines and their styles, top to bottom.
    pub lines: Vec<(String, TextStyle)>,
    width: f64,
    height: f64,
    baselines: Vec<f64>,
}

impl TextBlock {
    /// A block of the given lines.
    pub fn new(lines: Vec<(String, TextStyle)>) -> TextBlock {
        let width = lines.iter().map(|(t, s)| s.width(t)).fold(0.0, f64::max);
        let mut baselines = Vec::with_capacity(lines.len());
        let mut y = 0.0;
        for (i, (_, s)) in lines.iter().enumerate() {
            if i == 0 {
                y = s.cap_height() + 1.0;
            } else {
                y += s.size * LINE_HEIGHT;
            }
            baselines.push(y);
        }
        let height = match (baselines.last(), lines.last()) {
            (Some(b), Some((_, s))) => b + s.descent(),
            _ => 0.0,
        };
        TextBlock {
            lines,
            width,
            height,
            baselines,
        }
    }

    /// Width of the widest line.
    pub fn width(&self) -> f64 {
        self.width
    }

    /// Height from the block top to the lowest descender.
    pub fn height(&self) -> f64 {
        self.height
    }

    /// The box of the block with its top at `top` and anchored at `x`.
    pub fn bbox(&self, x: f64, top: f64, anchor: Anchor) -> BBox {
        let w = self.width;
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - w / 2.0,
            Anchor::End => x - w,
        };
        BBox::new(left, top, left + w, top + self.height)
    }

    /// Draws the block with its top at `top`, anchored at `x`; `attrs` go on every line.
    pub fn draw(&self, c: &mut Canvas, x: f64, top: f64, anchor: Anchor, attrs: &Attrs) {
        for ((text, style), b) in self.lines.iter().zip(&self.baselines) {
            c.text(x, top + b, text, style.anchor(anchor), attrs.clone());
        }
    }
}

/// A candidate position of a block: anchor x, block top, alignment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spot {
    /// Anchor x.
    pub x: f64,
    /// Top of the block.
    pub top: f64,
    /// Alignment at x.
    pub anchor: Anchor,
}

/// Candidate spots for a block next to a point, nearest first: the four diagonal corners and the
/// sides at `gap`, then rings of 16 directions at growing distances (for a leader line), then
/// the ring points with the other alignments.
pub fn spots_around(x: f64, y: f64, block: &TextBlock, gap: f64) -> Vec<Spot> {
    let h = block.height();
    let mut out = vec![
        Spot {
            x: x + gap,
            top: y + gap * 0.4,
            anchor: Anchor::Start,
        },
        Spot {
            x: x + gap,
            top: y - h - gap * 0.4,
            anchor: Anchor::Start,
        },
        Spot {
            x: x - gap,
            top: y + gap * 0.4,
            anchor: Anchor::End,
        },
        Spot {
            x: x - gap,
            top: y - h - gap * 0.4,
            anchor: Anchor::End,
        },
        Spot {
            x: x + gap,
            top: y - h / 2.0,
            anchor: Anchor::Start,
        },
        Spot {
            x: x - gap,
            top: y - h / 2.0,
            anchor: Anchor::End,
        },
        Spot {
            x,
            top: y + gap,
            anchor: Anchor::Middle,
        },
        Spot {
            x,
            top: y - h - gap,
            anchor: Anchor::Middle,
        },
    ];
    for k in [2.0, 3.5, 5.0, 7.0, 10.0, 14.0, 20.0, 28.0] {
        let g = gap * k;
        for i in 0..16 {
            let a = f64::from(i) * std::f64::consts::PI / 8.0;
            let (c, s) = (a.cos(), a.sin());
            let (px, py) = (x + g * c, y + g * s);
            let anchor = if c > 0.3 {
                Anchor::Start
            } else if c < -0.3 {
                Anchor::End
            } else {
                Anchor::Middle
            };
            let top = if s > 0.3 {
                py
            } else if s < -0.3 {
                py - h
            } else {
                py - h / 2.0
            };
            out.push(Spot { x: px, top, anchor });
        }
    }
    // Last, the same ring points with the other two alignments: a label can then slip into a
    // gap beside its point that the direction's own alignment misses (between a ridge guide and
    // the plot's edge, say).
    let ring = out[8..].to_vec();
    for s in ring {
        for anchor in [Anchor::Start, Anchor::Middle, Anchor::End] {
            if anchor != s.anchor {
                out.push(Spot { anchor, ..s });
            }
        }
    }
    out
}

/// A crossed line weighs as much as this many places down the list of spots: more than any list
/// is long, so a label crosses a line only when no spot is clear of every line.
pub const CROSSING_COST: usize = 1000;

/// Score of a spot that overlaps a label or marker (plus the overlap area).
pub const OVERLAPPING: f64 = 1e6;

/// Two leader lines that cross weigh this much: less than a shortened label ([`SHORTENED`]),
/// more than a covered shadow ([`SHADOW_COST`]).
pub const LEADERS_CROSSING: f64 = 200.0;

/// Whether two segments cross (touching ends do not count).
pub fn segments_cross((a, b): (Point, Point), (c, d): (Point, Point)) -> bool {
    let side = |p: Point, q: Point, r: Point| (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0);
    let (d1, d2) = (side(c, d, a), side(c, d, b));
    let (d3, d4) = (side(a, b, c), side(a, b, d));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// A leader line crossing a label (or a label covering another's leader) weighs as an overlap
/// of this many square pixels.
pub const LEADER_COVERED: f64 = 100.0;

/// Covering the space just above or below another point weighs this much.
pub const SHADOW_COST: usize = 40;

/// The least added cost of a label variant that leaves something out: more than any spot's place
/// in a list, less than a crossed line.
pub const SHORTENED: f64 = 500.0;

/// The added cost of a label variant that leaves out a number (a workload's intensity, which the
/// point's position also shows): more than crossing a few lines under the label's halo.
pub const DROPPED_NUMBER: f64 = 4.0 * CROSSING_COST as f64;

/// Distance from a point to where its leader line starts (clear of its marker).
pub const LEADER_SKIP: f64 = 8.0;
/// Labels farther than this from their point get a leader line.
pub const LEADER_MIN: f64 = 16.0;

/// The leader line from a point to the nearest point of a label box, when the box is farther
/// than [`LEADER_MIN`].
pub fn leader(from: (f64, f64), b: &BBox) -> Option<((f64, f64), (f64, f64))> {
    let (x, y) = from;
    let (nx, ny) = (x.clamp(b.x0, b.x1), y.clamp(b.y0, b.y1));
    let dist = ((nx - x).powi(2) + (ny - y).powi(2)).sqrt();
    if dist <= LEADER_MIN {
        return None;
    }
    let k = LEADER_SKIP / dist;
    Some(((x + (nx - x) * k, y + (ny - y) * k), (nx, ny)))
}

/// Keeps track of what is already drawn and picks free spots for labels.
#[derive(Clone, Debug)]
pub struct Placer {
    bounds: BBox,
    /// Labels and other drawn boxes (legend, text along a roof).
    boxes: Vec<BBox>,
    /// Markers (points, ridge diamonds): like `boxes`, but a leader line may start on the
    /// marker of its own point.
    markers: Vec<BBox>,
    segments: Vec<(Point, Point)>,
    /// Where a point's own label will go (just above and below it), by owner: other labels
    /// avoid crossing them.
    shadows: Vec<(usize, Point, Point)>,
    /// Leader lines drawn so far, by owner: no other label may cover one (it would strike
    /// through the text).
    leaders: Vec<(usize, Point, Point)>,
}

/// Padding kept around placed labels.
const PAD: f64 = 2.0;

impl Placer {
    /// A placer whose labels must stay inside `bounds`.
    pub fn new(bounds: BBox) -> Placer {
        Placer {
            bounds,
            boxes: Vec::new(),
            markers: Vec::new(),
            segments: Vec::new(),
            shadows: Vec::new(),
            leaders: Vec::new(),
        }
    }

    /// Marks a box as taken.
    pub fn block(&mut self, b: BBox) {
        self.boxes.push(b);
    }

    /// Marks a marker's box as taken (a leader line may start on it, see [`Placer::best`]).
    pub fn marker(&mut self, b: BBox) {
        self.markers.push(b);
    }

    /// How much of `b` is covered: its overlap with every box and marker, plus
    /// [`LEADER_COVERED`] per leader line of another owner than `owner` it covers.
    fn covered(&self, b: &BBox, owner: Option<usize>) -> f64 {
        let boxes: f64 = self
            .boxes
            .iter()
            .chain(&self.markers)
            .map(|o| b.overlap(o))
            .sum();
        let led_over = self
            .leaders
            .iter()
            .filter(|(o, p, q)| Some(*o) != owner && b.hits_segment(*p, *q))
            .count();
        boxes + LEADER_COVERED * led_over as f64
    }

    /// Keeps the space just above and below a point free for its own label (`owner`).
    pub fn shadow(&mut self, owner: usize, (x, y): (f64, f64), reach: f64) {
        self.shadows
            .push((owner, (x, y - LEADER_SKIP), (x, y - reach)));
        self.shadows
            .push((owner, (x, y + LEADER_SKIP), (x, y + reach)));
    }

    /// Marks a polyline as drawn (labels avoid crossing it).
    pub fn polyline(&mut self, pts: &[(f64, f64)]) {
        for w in pts.windows(2) {
            self.segments.push((w[0], w[1]));
        }
    }

    /// How bad a box is: 0 when free; overlap area plus a penalty per crossed line; infinite
    /// outside the bounds.
    pub fn cost(&self, b: &BBox) -> f64 {
        self.cost_of(b, true)
    }

    /// [`Placer::cost`], optionally ignoring lines.
    pub fn cost_of(&self, b: &BBox, lines: bool) -> f64 {
        if !b.inside(&self.bounds) {
            return f64::INFINITY;
        }
        let boxes = self.covered(b, None);
        let crossed = if lines {
            self.segments
                .iter()
                .filter(|(p, q)| b.hits_segment(*p, *q))
                .count() as f64
        } else {
            0.0
        };
        boxes + 40.0 * crossed
    }

    /// Picks the first free box among `candidates` (or the least bad one inside the bounds) and
    /// marks it taken.
    pub fn place_box(&mut self, candidates: &[BBox]) -> Option<BBox> {
        let mut best: Option<(f64, BBox)> = None;
        for b in candidates {
            let c = self.cost(b);
            if c == 0.0 {
                best = Some((0.0, *b));
                break;
            }
            if c.is_finite() && best.is_none_or(|(bc, _)| c < bc) {
                best = Some((c, *b));
            }
        }
        let (_, b) = best?;
        self.block(b);
        Some(b)
    }

    /// Picks a spot for `block` and marks it taken: among the spots that overlap no label or
    /// marker, the best by position in the list plus [`CROSSING_COST`] per line crossed (a halo
    /// keeps the text legible over a line); if every spot overlaps something, the one that
    /// overlaps least. `None` when every spot leaves the bounds.
    pub fn place(&mut self, block: &TextBlock, spots: &[Spot]) -> Option<Spot> {
        self.place_near(block, spots, None, None)
    }

    /// The first spot where `block` overlaps nothing and crosses no line, marked taken.
    pub fn place_clear(&mut self, block: &TextBlock, spots: &[Spot]) -> Option<Spot> {
        let s = *spots.iter().find(|s| {
            let b = block.bbox(s.x, s.top, s.anchor).inflate(PAD);
            self.cost(&b) == 0.0
        })?;
        self.block(block.bbox(s.x, s.top, s.anchor).inflate(PAD));
        Some(s)
    }

    /// The spot where `block` overlaps nothing and crosses the fewest lines (first in the list on
    /// ties), marked taken.
    pub fn place_over_lines(&mut self, block: &TextBlock, spots: &[Spot]) -> Option<Spot> {
        let mut best: Option<(usize, Spot)> = None;
        for s in spots {
            let b = block.bbox(s.x, s.top, s.anchor).inflate(PAD);
            if !b.inside(&self.bounds) || self.covered(&b, None) > 0.0 {
                continue;
            }
            let crossed = self
                .segments
                .iter()
                .filter(|(p, q)| b.hits_segment(*p, *q))
                .count();
            if best.is_none_or(|(c, _)| crossed < c) {
                best = Some((crossed, *s));
            }
        }
        let (_, s) = best?;
        self.block(block.bbox(s.x, s.top, s.anchor).inflate(PAD));
        Some(s)
    }

    /// [`Placer::place`] for a label of the point `from` (a marker of radius `LEADER_SKIP` − 3)
    /// owned by `owner`; see [`Placer::best`] and [`Placer::commit`].
    pub fn place_near(
        &mut self,
        block: &TextBlock,
        spots: &[Spot],
        from: Option<(f64, f64)>,
        owner: Option<usize>,
    ) -> Option<Spot> {
        let (_, s) = self.best(block, spots, from, owner)?;
        self.commit(block, s, from, owner);
        Some(s)
    }

    /// The best spot for `block` and its score, without taking it. Among the spots that overlap
    /// no label or marker, cover no other owner's leader line, and whose own leader line from
    /// `from` crosses no label or marker (but the one it starts on), the score is the spot's place
    /// in the list plus [`CROSSING_COST`] per line crossed and [`SHADOW_COST`] per other owner's
    /// shadow crossed; spots that overlap score [`OVERLAPPING`] plus the area (and
    /// [`LEADER_COVERED`] per leader crossing).
    pub fn best(
        &self,
        block: &TextBlock,
        spots: &[Spot],
        from: Option<(f64, f64)>,
        owner: Option<usize>,
    ) -> Option<(f64, Spot)> {
        let mut best: Option<(f64, Spot)> = None;
        for (i, s) in spots.iter().enumerate() {
            if best.is_some_and(|(score, _)| score <= i as f64) {
                break;
            }
            let Some(score) = self.score(block, i, s, from, owner) else {
                continue;
            };
            if best.is_none_or(|(c, _)| score < c) {
                best = Some((score, *s));
            }
        }
        best
    }

    /// The score of `block` at `s`, the `i`-th spot of its list (see [`Placer::best`]); `None`
    /// outside the bounds.
    fn score(
        &self,
        block: &TextBlock,
        i: usize,
        s: &Spot,
        from: Option<(f64, f64)>,
        owner: Option<usize>,
    ) -> Option<f64> {
        let b = block.bbox(s.x, s.top, s.anchor).inflate(PAD);
        if !b.inside(&self.bounds) {
            return None;
        }
        let mut overlap = self.covered(&b, owner);
        if let Some((p, q)) = from.and_then(|f| leader(f, &block.bbox(s.x, s.top, s.anchor))) {
            // The point's own marker (or a ridge diamond at or next to `from`) does not block
            // its leader; every label does.
            let f = from.expect("a leader has a start");
            let own = |o: &&BBox| {
                let dx = (o.x0 - f.0).max(f.0 - o.x1).max(0.0);
                let dy = (o.y0 - f.1).max(f.1 - o.y1).max(0.0);
                dx.hypot(dy) <= LEADER_SKIP
            };
            let markers = self.markers.iter().filter(|o| !own(o));
            overlap += LEADER_COVERED
                * self
                    .boxes
                    .iter()
                    .chain(markers)
                    .filter(|o| o.hits_segment(p, q))
                    .count() as f64;
        }
        Some(if overlap > 0.0 {
            OVERLAPPING + overlap
        } else {
            let crossed = self
                .segments
                .iter()
                .filter(|(p, q)| b.hits_segment(*p, *q))
                .count();
            let shadowed = self
                .shadows
                .iter()
                .filter(|(o, p, q)| Some(*o) != owner && b.hits_segment(*p, *q))
                .count();
            (i + CROSSING_COST * crossed + SHADOW_COST * shadowed) as f64
        })
    }

    /// Takes the spot `s` for `block`; its leader line from `from` is remembered so later labels
    /// do not cover it.
    pub fn commit(
        &mut self,
        block: &TextBlock,
        s: Spot,
        from: Option<(f64, f64)>,
        owner: Option<usize>,
    ) {
        let b = block.bbox(s.x, s.top, s.anchor);
        if let Some((p, q)) = from.and_then(|f| leader(f, &b)) {
            self.leaders.push((owner.unwrap_or(usize::MAX), p, q));
        }
        self.block(b.inflate(PAD));
    }
}

/// A label to place: its variants (tried all, the best kept), the point it labels and its owner
/// (see [`Placer::shadow`]).
#[derive(Clone, Debug)]
pub struct Wanted {
    /// Text blocks for the label, e.g. two lines or three narrower ones, each with a cost added
    /// to its score (0 for a full label; [`SHORTENED`] or more for one that leaves something
    /// out, so it is used only where no full label fits clear of lines).
    pub variants: Vec<(TextBlock, f64)>,
    /// The point labelled (a leader line is drawn from it to a distant label).
    pub from: Point,
    /// Owner of the point's shadow.
    pub owner: usize,
    /// Distance from the point to the nearest spots (see [`spots_around`]).
    pub gap: f64,
    /// Spots tried before those around the point, by variant (the corners right next to a
    /// ridge diamond, say); may be empty.
    pub first: Vec<Vec<Spot>>,
    /// What leaving the label out weighs, in [`LEFT_OUT`]s: where no set of clean spots holds
    /// every label, the labels whose loss weighs least are left out.
    pub importance: f64,
}

/// Leaving out a label of importance 1 (see [`Wanted::importance`]) weighs this much: more than
/// any set of clean spots, so a label is left out only where it cannot be placed clear of every
/// label, marker and leader line.
pub const LEFT_OUT: f64 = 1e9;

/// Where a [`Wanted`] label went: the variant and the spot (`None`: left out).
pub type Placement = Option<(usize, Spot)>;

/// How many candidates (variant and spot, best score first) of each label the joint search of
/// [`place_all`] weighs.
const CANDIDATES: usize = 160;

/// Most candidates the joint search of [`place_all`] tries before it settles for the best layout
/// found (a bound on its time; the best-first order finds a good layout early).
const SEARCH_BUDGET: usize = 40_000;

/// One way to place a [`Wanted`] label: its variant, spot, score alone (against what the placer
/// already holds), padded box and leader line.
#[derive(Clone, Debug)]
struct Candidate {
    variant: usize,
    spot: Spot,
    score: f64,
    bbox: BBox,
    leader: Option<(Point, Point)>,
}

impl Candidate {
    /// Whether two labels' candidates cannot both be taken: their boxes overlap or the leader
    /// line of one crosses the other's box.
    fn conflicts(&self, o: &Candidate) -> bool {
        self.bbox.overlap(&o.bbox) > 0.0
            || self.leader.is_some_and(|(p, q)| o.bbox.hits_segment(p, q))
            || o.leader.is_some_and(|(p, q)| self.bbox.hits_segment(p, q))
    }

    /// What taking both adds to the score: [`LEADERS_CROSSING`] when their leader lines cross.
    fn pair_cost(&self, o: &Candidate) -> f64 {
        match (self.leader, o.leader) {
            (Some(a), Some(b)) if segments_cross(a, b) => LEADERS_CROSSING,
            _ => 0.0,
        }
    }
}

/// The best [`CANDIDATES`] clean candidates of `w` (overlapping no label or marker), each scored
/// alone by [`Placer::best`]'s rule plus its variant's cost, best first.
fn candidates(placer: &Placer, w: &Wanted) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    // The score a new candidate must beat once the list is full.
    let mut worst = f64::INFINITY;
    for (vi, (block, cost)) in w.variants.iter().enumerate() {
        let mut spots = w.first.get(vi).cloned().unwrap_or_default();
        spots.extend(spots_around(w.from.0, w.from.1, block, w.gap));
        for (i, s) in spots.iter().enumerate() {
            // A spot scores at least its place in the list.
            if i as f64 + cost >= worst {
                break;
            }
            // Only clean spots: a label that covers a marker or another label is left out
            // instead.
            let Some(score) = placer
                .score(block, i, s, Some(w.from), Some(w.owner))
                .filter(|&sc| sc < OVERLAPPING)
            else {
                continue;
            };
            let score = score + cost;
            if score >= worst {
                continue;
            }
            let b = block.bbox(s.x, s.top, s.anchor);
            out.push(Candidate {
                variant: vi,
                spot: *s,
                score,
                bbox: b.inflate(PAD),
                leader: leader(w.from, &b),
            });
            if out.len() >= 2 * CANDIDATES {
                out.sort_by(|a, b| a.score.total_cmp(&b.score));
                out.truncate(CANDIDATES);
                worst = out[CANDIDATES - 1].score;
            }
        }
    }
    out.sort_by(|a, b| a.score.total_cmp(&b.score));
    out.truncate(CANDIDATES);
    out
}

/// Places several labels together: each label's best clean candidates alone (see
/// [`candidates`]), then a branch-and-bound search for the set of one candidate per label, no two
/// in conflict (a box over another, a leader line through another's box), with the lowest total
/// score (the candidates' scores plus [`LEADERS_CROSSING`] per pair of crossing leader lines).
/// Where no such set holds every label, the labels whose loss weighs least (see
/// [`Wanted::importance`]) are left out: labels never overlap. Deterministic.
pub fn place_all(placer: &mut Placer, wanted: &[Wanted]) -> Vec<Placement> {
    let cands: Vec<Vec<Candidate>> = wanted.iter().map(|w| candidates(placer, w)).collect();
    // The labels with the fewest candidates first.
    let mut order: Vec<usize> = (0..wanted.len()).collect();
    order.sort_by_key(|&i| cands[i].len());
    // The least the labels from depth d on can add.
    let mut rest = vec![0.0; order.len() + 1];
    for d in (0..order.len()).rev() {
        let i = order[d];
        let least = cands[i]
            .first()
            .map_or(LEFT_OUT * wanted[i].importance, |c| c.score);
        rest[d] = rest[d + 1] + least;
    }
    // A first layout to beat, from a few greedy passes (see [`squeaky_wheel`]): the search then
    // prunes from the start.
    let incumbent = squeaky_wheel(&cands, wanted, &order);
    let mut search = Search {
        cands: &cands,
        wanted,
        order: &order,
        rest: &rest,
        chosen: Vec::with_capacity(order.len()),
        best: incumbent.map(|(total, picks)| (total, order.iter().map(|&i| picks[i]).collect())),
        tries: 0,
    };
    search.descend(0.0);
    let mut out: Vec<Placement> = vec![None; wanted.len()];
    let Some((_, picks)) = search.best else {
        return out;
    };
    for (d, pick) in picks.iter().enumerate() {
        let i = order[d];
        if let Some(ci) = *pick {
            let (w, c) = (&wanted[i], &cands[i][ci]);
            placer.commit(
                &w.variants[c.variant].0,
                c.spot,
                Some(w.from),
                Some(w.owner),
            );
            out[i] = Some((c.variant, c.spot));
        }
    }
    out
}

/// How many greedy passes [`squeaky_wheel`] makes at most.
const GREEDY_PASSES: usize = 24;

/// One greedy pass: each label in `order` takes its candidate that conflicts with none taken
/// before and adds the least (its score and leader crossings), or is left out. Returns the total
/// and the picks by label.
fn greedy(
    cands: &[Vec<Candidate>],
    wanted: &[Wanted],
    order: &[usize],
) -> (f64, Vec<Option<usize>>) {
    let mut picks: Vec<Option<usize>> = vec![None; wanted.len()];
    let mut total = 0.0;
    for &i in order {
        let mut choice: Option<(f64, usize)> = None;
        for (ci, c) in cands[i].iter().enumerate() {
            if choice.is_some_and(|(b, _)| c.score >= b) {
                break;
            }
            let mut add = c.score;
            let mut free = true;
            for (j, pick) in picks.iter().enumerate() {
                let Some(o) = *pick else { continue };
                let o = &cands[j][o];
                if c.conflicts(o) {
                    free = false;
                    break;
                }
                add += c.pair_cost(o);
            }
            if free && choice.is_none_or(|(b, _)| add < b) {
                choice = Some((add, ci));
            }
        }
        match choice {
            Some((add, ci)) => {
                total += add;
                picks[i] = Some(ci);
            }
            None => total += LEFT_OUT * wanted[i].importance,
        }
    }
    (total, picks)
}

/// Greedy passes, each after moving the labels that fared worst in the ones before (left out,
/// or far from their best candidate) to the front of the order; the best pass.
fn squeaky_wheel(
    cands: &[Vec<Candidate>],
    wanted: &[Wanted],
    order: &[usize],
) -> Option<(f64, Vec<Option<usize>>)> {
    let mut order = order.to_vec();
    let mut blame = vec![0.0; wanted.len()];
    let mut best: Option<(f64, Vec<Option<usize>>)> = None;
    let mut tried: Vec<Vec<usize>> = Vec::new();
    for _ in 0..GREEDY_PASSES {
        if tried.contains(&order) {
            break;
        }
        let (total, picks) = greedy(cands, wanted, &order);
        tried.push(order.clone());
        if best.as_ref().is_none_or(|(b, _)| total < *b) {
            best = Some((total, picks.clone()));
        }
        let mut worse = false;
        for (i, pick) in picks.iter().enumerate() {
            let first = cands[i].first().map_or(0.0, |c| c.score);
            let regret = match pick {
                Some(ci) => cands[i][*ci].score - first,
                None => LEFT_OUT * wanted[i].importance,
            };
            worse |= regret > 0.0;
            blame[i] += regret;
        }
        if !worse {
            break;
        }
        // Stable: ties keep the order they had.
        order.sort_by(|&a, &b| blame[b].total_cmp(&blame[a]));
    }
    best
}

/// The state of [`place_all`]'s search: the candidates chosen so far, by depth (labels in
/// `order`), and the best complete choice.
struct Search<'a> {
    cands: &'a [Vec<Candidate>],
    wanted: &'a [Wanted],
    order: &'a [usize],
    rest: &'a [f64],
    /// By depth: the candidate taken, or `None` for a label left out.
    chosen: Vec<Option<usize>>,
    best: Option<(f64, Vec<Option<usize>>)>,
    tries: usize,
}

impl Search<'_> {
    fn descend(&mut self, total: f64) {
        let d = self.chosen.len();
        if d == self.order.len() {
            if self.best.as_ref().is_none_or(|(b, _)| total < *b) {
                self.best = Some((total, self.chosen.clone()));
            }
            return;
        }
        let label = self.order[d];
        for (ci, c) in self.cands[label].iter().enumerate() {
            if self.tries >= SEARCH_BUDGET && self.best.is_some() {
                return;
            }
            self.tries += 1;
            // Candidates come best first: none after this one can do better.
            let bound = total + c.score + self.rest[d + 1];
            if self.best.as_ref().is_some_and(|(b, _)| bound >= *b) {
                return;
            }
            let mut pairs = 0.0;
            let mut free = true;
            for (e, o) in self.chosen.iter().enumerate() {
                let Some(o) = *o else { continue };
                let o = &self.cands[self.order[e]][o];
                if c.conflicts(o) {
                    free = false;
                    break;
                }
                pairs += c.pair_cost(o);
            }
            if free && self.best.as_ref().is_none_or(|(b, _)| bound + pairs < *b) {
                self.chosen.push(Some(ci));
                self.descend(total + c.score + pairs);
                self.chosen.pop();
            }
        }
        // Last, the label left out.
        let total = total + LEFT_OUT * self.wanted[label].importance;
        if self
            .best
            .as_ref()
            .is_none_or(|(b, _)| total + self.rest[d + 1] < *b)
        {
            self.chosen.push(None);
            self.descend(total);
            self.chosen.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_boxes() {
        let b = BBox::new(0.0, 0.0, 10.0, 10.0);
        assert!(b.hits_segment((-5.0, 5.0), (15.0, 5.0)));
        assert!(b.hits_segment((5.0, 5.0), (6.0, 6.0)));
        assert!(!b.hits_segment((-5.0, -5.0), (-1.0, 20.0)));
        assert!(!b.hits_segment((11.0, 0.0), (20.0, 10.0)));
        assert_eq!(b.overlap(&BBox::new(5.0, 5.0, 20.0, 20.0)), 25.0);
        assert_eq!(b.overlap(&BBox::new(10.0, 0.0, 20.0, 20.0)), 0.0);
    }

    /// Two labels of one point where only one fits: the less important is left out, never
    /// drawn over the other; a shortened variant that fits is taken before leaving out.
    #[test]
    fn place_all_leaves_out_the_least_important_label() {
        let style = TextStyle::new(12.0, "#222222");
        let block = TextBlock::new(vec![("a label of some width".into(), style)]);
        let (w, h) = (block.width(), block.height());
        let (x, y, gap) = (50.0, 50.0, 10.0);
        // Room for one label right of the point, not for two side by side or stacked; left of
        // it, room for a short one only.
        let bounds = BBox::new(x - 3.0 * gap, y - h, x + gap + 1.5 * w, y + h);
        let wanted = |owner: usize, importance: f64, variants: Vec<(TextBlock, f64)>| Wanted {
            variants,
            from: (x, y),
            owner,
            gap,
            first: Vec::new(),
            importance,
        };
        for (a, b) in [(2.0, 1.0), (1.0, 2.0)] {
            let mut p = Placer::new(bounds);
            let out = place_all(
                &mut p,
                &[
                    wanted(0, a, vec![(block.clone(), 0.0)]),
                    wanted(1, b, vec![(block.clone(), 0.0)]),
                ],
            );
            assert_eq!(out.iter().filter(|o| o.is_some()).count(), 1, "{out:?}");
            assert_eq!(out[0].is_some(), a > b, "{out:?}");
        }
        // A short variant fits left of the point.
        let short = TextBlock::new(vec![("a".into(), style)]);
        let mut p = Placer::new(bounds);
        let out = place_all(
            &mut p,
            &[
                wanted(0, 2.0, vec![(block.clone(), 0.0)]),
                wanted(
                    1,
                    1.0,
                    vec![(block.clone(), 0.0), (short.clone(), SHORTENED)],
                ),
            ],
        );
        assert_eq!(out[0].map(|(v, _)| v), Some(0), "{out:?}");
        assert_eq!(out[1].map(|(v, _)| v), Some(1), "{out:?}");
        let (s0, s1) = (out[0].unwrap().1, out[1].unwrap().1);
        let b0 = block.bbox(s0.x, s0.top, s0.anchor);
        let b1 = short.bbox(s1.x, s1.top, s1.anchor);
        assert_eq!(b0.overlap(&b1), 0.0);
    }

    #[test]
    fn placer_skips_taken_spots() {
        let mut p = Placer::new(BBox::new(0.0, 0.0, 400.0, 300.0));
        let block = TextBlock::new(vec![("label".into(), TextStyle::new(12.0, "#222222"))]);
        let spots = spots_around(200.0, 150.0, &block, 8.0);
        let first = p.place(&block, &spots).expect("room");
        let second = p.place(&block, &spots).expect("room");
        assert_ne!(first, second);
        let b1 = block.bbox(first.x, first.top, first.anchor);
        let b2 = block.bbox(second.x, second.top, second.anchor);
        assert_eq!(b1.overlap(&b2), 0.0);
    }
}
