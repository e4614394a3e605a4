//! Periodic reconciliation: every interval, explicit reconciliation of every copy
//! the scheduler holds as not terminal, then implicit reconciliation, as the Mesos
//! reconciliation guide advises and Marathon does (`--reconciliation_interval`).
//! It combines with any other policy: the answers reach every policy of the
//! framework. The same before Mesos 1.1, where the answers are TASK_LOST.

use super::{Action, Policy, Seen, View};
use crate::time::Duration;

/// Reconciles every `every`, starting `every` after the scheduler starts.
#[derive(Clone, Debug)]
pub struct PeriodicReconciliation {
    every: Duration,
}

impl PeriodicReconciliation {
    /// Panics on a zero interval, which would reconcile forever at one instant;
    /// steps reject it first.
    pub fn new(every: Duration) -> PeriodicReconciliation {
        assert!(
            !every.is_zero(),
            "a reconciliation interval must be positive"
        );
        PeriodicReconciliation { every }
    }
}

/// Explicit reconciliation of every copy the book holds as not terminal, then
/// implicit: what a periodic reconciler sends.
pub(super) fn reconcile_everything(view: &View<'_>) -> Vec<Action> {
    let tasks: Vec<String> = view
        .instances()
        .flat_map(|i| i.copies())
        .filter(|c| c.launched_at().is_some() && !c.state().is_terminal())
        .map(|c| c.task().to_string())
        .collect();
    let mut actions = Vec::new();
    if !tasks.is_empty() {
        actions.push(Action::Reconcile(tasks));
    }
    actions.push(Action::ReconcileAll);
    actions
}

impl Policy for PeriodicReconciliation {
    fn describe(&self) -> String {
        format!("reconciles every {}", self.every)
    }

    fn on_event(&mut self, seen: &Seen<'_>, view: &View<'_>) -> Vec<Action> {
        match seen {
            Seen::Started => vec![Action::SetTimer {
                after: self.every,
                tag: 0,
            }],
            Seen::Timer(_) => {
                let mut actions = reconcile_everything(view);
                actions.push(Action::SetTimer {
                    after: self.every,
                    tag: 0,
                });
                actions
            }
            _ => Vec::new(),
        }
    }
}
