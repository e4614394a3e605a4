//! Marathon's unreachable strategy (`unreachableStrategy { inactiveAfterSeconds,
//! expungeAfterSeconds }`), with the timers of Marathon 1.4. Paths are under
//! `src/main/scala/mesosphere/marathon/` of mesosphere/marathon, tag v1.4.13.
//!
//! - **Reading updates** (`core/condition/Condition.scala`, `TaskCondition`):
//!   TASK_UNREACHABLE, and TASK_LOST with REASON_RECONCILIATION,
//!   REASON_SLAVE_DISCONNECTED or REASON_SLAVE_REMOVED, make an instance
//!   *Unreachable*; TASK_UNKNOWN and every other terminal state make it gone, and
//!   it is replaced at once. Before Mesos 1.1, TASK_LOST is the only word, so the
//!   strategy applies to it just the same.
//! - **Becoming inactive** (`Instance.shouldBecomeInactive`,
//!   `InstanceUpdater.mesosUpdate`): only while an Unreachable update is processed
//!   (the first one, or a repeat from reconciliation), when the time since the
//!   status's `unreachable_time` (for TASK_LOST, since Marathon first heard of it) is
//!   strictly more than *inactive after*. No timer looks for it.
//! - **Replacement**: an inactive instance no longer counts; a scale check runs at
//!   once and launches a new instance. The old one stays known until expunged.
//! - **Reconciliation** (`--reconciliation_initial_delay` 15 s,
//!   `--reconciliation_interval` 600 s): explicit reconciliation of every
//!   non-terminal task Marathon knows, unreachable ones included, then implicit.
//! - **Expunge** (`--task_lost_expunge_initial_delay` 300 s,
//!   `--task_lost_expunge_interval` 30 s): an inactive instance unreachable for more
//!   than *expunge after* is forgotten.
//! - **Unknown tasks** (`TaskStatusUpdateProcessorImpl`, `killUnknownTask`): an
//!   update saying a task Marathon does not know (expunged, or already gone) is
//!   running gets it killed.
//! - **Return before expunge**: the instance is Running again and there is one too
//!   many. The periodic scale check (`--scale_apps_interval` 300 s, first at 15 s)
//!   kills the surplus: unreachable first, then staging, then running, the youngest
//!   first (`killSelection` YoungestFirst). The returning task kept its start time,
//!   so the replacement is the one killed (`TaskUnreachableIntegrationTest`).
//!
//! Defaults of *inactive after* and *expunge after* are 300 s and 600 s, as Marathon
//! 1.4.0 to 1.4.8 and its documentation have them.

use std::collections::{BTreeMap, BTreeSet};

use super::{Action, Policy, Seen, View};
use crate::model::message::StatusUpdate;
use crate::model::status::{Reason, Source, TaskState};
use crate::time::{Duration, Instant};

const RECONCILE: u64 = 0;
const EXPUNGE: u64 = 1;
const SCALE: u64 = 2;

/// Marathon's timers.
const RECONCILIATION_INITIAL_DELAY: Duration = Duration::from_secs(15);
const RECONCILIATION_INTERVAL: Duration = Duration::from_secs(600);
const EXPUNGE_INITIAL_DELAY: Duration = Duration::from_secs(300);
const EXPUNGE_INTERVAL: Duration = Duration::from_secs(30);
const SCALE_INITIAL_DELAY: Duration = Duration::from_secs(15);
const SCALE_INTERVAL: Duration = Duration::from_secs(300);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unreachable {
    /// Unreachable, still counted.
    Active { since: Instant },
    /// Unreachable for longer than *inactive after*: replaced, no longer counted.
    Inactive { since: Instant },
}

/// Marathon's unreachable strategy with its reconciliation, expunge and scale
/// timers.
#[derive(Clone, Debug)]
pub struct MarathonUnreachable {
    inactive_after: Duration,
    expunge_after: Duration,
    unreachable: BTreeMap<String, Unreachable>,
    /// Tasks Marathon no longer knows: expunged, or gone.
    forgotten: BTreeSet<String>,
}

impl Default for MarathonUnreachable {
    fn default() -> Self {
        MarathonUnreachable::new(Duration::from_secs(300), Duration::from_secs(600))
    }
}

impl MarathonUnreachable {
    pub fn new(inactive_after: Duration, expunge_after: Duration) -> MarathonUnreachable {
        MarathonUnreachable {
            inactive_after,
            expunge_after,
            unreachable: BTreeMap::new(),
            forgotten: BTreeSet::new(),
        }
    }

    pub fn inactive_after(&self) -> Duration {
        self.inactive_after
    }

    pub fn expunge_after(&self) -> Duration {
        self.expunge_after
    }

    /// The copies Marathon knows: launched or waiting for an offer, not gone, not
    /// expunged, with the instance of each.
    fn known<'v>(&self, view: &View<'v>) -> Vec<(&'v str, &'v super::Copy)> {
        view.instances()
            .flat_map(|i| i.copies().iter().map(move |c| (i.name(), c)))
            .filter(|(_, c)| !self.forgotten.contains(c.task()))
            .collect()
    }

    /// Launches instances without a counted copy, and kills copies beyond the
    /// target, unreachable first, then staging, then running, youngest first.
    fn scale_check(&self, view: &View<'_>) -> Vec<Action> {
        let counted: Vec<(&str, &super::Copy)> = self
            .known(view)
            .into_iter()
            .filter(|(_, c)| {
                !matches!(
                    self.unreachable.get(c.task()),
                    Some(Unreachable::Inactive { .. })
                )
            })
            .collect();
        let mut actions = Vec::new();
        for instance in view.instances() {
            if !counted.iter().any(|(i, _)| *i == instance.name()) {
                actions.push(Action::Launch(instance.name().to_string()));
            }
        }
        let target = view.instances().count();
        if counted.len() > target {
            let mut order: Vec<&super::Copy> = counted.iter().map(|(_, c)| *c).collect();
            order.sort_by_key(|c| {
                let rank = match (self.unreachable.get(c.task()), c.state()) {
                    (Some(_), _) => 0,
                    (None, TaskState::Staging | TaskState::Starting) => 1,
                    _ => 2,
                };
                // Youngest first: the latest launch first; one still waiting for an
                // offer is the youngest of all.
                (
                    rank,
                    c.launched_at().is_some(),
                    std::cmp::Reverse(c.launched_at()),
                )
            });
            for copy in order.into_iter().take(counted.len() - target) {
                actions.push(Action::Kill(copy.task().to_string()));
            }
        }
        actions
    }

    fn on_update(&mut self, update: &StatusUpdate, view: &View<'_>) -> Vec<Action> {
        let task = &update.task;
        let known = view.copy(task).is_some() && !self.forgotten.contains(task);
        if !known {
            // killUnknownTask: a task Marathon does not know is running.
            return match condition(update) {
                Condition::Running => vec![Action::Kill(task.clone())],
                _ => Vec::new(),
            };
        }
        match condition(update) {
            Condition::Running => {
                // Back from unreachable: counted again; a surplus waits for the
                // periodic scale check.
                self.unreachable.remove(task);
                Vec::new()
            }
            Condition::Unreachable => {
                let since = match self.unreachable.get(task) {
                    Some(Unreachable::Inactive { .. }) => return Vec::new(),
                    Some(Unreachable::Active { since }) => *since,
                    None => update.unreachable_time.unwrap_or(view.now()),
                };
                if view.now() - since > self.inactive_after {
                    self.unreachable
                        .insert(task.clone(), Unreachable::Inactive { since });
                    self.scale_check(view)
                } else {
                    self.unreachable
                        .insert(task.clone(), Unreachable::Active { since });
                    Vec::new()
                }
            }
            Condition::Gone => {
                self.unreachable.remove(task);
                self.forgotten.insert(task.clone());
                self.scale_check(view)
            }
        }
    }

    fn expunge(&mut self, now: Instant) {
        let expired: Vec<String> = self
            .unreachable
            .iter()
            .filter_map(|(task, u)| match u {
                Unreachable::Inactive { since } if now - *since > self.expunge_after => {
                    Some(task.clone())
                }
                _ => None,
            })
            .collect();
        for task in expired {
            self.unreachable.remove(&task);
            self.forgotten.insert(task);
        }
    }
}

enum Condition {
    Running,
    Unreachable,
    Gone,
}

/// Marathon's reading of a Mesos status (`TaskCondition`).
fn condition(update: &StatusUpdate) -> Condition {
    match update.state {
        TaskState::Staging | TaskState::Starting | TaskState::Running | TaskState::Killing => {
            Condition::Running
        }
        TaskState::Unreachable => Condition::Unreachable,
        TaskState::Lost
            if update.source == Some(Source::Master)
                && matches!(
                    update.reason,
                    Some(Reason::Reconciliation | Reason::AgentDisconnected | Reason::AgentRemoved)
                ) =>
        {
            Condition::Unreachable
        }
        _ => Condition::Gone,
    }
}

impl Policy for MarathonUnreachable {
    fn describe(&self) -> String {
        format!(
            "follows Marathon's unreachable strategy with inactive after {} and expunge after {}",
            self.inactive_after, self.expunge_after
        )
    }

    fn on_event(&mut self, seen: &Seen<'_>, view: &View<'_>) -> Vec<Action> {
        match seen {
            Seen::Started => vec![
                Action::SetTimer {
                    after: RECONCILIATION_INITIAL_DELAY,
                    tag: RECONCILE,
                },
                Action::SetTimer {
                    after: SCALE_INITIAL_DELAY,
                    tag: SCALE,
                },
                Action::SetTimer {
                    after: EXPUNGE_INITIAL_DELAY,
                    tag: EXPUNGE,
                },
            ],
            Seen::Update(update) => self.on_update(update, view),
            Seen::Timer(RECONCILE) => {
                let tasks: Vec<String> = self
                    .known(view)
                    .into_iter()
                    // Unreachable ones included, and TASK_LOST ones Marathon reads as
                    // unreachable: it forgets only the ones it reads as gone.
                    .filter(|(_, c)| c.launched_at().is_some())
                    .map(|(_, c)| c.task().to_string())
                    .collect();
                let mut actions = Vec::new();
                if !tasks.is_empty() {
                    actions.push(Action::Reconcile(tasks));
                }
                actions.push(Action::ReconcileAll);
                actions.push(Action::SetTimer {
                    after: RECONCILIATION_INTERVAL,
                    tag: RECONCILE,
                });
                actions
            }
            Seen::Timer(EXPUNGE) => {
                self.expunge(view.now());
                vec![Action::SetTimer {
                    after: EXPUNGE_INTERVAL,
                    tag: EXPUNGE,
                }]
            }
            Seen::Timer(SCALE) => {
                let mut actions = self.scale_check(view);
                actions.push(Action::SetTimer {
                    after: SCALE_INTERVAL,
                    tag: SCALE,
                });
                actions
            }
            _ => Vec::new(),
        }
    }
}
