//! Rule H: task reconciliation.
//!
//! H1: implicit reconciliation answers from the active map only; H2: explicit
//! reconciliation takes the first matching row; H4: the answers of older versions.
//! Promises: read-only apart from the answers sent to the framework.

use super::Master;
use crate::model::message::{AgentId, StatusUpdate, TaskId};
use crate::model::status::{Reason, TaskState};
use crate::model::version::Version;

impl Master {
    // ----- Rule H: reconciliation ----------------------------------------------

    pub(super) fn reconcile(&mut self, framework: &str, tasks: Vec<(TaskId, Option<AgentId>)>) {
        let Some(f) = self.frameworks.get(framework) else {
            return;
        };
        let aware = f.info.partition_aware;
        let mut answers = Vec::new();
        if tasks.is_empty() {
            // Rule H1: the active map only (unreachable tasks are not in it).
            for (task, agent) in &f.tasks {
                if let Some(t) = self
                    .agents
                    .get(agent)
                    .and_then(|a| a.tasks.get(&(framework.into(), task.clone())))
                {
                    answers.push(self.master_update(
                        task,
                        t.latest_state(),
                        Reason::Reconciliation,
                        Some(agent),
                        None,
                        "Reconciliation: Latest task state".to_string(),
                    ));
                }
            }
        } else {
            for (task, agent) in tasks {
                if let Some(answer) = self.reconcile_one(framework, aware, &task, agent.as_ref()) {
                    answers.push(answer);
                }
            }
        }
        for update in answers {
            self.notify(framework, update);
        }
    }

    /// Rule H2, first matching row wins; H4 for older versions.
    fn reconcile_one(
        &self,
        framework: &str,
        aware: bool,
        task: &str,
        agent: Option<&AgentId>,
    ) -> Option<StatusUpdate> {
        let f = &self.frameworks[framework];
        let v = self.version;
        let pick = |pa: TaskState| if aware { pa } else { TaskState::Lost };
        // Row 1: a task in the active map.
        if let Some(on) = f.tasks.get(task)
            && let Some(t) = self
                .agents
                .get(on)
                .and_then(|a| a.tasks.get(&(framework.into(), task.into())))
        {
            return Some(self.master_update(
                task,
                t.latest_state(),
                Reason::Reconciliation,
                Some(on),
                None,
                "Reconciliation: Latest task state".to_string(),
            ));
        }
        // Row 2: no answer while the agent (or, without an agent, any agent) is recovering.
        let recovering = match agent {
            Some(a) => self.recovered.contains(a),
            None => !self.recovered.is_empty(),
        };
        if recovering {
            return None;
        }
        let (state, unreachable_time, message) = match agent {
            // Row 3: registered (connected or not).
            Some(a) if self.agents.contains_key(a) => {
                let state = if v >= Version::new(1, 5, 0) {
                    pick(TaskState::Gone)
                } else if v >= Version::new(1, 2, 0) {
                    pick(TaskState::Unknown)
                } else {
                    TaskState::Lost
                };
                (state, None, "Reconciliation: Task is unknown to the agent")
            }
            // Row 4: unreachable.
            Some(a) if self.registry.unreachable_time(a).is_some() => (
                pick(TaskState::Unreachable),
                self.registry.unreachable_time(a),
                "Reconciliation: Task is unreachable",
            ),
            // Row 5: gone.
            Some(a) if self.registry.is_gone(a) => (
                pick(TaskState::GoneByOperator),
                None,
                "Reconciliation: Task is gone",
            ),
            // Row 6: anything else.
            _ => {
                let state = if v >= Version::new(1, 2, 0) {
                    pick(TaskState::Unknown)
                } else {
                    TaskState::Lost
                };
                (state, None, "Reconciliation: Task is unknown")
            }
        };
        Some(self.master_update(
            task,
            state,
            Reason::Reconciliation,
            agent,
            unreachable_time,
            message.to_string(),
        ))
    }
}
