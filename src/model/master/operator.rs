//! Rule J and maintenance: the operator's HTTP calls.
//!
//! J1: `MARK_AGENT_GONE` answers at once, or with 200 when its registry write
//! completes; J2: a registered agent is shut down and its tasks completed; J3: the
//! tasks remembered as unreachable are completed, with no second "agent lost";
//! J4 / N2: a recovered agent only gets the registry entry. A maintenance schedule
//! puts a machine in DRAINING mode; `machine/down` (L1) of a DRAINING machine
//! removes and shuts down its agent and answers 200, and of any other machine
//! answers 400 (`Master::Http::_startMaintenance`).

use super::{Master, MasterOutput, OperatorRequest, RegistryOp};
use crate::model::message::AgentId;
use crate::model::status::{Reason, TaskState};
use crate::model::trace::Fact;
use crate::time::Instant;

impl Master {
    // ----- Rule J: operator mark-gone; maintenance ------------------------------

    pub(super) fn operator(&mut self, request: OperatorRequest) {
        match request {
            OperatorRequest::MarkAgentGone { agent } => {
                // A started registry write answers when it completes (rule J1).
                if let Some((status, message)) = self.mark_gone(&agent) {
                    self.answer(format!("MARK_AGENT_GONE {agent}"), status, message);
                }
            }
            OperatorRequest::MachineDown { host } => {
                let (status, message) = self.machine_down(&host);
                self.answer(format!("machine/down {host}"), status, message);
            }
            OperatorRequest::ScheduleMaintenance { host } => {
                // `___updateMaintenanceSchedule` (http.cpp:3193-3203): a scheduled
                // machine that is new or UP goes DRAINING; a DOWN one stays DOWN.
                if !self.down_machines.contains(&host) {
                    self.draining_machines.insert(host.clone());
                }
                self.answer(
                    format!("maintenance/schedule {host}"),
                    200,
                    "OK".to_string(),
                );
            }
        }
    }

    /// `Master::Http::_startMaintenance` (http.cpp:3334-3344): only a DRAINING
    /// machine can be brought down. A machine is known to the master when one of
    /// its agents registered or a schedule names it; the 400s name it as Mesos
    /// prints a `MachineID` (the model's machines have a hostname only).
    fn machine_down(&mut self, host: &str) -> (u16, String) {
        let id = format!("{{\"hostname\":\"{host}\"}}");
        if !self.draining_machines.contains(host) {
            let known = self.down_machines.contains(host) || self.registered_on(host).is_some();
            return match known {
                true => (
                    400,
                    format!("Machine '{id}' is not in DRAINING mode and cannot be brought down"),
                ),
                false => (
                    400,
                    format!("Machine '{id}' is not part of a maintenance schedule"),
                ),
            };
        }
        self.draining_machines.remove(host);
        self.down_machines.insert(host.to_string());
        if let Some(agent) = self.registered_on(host).cloned() {
            let message = "Operator initiated 'Machine DOWN'".to_string();
            self.shutdown(host, &message);
            self.remove_agent(&agent, message, None);
        }
        (200, "OK".to_string())
    }

    fn answer(&mut self, request: String, status: u16, message: String) {
        self.push_fact(Fact::OperatorResponse { request, status });
        self.outputs
            .push_back(MasterOutput::OperatorResponse { status, message });
    }

    /// Rule J1: an immediate answer, or `None` when the registry write started (the
    /// 200 comes when it completes).
    fn mark_gone(&mut self, agent: &AgentId) -> Option<(u16, String)> {
        if !self.version.has_mark_gone() {
            return Some((
                400,
                "MARK_AGENT_GONE is not available before Mesos 1.5".to_string(),
            ));
        }
        if self.registry.is_gone(agent) {
            return Some((200, "OK".to_string()));
        }
        if self.marking_gone.contains(agent)
            || self.removing.contains(agent)
            || self.marking_unreachable.contains(agent)
        {
            return Some((
                503,
                format!("Agent {agent} is being transitioned; retry later"),
            ));
        }
        let known = self.agents.contains_key(agent)
            || self.recovered.contains(agent)
            || self.registry.unreachable_time(agent).is_some();
        if !known {
            return Some((404, format!("Agent {agent} not found")));
        }
        self.marking_gone.insert(agent.clone());
        self.write_registry(RegistryOp::MarkGone {
            agent: agent.clone(),
            time: self.now,
        });
        None
    }

    pub(super) fn mark_gone_done(&mut self, agent: AgentId, time: Instant) {
        self.marking_gone.remove(&agent);
        self.registry.admitted.remove(&agent);
        let was_unreachable = self.registry.unreachable_time(&agent).is_some();
        self.registry.unreachable.remove(&agent);
        self.registry.gone.push((agent.clone(), time));
        self.push_fact(Fact::AgentMarkedGone {
            agent: agent.clone(),
        });
        self.answer(format!("MARK_AGENT_GONE {agent}"), 200, "OK".to_string());
        let message = "Agent has been marked gone";
        if self.agents.contains_key(&agent) {
            // Rule J2.
            self.shutdown(&agent.host, message);
            self.remove_agent_tasks(&agent, None, Reason::AgentRemoved, message, false);
            self.forget_agent(&agent);
            self.send_agent_lost(&agent);
        } else if was_unreachable {
            // Rule J3: remembered unreachable tasks are completed; no second "lost".
            let by_framework = self.unreachable_tasks.remove(&agent).unwrap_or_default();
            if !self.version.mark_gone_updates_unreachable_tasks() {
                return;
            }
            let limit = self.flags.max_completed_tasks_per_framework;
            for (framework, tasks) in by_framework {
                let Some(f) = self.frameworks.get(&framework) else {
                    continue;
                };
                let aware = f.info.partition_aware;
                let (state, reason) = if aware {
                    (TaskState::GoneByOperator, Reason::AgentRemovedByOperator)
                } else {
                    (TaskState::Lost, Reason::AgentRemoved)
                };
                for task in tasks {
                    let update = self.master_update(
                        &task,
                        state,
                        reason,
                        Some(&agent),
                        None,
                        message.to_string(),
                    );
                    let f = self.frameworks.get_mut(&framework).expect("checked above");
                    f.unreachable_tasks.remove(&task);
                    // The task was already unreachable: not a new transition, so
                    // `tasks_lost` and `tasks_gone_by_operator` stay as they are.
                    f.remember_completed(task, state, limit);
                    self.notify(&framework, update);
                }
            }
        }
        // Rule J4 / N2: a recovered agent only gets the registry entry; the ID stays
        // in the recovered set.
    }
}
