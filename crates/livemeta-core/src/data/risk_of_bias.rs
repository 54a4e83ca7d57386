//! Risk of bias as Cochrane's RoB 2 tool records it: a judgment for each of five domains and
//! an overall one. The judgments are the user's, kept as trial attributes named after the
//! domains, so they travel with the data (its link, its CSV) and group trials like any other
//! attribute (subgroups, meta-regression). No bundled set states them, so none are bundled.
use crate::data::Dataset;
use serde::Serialize;

/// The RoB 2 domains (Sterne et al., BMJ 2019;366:l4898) and the overall judgment, each with
/// the attribute name that keeps it.
pub const DOMAINS: [(&str, &str); 6] = [
    ("D1", "RoB 2 D1: randomisation process"),
    ("D2", "RoB 2 D2: deviations from intended interventions"),
    ("D3", "RoB 2 D3: missing outcome data"),
    ("D4", "RoB 2 D4: measurement of the outcome"),
    ("D5", "RoB 2 D5: selection of the reported result"),
    ("Overall", "RoB 2 overall"),
];

/// The attribute that keeps the overall judgment.
pub const OVERALL: &str = DOMAINS[5].1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Judgment {
    Low,
    SomeConcerns,
    High,
}

impl Judgment {
    pub const ALL: [Judgment; 3] = [Judgment::Low, Judgment::SomeConcerns, Judgment::High];

    /// The words kept in the attribute and shown on screen.
    pub fn label(self) -> &'static str {
        match self {
            Judgment::Low => "low",
            Judgment::SomeConcerns => "some concerns",
            Judgment::High => "high",
        }
    }

    /// The symbol of the traffic-light plot (robvis's), so colour is not the only cue.
    pub fn symbol(self) -> &'static str {
        match self {
            Judgment::Low => "+",
            Judgment::SomeConcerns => "−",
            Judgment::High => "×",
        }
    }

    /// Reads the words or a one-letter code, any case ("low", "L", "some concerns", "S", "high").
    pub fn parse(text: &str) -> Option<Judgment> {
        match text.trim().to_ascii_lowercase().as_str() {
            "low" | "l" | "+" => Some(Judgment::Low),
            "some concerns" | "some" | "s" | "sc" | "-" | "−" => Some(Judgment::SomeConcerns),
            "high" | "h" | "x" | "×" => Some(Judgment::High),
            _ => None,
        }
    }
}

/// Whether an attribute holds one of the five domain judgments (brief descriptions of a trial
/// give only the overall one).
pub fn is_domain(attribute: &str) -> bool {
    DOMAINS[..5].iter().any(|(_, name)| *name == attribute)
}

/// Each trial's judgments in domain order (None: not assessed).
pub fn judgments(dataset: &Dataset, ids: &[String]) -> Vec<[Option<Judgment>; 6]> {
    ids.iter()
        .map(|id| {
            let trial = dataset.trial(id);
            DOMAINS.map(|(_, name)| trial.and_then(|t| t.attribute(name)).and_then(Judgment::parse))
        })
        .collect()
}

/// Whether any trial has a judgment.
pub fn any_assessed(dataset: &Dataset) -> bool {
    dataset.trials.iter().any(|t| DOMAINS.iter().any(|(_, name)| t.attribute(name).and_then(Judgment::parse).is_some()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judgments_read_words_and_codes() {
        for (text, want) in [
            ("low", Judgment::Low),
            (" Some concerns ", Judgment::SomeConcerns),
            ("H", Judgment::High),
            ("sc", Judgment::SomeConcerns),
        ] {
            assert_eq!(Judgment::parse(text), Some(want), "{text}");
        }
        assert_eq!(Judgment::parse("unclear"), None);
        for j in Judgment::ALL {
            assert_eq!(Judgment::parse(j.label()), Some(j));
        }
    }
}
