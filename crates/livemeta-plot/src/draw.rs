use super::{AxisScale, ForestLayout, ForestPlot, ForestRow, RowKind, RowStatus};
use livemeta_core::report::{effect, measure_heading};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

// Layout in CSS pixels; `px` converts to device pixels.
const TITLE_LINE: f64 = 22.0;
const HEADER: f64 = 38.0;
const ROW: f64 = 18.0;
const POOLED: f64 = 25.0;
const AXIS: f64 = 48.0;
const FOOTER_LINE: f64 = 16.0;
const MARGIN: f64 = 8.0;
const GAP: f64 = 12.0;
/// Study rows, headers and estimates.
const TEXT: f64 = 13.0;
/// The smallest text anywhere in the plot (axis, hints, footer): presenter mode scales the
/// plot so that this is at least 22 px on a projector.
pub const SMALL_TEXT: f64 = 12.0;
const TITLE: f64 = 14.0;
/// The narrowest study-name column before names give way to the count columns.
const MIN_LABEL: f64 = 100.0;

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const STUDY: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const POOLED_FILL: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
const MUTED: RGBColor = RGBColor(0x8c, 0x8c, 0x8c);
const SECOND: RGBColor = RGBColor(0x56, 0xb4, 0xe9);
/// Counts entered by the user: a dark reddish purple, apart from the sourced ink and the accents.
/// The audience's guess (predict, then reveal): dark green, apart from every other mark.
const GUESS: RGBColor = RGBColor(0x00, 0x7a, 0x4d);
/// The band of clinically important effects.
const THRESHOLD: RGBColor = RGBColor(0x00, 0x9e, 0x73);
const ENTERED: RGBColor = RGBColor(0x88, 0x2e, 0x72);
/// JAMA's study squares: dark blue.
const JAMA_SQUARE: RGBColor = RGBColor(0x00, 0x2d, 0x72);

/// Advance width of `text` in a sans-serif font of `size` px, from DejaVu Sans metrics (the
/// widest common sans-serif, and the one Debian's Chromium uses), so columns laid out with it
/// do not overlap in narrower fonts either. The plot is drawn on a canvas and in SVG, and
/// neither can measure text without the DOM, which would cost a layout per label.
// The advance widths are DejaVu Sans's, in em; 0.318 is the space's, not 1/pi.
#[allow(clippy::approx_constant)]
pub fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    let em: f64 = text
        .chars()
        .map(|c| match c {
            ' ' | '.' | ',' | ';' => 0.318,
            ':' | '/' | '!' | '\'' | '|' => 0.337,
            'i' | 'j' | 'l' => 0.278,
            'I' => 0.295,
            'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' => 0.41,
            '0'..='9' | '²' => 0.636,
            'm' => 0.974,
            'w' => 0.818,
            'M' => 0.863,
            'W' => 0.989,
            '%' => 0.95,
            '–' | '·' => 0.5,
            '—' | '−' => 0.838,
            'a'..='z' => 0.62,
            'A'..='Z' => 0.74,
            c if (c as u32) >= 0x1100 => 1.0,
            _ => 0.7,
        })
        .sum();
    // A little slack: bold and hinting run a few percent wider than these widths.
    em * size * if bold { 1.14 } else { 1.02 }
}

/// `text` cut with an ellipsis to fit `max` pixels.
pub(crate) fn fit_text(text: &str, max: f64, size: f64, bold: bool) -> String {
    if text_width(text, size, bold) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if text_width(&format!("{out}{c}…"), size, bold) > max {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

/// Each label cut to fit `max` pixels, as `fit_text` cuts it; where that would make different
/// labels read alike ("Beck 2014 M…" three times), the middle is cut instead, keeping as much
/// of the end as tells them apart ("Beck 20…59323)").
pub(crate) fn fit_distinct(labels: &[String], max: f64, size: f64, bold: bool) -> Vec<String> {
    let mut cut: Vec<String> = labels.iter().map(|l| fit_text(l, max, size, bold)).collect();
    for i in 0..labels.len() {
        let clashes = |cut: &[String], text: &str| {
            labels.iter().zip(cut).enumerate().any(|(j, (l, c))| j != i && l != &labels[i] && c == text)
        };
        if !clashes(&cut, &cut[i]) {
            continue;
        }
        let chars: Vec<char> = labels[i].chars().collect();
        // Five characters of the end where they fit (so that they read as a part of the name),
        // fewer on the narrowest plots.
        let longest_fitting = (1..chars.len())
            .take_while(|&n| {
                text_width(&format!("…{}", chars[chars.len() - n..].iter().collect::<String>()), size, bold) <= max
            })
            .last()
            .unwrap_or(0);
        for tail_len in longest_fitting.clamp(1, 5)..=longest_fitting {
            let tail: String = chars[chars.len() - tail_len..].iter().collect();
            let room = max - text_width(&format!("…{tail}"), size, bold);
            let head: String = chars
                .iter()
                .scan(String::new(), |head, c| {
                    head.push(*c);
                    Some(head.clone())
                })
                .take_while(|h| text_width(h, size, bold) <= room)
                .last()
                .unwrap_or_default();
            let candidate = format!("{}…{tail}", head.trim_end());
            let alike = |j: usize| {
                j != i && labels[j] != labels[i] && labels[j].starts_with(head.trim_end()) && labels[j].ends_with(&tail)
            };
            if !clashes(&cut, &candidate) && !(0..labels.len()).any(alike) {
                cut[i] = candidate;
                break;
            }
        }
    }
    cut
}

/// Breaks a line between words so that each piece fits `max` pixels; a single word longer
/// than that is cut with an ellipsis.
fn wrap(line: &str, max: f64, size: f64, bold: bool) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in line.split(' ') {
        let last = lines.last_mut().expect("never empty");
        let joined = if last.is_empty() { word.to_string() } else { format!("{last} {word}") };
        if text_width(&joined, size, bold) <= max {
            *last = joined;
        } else if last.is_empty() {
            *last = fit_text(word, max, size, bold);
        } else {
            lines.push(fit_text(word, max, size, bold));
        }
    }
    lines
}

/// A study name as drawn: control characters (which XML 1.0 cannot hold, and a canvas cannot
/// show) become spaces. Markup characters are left to the backend, which escapes them.
fn printable(label: &str) -> String {
    label.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Where each column sits, measured from the text it has to hold. Wide plots show every
/// column in full; narrower ones first drop registry numbers from trial names, then the extra
/// columns and risk-of-bias dots, then the weight column, and only then cut names short.
struct Columns {
    /// Each row's name as drawn, and the width they may take.
    labels: Vec<String>,
    label_width: f64,
    short_heads: bool,
    counts: bool,
    /// The left edge and width of each extra column; empty when they gave way.
    extras: Vec<(f64, f64)>,
    treatment_right: f64,
    control_right: f64,
    weight_right: Option<f64>,
    plot_left: f64,
    plot_right: f64,
    estimate_left: f64,
    /// The centre of the first risk-of-bias dot, when they are drawn.
    rob_first: Option<f64>,
}

/// The width of a risk-of-bias dot's column.
const ROB_CELL: f64 = 20.0;
/// The widest an extra column's cell may be before it is cut.
const MAX_EXTRA: f64 = 160.0;
/// The risk-of-bias columns' headings, in `DOMAINS` order.
const ROB_HEADS: [&str; 6] = ["D1", "D2", "D3", "D4", "D5", "O"];

/// Names without their parenthesised detail ("Beck 2014 M12 (NCT01548404)" → "Beck 2014
/// M12"), except where two rows would then read alike.
fn short_labels(plot: &ForestPlot) -> Vec<String> {
    let short: Vec<&str> = plot.rows.iter().map(|r| r.label.split(" (").next().unwrap_or(&r.label)).collect();
    let mut uses = std::collections::HashMap::new();
    for s in &short {
        *uses.entry(*s).or_insert(0) += 1;
    }
    plot.rows.iter().zip(&short).map(|(r, s)| printable(if uses[s] > 1 { &r.label } else { s })).collect()
}

/// A 2x2 arm as "events/total", marked when the user entered it.
fn count_text(arm: Option<(i64, i64)>, entered: bool) -> String {
    arm.map_or("–".to_string(), |(e, n)| format!("{e}/{n}{}", if entered { super::ENTERED_MARK } else { "" }))
}

/// Study and subtotal rows fill the columns; headings and notes are text only.
fn has_columns(row: &ForestRow) -> bool {
    matches!(row.kind, RowKind::Study | RowKind::Subtotal)
}

/// A note row's text, wrapped to the room left of the plot.
fn note_lines(row: &ForestRow, cols: &Columns) -> Vec<String> {
    wrap(&printable(&row.label), (cols.plot_left - GAP - MARGIN).max(60.0), SMALL_TEXT, false)
}

/// The rows' height: one line each, a note as many as it wraps to.
fn rows_height(plot: &ForestPlot, width: f64) -> f64 {
    let notes = plot.rows.iter().any(|r| r.kind == RowKind::Note).then(|| columns(plot, width));
    plot.rows
        .iter()
        .map(|r| {
            ROW * notes.as_ref().filter(|_| r.kind == RowKind::Note).map_or(1, |cols| note_lines(r, cols).len()) as f64
        })
        .sum()
}

/// A row's estimate as printed; entered counts carry their mark here too, since narrow plots
/// drop the count columns.
fn row_estimate_text(plot: &ForestPlot, row: &ForestRow) -> String {
    let text = estimate_text(plot, row.estimate, &row.status);
    if row.entered && row.estimate.is_some() {
        text + super::ENTERED_MARK
    } else {
        text
    }
}

fn estimate_text(plot: &ForestPlot, estimate: Option<(f64, f64, f64)>, status: &RowStatus) -> String {
    match (status, estimate) {
        (RowStatus::NotReported | RowStatus::NotEstimable | RowStatus::Invalid, _) | (_, None) => {
            status.label().to_string()
        }
        (_, Some((e, l, u))) => {
            let (e, l, u) = (effect(e, plot.measure), effect(l, plot.measure), effect(u, plot.measure));
            match plot.layout {
                ForestLayout::RevMan => format!("{e} [{l}, {u}]"),
                // JAMA's hyphen reads as a minus beside a negative bound.
                ForestLayout::Jama if !l.starts_with('−') && !u.starts_with('−') => format!("{e} ({l}-{u})"),
                _ => format!("{e} ({l} to {u})"),
            }
        }
    }
}

/// Whether the layout shows a column: JAMA's has neither counts nor weights.
fn layout_shows_counts(plot: &ForestPlot) -> bool {
    plot.layout != ForestLayout::Jama
}

fn columns(plot: &ForestPlot, width: f64) -> Columns {
    let cell = |c: Option<(i64, i64)>, entered: bool| text_width(&count_text(c, entered), TEXT, false);
    let heading = format!("{} (95% CI)", measure_heading(plot.measure));
    let estimate_width = plot
        .rows
        .iter()
        .filter(|r| has_columns(r))
        // An excluded row may carry " off" when there is no weight column to say so.
        .map(|r| {
            text_width(&row_estimate_text(plot, r), TEXT, r.kind == RowKind::Subtotal)
                + if r.status == RowStatus::Excluded { text_width(" off", TEXT, false) } else { 0.0 }
        })
        .chain(plot.pooled.iter().map(|p| {
            text_width(&estimate_text(plot, Some((p.estimate, p.lower, p.upper)), &RowStatus::Included), TEXT, true)
        }))
        .fold(text_width(&heading, TEXT, true), f64::max);
    let weight_width = text_width("excluded", SMALL_TEXT, false).max(text_width(weight_heading(plot), TEXT, true));
    let extra_widths: Vec<f64> = plot
        .extra_headings
        .iter()
        .enumerate()
        .map(|(i, heading)| {
            plot.rows
                .iter()
                .filter_map(|r| r.extra.get(i))
                .map(|c| text_width(c, TEXT, false))
                .fold(text_width(heading, TEXT, true), f64::max)
                .min(MAX_EXTRA)
        })
        .collect();
    let full_labels: Vec<String> = plot.rows.iter().map(|r| printable(&r.label)).collect();
    let short_labels = short_labels(plot);
    let min_plot = (width * 0.22).max(90.0);
    // (short labels, weight column, small arm headings, count columns, extra columns), from the
    // most room to the least: a phone shows names, plot and estimates, and the counts stay in
    // the table.
    let stages = [
        (false, true, false, true, true),
        (true, true, false, true, true),
        (true, true, false, true, false),
        (true, true, true, true, false),
        (true, false, true, true, false),
        (true, false, true, false, false),
    ];
    // A plot of refits has neither counts nor weights: their columns are never drawn.
    let has_counts =
        layout_shows_counts(plot) && plot.rows.iter().any(|r| r.treatment.is_some() || r.control.is_some());
    let has_weights = layout_shows_counts(plot)
        && plot.rows.iter().any(|r| r.weight_percent.is_some() || r.status == RowStatus::Excluded);
    let (estimate_before_plot, weight_after_plot) =
        (plot.layout == ForestLayout::Jama, plot.layout == ForestLayout::Bmj);
    for (stage, (short, with_weight, short_heads, with_counts, with_extras)) in stages.into_iter().enumerate() {
        let (with_weight, with_counts) = (with_weight && has_weights, with_counts && has_counts);
        let labels = if short { &short_labels } else { &full_labels };
        // Headings and notes run across the count columns, like the pooled rows' labels.
        let wanted = labels
            .iter()
            .zip(&plot.rows)
            .filter(|(_, r)| has_columns(r))
            .map(|(l, _)| text_width(l, TEXT, false))
            .fold(text_width(&row_heading(plot), TEXT, true), f64::max);
        let head = |label: &str| {
            if short_heads {
                text_width(label, SMALL_TEXT, true).max(text_width("n/N", SMALL_TEXT, false))
            } else {
                text_width(label, TEXT, true).max(text_width("events/total", SMALL_TEXT, false))
            }
        };
        let counts = |f: &dyn Fn(&super::ForestRow) -> f64| plot.rows.iter().map(f).fold(0.0, f64::max);
        let (treatment, control) = if with_counts {
            (
                GAP + head(&plot.treatment_label).max(counts(&|r| cell(r.treatment, r.entered))),
                GAP + head(&plot.control_label).max(counts(&|r| cell(r.control, r.entered))),
            )
        } else {
            (0.0, 0.0)
        };
        let weight = if with_weight { GAP + weight_width } else { 0.0 };
        let extras: f64 = if with_extras { extra_widths.iter().map(|w| GAP + w).sum() } else { 0.0 };
        let rob = if with_extras && plot.rob { GAP + 6.0 * ROB_CELL } else { 0.0 };
        // The estimate sits between two gaps; a plot with nothing to its right keeps one more
        // for its last tick label.
        let tail = if estimate_before_plot { GAP } else { 0.0 };
        let fixed = MARGIN + extras + treatment + control + weight + GAP + GAP + estimate_width + tail + rob + MARGIN;
        // The last two stages may cut names short, to a readable minimum, before the counts
        // (which show the zero cells) give way.
        let (last, cuts) = (stage == stages.len() - 1, stage >= stages.len() - 2);
        let needed = if cuts { wanted.min(MIN_LABEL) } else { wanted };
        if fixed + needed + min_plot <= width || last {
            let label = wanted.min((width - fixed - min_plot).max(if last { 50.0 } else { needed }));
            let mut x = MARGIN + label;
            let mut extra_columns = Vec::new();
            for w in extra_widths.iter().filter(|_| with_extras) {
                extra_columns.push((x + GAP, *w));
                x += GAP + w;
            }
            let treatment_right = x + treatment;
            let control_right = treatment_right + control;
            x = control_right;
            let mut weight_right = None;
            if !weight_after_plot && with_weight {
                x += weight;
                weight_right = Some(x);
            }
            let mut estimate_left = x + GAP;
            if estimate_before_plot {
                x = estimate_left + estimate_width;
            }
            let plot_left = x + GAP;
            // The right-hand columns, from the edge in; on the narrowest screens the plot keeps
            // 28 px and the rest runs on.
            let right_columns = rob
                + if estimate_before_plot { tail } else { GAP + estimate_width }
                + if weight_after_plot { weight } else { 0.0 };
            let edge = (width - MARGIN).max(plot_left + 28.0 + right_columns);
            let rob_first = (rob > 0.0).then(|| edge - 6.0 * ROB_CELL + ROB_CELL / 2.0);
            let mut right = edge - rob;
            if !estimate_before_plot {
                estimate_left = right - estimate_width;
                right = estimate_left - GAP;
            } else {
                right -= tail;
            }
            if weight_after_plot && with_weight {
                weight_right = Some(right);
                right -= weight;
            }
            return Columns {
                labels: labels.clone(),
                label_width: label,
                short_heads,
                counts: with_counts,
                extras: extra_columns,
                treatment_right,
                control_right,
                weight_right,
                plot_left,
                plot_right: right,
                estimate_left,
                rob_first,
            };
        }
    }
    unreachable!("the last stage always returns")
}

/// A weight as printed: BMJ's heading carries the "%".
fn weight_text(plot: &ForestPlot, weight: f64) -> String {
    if plot.layout == ForestLayout::Bmj {
        format!("{weight:.1}")
    } else {
        format!("{weight:.1}%")
    }
}

/// The heading over the study names: JAMA's "Source" for studies.
fn row_heading(plot: &ForestPlot) -> String {
    match plot.layout {
        ForestLayout::Jama if plot.row_heading == "Study" => "Source".into(),
        _ => plot.row_heading.clone(),
    }
}

fn weight_heading(plot: &ForestPlot) -> &'static str {
    if plot.layout == ForestLayout::Bmj {
        "Weight (%)"
    } else {
        "Weight"
    }
}

fn title_lines(plot: &ForestPlot, width: f64) -> Vec<String> {
    plot.title.as_deref().map_or(vec![], |t| wrap(&printable(t), width - 2.0 * MARGIN, TITLE, true))
}

/// The change note and the summary lines, wrapped to the width; while the pooled result is
/// hidden for a guess, the summary lines (which state it) are left out.
fn footer_lines(plot: &ForestPlot, width: f64) -> Vec<(String, bool)> {
    let max = width - 2.0 * MARGIN;
    let note = plot.change_note.iter().flat_map(|n| wrap(n, max, SMALL_TEXT, true)).map(|l| (l, true));
    let footer: &[String] = if pooled_hidden(plot) { &[] } else { &plot.footer };
    let key = (plot.rob && columns(plot, width).rob_first.is_some()).then_some(super::ROB_KEY.to_string());
    note.chain(footer.iter().chain(&key).flat_map(|l| wrap(l, max, SMALL_TEXT, false)).map(|l| (l, false))).collect()
}

fn pooled_hidden(plot: &ForestPlot) -> bool {
    plot.guess.is_some_and(|g| g.hidden)
}

/// The axis: it holds every point estimate, the pooled intervals (unless they are hidden for a
/// guess, when the axis must not give them away) and the guess.
fn forest_scale(plot: &ForestPlot) -> AxisScale {
    let pooled = plot.pooled.iter().filter(|_| !pooled_hidden(plot)).flat_map(|p| [p.estimate, p.lower, p.upper]);
    let guess = plot.guess.and_then(|g| g.value);
    AxisScale::fit(
        plot.rows.iter().filter_map(|r| r.estimate.map(|e| e.0)).chain(pooled).chain(guess).chain(plot.threshold),
        plot.measure.is_ratio(),
    )
}

/// The effect value under x (CSS pixels) on the plot drawn `width` wide, if x is over the axis.
pub fn forest_axis_value(plot: &ForestPlot, width: f64, x: f64) -> Option<f64> {
    let cols = columns(plot, width);
    let fraction = (x - cols.plot_left) / (cols.plot_right - cols.plot_left);
    (0.0..=1.0).contains(&fraction).then(|| forest_scale(plot).value_at(fraction))
}

/// The narrowest width from `base` up (in steps of 160 px, to twice `base`) at which the plot
/// keeps every column it asks for: an export keeps what a narrow screen drops.
pub fn forest_export_width(plot: &ForestPlot, base: f64) -> f64 {
    let keeps_all = |width: f64| {
        let cols = columns(plot, width);
        cols.extras.len() == plot.extra_headings.len() && (cols.rob_first.is_some() || !plot.rob)
    };
    (0..)
        .map(|step| base + 160.0 * step as f64)
        .take_while(|w| *w <= 2.0 * base)
        .find(|w| keeps_all(*w))
        .unwrap_or(2.0 * base)
}

/// Height in CSS pixels that `draw_forest` needs for this plot at this width.
pub fn forest_height(plot: &ForestPlot, width: f64) -> f64 {
    let pooled_rows = plot.pooled.len().max(1) as f64;
    TITLE_LINE * title_lines(plot, width).len() as f64
        + HEADER
        + rows_height(plot, width)
        + POOLED * pooled_rows
        + AXIS
        + FOOTER_LINE * footer_lines(plot, width).len() as f64
        + 8.0
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
    let bold = |size: f64, color: RGBColor, h: HPos| {
        ("sans-serif", size * px).into_font().style(FontStyle::Bold).color(&color).pos(Pos::new(h, VPos::Center))
    };
    let cols = columns(plot, width);
    let (plot_left, plot_right) = (cols.plot_left, cols.plot_right);

    let mut top = 0.0;
    for line in title_lines(plot, width) {
        root.draw_text(&line, &bold(TITLE, INK, HPos::Left), (p(MARGIN), p(top + TITLE_LINE / 2.0)))?;
        top += TITLE_LINE;
    }

    // The axis holds every point estimate and the pooled intervals; study intervals that run
    // past it end in arrows.
    let scale = forest_scale(plot);
    let x_of = |v: f64| plot_left + (plot_right - plot_left) * scale.fraction(v);
    let clamp = |x: f64| x.clamp(plot_left, plot_right);
    let arrow = |tip: f64, dir: f64, y: f64, color: RGBColor| {
        let back = tip - dir * 6.0;
        Polygon::new(vec![(p(tip), p(y)), (p(back), p(y - 4.0)), (p(back), p(y + 4.0))], color.filled())
    };
    let max_weight = plot.rows.iter().filter_map(|r| r.weight_percent).fold(0.0, f64::max);
    let null_x = x_of(scale.null_value());
    let jama = plot.layout == ForestLayout::Jama;
    // JAMA's squares are dark blue and its diamonds light blue; RevMan and BMJ keep the page's.
    let (study_mark, pooled_fill, second_fill) =
        if jama { (JAMA_SQUARE, SECOND, MUTED) } else { (STUDY, POOLED_FILL, SECOND) };
    // RevMan sets the pooled rows in bold; the journals in plain type.
    let pooled_font = |size: f64, color: RGBColor, h: HPos| {
        if plot.layout == ForestLayout::RevMan {
            bold(size, color, h)
        } else {
            font(size, color, h)
        }
    };

    // Header.
    let head_y = top + 13.0;
    root.draw_text(&row_heading(plot), &bold(TEXT, INK, HPos::Left), (p(MARGIN), p(head_y)))?;
    for ((x, w), heading) in cols.extras.iter().zip(&plot.extra_headings) {
        root.draw_text(&fit_text(heading, *w, TEXT, true), &bold(TEXT, INK, HPos::Left), (p(*x), p(head_y)))?;
    }
    if cols.counts {
        let arm_head = if cols.short_heads { bold(SMALL_TEXT, INK, HPos::Right) } else { bold(TEXT, INK, HPos::Right) };
        root.draw_text(&plot.treatment_label, &arm_head, (p(cols.treatment_right), p(head_y)))?;
        root.draw_text(&plot.control_label, &arm_head, (p(cols.control_right), p(head_y)))?;
        let hint = if cols.short_heads { "n/N" } else { "events/total" };
        root.draw_text(hint, &font(SMALL_TEXT, MUTED, HPos::Right), (p(cols.treatment_right), p(head_y + 15.0)))?;
        root.draw_text(hint, &font(SMALL_TEXT, MUTED, HPos::Right), (p(cols.control_right), p(head_y + 15.0)))?;
    }
    if let Some(x) = cols.weight_right {
        root.draw_text(weight_heading(plot), &bold(TEXT, INK, HPos::Right), (p(x), p(head_y)))?;
    }
    let heading = format!("{} (95% CI)", measure_heading(plot.measure));
    root.draw_text(&heading, &bold(TEXT, INK, HPos::Left), (p(cols.estimate_left), p(head_y)))?;
    if let Some(first) = cols.rob_first {
        for (j, code) in ROB_HEADS.iter().enumerate() {
            let x = first + ROB_CELL * j as f64;
            root.draw_text(code, &bold(SMALL_TEXT, INK, HPos::Center), (p(x), p(head_y)))?;
        }
    }
    // JAMA's side labels sit in bold above the plot, in its spelling.
    let favours = |label: &str, room: f64| {
        let word = if jama { "Favors" } else { "Favours" };
        fit_text(&format!("{word} {}", crate::in_sentence(label)), room, SMALL_TEXT, jama)
    };
    if jama {
        let label_y = head_y + 15.0;
        let left = favours(&plot.treatment_label, null_x - 4.0 - plot_left);
        let right = favours(&plot.control_label, plot_right - null_x - 4.0);
        root.draw_text(&left, &bold(SMALL_TEXT, INK, HPos::Right), (p(null_x - 4.0), p(label_y)))?;
        root.draw_text(&right, &bold(SMALL_TEXT, INK, HPos::Left), (p(null_x + 4.0), p(label_y)))?;
    }

    let header_bottom = top + HEADER;
    let mut y = header_bottom + ROW / 2.0;
    // Text rows and pooled labels run up to the first column they share a row with.
    let text_room = plot_left.min(cols.estimate_left) - GAP - MARGIN;
    // Study names cut to their column stay distinguishable from one another.
    let study_labels = fit_distinct(&cols.labels, cols.label_width, TEXT, false);
    for ((row, label), study_label) in plot.rows.iter().zip(&cols.labels).zip(&study_labels) {
        match row.kind {
            RowKind::Heading => {
                root.draw_text(
                    &fit_text(label, text_room, TEXT, true),
                    &bold(TEXT, INK, HPos::Left),
                    (p(MARGIN), p(y)),
                )?;
                y += ROW;
                continue;
            }
            RowKind::Note => {
                for line in note_lines(row, &cols) {
                    root.draw_text(&line, &font(SMALL_TEXT, INK, HPos::Left), (p(MARGIN), p(y)))?;
                    y += ROW;
                }
                continue;
            }
            RowKind::Subtotal => {
                root.draw_text(
                    &fit_text(label, cols.label_width, TEXT, true),
                    &bold(TEXT, INK, HPos::Left),
                    (p(MARGIN), p(y)),
                )?;
                let ink = if row.entered { ENTERED } else { INK };
                if cols.counts {
                    root.draw_text(
                        &count_text(row.treatment, row.entered),
                        &bold(TEXT, ink, HPos::Right),
                        (p(cols.treatment_right), p(y)),
                    )?;
                    root.draw_text(
                        &count_text(row.control, row.entered),
                        &bold(TEXT, ink, HPos::Right),
                        (p(cols.control_right), p(y)),
                    )?;
                }
                if let (Some(x), Some(w)) = (cols.weight_right, row.weight_percent) {
                    root.draw_text(&weight_text(plot, w), &bold(TEXT, INK, HPos::Right), (p(x), p(y)))?;
                }
                root.draw_text(
                    &row_estimate_text(plot, row),
                    &bold(TEXT, ink, HPos::Left),
                    (p(cols.estimate_left), p(y)),
                )?;
                if let Some((est, lo, hi)) = row.estimate {
                    let (xl, xe, xh) = (clamp(x_of(lo)), clamp(x_of(est)), clamp(x_of(hi)));
                    root.draw(&Polygon::new(
                        vec![(p(xl), p(y)), (p(xe), p(y - 5.0)), (p(xh), p(y)), (p(xe), p(y + 5.0))],
                        study_mark.filled(),
                    ))?;
                }
                y += ROW;
                continue;
            }
            RowKind::Study => {}
        }
        let (ink, mark) = match row.status {
            RowStatus::Included if row.emphasis => (POOLED_FILL, POOLED_FILL),
            RowStatus::Included => (INK, study_mark),
            _ => (MUTED, MUTED),
        };
        root.draw_text(study_label, &font(TEXT, ink, HPos::Left), (p(MARGIN), p(y)))?;
        for ((x, w), cell) in cols.extras.iter().zip(&row.extra) {
            root.draw_text(&fit_text(&printable(cell), *w, TEXT, false), &font(TEXT, ink, HPos::Left), (p(*x), p(y)))?;
        }
        if let Some(first) = cols.rob_first {
            for (j, judgment) in row.rob.iter().enumerate() {
                if let Some(judgment) = judgment {
                    let x = first + ROB_CELL * j as f64;
                    root.draw(&Circle::new((p(x), p(y)), p(7.0), crate::traffic_light::colour(*judgment).filled()))?;
                    root.draw_text(judgment.symbol(), &bold(SMALL_TEXT, INK, HPos::Center), (p(x), p(y)))?;
                }
            }
        }
        // Entered counts and their estimate keep their own colour, even switched off.
        let numbers_ink = if row.entered { ENTERED } else { ink };
        if cols.counts {
            root.draw_text(
                &count_text(row.treatment, row.entered),
                &font(TEXT, numbers_ink, HPos::Right),
                (p(cols.treatment_right), p(y)),
            )?;
            root.draw_text(
                &count_text(row.control, row.entered),
                &font(TEXT, numbers_ink, HPos::Right),
                (p(cols.control_right), p(y)),
            )?;
        }
        let mut estimate = row_estimate_text(plot, row);
        match (cols.weight_right, row.weight_percent, &row.status) {
            (Some(x), Some(w), _) => {
                root.draw_text(&weight_text(plot, w), &font(TEXT, ink, HPos::Right), (p(x), p(y)))?
            }
            (Some(x), None, RowStatus::Excluded) => {
                root.draw_text("excluded", &font(SMALL_TEXT, MUTED, HPos::Right), (p(x), p(y)))?
            }
            (None, _, RowStatus::Excluded) if row.estimate.is_some() => estimate.push_str(" off"),
            _ => {}
        }
        root.draw_text(&estimate, &font(TEXT, numbers_ink, HPos::Left), (p(cols.estimate_left), p(y)))?;
        if let Some((est, lo, hi)) = row.estimate {
            root.draw(&PathElement::new(
                vec![(p(clamp(x_of(lo))), p(y)), (p(clamp(x_of(hi))), p(y))],
                mark.stroke_width(p(1.5).max(1) as u32),
            ))?;
            if x_of(lo) < plot_left {
                root.draw(&arrow(plot_left, -1.0, y, mark))?;
            }
            if x_of(hi) > plot_right {
                root.draw(&arrow(plot_right, 1.0, y, mark))?;
            }
            let xe = x_of(est);
            if (plot_left..=plot_right).contains(&xe) {
                let side = match row.weight_percent {
                    Some(w) if max_weight > 0.0 => 4.0 + 8.0 * (w / max_weight).sqrt(),
                    _ => 5.0,
                };
                let half = side / 2.0;
                let corners = [(p(xe - half), p(y - half)), (p(xe + half), p(y + half))];
                if row.status == RowStatus::Included {
                    root.draw(&Rectangle::new(corners, mark.filled()))?;
                } else {
                    root.draw(&Rectangle::new(corners, mark.stroke_width(1)))?;
                }
            }
        }
        y += ROW;
    }

    // Pooled diamonds: the main analysis first, then any model shown for comparison. A diamond
    // never leaves the axis; a limit beyond it gets an arrow.
    let diamond = |lo: f64, est: f64, hi: f64, y: f64| {
        let (xl, xe, xh) = (clamp(x_of(lo)), clamp(x_of(est)), clamp(x_of(hi)));
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
        root.draw_text("No estimable trials to pool", &font(TEXT, MUTED, HPos::Left), (p(MARGIN), p(pooled_y)))?;
        pooled_y += POOLED;
    }
    if let Some(guess) = plot.guess.and_then(|g| g.value) {
        // The guess: a vertical marker through the pooled row, labelled above it.
        let x = clamp(x_of(guess));
        let top_y = pooled_y - 16.0;
        root.draw(&PathElement::new(
            vec![(p(x), p(top_y)), (p(x), p(pooled_y + 11.0))],
            GUESS.stroke_width(p(3.0).max(1) as u32),
        ))?;
        let label = format!("guess {}", effect(guess, plot.measure));
        let (anchor, dx) = if x > (plot_left + plot_right) / 2.0 { (HPos::Right, -5.0) } else { (HPos::Left, 5.0) };
        root.draw_text(&label, &bold(SMALL_TEXT, GUESS, anchor), (p(x + dx), p(top_y + 2.0)))?;
    }
    for (i, row) in plot.pooled.iter().enumerate() {
        let fill = if i == 0 { pooled_fill } else { second_fill };
        if pooled_hidden(plot) {
            let label = fit_text(&printable(&row.label), text_room, TEXT, true);
            root.draw_text(&label, &bold(TEXT, INK, HPos::Left), (p(MARGIN), p(pooled_y)))?;
            root.draw_text("? (make a guess)", &bold(TEXT, MUTED, HPos::Left), (p(cols.estimate_left), p(pooled_y)))?;
            pooled_y += POOLED;
            continue;
        }
        if i == 0 {
            if let Some((lo, hi)) = plot.prediction {
                root.draw(&PathElement::new(
                    vec![(p(clamp(x_of(lo))), p(pooled_y)), (p(clamp(x_of(hi))), p(pooled_y))],
                    fill.stroke_width(p(2.0).max(1) as u32),
                ))?;
            }
        }
        // A pooled row has no counts, so its label may run across the count columns.
        let label = fit_text(&printable(&row.label), text_room, TEXT, true);
        root.draw_text(&label, &pooled_font(TEXT, INK, HPos::Left), (p(MARGIN), p(pooled_y)))?;
        let text = estimate_text(plot, Some((row.estimate, row.lower, row.upper)), &RowStatus::Included);
        root.draw_text(&text, &pooled_font(TEXT, INK, HPos::Left), (p(cols.estimate_left), p(pooled_y)))?;
        root.draw(&Polygon::new(diamond(row.lower, row.estimate, row.upper, pooled_y), fill.filled()))?;
        if x_of(row.lower) < plot_left {
            root.draw(&arrow(plot_left - 1.0, -1.0, pooled_y, fill))?;
        }
        if x_of(row.upper) > plot_right {
            root.draw(&arrow(plot_right + 1.0, 1.0, pooled_y, fill))?;
        }
        pooled_y += POOLED;
    }
    let y = y + POOLED * (plot.pooled.len().max(1) as f64 - 1.0);

    // Axis, null line and ticks; a tick whose label would touch its neighbour's is left out.
    let axis_y = y + POOLED;
    root.draw(&PathElement::new(vec![(p(plot_left), p(axis_y)), (p(plot_right), p(axis_y))], INK.stroke_width(1)))?;
    root.draw(&PathElement::new(
        vec![(p(null_x), p(header_bottom - 4.0)), (p(null_x), p(axis_y))],
        INK.stroke_width(1),
    ))?;
    if let Some(pooled) = plot.pooled.first().filter(|_| plot.reference_line && !pooled_hidden(plot)) {
        let x = x_of(pooled.estimate);
        if (plot_left..=plot_right).contains(&x) {
            let mut dash = header_bottom - 4.0;
            while dash < axis_y {
                let end = (dash + 4.0).min(axis_y);
                root.draw(&PathElement::new(vec![(p(x), p(dash)), (p(x), p(end))], pooled_fill.stroke_width(1)))?;
                dash += 7.0;
            }
        }
    }
    let tick_label = |t: f64| if plot.measure.is_ratio() { format!("{t}") } else { effect(t, plot.measure) };
    let mut ticks = scale.ticks();
    // The null first, then powers of ten, then the rest, nearest the null first: what is left
    // out for lack of room is the least telling.
    let rank = |t: f64| {
        let decade = plot.measure.is_ratio() && (t.log10() - t.log10().round()).abs() < 1e-9;
        let distance = if plot.measure.is_ratio() { t.ln().abs() } else { (t - scale.null_value()).abs() };
        (t != scale.null_value(), !decade, distance.to_bits())
    };
    ticks.sort_by_key(|t| rank(*t));
    let mut kept: Vec<(f64, f64)> = Vec::new();
    for tick in ticks {
        let (x, half) = (x_of(tick), text_width(&tick_label(tick), SMALL_TEXT, false) / 2.0 + 3.0);
        if kept.iter().all(|(kx, kh)| (x - kx).abs() >= half + kh) {
            kept.push((x, half));
            root.draw(&PathElement::new(vec![(p(x), p(axis_y)), (p(x), p(axis_y + 4.0))], INK.stroke_width(1)))?;
            root.draw_text(&tick_label(tick), &font(SMALL_TEXT, INK, HPos::Center), (p(x), p(axis_y + 13.0)))?;
        }
    }
    // The threshold's band, over everything so far but translucent, so no mark is hidden.
    if let Some(threshold) = plot.threshold.filter(|t| *t != scale.null_value()) {
        let x = clamp(x_of(threshold));
        let end = if threshold < scale.null_value() { plot_left } else { plot_right };
        root.draw(&Rectangle::new(
            [(p(x), p(header_bottom - 4.0)), (p(end), p(axis_y))],
            THRESHOLD.mix(0.12).filled(),
        ))?;
        root.draw(&PathElement::new(
            vec![(p(x), p(header_bottom - 4.0)), (p(x), p(axis_y))],
            THRESHOLD.stroke_width(1),
        ))?;
    }
    if jama {
        // JAMA names the measure and interval under the axis; its side labels are above.
        let centre = (plot_left + plot_right) / 2.0;
        let room = 2.0 * (centre - MARGIN).min(width - MARGIN - centre);
        root.draw_text(
            &fit_text(&heading, room, SMALL_TEXT, false),
            &font(SMALL_TEXT, INK, HPos::Center),
            (p(centre), p(axis_y + 30.0)),
        )?;
    } else {
        root.draw_text(
            &favours(&plot.treatment_label, null_x - 4.0 - MARGIN),
            &font(SMALL_TEXT, INK, HPos::Right),
            (p(null_x - 4.0), p(axis_y + 30.0)),
        )?;
        root.draw_text(
            &favours(&plot.control_label, width - MARGIN - null_x - 4.0),
            &font(SMALL_TEXT, INK, HPos::Left),
            (p(null_x + 4.0), p(axis_y + 30.0)),
        )?;
    }

    let mut fy = axis_y + AXIS;
    for (line, is_note) in footer_lines(plot, width) {
        let style = if is_note { bold(SMALL_TEXT, POOLED_FILL, HPos::Left) } else { font(SMALL_TEXT, INK, HPos::Left) };
        root.draw_text(&line, &style, (p(MARGIN), p(fy)))?;
        fy += FOOTER_LINE;
    }
    root.present()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_to_fit_and_summary_lines_wrap() {
        let cut = fit_text("Beck 2014 M4 (NCT01259323)", 80.0, TEXT, false);
        assert!(cut.ends_with('…') && text_width(&cut, TEXT, false) <= 80.0, "{cut}");
        let lines =
            wrap("Heterogeneity: Tau² = 0.000; Q = 0.00, df = 0 (P = 1.000); I² = 0%", 200.0, SMALL_TEXT, false);
        assert!(lines.len() > 1 && lines.iter().all(|l| text_width(l, SMALL_TEXT, false) <= 200.0), "{lines:?}");
    }
}
