//! Rule B: the socket to an agent closes.
//!
//! B1: the agent is disconnected and deactivated, not unreachable; B2: tasks of
//! non-checkpointing frameworks are lost; B3: since 1.2 a reregister timer runs,
//! and when it fires the agent is scheduled unreachable through the limiter.

use super::{Master, Timer, UnreachableCause};
use crate::model::message::{AgentId, FrameworkId, TaskId};
use crate::model::status::{Reason, TaskState};
use crate::model::trace::Fact;
use crate::model::version::Version;

impl Master {
    // ----- Rule B: socket-level disconnect -------------------------------------

    pub(super) fn exited(&mut self, host: &str) {
        let Some(agent) = self.registered_on(host).cloned() else {
            return;
        };
        let a = self.agents.get_mut(&agent).expect("found above");
        if !a.connected {
            return;
        }
        // Rule B1: disconnected and deactivated, not unreachable.
        a.connected = false;
        a.active = false;
        let generation = self.next_id;
        self.next_id += 1;
        self.agents
            .get_mut(&agent)
            .expect("found above")
            .reregister_timer = generation;
        self.push_fact(Fact::AgentDisconnected {
            agent: agent.clone(),
        });
        // Rule B2: tasks of non-checkpointing frameworks are lost, PA or not.
        let doomed: Vec<(FrameworkId, TaskId)> = self.agents[&agent]
            .tasks
            .keys()
            .filter(|(f, _)| self.frameworks.get(f).is_some_and(|f| !f.info.checkpoint))
            .cloned()
            .collect();
        let message = format!("Agent {} disconnected", agent.host);
        let limit = self.flags.max_completed_tasks_per_framework;
        for (framework, task) in doomed {
            let a = self.agents.get_mut(&agent).expect("found above");
            a.tasks.remove(&(framework.clone(), task.clone()));
            let update = self.master_update(
                &task,
                TaskState::Lost,
                Reason::AgentDisconnected,
                Some(&agent),
                None,
                message.clone(),
            );
            self.count_transition(TaskState::Lost);
            if let Some(f) = self.frameworks.get_mut(&framework) {
                f.tasks.remove(&task);
                f.remember_completed(task, TaskState::Lost, limit);
            }
            self.notify(&framework, update);
        }
        // Rule B3: since 1.2 (MESOS-6286) a reregister timer runs.
        if self.version >= Version::new(1, 2, 0) {
            let at = self.now + self.flags.agent_reregister_timeout;
            self.timers
                .schedule(at, Timer::ReregisterTimeout { agent, generation });
        }
    }

    pub(super) fn reregister_timeout(&mut self, agent: &AgentId, generation: u64) {
        let due = self
            .agents
            .get(agent)
            .is_some_and(|a| !a.connected && a.reregister_timer == generation);
        if due {
            self.schedule_unreachable(agent.clone(), UnreachableCause::Disconnected);
        }
    }
}
