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

use std::collections::{BTreeMap, BTreeSet, VecDeque};

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
/// The rules of both directions of one host's link.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct HostLinks {
    to_master: Rules,
    to_agent: Rules,
}

impl HostLinks {
    fn get(&self, direction: Direction) -> &Rules {
        match direction {
            Direction::ToMaster => &self.to_master,
            Direction::ToAgent => &self.to_agent,
        }
    }

    fn get_mut(&mut self, direction: Direction) -> &mut Rules {
        match direction {
            Direction::ToMaster => &mut self.to_master,
            Direction::ToAgent => &mut self.to_agent,
        }
    }

    fn is_clear(&self) -> bool {
        self.to_master.is_clear() && self.to_agent.is_clear()
    }
}

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
    /// Messages in flight with their arrival, by arrival and then sending order.
    /// Every message on the wire has the same latency, so a message sent arrives
    /// after those sent before it and joins the back; only a shorter latency set
    /// while messages are in flight makes one overtake others.
    in_flight: VecDeque<(Instant, InFlight)>,
}

impl Wire for SimWire {
    fn put(&mut self, now: Instant, flight: InFlight) {
        let at = now + self.latency;
        if self.in_flight.back().is_none_or(|(last, _)| *last <= at) {
            self.in_flight.push_back((at, flight));
        } else {
            let place = self.in_flight.partition_point(|(due, _)| *due <= at);
            self.in_flight.insert(place, (at, flight));
        }
    }

    fn next_arrival(&self) -> Option<Instant> {
        self.in_flight.front().map(|(at, _)| *at)
    }

    fn take(&mut self, now: Instant) -> Option<InFlight> {
        if self.in_flight.front()?.0 > now {
            return None;
        }
        self.in_flight.pop_front().map(|(_, flight)| flight)
    }

    fn forget_messages_to(&mut self, host: &str) {
        self.in_flight
            .retain(|(_, m)| !matches!(&m.to, Endpoint::Agent(to) if to == host));
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
    /// The rules of the links that have any, by host; a host whose two directions
    /// are clear has no entry.
    links: BTreeMap<String, HostLinks>,
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

fn direction_of(from: &Endpoint) -> (&str, Direction) {
    match from {
        Endpoint::Master => unreachable!("callers resolve the host of a master message"),
        Endpoint::Agent(host) => (host, Direction::ToMaster),
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
        !self.links.contains_key(host)
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

    fn link_of<'a>(from: &'a Endpoint, to: &'a Endpoint) -> (&'a str, Direction) {
        match to {
            Endpoint::Agent(host) => (host, Direction::ToAgent),
            Endpoint::Master => direction_of(from),
        }
    }

    fn rules_mut(&mut self, host: &str, direction: Direction) -> &mut Rules {
        if !self.links.contains_key(host) {
            self.links.insert(host.to_string(), HostLinks::default());
        }
        self.links
            .get_mut(host)
            .expect("inserted above")
            .get_mut(direction)
    }

    /// Cuts (or heals) one direction of the link to `host`.
    pub fn set_cut(&mut self, host: &str, direction: Direction, cut: bool) {
        self.rules_mut(host, direction).cut = cut;
        self.tidy(host);
    }

    pub fn is_cut(&self, host: &str, direction: Direction) -> bool {
        self.links
            .get(host)
            .is_some_and(|links| links.get(direction).cut)
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
        self.links.remove(host);
    }

    /// Ends every cut and drop rule on every link.
    pub fn heal_all(&mut self) {
        self.links.clear();
    }

    /// Forgets the rules of `host` once both directions are clear.
    fn tidy(&mut self, host: &str) {
        if self.links.get(host).is_some_and(HostLinks::is_clear) {
            self.links.remove(host);
        }
    }

    /// Puts a message on the wire, or says why it was lost.
    pub fn send(&mut self, now: Instant, from: Endpoint, to: Endpoint, message: Message) -> Sent {
        let (host, direction) = Self::link_of(&from, &to);
        if let Some(rules) = self.links.get_mut(host).map(|l| l.get_mut(direction)) {
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
                let host = host.to_string();
                self.tidy(&host);
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
        let lost = self.is_cut(host, direction);
        Some((message, lost))
    }

    /// Forgets what is in flight to `host`: the process it was meant for is gone.
    pub fn forget_messages_to(&mut self, host: &str) {
        self.wire.forget_messages_to(host);
    }
}
