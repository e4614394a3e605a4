//! When steps on the world around the frameworks: the network (cuts, drops,
//! heals, broken connections), the agents (start, restart, reconnect, death), the
//! master's failover (rule K) and the operator's calls (rules J, L1).
//!
//! Promises: a step on an unknown agent is a `ClusterError`, never a panic; each
//! step records what it did in the trace.

use super::{Cluster, ClusterError, Drops, WorkDir};
use crate::model::agent::{Agent, AgentInput, AgentState};
use crate::model::master::{Master, MasterInput, OperatorRequest};
use crate::model::message::{AgentId, MessageKind, Name};
use crate::model::network::Direction;
use crate::time::Duration;

/// How long `reconnect` waits for an agent to come back before giving up.
const RECONNECT_BOUND: Duration = Duration::from_hours(2);

impl Cluster {
    pub(super) fn require_agent(&self, host: &str) -> Result<(), ClusterError> {
        if self.agents.contains_key(host) {
            Ok(())
        } else {
            Err(ClusterError::UnknownAgent(host.to_string()))
        }
    }

    /// The host of a started agent or of one declared to start later: its link
    /// exists before its process does.
    fn require_link(&self, host: &str) -> Result<(), ClusterError> {
        match self.not_started.contains(host) {
            true => Ok(()),
            false => self.require_agent(host),
        }
    }

    pub(super) fn start_agent(&mut self, host: &str, immediately: bool) {
        let seed = agent_seed(self.seed, host);
        let mut agent = Agent::new(host, self.version, self.agent_flags.clone(), seed);
        agent.start(self.now, immediately);
        self.agents.insert(agent.host_name().clone(), agent);
        self.touched(host);
        self.drain();
    }

    // ----- When: the network ---------------------------------------------------

    /// Moves to the instant the master's next ping to the agent is due, before it
    /// is sent.
    pub fn advance_to_next_ping(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.settle();
        let due = self
            .master
            .registered_on(host)
            .cloned()
            .and_then(|id| self.master.next_ping_at(&id))
            .ok_or_else(|| {
                ClusterError::Refused(format!(
                    "the master is not pinging agent \"{host}\": it is not registered"
                ))
            })?;
        self.advance_to(due);
        Ok(())
    }

    /// Cuts both directions of the link to the agent.
    pub fn partition(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_link(host)?;
        self.network.set_cut(host, Direction::ToMaster, true);
        self.network.set_cut(host, Direction::ToAgent, true);
        self.world(format!("partitioned agent {host} from the master"));
        Ok(())
    }

    pub fn cut(&mut self, host: &str, direction: Direction) -> Result<(), ClusterError> {
        self.require_link(host)?;
        self.network.set_cut(host, direction, true);
        self.world(match direction {
            Direction::ToMaster => format!("dropping messages from agent {host} to the master"),
            Direction::ToAgent => format!("dropping messages from the master to agent {host}"),
        });
        Ok(())
    }

    pub fn drop_kind(
        &mut self,
        host: &str,
        direction: Direction,
        kind: MessageKind,
        drops: Drops,
    ) -> Result<(), ClusterError> {
        self.require_link(host)?;
        let only_next = drops == Drops::Next;
        if only_next {
            self.network.drop_next(host, direction, kind);
        } else {
            self.network.drop_kind(host, direction, kind);
        }
        let way = match direction {
            Direction::ToMaster => format!("from agent {host} to the master"),
            Direction::ToAgent => format!("from the master to agent {host}"),
        };
        self.world(if only_next {
            format!("dropping the next {kind} {way}")
        } else {
            format!("dropping {kind} messages {way}")
        });
        Ok(())
    }

    /// Ends every cut and drop rule on the agent's link.
    pub fn heal(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_link(host)?;
        self.network.heal_host(host);
        self.world(format!("healed the link to agent {host}"));
        Ok(())
    }

    pub fn heal_all(&mut self) {
        self.network.heal_all();
        self.world("healed the network".to_string());
    }

    /// The master's socket to the agent closes (rule B): disconnected, not partitioned.
    pub fn break_connection(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.world(format!("the master's connection to agent {host} broke"));
        // On real sockets the connection is closed and the master hears of it when
        // its side sees the end; on the simulated wire, at once.
        if !self.network.close_connection(host) {
            self.master_input(MasterInput::Exited {
                host: host.to_string(),
            });
        }
        Ok(())
    }

    // ----- When: agents --------------------------------------------------------

    /// A new agent joins now; its ping grid starts now.
    pub fn register_agent(&mut self, host: &str) -> Result<(), ClusterError> {
        if self.agents.contains_key(host) {
            return Err(ClusterError::Duplicate {
                what: "agent",
                name: host.to_string(),
            });
        }
        self.not_started.remove(host);
        self.world(format!("agent {host} started"));
        self.start_agent(host, true);
        // Registered at this instant, like the agents of the Given steps.
        self.settle();
        Ok(())
    }

    pub fn redetect(&mut self, host: &str) -> Result<(), ClusterError> {
        self.agent_input(host, AgentInput::Redetect)
    }

    /// Ends every cut and drop rule on the agent's link, then lets time pass until
    /// the agent is registered and connected again, or has been refused.
    pub fn reconnect(&mut self, host: &str) -> Result<(), ClusterError> {
        self.heal(host)?;
        let deadline = self.now + RECONNECT_BOUND;
        loop {
            self.settle();
            if let Some(why) = &self.runaway {
                return Err(ClusterError::Runaway(why.clone()));
            }
            let agent = &self.agents[host];
            match agent.state() {
                AgentState::HostDead => {
                    return Err(ClusterError::Refused(format!(
                        "agent \"{host}\" cannot reconnect: its host died"
                    )));
                }
                AgentState::Terminated => return Ok(()),
                AgentState::Running => {
                    let registered = agent.id().is_some_and(|id| {
                        self.master.registered_on(host) == Some(id)
                            && self.master.agent_status(id)
                                == crate::model::master::AgentStatus::Registered
                    });
                    if registered {
                        return Ok(());
                    }
                }
                AgentState::Disconnected => {}
            }
            match self.next_due() {
                Some(t) if t <= deadline => {
                    self.advance_to(t);
                }
                _ => {
                    return Err(ClusterError::Refused(format!(
                        "agent \"{host}\" did not reconnect within {RECONNECT_BOUND}"
                    )));
                }
            }
        }
    }

    pub fn restart(&mut self, host: &str, work_dir: WorkDir) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        let wipe = work_dir == WorkDir::Wiped;
        self.world(if wipe {
            format!("agent {host} restarted with an empty work directory")
        } else {
            format!("agent {host} restarted")
        });
        self.agent_input(host, AgentInput::Restart { wipe })
    }

    pub fn shutdown_gracefully(&mut self, host: &str) -> Result<(), ClusterError> {
        self.agent_input(host, AgentInput::ShutdownGracefully)
    }

    pub fn host_dies(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.network.forget_messages_to(host);
        self.agent_input(host, AgentInput::HostDied)
    }

    // ----- When: the master and the operator -----------------------------------

    /// A new master is leader now and has recovered the registry (rule K).
    /// Schedulers must resubscribe; agents re-detect the master.
    pub fn master_failover(&mut self) {
        let registry = self.master.durable_registry();
        self.world("the master failed over".to_string());
        self.master = Master::new(
            self.version,
            self.master_flags.clone(),
            self.now,
            registry,
            self.registry_latency,
        );
        for s in self.schedulers.values_mut() {
            s.subscribed = false;
        }
        let hosts: Vec<Name> = self.agents.keys().cloned().collect();
        for host in hosts {
            if let Some(agent) = self.agents.get_mut(&host) {
                agent.handle(self.now, AgentInput::MasterElected);
            }
            self.touched(&host);
        }
        self.drain();
    }

    pub fn mark_gone(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        let agent = self.agent_id(host).cloned().unwrap_or(AgentId {
            host: host.into(),
            incarnation: 0,
        });
        self.master_input(MasterInput::Operator(OperatorRequest::MarkAgentGone {
            agent,
        }));
        Ok(())
    }

    /// The operator posts a maintenance schedule naming the machine of `host`.
    pub fn schedule_maintenance(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.master_input(MasterInput::Operator(
            OperatorRequest::ScheduleMaintenance {
                host: host.to_string(),
            },
        ));
        Ok(())
    }

    pub fn machine_down(&mut self, host: &str) -> Result<(), ClusterError> {
        self.require_agent(host)?;
        self.master_input(MasterInput::Operator(OperatorRequest::MachineDown {
            host: host.to_string(),
        }));
        Ok(())
    }
}

/// Each agent's random stream depends on the scenario seed and its host only, so
/// adding an agent does not change the others' backoffs.
fn agent_seed(seed: u64, host: &str) -> u64 {
    // FNV-1a over the host name, mixed with the seed.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in host.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}
