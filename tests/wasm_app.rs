//! Browser tests of the web crate, run by wasm-bindgen-test-runner in headless Chromium.
use livemeta_web::state::Selection;
use livemeta_web::url_state::{decode, encode};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn selection_survives_the_url_round_trip() {
    let mut selection = Selection::for_outcome("eczema_herpeticum");
    selection.excluded = vec!["chronos".into(), "solo1".into()];
    selection.dose = "d300q2w".into();
    assert_eq!(decode(&encode(&selection)), selection);
}

#[wasm_bindgen_test]
fn unknown_url_parameters_fall_back_to_defaults() {
    let selection = decode("?outcome=nonsense&measure=XX&off=notatrial");
    assert_eq!(selection, Selection::for_outcome("skin_infections"));
}

#[wasm_bindgen_test]
async fn mounted_app_shows_a_pooled_estimate_and_draws_the_plot() {
    livemeta_web::mount();
    // Effects run after the first render; give the browser one turn.
    wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL)).await.unwrap();
    let document = web_sys::window().unwrap().document().unwrap();
    let estimate = document.query_selector("[data-testid=pooled-estimate]").unwrap().expect("pooled estimate shown");
    let value: f64 = estimate.get_attribute("data-value").unwrap().parse().unwrap();
    assert!(value > 0.0 && value.is_finite());
    let canvas: web_sys::HtmlCanvasElement =
        document.query_selector("[data-testid=forest-plot]").unwrap().unwrap().dyn_into().unwrap();
    assert!(canvas.width() > 300 && canvas.height() > 200, "canvas {}x{}", canvas.width(), canvas.height());
}
