//! Wait, then replace, as Cassandra on DC/OS does: never two copies of a node.
//!
//! dcos-commons treats TASK_LOST and TASK_UNREACHABLE as a *transient* failure:
//! the node waits for its agent, where its data is. A *permanent* replacement, on
//! another agent, comes only when the task is known to be gone (TASK_GONE_BY_OPERATOR,
//! or an operator's `pod replace`) or after a permanent-failure timeout
//! (`FailureUtils`, `DefaultRecoveryPlanManager`; Cassandra's
//! `permanent_failure_timeout_secs`). This policy keeps both rules and never risks
//! a second copy:
//!
//! - a copy that is *away* (TASK_UNREACHABLE, TASK_UNKNOWN, or TASK_LOST from the
//!   master) is waited for up to the deadline; when the deadline passes and it is
//!   still away, the scheduler reconciles it to ask again;
//! - once the deadline has passed, the instance is replaced as soon as its copy is
//!   known to be gone: TASK_GONE, TASK_GONE_BY_OPERATOR (also what marking its
//!   agent gone sends), or an end reported by the agent (TASK_FAILED, TASK_KILLED,
//!   TASK_FINISHED, TASK_LOST from the agent); before the deadline it waits;
//! - a copy that ends while it was never away (it failed on a reachable agent) is
//!   launched again at once;
//! - a replaced copy that reports running again is killed.
//!
//! Before Mesos 1.1 the master's only word is TASK_LOST, which says nothing of
//! whether the task still runs (rule E7): a copy lost with its agent stays away, so
//! the instance is never replaced without an operator. That is what running a
//! database on Mesos 1.0 meant.

use std::collections::{BTreeMap, BTreeSet};

use super::{Action, Policy, Reading, Seen, View};

use crate::time::{Duration, Instant};

/// Waits `deadline` for an unreachable copy, then replaces it once it is known to
/// be gone.
#[derive(Clone, Debug)]
pub struct WaitThenReplace {
    deadline: Duration,
    /// Instances whose latest copy is away, with since when.
    away_since: BTreeMap<String, Instant>,
    /// Instances whose away copy is known to be gone, waiting for the deadline.
    gone: BTreeSet<String>,
    /// Each timer's instance and the away episode it belongs to.
    timers: Vec<(String, Instant)>,
    replaced: BTreeSet<String>,
}

impl WaitThenReplace {
    pub fn new(deadline: Duration) -> WaitThenReplace {
        WaitThenReplace {
            deadline,
            away_since: BTreeMap::new(),
            gone: BTreeSet::new(),
            timers: Vec::new(),
            replaced: BTreeSet::new(),
        }
    }

    fn replace(&mut self, instance: &str, task: &str) -> Vec<Action> {
        self.away_since.remove(instance);
        self.gone.remove(instance);
        match self.replaced.insert(task.to_string()) {
            true => vec![Action::Launch(instance.to_string())],
            false => Vec::new(),
        }
    }
}

impl Policy for WaitThenReplace {
    fn describe(&self) -> String {
        format!(
            "waits {} for an unreachable task before replacing it",
            self.deadline
        )
    }

    fn on_event(&mut self, seen: &Seen<'_>, view: &View<'_>) -> Vec<Action> {
        match seen {
            Seen::Update(update) => {
                let Some(instance) = view.instance_of(&update.task) else {
                    return Vec::new();
                };
                let name = instance.name().to_string();
                let reading = Reading::of(update);
                let is_latest = instance.latest().is_some_and(|c| c.task() == update.task);
                if !is_latest {
                    // An older copy: it was replaced, so it must not run.
                    return match reading {
                        Reading::Alive => vec![Action::Kill(update.task.clone())],
                        _ => Vec::new(),
                    };
                }
                match reading {
                    Reading::Alive => {
                        self.away_since.remove(&name);
                        self.gone.remove(&name);
                        Vec::new()
                    }
                    Reading::Away => {
                        if self.away_since.contains_key(&name) {
                            return Vec::new();
                        }
                        let now = view.now();
                        self.away_since.insert(name.clone(), now);
                        self.timers.push((name, now));
                        vec![Action::SetTimer {
                            after: self.deadline,
                            tag: (self.timers.len() - 1) as u64,
                        }]
                    }
                    Reading::Ended => match self.away_since.get(&name) {
                        Some(&since) if view.now() < since + self.deadline => {
                            self.gone.insert(name);
                            Vec::new()
                        }
                        _ => self.replace(&name, &update.task),
                    },
                }
            }
            Seen::Timer(tag) => {
                let Some((name, since)) = self.timers.get(*tag as usize).cloned() else {
                    return Vec::new();
                };
                if self.away_since.get(&name) != Some(&since) {
                    return Vec::new();
                }
                let Some(latest) = view
                    .instances()
                    .find(|i| i.name() == name)
                    .and_then(|i| i.latest())
                else {
                    return Vec::new();
                };
                let task = latest.task().to_string();
                if self.gone.contains(&name) {
                    return self.replace(&name, &task);
                }
                // Still away at the deadline: ask the master again. An answer that the
                // copy is gone replaces it; the deadline has passed.
                vec![Action::Reconcile(vec![task])]
            }
            _ => Vec::new(),
        }
    }
}
