//! Status updates and executor exits from agents.
//!
//! Promises: `Master::statusUpdate` forwards to a connected framework before the
//! task is looked up; updates from agents that are not registered are dropped
//! (rule D7), and before 1.1 such an agent is told to shut down.

use super::{Master, MasterOutput};
use crate::model::message::{
    AgentId, AgentUpdate, FrameworkEvent, FrameworkId, Name, StatusUpdate, TaskId,
};
use crate::model::trace::Fact;

impl Master {
    // ----- Status updates ------------------------------------------------------

    pub(super) fn status_update(&mut self, from: &Name, update: AgentUpdate) {
        let agent = self.registered_on(from).cloned();
        let Some(agent) = agent else {
            // Rule D7: updates from removed or unreachable agents are dropped; before
            // 1.1 a removed agent is told to shut down.
            self.metrics.increment("master/invalid_status_updates");
            let removed = self.removed.iter().find(|a| a.host == *from).cloned();
            if !self.version.has_unreachable() && removed.is_some() {
                self.shutdown(from, "Status update from unknown agent");
            }
            self.push_fact(Fact::StatusUpdateDropped {
                agent: removed.unwrap_or(AgentId {
                    host: from.clone(),
                    incarnation: 0,
                }),
                task: update.task,
                why: "the agent is not registered",
            });
            return;
        };
        // `Master::statusUpdate`: forwarded to a connected framework before the task
        // is looked up; a disconnected framework gets nothing (the agent retries).
        let status = StatusUpdate {
            task: update.task.to_string(),
            state: update.state,
            reason: update.reason,
            source: Some(update.source),
            agent: Some(agent.clone()),
            unreachable_time: None,
            message: update.message.clone(),
            uuid: Some(update.uuid),
        };
        let connected = self.framework_connected(&update.framework);
        self.notify(&update.framework, status);
        let key = (update.framework.clone(), update.task.clone());
        let Some(task) = self
            .agents
            .get_mut(&agent)
            .and_then(|a| a.tasks.get_mut(&key))
        else {
            self.metrics.increment("master/invalid_status_updates");
            self.push_fact(Fact::StatusUpdateDropped {
                agent,
                task: update.task,
                why: "the task is unknown",
            });
            return;
        };
        let was_terminal = task.state.is_terminal();
        task.state = update.latest_state;
        if connected {
            task.status_update_state = Some(update.state);
            task.status_update_uuid = Some(update.uuid);
        }
        self.metrics.increment(if connected {
            "master/valid_status_updates"
        } else {
            "master/invalid_status_updates"
        });
        if !was_terminal && update.latest_state.is_terminal() {
            self.count_transition(update.latest_state);
        }
    }

    pub(super) fn exited_executor(&mut self, from: &Name, framework: FrameworkId, task: TaskId) {
        // Rule D7: dropped from an agent that is not registered.
        let Some(agent) = self.registered_on(from).cloned() else {
            return;
        };
        if self.framework_connected(&framework) {
            self.outputs.push_back(MasterOutput::Framework {
                framework,
                event: FrameworkEvent::ExecutorLost { agent, task },
            });
        }
    }
}
