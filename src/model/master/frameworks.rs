//! Framework calls: subscribe, launch (rule G1 offers, D10 task-ID reuse), kill
//! (D9, E6), acknowledge, disconnect with its failover timeout, and framework
//! removal on teardown or failover timeout (L3).
//!
//! Promises: a terminal task leaves the master once its terminal update is
//! acknowledged; a removed framework's tasks are completed as `TASK_KILLED`.

use std::collections::BTreeMap;

use super::task_cache::TaskCache;

use super::{Call, CompletedFramework, Framework, Master, MasterOutput, Task, Timer};
use crate::model::message::{AgentId, FrameworkEvent, FrameworkId, Message, TaskId};
use crate::model::status::{Reason, TaskState};
use crate::model::trace::Fact;

impl Master {
    // ----- Framework calls -----------------------------------------------------

    pub(super) fn call(&mut self, call: Call) {
        match call {
            Call::Subscribe {
                info,
                failover_timeout,
            } => {
                let id = info.id.clone();
                // `Master::subscribe`: a framework the master removed (torn down, or
                // its failover timeout ran out) is refused, as long as the master
                // remembers it among its completed frameworks (in memory only).
                if self.completed_framework(&id).is_some() {
                    let message = "Framework has been removed".to_string();
                    self.push_fact(Fact::SubscriptionRefused {
                        framework: id.clone(),
                        why: message.clone(),
                    });
                    self.outputs.push_back(MasterOutput::Framework {
                        framework: id,
                        event: FrameworkEvent::Error { message },
                    });
                    return;
                }
                let generation = self.next_id();
                let known = self.frameworks.contains_key(&id);
                let f = self
                    .frameworks
                    .entry(id.clone())
                    .or_insert_with(|| Framework {
                        info: info.clone(),
                        failover_timeout,
                        connected: true,
                        generation,
                        tasks: BTreeMap::new(),
                        unreachable_tasks: TaskCache::default(),
                        completed_tasks: TaskCache::default(),
                    });
                f.info = info;
                f.failover_timeout = failover_timeout;
                f.connected = true;
                f.generation = generation;
                if known {
                    // `Master::sendFrameworkUpdates` (master.cpp:2880-2905): a framework
                    // that fails over or comes back is announced to every registered
                    // agent, which then resends its pending updates at once.
                    let hosts: Vec<String> = self
                        .agents
                        .values()
                        .map(|a| a.id.host.to_string())
                        .collect();
                    for host in hosts {
                        self.send(
                            &host,
                            Message::UpdateFramework {
                                framework: id.clone(),
                            },
                        );
                    }
                }
            }
            Call::Launch {
                framework,
                task,
                host,
            } => self.launch(framework, task, &host),
            Call::Kill {
                framework,
                task,
                agent,
            } => self.kill(framework, task, agent),
            Call::Reconcile { framework, tasks } => self.reconcile(&framework, tasks),
            Call::Acknowledge {
                framework,
                task,
                uuid,
            } => self.acknowledge(framework, task, uuid),
            Call::Disconnect { framework } => {
                let generation = self.next_id();
                let Some(f) = self.frameworks.get_mut(&framework) else {
                    return;
                };
                f.connected = false;
                f.generation = generation;
                let at = self.now + f.failover_timeout;
                self.timers.schedule(
                    at,
                    Timer::FrameworkFailover {
                        framework,
                        generation,
                    },
                );
            }
            Call::Teardown { framework } => {
                if self.frameworks.contains_key(&framework) {
                    self.remove_framework(&framework);
                }
            }
        }
    }

    fn launch(&mut self, framework: FrameworkId, task: TaskId, host: &str) {
        let Some(f) = self.frameworks.get(&framework) else {
            return;
        };
        if !f.connected {
            return;
        }
        let aware = f.info.partition_aware;
        // Rule G1: only a registered, connected, active agent has an offer.
        let offer = self
            .registered_on(host)
            .and_then(|id| self.agents.get(id))
            .filter(|a| a.connected && a.active)
            .map(|a| a.id.clone());
        let Some(agent) = offer else {
            let state = if aware && self.version.has_partition_states() {
                TaskState::Dropped
            } else {
                TaskState::Lost
            };
            self.count_transition(state);
            let update = self.master_update(
                &task,
                state,
                Reason::InvalidOffers,
                None,
                None,
                format!(
                    "Task launched with invalid offers: Offer for agent {host} is no longer valid"
                ),
            );
            self.notify(&framework, update);
            return;
        };
        // Rule D10 and task-ID uniqueness.
        let f = &self.frameworks[&framework];
        let invalid = if f.unreachable_tasks.contains(&task) {
            Some("Task reuses the ID of an unreachable task")
        } else if f.tasks.contains_key(&task) {
            Some("Task has duplicate ID")
        } else {
            None
        };
        if let Some(why) = invalid {
            self.count_transition(TaskState::Error);
            let update = self.master_update(
                &task,
                TaskState::Error,
                Reason::TaskInvalid,
                Some(&agent),
                None,
                why.to_string(),
            );
            self.notify(&framework, update);
            return;
        }
        let f = self.frameworks.get_mut(&framework).expect("checked above");
        f.tasks.insert(task.clone(), agent.clone());
        let info = f.info.clone();
        self.agents
            .get_mut(&agent)
            .expect("offer found above")
            .tasks
            .insert(
                (framework.clone(), task.clone()),
                Task {
                    state: TaskState::Staging,
                    status_update_state: None,
                    status_update_uuid: None,
                },
            );
        self.send(
            &agent.host,
            Message::RunTask {
                framework: info,
                task,
            },
        );
    }

    fn kill(&mut self, framework: FrameworkId, task: TaskId, agent: Option<AgentId>) {
        let Some(f) = self.frameworks.get(&framework) else {
            return;
        };
        // Rule D9: an unknown task (unreachable ones included) is reconciled instead.
        let Some(on) = f.tasks.get(&task).cloned() else {
            self.reconcile(&framework, vec![(task, agent)]);
            return;
        };
        let Some(a) = self.agents.get_mut(&on) else {
            return;
        };
        // Rule E6: remembered, and sent again if the agent reregisters.
        a.killed.insert((framework.clone(), task.clone()));
        if a.connected {
            self.send(&on.host, Message::KillTask { framework, task });
        }
    }

    fn acknowledge(&mut self, framework: FrameworkId, task: TaskId, uuid: u64) {
        let Some(on) = self
            .frameworks
            .get(&framework)
            .and_then(|f| f.tasks.get(&task))
            .cloned()
        else {
            return;
        };
        let key = (framework.clone(), task.clone());
        // Acknowledgements for a disconnected agent are dropped; the agent resends.
        let Some(a) = self.agents.get_mut(&on).filter(|a| a.connected) else {
            self.metrics
                .increment("master/invalid_status_update_acknowledgements");
            return;
        };
        let Some(t) = a.tasks.get(&key) else {
            return;
        };
        // A terminal task leaves the master once its terminal update is acknowledged.
        let done = t.status_update_state.is_some_and(|s| s.is_terminal())
            && t.status_update_uuid == Some(uuid);
        if done {
            let state = t.state;
            a.tasks.remove(&key);
            a.killed.remove(&key);
            let limit = self.flags.max_completed_tasks_per_framework;
            if let Some(f) = self.frameworks.get_mut(&framework) {
                f.tasks.remove(&task);
                f.remember_completed(task.clone(), state, limit);
            }
        }
        self.send(
            &on.host,
            Message::StatusUpdateAcknowledgement {
                framework,
                task,
                uuid,
            },
        );
    }

    /// Rule L3: teardown or failover timeout.
    pub(super) fn remove_framework(&mut self, framework: &str) {
        let Some(mut f) = self.frameworks.remove(framework) else {
            return;
        };
        let limit = self.flags.max_completed_tasks_per_framework;
        // `removeFramework` tells every registered agent, connected or not.
        let hosts: Vec<String> = self.agents.keys().map(|a| a.host.to_string()).collect();
        for (task, agent) in std::mem::take(&mut f.tasks) {
            if let Some(a) = self.agents.get_mut(&agent) {
                a.tasks.remove(&(framework.into(), task.clone()));
                a.killed.remove(&(framework.into(), task.clone()));
            }
            self.count_transition(TaskState::Killed);
            f.remember_completed(task, TaskState::Killed, limit);
        }
        // Rule L3: unreachable tasks are completed as TASK_KILLED (not counted: they
        // had already left the running states).
        for (_, u) in f.unreachable_tasks.take() {
            if let Some(by_fw) = self.unreachable_tasks.get_mut(&u.agent) {
                by_fw.remove(framework);
            }
            f.remember_completed(u.task, TaskState::Killed, limit);
        }
        for host in hosts {
            self.send(
                &host,
                Message::ShutdownFramework {
                    framework: framework.into(),
                },
            );
        }
        self.completed_frameworks.push_back(CompletedFramework {
            id: framework.into(),
            tasks: std::mem::take(&mut f.completed_tasks),
        });
        while self.completed_frameworks.len() > self.flags.max_completed_frameworks {
            self.completed_frameworks.pop_front();
        }
        self.push_fact(Fact::FrameworkRemoved {
            framework: framework.into(),
        });
    }
}
