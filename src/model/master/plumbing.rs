//! Plumbing shared by every rule: queued outputs (facts, messages, shutdowns),
//! IDs, updates for frameworks, "agent lost", task metrics, the removed set.
//!
//! Promises: no rule decision is taken here. A master-generated update for a
//! disconnected framework is dropped for good (rule D5); every connected framework
//! hears of a lost agent (D5.6, L1); `slaves.removed` is bounded like
//! `MAX_REMOVED_SLAVES`.

use super::{Master, MasterOutput, state_metric_name};
use crate::model::message::{AgentId, FrameworkEvent, FrameworkId, Message, Name, StatusUpdate};
use crate::model::status::{Reason, Source, TaskState};
use crate::model::trace::Fact;
use crate::time::Instant;

/// How long the master keeps removed agent IDs (`MAX_REMOVED_SLAVES`).
const MAX_REMOVED_AGENTS: usize = 100_000;

impl Master {
    // ----- Plumbing ------------------------------------------------------------

    pub(super) fn push_fact(&mut self, fact: Fact) {
        self.outputs.push_back(MasterOutput::Fact(fact));
    }

    pub(super) fn send(&mut self, to: impl Into<Name>, message: Message) {
        self.outputs.push_back(MasterOutput::Send {
            to: to.into(),
            message,
        });
    }

    /// Sends `ShutdownMessage` with `message` to the agent process on `to`.
    pub(super) fn shutdown(&mut self, to: &str, message: &str) {
        self.send(
            to,
            Message::Shutdown {
                message: message.to_string(),
            },
        );
    }

    pub(super) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Forwards an update to the framework if it is connected (rule D5: otherwise
    /// a master-generated update is dropped for good).
    pub(super) fn notify(&mut self, framework: &str, update: StatusUpdate) {
        if self.framework_connected(framework) {
            self.outputs.push_back(MasterOutput::Framework {
                framework: framework.into(),
                event: FrameworkEvent::Update(update),
            });
        }
    }

    pub(super) fn master_update(
        &self,
        task: &str,
        state: TaskState,
        reason: Reason,
        agent: Option<&AgentId>,
        unreachable_time: Option<Instant>,
        message: String,
    ) -> StatusUpdate {
        StatusUpdate {
            task: task.into(),
            state,
            reason: Some(reason),
            source: Some(Source::Master),
            agent: agent.cloned(),
            unreachable_time,
            message: Some(message),
            uuid: None,
        }
    }

    /// Rule D5.6 / L1: every connected framework is told the agent is lost.
    pub(super) fn send_agent_lost(&mut self, agent: &AgentId) {
        let connected: Vec<FrameworkId> = self
            .frameworks
            .iter()
            .filter(|(_, f)| f.connected)
            .map(|(id, _)| id.clone())
            .collect();
        for framework in connected {
            self.outputs.push_back(MasterOutput::Framework {
                framework,
                event: FrameworkEvent::AgentLost {
                    agent: agent.clone(),
                },
            });
        }
    }

    pub(super) fn count_transition(&mut self, state: TaskState) {
        let counter = match state {
            TaskState::Finished => "master/tasks_finished",
            TaskState::Failed => "master/tasks_failed",
            TaskState::Killed => "master/tasks_killed",
            TaskState::Error => "master/tasks_error",
            TaskState::Lost => "master/tasks_lost",
            TaskState::Dropped => "master/tasks_dropped",
            TaskState::Gone => "master/tasks_gone",
            TaskState::GoneByOperator => "master/tasks_gone_by_operator",
            _ => return,
        };
        debug_assert_eq!(
            counter,
            format!("master/tasks_{}", state_metric_name(state))
        );
        self.metrics.increment(counter);
    }

    pub(super) fn remember_removed(&mut self, agent: &AgentId) {
        if self.removed.insert(agent.clone()) {
            self.removed_order.push_back(agent.clone());
            if self.removed_order.len() > MAX_REMOVED_AGENTS
                && let Some(old) = self.removed_order.pop_front()
            {
                self.removed.remove(&old);
            }
        }
    }

    pub(super) fn forget_removed(&mut self, agent: &AgentId) {
        if self.removed.remove(agent) {
            self.removed_order.retain(|a| a != agent);
        }
    }
}
