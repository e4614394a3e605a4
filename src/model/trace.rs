//! The trace: every message, decision and framework event, with its instant.
//!
//! The simulator records a [`TraceEntry`] for everything that happens, in the
//! order it happens, except the heartbeats that go through (pings with
//! `connected=true` and pongs), which it only counts: they would be most of a long
//! scenario. Lost heartbeats are recorded. Then-steps read it, failures print it as a timeline of
//! Mesos-style log lines, and two runs with the same inputs give equal traces.

use std::fmt;

use super::message::{AgentId, FrameworkEvent, FrameworkId, Message, Name, TaskId};
use crate::time::Instant;

/// A decision or state change of the master or an agent, in the past tense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    // The master.
    AgentAdmitted {
        agent: AgentId,
    },
    /// A known agent reregistered (rule E6).
    AgentReconnected {
        agent: AgentId,
    },
    /// An unreachable, unknown or recovered agent was re-admitted (rule E3).
    AgentReadmitted {
        agent: AgentId,
        was: &'static str,
    },
    AgentDisconnected {
        agent: AgentId,
    },
    /// Rule A4: a tick found no pong since the last ping.
    PingMissed {
        agent: AgentId,
        misses: u32,
        limit: u32,
    },
    /// Rule D4: a registry operation was started (`MarkSlaveUnreachable`, ...).
    RegistryWriteStarted {
        operation: &'static str,
        agent: AgentId,
    },
    UnreachableScheduled {
        agent: AgentId,
        cause: String,
    },
    UnreachableCanceled {
        agent: AgentId,
    },
    AgentMarkedUnreachable {
        agent: AgentId,
        cause: String,
    },
    AgentRemoved {
        agent: AgentId,
        cause: String,
    },
    /// Before 1.1: a recovered agent that did not reregister after a failover is
    /// deleted from the registry, and nobody is told (rule K3).
    RecoveredAgentForgotten {
        agent: AgentId,
    },
    AgentMarkedGone {
        agent: AgentId,
    },
    ReregistrationIgnored {
        agent: AgentId,
        why: &'static str,
    },
    StatusUpdateDropped {
        agent: AgentId,
        task: TaskId,
        why: &'static str,
    },
    RegistryPruned {
        agent: AgentId,
        list: &'static str,
    },
    FrameworkRemoved {
        framework: FrameworkId,
    },
    SubscriptionRefused {
        framework: FrameworkId,
        why: String,
    },
    MasterElected {
        recovered_agents: usize,
    },
    /// Rule K3: too many agents failed to reregister; the master exits.
    MasterExited {
        why: String,
    },
    OperatorResponse {
        request: String,
        status: u16,
    },
    // An agent.
    AgentGaveUpOnMaster {
        agent: AgentId,
    },
    AgentForcedReregistration {
        agent: AgentId,
    },
    AgentShutDown {
        agent: AgentId,
        message: String,
    },
    AgentRestarted {
        agent: AgentId,
        /// With an empty work directory: it comes back as a new agent.
        wiped: bool,
    },
    AgentHostDied {
        host: String,
    },
    AgentTaskKilled {
        agent: AgentId,
        task: TaskId,
    },
    AgentFrameworkShutDown {
        agent: AgentId,
        framework: FrameworkId,
    },
}

impl fmt::Display for Fact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fact::AgentAdmitted { agent } => write!(f, "Registered agent {agent}"),
            Fact::AgentReconnected { agent } => {
                write!(f, "Agent {agent} reregistered (known agent)")
            }
            Fact::AgentReadmitted { agent, was } => {
                write!(f, "Re-admitted {was} agent {agent}")
            }
            Fact::AgentDisconnected { agent } => write!(f, "Agent {agent} disconnected"),
            Fact::PingMissed {
                agent,
                misses,
                limit,
            } => write!(
                f,
                "No pong from agent {agent}: {misses} of {limit} pings missed"
            ),
            Fact::RegistryWriteStarted { operation, agent } => {
                write!(f, "Registry write started: {operation} for agent {agent}")
            }
            Fact::UnreachableScheduled { agent, cause } => {
                write!(
                    f,
                    "Scheduling transition of agent {agent} to UNREACHABLE: {cause}"
                )
            }
            Fact::UnreachableCanceled { agent } => {
                write!(f, "Canceling transition of agent {agent} to UNREACHABLE")
            }
            Fact::AgentMarkedUnreachable { agent, cause } => {
                write!(f, "Marked agent {agent} unreachable: {cause}")
            }
            Fact::AgentRemoved { agent, cause } => write!(f, "Removed agent {agent}: {cause}"),
            Fact::RecoveredAgentForgotten { agent } => write!(
                f,
                "Removed agent {agent} from the registry: it did not reregister after the failover (frameworks are not told)"
            ),
            Fact::AgentMarkedGone { agent } => write!(f, "Marked agent {agent} gone"),
            Fact::ReregistrationIgnored { agent, why } => {
                write!(f, "Ignoring reregistration of agent {agent}: {why}")
            }
            Fact::StatusUpdateDropped { agent, task, why } => {
                write!(
                    f,
                    "Dropping status update for task {task} from agent {agent}: {why}"
                )
            }
            Fact::RegistryPruned { agent, list } => {
                write!(f, "Garbage-collected agent {agent} from the {list} list")
            }
            Fact::FrameworkRemoved { framework } => write!(f, "Removed framework {framework}"),
            Fact::SubscriptionRefused { framework, why } => {
                write!(f, "Refusing subscription of framework {framework}: {why}")
            }
            Fact::MasterElected { recovered_agents } => write!(
                f,
                "Elected as the leading master; recovered {recovered_agents} agent(s) from the registry"
            ),
            Fact::MasterExited { why } => write!(f, "Master exiting: {why}"),
            Fact::OperatorResponse { request, status } => {
                write!(f, "Operator request {request} answered {status}")
            }
            Fact::AgentGaveUpOnMaster { agent } => write!(
                f,
                "Agent {agent}: no ping from the master within the timeout; re-detecting"
            ),
            Fact::AgentForcedReregistration { agent } => write!(
                f,
                "Agent {agent}: master marked the agent as disconnected; forcing re-registration"
            ),
            Fact::AgentShutDown { agent, message } => {
                write!(f, "Agent {agent} shut down: {message}")
            }
            Fact::AgentRestarted {
                agent,
                wiped: false,
            } => write!(f, "Agent {agent} restarted"),
            Fact::AgentRestarted { agent, wiped: true } => write!(
                f,
                "Agent {agent} restarted with an empty work directory; it will register as a new agent"
            ),
            Fact::AgentHostDied { host } => write!(f, "Host {host} died"),
            Fact::AgentTaskKilled { agent, task } => {
                write!(f, "Agent {agent} killed task {task}")
            }
            Fact::AgentFrameworkShutDown { agent, framework } => {
                write!(f, "Agent {agent} shut down framework {framework}")
            }
        }
    }
}

/// One side of a master-agent link.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Endpoint {
    Master,
    Agent(Name),
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Endpoint::Master => f.write_str("master"),
            Endpoint::Agent(host) => f.write_str(host),
        }
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceEvent {
    /// A scenario step began (recorded by the runner, for the timeline).
    Step(String),
    /// A message was put on the wire.
    Sent {
        from: Endpoint,
        to: Endpoint,
        message: Message,
    },
    /// A message was lost on the wire.
    Dropped {
        from: Endpoint,
        to: Endpoint,
        message: Message,
        why: String,
    },
    /// A framework's scheduler received an event from the master.
    Received {
        framework: FrameworkId,
        event: FrameworkEvent,
    },
    /// The master's decision.
    Master(Fact),
    /// An agent's decision.
    Agent(Fact),
    /// Something the network or the world did (a cut, a heal, a failover).
    World(String),
    /// What a framework's scheduler did on its own, following its policies.
    Scheduler {
        framework: FrameworkId,
        what: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEntry {
    pub at: Instant,
    pub event: TraceEvent,
}

impl fmt::Display for TraceEntry {
    /// A log line: `01:30.000 master  Marked agent a1 unreachable: health check timed out`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.at;
        match &self.event {
            TraceEvent::Step(text) => write!(f, "{at} step    {text}"),
            TraceEvent::Sent { from, to, message } => {
                write!(f, "{at} net     {from} -> {to}: {message}")
            }
            TraceEvent::Dropped {
                from,
                to,
                message,
                why,
            } => write!(f, "{at} net     {from} -x {to}: {message} (dropped: {why})"),
            TraceEvent::Received { framework, event } => {
                write!(f, "{at} {framework:<7} received {event}")
            }
            TraceEvent::Master(fact) => write!(f, "{at} master  {fact}"),
            TraceEvent::Agent(fact) => write!(f, "{at} agent   {fact}"),
            TraceEvent::World(text) => write!(f, "{at} world   {text}"),
            TraceEvent::Scheduler { framework, what } => write!(f, "{at} {framework:<7} {what}"),
        }
    }
}
