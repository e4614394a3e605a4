//! The cluster an hour after the network healed: every agent accounted for, and
//! agents and master agreeing on every task.

use crate::model::{AgentState, AgentStatus, Cluster, Instant};

use super::*;

impl Checker {
    // ----- After the network healed and the cluster settled ------------------------

    /// Checks the settled cluster: every agent process is registered or shut down,
    /// every registered agent runs, and agents and master agree on every task.
    pub fn settled(&self, c: &Cluster) -> Result<(), Violation> {
        let settled = Invariant::SettledClusterIsAccountedFor;
        let master = c.master();
        for host in c.hosts() {
            let Some(agent) = c.agent(host) else { continue };
            match agent.state() {
                AgentState::Terminated | AgentState::HostDead => continue,
                AgentState::Disconnected => {
                    return Err(broke(
                        settled,
                        format!("agent process {host} is still not registered an hour after the network healed"),
                    )
                    .then(then_considers(host, AgentStatus::Registered)));
                }
                AgentState::Running => {}
            }
            let id = agent.id().expect("a running agent has an ID");
            if master.agent_status(id) != AgentStatus::Registered
                || master.registered_on(host) != Some(id)
            {
                return Err(broke(
                    settled,
                    format!(
                        "agent process {host} runs as {id}, which the master considers {}",
                        master.agent_status(id)
                    ),
                )
                .then(then_considers(host, AgentStatus::Registered)));
            }
        }
        let registry = master.registry();
        for id in &registry.admitted {
            let status = master.agent_status(id);
            let live = c
                .agent(&id.host)
                .is_some_and(|a| a.is_alive() && a.id() == Some(id));
            if status != AgentStatus::Registered || !live {
                return Err(broke(
                    settled,
                    format!(
                        "agent {id} is admitted in the registry and {status} at the master, with {} process behind it",
                        if live { "a live" } else { "no live" }
                    ),
                ));
            }
        }
        let books = master.books();
        for recovered in &books.recovered {
            // Rule N2: a recovered agent marked gone stays recovered.
            if master.agent_status(recovered) != AgentStatus::Gone {
                return Err(broke(
                    settled,
                    format!(
                        "agent {recovered} is still recovered an hour after the network healed (rule K3 marks it unreachable after 10 minutes)"
                    ),
                ));
            }
        }
        for (framework, task, agent, _) in &books.unreachable {
            if matches!(
                master.agent_status(agent),
                AgentStatus::Registered | AgentStatus::Disconnected | AgentStatus::Recovered
            ) {
                return Err(broke(
                    settled,
                    format!(
                        "task \"{task}\" of \"{framework}\" is filed as unreachable on agent {agent}, which is {}",
                        master.agent_status(agent)
                    ),
                ));
            }
        }
        // Every active task is held by the agent process it is filed under, unless its
        // launch was lost and the agent has not reregistered since (rule G4).
        for (framework, task, agent) in &books.active {
            // Held: the agent runs it, or still has an update about it to deliver.
            let held = c.agent(&agent.host).is_some_and(|a| {
                a.id() == Some(agent)
                    && (a.tasks().any(|(f, t, _)| f == framework && t == task)
                        || a.pending_updates()
                            .any(|u| u.framework == *framework && u.task == *task))
            });
            let not_since = |at: Option<&Instant>| {
                at.is_some_and(|at| self.registered_at.get(agent).is_none_or(|r| r <= at))
            };
            let launch_lost = not_since(
                self.lost
                    .get(&Order::Task(framework.to_string(), task.to_string())),
            );
            let taken_over = not_since(self.taken_over.get(agent));
            if !held && !launch_lost && !taken_over {
                return Err(broke(
                    settled,
                    format!("the master holds task \"{task}\" of \"{framework}\" as active on agent {agent}, whose process does not hold it"),
                )
                .then(then_unknown_task(task)));
            }
        }
        // Every task a registered agent holds is active at the master, on that agent.
        for host in c.hosts() {
            let Some(agent) = c.agent(host).filter(|a| a.state() == AgentState::Running) else {
                continue;
            };
            let id = agent.id().expect("a running agent has an ID");
            for (framework, task, state) in agent.tasks() {
                let active = books
                    .active
                    .iter()
                    .any(|(f, t, a)| f == framework && t == task && a == id);
                let key = (framework.to_string(), task.to_string());
                let pending = agent
                    .pending_updates()
                    .any(|u| u.framework == *framework && u.task == *task);
                let excused = pending
                    || self.lost_about(host, framework, task).is_some()
                    || self.abandoned.contains(&key);
                if !active && !excused {
                    return Err(broke(
                        settled,
                        format!(
                            "agent {id} holds task \"{task}\" of \"{framework}\" ({state}), which the master {}",
                            match master.task_view(framework, task) {
                                Some(view) => format!("files as {view:?}"),
                                None => "does not know".to_string(),
                            }
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}
