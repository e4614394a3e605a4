//! Rule K3: recovered agents that do not reregister after a master failover.
//!
//! Promises: the master exits when the share of missing agents exceeds
//! `recovery_agent_removal_limit`; otherwise each is marked unreachable through the
//! limiter, or before 1.1 removed from the registry. Recovery itself (K1) is in
//! `Master::new`.

use super::{Master, UnreachableCause};
use crate::model::message::AgentId;
use crate::model::trace::Fact;

impl Master {
    // ----- Rule K3: agents that do not come back after failover -----------------

    pub(super) fn recovered_agents_timeout(&mut self) {
        if self.recovered.is_empty() {
            return;
        }
        let remaining = self.recovered.len();
        let limit = self.flags.recovery_agent_removal_limit_percent as usize;
        // Rule K3: exit when the share of missing agents exceeds the limit.
        if remaining * 100 > limit * self.recovered_total {
            self.push_fact(Fact::MasterExited {
                why: format!(
                    "{remaining} of {} recovered agents did not reregister within {}, above recovery_agent_removal_limit {limit}%",
                    self.recovered_total, self.flags.agent_reregister_timeout
                ),
            });
            return;
        }
        let agents: Vec<AgentId> = self
            .recovered
            .iter()
            .filter(|a| !self.reregistering.contains(*a))
            .cloned()
            .collect();
        for agent in agents {
            if self.version.has_unreachable() {
                self.schedule_unreachable(agent, UnreachableCause::Failover);
            } else {
                // Before 1.1 the agent was removed from the registry.
                self.recovered.remove(&agent);
                self.registry.admitted.retain(|a| *a != agent);
                self.removed_from_registry.insert(agent.clone());
                self.metrics.increment("master/recovery_slave_removals");
                self.remember_removed(&agent);
                self.send_agent_lost(&agent);
            }
        }
    }
}
