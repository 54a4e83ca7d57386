//! livemeta web front end: a thin Leptos layer over `livemeta-core`.
pub mod app;
pub mod canvas_backend;
pub mod components;
pub mod download;
pub mod large_sets;
pub mod link;
pub mod state;
pub mod storage;
pub mod worker;

pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
