//! Absolute effects in words, per 1,000 patients as summary-of-findings tables give them.
use super::format::{effect, in_sentence, measure_heading};
use crate::interpret::{AbsoluteEffect, NumberNeeded};
use crate::model::Analysis;

/// A risk per 1,000: whole numbers, one decimal below 10 so that a rare event is not "0".
pub fn per_thousand(risk: f64) -> String {
    let value = risk * 1000.0;
    if value.abs() < 9.95 {
        format!("{value:.1}").trim_end_matches(".0").to_string()
    } else {
        format!("{value:.0}")
    }
}

/// A difference in risk per 1,000: "35 fewer", "4.2 more", "no difference".
pub fn difference_per_thousand(difference: f64) -> String {
    let size = per_thousand(difference.abs());
    if size == "0" {
        "no difference".into()
    } else if difference < 0.0 {
        format!("{size} fewer")
    } else {
        format!("{size} more")
    }
}

/// Altman's wording, rounded up as the Cochrane Handbook asks: "NNTB 8 (95% CI 6 to 15)", and
/// when the CI includes no difference, "NNTB 8 (95% CI NNTB 6 to ∞ to NNTH 68)".
pub fn number_needed_text(number: NumberNeeded) -> String {
    // Up, but not past a whole number that floating point missed by a rounding error.
    let whole = |n: f64| if n.is_finite() { format!("{}", (n - 1e-9).ceil()) } else { "∞".into() };
    match number {
        NumberNeeded::Benefit { nnt, lower, upper } => {
            format!("NNTB {} (95% CI {} to {})", whole(nnt), whole(lower), whole(upper))
        }
        NumberNeeded::Harm { nnt, lower, upper } => {
            format!("NNTH {} (95% CI {} to {})", whole(nnt), whole(lower), whole(upper))
        }
        NumberNeeded::Crosses { nnt, favours_benefit, benefit, harm } => {
            let side = if favours_benefit { "NNTB" } else { "NNTH" };
            let harm_end = if harm.is_finite() { format!(" to NNTH {}", whole(harm)) } else { String::new() };
            let benefit_end = if benefit.is_finite() { format!("NNTB {} to ", whole(benefit)) } else { String::new() };
            format!("{side} {} (95% CI {benefit_end}∞{harm_end})", whole(nnt))
        }
        NumberNeeded::NoDifference => "no difference, so no number needed to treat".into(),
    }
}

/// The absolute effect as one sentence; `source` says where the control risk comes from, and
/// `treatment` names the intervention.
pub fn absolute_sentence(effect: &AbsoluteEffect, source: &str, treatment: &str) -> String {
    let (difference, lower, upper) = effect.difference();
    let treatment = in_sentence(treatment);
    format!(
        "At {source} of {} per 1,000, {} per 1,000 with {treatment} (95% CI {} to {}): {} per 1,000 \
         (95% CI {} to {}); {}.",
        per_thousand(effect.control_risk),
        per_thousand(effect.risk),
        per_thousand(effect.risk_lower),
        per_thousand(effect.risk_upper),
        difference_per_thousand(difference),
        difference_per_thousand(lower),
        difference_per_thousand(upper),
        number_needed_text(effect.number_needed()),
    )
}

/// The pooled result as a clinician reads it: "In these 5 trials, dupilumab was associated with
/// fewer skin infections: RR 0.54 (95% CI 0.42 to 0.70)." A CI that includes no difference is
/// said in words, so "fewer" is not read as shown.
pub fn result_in_words(analysis: &Analysis, treatment: &str, outcome: &str) -> String {
    let p = &analysis.pooled;
    let measure = analysis.measure;
    let null = measure.null_value();
    let (treatment, outcome) = (in_sentence(treatment), in_sentence(outcome));
    let direction = if p.estimate < null {
        format!("fewer {outcome}")
    } else if p.estimate > null {
        format!("more {outcome}")
    } else {
        format!("no difference in {outcome}")
    };
    let trials = if analysis.k == 1 { "this trial".to_string() } else { format!("these {} trials", analysis.k) };
    let crosses = if p.ci_lower <= null && p.ci_upper >= null { "; the CI includes no difference" } else { "" };
    format!(
        "In {trials}, {treatment} was associated with {direction}: {} {} (95% CI {} to {}){crosses}.",
        measure_heading(measure),
        effect(p.estimate, measure),
        effect(p.ci_lower, measure),
        effect(p.ci_upper, measure),
    )
}

/// A caveat when the trials' control-arm risks differ widely (the highest at least twice the
/// lowest and 20 per 1,000 above it): one control risk may then not fit every population.
pub fn control_risk_spread(range: Option<(f64, f64)>) -> Option<String> {
    let (lowest, highest) = range?;
    (highest >= 2.0 * lowest && highest - lowest >= 0.02).then(|| {
        format!(
            "Control-arm risks range from {} to {} per 1,000 across the trials, so choose the control risk that \
             fits your patients.",
            per_thousand(lowest),
            per_thousand(highest)
        )
    })
}

/// A caveat when the pooled trials' follow-up differs widely (the longest at least twice the
/// shortest): risks per 1,000 then mix short and long follow-up.
pub fn follow_up_spread(weeks: &[u32]) -> Option<String> {
    let (shortest, longest) = (weeks.iter().min()?, weeks.iter().max()?);
    (*longest >= 2 * *shortest).then(|| {
        format!("The pooled trials followed patients for {shortest} to {longest} weeks, so the risks per 1,000 mix short and long follow-up.")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Measure;

    #[test]
    fn risks_read_per_thousand() {
        assert_eq!(per_thousand(0.1423), "142");
        assert_eq!(per_thousand(0.0042), "4.2");
        assert_eq!(per_thousand(0.002), "2");
        assert_eq!(per_thousand(0.00001), "0");
        assert_eq!(difference_per_thousand(-0.035), "35 fewer");
        assert_eq!(difference_per_thousand(0.0042), "4.2 more");
        assert_eq!(difference_per_thousand(0.00001), "no difference");
    }

    #[test]
    fn numbers_needed_in_altman_s_words() {
        let crosses = NumberNeeded::Crosses { nnt: 7.2, favours_benefit: true, benefit: 5.1, harm: 67.3 };
        assert_eq!(number_needed_text(crosses), "NNTB 8 (95% CI NNTB 6 to ∞ to NNTH 68)");
        let harm = NumberNeeded::Harm { nnt: 10.0, lower: 5.0, upper: 20.0 };
        assert_eq!(number_needed_text(harm), "NNTH 10 (95% CI 5 to 20)");
        let edge = NumberNeeded::Crosses { nnt: 10.0, favours_benefit: true, benefit: 5.0, harm: f64::INFINITY };
        assert_eq!(number_needed_text(edge), "NNTB 10 (95% CI NNTB 5 to ∞)");
    }

    #[test]
    fn caveats_on_spread() {
        assert!(control_risk_spread(Some((0.01, 0.05))).unwrap().starts_with("Control-arm risks range from 10 to 50"));
        assert_eq!(control_risk_spread(Some((0.01, 0.019))), None);
        assert_eq!(control_risk_spread(Some((0.2, 0.35))), None);
        assert_eq!(follow_up_spread(&[16, 12, 52]).unwrap(), "The pooled trials followed patients for 12 to 52 weeks, so the risks per 1,000 mix short and long follow-up.");
        assert_eq!(follow_up_spread(&[16, 16]), None);
        assert_eq!(follow_up_spread(&[]), None);
    }

    #[test]
    fn the_result_in_words() {
        use crate::model::{analyze, AnalysisOptions};
        use crate::StudyCounts;
        let studies = [StudyCounts::new("a", 10, 100, 20, 100), StudyCounts::new("b", 15, 120, 25, 118)];
        let analysis = analyze(&studies, &AnalysisOptions::default()).unwrap();
        let text = result_in_words(&analysis, "dupilumab", "Skin infections");
        assert!(
            text.starts_with("In these 2 trials, dupilumab was associated with fewer skin infections: RR 0."),
            "{text}"
        );
        let one = analyze(&studies[..1], &AnalysisOptions::default()).unwrap();
        assert!(result_in_words(&one, "dupilumab", "Skin infections").starts_with("In this trial,"));
    }

    #[test]
    fn one_sentence() {
        let effect = AbsoluteEffect::at(Measure::RR, 0.2, 0.5, 0.25, 0.75).unwrap();
        assert_eq!(
            absolute_sentence(&effect, "the pooled control-arm risk", "dupilumab"),
            "At the pooled control-arm risk of 200 per 1,000, 100 per 1,000 with dupilumab (95% CI 50 to 150): 100 fewer per 1,000 \
             (95% CI 150 fewer to 50 fewer); NNTB 10 (95% CI 7 to 20)."
        );
    }
}
