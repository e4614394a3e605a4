//! The invariants: what holds after every event of a schedule, and what holds once
//! the network has healed and the cluster has settled. Each rests on a rule of
//! `docs/model.md`; `docs/invariants.md` lists them with the Mesos code behind them.
//!
//! A [`Checker`] reads the cluster after each event: the new trace entries and
//! inbox events since its last look (incrementally, so a long schedule stays cheap),
//! and the master's and agents' state as it stands.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::schedule::{Asks, FRAMEWORKS, RateLimited, Shape};
use crate::model::metrics::COUNTERS;
use crate::model::{
    AgentId, AgentState, AgentStatus, Awareness, Books, Checkpointing, Cluster, Endpoint, Fact,
    FrameworkEvent, Instant, Message, Reason, Source, StatusUpdate, TaskState, TaskView,
    TraceEvent, Version,
};

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

    // ----- The trace -------------------------------------------------------------

    fn read_trace(&mut self, shape: &Shape, c: &Cluster) -> Result<(), Violation> {
        let trace = c.trace();
        let now = c.now();
        // The agent the previous entry admitted: its acknowledgement follows.
        let mut just_admitted = None;
        for entry in &trace[self.trace_done..] {
            let admitted = match &entry.event {
                TraceEvent::Master(Fact::AgentAdmitted { agent }) => Some(agent),
                _ => None,
            };
            match &entry.event {
                TraceEvent::Master(fact) => self.master_fact(shape, c, entry.at, fact)?,
                TraceEvent::Sent {
                    from: Endpoint::Agent(host),
                    message: Message::StatusUpdate(u),
                    ..
                } => *self.sent_updates.entry((host.clone(), u.uuid)).or_default() += 1,
                TraceEvent::Sent {
                    to: Endpoint::Agent(host),
                    message: Message::AgentRegistered { agent, .. },
                    ..
                } => {
                    // `Master::registerSlave` answers a registration from the address
                    // of a registered, connected agent with that agent's ID ("already
                    // registered, resending acknowledgement"), and an agent process
                    // without an ID takes it (`Slave::registered`): a process restarted
                    // with an empty work directory behind a partition inherits the old
                    // ID, and the master's tasks on it, until it reregisters (E6).
                    let fresh = c.agent(host).is_some_and(|a| a.id().is_none());
                    if fresh && just_admitted != Some(agent) {
                        self.taken_over.insert(agent.clone(), entry.at);
                    }
                }
                TraceEvent::Sent {
                    to: Endpoint::Agent(host),
                    message,
                    ..
                } => {
                    if let Some(order) = order(host, message) {
                        let covers = covered(c, host, &order);
                        self.sent_now.push(Sent {
                            at: entry.at,
                            host: host.clone(),
                            order,
                            covers,
                        });
                    }
                }
                TraceEvent::Dropped {
                    to: Endpoint::Agent(host),
                    message,
                    ..
                } => {
                    if let Some(order) = order(host, message) {
                        self.lost.insert(order, entry.at);
                    }
                }
                _ => {}
            }
            just_admitted = admitted;
        }
        self.trace_done = trace.len();
        // Rule C8: a disconnected agent ignores `ShutdownFrameworkMessage`; with no
        // latency an order sent now arrives now, so the agent's state now decides.
        self.sent_now.retain(|s| s.at == now);
        for Sent {
            at, host, order, ..
        } in &self.sent_now
        {
            let running = c
                .agent(host)
                .is_some_and(|a| a.state() == AgentState::Running);
            if !running && matches!(order, Order::Framework(..)) {
                self.lost.insert(order.clone(), *at);
            }
        }
        Ok(())
    }

    fn master_fact(
        &mut self,
        shape: &Shape,
        c: &Cluster,
        at: Instant,
        fact: &Fact,
    ) -> Result<(), Violation> {
        let metrics = Invariant::MetricsAgreeWithTheTrace;
        match fact {
            Fact::MasterElected { .. } => {
                // A new master: new counters, nothing removed yet.
                self.tally = Tally::default();
                self.counters.clear();
                self.removed.clear();
            }
            Fact::AgentAdmitted { agent } => {
                self.tally.registrations += 1;
                self.removed.remove(agent);
                self.registered_at.insert(agent.clone(), at);
            }
            Fact::AgentReadmitted { agent, .. } => {
                self.tally.reregistrations += 1;
                self.removed.remove(agent);
                self.registered_at.insert(agent.clone(), at);
            }
            Fact::AgentReconnected { agent } => {
                self.registered_at.insert(agent.clone(), at);
            }
            Fact::AgentMarkedUnreachable { agent, cause } => {
                self.tally.removals += 1;
                self.tally.unhealthy += 1;
                if cause.contains("after master failover") {
                    self.tally.recovery_removals += 1;
                }
                if !self.removed.insert(agent.clone()) {
                    return Err(broke(
                        metrics,
                        format!(
                            "agent {agent} was removed twice without being admitted in between (marked unreachable at {at})"
                        ),
                    ));
                }
            }
            Fact::AgentRemoved { agent, cause } => {
                self.tally.removals += 1;
                if cause == "health check timed out" {
                    self.tally.unhealthy += 1;
                }
                if !self.removed.insert(agent.clone()) {
                    return Err(broke(
                        metrics,
                        format!(
                            "agent {agent} was removed twice without being admitted in between (removed at {at})"
                        ),
                    ));
                }
            }
            Fact::RecoveredAgentForgotten { .. } => self.tally.recovery_removals += 1,
            Fact::AgentDisconnected { agent } => {
                // Rule B2: the master completes the tasks of non-checkpointing
                // frameworks as TASK_LOST and tells the agent nothing.
                if let Some(a) = c.agent(&agent.host).filter(|a| a.id() == Some(agent)) {
                    for (framework, task, _) in a.tasks() {
                        if shape.framework(framework).checkpointing == Checkpointing::Off {
                            self.abandoned.insert((framework.clone(), task.clone()));
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    // ----- What frameworks receive -----------------------------------------------

    fn read_inboxes(&mut self, shape: &Shape, c: &Cluster, asks: &Asks) -> Result<(), Violation> {
        let now = c.now();
        if self.made_now.0 != now {
            self.made_now = (now, BTreeSet::new());
        }
        let mut answers: BTreeMap<(&str, String), usize> = BTreeMap::new();
        for framework in FRAMEWORKS {
            let inbox = c.inbox(framework);
            let start = self.inbox_done.insert(framework, inbox.len()).unwrap_or(0);
            for (i, r) in inbox.iter().enumerate().skip(start) {
                if i > 0 && inbox[i - 1].at > r.at {
                    return Err(broke(
                        Invariant::EventsInTimeOrder,
                        format!(
                            "{framework} received an event out of time order at {}",
                            r.at
                        ),
                    ));
                }
                let FrameworkEvent::Update(u) = &r.event else {
                    continue;
                };
                // Each source tells a task's life in order: an agent's updates for a
                // task are one FIFO stream, and the master's own follow its books. The
                // two interleave (rule E5: the master's copy on re-admission carries
                // the latest state, then the agent resends its older, unacknowledged
                // updates), and reconciliation answers repeat the last update
                // forwarded, so each source is checked on its own.
                let source = match (u.uuid, &u.agent, u.reason) {
                    (Some(_), Some(agent), _) => Some(agent.host.clone()),
                    (_, _, Some(Reason::Reconciliation)) => None,
                    _ => Some("the master".to_string()),
                };
                if let Some(source) = source {
                    let key = (framework, source, u.task.clone());
                    if u.state == TaskState::Running && self.finals.contains(&key) {
                        return Err(broke(
                            Invariant::NothingRunsAfterAFinalState,
                            format!(
                                "\"{framework}\" was told by {} that task \"{}\" is running at {} after a final state",
                                key.1, u.task, r.at
                            ),
                        ));
                    }
                    if is_final(u.state) {
                        self.finals.insert(key);
                    }
                }
                aware_lost(shape, framework, u, r.at)?;
                match (u.uuid, &u.agent) {
                    (Some(uuid), Some(agent)) => {
                        let key = (agent.host.clone(), uuid);
                        let received = self.received_updates.entry(key.clone()).or_default();
                        *received += 1;
                        let sent = self.sent_updates.get(&key).copied().unwrap_or(0);
                        if *received > sent {
                            return Err(broke(
                                Invariant::UpdatesAreDeliveredOnceUnlessRetried,
                                format!(
                                    "\"{framework}\" received {} of task \"{}\" {} times at {}, but agent {} sent it {sent} times",
                                    u.state, u.task, received, r.at, agent.host
                                ),
                            ));
                        }
                        // The status-update manager sends a stream's next update only
                        // once the previous one is acknowledged, and never goes back.
                        let stream = (agent.host.clone(), framework, u.task.clone());
                        let head = self.stream_head.entry(stream).or_insert(uuid);
                        if uuid < *head {
                            return Err(broke(
                                Invariant::UpdatesAreDeliveredOnceUnlessRetried,
                                format!(
                                    "\"{framework}\" received an acknowledged update of task \"{}\" ({}) again at {}, after a later one",
                                    u.task, u.state, r.at
                                ),
                            ));
                        }
                        *head = uuid;
                    }
                    _ if u.reason == Some(Reason::Reconciliation)
                        && u.source == Some(Source::Master) =>
                    {
                        *answers.entry((framework, u.task.clone())).or_default() += 1;
                    }
                    _ => {
                        // Rule D5.4: updates the master makes are never retried.
                        let made = format!("{} {u:?}", r.at);
                        if !self.made_now.1.insert((framework, made)) {
                            return Err(broke(
                                Invariant::UpdatesAreDeliveredOnceUnlessRetried,
                                format!(
                                    "\"{framework}\" received the same {} of task \"{}\" twice at {}",
                                    u.state, u.task, r.at
                                ),
                            ));
                        }
                    }
                }
            }
        }
        // Rule H: each reconciliation answer is sent once, and only when asked.
        for ((framework, task), n) in answers {
            let asked = match asks {
                Asks::Tasks(f, t) => *f == framework && *t == task,
                Asks::Everything(f) => *f == framework,
                Asks::Nothing => false,
            };
            if !asked || n > 1 {
                return Err(broke(
                    Invariant::UpdatesAreDeliveredOnceUnlessRetried,
                    format!(
                        "\"{framework}\" received {n} reconciliation answer(s) for task \"{task}\" at {now} when {}",
                        match asked {
                            true => "it asked once",
                            false => "it did not ask about it",
                        }
                    ),
                ));
            }
        }
        Ok(())
    }

    // ----- The master's state ----------------------------------------------------

    fn registry(&mut self, c: &Cluster) -> Result<(), Violation> {
        let registry = c.master().registry();
        let admitted: BTreeSet<_> = registry.admitted.iter().collect();
        let unreachable: BTreeSet<_> = registry.unreachable.iter().map(|(a, _)| a).collect();
        let gone: BTreeSet<_> = registry.gone.iter().map(|(a, _)| a).collect();
        let disjoint = Invariant::RegistryListsDisjoint;
        if let Some(a) = admitted.intersection(&unreachable).next() {
            return Err(broke(
                disjoint,
                format!("agent {a} is both admitted and unreachable"),
            ));
        }
        if let Some(a) = admitted.intersection(&gone).next() {
            return Err(broke(
                disjoint,
                format!("agent {a} is both admitted and gone"),
            ));
        }
        if let Some(a) = unreachable.intersection(&gone).next() {
            return Err(broke(
                disjoint,
                format!("agent {a} is both unreachable and gone"),
            ));
        }
        self.gone.extend(gone.into_iter().cloned());
        for agent in &registry.admitted {
            if self.gone.contains(agent)
                && c.master().agent_status(agent) == AgentStatus::Registered
            {
                return Err(broke(
                    Invariant::GoneIsFinal,
                    format!("gone agent {agent} is registered again"),
                )
                .then(then_considers(&agent.host, AgentStatus::Gone)));
            }
        }
        Ok(())
    }

    fn counters(&mut self, shape: &Shape, c: &Cluster) -> Result<(), Violation> {
        let master = c.master();
        let value = |name: &str| master.counter(name);
        self.counters.resize(COUNTERS.len(), 0);
        for (name, before) in COUNTERS.iter().zip(&mut self.counters) {
            let now = value(name);
            if now < *before {
                return Err(broke(
                    Invariant::CountersNeverGoDown,
                    format!("counter {name} went down from {before} to {now}"),
                ));
            }
            *before = now;
        }
        let agree = Invariant::MetricsAgreeWithTheTrace;
        // Rule A7: each scheduled transition is completed or canceled once, or still
        // waits for its permit; without a rate limit none waits.
        for family in [
            [
                "master/slave_unreachable_scheduled",
                "master/slave_unreachable_completed",
                "master/slave_unreachable_canceled",
            ],
            [
                "master/slave_shutdowns_scheduled",
                "master/slave_shutdowns_completed",
                "master/slave_shutdowns_canceled",
            ],
        ] {
            let scheduled = value(family[0]);
            let completed = value(family[1]);
            let canceled = value(family[2]);
            let settled = completed + canceled;
            let waiting_allowed = shape.rate_limited == RateLimited::Yes;
            if settled > scheduled || (!waiting_allowed && settled != scheduled) {
                return Err(broke(
                    agree,
                    format!(
                        "{} is {scheduled}, with {completed} completed and {canceled} canceled",
                        family[0].trim_start_matches("master/")
                    ),
                ));
            }
        }
        let expected = [
            ("master/slave_registrations", self.tally.registrations),
            ("master/slave_reregistrations", self.tally.reregistrations),
            ("master/slave_removals", self.tally.removals),
            (
                "master/slave_removals/reason_unhealthy",
                self.tally.unhealthy,
            ),
            (
                "master/recovery_slave_removals",
                self.tally.recovery_removals,
            ),
        ];
        for (name, counted) in expected {
            let reported = value(name);
            if reported != counted {
                let short = name.trim_start_matches("master/");
                return Err(broke(
                    agree,
                    format!("{short} is {reported}, but the trace shows {counted} since the master was elected"),
                )
                .then(then_metric(short, counted)));
            }
        }
        Ok(())
    }

    /// Every task is filed once: active on the agent whose table holds it (and only
    /// there), unreachable, or completed.
    fn books(&mut self, books: &Books) -> Result<(), Violation> {
        let once = Invariant::TasksAreAccountedForOnce;
        let mut filed: BTreeMap<(&str, &str), &str> = BTreeMap::new();
        let lists = books
            .active
            .iter()
            .map(|(f, t, _)| (f, t, "active"))
            .chain(
                books
                    .unreachable
                    .iter()
                    .map(|(f, t, ..)| (f, t, "unreachable")),
            )
            .chain(books.completed.iter().map(|(f, t, _)| (f, t, "completed")));
        for (framework, task, list) in lists {
            if let Some(other) = filed.insert((framework, task), list) {
                return Err(broke(
                    once,
                    format!(
                        "the master files task \"{task}\" of \"{framework}\" as {other} and as {list}"
                    ),
                ));
            }
        }
        let tables: BTreeSet<(&AgentId, &str, &str)> = books
            .on_agents
            .iter()
            .map(|(a, f, t, _)| (a, f.as_str(), t.as_str()))
            .collect();
        let active: BTreeSet<(&AgentId, &str, &str)> = books
            .active
            .iter()
            .map(|(f, t, a)| (a, f.as_str(), t.as_str()))
            .collect();
        if let Some((agent, framework, task)) = tables.symmetric_difference(&active).next() {
            let (is, is_not) = match tables.contains(&(agent, framework, task)) {
                true => ("agent's table", "framework's active tasks"),
                false => ("framework's active tasks", "agent's table"),
            };
            return Err(broke(
                once,
                format!(
                    "task \"{task}\" of \"{framework}\" on agent {agent} is in the {is} but not in the {is_not}"
                ),
            ));
        }
        Ok(())
    }

    /// Invariant: no agent that is registered runs a task the master holds terminal,
    /// unless an update or order about it is on its way.
    fn agreement(&mut self, c: &Cluster, books: &Books) -> Result<(), Violation> {
        let now = c.now();
        let master = c.master();
        // When each of the master's views became terminal, for as long as it stays so.
        let before = std::mem::take(&mut self.terminal_since);
        for (framework, task, view) in views(c, books) {
            if view.state().is_terminal() {
                let key = (framework, task);
                let since = before.get(&key).copied().unwrap_or(now);
                self.terminal_since.insert(key, since);
            }
        }
        for host in c.hosts() {
            let Some(agent) = c.agent(host).filter(|a| a.is_alive()) else {
                continue;
            };
            let Some(id) = agent.id() else { continue };
            if !matches!(
                master.agent_status(id),
                AgentStatus::Registered | AgentStatus::Disconnected
            ) {
                continue;
            }
            for (framework, task, state) in agent.tasks() {
                let key = (framework.clone(), task.clone());
                let Some(&since) = self.terminal_since.get(&key) else {
                    continue;
                };
                if state.is_terminal() {
                    continue;
                }
                // (a) the agent's own update is still unacknowledged;
                let pending = agent
                    .pending_updates()
                    .any(|u| u.framework == *framework && u.task == *task);
                // (b) an order about it was sent now and has not arrived yet;
                let on_its_way = self
                    .sent_now
                    .iter()
                    .any(|s| s.at == now && s.host == host && s.covers.contains(&key));
                // (c) an order about it was lost or ignored since (sent at most once);
                let lost = self
                    .lost_about(host, framework, task)
                    .is_some_and(|at| at >= since);
                // (d) rule B2.
                let abandoned = self.abandoned.contains(&key);
                if pending || on_its_way || lost || abandoned {
                    continue;
                }
                let view = master
                    .task_view(framework, task)
                    .map_or_else(|| "unknown".to_string(), |v| format!("{v:?}"));
                return Err(broke(
                    Invariant::AgentAndMasterAgreeOnFinishedTasks,
                    format!(
                        "task \"{task}\" of \"{framework}\" is {state} on agent {id}, but the master holds it as {view} since {since}, and no update or order about it is on its way"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The last instant an order about the task, on `host`, was lost or ignored.
    fn lost_about(&self, host: &str, framework: &str, task: &str) -> Option<Instant> {
        [
            Order::Task(framework.to_string(), task.to_string()),
            Order::Framework(host.to_string(), framework.to_string()),
            Order::Agent(host.to_string()),
        ]
        .iter()
        .filter_map(|o| self.lost.get(o).copied())
        .max()
    }

    // ----- After the network healed and the cluster settled ------------------------

    /// Checks the settled cluster: every agent process is registered or shut down,
    /// every registered agent runs, and agents and master agree on every task.
    pub fn settled(&self, c: &Cluster) -> Result<(), Violation> {
        let settled = Invariant::SettledClusterIsAccountedFor;
        let master = c.master();
        for host in c.hosts() {
            let Some(agent) = c.agent(host) else { continue };
            match agent.state() {
                AgentState::Terminated | AgentState::HostDead => continue,
                AgentState::Disconnected => {
                    return Err(broke(
                        settled,
                        format!("agent process {host} is still not registered an hour after the network healed"),
                    )
                    .then(then_considers(host, AgentStatus::Registered)));
                }
                AgentState::Running => {}
            }
            let id = agent.id().expect("a running agent has an ID");
            if master.agent_status(id) != AgentStatus::Registered
                || master.registered_on(host) != Some(id)
            {
                return Err(broke(
                    settled,
                    format!(
                        "agent process {host} runs as {id}, which the master considers {}",
                        master.agent_status(id)
                    ),
                )
                .then(then_considers(host, AgentStatus::Registered)));
            }
        }
        let registry = master.registry();
        for id in &registry.admitted {
            let status = master.agent_status(id);
            let live = c
                .agent(&id.host)
                .is_some_and(|a| a.is_alive() && a.id() == Some(id));
            if status != AgentStatus::Registered || !live {
                return Err(broke(
                    settled,
                    format!(
                        "agent {id} is admitted in the registry and {status} at the master, with {} process behind it",
                        if live { "a live" } else { "no live" }
                    ),
                ));
            }
        }
        let books = master.books();
        for recovered in &books.recovered {
            // Rule N2: a recovered agent marked gone stays recovered.
            if master.agent_status(recovered) != AgentStatus::Gone {
                return Err(broke(
                    settled,
                    format!(
                        "agent {recovered} is still recovered an hour after the network healed (rule K3 marks it unreachable after 10 minutes)"
                    ),
                ));
            }
        }
        for (framework, task, agent, _) in &books.unreachable {
            if matches!(
                master.agent_status(agent),
                AgentStatus::Registered | AgentStatus::Disconnected | AgentStatus::Recovered
            ) {
                return Err(broke(
                    settled,
                    format!(
                        "task \"{task}\" of \"{framework}\" is filed as unreachable on agent {agent}, which is {}",
                        master.agent_status(agent)
                    ),
                ));
            }
        }
        // Every active task is held by the agent process it is filed under, unless its
        // launch was lost and the agent has not reregistered since (rule G4).
        for (framework, task, agent) in &books.active {
            // Held: the agent runs it, or still has an update about it to deliver.
            let held = c.agent(&agent.host).is_some_and(|a| {
                a.id() == Some(agent)
                    && (a.tasks().any(|(f, t, _)| f == framework && t == task)
                        || a.pending_updates()
                            .any(|u| u.framework == *framework && u.task == *task))
            });
            let not_since = |at: Option<&Instant>| {
                at.is_some_and(|at| self.registered_at.get(agent).is_none_or(|r| r <= at))
            };
            let launch_lost =
                not_since(self.lost.get(&Order::Task(framework.clone(), task.clone())));
            let taken_over = not_since(self.taken_over.get(agent));
            if !held && !launch_lost && !taken_over {
                return Err(broke(
                    settled,
                    format!("the master holds task \"{task}\" of \"{framework}\" as active on agent {agent}, whose process does not hold it"),
                )
                .then(then_unknown_task(task)));
            }
        }
        // Every task a registered agent holds is active at the master, on that agent.
        for host in c.hosts() {
            let Some(agent) = c.agent(host).filter(|a| a.state() == AgentState::Running) else {
                continue;
            };
            let id = agent.id().expect("a running agent has an ID");
            for (framework, task, state) in agent.tasks() {
                let active = books
                    .active
                    .iter()
                    .any(|(f, t, a)| f == framework && t == task && a == id);
                let key = (framework.clone(), task.clone());
                let pending = agent
                    .pending_updates()
                    .any(|u| u.framework == *framework && u.task == *task);
                let excused = pending
                    || self.lost_about(host, framework, task).is_some()
                    || self.abandoned.contains(&key);
                if !active && !excused {
                    return Err(broke(
                        settled,
                        format!(
                            "agent {id} holds task \"{task}\" of \"{framework}\" ({state}), which the master {}",
                            match master.task_view(framework, task) {
                                Some(view) => format!("files as {view:?}"),
                                None => "does not know".to_string(),
                            }
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The order a message to `host` gives, if it makes or ends tasks.
fn order(host: &str, message: &Message) -> Option<Order> {
    match message {
        Message::RunTask { framework, task } => {
            Some(Order::Task(framework.id.clone(), task.clone()))
        }
        Message::KillTask { framework, task } => Some(Order::Task(framework.clone(), task.clone())),
        Message::ShutdownFramework { framework } => {
            Some(Order::Framework(host.to_string(), framework.clone()))
        }
        Message::Shutdown { .. } => Some(Order::Agent(host.to_string())),
        _ => None,
    }
}

/// The tasks an order covers on the agent process of `host` as it stands.
fn covered(c: &Cluster, host: &str, order: &Order) -> Vec<(String, String)> {
    let held = || {
        c.agent(host)
            .into_iter()
            .flat_map(|a| a.tasks())
            .map(|(f, t, _)| (f.clone(), t.clone()))
    };
    match order {
        Order::Task(f, t) => vec![(f.clone(), t.clone())],
        Order::Framework(_, f) => held().filter(|(g, _)| g == f).collect(),
        Order::Agent(_) => held().collect(),
    }
}

/// Every task the master files, with where.
fn views(c: &Cluster, books: &Books) -> Vec<(String, String, TaskView)> {
    books
        .active
        .iter()
        .map(|(f, t, _)| (f, t))
        .chain(books.unreachable.iter().map(|(f, t, ..)| (f, t)))
        .chain(books.completed.iter().map(|(f, t, _)| (f, t)))
        .filter_map(|(f, t)| Some((f.clone(), t.clone(), c.master().task_view(f, t)?)))
        .collect()
}

/// Invariant: from Mesos 1.1 a partition-aware framework hears TASK_UNREACHABLE, not
/// TASK_LOST, when a partition takes its task's agent away (D5.4, H2 row 4). It may
/// still get TASK_LOST for other causes, each a rule of its own.
fn aware_lost(
    shape: &Shape,
    framework: &str,
    u: &StatusUpdate,
    at: Instant,
) -> Result<(), Violation> {
    let f = shape.framework(framework);
    let v = shape.version;
    if f.awareness != Awareness::PartitionAware
        || v < Version::new(1, 1, 0)
        || u.state != TaskState::Lost
    {
        return Ok(());
    }
    let message = u.message.as_deref().unwrap_or("");
    let allowed = match u.reason {
        // Rule B2: a broken connection loses the tasks of non-checkpointing frameworks.
        Some(Reason::AgentDisconnected) => f.checkpointing == Checkpointing::Off,
        // Rule L1: `removeSlave` sends TASK_LOST to every framework.
        Some(Reason::AgentRemoved) => {
            message.starts_with("Agent ") && message.contains(" removed: ")
        }
        // Rule L3: a disconnected driver answers a launch itself; TASK_DROPPED from 1.2.
        Some(Reason::MasterDisconnected) => v < Version::new(1, 2, 0),
        // Rule H4: 1.1 answered rows 3 and 6 with TASK_LOST to everyone.
        Some(Reason::Reconciliation) => {
            v < Version::new(1, 2, 0)
                && matches!(
                    message,
                    "Reconciliation: Task is unknown to the agent"
                        | "Reconciliation: Task is unknown"
                )
        }
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    Err(broke(
        Invariant::AwareFrameworksNeverLoseTasksToPartitions,
        format!(
            "partition-aware \"{framework}\" received TASK_LOST for task \"{}\" at {at} ({:?}: {message})",
            u.task, u.reason
        ),
    )
    .then(then_never_lost(framework)))
}

#[cfg(test)]
mod tests;
