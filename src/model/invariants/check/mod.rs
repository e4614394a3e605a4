//! The invariants: what holds after every event of a schedule, and what holds once
//! the network has healed and the cluster has settled. Each rests on a rule of
//! `docs/model.md`; `docs/invariants.md` lists them with the Mesos code behind them.
//!
//! A [`Checker`] reads the cluster after each event: the new trace entries and
//! inbox events since its last look (incrementally, so a long schedule stays cheap),
//! and the master's and agents' state as it stands.
//!
//! One file per source of what is checked: `trace.rs` (new trace entries: facts,
//! messages, orders lost on the wire), `inbox.rs` (what frameworks receive),
//! `state.rs` (the master's state against the agents'), `settled.rs` (the cluster
//! once the network healed and it settled).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::schedule::{Asks, Shape};
use crate::model::{
    AgentId, AgentStatus, Cluster, Fact, Instant, Reason, Source, StatusUpdate, TaskState,
    TraceEvent, Version,
};

mod inbox;
mod settled;
mod state;
mod trace;

/// The invariants, each with the rule of `docs/model.md` it rests on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Invariant {
    RegistryListsDisjoint,
    GoneIsFinal,
    CountersNeverGoDown,
    EventsInTimeOrder,
    NothingRunsAfterAFinalState,
    AwareFrameworksNeverLoseTasksToPartitions,
    AgentAndMasterAgreeOnFinishedTasks,
    MetricsAgreeWithTheTrace,
    TasksAreAccountedForOnce,
    SettledClusterIsAccountedFor,
    UpdatesAreDeliveredOnceUnlessRetried,
    Deterministic,
}

impl Invariant {
    pub fn describe(self) -> &'static str {
        match self {
            Invariant::RegistryListsDisjoint => {
                "the registry's admitted, unreachable and gone lists are disjoint (rules D4, E3, J1)"
            }
            Invariant::GoneIsFinal => "a gone agent is never registered again (rule J5)",
            Invariant::CountersNeverGoDown => {
                "the master's counters never go down until a failover starts a new master (rule L5)"
            }
            Invariant::EventsInTimeOrder => "every framework receives its events in time order",
            Invariant::NothingRunsAfterAFinalState => {
                "no agent, and not the master, tells a framework a task runs after telling it of a final state (rules F, E5)"
            }
            Invariant::AwareFrameworksNeverLoseTasksToPartitions => {
                "from Mesos 1.1 a partition-aware framework never gets TASK_LOST because of a partition (rules D5.4, H2, F)"
            }
            Invariant::AgentAndMasterAgreeOnFinishedTasks => {
                "no task runs on an agent while the master holds it terminal, unless word of it is still on its way (rules C6, E6, B2, L3)"
            }
            Invariant::MetricsAgreeWithTheTrace => {
                "the master's metrics agree with the trace: transitions completed or canceled never outnumber those scheduled, and every removal is counted once (rules A7, A8, D5.1, L5)"
            }
            Invariant::TasksAreAccountedForOnce => {
                "every task the master holds is filed once: active on the agent whose table holds it, unreachable, or completed (rules D5, D8, E3)"
            }
            Invariant::SettledClusterIsAccountedFor => {
                "after the network heals and the cluster settles, every agent is registered, unreachable, gone or shut down, and agents and master agree on every task (rules C3, E2, E6, K3)"
            }
            Invariant::UpdatesAreDeliveredOnceUnlessRetried => {
                "no status update reaches a framework twice unless the agent retried it, and the master answers each reconciliation once (rules C4, D5.4, E5, H)"
            }
            Invariant::Deterministic => "the same schedule and seed give the same trace",
        }
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// An invariant that did not hold, what was seen, and a Then step that states what
/// should have been seen, when the vocabulary has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Violation {
    pub invariant: Invariant,
    pub what: String,
    pub then: Option<String>,
}

fn broke(invariant: Invariant, what: String) -> Violation {
    Violation {
        invariant,
        what,
        then: None,
    }
}

impl Violation {
    fn then(mut self, step: String) -> Violation {
        self.then = Some(step);
        self
    }
}

/// `Then the master considers agent "a1" registered`.
pub(crate) fn then_considers(host: &str, status: AgentStatus) -> String {
    format!("Then the master considers agent \"{host}\" {status}")
}

/// `Then the master's metric slave_removals is 1`.
pub(crate) fn then_metric(name: &str, value: i64) -> String {
    format!("Then the master's metric {name} is {value}")
}

/// `Then "f1" never receives TASK_LOST`.
pub(crate) fn then_never_lost(framework: &str) -> String {
    format!("Then \"{framework}\" never receives TASK_LOST")
}

/// `Then the master does not know task "t3"`.
pub(crate) fn then_unknown_task(task: &str) -> String {
    format!("Then the master does not know task \"{task}\"")
}

/// Something the master sent an agent that ends a task or makes one: sent at most
/// once, and repeated only when the agent reregisters (rule E6).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Order {
    /// `RunTaskMessage` or `KillTaskMessage` for one task.
    Task(String, String),
    /// `ShutdownFrameworkMessage` to a host.
    Framework(String, String),
    /// `ShutdownMessage` to a host.
    Agent(String),
}

/// An order sent at the current instant: when, to which host, and the tasks
/// (framework, task) it covers on that host.
#[derive(Clone, Debug)]
struct Sent {
    at: Instant,
    host: String,
    order: Order,
    covers: Vec<(String, String)>,
}

/// What the master's counters must be, counted from the trace since it was elected.
#[derive(Clone, Debug, Default)]
struct Tally {
    registrations: i64,
    reregistrations: i64,
    removals: i64,
    unhealthy: i64,
    recovery_removals: i64,
}

/// What the invariants remember between events.
#[derive(Default)]
pub(crate) struct Checker {
    trace_done: usize,
    inbox_done: BTreeMap<&'static str, usize>,
    /// The value of each of `COUNTERS` at the last look.
    counters: Vec<i64>,
    gone: BTreeSet<AgentId>,
    /// Per framework and source (an agent's host, or the master), the tasks it has
    /// heard of in a final state from that source.
    finals: BTreeSet<(&'static str, String, String)>,
    tally: Tally,
    /// Agents removed (unreachable or `removeSlave`) and not admitted since.
    removed: BTreeSet<AgentId>,
    /// Orders sent at the current instant, which an agent may still ignore (C8).
    sent_now: Vec<Sent>,
    /// The last instant an order was lost on the wire or ignored by its agent.
    lost: BTreeMap<Order, Instant>,
    /// When the master's view of each task became terminal.
    terminal_since: BTreeMap<(String, String), Instant>,
    /// Tasks of non-checkpointing frameworks whose agent's connection broke (B2).
    abandoned: BTreeSet<(String, String)>,
    /// When each agent last (re)registered.
    registered_at: BTreeMap<AgentId, Instant>,
    /// Agent IDs a new agent process took over, and when (see `read_trace`).
    taken_over: BTreeMap<AgentId, Instant>,
    /// Status updates each host sent and each framework received, by UUID.
    sent_updates: BTreeMap<(String, u64), usize>,
    received_updates: BTreeMap<(String, u64), usize>,
    /// The latest UUID each framework received for each (host, task) stream.
    stream_head: BTreeMap<(String, &'static str, String), u64>,
    /// Updates the master made at the current instant, per framework.
    made_now: (Instant, BTreeSet<(&'static str, String)>),
}

/// The state a framework's task is in, as the master files it.
fn is_final(state: TaskState) -> bool {
    state.is_terminal() && state != TaskState::Lost
}

impl Checker {
    /// Checks everything that holds after every event. `asks` is what the step being
    /// applied asked the master to reconcile (nothing while time passes).
    pub fn event(&mut self, shape: &Shape, c: &Cluster, asks: &Asks) -> Result<(), Violation> {
        // An event that leaves no trace (an answered ping, a pong, a tick that
        // missed nothing) changes nothing the invariants look at.
        if c.trace().len() == self.trace_done && self.trace_done > 0 {
            return Ok(());
        }
        self.read_trace(shape, c)?;
        self.read_inboxes(shape, c, asks)?;
        self.registry(c)?;
        self.counters(shape, c)?;
        let books = c.master().books();
        self.books(&books)?;
        self.agreement(c, &books)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
