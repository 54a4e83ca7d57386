//! A bounded fuzz run of every parser that reads what users bring (CSV, the dataset JSON, RevMan
//! reviews, data packed into links): no input, however broken, may panic; and valid input survives being mangled only as
//! errors.
use livemeta_core::data::open_file;
use livemeta_core::data::read_csv;
use livemeta_core::data::{decode_text, read_rm5};
use livemeta_core::data::{detect_delimiter, extra_columns, parse_studies, parse_subgroups, to_csv};
use livemeta_core::data::{pack, unpack, Packed};
use livemeta_core::data::{trial_rows, Dataset, DoseSelection};
use livemeta_core::StudyCounts;
use proptest::prelude::*;

const VALID: &str = "study,events_treatment,total_treatment,events_control,total_control,subgroup\nA,1,10,2,10,x\n\"B, \"\"quoted\"\"\",3,30,4,30,y\n";

/// Text built from the pieces CSV parsers trip over: delimiters, quotes, line ends, a BOM,
/// formula prefixes, huge and negative numbers, and non-ASCII.
fn csvish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(",".to_string()),
        Just(";".to_string()),
        Just("\t".to_string()),
        Just("\"".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("=1+1".to_string()),
        Just("-5".to_string()),
        Just("99999999999999999999".to_string()),
        Just("study".to_string()),
        Just("events_treatment".to_string()),
        Just("total_control".to_string()),
        Just("ü\u{0}".to_string()),
        "[a-z0-9 ]{0,6}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn csv_parsers_never_panic(text in csvish()) {
        let _ = detect_delimiter(&text);
        let _ = extra_columns(&text);
        let _ = parse_subgroups(&text);
        if let Ok(data) = read_csv(&text, "fuzz") {
            // Whatever reads as a dataset has its rows, and survives its own JSON.
            for outcome in &data.dataset.outcomes {
                let _ = trial_rows(&data.dataset, outcome, &DoseSelection::AllCombined, &|_| true);
            }
            prop_assert!(Dataset::from_json(&data.dataset.to_json()).unwrap() == data.dataset);
        }
        if let Ok(studies) = parse_studies(&text) {
            // What parses round-trips through the export.
            prop_assert_eq!(parse_studies(&to_csv(&studies)).unwrap(), studies);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_studies(&text);
        let _ = extra_columns(&text);
        let _ = Dataset::from_json(&text);
        let _ = read_rm5(&decode_text(&bytes));
        // A file opened by the page or the worker, under each kind of name, and as UTF-16.
        for name in ["data.csv", "review.rm5", "data.json"] {
            let _ = open_file(name, &bytes);
            let _ = open_file(name, &[&[0xFF, 0xFE][..], &bytes].concat());
        }
        let _ = unpack(&text);
        let _ = unpack(&format!("c.{}", text.replace(['+', '/', '='], "-")));
    }

    #[test]
    fn link_data_round_trips_and_damage_is_an_error(text in csvish(), cut in 0usize..200) {
        let packed = pack(&Packed::Csv(text.clone())).expect("short text fits in a link");
        prop_assert_eq!(unpack(&packed).unwrap(), Packed::Csv(text.clone()));
        // A link cut short never opens as the data it was cut from.
        let damaged = &packed[..cut.min(packed.len())];
        if damaged.len() < packed.len() {
            prop_assert_ne!(unpack(damaged), Ok(Packed::Csv(text)));
        }
    }

    #[test]
    fn the_review_reader_never_panics_on_a_mangled_review(cut in 0usize..14_000, insert in "[<>/=\" A-Z_0-9a-z&;]{0,16}") {
        let text = decode_text(include_bytes!("data/example.rm5"));
        let at = (0..=cut.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let mangled = format!("{}{insert}{}", &text[..at], &text[at..]);
        if let Ok(review) = read_rm5(&mangled) {
            for outcome in &review.dataset.outcomes {
                let _ = trial_rows(&review.dataset, outcome, &DoseSelection::AllCombined, &|_| true);
            }
        }
    }

    #[test]
    fn a_mangled_valid_file_fails_with_errors_not_panics(cut in 0usize..VALID.len(), insert in csvish()) {
        let mut text = VALID.to_string();
        let at = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        text.insert_str(at, &insert);
        match parse_studies(&text) {
            Ok(studies) => prop_assert!(studies.iter().all(|s: &StudyCounts| s.validate().is_ok())),
            Err(errors) => prop_assert!(!errors.is_empty() && errors.iter().all(|e| e.line >= 1)),
        }
    }

    #[test]
    fn the_dataset_reader_never_panics_on_mangled_json(cut in 0usize..2000, insert in "[\\[\\]{}\",:0-9a-z-]{0,12}") {
        let text = include_str!("../../../assets/dupilumab.json");
        let at = (0..=cut.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let mangled = format!("{}{insert}{}", &text[..at], &text[at..]);
        let _ = Dataset::from_json(&mangled);
    }
}
