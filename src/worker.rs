//! The app's Web Worker (`crates/livemeta-worker`, loaded by `livemeta-worker_loader.js`), one
//! job per worker: the GOSH fits above 12 trials, and reading an opened file.
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, MessageEvent, Worker};

/// A running job; dropping it stops the worker and its handlers.
pub struct BackgroundJob {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

impl Drop for BackgroundJob {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

impl BackgroundJob {
    /// Starts a worker and, once it says it listens, posts `request` (handing over the buffers
    /// in `transfer`). Every later message goes to `on_reply`; `on_error` hears if it dies.
    pub fn start(
        request: JsValue,
        transfer: Array,
        mut on_reply: impl FnMut(JsValue) + 'static,
        mut on_error: impl FnMut() + 'static,
    ) -> Result<BackgroundJob, String> {
        let worker = Worker::new("./livemeta-worker_loader.js")
            .map_err(|_| "this browser could not start a worker".to_string())?;
        let sender = worker.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            if data.as_bool() == Some(true) {
                let _ = sender.post_message_with_transfer(&request, &transfer);
            } else {
                on_reply(data);
            }
        });
        let on_error = Closure::<dyn FnMut(Event)>::new(move |_| on_error());
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(BackgroundJob { worker, _on_message: on_message, _on_error: on_error })
    }
}
