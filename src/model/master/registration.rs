//! Agent registration: a retried registration, a new agent at the address of a
//! registered one (rule L1), a `DOWN` machine, and admission through the registry
//! (D4); the admitted agent's observer starts at once (A1, A2).
//!
//! Promises: an agent ID is never reused; the acknowledgement follows the
//! registry write.

use std::collections::{BTreeMap, BTreeSet};

use super::{Master, Observer, RegisteredAgent, RegistryOp, Task};
use crate::model::message::{AgentId, FrameworkId, Message, TaskId};

impl Master {
    // ----- Agents: registration ------------------------------------------------

    pub(super) fn register_agent(&mut self, host: String) {
        // A retried registration while the admission is being written is dropped
        // ("registration is already in progress").
        if self.reregistering.iter().any(|a| a.host == host) {
            return;
        }
        // Rule L1: a new agent registering at the address of a registered one.
        if let Some(existing) = self.registered_on(&host).cloned() {
            let connected = self.agents[&existing].connected;
            if connected {
                // A retried registration: acknowledge again.
                let ping_timeout = self.flags.total_ping_timeout();
                self.send(
                    &host,
                    Message::AgentRegistered {
                        agent: existing,
                        ping_timeout,
                    },
                );
                return;
            }
            self.remove_agent(
                &existing,
                "a new agent registered at the same address".to_string(),
                Some("master/slave_removals/reason_registered"),
            );
        }
        if self.down_machines.contains(&host) {
            self.shutdown(&host, "Machine is `DOWN`");
            return;
        }
        // The agent chose its ID (its host and incarnation); the master admits it.
        let incarnation = self.next_incarnation(&host);
        let agent = AgentId {
            host: host.into(),
            incarnation,
        };
        self.reregistering.insert(agent.clone());
        self.write_registry(RegistryOp::Admit { agent });
    }

    fn next_incarnation(&mut self, host: &str) -> u32 {
        let next = self.incarnations.get(host).copied().unwrap_or(0) + 1;
        self.incarnations.insert(host.to_string(), next);
        next
    }

    /// Records an agent ID the master admits without having made it (an agent it
    /// did not know reregistering, rule E2(c)), so that no later registration on
    /// the host is given the same ID. Mesos's IDs are `<master ID>-S<n>`
    /// (`Master::newSlaveId`, master.cpp:12020) and each leading master's ID is a new
    /// random UUID (master.cpp:347), so an ID is never handed out twice, whatever the
    /// registry remembers.
    pub(super) fn seen_incarnation(&mut self, agent: &AgentId) {
        let seen = self.incarnations.entry(agent.host.to_string()).or_default();
        *seen = (*seen).max(agent.incarnation);
    }

    /// Rule A1/A2: a new observer pings at once and then every `agent_ping_timeout`.
    pub(super) fn add_agent(
        &mut self,
        agent: AgentId,
        tasks: BTreeMap<(FrameworkId, TaskId), Task>,
    ) {
        let generation = self.next_id();
        for (framework, task) in tasks.keys() {
            if let Some(f) = self.frameworks.get_mut(framework) {
                f.tasks.insert(task.clone(), agent.clone());
            }
        }
        self.agents.insert(
            agent.clone(),
            RegisteredAgent {
                id: agent.clone(),
                connected: true,
                active: true,
                observer: Observer {
                    pinged: false,
                    misses: 0,
                    pending: None,
                    generation,
                },
                tasks,
                killed: BTreeSet::new(),
                reregister_timer: 0,
            },
        );
        self.ping(&agent);
    }
}
