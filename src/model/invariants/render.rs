//! A schedule as a `.feature` scenario, in the words of `docs/steps.md`, so that a
//! shrunk schedule that breaks an invariant can be pasted into `specs/` and replayed
//! by the harness step for step (the vocabulary's tests replay rendered schedules
//! and compare their traces with the direct run's).

use std::fmt::Write as _;

use super::check::Violation;
use super::schedule::{
    Applied, DROPPABLE, FAILOVER_TIMEOUT, FRAMEWORKS, Naming, Op, RATE_LIMIT, RateLimited, SETTLE,
    Shape, Tasks,
};
use crate::model::{Awareness, Checkpointing, Direction, Drops, Instant, WorkDir};
use crate::time::Duration;

/// Where a schedule broke an invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// While building the cluster, before any step.
    Setup,
    /// During step `i` of the schedule (or right after it).
    Step(usize),
    /// After the network healed, while the cluster settled, or once it had.
    Settling,
}

/// A schedule that broke an invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Broken {
    pub phase: Phase,
    pub at: Instant,
    pub violation: Violation,
}

/// The Given steps that build `shape`.
fn given(shape: &Shape, out: &mut String) {
    let _ = writeln!(out, "    Given the master runs Mesos {}", shape.version);
    let _ = writeln!(out, "    And the random seed is {}", shape.seed);
    if shape.registry_latency > Duration::ZERO {
        let _ = writeln!(
            out,
            "    And the registry write latency is {}",
            shape.registry_latency
        );
    }
    if shape.rate_limited == RateLimited::Yes {
        let _ = writeln!(
            out,
            "    And the master flag agent_removal_rate_limit is {RATE_LIMIT}"
        );
    }
    match shape.hosts() {
        [one] => {
            let _ = writeln!(out, "    And an agent \"{one}\"");
        }
        hosts => {
            let (last, rest) = hosts.split_last().expect("at least one agent");
            let rest: Vec<String> = rest.iter().map(|h| format!("\"{h}\"")).collect();
            let _ = writeln!(out, "    And agents {} and \"{last}\"", rest.join(", "));
        }
    }
    for (name, f) in FRAMEWORKS.iter().zip(shape.frameworks) {
        let aware = match f.awareness {
            Awareness::PartitionAware => "a partition-aware framework",
            Awareness::NotAware => "a framework",
        };
        let forgetful = match f.checkpointing {
            Checkpointing::On => "",
            Checkpointing::Off => " that does not checkpoint",
        };
        let _ = writeln!(out, "    And {aware} \"{name}\"{forgetful}");
    }
    for name in FRAMEWORKS {
        let _ = writeln!(
            out,
            "    And \"{name}\" has a failover timeout of {}",
            FAILOVER_TIMEOUT
        );
    }
    for (task, framework, host) in shape.initial_tasks() {
        let _ = writeln!(
            out,
            "    And \"{framework}\" runs task \"{task}\" on agent \"{host}\""
        );
    }
}

/// The When step of one applied step of the schedule, given the tasks known before it.
fn when(shape: &Shape, op: &Op, tasks: &Tasks) -> String {
    let host = |h: usize| shape.host(h);
    match *op {
        Op::Pass(d) => format!("{d} pass"),
        Op::Partition(h) => format!("agent \"{}\" is partitioned from the master", host(h)),
        Op::Heal(h) => format!("the partition of agent \"{}\" heals", host(h)),
        Op::HealAll => "the network heals".to_string(),
        Op::Break(h) => format!("the master's connection to agent \"{}\" breaks", host(h)),
        Op::Restart(h, WorkDir::Kept) => format!("agent \"{}\" restarts", host(h)),
        Op::Restart(h, WorkDir::Wiped) => format!(
            "agent \"{}\" restarts with an empty work directory",
            host(h)
        ),
        Op::ShutdownGracefully(h) => format!("agent \"{}\" shuts down gracefully", host(h)),
        Op::Failover => "the master fails over".to_string(),
        Op::Disconnect(f) => format!("\"{}\" disconnects", FRAMEWORKS[f]),
        Op::Resubscribe(f) => format!("\"{}\" resubscribes", FRAMEWORKS[f]),
        Op::Teardown(f) => format!("\"{}\" is torn down", FRAMEWORKS[f]),
        Op::Launch(f, h) => format!(
            "\"{}\" launches task \"{}\" on agent \"{}\"",
            FRAMEWORKS[f],
            tasks.next_name(),
            host(h)
        ),
        Op::Kill(t) => {
            let (task, framework, _) = tasks.pick(t);
            format!("\"{framework}\" kills task \"{task}\"")
        }
        Op::Finish(t) => format!("task \"{}\" finishes", tasks.pick(t).0),
        Op::Fail(t) => format!("task \"{}\" fails", tasks.pick(t).0),
        Op::ExecutorExits(t) => format!("the executor of task \"{}\" exits", tasks.pick(t).0),
        Op::Reconcile(t, Naming::ItsAgent) => {
            let (task, framework, on) = tasks.pick(t);
            format!("\"{framework}\" reconciles task \"{task}\" on agent \"{on}\"")
        }
        Op::Reconcile(t, Naming::NoAgent) => {
            let (task, framework, _) = tasks.pick(t);
            format!("\"{framework}\" reconciles task \"{task}\"")
        }
        Op::ReconcileAll(f) => format!("\"{}\" reconciles all its tasks", FRAMEWORKS[f]),
        Op::MarkGone(h) => format!("the operator marks agent \"{}\" as gone", host(h)),
        Op::Drop(h, k, drops) => {
            let (kind, direction) = DROPPABLE[k];
            let host = host(h);
            match (drops, direction) {
                (Drops::Next, Direction::ToAgent) => {
                    format!("the next {kind} from the master to agent \"{host}\" is dropped")
                }
                (Drops::Next, Direction::ToMaster) => {
                    format!("the next {kind} from agent \"{host}\" to the master is dropped")
                }
                (Drops::All, Direction::ToAgent) => {
                    format!("{kind} messages from the master to agent \"{host}\" are dropped")
                }
                (Drops::All, Direction::ToMaster) => {
                    format!("{kind} messages from agent \"{host}\" to the master are dropped")
                }
            }
        }
    }
}

/// The schedule as a feature file of one scenario: the Given steps of its shape, a
/// When step for every step the cluster applied (up to the one that broke an
/// invariant, if one did), and then what broke, as a comment and, when the
/// vocabulary has one, as a Then step.
pub(crate) fn render(
    shape: &Shape,
    ops: &[Op],
    applied: &[Applied],
    broken: Option<&Broken>,
) -> String {
    let title = match broken {
        Some(_) => format!(
            "A schedule that breaks an invariant of Mesos {}",
            shape.version
        ),
        None => format!("A random schedule in Mesos {}", shape.version),
    };
    let mut out = String::new();
    let _ = writeln!(out, "Feature: Random schedules of the invariant tests");
    let _ = writeln!(out);
    if let Some(b) = broken {
        let _ = writeln!(out, "  # Broken: {}", b.violation.invariant);
        let _ = writeln!(out, "  # What happened at {}: {}", b.at, b.violation.what);
    }
    let _ = writeln!(out, "  Scenario: {title}");
    given(shape, &mut out);
    let upto = match broken.map(|b| &b.phase) {
        Some(Phase::Setup) => 0,
        Some(Phase::Step(i)) => i + 1,
        Some(Phase::Settling) | None => ops.len(),
    };
    let mut tasks = Tasks::new(shape);
    let mut keyword = "When";
    for (op, done) in ops.iter().zip(applied).take(upto) {
        if *done == Applied::Yes {
            let _ = writeln!(out, "    {keyword} {}", when(shape, op, &tasks));
            keyword = "And";
        }
        if let (Op::Launch(f, h), Applied::Yes) = (op, done) {
            tasks
                .0
                .push((tasks.next_name(), FRAMEWORKS[*f], shape.host(*h)));
        }
    }
    if broken.is_none_or(|b| b.phase == Phase::Settling) {
        let _ = writeln!(out, "    {keyword} the network heals");
        let _ = writeln!(out, "    And {SETTLE} pass");
    }
    if let Some(b) = broken {
        let _ = writeln!(out, "    # The invariant broke here, at {}", b.at);
        if let Some(then) = &b.violation.then {
            let _ = writeln!(out, "    {then}");
        }
    }
    out
}
