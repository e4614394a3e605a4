//! The Mesos master as a sans-io state machine.
//!
//! It owns what the master believes: the registry (admitted, unreachable and gone
//! agents), the registered agents with their health-check observers, the recovered
//! set after a failover, frameworks and their tasks, the rate limiter and the
//! metrics. The driver feeds it [`MasterInput`]s with the current instant, drains
//! [`MasterOutput`]s, and fires its timers when [`Master::poll_timeout`] says.
//!
//! Every decision names the rule of `mesos-model.md` it implements. Failures of
//! the cluster are outputs (facts, status updates), never `Err`s.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::flags::{MasterFlags, RegistryKind};
use super::message::{
    AgentId, AgentUpdate, FrameworkEvent, FrameworkId, FrameworkInfo, Message, StatusUpdate,
    TaskId, TaskReport,
};
use super::metrics::Metrics;
use super::status::{Reason, Source, TaskState};
use super::time::{Duration, Instant};
use super::timer::Timers;
use super::trace::Fact;
use super::version::Version;

/// How long the master keeps removed agent IDs (`MAX_REMOVED_SLAVES`).
const MAX_REMOVED_AGENTS: usize = 100_000;

/// What survives a master failover when the registry is the replicated log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registry {
    /// Admitted agents, in admission order.
    pub admitted: Vec<AgentId>,
    /// Unreachable agents with the time they were marked, in marking order.
    pub unreachable: Vec<(AgentId, Instant)>,
    /// Gone agents with the time they were marked, in marking order.
    pub gone: Vec<(AgentId, Instant)>,
}

impl Registry {
    fn unreachable_time(&self, agent: &AgentId) -> Option<Instant> {
        self.unreachable
            .iter()
            .find(|(a, _)| a == agent)
            .map(|(_, t)| *t)
    }
    fn is_gone(&self, agent: &AgentId) -> bool {
        self.gone.iter().any(|(a, _)| a == agent)
    }
}

/// A call from a framework's scheduler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    Subscribe {
        info: FrameworkInfo,
        failover_timeout: Duration,
    },
    /// Accept the current offer of the agent on `host` with one task (rule G).
    Launch {
        framework: FrameworkId,
        task: TaskId,
        host: String,
    },
    Kill {
        framework: FrameworkId,
        task: TaskId,
        agent: Option<AgentId>,
    },
    /// Explicit reconciliation of the listed tasks, or implicit when empty (rule H).
    Reconcile {
        framework: FrameworkId,
        tasks: Vec<(TaskId, Option<AgentId>)>,
    },
    Acknowledge {
        framework: FrameworkId,
        task: TaskId,
        uuid: u64,
    },
    /// The scheduler's connection closed (it may come back within its failover timeout).
    Disconnect {
        framework: FrameworkId,
    },
    Teardown {
        framework: FrameworkId,
    },
}

/// An operator request on the master's HTTP API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OperatorRequest {
    /// `MARK_AGENT_GONE` (rule J).
    MarkAgentGone { agent: AgentId },
    /// Maintenance `machine/down` for the machine of `host` (rule L1).
    MachineDown { host: String },
}

/// What the master is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MasterInput {
    /// A message from the agent process on `from`.
    Message {
        from: String,
        message: Message,
    },
    /// The socket to the agent process on `host` closed (rule B).
    Exited {
        host: String,
    },
    Call(Call),
    Operator(OperatorRequest),
}

/// What the master does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MasterOutput {
    /// A message to the agent process on `to`.
    Send {
        to: String,
        message: Message,
    },
    /// An event for a connected framework's scheduler.
    Framework {
        framework: FrameworkId,
        event: FrameworkEvent,
    },
    /// An HTTP response to an operator request.
    OperatorResponse {
        status: u16,
        message: String,
    },
    Fact(Fact),
}

/// Why an agent is being marked unreachable; decides the message and the metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UnreachableCause {
    HealthCheck,
    Disconnected,
    Failover,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Timer {
    ObserverTick {
        agent: AgentId,
        generation: u64,
    },
    RegistryDone {
        op: u64,
    },
    Permit,
    ReregisterTimeout {
        agent: AgentId,
        generation: u64,
    },
    RecoveredAgentsTimeout,
    RegistryGc,
    FrameworkFailover {
        framework: FrameworkId,
        generation: u64,
    },
}

/// A registry write in flight; its effects apply when it completes (rule D4).
#[derive(Clone, Debug)]
enum RegistryOp {
    Admit {
        agent: AgentId,
    },
    MarkUnreachable {
        agent: AgentId,
        time: Instant,
        failover: bool,
        cause: String,
    },
    MarkReachable {
        agent: AgentId,
        tasks: Vec<TaskReport>,
        frameworks: Vec<FrameworkInfo>,
    },
    Remove {
        agent: AgentId,
        cause: String,
        metric: Option<&'static str>,
    },
    MarkGone {
        agent: AgentId,
        time: Instant,
    },
}

/// Who waits for a rate-limiter permit.
#[derive(Clone, Debug)]
struct PermitRequest {
    id: u64,
    agent: AgentId,
    cause: UnreachableCause,
    /// Discarded by a pong (rule A7): skipped without using a permit.
    discarded: bool,
}

/// libprocess's `RateLimiter`: FIFO permits spaced `duration / permits` apart, no burst.
#[derive(Clone, Debug)]
struct Limiter {
    spacing: Duration,
    /// The earliest instant the next permit may be issued.
    next_free: Instant,
    queue: VecDeque<PermitRequest>,
    timer_armed: bool,
}

/// Rule A: the master's health check of one agent.
#[derive(Clone, Debug)]
struct Observer {
    pinged: bool,
    misses: u32,
    /// A transition scheduled and waiting for its permit (rule A7).
    pending: Option<u64>,
    generation: u64,
}

#[derive(Clone, Debug)]
struct Task {
    /// The latest state the master knows.
    state: TaskState,
    /// The state of the last update forwarded to the scheduler (rule H1).
    status_update_state: Option<TaskState>,
    status_update_uuid: Option<u64>,
}

impl Task {
    fn latest_state(&self) -> TaskState {
        self.status_update_state.unwrap_or(self.state)
    }
}

#[derive(Clone, Debug)]
struct RegisteredAgent {
    id: AgentId,
    connected: bool,
    active: bool,
    observer: Observer,
    tasks: BTreeMap<(FrameworkId, TaskId), Task>,
    /// Kills that could not be sent while the agent was disconnected (rule E6).
    killed: BTreeSet<(FrameworkId, TaskId)>,
    reregister_timer: u64,
}

#[derive(Clone, Debug)]
struct UnreachableTask {
    task: TaskId,
    agent: AgentId,
    state: TaskState,
}

#[derive(Clone, Debug)]
struct Framework {
    info: FrameworkInfo,
    failover_timeout: Duration,
    connected: bool,
    generation: u64,
    /// Active tasks: task -> agent.
    tasks: BTreeMap<TaskId, AgentId>,
    /// Rule D8: a bounded cache, oldest first.
    unreachable_tasks: VecDeque<UnreachableTask>,
    completed_tasks: VecDeque<(TaskId, TaskState)>,
}

impl Framework {
    fn remember_unreachable(&mut self, entry: UnreachableTask, limit: usize) {
        self.unreachable_tasks.retain(|t| t.task != entry.task);
        self.unreachable_tasks.push_back(entry);
        while self.unreachable_tasks.len() > limit {
            self.unreachable_tasks.pop_front();
        }
    }
    fn remember_completed(&mut self, task: TaskId, state: TaskState, limit: usize) {
        self.completed_tasks.retain(|(t, _)| *t != task);
        self.completed_tasks.push_back((task, state));
        while self.completed_tasks.len() > limit {
            self.completed_tasks.pop_front();
        }
    }
}

/// The status of an agent ID as the master sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentStatus {
    Registered,
    Disconnected,
    Unreachable,
    Gone,
    /// Removed from the registry (`removeSlave`, or health check before 1.1).
    Removed,
    /// Recovered from the registry after a failover and not yet reregistered.
    Recovered,
    Unknown,
}

impl AgentStatus {
    pub const ALL: &'static [AgentStatus] = &[
        AgentStatus::Registered,
        AgentStatus::Disconnected,
        AgentStatus::Unreachable,
        AgentStatus::Gone,
        AgentStatus::Removed,
        AgentStatus::Unknown,
        AgentStatus::Recovered,
    ];

    /// The status as specs spell it.
    pub const fn name(self) -> &'static str {
        match self {
            AgentStatus::Registered => "registered",
            AgentStatus::Disconnected => "disconnected",
            AgentStatus::Unreachable => "unreachable",
            AgentStatus::Gone => "gone",
            AgentStatus::Removed => "removed",
            AgentStatus::Recovered => "recovered",
            AgentStatus::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for AgentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where the master files a task, for `Then the master reports task ...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskView {
    Active(TaskState),
    Unreachable(TaskState),
    Completed(TaskState),
}

impl TaskView {
    pub fn state(self) -> TaskState {
        match self {
            TaskView::Active(s) | TaskView::Unreachable(s) | TaskView::Completed(s) => s,
        }
    }
}

/// The Mesos master.
#[derive(Clone, Debug)]
pub struct Master {
    version: Version,
    flags: MasterFlags,
    now: Instant,
    timers: Timers<Timer>,
    outputs: VecDeque<MasterOutput>,
    registry: Registry,
    agents: BTreeMap<AgentId, RegisteredAgent>,
    /// Rule K1: admitted agents recovered from the registry, not yet reregistered.
    recovered: BTreeSet<AgentId>,
    recovered_total: usize,
    /// `slaves.removed`: IDs of agents that left (unreachable or removed), bounded.
    removed: BTreeSet<AgentId>,
    /// Agents taken out of the registry by `removeSlave` (or, before 1.1, by a failed
    /// health check): what `AgentStatus::Removed` reports.
    removed_from_registry: BTreeSet<AgentId>,
    /// The highest agent incarnation seen on each host (agent IDs are never reused).
    incarnations: BTreeMap<String, u32>,
    removed_order: VecDeque<AgentId>,
    marking_unreachable: BTreeSet<AgentId>,
    marking_gone: BTreeSet<AgentId>,
    removing: BTreeSet<AgentId>,
    reregistering: BTreeSet<AgentId>,
    down_machines: BTreeSet<String>,
    frameworks: BTreeMap<FrameworkId, Framework>,
    completed_frameworks: VecDeque<FrameworkId>,
    /// Rule D5: `unreachableTasks[agent][framework]`.
    unreachable_tasks: BTreeMap<AgentId, BTreeMap<FrameworkId, BTreeSet<TaskId>>>,
    limiter: Option<Limiter>,
    registry_ops: BTreeMap<u64, RegistryOp>,
    registry_latency: Duration,
    metrics: Metrics,
    next_id: u64,
}

impl Master {
    /// A master elected at `now`. With `recovered_from`, it recovers that registry
    /// (rule K1); otherwise it starts empty.
    pub fn new(
        version: Version,
        flags: MasterFlags,
        now: Instant,
        recovered_from: Option<Registry>,
        registry_latency: Duration,
    ) -> Master {
        let limiter = flags.agent_removal_rate_limit.map(|limit| Limiter {
            spacing: limit.spacing(),
            next_free: now,
            queue: VecDeque::new(),
            timer_armed: false,
        });
        let mut master = Master {
            version,
            flags,
            now,
            timers: Timers::default(),
            outputs: VecDeque::new(),
            registry: Registry::default(),
            agents: BTreeMap::new(),
            recovered: BTreeSet::new(),
            recovered_total: 0,
            removed: BTreeSet::new(),
            removed_from_registry: BTreeSet::new(),
            incarnations: BTreeMap::new(),
            removed_order: VecDeque::new(),
            marking_unreachable: BTreeSet::new(),
            marking_gone: BTreeSet::new(),
            removing: BTreeSet::new(),
            reregistering: BTreeSet::new(),
            down_machines: BTreeSet::new(),
            frameworks: BTreeMap::new(),
            completed_frameworks: VecDeque::new(),
            unreachable_tasks: BTreeMap::new(),
            limiter,
            registry_ops: BTreeMap::new(),
            registry_latency,
            metrics: Metrics::default(),
            next_id: 0,
        };
        if let Some(registry) = recovered_from {
            // Rule K1: admitted agents become the recovered set; the unreachable and
            // gone lists keep their original timestamps.
            master.recovered = registry.admitted.iter().cloned().collect();
            master.recovered_total = master.recovered.len();
            for id in registry
                .admitted
                .iter()
                .chain(registry.unreachable.iter().map(|(a, _)| a))
                .chain(registry.gone.iter().map(|(a, _)| a))
            {
                let seen = master.incarnations.entry(id.host.clone()).or_default();
                *seen = (*seen).max(id.incarnation);
            }
            master.registry = registry;
        }
        master.push_fact(Fact::MasterElected {
            recovered_agents: master.recovered_total,
        });
        // Rule K1: the reregister timer starts at election; rule I1: so does GC.
        if !master.recovered.is_empty() {
            let at = now + master.flags.agent_reregister_timeout;
            master.timers.schedule(at, Timer::RecoveredAgentsTimeout);
        }
        let gc = now + master.flags.registry_gc_interval;
        master.timers.schedule(gc, Timer::RegistryGc);
        master
    }

    pub fn version(&self) -> Version {
        self.version
    }

    /// How long registry writes take from now on.
    pub fn set_registry_latency(&mut self, latency: Duration) {
        self.registry_latency = latency;
    }

    pub fn flags(&self) -> &MasterFlags {
        &self.flags
    }

    /// What a successor recovers on failover (rule K1): the registry when it is the
    /// replicated log, nothing when it is in memory.
    pub fn durable_registry(&self) -> Option<Registry> {
        match self.flags.registry {
            RegistryKind::ReplicatedLog => Some(self.registry.clone()),
            RegistryKind::InMemory => None,
        }
    }

    pub fn poll_output(&mut self) -> Option<MasterOutput> {
        self.outputs.pop_front()
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.next()
    }

    pub fn handle(&mut self, now: Instant, input: MasterInput) {
        self.now = now;
        match input {
            MasterInput::Message { from, message } => self.receive(from, message),
            MasterInput::Exited { host } => self.exited(&host),
            MasterInput::Call(call) => self.call(call),
            MasterInput::Operator(request) => self.operator(request),
        }
    }

    /// Fires every timer due at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        while let Some(timer) = self.timers.pop_due(now) {
            match timer {
                Timer::ObserverTick { agent, generation } => self.observer_tick(&agent, generation),
                Timer::RegistryDone { op } => {
                    if let Some(op) = self.registry_ops.remove(&op) {
                        self.registry_done(op);
                    }
                }
                Timer::Permit => self.limiter_fire(),
                Timer::ReregisterTimeout { agent, generation } => {
                    self.reregister_timeout(&agent, generation)
                }
                Timer::RecoveredAgentsTimeout => self.recovered_agents_timeout(),
                Timer::RegistryGc => self.registry_gc(),
                Timer::FrameworkFailover {
                    framework,
                    generation,
                } => {
                    let expired = self
                        .frameworks
                        .get(&framework)
                        .is_some_and(|f| !f.connected && f.generation == generation);
                    if expired {
                        self.remove_framework(&framework);
                    }
                }
            }
        }
    }

    // ----- Observation ---------------------------------------------------------

    pub fn metrics(&self) -> BTreeMap<String, i64> {
        let mut all = self.metrics.snapshot();
        let mut gauge = |name: &str, value: usize| {
            all.insert(format!("master/{name}"), value as i64);
        };
        let registered = self.agents.len();
        let connected = self.agents.values().filter(|a| a.connected).count();
        let active = self.agents.values().filter(|a| a.active).count();
        gauge("slaves_connected", connected);
        gauge("slaves_disconnected", registered - connected);
        gauge("slaves_active", active);
        gauge("slaves_inactive", registered - active);
        gauge("slaves_unreachable", self.registry.unreachable.len());
        let mut count = BTreeMap::<TaskState, usize>::new();
        for agent in self.agents.values() {
            for task in agent.tasks.values() {
                *count.entry(task.state).or_default() += 1;
            }
        }
        for state in [
            TaskState::Staging,
            TaskState::Starting,
            TaskState::Running,
            TaskState::Killing,
        ] {
            gauge(
                &format!("tasks_{}", state_metric_name(state)),
                count.get(&state).copied().unwrap_or(0),
            );
        }
        // Rule D8: counts only entries in state TASK_UNREACHABLE.
        let unreachable = self
            .frameworks
            .values()
            .flat_map(|f| &f.unreachable_tasks)
            .filter(|t| t.state == TaskState::Unreachable)
            .count();
        gauge("tasks_unreachable", unreachable);
        gauge(
            "frameworks_connected",
            self.frameworks.values().filter(|f| f.connected).count(),
        );
        gauge(
            "frameworks_disconnected",
            self.frameworks.values().filter(|f| !f.connected).count(),
        );
        all
    }

    /// The latest status of the agent ID, from the master's point of view.
    pub fn agent_status(&self, agent: &AgentId) -> AgentStatus {
        if let Some(a) = self.agents.get(agent) {
            if a.connected {
                AgentStatus::Registered
            } else {
                AgentStatus::Disconnected
            }
        } else if self.registry.is_gone(agent) {
            AgentStatus::Gone
        } else if self.registry.unreachable_time(agent).is_some() {
            AgentStatus::Unreachable
        } else if self.recovered.contains(agent) {
            AgentStatus::Recovered
        } else if self.removed_from_registry.contains(agent) {
            AgentStatus::Removed
        } else {
            AgentStatus::Unknown
        }
    }

    /// When the agent was marked unreachable, if it is in the unreachable list.
    pub fn unreachable_since(&self, agent: &AgentId) -> Option<Instant> {
        self.registry.unreachable_time(agent)
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Where and in which state the master files a task of a framework.
    pub fn task_view(&self, framework: &str, task: &str) -> Option<TaskView> {
        let f = self.frameworks.get(framework)?;
        if let Some(agent) = f.tasks.get(task) {
            let t = self
                .agents
                .get(agent)?
                .tasks
                .get(&(framework.to_string(), task.to_string()))?;
            return Some(TaskView::Active(t.state));
        }
        if let Some(u) = f.unreachable_tasks.iter().find(|u| u.task == task) {
            return Some(TaskView::Unreachable(u.state));
        }
        f.completed_tasks
            .iter()
            .find(|(t, _)| t == task)
            .map(|(_, s)| TaskView::Completed(*s))
    }

    /// When the observer of a registered agent sends its next ping (rule A2).
    pub fn next_ping_at(&self, agent: &AgentId) -> Option<Instant> {
        let generation = self.agents.get(agent)?.observer.generation;
        self.timers.iter().find_map(|(at, timer)| match timer {
            Timer::ObserverTick {
                agent: a,
                generation: g,
            } if a == agent && *g == generation => Some(at),
            _ => None,
        })
    }

    // ----- Heartbeat fast-forward (used by the simulator) ---------------------

    /// The observers of every registered agent, in the order their next ticks fire,
    /// if all of them are quiet: connected, last ping answered, no miss, nothing
    /// scheduled. `None` when any is not (then time must be stepped event by event).
    pub(crate) fn quiet_observers(&self) -> Option<Vec<(AgentId, Instant)>> {
        if !self.registry_ops.is_empty() || !self.outputs.is_empty() {
            return None;
        }
        let mut ticks = Vec::with_capacity(self.agents.len());
        for (at, timer) in self.timers.iter() {
            if let Timer::ObserverTick { agent, generation } = timer
                && let Some(a) = self.agents.get(agent)
                && a.observer.generation == *generation
            {
                ticks.push((agent.clone(), at));
            }
        }
        let quiet = ticks.len() == self.agents.len()
            && self.agents.values().all(|a| {
                a.connected
                    && !a.observer.pinged
                    && a.observer.misses == 0
                    && a.observer.pending.is_none()
            });
        quiet.then_some(ticks)
    }

    /// When the first timer is a current observer tick: its instant. `None` when
    /// something else comes first (then no heartbeat can be skipped).
    pub(crate) fn first_timer_is_tick(&self) -> Option<Instant> {
        match self.timers.iter().next()? {
            (at, Timer::ObserverTick { agent, generation })
                if self
                    .agents
                    .get(agent)
                    .is_some_and(|a| a.observer.generation == *generation) =>
            {
                Some(at)
            }
            _ => None,
        }
    }

    /// The earliest timer that is not a current observer tick, nor registry GC: GC
    /// only touches the unreachable and gone lists, never a registered agent, so
    /// heartbeats may be applied across it.
    pub(crate) fn next_other_timer(&self) -> Option<Instant> {
        self.timers.iter().find_map(|(at, timer)| match timer {
            Timer::RegistryGc => None,
            Timer::ObserverTick { agent, generation }
                if self
                    .agents
                    .get(agent)
                    .is_some_and(|a| a.observer.generation == *generation) =>
            {
                None
            }
            _ => Some(at),
        })
    }

    /// Moves observers' next ticks to the given instants, as if every ping before
    /// them had been answered at once (rules A2, A3: nothing else changes). Ticks
    /// are re-armed in the order given, which keeps their order at equal instants.
    pub(crate) fn skip_ticks(&mut self, moves: &[(AgentId, Instant)]) {
        let moved: BTreeMap<&AgentId, u64> = moves
            .iter()
            .filter_map(|(agent, _)| {
                self.agents
                    .get(agent)
                    .map(|a| (agent, a.observer.generation))
            })
            .collect();
        self.timers.retain(|t| {
            !matches!(t, Timer::ObserverTick { agent, generation } if moved.get(agent) == Some(generation))
        });
        for (agent, at) in moves {
            if let Some(&generation) = moved.get(agent) {
                self.timers.schedule(
                    *at,
                    Timer::ObserverTick {
                        agent: agent.clone(),
                        generation,
                    },
                );
            }
        }
    }

    /// The registered agent ID on `host`, if any.
    pub fn registered_on(&self, host: &str) -> Option<&AgentId> {
        // IDs order by host first: the agents of one host are one range.
        let from = AgentId {
            host: host.to_string(),
            incarnation: 0,
        };
        self.agents
            .range(from..)
            .map(|(id, _)| id)
            .take_while(|id| id.host == host)
            .next()
    }

    pub fn framework_connected(&self, framework: &str) -> bool {
        self.frameworks.get(framework).is_some_and(|f| f.connected)
    }

    // ----- Plumbing ------------------------------------------------------------

    fn push_fact(&mut self, fact: Fact) {
        self.outputs.push_back(MasterOutput::Fact(fact));
    }

    fn send(&mut self, to: &str, message: Message) {
        self.outputs.push_back(MasterOutput::Send {
            to: to.to_string(),
            message,
        });
    }

    /// Sends `ShutdownMessage` with `message` to the agent process on `to`.
    fn shutdown(&mut self, to: &str, message: &str) {
        self.send(
            to,
            Message::Shutdown {
                message: message.to_string(),
            },
        );
    }

    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Starts a registry write; its effects apply when it completes (rule D4).
    fn write_registry(&mut self, op: RegistryOp) {
        let (operation, agent) = match &op {
            RegistryOp::Admit { agent } => ("AdmitSlave", agent),
            RegistryOp::MarkUnreachable { agent, .. } => ("MarkSlaveUnreachable", agent),
            RegistryOp::MarkReachable { agent, .. } => ("MarkSlaveReachable", agent),
            RegistryOp::Remove { agent, .. } => ("RemoveSlave", agent),
            RegistryOp::MarkGone { agent, .. } => ("MarkSlaveGone", agent),
        };
        let agent = agent.clone();
        self.push_fact(Fact::RegistryWriteStarted { operation, agent });
        let id = self.next_id();
        self.registry_ops.insert(id, op);
        self.timers.schedule(
            self.now + self.registry_latency,
            Timer::RegistryDone { op: id },
        );
    }

    /// Forwards an update to the framework if it is connected (rule D5: otherwise
    /// a master-generated update is dropped for good).
    fn notify(&mut self, framework: &str, update: StatusUpdate) {
        if self.framework_connected(framework) {
            self.outputs.push_back(MasterOutput::Framework {
                framework: framework.to_string(),
                event: FrameworkEvent::Update(update),
            });
        }
    }

    fn master_update(
        &self,
        task: &str,
        state: TaskState,
        reason: Reason,
        agent: Option<&AgentId>,
        unreachable_time: Option<Instant>,
        message: String,
    ) -> StatusUpdate {
        StatusUpdate {
            task: task.to_string(),
            state,
            reason: Some(reason),
            source: Some(Source::Master),
            agent: agent.cloned(),
            unreachable_time,
            message: Some(message),
            uuid: None,
        }
    }

    /// Rule D5.6 / L1: every connected framework is told the agent is lost.
    fn send_agent_lost(&mut self, agent: &AgentId) {
        let connected: Vec<FrameworkId> = self
            .frameworks
            .iter()
            .filter(|(_, f)| f.connected)
            .map(|(id, _)| id.clone())
            .collect();
        for framework in connected {
            self.outputs.push_back(MasterOutput::Framework {
                framework,
                event: FrameworkEvent::AgentLost {
                    agent: agent.clone(),
                },
            });
        }
    }

    fn count_transition(&mut self, state: TaskState) {
        if state.is_terminal() {
            self.metrics
                .increment(&format!("master/tasks_{}", state_metric_name(state)));
        }
    }

    fn remember_removed(&mut self, agent: &AgentId) {
        if self.removed.insert(agent.clone()) {
            self.removed_order.push_back(agent.clone());
            if self.removed_order.len() > MAX_REMOVED_AGENTS
                && let Some(old) = self.removed_order.pop_front()
            {
                self.removed.remove(&old);
            }
        }
    }

    fn forget_removed(&mut self, agent: &AgentId) {
        if self.removed.remove(agent) {
            self.removed_order.retain(|a| a != agent);
        }
    }

    // ----- Agents: registration ------------------------------------------------

    fn receive(&mut self, from: String, message: Message) {
        match message {
            Message::RegisterAgent { host } => self.register_agent(host),
            Message::ReregisterAgent {
                agent,
                tasks,
                frameworks,
            } => self.reregister_agent(&from, agent, tasks, frameworks),
            Message::Pong { agent } => self.pong(&agent),
            Message::StatusUpdate(update) => self.status_update(&from, update),
            Message::ExitedExecutor { framework, task } => {
                self.exited_executor(&from, framework, task)
            }
            Message::UnregisterAgent { agent } if self.agents.contains_key(&agent) => {
                self.remove_agent(
                    &agent,
                    "the agent unregistered".to_string(),
                    Some("master/slave_removals/reason_unregistered"),
                );
            }
            // Messages for agents are never sent to the master.
            _ => {}
        }
    }

    fn register_agent(&mut self, host: String) {
        // A retried registration while the admission is being written is dropped
        // ("registration is already in progress").
        if self.reregistering.iter().any(|a| a.host == host) {
            return;
        }
        // Rule L1: a new agent registering at the address of a registered one.
        if let Some(existing) = self.registered_on(&host).cloned() {
            let connected = self.agents[&existing].connected;
            if connected {
                // A retried registration: acknowledge again.
                let ping_timeout = self.flags.total_ping_timeout();
                self.send(
                    &host,
                    Message::AgentRegistered {
                        agent: existing,
                        ping_timeout,
                    },
                );
                return;
            }
            self.remove_agent(
                &existing,
                "a new agent registered at the same address".to_string(),
                Some("master/slave_removals/reason_registered"),
            );
        }
        if self.down_machines.contains(&host) {
            self.shutdown(&host, "Machine is `DOWN`");
            return;
        }
        // The agent chose its ID (its host and incarnation); the master admits it.
        let incarnation = self.next_incarnation(&host);
        let agent = AgentId { host, incarnation };
        self.reregistering.insert(agent.clone());
        self.write_registry(RegistryOp::Admit { agent });
    }

    fn next_incarnation(&mut self, host: &str) -> u32 {
        let next = self.incarnations.get(host).copied().unwrap_or(0) + 1;
        self.incarnations.insert(host.to_string(), next);
        next
    }

    /// Rule A1/A2: a new observer pings at once and then every `agent_ping_timeout`.
    fn add_agent(&mut self, agent: AgentId, tasks: BTreeMap<(FrameworkId, TaskId), Task>) {
        let generation = self.next_id();
        for (framework, task) in tasks.keys() {
            if let Some(f) = self.frameworks.get_mut(framework) {
                f.tasks.insert(task.clone(), agent.clone());
            }
        }
        self.agents.insert(
            agent.clone(),
            RegisteredAgent {
                id: agent.clone(),
                connected: true,
                active: true,
                observer: Observer {
                    pinged: false,
                    misses: 0,
                    pending: None,
                    generation,
                },
                tasks,
                killed: BTreeSet::new(),
                reregister_timer: 0,
            },
        );
        self.ping(&agent);
    }

    fn ping(&mut self, agent: &AgentId) {
        let Some(a) = self.agents.get_mut(agent) else {
            return;
        };
        a.observer.pinged = true;
        let generation = a.observer.generation;
        let connected = a.connected;
        self.send(
            &agent.host,
            Message::Ping {
                agent: agent.clone(),
                connected,
            },
        );
        let at = self.now + self.flags.agent_ping_timeout;
        self.timers.schedule(
            at,
            Timer::ObserverTick {
                agent: agent.clone(),
                generation,
            },
        );
    }

    /// Rules A3/A4: count a miss when no pong came since the last ping; schedule
    /// the transition at N misses; ping again either way.
    fn observer_tick(&mut self, agent: &AgentId, generation: u64) {
        let n = self.flags.max_agent_ping_timeouts;
        let Some(a) = self.agents.get_mut(agent) else {
            return;
        };
        if a.observer.generation != generation {
            return;
        }
        let mut schedule = false;
        let mut missed = None;
        if a.observer.pinged {
            a.observer.misses += 1;
            missed = Some(a.observer.misses);
            // Rule A8: while a transition waits for its permit, further ticks do nothing.
            if a.observer.misses >= n && a.observer.pending.is_none() {
                schedule = true;
            }
        }
        if let Some(misses) = missed {
            self.push_fact(Fact::PingMissed {
                agent: agent.clone(),
                misses,
                limit: n,
            });
        }
        if schedule {
            self.schedule_unreachable(agent.clone(), UnreachableCause::HealthCheck);
        }
        self.ping(agent);
    }

    /// Rule A3: any pong clears the flag and the counter, and discards a transition
    /// that still waits for its permit (rule A7).
    fn pong(&mut self, agent: &AgentId) {
        let Some(a) = self.agents.get_mut(agent) else {
            return;
        };
        a.observer.pinged = false;
        a.observer.misses = 0;
        if let Some(request) = a.observer.pending.take() {
            if let Some(limiter) = &mut self.limiter {
                for r in limiter.queue.iter_mut().filter(|r| r.id == request) {
                    r.discarded = true;
                }
            }
            self.metrics.increment(self.transition_metric("canceled"));
            self.push_fact(Fact::UnreachableCanceled {
                agent: agent.clone(),
            });
        }
    }

    /// The metric family of rule A7; before 1.1 the same logic counted shutdowns.
    fn transition_metric(&self, which: &str) -> &'static str {
        match (self.version.has_unreachable(), which) {
            (true, "scheduled") => "master/slave_unreachable_scheduled",
            (true, "completed") => "master/slave_unreachable_completed",
            (true, _) => "master/slave_unreachable_canceled",
            (false, "scheduled") => "master/slave_shutdowns_scheduled",
            (false, "completed") => "master/slave_shutdowns_completed",
            (false, _) => "master/slave_shutdowns_canceled",
        }
    }

    /// Rule A7: count the scheduling, then wait for a permit when rate limited.
    fn schedule_unreachable(&mut self, agent: AgentId, cause: UnreachableCause) {
        self.metrics.increment(self.transition_metric("scheduled"));
        self.push_fact(Fact::UnreachableScheduled {
            agent: agent.clone(),
            cause: cause_text(cause, &self.flags).to_string(),
        });
        let id = self.next_id();
        if cause == UnreachableCause::HealthCheck
            && let Some(a) = self.agents.get_mut(&agent)
        {
            a.observer.pending = Some(id);
        }
        let request = PermitRequest {
            id,
            agent,
            cause,
            discarded: false,
        };
        let now = self.now;
        match &mut self.limiter {
            None => self.permit_granted(request),
            Some(limiter) => {
                if limiter.queue.is_empty() && limiter.next_free <= now {
                    limiter.next_free = now + limiter.spacing;
                    self.permit_granted(request);
                } else {
                    limiter.queue.push_back(request);
                    if !limiter.timer_armed {
                        limiter.timer_armed = true;
                        let at = limiter.next_free.max(now);
                        self.timers.schedule(at, Timer::Permit);
                    }
                }
            }
        }
    }

    /// libprocess `RateLimiter::_acquire`: skip discarded requests, grant the first
    /// live one, and re-arm while requests remain.
    fn limiter_fire(&mut self) {
        let now = self.now;
        let Some(limiter) = &mut self.limiter else {
            return;
        };
        limiter.timer_armed = false;
        let mut granted = None;
        while let Some(request) = limiter.queue.pop_front() {
            if !request.discarded {
                limiter.next_free = now + limiter.spacing;
                granted = Some(request);
                break;
            }
        }
        if !limiter.queue.is_empty() {
            limiter.timer_armed = true;
            let at = limiter.next_free;
            self.timers.schedule(at, Timer::Permit);
        }
        if let Some(request) = granted {
            self.permit_granted(request);
        }
    }

    fn permit_granted(&mut self, request: PermitRequest) {
        let agent = request.agent;
        match request.cause {
            UnreachableCause::HealthCheck => {
                // Rule A7: the observer dispatches once its permit arrives.
                if let Some(a) = self.agents.get_mut(&agent) {
                    if a.observer.pending != Some(request.id) {
                        return;
                    }
                    a.observer.pending = None;
                }
                self.metrics.increment(self.transition_metric("completed"));
                if self.version.has_unreachable() {
                    self.mark_unreachable(agent, false, UnreachableCause::HealthCheck);
                } else {
                    // Rule E7 (<= 1.0): `Master::shutdownSlave`.
                    self.shutdown_agent(&agent, "health check timed out");
                }
            }
            UnreachableCause::Disconnected => {
                // Rule B3: a late permit for a reconnected agent counts as canceled.
                let still_disconnected = self.agents.get(&agent).is_some_and(|a| !a.connected);
                if still_disconnected {
                    self.metrics.increment("master/slave_unreachable_completed");
                    self.mark_unreachable(agent, false, UnreachableCause::Disconnected);
                } else {
                    self.metrics.increment("master/slave_unreachable_canceled");
                    self.push_fact(Fact::UnreachableCanceled { agent });
                }
            }
            UnreachableCause::Failover => {
                // Rule K3: skipped and counted as canceled if the agent came back;
                // the permit is used up either way (MESOS-8386).
                if self.recovered.contains(&agent) && !self.reregistering.contains(&agent) {
                    self.metrics.increment("master/slave_unreachable_completed");
                    self.mark_unreachable(agent, true, UnreachableCause::Failover);
                } else {
                    self.metrics.increment("master/slave_unreachable_canceled");
                    self.push_fact(Fact::UnreachableCanceled { agent });
                }
            }
        }
    }

    /// Rule D2: `Master::markUnreachable`, silently skipped in the listed cases.
    fn mark_unreachable(&mut self, agent: AgentId, failover: bool, cause: UnreachableCause) {
        let known = if failover {
            self.recovered.contains(&agent)
        } else {
            self.agents.contains_key(&agent)
        };
        if !known
            || self.reregistering.contains(&agent)
            || self.marking_unreachable.contains(&agent)
            || self.removing.contains(&agent)
            || (!failover && self.removed.contains(&agent))
            || self.marking_gone.contains(&agent)
            || self.registry.is_gone(&agent)
        {
            return;
        }
        self.marking_unreachable.insert(agent.clone());
        // Rule D3: the master's clock when the transition starts.
        let time = self.now;
        let cause = cause_text(cause, &self.flags).to_string();
        self.write_registry(RegistryOp::MarkUnreachable {
            agent,
            time,
            failover,
            cause,
        });
    }

    // ----- Registry completions ------------------------------------------------

    fn registry_done(&mut self, op: RegistryOp) {
        match op {
            RegistryOp::Admit { agent } => {
                self.reregistering.remove(&agent);
                self.registry.admitted.push(agent.clone());
                self.metrics.increment("master/slave_registrations");
                self.push_fact(Fact::AgentAdmitted {
                    agent: agent.clone(),
                });
                // `Master::_registerSlave`: addSlave (the observer pings), then ack.
                self.add_agent(agent.clone(), BTreeMap::new());
                let ping_timeout = self.flags.total_ping_timeout();
                self.send(
                    &agent.host.clone(),
                    Message::AgentRegistered {
                        agent,
                        ping_timeout,
                    },
                );
            }
            RegistryOp::MarkUnreachable {
                agent,
                time,
                failover,
                cause,
            } => self.mark_unreachable_done(agent, time, failover, cause),
            RegistryOp::MarkReachable {
                agent,
                tasks,
                frameworks,
            } => self.readmit(agent, tasks, frameworks),
            RegistryOp::Remove {
                agent,
                cause,
                metric,
            } => {
                self.removing.remove(&agent);
                self.registry.admitted.retain(|a| *a != agent);
                self.removed_from_registry.insert(agent.clone());
                self.metrics.increment("master/slave_removals");
                if let Some(metric) = metric {
                    self.metrics.increment(metric);
                }
                self.push_fact(Fact::AgentRemoved {
                    agent: agent.clone(),
                    cause: cause.clone(),
                });
                let message = format!("Agent {} removed: {cause}", agent.host);
                self.remove_agent_tasks(&agent, None, Reason::AgentRemoved, &message, true);
                self.forget_agent(&agent);
                self.send_agent_lost(&agent);
            }
            RegistryOp::MarkGone { agent, time } => self.mark_gone_done(agent, time),
        }
    }

    /// Rule D5: effects after the registry moved the agent to the unreachable list.
    fn mark_unreachable_done(
        &mut self,
        agent: AgentId,
        time: Instant,
        failover: bool,
        cause: String,
    ) {
        self.marking_unreachable.remove(&agent);
        self.registry.admitted.retain(|a| *a != agent);
        self.registry.unreachable.retain(|(a, _)| *a != agent);
        self.registry.unreachable.push((agent.clone(), time));
        self.metrics.increment("master/slave_removals");
        self.metrics
            .increment("master/slave_removals/reason_unhealthy");
        self.push_fact(Fact::AgentMarkedUnreachable {
            agent: agent.clone(),
            cause: cause.clone(),
        });
        if failover {
            // Rule K3: no task updates (the master knows no tasks), but "agent lost".
            self.recovered.remove(&agent);
            self.metrics.increment("master/recovery_slave_removals");
            self.send_agent_lost(&agent);
            return;
        }
        self.remove_agent_tasks(&agent, Some(time), Reason::AgentRemoved, &cause, false);
        self.forget_agent(&agent);
        self.send_agent_lost(&agent);
    }

    /// Rule D5.4 / L1 / J2: every task on a registered agent gets an update and is
    /// filed as unreachable or completed.
    fn remove_agent_tasks(
        &mut self,
        agent: &AgentId,
        unreachable_time: Option<Instant>,
        reason: Reason,
        message: &str,
        lost_for_everyone: bool,
    ) {
        let Some(entry) = self.agents.get_mut(agent) else {
            return;
        };
        let tasks = std::mem::take(&mut entry.tasks);
        let limit_unreachable = self.flags.max_unreachable_tasks_per_framework;
        let limit_completed = self.flags.max_completed_tasks_per_framework;
        let legacy = !self.version.has_unreachable();
        for ((framework_id, task_id), task) in tasks {
            let Some(framework) = self.frameworks.get(&framework_id) else {
                continue;
            };
            let aware = framework.info.partition_aware;
            let state = if lost_for_everyone || !aware || legacy {
                TaskState::Lost
            } else if unreachable_time.is_some() {
                TaskState::Unreachable
            } else {
                TaskState::GoneByOperator
            };
            let reason = if state == TaskState::GoneByOperator {
                Reason::AgentRemovedByOperator
            } else {
                reason
            };
            let update = self.master_update(
                &task_id,
                state,
                reason,
                Some(agent),
                unreachable_time,
                message.to_string(),
            );
            // Rule D5: a terminal-but-unacknowledged task keeps its terminal state.
            let kept_state = if task.state.is_terminal() {
                task.state
            } else {
                state
            };
            if !task.state.is_terminal() {
                self.count_transition(state);
            }
            let framework = self
                .frameworks
                .get_mut(&framework_id)
                .expect("checked above");
            framework.tasks.remove(&task_id);
            // Rule D5 (and N6 for gone agents): unreachable agents file every task as
            // unreachable; `removeSlave` completes them; mark-gone completes only
            // partition-aware tasks. 1.1 to 1.4 completed non-aware tasks as LOST.
            let keep_unreachable = if lost_for_everyone || legacy {
                false
            } else if unreachable_time.is_some() {
                aware || !self.version.kills_non_aware_tasks_on_return()
            } else {
                !aware
            };
            if keep_unreachable {
                framework.remember_unreachable(
                    UnreachableTask {
                        task: task_id.clone(),
                        agent: agent.clone(),
                        state: kept_state,
                    },
                    limit_unreachable,
                );
                self.unreachable_tasks
                    .entry(agent.clone())
                    .or_default()
                    .entry(framework_id.clone())
                    .or_default()
                    .insert(task_id);
            } else {
                framework.remember_completed(task_id, kept_state, limit_completed);
            }
            self.notify(&framework_id, update);
        }
    }

    /// Rule D5.5: all other knowledge of the agent goes; its observer stops.
    fn forget_agent(&mut self, agent: &AgentId) {
        self.agents.remove(agent);
        self.remember_removed(agent);
    }

    // ----- Rule E: reregistration ----------------------------------------------

    fn reregister_agent(
        &mut self,
        from: &str,
        agent: AgentId,
        tasks: Vec<TaskReport>,
        frameworks: Vec<FrameworkInfo>,
    ) {
        // Rule E1.3 (and D4): ignored while another transition is in flight.
        let why = if self.reregistering.contains(&agent) {
            Some("a reregistration is already in progress")
        } else if self.marking_unreachable.contains(&agent) {
            Some("it is being marked unreachable")
        } else if self.marking_gone.contains(&agent) {
            Some("it is being marked gone")
        } else if self.removing.contains(&agent) {
            Some("it is being removed")
        } else {
            None
        };
        if let Some(why) = why {
            self.push_fact(Fact::ReregistrationIgnored {
                agent: agent.clone(),
                why,
            });
            return;
        }
        // Rule E1.4 / J5.
        if self.registry.is_gone(&agent) {
            self.shutdown(from, "Agent has been marked gone");
            return;
        }
        // Rule E1.5.
        if self.down_machines.contains(&agent.host) {
            self.shutdown(from, "Machine is `DOWN`");
            return;
        }
        // Rule E2(a): still registered.
        if self.agents.contains_key(&agent) {
            self.reconcile_known_agent(agent, tasks);
            return;
        }
        // Rule E7 (<= 1.0): a removed agent is shut down.
        if !self.version.has_unreachable() && self.removed.contains(&agent) {
            self.shutdown(from, "Agent attempted to re-register after removal");
            return;
        }
        // Rule E2(b): recovered after failover.
        if self.recovered.contains(&agent) {
            self.recovered.remove(&agent);
            self.push_fact(Fact::AgentReadmitted {
                agent: agent.clone(),
                was: "recovered",
            });
            self.metrics.increment("master/slave_reregistrations");
            let tasks = self.adopt_tasks(&tasks, &frameworks);
            self.add_agent(agent.clone(), tasks);
            self.finish_reregistration(&agent, &frameworks);
            return;
        }
        // Rule E2(c): unreachable, unknown or removed: always allowed back since 1.1.
        self.reregistering.insert(agent.clone());
        self.write_registry(RegistryOp::MarkReachable {
            agent,
            tasks,
            frameworks,
        });
    }

    /// Builds the master's task table from what a reregistering agent reports,
    /// creating "recovered" framework entries for frameworks it does not know (K5).
    fn adopt_tasks(
        &mut self,
        tasks: &[TaskReport],
        frameworks: &[FrameworkInfo],
    ) -> BTreeMap<(FrameworkId, TaskId), Task> {
        for info in frameworks {
            if !self.frameworks.contains_key(&info.id)
                && !self.completed_frameworks.contains(&info.id)
            {
                self.frameworks.insert(
                    info.id.clone(),
                    Framework {
                        info: info.clone(),
                        failover_timeout: Duration::ZERO,
                        connected: false,
                        generation: 0,
                        tasks: BTreeMap::new(),
                        unreachable_tasks: VecDeque::new(),
                        completed_tasks: VecDeque::new(),
                    },
                );
            }
        }
        tasks
            .iter()
            .filter(|t| !self.completed_frameworks.contains(&t.framework))
            .map(|t| {
                (
                    (t.framework.clone(), t.task.clone()),
                    Task {
                        state: t.state,
                        status_update_state: None,
                        status_update_uuid: None,
                    },
                )
            })
            .collect()
    }

    /// Rule E3: after `MarkSlaveReachable`, re-admit the agent with its tasks.
    fn readmit(
        &mut self,
        agent: AgentId,
        reports: Vec<TaskReport>,
        frameworks: Vec<FrameworkInfo>,
    ) {
        self.reregistering.remove(&agent);
        let was_unreachable = self.registry.unreachable_time(&agent).is_some();
        let same_master = self.removed.contains(&agent);
        self.registry.unreachable.retain(|(a, _)| *a != agent);
        self.registry.admitted.push(agent.clone());
        self.push_fact(Fact::AgentReadmitted {
            agent: agent.clone(),
            was: if was_unreachable {
                "unreachable"
            } else {
                "unknown"
            },
        });
        let kill_non_aware = self.version.kills_non_aware_tasks_on_return() && same_master;
        let mut shutdown_frameworks = BTreeSet::new();
        let mut kept = Vec::new();
        for report in &reports {
            if self.completed_frameworks.contains(&report.framework) {
                continue;
            }
            let aware = self
                .frameworks
                .get(&report.framework)
                .map(|f| f.info.partition_aware)
                .or_else(|| {
                    frameworks
                        .iter()
                        .find(|f| f.id == report.framework)
                        .map(|f| f.partition_aware)
                })
                .unwrap_or(false);
            if kill_non_aware && !aware {
                // Rule E7 (1.1 to 1.4): non-aware frameworks are shut down on the agent.
                shutdown_frameworks.insert(report.framework.clone());
                continue;
            }
            if let Some(f) = self.frameworks.get_mut(&report.framework) {
                f.unreachable_tasks.retain(|u| u.task != report.task);
                f.completed_tasks.retain(|(t, _)| *t != report.task);
            }
            if self.version.profile() == super::version::Profile::Unreachable {
                let message = if was_unreachable {
                    "Unreachable agent re-reregistered"
                } else {
                    "Unknown agent reregistered"
                };
                let update = self.master_update(
                    &report.task,
                    report.state,
                    Reason::AgentReregistered,
                    Some(&agent),
                    None,
                    message.to_string(),
                );
                self.notify(&report.framework, update);
            }
            kept.push(report.clone());
        }
        // Rule E3: unreachable tasks the agent no longer reports simply disappear.
        if let Some(by_framework) = self.unreachable_tasks.remove(&agent) {
            for (framework, tasks) in by_framework {
                if let Some(f) = self.frameworks.get_mut(&framework) {
                    f.unreachable_tasks.retain(|u| !tasks.contains(&u.task));
                }
            }
        }
        self.forget_removed(&agent);
        self.removed_from_registry.remove(&agent);
        self.metrics.increment("master/slave_reregistrations");
        let tasks = self.adopt_tasks(&kept, &frameworks);
        self.add_agent(agent.clone(), tasks);
        self.finish_reregistration(&agent, &frameworks);
        // After the acknowledgement: a disconnected agent ignores framework
        // shutdowns (rule C8).
        for framework in &shutdown_frameworks {
            self.send(
                &agent.host,
                Message::ShutdownFramework {
                    framework: framework.clone(),
                },
            );
        }
    }

    /// Common tail of rule E3: acknowledge, and shut down completed frameworks.
    fn finish_reregistration(&mut self, agent: &AgentId, frameworks: &[FrameworkInfo]) {
        let ping_timeout = self.flags.total_ping_timeout();
        self.send(
            &agent.host,
            Message::AgentReregistered {
                agent: agent.clone(),
                ping_timeout,
                reconcile: Vec::new(),
            },
        );
        for info in frameworks {
            if self.completed_frameworks.contains(&info.id) {
                self.send(
                    &agent.host,
                    Message::ShutdownFramework {
                        framework: info.id.clone(),
                    },
                );
            }
        }
    }

    /// Rule E6: a still-registered agent reregisters (`reconcileKnownSlave`).
    fn reconcile_known_agent(&mut self, agent: AgentId, reports: Vec<TaskReport>) {
        let ping_timeout = self.flags.total_ping_timeout();
        let a = self.agents.get_mut(&agent).expect("caller checked");
        let was_disconnected = !a.connected;
        if was_disconnected {
            // Rule E6: cancel the reregister timer, reconnect the observer, reactivate.
            a.connected = true;
            a.active = true;
            a.reregister_timer = 0;
        }
        let reported: BTreeSet<(FrameworkId, TaskId)> = reports
            .iter()
            .map(|r| (r.framework.clone(), r.task.clone()))
            .collect();
        let unknown_to_agent: Vec<(FrameworkId, TaskId)> = a
            .tasks
            .keys()
            .filter(|k| !reported.contains(*k))
            .cloned()
            .collect();
        let killed: Vec<(FrameworkId, TaskId)> = a
            .killed
            .iter()
            .filter(|k| a.tasks.get(*k).is_some_and(|t| !t.state.is_terminal()))
            .cloned()
            .collect();
        let reconcile: Vec<(FrameworkInfo, TaskId)> = unknown_to_agent
            .into_iter()
            .filter_map(|(framework, task)| {
                self.frameworks
                    .get(&framework)
                    .map(|f| (f.info.clone(), task))
            })
            .collect();
        self.push_fact(Fact::AgentReconnected {
            agent: agent.clone(),
        });
        self.send(
            &agent.host,
            Message::AgentReregistered {
                agent: agent.clone(),
                ping_timeout,
                reconcile,
            },
        );
        for (framework, task) in killed {
            self.send(&agent.host, Message::KillTask { framework, task });
        }
        let completed: Vec<FrameworkId> = self.completed_frameworks.iter().cloned().collect();
        for framework in completed {
            if reports.iter().any(|r| r.framework == framework) {
                self.send(&agent.host, Message::ShutdownFramework { framework });
            }
        }
    }

    // ----- Rule B: socket-level disconnect -------------------------------------

    fn exited(&mut self, host: &str) {
        let Some(agent) = self.registered_on(host).cloned() else {
            return;
        };
        let a = self.agents.get_mut(&agent).expect("found above");
        if !a.connected {
            return;
        }
        // Rule B1: disconnected and deactivated, not unreachable.
        a.connected = false;
        a.active = false;
        let generation = self.next_id;
        self.next_id += 1;
        self.agents
            .get_mut(&agent)
            .expect("found above")
            .reregister_timer = generation;
        self.push_fact(Fact::AgentDisconnected {
            agent: agent.clone(),
        });
        // Rule B2: tasks of non-checkpointing frameworks are lost, PA or not.
        let doomed: Vec<(FrameworkId, TaskId)> = self.agents[&agent]
            .tasks
            .keys()
            .filter(|(f, _)| self.frameworks.get(f).is_some_and(|f| !f.info.checkpoint))
            .cloned()
            .collect();
        let message = format!("Agent {} disconnected", agent.host);
        let limit = self.flags.max_completed_tasks_per_framework;
        for (framework, task) in doomed {
            let a = self.agents.get_mut(&agent).expect("found above");
            a.tasks.remove(&(framework.clone(), task.clone()));
            let update = self.master_update(
                &task,
                TaskState::Lost,
                Reason::AgentDisconnected,
                Some(&agent),
                None,
                message.clone(),
            );
            self.count_transition(TaskState::Lost);
            if let Some(f) = self.frameworks.get_mut(&framework) {
                f.tasks.remove(&task);
                f.remember_completed(task, TaskState::Lost, limit);
            }
            self.notify(&framework, update);
        }
        // Rule B3: since 1.2 (MESOS-6286) a reregister timer runs.
        if self.version >= Version::new(1, 2, 0) {
            let at = self.now + self.flags.agent_reregister_timeout;
            self.timers
                .schedule(at, Timer::ReregisterTimeout { agent, generation });
        }
    }

    fn reregister_timeout(&mut self, agent: &AgentId, generation: u64) {
        let due = self
            .agents
            .get(agent)
            .is_some_and(|a| !a.connected && a.reregister_timer == generation);
        if due {
            self.schedule_unreachable(agent.clone(), UnreachableCause::Disconnected);
        }
    }

    // ----- Status updates ------------------------------------------------------

    fn status_update(&mut self, from: &str, update: AgentUpdate) {
        let agent = self.registered_on(from).cloned();
        let Some(agent) = agent else {
            // Rule D7: updates from removed or unreachable agents are dropped; before
            // 1.1 a removed agent is told to shut down.
            self.metrics.increment("master/invalid_status_updates");
            let removed = self.removed.iter().find(|a| a.host == from).cloned();
            if !self.version.has_unreachable() && removed.is_some() {
                self.shutdown(from, "Status update from unknown agent");
            }
            self.push_fact(Fact::StatusUpdateDropped {
                agent: removed.unwrap_or(AgentId {
                    host: from.to_string(),
                    incarnation: 0,
                }),
                task: update.task,
                why: "the agent is not registered",
            });
            return;
        };
        // `Master::statusUpdate`: forwarded to a connected framework before the task
        // is looked up; a disconnected framework gets nothing (the agent retries).
        let status = StatusUpdate {
            task: update.task.clone(),
            state: update.state,
            reason: update.reason,
            source: Some(update.source),
            agent: Some(agent.clone()),
            unreachable_time: None,
            message: update.message.clone(),
            uuid: Some(update.uuid),
        };
        let connected = self.framework_connected(&update.framework);
        self.notify(&update.framework, status);
        let key = (update.framework.clone(), update.task.clone());
        let Some(task) = self
            .agents
            .get_mut(&agent)
            .and_then(|a| a.tasks.get_mut(&key))
        else {
            self.metrics.increment("master/invalid_status_updates");
            self.push_fact(Fact::StatusUpdateDropped {
                agent,
                task: update.task,
                why: "the task is unknown",
            });
            return;
        };
        let was_terminal = task.state.is_terminal();
        task.state = update.latest_state;
        if connected {
            task.status_update_state = Some(update.state);
            task.status_update_uuid = Some(update.uuid);
        }
        self.metrics.increment(if connected {
            "master/valid_status_updates"
        } else {
            "master/invalid_status_updates"
        });
        if !was_terminal && update.latest_state.is_terminal() {
            self.count_transition(update.latest_state);
        }
    }

    fn exited_executor(&mut self, from: &str, framework: FrameworkId, task: TaskId) {
        // Rule D7: dropped from an agent that is not registered.
        let Some(agent) = self.registered_on(from).cloned() else {
            return;
        };
        if self.framework_connected(&framework) {
            self.outputs.push_back(MasterOutput::Framework {
                framework,
                event: FrameworkEvent::ExecutorLost { agent, task },
            });
        }
    }

    // ----- Framework calls -----------------------------------------------------

    fn call(&mut self, call: Call) {
        match call {
            Call::Subscribe {
                info,
                failover_timeout,
            } => {
                let id = info.id.clone();
                let generation = self.next_id();
                let f = self.frameworks.entry(id).or_insert_with(|| Framework {
                    info: info.clone(),
                    failover_timeout,
                    connected: true,
                    generation,
                    tasks: BTreeMap::new(),
                    unreachable_tasks: VecDeque::new(),
                    completed_tasks: VecDeque::new(),
                });
                f.info = info;
                f.failover_timeout = failover_timeout;
                f.connected = true;
                f.generation = generation;
            }
            Call::Launch {
                framework,
                task,
                host,
            } => self.launch(framework, task, &host),
            Call::Kill {
                framework,
                task,
                agent,
            } => self.kill(framework, task, agent),
            Call::Reconcile { framework, tasks } => self.reconcile(&framework, tasks),
            Call::Acknowledge {
                framework,
                task,
                uuid,
            } => self.acknowledge(framework, task, uuid),
            Call::Disconnect { framework } => {
                let generation = self.next_id();
                let Some(f) = self.frameworks.get_mut(&framework) else {
                    return;
                };
                f.connected = false;
                f.generation = generation;
                let at = self.now + f.failover_timeout;
                self.timers.schedule(
                    at,
                    Timer::FrameworkFailover {
                        framework,
                        generation,
                    },
                );
            }
            Call::Teardown { framework } => {
                if self.frameworks.contains_key(&framework) {
                    self.remove_framework(&framework);
                }
            }
        }
    }

    fn launch(&mut self, framework: FrameworkId, task: TaskId, host: &str) {
        let Some(f) = self.frameworks.get(&framework) else {
            return;
        };
        if !f.connected {
            return;
        }
        let aware = f.info.partition_aware;
        // Rule G1: only a registered, connected, active agent has an offer.
        let offer = self
            .agents
            .values()
            .find(|a| a.id.host == host && a.connected && a.active)
            .map(|a| a.id.clone());
        let Some(agent) = offer else {
            let state = if aware && self.version.has_partition_states() {
                TaskState::Dropped
            } else {
                TaskState::Lost
            };
            self.count_transition(state);
            let update = self.master_update(
                &task,
                state,
                Reason::InvalidOffers,
                None,
                None,
                format!(
                    "Task launched with invalid offers: Offer for agent {host} is no longer valid"
                ),
            );
            self.notify(&framework, update);
            return;
        };
        // Rule D10 and task-ID uniqueness.
        let f = &self.frameworks[&framework];
        let invalid = if f.unreachable_tasks.iter().any(|u| u.task == task) {
            Some("Task reuses the ID of an unreachable task")
        } else if f.tasks.contains_key(&task) {
            Some("Task has duplicate ID")
        } else {
            None
        };
        if let Some(why) = invalid {
            self.count_transition(TaskState::Error);
            let update = self.master_update(
                &task,
                TaskState::Error,
                Reason::TaskInvalid,
                Some(&agent),
                None,
                why.to_string(),
            );
            self.notify(&framework, update);
            return;
        }
        let f = self.frameworks.get_mut(&framework).expect("checked above");
        f.tasks.insert(task.clone(), agent.clone());
        let info = f.info.clone();
        self.agents
            .get_mut(&agent)
            .expect("offer found above")
            .tasks
            .insert(
                (framework.clone(), task.clone()),
                Task {
                    state: TaskState::Staging,
                    status_update_state: None,
                    status_update_uuid: None,
                },
            );
        self.send(
            &agent.host,
            Message::RunTask {
                framework: info,
                task,
            },
        );
    }

    fn kill(&mut self, framework: FrameworkId, task: TaskId, agent: Option<AgentId>) {
        let Some(f) = self.frameworks.get(&framework) else {
            return;
        };
        // Rule D9: an unknown task (unreachable ones included) is reconciled instead.
        let Some(on) = f.tasks.get(&task).cloned() else {
            self.reconcile(&framework, vec![(task, agent)]);
            return;
        };
        let Some(a) = self.agents.get_mut(&on) else {
            return;
        };
        // Rule E6: remembered, and sent again if the agent reregisters.
        a.killed.insert((framework.clone(), task.clone()));
        if a.connected {
            self.send(&on.host, Message::KillTask { framework, task });
        }
    }

    fn acknowledge(&mut self, framework: FrameworkId, task: TaskId, uuid: u64) {
        let Some(on) = self
            .frameworks
            .get(&framework)
            .and_then(|f| f.tasks.get(&task))
            .cloned()
        else {
            return;
        };
        let key = (framework.clone(), task.clone());
        // Acknowledgements for a disconnected agent are dropped; the agent resends.
        let Some(a) = self.agents.get_mut(&on).filter(|a| a.connected) else {
            self.metrics
                .increment("master/invalid_status_update_acknowledgements");
            return;
        };
        let Some(t) = a.tasks.get(&key) else {
            return;
        };
        // A terminal task leaves the master once its terminal update is acknowledged.
        let done = t.status_update_state.is_some_and(|s| s.is_terminal())
            && t.status_update_uuid == Some(uuid);
        if done {
            let state = t.state;
            a.tasks.remove(&key);
            a.killed.remove(&key);
            let limit = self.flags.max_completed_tasks_per_framework;
            if let Some(f) = self.frameworks.get_mut(&framework) {
                f.tasks.remove(&task);
                f.remember_completed(task.clone(), state, limit);
            }
        }
        self.send(
            &on.host,
            Message::StatusUpdateAcknowledgement {
                framework,
                task,
                uuid,
            },
        );
    }

    /// Rule L3: teardown or failover timeout.
    fn remove_framework(&mut self, framework: &str) {
        let Some(mut f) = self.frameworks.remove(framework) else {
            return;
        };
        let limit = self.flags.max_completed_tasks_per_framework;
        // `removeFramework` tells every registered agent, connected or not.
        let hosts: Vec<String> = self.agents.keys().map(|a| a.host.clone()).collect();
        for (task, agent) in std::mem::take(&mut f.tasks) {
            if let Some(a) = self.agents.get_mut(&agent) {
                a.tasks.remove(&(framework.to_string(), task.clone()));
                a.killed.remove(&(framework.to_string(), task.clone()));
            }
            self.count_transition(TaskState::Killed);
            f.remember_completed(task, TaskState::Killed, limit);
        }
        // Rule L3: unreachable tasks are completed as TASK_KILLED (not counted: they
        // had already left the running states).
        for u in std::mem::take(&mut f.unreachable_tasks) {
            if let Some(by_fw) = self.unreachable_tasks.get_mut(&u.agent) {
                by_fw.remove(framework);
            }
            f.remember_completed(u.task, TaskState::Killed, limit);
        }
        for host in hosts {
            self.send(
                &host,
                Message::ShutdownFramework {
                    framework: framework.to_string(),
                },
            );
        }
        self.completed_frameworks.push_back(framework.to_string());
        while self.completed_frameworks.len() > self.flags.max_completed_frameworks {
            self.completed_frameworks.pop_front();
        }
        self.push_fact(Fact::FrameworkRemoved {
            framework: framework.to_string(),
        });
    }

    // ----- Rule H: reconciliation ----------------------------------------------

    fn reconcile(&mut self, framework: &str, tasks: Vec<(TaskId, Option<AgentId>)>) {
        let Some(f) = self.frameworks.get(framework) else {
            return;
        };
        let aware = f.info.partition_aware;
        let mut answers = Vec::new();
        if tasks.is_empty() {
            // Rule H1: the active map only (unreachable tasks are not in it).
            for (task, agent) in &f.tasks {
                if let Some(t) = self
                    .agents
                    .get(agent)
                    .and_then(|a| a.tasks.get(&(framework.to_string(), task.clone())))
                {
                    answers.push(self.master_update(
                        task,
                        t.latest_state(),
                        Reason::Reconciliation,
                        Some(agent),
                        None,
                        "Reconciliation: Latest task state".to_string(),
                    ));
                }
            }
        } else {
            for (task, agent) in tasks {
                if let Some(answer) = self.reconcile_one(framework, aware, &task, agent.as_ref()) {
                    answers.push(answer);
                }
            }
        }
        for update in answers {
            self.notify(framework, update);
        }
    }

    /// Rule H2, first matching row wins; H4 for older versions.
    fn reconcile_one(
        &self,
        framework: &str,
        aware: bool,
        task: &str,
        agent: Option<&AgentId>,
    ) -> Option<StatusUpdate> {
        let f = &self.frameworks[framework];
        let v = self.version;
        let pick = |pa: TaskState| if aware { pa } else { TaskState::Lost };
        // Row 1: a task in the active map.
        if let Some(on) = f.tasks.get(task)
            && let Some(t) = self
                .agents
                .get(on)
                .and_then(|a| a.tasks.get(&(framework.to_string(), task.to_string())))
        {
            return Some(self.master_update(
                task,
                t.latest_state(),
                Reason::Reconciliation,
                Some(on),
                None,
                "Reconciliation: Latest task state".to_string(),
            ));
        }
        // Row 2: no answer while the agent (or, without an agent, any agent) is recovering.
        let recovering = match agent {
            Some(a) => self.recovered.contains(a),
            None => !self.recovered.is_empty(),
        };
        if recovering {
            return None;
        }
        let (state, unreachable_time, message) = match agent {
            // Row 3: registered (connected or not).
            Some(a) if self.agents.contains_key(a) => {
                let state = if v >= Version::new(1, 5, 0) {
                    pick(TaskState::Gone)
                } else if v >= Version::new(1, 2, 0) {
                    pick(TaskState::Unknown)
                } else {
                    TaskState::Lost
                };
                (state, None, "Reconciliation: Task is unknown to the agent")
            }
            // Row 4: unreachable.
            Some(a) if self.registry.unreachable_time(a).is_some() => (
                pick(TaskState::Unreachable),
                self.registry.unreachable_time(a),
                "Reconciliation: Task is unreachable",
            ),
            // Row 5: gone.
            Some(a) if self.registry.is_gone(a) => (
                pick(TaskState::GoneByOperator),
                None,
                "Reconciliation: Task is gone",
            ),
            // Row 6: anything else.
            _ => {
                let state = if v >= Version::new(1, 2, 0) {
                    pick(TaskState::Unknown)
                } else {
                    TaskState::Lost
                };
                (state, None, "Reconciliation: Task is unknown")
            }
        };
        Some(self.master_update(
            task,
            state,
            Reason::Reconciliation,
            agent,
            unreachable_time,
            message.to_string(),
        ))
    }

    // ----- Rule L1: removal without unreachability -----------------------------

    fn remove_agent(&mut self, agent: &AgentId, cause: String, metric: Option<&'static str>) {
        if self.removing.contains(agent) || self.marking_unreachable.contains(agent) {
            // Rule D4: `removeSlave` is ignored while the agent is being marked.
            return;
        }
        self.removing.insert(agent.clone());
        if let Some(a) = self.agents.get_mut(agent) {
            // Stop the observer at once: the agent is on its way out.
            a.observer.generation = u64::MAX;
            a.active = false;
        }
        self.write_registry(RegistryOp::Remove {
            agent: agent.clone(),
            cause,
            metric,
        });
    }

    /// Rule E7 (<= 1.0): `Master::shutdownSlave` on health-check failure.
    fn shutdown_agent(&mut self, agent: &AgentId, cause: &str) {
        if !self.agents.contains_key(agent) || self.removing.contains(agent) {
            return;
        }
        self.shutdown(&agent.host, cause);
        self.remove_agent(
            agent,
            cause.to_string(),
            Some("master/slave_removals/reason_unhealthy"),
        );
    }

    // ----- Rule J: operator mark-gone; maintenance ------------------------------

    fn operator(&mut self, request: OperatorRequest) {
        match request {
            OperatorRequest::MarkAgentGone { agent } => {
                // A started registry write answers when it completes (rule J1).
                if let Some((status, message)) = self.mark_gone(&agent) {
                    self.answer_mark_gone(&agent, status, message);
                }
            }
            OperatorRequest::MachineDown { host } => {
                self.down_machines.insert(host.clone());
                if let Some(agent) = self.registered_on(&host).cloned() {
                    let message = "Operator initiated 'Machine DOWN'".to_string();
                    self.shutdown(&host, &message);
                    self.remove_agent(&agent, message, None);
                }
                self.push_fact(Fact::OperatorResponse {
                    request: format!("machine/down {host}"),
                    status: 200,
                });
                self.outputs.push_back(MasterOutput::OperatorResponse {
                    status: 200,
                    message: "OK".to_string(),
                });
            }
        }
    }

    fn answer_mark_gone(&mut self, agent: &AgentId, status: u16, message: String) {
        self.push_fact(Fact::OperatorResponse {
            request: format!("MARK_AGENT_GONE {agent}"),
            status,
        });
        self.outputs
            .push_back(MasterOutput::OperatorResponse { status, message });
    }

    /// Rule J1: an immediate answer, or `None` when the registry write started (the
    /// 200 comes when it completes).
    fn mark_gone(&mut self, agent: &AgentId) -> Option<(u16, String)> {
        if !self.version.has_mark_gone() {
            return Some((
                400,
                "MARK_AGENT_GONE is not available before Mesos 1.5".to_string(),
            ));
        }
        if self.registry.is_gone(agent) {
            return Some((200, "OK".to_string()));
        }
        if self.marking_gone.contains(agent)
            || self.removing.contains(agent)
            || self.marking_unreachable.contains(agent)
        {
            return Some((
                503,
                format!("Agent {agent} is being transitioned; retry later"),
            ));
        }
        let known = self.agents.contains_key(agent)
            || self.recovered.contains(agent)
            || self.registry.unreachable_time(agent).is_some();
        if !known {
            return Some((404, format!("Agent {agent} not found")));
        }
        self.marking_gone.insert(agent.clone());
        self.write_registry(RegistryOp::MarkGone {
            agent: agent.clone(),
            time: self.now,
        });
        None
    }

    fn mark_gone_done(&mut self, agent: AgentId, time: Instant) {
        self.marking_gone.remove(&agent);
        self.registry.admitted.retain(|a| *a != agent);
        let was_unreachable = self.registry.unreachable_time(&agent).is_some();
        self.registry.unreachable.retain(|(a, _)| *a != agent);
        self.registry.gone.push((agent.clone(), time));
        self.push_fact(Fact::AgentMarkedGone {
            agent: agent.clone(),
        });
        self.answer_mark_gone(&agent, 200, "OK".to_string());
        let message = "Agent has been marked gone";
        if self.agents.contains_key(&agent) {
            // Rule J2.
            self.shutdown(&agent.host, message);
            self.remove_agent_tasks(&agent, None, Reason::AgentRemoved, message, false);
            self.forget_agent(&agent);
            self.send_agent_lost(&agent);
        } else if was_unreachable {
            // Rule J3: remembered unreachable tasks are completed; no second "lost".
            let by_framework = self.unreachable_tasks.remove(&agent).unwrap_or_default();
            if !self.version.mark_gone_updates_unreachable_tasks() {
                return;
            }
            let limit = self.flags.max_completed_tasks_per_framework;
            for (framework, tasks) in by_framework {
                let Some(f) = self.frameworks.get(&framework) else {
                    continue;
                };
                let aware = f.info.partition_aware;
                let (state, reason) = if aware {
                    (TaskState::GoneByOperator, Reason::AgentRemovedByOperator)
                } else {
                    (TaskState::Lost, Reason::AgentRemoved)
                };
                for task in tasks {
                    let update = self.master_update(
                        &task,
                        state,
                        reason,
                        Some(&agent),
                        None,
                        message.to_string(),
                    );
                    let f = self.frameworks.get_mut(&framework).expect("checked above");
                    f.unreachable_tasks.retain(|u| u.task != task);
                    // The task was already unreachable: not a new transition, so
                    // `tasks_lost` and `tasks_gone_by_operator` stay as they are.
                    f.remember_completed(task, state, limit);
                    self.notify(&framework, update);
                }
            }
        }
        // Rule J4 / N2: a recovered agent only gets the registry entry; the ID stays
        // in the recovered set.
    }

    // ----- Rule K3: agents that do not come back after failover -----------------

    fn recovered_agents_timeout(&mut self) {
        if self.recovered.is_empty() {
            return;
        }
        let remaining = self.recovered.len();
        let limit = self.flags.recovery_agent_removal_limit_percent as usize;
        // Rule K3: exit when the share of missing agents exceeds the limit.
        if remaining * 100 > limit * self.recovered_total {
            self.push_fact(Fact::MasterExited {
                why: format!(
                    "{remaining} of {} recovered agents did not reregister within {}, above recovery_agent_removal_limit {limit}%",
                    self.recovered_total, self.flags.agent_reregister_timeout
                ),
            });
            return;
        }
        let agents: Vec<AgentId> = self
            .recovered
            .iter()
            .filter(|a| !self.reregistering.contains(*a))
            .cloned()
            .collect();
        for agent in agents {
            if self.version.has_unreachable() {
                self.schedule_unreachable(agent, UnreachableCause::Failover);
            } else {
                // Before 1.1 the agent was removed from the registry.
                self.recovered.remove(&agent);
                self.registry.admitted.retain(|a| *a != agent);
                self.removed_from_registry.insert(agent.clone());
                self.metrics.increment("master/recovery_slave_removals");
                self.remember_removed(&agent);
                self.send_agent_lost(&agent);
            }
        }
    }

    // ----- Rule I: registry garbage collection ---------------------------------

    fn registry_gc(&mut self) {
        let now = self.now;
        let max_age = self.flags.registry_max_agent_age;
        let max_count = self.flags.registry_max_agent_count;
        let reregistering = self.reregistering.clone();
        let prune = |list: &mut Vec<(AgentId, Instant)>| -> Vec<AgentId> {
            let mut pruned = Vec::new();
            let mut keep = Vec::with_capacity(list.len());
            let mut excess = list.len().saturating_sub(max_count);
            for (agent, time) in list.drain(..) {
                // Rule I3: an agent reregistering while GC runs is skipped.
                let skip = reregistering.contains(&agent);
                let by_count = excess > 0;
                let by_age = now - time > max_age;
                if !skip && (by_count || by_age) {
                    excess = excess.saturating_sub(1);
                    pruned.push(agent);
                } else {
                    keep.push((agent, time));
                }
            }
            *list = keep;
            pruned
        };
        let unreachable = prune(&mut self.registry.unreachable);
        let gone = prune(&mut self.registry.gone);
        for agent in unreachable {
            // Rule I3: unreachable-task records go too; no status updates.
            if let Some(by_framework) = self.unreachable_tasks.remove(&agent) {
                for (framework, tasks) in by_framework {
                    if let Some(f) = self.frameworks.get_mut(&framework) {
                        f.unreachable_tasks.retain(|u| !tasks.contains(&u.task));
                    }
                }
            }
            self.push_fact(Fact::RegistryPruned {
                agent,
                list: "unreachable",
            });
        }
        for agent in gone {
            self.push_fact(Fact::RegistryPruned {
                agent,
                list: "gone",
            });
        }
        let next = now + self.flags.registry_gc_interval;
        self.timers.schedule(next, Timer::RegistryGc);
    }
}

fn cause_text(cause: UnreachableCause, flags: &MasterFlags) -> String {
    match cause {
        UnreachableCause::HealthCheck => "health check timed out".to_string(),
        UnreachableCause::Disconnected => format!(
            "agent did not reregister within {} after disconnecting",
            flags.agent_reregister_timeout.mesos()
        ),
        UnreachableCause::Failover => format!(
            "did not reregister within {} after master failover",
            flags.agent_reregister_timeout.mesos()
        ),
    }
}

/// `TASK_GONE_BY_OPERATOR` -> `gone_by_operator`, as in `master/tasks_gone_by_operator`.
fn state_metric_name(state: TaskState) -> String {
    state
        .name()
        .trim_start_matches("TASK_")
        .to_ascii_lowercase()
}
