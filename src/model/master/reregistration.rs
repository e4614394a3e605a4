//! Rule E: an agent reregisters.
//!
//! E1.3: ignored while another transition is in flight; E1.4 / J5: a gone agent
//! and E1.5: a `DOWN` machine are shut down; E2: still registered (E6,
//! `reconcileKnownSlave`), recovered after a failover, or unreachable, unknown or
//! removed (E3, through `MarkSlaveReachable`); E7: the version differences; K5:
//! "recovered" entries for frameworks the master does not know.

use std::collections::{BTreeMap, BTreeSet};

use super::task_cache::TaskCache;

use super::{Framework, Master, RegistryOp, Task};
use crate::model::message::{AgentId, FrameworkId, FrameworkInfo, Message, TaskId, TaskReport};
use crate::model::status::Reason;
use crate::model::trace::Fact;
use crate::time::Duration;

impl Master {
    // ----- Rule E: reregistration ----------------------------------------------

    pub(super) fn reregister_agent(
        &mut self,
        from: &str,
        agent: AgentId,
        tasks: Vec<TaskReport>,
        frameworks: Vec<FrameworkInfo>,
    ) {
        // Rule E1.3 (and D4): ignored while another transition is in flight.
        let why = if self.reregistering.contains(&agent) {
            Some("a reregistration is already in progress")
        } else if self.marking_unreachable.contains(&agent) {
            Some("it is being marked unreachable")
        } else if self.marking_gone.contains(&agent) {
            Some("it is being marked gone")
        } else if self.removing.contains(&agent) {
            Some("it is being removed")
        } else {
            None
        };
        if let Some(why) = why {
            self.push_fact(Fact::ReregistrationIgnored {
                agent: agent.clone(),
                why,
            });
            return;
        }
        // Rule E1.4 / J5.
        if self.registry.is_gone(&agent) {
            self.shutdown(from, "Agent has been marked gone");
            return;
        }
        // Rule E1.5.
        if self.down_machines.contains(agent.host.as_str()) {
            self.shutdown(from, "Machine is `DOWN`");
            return;
        }
        // Rule E2(a): still registered.
        if self.agents.contains_key(&agent) {
            self.reconcile_known_agent(agent, tasks);
            return;
        }
        // Rule E7 (<= 1.0): a removed agent is shut down.
        if !self.version.has_unreachable() && self.removed.contains(&agent) {
            self.shutdown(from, "Agent attempted to re-register after removal");
            return;
        }
        // Rule E2(b): recovered after failover.
        if self.recovered.contains(&agent) {
            self.recovered.remove(&agent);
            self.push_fact(Fact::AgentReadmitted {
                agent: agent.clone(),
                was: "recovered",
            });
            self.metrics.increment("master/slave_reregistrations");
            let tasks = self.adopt_tasks(&tasks, &frameworks);
            self.add_agent(agent.clone(), tasks);
            self.finish_reregistration(&agent, &frameworks);
            return;
        }
        // Rule E2(c): unreachable, unknown or removed: always allowed back since 1.1.
        self.reregistering.insert(agent.clone());
        self.write_registry(RegistryOp::MarkReachable {
            agent,
            tasks,
            frameworks,
        });
    }

    /// Builds the master's task table from what a reregistering agent reports,
    /// creating "recovered" framework entries for frameworks it does not know (K5).
    fn adopt_tasks(
        &mut self,
        tasks: &[TaskReport],
        frameworks: &[FrameworkInfo],
    ) -> BTreeMap<(FrameworkId, TaskId), Task> {
        for info in frameworks {
            if !self.frameworks.contains_key(&info.id)
                && self.completed_framework(&info.id).is_none()
            {
                self.frameworks.insert(
                    info.id.clone(),
                    Framework {
                        info: info.clone(),
                        failover_timeout: Duration::ZERO,
                        connected: false,
                        generation: 0,
                        tasks: BTreeMap::new(),
                        unreachable_tasks: TaskCache::default(),
                        completed_tasks: TaskCache::default(),
                    },
                );
            }
        }
        tasks
            .iter()
            .filter(|t| self.completed_framework(&t.framework).is_none())
            .map(|t| {
                (
                    (t.framework.clone(), t.task.clone()),
                    Task {
                        state: t.state,
                        status_update_state: None,
                        status_update_uuid: None,
                    },
                )
            })
            .collect()
    }

    /// Rule E3: after `MarkSlaveReachable`, re-admit the agent with its tasks.
    pub(super) fn readmit(
        &mut self,
        agent: AgentId,
        reports: Vec<TaskReport>,
        frameworks: Vec<FrameworkInfo>,
    ) {
        self.reregistering.remove(&agent);
        self.seen_incarnation(&agent);
        let was_unreachable = self.registry.unreachable_time(&agent).is_some();
        let same_master = self.removed.contains(&agent);
        self.registry.unreachable.remove(&agent);
        self.registry.admitted.push(agent.clone());
        self.push_fact(Fact::AgentReadmitted {
            agent: agent.clone(),
            was: if was_unreachable {
                "unreachable"
            } else {
                "unknown"
            },
        });
        let kill_non_aware = self.version.kills_non_aware_tasks_on_return() && same_master;
        let mut shutdown_frameworks = BTreeSet::new();
        let mut kept = Vec::new();
        for report in &reports {
            if self.completed_framework(&report.framework).is_some() {
                continue;
            }
            let aware = self
                .frameworks
                .get(&report.framework)
                .map(|f| f.info.partition_aware)
                .or_else(|| {
                    frameworks
                        .iter()
                        .find(|f| f.id == report.framework)
                        .map(|f| f.partition_aware)
                })
                .unwrap_or(false);
            if kill_non_aware && !aware {
                // Rule E7 (1.1 to 1.4): non-aware frameworks are shut down on the agent.
                shutdown_frameworks.insert(report.framework.clone());
                continue;
            }
            if let Some(f) = self.frameworks.get_mut(&report.framework) {
                f.unreachable_tasks.remove(&report.task);
                f.completed_tasks.remove(&report.task);
            }
            if self.version.profile() == crate::model::version::Profile::Unreachable {
                let message = if was_unreachable {
                    "Unreachable agent re-reregistered"
                } else {
                    "Unknown agent reregistered"
                };
                let update = self.master_update(
                    &report.task,
                    report.state,
                    Reason::AgentReregistered,
                    Some(&agent),
                    None,
                    message.to_string(),
                );
                self.notify(&report.framework, update);
            }
            kept.push(report.clone());
        }
        // Rule E3: unreachable tasks the agent no longer reports simply disappear.
        if let Some(by_framework) = self.unreachable_tasks.remove(&agent) {
            for (framework, tasks) in by_framework {
                if let Some(f) = self.frameworks.get_mut(&framework) {
                    for task in &tasks {
                        f.unreachable_tasks.remove(task);
                    }
                }
            }
        }
        self.forget_removed(&agent);
        self.removed_from_registry.remove(&agent);
        self.metrics.increment("master/slave_reregistrations");
        let tasks = self.adopt_tasks(&kept, &frameworks);
        self.add_agent(agent.clone(), tasks);
        self.finish_reregistration(&agent, &frameworks);
        // After the acknowledgement: a disconnected agent ignores framework
        // shutdowns (rule C8).
        for framework in &shutdown_frameworks {
            self.send(
                &agent.host,
                Message::ShutdownFramework {
                    framework: framework.clone(),
                },
            );
        }
    }

    /// Common tail of rule E3: acknowledge, and shut down completed frameworks.
    fn finish_reregistration(&mut self, agent: &AgentId, frameworks: &[FrameworkInfo]) {
        let ping_timeout = self.flags.total_ping_timeout();
        self.send(
            &agent.host,
            Message::AgentReregistered {
                agent: agent.clone(),
                ping_timeout,
                reconcile: Vec::new(),
            },
        );
        for info in frameworks {
            if self.completed_framework(&info.id).is_some() {
                self.send(
                    &agent.host,
                    Message::ShutdownFramework {
                        framework: info.id.clone(),
                    },
                );
            }
        }
    }

    /// Rule E6: a still-registered agent reregisters (`reconcileKnownSlave`).
    fn reconcile_known_agent(&mut self, agent: AgentId, reports: Vec<TaskReport>) {
        let ping_timeout = self.flags.total_ping_timeout();
        let a = self.agents.get_mut(&agent).expect("caller checked");
        let was_disconnected = !a.connected;
        if was_disconnected {
            // Rule E6: cancel the reregister timer, reconnect the observer, reactivate.
            a.connected = true;
            a.active = true;
            a.reregister_timer = 0;
        }
        let reported: BTreeSet<(FrameworkId, TaskId)> = reports
            .iter()
            .map(|r| (r.framework.clone(), r.task.clone()))
            .collect();
        let unknown_to_agent: Vec<(FrameworkId, TaskId)> = a
            .tasks
            .keys()
            .filter(|k| !reported.contains(*k))
            .cloned()
            .collect();
        let killed: Vec<(FrameworkId, TaskId)> = a
            .killed
            .iter()
            .filter(|k| a.tasks.get(*k).is_some_and(|t| !t.state.is_terminal()))
            .cloned()
            .collect();
        let reconcile: Vec<(FrameworkInfo, TaskId)> = unknown_to_agent
            .into_iter()
            .filter_map(|(framework, task)| {
                self.frameworks
                    .get(&framework)
                    .map(|f| (f.info.clone(), task))
            })
            .collect();
        self.push_fact(Fact::AgentReconnected {
            agent: agent.clone(),
        });
        self.send(
            &agent.host,
            Message::AgentReregistered {
                agent: agent.clone(),
                ping_timeout,
                reconcile,
            },
        );
        for (framework, task) in killed {
            self.send(&agent.host, Message::KillTask { framework, task });
        }
        let completed: Vec<FrameworkId> = self
            .completed_frameworks
            .iter()
            .map(|f| f.id.clone())
            .collect();
        for framework in completed {
            if reports.iter().any(|r| r.framework == framework) {
                self.send(&agent.host, Message::ShutdownFramework { framework });
            }
        }
    }
}
