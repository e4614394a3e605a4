//! Rule A: the master's health check of each agent, and the agent removal rate
//! limiter that every unreachable transition waits on.
//!
//! A1 to A4, A8: ping at once, then every `agent_ping_timeout`; count a miss when
//! no pong came; schedule the transition at `max_agent_ping_timeouts` misses. A7:
//! permits are FIFO, spaced `duration / permits` apart with no burst; a pong
//! discards a transition still waiting. A permit for a disconnected agent (B3) or a
//! recovered one (K3) counts as canceled if it came back. Before 1.1 a failed
//! health check shuts the agent down instead (E7).

use super::{Master, PermitRequest, Timer, UnreachableCause, cause_text};
use crate::model::message::{AgentId, Message};
use crate::model::trace::Fact;

impl Master {
    pub(super) fn ping(&mut self, agent: &AgentId) {
        let Some(a) = self.agents.get_mut(agent) else {
            return;
        };
        a.observer.pinged = true;
        let generation = a.observer.generation;
        let connected = a.connected;
        self.send(
            &agent.host,
            Message::Ping {
                agent: agent.clone(),
                connected,
            },
        );
        let at = self.now + self.flags.agent_ping_timeout;
        self.timers.schedule(
            at,
            Timer::ObserverTick {
                agent: agent.clone(),
                generation,
            },
        );
    }

    /// Rules A3/A4: count a miss when no pong came since the last ping; schedule
    /// the transition at N misses; ping again either way.
    pub(super) fn observer_tick(&mut self, agent: &AgentId, generation: u64) {
        let n = self.flags.max_agent_ping_timeouts;
        let Some(a) = self.agents.get_mut(agent) else {
            return;
        };
        if a.observer.generation != generation {
            return;
        }
        let mut schedule = false;
        let mut missed = None;
        if a.observer.pinged {
            a.observer.misses += 1;
            missed = Some(a.observer.misses);
            // Rule A8: while a transition waits for its permit, further ticks do nothing.
            if a.observer.misses >= n && a.observer.pending.is_none() {
                schedule = true;
            }
        }
        if let Some(misses) = missed {
            self.push_fact(Fact::PingMissed {
                agent: agent.clone(),
                misses,
                limit: n,
            });
        }
        if schedule {
            self.schedule_unreachable(agent.clone(), UnreachableCause::HealthCheck);
        }
        self.ping(agent);
    }

    /// Rule A3: any pong clears the flag and the counter, and discards a transition
    /// that still waits for its permit (rule A7).
    pub(super) fn pong(&mut self, agent: &AgentId) {
        let Some(a) = self.agents.get_mut(agent) else {
            return;
        };
        a.observer.pinged = false;
        a.observer.misses = 0;
        if let Some(request) = a.observer.pending.take() {
            if let Some(limiter) = &mut self.limiter {
                for r in limiter.queue.iter_mut().filter(|r| r.id == request) {
                    r.discarded = true;
                }
            }
            self.metrics.increment(self.transition_metric("canceled"));
            self.push_fact(Fact::UnreachableCanceled {
                agent: agent.clone(),
            });
        }
    }

    /// The metric family of rule A7; before 1.1 the same logic counted shutdowns.
    fn transition_metric(&self, which: &str) -> &'static str {
        match (self.version.has_unreachable(), which) {
            (true, "scheduled") => "master/slave_unreachable_scheduled",
            (true, "completed") => "master/slave_unreachable_completed",
            (true, _) => "master/slave_unreachable_canceled",
            (false, "scheduled") => "master/slave_shutdowns_scheduled",
            (false, "completed") => "master/slave_shutdowns_completed",
            (false, _) => "master/slave_shutdowns_canceled",
        }
    }

    /// Rule A7: count the scheduling, then wait for a permit when rate limited.
    pub(super) fn schedule_unreachable(&mut self, agent: AgentId, cause: UnreachableCause) {
        self.metrics.increment(self.transition_metric("scheduled"));
        self.push_fact(Fact::UnreachableScheduled {
            agent: agent.clone(),
            cause: cause_text(cause, &self.flags).to_string(),
        });
        let id = self.next_id();
        if cause == UnreachableCause::HealthCheck
            && let Some(a) = self.agents.get_mut(&agent)
        {
            a.observer.pending = Some(id);
        }
        let request = PermitRequest {
            id,
            agent,
            cause,
            discarded: false,
        };
        let now = self.now;
        match &mut self.limiter {
            None => self.permit_granted(request),
            Some(limiter) => {
                if limiter.queue.is_empty() && limiter.next_free <= now {
                    limiter.next_free = now + limiter.spacing;
                    self.permit_granted(request);
                } else {
                    limiter.queue.push_back(request);
                    if !limiter.timer_armed {
                        limiter.timer_armed = true;
                        let at = limiter.next_free.max(now);
                        self.timers.schedule(at, Timer::Permit);
                    }
                }
            }
        }
    }

    /// libprocess `RateLimiter::_acquire`: skip discarded requests, grant the first
    /// live one, and re-arm while requests remain.
    pub(super) fn limiter_fire(&mut self) {
        let now = self.now;
        let Some(limiter) = &mut self.limiter else {
            return;
        };
        limiter.timer_armed = false;
        let mut granted = None;
        while let Some(request) = limiter.queue.pop_front() {
            if !request.discarded {
                limiter.next_free = now + limiter.spacing;
                granted = Some(request);
                break;
            }
        }
        if !limiter.queue.is_empty() {
            limiter.timer_armed = true;
            let at = limiter.next_free;
            self.timers.schedule(at, Timer::Permit);
        }
        if let Some(request) = granted {
            self.permit_granted(request);
        }
    }

    fn permit_granted(&mut self, request: PermitRequest) {
        let agent = request.agent;
        match request.cause {
            UnreachableCause::HealthCheck => {
                // Rule A7: the observer dispatches once its permit arrives.
                if let Some(a) = self.agents.get_mut(&agent) {
                    if a.observer.pending != Some(request.id) {
                        return;
                    }
                    a.observer.pending = None;
                }
                self.metrics.increment(self.transition_metric("completed"));
                if self.version.has_unreachable() {
                    self.mark_unreachable(agent, false, UnreachableCause::HealthCheck);
                } else {
                    // Rule E7 (<= 1.0): `Master::shutdownSlave`.
                    self.shutdown_agent(&agent, "health check timed out");
                }
            }
            UnreachableCause::Disconnected => {
                // Rule B3: a late permit for a reconnected agent counts as canceled.
                let still_disconnected = self.agents.get(&agent).is_some_and(|a| !a.connected);
                if still_disconnected {
                    self.metrics.increment("master/slave_unreachable_completed");
                    self.mark_unreachable(agent, false, UnreachableCause::Disconnected);
                } else {
                    self.metrics.increment("master/slave_unreachable_canceled");
                    self.push_fact(Fact::UnreachableCanceled { agent });
                }
            }
            UnreachableCause::Failover => {
                // Rule K3: skipped and counted as canceled if the agent came back;
                // the permit is used up either way (MESOS-8386). Before 1.1 the same
                // check guards the registry deletion (`master.cpp:1735-1742` at 1.0.0).
                if self.recovered.contains(&agent) && !self.reregistering.contains(&agent) {
                    self.metrics.increment(self.transition_metric("completed"));
                    if self.version.has_unreachable() {
                        self.mark_unreachable(agent, true, UnreachableCause::Failover);
                    } else {
                        self.forget_recovered_agent(agent);
                    }
                } else {
                    self.metrics.increment(self.transition_metric("canceled"));
                    self.push_fact(Fact::UnreachableCanceled { agent });
                }
            }
        }
    }
}
