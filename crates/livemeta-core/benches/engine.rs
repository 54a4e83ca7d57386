//! Criterion benchmarks of the engine: `cargo bench -p livemeta-core` (or `./x bench`).
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use livemeta_core::data::synthetic_studies;
use livemeta_core::interpret::{finding, Choices, ControlRisk};
use livemeta_core::likelihood::conditional_random_effects;
use livemeta_core::likelihood::{approximate_conditional_random_effects, random_study_effects};
use livemeta_core::model::{analyze, AnalysisOptions, Model};
use livemeta_core::sensitivity::{gosh, leave_one_out};
use livemeta_core::sensitivity::{trial_sequential, TsaAssumptions};
use livemeta_core::Tau2Method;
use std::hint::black_box;
use std::time::Duration;

fn fits(c: &mut Criterion) {
    let mut group = c.benchmark_group("fit");
    for k in [8usize, 100, 10_000] {
        let studies = synthetic_studies(k, 42);
        for (name, model) in [
            ("DL", Model::Random(Tau2Method::DerSimonianLaird)),
            ("REML", Model::Random(Tau2Method::Reml)),
            ("MH", Model::CommonMantelHaenszel),
        ] {
            let options = AnalysisOptions::default().with_model(model);
            group.bench_with_input(BenchmarkId::new(name, k), &studies, |b, s| {
                b.iter(|| analyze(black_box(s), &options).unwrap())
            });
        }
    }
    group.finish();
}

fn sensitivity(c: &mut Criterion) {
    let options = AnalysisOptions::default();
    let studies = synthetic_studies(100, 7);
    c.bench_function("leave_one_out/REML/100", |b| b.iter(|| leave_one_out(black_box(&studies), &options)));

    let mut group = c.benchmark_group("gosh");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    for k in [16usize, 20] {
        let dl = AnalysisOptions::default().with_model(Model::Random(Tau2Method::DerSimonianLaird));
        let analysis = analyze(&synthetic_studies(k, 11), &dl).unwrap();
        group.bench_with_input(BenchmarkId::new("DL", k), &analysis, |b, a| b.iter(|| gosh(black_box(a)).unwrap()));
    }
    group.finish();
}

fn trial_sequential_analysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("tsa");
    let dl = AnalysisOptions::default().with_model(Model::Random(Tau2Method::DerSimonianLaird));
    for k in [8usize, 30] {
        let studies = synthetic_studies(k, 7);
        group.bench_with_input(BenchmarkId::new("DL", k), &studies, |b, s| {
            b.iter(|| trial_sequential(black_box(s), &dl, TsaAssumptions::default()).unwrap())
        });
    }
    group.finish();
}

/// The mixed models of the rare-events view on the synthetic k = 8 data of `bench/models.mjs`
/// (dozens of events per trial, which is what makes the exact conditional likelihood costly).
fn mixed_models(c: &mut Criterion) {
    let studies = synthetic_studies(8, 7);
    let mut group = c.benchmark_group("glmm");
    group.sample_size(10);
    group.bench_function("UM.RS-EE/8", |b| b.iter(|| random_study_effects(black_box(&studies), false, 0.95).unwrap()));
    group.bench_function("UM.RS-ML/8", |b| b.iter(|| random_study_effects(black_box(&studies), true, 0.95).unwrap()));
    group.bench_function("CM.AL-ML/8", |b| {
        b.iter(|| approximate_conditional_random_effects(black_box(&studies), 0.95).unwrap())
    });
    group.bench_function("CM.EL-ML/8", |b| b.iter(|| conditional_random_effects(black_box(&studies), 0.95).unwrap()));
    group.finish();
}

/// A summary-of-findings row (the absolute effect, the five GRADE suggestions with the
/// small-study test and the information size) from a fitted pool: what a trial toggle adds
/// per outcome.
fn summary_of_findings(c: &mut Criterion) {
    let mut group = c.benchmark_group("summary_of_findings");
    let options = AnalysisOptions::default();
    let choices =
        Choices { control_risk: ControlRisk::Pooled, threshold: None, information: TsaAssumptions::default() };
    for k in [8usize, 200] {
        let studies = synthetic_studies(k, 42);
        let analysis = analyze(&studies, &options).unwrap();
        let risk_of_bias = vec![None; k];
        group.bench_with_input(BenchmarkId::new("row", k), &studies, |b, s| {
            b.iter(|| finding(black_box(s), &analysis, &risk_of_bias, &choices, &[]))
        });
    }
    group.finish();
}

criterion_group!(benches, fits, sensitivity, trial_sequential_analysis, mixed_models, summary_of_findings);
criterion_main!(benches);
