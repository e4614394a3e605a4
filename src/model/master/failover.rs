//! Rule K3: recovered agents that do not reregister after a master failover.
//!
//! Promises: the master exits when the share of missing agents exceeds
//! `recovery_agent_removal_limit`; otherwise each goes through the limiter and is
//! then marked unreachable, or before 1.1 only deleted from the registry (see
//! `Master::permit_granted`). Recovery itself (K1) is in `Master::new`.

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
            self.schedule_unreachable(agent, UnreachableCause::Failover);
        }
    }

    /// Rule K3 before 1.1, once the permit arrives: the agent is deleted from the
    /// registry and nothing else. Mesos 1.0.0 refuses `--registry_strict`
    /// (`master/flags.cpp:89-106`), so `Master::removeSlave(const Registry::Slave&)`
    /// always takes its non-strict branch (`master.cpp:1766-1775`): no `LostSlaveMessage`,
    /// no task updates (the master does not know the agent's tasks), and the agent is
    /// not remembered as removed, so it may reregister and is readmitted
    /// (`ReadmitSlave` succeeds when not strict, `master.hpp:1926-1937`). The counters
    /// are `slave_shutdowns_completed` and `recovery_slave_removals`
    /// (`master.cpp:1750-1751`); `slave_removals` does not move.
    pub(super) fn forget_recovered_agent(&mut self, agent: AgentId) {
        self.recovered.remove(&agent);
        self.registry.admitted.remove(&agent);
        self.removed_from_registry.insert(agent.clone());
        self.metrics.increment("master/recovery_slave_removals");
        self.push_fact(Fact::RecoveredAgentForgotten { agent });
    }
}
