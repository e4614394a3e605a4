//! When steps of the frameworks' schedulers (launch, kill, reconcile, disconnect,
//! resubscribe, teardown) and of their tasks on the agents (finish, fail, executor
//! exit).
//!
//! Promises: a scheduler only calls the master while subscribed to it; otherwise
//! the step is refused with a hint.

use super::{Cluster, ClusterError, ReconcileOn};
use crate::model::agent::AgentInput;
use crate::model::master::{Call, MasterInput};
use crate::model::message::{AgentId, FrameworkEvent, StatusUpdate};
use crate::model::status::{Reason, Source, TaskState};

impl Cluster {
    fn require_framework(&self, name: &str) -> Result<(), ClusterError> {
        if self.schedulers.contains_key(name) {
            Ok(())
        } else {
            Err(ClusterError::UnknownFramework(name.to_string()))
        }
    }

    /// A scheduler can only make calls while subscribed to the current master.
    pub(super) fn require_subscribed(&self, name: &str) -> Result<(), ClusterError> {
        self.require_framework(name)?;
        if self.schedulers[name].subscribed {
            Ok(())
        } else {
            Err(ClusterError::Refused(format!(
                "\"{name}\" is not subscribed to the master (it disconnected, or the master failed over); add `When \"{name}\" resubscribes` first"
            )))
        }
    }

    pub(super) fn subscribe(&mut self, framework: &str) {
        let Some(s) = self.schedulers.get_mut(framework) else {
            return;
        };
        s.subscribed = true;
        let call = Call::Subscribe {
            info: s.info.clone(),
            failover_timeout: s.failover_timeout,
        };
        self.master_input(MasterInput::Call(call));
    }

    // ----- When: frameworks ----------------------------------------------------

    /// A launch on the agent on `host` (its current offer). A scheduler that is not
    /// subscribed does not reach the master: its driver answers at once with
    /// TASK_LOST, or TASK_DROPPED for a partition-aware framework from Mesos 1.2,
    /// `REASON_MASTER_DISCONNECTED` from `SOURCE_MASTER`
    /// (`FaultToleranceTest.DisconnectedSchedulerLaunchLost` / `...Dropped`).
    pub fn launch(&mut self, framework: &str, task: &str, host: &str) -> Result<(), ClusterError> {
        self.require_framework(framework)?;
        self.require_agent(host)?;
        let now = self.now;
        if let Some(conduct) = self.conduct_mut(framework)
            && conduct.book.copy(task).is_none()
        {
            // A launch of the scenario's own: an instance of its own.
            conduct.book.add_copy(task, task);
            conduct.book.launched(task, host, now);
            self.running_dirty.insert(host.to_string());
        }
        if !self.schedulers[framework].subscribed {
            self.driver_refuses_launch(framework, task);
            return Ok(());
        }
        self.master_input(MasterInput::Call(Call::Launch {
            framework: framework.into(),
            task: task.into(),
            host: host.to_string(),
        }));
        Ok(())
    }

    fn driver_refuses_launch(&mut self, framework: &str, task: &str) {
        let aware = self.schedulers[framework].info.partition_aware;
        let state = match aware && self.version.driver_drops_launches() {
            true => TaskState::Dropped,
            false => TaskState::Lost,
        };
        self.world(format!(
            "the scheduler driver of {framework} is disconnected and answers the launch of {task} itself"
        ));
        let event = FrameworkEvent::Update(StatusUpdate {
            task: task.into(),
            state,
            reason: Some(Reason::MasterDisconnected),
            source: Some(Source::Master),
            agent: None,
            unreachable_time: None,
            message: Some("Master disconnected".to_string()),
            uuid: None,
        });
        self.deliver_to_scheduler(framework, event);
    }

    pub fn kill(
        &mut self,
        framework: &str,
        task: &str,
        host: Option<&str>,
    ) -> Result<(), ClusterError> {
        self.require_subscribed(framework)?;
        let agent = match host {
            Some(h) => Some(self.agent_ref(h)?),
            None => None,
        };
        self.master_input(MasterInput::Call(Call::Kill {
            framework: framework.into(),
            task: task.into(),
            agent,
        }));
        Ok(())
    }

    /// The agent ID a framework would name for `host`.
    fn agent_ref(&self, host: &str) -> Result<AgentId, ClusterError> {
        self.agent_id(host)
            .cloned()
            .ok_or_else(|| ClusterError::UnknownAgent(host.to_string()))
    }

    /// Explicit reconciliation of one task (rule H2), naming an agent or not.
    pub fn reconcile(
        &mut self,
        framework: &str,
        task: &str,
        on: ReconcileOn,
    ) -> Result<(), ClusterError> {
        self.require_subscribed(framework)?;
        let agent = match on {
            ReconcileOn::AnyAgent => None,
            ReconcileOn::Agent(host) => Some(self.agent_ref(host)?),
            ReconcileOn::UnknownAgent => Some(AgentId {
                host: "unknown-agent".into(),
                incarnation: 1,
            }),
        };
        self.master_input(MasterInput::Call(Call::Reconcile {
            framework: framework.into(),
            tasks: vec![(task.into(), agent)],
        }));
        Ok(())
    }

    /// Implicit reconciliation (rule H1).
    pub fn reconcile_all(&mut self, framework: &str) -> Result<(), ClusterError> {
        self.require_subscribed(framework)?;
        self.master_input(MasterInput::Call(Call::Reconcile {
            framework: framework.into(),
            tasks: Vec::new(),
        }));
        Ok(())
    }

    pub fn disconnect(&mut self, framework: &str) -> Result<(), ClusterError> {
        self.require_framework(framework)?;
        self.world(format!("framework {framework} disconnected"));
        self.schedulers
            .get_mut(framework)
            .expect("checked above")
            .subscribed = false;
        self.master_input(MasterInput::Call(Call::Disconnect {
            framework: framework.into(),
        }));
        Ok(())
    }

    pub fn resubscribe(&mut self, framework: &str) -> Result<(), ClusterError> {
        self.require_framework(framework)?;
        self.world(format!("framework {framework} resubscribed"));
        self.subscribe(framework);
        // Subscribed, it gets offers again: launches waiting for one may go.
        self.place_pending_of(framework);
        Ok(())
    }

    pub fn teardown(&mut self, framework: &str) -> Result<(), ClusterError> {
        self.require_framework(framework)?;
        self.world(format!("framework {framework} was torn down"));
        self.master_input(MasterInput::Call(Call::Teardown {
            framework: framework.into(),
        }));
        Ok(())
    }

    // ----- When: tasks ---------------------------------------------------------

    fn host_of_task(&self, task: &str) -> Result<String, ClusterError> {
        self.agents
            .iter()
            .find(|(_, a)| a.task_state(task).is_some())
            .map(|(h, _)| h.to_string())
            .ok_or_else(|| ClusterError::UnknownTask(task.to_string()))
    }

    pub fn task_finishes(&mut self, task: &str) -> Result<(), ClusterError> {
        let host = self.host_of_task(task)?;
        self.agent_input(&host, AgentInput::TaskFinished { task: task.into() })
    }

    pub fn task_fails(&mut self, task: &str) -> Result<(), ClusterError> {
        let host = self.host_of_task(task)?;
        self.agent_input(&host, AgentInput::TaskFailed { task: task.into() })
    }

    pub fn executor_exits(&mut self, task: &str) -> Result<(), ClusterError> {
        let host = self.host_of_task(task)?;
        self.agent_input(&host, AgentInput::ExecutorExited { task: task.into() })
    }
}
