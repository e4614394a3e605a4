//! Throughput of the whole path a scenario takes under `cargo test`: parse, match
//! every step, build the cluster, run it in virtual time, check.
//!
//! `cargo bench --bench throughput [-- N]` runs N scenarios (default 10,000) on one
//! thread and prints scenarios per second. The product's target is 10,000 scenarios
//! in about a second on a 2-core machine under `cargo test`, which runs on every core.

use std::time::Instant;

use netsplit::runner::execute::{self, Prepared};
use netsplit::spec;

const SCENARIOS: &str = r#"
Feature: Throughput
  Background:
    Given an agent "a1"
    And a partition-aware framework "cassandra"
    And a framework "spark"
    And "cassandra" runs task "c1" on agent "a1"
    And "spark" runs task "s1" on agent "a1"

  Scenario: Tasks of an unreachable agent are unreachable or lost
    When agent "a1" is partitioned from the master for 100s
    Then "cassandra" receives these updates:
      | task | state            | reason               | at  |
      | c1   | TASK_UNREACHABLE | REASON_AGENT_REMOVED | 90s |
    And "spark" receives TASK_LOST for task "s1"
    When agent "a1" reconnects
    Then "spark" receives TASK_RUNNING for task "s1" with reason REASON_AGENT_REREGISTERED

  Scenario: A blip shorter than the window goes unnoticed
    When the next ping to agent "a1" is due
    And agent "a1" is partitioned from the master for 60s
    And agent "a1" reconnects
    Then "spark" receives no updates
    And the master considers agent "a1" registered

  Scenario: Reconciliation names the agent to learn a task is unreachable
    When agent "a1" is partitioned from the master
    And 2m pass
    And "cassandra" reconciles task "c1" on agent "a1"
    Then "cassandra" receives TASK_UNREACHABLE for task "c1" with reason REASON_RECONCILIATION
"#;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let started = Instant::now();
    let (scenarios, diagnostics) = spec::load(SCENARIOS);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let registry = netsplit::vocabulary::registry();
    let setup = started.elapsed();
    let started = Instant::now();
    let mut events = 0;
    for i in 0..n {
        let scenario = &scenarios[i % scenarios.len()];
        let prepared = Prepared {
            name: &scenario.name,
            tier: "unit",
            scenario,
            path: "bench.feature",
            source: SCENARIOS,
        };
        if let Err(failure) = execute::run(&registry, &prepared, "", false) {
            panic!("{}", failure.message);
        }
        events += scenario.steps.len();
    }
    let elapsed = started.elapsed();
    println!(
        "{n} scenarios ({events} steps) in {:.3} s on one thread: {:.0} scenarios/s (setup {:.1} ms)",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        setup.as_secs_f64() * 1000.0
    );
}
