//! The GOSH worker: receives a `GoshRequest` as JSON, fits every subset of its plan and posts
//! back progress (a number: subsets done), then the fits (a Float64Array of estimate, I² pairs
//! in plan order; a subset that cannot be fitted is NaN), or an error (a string). It posts
//! `true` once it listens, because messages sent before that would be lost.
use js_sys::{Array, Float64Array};
use livemeta_core::gosh::{gosh_points, GoshRequest};
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
    let points = gosh_points(request, PROGRESS_EVERY, |done| {
        let _ = scope.post_message(&JsValue::from_f64(done as f64));
    });
    Float64Array::from(points.as_flattened())
}
