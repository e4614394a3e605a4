//! The random schedules: the shape of a cluster, the steps that run on it, and how
//! each step is applied to a [`Cluster`].
//!
//! Every index a step holds (an agent, a framework, a task) is taken modulo what
//! exists, so that any step of a shrunk schedule still names something real.

use proptest::prelude::*;

use crate::model::{
    Awareness, Checkpointing, Cluster, ClusterError, Direction, Drops, MessageKind, ReconcileOn,
    Version, WorkDir,
};
use crate::time::Duration;

pub(crate) const HOSTS: [&str; 3] = ["a1", "a2", "a3"];
pub(crate) const FRAMEWORKS: [&str; 2] = ["f1", "f2"];
/// Every framework may stay disconnected this long before the master removes it (L3).
pub(crate) const FAILOVER_TIMEOUT: Duration = Duration::from_hours(1);
/// How long the cluster runs after the network heals before it counts as settled:
/// longer than every timeout of the model that the schedules can start (the
/// reregister timeouts of rules B3 and K3, 10 minutes; a rate-limited queue of three
/// agents; the one-minute cap of the registration backoff).
pub(crate) const SETTLE: Duration = Duration::from_hours(1);
/// The registry write latencies a shape may have besides none (rule D4's window): a
/// slow write, and one slower than a ping interval, so that a health check can fail
/// again while the write runs (rule A8).
pub(crate) const SLOW_REGISTRY: Duration = Duration::from_secs(2);
pub(crate) const SLOWER_REGISTRY: Duration = Duration::from_secs(20);
/// The agent removal rate limit a shape may have (rule A7).
pub(crate) const RATE_LIMIT: &str = "1/1mins";

/// A framework of the shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FrameworkShape {
    pub awareness: Awareness,
    pub checkpointing: Checkpointing,
}

/// What a schedule's cluster looks like at time 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Shape {
    pub version: Version,
    /// The cluster's seed (agents' backoffs); at most `i64::MAX`, as a spec writes it.
    pub seed: u64,
    /// How many of [`HOSTS`] run an agent.
    pub agents: usize,
    pub frameworks: [FrameworkShape; 2],
    pub registry_latency: Duration,
    pub rate_limited: RateLimited,
}

/// Whether the master limits the rate of agent removals (`--agent_removal_rate_limit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RateLimited {
    No,
    Yes,
}

impl Shape {
    pub fn hosts(&self) -> &'static [&'static str] {
        &HOSTS[..self.agents]
    }

    pub fn host(&self, i: usize) -> &'static str {
        HOSTS[i % self.agents]
    }

    pub fn framework(&self, name: &str) -> FrameworkShape {
        let i = FRAMEWORKS.iter().position(|f| *f == name).unwrap_or(0);
        self.frameworks[i]
    }

    /// The tasks running at time 0: one per framework, on the first and last agents.
    pub fn initial_tasks(&self) -> Vec<(String, &'static str, &'static str)> {
        vec![
            ("t1".to_string(), FRAMEWORKS[0], HOSTS[0]),
            ("t2".to_string(), FRAMEWORKS[1], HOSTS[self.agents - 1]),
        ]
    }

    pub fn build(&self) -> Cluster {
        let mut b = Cluster::builder();
        b.seed(self.seed)
            .version(self.version)
            .registry_latency(self.registry_latency);
        if self.rate_limited == RateLimited::Yes {
            b.master_flag("agent_removal_rate_limit", RATE_LIMIT)
                .expect("a valid rate limit");
        }
        for host in self.hosts() {
            b.agent(host);
        }
        for (name, f) in FRAMEWORKS.iter().zip(self.frameworks) {
            b.framework(name, f.awareness, f.checkpointing);
        }
        for name in FRAMEWORKS {
            b.failover_timeout(name, FAILOVER_TIMEOUT);
        }
        for (task, framework, host) in self.initial_tasks() {
            b.task(framework, &task, host);
        }
        b.build().expect("a valid cluster")
    }
}

/// Which agent an explicit reconciliation names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Naming {
    /// The agent the task was launched on, as a framework does.
    ItsAgent,
    /// No agent: the master looks the task up.
    NoAgent,
}

/// One step of a schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Pass(Duration),
    Partition(usize),
    Heal(usize),
    HealAll,
    Break(usize),
    Restart(usize, WorkDir),
    ShutdownGracefully(usize),
    Failover,
    Disconnect(usize),
    Resubscribe(usize),
    Teardown(usize),
    Launch(usize, usize),
    Kill(usize),
    Finish(usize),
    Fail(usize),
    ExecutorExits(usize),
    Reconcile(usize, Naming),
    ReconcileAll(usize),
    MarkGone(usize),
    /// Drop the next message of a kind on an agent's link, or all of them.
    Drop(usize, usize, Drops),
}

/// The messages a schedule drops, with the direction they travel.
pub(crate) const DROPPABLE: [(MessageKind, Direction); 8] = [
    (MessageKind::Pong, Direction::ToMaster),
    (MessageKind::StatusUpdate, Direction::ToMaster),
    (MessageKind::ReregisterAgent, Direction::ToMaster),
    (MessageKind::RunTask, Direction::ToAgent),
    (MessageKind::StatusUpdateAcknowledgement, Direction::ToAgent),
    (MessageKind::Ping, Direction::ToAgent),
    (MessageKind::KillTask, Direction::ToAgent),
    (MessageKind::ShutdownFramework, Direction::ToAgent),
];

/// A shape of `version`: a seed, one to three agents, frameworks partition-aware or
/// not and checkpointing or not, a slow registry or not, a rate limit or not.
pub(crate) fn shape(version: Version) -> impl Strategy<Value = Shape> {
    let framework = (any::<bool>(), any::<bool>()).prop_map(|(plain, forgetful)| FrameworkShape {
        awareness: match plain {
            false => Awareness::PartitionAware,
            true => Awareness::NotAware,
        },
        checkpointing: match forgetful {
            false => Checkpointing::On,
            true => Checkpointing::Off,
        },
    });
    (
        0..=i64::MAX as u64,
        1..=HOSTS.len(),
        [framework.clone(), framework],
        prop_oneof![
            4 => Just(Duration::ZERO),
            1 => Just(SLOW_REGISTRY),
            1 => Just(SLOWER_REGISTRY)
        ],
        prop_oneof![3 => Just(RateLimited::No), 1 => Just(RateLimited::Yes)],
    )
        .prop_map(
            move |(seed, agents, frameworks, registry_latency, rate_limited)| Shape {
                version,
                seed,
                agents,
                frameworks,
                registry_latency,
                rate_limited,
            },
        )
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    let host = 0..HOSTS.len();
    let framework = 0..FRAMEWORKS.len();
    let task = 0..8usize;
    prop_oneof![
        4 => (1u64..=1_800_000).prop_map(|ms| Op::Pass(Duration::from_millis(ms))),
        2 => host.clone().prop_map(Op::Partition),
        1 => host.clone().prop_map(Op::Heal),
        1 => Just(Op::HealAll),
        1 => host.clone().prop_map(Op::Break),
        1 => (host.clone(), prop_oneof![Just(WorkDir::Kept), Just(WorkDir::Wiped)])
            .prop_map(|(h, w)| Op::Restart(h, w)),
        1 => host.clone().prop_map(Op::ShutdownGracefully),
        1 => Just(Op::Failover),
        1 => framework.clone().prop_map(Op::Disconnect),
        1 => framework.clone().prop_map(Op::Resubscribe),
        1 => framework.clone().prop_map(Op::Teardown),
        2 => (framework.clone(), host.clone()).prop_map(|(f, h)| Op::Launch(f, h)),
        1 => task.clone().prop_map(Op::Kill),
        1 => task.clone().prop_map(Op::Finish),
        1 => task.clone().prop_map(Op::Fail),
        1 => task.clone().prop_map(Op::ExecutorExits),
        1 => (task, prop_oneof![Just(Naming::ItsAgent), Just(Naming::NoAgent)])
            .prop_map(|(t, n)| Op::Reconcile(t, n)),
        1 => framework.prop_map(Op::ReconcileAll),
        1 => host.clone().prop_map(Op::MarkGone),
        2 => (
            host,
            0..DROPPABLE.len(),
            prop_oneof![Just(Drops::Next), Just(Drops::All)]
        )
            .prop_map(|(h, k, d)| Op::Drop(h, k, d)),
    ]
}

/// The tasks of a schedule, in the order they were declared or launched, with their
/// frameworks and agents. Every launch gets a new name: reusing a task ID is another
/// story (rule D10). A reconciliation names the agent the task was launched on, as a
/// framework does.
#[derive(Clone, Debug)]
pub(crate) struct Tasks(pub Vec<(String, &'static str, &'static str)>);

impl Tasks {
    pub fn new(shape: &Shape) -> Tasks {
        Tasks(shape.initial_tasks())
    }

    pub fn pick(&self, i: usize) -> (&str, &'static str, &'static str) {
        let (task, framework, host) = &self.0[i % self.0.len()];
        (task, framework, host)
    }

    /// The name the next launch gets.
    pub fn next_name(&self) -> String {
        format!("t{}", self.0.len() + 1)
    }
}

/// What a step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Applied {
    Yes,
    /// The cluster refused it (an unknown task, a framework that is not subscribed)
    /// and nothing changed: it is left out of a rendered scenario.
    Refused,
}

/// The task IDs a step asks the master to reconcile, if any: what bounds the
/// answers it may get (rule H: each is sent once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Asks {
    Nothing,
    /// Explicit reconciliation, or a kill that the master may answer as one (D9).
    Tasks(&'static str, String),
    /// Implicit reconciliation: one answer per active task at most.
    Everything(&'static str),
}

impl Op {
    /// Applies every step but `Pass`, which the runner steps one event at a time.
    pub fn apply(&self, shape: &Shape, c: &mut Cluster, tasks: &mut Tasks) -> Applied {
        let done: Result<(), ClusterError> = match *self {
            Op::Pass(d) => {
                c.advance(d);
                Ok(())
            }
            Op::Partition(h) => c.partition(shape.host(h)),
            Op::Heal(h) => c.heal(shape.host(h)),
            Op::HealAll => {
                c.heal_all();
                Ok(())
            }
            Op::Break(h) => c.break_connection(shape.host(h)),
            Op::Restart(h, work_dir) => c.restart(shape.host(h), work_dir),
            Op::ShutdownGracefully(h) => c.shutdown_gracefully(shape.host(h)),
            Op::Failover => {
                c.master_failover();
                Ok(())
            }
            Op::Disconnect(f) => c.disconnect(FRAMEWORKS[f]),
            Op::Resubscribe(f) => c.resubscribe(FRAMEWORKS[f]),
            Op::Teardown(f) => c.teardown(FRAMEWORKS[f]),
            Op::Launch(f, h) => {
                let task = tasks.next_name();
                let host = shape.host(h);
                let launched = c.launch(FRAMEWORKS[f], &task, host);
                if launched.is_ok() {
                    tasks.0.push((task, FRAMEWORKS[f], host));
                }
                launched
            }
            Op::Kill(t) => {
                let (task, framework, _) = tasks.pick(t);
                c.kill(framework, task, None)
            }
            Op::Finish(t) => c.task_finishes(tasks.pick(t).0),
            Op::Fail(t) => c.task_fails(tasks.pick(t).0),
            Op::ExecutorExits(t) => c.executor_exits(tasks.pick(t).0),
            Op::Reconcile(t, naming) => {
                let (task, framework, host) = tasks.pick(t);
                let on = match naming {
                    Naming::ItsAgent => ReconcileOn::Agent(host),
                    Naming::NoAgent => ReconcileOn::AnyAgent,
                };
                c.reconcile(framework, task, on)
            }
            Op::ReconcileAll(f) => c.reconcile_all(FRAMEWORKS[f]),
            Op::MarkGone(h) => c.mark_gone(shape.host(h)),
            Op::Drop(h, k, drops) => {
                let (kind, direction) = DROPPABLE[k];
                c.drop_kind(shape.host(h), direction, kind, drops)
            }
        };
        match done {
            Ok(()) => Applied::Yes,
            Err(_) => Applied::Refused,
        }
    }

    /// What the step asks the master to reconcile.
    pub fn asks(&self, tasks: &Tasks) -> Asks {
        match *self {
            Op::Kill(t) | Op::Reconcile(t, _) => {
                let (task, framework, _) = tasks.pick(t);
                Asks::Tasks(framework, task.to_string())
            }
            Op::ReconcileAll(f) => Asks::Everything(FRAMEWORKS[f]),
            _ => Asks::Nothing,
        }
    }
}
