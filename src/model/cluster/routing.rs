//! Routing: deliveries, the state machines' outputs, and the trace.
//!
//! Promises: outputs are routed until every state machine is quiet; messages go
//! through the network (answered heartbeats are counted, not recorded; lost ones
//! are recorded); schedulers acknowledge reliable updates at once unless the
//! task's terminal update is withheld; a master exit triggers a failover.

use super::{Cluster, ClusterError, OperatorResponse, Received};
use crate::model::agent::{AgentInput, AgentOutput};
use crate::model::master::{Call, MasterInput, MasterOutput};
use crate::model::message::{FrameworkEvent, Name, TaskId};
use crate::model::network::{Direction, Sent};
use crate::model::trace::{Endpoint, Fact, TraceEntry, TraceEvent};
use crate::time::Instant;

impl Cluster {
    pub(super) fn deliver(&mut self, t: Instant) {
        if let Some(host) = self.network.take_closed() {
            self.master.handle(t, MasterInput::Exited { host });
            return;
        }
        let Some((flight, lost)) = self.network.pop_due(t) else {
            return;
        };
        if lost {
            self.record(TraceEvent::Dropped {
                from: flight.from,
                to: flight.to,
                message: flight.message,
                why: "partitioned while in flight".to_string(),
            });
            return;
        }
        match (&flight.from, &flight.to) {
            (Endpoint::Agent(host), Endpoint::Master) => self.master.handle(
                t,
                MasterInput::Message {
                    from: host.clone(),
                    message: flight.message,
                },
            ),
            (_, Endpoint::Agent(host)) => {
                if let Some(agent) = self.agents.get_mut(host) {
                    agent.handle(t, AgentInput::Message(flight.message));
                    let host = host.clone();
                    self.touched(&host);
                }
            }
            _ => {}
        }
    }

    /// Routes every output until the state machines are quiet.
    pub(super) fn drain(&mut self) {
        loop {
            let mut progressed = false;
            while let Some(output) = self.master.poll_output() {
                progressed = true;
                self.on_master_output(output);
            }
            let mut outputs = Vec::new();
            for host in std::mem::take(&mut self.dirty) {
                if let Some(agent) = self.agents.get_mut(&host) {
                    while let Some(output) = agent.poll_output() {
                        outputs.push((agent.host_name().clone(), output));
                    }
                }
            }
            for (host, output) in outputs {
                progressed = true;
                self.on_agent_output(&host, output);
            }
            if self.pending_failover {
                self.pending_failover = false;
                self.master_failover();
                progressed = true;
            }
            if !progressed && self.run_next_policy_event() {
                progressed = true;
            }
            if !progressed {
                break;
            }
        }
        self.record_running();
    }

    pub(super) fn record(&mut self, event: TraceEvent) {
        self.trace.push(TraceEntry {
            at: self.now,
            event,
        });
    }

    pub(super) fn world(&mut self, text: String) {
        self.record(TraceEvent::World(text));
    }

    /// Adds a step marker to the timeline.
    pub fn record_step(&mut self, text: &str) {
        self.record(TraceEvent::Step(text.to_string()));
    }

    fn on_master_output(&mut self, output: MasterOutput) {
        match output {
            MasterOutput::Send { to, message } => {
                self.put_on_wire(Endpoint::Master, Endpoint::Agent(to), message)
            }
            MasterOutput::Framework { framework, event } => {
                let ack = match &event {
                    FrameworkEvent::Update(u) => u
                        .uuid
                        .map(|uuid| (TaskId::from(u.task.as_str()), uuid, u.state)),
                    _ => None,
                };
                let now = self.now;
                let Some(scheduler) = self.schedulers.get(&framework) else {
                    return;
                };
                // Only the terminal update of a withheld task goes unacknowledged.
                let withheld = ack.as_ref().is_some_and(|(task, _, state)| {
                    state.is_terminal() && scheduler.withheld.contains(task.as_str())
                });
                self.deliver_to_scheduler(&framework, event);
                if let Some((task, uuid, _)) = ack.filter(|_| !withheld) {
                    self.master.handle(
                        now,
                        MasterInput::Call(Call::Acknowledge {
                            framework,
                            task,
                            uuid,
                        }),
                    );
                }
            }
            MasterOutput::OperatorResponse { status, message } => {
                self.operator_responses.push(OperatorResponse {
                    at: self.now,
                    status,
                    message,
                });
            }
            MasterOutput::Fact(fact) => {
                match &fact {
                    Fact::AgentAdmitted { agent } => {
                        self.known_ids.insert(agent.host.to_string(), agent.clone());
                        self.agent_available(&agent.host);
                    }
                    Fact::AgentReconnected { agent } | Fact::AgentReadmitted { agent, .. } => {
                        self.agent_available(&agent.host);
                    }
                    Fact::MasterExited { .. } => self.pending_failover = true,
                    _ => {}
                }
                self.record(TraceEvent::Master(fact));
            }
        }
    }

    /// An event reaches a framework's scheduler: its inbox and the trace.
    pub(super) fn deliver_to_scheduler(&mut self, framework: &str, event: FrameworkEvent) {
        let now = self.now;
        let Some(scheduler) = self.schedulers.get_mut(framework) else {
            return;
        };
        // A refused scheduler's driver aborts: it is not subscribed.
        if matches!(event, FrameworkEvent::Error { .. }) {
            scheduler.subscribed = false;
        }
        let name = scheduler.info.id.clone();
        scheduler.inbox.push(Received {
            at: now,
            event: event.clone(),
        });
        self.conduct_received(framework, &event);
        self.record(TraceEvent::Received {
            framework: name,
            event,
        });
    }

    fn on_agent_output(&mut self, host: &Name, output: AgentOutput) {
        match output {
            AgentOutput::Send(message) => {
                self.put_on_wire(Endpoint::Agent(host.clone()), Endpoint::Master, message)
            }
            AgentOutput::ProcessExited => {
                // The OS closes the socket; the master hears of it if the link lets
                // the connection's end through.
                self.network.forget_messages_to(host);
                if !self.network.is_cut(host, Direction::ToMaster)
                    && !self.network.close_connection(host)
                {
                    self.master.handle(
                        self.now,
                        MasterInput::Exited {
                            host: host.to_string(),
                        },
                    );
                }
            }
            AgentOutput::Fact(fact) => self.record(TraceEvent::Agent(fact)),
        }
    }

    fn put_on_wire(
        &mut self,
        from: Endpoint,
        to: Endpoint,
        message: crate::model::message::Message,
    ) {
        // Heartbeats that go through are most of a long scenario and say nothing a
        // person needs: they are counted, not recorded. Lost ones are recorded.
        let heartbeat = matches!(
            message,
            crate::model::message::Message::Ping {
                connected: true,
                ..
            } | crate::model::message::Message::Pong { .. }
        );
        let sent = if heartbeat {
            None
        } else {
            Some(message.clone())
        };
        match self
            .network
            .send(self.now, from.clone(), to.clone(), message)
        {
            Sent::Queued => match sent {
                Some(message) => self.record(TraceEvent::Sent { from, to, message }),
                None => self.heartbeats += 1,
            },
            Sent::Dropped { message, why } => self.record(TraceEvent::Dropped {
                from,
                to,
                message,
                why,
            }),
        }
    }

    pub(super) fn master_input(&mut self, input: MasterInput) {
        self.master.handle(self.now, input);
        self.drain();
    }

    pub(super) fn agent_input(
        &mut self,
        host: &str,
        input: AgentInput,
    ) -> Result<(), ClusterError> {
        let agent = self
            .agents
            .get_mut(host)
            .ok_or_else(|| ClusterError::UnknownAgent(host.to_string()))?;
        agent.handle(self.now, input);
        self.touched(host);
        self.drain();
        Ok(())
    }

    /// Re-indexes an agent after it handled something: its next timer, whether it
    /// is alive, and that it may have outputs.
    pub(super) fn touched(&mut self, host: &str) {
        let Some(agent) = self.agents.get(host) else {
            return;
        };
        if self.tracking && !self.running_dirty.contains(host) {
            self.running_dirty.insert(host.to_string());
        }
        let next = agent.poll_timeout();
        let alive = agent.is_alive();
        let name = agent.host_name().clone();
        let old = self.agent_due.get(host).copied();
        if old != next {
            if let Some(old) = old {
                self.due_agents.remove(&(old, name.clone()));
            }
            match next {
                Some(at) => {
                    self.agent_due.insert(name.clone(), at);
                    self.due_agents.insert((at, name.clone()));
                }
                None => {
                    self.agent_due.remove(host);
                }
            }
        }
        if alive != self.alive.contains(host) {
            if alive {
                self.alive.insert(name.clone());
            } else {
                self.alive.remove(host);
            }
        }
        if !self.dirty.contains(host) {
            self.dirty.insert(name);
        }
    }
}
