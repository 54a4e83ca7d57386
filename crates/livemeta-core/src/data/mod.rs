//! What the studies are: 2x2 counts, bundled datasets, the user's CSV, RevMan files, links,
//! edits, risk of bias and the synthetic sets of the tests and benchmarks.
mod counts;
mod csv_input;
mod dataset;
mod edit;
mod file_open;
mod link_data;
mod risk_of_bias;
mod rm5;
mod synthetic;
mod user_data;

pub use counts::{validate_all, StudyCounts, Table};
pub use csv_input::{
    csv_text, detect_delimiter, distinguish_duplicates, extra_columns, no_studies, parse_rows, parse_studies,
    parse_subgroups, to_csv, ParsedRow, RowError, COLUMNS,
};
pub use dataset::{
    dose_label, entered_origin, trial_rows, Arm, ArmSource, Count, Dataset, Definition, DoseSelection, Missing,
    Outcome, Publication, PublishedResult, Sourced, Trial, TrialData, TrialRow, FORMAT, VERSION,
};
pub use edit::{
    add_attribute, add_trial, apply_cells, editable_copy, is_editable, move_trial, remove_trial, rename, set_attribute,
    set_table, set_year, table_of, CellProblem, Column,
};
pub use file_open::{open_file, too_large, FileReply, OpenedFile, MAX_FILE_BYTES, MAX_STUDIES};
pub use link_data::{pack, unpack, Packed, MAX_PACKED};
pub use risk_of_bias::{any_assessed, is_domain, judgments, Judgment, DOMAINS, OVERALL};
pub use rm5::{decode_text, read_rm5, Review};
pub use synthetic::synthetic_studies;
pub use user_data::{
    dataset_to_csv, empty_dataset, read_csv, user_outcome, user_trial, UserData, AS_GIVEN, CONTROL_ARM, TREATMENT_ARM,
};
