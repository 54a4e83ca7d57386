//! The bundled dataset obeys its own rules: every number has a source that shows it, events
//! never exceed their denominator, denominators are the arm's sourced N, and arms add up to the
//! trial's total.
use livemeta_core::data::{Dataset, DoseSelection, Sourced, TrialData};
use std::path::Path;

/// Every dataset the app bundles, with the number of trials its source pooled.
const BUNDLED: [(&str, usize); 2] = [("dupilumab.json", 8), ("bcg.json", 13)];

fn dataset(file: &str) -> Dataset {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets").join(file)).unwrap();
    Dataset::from_json(&text).unwrap_or_else(|e| panic!("assets/{file} parses as livemeta-dataset v1: {e}"))
}

/// A sourced value must show where it came from; a direct value must appear in its snippet.
fn check_sourced(what: &str, s: &Sourced, problems: &mut Vec<String>) {
    let Some(value) = s.value else { return };
    let url = s.url.as_deref().unwrap_or("");
    let snippet = s.snippet.as_deref().unwrap_or("");
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        problems.push(format!("{what}: value {value} has no source URL"));
    }
    if snippet.trim().is_empty() {
        problems.push(format!("{what}: value {value} has no verbatim snippet"));
    }
    match s.kind.as_deref() {
        Some("direct") => {
            let shown =
                snippet.split(|c: char| !c.is_ascii_digit()).any(|token| token.parse::<i64>().ok() == Some(value));
            if !shown {
                problems.push(format!("{what}: direct value {value} does not appear in its snippet {snippet:?}"));
            }
        }
        Some("derived") => {
            if s.derivation.as_deref().unwrap_or("").is_empty() {
                problems.push(format!("{what}: derived value {value} has no derivation"));
            }
        }
        other => problems.push(format!("{what}: kind must be direct or derived, got {other:?}")),
    }
}

/// Saving a bundled set as dataset JSON gives the file it was read from, field for field.
#[test]
fn bundled_datasets_round_trip_through_json() {
    for (file, _) in BUNDLED {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets").join(file)).unwrap();
        let saved: serde_json::Value = serde_json::from_str(&dataset(file).to_json()).unwrap();
        assert!(
            saved == serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            "{file} is not saved as it was read"
        );
        assert!(
            Dataset::from_json(&dataset(file).to_json()).unwrap() == dataset(file),
            "{file} does not read back equal"
        );
    }
}

#[test]
fn every_number_in_the_bundled_datasets_is_sourced_and_consistent() {
    for (file, trials) in BUNDLED {
        check_dataset(&dataset(file), trials);
    }
}

fn check_dataset(d: &Dataset, trials: usize) {
    let mut problems = Vec::new();
    assert_eq!(d.trials.len(), trials, "{}: the source pooled {trials} trials", d.id);
    for trial in &d.trials {
        check_sourced(&format!("{} total randomized", trial.id), &trial.n_randomized_total, &mut problems);
        for arm in &trial.arms {
            check_sourced(&format!("{} {} n_randomized", trial.id, arm.id), &arm.n_randomized, &mut problems);
            check_sourced(&format!("{} {} n_safety", trial.id, arm.id), &arm.n_safety, &mut problems);
        }
        let arm_total: Option<i64> = trial.arms.iter().map(|a| a.n_randomized.value).sum();
        if let (Some(sum), Some(total)) = (arm_total, trial.n_randomized_total.value) {
            if sum != total {
                problems.push(format!("{}: arms add up to {sum}, the trial total is {total}", trial.id));
            }
        }
        for count in &trial.counts {
            let what = format!("{} {} {} {}", trial.id, count.arm, count.outcome, count.definition);
            check_sourced(&what, &count.events, &mut problems);
            let Some(arm) = trial.arms.iter().find(|a| a.id == count.arm) else {
                problems.push(format!("{what}: no arm {}", count.arm));
                continue;
            };
            if let Some(events) = count.events.value {
                if events < 0 || events > count.n {
                    problems.push(format!("{what}: {events} events with denominator {}", count.n));
                }
                if ![arm.n_safety.value, arm.n_randomized.value].contains(&Some(count.n)) {
                    problems
                        .push(format!("{what}: denominator {} is neither the arm's safety nor randomized N", count.n));
                }
            }
            if !d.definitions.iter().any(|def| def.id == count.definition && def.outcome == count.outcome) {
                problems.push(format!("{what}: definition {} is not declared for {}", count.definition, count.outcome));
            }
            if !d.outcomes.iter().any(|o| o.id == count.outcome) {
                problems.push(format!("{what}: unknown outcome"));
            }
        }
    }
    for outcome in &d.outcomes {
        for def in &outcome.definition_preference {
            if !d.definitions.iter().any(|x| &x.id == def) {
                problems.push(format!("outcome {}: preferred definition {def} is not declared", outcome.id));
            }
        }
    }
    for p in &d.published {
        if !p.snippet.contains(&format!("{:.2}", p.estimate)) || !p.url.starts_with("https://") {
            problems.push(format!("published {} {}: value not in its sourced snippet", p.outcome, p.measure));
        }
    }
    assert!(problems.is_empty(), "{}: {} problems:\n{}", d.id, problems.len(), problems.join("\n"));
}

#[test]
fn a_reader_can_prefer_any_definition_a_trial_reports() {
    let d = dataset("dupilumab.json");
    let skin = d.outcome("skin_infections").unwrap();
    let all = DoseSelection::AllCombined;
    // CHRONOS reports two definitions of skin infection for all its arms (Beck 2020's third
    // only for some), M12 one.
    let reported = d.reported_definitions(skin, &all);
    assert_eq!(
        reported,
        [
            "adjudicated_nonherpetic_ctgov",
            "abstract_skin_infections_unspecified",
            "adjudicated_nonherpetic_systemic_tx_ctgov"
        ]
    );
    let chronos = d.trial("chronos").unwrap();
    let definition = |outcome: &livemeta_core::data::Outcome| match chronos.data_for(outcome, &all) {
        TrialData::Reported { definition, .. } => definition,
        other => panic!("{other:?}"),
    };
    assert_eq!(definition(skin), "adjudicated_nonherpetic_ctgov");
    assert_eq!(
        definition(&skin.preferring("adjudicated_nonherpetic_systemic_tx_ctgov")),
        "adjudicated_nonherpetic_systemic_tx_ctgov"
    );
    // A definition CHRONOS lacks falls back to the usual order.
    assert_eq!(definition(&skin.preferring("abstract_skin_infections_unspecified")), "adjudicated_nonherpetic_ctgov");
}
