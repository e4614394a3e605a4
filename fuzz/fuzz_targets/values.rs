//! Value parsing on any text: durations, versions, task states, reasons, sources,
//! message kinds and flag values. Each parses or explains; none panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netsplit::model::{ClusterBuilder, MessageKind, Reason, Source, TaskState, Version};
use netsplit::time::Duration;

fuzz_target!(|text: &str| {
    let _ = text.parse::<Duration>().map(|d| d.to_string());
    let _ = text.parse::<Version>();
    let _ = text.parse::<TaskState>();
    let _ = text.parse::<Reason>();
    let _ = text.parse::<Source>();
    let _ = text.parse::<MessageKind>();
    if let Some((flag, value)) = text.split_once('=') {
        let mut builder = ClusterBuilder::default();
        let _ = builder.master_flag(flag, value);
        let _ = builder.agent_flag(flag, value);
    }
});
