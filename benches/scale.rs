//! How the model's cost grows with the size of the cluster.
//!
//! `cargo bench --bench scale [-- N...]` builds a cluster of N agents with a task
//! each (default 1,000, 2,000, 4,000 and 10,000), lets 220 s of virtual time pass
//! with nothing happening, and prints the wall time of each size, the model events
//! it took and the ratio to the smallest size. A model whose cost is linear in the
//! agents keeps the ratio near the ratio of the sizes; heartbeats of a quiet cluster
//! are applied in bulk, so the events stay near zero whatever the size.

use std::time::Instant;

use netsplit::model::{Awareness, Checkpointing, Cluster};
use netsplit::time::Duration;

fn quiet_cluster(agents: usize) -> (f64, u64) {
    let started = Instant::now();
    let mut builder = Cluster::builder();
    builder.framework("spark", Awareness::NotAware, Checkpointing::On);
    for i in 1..=agents {
        let host = format!("a{i}");
        builder.agent(&host).task("spark", &format!("t{i}"), &host);
    }
    let mut cluster = builder.build().expect("a valid cluster");
    let after_setup = cluster.events_processed();
    cluster.advance(Duration::from_secs(220));
    cluster.settle();
    (
        started.elapsed().as_secs_f64(),
        cluster.events_processed() - after_setup,
    )
}

fn main() {
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![1_000, 2_000, 4_000, 10_000];
    }
    let mut first: Option<(usize, f64)> = None;
    for n in sizes {
        let (secs, events) = quiet_cluster(n);
        let (n0, s0) = *first.get_or_insert((n, secs));
        println!(
            "{n:>6} quiet agents, 220 s: {secs:>7.3} s, {events} model events after setup, {:.1}x the time of {n0} for {:.1}x the agents",
            secs / s0,
            n as f64 / n0 as f64
        );
    }
}
