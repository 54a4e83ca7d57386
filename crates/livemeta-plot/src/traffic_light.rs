//! The risk-of-bias traffic-light plot, as robvis draws it for RoB 2: one row per trial, one
//! column per domain and the overall judgment, a coloured disc with a symbol in each cell
//! (green +, yellow −, red ×; blank where not assessed), and the key underneath.
use crate::draw::fit_text;
use crate::Figure;
use livemeta_core::data::{Judgment, DOMAINS};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

#[derive(Debug, Clone, PartialEq)]
pub struct TrafficLight {
    /// Each trial's label and judgments in `DOMAINS` order.
    pub rows: Vec<(String, [Option<Judgment>; 6])>,
}

const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const GRID: RGBColor = RGBColor(0xcc, 0xcc, 0xcc);
const ROW: f64 = 30.0;
const HEADER: f64 = 34.0;
const KEY: f64 = 80.0;

/// robvis's colours for RoB 2.
pub(crate) fn colour(j: Judgment) -> RGBColor {
    match j {
        Judgment::Low => RGBColor(0x02, 0xc1, 0x00),
        Judgment::SomeConcerns => RGBColor(0xe2, 0xdf, 0x07),
        Judgment::High => RGBColor(0xbf, 0x00, 0x00),
    }
}

impl Figure for TrafficLight {
    fn height(&self, _width: f64) -> f64 {
        HEADER + ROW * self.rows.len().max(1) as f64 + KEY
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
        // The label column takes what the six cells leave, at most half the width.
        let cell = ((width * 0.55) / 6.0).clamp(42.0, 64.0);
        let label_width = (width - 6.0 * cell - 8.0).max(60.0);
        let cx = |j: usize| label_width + 4.0 + cell * (j as f64 + 0.5);
        for (j, (code, _)) in DOMAINS.iter().enumerate() {
            // "Overall" is wider than its column on a phone: it keeps inside the figure.
            let centre = cx(j).min(width - 4.0 - crate::draw::text_width(code, 12.0, false) / 2.0);
            root.draw_text(code, &font(12.0, HPos::Center, VPos::Center), at((centre, HEADER / 2.0)))?;
        }
        let radius = (ROW * 0.38).min(cell * 0.4);
        for (i, (label, judgments)) in self.rows.iter().enumerate() {
            let y = HEADER + ROW * (i as f64 + 0.5);
            root.draw(&PathElement::new(
                vec![at((4.0, y + ROW / 2.0)), at((width - 4.0, y + ROW / 2.0))],
                GRID.stroke_width(1),
            ))?;
            root.draw_text(
                &fit_text(label, label_width - 8.0, 12.0, false),
                &font(12.0, HPos::Left, VPos::Center),
                at((4.0, y)),
            )?;
            for (j, judgment) in judgments.iter().enumerate() {
                match judgment {
                    Some(judgment) => {
                        root.draw(&Circle::new(at((cx(j), y)), p(radius) as u32, colour(*judgment).filled()))?;
                        root.draw_text(judgment.symbol(), &font(14.0, HPos::Center, VPos::Center), at((cx(j), y)))?;
                    }
                    None => root.draw(&Circle::new(
                        at((cx(j), y)),
                        p(radius) as u32,
                        GRID.stroke_width(p(1.0).max(1) as u32),
                    ))?,
                }
            }
        }
        // The key: the domains on two lines, then the judgments.
        let key_top = HEADER + ROW * self.rows.len().max(1) as f64 + 8.0;
        let domain = |(code, name): &(&str, &str)| format!("{code}: {}", name.split(": ").nth(1).unwrap_or(name));
        for (line, domains) in [&DOMAINS[..3], &DOMAINS[3..5]].into_iter().enumerate() {
            let text = domains.iter().map(domain).collect::<Vec<_>>().join("; ");
            root.draw_text(
                &fit_text(&text, width - 8.0, 11.0, false),
                &font(11.0, HPos::Left, VPos::Top),
                at((4.0, key_top + 15.0 * line as f64)),
            )?;
        }
        let mut x = 4.0;
        for judgment in Judgment::ALL {
            let y = key_top + 46.0;
            root.draw(&Circle::new(at((x + 7.0, y)), p(7.0) as u32, colour(judgment).filled()))?;
            root.draw_text(judgment.symbol(), &font(11.0, HPos::Center, VPos::Center), at((x + 7.0, y)))?;
            root.draw_text(judgment.label(), &font(11.0, HPos::Left, VPos::Center), at((x + 18.0, y)))?;
            x += 18.0 + crate::text_width(judgment.label(), 11.0, false) + 16.0;
        }
        // On a narrow figure the last entry takes a line of its own.
        let blank = "blank: not assessed";
        let (x, y) = if x + crate::text_width(blank, 11.0, false) <= width - 4.0 {
            (x, key_top + 46.0)
        } else {
            (4.0, key_top + 62.0)
        };
        root.draw_text(blank, &font(11.0, HPos::Left, VPos::Center), at((x, y)))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_has_every_trial_domain_and_judgment() {
        let figure = TrafficLight {
            rows: vec![
                (
                    "Trial A".into(),
                    [
                        Some(Judgment::Low),
                        Some(Judgment::SomeConcerns),
                        None,
                        Some(Judgment::High),
                        Some(Judgment::Low),
                        Some(Judgment::High),
                    ],
                ),
                ("Trial B".into(), [None; 6]),
            ],
        };
        let svg = crate::figure_svg(&figure, 700);
        for text in ["Trial A", "Trial B", "D1", "D5", "Overall", "some concerns", "×", "not assessed"] {
            assert!(svg.contains(text), "SVG lacks {text}");
        }
    }
}
