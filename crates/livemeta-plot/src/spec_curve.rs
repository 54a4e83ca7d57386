//! The specification curve of a multiverse: every specification's pooled estimate with its CI,
//! sorted, and under each the choices it made, one row per choice value (Simonsohn, Simmons
//! and Nelson 2020). Drawn by hand, as the scatter plots are.
use crate::draw::fit_text;
use crate::{text_width, Figure};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One specification as the curve shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveSpec {
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
    /// -1 when the CI lies below the null, 1 above, 0 when it contains it.
    pub side: i8,
    /// The value index it takes in each choice, in `SpecificationCurve::choices` order.
    pub marks: Vec<usize>,
    /// The analysis on screen.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SpecificationCurve {
    pub measure_label: String,
    /// Estimates are ratios, drawn on a log axis around 1; else differences around 0.
    pub ratio: bool,
    /// Sorted by estimate.
    pub specs: Vec<CurveSpec>,
    /// Each choice: its name and its values.
    pub choices: Vec<(String, Vec<String>)>,
    /// Draw the choices under the curve (off on a projector, where the curve alone must fit;
    /// exports always have them).
    pub show_choices: bool,
}

const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const BELOW: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const ABOVE: RGBColor = RGBColor(0xd5, 0x5e, 0x00);
const NEITHER: RGBColor = RGBColor(0x99, 0x99, 0x99);
const CURRENT: RGBColor = RGBColor(0xf0, 0xe4, 0x42);

const CURVE_HEIGHT: f64 = 230.0;
const ROW: f64 = 12.0;
const HEADING: f64 = 16.0;

impl SpecificationCurve {
    fn grid_height(&self) -> f64 {
        if !self.show_choices {
            return 0.0;
        }
        self.choices.iter().map(|(_, values)| HEADING + ROW * values.len() as f64).sum()
    }
    /// The left edge and width of one specification's column: the labels of the choices take
    /// what they need, up to 40% of the width.
    fn column(&self, width: f64) -> (f64, f64) {
        let shown = self.choices.iter().filter(|_| self.show_choices);
        let labels = shown.flat_map(|(_, values)| values).map(|v| text_width(v, 11.0, false)).fold(48.0, f64::max);
        let left = (labels + 12.0).min(width * 0.4);
        (left, (width - left - 12.0) / self.specs.len().max(1) as f64)
    }
    fn axis(&self, v: f64) -> f64 {
        if self.ratio {
            v.ln()
        } else {
            v
        }
    }
}

impl Figure for SpecificationCurve {
    fn height(&self, _width: f64) -> f64 {
        CURVE_HEIGHT + 34.0 + self.grid_height()
    }
    fn exported(&self) -> Self {
        SpecificationCurve { show_choices: true, ..self.clone() }
    }

    fn pick(&self, width: f64, x: f64, y: f64) -> Option<usize> {
        let (left, step) = self.column(width);
        let i = ((x - left) / step).floor();
        (x >= left && i < self.specs.len() as f64 && y <= self.height(width)).then_some(i as usize)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let width = root.dim_in_pixel().0 as f64 / px;
        let p = |v: f64| (v * px).round() as i32;
        let font = |size: f64, h: HPos, v: VPos| ("sans-serif", size * px).into_font().color(&INK).pos(Pos::new(h, v));
        let (left, step) = self.column(width);
        let right = left + step * self.specs.len() as f64;
        // The axis is named above it, clear of the tick labels.
        let (top, bottom) = (24.0, CURVE_HEIGHT);
        // Every estimate and the null in view, and each CI as far as the estimates' own spread
        // again on either side: the widest (Knapp-Hartung with two trials can span orders of
        // magnitude) are cut at the edge.
        let null = if self.ratio { 1.0 } else { 0.0 };
        let range = |values: &mut dyn Iterator<Item = f64>| {
            values
                .map(|v| self.axis(v))
                .filter(|v| v.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
        };
        let (elo, ehi) = range(&mut self.specs.iter().map(|s| s.estimate).chain([null]));
        let (clo, chi) = range(&mut self.specs.iter().flat_map(|s| [s.lower, s.upper]).chain([null]));
        let span = (ehi - elo).max(0.3);
        let (lo, hi) = (clo.max(elo - span), chi.min(ehi + span));
        let pad = ((hi - lo) * 0.06).max(1e-3);
        let (lo, hi) = (lo - pad, hi + pad);
        let sy = |v: f64| bottom - (bottom - top) * (self.axis(v) - lo) / (hi - lo);
        let cx = |i: usize| left + step * (i as f64 + 0.5);

        if let Some(i) = self.specs.iter().position(|s| s.current) {
            let band = [
                (p(cx(i) - step.max(4.0) / 2.0), p(top)),
                (p(cx(i) + step.max(4.0) / 2.0), p(self.height(width) - 4.0)),
            ];
            root.draw(&Rectangle::new(band, CURRENT.mix(0.6).filled()))?;
        }
        root.draw(&PathElement::new(vec![(p(left), p(sy(null))), (p(right), p(sy(null)))], INK.stroke_width(1)))?;
        for (i, s) in self.specs.iter().enumerate() {
            let colour = match s.side {
                -1 => BELOW,
                1 => ABOVE,
                _ => NEITHER,
            };
            let (lower, upper) = (sy(s.lower).clamp(top, bottom), sy(s.upper).clamp(top, bottom));
            root.draw(&PathElement::new(
                vec![(p(cx(i)), p(lower)), (p(cx(i)), p(upper))],
                colour.mix(0.5).stroke_width(p(1.0).max(1) as u32),
            ))?;
            root.draw(&Circle::new((p(cx(i)), p(sy(s.estimate))), p((step / 2.0).clamp(1.5, 3.5)), colour.filled()))?;
        }
        // The y axis: ratios at round values, differences at round steps.
        root.draw(&PathElement::new(vec![(p(left), p(top)), (p(left), p(bottom))], INK.stroke_width(1)))?;
        let ticks: Vec<f64> = if self.ratio {
            [0.01f64, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0]
                .into_iter()
                .filter(|r: &f64| (lo..=hi).contains(&r.ln()))
                .collect()
        } else {
            let raw = (hi - lo) / 5.0;
            let magnitude = 10f64.powf(raw.log10().floor());
            let step = [1.0, 2.0, 2.5, 5.0, 10.0]
                .into_iter()
                .map(|m| m * magnitude)
                .find(|s| *s >= raw)
                .unwrap_or(10.0 * magnitude);
            ((lo / step).ceil() as i64..=(hi / step).floor() as i64).map(|i| i as f64 * step).collect()
        };
        // Labels at least 16 px apart.
        let mut last = f64::INFINITY;
        for t in ticks {
            if (last - sy(t)).abs() < 16.0 {
                continue;
            }
            last = sy(t);
            let label = if self.ratio { format!("{t}") } else { format!("{:.1}", t * 100.0) };
            root.draw(&PathElement::new(vec![(p(left - 4.0), p(sy(t))), (p(left), p(sy(t)))], INK.stroke_width(1)))?;
            root.draw_text(&label, &font(11.0, HPos::Right, VPos::Center), (p(left - 6.0), p(sy(t))))?;
        }
        let axis_label =
            if self.ratio { self.measure_label.clone() } else { format!("{} (percentage points)", self.measure_label) };
        root.draw_text(&axis_label, &font(12.0, HPos::Left, VPos::Top), (p(4.0), p(4.0)))?;
        let caption =
            format!("{} specifications, sorted by estimate (the widest CIs are cut at the edge)", self.specs.len());
        let caption = if text_width(&caption, 12.0, false) <= width - 8.0 {
            caption
        } else {
            format!("{} specifications, sorted by estimate", self.specs.len())
        };
        let caption = fit_text(&caption, width - 8.0, 12.0, false);
        // Under the curve where it fits there, else moved in from the edge.
        let half = text_width(&caption, 12.0, false) / 2.0;
        let centre = ((left + right) / 2.0).min(width - 4.0 - half).max(4.0 + half);
        root.draw_text(&caption, &font(12.0, HPos::Center, VPos::Top), (p(centre), p(bottom + 6.0)))?;

        // The choices under each specification.
        let mut y = CURVE_HEIGHT + 26.0;
        for (c, (name, values)) in self.choices.iter().enumerate().filter(|_| self.show_choices) {
            root.draw_text(
                name,
                &("sans-serif", 12.0 * px)
                    .into_font()
                    .style(FontStyle::Bold)
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Top)),
                (p(4.0), p(y + 2.0)),
            )?;
            y += HEADING;
            for (v, value) in values.iter().enumerate() {
                let row = y + ROW * v as f64 + ROW / 2.0;
                // On a narrow screen the label column is at most 40% of the width: long values are cut.
                root.draw_text(
                    &fit_text(value, left - 10.0, 11.0, false),
                    &font(11.0, HPos::Right, VPos::Center),
                    (p(left - 6.0), p(row)),
                )?;
                root.draw(&PathElement::new(
                    vec![(p(left), p(row)), (p(right), p(row))],
                    RGBColor(0xee, 0xee, 0xee).stroke_width(1),
                ))?;
                for i in (0..self.specs.len()).filter(|&i| self.specs[i].marks.get(c) == Some(&v)) {
                    let half = (step / 2.0).clamp(1.0, 3.0);
                    root.draw(&Rectangle::new(
                        [(p(cx(i) - half), p(row - 3.0)), (p(cx(i) + half), p(row + 3.0))],
                        INK.filled(),
                    ))?;
                }
            }
            y += ROW * values.len() as f64;
        }
        root.present()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve() -> SpecificationCurve {
        let spec = |estimate: f64, side: i8, marks: Vec<usize>| CurveSpec {
            estimate,
            lower: estimate * 0.7,
            upper: estimate * 1.4,
            side,
            marks,
            current: false,
        };
        SpecificationCurve {
            measure_label: "Risk ratio".into(),
            ratio: true,
            specs: vec![spec(0.5, -1, vec![0, 1]), spec(0.8, 0, vec![1, 0]), spec(1.2, 0, vec![1, 1])],
            choices: vec![
                ("Measure".into(), vec!["RR".into(), "OR".into()]),
                ("CI".into(), vec!["Wald".into(), "HKSJ".into()]),
            ],
            show_choices: false,
        }
    }

    #[test]
    fn a_click_picks_the_column_under_it() {
        let c = curve();
        let (left, step) = c.column(600.0);
        assert_eq!(c.pick(600.0, left + step * 1.5, 100.0), Some(1));
        assert_eq!(c.pick(600.0, left - 1.0, 100.0), None);
        assert_eq!(c.pick(600.0, left + step * 3.5, 100.0), None);
    }

    #[test]
    fn the_svg_names_every_choice_value() {
        // Exported with the choices even when the screen hides them.
        let svg = crate::figure_svg(&curve().exported(), 600);
        for text in ["Measure", "RR", "OR", "CI", "Wald", "HKSJ", "3 specifications, sorted by estimate"] {
            assert!(svg.contains(text), "{text}");
        }
    }
}
