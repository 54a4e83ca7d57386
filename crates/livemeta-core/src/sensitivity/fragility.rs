//! The fragility of a meta-analysis (Atal et al., J Clin Epidemiol 2019): the fewest patients
//! whose event status must change, within their arm and with every N fixed, for the pooled CI
//! to cross the null (a significant result becomes non-significant, or the reverse).
//!
//! The search: first Atal's iteration, one patient at a time in whichever arm moves the CI
//! furthest towards the null (or, for a non-significant result, furthest past it), until the
//! conclusion flips; that gives `greedy` changes. Then every combination of changes with fewer
//! patients in total, both directions in every arm, smallest total first, is analysed; the
//! first that flips is the answer. When that exhaustive search finishes within its budget of
//! analyses, the answer is exact: no smaller change flips the conclusion.
use crate::data::StudyCounts;
use crate::model::{analyze, AnalysisOptions};
use crate::sensitivity::Significance;
use serde::Serialize;

/// One arm's change: `delta` more events (fewer when negative), N unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EventChange {
    pub study: usize,
    pub treatment: bool,
    pub delta: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fragility {
    pub before: Significance,
    pub after: Significance,
    /// The changes that flip the conclusion, one per arm changed.
    pub changes: Vec<EventChange>,
    /// Patients whose status changes: the sum of |delta|.
    pub total: usize,
    /// No smaller total flips the conclusion (the exhaustive search covered every total below).
    pub exact: bool,
    /// Every total below this was searched exhaustively.
    pub searched_below: usize,
    /// What Atal's one-patient-at-a-time iteration needed.
    pub greedy: usize,
    /// The flipped analysis: estimate and CI on the display scale.
    pub estimate: f64,
    pub ci_lower: f64,
    pub ci_upper: f64,
    pub analyses: usize,
}

/// Analyses the exhaustive part may run at k <= 8: under a second in the browser.
pub const SEARCH_BUDGET: usize = 75_000;

/// The budget for `k` studies: an analysis costs about k, so the search takes about as long
/// at any k.
pub fn search_budget(k: usize) -> usize {
    SEARCH_BUDGET * 8 / k.max(8)
}
/// The iteration stops after this many patients without a flip.
const GREEDY_LIMIT: usize = 5_000;

fn side(studies: &[StudyCounts], options: &AnalysisOptions) -> Option<Side> {
    let a = analyze(studies, options).ok()?;
    let p = &a.pooled;
    Some((Significance::of(&a), p.estimate, p.ci_lower, p.ci_upper))
}

/// Whether every arm stays within 0..=N with `changes` (each arm appears at most once).
fn in_range(studies: &[StudyCounts], changes: &[EventChange]) -> bool {
    changes.iter().all(|c| {
        let s = &studies[c.study];
        let (events, total) =
            if c.treatment { (s.events_treatment, s.total_treatment) } else { (s.events_control, s.total_control) };
        (0..=total).contains(&(events + c.delta))
    })
}

/// Adds `sign` times each change to `studies` in place.
fn apply(studies: &mut [StudyCounts], changes: &[EventChange], sign: i64) {
    for c in changes {
        let s = &mut studies[c.study];
        *(if c.treatment { &mut s.events_treatment } else { &mut s.events_control }) += sign * c.delta;
    }
}

type Side = (Significance, f64, f64, f64);

/// The analysis of `studies` with `changes` (checked with `in_range`), made in place and undone
/// again: the searches analyse tens of thousands of candidates and need no copy of each.
fn side_with(studies: &mut [StudyCounts], changes: &[EventChange], options: &AnalysisOptions) -> Option<Side> {
    apply(studies, changes, 1);
    let result = side(studies, options);
    apply(studies, changes, -1);
    result
}

/// How far the result is from flipping, on the analysis scale (ratios as logs): positive
/// until it flips.
fn distance(before: Significance, ratio: bool, lower: f64, upper: f64) -> f64 {
    let axis = |v: f64| if ratio { v.ln() } else { v };
    // On the analysis scale the null is 0 for every measure.
    let null = 0.0;
    match before {
        Significance::Below => null - axis(upper),
        Significance::Above => axis(lower) - null,
        Significance::Neither => (axis(upper) - null).min(null - axis(lower)),
    }
}

/// Combines one-patient changes into one change per arm.
fn merged(steps: &[EventChange]) -> Vec<EventChange> {
    let mut out: Vec<EventChange> = Vec::new();
    for s in steps {
        match out.iter_mut().find(|c| c.study == s.study && c.treatment == s.treatment) {
            Some(c) => c.delta += s.delta,
            None => out.push(*s),
        }
    }
    out.retain(|c| c.delta != 0);
    out.sort_by_key(|c| (c.study, !c.treatment));
    out
}

/// Calls `visit` with every set of arm changes whose sizes sum to `total` (each arm up or
/// down); stops when `visit` returns true and says whether it did.
fn each_change_of_total(
    arms: usize,
    total: i64,
    current: &mut Vec<EventChange>,
    from: usize,
    visit: &mut dyn FnMut(&[EventChange]) -> bool,
) -> bool {
    if total == 0 {
        return visit(current);
    }
    for arm in from..arms {
        for size in 1..=total {
            for sign in [1, -1] {
                current.push(EventChange { study: arm / 2, treatment: arm % 2 == 0, delta: sign * size });
                let stop = each_change_of_total(arms, total - size, current, arm + 1, visit);
                current.pop();
                if stop {
                    return true;
                }
            }
        }
    }
    false
}

/// The fragility of the analysis of `studies` under `options`, or None when no change of up
/// to `GREEDY_LIMIT` patients flips it (or the analysis cannot be run).
pub fn fragility(studies: &[StudyCounts], options: &AnalysisOptions, budget: usize) -> Option<Fragility> {
    let (before, ..) = side(studies, options)?;
    let ratio = options.measure.is_ratio();
    let mut analyses = 1;
    // Atal's iteration.
    let mut steps: Vec<EventChange> = Vec::new();
    let mut current = studies.to_vec();
    let mut flipped = None;
    while flipped.is_none() && steps.len() < GREEDY_LIMIT {
        let mut best: Option<(f64, EventChange, Side)> = None;
        for study in 0..studies.len() {
            for treatment in [true, false] {
                for delta in [1, -1] {
                    let step = EventChange { study, treatment, delta };
                    if !in_range(&current, &[step]) {
                        continue;
                    }
                    analyses += 1;
                    let Some(result) = side_with(&mut current, &[step], options) else { continue };
                    let d = if result.0 != before {
                        f64::NEG_INFINITY
                    } else {
                        distance(before, ratio, result.2, result.3)
                    };
                    if best.as_ref().is_none_or(|(b, ..)| d < *b) {
                        best = Some((d, step, result));
                    }
                }
            }
        }
        let (_, step, result) = best?;
        apply(&mut current, &[step], 1);
        steps.push(step);
        if result.0 != before {
            flipped = Some(result);
        }
    }
    let (after, estimate, ci_lower, ci_upper) = flipped?;
    let greedy = steps.len();
    let mut answer = Fragility {
        before,
        after,
        changes: merged(&steps),
        total: greedy,
        exact: false,
        searched_below: 1,
        greedy,
        estimate,
        ci_lower,
        ci_upper,
        analyses,
    };
    // Every smaller total, smallest first.
    let arms = 2 * studies.len();
    let mut scratch = studies.to_vec();
    let mut spent = 0usize;
    for total in 1..greedy {
        let mut found = None;
        let out_of_budget = each_change_of_total(arms, total as i64, &mut Vec::new(), 0, &mut |changes| {
            // A change past 0 or N in some arm is no analysis.
            if !in_range(studies, changes) {
                return false;
            }
            spent += 1;
            if spent > budget {
                return true;
            }
            match side_with(&mut scratch, changes, options) {
                Some(result) if result.0 != before => {
                    found = Some((changes.to_vec(), result));
                    true
                }
                _ => false,
            }
        }) && found.is_none();
        answer.analyses = analyses + spent.min(budget);
        if out_of_budget {
            return Some(answer);
        }
        answer.searched_below = total + 1;
        if let Some((changes, (after, estimate, ci_lower, ci_upper))) = found {
            return Some(Fragility { after, changes, total, exact: true, estimate, ci_lower, ci_upper, ..answer });
        }
    }
    answer.exact = true;
    answer.searched_below = greedy;
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Measure;
    use crate::model::Model;
    use crate::model::Tau2Method;

    fn studies(rows: &[[i64; 4]]) -> Vec<StudyCounts> {
        rows.iter().enumerate().map(|(i, r)| StudyCounts::new(format!("S{i}"), r[0], r[1], r[2], r[3])).collect()
    }

    fn options(model: Model) -> AnalysisOptions {
        AnalysisOptions { measure: Measure::RR, ..AnalysisOptions::default() }.with_model(model)
    }

    #[test]
    fn the_changes_found_flip_the_conclusion_and_nothing_smaller_does() {
        let data = studies(&[[10, 100, 25, 100], [12, 120, 24, 118]]);
        for model in
            [Model::CommonMantelHaenszel, Model::Random(Tau2Method::DerSimonianLaird), Model::CommonInverseVariance]
        {
            let o = options(model);
            let f = fragility(&data, &o, SEARCH_BUDGET).unwrap();
            assert_eq!(f.before, Significance::Below);
            assert!(f.exact && f.total <= f.greedy);
            assert_eq!(f.total, f.changes.iter().map(|c| c.delta.unsigned_abs() as usize).sum::<usize>());
            assert!(in_range(&data, &f.changes));
            let after = side_with(&mut data.clone(), &f.changes, &o).unwrap();
            assert_ne!(after.0, Significance::Below);
            assert_eq!((after.1, after.2, after.3), (f.estimate, f.ci_lower, f.ci_upper));
            // Brute force over every total below: none flips.
            for total in 1..f.total as i64 {
                let mut scratch = data.clone();
                let flips = each_change_of_total(4, total, &mut Vec::new(), 0, &mut |c| {
                    in_range(&data, c) && side_with(&mut scratch, c, &o).is_some_and(|r| r.0 != Significance::Below)
                });
                assert!(!flips, "{model:?}: {total} changes flip it");
            }
        }
    }

    #[test]
    fn every_change_of_a_total_is_visited_once() {
        let mut seen = Vec::new();
        each_change_of_total(4, 3, &mut Vec::new(), 0, &mut |c| {
            seen.push(c.to_vec());
            false
        });
        // Integer points of L1 norm 3 in four dimensions.
        assert_eq!(seen.len(), 4 * 2 + 6 * 2 * 4 + 4 * 8);
        for (i, a) in seen.iter().enumerate() {
            assert!(!seen[..i].contains(a));
        }
    }

    #[test]
    fn a_budget_too_small_says_the_answer_is_not_proven() {
        let data = studies(&[[10, 100, 25, 100], [12, 120, 24, 118], [9, 90, 20, 95]]);
        let f = fragility(&data, &options(Model::CommonMantelHaenszel), 50).unwrap();
        assert!(!f.exact && f.searched_below < f.greedy);
    }
}
