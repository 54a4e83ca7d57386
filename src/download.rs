//! Files offered for download from memory (no server involved): text exports, and figures as
//! SVG or PNG.
use leptos::prelude::*;
use livemeta_plot::{figure_svg, Figure};
use wasm_bindgen::JsCast;

/// Width of exported figures in CSS pixels: a slide's or a journal column's worth.
pub const EXPORT_WIDTH: f64 = 960.0;

pub fn download(filename: &str, mime: &str, contents: &str) {
    download_part(filename, mime, &wasm_bindgen::JsValue::from_str(contents));
}

/// Bytes (a Word document) offered as a file.
pub fn download_bytes(filename: &str, mime: &str, bytes: &[u8]) {
    download_part(filename, mime, &js_sys::Uint8Array::from(bytes));
}

/// One blob part (text or bytes: the Blob constructor takes either) offered as a file.
fn download_part(filename: &str, mime: &str, part: &wasm_bindgen::JsValue) {
    let parts = js_sys::Array::of1(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    download_url(filename, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn download_url(filename: &str, url: &str) {
    let document = window().document().expect("document");
    if let Ok(anchor) = document.create_element("a").map(|a| a.unchecked_into::<web_sys::HtmlAnchorElement>()) {
        anchor.set_href(url);
        anchor.set_download(filename);
        anchor.click();
    }
}

/// The figure as exported, as `name.svg`.
pub fn download_svg(name: &str, figure: &impl Figure) {
    download(&format!("{name}.svg"), "image/svg+xml", &figure_svg(&figure.exported(), EXPORT_WIDTH as u32));
}

/// The figure as exported, drawn afresh off screen at twice the screen's resolution or more,
/// so it stays sharp on a slide whatever screen it came from: a PNG data URL and its size.
fn png_data_url(figure: &impl Figure) -> Option<(String, u32, u32)> {
    let scale = window().device_pixel_ratio().max(1.0) * 2.0;
    let canvas = window()
        .document()
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok())?;
    let exported = figure.exported();
    crate::components::paint(&canvas, &exported, exported.export_width(EXPORT_WIDTH), scale);
    Some((canvas.to_data_url().ok()?, canvas.width(), canvas.height()))
}

/// The figure as exported, as `name.png`.
pub fn download_png(name: &str, figure: &impl Figure) {
    if let Some((url, _, _)) = png_data_url(figure) {
        download_url(&format!("{name}.png"), &url);
    }
}

/// The figure as exported, as PNG bytes with their size in pixels (for the Word report).
pub fn figure_png(figure: &impl Figure) -> Option<(Vec<u8>, u32, u32)> {
    use base64::Engine;
    let (url, width, height) = png_data_url(figure)?;
    let body = url.strip_prefix("data:image/png;base64,")?;
    Some((base64::engine::general_purpose::STANDARD.decode(body).ok()?, width, height))
}
