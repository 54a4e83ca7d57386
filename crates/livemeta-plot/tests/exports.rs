//! Study names are user input, and every export must carry them as inert text: the CSV
//! neutralises spreadsheet formulas, the SVG escapes XML, the R code escapes R strings.
use livemeta_core::data::{parse_studies, to_csv};
use livemeta_core::data::{TrialData, TrialRow};
use livemeta_core::model::{analyze, AnalysisOptions};
use livemeta_core::report::metafor_script;
use livemeta_core::Coded;
use livemeta_core::StudyCounts;
use livemeta_plot::{figure_svg, forest_csv, forest_plot, ForestPlot};
use std::process::Command;

const HOSTILE: [&str; 13] = [
    "bell\u{7} and nul\u{0}",
    "=HYPERLINK(\"http://x\")",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    "=1;2",
    "<script>alert('x')</script> & co",
    "a \"quoted\" \\ name",
    "line\nbreak",
    "\")); system(\"echo pwned\") #",
    "Thaçi 2016 – Ωmega",
];

fn studies() -> Vec<StudyCounts> {
    HOSTILE.iter().enumerate().map(|(i, name)| StudyCounts::new(*name, 3 + i as i64, 50, 7, 52)).collect()
}

fn plot() -> ForestPlot {
    let rows: Vec<TrialRow> = studies()
        .into_iter()
        .enumerate()
        .map(|(i, counts)| TrialRow {
            trial_id: format!("row{i}"),
            label: counts.label.clone(),
            enabled: i != 3,
            data: TrialData::Reported { counts, definition: "d".into(), sources: vec![] },
        })
        .collect();
    let options = AnalysisOptions::default();
    let pooled: Vec<StudyCounts> = rows.iter().filter_map(|r| r.pooled_counts().cloned()).collect();
    forest_plot(&rows, &analyze(&pooled, &options), &options, "=outcome", "Treatment", "Control")
}

/// RFC 4180 cells, quoted fields may hold delimiters and line breaks.
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut cell, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => row.push(std::mem::take(&mut cell)),
            '\n' if !quoted => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            _ => cell.push(ch),
        }
    }
    rows
}

#[test]
fn csv_export_neutralises_every_formula_prefix() {
    let csv = forest_csv(&plot());
    let rows = csv_cells(&csv);
    assert_eq!(rows.len(), 1 + HOSTILE.len() + 1, "header, studies, pooled row");
    for row in &rows {
        assert_eq!(row.len(), rows[0].len(), "ragged row {row:?}");
        for cell in row {
            let numeric = cell.parse::<f64>().is_ok();
            assert!(numeric || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "live formula cell {cell:?}");
        }
    }
    let names: Vec<&str> = rows[1..=HOSTILE.len()].iter().map(|r| r[4].as_str()).collect();
    for (name, cell) in HOSTILE.iter().zip(names) {
        let expected =
            if name.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{name}") } else { name.to_string() };
        assert_eq!(cell, expected);
    }
    assert_eq!(rows[1][0], "'=outcome", "the outcome label is text too");
}

#[test]
fn data_csv_round_trips_hostile_names_exactly() {
    let original = studies();
    let text = to_csv(&original);
    for line in text.lines().skip(1) {
        assert!(!line.starts_with(['=', '+', '-', '@', '\t', '\r']), "live formula {line:?}");
    }
    // A name with a line break cannot survive a line-based format; every other one must.
    let single_line: Vec<StudyCounts> = original.into_iter().filter(|s| !s.label.contains(['\n', '\r'])).collect();
    assert_eq!(parse_studies(&to_csv(&single_line)).unwrap(), single_line);
    for delimiter in [";", "\t"] {
        let text = to_csv(&single_line).replace(',', delimiter);
        let parsed = parse_studies(&text);
        assert!(parsed.is_ok(), "{delimiter:?}: {parsed:?}");
    }
}

#[test]
fn svg_export_escapes_names_as_xml_text() {
    let svg = figure_svg(&plot(), 960);
    assert!(!svg.contains("<script"), "raw markup in the SVG");
    assert!(!svg.chars().any(|c| c.is_control() && c != '\n'), "a control character XML cannot hold");
    assert!(svg.contains("&lt;script&gt;"), "escaped name missing");
    // Every ampersand starts an entity.
    for (i, _) in svg.match_indices('&') {
        let rest = &svg[i..];
        assert!(
            rest.starts_with("&amp;")
                || rest.starts_with("&lt;")
                || rest.starts_with("&gt;")
                || rest.starts_with("&quot;")
                || rest.starts_with("&apos;")
                || rest.starts_with("&#"),
            "bare & at {}",
            &svg[i..(i + 12).min(svg.len())]
        );
    }
}

#[test]
fn r_code_carries_every_name_as_an_inert_string() {
    let studies = studies();
    let mut script = metafor_script(&studies, &AnalysisOptions::default());
    script.push_str(
        "cat(sapply(dat$study, function(s) paste(charToRaw(enc2utf8(s)), collapse = \"\")), sep = \"\\n\")\n",
    );
    let dir = std::env::temp_dir().join(format!("livemeta-rcode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("analysis.R");
    std::fs::write(&file, &script).unwrap();
    let out = Command::new("Rscript")
        .arg(&file)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("Rscript runs (./x test installs R)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "R failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(!stdout.contains("pwned"), "a name ran as code");
    let hex: Vec<&str> = stdout.lines().rev().take(studies.len()).collect::<Vec<_>>().into_iter().rev().collect();
    for (study, got) in studies.iter().zip(hex) {
        // R strings cannot hold NUL; r_string writes the replacement character instead.
        let want: String = study.label.replace('\0', "\u{fffd}").bytes().map(|b| format!("{b:02x}")).collect();
        assert_eq!(got, want, "name {:?} changed in R", study.label);
    }
}

/// "Copy R code" follows every convention preset, and the Q and I² rules on their own: the
/// script's pooled estimate, CI and I² (from Q where the page takes it from Q) equal the page's.
#[test]
fn r_code_reproduces_each_convention() {
    use livemeta_core::model::Preset;
    use livemeta_core::model::{CiMethod, I2From, Model, QCentre};
    use livemeta_core::{Measure, Tau2Method};
    let studies: Vec<StudyCounts> =
        [[12, 100, 20, 98], [3, 40, 9, 42], [30, 210, 28, 205], [0, 25, 4, 26], [0, 30, 0, 31], [8, 60, 19, 61]]
            .iter()
            .enumerate()
            .map(|(i, r)| StudyCounts::new(format!("T{i}"), r[0], r[1], r[2], r[3]))
            .collect();
    let mut cases: Vec<AnalysisOptions> =
        Preset::ALL.iter().flat_map(|p| [Measure::RR, Measure::OR].map(|m| p.convention().options(m))).collect();
    let dl_mh = AnalysisOptions {
        model: Model::Random(Tau2Method::DerSimonianLaird),
        q_centre: QCentre::MantelHaenszel,
        i2_from: I2From::Q,
        ci_method: CiMethod::KnappHartung,
        ..AnalysisOptions::default()
    };
    cases.push(dl_mh);
    cases.push(AnalysisOptions { model: Model::RevManMhRandom, ci_method: CiMethod::KnappHartung, ..dl_mh });
    cases.push(AnalysisOptions { q_centre: QCentre::MantelHaenszel, ..AnalysisOptions::default() });
    let dir = std::env::temp_dir().join(format!("livemeta-rcode-conventions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for options in cases {
        let a = analyze(&studies, &options).unwrap();
        let file = dir.join("analysis.R");
        std::fs::write(&file, metafor_script(&studies, &options)).unwrap();
        let out = Command::new("Rscript").arg(&file).output().expect("Rscript runs (./x test installs R)");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "R failed: {}", String::from_utf8_lossy(&out.stderr));
        let pooled: Vec<f64> = stdout
            .lines()
            .find_map(|l| l.strip_prefix("livemeta pooled "))
            .unwrap()
            .split(' ')
            .map(|x| x.parse().unwrap())
            .collect();
        for (got, want) in pooled.iter().zip([a.pooled.estimate, a.pooled.ci_lower, a.pooled.ci_upper]) {
            assert!((got - want).abs() < 1e-8, "{options:?}: R {got}, page {want}");
        }
        let i2_from_q = stdout
            .lines()
            .find_map(|l| l.strip_prefix("I^2 from Q: "))
            .map(|x| x.trim_end_matches('%').parse::<f64>().unwrap());
        let page_from_q =
            options.model == Model::RevManMhRandom || (options.model.is_random() && options.i2_from == I2From::Q);
        assert_eq!(i2_from_q.is_some(), page_from_q, "{options:?}");
        if let Some(i2) = i2_from_q {
            assert!(
                (i2 - a.heterogeneity.i2.unwrap()).abs() < 0.051,
                "{options:?}: R I² {i2}, page {:?}",
                a.heterogeneity.i2
            );
        }
    }
}
