//! Heartbeats in bulk (`skip_heartbeats`).
//!
//! Promises: only while the cluster is quiet (every live agent registered and quiet
//! on a clear link, or cut off and unknown to the master; no latency; nothing else
//! due), and with the outcome stepping event by event gives (rules A2, A3); a model
//! test checks that on random scenarios.

use std::collections::BTreeSet;

use super::Cluster;
use crate::model::network::Direction;
use crate::time::Instant;

impl Cluster {
    /// Heartbeats in bulk: while nothing but answered pings can happen before
    /// `limit` (every live agent registered and quiet on a clear link, or cut off
    /// and unknown to the master; no latency; no other timer due), each observer's
    /// ticks before then are applied at once: the
    /// ping answered, the counter at zero, the agent's ping timer re-armed from the
    /// last ping. The outcome is the one stepping event by event gives; a model
    /// test checks that on random scenarios.
    pub(super) fn skip_heartbeats(&mut self, limit: Instant) {
        if self.now < self.skip_retry_at
            || self.network.is_real_time()
            || !self.network.latency().is_zero()
            || self.network.next_delivery().is_some()
            || self.pending_failover
            || !self.policy_queue.is_empty()
        {
            return;
        }
        // Cheap first: only when a heartbeat is next and before the limit.
        match self.master.first_timer_is_tick() {
            Some(first) if first < limit => {}
            _ => return,
        }
        let period = self.master_flags.agent_ping_timeout;
        // Every live agent is either registered and quiet on a clear link, or cut off
        // from the master and unknown to it: what it sends is lost at once and it
        // hears nothing, so its retries do not interact with the heartbeats.
        let quiet = self.master.quiet_observers().filter(|ticks| {
            let registered: BTreeSet<&str> = ticks.iter().map(|(id, _)| id.host.as_str()).collect();
            ticks
                .iter()
                .all(|(id, _)| self.network.is_host_clear(&id.host))
                && self.alive.iter().all(|host| {
                    registered.contains(host.as_str())
                        || (self.network.is_cut(host, Direction::ToMaster)
                            && self.master.registered_on(host).is_none())
                })
        });
        let Some(ticks) = quiet else {
            // Not quiet: step event by event for a ping period before looking again,
            // so that a busy cluster does not pay for the check at every event.
            self.skip_retry_at = self.now + period;
            return;
        };
        let mut horizon = limit;
        if let Some(t) = self.master.next_other_timer() {
            horizon = horizon.min(t);
        }
        if let Some(t) = self.next_policy_timer() {
            horizon = horizon.min(t);
        }
        let mut agents = Vec::with_capacity(ticks.len());
        for (id, _) in &ticks {
            let Some(agent) = self.agents.get(id.host.as_str()) else {
                return;
            };
            // An agent that waits no longer than the ping period could time out on
            // the very instant of a tick: step those one by one.
            match agent.quiet_ping_timeout() {
                Some(timeout) if agent.id() == Some(id) && timeout > period => {}
                _ => return,
            }
            if let Some(t) = agent.next_other_timer() {
                horizon = horizon.min(t);
            }
            agents.push(id.host.clone());
        }
        let mut moves = Vec::new();
        if ticks.first().is_none_or(|(_, first)| *first >= horizon) {
            // Something else happens first: look again once it has.
            self.skip_retry_at = horizon;
            return;
        }
        for ((id, next), host) in ticks.into_iter().zip(agents) {
            if next >= horizon {
                continue;
            }
            // Ticks at next, next + T, ... before the horizon.
            let span = (horizon - next).as_millis();
            let count = span.div_ceil(period.as_millis().max(1));
            let last = next + period * (count - 1);
            moves.push((id, last + period));
            self.agents
                .get_mut(host.as_str())
                .expect("checked above")
                .pinged_at(last);
            self.touched(&host);
            self.heartbeats += 2 * count;
        }
        // Re-armed in the order the ticks were due, as stepping would.
        moves.sort_by_key(|(_, at)| *at);
        self.master.skip_ticks(&moves);
    }
}
