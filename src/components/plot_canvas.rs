//! A canvas that draws any `Figure` (the forest plot, refit plots, scatter plots), sized in
//! device pixels so it stays sharp at any devicePixelRatio.
use crate::canvas_backend::TextCachingCanvas;
use crate::download::{download_png, download_svg};
use leptos::html::Canvas;
use leptos::prelude::*;
use livemeta_plot::{Figure, SMALL_TEXT};
use plotters::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ResizeObserver, ResizeObserverEntry};

/// The smallest text in presenter mode, in CSS pixels.
const PRESENTER_TEXT: f64 = 22.0;
/// On a large screen presenter mode enlarges the figure while it fits below its top edge and
/// keeps at least this many layout pixels across, so that no column is dropped for the zoom.
const PRESENTER_LAYOUT: f64 = 900.0;

/// Draws `plot` on `canvas` at `scale` device pixels per layout pixel, `css_width` layout
/// pixels wide; returns the height in layout pixels.
pub fn paint(canvas: &web_sys::HtmlCanvasElement, plot: &impl Figure, css_width: f64, scale: f64) -> f64 {
    let css_height = plot.height(css_width);
    let (width, height) = ((css_width * scale).round() as u32, (css_height * scale).round() as u32);
    // Assigning a canvas size reallocates its bitmap even when unchanged; skip that.
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
    if let Some(backend) = TextCachingCanvas::new(canvas.clone()) {
        let _ = plot.draw(&backend.into_drawing_area(), scale);
    }
    css_height
}

/// In presenter mode the figure must fit the screen below its top edge, with no scrolling:
/// the widest figure that fits with presenter-size text, else the largest text that fits at
/// full width (a forest plot's height follows its rows, a scatter plot's its width).
fn fit_screen(plot: &impl Figure, canvas: &web_sys::HtmlCanvasElement, css_width: f64, zoom: f64) -> (f64, f64) {
    let top = canvas.get_bounding_client_rect().top() + window().scroll_y().unwrap_or(0.0);
    let screen = window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(720.0);
    // Room for a line of text under the figure (a view's note).
    let available = screen - top - 30.0;
    let fits = |w: f64, z: f64| plot.height(w / z) * z <= available;
    // Largest value in [lo, hi] for which `ok` holds, if `ok(lo)` does.
    let largest = |lo: f64, hi: f64, ok: &dyn Fn(f64) -> bool| {
        ok(lo).then(|| {
            (0..12)
                .fold((lo, hi), |(a, b), _| if ok((a + b) / 2.0) { ((a + b) / 2.0, b) } else { (a, (a + b) / 2.0) })
                .0
        })
    };
    if fits(css_width, zoom) {
        let larger = largest(zoom, zoom * 2.0, &|z| fits(css_width, z) && css_width / z >= PRESENTER_LAYOUT);
        return (css_width, larger.unwrap_or(zoom));
    }
    let narrowest = (css_width * 0.5).max(320.0);
    if let Some(w) = largest(narrowest, css_width, &|w| fits(w, zoom)) {
        return (w, zoom);
    }
    if let Some(z) = largest(1.0, zoom, &|z| fits(css_width, z)) {
        return (css_width, z);
    }
    // Too tall even with the desk's text size: the widest that fits at that size (a scatter
    // plot's height follows its width).
    (largest(narrowest, css_width, &|w| fits(w, 1.0)).unwrap_or(css_width), 1.0)
}

/// Redraws `plot` whenever it changes; in presenter mode the smallest text is 22 px. When
/// `drawn_mark` is set, a performance mark of that name follows each redraw (the browser
/// benchmark measures from the input event to it).
#[component]
pub fn PlotCanvas<F>(
    plot: Memo<F>,
    presenter: Signal<bool>,
    testid: &'static str,
    label: &'static str,
    #[prop(optional)] drawn_mark: Option<&'static str>,
    /// File name for SVG and PNG buttons under the figure; the main plot has its own panel.
    #[prop(optional)]
    export_as: Option<&'static str>,
    /// Called with the index of the element clicked, for figures that have clickable elements.
    #[prop(optional, into)]
    on_pick: Option<Callback<usize>>,
    /// Called with (figure width, x) in figure units while the pointer is pressed on the
    /// canvas: dragging a marker along the axis.
    #[prop(optional, into)]
    on_drag: Option<Callback<(f64, f64)>>,
) -> impl IntoView
where
    F: Figure + PartialEq + Send + Sync + 'static,
{
    let canvas_ref = NodeRef::<Canvas>::new();
    // The container's width comes from a ResizeObserver, which reports after the browser's own
    // layout: reading clientWidth while the page is being rebuilt forces a synchronous layout,
    // which cost more than the whole redraw. Nothing is drawn until the first report.
    let container_width = RwSignal::new(None::<f64>);
    let observer = StoredValue::new_local(None::<(ResizeObserver, Closure<dyn FnMut(js_sys::Array)>)>);
    Effect::new(move |_| {
        let Some(parent) = canvas_ref.get().and_then(|c| c.parent_element()) else { return };
        let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let Ok(entry) = entries.get(0).dyn_into::<ResizeObserverEntry>() else { return };
            let width = entry.content_rect().width();
            if container_width.get_untracked() != Some(width) {
                container_width.set(Some(width));
            }
        });
        if let Ok(watch) = ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            watch.observe(&parent);
            observer.set_value(Some((watch, on_resize)));
        }
    });
    on_cleanup(move || {
        if let Some((watch, _)) = observer.try_update_value(Option::take).flatten() {
            watch.disconnect();
        }
    });
    // The layout width and zoom of the last drawing, to map a click back onto the figure.
    let layout = StoredValue::new((800.0, 1.0));
    // Entering or leaving presenter mode moves the canvas even where its width stays: draw
    // again once the browser has laid the page out.
    Effect::new(move |previous: Option<bool>| {
        let now = presenter.get();
        if previous.is_some_and(|p| p != now) {
            request_animation_frame(move || container_width.update(|_| {}));
        }
        now
    });
    Effect::new(move |_| {
        let zoom = if presenter.get() { PRESENTER_TEXT / SMALL_TEXT } else { 1.0 };
        let Some(canvas) = canvas_ref.get() else { return };
        let Some(width) = container_width.get() else { return };
        plot.with(|plot| {
            let dpr = window().device_pixel_ratio().max(1.0);
            // At the desk a figure stops at 1400 px; on a projector it takes the screen.
            let css_width =
                if presenter.get_untracked() { width.clamp(320.0, 3840.0) } else { width.clamp(320.0, 1400.0) };
            let (css_width, zoom) =
                if presenter.get_untracked() { fit_screen(plot, &canvas, css_width, zoom) } else { (css_width, zoom) };
            // The plot is laid out in units of css_width / zoom and drawn zoom times larger.
            let height = paint(&canvas, plot, css_width / zoom, dpr * zoom) * zoom;
            layout.set_value((css_width / zoom, zoom));
            let style = web_sys::HtmlElement::style(&canvas);
            let _ = style.set_property("width", &format!("{css_width}px"));
            let _ = style.set_property("height", &format!("{height}px"));
        });
        if let (Some(mark), Some(performance)) = (drawn_mark, window().performance()) {
            let _ = performance.mark(mark);
        }
    });
    // Nothing but axes is neither drawn nor offered for export; the view says why.
    let empty = move || plot.with(|f| f.is_empty());
    let exports = export_as.map(|name| {
        view! {
            <div class="figure-exports" class:empty-figure=empty>
                <button type="button" data-testid=format!("{testid}-svg") on:click=move |_| plot.with_untracked(|f| download_svg(name, f))>"SVG"</button>
                <button type="button" data-testid=format!("{testid}-png") on:click=move |_| plot.with_untracked(|f| download_png(name, f))>"PNG"</button>
            </div>
        }
    });
    let drag = move |ev: &web_sys::PointerEvent, pressed: bool| {
        if let (Some(on_drag), true) = (on_drag, pressed) {
            let (width, zoom) = layout.get_value();
            on_drag.run((width, ev.offset_x() as f64 / zoom));
        }
    };
    view! {
        <canvas node_ref=canvas_ref data-testid=testid role="img" aria-label=label class:pickable=on_pick.is_some() class:empty-figure=empty
            on:pointerdown=move |ev| drag(&ev, true)
            on:pointermove=move |ev| drag(&ev, ev.buttons() & 1 == 1)
            on:click=move |ev| {
                if let Some(pick) = on_pick {
                    let (width, zoom) = layout.get_value();
                    let (x, y) = (ev.offset_x() as f64 / zoom, ev.offset_y() as f64 / zoom);
                    if let Some(index) = plot.with_untracked(|f| f.pick(width, x, y)) {
                        pick.run(index);
                    }
                }
            }></canvas>
        <Show when=empty>
            <p class="note-inline" data-testid=format!("{testid}-empty")>"Nothing to draw: no trial switched on has an estimate here."</p>
        </Show>
        {exports}
    }
}
