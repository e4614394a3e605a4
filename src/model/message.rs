//! Messages between the master and its agents, and what frameworks receive.
//!
//! Messages are plain data. Their kinds carry Mesos's names with `Slave` spelt
//! `Agent` (`ReregisterSlaveMessage` is [`MessageKind::ReregisterAgent`]), so that a
//! spec can drop "the next ReregisterAgent from agent a1" by name.

use std::fmt;
use std::str::FromStr;

pub use super::name::Name;
use super::status::{Reason, Source, TaskState, UnknownName};
use crate::time::Instant;

/// An agent's identity at the master. An agent that restarts with an empty work
/// directory, or before Mesos 1.5 after being shut down, comes back with a new one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentId {
    /// The agent's host, as the spec names it ("a1").
    pub host: Name,
    /// 1 for the first agent on that host, 2 for the next, ...
    pub incarnation: u32,
}

impl fmt::Display for AgentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.incarnation == 1 {
            f.write_str(&self.host)
        } else {
            write!(f, "{}#{}", self.host, self.incarnation)
        }
    }
}

/// A framework's name, which is also its ID in the model.
pub type FrameworkId = Name;
/// A task's name, which is also its ID in the model.
pub type TaskId = Name;

/// What the master and agents know of a framework (`FrameworkInfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrameworkInfo {
    pub id: FrameworkId,
    /// `FrameworkInfo.capabilities` contains `PARTITION_AWARE`.
    pub partition_aware: bool,
    /// `FrameworkInfo.checkpoint`: its tasks survive an agent restart.
    pub checkpoint: bool,
}

/// A task as a reregistering agent reports it (`ReregisterSlaveMessage.tasks`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskReport {
    pub framework: FrameworkId,
    pub task: TaskId,
    /// The latest state the agent knows, acknowledged or not.
    pub state: TaskState,
}

/// A status update as the agent sends it to the master (`StatusUpdateMessage`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentUpdate {
    pub framework: FrameworkId,
    pub task: TaskId,
    pub state: TaskState,
    /// The latest state of the task, which may be newer than `state` when earlier
    /// updates are still unacknowledged.
    pub latest_state: TaskState,
    pub reason: Option<Reason>,
    pub source: Source,
    pub message: Option<String>,
    /// Identifies the update for its acknowledgement.
    pub uuid: u64,
}

/// A message on a master-agent link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    // Agent to master.
    RegisterAgent {
        host: String,
    },
    ReregisterAgent {
        agent: AgentId,
        tasks: Vec<TaskReport>,
        frameworks: Vec<FrameworkInfo>,
    },
    /// Answers the ping of the observer watching `agent` (rule A3: any pong counts).
    Pong {
        agent: AgentId,
    },
    StatusUpdate(AgentUpdate),
    ExitedExecutor {
        framework: FrameworkId,
        task: TaskId,
    },
    UnregisterAgent {
        agent: AgentId,
    },
    // Master to agent.
    AgentRegistered {
        agent: AgentId,
        ping_timeout: crate::time::Duration,
    },
    AgentReregistered {
        agent: AgentId,
        ping_timeout: crate::time::Duration,
        /// Rule E6: tasks the master knows and the agent did not report.
        reconcile: Vec<(FrameworkInfo, TaskId)>,
    },
    /// Sent by the observer watching `agent`; `connected` is the master's view of
    /// the agent's socket (rule A9).
    Ping {
        agent: AgentId,
        connected: bool,
    },
    RunTask {
        framework: FrameworkInfo,
        task: TaskId,
    },
    KillTask {
        framework: FrameworkId,
        task: TaskId,
    },
    Shutdown {
        message: String,
    },
    ShutdownFramework {
        framework: FrameworkId,
    },
    /// Sent to every registered agent when a framework (re)subscribes
    /// (`Master::sendFrameworkUpdates`); the agent resends its pending updates.
    UpdateFramework {
        framework: FrameworkId,
    },
    StatusUpdateAcknowledgement {
        framework: FrameworkId,
        task: TaskId,
        uuid: u64,
    },
}

macro_rules! kinds {
    ($( $kind:ident = $name:literal, $mesos:literal; )+) => {
        /// The kind of a [`Message`], named as in Mesos with `Slave` spelt `Agent`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum MessageKind { $( $kind ),+ }

        impl MessageKind {
            pub const ALL: &'static [MessageKind] = &[ $( MessageKind::$kind ),+ ];

            pub const fn name(self) -> &'static str {
                match self { $( MessageKind::$kind => $name ),+ }
            }

            /// The protobuf message's name in the Mesos source.
            pub const fn mesos_name(self) -> &'static str {
                match self { $( MessageKind::$kind => $mesos ),+ }
            }
        }
    };
}

kinds! {
    RegisterAgent = "RegisterAgent", "RegisterSlaveMessage";
    ReregisterAgent = "ReregisterAgent", "ReregisterSlaveMessage";
    Pong = "Pong", "PongSlaveMessage";
    StatusUpdate = "StatusUpdate", "StatusUpdateMessage";
    ExitedExecutor = "ExitedExecutor", "ExitedExecutorMessage";
    UnregisterAgent = "UnregisterAgent", "UnregisterSlaveMessage";
    AgentRegistered = "AgentRegistered", "SlaveRegisteredMessage";
    AgentReregistered = "AgentReregistered", "SlaveReregisteredMessage";
    Ping = "Ping", "PingSlaveMessage";
    RunTask = "RunTask", "RunTaskMessage";
    KillTask = "KillTask", "KillTaskMessage";
    Shutdown = "Shutdown", "ShutdownMessage";
    ShutdownFramework = "ShutdownFramework", "ShutdownFrameworkMessage";
    UpdateFramework = "UpdateFramework", "UpdateFrameworkMessage";
    StatusUpdateAcknowledgement = "StatusUpdateAcknowledgement", "StatusUpdateAcknowledgementMessage";
}

impl fmt::Display for MessageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for MessageKind {
    type Err = UnknownName;

    /// Accepts `Ping`, `PingAgent`, `PingSlaveMessage`, `ReregisterAgentMessage`, ...
    fn from_str(s: &str) -> Result<MessageKind, UnknownName> {
        let normal = s.trim().replace("Slave", "Agent");
        let normal = normal.strip_suffix("Message").unwrap_or(&normal);
        let normal = match normal {
            "PingAgent" => "Ping",
            "PongAgent" => "Pong",
            other => other,
        };
        MessageKind::ALL
            .iter()
            .copied()
            .find(|k| k.name() == normal)
            .ok_or_else(|| UnknownName {
                kind: "message kind",
                input: s.to_string(),
                accepted: MessageKind::ALL.iter().map(|k| k.name()).collect(),
            })
    }
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::RegisterAgent { .. } => MessageKind::RegisterAgent,
            Message::ReregisterAgent { .. } => MessageKind::ReregisterAgent,
            Message::Pong { .. } => MessageKind::Pong,
            Message::StatusUpdate(_) => MessageKind::StatusUpdate,
            Message::ExitedExecutor { .. } => MessageKind::ExitedExecutor,
            Message::UnregisterAgent { .. } => MessageKind::UnregisterAgent,
            Message::AgentRegistered { .. } => MessageKind::AgentRegistered,
            Message::AgentReregistered { .. } => MessageKind::AgentReregistered,
            Message::Ping { .. } => MessageKind::Ping,
            Message::RunTask { .. } => MessageKind::RunTask,
            Message::KillTask { .. } => MessageKind::KillTask,
            Message::Shutdown { .. } => MessageKind::Shutdown,
            Message::ShutdownFramework { .. } => MessageKind::ShutdownFramework,
            Message::UpdateFramework { .. } => MessageKind::UpdateFramework,
            Message::StatusUpdateAcknowledgement { .. } => MessageKind::StatusUpdateAcknowledgement,
        }
    }
}

impl fmt::Display for Message {
    /// A short, log-friendly summary.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Ping { connected, .. } => write!(f, "Ping (connected={connected})"),
            Message::StatusUpdate(u) => write!(
                f,
                "StatusUpdate {} for task {} of framework {}",
                u.state, u.task, u.framework
            ),
            Message::Shutdown { message } => write!(f, "Shutdown \"{message}\""),
            Message::RunTask { task, .. } => write!(f, "RunTask {task}"),
            Message::KillTask { task, .. } => write!(f, "KillTask {task}"),
            Message::ShutdownFramework { framework } => write!(f, "ShutdownFramework {framework}"),
            Message::UpdateFramework { framework } => write!(f, "UpdateFramework {framework}"),
            Message::ReregisterAgent { agent, tasks, .. } => {
                write!(f, "ReregisterAgent {agent} with {} task(s)", tasks.len())
            }
            Message::AgentReregistered {
                agent, reconcile, ..
            } if !reconcile.is_empty() => write!(
                f,
                "AgentReregistered {agent} (reconcile {} task(s))",
                reconcile.len()
            ),
            Message::StatusUpdateAcknowledgement { task, .. } => {
                write!(f, "StatusUpdateAcknowledgement for task {task}")
            }
            other => f.write_str(other.kind().name()),
        }
    }
}

/// A status update as a framework's scheduler receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusUpdate {
    /// The task's name (a plain string: what a scheduler and its policies keep).
    pub task: String,
    pub state: TaskState,
    pub reason: Option<Reason>,
    pub source: Option<Source>,
    /// The agent the task ran on, when the update names one.
    pub agent: Option<AgentId>,
    pub unreachable_time: Option<Instant>,
    pub message: Option<String>,
    /// Present for reliable updates from an agent, which the framework acknowledges;
    /// absent for updates the master generates (rule D5).
    pub uuid: Option<u64>,
}

/// Something a framework's scheduler receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameworkEvent {
    Update(StatusUpdate),
    /// `LostSlaveMessage`: the v0 `slaveLost` callback, v1 `FAILURE` with only `agent_id`.
    AgentLost {
        agent: AgentId,
    },
    /// `ExitedExecutorMessage` forwarded: v0 `executorLost`.
    ExecutorLost {
        agent: AgentId,
        task: TaskId,
    },
    /// `FrameworkErrorMessage`: v0 `error`, v1 `ERROR`; the driver aborts.
    Error {
        message: String,
    },
}

impl fmt::Display for FrameworkEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameworkEvent::Update(u) => {
                write!(f, "{} for task {}", u.state, u.task)?;
                if let Some(reason) = u.reason {
                    write!(f, " ({reason}")?;
                    if let Some(source) = u.source {
                        write!(f, ", {source}")?;
                    }
                    f.write_str(")")?;
                }
                if let Some(message) = &u.message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            FrameworkEvent::AgentLost { agent } => write!(f, "agent {agent} lost"),
            FrameworkEvent::ExecutorLost { agent, task } => {
                write!(f, "executor of task {task} lost on agent {agent}")
            }
            FrameworkEvent::Error { message } => write!(f, "error: {message}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_case::test_case;

    #[test_case("Ping" => MessageKind::Ping ; "the short name")]
    #[test_case("PingSlaveMessage" => MessageKind::Ping ; "the Mesos name")]
    #[test_case("ReregisterSlaveMessage" => MessageKind::ReregisterAgent ; "slave spelt slave")]
    #[test_case("ReregisterAgent" => MessageKind::ReregisterAgent ; "slave spelt agent")]
    #[test_case("StatusUpdate" => MessageKind::StatusUpdate ; "status updates")]
    fn message_kinds_parse_from_mesos_names(text: &str) -> MessageKind {
        text.parse().unwrap()
    }

    #[test]
    fn an_unknown_message_kind_names_the_accepted_ones() {
        let error = "RunTsk".parse::<MessageKind>().unwrap_err().to_string();
        assert!(error.contains("did you mean `RunTask`?"), "{error}");
    }
}
