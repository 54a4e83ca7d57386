//! Behaviour that metafor cannot check for us: input validation, RevMan's M-H random
//! effects worked by hand, and properties that must hold for any data.
use livemeta_core::data::parse_studies;
use livemeta_core::model::{analyze, study_effects, AnalysisOptions, CiMethod, Model};
use livemeta_core::Coded;
use livemeta_core::{CorrectionScope, EngineError, Measure, StudyCounts, Tau2Method, ZeroCellPolicy};
use proptest::prelude::*;

fn study(label: &str, a: i64, n1: i64, c: i64, n2: i64) -> StudyCounts {
    StudyCounts::new(label, a, n1, c, n2)
}

fn invalid_field(result: Result<impl std::fmt::Debug, EngineError>) -> (String, &'static str) {
    match result {
        Err(EngineError::InvalidInput { study, field, .. }) => (study, field),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[test]
fn nonsense_input_names_the_study_and_the_field() {
    let options = AnalysisOptions::default();
    let ok = study("fine", 1, 10, 2, 10);
    assert_eq!(
        invalid_field(analyze(&[ok.clone(), study("neg", -1, 10, 2, 10)], &options)),
        ("neg".into(), "events_treatment")
    );
    assert_eq!(
        invalid_field(analyze(&[ok.clone(), study("big", 1, 10, 12, 10)], &options)),
        ("big".into(), "events_control")
    );
    assert_eq!(
        invalid_field(analyze(&[ok.clone(), study("empty", 0, 0, 2, 10)], &options)),
        ("empty".into(), "total_treatment")
    );
    assert_eq!(analyze(&[], &options).unwrap_err(), EngineError::NoStudies);
}

#[test]
fn csv_errors_list_every_bad_row_with_line_and_field() {
    let errors = parse_studies("study,events_treatment,total_treatment,events_control,total_control\nA,1,10,2,10\nB,x,10,2,10\nC,3,2,1,10\n,1,1,1,1\n").unwrap_err();
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(found, vec![(3, "events_treatment"), (4, "events_treatment"), (5, "study")]);
    assert!(errors[0]
        .to_string()
        .contains("line 3 (study \"B\"), field events_treatment: \"x\" is not a whole number"));
    let missing = parse_studies("study,events,total\nA,1,2\n").unwrap_err();
    assert!(missing.iter().any(|e| e.field == "events_treatment" && e.line == 1));
}

#[test]
fn double_zero_studies_are_reported_not_dropped_silently() {
    let studies = [study("A", 3, 20, 6, 20), study("B", 0, 15, 0, 15), study("C", 5, 30, 9, 31)];
    let options = AnalysisOptions::default().with_model(Model::CommonMantelHaenszel);
    let analysis = analyze(&studies, &options).unwrap();
    assert_eq!(analysis.studies.len(), 3);
    assert!(analysis.studies[1].not_estimable.is_some());
    assert_eq!(analysis.studies[1].weight_percent, None);
}

/// RevMan 5 "M-H, Random" for RR, worked step by step for two tables, one with a zero cell.
#[test]
fn revman_mh_random_matches_a_hand_worked_example() {
    let studies = [study("A", 0, 10, 4, 12), study("B", 6, 40, 12, 38)];
    // Study A has a zero cell: add 0.5 to each cell, so a = 0.5, n1 = 11, c = 4.5, n2 = 13.
    let (a1, n11, c1, n21): (f64, f64, f64, f64) = (0.5, 11.0, 4.5, 13.0);
    let (a2, n12, c2, n22): (f64, f64, f64, f64) = (6.0, 40.0, 12.0, 38.0);
    let y = [((a1 / n11) / (c1 / n21)).ln(), ((a2 / n12) / (c2 / n22)).ln()];
    let v = [1.0 / a1 - 1.0 / n11 + 1.0 / c1 - 1.0 / n21, 1.0 / a2 - 1.0 / n12 + 1.0 / c2 - 1.0 / n22];
    // MH risk ratio over the corrected tables.
    let (t1, t2) = (n11 + n21, n12 + n22);
    let mh = ((a1 * n21 / t1 + a2 * n22 / t2) / (c1 * n11 / t1 + c2 * n12 / t2)).ln();
    // Q around the MH estimate with inverse-variance weights; DL tau^2 from that Q.
    let w = [1.0 / v[0], 1.0 / v[1]];
    let q = w[0] * (y[0] - mh).powi(2) + w[1] * (y[1] - mh).powi(2);
    let tau2 = ((q - 1.0) / (w[0] + w[1] - (w[0] * w[0] + w[1] * w[1]) / (w[0] + w[1]))).max(0.0);
    let ws = [1.0 / (v[0] + tau2), 1.0 / (v[1] + tau2)];
    let pooled = (ws[0] * y[0] + ws[1] * y[1]) / (ws[0] + ws[1]);
    let se = (1.0 / (ws[0] + ws[1])).sqrt();

    let analysis = analyze(&studies, &AnalysisOptions::revman_mh_random(Measure::RR)).unwrap();
    let close = |x: f64, y: f64| (x - y).abs() < 1e-12;
    assert!(close(analysis.heterogeneity.q, q), "Q {} vs {q}", analysis.heterogeneity.q);
    assert!(close(analysis.heterogeneity.tau2, tau2));
    assert!(close(analysis.pooled.y, pooled));
    assert!(close(analysis.pooled.se, se));
    assert!(close(analysis.pooled.ci_lower, (pooled - 1.959963984540054 * se).exp()));
}

fn table() -> impl Strategy<Value = StudyCounts> {
    (1i64..400, 1i64..400, 0.0f64..1.0, 0.0f64..1.0).prop_map(|(n1, n2, p1, p2)| {
        StudyCounts::new("s", (p1 * n1 as f64).round() as i64, n1, (p2 * n2 as f64).round() as i64, n2)
    })
}

fn models() -> impl Strategy<Value = Model> {
    prop_oneof![
        Just(Model::CommonInverseVariance),
        Just(Model::CommonMantelHaenszel),
        Just(Model::RevManMhRandom),
        proptest::sample::select(Tau2Method::ALL.to_vec()).prop_map(Model::Random),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn permuting_studies_changes_nothing(studies in proptest::collection::vec(table(), 2..12), model in models(), seed in any::<u64>()) {
        let options = AnalysisOptions::default().with_model(model);
        let mut shuffled = studies.clone();
        let n = shuffled.len();
        for i in 0..n { shuffled.swap(i, (seed as usize).wrapping_add(i * 7919) % n); }
        match (analyze(&studies, &options), analyze(&shuffled, &options)) {
            (Ok(a), Ok(b)) => {
                prop_assert!((a.pooled.y - b.pooled.y).abs() < 1e-9);
                prop_assert!((a.pooled.se - b.pooled.se).abs() < 1e-9);
                prop_assert!((a.heterogeneity.tau2 - b.heterogeneity.tau2).abs() < 1e-8);
            }
            (Err(_), Err(_)) => {}
            (a, b) => prop_assert!(false, "one order failed: {:?} / {:?}", a.err(), b.err()),
        }
    }

    #[test]
    fn swapping_arms_inverts_ratios(studies in proptest::collection::vec(table(), 1..10), model in models(), odds in any::<bool>()) {
        let measure = if odds { Measure::OR } else { Measure::RR };
        let options = AnalysisOptions { measure, ..AnalysisOptions::default() }.with_model(model);
        let swapped: Vec<StudyCounts> = studies.iter()
            .map(|s| StudyCounts::new("s", s.events_control, s.total_control, s.events_treatment, s.total_treatment))
            .collect();
        if let (Ok(a), Ok(b)) = (analyze(&studies, &options), analyze(&swapped, &options)) {
            prop_assert!((a.pooled.estimate * b.pooled.estimate - 1.0).abs() < 1e-8, "{} vs {}", a.pooled.estimate, b.pooled.estimate);
            prop_assert!((a.pooled.ci_lower * b.pooled.ci_upper - 1.0).abs() < 1e-8);
        }
    }

    #[test]
    fn pooled_ci_contains_the_estimate(studies in proptest::collection::vec(table(), 1..15), model in models()) {
        if let Ok(a) = analyze(&studies, &AnalysisOptions::default().with_model(model)) {
            prop_assert!(a.pooled.ci_lower <= a.pooled.estimate && a.pooled.estimate <= a.pooled.ci_upper);
        }
    }
}

/// Every model, every measure it can pool, every zero-cell policy.
fn every_analysis_choice() -> Vec<AnalysisOptions> {
    let mut models =
        vec![Model::CommonInverseVariance, Model::CommonMantelHaenszel, Model::CommonPeto, Model::RevManMhRandom];
    models.extend(Tau2Method::ALL.iter().copied().map(Model::Random));
    let mut all = Vec::new();
    for model in models {
        for measure in Measure::ALL.iter().copied().filter(|m| model.pools(*m)) {
            for scope in
                [CorrectionScope::OnlyZero, CorrectionScope::All, CorrectionScope::IfAnyZero, CorrectionScope::None]
            {
                for (add, drop_double_zero, ci_method) in [
                    (0.5, false, CiMethod::Wald),
                    (0.1, true, CiMethod::KnappHartung),
                    (1.0, false, CiMethod::KnappHartungAdhoc),
                ] {
                    all.push(AnalysisOptions {
                        measure,
                        model,
                        zero_cells: ZeroCellPolicy { add, scope, drop_double_zero },
                        ci_method,
                        ..AnalysisOptions::default()
                    });
                }
            }
        }
    }
    all
}

/// Small tables, often with zero cells, double zeros and all-event arms.
fn sparse_table() -> impl Strategy<Value = StudyCounts> {
    (1i64..40, 1i64..40, 0usize..4, 0usize..4, 0.0f64..1.0, 0.0f64..1.0).prop_map(|(n1, n2, k1, k2, p1, p2)| {
        let pick = |kind: usize, n: i64, p: f64| match kind {
            0 => 0,
            1 => n,
            _ => (p * n as f64).round() as i64,
        };
        StudyCounts::new("s", pick(k1, n1, p1), n1, pick(k2, n2, p2), n2)
    })
}

fn same(x: f64, y: f64) -> bool {
    (x - y).abs() <= 1e-9 * x.abs().max(1.0)
}

#[test]
fn measure_and_model_never_disagree() {
    for options in every_analysis_choice() {
        for &measure in Measure::ALL {
            let switched = options.with_measure(measure);
            assert_eq!(switched.measure, measure, "the measure the user picked is kept");
            assert!(switched.model.pools(switched.measure), "{:?} cannot pool {measure:?}", switched.model);
            assert_eq!(
                switched.model == options.model,
                options.model.pools(measure),
                "the model changes only when it must"
            );
        }
        let with_model = AnalysisOptions::default().with_measure(options.measure).with_model(options.model);
        assert!(with_model.model.pools(with_model.measure));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// A one-study pool is that study's row, for every model, measure and zero-cell policy:
    /// both give the same estimate and interval, or neither gives one.
    #[test]
    fn a_one_study_pool_equals_its_row(study in sparse_table()) {
        for options in every_analysis_choice() {
            let row = study_effects(std::slice::from_ref(&study), &options)[0];
            let pooled = analyze(std::slice::from_ref(&study), &options);
            match (&pooled, row) {
                (Ok(a), Ok(_)) => {
                    let (estimate, lower, upper) = a.studies[0].estimate_with_ci().expect("row shown");
                    prop_assert!(same(a.pooled.estimate, estimate) && same(a.pooled.ci_lower, lower) && same(a.pooled.ci_upper, upper),
                        "{options:?} {study:?}: pool {} [{}, {}] vs row {estimate} [{lower}, {upper}]", a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper);
                    prop_assert!(a.studies[0].weight_percent.is_some_and(|w| same(w, 100.0)));
                }
                (Err(_), Err(_)) => {}
                (a, r) => prop_assert!(false, "{options:?} {study:?}: pool {:?} but row {r:?}", a.as_ref().map(|a| a.pooled.estimate)),
            }
        }
    }
}

#[test]
fn pasted_tables_are_read_whatever_their_delimiter() {
    let comma = "study,events_treatment,total_treatment,events_control,total_control\nA,1,10,2,11\n\"B, the second\",3,30,4,31\n";
    let expected = parse_studies(comma).unwrap();
    let tab = "study\tevents_treatment\ttotal_treatment\tevents_control\ttotal_control\nA\t1\t10\t2\t11\nB, the second\t3\t30\t4\t31\n";
    let semicolon = "\u{feff}study;events_treatment;total_treatment;events_control;total_control\r\nA;1;10;2;11\r\n\"B, the second\";3;30;4;31\r\n";
    assert_eq!(parse_studies(tab).unwrap(), expected);
    assert_eq!(parse_studies(semicolon).unwrap(), expected);
    // A header that still lacks a column says what it saw, not just what it missed.
    let wrong = parse_studies("study;events;n\nA;1;2\n").unwrap_err();
    assert!(
        wrong[0].message.contains("split at semicolons") && wrong[0].message.contains("\"events\""),
        "{}",
        wrong[0]
    );
}

#[test]
fn duplicate_study_names_are_kept_apart_and_reported() {
    use livemeta_core::data::distinguish_duplicates;
    let mut studies = parse_studies("study,events_treatment,total_treatment,events_control,total_control\nSmith,1,10,2,11\nJones,2,20,3,21\nSmith,3,30,4,31\n").unwrap();
    let warning = distinguish_duplicates(&mut studies).expect("a warning");
    let names: Vec<&str> = studies.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(names, ["Smith (row 1)", "Jones", "Smith (row 3)"]);
    assert!(warning.contains("row 1 \"Smith\"") && warning.contains("row 3 \"Smith\""), "{warning}");
    assert_eq!(distinguish_duplicates(&mut studies), None, "distinct names need no warning");
}
