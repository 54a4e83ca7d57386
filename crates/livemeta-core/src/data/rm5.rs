//! RevMan 5 reviews (`.rm5`, XML): the dichotomous outcomes (`DICH_OUTCOME`, `DICH_DATA`, with
//! their comparisons and `DICH_SUBGROUP`s) as a dataset, so a Cochrane author can open a review
//! and explore it live. Group 1 is the experimental arm, group 2 the control, as RevMan has it.
//! Each outcome lists only its own studies; a study's subgroup becomes its `subgroup`
//! attribute; the review's own pooled result becomes the outcome's published result.
use crate::data::StudyCounts;
use crate::data::{empty_dataset, user_outcome, user_trial};
use crate::data::{Dataset, PublishedResult};
use roxmltree::{Document, Node, ParsingOptions};

/// A review read into a dataset, and a sentence on what was left out (continuous outcomes,
/// outcomes without data, unreadable rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    pub dataset: Dataset,
    pub warning: Option<String>,
}

/// Decodes a file by its byte-order mark or XML declaration: RevMan 5 writes ISO-8859-1
/// (Windows-1252) as often as UTF-8.
pub fn decode_text(bytes: &[u8]) -> String {
    // Excel's "Unicode text" is UTF-16 with a byte-order mark.
    let utf16 = |unit: fn([u8; 2]) -> u16| {
        String::from_utf16_lossy(&bytes[2..].chunks_exact(2).map(|p| unit([p[0], p[1]])).collect::<Vec<_>>())
    };
    match bytes {
        [0xFF, 0xFE, ..] => return utf16(u16::from_le_bytes),
        [0xFE, 0xFF, ..] => return utf16(u16::from_be_bytes),
        _ => {}
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let declared_latin = head.starts_with("<?xml")
        && ["iso-8859-1", "windows-1252", "latin1", "cp1252"].iter().any(|e| head.contains(e));
    match std::str::from_utf8(bytes) {
        Ok(text) if !declared_latin => text.to_string(),
        // Latin-1 maps each byte to the code point of the same number.
        _ => bytes.iter().map(|&b| b as char).collect(),
    }
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name(name))
}

fn child_text(node: Node, name: &str) -> String {
    child(node, name)
        .map(|c| {
            c.descendants().filter(|d| d.is_text()).filter_map(|d| d.text()).collect::<String>().trim().to_string()
        })
        .unwrap_or_default()
}

/// The model and measure codes for an outcome's RevMan settings.
fn method_codes(outcome: Node) -> (&'static str, &'static str) {
    let random = outcome.attribute("RANDOM") == Some("YES");
    let measure = match outcome.attribute("EFFECT_MEASURE").unwrap_or("RR") {
        "OR" => "OR",
        "RD" => "RD",
        "PETO_OR" => "PETO",
        _ => "RR",
    };
    let model = match (outcome.attribute("METHOD").unwrap_or("MH"), random) {
        _ if measure == "PETO" => "PETO",
        ("PETO", _) => "PETO",
        ("IV", true) => "DL",
        ("IV", false) => "IV",
        (_, true) => "REVMAN",
        (_, false) => "MH",
    };
    (measure, if measure == "PETO" { "PETO" } else { model })
}

/// Reads a review. `Err` says why the file is not a review with dichotomous data.
pub fn read_rm5(text: &str) -> Result<Review, String> {
    // RevMan files declare no DTD, but a hostile one must not expand entities without bound.
    let options = ParsingOptions { allow_dtd: false, ..ParsingOptions::default() };
    let doc = Document::parse_with_options(text, options)
        .map_err(|e| format!("not a readable RevMan 5 file (XML error: {e})"))?;
    let root = doc.root_element();
    if !root.has_tag_name("COCHRANE_REVIEW") {
        return Err(format!(
            "not a RevMan 5 review: the file's root element is <{}>, not <COCHRANE_REVIEW>",
            root.tag_name().name()
        ));
    }
    let studies: Vec<(&str, &str, Option<u32>)> = root
        .descendants()
        .filter(|n| n.has_tag_name("STUDY"))
        .filter_map(|s| {
            let year = s.attribute("YEAR").and_then(|y| y.get(..4)).and_then(|y| y.parse().ok());
            Some((s.attribute("ID")?, s.attribute("NAME").unwrap_or(""), year))
        })
        .collect();
    let title = child(root, "COVER_SHEET")
        .map(|c| child_text(c, "TITLE"))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "RevMan review".into());
    let review_id = root.attribute("ID").unwrap_or("review");
    let mut dataset = empty_dataset(&format!("rm5-{review_id}"), &title, "Experimental", "Control");
    dataset.publication.citation = title.clone();
    let mut skipped = Vec::new();
    let mut empty = Vec::new();
    let mut unreadable = 0;
    let analyses = root.descendants().find(|n| n.has_tag_name("ANALYSES_AND_DATA"));
    for comparison in analyses.iter().flat_map(|a| a.children()).filter(|n| n.has_tag_name("COMPARISON")) {
        let comparison_no = comparison.attribute("NO").unwrap_or("?");
        let comparison_name = child_text(comparison, "NAME");
        for outcome in comparison.children().filter(|n| n.is_element() && n.tag_name().name().ends_with("_OUTCOME")) {
            let number = format!("{comparison_no}.{}", outcome.attribute("NO").unwrap_or("?"));
            let label = format!("{number} {comparison_name}: {}", child_text(outcome, "NAME"));
            if !outcome.has_tag_name("DICH_OUTCOME") {
                skipped.push(label);
                continue;
            }
            let outcome_id = outcome.attribute("ID").map_or_else(|| format!("outcome-{number}"), String::from);
            let rows: Vec<(Node, Option<String>)> = outcome
                .children()
                .flat_map(|n| {
                    if n.has_tag_name("DICH_DATA") {
                        vec![(n, None)]
                    } else if n.has_tag_name("DICH_SUBGROUP") {
                        let name = child_text(n, "NAME");
                        n.children().filter(|d| d.has_tag_name("DICH_DATA")).map(|d| (d, Some(name.clone()))).collect()
                    } else {
                        vec![]
                    }
                })
                .collect();
            if rows.is_empty() {
                empty.push(label);
                continue;
            }
            if dataset.outcomes.is_empty() {
                dataset.treatment_label = Some(child_text(outcome, "GROUP_LABEL_1"))
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| "Experimental".into());
                dataset.control_label = Some(child_text(outcome, "GROUP_LABEL_2"))
                    .filter(|l| !l.is_empty())
                    .unwrap_or_else(|| "Control".into());
            }
            let names: Vec<String> = rows
                .iter()
                .map(|(row, _)| {
                    let id = row.attribute("STUDY_ID").unwrap_or("");
                    studies
                        .iter()
                        .find(|s| s.0 == id)
                        .map(|s| s.1.to_string())
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| id.trim_start_matches("STD-").to_string())
                })
                .collect();
            let mut ids = Vec::new();
            for (index, ((row, subgroup), name)) in rows.iter().zip(&names).enumerate() {
                let twice = names.iter().filter(|n| *n == name).count() > 1;
                let label = if twice { format!("{name} (row {})", index + 1) } else { name.clone() };
                let mut trial = user_trial(
                    &format!("{outcome_id}#{}", index + 1),
                    &label,
                    &dataset.treatment_label,
                    &dataset.control_label,
                );
                trial.year = studies.iter().find(|s| Some(s.0) == row.attribute("STUDY_ID")).and_then(|s| s.2);
                if let Some(subgroup) = subgroup {
                    trial.attributes.push(("subgroup".into(), subgroup.clone()));
                }
                let field = |f: &str| {
                    row.attribute(f)
                        .ok_or_else(|| format!("{f} is missing"))
                        .and_then(|v| v.trim().parse::<i64>().map_err(|_| format!("{f} \"{v}\" is not a whole number")))
                };
                match (field("EVENTS_1"), field("TOTAL_1"), field("EVENTS_2"), field("TOTAL_2")) {
                    (Ok(a), Ok(n1), Ok(c), Ok(n2)) => {
                        trial.add_user_counts(
                            &outcome_id,
                            &StudyCounts::new(label.clone(), a, n1, c, n2),
                            &format!("outcome {number} of your RevMan review"),
                        );
                    }
                    (a, n1, c, n2) => {
                        unreadable += 1;
                        let problems: Vec<String> = [a, n1, c, n2].into_iter().filter_map(Result::err).collect();
                        trial.problems = Some(format!("outcome {number}, study {name}: {}", problems.join("; ")));
                    }
                }
                ids.push(trial.id.clone());
                dataset.trials.push(trial);
            }
            let (measure, model) = method_codes(outcome);
            let mut analysed = user_outcome(&outcome_id, &label, measure, model);
            analysed.trials = Some(ids);
            dataset.outcomes.push(analysed);
            let number_attr =
                |name: &str| outcome.attribute(name).and_then(|v| v.parse::<f64>().ok()).filter(|v| v.is_finite());
            let totals = outcome.attribute("TOTALS") == Some("YES") && outcome.attribute("ESTIMABLE") == Some("YES");
            if let (true, Some(estimate), Some(ci_lower), Some(ci_upper)) =
                (totals, number_attr("EFFECT_SIZE"), number_attr("CI_START"), number_attr("CI_END"))
            {
                dataset.published.push(PublishedResult {
                    outcome: outcome_id.clone(),
                    measure: measure.into(),
                    model: model.into(),
                    estimate,
                    ci_lower,
                    ci_upper,
                    primary_url: None,
                    url: String::new(),
                    copy: None,
                    snippet: format!(
                        "EFFECT_SIZE=\"{}\" CI_START=\"{}\" CI_END=\"{}\"",
                        outcome.attribute("EFFECT_SIZE").unwrap_or(""),
                        outcome.attribute("CI_START").unwrap_or(""),
                        outcome.attribute("CI_END").unwrap_or("")
                    ),
                });
            }
        }
    }
    if dataset.outcomes.is_empty() {
        return Err(
            "the review has no dichotomous outcome with data (livemeta analyses 2x2 tables: events and totals per arm)"
                .into(),
        );
    }
    let mut notes = Vec::new();
    if !skipped.is_empty() {
        notes.push(format!("Left out (not 2x2 data): {}.", skipped.join("; ")));
    }
    if !empty.is_empty() {
        notes.push(format!("Left out (no studies entered): {}.", empty.join("; ")));
    }
    if unreadable > 0 {
        notes.push(format!(
            "{unreadable} study {} with unreadable counts {} flagged in the table.",
            if unreadable == 1 { "row" } else { "rows" },
            if unreadable == 1 { "is" } else { "are" }
        ));
    }
    Ok(Review { dataset, warning: (!notes.is_empty()).then(|| notes.join(" ")) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{trial_rows, DoseSelection, TrialData};

    const FIXTURE: &[u8] = include_bytes!("../../tests/data/example.rm5");

    #[test]
    fn reads_the_dichotomous_outcomes_with_subgroups() {
        let review = read_rm5(&decode_text(FIXTURE)).unwrap();
        let d = &review.dataset;
        let labels: Vec<&str> = d.outcomes.iter().map(|o| o.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "1.1 Drug A versus placebo: Death at 30 days",
                "1.2 Drug A versus placebo: Adverse events (any)",
                "2.1 Drug A versus drug B: Treatment discontinuation"
            ]
        );
        assert_eq!((d.treatment_label.as_str(), d.control_label.as_str()), ("Drug A", "Placebo"));
        let adverse = &d.outcomes[1];
        assert_eq!((adverse.default_measure.as_str(), adverse.default_model.as_str()), ("OR", "REVMAN"));
        let rows = trial_rows(d, adverse, &DoseSelection::AllCombined, &|_| true);
        let names: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(names, ["Alpha 2001", "Delta 2012 (row 2)", "Delta 2012 (row 3)", "Beta-Gamma 2005"]);
        assert_eq!(d.trial(&rows[3].trial_id).unwrap().attribute("subgroup"), Some("High dose"));
        assert!(
            matches!(&rows[1].data, TrialData::Reported { counts, .. } if *counts == StudyCounts::new("Delta 2012 (row 2)", 6, 30, 3, 15))
        );
        // The Latin-1 name decodes, and the review's own pooled result is kept for comparison.
        let death = trial_rows(d, &d.outcomes[0], &DoseSelection::AllCombined, &|_| true);
        assert_eq!(death[2].label, "Sørensen 2010");
        assert_eq!(
            d.published.len(),
            2,
            "death (TOTALS=YES) and discontinuation; the subgroup-only outcome has no total"
        );
        let warning = review.warning.unwrap();
        assert!(
            warning.contains("Pain score")
                && warning.contains("Time to relapse")
                && warning.contains("Quality of life"),
            "{warning}"
        );
        assert_eq!(Dataset::from_json(&d.to_json()).unwrap(), *d);
    }

    #[test]
    fn other_files_are_refused_with_a_reason() {
        assert!(read_rm5("<html></html>").unwrap_err().contains("<html>"));
        assert!(read_rm5("not xml").unwrap_err().contains("XML error"));
        assert!(read_rm5("<COCHRANE_REVIEW><ANALYSES_AND_DATA/></COCHRANE_REVIEW>")
            .unwrap_err()
            .contains("no dichotomous outcome"));
        let bad = "<COCHRANE_REVIEW><ANALYSES_AND_DATA><COMPARISON NO=\"1\"><NAME>C</NAME><DICH_OUTCOME NO=\"1\" ID=\"o\"><NAME>O</NAME>\
            <DICH_DATA STUDY_ID=\"STD-A\" EVENTS_1=\"x\" TOTAL_1=\"10\" EVENTS_2=\"1\" TOTAL_2=\"10\"/>\
            <DICH_DATA STUDY_ID=\"STD-B\" EVENTS_1=\"12\" TOTAL_1=\"10\" EVENTS_2=\"1\" TOTAL_2=\"10\"/></DICH_OUTCOME></COMPARISON></ANALYSES_AND_DATA></COCHRANE_REVIEW>";
        let review = read_rm5(bad).unwrap();
        let rows = trial_rows(&review.dataset, &review.dataset.outcomes[0], &DoseSelection::AllCombined, &|_| true);
        assert!(matches!(&rows[0].data, TrialData::Invalid { problems } if problems.contains("EVENTS_1 \"x\"")));
        assert!(
            matches!(&rows[1].data, TrialData::Invalid { problems } if problems.contains("events")),
            "{:?}",
            rows[1].data
        );
    }
}
