//! The plot's text never collides: every string the real drawing code emits is boxed with the
//! same text metrics the layout uses, at every width from a phone to a wide screen, and no
//! two boxes on the same line overlap or leave the canvas.
use livemeta_core::data::Judgment;
use livemeta_core::data::{TrialData, TrialRow};
use livemeta_core::model::{analyze, AnalysisOptions, Model};
use livemeta_core::sensitivity::subgroups;
use livemeta_core::StudyCounts;
use livemeta_plot::{
    baujat_plot, bubble_plot, draw_forest, forest_height, forest_plot, funnel, gosh_plot, labbe_plot, refit_plot,
    subgroup_forest_plot, text_width, CurveSpec, Figure, ForestLayout, ForestPlot, PooledRow, RowKind, Scatter,
    ScatterPoint, SequentialChart, SequentialPoint, SpecificationCurve, TrafficLight, SMALL_TEXT,
};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle, FontTransform,
};

/// A backend that draws nothing and remembers every text with its box.
type Boxes = std::rc::Rc<std::cell::RefCell<Vec<(String, f64, f64, f64, f64)>>>;

struct Recorder {
    size: (u32, u32),
    boxes: Boxes,
}

impl DrawingBackend for Recorder {
    type ErrorType = std::convert::Infallible;
    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_pixel(&mut self, _: BackendCoord, _: BackendColor) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        _: BackendCoord,
        _: BackendCoord,
        _: &S,
        _: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let size = style.size();
        // A rotated label (a scatter plot's y axis title) runs along its own edge.
        if !matches!(style.transform(), FontTransform::None) {
            return Ok(());
        }
        let width = text_width(text, size, matches!(style.style(), FontStyle::Bold));
        let left = match style.anchor().h_pos {
            HPos::Left => x as f64,
            HPos::Right => x as f64 - width,
            HPos::Center => x as f64 - width / 2.0,
        };
        let top = match style.anchor().v_pos {
            VPos::Top => y as f64,
            VPos::Center => y as f64 - size / 2.0,
            VPos::Bottom => y as f64 - size,
        };
        self.boxes.borrow_mut().push((text.to_string(), left, left + width, top, top + size));
        Ok(())
    }
}

fn reported(id: &str, label: &str, counts: (i64, i64, i64, i64), enabled: bool) -> TrialRow {
    TrialRow {
        trial_id: id.into(),
        label: label.into(),
        enabled,
        data: TrialData::Reported {
            counts: StudyCounts::new(label, counts.0, counts.1, counts.2, counts.3),
            definition: "d".into(),
            sources: vec![],
        },
    }
}

fn sample_plot(model: Model) -> ForestPlot {
    let not_reported = |id: &str, label: &str| TrialRow {
        trial_id: id.into(),
        label: label.into(),
        enabled: true,
        data: TrialData::NotReported,
    };
    let rows = vec![
        not_reported("a", "Beck 2014 M4 (NCT01259323)"),
        not_reported("b", "Beck 2014 M4 (NCT01385657)"),
        reported("c", "Beck 2014 M12 (NCT01548404)", (2, 55, 14, 54), true),
        not_reported("d", "Thaçi 2016 phase 2b (NCT01859988)"),
        reported("e", "SOLO 1", (120, 1000, 140, 998), false),
        reported("f", "CHRONOS", (38, 425, 56, 315), true),
        reported("g", "A very long imported study name that no column could ever hold", (0, 30, 4, 31), true),
    ];
    let options = AnalysisOptions::default().with_model(model);
    let studies: Vec<StudyCounts> = rows.iter().filter_map(|r| r.pooled_counts().cloned()).collect();
    let mut plot =
        forest_plot(&rows, &analyze(&studies, &options), &options, "Skin infections", "Dupilumab", "Placebo");
    plot.pooled.push(PooledRow {
        label: "Total (Common effect, Mantel-Haenszel)".into(),
        estimate: 0.4,
        lower: 0.2,
        upper: 0.9,
    });
    plot.change_note =
        Some("RR 0.32 -> 0.14 (CHRONOS excluded, model: Random effects, REML, zero-cell handling changed)".into());
    plot.for_export()
}

/// A leave-one-out plot: no counts, no weights, long "Omitting ..." names.
fn sample_refit_plot() -> ForestPlot {
    let options = AnalysisOptions::default();
    let studies = [StudyCounts::new("A", 2, 55, 14, 54), StudyCounts::new("B", 38, 425, 56, 315)];
    let refits = vec![
        ("Omitting Thaçi 2016 phase 2b (NCT01859988)".to_string(), Some((0.5, 0.34, 0.74))),
        ("Omitting CHRONOS".to_string(), Some((0.14, 0.03, 0.59))),
        ("Omitting everything else".to_string(), None),
    ];
    refit_plot("Left out", refits, &analyze(&studies, &options), &options, "Skin infections", "Dupilumab", "Placebo")
        .for_export()
}

/// RevMan's subgroup layout: headings, subtotals with summed counts, wrapped note lines.
fn sample_subgroup_plot() -> ForestPlot {
    let rows = vec![
        reported("a", "SOLO 1", (120, 1000, 140, 998), true),
        reported("b", "SOLO 2", (110, 990, 150, 1001), true),
        reported("c", "CHRONOS", (38, 425, 56, 315), true),
        reported("d", "Thaçi 2016 phase 2b (NCT01859988)", (3, 60, 9, 61), false),
    ];
    let groups: Vec<String> = [
        "monotherapy",
        "monotherapy",
        "with topical corticosteroids (a long subgroup name that must be cut)",
        "monotherapy",
    ]
    .map(String::from)
    .to_vec();
    let options = AnalysisOptions::default();
    let pooled: Vec<(StudyCounts, String)> =
        rows.iter().zip(&groups).filter_map(|(r, g)| r.pooled_counts().map(|c| (c.clone(), g.clone()))).collect();
    let (studies, pooled_groups): (Vec<StudyCounts>, Vec<String>) = pooled.into_iter().unzip();
    let fit = subgroups(&studies, &pooled_groups, &options).unwrap();
    let difference = Some(format!("Test for subgroup differences: Chi² = {:.2}, df = {}", fit.q_between, fit.df));
    let studies_plot =
        forest_plot(&rows, &analyze(&studies, &options), &options, "Skin infections", "Dupilumab", "Placebo");
    subgroup_forest_plot(studies_plot, &groups, &fit.groups, difference).for_export()
}

/// `plot` in `layout` with every optional column: follow-up, a long attribute, risk-of-bias
/// dots (some not assessed), and the reference line.
fn with_columns(mut plot: ForestPlot, layout: ForestLayout) -> ForestPlot {
    plot.layout = layout;
    plot.extra_headings = vec!["Weeks".into(), "Background therapy".into()];
    plot.rob = true;
    plot.reference_line = true;
    let judgments = [Some(Judgment::Low), Some(Judgment::SomeConcerns), Some(Judgment::High), None];
    for (i, row) in plot.rows.iter_mut().filter(|r| r.kind == RowKind::Study).enumerate() {
        row.extra = vec![format!("{}", 4 + 12 * i), "with topical corticosteroids as needed".into()];
        row.rob = std::array::from_fn(|j| judgments[(i + j) % 4]);
    }
    plot
}

/// Whether `text` is `name`, or `name` with a stretch cut out and marked "…".
fn abbreviates(text: &str, name: &str) -> bool {
    match text.split_once('…') {
        Some((head, tail)) => {
            name.starts_with(head.trim_end()) && name.ends_with(tail) && !(head.is_empty() && tail.is_empty())
        }
        None => text == name,
    }
}

#[test]
fn no_text_overlaps_or_leaves_the_plot_at_any_width() {
    let plots = [
        (Model::RevManMhRandom, sample_plot(Model::RevManMhRandom)),
        (Model::CommonPeto, sample_plot(Model::CommonPeto)),
        (Model::CommonInverseVariance, sample_refit_plot()),
        (AnalysisOptions::default().model, sample_subgroup_plot()),
    ]
    .into_iter()
    .flat_map(|(model, plot)| {
        [ForestLayout::Jama, ForestLayout::Bmj]
            .map(|layout| (model, with_columns(plot.clone(), layout)))
            .into_iter()
            .chain([(model, plot)])
    });
    for (model, plot) in plots {
        // A phone, a tablet, presenter mode at 1280 px (22 px text), a slide export, desktops.
        for width in [320u32, 359, 480, 664, 700, 960, 1280, 1400] {
            let height = forest_height(&plot, width as f64).ceil() as u32;
            let boxes = Boxes::default();
            draw_forest(&Recorder { size: (width, height), boxes: boxes.clone() }.into_drawing_area(), &plot, 1.0)
                .unwrap();
            let boxes = boxes.borrow();
            // Wide plots draw each layout's own columns.
            if width >= 1280 && plot.rob && plot.rows.iter().any(|r| r.kind == RowKind::Subtotal) {
                let expected: &[&str] = match plot.layout {
                    ForestLayout::Jama => {
                        &["Source", "Favors dupilumab", "Favors placebo", "Weeks", "D1", "O", "+", "×"]
                    }
                    _ => &["Study", "Weight (%)", "Favours dupilumab", "Background therapy", "D5", "−"],
                };
                for text in expected {
                    assert!(boxes.iter().any(|b| b.0 == *text), "{:?} at {width}px lacks {text:?}", plot.layout);
                }
            }
            for (text, left, right, top, bottom) in boxes.iter() {
                // Presenter mode scales SMALL_TEXT to 22 px; nothing may be drawn smaller.
                assert!(bottom - top >= SMALL_TEXT - 1e-9, "{text:?} drawn at {} px", bottom - top);
                assert!(
                    *left >= 0.0 && *right <= width as f64 + 0.5,
                    "{model:?} {:?} at {width}px: {text:?} spans {left:.0}..{right:.0}",
                    plot.layout
                );
                assert!(
                    *top >= 0.0 && *bottom <= height as f64 + 0.5,
                    "{model:?} at {width}px: {text:?} at {top:.0}..{bottom:.0} of {height}"
                );
            }
            // Names drawn side by side stay distinguishable: each study's name, whole or cut
            // ("…" standing for what was left out), is drawn once, and no two read alike.
            let drawn: Vec<(&str, &String)> = plot
                .rows
                .iter()
                .filter(|r| r.kind == RowKind::Study)
                .filter_map(|r| {
                    let name = r.label.as_str();
                    boxes
                        .iter()
                        .map(|b| &b.0)
                        .find(|text| {
                            abbreviates(text, name) || abbreviates(text, name.split(" (").next().unwrap_or(name))
                        })
                        .map(|text| (name, text))
                })
                .collect();
            for (i, (name_a, a)) in drawn.iter().enumerate() {
                for (name_b, b) in &drawn[i + 1..] {
                    assert!(
                        a != b || name_a == name_b,
                        "{model:?} at {width}px: {name_a:?} and {name_b:?} both read {a:?}"
                    );
                }
            }
            for (i, a) in boxes.iter().enumerate() {
                for b in &boxes[i + 1..] {
                    let horizontal = a.1 < b.2 - 0.5 && b.1 < a.2 - 0.5;
                    let vertical = a.3 < b.4 - 0.5 && b.3 < a.4 - 0.5;
                    assert!(
                        !(horizontal && vertical),
                        "{model:?} {:?} at {width}px: {:?} overlaps {:?}",
                        plot.layout,
                        a.0,
                        b.0
                    );
                }
            }
        }
    }
}

/// Scatter figures as the views build them, on data that stresses their axes: a ratio axis
/// from 0.05 to 40 (log labels), a narrow ratio range, trim-and-fill's imputed points with the
/// funnel's legend, whole-number years, a density with its null line.
fn sample_scatters() -> Vec<(&'static str, Scatter)> {
    let studies: Vec<(String, f64, f64)> = [(-2.9, 0.8), (-1.2, 0.3), (-0.4, 0.05), (0.2, 0.02), (3.7, 1.9)]
        .iter()
        .enumerate()
        .map(|(i, (y, v))| (format!("Trial {i}"), *y, *v))
        .collect();
    let narrow: Vec<(String, f64, f64)> =
        [(-0.03, 0.001), (0.02, 0.0008), (0.01, 0.002)].iter().map(|(y, v)| ("t".to_string(), *y, *v)).collect();
    let density: Vec<(f64, f64)> =
        (0..200).map(|i| -3.0 + 6.0 * i as f64 / 199.0).map(|x: f64| (x, (-x * x / 2.0).exp())).collect();
    let posterior = Scatter {
        x_label: "Pooled OR (log scale)".into(),
        y_label: "Posterior density".into(),
        x_log_labels: true,
        y_range: Some((0.0, 1.08)),
        points: vec![ScatterPoint {
            x: 0.1,
            y: 0.0,
            label: "median".into(),
            open: false,
            highlight: true,
            radius: None,
        }],
        lines: vec![density],
        null_x: Some(0.0),
        ..Scatter::default()
    };
    let fits = std::sync::Arc::new((0..400).map(|i| [-1.0 + i as f64 / 200.0, (i % 100) as f64]).collect::<Vec<_>>());
    let bubbles: Vec<(String, f64, f64, f64)> =
        (0..13).map(|i| (format!("T{i}"), 1948.0 + 2.0 * i as f64, -1.5 + 0.1 * i as f64, 1.0 + i as f64)).collect();
    let fitted: Vec<(f64, f64, f64, f64)> =
        (0..20).map(|i| 1948.0 + 1.3 * i as f64).map(|x| (x, -1.0, -1.4, -0.6)).collect();
    vec![
        ("funnel", funnel(&studies, -0.5, &[(1.0, 0.4), (2.0, 0.9)], true, "OR")),
        ("narrow funnel", funnel(&narrow, 0.0, &[], true, "RR")),
        ("risk difference funnel", funnel(&narrow, 0.0, &[], false, "RD")),
        ("posterior", posterior),
        ("GOSH", gosh_plot(fits, Some((0.2, 40.0)), true, "RR")),
        ("Baujat", baujat_plot(&[("A".into(), 0.1, 0.2), ("B".into(), 3.0, 1.0)])),
        ("L'Abbé", labbe_plot(&[("A".into(), 0.1, 0.05), ("B".into(), 0.3, 0.2)], "Dupilumab", "Placebo")),
        ("bubble", bubble_plot(&bubbles, &fitted, true, "year", "RR")),
    ]
}

/// Every text of `figure` at each width is at least 11 px, inside the canvas, and clear of the
/// others, except those `crowding` allows to crowd (labels beside points that crowd).
fn assert_text_apart<F: Figure>(name: &str, figure: &F, crowding: &dyn Fn(&str) -> bool) {
    for width in [320u32, 375, 480, 700, 960, 1280] {
        let height = figure.height(width as f64).ceil() as u32;
        let boxes = Boxes::default();
        figure.draw(&Recorder { size: (width, height), boxes: boxes.clone() }.into_drawing_area(), 1.0).unwrap();
        let boxes = boxes.borrow();
        let fixed: Vec<_> = boxes.iter().filter(|b| !crowding(&b.0)).collect();
        for (text, left, right, top, bottom) in &fixed {
            assert!(bottom - top >= 11.0 - 1e-9, "{name} at {width}px: {text:?} drawn at {} px", bottom - top);
            assert!(
                *left >= 0.0 && *right <= width as f64 + 0.5,
                "{name} at {width}px: {text:?} spans {left:.0}..{right:.0}"
            );
            assert!(
                *top >= 0.0 && *bottom <= height as f64 + 0.5,
                "{name} at {width}px: {text:?} at {top:.0}..{bottom:.0} of {height}"
            );
        }
        for (i, a) in fixed.iter().enumerate() {
            for b in &fixed[i + 1..] {
                let horizontal = a.1 < b.2 - 0.5 && b.1 < a.2 - 0.5;
                let vertical = a.3 < b.4 - 0.5 && b.3 < a.4 - 0.5;
                assert!(!(horizontal && vertical), "{name} at {width}px: {:?} overlaps {:?}", a.0, b.0);
            }
        }
    }
}

#[test]
fn every_figure_keeps_its_text_apart_inside_the_canvas_at_any_width() {
    for (name, figure) in sample_scatters() {
        let labels: Vec<String> =
            figure.points.iter().filter(|_| figure.label_points).map(|p| p.label.clone()).collect();
        assert_text_apart(name, &figure, &|text| labels.iter().any(|l| l == text));
    }
    let specs = (0..40)
        .map(|i| CurveSpec {
            estimate: 0.3 + 0.02 * i as f64,
            lower: 0.1,
            upper: 1.4 + 0.01 * i as f64,
            side: if i < 10 { -1 } else { 0 },
            marks: vec![i % 2, i % 3],
            current: i == 7,
        })
        .collect();
    let curve = SpecificationCurve {
        measure_label: "RR".into(),
        ratio: true,
        specs,
        choices: vec![
            ("Measure".into(), vec!["RR".into(), "OR".into()]),
            ("Zero-cell rule".into(), vec!["only0".into(), "all".into(), "none".into()]),
        ],
        show_choices: true,
    };
    assert_text_apart("specification curve", &curve, &|_| false);
    let points = (1..=8)
        .map(|i| SequentialPoint {
            participants: 150.0 * i as f64,
            z: Some(-0.4 * i as f64),
            boundary: Some(8.0 / (i as f64).sqrt()),
        })
        .collect();
    let chart = SequentialChart {
        points,
        required: 2400.0,
        boundary_at_ris: Some(2.0),
        conventional: 1.96,
        above_label: "More events with dupilumab".into(),
        below_label: "Fewer events with dupilumab".into(),
        crossed_at: None,
    };
    assert_text_apart("trial sequential chart", &chart, &|_| false);
    let judgments = [
        Some(Judgment::Low),
        Some(Judgment::SomeConcerns),
        Some(Judgment::High),
        None,
        Some(Judgment::Low),
        Some(Judgment::High),
    ];
    let lights =
        TrafficLight { rows: vec![("Beck 2014 M4 (NCT01259323)".into(), judgments), ("CHRONOS".into(), judgments)] };
    assert_text_apart("risk-of-bias traffic light", &lights, &|_| false);
}
