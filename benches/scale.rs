//! How the model's cost grows with the size of the cluster.
//!
//! `cargo bench --bench scale [-- N...]` builds a cluster of N agents with a task
//! each (default 1,000, 2,000, 4,000 and 10,000), lets 220 s of virtual time pass
//! with nothing happening, and prints the wall time of each size, the model events
//! it took and the ratio to the smallest size. A model whose cost is linear in the
//! agents keeps the ratio near the ratio of the sizes; heartbeats of a quiet cluster
//! are applied in bulk, so the events stay near zero whatever the size.
//!
//! `cargo bench --bench scale -- --partition [N...]` runs the busy workload instead:
//! N agents (default 1,000 and 10,000) with 100 tasks each, half of them cut off
//! from the master for 100 s (long enough to be marked unreachable), healed, and
//! 120 s to settle (they reregister and their tasks are reconciled). It prints the
//! wall time, the model events, the trace length and the peak memory of the process.

use std::time::Instant;

use netsplit::model::{Awareness, Checkpointing, Cluster};
use netsplit::time::Duration;

/// Builds a cluster of `agents` agents with `tasks` tasks each, of one framework.
/// The bound on model events that catches a stuck scenario is lifted: ten thousand
/// agents with a hundred tasks each take millions of events.
fn cluster(agents: usize, tasks: usize) -> Cluster {
    let mut builder = Cluster::builder();
    builder.event_limit(u64::MAX);
    builder.framework("spark", Awareness::NotAware, Checkpointing::On);
    for i in 1..=agents {
        let host = format!("a{i}");
        builder.agent(&host);
        for t in 1..=tasks {
            builder.task("spark", &format!("t{i}-{t}"), &host);
        }
    }
    builder.build().expect("a valid cluster")
}

fn quiet_cluster(agents: usize) -> (f64, u64) {
    let started = Instant::now();
    let mut cluster = cluster(agents, 1);
    let after_setup = cluster.events_processed();
    cluster.advance(Duration::from_secs(220));
    cluster.settle();
    (
        started.elapsed().as_secs_f64(),
        cluster.events_processed() - after_setup,
    )
}

/// Half the agents cut off for 100 s, healed, 120 s to settle: (seconds, events,
/// trace entries).
fn partitioned_cluster(agents: usize) -> (f64, u64, usize) {
    let started = Instant::now();
    let mut cluster = cluster(agents, 100);
    let hosts: Vec<String> = (1..=agents / 2).map(|i| format!("a{i}")).collect();
    for host in &hosts {
        cluster.partition(host).expect("a known agent");
    }
    cluster.advance(Duration::from_secs(100));
    for host in &hosts {
        cluster.heal(host).expect("a known agent");
    }
    cluster.advance(Duration::from_secs(120));
    cluster.settle();
    assert_eq!(cluster.runaway(), None, "the workload ran away");
    (
        started.elapsed().as_secs_f64(),
        cluster.events_processed(),
        cluster.trace().len(),
    )
}

/// The peak resident memory of this process so far, in MiB (Linux; 0 elsewhere).
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let partition = args.iter().any(|a| a == "--partition");
    let mut sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    if sizes.is_empty() {
        sizes = if partition {
            vec![1_000, 10_000]
        } else {
            vec![1_000, 2_000, 4_000, 10_000]
        };
    }
    let mut first: Option<(usize, f64)> = None;
    for n in sizes {
        if partition {
            let (secs, events, trace) = partitioned_cluster(n);
            let (n0, s0) = *first.get_or_insert((n, secs));
            println!(
                "{n:>6} agents x 100 tasks, half cut off for 100 s, healed, 120 s: {secs:>7.3} s, {events} model events, {trace} trace entries, peak {:.0} MiB; {:.1}x the time of {n0} for {:.1}x the agents",
                peak_mib(),
                secs / s0,
                n as f64 / n0 as f64
            );
            continue;
        }
        let (secs, events) = quiet_cluster(n);
        let (n0, s0) = *first.get_or_insert((n, secs));
        println!(
            "{n:>6} quiet agents, 220 s: {secs:>7.3} s, {events} model events after setup, {:.1}x the time of {n0} for {:.1}x the agents",
            secs / s0,
            n as f64 / n0 as f64
        );
    }
}
