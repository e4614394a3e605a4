//! The simulator: a master, its agents, the network between them and the
//! frameworks' schedulers, driven by virtual time.
//!
//! [`Cluster`] owns the clock. It jumps from one due event to the next (a message
//! arriving, a master or agent timer), delivers it, and routes what the state
//! machines output: messages onto the [`Network`], events into framework inboxes,
//! facts into the [`TraceEntry`] log. Frameworks only act when told to, except that
//! schedulers acknowledge reliable updates at once unless a task's
//! acknowledgements are withheld.
//!
//! Instants are settled lazily: [`Cluster::advance_to`] processes everything due
//! *before* the target, so a step applied at that instant takes effect before the
//! model's own events due then; [`Cluster::settle`] processes those too (Then
//! steps call it before looking).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::agent::{Agent, AgentInput, AgentOutput, AgentState};
use super::flags::{AgentFlags, FlagError, MasterFlags};
use super::master::{Call, Master, MasterInput, MasterOutput, OperatorRequest};
use super::message::{AgentId, FrameworkEvent, FrameworkId, FrameworkInfo, MessageKind, TaskId};
use super::network::{Direction, Network, Sent};
use super::time::{Duration, Instant};
use super::trace::{Endpoint, Fact, TraceEntry, TraceEvent};
use super::version::Version;

/// The default bound on model events per scenario.
pub const DEFAULT_EVENT_LIMIT: u64 = 1_000_000;
/// How long `reconnect` waits for an agent to come back before giving up.
const RECONNECT_BOUND: Duration = Duration::from_hours(2);

/// Something a framework's scheduler received, with when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub at: Instant,
    pub event: FrameworkEvent,
}

/// An operator's HTTP request and the master's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperatorResponse {
    pub at: Instant,
    pub status: u16,
    pub message: String,
}

#[derive(Clone, Debug)]
struct Scheduler {
    info: FrameworkInfo,
    failover_timeout: Duration,
    subscribed: bool,
    /// Tasks whose updates this scheduler does not acknowledge.
    withheld: BTreeSet<TaskId>,
    inbox: Vec<Received>,
}

/// Why a cluster could not be built or a step could not act on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterError {
    UnknownAgent(String),
    UnknownFramework(String),
    UnknownTask(String),
    Duplicate {
        what: &'static str,
        name: String,
    },
    /// The scenario ran past its bound on model events.
    Runaway(String),
    /// A step asked for something the cluster cannot do now.
    Refused(String),
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClusterError::UnknownAgent(a) => write!(f, "there is no agent \"{a}\""),
            ClusterError::UnknownFramework(n) => write!(f, "there is no framework \"{n}\""),
            ClusterError::UnknownTask(t) => write!(f, "there is no task \"{t}\""),
            ClusterError::Duplicate { what, name } => {
                write!(f, "{what} \"{name}\" is declared twice")
            }
            ClusterError::Runaway(why) => f.write_str(why),
            ClusterError::Refused(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for ClusterError {}

#[derive(Clone, Debug)]
struct FrameworkSetup {
    info: FrameworkInfo,
    failover_timeout: Duration,
}

/// Declares a cluster as it stands at time 0 (the Given steps).
#[derive(Clone, Debug)]
pub struct ClusterBuilder {
    version: Version,
    master_flags: MasterFlags,
    agent_flags: AgentFlags,
    seed: u64,
    latency: Duration,
    registry_latency: Duration,
    event_limit: u64,
    agents: Vec<String>,
    frameworks: Vec<FrameworkSetup>,
    tasks: Vec<(FrameworkId, TaskId, String)>,
    finished_unacknowledged: Vec<(TaskId, FrameworkId)>,
    fast_forward: bool,
}

impl Default for ClusterBuilder {
    fn default() -> Self {
        ClusterBuilder {
            version: Version::LATEST,
            master_flags: MasterFlags::default(),
            agent_flags: AgentFlags::default(),
            seed: 0,
            latency: Duration::ZERO,
            registry_latency: Duration::ZERO,
            event_limit: DEFAULT_EVENT_LIMIT,
            agents: Vec::new(),
            frameworks: Vec::new(),
            tasks: Vec::new(),
            finished_unacknowledged: Vec::new(),
            fast_forward: true,
        }
    }
}

impl ClusterBuilder {
    pub fn version(&mut self, version: Version) -> &mut Self {
        self.version = version;
        self
    }

    pub fn master_flag(&mut self, name: &str, value: &str) -> Result<&mut Self, FlagError> {
        self.master_flags.set(name, value)?;
        Ok(self)
    }

    pub fn agent_flag(&mut self, name: &str, value: &str) -> Result<&mut Self, FlagError> {
        self.agent_flags.set(name, value)?;
        Ok(self)
    }

    pub fn seed(&mut self, seed: u64) -> &mut Self {
        self.seed = seed;
        self
    }

    /// One-way latency of every message on every link, from the end of setup.
    pub fn latency(&mut self, latency: Duration) -> &mut Self {
        self.latency = latency;
        self
    }

    /// How long a registry write takes (default 0: it completes at the same instant,
    /// after what is already due).
    pub fn registry_latency(&mut self, latency: Duration) -> &mut Self {
        self.registry_latency = latency;
        self
    }

    /// Whether quiet stretches of answered pings are applied in bulk (default on; the
    /// outcome is the same, only faster).
    pub fn fast_forward(&mut self, on: bool) -> &mut Self {
        self.fast_forward = on;
        self
    }

    pub fn event_limit(&mut self, limit: u64) -> &mut Self {
        self.event_limit = limit;
        self
    }

    pub fn agent(&mut self, host: &str) -> &mut Self {
        self.agents.push(host.to_string());
        self
    }

    /// A framework; `partition_aware` sets the `PARTITION_AWARE` capability.
    pub fn framework(&mut self, name: &str, partition_aware: bool, checkpoint: bool) -> &mut Self {
        self.frameworks.push(FrameworkSetup {
            info: FrameworkInfo {
                id: name.to_string(),
                partition_aware,
                checkpoint,
            },
            failover_timeout: Duration::ZERO,
        });
        self
    }

    pub fn failover_timeout(&mut self, framework: &str, timeout: Duration) -> &mut Self {
        if let Some(f) = self.frameworks.iter_mut().find(|f| f.info.id == framework) {
            f.failover_timeout = timeout;
        }
        self
    }

    pub fn task(&mut self, framework: &str, task: &str, host: &str) -> &mut Self {
        self.tasks
            .push((framework.to_string(), task.to_string(), host.to_string()));
        self
    }

    /// The task has finished, and its framework has not acknowledged that.
    pub fn finished_unacknowledged(&mut self, task: &str, framework: &str) -> &mut Self {
        self.finished_unacknowledged
            .push((task.to_string(), framework.to_string()));
        self
    }

    /// The declared agents' hosts, in declaration order.
    pub fn agents(&self) -> &[String] {
        &self.agents
    }

    pub fn has_agent(&self, host: &str) -> bool {
        self.agents.iter().any(|a| a == host)
    }

    pub fn has_framework(&self, name: &str) -> bool {
        self.frameworks.iter().any(|f| f.info.id == name)
    }

    /// Builds the cluster at time 0: agents registered with their first ping
    /// answered, frameworks subscribed, tasks running with their updates
    /// acknowledged. Framework inboxes start empty.
    pub fn build(&self) -> Result<Cluster, ClusterError> {
        self.validate()?;
        let mut cluster = Cluster {
            now: Instant::ZERO,
            version: self.version,
            master_flags: self.master_flags.clone(),
            agent_flags: self.agent_flags.clone(),
            seed: self.seed,
            registry_latency: self.registry_latency,
            master: Master::new(
                self.version,
                self.master_flags.clone(),
                Instant::ZERO,
                None,
                // Setup happens at time 0; the latency applies from the end of setup.
                Duration::ZERO,
            ),
            agents: BTreeMap::new(),
            network: Network::default(),
            schedulers: BTreeMap::new(),
            trace: Vec::new(),
            events: 0,
            event_limit: self.event_limit,
            runaway: None,
            operator_responses: Vec::new(),
            known_ids: BTreeMap::new(),
            pending_failover: false,
            settle_time: Duration::ZERO,
            heartbeats: 0,
            fast_forward: self.fast_forward,
            skip_retry_at: Instant::ZERO,
            agent_due: BTreeMap::new(),
            due_agents: BTreeSet::new(),
            dirty: BTreeSet::new(),
            alive: BTreeSet::new(),
        };
        for host in &self.agents {
            cluster.start_agent(host, true);
        }
        cluster.settle();
        for f in &self.frameworks {
            cluster.schedulers.insert(
                f.info.id.clone(),
                Scheduler {
                    info: f.info.clone(),
                    failover_timeout: f.failover_timeout,
                    subscribed: false,
                    withheld: BTreeSet::new(),
                    inbox: Vec::new(),
                },
            );
            cluster.subscribe(&f.info.id);
        }
        for (task, framework) in &self.finished_unacknowledged {
            if let Some(s) = cluster.schedulers.get_mut(framework) {
                s.withheld.insert(task.clone());
            }
        }
        for (framework, task, host) in &self.tasks {
            cluster.master_input(MasterInput::Call(Call::Launch {
                framework: framework.clone(),
                task: task.clone(),
                host: host.clone(),
            }));
        }
        cluster.settle();
        for (task, _) in &self.finished_unacknowledged {
            cluster.task_finishes(task)?;
        }
        cluster.settle();
        cluster.network.set_latency(self.latency);
        cluster.master.set_registry_latency(self.registry_latency);
        for s in cluster.schedulers.values_mut() {
            s.inbox.clear();
        }
        cluster.world("cluster set up".to_string());
        Ok(cluster)
    }

    fn validate(&self) -> Result<(), ClusterError> {
        let mut seen = BTreeSet::new();
        for host in &self.agents {
            if !seen.insert(host) {
                return Err(ClusterError::Duplicate {
                    what: "agent",
                    name: host.clone(),
                });
            }
        }
        let mut names = BTreeSet::new();
        for f in &self.frameworks {
            if !names.insert(&f.info.id) {
                return Err(ClusterError::Duplicate {
                    what: "framework",
                    name: f.info.id.clone(),
                });
            }
        }
        let mut tasks = BTreeSet::new();
        for (framework, task, host) in &self.tasks {
            if !self.has_framework(framework) {
                return Err(ClusterError::UnknownFramework(framework.clone()));
            }
            if !self.has_agent(host) {
                return Err(ClusterError::UnknownAgent(host.clone()));
            }
            if !tasks.insert(task) {
                return Err(ClusterError::Duplicate {
                    what: "task",
                    name: task.clone(),
                });
            }
        }
        for (task, framework) in &self.finished_unacknowledged {
            if !self
                .tasks
                .iter()
                .any(|(f, t, _)| t == task && f == framework)
            {
                return Err(ClusterError::UnknownTask(task.clone()));
            }
        }
        Ok(())
    }
}

/// A running simulated cluster.
#[derive(Debug)]
pub struct Cluster {
    now: Instant,
    version: Version,
    master_flags: MasterFlags,
    agent_flags: AgentFlags,
    seed: u64,
    registry_latency: Duration,
    master: Master,
    agents: BTreeMap<String, Agent>,
    network: Network,
    schedulers: BTreeMap<FrameworkId, Scheduler>,
    trace: Vec<TraceEntry>,
    events: u64,
    event_limit: u64,
    runaway: Option<String>,
    operator_responses: Vec<OperatorResponse>,
    /// The latest agent ID each host had.
    known_ids: BTreeMap<String, AgentId>,
    pending_failover: bool,
    /// How long `settle` waits for messages in flight on a real-time wire.
    settle_time: Duration,
    /// Pings and pongs put on the wire and not recorded in the trace.
    heartbeats: u64,
    /// Whether quiet stretches of heartbeats are applied in bulk.
    fast_forward: bool,
    /// When to look for a quiet stretch again after finding none.
    skip_retry_at: Instant,
    /// Each agent's next timer, indexed by instant, so that finding the next due
    /// agent does not visit every agent.
    agent_due: BTreeMap<String, Instant>,
    due_agents: BTreeSet<(Instant, String)>,
    /// Agents touched since the last drain: only they can have outputs.
    dirty: BTreeSet<String>,
    /// The agent processes that are alive (registered or trying to be).
    alive: BTreeSet<String>,
}

impl Cluster {
    pub fn builder() -> ClusterBuilder {
        ClusterBuilder::default()
    }

    // ----- Observation ---------------------------------------------------------

    pub fn now(&self) -> Instant {
        self.now
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn version(&self) -> Version {
        self.version
    }

    pub fn master(&self) -> &Master {
        &self.master
    }

    pub fn master_flags(&self) -> &MasterFlags {
        &self.master_flags
    }

    pub fn trace(&self) -> &[TraceEntry] {
        &self.trace
    }

    pub fn agent(&self, host: &str) -> Option<&Agent> {
        self.agents.get(host)
    }

    pub fn hosts(&self) -> impl Iterator<Item = &str> {
        self.agents.keys().map(String::as_str)
    }

    /// The latest ID of the agent on `host`, whether or not it is registered now.
    pub fn agent_id(&self, host: &str) -> Option<&AgentId> {
        self.agents
            .get(host)
            .and_then(|a| a.id())
            .or_else(|| self.known_ids.get(host))
    }

    pub fn frameworks(&self) -> impl Iterator<Item = &str> {
        self.schedulers.keys().map(String::as_str)
    }

    pub fn has_framework(&self, name: &str) -> bool {
        self.schedulers.contains_key(name)
    }

    /// Everything the framework's scheduler received since the end of setup.
    pub fn inbox(&self, framework: &str) -> &[Received] {
        self.schedulers
            .get(framework)
            .map(|s| s.inbox.as_slice())
            .unwrap_or(&[])
    }

    pub fn operator_responses(&self) -> &[OperatorResponse] {
        &self.operator_responses
    }

    /// Set when the scenario exceeded its bound on model events.
    pub fn runaway(&self) -> Option<&str> {
        self.runaway.as_deref()
    }

    /// Pings (with `connected=true`) and pongs sent, which the trace leaves out.
    pub fn heartbeats(&self) -> u64 {
        self.heartbeats
    }

    pub fn events_processed(&self) -> u64 {
        self.events
    }

    // ----- Time ----------------------------------------------------------------

    /// Lets `d` pass: processes every event due before `now + d`.
    pub fn advance(&mut self, d: Duration) {
        self.advance_to(self.now + d);
    }

    /// Processes every event due before `t`, then stands at `t`.
    pub fn advance_to(&mut self, t: Instant) {
        while self.step(t, false) {}
        if t > self.now {
            self.now = t;
        }
    }

    /// Processes every event due at or before the current instant. On a real-time
    /// wire, it first waits a moment for what is in flight to arrive.
    pub fn settle(&mut self) {
        if self.network.is_real_time() {
            let until = self.now + self.settle_time;
            while self.step(until, true) {}
            return;
        }
        let now = self.now;
        while self.step(now, true) {}
    }

    /// Carries messages on `wire` from now on. With a real-time wire, virtual time
    /// follows the wire's clock and [`Cluster::settle`] waits `settle_time` for
    /// messages in flight.
    pub fn set_wire(&mut self, wire: Box<dyn super::network::Wire>, settle_time: Duration) {
        self.network.set_wire(wire);
        self.settle_time = settle_time;
    }

    /// Whether time follows a real clock (the networked runtime).
    pub fn is_real_time(&self) -> bool {
        self.network.is_real_time()
    }

    /// The next instant anything is due.
    fn next_due(&self) -> Option<Instant> {
        [
            self.network.next_delivery(),
            self.master.poll_timeout(),
            self.due_agents.first().map(|(at, _)| *at),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Processes one event due before (or at, with `inclusive`) `limit`.
    fn step(&mut self, limit: Instant, inclusive: bool) -> bool {
        if self.runaway.is_some() {
            return false;
        }
        if self.network.is_real_time() {
            // Real time: wait for the next timer or the limit, or until a message
            // arrives, whichever comes first.
            let deadline = self.next_due().map_or(limit, |t| t.min(limit));
            if deadline > self.now {
                self.now = self.now.max(self.network.wait(self.now, deadline));
            }
        }
        if self.fast_forward {
            self.skip_heartbeats(limit);
        }
        let Some(t) = self.next_due() else {
            return false;
        };
        if t > limit || (t == limit && !inclusive) {
            return false;
        }
        self.now = self.now.max(t);
        let t = self.now;
        if self.network.next_delivery().is_some_and(|d| d <= t) {
            self.deliver(t);
        } else if self.master.poll_timeout().is_some_and(|d| d <= t) {
            self.master.handle_timeout(t);
        } else if let Some((_, host)) = self.due_agents.first().filter(|(d, _)| *d <= t).cloned() {
            if let Some(agent) = self.agents.get_mut(&host) {
                agent.handle_timeout(t);
            }
            self.touched(&host);
        }
        self.drain();
        self.events += 1;
        if self.events > self.event_limit {
            self.runaway = Some(format!(
                "the scenario exceeded its bound of {} model events at {}; it is probably stuck in a loop",
                self.event_limit, self.now
            ));
        }
        true
    }

    /// Heartbeats in bulk: while nothing but answered pings can happen before
    /// `limit` (every live agent registered and quiet on a clear link, or cut off
    /// and unknown to the master; no latency; no other timer due), each observer's
    /// ticks before then are applied at once: the
    /// ping answered, the counter at zero, the agent's ping timer re-armed from the
    /// last ping. The outcome is the one stepping event by event gives; a model
    /// test checks that on random scenarios.
    fn skip_heartbeats(&mut self, limit: Instant) {
        if self.now < self.skip_retry_at
            || self.network.is_real_time()
            || !self.network.latency().is_zero()
            || self.network.next_delivery().is_some()
            || self.pending_failover
        {
            return;
        }
        // Cheap first: only when a heartbeat is next and before the limit.
        match self.master.first_timer_is_tick() {
            Some(first) if first < limit => {}
            _ => return,
        }
        let period = self.master_flags.agent_ping_timeout;
        // Every live agent is either registered and quiet on a clear link, or cut off
        // from the master and unknown to it: what it sends is lost at once and it
        // hears nothing, so its retries do not interact with the heartbeats.
        let quiet = self.master.quiet_observers().filter(|ticks| {
            let registered: BTreeSet<&str> = ticks.iter().map(|(id, _)| id.host.as_str()).collect();
            ticks
                .iter()
                .all(|(id, _)| self.network.is_host_clear(&id.host))
                && self.alive.iter().all(|host| {
                    registered.contains(host.as_str())
                        || (self.network.is_cut(host, Direction::ToMaster)
                            && self.master.registered_on(host).is_none())
                })
        });
        let Some(ticks) = quiet else {
            // Not quiet: step event by event for a ping period before looking again,
            // so that a busy cluster does not pay for the check at every event.
            self.skip_retry_at = self.now + period;
            return;
        };
        let mut horizon = limit;
        if let Some(t) = self.master.next_other_timer() {
            horizon = horizon.min(t);
        }
        let mut agents = Vec::with_capacity(ticks.len());
        for (id, _) in &ticks {
            let Some(agent) = self.agents.get(&id.host) else {
                return;
            };
            // An agent that waits no longer than the ping period could time out on
            // the very instant of a tick: step those one by one.
            match agent.quiet_ping_timeout() {
                Some(timeout) if agent.id() == Some(id) && timeout > period => {}
                _ => return,
            }
            if let Some(t) = agent.next_other_timer() {
                horizon = horizon.min(t);
            }
            agents.push(id.host.clone());
        }
        let mut moves = Vec::new();
        if ticks.first().is_none_or(|(_, first)| *first >= horizon) {
            // Something else happens first: look again once it has.
            self.skip_retry_at = horizon;
            return;
        }
        for ((id, next), host) in ticks.into_iter().zip(agents) {
            if next >= horizon {
                continue;
            }
            // Ticks at next, next + T, ... before the horizon.
            let span = (horizon - next).as_millis();
            let count = span.div_ceil(period.as_millis().max(1));
            let last = next + period * (count - 1);
            moves.push((id, last + period));
            self.agents
                .get_mut(&host)
                .expect("checked above")
                .pinged_at(last);
            self.touched(&host);
            self.heartbeats += 2 * count;
        }
        // Re-armed in the order the ticks were due, as stepping would.
        moves.sort_by_key(|(_, at)| *at);
        self.master.skip_ticks(&moves);
    }

    fn deliver(&mut self, t: Instant) {
        if let Some(host) = self.network.take_closed() {
            self.master.handle(t, MasterInput::Exited { host });
            return;
        }
        let Some((flight, lost)) = self.network.pop_due(t) else {
            return;
        };
        if lost {
            self.record(TraceEvent::Dropped {
                from: flight.from,
                to: flight.to,
                message: flight.message,
                why: "partitioned while in flight".to_string(),
            });
            return;
        }
        match (&flight.from, &flight.to) {
            (Endpoint::Agent(host), Endpoint::Master) => self.master.handle(
                t,
                MasterInput::Message {
                    from: host.clone(),
                    message: flight.message,
                },
            ),
            (_, Endpoint::Agent(host)) => {
                if let Some(agent) = self.agents.get_mut(host) {
                    agent.handle(t, AgentInput::Message(flight.message));
                    let host = host.clone();
                    self.touched(&host);
                }
            }
            _ => {}
        }
    }

    /// Routes every output until the state machines are quiet.
    fn drain(&mut self) {
        loop {
            let mut progressed = false;
            while let Some(output) = self.master.poll_output() {
                progressed = true;
                self.on_master_output(output);
            }
            let mut outputs = Vec::new();
            for host in std::mem::take(&mut self.dirty) {
                if let Some(agent) = self.agents.get_mut(&host) {
                    while let Some(output) = agent.poll_output() {
                        outputs.push((host.clone(), output));
                    }
                }
            }
            for (host, output) in outputs {
                progressed = true;
                self.on_agent_output(&host, output);
            }
            if self.pending_failover {
                self.pending_failover = false;
                self.master_failover();
                progressed = true;
            }
            if !progressed {
                break;
            }
        }
    }

    fn record(&mut self, event: TraceEvent) {
        self.trace.push(TraceEntry {
            at: self.now,
            event,
        });
    }

    fn world(&mut self, text: String) {
        self.record(TraceEvent::World(text));
    }

    /// Adds a step marker to the timeline.
    pub fn record_step(&mut self, text: &str) {
        self.record(TraceEvent::Step(text.to_string()));
    }

    fn on_master_output(&mut self, output: MasterOutput) {
        match output {
            MasterOutput::Send { to, message } => {
                self.put_on_wire(Endpoint::Master, Endpoint::Agent(to), message)
            }
            MasterOutput::Framework { framework, event } => {
                let ack = match &event {
                    FrameworkEvent::Update(u) => u.uuid.map(|uuid| (u.task.clone(), uuid, u.state)),
                    _ => None,
                };
                let now = self.now;
                let Some(scheduler) = self.schedulers.get_mut(&framework) else {
                    return;
                };
                scheduler.inbox.push(Received {
                    at: now,
                    event: event.clone(),
                });
                // Only the terminal update of a withheld task goes unacknowledged.
                let withheld = ack.as_ref().is_some_and(|(task, _, state)| {
                    state.is_terminal() && scheduler.withheld.contains(task)
                });
                self.record(TraceEvent::Received {
                    framework: framework.clone(),
                    event,
                });
                if let Some((task, uuid, _)) = ack.filter(|_| !withheld) {
                    self.master.handle(
                        now,
                        MasterInput::Call(Call::Acknowledge {
                            framework,
                            task,
                            uuid,
                        }),
                    );
                }
            }
            MasterOutput::OperatorResponse { status, message } => {
                self.operator_responses.push(OperatorResponse {
                    at: self.now,
                    status,
                    message,
                });
            }
            MasterOutput::Fact(fact) => {
                match &fact {
                    Fact::AgentAdmitted { agent } => {
                        self.known_ids.insert(agent.host.clone(), agent.clone());
                    }
                    Fact::MasterExited { .. } => self.pending_failover = true,
                    _ => {}
                }
                self.record(TraceEvent::Master(fact));
            }
        }
    }

    fn on_agent_output(&mut self, host: &str, output: AgentOutput) {
        match output {
            AgentOutput::Send(message) => {
                self.put_on_wire(Endpoint::Agent(host.to_string()), Endpoint::Master, message)
            }
            AgentOutput::ProcessExited => {
                // The OS closes the socket; the master hears of it if the link lets
                // the connection's end through.
                self.network.forget_messages_to(host);
                if !self.network.is_cut(host, Direction::ToMaster)
                    && !self.network.close_connection(host)
                {
                    self.master.handle(
                        self.now,
                        MasterInput::Exited {
                            host: host.to_string(),
                        },
                    );
                }
            }
            AgentOutput::Fact(fact) => self.record(TraceEvent::Agent(fact)),
        }
    }

    fn put_on_wire(&mut self, from: Endpoint, to: Endpoint, message: super::message::Message) {
        // Heartbeats that go through are most of a long scenario and say nothing a
        // person needs: they are counted, not recorded. Lost ones are recorded.
        let heartbeat = matches!(
            message,
            super::message::Message::Ping {
                connected: true,
                ..
            } | super::message::Message::Pong { .. }
        );
        let sent = if heartbeat {
            None
        } else {
            Some(message.clone())
        };
        match self
            .network
            .send(self.now, from.clone(), to.clone(), message)
        {
            Sent::Queued => match sent {
                Some(message) => self.record(TraceEvent::Sent { from, to, message }),
                None => self.heartbeats += 1,
            },
            Sent::Dropped { message, why } => self.record(TraceEvent::Dropped {
                from,
                to,
                message,
                why,
            }),
        }
    }

    fn master_input(&mut self, input: MasterInput) {
        self.master.handle(self.now, input);
        self.drain();
    }

    fn agent_input(&mut self, host: &str, input: AgentInput) -> Result<(), ClusterError> {
        let agent = self
            .agents
            .get_mut(host)
            .ok_or_else(|| ClusterError::UnknownAgent(host.to_string()))?;
        agent.handle(self.now, input);
        self.touched(host);
        self.drain();
        Ok(())
    }

    /// Re-indexes an agent after it handled something: its next timer, whether it
    /// is alive, and that it may have outputs.
    fn touched(&mut self, host: &str) {
        let Some(agent) = self.agents.get(host) else {
            return;
        };
        let next = agent.poll_timeout();
        let alive = agent.is_alive();
        let old = self.agent_due.get(host).copied();
        if old != next {
            if let Some(old) = old {
                self.due_agents.remove(&(old, host.to_string()));
            }
            match next {
                Some(at) => {
                    self.agent_due.insert(host.to_string(), at);
                    self.due_agents.insert((at, host.to_string()));
                }
                None => {
                    self.agent_due.remove(host);
                }
            }
        }
        if alive != self.alive.contains(host) {
            if alive {
                self.alive.insert(host.to_string());
            } else {
                self.alive.remove(host);
            }
        }
        if !self.dirty.contains(host) {
            self.dirty.insert(host.to_string());
        }
    }

    fn require_agent(&self, host: &str) -> Result<(), ClusterError> {
        if self.agents.contains_key(host) {
            Ok(())
        } else {
            Err(ClusterError::UnknownAgent(host.to_string()))
        }
    }

    fn require_framework(&self, name: &str) -> Result<(), ClusterError> {
        if self.schedulers.contains_key(name) {
            Ok(())
        } else {
            Err(ClusterError::UnknownFramework(name.to_string()))
        }
    }

    /// A scheduler can only make calls while subscribed to the current master.
    fn require_subscribed(&self, name: &str) -> Result<(), ClusterError> {
        self.require_framework(name)?;
        if self.schedulers[name].subscribed {
            Ok(())
        } else {
            Err(ClusterError::Refused(format!(
                "\"{name}\" is not subscribed to the master (it disconnected, or the master failed over); add `When \"{name}\" resubscribes` first"
            )))
        }
    }

    fn start_agent(&mut self, host: &str, immediately: bool) {
        let seed = agent_seed(self.seed, host);
        let mut agent = Agent::new(host, self.version, self.agent_flags.clone(), seed);
        agent.start(self.now, immediately);
        self.agents.insert(host.to_string(), agent);
        self.touched(host);
        self.drain();
    }

    fn subscribe(&mut self, framework: &str) {
        let Some(s) = self.schedulers.get_mut(framework) else {
            return;
        };
        s.subscribed = true;
        let call = Call::Subscribe {
            info: s.info.clone(),
            failover_timeout: s.failover_timeout,
        };
        self.master_input(MasterInput::Call(call));
    }

    // ----- When: the network ---------------------------------------------------

    /// Moves to the instant the master's next ping to the agent is due, before it
    /// is sent.
    pub fn advance_to_next_ping(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.settle();
        let due = self
            .master
            .registered_on(host)
            .cloned()
            .and_then(|id| self.master.next_ping_at(&id))
            .ok_or_else(|| {
                ClusterError::Refused(format!(
                    "the master is not pinging agent \"{host}\": it is not registered"
                ))
            })?;
        self.advance_to(due);
        Ok(())
    }

    /// Cuts both directions of the link to the agent.
    pub fn partition(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.network.set_cut(host, Direction::ToMaster, true);
        self.network.set_cut(host, Direction::ToAgent, true);
        self.world(format!("partitioned agent {host} from the master"));
        Ok(())
    }

    pub fn cut(&mut self, host: &str, direction: Direction) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.network.set_cut(host, direction, true);
        self.world(match direction {
            Direction::ToMaster => format!("dropping messages from agent {host} to the master"),
            Direction::ToAgent => format!("dropping messages from the master to agent {host}"),
        });
        Ok(())
    }

    pub fn drop_kind(
        &mut self,
        host: &str,
        direction: Direction,
        kind: MessageKind,
        only_next: bool,
    ) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        if only_next {
            self.network.drop_next(host, direction, kind);
        } else {
            self.network.drop_kind(host, direction, kind);
        }
        let way = match direction {
            Direction::ToMaster => format!("from agent {host} to the master"),
            Direction::ToAgent => format!("from the master to agent {host}"),
        };
        self.world(if only_next {
            format!("dropping the next {kind} {way}")
        } else {
            format!("dropping {kind} messages {way}")
        });
        Ok(())
    }

    /// Ends every cut and drop rule on the agent's link.
    pub fn heal(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.network.heal_host(host);
        self.world(format!("healed the link to agent {host}"));
        Ok(())
    }

    pub fn heal_all(&mut self) {
        self.network.heal_all();
        self.world("healed the network".to_string());
    }

    /// The master's socket to the agent closes (rule B): disconnected, not partitioned.
    pub fn break_connection(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.world(format!("the master's connection to agent {host} broke"));
        // On real sockets the connection is closed and the master hears of it when
        // its side sees the end; on the simulated wire, at once.
        if !self.network.close_connection(host) {
            self.master_input(MasterInput::Exited {
                host: host.to_string(),
            });
        }
        Ok(())
    }

    // ----- When: agents --------------------------------------------------------

    /// A new agent joins now; its ping grid starts now.
    pub fn register_agent(&mut self, host: &str) -> Result<(), ClusterError> {
        if self.agents.contains_key(host) {
            return Err(ClusterError::Duplicate {
                what: "agent",
                name: host.to_string(),
            });
        }
        self.world(format!("agent {host} started"));
        self.start_agent(host, true);
        // Registered at this instant, like the agents of the Given steps.
        self.settle();
        Ok(())
    }

    pub fn redetect(&mut self, host: &str) -> Result<(), ClusterError> {
        self.agent_input(host, AgentInput::Redetect)
    }

    /// Ends every cut and drop rule on the agent's link, then lets time pass until
    /// the agent is registered and connected again, or has been refused.
    pub fn reconnect(&mut self, host: &str) -> Result<(), ClusterError> {
        self.heal(host)?;
        let deadline = self.now + RECONNECT_BOUND;
        loop {
            self.settle();
            if let Some(why) = &self.runaway {
                return Err(ClusterError::Runaway(why.clone()));
            }
            let agent = &self.agents[host];
            match agent.state() {
                AgentState::HostDead => {
                    return Err(ClusterError::Refused(format!(
                        "agent \"{host}\" cannot reconnect: its host died"
                    )));
                }
                AgentState::Terminated => return Ok(()),
                AgentState::Running => {
                    let registered = agent.id().is_some_and(|id| {
                        self.master.registered_on(host) == Some(id)
                            && self.master.agent_status(id)
                                == super::master::AgentStatus::Registered
                    });
                    if registered {
                        return Ok(());
                    }
                }
                AgentState::Disconnected => {}
            }
            match self.next_due() {
                Some(t) if t <= deadline => {
                    self.advance_to(t);
                }
                _ => {
                    return Err(ClusterError::Refused(format!(
                        "agent \"{host}\" did not reconnect within {RECONNECT_BOUND}"
                    )));
                }
            }
        }
    }

    pub fn restart(&mut self, host: &str, wipe: bool) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.world(if wipe {
            format!("agent {host} restarted with an empty work directory")
        } else {
            format!("agent {host} restarted")
        });
        self.agent_input(host, AgentInput::Restart { wipe })
    }

    pub fn shutdown_gracefully(&mut self, host: &str) -> Result<(), ClusterError> {
        self.agent_input(host, AgentInput::ShutdownGracefully)
    }

    pub fn host_dies(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.network.forget_messages_to(host);
        self.agent_input(host, AgentInput::HostDied)
    }

    // ----- When: the master and the operator -----------------------------------

    /// A new master is leader now and has recovered the registry (rule K).
    /// Schedulers must resubscribe; agents re-detect the master.
    pub fn master_failover(&mut self) {
        let registry = self.master.durable_registry();
        self.world("the master failed over".to_string());
        self.master = Master::new(
            self.version,
            self.master_flags.clone(),
            self.now,
            registry,
            self.registry_latency,
        );
        for s in self.schedulers.values_mut() {
            s.subscribed = false;
        }
        let hosts: Vec<String> = self.agents.keys().cloned().collect();
        for host in hosts {
            if let Some(agent) = self.agents.get_mut(&host) {
                agent.handle(self.now, AgentInput::MasterElected);
            }
            self.touched(&host);
        }
        self.drain();
    }

    pub fn mark_gone(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        let agent = self.agent_id(host).cloned().unwrap_or(AgentId {
            host: host.to_string(),
            incarnation: 0,
        });
        self.master_input(MasterInput::Operator(OperatorRequest::MarkAgentGone {
            agent,
        }));
        Ok(())
    }

    pub fn machine_down(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.master_input(MasterInput::Operator(OperatorRequest::MachineDown {
            host: host.to_string(),
        }));
        Ok(())
    }

    // ----- When: frameworks ----------------------------------------------------

    pub fn launch(&mut self, framework: &str, task: &str, host: &str) -> Result<(), ClusterError> {
        self.require_subscribed(framework)?;
        self.require_agent(host)?;
        self.master_input(MasterInput::Call(Call::Launch {
            framework: framework.to_string(),
            task: task.to_string(),
            host: host.to_string(),
        }));
        Ok(())
    }

    pub fn kill(
        &mut self,
        framework: &str,
        task: &str,
        host: Option<&str>,
    ) -> Result<(), ClusterError> {
        self.require_subscribed(framework)?;
        let agent = match host {
            Some(h) => Some(self.agent_ref(h)?),
            None => None,
        };
        self.master_input(MasterInput::Call(Call::Kill {
            framework: framework.to_string(),
            task: task.to_string(),
            agent,
        }));
        Ok(())
    }

    /// The agent ID a framework would name for `host`.
    fn agent_ref(&self, host: &str) -> Result<AgentId, ClusterError> {
        self.agent_id(host)
            .cloned()
            .ok_or_else(|| ClusterError::UnknownAgent(host.to_string()))
    }

    /// Explicit reconciliation of one task, optionally naming its agent;
    /// `unknown_agent` names an agent ID the master never saw.
    pub fn reconcile(
        &mut self,
        framework: &str,
        task: &str,
        host: Option<&str>,
        unknown_agent: bool,
    ) -> Result<(), ClusterError> {
        self.require_subscribed(framework)?;
        let agent = if unknown_agent {
            Some(AgentId {
                host: "unknown-agent".to_string(),
                incarnation: 1,
            })
        } else {
            match host {
                Some(h) => Some(self.agent_ref(h)?),
                None => None,
            }
        };
        self.master_input(MasterInput::Call(Call::Reconcile {
            framework: framework.to_string(),
            tasks: vec![(task.to_string(), agent)],
        }));
        Ok(())
    }

    /// Implicit reconciliation (rule H1).
    pub fn reconcile_all(&mut self, framework: &str) -> Result<(), ClusterError> {
        self.require_subscribed(framework)?;
        self.master_input(MasterInput::Call(Call::Reconcile {
            framework: framework.to_string(),
            tasks: Vec::new(),
        }));
        Ok(())
    }

    pub fn disconnect(&mut self, framework: &str) -> Result<(), ClusterError> {
        self.require_framework(framework)?;
        self.world(format!("framework {framework} disconnected"));
        self.schedulers
            .get_mut(framework)
            .expect("checked above")
            .subscribed = false;
        self.master_input(MasterInput::Call(Call::Disconnect {
            framework: framework.to_string(),
        }));
        Ok(())
    }

    pub fn resubscribe(&mut self, framework: &str) -> Result<(), ClusterError> {
        self.require_framework(framework)?;
        self.world(format!("framework {framework} resubscribed"));
        self.subscribe(framework);
        Ok(())
    }

    pub fn teardown(&mut self, framework: &str) -> Result<(), ClusterError> {
        self.require_framework(framework)?;
        self.world(format!("framework {framework} was torn down"));
        self.master_input(MasterInput::Call(Call::Teardown {
            framework: framework.to_string(),
        }));
        Ok(())
    }

    // ----- When: tasks ---------------------------------------------------------

    fn host_of_task(&self, task: &str) -> Result<String, ClusterError> {
        self.agents
            .iter()
            .find(|(_, a)| a.task_state(task).is_some())
            .map(|(h, _)| h.clone())
            .ok_or_else(|| ClusterError::UnknownTask(task.to_string()))
    }

    pub fn task_finishes(&mut self, task: &str) -> Result<(), ClusterError> {
        let host = self.host_of_task(task)?;
        self.agent_input(
            &host,
            AgentInput::TaskFinished {
                task: task.to_string(),
            },
        )
    }

    pub fn task_fails(&mut self, task: &str) -> Result<(), ClusterError> {
        let host = self.host_of_task(task)?;
        self.agent_input(
            &host,
            AgentInput::TaskFailed {
                task: task.to_string(),
            },
        )
    }

    pub fn executor_exits(&mut self, task: &str) -> Result<(), ClusterError> {
        let host = self.host_of_task(task)?;
        self.agent_input(
            &host,
            AgentInput::ExecutorExited {
                task: task.to_string(),
            },
        )
    }
}

/// Each agent's random stream depends on the scenario seed and its host only, so
/// adding an agent does not change the others' backoffs.
fn agent_seed(seed: u64, host: &str) -> u64 {
    // FNV-1a over the host name, mixed with the seed.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in host.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
