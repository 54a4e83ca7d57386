use super::{AxisScale, ForestPlot, RowStatus};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

// Layout in CSS pixels; `px` converts to device pixels.
const HEADER: f64 = 46.0;
const ROW: f64 = 24.0;
const POOLED: f64 = 30.0;
const AXIS: f64 = 58.0;
const FOOTER_LINE: f64 = 18.0;

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const STUDY: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const POOLED_FILL: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
const MUTED: RGBColor = RGBColor(0x8c, 0x8c, 0x8c);
const SECOND: RGBColor = RGBColor(0x56, 0xb4, 0xe9);

/// Height in CSS pixels that `draw_forest` needs for this plot.
pub fn forest_height(plot: &ForestPlot) -> f64 {
    let pooled_rows = plot.pooled.len().max(1) as f64;
    let lines = plot.footer.len() + plot.change_note.is_some() as usize;
    HEADER + ROW * plot.rows.len() as f64 + POOLED * pooled_rows + AXIS + FOOTER_LINE * lines as f64 + 8.0
}

fn format_value(v: f64) -> String {
    if v.abs() >= 100.0 { format!("{v:.0}") } else { format!("{v:.2}") }
}

pub fn draw_forest<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    plot: &ForestPlot,
    px: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let (w_dev, _) = root.dim_in_pixel();
    let width = w_dev as f64 / px;
    let p = |v: f64| (v * px).round() as i32;
    let font = |size: f64, color: RGBColor, h: HPos| {
        ("sans-serif", size * px).into_font().color(&color).pos(Pos::new(h, VPos::Center))
    };
    let bold = |size: f64, h: HPos| {
        ("sans-serif", size * px).into_font().style(FontStyle::Bold).color(&INK).pos(Pos::new(h, VPos::Center))
    };
    let narrow = width < 560.0;
    let col_treat = width * if narrow { 0.42 } else { 0.34 };
    let col_ctrl = width * if narrow { 0.56 } else { 0.44 };
    let col_weight = width * 0.52;
    let plot_left = width * if narrow { 0.585 } else { 0.56 };
    let plot_right = width * if narrow { 0.765 } else { 0.79 };
    let col_est = width * if narrow { 0.775 } else { 0.805 };
    let text = if narrow { 10.5 } else { 13.0 };

    // Header.
    root.draw_text("Study", &bold(text, HPos::Left), (p(8.0), p(16.0)))?;
    let short = |label: &str| if narrow { label.chars().take(5).collect::<String>() + "." } else { label.to_string() };
    root.draw_text(&short(&plot.treatment_label), &bold(text, HPos::Right), (p(col_treat), p(16.0)))?;
    root.draw_text(&short(&plot.control_label), &bold(text, HPos::Right), (p(col_ctrl), p(16.0)))?;
    let small = if narrow { 9.0 } else { 11.0 };
    root.draw_text(if narrow { "n/N" } else { "events/total" }, &font(small, MUTED, HPos::Right), (p(col_treat), p(33.0)))?;
    root.draw_text(if narrow { "n/N" } else { "events/total" }, &font(small, MUTED, HPos::Right), (p(col_ctrl), p(33.0)))?;
    if !narrow {
        root.draw_text("Weight", &bold(text, HPos::Right), (p(col_weight), p(16.0)))?;
    }
    root.draw_text(&format!("{} (95% CI)", plot.measure_label), &bold(text, HPos::Left), (p(col_est), p(16.0)))?;

    let scale = AxisScale::fit(
        plot.rows.iter().filter_map(|r| r.estimate.map(|e| e.0)).chain(plot.pooled.iter().map(|p| p.estimate)),
        plot.is_ratio,
    );
    let x_of = |v: f64| plot_left + (plot_right - plot_left) * scale.fraction(v);
    let max_weight = plot.rows.iter().filter_map(|r| r.weight_percent).fold(0.0, f64::max);

    let mut y = HEADER + ROW / 2.0;
    for row in &plot.rows {
        let (ink, mark) = match row.status {
            RowStatus::Included => (INK, STUDY),
            _ => (MUTED, MUTED),
        };
        // On narrow screens the registry number in parentheses gives way to the numbers.
        let label = if narrow { row.label.split(" (").next().unwrap_or(&row.label) } else { row.label.as_str() };
        root.draw_text(&printable(label), &font(text, ink, HPos::Left), (p(8.0), p(y)))?;
        let cell = |c: Option<(i64, i64)>| c.map_or("–".to_string(), |(e, n)| format!("{e}/{n}"));
        root.draw_text(&cell(row.treatment), &font(text, ink, HPos::Right), (p(col_treat), p(y)))?;
        root.draw_text(&cell(row.control), &font(text, ink, HPos::Right), (p(col_ctrl), p(y)))?;
        if let (Some(w), false) = (row.weight_percent, narrow) {
            root.draw_text(&format!("{w:.1}%"), &font(text, ink, HPos::Right), (p(col_weight), p(y)))?;
        }
        let right_text = match (&row.status, row.estimate) {
            (RowStatus::NotReported, _) => "not reported".to_string(),
            (RowStatus::NotEstimable, _) => "not estimable".to_string(),
            (RowStatus::Excluded, Some((e, l, u))) => format!("{} [{}, {}] excluded", format_value(e), format_value(l), format_value(u)),
            (RowStatus::Excluded, None) => "excluded".to_string(),
            (_, Some((e, l, u))) => format!("{} [{}, {}]", format_value(e), format_value(l), format_value(u)),
            (_, None) => String::new(),
        };
        root.draw_text(&right_text, &font(text, ink, HPos::Left), (p(col_est), p(y)))?;
        if let Some((est, lo, hi)) = row.estimate {
            let (xl, xh) = (x_of(lo).max(plot_left), x_of(hi).min(plot_right));
            root.draw(&PathElement::new(vec![(p(xl), p(y)), (p(xh), p(y))], mark.stroke_width(p(1.5).max(1) as u32)))?;
            for (clipped, tip, dir) in [(x_of(lo) < plot_left, plot_left, -1.0), (x_of(hi) > plot_right, plot_right, 1.0)] {
                if clipped {
                    let back = tip - dir * 6.0;
                    root.draw(&Polygon::new(vec![(p(tip), p(y)), (p(back), p(y - 4.0)), (p(back), p(y + 4.0))], mark.filled()))?;
                }
            }
            let xe = x_of(est);
            if xe >= plot_left && xe <= plot_right {
                let side = match row.weight_percent {
                    Some(w) if max_weight > 0.0 => 4.0 + 8.0 * (w / max_weight).sqrt(),
                    _ => 5.0,
                };
                let half = side / 2.0;
                let square = Rectangle::new([(p(xe - half), p(y - half)), (p(xe + half), p(y + half))], mark.filled());
                if row.status == RowStatus::Included {
                    root.draw(&square)?;
                } else {
                    root.draw(&Rectangle::new([(p(xe - half), p(y - half)), (p(xe + half), p(y + half))], mark.stroke_width(1)))?;
                }
            }
        }
        y += ROW;
    }

    // Pooled diamonds: the main analysis first, then any model shown for comparison.
    let diamond = |lo: f64, est: f64, hi: f64, y: f64| {
        let (xl, xe, xh) = (x_of(lo).max(plot_left), x_of(est), x_of(hi).min(plot_right));
        vec![(p(xl), p(y)), (p(xe), p(y - 7.0)), (p(xh), p(y)), (p(xe), p(y + 7.0))]
    };
    let mut pooled_y = y + POOLED / 2.0 - ROW / 2.0 + 4.0;
    if let (Some((e, l, u)), Some(_)) = (plot.previous, plot.pooled.first()) {
        // Where the diamond was before the last change: a faint outline.
        let mut outline = diamond(l, e, u, pooled_y);
        outline.push(outline[0]);
        root.draw(&PathElement::new(outline, MUTED.stroke_width(p(1.0).max(1) as u32)))?;
    }
    if plot.pooled.is_empty() {
        root.draw_text("No estimable trials to pool", &font(text, MUTED, HPos::Left), (p(8.0), p(pooled_y)))?;
        pooled_y += POOLED;
    }
    for (i, row) in plot.pooled.iter().enumerate() {
        let fill = if i == 0 { POOLED_FILL } else { SECOND };
        if i == 0 {
            if let Some((lo, hi)) = plot.prediction {
                let (xl, xh) = (x_of(lo).max(plot_left), x_of(hi).min(plot_right));
                root.draw(&PathElement::new(vec![(p(xl), p(pooled_y)), (p(xh), p(pooled_y))], fill.stroke_width(p(2.0).max(1) as u32)))?;
            }
        }
        let label = if narrow { "Total" } else { row.label.as_str() };
        root.draw_text(&printable(label), &bold(text, HPos::Left), (p(8.0), p(pooled_y)))?;
        root.draw_text(
            &format!("{} [{}, {}]", format_value(row.estimate), format_value(row.lower), format_value(row.upper)),
            &bold(text, HPos::Left),
            (p(col_est), p(pooled_y)),
        )?;
        root.draw(&Polygon::new(diamond(row.lower, row.estimate, row.upper, pooled_y), fill.filled()))?;
        pooled_y += POOLED;
    }
    let y = y + POOLED * (plot.pooled.len().max(1) as f64 - 1.0);

    // Axis, null line and ticks.
    let axis_y = y + POOLED;
    root.draw(&PathElement::new(vec![(p(plot_left), p(axis_y)), (p(plot_right), p(axis_y))], INK.stroke_width(1)))?;
    let null_x = x_of(scale.null_value());
    root.draw(&PathElement::new(vec![(p(null_x), p(HEADER - 4.0)), (p(null_x), p(axis_y))], INK.stroke_width(1)))?;
    // Narrow plots keep every other ratio tick so the labels do not collide.
    let ticks: Vec<f64> = scale.ticks().into_iter().filter(|t| !narrow || !plot.is_ratio || [0.01, 0.1, 1.0, 10.0].contains(t)).collect();
    for tick in ticks {
        let x = x_of(tick);
        root.draw(&PathElement::new(vec![(p(x), p(axis_y)), (p(x), p(axis_y + 4.0))], INK.stroke_width(1)))?;
        let label = if plot.is_ratio { format!("{tick}") } else { format!("{tick:.2}") };
        root.draw_text(&label, &font(11.0, INK, HPos::Center), (p(x), p(axis_y + 13.0)))?;
    }
    root.draw_text(&format!("Favours {}", plot.treatment_label.to_lowercase()), &font(11.0, INK, HPos::Right), (p(null_x - 4.0), p(axis_y + 31.0)))?;
    root.draw_text(&format!("Favours {}", plot.control_label.to_lowercase()), &font(11.0, INK, HPos::Left), (p(null_x + 4.0), p(axis_y + 31.0)))?;

    let mut fy = axis_y + AXIS - 4.0;
    if let Some(note) = &plot.change_note {
        root.draw_text(note, &("sans-serif", 12.0 * px).into_font().style(FontStyle::Bold).color(&POOLED_FILL).pos(Pos::new(HPos::Left, VPos::Center)), (p(8.0), p(fy)))?;
        fy += FOOTER_LINE;
    }
    for line in &plot.footer {
        root.draw_text(line, &font(12.0, INK, HPos::Left), (p(8.0), p(fy)))?;
        fy += FOOTER_LINE;
    }
    root.present()
}

/// A study name as drawn: control characters (which XML 1.0 cannot hold, and a canvas cannot
/// show) become spaces. Markup characters are left to the backend, which escapes them.
fn printable(label: &str) -> String {
    label.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}
