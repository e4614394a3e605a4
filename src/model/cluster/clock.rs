//! Virtual time: advancing to an instant, settling it, and stepping one event.
//!
//! Promises: `advance_to(t)` processes events due *before* `t` and stands at `t`;
//! `settle` processes those due at the current instant. Deliveries come before the
//! master's timers, which come before the agents', which come before the
//! frameworks' policies'. A scenario that exceeds its
//! event bound stops and is reported as a runaway. On a real-time wire, time
//! follows the wire's clock.

use super::Cluster;
use crate::time::{Duration, Instant};

impl Cluster {
    // ----- Time ----------------------------------------------------------------

    /// Lets `d` pass: processes every event due before `now + d`.
    pub fn advance(&mut self, d: Duration) {
        self.advance_to(self.now + d);
    }

    /// Processes every event due before `t`, then stands at `t`.
    pub fn advance_to(&mut self, t: Instant) {
        while self.step(t, false) {}
        if t > self.now {
            self.now = t;
        }
    }

    /// Processes every event due at or before the current instant. On a real-time
    /// wire, it first waits a moment for what is in flight to arrive.
    pub fn settle(&mut self) {
        if self.network.is_real_time() {
            let until = self.now + self.settle_time;
            while self.step(until, true) {}
            return;
        }
        let now = self.now;
        while self.step(now, true) {}
    }

    /// Carries messages on `wire` from now on. With a real-time wire, virtual time
    /// follows the wire's clock and [`Cluster::settle`] waits `settle_time` for
    /// messages in flight.
    pub fn set_wire(&mut self, wire: Box<dyn crate::model::network::Wire>, settle_time: Duration) {
        self.network.set_wire(wire);
        self.settle_time = settle_time;
    }

    /// Whether time follows a real clock (the networked runtime).
    pub fn is_real_time(&self) -> bool {
        self.network.is_real_time()
    }

    /// The next instant anything is due.
    pub(super) fn next_due(&self) -> Option<Instant> {
        [
            self.network.next_delivery(),
            self.master.poll_timeout(),
            self.due_agents.first().map(|(at, _)| *at),
            self.next_policy_timer(),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Processes one event due before (or at, with `inclusive`) `limit`.
    fn step(&mut self, limit: Instant, inclusive: bool) -> bool {
        if self.runaway.is_some() {
            return false;
        }
        if self.network.is_real_time() {
            // Real time: wait for the next timer or the limit, or until a message
            // arrives, whichever comes first.
            let deadline = self.next_due().map_or(limit, |t| t.min(limit));
            if deadline > self.now {
                self.now = self.now.max(self.network.wait(self.now, deadline));
            }
        }
        if self.fast_forward {
            self.skip_heartbeats(limit);
        }
        let Some(t) = self.next_due() else {
            return false;
        };
        if t > limit || (t == limit && !inclusive) {
            return false;
        }
        self.now = self.now.max(t);
        let t = self.now;
        if self.network.next_delivery().is_some_and(|d| d <= t) {
            self.deliver(t);
        } else if self.master.poll_timeout().is_some_and(|d| d <= t) {
            self.master.handle_timeout(t);
        } else if let Some((_, host)) = self.due_agents.first().filter(|(d, _)| *d <= t).cloned() {
            if let Some(agent) = self.agents.get_mut(&host) {
                agent.handle_timeout(t);
            }
            self.touched(&host);
        } else {
            self.fire_policy_timer(t);
        }
        self.drain();
        self.events += 1;
        if self.events > self.event_limit {
            self.runaway = Some(format!(
                "the scenario exceeded its bound of {} model events at {}; it is probably stuck in a loop",
                self.event_limit, self.now
            ));
        }
        true
    }
}
