//! The simulated network between the master and each agent host.
//!
//! Each host has one link with two directions. A direction can be cut (a
//! partition), drop every message of some kinds, or drop the next message of a
//! kind. A message is checked when it is sent and again when it arrives, so a cut
//! also loses what was in flight. Delivery is FIFO per instant: messages due at the
//! same instant arrive in the order they were sent.
//!
//! What carries a message once the rules let it go is a [`Wire`]: [`SimWire`], an
//! in-memory queue in virtual time, or a real one (`crate::net`) that sends it over
//! loopback sockets while virtual time follows a scaled real clock.

use std::collections::{BTreeMap, BTreeSet};

use super::message::{Message, MessageKind};
use super::trace::Endpoint;
use crate::time::{Duration, Instant};

/// Which way a message travels on a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    ToMaster,
    ToAgent,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Rules {
    cut: bool,
    drop_kinds: BTreeSet<MessageKind>,
    /// How many of the next messages of each kind to drop.
    drop_next: BTreeMap<MessageKind, u32>,
}

impl Rules {
    fn is_clear(&self) -> bool {
        !self.cut && self.drop_kinds.is_empty() && self.drop_next.is_empty()
    }
}

/// A message on its way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InFlight {
    pub from: Endpoint,
    pub to: Endpoint,
    pub message: Message,
}

/// The outcome of sending a message: a lost message comes back with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sent {
    Queued,
    Dropped { message: Message, why: String },
}

/// What carries messages between the master and its agents.
pub trait Wire: std::fmt::Debug + Send {
    /// Carries a message that the link's rules let go.
    fn put(&mut self, now: Instant, flight: InFlight);
    /// When the next message arrives, if the wire knows in advance.
    fn next_arrival(&self) -> Option<Instant>;
    /// The next message that has arrived by `now`.
    fn take(&mut self, now: Instant) -> Option<InFlight>;
    /// Forgets what is on its way to `host`.
    fn forget_messages_to(&mut self, host: &str);
    /// Lets time run from `now` towards `until`, returning the instant reached: a
    /// simulated wire jumps there; a real one waits in scaled real time and returns
    /// early when a message arrives.
    fn wait(&mut self, _now: Instant, until: Instant) -> Instant {
        until
    }
    /// Whether time is real (scaled): then the driver must wait, not jump.
    fn is_real_time(&self) -> bool {
        false
    }
    /// Closes the connection of `host` for real, if the wire has one: `true` when it
    /// will report the master's side seeing it close ([`Wire::take_closed`]);
    /// `false` when the driver must tell the master itself.
    fn close_connection(&mut self, _host: &str) -> bool {
        false
    }
    /// A host whose connection the master's side saw close.
    fn take_closed(&mut self) -> Option<String> {
        None
    }
    fn set_latency(&mut self, _latency: Duration) {}
    fn latency(&self) -> Duration {
        Duration::ZERO
    }
}

/// The simulated wire: a queue of messages by arrival instant, one-way latency
/// added to each.
#[derive(Clone, Debug, Default)]
pub struct SimWire {
    latency: Duration,
    in_flight: BTreeMap<(Instant, u64), InFlight>,
    seq: u64,
}

impl Wire for SimWire {
    fn put(&mut self, now: Instant, flight: InFlight) {
        self.seq += 1;
        self.in_flight
            .insert((now + self.latency, self.seq), flight);
    }

    fn next_arrival(&self) -> Option<Instant> {
        self.in_flight.keys().next().map(|(at, _)| *at)
    }

    fn take(&mut self, now: Instant) -> Option<InFlight> {
        let (&key, _) = self.in_flight.iter().next()?;
        if key.0 > now {
            return None;
        }
        self.in_flight.remove(&key)
    }

    fn forget_messages_to(&mut self, host: &str) {
        let to = Endpoint::Agent(host.to_string());
        self.in_flight.retain(|_, m| m.to != to);
    }

    fn set_latency(&mut self, latency: Duration) {
        self.latency = latency;
    }

    fn latency(&self) -> Duration {
        self.latency
    }
}

#[derive(Debug)]
pub struct Network {
    links: BTreeMap<(String, Direction), Rules>,
    wire: Box<dyn Wire>,
}

impl Default for Network {
    fn default() -> Network {
        Network {
            links: BTreeMap::new(),
            wire: Box::new(SimWire::default()),
        }
    }
}

fn direction_of(from: &Endpoint) -> (String, Direction) {
    match from {
        Endpoint::Master => unreachable!("callers resolve the host of a master message"),
        Endpoint::Agent(host) => (host.clone(), Direction::ToMaster),
    }
}

impl Network {
    pub fn set_latency(&mut self, latency: Duration) {
        self.wire.set_latency(latency);
    }

    /// Carries messages on `wire` from now on (what is in flight on the old one is
    /// lost, as when a connection is re-established).
    pub fn set_wire(&mut self, wire: Box<dyn Wire>) {
        self.wire = wire;
    }

    pub fn is_real_time(&self) -> bool {
        self.wire.is_real_time()
    }

    /// Whether both directions of the link to `host` are clear (no cut, no drop rule).
    pub fn is_host_clear(&self, host: &str) -> bool {
        [Direction::ToMaster, Direction::ToAgent]
            .iter()
            .all(|d| !self.links.contains_key(&(host.to_string(), *d)))
    }

    pub fn latency(&self) -> Duration {
        self.wire.latency()
    }

    /// See [`Wire::wait`].
    pub fn wait(&mut self, now: Instant, until: Instant) -> Instant {
        self.wire.wait(now, until)
    }

    /// See [`Wire::close_connection`].
    pub fn close_connection(&mut self, host: &str) -> bool {
        self.wire.close_connection(host)
    }

    /// See [`Wire::take_closed`].
    pub fn take_closed(&mut self) -> Option<String> {
        self.wire.take_closed()
    }

    fn link_of(from: &Endpoint, to: &Endpoint) -> (String, Direction) {
        match to {
            Endpoint::Agent(host) => (host.clone(), Direction::ToAgent),
            Endpoint::Master => direction_of(from),
        }
    }

    fn rules_mut(&mut self, host: &str, direction: Direction) -> &mut Rules {
        self.links.entry((host.to_string(), direction)).or_default()
    }

    /// Cuts (or heals) one direction of the link to `host`.
    pub fn set_cut(&mut self, host: &str, direction: Direction, cut: bool) {
        self.rules_mut(host, direction).cut = cut;
        self.tidy();
    }

    pub fn is_cut(&self, host: &str, direction: Direction) -> bool {
        self.links
            .get(&(host.to_string(), direction))
            .is_some_and(|r| r.cut)
    }

    pub fn drop_kind(&mut self, host: &str, direction: Direction, kind: MessageKind) {
        self.rules_mut(host, direction).drop_kinds.insert(kind);
    }

    pub fn drop_next(&mut self, host: &str, direction: Direction, kind: MessageKind) {
        *self
            .rules_mut(host, direction)
            .drop_next
            .entry(kind)
            .or_default() += 1;
    }

    /// Ends every cut and drop rule on the link to `host`.
    pub fn heal_host(&mut self, host: &str) {
        self.links.retain(|(h, _), _| h != host);
    }

    /// Ends every cut and drop rule on every link.
    pub fn heal_all(&mut self) {
        self.links.clear();
    }

    fn tidy(&mut self) {
        self.links.retain(|_, r| !r.is_clear());
    }

    /// Puts a message on the wire, or says why it was lost.
    pub fn send(&mut self, now: Instant, from: Endpoint, to: Endpoint, message: Message) -> Sent {
        let key = Self::link_of(&from, &to);
        if let Some(rules) = self.links.get_mut(&key) {
            let kind = message.kind();
            if rules.cut {
                let why = "partitioned".to_string();
                return Sent::Dropped { message, why };
            }
            if rules.drop_kinds.contains(&kind) {
                let why = format!("{kind} messages are dropped");
                return Sent::Dropped { message, why };
            }
            if let Some(n) = rules.drop_next.get_mut(&kind) {
                *n -= 1;
                if *n == 0 {
                    rules.drop_next.remove(&kind);
                }
                self.tidy();
                let why = format!("the next {kind} was dropped");
                return Sent::Dropped { message, why };
            }
        }
        self.wire.put(now, InFlight { from, to, message });
        Sent::Queued
    }

    /// When the next message arrives.
    pub fn next_delivery(&self) -> Option<Instant> {
        self.wire.next_arrival()
    }

    /// The next message due at or before `now`, with whether a cut made while it
    /// was in flight lost it.
    pub fn pop_due(&mut self, now: Instant) -> Option<(InFlight, bool)> {
        let message = self.wire.take(now)?;
        let (host, direction) = Self::link_of(&message.from, &message.to);
        let lost = self.is_cut(&host, direction);
        Some((message, lost))
    }

    /// Forgets what is in flight to `host`: the process it was meant for is gone.
    pub fn forget_messages_to(&mut self, host: &str) {
        self.wire.forget_messages_to(host);
    }
}
