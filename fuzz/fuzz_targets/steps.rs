//! Step matching on any text: a step of some kind, with some attachment, against the
//! Mesos vocabulary (the first byte picks the kind and the attachment, the rest is
//! the text). A lookup finds a step or says why not; it never panics, and every
//! error renders.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use netsplit::steps::{Attached, Registry, StepKind};
use netsplit::vocabulary::{self, MesosWorld};

fn registry() -> &'static Registry<MesosWorld> {
    static REGISTRY: OnceLock<Registry<MesosWorld>> = OnceLock::new();
    REGISTRY.get_or_init(vocabulary::registry)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = StepKind::ALL[usize::from(selector) % 3];
    let attached =
        [Attached::Nothing, Attached::Table, Attached::DocString][usize::from(selector / 3) % 3];
    if let Err(error) = registry().find(kind, text, attached) {
        let _ = error.to_string();
        let _ = error.span();
    }
});
