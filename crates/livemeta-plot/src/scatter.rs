//! Scatter plots for the small-study and influence views (funnel, Baujat, L'Abbé), drawn with
//! the same backends as the forest plot.
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPoint {
    pub x: f64,
    pub y: f64,
    pub label: String,
    /// Drawn as an open circle (e.g. a study imputed by trim-and-fill).
    pub open: bool,
    /// Drawn larger, in the accent colour and labelled (e.g. the current selection in GOSH).
    pub highlight: bool,
    /// A bubble's radius in CSS pixels (a meta-regression's weights); None for the usual dot.
    pub radius: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scatter {
    pub x_label: String,
    pub y_label: String,
    /// x values are logs of ratios: ticks are labelled with their exponentials.
    pub x_log_labels: bool,
    /// The same for y (a meta-regression's effects).
    pub y_log_labels: bool,
    /// Every x is a whole number (years, weeks): ticks fall on whole numbers only.
    pub x_whole_numbers: bool,
    /// The y axis runs downwards from 0 (a funnel plot's standard error).
    pub y_down: bool,
    /// A fixed y range (I² runs from 0 to 100 whatever the data).
    pub y_range: Option<(f64, f64)>,
    pub points: Vec<ScatterPoint>,
    /// Many unlabelled points (GOSH's subsets): small dots, or above `CLOUD_DOTS` a density
    /// of 2-pixel cells, darker where more points fall.
    pub cloud: Arc<Vec<[f64; 2]>>,
    pub label_points: bool,
    pub lines: Vec<Vec<(f64, f64)>>,
    /// Shaded polygons, drawn first, lightest first (the funnel's significance contours).
    pub regions: Vec<(Vec<(f64, f64)>, u8)>,
    /// A vertical line at no effect (0, or the log of 1), in grey across the plot.
    pub null_x: Option<f64>,
    /// A key in the top right corner: what the shades and marks mean.
    pub legend: Vec<(Swatch, String)>,
}

/// A legend entry's mark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Swatch {
    /// A region's grey (0-255), as in `Scatter::regions`.
    Shade(u8),
    /// A point drawn as an open circle.
    OpenPoint,
    /// A point drawn as a filled circle.
    Point,
}

/// Height in CSS pixels for a scatter plot of this width.
pub fn scatter_height(width: f64) -> f64 {
    (width * 0.55).clamp(260.0, 460.0)
}

const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const POINT: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const LINE: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
const NULL_LINE: RGBColor = RGBColor(0x80, 0x80, 0x80);

/// Where the data go on the canvas: the data ranges and the plotting rectangle, in CSS pixels.
struct Frame {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    y_down: bool,
}

/// The finite range of some values.
struct Bounds {
    lo: f64,
    hi: f64,
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds { lo: f64::INFINITY, hi: f64::NEG_INFINITY }
    }
}

impl Bounds {
    fn add(&mut self, v: f64) {
        if v.is_finite() {
            self.lo = self.lo.min(v);
            self.hi = self.hi.max(v);
        }
    }
    /// The range with 8% to spare on each side; (-1, 1) when there is nothing to show.
    fn padded(&self) -> (f64, f64) {
        if !self.lo.is_finite() {
            return (-1.0, 1.0);
        }
        let pad = ((self.hi - self.lo) * 0.08).max(1e-3);
        (self.lo - pad, self.hi + pad)
    }
}

impl Frame {
    fn new(plot: &Scatter, width: f64, height: f64) -> Frame {
        // One plain loop: a GOSH cloud has a million points.
        let (mut xs, mut ys) = (Bounds::default(), Bounds::default());
        for [x, y] in plot.points.iter().map(|q| [q.x, q.y]).chain(plot.lines.iter().flatten().map(|q| [q.0, q.1])) {
            xs.add(x);
            ys.add(y);
        }
        for [x, y] in plot.cloud.iter() {
            xs.add(*x);
            ys.add(*y);
        }
        let (x0, x1) = xs.padded();
        let (y0, y1) = plot.y_range.unwrap_or_else(|| ys.padded());
        let y0 = if plot.y_down { y0.min(0.0) } else { y0 };
        Frame { x0, x1, y0, y1, left: 64.0, right: width - 12.0, top: 12.0, bottom: height - 44.0, y_down: plot.y_down }
    }
    fn sx(&self, x: f64) -> f64 {
        self.left + (self.right - self.left) * (x - self.x0) / (self.x1 - self.x0)
    }
    /// A downward axis puts 0 at the top.
    fn sy(&self, y: f64) -> f64 {
        let f = (y - self.y0) / (self.y1 - self.y0);
        if self.y_down {
            self.top + (self.bottom - self.top) * f
        } else {
            self.bottom - (self.bottom - self.top) * f
        }
    }
}

/// The point nearest to (x, y) in CSS pixels on a plot `width` wide, if within 10 pixels:
/// i for `points[i]`, `points.len() + i` for `cloud[i]`.
pub fn nearest_point(plot: &Scatter, width: f64, x: f64, y: f64) -> Option<usize> {
    let frame = Frame::new(plot, width, scatter_height(width));
    plot.points
        .iter()
        .map(|q| (q.x, q.y))
        .chain(plot.cloud.iter().map(|q| (q[0], q[1])))
        .enumerate()
        .map(|(i, (qx, qy))| (i, (frame.sx(qx) - x).hypot(frame.sy(qy) - y)))
        .filter(|(_, d)| *d <= 10.0)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// Round tick positions covering [lo, hi], about `count` of them.
fn ticks(lo: f64, hi: f64, count: f64) -> Vec<f64> {
    let raw = (hi - lo) / count;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step =
        [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(10.0 * magnitude);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// Tick labels' size in CSS pixels.
const TICK_TEXT: f64 = 12.0;

/// Whether labels at these pixel positions leave room between neighbours: their widths along
/// a horizontal axis, the text's height along a vertical one.
fn labels_fit(ticks: &[(f64, String)], at: &dyn Fn(f64) -> f64, horizontal: bool) -> bool {
    let extent = |label: &str| if horizontal { crate::draw::text_width(label, TICK_TEXT, false) } else { TICK_TEXT };
    ticks.windows(2).all(|w| (at(w[1].0) - at(w[0].0)).abs() >= (extent(&w[0].1) + extent(&w[1].1)) / 2.0 + 6.0)
}

/// Whether ticks span [lo, hi] without a bare stretch of more than 45% of it (ends included).
fn covers(ticks: &[(f64, String)], lo: f64, hi: f64) -> bool {
    let edges: Vec<f64> = std::iter::once(lo).chain(ticks.iter().map(|t| t.0)).chain(std::iter::once(hi)).collect();
    edges.windows(2).all(|w| w[1] - w[0] <= 0.45 * (hi - lo))
}

/// Round ticks on [lo, hi] with enough decimals to tell neighbours apart, as many as fit.
fn linear_ticks(
    lo: f64,
    hi: f64,
    at: &dyn Fn(f64) -> f64,
    horizontal: bool,
    label_of: &dyn Fn(f64, usize) -> String,
) -> Vec<(f64, String)> {
    let pixels = (at(hi) - at(lo)).abs();
    let most = (pixels / if horizontal { 70.0 } else { 28.0 }).clamp(2.0, 8.0);
    let mut count = most;
    loop {
        let t = ticks(lo, hi, count);
        // As many decimals as the step needs: 0.25 needs two, 0.5 one.
        let d = t.windows(2).next().map_or(2, |w| {
            (0..6)
                .find(|&d| {
                    let scaled = (w[1] - w[0]) * 10f64.powi(d);
                    (scaled - scaled.round()).abs() < 1e-6
                })
                .unwrap_or(6) as usize
        });
        let labelled: Vec<(f64, String)> = t.into_iter().map(|v| (v, label_of(v, d))).collect();
        if count <= 1.0 || labels_fit(&labelled, at, horizontal) {
            return labelled;
        }
        count -= 1.0;
    }
}

/// An axis's ticks over [lo, hi] (`at` maps a value to pixels) and their labels: for logs of
/// ratios, a regular series of round ratios (powers of ten, 1-2-5, powers of two, or steps of a
/// quarter around 1, whichever is the densest whose labels fit), else round values.
fn axis_ticks(lo: f64, hi: f64, at: &dyn Fn(f64) -> f64, horizontal: bool, log_labels: bool) -> Vec<(f64, String)> {
    if !log_labels {
        return linear_ticks(lo, hi, at, horizontal, &|v, d| format!("{v:.d$}"));
    }
    let tens: Vec<f64> = (-4..=4).map(|e| 10f64.powi(e)).collect();
    let one_two_five: Vec<f64> = tens.iter().flat_map(|t| [*t, 2.0 * t, 5.0 * t]).collect();
    let twos: Vec<f64> = (-3..=3).map(|e| 2f64.powi(e)).collect();
    let quarters = vec![0.5, 0.67, 0.8, 1.0, 1.25, 1.5, 2.0];
    let fitting: Option<Vec<(f64, String)>> = [quarters, twos, one_two_five, tens]
        .into_iter()
        .map(|series| {
            series
                .into_iter()
                .filter(|r| (lo..=hi).contains(&r.ln()))
                .map(|r| (r.ln(), format!("{r}")))
                .collect::<Vec<_>>()
        })
        .filter(|t| t.len() >= 2 && labels_fit(t, at, horizontal) && covers(t, lo, hi))
        .max_by_key(|t| t.len());
    // A range too narrow for two round ratios: round values of the ratio itself.
    fitting.unwrap_or_else(|| {
        let (a, b) = (lo.exp(), hi.exp());
        let ratio_at = |r: f64| at(r.ln());
        linear_ticks(a, b, &ratio_at, horizontal, &|v, d| format!("{v:.d$}"))
            .into_iter()
            .map(|(v, label)| (v.ln(), label))
            .collect()
    })
}

/// Drawn by hand rather than with plotters' chart builder, which would add about 90 KB
/// (gzipped) to the app for two axes.
pub fn draw_scatter<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &Scatter,
    px: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (w_dev, h_dev) = root.dim_in_pixel();
    let (width, height) = (w_dev as f64 / px, h_dev as f64 / px);
    let p = |v: f64| (v * px).round() as i32;
    let frame = Frame::new(plot, width, height);
    let (x0, x1, y0, y1) = (frame.x0, frame.x1, frame.y0, frame.y1);
    let (left, right, top, bottom) = (frame.left, frame.right, frame.top, frame.bottom);
    let sx = |x: f64| frame.sx(x);
    let sy = |y: f64| frame.sy(y);
    let at = |(x, y): (f64, f64)| (p(sx(x)), p(sy(y)));
    let font = |size: f64, h: HPos, v: VPos| ("sans-serif", size * px).into_font().color(&INK).pos(Pos::new(h, v));

    for (polygon, shade) in &plot.regions {
        root.draw(&Polygon::new(
            polygon.iter().map(|q| at(*q)).collect::<Vec<_>>(),
            RGBColor(*shade, *shade, *shade).filled(),
        ))?;
    }
    // Regions may reach past the axes; the margins are painted over them.
    for (a, b) in [
        ((0.0, 0.0), (left, height)),
        ((right, 0.0), (width, height)),
        ((0.0, 0.0), (width, top)),
        ((0.0, bottom), (width, height)),
    ] {
        root.draw(&Rectangle::new([(p(a.0), p(a.1)), (p(b.0), p(b.1))], WHITE.filled()))?;
    }
    if let Some(x) = plot.null_x.filter(|x| (x0..=x1).contains(x)) {
        root.draw(&PathElement::new(
            vec![(p(sx(x)), p(top)), (p(sx(x)), p(bottom))],
            NULL_LINE.stroke_width(p(1.0).max(1) as u32),
        ))?;
    }
    for line in &plot.lines {
        root.draw(&PathElement::new(
            line.iter().map(|q| at(*q)).collect::<Vec<_>>(),
            LINE.stroke_width(p(1.5).max(1) as u32),
        ))?;
    }
    draw_cloud(root, plot, &frame, px)?;
    // Highlighted points last, so they sit on top.
    for point in plot.points.iter().filter(|q| !q.highlight).chain(plot.points.iter().filter(|q| q.highlight)) {
        let colour = if point.highlight { LINE } else { POINT };
        let style = if point.open { colour.stroke_width(p(1.5).max(1) as u32) } else { colour.filled() };
        let (x, y) = at((point.x, point.y));
        let radius = point.radius.unwrap_or(if point.highlight { 6.0 } else { 4.0 });
        let style = if point.radius.is_some() { POINT.mix(0.55).filled() } else { style };
        root.draw(&Circle::new((x, y), p(radius), style))?;
        if plot.label_points || point.highlight {
            // Labels point inwards, so those of points near the right edge are not cut off.
            let (side, dx) = if sx(point.x) > (left + right) / 2.0 { (HPos::Right, -8.0) } else { (HPos::Left, 8.0) };
            root.draw_text(&point.label, &font(12.0, side, VPos::Center), (x + p(dx), y))?;
        }
    }

    // Axes, ticks and their labels, with enough decimals to tell neighbours apart.
    root.draw(&PathElement::new(
        vec![(p(left), p(top)), (p(left), p(bottom)), (p(right), p(bottom))],
        INK.stroke_width(1),
    ))?;
    // Fewer ticks on a narrow plot, so their labels do not run into each other.
    let mut x_ticks = axis_ticks(x0, x1, &sx, true, plot.x_log_labels);
    if plot.x_whole_numbers {
        x_ticks.retain(|(x, _)| x.fract() == 0.0);
        x_ticks.iter_mut().for_each(|(x, label)| *label = format!("{x:.0}"));
    }
    for (x, label) in x_ticks {
        root.draw(&PathElement::new(vec![(p(sx(x)), p(bottom)), (p(sx(x)), p(bottom + 4.0))], INK.stroke_width(1)))?;
        root.draw_text(&label, &font(TICK_TEXT, HPos::Center, VPos::Top), (p(sx(x)), p(bottom + 6.0)))?;
    }
    for (y, label) in axis_ticks(y0, y1, &sy, false, plot.y_log_labels) {
        root.draw(&PathElement::new(vec![(p(left - 4.0), p(sy(y))), (p(left), p(sy(y)))], INK.stroke_width(1)))?;
        root.draw_text(&label, &font(TICK_TEXT, HPos::Right, VPos::Center), (p(left - 6.0), p(sy(y))))?;
    }
    draw_legend(root, plot, &frame, px)?;
    root.draw_text(&plot.x_label, &font(13.0, HPos::Center, VPos::Bottom), (p((left + right) / 2.0), p(height - 2.0)))?;
    let y_label = ("sans-serif", 13.0 * px)
        .into_font()
        .color(&INK)
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Center, VPos::Top));
    root.draw_text(&plot.y_label, &y_label, (p(2.0), p((top + bottom) / 2.0)))?;
    root.present()
}

/// Legend text's size in CSS pixels, and the height of one entry.
const LEGEND_TEXT: f64 = 12.0;
const LEGEND_ROW: f64 = 16.0;

/// The key, in a white box in the plot's top right corner.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &Scatter,
    frame: &Frame,
    px: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if plot.legend.is_empty() {
        return Ok(());
    }
    let p = |v: f64| (v * px).round() as i32;
    let text = plot.legend.iter().map(|(_, t)| crate::draw::text_width(t, LEGEND_TEXT, false)).fold(0.0, f64::max);
    let (w, h) = (text + 32.0, plot.legend.len() as f64 * LEGEND_ROW + 8.0);
    let (x, y) = (frame.right - w - 4.0, frame.top + 4.0);
    root.draw(&Rectangle::new([(p(x), p(y)), (p(x + w), p(y + h))], WHITE.filled()))?;
    root.draw(&Rectangle::new([(p(x), p(y)), (p(x + w), p(y + h))], INK.mix(0.4).stroke_width(1)))?;
    let font = ("sans-serif", LEGEND_TEXT * px).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, (swatch, label)) in plot.legend.iter().enumerate() {
        let row = y + 4.0 + LEGEND_ROW * (i as f64 + 0.5);
        let centre = (p(x + 13.0), p(row));
        match swatch {
            Swatch::Shade(grey) => {
                let square = [(p(x + 7.0), p(row - 5.0)), (p(x + 19.0), p(row + 5.0))];
                root.draw(&Rectangle::new(square, RGBColor(*grey, *grey, *grey).filled()))?;
                root.draw(&Rectangle::new(square, INK.mix(0.5).stroke_width(1)))?;
            }
            Swatch::OpenPoint => root.draw(&Circle::new(centre, p(4.0), POINT.stroke_width(p(1.5).max(1) as u32)))?,
            Swatch::Point => root.draw(&Circle::new(centre, p(4.0), POINT.filled()))?,
        }
        root.draw_text(label, &font, (p(x + 25.0), p(row)))?;
    }
    Ok(())
}

/// Up to this many cloud points are drawn as dots; more as a density.
pub const CLOUD_DOTS: usize = 5000;

fn draw_cloud<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &Scatter,
    frame: &Frame,
    px: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let p = |v: f64| (v * px).round() as i32;
    let inside = plot.cloud.iter().filter(|q| q[0].is_finite() && q[1].is_finite());
    if plot.cloud.len() <= CLOUD_DOTS {
        for [x, y] in inside {
            root.draw(&Circle::new((p(frame.sx(*x)), p(frame.sy(*y))), p(3.0), POINT.mix(0.7).filled()))?;
        }
        return Ok(());
    }
    // Counts per 2x2-pixel cell; each occupied cell is painted once, so drawing (and the SVG
    // export) is bounded by the plot's area, not by the number of points.
    const CELL: f64 = 2.0;
    let columns = ((frame.right - frame.left) / CELL).ceil() as usize + 1;
    let rows = ((frame.bottom - frame.top) / CELL).ceil() as usize + 1;
    let mut counts = vec![0u32; columns * rows];
    for [x, y] in inside {
        let (c, r) = (((frame.sx(*x) - frame.left) / CELL) as usize, ((frame.sy(*y) - frame.top) / CELL) as usize);
        if c < columns && r < rows {
            counts[r * columns + c] += 1;
        }
    }
    // Six shades, and each row's runs of one shade as one rectangle: a canvas pays per call.
    const SHADES: f64 = 6.0;
    let most = (counts.iter().copied().max().unwrap_or(1).max(2) as f64).ln();
    let levels: Vec<usize> = counts
        .iter()
        .map(|&n| if n == 0 { 0 } else { 1 + ((n as f64).ln() / most * (SHADES - 1.0)).round() as usize })
        .collect();
    for (r, row) in levels.chunks(columns).enumerate() {
        let mut c = 0;
        while c < columns {
            let level = row[c];
            let end = (c..columns).find(|&e| row[e] != level).unwrap_or(columns);
            if level > 0 {
                let (x, y) = (frame.left + c as f64 * CELL, frame.top + r as f64 * CELL);
                let alpha = 0.3 + 0.7 * (level - 1) as f64 / (SHADES - 1.0);
                root.draw(&Rectangle::new(
                    [(p(x), p(y)), (p(x + (end - c) as f64 * CELL), p(y + CELL))],
                    POINT.mix(alpha).filled(),
                ))?;
            }
            c = end;
        }
    }
    Ok(())
}

/// A contour-enhanced funnel plot (metafor's `funnel(res, level = c(90, 95, 99), refline = 0)`):
/// each study's effect against its standard error, the pooled estimate with its 95% funnel, the
/// regions where a study alone would be significant at 10%, 5% and 1% shaded, and studies
/// imputed by trim-and-fill as open circles.
pub fn funnel(
    studies: &[(String, f64, f64)],
    pooled: f64,
    filled: &[(f64, f64)],
    ratio: bool,
    measure_label: &str,
) -> Scatter {
    let se_max = studies.iter().map(|s| s.2.sqrt()).chain(filled.iter().map(|f| f.1.sqrt())).fold(0.0, f64::max) * 1.05;
    let se_max = if se_max > 0.0 { se_max } else { 1.0 };
    let x_extent =
        studies.iter().map(|s| s.1.abs()).chain(filled.iter().map(|f| f.0.abs())).fold(2.6 * se_max, f64::max)
            + pooled.abs();
    let triangle = |z: f64| vec![(0.0, 0.0), (-z * se_max, se_max), (z * se_max, se_max)];
    let everywhere = vec![(-x_extent, 0.0), (x_extent, 0.0), (x_extent, se_max), (-x_extent, se_max)];
    Scatter {
        x_label: if ratio { format!("{measure_label} (log scale)") } else { measure_label.to_string() },
        y_label: "Standard error".into(),
        x_log_labels: ratio,
        y_log_labels: false,
        x_whole_numbers: false,
        y_down: true,
        y_range: None,
        points: studies
            .iter()
            .map(|(label, y, v)| ScatterPoint {
                x: *y,
                y: v.sqrt(),
                label: label.clone(),
                open: false,
                highlight: false,
                radius: None,
            })
            .chain(filled.iter().map(|(y, v)| ScatterPoint {
                x: *y,
                y: v.sqrt(),
                label: "filled".into(),
                open: true,
                highlight: false,
                radius: None,
            }))
            .collect(),
        cloud: Arc::default(),
        label_points: false,
        lines: vec![
            vec![(pooled - 1.959964 * se_max, se_max), (pooled, 0.0), (pooled + 1.959964 * se_max, se_max)],
            vec![(pooled, 0.0), (pooled, se_max)],
        ],
        regions: vec![
            (everywhere, 0xb4),
            (triangle(2.575829), 0xcc),
            (triangle(1.959964), 0xe4),
            (triangle(1.644854), 0xff),
        ],
        null_x: None,
        legend: [
            (Swatch::Point, "trial".to_string()),
            (Swatch::Shade(0xff), "p > 0.10".into()),
            (Swatch::Shade(0xe4), "0.05 < p < 0.10".into()),
            (Swatch::Shade(0xcc), "0.01 < p < 0.05".into()),
            (Swatch::Shade(0xb4), "p < 0.01".into()),
        ]
        .into_iter()
        .chain((!filled.is_empty()).then(|| (Swatch::OpenPoint, "imputed by trim-and-fill".to_string())))
        .collect(),
    }
}

/// Baujat's plot: each study's contribution to heterogeneity against its influence on the
/// pooled result; the studies in the top right drive both.
pub fn baujat_plot(points: &[(String, f64, f64)]) -> Scatter {
    Scatter {
        x_label: "Contribution to heterogeneity (Q)".into(),
        y_label: "Influence on the pooled result".into(),
        x_log_labels: false,
        y_log_labels: false,
        x_whole_numbers: false,
        y_down: false,
        y_range: None,
        points: points
            .iter()
            .map(|(label, x, y)| ScatterPoint {
                x: *x,
                y: *y,
                label: label.clone(),
                open: false,
                highlight: false,
                radius: None,
            })
            .collect(),
        cloud: Arc::default(),
        label_points: true,
        lines: vec![],
        regions: vec![],
        null_x: None,
        legend: vec![],
    }
}

/// L'Abbé's plot: the event risk in the treatment arm against the control arm, one point per
/// study; points below the diagonal favour treatment.
pub fn labbe_plot(points: &[(String, f64, f64)], treatment_label: &str, control_label: &str) -> Scatter {
    let (lo, hi) = points
        .iter()
        .flat_map(|p| [p.1, p.2])
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let diagonal = if lo.is_finite() { vec![vec![(lo, lo), (hi, hi)]] } else { vec![] };
    Scatter {
        x_label: format!("Event risk, {}", crate::in_sentence(control_label)),
        y_label: format!("Event risk, {}", crate::in_sentence(treatment_label)),
        x_log_labels: false,
        y_log_labels: false,
        x_whole_numbers: false,
        y_down: false,
        y_range: None,
        points: points
            .iter()
            .map(|(label, control, treatment)| ScatterPoint {
                x: *control,
                y: *treatment,
                label: label.clone(),
                open: false,
                highlight: false,
                radius: None,
            })
            .collect(),
        cloud: Arc::default(),
        label_points: true,
        lines: diagonal,
        regions: vec![],
        null_x: None,
        legend: vec![],
    }
}

/// GOSH: the pooled estimate against I² for each subset fitted, and the fit to all the pooled
/// trials (the current selection) highlighted. `fits` are [estimate, I²] on the analysis scale.
pub fn gosh_plot(fits: Arc<Vec<[f64; 2]>>, current: Option<(f64, f64)>, ratio: bool, measure_label: &str) -> Scatter {
    Scatter {
        x_label: if ratio { format!("Pooled {measure_label} (log scale)") } else { format!("Pooled {measure_label}") },
        y_label: "I² (%)".into(),
        x_log_labels: ratio,
        y_log_labels: false,
        x_whole_numbers: false,
        y_down: false,
        y_range: Some((-4.0, 104.0)),
        points: current
            .map(|(x, y)| ScatterPoint { x, y, label: "all trials".into(), open: false, highlight: true, radius: None })
            .into_iter()
            .collect(),
        cloud: fits,
        label_points: false,
        lines: vec![],
        regions: vec![],
        null_x: None,
        legend: vec![],
    }
}

/// A meta-regression's bubble plot (metafor's `regplot`): each trial's effect against the
/// moderator, the bubble's area following its weight in the model, with the fitted line and
/// its confidence band. `points` are (label, moderator, effect, weight); `fitted` is
/// (x, fit, lower, upper) along the moderator's range.
pub fn bubble_plot(
    points: &[(String, f64, f64, f64)],
    fitted: &[(f64, f64, f64, f64)],
    ratio: bool,
    moderator: &str,
    measure_label: &str,
) -> Scatter {
    let heaviest = points.iter().map(|q| q.3).fold(0.0, f64::max);
    let radius = |w: f64| if heaviest > 0.0 { 3.0 + 11.0 * (w / heaviest).sqrt() } else { 4.0 };
    let along = |pick: fn(&(f64, f64, f64, f64)) -> f64| fitted.iter().map(|q| (q.0, pick(q))).collect::<Vec<_>>();
    Scatter {
        x_label: moderator.to_string(),
        y_label: if ratio { format!("{measure_label} (log scale)") } else { measure_label.to_string() },
        x_log_labels: false,
        y_log_labels: ratio,
        x_whole_numbers: points.iter().all(|q| q.1.fract() == 0.0),
        y_down: false,
        y_range: None,
        points: points
            .iter()
            .map(|(label, x, y, w)| ScatterPoint {
                x: *x,
                y: *y,
                label: label.clone(),
                open: false,
                highlight: false,
                radius: Some(radius(*w)),
            })
            .collect(),
        cloud: Arc::default(),
        label_points: false,
        lines: if fitted.is_empty() { vec![] } else { vec![along(|q| q.1), along(|q| q.2), along(|q| q.3)] },
        regions: vec![],
        null_x: None,
        legend: vec![],
    }
}
