//! "Report": the question, the result and what it means, the model and conventions in words,
//! the forest plot, the data with where each number came from, the summary of findings, the
//! analysis open below the plot and the R code, as one HTML file or a Word document. Both are
//! written from one `Document`, built from the same analysis as the page.
use crate::components::forest_plot_canvas::current_plot;
use crate::components::summary_of_findings::absolute_cells;
use crate::download::{download, download_bytes, figure_png, EXPORT_WIDTH};
use crate::state::{findings, AppState, DataSource, OutcomeFinding, Selection, SensitivityView};
use leptos::prelude::*;
use livemeta_core::data::{TrialData, TrialRow};
use livemeta_core::interpret::AbsoluteEffect;
use livemeta_core::model::{Analysis, Rule};
use livemeta_core::report::{
    absolute_sentence, define_all_in, effect_with_ci, p_value, result_in_words, tau2_text, to_docx, to_html, Block,
    Document,
};
use livemeta_core::{Coded, EngineError};
use livemeta_plot::figure_svg;
use wasm_bindgen::JsCast;

/// What the page shows of the analysis open below the plot: its name, its readings and tables
/// as shown, and its R code.
pub struct OpenView {
    pub name: String,
    pub blocks: Vec<Block>,
    pub r_code: Option<String>,
}

/// Everything the report says, from the page's own state.
pub struct ReportInputs<'a> {
    pub selection: &'a Selection,
    pub source: &'a DataSource,
    pub rows: &'a [TrialRow],
    pub analysis: &'a Result<Analysis, EngineError>,
    pub absolute: Option<AbsoluteEffect>,
    pub findings: &'a [OutcomeFinding],
    pub figure: Block,
    pub open_view: Option<OpenView>,
    pub r_code: &'a str,
}

fn counts_text(events: i64, total: i64) -> String {
    format!("{events}/{total}")
}

/// Where a trial's counts came from, in words, with the addresses read.
fn source_text(row: &TrialRow) -> String {
    match &row.data {
        TrialData::Reported { sources, .. } => {
            let mut read: Vec<String> = sources
                .iter()
                .filter_map(|s| match (&s.events.primary_url, &s.events.url) {
                    (Some(primary), Some(copy)) if primary != copy => {
                        Some(format!("{primary} (read from a copy at {copy})"))
                    }
                    (Some(url), _) | (None, Some(url)) => Some(url.clone()),
                    (None, None) => None,
                })
                .collect();
            read.dedup();
            if read.is_empty() {
                "from the data file".into()
            } else {
                read.join("; ")
            }
        }
        TrialData::Entered { .. } => {
            format!("entered by you, {} (no public source)", row.entered_origin().unwrap_or_default())
        }
        TrialData::NotReported => "no public counts".into(),
        _ => "left out: the row has problems".into(),
    }
}

pub fn report_document(inputs: ReportInputs) -> Document {
    let ReportInputs { selection, source, rows, analysis, absolute, findings, figure, open_view, r_code } = inputs;
    let dataset = &source.dataset;
    let outcome = dataset.outcome_or_first(&selection.scope.outcome).label.clone();
    let (treatment, control) = (&dataset.treatment_label, &dataset.control_label);
    let mut blocks = vec![
        Block::Heading("The question".into()),
        Block::Paragraph(format!("{treatment} against {control}: {outcome}.")),
        Block::Heading("The result".into()),
    ];
    match analysis {
        Ok(a) => {
            let p = &a.pooled;
            let h = &a.heterogeneity;
            blocks.push(Block::Paragraph(result_in_words(a, treatment, &outcome)));
            let shown = |v: f64| livemeta_core::report::effect(v, a.measure);
            blocks.push(Block::Paragraph(format!(
                "Pooled {} {} (95% CI {} to {}), {}, {} {}.{}",
                a.measure.label(),
                shown(p.estimate),
                shown(p.ci_lower),
                shown(p.ci_upper),
                a.model_label,
                a.k,
                if a.k == 1 { "trial" } else { "trials" },
                if a.k >= 2 {
                    format!(
                        " Heterogeneity: I² = {:.0}%, τ² = {}, Q = {:.2} (df = {}), {}.",
                        h.i2.unwrap_or(f64::NAN),
                        tau2_text(h.tau2, a.measure, 3),
                        h.q,
                        h.df,
                        h.p_value.map_or("P not available".into(), p_value)
                    )
                } else {
                    String::new()
                }
            )));
            if let Some(e) = absolute {
                blocks.push(Block::Paragraph(absolute_sentence(&e, selection.views.control_risk.label(), treatment)));
            }
        }
        Err(e) => blocks.push(Block::Paragraph(format!("No pooled estimate: {e}."))),
    }
    if let Some(p) = dataset.published.iter().find(|p| p.outcome == selection.scope.outcome) {
        blocks.push(Block::Paragraph(format!(
            "Published ({}): {} {:.2} ({:.2} to {:.2}).",
            dataset.publication.citation, p.measure, p.estimate, p.ci_lower, p.ci_upper
        )));
    }
    blocks.push(Block::Heading("Model and conventions".into()));
    let convention = selection.method.convention();
    blocks.push(Block::Table {
        header: vec!["Rule".into(), "This analysis".into()],
        rows: Rule::ALL.iter().map(|r| vec![r.label().to_string(), convention.describe(*r)]).collect(),
    });
    if let Ok(a) = analysis {
        let terms = define_all_in(&a.model_label);
        if !terms.is_empty() {
            blocks.push(Block::Paragraph(terms));
        }
    }
    blocks.push(Block::Heading("Forest plot".into()));
    blocks.push(figure);
    blocks.push(Block::Heading("The data and where each number came from".into()));
    blocks.push(Block::Table {
        header: vec![
            "Trial".into(),
            format!("{treatment} events/total"),
            format!("{control} events/total"),
            "In the pool".into(),
            "Source".into(),
        ],
        rows: rows
            .iter()
            .map(|r| {
                let (t, c) = r.counts().map_or(("–".into(), "–".into()), |s| {
                    (counts_text(s.events_treatment, s.total_treatment), counts_text(s.events_control, s.total_control))
                });
                let pooled = if r.pooled_counts().is_some() { "yes" } else { "no" };
                vec![r.label.clone(), t, c, pooled.into(), source_text(r)]
            })
            .collect(),
    });
    blocks.push(Block::Heading("Summary of findings".into()));
    blocks.push(Block::Table {
        header: vec![
            "Outcome".into(),
            format!("Risk with {control}"),
            format!("Risk with {treatment} (95% CI)"),
            "Relative effect (95% CI)".into(),
            "Participants (trials)".into(),
            "Certainty (GRADE)".into(),
        ],
        rows: findings
            .iter()
            .map(|row| match &row.finding {
                Ok(f) => {
                    let (e, l, u) = f.relative;
                    let (with_control, with_treatment) = absolute_cells(f);
                    let user = if f.ratings.iter().any(|r| r.user.is_some()) { " (with your ratings)" } else { "" };
                    vec![
                        row.label.clone(),
                        with_control,
                        with_treatment,
                        format!("{} {}", f.measure.label(), effect_with_ci(e, l, u, f.measure)),
                        format!("{} ({})", livemeta_core::report::count(f.participants as usize), f.trials),
                        format!("{} {}{user}", f.certainty.symbols(), f.certainty.label()),
                    ]
                }
                Err(e) => {
                    vec![row.label.clone(), format!("Not pooled: {e}."), "".into(), "".into(), "".into(), "".into()]
                }
            })
            .collect(),
    });
    if let Some(Ok(f)) = findings.iter().find(|f| f.shown).map(|f| &f.finding) {
        blocks.push(Block::Paragraph(format!("Certainty for {outcome}, domain by domain:")));
        blocks.push(Block::Table {
            header: vec!["Domain".into(), "Rating".into(), "Why".into()],
            rows: f
                .ratings
                .iter()
                .map(|r| {
                    let s = &r.suggestion;
                    let (rating, why) = match &r.user {
                        Some(u) => (
                            format!("{} (your judgment)", u.concern.label()),
                            format!("Your reason: {}. Suggested: {}. {}", u.reason, s.concern.label(), s.why),
                        ),
                        None => (format!("{} (suggested)", s.concern.label()), s.why.clone()),
                    };
                    vec![s.domain.label().to_string(), rating, why]
                })
                .collect(),
        });
    }
    if let Some(view) = open_view {
        blocks.push(Block::Heading(format!("Open analysis: {}", view.name)));
        blocks.extend(view.blocks);
        if let Some(code) = view.r_code {
            blocks.push(Block::Paragraph("Its R code:".into()));
            blocks.push(Block::Code(code));
        }
    }
    blocks.push(Block::Heading("R code (metafor)".into()));
    blocks.push(Block::Code(r_code.to_string()));
    Document { title: format!("{}: {outcome}", dataset.title), blocks }
}

/// The open view's readings, notes and tables, and its R code, as the page shows them (the
/// controls left out).
fn open_view_on_page(view: SensitivityView) -> Option<OpenView> {
    let document = window().document()?;
    let panel = document.query_selector(&format!("[data-testid='{}-view']", view.code())).ok()??;
    let text = |e: &web_sys::Element| e.dyn_ref::<web_sys::HtmlElement>().map(|h| h.inner_text()).unwrap_or_default();
    let elements = panel.query_selector_all("p, li, table").ok()?;
    let mut blocks = Vec::new();
    for i in 0..elements.length() {
        let Some(element) = elements.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        // Text inside a control, a table or a list item already taken is not a block of its own.
        let nested =
            element.parent_element().and_then(|p| p.closest("button, details, table, li, label").ok().flatten());
        if nested.is_some() {
            continue;
        }
        if element.tag_name() == "TABLE" {
            let rows = element.query_selector_all("tr").ok()?;
            let cells: Vec<Vec<String>> = (0..rows.length())
                .filter_map(|r| rows.item(r).and_then(|n| n.dyn_into::<web_sys::Element>().ok()))
                .map(|row| {
                    let cells = row.query_selector_all("th, td").ok();
                    cells.map_or(Vec::new(), |c| {
                        (0..c.length())
                            .filter_map(|j| c.item(j).and_then(|n| n.dyn_into::<web_sys::Element>().ok()))
                            .map(|cell| text(&cell).trim().to_string())
                            .collect()
                    })
                })
                .collect();
            if let Some((header, rows)) = cells.split_first() {
                blocks.push(Block::Table { header: header.clone(), rows: rows.to_vec() });
            }
        } else {
            // A row's own buttons ("Switch CHRONOS off") are controls, not what it reads.
            let Ok(copy) = element.clone_node_with_deep(true) else { continue };
            let copy: web_sys::Element = copy.unchecked_into();
            if let Ok(controls) = copy.query_selector_all("button, select, input, textarea") {
                for j in 0..controls.length() {
                    if let Some(control) = controls.item(j).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) {
                        control.remove();
                    }
                }
            }
            let line = copy.text_content().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
            if !line.is_empty() {
                blocks.push(Block::Paragraph(line));
            }
        }
    }
    let r_code = panel
        .query_selector("textarea")
        .ok()
        .flatten()
        .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        .map(|t| t.value());
    Some(OpenView { name: crate::state::Labelled::label(view).to_string(), blocks, r_code })
}

#[component]
pub fn ReportExport(state: AppState, r_code: Memo<String>) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let build = move |with_png: bool| {
        let plot = current_plot(&state);
        let exported = livemeta_plot::Figure::exported(&plot);
        let svg = figure_svg(&exported, EXPORT_WIDTH as u32);
        let png = if with_png { figure_png(&plot) } else { None };
        let figure = Block::Figure { caption: "Forest plot of the analysis above.".into(), svg, png };
        let selection = state.selection.get_untracked();
        let open_view = selection.display.view.and_then(open_view_on_page);
        let code = r_code.get_untracked();
        state.source.with_untracked(|source| {
            state.rows.with_untracked(|rows| {
                state.analysis.with_untracked(|analysis| {
                    let table = findings(&selection, source, analysis);
                    report_document(ReportInputs {
                        selection: &selection,
                        source,
                        rows,
                        analysis,
                        absolute: state.absolute.get_untracked(),
                        findings: &table,
                        figure,
                        open_view,
                        r_code: &code,
                    })
                })
            })
        })
    };
    let html = move |_| {
        problem.set(None);
        download("livemeta-report.html", "text/html", &to_html(&build(false)));
    };
    let word = move |_| match to_docx(&build(true)) {
        Ok(bytes) => {
            problem.set(None);
            download_bytes(
                "livemeta-report.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                &bytes,
            );
        }
        Err(e) => problem.set(Some(e.to_string())),
    };
    view! {
        <button type="button" data-testid="export-report-html" on:click=html title="One file with the result, the data and their sources, the summary of findings and the R code; opens offline and prints to PDF">"Report (HTML)"</button>
        <button type="button" data-testid="export-report-docx" on:click=word>"Report (Word)"</button>
        <Show when=move || problem.with(Option::is_some)>
            <p class="import-errors" role="alert">{move || problem.get()}</p>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{pooled_trials, rows_for};
    use livemeta_core::model::analyze;

    #[test]
    fn the_report_holds_every_section_from_the_analysis_on_screen() {
        let source = DataSource::flagship();
        let selection = Selection::for_outcome(&source.dataset, "");
        let rows = rows_for(&selection, &source);
        let analysis = analyze(&pooled_trials(&rows).1, &selection.method.options());
        let table = findings(&selection, &source, &analysis);
        let figure = Block::Figure { caption: "plot".into(), svg: "<svg></svg>".into(), png: None };
        let document = report_document(ReportInputs {
            selection: &selection,
            source: &source,
            rows: &rows,
            analysis: &analysis,
            absolute: None,
            findings: &table,
            figure,
            open_view: None,
            r_code: "library(metafor)",
        });
        let headings: Vec<&str> = document
            .blocks
            .iter()
            .filter_map(|b| if let Block::Heading(h) = b { Some(h.as_str()) } else { None })
            .collect();
        assert_eq!(
            headings,
            [
                "The question",
                "The result",
                "Model and conventions",
                "Forest plot",
                "The data and where each number came from",
                "Summary of findings",
                "R code (metafor)"
            ]
        );
        let html = to_html(&document);
        let pooled = analysis.as_ref().unwrap().pooled;
        assert!(html.contains(&format!("Pooled RR {:.2}", pooled.estimate)));
        assert!(html.contains("no public counts") && html.contains("https://clinicaltrials.gov/"));
    }
}
