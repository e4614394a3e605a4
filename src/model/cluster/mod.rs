//! The simulator: a master, its agents, the network between them and the
//! frameworks' schedulers, driven by virtual time.
//!
//! [`Cluster`] owns the clock. It jumps from one due event to the next (a message
//! arriving, a master or agent timer), delivers it, and routes what the state
//! machines output: messages onto the [`Network`], events into framework inboxes,
//! facts into the [`TraceEntry`] log. Schedulers acknowledge reliable updates at
//! once unless a task's acknowledgements are withheld; otherwise a framework acts
//! when a step tells it to, or when its policies do ([`crate::model::policy`]).
//!
//! Instants are settled lazily: [`Cluster::advance_to`] processes everything due
//! *before* the target, so a step applied at that instant takes effect before the
//! model's own events due then; [`Cluster::settle`] processes those too (Then
//! steps call it before looking).
//!
//! This file holds the cluster's state and what steps observe; the rest is split
//! by what it changes for:
//!
//! - `builder`: the Given steps, the cluster at time 0;
//! - `clock`: advancing virtual time, one due event at a time;
//! - `fast_forward`: quiet stretches of heartbeats applied in bulk;
//! - `routing`: routing the state machines' outputs, the schedulers' automatic
//!   acknowledgements, and the trace;
//! - `world`: When steps on the network, the agents, the master and the operator;
//! - `frameworks`: When steps of the frameworks' schedulers and their tasks;
//! - `policies`: frameworks that act: their policies, placement and the record of
//!   running copies.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

use super::agent::Agent;
use super::flags::{AgentFlags, MasterFlags};
use super::master::Master;
use super::message::{AgentId, FrameworkEvent, FrameworkId, FrameworkInfo, Name, TaskId};
use super::network::Network;
use super::trace::TraceEntry;
use super::version::Version;
use crate::time::{Duration, Instant};

mod builder;
mod clock;
mod fast_forward;
mod frameworks;
mod policies;
mod routing;
mod world;

pub use builder::ClusterBuilder;
pub use policies::RunningChange;

/// The default bound on model events per scenario.
pub const DEFAULT_EVENT_LIMIT: u64 = 1_000_000;

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
    /// Policies and the book of instances, for a framework that acts.
    conduct: Option<policies::Conduct>,
}

/// Whether a framework has the `PARTITION_AWARE` capability (Mesos 1.1 and later).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Awareness {
    PartitionAware,
    NotAware,
}

/// Whether a framework checkpoints (`FrameworkInfo.checkpoint`): its tasks survive an
/// agent restart and a broken connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checkpointing {
    On,
    Off,
}

/// What an agent restart keeps of its work directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkDir {
    /// The agent recovers its ID, tasks and checkpointed updates.
    Kept,
    /// The agent starts as a new agent (`rm -rf` of the work directory).
    Wiped,
}

/// Which messages of a kind a link drops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drops {
    /// Only the next one.
    Next,
    /// Every one, until the link heals.
    All,
}

/// Which agent an explicit reconciliation names for its task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReconcileOn<'a> {
    /// No agent: the master looks the task up.
    AnyAgent,
    /// The agent on this host.
    Agent(&'a str),
    /// An agent ID the master never saw.
    UnknownAgent,
}

/// Whether the simulator applies quiet stretches of answered pings in bulk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FastForward {
    On,
    Off,
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
    agents: BTreeMap<Name, Agent>,
    network: Network,
    schedulers: BTreeMap<FrameworkId, Scheduler>,
    trace: Vec<TraceEntry>,
    events: u64,
    event_limit: u64,
    runaway: Option<String>,
    operator_responses: Vec<OperatorResponse>,
    /// The latest agent ID each host had.
    known_ids: BTreeMap<String, AgentId>,
    /// Agents declared to start later, not started yet.
    not_started: BTreeSet<String>,
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
    agent_due: BTreeMap<Name, Instant>,
    due_agents: BTreeSet<(Instant, Name)>,
    /// Agents touched since the last drain: only they can have outputs.
    dirty: BTreeSet<Name>,
    /// The agent processes that are alive (registered or trying to be).
    alive: BTreeSet<Name>,
    /// Events waiting for the frameworks' policies, oldest first.
    policy_queue: VecDeque<(FrameworkId, policies::PolicyEvent)>,
    policy_timers: BTreeSet<policies::PolicyTimer>,
    timer_seq: u64,
    /// Set while a policy's actions are carried out: events they cause wait.
    in_policy: bool,
    /// Whether the policies have started (the end of setup).
    policies_live: bool,
    /// Whether any framework has a book whose running copies are recorded.
    tracking: bool,
    /// How many live tasks each agent has room for; unlimited when absent.
    capacity: BTreeMap<String, usize>,
    /// Agents touched since the running copies were last recorded.
    running_dirty: BTreeSet<String>,
    /// Copies whose wait for an agent with room was already recorded.
    announced_waiting: BTreeSet<TaskId>,
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
        self.agents.keys().map(Name::as_str)
    }

    /// The latest ID of the agent on `host`, whether or not it is registered now.
    pub fn agent_id(&self, host: &str) -> Option<&AgentId> {
        self.agents
            .get(host)
            .and_then(|a| a.id())
            .or_else(|| self.known_ids.get(host))
    }

    pub fn frameworks(&self) -> impl Iterator<Item = &str> {
        self.schedulers.keys().map(Name::as_str)
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
}
