//! Numbers as people read them, shared by the page, the plot and the exports, so the same
//! value is never written two ways.
use crate::model::Measure;

/// A count with thousands separators: 1,048,575.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// "P = 0.012", "P = 0.0004", "P < 0.0001": never "P = < 0.0001" or "P = 0.0000".
pub fn p_value(p: f64) -> String {
    if !p.is_finite() {
        "P not available".into()
    } else if p < 0.0001 {
        "P < 0.0001".into()
    } else if p < 0.001 {
        format!("P = {p:.4}")
    } else {
        format!("P = {p:.3}")
    }
}

/// A P value as JAMA's instructions write it: no leading zero, three decimals from .001 to
/// .01, two above ("P = .03", "P = .004", "P < .001", "P > .99").
pub fn p_value_jama(p: f64) -> String {
    let decimals = if p <= 0.01 { 3 } else { 2 };
    if !p.is_finite() {
        "P not available".into()
    } else if p < 0.001 {
        "P < .001".into()
    } else if p > 0.99 {
        "P > .99".into()
    } else {
        format!("P = {}", format!("{p:.decimals$}").trim_start_matches('0'))
    }
}

/// An effect on its display scale: ratios with two decimals (none from 100 up), risk
/// differences in percentage points with one decimal, since "RD −0.00" says nothing, and
/// arcsine differences (radians, rarely beyond ±0.3) with three.
pub fn effect(value: f64, measure: Measure) -> String {
    if !value.is_finite() {
        return "n/a".into();
    }
    let text = match measure {
        Measure::RD => format!("{:.1}", value * 100.0),
        Measure::AS => format!("{value:.3}"),
        _ if value.abs() >= 100.0 => format!("{value:.0}"),
        _ => format!("{value:.2}"),
    };
    // A true minus sign, and no "-0.0".
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => format!("−{rest}"),
        Some(rest) => rest.to_string(),
        None => text,
    }
}

/// "0.54 (0.42 to 0.70)", the estimate and interval as one phrase.
pub fn effect_with_ci(estimate: f64, lower: f64, upper: f64, measure: Measure) -> String {
    format!("{} ({} to {})", effect(estimate, measure), effect(lower, measure), effect(upper, measure))
}

/// τ² in the unit the page shows the pooled effect in: for risk differences, percentage points
/// squared (the estimate is in percentage points), so that one kind of number has one unit on
/// a page; on the analysis scale (log ratios, arcsine) otherwise.
pub fn tau2_on_display_scale(tau2: f64, measure: Measure) -> f64 {
    if measure == Measure::RD {
        tau2 * 1e4
    } else {
        tau2
    }
}

/// τ² as shown, with `decimals`, and its unit where it has one ("0.5510", "12.3456 pp²").
pub fn tau2_text(tau2: f64, measure: Measure, decimals: usize) -> String {
    let value = tau2_on_display_scale(tau2, measure);
    if measure == Measure::RD {
        format!("{value:.decimals$} pp²")
    } else {
        format!("{value:.decimals$}")
    }
}

/// τ as shown: percentage points for risk differences, as the estimate.
pub fn tau_text(tau: f64, measure: Measure, decimals: usize) -> String {
    if measure == Measure::RD {
        format!("{:.decimals$} pp", tau * 100.0)
    } else {
        format!("{tau:.decimals$}")
    }
}

/// How the measure is named next to its numbers: "RR", "Peto OR", "RD (percentage points)".
pub fn measure_heading(measure: Measure) -> String {
    if measure == Measure::RD {
        format!("{} (percentage points)", measure.label())
    } else {
        measure.label().to_string()
    }
}

/// A label inside a sentence ("Favours dupilumab", "fewer skin infections"): a leading capital is lowered unless
/// the word is an abbreviation ("BCG vaccine", "TCS") or a name with inner capitals.
pub fn in_sentence(label: &str) -> String {
    let first_word = label.split_whitespace().next().unwrap_or("");
    if first_word.chars().skip(1).any(char::is_uppercase) {
        return label.to_string();
    }
    let mut chars = label.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(7), "7");
        assert_eq!(count(4095), "4,095");
        assert_eq!(count(1_048_575), "1,048,575");
        assert_eq!(count(100_000), "100,000");
    }

    #[test]
    fn p_values_and_effects_read_plainly() {
        assert_eq!(p_value(0.00001), "P < 0.0001");
        assert_eq!(p_value(0.0004), "P = 0.0004");
        assert_eq!(p_value(0.2454), "P = 0.245");
        assert_eq!(effect(-0.00004, Measure::RD), "0.0");
        assert_eq!(effect(-0.0123, Measure::RD), "−1.2");
        assert_eq!(effect(-0.01234, Measure::AS), "−0.012");
        assert_eq!(effect(-0.0004, Measure::AS), "0.000");
        assert_eq!(effect(0.5412, Measure::RR), "0.54");
        assert_eq!(effect(153.2, Measure::OR), "153");
        assert_eq!(effect_with_ci(0.54, 0.42, 0.7, Measure::RR), "0.54 (0.42 to 0.70)");
        for (p, text) in [
            (0.0009, "P < .001"),
            (0.001, "P = .001"),
            (0.0043, "P = .004"),
            (0.01, "P = .010"),
            (0.0312, "P = .03"),
            (0.995, "P > .99"),
        ] {
            assert_eq!(p_value_jama(p), text, "{p}");
        }
    }
}
