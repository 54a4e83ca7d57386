//! Deterministic synthetic 2x2 tables for benchmarks and stress tests (no RNG dependency):
//! arm sizes 40-400, control risk 5-30%, and a true log risk ratio that varies by study
//! (spread wide enough that tau^2 > 0, so iterative estimators do real work).
use crate::data::StudyCounts;

pub fn synthetic_studies(k: usize, seed: u64) -> Vec<StudyCounts> {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..k)
        .map(|i| {
            let n1 = 40 + (next() * 360.0) as i64;
            let n2 = 40 + (next() * 360.0) as i64;
            let p2 = 0.05 + 0.25 * next();
            let p1 = (p2 * (-0.4 + 1.6 * (next() - 0.5)).exp()).min(0.95);
            StudyCounts::new(
                format!("S{}", i + 1),
                (p1 * n1 as f64).round() as i64,
                n1,
                (p2 * n2 as f64).round() as i64,
                n2,
            )
        })
        .collect()
}
