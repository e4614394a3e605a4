//! Random schedules against invariants that hold in Mesos.
//!
//! proptest generates a cluster's shape (a Mesos version, one to three agents, two
//! frameworks partition-aware or not and checkpointing or not, a slow registry or
//! not, a removal rate limit or not) and a schedule of partitions, heals, broken
//! connections, message drops, restarts, graceful shutdowns, master failovers,
//! framework disconnects, resubscriptions and teardowns, launches, kills, task
//! completions and failures, executor exits, reconciliations and mark-gone calls.
//! The invariants of `check/` (listed with the Mesos rules they rest on in
//! `docs/invariants.md`) are checked after every event of the schedule; then the
//! network heals, the cluster runs for an hour, and the settled cluster is checked.
//! Every schedule runs twice and must give the same trace (determinism).
//!
//! A schedule that breaks an invariant is shrunk by proptest to a minimal one and
//! printed as a `.feature` scenario (`render.rs`) to paste into `specs/`.
//!
//! The generator's seeds are fixed, so each run of the tier checks the same
//! schedules. `NETSPLIT_INVARIANT_CASES` sets how many schedules each test runs (32
//! by default); `NETSPLIT_INVARIANT_SEED` moves every test to other schedules.

mod check;
mod render;
mod schedule;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestError, TestRunner};

pub(crate) use check::{
    Checker, Invariant, Violation, then_considers, then_metric, then_never_lost, then_unknown_task,
};
pub(crate) use render::{Broken, Phase, render};
pub(crate) use schedule::{
    Applied, Asks, FRAMEWORKS, FrameworkShape, Op, RateLimited, SETTLE, Shape, Tasks, op, shape,
};

use crate::model::{Cluster, Version};
use crate::time::Duration;

/// How many schedules each test runs unless `NETSPLIT_INVARIANT_CASES` says otherwise.
const DEFAULT_CASES: u32 = 32;
/// The longest schedule generated.
const MAX_STEPS: usize = 30;

/// What a schedule did: which steps the cluster applied, and its trace and inboxes
/// (or where it broke an invariant).
pub(crate) struct Run {
    pub applied: Vec<Applied>,
    pub outcome: Result<Observed, Broken>,
}

/// The trace and the inboxes, as text.
pub(crate) type Observed = (Vec<String>, Vec<String>);

/// Lets `d` pass one event at a time, checking after each.
fn pass(
    c: &mut Cluster,
    d: Duration,
    mut check: impl FnMut(&Cluster) -> Result<(), Violation>,
) -> Result<(), (crate::model::Instant, Violation)> {
    let target = c.now() + d;
    while c.step(target, false) {
        check(c).map_err(|v| (c.now(), v))?;
    }
    c.advance_to(target);
    Ok(())
}

/// Runs a schedule on a cluster of `shape`, checking the invariants after every
/// event, then heals the network, lets the cluster settle and checks it.
pub(crate) fn run(shape: &Shape, ops: &[Op]) -> Run {
    let mut c = shape.build();
    let mut tasks = Tasks::new(shape);
    let mut checker = Checker::default();
    let mut applied = Vec::with_capacity(ops.len());
    let outcome = (|| {
        let at = |c: &Cluster, phase: Phase| {
            let now = c.now();
            move |violation| Broken {
                phase,
                at: now,
                violation,
            }
        };
        checker
            .event(shape, &c, &Asks::Nothing)
            .map_err(at(&c, Phase::Setup))?;
        for (i, op) in ops.iter().enumerate() {
            if let Op::Pass(d) = op {
                applied.push(Applied::Yes);
                pass(&mut c, *d, |c| checker.event(shape, c, &Asks::Nothing)).map_err(
                    |(at, violation)| Broken {
                        phase: Phase::Step(i),
                        at,
                        violation,
                    },
                )?;
                continue;
            }
            let asks = op.asks(&tasks);
            applied.push(op.apply(shape, &mut c, &mut tasks));
            checker
                .event(shape, &c, &asks)
                .map_err(at(&c, Phase::Step(i)))?;
        }
        c.heal_all();
        let settling = |(at, violation)| Broken {
            phase: Phase::Settling,
            at,
            violation,
        };
        pass(&mut c, SETTLE, |c| checker.event(shape, c, &Asks::Nothing)).map_err(settling)?;
        checker.settled(&c).map_err(at(&c, Phase::Settling))?;
        Ok(observed(&c))
    })();
    Run { applied, outcome }
}

fn observed(c: &Cluster) -> Observed {
    super::tests::observed(c, &FRAMEWORKS)
}

/// The number in the environment variable `name`, or `default`.
fn from_env(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text.trim().parse().unwrap_or_else(|_| {
            panic!("{name}={text} is not a whole number; unset it or give a number")
        }),
        Err(_) => default,
    }
}

/// The schedules of one test: `NETSPLIT_INVARIANT_CASES` of them (32 by default),
/// from the generator seeded with `fixed_seed` (moved by `NETSPLIT_INVARIANT_SEED`).
/// A failure is shrunk, and its minimal schedule printed as a scenario.
fn schedules(version: &str, fixed_seed: u64) {
    let version: Version = version.parse().expect("a known version");
    let cases = from_env("NETSPLIT_INVARIANT_CASES", u64::from(DEFAULT_CASES));
    let offset = from_env("NETSPLIT_INVARIANT_SEED", 0);
    let config = Config {
        cases: u32::try_from(cases).unwrap_or(u32::MAX),
        rng_seed: RngSeed::Fixed(fixed_seed.wrapping_add(offset.wrapping_mul(0x9E37_79B9))),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (shape(version), prop::collection::vec(op(), 1..MAX_STEPS));
    let result = runner.run(&strategy, |(shape, ops)| {
        let first = run(&shape, &ops);
        if let Err(broken) = first.outcome {
            return Err(TestCaseError::fail(format!(
                "{} at {}: {}",
                broken.violation.invariant, broken.at, broken.violation.what
            )));
        }
        let again = run(&shape, &ops);
        if first.outcome.ok() != again.outcome.ok() {
            return Err(TestCaseError::fail(Invariant::Deterministic.to_string()));
        }
        Ok(())
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, (shape, ops))) => {
            let replay = run(&shape, &ops);
            let scenario = render(&shape, &ops, &replay.applied, replay.outcome.as_ref().err());
            panic!(
                "Mesos {version}: a random schedule broke an invariant: {why}\n\
                 Shrunk to {} step(s); paste this scenario into specs/ to replay it:\n\n{scenario}",
                ops.len()
            );
        }
        Err(error) => panic!("Mesos {version}: {error}"),
    }
}

#[test]
fn random_schedules_keep_the_invariants_in_mesos_1_0() {
    schedules("1.0", 1);
}

#[test]
fn more_random_schedules_keep_the_invariants_in_mesos_1_0() {
    schedules("1.0", 4);
}

#[test]
fn random_schedules_keep_the_invariants_in_mesos_1_1() {
    schedules("1.1", 7);
}

#[test]
fn random_schedules_keep_the_invariants_in_mesos_1_2() {
    schedules("1.2", 8);
}

#[test]
fn random_schedules_keep_the_invariants_in_mesos_1_4() {
    schedules("1.4", 2);
}

#[test]
fn more_random_schedules_keep_the_invariants_in_mesos_1_4() {
    schedules("1.4", 5);
}

#[test]
fn random_schedules_keep_the_invariants_in_mesos_1_5() {
    schedules("1.5", 9);
}

#[test]
fn random_schedules_keep_the_invariants_in_mesos_1_8() {
    schedules("1.8", 10);
}

#[test]
fn random_schedules_keep_the_invariants_in_mesos_1_9() {
    schedules("1.9", 11);
}

#[test]
fn random_schedules_keep_the_invariants_in_mesos_1_12() {
    schedules("1.12", 3);
}

#[test]
fn more_random_schedules_keep_the_invariants_in_mesos_1_12() {
    schedules("1.12", 6);
}

#[test]
fn yet_more_random_schedules_keep_the_invariants_in_mesos_1_12() {
    schedules("1.12", 12);
}

/// A schedule that once broke invariant 1: an agent removed by `removeSlave`, a
/// failover, the agent back as an unknown agent (E2(c)), then restarted with an empty
/// work directory behind a partition. The new agent must get an ID of its own, not
/// the one the registry still files as unreachable.
#[test]
fn an_agent_restarted_empty_never_gets_the_id_of_one_readmitted_after_a_failover() {
    use crate::model::{Awareness, Checkpointing, WorkDir};
    let aware = FrameworkShape {
        awareness: Awareness::PartitionAware,
        checkpointing: Checkpointing::On,
    };
    let shape = Shape {
        version: "1.12".parse().expect("a version"),
        seed: 0,
        agents: 1,
        frameworks: [aware, aware],
        registry_latency: Duration::ZERO,
        rate_limited: RateLimited::No,
    };
    let ops = [
        Op::ShutdownGracefully(0),
        Op::Pass(Duration::from_millis(1)),
        Op::Failover,
        Op::Restart(0, WorkDir::Kept),
        Op::Pass(Duration::from_millis(710)),
        Op::Restart(0, WorkDir::Wiped),
        Op::Partition(0),
        Op::Pass(Duration::from_millis(88_142)),
    ];
    let outcome = run(&shape, &ops).outcome;
    assert!(
        outcome.is_ok(),
        "{:?}",
        outcome.err().map(|b| b.violation.what)
    );
}
