//! Registry writes (rule D4) and registry garbage collection (rule I).
//!
//! Promises: a write's effects apply only when it completes, after the registry
//! latency; completions are dispatched here (admission, removal by
//! `removeSlave`). GC prunes the unreachable and gone lists by count and age, skips
//! an agent reregistering meanwhile (I3), drops its unreachable-task records and
//! sends no status updates.

use std::collections::BTreeMap;

use super::{Filed, Master, RegistryOp, Timer};
use crate::model::message::{AgentId, Message};
use crate::model::status::Reason;
use crate::model::trace::Fact;
use crate::time::Instant;

impl Master {
    /// Starts a registry write; its effects apply when it completes (rule D4).
    pub(super) fn write_registry(&mut self, op: RegistryOp) {
        let (operation, agent) = match &op {
            RegistryOp::Admit { agent } => ("AdmitSlave", agent),
            RegistryOp::MarkUnreachable { agent, .. } => ("MarkSlaveUnreachable", agent),
            RegistryOp::MarkReachable { agent, .. } => ("MarkSlaveReachable", agent),
            RegistryOp::Remove { agent, .. } => ("RemoveSlave", agent),
            RegistryOp::MarkGone { agent, .. } => ("MarkSlaveGone", agent),
        };
        let agent = agent.clone();
        self.push_fact(Fact::RegistryWriteStarted { operation, agent });
        let id = self.next_id();
        self.registry_ops.insert(id, op);
        self.timers.schedule(
            self.now + self.registry_latency,
            Timer::RegistryDone { op: id },
        );
    }

    // ----- Registry completions ------------------------------------------------

    pub(super) fn registry_done(&mut self, op: RegistryOp) {
        match op {
            RegistryOp::Admit { agent } => {
                self.reregistering.remove(&agent);
                self.registry.admitted.push(agent.clone());
                self.metrics.increment("master/slave_registrations");
                self.push_fact(Fact::AgentAdmitted {
                    agent: agent.clone(),
                });
                // `Master::_registerSlave`: addSlave (the observer pings), then ack.
                self.add_agent(agent.clone(), BTreeMap::new());
                let ping_timeout = self.flags.total_ping_timeout();
                self.send(
                    agent.host.clone(),
                    Message::AgentRegistered {
                        agent,
                        ping_timeout,
                    },
                );
            }
            RegistryOp::MarkUnreachable {
                agent,
                time,
                failover,
                cause,
            } => self.mark_unreachable_done(agent, time, failover, cause),
            RegistryOp::MarkReachable {
                agent,
                tasks,
                frameworks,
            } => self.readmit(agent, tasks, frameworks),
            RegistryOp::Remove {
                agent,
                cause,
                metric,
            } => {
                self.removing.remove(&agent);
                self.registry.admitted.remove(&agent);
                self.removed_from_registry.insert(agent.clone());
                self.metrics.increment("master/slave_removals");
                if let Some(metric) = metric {
                    self.metrics.increment(metric);
                }
                self.push_fact(Fact::AgentRemoved {
                    agent: agent.clone(),
                    cause: cause.clone(),
                });
                let message = format!("Agent {} removed: {cause}", agent.host);
                self.remove_agent_tasks(&agent, None, Reason::AgentRemoved, &message, true);
                self.forget_agent(&agent);
                self.send_agent_lost(&agent);
            }
            RegistryOp::MarkGone { agent, time } => self.mark_gone_done(agent, time),
        }
    }

    // ----- Rule I: registry garbage collection ---------------------------------

    pub(super) fn registry_gc(&mut self) {
        let now = self.now;
        let max_age = self.flags.registry_max_agent_age;
        let max_count = self.flags.registry_max_agent_count;
        let reregistering = self.reregistering.clone();
        let prune = |list: &mut Filed<(AgentId, Instant)>| -> Vec<AgentId> {
            let mut pruned = Vec::new();
            let mut keep = Vec::with_capacity(list.len());
            let mut excess = list.len().saturating_sub(max_count);
            for (agent, time) in list.take() {
                // Rule I3: an agent reregistering while GC runs is skipped.
                let skip = reregistering.contains(&agent);
                let by_count = excess > 0;
                let by_age = now - time > max_age;
                if !skip && (by_count || by_age) {
                    excess = excess.saturating_sub(1);
                    pruned.push(agent);
                } else {
                    keep.push((agent, time));
                }
            }
            *list = keep.into_iter().collect();
            pruned
        };
        let unreachable = prune(&mut self.registry.unreachable);
        let gone = prune(&mut self.registry.gone);
        for agent in unreachable {
            // Rule I3: unreachable-task records go too; no status updates.
            if let Some(by_framework) = self.unreachable_tasks.remove(&agent) {
                for (framework, tasks) in by_framework {
                    if let Some(f) = self.frameworks.get_mut(&framework) {
                        for task in &tasks {
                            f.unreachable_tasks.remove(task);
                        }
                    }
                }
            }
            self.push_fact(Fact::RegistryPruned {
                agent,
                list: "unreachable",
            });
        }
        for agent in gone {
            self.push_fact(Fact::RegistryPruned {
                agent,
                list: "gone",
            });
        }
        let next = now + self.flags.registry_gc_interval;
        self.timers.schedule(next, Timer::RegistryGc);
    }
}
