//! Scatter plots for the small-study and influence views (funnel, Baujat, L'Abbé), drawn with
//! the same backends as the forest plot.
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPoint {
    pub x: f64,
    pub y: f64,
    pub label: String,
    /// Drawn as an open circle (e.g. a study imputed by trim-and-fill).
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scatter {
    pub title: Option<String>,
    pub x_label: String,
    pub y_label: String,
    /// x values are logs of ratios: ticks are labelled with their exponentials.
    pub x_log_labels: bool,
    /// The y axis runs downwards from 0 (a funnel plot's standard error).
    pub y_down: bool,
    pub points: Vec<ScatterPoint>,
    pub label_points: bool,
    pub lines: Vec<Vec<(f64, f64)>>,
    /// Shaded polygons, drawn first, lightest first (the funnel's significance contours).
    pub regions: Vec<(Vec<(f64, f64)>, u8)>,
}

/// Height in CSS pixels for a scatter plot of this width.
pub fn scatter_height(width: f64) -> f64 {
    (width * 0.55).clamp(260.0, 460.0)
}

const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const POINT: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const LINE: RGBColor = RGBColor(0xd5, 0x5e, 0x00);

pub fn draw_scatter<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, plot: &Scatter, px: f64) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let p = |v: f64| (v * px).round() as i32;
    let xs = plot.points.iter().map(|q| q.x).chain(plot.lines.iter().flatten().map(|q| q.0));
    let ys = plot.points.iter().map(|q| q.y).chain(plot.lines.iter().flatten().map(|q| q.1));
    let range = |values: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = values.filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        if !lo.is_finite() {
            return (-1.0, 1.0);
        }
        let pad = ((hi - lo) * 0.08).max(1e-3);
        (lo - pad, hi + pad)
    };
    let (x0, x1) = range(&mut xs.into_iter());
    let (y0, y1) = range(&mut ys.into_iter());
    // Room on the right for the labels of the rightmost points.
    let x1 = if plot.label_points { x1 + (x1 - x0) * 0.25 } else { x1 };
    // Enough decimals to tell neighbouring ticks apart.
    let decimals = |span: f64| (-(span / 10.0).log10().floor()).clamp(0.0, 6.0) as usize;
    let (x_decimals, y_decimals) = (decimals(if plot.x_log_labels { (x1.exp() - x0.exp()).abs() } else { x1 - x0 }), decimals(y1 - y0));
    // A downward axis is drawn as -y, labelled without the sign.
    let flip = |y: f64| if plot.y_down { -y } else { y };
    let (y_lo, y_hi) = if plot.y_down { (-y1, -(y0.min(0.0))) } else { (y0, y1) };
    let mut chart = ChartBuilder::on(root)
        .margin(p(12.0))
        .caption(plot.title.clone().unwrap_or_default(), ("sans-serif", 14.0 * px).into_font().style(FontStyle::Bold))
        .x_label_area_size(p(42.0))
        .y_label_area_size(p(58.0))
        .build_cartesian_2d(x0..x1, y_lo..y_hi)?;
    let x_format = |v: &f64| if plot.x_log_labels { format!("{:.*}", x_decimals.max(2), v.exp()) } else { format!("{v:.x_decimals$}") };
    let y_format = |v: &f64| format!("{:.y_decimals$}", if plot.y_down { -v } else { *v });
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(plot.x_label.as_str())
        .y_desc(plot.y_label.as_str())
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .label_style(("sans-serif", 12.0 * px).into_font().color(&INK))
        .axis_desc_style(("sans-serif", 13.0 * px).into_font().color(&INK))
        .draw()?;
    for (polygon, shade) in &plot.regions {
        let grey = RGBColor(*shade, *shade, *shade);
        chart.draw_series(std::iter::once(Polygon::new(polygon.iter().map(|(x, y)| (*x, flip(*y))).collect::<Vec<_>>(), grey.filled())))?;
    }
    for line in &plot.lines {
        chart.draw_series(std::iter::once(PathElement::new(line.iter().map(|(x, y)| (*x, flip(*y))).collect::<Vec<_>>(), LINE.stroke_width(p(1.5).max(1) as u32))))?;
    }
    for point in &plot.points {
        let style = if point.open { POINT.stroke_width(p(1.5).max(1) as u32) } else { POINT.filled() };
        chart.draw_series(std::iter::once(Circle::new((point.x, flip(point.y)), p(4.0), style)))?;
        if plot.label_points {
            let label = ("sans-serif", 12.0 * px).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
            let at = EmptyElement::at((point.x, flip(point.y))) + Text::new(point.label.clone(), (p(7.0), 0), label);
            chart.draw_series(std::iter::once(at))?;
        }
    }
    root.present()
}

/// A contour-enhanced funnel plot (metafor's `funnel(res, level = c(90, 95, 99), refline = 0)`):
/// each study's effect against its standard error, the pooled estimate with its 95% funnel, the
/// regions where a study alone would be significant at 10%, 5% and 1% shaded, and studies
/// imputed by trim-and-fill as open circles.
pub fn funnel(studies: &[(String, f64, f64)], pooled: f64, filled: &[(f64, f64)], ratio: bool, measure_label: &str) -> Scatter {
    let se_max = studies.iter().map(|s| s.2.sqrt()).chain(filled.iter().map(|f| f.1.sqrt())).fold(0.0, f64::max) * 1.05;
    let se_max = if se_max > 0.0 { se_max } else { 1.0 };
    let x_extent = studies
        .iter()
        .map(|s| s.1.abs())
        .chain(filled.iter().map(|f| f.0.abs()))
        .fold(2.6 * se_max, f64::max)
        + pooled.abs();
    let triangle = |z: f64| vec![(0.0, 0.0), (-z * se_max, se_max), (z * se_max, se_max)];
    let everywhere = vec![(-x_extent, 0.0), (x_extent, 0.0), (x_extent, se_max), (-x_extent, se_max)];
    Scatter {
        title: None,
        x_label: if ratio { format!("{measure_label} (log scale)") } else { measure_label.to_string() },
        y_label: "Standard error".into(),
        x_log_labels: ratio,
        y_down: true,
        points: studies
            .iter()
            .map(|(label, y, v)| ScatterPoint { x: *y, y: v.sqrt(), label: label.clone(), open: false })
            .chain(filled.iter().map(|(y, v)| ScatterPoint { x: *y, y: v.sqrt(), label: "filled".into(), open: true }))
            .collect(),
        label_points: false,
        lines: vec![
            vec![(pooled - 1.959964 * se_max, se_max), (pooled, 0.0), (pooled + 1.959964 * se_max, se_max)],
            vec![(pooled, 0.0), (pooled, se_max)],
        ],
        regions: vec![(everywhere, 0xb4), (triangle(2.575829), 0xcc), (triangle(1.959964), 0xe4), (triangle(1.644854), 0xff)],
    }
}

/// Baujat's plot: each study's contribution to heterogeneity against its influence on the
/// pooled result; the studies in the top right drive both.
pub fn baujat_plot(points: &[(String, f64, f64)]) -> Scatter {
    Scatter {
        title: None,
        x_label: "Contribution to heterogeneity (Q)".into(),
        y_label: "Influence on the pooled result".into(),
        x_log_labels: false,
        y_down: false,
        points: points.iter().map(|(label, x, y)| ScatterPoint { x: *x, y: *y, label: label.clone(), open: false }).collect(),
        label_points: true,
        lines: vec![],
        regions: vec![],
    }
}

/// L'Abbé's plot: the event risk in the treatment arm against the control arm, one point per
/// study; points below the diagonal favour treatment.
pub fn labbe_plot(points: &[(String, f64, f64)], treatment_label: &str, control_label: &str) -> Scatter {
    let (lo, hi) = points.iter().flat_map(|p| [p.1, p.2]).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    let diagonal = if lo.is_finite() { vec![vec![(lo, lo), (hi, hi)]] } else { vec![] };
    Scatter {
        title: None,
        x_label: format!("Event risk, {}", control_label.to_lowercase()),
        y_label: format!("Event risk, {}", treatment_label.to_lowercase()),
        x_log_labels: false,
        y_down: false,
        points: points.iter().map(|(label, control, treatment)| ScatterPoint { x: *control, y: *treatment, label: label.clone(), open: false }).collect(),
        label_points: true,
        lines: diagonal,
        regions: vec![],
    }
}
