//! Framework policies: what a framework's scheduler does about its tasks.
//!
//! A [`Policy`] sees what a scheduler sees ([`Seen`]: status updates, lost agents,
//! agents offering again, its own timers) and the scheduler's book of its instances
//! ([`View`]), and answers with [`Action`]s: launch, kill, reconcile, set a timer.
//! The cluster carries the actions out at the same virtual instant, so a scenario
//! with policies is as deterministic as one without.
//!
//! An *instance* is one unit of work a framework keeps running ("node-2" of a
//! Cassandra ring); each launch of it is a *copy*, a Mesos task. The first copy is
//! named after the instance, the n-th `<instance>#n`.
//!
//! **Placement.** A launch goes to the agent that the master has registered,
//! connected and active (the agents with offers), that has room (fewer live tasks
//! of any framework than its capacity, when it has one), with the fewest live tasks
//! of this framework; ties go to the first host by name. A new copy avoids the
//! agent of the instance's previous copy while another agent qualifies. When no
//! agent qualifies, the launch waits until one does, as a launch waits for an
//! offer.
//!
//! The built-ins, with the behaviour of the frameworks they follow:
//! [`Relaunch`] (Spark), [`MarathonUnreachable`] (Marathon's unreachable strategy),
//! [`WaitThenReplace`] (Cassandra on DC/OS) and [`PeriodicReconciliation`], which
//! combines with any of them.
//!
//! # Writing a policy
//!
//! ```
//! use netsplit::model::policy::{Action, Policy, Seen, View};
//! use netsplit::model::{Awareness, Checkpointing, Cluster, Duration, TaskState};
//!
//! /// Launches a new copy of an instance when its task fails, and nothing else.
//! #[derive(Clone, Debug)]
//! struct RestartFailed;
//!
//! impl Policy for RestartFailed {
//!     fn describe(&self) -> String {
//!         "restarts failed tasks".to_string()
//!     }
//!
//!     fn on_event(&mut self, seen: &Seen<'_>, view: &View<'_>) -> Vec<Action> {
//!         match seen {
//!             Seen::Update(u) if u.state == TaskState::Failed => view
//!                 .instance_of(&u.task)
//!                 .map(|i| vec![Action::Launch(i.name().to_string())])
//!                 .unwrap_or_default(),
//!             _ => Vec::new(),
//!         }
//!     }
//! }
//!
//! let mut cluster = Cluster::builder()
//!     .agent("a1")
//!     .agent("a2")
//!     .framework("batch", Awareness::PartitionAware, Checkpointing::On)
//!     .instances("batch", "job", 1)
//!     .policy("batch", RestartFailed)
//!     .build()
//!     .unwrap();
//! cluster.task_fails("job-1").unwrap();
//! cluster.settle();
//! // The new copy went to the other agent.
//! assert_eq!(cluster.agent("a2").unwrap().running_tasks(), vec!["job-1#2"]);
//! ```

use std::fmt;

use super::cluster::Awareness;
use super::message::{AgentId, StatusUpdate};
use crate::time::{Duration, Instant};

mod history;
mod instances;
mod marathon;
mod reconciliation;
mod relaunch;
mod wait;

#[cfg(test)]
mod tests;

pub use history::{Span, copies_of, instances_running, merge, spans, time_at_least};
pub use instances::{Copy, Instance, Instances};
pub use marathon::MarathonUnreachable;
pub use reconciliation::PeriodicReconciliation;
pub use relaunch::{Relaunch, Returning};
pub use wait::WaitThenReplace;

/// What a framework's scheduler decides about its tasks.
///
/// Implement [`Policy::on_event`]; derive `Clone` and `Debug`, which the cluster
/// builder needs. Every call happens at one virtual instant ([`View::now`]); the
/// actions returned are carried out at that instant, in order.
pub trait Policy: PolicyClone + fmt::Debug + Send {
    /// What the policy does, in a few words: "relaunches lost tasks".
    fn describe(&self) -> String;

    /// Answers one thing the scheduler saw.
    fn on_event(&mut self, seen: &Seen<'_>, view: &View<'_>) -> Vec<Action>;
}

/// Cloning a boxed policy; implemented for every `Policy + Clone`.
pub trait PolicyClone {
    fn clone_box(&self) -> Box<dyn Policy>;
}

impl<T: Policy + Clone + 'static> PolicyClone for T {
    fn clone_box(&self) -> Box<dyn Policy> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn Policy> {
    fn clone(&self) -> Self {
        // The boxed policy's own clone, not the box's: a box is a policy too.
        (**self).clone_box()
    }
}

/// A boxed policy is a policy: built-ins chosen at run time go to the builder as
/// they are.
impl Policy for Box<dyn Policy> {
    fn describe(&self) -> String {
        self.as_ref().describe()
    }

    fn on_event(&mut self, seen: &Seen<'_>, view: &View<'_>) -> Vec<Action> {
        self.as_mut().on_event(seen, view)
    }
}

/// Something a scheduler saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen<'a> {
    /// The scheduler started: once, at the end of setup (time 0).
    Started,
    /// A status update, after the book recorded it.
    Update(&'a StatusUpdate),
    /// The master told the framework that an agent is lost (`slaveLost`).
    AgentLost(&'a AgentId),
    /// The agent on this host registered or came back: it offers again.
    AgentAvailable(&'a str),
    /// A timer the policy set went off, with its tag.
    Timer(u64),
}

/// What a policy asks its scheduler to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Launch a new copy of the instance, placed by the placement rule; a name the
    /// book does not hold starts a new instance.
    Launch(String),
    /// Kill a task (a copy).
    Kill(String),
    /// Explicit reconciliation of these tasks, each on the agent the book knows.
    Reconcile(Vec<String>),
    /// Implicit reconciliation.
    ReconcileAll,
    /// Call back with [`Seen::Timer`] and this tag after `after`.
    SetTimer { after: Duration, tag: u64 },
}

/// What a policy sees of its scheduler: the time, its capability, and its book.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    now: Instant,
    awareness: Awareness,
    book: &'a Instances,
}

impl<'a> View<'a> {
    pub fn new(now: Instant, awareness: Awareness, book: &'a Instances) -> View<'a> {
        View {
            now,
            awareness,
            book,
        }
    }

    pub fn now(&self) -> Instant {
        self.now
    }

    /// Whether the framework registered the `PARTITION_AWARE` capability.
    pub fn awareness(&self) -> Awareness {
        self.awareness
    }

    pub fn instances(&self) -> impl Iterator<Item = &'a Instance> + 'a {
        self.book.iter()
    }

    /// The instance a task is a copy of.
    pub fn instance_of(&self, task: &str) -> Option<&'a Instance> {
        self.book.instance_of(task)
    }

    pub fn copy(&self, task: &str) -> Option<&'a Copy> {
        self.book.copy(task)
    }
}

/// How a scheduler reads an update about a copy: the vocabulary the built-ins share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// The copy runs, or is starting.
    Alive,
    /// The copy may still run, but nobody can reach it: TASK_UNREACHABLE,
    /// TASK_UNKNOWN, and before Mesos 1.1 a TASK_LOST that the master sent.
    Away,
    /// The copy is not running: it ended, never started, or Mesos says it is gone.
    Ended,
}

impl Reading {
    /// The reading of an update. TASK_LOST from the master because the agent was
    /// removed or disconnected, or from reconciliation, is `Away`: before 1.1 it is
    /// the only word for an unreachable task, and the task can run again (rule E7).
    /// Marathon reads these three reasons the same way (`TaskCondition`). Any other
    /// TASK_LOST (from the agent, or a launch the master refused) is `Ended`.
    pub fn of(update: &StatusUpdate) -> Reading {
        use super::status::{Reason, Source, TaskState};
        match update.state {
            TaskState::Staging | TaskState::Starting | TaskState::Running | TaskState::Killing => {
                Reading::Alive
            }
            TaskState::Unreachable | TaskState::Unknown => Reading::Away,
            TaskState::Lost
                if update.source == Some(Source::Master)
                    && matches!(
                        update.reason,
                        Some(
                            Reason::AgentRemoved
                                | Reason::AgentDisconnected
                                | Reason::Reconciliation
                        )
                    ) =>
            {
                Reading::Away
            }
            _ => Reading::Ended,
        }
    }
}
