//! Step matching on any text: every kind of step against the Mesos vocabulary, with
//! and without a table. A lookup finds a step or says why not; it never panics, and
//! every error renders.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use netsplit::steps::{Attached, Registry, StepKind};
use netsplit::vocabulary::{self, MesosWorld};

fn registry() -> &'static Registry<MesosWorld> {
    static REGISTRY: OnceLock<Registry<MesosWorld>> = OnceLock::new();
    REGISTRY.get_or_init(vocabulary::registry)
}

fuzz_target!(|text: &str| {
    for kind in StepKind::ALL {
        for attached in [Attached::Nothing, Attached::Table, Attached::DocString] {
            if let Err(error) = registry().find(kind, text, attached) {
                let _ = error.to_string();
                let _ = error.span();
            }
        }
    }
});
