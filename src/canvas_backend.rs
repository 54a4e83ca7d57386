//! plotters' canvas backend, with the text state kept between calls.
//!
//! `plotters_canvas::CanvasBackend` sets the font, fill colour, alignment and baseline before
//! every piece of text. Each set crosses from wasm to JavaScript with a new string, and the
//! browser parses the font again. A forest plot of 50 studies draws about 300 pieces of text in
//! the same few styles, so most of those sets change nothing: with 200 studies they were a
//! fifth of a toggle's script time. This wrapper sets only what differs from the last text
//! and hands everything else to `CanvasBackend`.
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontTransform,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;

/// The text state last set on the context; `None` where it is not known.
#[derive(Default)]
struct TextState {
    font: Option<String>,
    fill: Option<(u8, u8, u8, u64)>,
    align: Option<&'static str>,
    baseline: Option<&'static str>,
}

pub struct TextCachingCanvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
    text: TextState,
}

impl TextCachingCanvas {
    pub fn new(canvas: HtmlCanvasElement) -> Option<Self> {
        let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        Some(Self { inner: CanvasBackend::with_canvas_object(canvas)?, context, text: TextState::default() })
    }

    /// Shapes set the fill colour (and rotated text all of the text state), so after handing a
    /// call to `CanvasBackend` nothing of the text state is known.
    fn delegated<T>(&mut self, result: T) -> T {
        self.text = TextState::default();
        result
    }
}

impl DrawingBackend for TextCachingCanvas {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<CanvasError>> {
        let result = self.inner.draw_pixel(point, color);
        self.delegated(result)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let result = self.inner.draw_line(from, to, style);
        self.delegated(result)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let result = self.inner.draw_rect(upper_left, bottom_right, style, fill);
        self.delegated(result)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let result = self.inner.draw_path(path, style);
        self.delegated(result)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let result = self.inner.fill_polygon(path, style);
        self.delegated(result)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let result = self.inner.draw_circle(center, radius, style, fill);
        self.delegated(result)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        if !matches!(style.transform(), FontTransform::None) {
            let result = self.inner.draw_text(text, style, pos);
            return self.delegated(result);
        }
        // The same strings CanvasBackend sets, so the drawing is identical.
        let baseline = match style.anchor().v_pos {
            VPos::Top => "top",
            VPos::Center => "middle",
            VPos::Bottom => "bottom",
        };
        let align = match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Right => "end",
            HPos::Center => "center",
        };
        let fill = (color.rgb.0, color.rgb.1, color.rgb.2, color.alpha.to_bits());
        let font = format!("{} {}px {}", style.style().as_str(), style.size(), style.family().as_str());
        if self.text.baseline != Some(baseline) {
            self.context.set_text_baseline(baseline);
            self.text.baseline = Some(baseline);
        }
        if self.text.align != Some(align) {
            self.context.set_text_align(align);
            self.text.align = Some(align);
        }
        if self.text.fill != Some(fill) {
            let (r, g, b) = color.rgb;
            self.context.set_fill_style_str(&format!("rgba({r},{g},{b},{})", color.alpha));
            self.text.fill = Some(fill);
        }
        if self.text.font.as_deref() != Some(font.as_str()) {
            self.context.set_font(&font);
            self.text.font = Some(font);
        }
        self.context
            .fill_text(text, f64::from(pos.0), f64::from(pos.1))
            .map_err(|e| DrawingErrorKind::FontError(format!("fillText failed: {e:?}").into()))
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        self.inner.estimate_text_size(text, style)
    }
}
