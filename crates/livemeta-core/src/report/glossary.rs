//! Short plain definitions of the terms a clinician meets on the page, kept in one place so
//! the page's hover and focus notes, the command line and the exports say the same.

/// A term as the page writes it, and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    pub term: &'static str,
    /// Other ways the page writes it (a model's code, the long name).
    pub also: &'static [&'static str],
    pub definition: &'static str,
}

/// Every defined term, in the order the command line lists them.
pub const GLOSSARY: &[Term] = &[
    Term { term: "95% CI", also: &[], definition: "95% confidence interval: the range of effects compatible with the data; narrower means more precise." },
    Term { term: "RR", also: &[], definition: "Risk ratio: the risk of the event with the intervention divided by the risk with the control. Below 1, fewer events with the intervention." },
    Term { term: "OR", also: &[], definition: "Odds ratio: the odds of the event with the intervention divided by the odds with the control. Close to the risk ratio when events are rare." },
    Term { term: "Peto OR", also: &["Peto"], definition: "Peto odds ratio: an odds ratio pooled from observed minus expected events, suited to rare events in balanced trials." },
    Term { term: "RD", also: &[], definition: "Risk difference: the risk with the intervention minus the risk with the control, in percentage points." },
    Term { term: "AS", also: &[], definition: "Arcsine difference: a difference of transformed risks that handles trials with no events; it has no scale per 1,000 patients." },
    Term { term: "Random effects", also: &["random-effects"], definition: "Random-effects model: assumes each trial has its own true effect, spread around an average; the pooled value is that average." },
    Term { term: "Common effect", also: &["fixed effect", "common-effect"], definition: "Common-effect (fixed-effect) model: assumes every trial estimates one and the same true effect." },
    Term { term: "M-H", also: &["Mantel-Haenszel"], definition: "Mantel-Haenszel: a way of pooling 2x2 tables that weights trials by their size and copes well with few events." },
    Term { term: "Inverse variance", also: &["inverse-variance"], definition: "Inverse-variance weighting: each trial counts in proportion to its precision (1 / variance)." },
    Term { term: "RevMan 5", also: &[], definition: "RevMan 5: the Cochrane Review Manager's conventions, as published Cochrane reviews computed them." },
    Term { term: "DL", also: &["DerSimonian-Laird"], definition: "DerSimonian-Laird: the classic estimate of the between-trial variance τ²." },
    Term { term: "PM", also: &["Paule-Mandel"], definition: "Paule-Mandel: an estimate of the between-trial variance τ² that makes Q equal its degrees of freedom." },
    Term { term: "ML", also: &[], definition: "Maximum likelihood: an estimate of the between-trial variance τ²; it tends to be smaller than REML's." },
    Term { term: "HE", also: &["Hedges"], definition: "Hedges' estimator: a method-of-moments estimate of the between-trial variance τ²." },
    Term { term: "SJ", also: &["Sidik-Jonkman"], definition: "Sidik-Jonkman: an estimate of the between-trial variance τ² that is seldom 0." },
    Term { term: "EB", also: &["empirical Bayes"], definition: "Empirical Bayes: an estimate of the between-trial variance τ², equal to Paule-Mandel's." },
    Term { term: "REML", also: &[], definition: "Restricted maximum likelihood: an estimate of the between-trial variance τ², metafor's default." },
    Term { term: "Knapp-Hartung", also: &["HKSJ"], definition: "Knapp-Hartung: widens the CI of a random-effects result to allow for the uncertainty in τ², using a t distribution." },
    Term { term: "I²", also: &[], definition: "I²: the share of the variation between trials that is due to real differences rather than chance (0% to 100%)." },
    Term { term: "τ²", also: &["tau²"], definition: "τ² (tau squared): the variance of the true effects between trials; 0 means the trials agree apart from chance." },
    Term { term: "Q", also: &["Cochran's Q"], definition: "Cochran's Q: a test of whether the trials differ more than chance allows; its P value is the test of heterogeneity." },
    Term { term: "Heterogeneity", also: &[], definition: "Heterogeneity: how much the trials' results differ beyond what chance explains." },
    Term { term: "Prediction interval", also: &[], definition: "Prediction interval: where the true effect in a new, similar trial is expected to lie; wider than the CI when trials differ." },
    Term { term: "NNT", also: &["NNTB", "NNTH"], definition: "Number needed to treat: patients treated for one more to benefit (NNTB) or one more to be harmed (NNTH)." },
    Term { term: "GRADE", also: &[], definition: "GRADE: a shared way of rating how certain the evidence is (high, moderate, low, very low), from risk of bias, inconsistency, indirectness, imprecision and publication bias." },
    Term { term: "Control risk", also: &[], definition: "Control risk: the risk of the event without the intervention, which turns a relative effect into patients per 1,000." },
];

/// The definition of `term`, as the page writes it.
pub fn define(term: &str) -> Option<&'static str> {
    GLOSSARY.iter().find(|t| t.term == term).map(|t| t.definition)
}

/// The definitions of every term a label uses (a model label such as "Random effects, M-H
/// (RevMan 5)"), in the glossary's order, as one text. Terms match as whole words in any case;
/// a term inside a longer one found there ("OR" in "Peto OR") is not defined twice.
pub fn define_all_in(label: &str) -> String {
    let lower = label.to_lowercase();
    let spans: Vec<(usize, usize, &Term)> = GLOSSARY
        .iter()
        .flat_map(|t| std::iter::once(t.term).chain(t.also.iter().copied()).map(move |name| (t, name.to_lowercase())))
        .flat_map(|(t, name)| {
            let hits: Vec<(usize, usize, &Term)> = lower
                .match_indices(name.as_str())
                .map(|(i, _)| (i, i + name.len(), t))
                .filter(|&(start, end, _)| {
                    let before = lower[..start].chars().next_back();
                    let after = lower[end..].chars().next();
                    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
                })
                .collect();
            hits
        })
        .collect();
    let outside = |&(start, end, _): &(usize, usize, &Term)| {
        !spans.iter().any(|&(s, e, _)| s <= start && end <= e && (s, e) != (start, end))
    };
    GLOSSARY
        .iter()
        .filter(|t| spans.iter().filter(|s| outside(s)).any(|&(_, _, used)| std::ptr::eq(used, *t)))
        .map(|t| t.definition)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_defined_term_by_term() {
        assert!(define("I²").unwrap().starts_with("I²: the share"));
        assert_eq!(define("BLUP"), None);
        let model = define_all_in("Random effects, M-H (RevMan 5)");
        assert!(model.starts_with("Random-effects model:"));
        assert!(model.contains("Mantel-Haenszel:") && model.contains("RevMan 5:"));
        assert_eq!(define_all_in("ORIGIN"), "");
        assert_eq!(define_all_in("Peto OR"), define("Peto OR").unwrap());
        assert!(define_all_in("Common effect, inverse variance").contains("precision (1 / variance)"));
        assert!(define_all_in("Random effects, REML, Knapp-Hartung").contains("t distribution"));
        let terms: std::collections::BTreeSet<&str> = GLOSSARY.iter().map(|t| t.term).collect();
        assert_eq!(terms.len(), GLOSSARY.len(), "each term once");
    }
}
