//! The user's sets too large for localStorage (about 5 MB an origin), kept in IndexedDB: one
//! record per set, keyed by its slot, holding the same text `storage` would have written.
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

const DATABASE: &str = "livemeta";
const STORE: &str = "sets";

/// A request's result once it succeeds.
fn done(request: &IdbRequest) -> JsFuture {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let succeeded = request.clone();
        let on_success = Closure::once_into_js(move || {
            let _ = resolve.call1(&JsValue::NULL, &succeeded.result().unwrap_or(JsValue::UNDEFINED));
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let _ =
                reject.call1(&JsValue::NULL, &failed.error().ok().flatten().map_or(JsValue::UNDEFINED, JsValue::from));
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise)
}

async fn database() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window().ok_or("no window")?.indexed_db()?.ok_or("no IndexedDB")?;
    let open = factory.open_with_u32(DATABASE, 1)?;
    let created = open.clone();
    let on_upgrade = Closure::once_into_js(move || {
        if let Ok(db) = created.result().map(JsCast::unchecked_into::<IdbDatabase>) {
            if !db.object_store_names().contains(STORE) {
                let _ = db.create_object_store(STORE);
            }
        }
    });
    open.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    Ok(done(&open).await?.unchecked_into())
}

async fn store(mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, JsValue> {
    database().await?.transaction_with_str_and_mode(STORE, mode)?.object_store(STORE)
}

pub async fn put(slot: u32, text: &str) -> Result<(), JsValue> {
    done(&store(IdbTransactionMode::Readwrite).await?.put_with_key(&JsValue::from_str(text), &JsValue::from(slot))?)
        .await
        .map(|_| ())
}

pub async fn delete(slot: u32) -> Result<(), JsValue> {
    done(&store(IdbTransactionMode::Readwrite).await?.delete(&JsValue::from(slot))?).await.map(|_| ())
}

pub async fn clear() -> Result<(), JsValue> {
    done(&store(IdbTransactionMode::Readwrite).await?.clear()?).await.map(|_| ())
}

/// Every record: its slot and text.
pub async fn all() -> Result<Vec<(u32, String)>, JsValue> {
    let store = store(IdbTransactionMode::Readonly).await?;
    let (keys, values) = (store.get_all_keys()?, store.get_all()?);
    let keys: js_sys::Array = done(&keys).await?.unchecked_into();
    let values: js_sys::Array = done(&values).await?.unchecked_into();
    Ok(keys.iter().zip(values.iter()).filter_map(|(k, v)| Some((k.as_f64()? as u32, v.as_string()?))).collect())
}
