//! The table behind the plot as CSV: the same `ForestPlot` the screen and the SVG show.
use crate::ForestPlot;
use livemeta_core::data::csv_text;

const HEADER: &str = "outcome,measure,model,row,study,status,events_treatment,total_treatment,events_control,total_control,estimate,ci_lower,ci_upper,weight_percent,counts_from";

/// One line per row (study, or subgroup heading, subtotal and note), then one per pooled diamond, each naming the outcome, measure and
/// model; every text cell goes through `csv_text`, which neutralises spreadsheet formulas.
pub fn forest_csv(plot: &ForestPlot) -> String {
    let context =
        format!("{},{},{}", csv_text(&plot.outcome_label), csv_text(&plot.measure_label), csv_text(&plot.model_label));
    let number = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    let arm = |c: Option<(i64, i64)>| c.map_or(",".to_string(), |(e, n)| format!("{e},{n}"));
    let mut out = format!("{HEADER}\n");
    for row in &plot.rows {
        let (e, l, u) = row.estimate.map_or((None, None, None), |(e, l, u)| (Some(e), Some(l), Some(u)));
        out.push_str(&format!(
            "{context},{},{},{},{},{},{},{},{},{},{}\n",
            row.kind.code(),
            csv_text(&row.label),
            row.status.label(),
            arm(row.treatment),
            arm(row.control),
            number(e),
            number(l),
            number(u),
            number(row.weight_percent),
            if row.entered {
                "entered by you"
            } else if row.treatment.is_some() {
                "dataset"
            } else {
                ""
            }
        ));
    }
    for (i, pooled) in plot.pooled.iter().enumerate() {
        let weight = if i == 0 { "100" } else { "" };
        out.push_str(&format!(
            "{context},pooled,{},{},,,,,{},{},{},{weight},\n",
            csv_text(&pooled.label),
            if i == 0 { "pooled" } else { "comparison" },
            pooled.estimate,
            pooled.lower,
            pooled.upper
        ));
    }
    if let Some((source, a)) = &plot.absolute {
        let (difference, lower, upper) = a.difference();
        let per_thousand = |v: f64| v * 1000.0;
        for (label, values) in [
            (format!("Risk with control per 1,000 ({source})"), (a.control_risk, None)),
            ("Risk with the intervention per 1,000".to_string(), (a.risk, Some((a.risk_lower, a.risk_upper)))),
            ("Difference per 1,000".to_string(), (difference, Some((lower, upper)))),
        ] {
            let (e, ci) = values;
            let (l, u) = ci.map_or((String::new(), String::new()), |(l, u)| {
                (per_thousand(l).to_string(), per_thousand(u).to_string())
            });
            out.push_str(&format!("{context},absolute,{},,,,,,{},{l},{u},,\n", csv_text(&label), per_thousand(e)));
        }
    }
    out
}
