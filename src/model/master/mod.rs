//! The Mesos master as a sans-io state machine.
//!
//! It owns what the master believes: the registry (admitted, unreachable and gone
//! agents), the registered agents with their health-check observers, the recovered
//! set after a failover, frameworks and their tasks, the rate limiter and the
//! metrics. The driver feeds it [`MasterInput`]s with the current instant, drains
//! [`MasterOutput`]s, and fires its timers when [`Master::poll_timeout`] says.
//!
//! Every decision names the rule of `docs/model.md` it implements. Failures of
//! the cluster are outputs (facts, status updates), never `Err`s.
//!
//! The rules live in one submodule per group of `docs/model.md`; this file holds
//! the inputs, the outputs and the state, and dispatches inputs and timers to them:
//!
//! - `health`: rule A, health checks and the removal rate limiter;
//! - `unreachable`: rule D, marking an agent unreachable and filing its tasks;
//! - `registry`: registry writes and their completions (D4), garbage collection (I);
//! - `registration`, `reregistration` (E), `disconnect` (B), `removal` (L1);
//! - `status_updates` (D7), `frameworks` (G, D9, D10, L3), `reconciliation` (H);
//! - `operator` (J and maintenance), `failover` (K3);
//! - `observe` (what steps ask), `fast_forward` (heartbeats in bulk), `plumbing`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::flags::{MasterFlags, RegistryKind};
use super::message::{
    AgentId, FrameworkEvent, FrameworkId, FrameworkInfo, Message, Name, TaskId, TaskReport,
};
use super::metrics::Metrics;
use super::status::TaskState;
use super::timer::Timers;
use super::trace::Fact;
use super::version::Version;
use crate::time::{Duration, Instant};
pub use filed::{Filed, Filing};
use task_cache::TaskCache;

mod disconnect;
mod failover;
mod fast_forward;
mod filed;
mod frameworks;
mod health;
mod observe;
mod operator;
mod plumbing;
mod reconciliation;
mod registration;
mod registry;
mod removal;
mod reregistration;
mod status_updates;
mod task_cache;
mod unreachable;

pub use observe::Books;

/// What survives a master failover when the registry is the replicated log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registry {
    /// Admitted agents, in admission order.
    pub admitted: Filed<AgentId>,
    /// Unreachable agents with the time they were marked, in marking order.
    pub unreachable: Filed<(AgentId, Instant)>,
    /// Gone agents with the time they were marked, in marking order.
    pub gone: Filed<(AgentId, Instant)>,
}

impl Registry {
    fn unreachable_time(&self, agent: &AgentId) -> Option<Instant> {
        self.unreachable.get(agent).map(|(_, t)| *t)
    }
    fn is_gone(&self, agent: &AgentId) -> bool {
        self.gone.contains(agent)
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
    /// A maintenance schedule naming the machine of `host`: the machine goes DRAINING.
    ScheduleMaintenance { host: String },
}

/// What the master is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MasterInput {
    /// A message from the agent process on `from`.
    Message {
        from: Name,
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
        to: Name,
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
    unreachable_tasks: TaskCache<UnreachableTask>,
    completed_tasks: TaskCache<TaskState>,
}

/// A framework the master removed, with its completed tasks.
#[derive(Clone, Debug)]
struct CompletedFramework {
    id: FrameworkId,
    tasks: TaskCache<TaskState>,
}

impl Framework {
    fn remember_unreachable(&mut self, entry: UnreachableTask, limit: usize) {
        self.unreachable_tasks
            .insert(entry.task.clone(), entry, limit);
    }
    fn remember_completed(&mut self, task: TaskId, state: TaskState, limit: usize) {
        self.completed_tasks.insert(task, state, limit);
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
    /// Machines in a maintenance schedule, not yet down (mode DRAINING).
    draining_machines: BTreeSet<String>,
    frameworks: BTreeMap<FrameworkId, Framework>,
    /// Removed frameworks with their completed tasks, oldest first, as Mesos keeps
    /// them in `frameworks.completed` (bounded by `max_completed_frameworks`).
    completed_frameworks: VecDeque<CompletedFramework>,
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
            draining_machines: BTreeSet::new(),
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
                let seen = master.incarnations.entry(id.host.to_string()).or_default();
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

    /// The removed framework `id`, while the master remembers it.
    fn completed_framework(&self, id: &str) -> Option<&CompletedFramework> {
        self.completed_frameworks.iter().find(|f| f.id == id)
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

    /// Dispatches a message from the agent process on `from` to its rule.
    fn receive(&mut self, from: Name, message: Message) {
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
