//! The Mesos partition model: sans-io state machines for the master, its agents and
//! the frameworks, driven by virtual time over a simulated network.
//!
//! Invariant: nothing in this module performs I/O, reads a wall clock, spawns a
//! thread, keeps global state or iterates in an order that could change a result.
//! The same inputs always give the same trace.

pub mod status;
pub mod time;
pub mod version;

pub use status::{Reason, Source, TaskState, UnknownName};
pub use time::{Duration, Instant, ParseDurationError};
pub use version::{ParseVersionError, Profile, Version};
