//! Label placement: boxes measured with the embedded font's metrics, and a greedy placer that
//! takes the first candidate position free of earlier labels, markers and lines (or, if none is,
//! the one that overlaps least). Deterministic: candidates are tried in the order given.

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

/// Covering the space just above or below another point weighs this much.
pub const SHADOW_COST: usize = 40;

/// The least added cost of a label variant that leaves something out: more than any spot's place
/// in a list, less than a crossed line.
pub const SHORTENED: f64 = 500.0;

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
    boxes: Vec<BBox>,
    segments: Vec<(Point, Point)>,
    /// Where a point's own label will go (just above and below it), by owner: other labels
    /// avoid crossing them.
    shadows: Vec<(usize, Point, Point)>,
    /// Leader lines drawn so far, by owner: another label over one weighs as a crossed line.
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
            segments: Vec::new(),
            shadows: Vec::new(),
            leaders: Vec::new(),
        }
    }

    /// Marks a box as taken.
    pub fn block(&mut self, b: BBox) {
        self.boxes.push(b);
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
        let boxes: f64 = self.boxes.iter().map(|o| b.overlap(o)).sum();
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
            if !b.inside(&self.bounds) || self.boxes.iter().any(|o| b.overlap(o) > 0.0) {
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
    /// no label or marker (and whose leader line from `from` crosses none), the score is the
    /// spot's place in the list plus [`CROSSING_COST`] per line or other owner's leader crossed and
    /// [`SHADOW_COST`] per other owner's shadow crossed; spots that overlap score [`OVERLAPPING`]
    /// plus the area.
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
            let b = block.bbox(s.x, s.top, s.anchor).inflate(PAD);
            if !b.inside(&self.bounds) {
                continue;
            }
            let mut overlap: f64 = self.boxes.iter().map(|o| b.overlap(o)).sum();
            if let Some((p, q)) = from.and_then(|f| leader(f, &block.bbox(s.x, s.top, s.anchor))) {
                // The point's own marker (a box at or next to `from`) does not block its leader.
                let f = from.expect("a leader has a start");
                let own = |o: &BBox| {
                    let dx = (o.x0 - f.0).max(f.0 - o.x1).max(0.0);
                    let dy = (o.y0 - f.1).max(f.1 - o.y1).max(0.0);
                    dx.hypot(dy) <= LEADER_SKIP
                };
                overlap += 100.0
                    * self
                        .boxes
                        .iter()
                        .filter(|o| !own(o) && o.hits_segment(p, q))
                        .count() as f64;
            }
            let score = if overlap > 0.0 {
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
                let led_over = self
                    .leaders
                    .iter()
                    .filter(|(o, p, q)| Some(*o) != owner && b.hits_segment(*p, *q))
                    .count();
                (i + CROSSING_COST * (crossed + led_over) + SHADOW_COST * shadowed) as f64
            };
            if best.is_none_or(|(c, _)| score < c) {
                best = Some((score, *s));
            }
        }
        best
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
}

/// Where a [`Wanted`] label went: the variant and the spot.
pub type Placement = Option<(usize, Spot)>;

/// Places several labels together. Greedy placement depends on the order, so a few orders are
/// tried (as given, reversed, by x and by y) on copies of the placer and the one with the lowest
/// total score is kept and committed. Deterministic.
pub fn place_all(placer: &mut Placer, wanted: &[Wanted], gap: f64) -> Vec<Placement> {
    let n = wanted.len();
    let given: Vec<usize> = (0..n).collect();
    let mut by_x = given.clone();
    by_x.sort_by(|&a, &b| wanted[a].from.0.total_cmp(&wanted[b].from.0));
    let mut by_y = given.clone();
    by_y.sort_by(|&a, &b| wanted[a].from.1.total_cmp(&wanted[b].from.1));
    let rev = |v: &[usize]| v.iter().rev().copied().collect::<Vec<_>>();
    let mut orders: Vec<Vec<usize>> = Vec::new();
    for o in [
        given.clone(),
        rev(&given),
        rev(&by_x),
        by_x.clone(),
        by_y.clone(),
        rev(&by_y),
    ] {
        if !orders.contains(&o) {
            orders.push(o);
        }
    }
    let run = |p: &mut Placer, order: &[usize]| -> (f64, Vec<Placement>) {
        let mut out: Vec<Placement> = vec![None; n];
        let mut total = 0.0;
        for &i in order {
            let w = &wanted[i];
            let mut choice: Option<(f64, usize, Spot)> = None;
            for (vi, (block, cost)) in w.variants.iter().enumerate() {
                let spots = spots_around(w.from.0, w.from.1, block, gap);
                if let Some((score, s)) = p.best(block, &spots, Some(w.from), Some(w.owner)) {
                    let score = score + cost;
                    if choice.is_none_or(|(c, _, _)| score < c) {
                        choice = Some((score, vi, s));
                    }
                }
            }
            match choice {
                Some((score, vi, s)) => {
                    p.commit(&w.variants[vi].0, s, Some(w.from), Some(w.owner));
                    out[i] = Some((vi, s));
                    total += score;
                }
                None => total += 2.0 * OVERLAPPING,
            }
        }
        (total, out)
    };
    let mut best: Option<(f64, Vec<Placement>, Placer)> = None;
    for order in &orders {
        let mut p = placer.clone();
        let (total, out) = run(&mut p, order);
        if best.as_ref().is_none_or(|(t, _, _)| total < *t) {
            let clean = total < CROSSING_COST as f64;
            best = Some((total, out, p));
            if clean {
                break;
            }
        }
    }
    match best {
        Some((_, out, p)) => {
            *placer = p;
            out
        }
        None => Vec::new(),
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
