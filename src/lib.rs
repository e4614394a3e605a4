//! netsplit: specify and test how an Apache Mesos cluster behaves when its network
//! fails.
//!
//! Scenarios are Gherkin `.feature` files under `specs/`, each named by the
//! behaviour it states. A `harness = false` test target turns every scenario into a
//! `cargo test` test that runs against a deterministic model of the Mesos master,
//! its agents and frameworks, and prints the results as a readable specification.
//!
//! # Running your specs
//!
//! Add a test target with `harness = false` to `Cargo.toml`:
//!
//! ```toml
//! [[test]]
//! name = "specs"
//! harness = false
//! ```
//!
//! and give it this `tests/specs.rs`:
//!
//! ```no_run
//! fn main() -> std::process::ExitCode {
//!     netsplit::main()
//! }
//! ```
//!
//! To add steps of your own, extend the Mesos vocabulary and run a
//! [`runner::Harness`] over it (see `examples/custom_steps.rs`).
//!
//! # Driving the model directly
//!
//! The model is a library of its own: build a cluster as it stands at time 0, make
//! things happen, and look at what every party saw.
//!
//! ```
//! use netsplit::model::{
//!     AgentStatus, Awareness, Checkpointing, Cluster, Duration, FrameworkEvent, TaskState,
//! };
//!
//! let mut cluster = Cluster::builder()
//!     .agent("a1")
//!     .framework("cassandra", Awareness::PartitionAware, Checkpointing::On)
//!     .task("cassandra", "c1", "a1")
//!     .build()
//!     .unwrap();
//!
//! // Cut the agent off right after its first ping was answered, and wait.
//! cluster.partition("a1").unwrap();
//! cluster.advance(Duration::from_secs(100));
//!
//! // The master gave up after 6 x 15 s and told the framework.
//! let a1 = cluster.agent_id("a1").unwrap().clone();
//! assert_eq!(cluster.master().agent_status(&a1), AgentStatus::Unreachable);
//! let FrameworkEvent::Update(update) = &cluster.inbox("cassandra")[0].event else {
//!     panic!("expected a status update")
//! };
//! assert_eq!(update.state, TaskState::Unreachable);
//! assert_eq!(cluster.inbox("cassandra")[0].at.since_start(), Duration::from_secs(90));
//!
//! // The agent comes back: Mesos 1.5 and later keep its task running.
//! cluster.reconnect("a1").unwrap();
//! assert_eq!(cluster.master().agent_status(&a1), AgentStatus::Registered);
//! assert_eq!(cluster.agent("a1").unwrap().running_tasks(), vec!["c1"]);
//! ```
//!
//! # The parts
//!
//! - [`model`]: sans-io state machines for the master and agents, a simulated
//!   network and virtual time (knows nothing of specs).
//! - [`spec`]: the Gherkin parser with precise diagnostics (knows nothing of Mesos).
//! - [`steps`]: the generic step registry: patterns, typed placeholders, worlds.
//! - [`vocabulary`]: the Mesos steps, bound to the model.
//! - [`time`]: virtual time, shared by the model and the steps.
//! - [`runner`]: discovery, libtest-mimic trials, tiers, failure messages, the report.
//! - [`net`]: the networked runtime of the integration tier: the same state
//!   machines over loopback TCP in scaled real time.

pub mod model;
pub mod net;
pub mod runner;
pub mod spec;
pub mod steps;
pub mod suggest;
pub mod time;
pub mod vocabulary;

/// Runs the Mesos vocabulary over the package's specs: the whole `main` of a
/// `harness = false` test target.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     netsplit::main()
/// }
/// ```
pub fn main() -> std::process::ExitCode {
    runner::Harness::new(vocabulary::registry()).run()
}
