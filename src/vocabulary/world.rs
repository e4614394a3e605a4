//! The world of a Mesos scenario: the cluster being declared or running, and what
//! the scenario's own steps recorded beside it.
//!
//! Given steps fill a [`ClusterBuilder`] ([`MesosWorld::setup`]); the cluster is built
//! at time 0 when the first When or Then step runs, so configuration applies wherever
//! it stands among the Given steps. When steps drive it ([`MesosWorld::act`]); Then
//! steps settle the current instant and look through a [`Window`]
//! ([`MesosWorld::look`]), never changing anything.

use std::collections::BTreeMap;

use crate::model::{Cluster, ClusterBuilder, ClusterError};
use crate::steps::{StepError, StepKind, World};
use crate::time::{Duration, Instant};

use super::window::{Marks, Window};

/// The world of a Mesos scenario.
#[derive(Debug)]
pub struct MesosWorld {
    phase: Phase,
    /// Where the current Then window starts.
    marks: Marks,
    in_then_block: bool,
    book: Book,
}

/// What the steps record beside the cluster.
#[derive(Debug, Default)]
pub(super) struct Book {
    /// When the current fault on each agent's link began.
    pub(super) partition_began: BTreeMap<String, Instant>,
    /// Which framework runs each task, as declared or launched.
    pub(super) task_framework: BTreeMap<String, String>,
    /// How many declared tasks of each framework are named `<framework>-...`: where
    /// `"spark" runs 3 tasks on agent "a1"` goes on numbering.
    pub(super) numbered_tasks: BTreeMap<String, i64>,
    /// The policy each framework follows to replace its tasks, in words: one per
    /// framework (periodic reconciliation combines with it).
    pub(super) replacing: BTreeMap<String, String>,
    /// On the networked runtime: the time scale. `None` on the simulator.
    pub(super) networked: Option<u32>,
}

impl Book {
    /// How far apart two instants may be and still count as the same: exact on the
    /// simulator; on the networked runtime, real timing jitters by a few
    /// milliseconds, which the time scale turns into seconds.
    pub(super) fn tolerance(&self) -> Duration {
        match self.networked {
            Some(scale) => Duration::from_millis(20 * u64::from(scale)),
            None => Duration::ZERO,
        }
    }

    /// The framework that runs `task`.
    pub(super) fn framework_of(&self, task: &str) -> Result<&str, StepError> {
        self.task_framework
            .get(task)
            .map(String::as_str)
            .ok_or_else(|| {
                StepError::failed(format!(
                    "there is no task \"{task}\"; declare it with `Given \"spark\" runs task \"{task}\" on agent \"a1\"` or launch it"
                ))
            })
    }

    /// When the partition of the agent on `host` began.
    pub(super) fn partition_began(&self, host: &str) -> Result<Instant, StepError> {
        self.partition_began.get(host).copied().ok_or_else(|| {
            StepError::failed(format!(
                "agent \"{host}\" has not been partitioned; use `When agent \"{host}\" is partitioned from the master` first"
            ))
        })
    }
}

#[derive(Debug)]
enum Phase {
    Setup(Box<ClusterBuilder>),
    Running(Box<Cluster>),
    /// The cluster could not be built; every later step repeats why.
    Broken(String),
}

impl World for MesosWorld {
    fn new() -> Self {
        MesosWorld {
            phase: Phase::Setup(Box::default()),
            marks: Marks::default(),
            in_then_block: false,
            book: Book::default(),
        }
    }

    /// `unit` runs on the simulator; `integration` on the networked runtime (real
    /// loopback sockets, scaled real time).
    fn set_tier(&mut self, tier: &str) -> Result<(), String> {
        match tier {
            "unit" => Ok(()),
            "integration" => {
                self.book.networked = Some(crate::net::time_scale_from_env()?);
                Ok(())
            }
            other => Err(format!(
                "scenarios run in the unit tier (simulator) or the integration tier (networked runtime), not in the {other} tier; the e2e tier is for tests that run the binaries"
            )),
        }
    }

    fn before_step(&mut self, kind: StepKind, text: &str) {
        if kind != StepKind::Given {
            // Build now so that the first When or Then step is on the timeline; a
            // build error is reported by the step itself.
            let _ = self.build();
        }
        if kind != StepKind::Given
            && let Phase::Running(cluster) = &mut self.phase
        {
            let keyword = match kind {
                StepKind::When => "When",
                _ => "Then",
            };
            cluster.record_step(&format!("{keyword} {text}"));
        }
    }

    fn after_step(&mut self) -> Result<(), StepError> {
        self.finish()
    }

    fn finish(&mut self) -> Result<(), StepError> {
        if let Phase::Running(cluster) = &self.phase
            && let Some(why) = cluster.runaway()
        {
            return Err(runaway(why));
        }
        Ok(())
    }

    fn timeline(&self) -> Vec<String> {
        match &self.phase {
            Phase::Running(cluster) => cluster.trace().iter().map(|e| e.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    fn seed(&self) -> Option<u64> {
        match &self.phase {
            Phase::Running(cluster) => Some(cluster.seed()),
            _ => None,
        }
    }
}

impl MesosWorld {
    /// The cluster's builder, for a Given step of your own: it fails once the
    /// cluster is running (Given steps come first).
    pub fn setup(&mut self) -> Result<&mut ClusterBuilder, StepError> {
        match &mut self.phase {
            Phase::Setup(builder) => Ok(builder),
            _ => Err(StepError::failed(
                "a Given step after the first When or Then step: the cluster is already running; move it up with the other Given steps",
            )),
        }
    }

    /// The agents declared so far, for a Given step.
    pub(super) fn declared_agents(&self) -> Vec<String> {
        match &self.phase {
            Phase::Setup(builder) => builder.agents().to_vec(),
            _ => Vec::new(),
        }
    }

    fn build(&mut self) -> Result<(), StepError> {
        if let Phase::Setup(builder) = &self.phase {
            self.phase = match builder.build() {
                Ok(mut cluster) => {
                    // The cluster is set up at time 0 as on the simulator; from then
                    // on every message crosses a real socket.
                    if let Some(scale) = self.book.networked {
                        let wire = crate::net::SocketWire::new(cluster.now(), scale);
                        // Wait about 5 ms of real time for messages in flight.
                        let settle = Duration::from_millis(5 * u64::from(scale));
                        cluster.set_wire(Box::new(wire), settle);
                    }
                    // The first Then block looks at what happened after the Given steps.
                    self.marks = Marks::now(&cluster);
                    Phase::Running(Box::new(cluster))
                }
                Err(error) => Phase::Broken(error.to_string()),
            };
        }
        match &self.phase {
            Phase::Broken(why) => Err(StepError::failed(format!(
                "the cluster could not be built: {why}"
            ))),
            _ => Ok(()),
        }
    }

    /// The cluster, for a When step of your own: built on first use, and a new Then
    /// window starts if the step follows a Then block.
    pub fn act(&mut self) -> Result<&mut Cluster, StepError> {
        self.build()?;
        let Phase::Running(cluster) = &mut self.phase else {
            unreachable!("built above")
        };
        if self.in_then_block {
            self.in_then_block = false;
            self.marks = Marks::now(cluster);
        }
        // A runaway in an earlier step already failed it (`after_step`).
        Ok(cluster)
    }

    /// What a Then step sees, for a Then step of your own: everything due at the
    /// current instant is processed first, then the window since the previous Then
    /// block is handed out (widen it with [`Window::whole_scenario`]).
    pub fn look(&mut self) -> Result<Window<'_>, StepError> {
        self.build()?;
        self.in_then_block = true;
        if let Phase::Running(cluster) = &mut self.phase {
            cluster.settle();
            if let Some(why) = cluster.runaway() {
                return Err(runaway(why));
            }
        }
        let Phase::Running(cluster) = &self.phase else {
            unreachable!("built above")
        };
        Ok(Window::new(cluster, &self.marks, &self.book))
    }

    /// What the steps recorded beside the cluster, for When steps.
    pub(super) fn book_mut(&mut self) -> &mut Book {
        &mut self.book
    }

    /// Records that a fault on the link of `host` began now (if none had).
    pub(super) fn began_partition(&mut self, host: &str) {
        if let Phase::Running(cluster) = &self.phase {
            let now = cluster.now();
            self.book
                .partition_began
                .entry(host.to_string())
                .or_insert(now);
        }
    }
}

/// A step named an agent that was never declared.
pub(super) fn unknown_agent(host: &str) -> StepError {
    StepError::failed(format!(
        "there is no agent \"{host}\"; declare it with `Given an agent \"{host}\"`"
    ))
}

/// A step named a framework that was never declared.
pub(super) fn unknown_framework(name: &str) -> StepError {
    StepError::failed(format!(
        "there is no framework \"{name}\"; declare it with `Given a framework \"{name}\"`"
    ))
}

/// A request the cluster refused, in the words of the steps: an unknown agent,
/// framework or task says how to declare it.
pub(super) fn cluster_error(error: ClusterError) -> StepError {
    match error {
        ClusterError::UnknownAgent(host) => unknown_agent(&host),
        ClusterError::UnknownFramework(name) => unknown_framework(&name),
        ClusterError::UnknownTask(task) => StepError::failed(format!(
            "there is no task \"{task}\"; launch it first, e.g. `Given \"spark\" runs task \"{task}\" on agent \"a1\"`"
        )),
        other => StepError::failed(other.to_string()),
    }
}

/// A scenario that ran past its bound of model events, with what to do about it.
fn runaway(why: &str) -> StepError {
    StepError::failed(format!(
        "{why}\nhelp: shorten the scenario, or raise the bound with `Given a scenario may run at most 5000000 model events`"
    ))
}
