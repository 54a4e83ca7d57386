//! The app's Web Worker: work that would freeze the page runs here, one job per worker.
//! - GOSH: a `GoshRequest` as JSON text in; progress (a number: subsets done), then the fits
//!   (a Float64Array of estimate, I² pairs in plan order; NaN where a subset cannot be fitted),
//!   or an error (a string) out.
//! - Opening a file: `[name, ArrayBuffer]` in; the `FileReply` as JSON text out.
//!
//! It posts `true` once it listens, because messages sent before that would be lost.
use js_sys::{Array, ArrayBuffer, Float64Array, Uint8Array};
use livemeta_core::data::{open_file, FileReply};
use livemeta_core::sensitivity::{gosh_points, GoshRequest};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Progress is posted every this many fits: 64 messages for k = 20.
const PROGRESS_EVERY: usize = 1 << 14;

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        let _ = if let Some(text) = data.as_string() {
            match serde_json::from_str::<GoshRequest>(&text) {
                Ok(request) => {
                    let fits = fit_all(&reply, &request);
                    let transfer = Array::of1(&fits.buffer());
                    reply.post_message_with_transfer(&fits, &transfer)
                }
                Err(_) => reply.post_message(&JsValue::from_str("the request is not a GOSH request")),
            }
        } else {
            reply.post_message(&JsValue::from_str(&read_file(&data)))
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

fn read_file(data: &JsValue) -> String {
    let message = data.dyn_ref::<Array>();
    let name = message.and_then(|m| m.get(0).as_string()).unwrap_or_default();
    let reply: FileReply = match message.and_then(|m| m.get(1).dyn_into::<ArrayBuffer>().ok()) {
        Some(buffer) => open_file(&name, &Uint8Array::new(&buffer).to_vec()),
        None => Err(vec!["the request is not a file".to_string()]),
    };
    serde_json::to_string(&reply).unwrap_or_else(|e| format!("{{\"Err\":[\"{e}\"]}}"))
}
