//! Times the benchmark fits on CSV files (the same files the metafor timing script reads),
//! printing `name k median_seconds` per line. Used by tests/bench/compare_metafor.sh.
//! Usage: time_fits DIR   (DIR holds k8.csv, k100.csv, k10000.csv, k16.csv, k20.csv)
use livemeta_core::data::parse_studies;
use livemeta_core::model::{analyze, AnalysisOptions, Model};
use livemeta_core::sensitivity::{gosh, leave_one_out};
use livemeta_core::{StudyCounts, Tau2Method};
use std::hint::black_box;
use std::time::Instant;

/// Median seconds per call over repeated batches, each batch long enough to time reliably.
fn median_seconds(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    f();
    let once = start.elapsed().as_secs_f64().max(1e-9);
    let batch = ((0.02 / once).ceil() as usize).clamp(1, 1_000_000);
    let samples = if once > 1.0 { 3 } else { 15 };
    let mut times: Vec<f64> = (0..samples)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..batch {
                f();
            }
            t.elapsed().as_secs_f64() / batch as f64
        })
        .collect();
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    times[times.len() / 2]
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: time_fits DIR");
    let load = |k: usize| -> Vec<StudyCounts> {
        parse_studies(&std::fs::read_to_string(format!("{dir}/k{k}.csv")).expect("csv")).expect("valid csv")
    };
    for k in [8, 100, 10_000] {
        let studies = load(k);
        for (name, model) in [
            ("DL", Model::Random(Tau2Method::DerSimonianLaird)),
            ("REML", Model::Random(Tau2Method::Reml)),
            ("MH", Model::CommonMantelHaenszel),
        ] {
            let options = AnalysisOptions::default().with_model(model);
            println!(
                "{name} {k} {:.6e}",
                median_seconds(|| {
                    black_box(analyze(&studies, &options).unwrap());
                })
            );
        }
    }
    let studies = load(100);
    let options = AnalysisOptions::default();
    println!(
        "LOO-REML 100 {:.6e}",
        median_seconds(|| {
            black_box(leave_one_out(&studies, &options));
        })
    );
    for k in [16, 20] {
        let dl = AnalysisOptions::default().with_model(Model::Random(Tau2Method::DerSimonianLaird));
        let analysis = analyze(&load(k), &dl).unwrap();
        println!(
            "GOSH-DL {k} {:.6e}",
            median_seconds(|| {
                black_box(gosh(&analysis).unwrap());
            })
        );
    }
}
