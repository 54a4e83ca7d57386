//! The GOSH worker: receives a `GoshRequest` as JSON, fits every subset of its plan and posts
//! back progress (a number: subsets done), then the fits (a Float64Array of estimate, I² pairs
//! in plan order; a subset that cannot be fitted is NaN), or an error (a string). It posts
//! `true` once it listens, because messages sent before that would be lost.
use js_sys::{Array, Float64Array};
use livemeta_core::gosh::{GoshFitter, GoshRequest};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Progress is posted every this many fits: 64 messages for k = 20.
const PROGRESS_EVERY: usize = 1 << 14;

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let request = event.data().as_string().ok_or("the request is not text").and_then(|text| serde_json::from_str::<GoshRequest>(&text).map_err(|_| "the request is not a GOSH request"));
        let _ = match request {
            Ok(request) => {
                let fits = fit_all(&reply, &request);
                let transfer = Array::of1(&fits.buffer());
                reply.post_message_with_transfer(&fits, &transfer)
            }
            Err(why) => reply.post_message(&JsValue::from_str(why)),
        };
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&JsValue::TRUE);
}

fn fit_all(scope: &DedicatedWorkerGlobalScope, request: &GoshRequest) -> Float64Array {
    let mut fitter = GoshFitter::new(&request.y, &request.v, request.method);
    let total = fitter.plan().len();
    let mut fits = Vec::with_capacity(2 * total);
    for index in 0..total {
        let (estimate, i2) = fitter.fit(index).map_or((f64::NAN, f64::NAN), |f| (f.estimate, f.i2));
        fits.push(estimate);
        fits.push(i2);
        if (index + 1).is_multiple_of(PROGRESS_EVERY) {
            let _ = scope.post_message(&JsValue::from_f64((index + 1) as f64));
        }
    }
    Float64Array::from(fits.as_slice())
}
