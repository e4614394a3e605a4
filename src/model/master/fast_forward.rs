//! Heartbeat fast-forward, used by the simulator (`Cluster::skip_heartbeats`).
//!
//! Promises: the checks only read; `skip_ticks` touches nothing but the current
//! observer ticks it is given, re-armed as if every ping before them had been
//! answered at once (rules A2, A3). A model test requires the same trace, inboxes
//! and metrics with and without it.

use std::collections::BTreeMap;

use super::{Master, Timer};
use crate::model::message::AgentId;
use crate::time::Instant;

impl Master {
    // ----- Heartbeat fast-forward (used by the simulator) ---------------------

    /// The observers of every registered agent, in the order their next ticks fire,
    /// if all of them are quiet: connected, last ping answered, no miss, nothing
    /// scheduled. `None` when any is not (then time must be stepped event by event).
    pub(crate) fn quiet_observers(&self) -> Option<Vec<(AgentId, Instant)>> {
        if !self.registry_ops.is_empty() || !self.outputs.is_empty() {
            return None;
        }
        let mut ticks = Vec::with_capacity(self.agents.len());
        for (at, timer) in self.timers.iter() {
            if let Timer::ObserverTick { agent, generation } = timer
                && let Some(a) = self.agents.get(agent)
                && a.observer.generation == *generation
            {
                ticks.push((agent.clone(), at));
            }
        }
        let quiet = ticks.len() == self.agents.len()
            && self.agents.values().all(|a| {
                a.connected
                    && !a.observer.pinged
                    && a.observer.misses == 0
                    && a.observer.pending.is_none()
            });
        quiet.then_some(ticks)
    }

    /// When the first timer is a current observer tick: its instant. `None` when
    /// something else comes first (then no heartbeat can be skipped).
    pub(crate) fn first_timer_is_tick(&self) -> Option<Instant> {
        match self.timers.iter().next()? {
            (at, Timer::ObserverTick { agent, generation })
                if self
                    .agents
                    .get(agent)
                    .is_some_and(|a| a.observer.generation == *generation) =>
            {
                Some(at)
            }
            _ => None,
        }
    }

    /// The earliest timer that is not a current observer tick, nor registry GC: GC
    /// only touches the unreachable and gone lists, never a registered agent, so
    /// heartbeats may be applied across it.
    pub(crate) fn next_other_timer(&self) -> Option<Instant> {
        self.timers.iter().find_map(|(at, timer)| match timer {
            Timer::RegistryGc => None,
            Timer::ObserverTick { agent, generation }
                if self
                    .agents
                    .get(agent)
                    .is_some_and(|a| a.observer.generation == *generation) =>
            {
                None
            }
            _ => Some(at),
        })
    }

    /// Moves observers' next ticks to the given instants, as if every ping before
    /// them had been answered at once (rules A2, A3: nothing else changes). Ticks
    /// are re-armed in the order given, which keeps their order at equal instants.
    pub(crate) fn skip_ticks(&mut self, moves: &[(AgentId, Instant)]) {
        let moved: BTreeMap<&AgentId, u64> = moves
            .iter()
            .filter_map(|(agent, _)| {
                self.agents
                    .get(agent)
                    .map(|a| (agent, a.observer.generation))
            })
            .collect();
        self.timers.retain(|t| {
            !matches!(t, Timer::ObserverTick { agent, generation } if moved.get(agent) == Some(generation))
        });
        for (agent, at) in moves {
            if let Some(&generation) = moved.get(agent) {
                self.timers.schedule(
                    *at,
                    Timer::ObserverTick {
                        agent: agent.clone(),
                        generation,
                    },
                );
            }
        }
    }
}
