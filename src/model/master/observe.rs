//! Observation: metrics, agent status, where a task is filed, the next ping.
//!
//! Promises: read-only. Nothing here changes the master; the gauges are computed
//! from the state at the moment they are asked for (rule D8: `tasks_unreachable`
//! counts only entries in state `TASK_UNREACHABLE`).

use std::collections::BTreeMap;

use super::{AgentStatus, Master, Registry, TaskView, Timer, state_metric_name};
use crate::model::message::{AgentId, FrameworkId, Name, TaskId};
use crate::model::status::TaskState;
use crate::time::Instant;

/// Every record the master keeps of tasks, as a snapshot: what the model's
/// invariant tests balance against the agents and the trace. Each list is in the
/// master's own (stable) order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Books {
    /// The task table of each registered agent: (agent, framework, task, state).
    pub on_agents: Vec<(AgentId, FrameworkId, TaskId, TaskState)>,
    /// Each framework's active tasks with the agent it files them under.
    pub active: Vec<(FrameworkId, TaskId, AgentId)>,
    /// Each framework's unreachable tasks (rule D8) with their agent and state.
    pub unreachable: Vec<(FrameworkId, TaskId, AgentId, TaskState)>,
    /// Completed tasks, of current frameworks and of removed ones (rule L3).
    pub completed: Vec<(FrameworkId, TaskId, TaskState)>,
    /// Agents recovered from the registry that have not reregistered (rule K1).
    pub recovered: Vec<AgentId>,
}

impl Master {
    // ----- Observation ---------------------------------------------------------

    /// Every record the master keeps of tasks (see [`Books`]).
    pub fn books(&self) -> Books {
        let mut books = Books::default();
        for (id, agent) in &self.agents {
            for ((framework, task), t) in &agent.tasks {
                books
                    .on_agents
                    .push((id.clone(), framework.clone(), task.clone(), t.state));
            }
        }
        for (id, f) in &self.frameworks {
            for (task, agent) in &f.tasks {
                books.active.push((id.clone(), task.clone(), agent.clone()));
            }
            for u in f.unreachable_tasks.values() {
                books
                    .unreachable
                    .push((id.clone(), u.task.clone(), u.agent.clone(), u.state));
            }
            for (task, state) in f.completed_tasks.iter() {
                books.completed.push((id.clone(), task.clone(), *state));
            }
        }
        for f in &self.completed_frameworks {
            for (task, state) in f.tasks.iter() {
                books.completed.push((f.id.clone(), task.clone(), *state));
            }
        }
        books.recovered = self.recovered.iter().cloned().collect();
        books
    }

    pub fn metrics(&self) -> BTreeMap<String, i64> {
        let mut all = self.metrics.snapshot();
        let mut gauge = |name: &str, value: usize| {
            all.insert(format!("master/{name}"), value as i64);
        };
        let registered = self.agents.len();
        let connected = self.agents.values().filter(|a| a.connected).count();
        let active = self.agents.values().filter(|a| a.active).count();
        gauge("slaves_connected", connected);
        gauge("slaves_disconnected", registered - connected);
        gauge("slaves_active", active);
        gauge("slaves_inactive", registered - active);
        gauge("slaves_unreachable", self.registry.unreachable.len());
        let mut count = BTreeMap::<TaskState, usize>::new();
        for agent in self.agents.values() {
            for task in agent.tasks.values() {
                *count.entry(task.state).or_default() += 1;
            }
        }
        for state in [
            TaskState::Staging,
            TaskState::Starting,
            TaskState::Running,
            TaskState::Killing,
        ] {
            gauge(
                &format!("tasks_{}", state_metric_name(state)),
                count.get(&state).copied().unwrap_or(0),
            );
        }
        // Rule D8: counts only entries in state TASK_UNREACHABLE.
        let unreachable = self
            .frameworks
            .values()
            .flat_map(|f| f.unreachable_tasks.values())
            .filter(|t| t.state == TaskState::Unreachable)
            .count();
        gauge("tasks_unreachable", unreachable);
        gauge(
            "frameworks_connected",
            self.frameworks.values().filter(|f| f.connected).count(),
        );
        gauge(
            "frameworks_disconnected",
            self.frameworks.values().filter(|f| !f.connected).count(),
        );
        all
    }

    /// One counter of [`crate::model::metrics::COUNTERS`], without building the
    /// snapshot of [`Master::metrics`].
    pub fn counter(&self, name: &str) -> i64 {
        self.metrics.get(name)
    }

    /// The latest status of the agent ID, from the master's point of view.
    pub fn agent_status(&self, agent: &AgentId) -> AgentStatus {
        if let Some(a) = self.agents.get(agent) {
            if a.connected {
                AgentStatus::Registered
            } else {
                AgentStatus::Disconnected
            }
        } else if self.registry.is_gone(agent) {
            AgentStatus::Gone
        } else if self.registry.unreachable_time(agent).is_some() {
            AgentStatus::Unreachable
        } else if self.recovered.contains(agent) {
            AgentStatus::Recovered
        } else if self.removed_from_registry.contains(agent) {
            AgentStatus::Removed
        } else {
            AgentStatus::Unknown
        }
    }

    /// When the agent was marked unreachable, if it is in the unreachable list.
    pub fn unreachable_since(&self, agent: &AgentId) -> Option<Instant> {
        self.registry.unreachable_time(agent)
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Where and in which state the master files a task of a framework.
    pub fn task_view(&self, framework: &str, task: &str) -> Option<TaskView> {
        let Some(f) = self.frameworks.get(framework) else {
            // A removed framework's completed tasks, while the master remembers it
            // (`frameworks.completed`; PartitionTest.PartitionedSlaveOrphanedTask).
            return self
                .completed_framework(framework)?
                .tasks
                .get(task)
                .map(|s| TaskView::Completed(*s));
        };
        if let Some(agent) = f.tasks.get(task) {
            let t = self
                .agents
                .get(agent)?
                .tasks
                .get(&(framework.into(), task.into()))?;
            return Some(TaskView::Active(t.state));
        }
        if let Some(u) = f.unreachable_tasks.get(task) {
            return Some(TaskView::Unreachable(u.state));
        }
        f.completed_tasks.get(task).map(|s| TaskView::Completed(*s))
    }

    /// When the observer of a registered agent sends its next ping (rule A2).
    pub fn next_ping_at(&self, agent: &AgentId) -> Option<Instant> {
        let generation = self.agents.get(agent)?.observer.generation;
        self.timers.iter().find_map(|(at, timer)| match timer {
            Timer::ObserverTick {
                agent: a,
                generation: g,
            } if a == agent && *g == generation => Some(at),
            _ => None,
        })
    }

    /// The registered agent ID on `host`, if any.
    pub fn registered_on(&self, host: impl Into<Name>) -> Option<&AgentId> {
        // IDs order by host first: the agents of one host are one range.
        let host = host.into();
        let from = AgentId {
            host: host.clone(),
            incarnation: 0,
        };
        self.agents
            .range(from..)
            .map(|(id, _)| id)
            .take_while(|id| id.host == host)
            .next()
    }

    /// The agents frameworks get offers from: registered, connected and active, in
    /// host order.
    pub fn offering_agents(&self) -> impl Iterator<Item = &AgentId> {
        self.agents
            .values()
            .filter(|a| a.connected && a.active)
            .map(|a| &a.id)
    }

    /// How many live (not terminal) tasks, of every framework, the master holds on
    /// a registered agent.
    pub fn live_tasks(&self, agent: &AgentId) -> usize {
        self.agents.get(agent).map_or(0, |a| {
            a.tasks.values().filter(|t| !t.state.is_terminal()).count()
        })
    }

    pub fn framework_connected(&self, framework: &str) -> bool {
        self.frameworks.get(framework).is_some_and(|f| f.connected)
    }
}
