//! The trial sequential analysis chart, laid out as the TSA software draws it: the cumulative
//! Z-curve against participants, the monitoring boundaries (solid to the last look, dashed on
//! to the required information size), the conventional significance lines and the RIS.
use crate::draw::fit_text;
use crate::Figure;
use livemeta_core::report::count;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One trial on the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct SequentialPoint {
    pub participants: f64,
    pub z: Option<f64>,
    pub boundary: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SequentialChart {
    pub points: Vec<SequentialPoint>,
    pub required: f64,
    pub boundary_at_ris: Option<f64>,
    /// The conventional two-sided critical value (1.96 for alpha 5%).
    pub conventional: f64,
    /// What a positive and a negative Z mean ("More events with dupilumab").
    pub above_label: String,
    pub below_label: String,
    pub crossed_at: Option<usize>,
}

const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const CURVE: RGBColor = RGBColor(0x00, 0x72, 0xb2);
const BOUNDARY: RGBColor = RGBColor(0xc0, 0x39, 0x2b);
const GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);
/// Boundaries above this are off the chart, as in the TSA software's plots.
const Z_LIMIT: f64 = 8.0;

fn dashed(from: (f64, f64), to: (f64, f64), dash: f64) -> Vec<[(f64, f64); 2]> {
    let length = ((to.0 - from.0).powi(2) + (to.1 - from.1).powi(2)).sqrt();
    let steps = (length / dash).floor().max(1.0) as usize;
    (0..steps)
        .step_by(2)
        .map(|i| {
            let at = |j: usize| {
                let f = (j.min(steps) as f64) / steps as f64;
                (from.0 + (to.0 - from.0) * f, from.1 + (to.1 - from.1) * f)
            };
            [at(i), at(i + 1)]
        })
        .collect()
}

impl SequentialChart {
    fn z_range(&self) -> f64 {
        let zs = self.points.iter().filter_map(|p| p.z).map(f64::abs);
        let bounds =
            self.points.iter().filter_map(|p| p.boundary).chain(self.boundary_at_ris).filter(|b| *b <= Z_LIMIT);
        zs.chain(bounds).chain([self.conventional + 1.0]).fold(0.0, f64::max).min(Z_LIMIT) * 1.08
    }
}

impl Figure for SequentialChart {
    fn height(&self, width: f64) -> f64 {
        (width * 0.42).clamp(160.0, 460.0)
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        px: f64,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        let width = root.dim_in_pixel().0 as f64 / px;
        let p = |v: f64| (v * px).round() as i32;
        let at = |(x, y): (f64, f64)| (p(x), p(y));
        let font = |size: f64, h: HPos, v: VPos| ("sans-serif", size * px).into_font().color(&INK).pos(Pos::new(h, v));
        let height = self.height(width);
        let (left, right, top, bottom) = (52.0, width - 30.0, 30.0, height - 62.0);
        let max_x = self.points.last().map_or(0.0, |p| p.participants).max(self.required) * 1.05;
        let z_max = self.z_range();
        let sx = |n: f64| left + (right - left) * n / max_x;
        let sy = |z: f64| top + (bottom - top) * (z_max - z.clamp(-z_max, z_max)) / (2.0 * z_max);
        let line = |points: Vec<(f64, f64)>, colour: RGBColor, w: f64| {
            PathElement::new(points.into_iter().map(at).collect::<Vec<_>>(), colour.stroke_width(p(w).max(1) as u32))
        };

        // Axes, zero line, conventional lines.
        root.draw(&line(vec![(left, top), (left, bottom)], INK, 1.0))?;
        root.draw(&line(vec![(left, sy(0.0)), (right, sy(0.0))], INK, 1.0))?;
        for sign in [1.0, -1.0] {
            for segment in dashed((left, sy(sign * self.conventional)), (right, sy(sign * self.conventional)), 6.0) {
                root.draw(&line(segment.to_vec(), GREY, 1.0))?;
            }
        }
        // Whole-number steps far enough apart for their labels on a short chart.
        let per_unit = (bottom - top) / (2.0 * z_max);
        let z_step = [1.0, 2.0, 4.0, 8.0].into_iter().find(|s| s * per_unit >= 14.0).unwrap_or(8.0);
        let mut z = -(z_max / z_step).floor() * z_step;
        while z <= z_max {
            root.draw(&line(vec![(left - 4.0, sy(z)), (left, sy(z))], INK, 1.0))?;
            root.draw_text(&format!("{z}"), &font(11.0, HPos::Right, VPos::Center), at((left - 6.0, sy(z))))?;
            z += z_step;
        }
        // Participants axis at round steps.
        let raw = max_x / 5.0;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        root.draw(&line(vec![(left, bottom), (right, bottom)], INK, 1.0))?;
        let mut n = 0.0;
        while n <= max_x {
            root.draw(&line(vec![(sx(n), bottom), (sx(n), bottom + 4.0)], INK, 1.0))?;
            root.draw_text(&count(n as usize), &font(11.0, HPos::Center, VPos::Top), at((sx(n), bottom + 6.0)))?;
            n += step;
        }
        root.draw_text(
            "Participants (cumulative)",
            &font(12.0, HPos::Center, VPos::Top),
            at(((left + right) / 2.0, bottom + 22.0)),
        )?;
        let heading = format!("Cumulative Z · ↑ {} · ↓ {}", self.above_label, self.below_label);
        root.draw_text(
            &fit_text(&heading, width - 8.0, 12.0, false),
            &font(12.0, HPos::Left, VPos::Top),
            at((4.0, 6.0)),
        )?;

        // The required information size.
        let ris_x = sx(self.required);
        for segment in dashed((ris_x, top), (ris_x, bottom), 4.0) {
            root.draw(&line(segment.to_vec(), INK, 1.0))?;
        }
        // Just above the zero line, where the boundaries (near ±2 at the RIS) never are.
        root.draw_text(
            &format!("RIS {}", count(self.required.round() as usize)),
            &font(11.0, HPos::Right, VPos::Bottom),
            at((ris_x - 4.0, sy(0.0) - 3.0)),
        )?;

        // Monitoring boundaries: solid through the looks, dashed on to the RIS; off the chart
        // above Z_LIMIT.
        let looks: Vec<(f64, f64)> =
            self.points.iter().filter_map(|p| p.boundary.map(|b| (p.participants, b))).collect();
        for sign in [1.0, -1.0] {
            let shown: Vec<(f64, f64)> =
                looks.iter().filter(|(_, b)| *b <= Z_LIMIT).map(|&(n, b)| (sx(n), sy(sign * b))).collect();
            root.draw(&line(shown.clone(), BOUNDARY, 2.0))?;
            for &(x, y) in &shown {
                root.draw(&Rectangle::new([at((x - 2.5, y - 2.5)), at((x + 2.5, y + 2.5))], BOUNDARY.filled()))?;
            }
            if let (Some(b), Some(&(n, last))) = (self.boundary_at_ris, looks.last()) {
                // From the last look, or from where the line enters the chart.
                let entry = if last <= z_max { 0.0 } else { (last - z_max) / (last - b) };
                let from = (sx(n + (self.required - n) * entry), sy(sign * (last + (b - last) * entry)));
                for segment in dashed(from, (ris_x, sy(sign * b)), 5.0) {
                    root.draw(&line(segment.to_vec(), BOUNDARY, 2.0))?;
                }
            }
        }

        // The Z-curve from the origin.
        let curve: Vec<(f64, f64)> = [(sx(0.0), sy(0.0))]
            .into_iter()
            .chain(self.points.iter().filter_map(|p| p.z.map(|z| (sx(p.participants), sy(z)))))
            .collect();
        root.draw(&line(curve.clone(), CURVE, 2.5))?;
        for &(x, y) in &curve[1..] {
            root.draw(&Circle::new(at((x, y)), p(3.5), CURVE.filled()))?;
        }
        if let Some(point) = self.crossed_at.and_then(|i| self.points.get(i)).filter(|p| p.z.is_some()) {
            root.draw(&Circle::new(
                at((sx(point.participants), sy(point.z.unwrap_or(0.0)))),
                p(7.0),
                BOUNDARY.stroke_width(p(2.0) as u32),
            ))?;
        }

        // Legend.
        let y = height - 14.0;
        let mut x = left;
        for (label, colour, is_dashed) in [
            ("Z-curve", CURVE, false),
            ("Boundary (dashed: on to the RIS)", BOUNDARY, false),
            (&*format!("±{:.2}", self.conventional), GREY, true),
        ] {
            // On a narrow canvas the items that do not fit are left out, never drawn over the edge.
            if x + 27.0 + crate::text_width(label, 11.0, false) > width - 4.0 {
                break;
            }
            if is_dashed {
                for segment in dashed((x, y), (x + 22.0, y), 5.0) {
                    root.draw(&line(segment.to_vec(), colour, 2.0))?;
                }
            } else {
                root.draw(&line(vec![(x, y), (x + 22.0, y)], colour, 2.5))?;
            }
            root.draw_text(label, &font(11.0, HPos::Left, VPos::Center), at((x + 27.0, y)))?;
            x += 40.0 + crate::text_width(label, 11.0, false);
        }
        root.present()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svg_has_the_curve_the_boundaries_and_the_ris() {
        let chart = SequentialChart {
            points: vec![
                SequentialPoint { participants: 400.0, z: Some(-1.2), boundary: Some(9.5) },
                SequentialPoint { participants: 1500.0, z: Some(-2.4), boundary: Some(4.1) },
            ],
            required: 6428.0,
            boundary_at_ris: Some(2.0),
            conventional: 1.96,
            above_label: "more events with dupilumab".into(),
            below_label: "fewer events with dupilumab".into(),
            crossed_at: None,
        };
        let svg = crate::figure_svg(&chart, 800);
        for text in ["RIS 6,428", "Z-curve", "Boundary (dashed: on to the RIS)", "±1.96", "fewer events with dupilumab"]
        {
            assert!(svg.contains(text), "{text}");
        }
    }
}
