//! Rule L1: removing an agent without marking it unreachable (`removeSlave`):
//! unregistration, a new agent at the same address, maintenance `DOWN`, and before
//! 1.1 a failed health check (E7, `Master::shutdownSlave`).
//!
//! Promises: ignored while the agent is being removed or marked (D4); the observer
//! stops at once; the effects apply when the registry write completes.

use super::{Master, RegistryOp};
use crate::model::message::AgentId;

impl Master {
    // ----- Rule L1: removal without unreachability -----------------------------

    pub(super) fn remove_agent(
        &mut self,
        agent: &AgentId,
        cause: String,
        metric: Option<&'static str>,
    ) {
        if self.removing.contains(agent) || self.marking_unreachable.contains(agent) {
            // Rule D4: `removeSlave` is ignored while the agent is being marked.
            return;
        }
        self.removing.insert(agent.clone());
        if let Some(a) = self.agents.get_mut(agent) {
            // Stop the observer at once: the agent is on its way out.
            a.observer.generation = u64::MAX;
            a.active = false;
        }
        self.write_registry(RegistryOp::Remove {
            agent: agent.clone(),
            cause,
            metric,
        });
    }

    /// Rule E7 (<= 1.0): `Master::shutdownSlave` on health-check failure.
    pub(super) fn shutdown_agent(&mut self, agent: &AgentId, cause: &str) {
        if !self.agents.contains_key(agent) || self.removing.contains(agent) {
            return;
        }
        self.shutdown(&agent.host, cause);
        self.remove_agent(
            agent,
            cause.to_string(),
            Some("master/slave_removals/reason_unhealthy"),
        );
    }
}
