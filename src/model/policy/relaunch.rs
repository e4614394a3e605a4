//! Relaunch, as Spark does: every task reported lost, unreachable, unknown, gone,
//! dropped, failed or in error is launched again at once.
//!
//! Spark registers no `PARTITION_AWARE` capability and maps TASK_LOST,
//! TASK_UNREACHABLE, TASK_UNKNOWN, TASK_DROPPED, TASK_GONE and TASK_ERROR to its own
//! LOST (`MesosSchedulerUtils.mesosToTaskState`); the task scheduler runs the task
//! again as soon as an offer comes. A copy that later reports TASK_RUNNING again is
//! not Spark's any more: Spark ignores it ("Ignoring update ... because its task set
//! is gone"), so it keeps running beside its replacement. [`Returning::Kill`] stops
//! that, as Marathon does for tasks it no longer knows.
//!
//! Before Mesos 1.1 only TASK_LOST reaches it, and it reacts the same way.

use std::collections::BTreeSet;

use super::{Action, Policy, Seen, View};

use crate::model::status::TaskState;

/// What the relauncher does with a replaced copy that reports again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Returning {
    /// Ignore it: it keeps running (Spark).
    KeepRunning,
    /// Kill it.
    Kill,
}

/// Launches a new copy of an instance as soon as its copy is reported lost,
/// unreachable, unknown, gone, dropped, failed or in error.
#[derive(Clone, Debug)]
pub struct Relaunch {
    returning: Returning,
    /// Copies already replaced: a second report of the same loss relaunches nothing.
    replaced: BTreeSet<String>,
}

impl Relaunch {
    pub fn new(returning: Returning) -> Relaunch {
        Relaunch {
            returning,
            replaced: BTreeSet::new(),
        }
    }
}

impl Policy for Relaunch {
    fn describe(&self) -> String {
        match self.returning {
            Returning::KeepRunning => "relaunches lost tasks".to_string(),
            Returning::Kill => "relaunches lost tasks and kills copies that come back".to_string(),
        }
    }

    fn on_event(&mut self, seen: &Seen<'_>, view: &View<'_>) -> Vec<Action> {
        let Seen::Update(update) = seen else {
            return Vec::new();
        };
        let Some(instance) = view.instance_of(&update.task) else {
            return Vec::new();
        };
        let lost = matches!(
            update.state,
            TaskState::Lost
                | TaskState::Unreachable
                | TaskState::Unknown
                | TaskState::Gone
                | TaskState::GoneByOperator
                | TaskState::Dropped
                | TaskState::Failed
                | TaskState::Error
        );
        let is_latest = instance.latest().is_some_and(|c| c.task() == update.task);
        if lost {
            if is_latest && self.replaced.insert(update.task.clone()) {
                return vec![Action::Launch(instance.name().to_string())];
            }
            return Vec::new();
        }
        let alive = !update.state.is_terminal();
        if alive && self.replaced.contains(&update.task) && self.returning == Returning::Kill {
            return vec![Action::Kill(update.task.clone())];
        }
        Vec::new()
    }
}
