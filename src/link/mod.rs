//! The link: the page's state as a query string (`codec`, pure) and the page kept in step with
//! the address bar and this browser's storage (`sync`).
mod codec;
mod sync;
mod uri;

pub use codec::{decode, encode, ignored_sentence, story_param, OFFERED_ADD, STORY_STEPS};
pub use sync::{initial_state, link_with, story_from_link, sync_with_url};
