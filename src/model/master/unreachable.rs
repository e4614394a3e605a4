//! Rule D: marking an agent unreachable, and what happens to its tasks.
//!
//! D2: `Master::markUnreachable` and the cases it silently skips; D3: the time is
//! the master's clock when the transition starts; D5: the effects once the registry
//! write completes: every task gets an update and is filed as unreachable or
//! completed (D5.4, shared with L1 and J2), the agent is forgotten (D5.5) and
//! frameworks are told it is lost (D5.6). After a failover (K3) no task updates.

use super::{Master, RegistryOp, UnreachableCause, UnreachableTask, cause_text};
use crate::model::message::AgentId;
use crate::model::status::{Reason, TaskState};
use crate::model::trace::Fact;
use crate::time::Instant;

impl Master {
    /// Rule D2: `Master::markUnreachable`, silently skipped in the listed cases.
    pub(super) fn mark_unreachable(
        &mut self,
        agent: AgentId,
        failover: bool,
        cause: UnreachableCause,
    ) {
        let known = if failover {
            self.recovered.contains(&agent)
        } else {
            self.agents.contains_key(&agent)
        };
        if !known
            || self.reregistering.contains(&agent)
            || self.marking_unreachable.contains(&agent)
            || self.removing.contains(&agent)
            || (!failover && self.removed.contains(&agent))
            || self.marking_gone.contains(&agent)
            || self.registry.is_gone(&agent)
        {
            return;
        }
        self.marking_unreachable.insert(agent.clone());
        // Rule D3: the master's clock when the transition starts.
        let time = self.now;
        let cause = cause_text(cause, &self.flags).to_string();
        self.write_registry(RegistryOp::MarkUnreachable {
            agent,
            time,
            failover,
            cause,
        });
    }

    /// Rule D5: effects after the registry moved the agent to the unreachable list.
    pub(super) fn mark_unreachable_done(
        &mut self,
        agent: AgentId,
        time: Instant,
        failover: bool,
        cause: String,
    ) {
        self.marking_unreachable.remove(&agent);
        self.registry.admitted.remove(&agent);
        self.registry.unreachable.remove(&agent);
        self.registry.unreachable.push((agent.clone(), time));
        self.metrics.increment("master/slave_removals");
        self.metrics
            .increment("master/slave_removals/reason_unhealthy");
        self.push_fact(Fact::AgentMarkedUnreachable {
            agent: agent.clone(),
            cause: cause.clone(),
        });
        if failover {
            // Rule K3: no task updates (the master knows no tasks), but "agent lost".
            self.recovered.remove(&agent);
            self.metrics.increment("master/recovery_slave_removals");
            self.send_agent_lost(&agent);
            return;
        }
        self.remove_agent_tasks(&agent, Some(time), Reason::AgentRemoved, &cause, false);
        self.forget_agent(&agent);
        self.send_agent_lost(&agent);
    }

    /// Rule D5.4 / L1 / J2: every task on a registered agent gets an update and is
    /// filed as unreachable or completed.
    pub(super) fn remove_agent_tasks(
        &mut self,
        agent: &AgentId,
        unreachable_time: Option<Instant>,
        reason: Reason,
        message: &str,
        lost_for_everyone: bool,
    ) {
        let Some(entry) = self.agents.get_mut(agent) else {
            return;
        };
        let tasks = std::mem::take(&mut entry.tasks);
        let limit_unreachable = self.flags.max_unreachable_tasks_per_framework;
        let limit_completed = self.flags.max_completed_tasks_per_framework;
        let legacy = !self.version.has_unreachable();
        for ((framework_id, task_id), task) in tasks {
            let Some(framework) = self.frameworks.get(&framework_id) else {
                continue;
            };
            let aware = framework.info.partition_aware;
            let state = if lost_for_everyone || !aware || legacy {
                TaskState::Lost
            } else if unreachable_time.is_some() {
                TaskState::Unreachable
            } else {
                TaskState::GoneByOperator
            };
            let reason = if state == TaskState::GoneByOperator {
                Reason::AgentRemovedByOperator
            } else {
                reason
            };
            let update = self.master_update(
                &task_id,
                state,
                reason,
                Some(agent),
                unreachable_time,
                message.to_string(),
            );
            // Rule D5: a terminal-but-unacknowledged task keeps its terminal state.
            let kept_state = if task.state.is_terminal() {
                task.state
            } else {
                state
            };
            if !task.state.is_terminal() {
                self.count_transition(state);
            }
            let framework = self
                .frameworks
                .get_mut(&framework_id)
                .expect("checked above");
            framework.tasks.remove(&task_id);
            // Rule D5 (and N6 for gone agents): unreachable agents file every task as
            // unreachable; `removeSlave` completes them; mark-gone completes only
            // partition-aware tasks. 1.1 to 1.4 completed non-aware tasks as LOST.
            let keep_unreachable = if lost_for_everyone || legacy {
                false
            } else if unreachable_time.is_some() {
                aware || !self.version.kills_non_aware_tasks_on_return()
            } else {
                !aware
            };
            if keep_unreachable {
                framework.remember_unreachable(
                    UnreachableTask {
                        task: task_id.clone(),
                        agent: agent.clone(),
                        state: kept_state,
                    },
                    limit_unreachable,
                );
                self.unreachable_tasks
                    .entry(agent.clone())
                    .or_default()
                    .entry(framework_id.clone())
                    .or_default()
                    .insert(task_id);
            } else {
                framework.remember_completed(task_id, kept_state, limit_completed);
            }
            self.notify(&framework_id, update);
        }
    }

    /// Rule D5.5: all other knowledge of the agent goes; its observer stops.
    pub(super) fn forget_agent(&mut self, agent: &AgentId) {
        self.agents.remove(agent);
        self.remember_removed(agent);
    }
}
