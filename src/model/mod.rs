//! The Mesos partition model: sans-io state machines for the master, its agents and
//! the frameworks, driven by virtual time over a simulated network.
//!
//! Invariant: nothing in this module performs I/O, reads a wall clock, spawns a
//! thread, keeps global state or iterates in an order that could change a result.
//! The same inputs always give the same trace.
//!
//! - [`master::Master`] and [`agent::Agent`] are the state machines: they take
//!   inputs with the current instant, queue outputs, and expose their next timer.
//! - [`cluster::Cluster`] is the simulator that joins them over a [`network::Network`]
//!   and records a [`trace`].
//! - [`status`], [`version`], [`flags`] and [`message`] are the vocabulary; virtual
//!   time is [`crate::time`].

pub mod agent;
pub mod cluster;
pub mod flags;
pub mod master;
pub mod message;
pub mod metrics;
pub mod name;
pub mod network;
pub mod policy;
pub mod rng;
pub mod status;
pub mod timer;
pub mod trace;
pub mod version;

pub use crate::time::{Duration, Instant, ParseDurationError};
pub use agent::{Agent, AgentState};
pub use cluster::{
    Awareness, Checkpointing, Cluster, ClusterBuilder, ClusterError, Drops, FastForward,
    OperatorResponse, Received, ReconcileOn, RunningChange, WorkDir,
};
pub use flags::{AgentFlags, FlagError, MasterFlags, RateLimit, RegistryKind};
pub use master::{AgentStatus, Books, Master, TaskView};
pub use message::{
    AgentId, FrameworkEvent, FrameworkInfo, Message, MessageKind, Name, StatusUpdate,
};
pub use network::Direction;
pub use status::{Reason, Source, TaskState, UnknownName};
pub use trace::{Endpoint, Fact, TraceEntry, TraceEvent};
pub use version::{ParseVersionError, Profile, Version};

#[cfg(test)]
pub(crate) mod invariants;
#[cfg(test)]
mod tests;
