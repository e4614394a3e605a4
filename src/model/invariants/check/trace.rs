//! What the invariants read in the trace: the master's facts (admissions, removals,
//! broken connections), the updates agents send, and the orders the master sends,
//! loses or sees ignored.

use super::super::schedule::Shape;
use crate::model::{
    AgentState, Checkpointing, Cluster, Endpoint, Fact, Instant, Message, TraceEvent,
};

use super::*;

impl Checker {
    // ----- The trace -------------------------------------------------------------

    pub(super) fn read_trace(&mut self, shape: &Shape, c: &Cluster) -> Result<(), Violation> {
        let trace = c.trace();
        let now = c.now();
        // The agent the previous entry admitted: its acknowledgement follows.
        let mut just_admitted = None;
        for entry in &trace[self.trace_done..] {
            let admitted = match &entry.event {
                TraceEvent::Master(Fact::AgentAdmitted { agent }) => Some(agent),
                _ => None,
            };
            match &entry.event {
                TraceEvent::Master(fact) => self.master_fact(shape, c, entry.at, fact)?,
                TraceEvent::Sent {
                    from: Endpoint::Agent(host),
                    message: Message::StatusUpdate(u),
                    ..
                } => {
                    *self
                        .sent_updates
                        .entry((host.to_string(), u.uuid))
                        .or_default() += 1
                }
                TraceEvent::Sent {
                    to: Endpoint::Agent(host),
                    message: Message::AgentRegistered { agent, .. },
                    ..
                } => {
                    // `Master::registerSlave` answers a registration from the address
                    // of a registered, connected agent with that agent's ID ("already
                    // registered, resending acknowledgement"), and an agent process
                    // without an ID takes it (`Slave::registered`): a process restarted
                    // with an empty work directory behind a partition inherits the old
                    // ID, and the master's tasks on it, until it reregisters (E6).
                    let fresh = c.agent(host).is_some_and(|a| a.id().is_none());
                    if fresh && just_admitted != Some(agent) {
                        self.taken_over.insert(agent.clone(), entry.at);
                    }
                }
                TraceEvent::Sent {
                    to: Endpoint::Agent(host),
                    message,
                    ..
                } => {
                    if let Some(order) = order(host, message) {
                        let covers = covered(c, host, &order);
                        self.sent_now.push(Sent {
                            at: entry.at,
                            host: host.to_string(),
                            order,
                            covers,
                        });
                    }
                }
                TraceEvent::Dropped {
                    to: Endpoint::Agent(host),
                    message,
                    ..
                } => {
                    if let Some(order) = order(host, message) {
                        self.lost.insert(order, entry.at);
                    }
                }
                _ => {}
            }
            just_admitted = admitted;
        }
        self.trace_done = trace.len();
        // Rule C8: a disconnected agent ignores `ShutdownFrameworkMessage`; with no
        // latency an order sent now arrives now, so the agent's state now decides.
        self.sent_now.retain(|s| s.at == now);
        for Sent {
            at, host, order, ..
        } in &self.sent_now
        {
            let running = c
                .agent(host)
                .is_some_and(|a| a.state() == AgentState::Running);
            if !running && matches!(order, Order::Framework(..)) {
                self.lost.insert(order.clone(), *at);
            }
        }
        Ok(())
    }

    pub(super) fn master_fact(
        &mut self,
        shape: &Shape,
        c: &Cluster,
        at: Instant,
        fact: &Fact,
    ) -> Result<(), Violation> {
        let metrics = Invariant::MetricsAgreeWithTheTrace;
        match fact {
            Fact::MasterElected { .. } => {
                // A new master: new counters, nothing removed yet.
                self.tally = Tally::default();
                self.counters.clear();
                self.removed.clear();
            }
            Fact::AgentAdmitted { agent } => {
                self.tally.registrations += 1;
                self.removed.remove(agent);
                self.registered_at.insert(agent.clone(), at);
            }
            Fact::AgentReadmitted { agent, .. } => {
                self.tally.reregistrations += 1;
                self.removed.remove(agent);
                self.registered_at.insert(agent.clone(), at);
            }
            Fact::AgentReconnected { agent } => {
                self.registered_at.insert(agent.clone(), at);
            }
            Fact::AgentMarkedUnreachable { agent, cause } => {
                self.tally.removals += 1;
                self.tally.unhealthy += 1;
                if cause.contains("after master failover") {
                    self.tally.recovery_removals += 1;
                }
                if !self.removed.insert(agent.clone()) {
                    return Err(broke(
                        metrics,
                        format!(
                            "agent {agent} was removed twice without being admitted in between (marked unreachable at {at})"
                        ),
                    ));
                }
            }
            Fact::AgentRemoved { agent, cause } => {
                self.tally.removals += 1;
                if cause == "health check timed out" {
                    self.tally.unhealthy += 1;
                }
                if !self.removed.insert(agent.clone()) {
                    return Err(broke(
                        metrics,
                        format!(
                            "agent {agent} was removed twice without being admitted in between (removed at {at})"
                        ),
                    ));
                }
            }
            Fact::RecoveredAgentForgotten { .. } => self.tally.recovery_removals += 1,
            Fact::AgentDisconnected { agent } => {
                // Rule B2: the master completes the tasks of non-checkpointing
                // frameworks as TASK_LOST and tells the agent nothing.
                if let Some(a) = c.agent(&agent.host).filter(|a| a.id() == Some(agent)) {
                    for (framework, task, _) in a.tasks() {
                        if shape.framework(framework).checkpointing == Checkpointing::Off {
                            self.abandoned
                                .insert((framework.to_string(), task.to_string()));
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The order a message to `host` gives, if it makes or ends tasks.
fn order(host: &str, message: &Message) -> Option<Order> {
    match message {
        Message::RunTask { framework, task } => {
            Some(Order::Task(framework.id.to_string(), task.to_string()))
        }
        Message::KillTask { framework, task } => {
            Some(Order::Task(framework.to_string(), task.to_string()))
        }
        Message::ShutdownFramework { framework } => {
            Some(Order::Framework(host.to_string(), framework.to_string()))
        }
        Message::Shutdown { .. } => Some(Order::Agent(host.to_string())),
        _ => None,
    }
}

/// The tasks an order covers on the agent process of `host` as it stands.
fn covered(c: &Cluster, host: &str, order: &Order) -> Vec<(String, String)> {
    let held = || {
        c.agent(host)
            .into_iter()
            .flat_map(|a| a.tasks())
            .map(|(f, t, _)| (f.to_string(), t.to_string()))
    };
    match order {
        Order::Task(f, t) => vec![(f.clone(), t.clone())],
        Order::Framework(_, f) => held().filter(|(g, _)| g == f).collect(),
        Order::Agent(_) => held().collect(),
    }
}
