use crate::state::{AppState, DATASET};
use leptos::html::Canvas;
use leptos::prelude::*;
use livemeta_plot::{draw_forest, forest_height, forest_plot};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

/// The forest plot on a canvas sized in device pixels, so it stays sharp at any
/// devicePixelRatio.
#[component]
pub fn ForestPlotCanvas(state: AppState) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    let plot = Memo::new(move |_| {
        let options = state.selection.with(|s| s.options());
        state.rows.with(|rows| state.analysis.with(|a| forest_plot(rows, a, &options, &DATASET.treatment_label, &DATASET.control_label)))
    });
    let resize_tick = RwSignal::new(0u32);
    let on_resize = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || resize_tick.update(|t| *t += 1));
    let _ = window().add_event_listener_with_callback("resize", wasm_bindgen::JsCast::unchecked_ref(on_resize.as_ref()));
    on_resize.forget();
    Effect::new(move |_| {
        resize_tick.track();
        let Some(canvas) = canvas_ref.get() else { return };
        plot.with(|plot| {
            let dpr = window().device_pixel_ratio().max(1.0);
            let css_width = canvas.parent_element().map_or(800, |p| p.client_width()).clamp(320, 1100) as f64;
            let css_height = forest_height(plot);
            canvas.set_width((css_width * dpr).round() as u32);
            canvas.set_height((css_height * dpr).round() as u32);
            let style = web_sys::HtmlElement::style(&canvas);
            let _ = style.set_property("width", &format!("{css_width}px"));
            let _ = style.set_property("height", &format!("{css_height}px"));
            if let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) {
                let root = backend.into_drawing_area();
                let _ = draw_forest(&root, plot, dpr);
            }
        });
    });
    view! {
        <figure class="forest">
            <canvas node_ref=canvas_ref data-testid="forest-plot" role="img" aria-label="Forest plot of the current analysis"></canvas>
        </figure>
    }
}
