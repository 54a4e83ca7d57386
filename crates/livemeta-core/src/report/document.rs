//! A report as plain blocks (headings, paragraphs, tables, code, a figure), written out as one
//! self-contained HTML file or as a Word document, so the two always hold the same content.
use crate::error::EngineError;

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    /// A header row and body rows of text cells.
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Code to copy, kept as it is (the R script).
    Code(String),
    /// A figure: SVG for the HTML file, PNG (with its size in pixels) for the Word document.
    Figure {
        caption: String,
        svg: String,
        png: Option<(Vec<u8>, u32, u32)>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Text safe inside HTML elements and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2a36;line-height:1.45}\
table{border-collapse:collapse;margin:0.5rem 0 1rem;font-size:0.9rem}th,td{border-bottom:1px solid #d5dbe1;padding:0.25rem 0.5rem;text-align:left;vertical-align:top}\
pre{background:#f4f6f8;padding:0.6rem;overflow-x:auto;font-size:0.8rem;white-space:pre-wrap}figure{margin:1rem 0}figure svg{max-width:100%;height:auto}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem}@media print{pre{white-space:pre-wrap}h2{break-after:avoid}table,figure{break-inside:avoid}}";

/// One HTML file that needs nothing else: the style inline, the figure as inline SVG, no script
/// and no external request, so it opens offline and prints to PDF from the browser.
pub fn to_html(document: &Document) -> String {
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&document.title),
        escape(&document.title)
    );
    for block in &document.blocks {
        match block {
            Block::Heading(text) => html.push_str(&format!("<h2>{}</h2>\n", escape(text))),
            Block::Paragraph(text) => html.push_str(&format!("<p>{}</p>\n", escape(text))),
            Block::Table { header, rows } => {
                html.push_str("<table>\n<thead><tr>");
                for cell in header {
                    html.push_str(&format!("<th scope=\"col\">{}</th>", escape(cell)));
                }
                html.push_str("</tr></thead>\n<tbody>\n");
                for row in rows {
                    html.push_str("<tr>");
                    for cell in row {
                        html.push_str(&format!("<td>{}</td>", escape(cell)));
                    }
                    html.push_str("</tr>\n");
                }
                html.push_str("</tbody>\n</table>\n");
            }
            Block::Code(code) => html.push_str(&format!("<pre><code>{}</code></pre>\n", escape(code))),
            // The SVG comes from this app's own figure writer, which escapes its text.
            Block::Figure { caption, svg, .. } => {
                html.push_str(&format!("<figure>\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n", escape(caption)))
            }
        }
    }
    html.push_str("</body>\n</html>\n");
    html
}

/// The same content as a Word document (.docx).
pub fn to_docx(document: &Document) -> Result<Vec<u8>, EngineError> {
    use docx_rs::{Docx, Paragraph, Pic, Run, Table, TableCell, TableRow};
    let text = |t: &str| Paragraph::new().add_run(Run::new().add_text(t));
    let mut docx =
        Docx::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(&document.title).bold().size(36)));
    for block in &document.blocks {
        docx = match block {
            Block::Heading(t) => docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(t).bold().size(28))),
            Block::Paragraph(t) => docx.add_paragraph(text(t)),
            Block::Table { header, rows } => {
                let row = |cells: &[String], bold: bool| {
                    TableRow::new(
                        cells
                            .iter()
                            .map(|c| {
                                let run = Run::new().add_text(c).size(18);
                                TableCell::new().add_paragraph(Paragraph::new().add_run(if bold {
                                    run.bold()
                                } else {
                                    run
                                }))
                            })
                            .collect(),
                    )
                };
                let mut table_rows = vec![row(header, true)];
                table_rows.extend(rows.iter().map(|r| row(r, false)));
                docx.add_table(Table::new(table_rows))
            }
            Block::Code(code) => code.lines().fold(docx, |d, line| {
                d.add_paragraph(
                    Paragraph::new().add_run(
                        Run::new()
                            .add_text(line)
                            .size(16)
                            .fonts(docx_rs::RunFonts::new().ascii("Courier New").hi_ansi("Courier New")),
                    ),
                )
            }),
            Block::Figure { caption, png, .. } => {
                let docx = match png {
                    // 6.5 inches wide, the text width of a Word page with default margins.
                    Some((bytes, width, height)) => {
                        let emu_width = 6.5 * 914_400.0;
                        let emu_height = emu_width * f64::from(*height) / f64::from(*width);
                        let pic = Pic::new_with_dimensions(bytes.clone(), *width, *height)
                            .size(emu_width as u32, emu_height as u32);
                        docx.add_paragraph(Paragraph::new().add_run(Run::new().add_image(pic)))
                    }
                    None => docx,
                };
                docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(caption).italic()))
            }
        };
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .map_err(|e| EngineError::Unsupported(format!("the Word document could not be written: {e}")))?;
    Ok(bytes.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        Document {
            title: "Skin <infections>".into(),
            blocks: vec![
                Block::Heading("The question".into()),
                Block::Paragraph("Dupilumab & placebo".into()),
                Block::Table {
                    header: vec!["Trial".into(), "RR".into()],
                    rows: vec![vec!["SOLO 1".into(), "0.54".into()]],
                },
                Block::Code("library(metafor)\nres <- rma(yi, vi)".into()),
                Block::Figure {
                    caption: "Forest plot".into(),
                    svg: "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>".into(),
                    png: None,
                },
            ],
        }
    }

    #[test]
    fn the_html_is_escaped_and_needs_nothing_else() {
        let html = to_html(&sample());
        assert!(html.contains("<h1>Skin &lt;infections&gt;</h1>"));
        assert!(html.contains("<p>Dupilumab &amp; placebo</p>"));
        assert!(html.contains("<td>SOLO 1</td>") && html.contains("res &lt;- rma(yi, vi)"));
        assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="));
    }

    #[test]
    fn the_word_document_is_a_zip_with_the_text() {
        let bytes = to_docx(&sample()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
        // The document part is deflated; its name is in the zip's directory.
        assert!(bytes.windows(17).any(|w| w == b"word/document.xml"));
    }
}
