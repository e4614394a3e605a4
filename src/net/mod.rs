//! The networked runtime: the integration tier's wire.
//!
//! The same master and agent state machines, but every message between them crosses
//! a real TCP connection on the loopback interface (one per agent host, opened on
//! first use), and virtual time follows a real clock sped up by a scale factor
//! (`NETSPLIT_TIME_SCALE`, default 100: a 90 s detection takes 0.9 s). The link
//! rules (cuts, drops) are the model's, applied where messages enter and leave the
//! wire. Timing is real, so it jitters: steps that compare instants allow for it.
//!
//! Invariant: this is the only module that does I/O; the model reaches it through
//! the [`crate::model::network::Wire`] trait.

pub mod codec;

use std::collections::{BTreeMap, VecDeque};
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};

use crate::model::network::{InFlight, Wire};
use crate::model::{Duration, Endpoint, Instant};

/// The default speed-up of real time.
pub const DEFAULT_TIME_SCALE: u32 = 100;

/// The time scale from `NETSPLIT_TIME_SCALE`, or the default.
pub fn time_scale_from_env() -> Result<u32, String> {
    match std::env::var("NETSPLIT_TIME_SCALE") {
        Ok(text) => match text.trim().parse::<u32>() {
            Ok(n) if (1..=10_000).contains(&n) => Ok(n),
            _ => Err(format!(
                "`NETSPLIT_TIME_SCALE={text}` is not a speed-up: give a whole number from 1 to 10000 (default {DEFAULT_TIME_SCALE})"
            )),
        },
        Err(_) => Ok(DEFAULT_TIME_SCALE),
    }
}

/// Virtual time from a real clock: `origin + elapsed x scale`.
#[derive(Debug)]
struct Clock {
    real_origin: std::time::Instant,
    origin: Instant,
    scale: u32,
}

impl Clock {
    fn now(&self) -> Instant {
        let elapsed = self.real_origin.elapsed();
        let virtual_ms = elapsed.as_micros() * u128::from(self.scale) / 1000;
        self.origin + Duration::from_millis(virtual_ms as u64)
    }

    fn real_until(&self, at: Instant) -> std::time::Duration {
        let now = self.now();
        if at <= now {
            return std::time::Duration::ZERO;
        }
        let virtual_ms = (at - now).as_millis();
        std::time::Duration::from_micros(virtual_ms * 1000 / u64::from(self.scale))
    }
}

/// One end of a connection, with what has been read but not yet framed.
#[derive(Debug)]
struct End {
    stream: TcpStream,
    buffer: Vec<u8>,
}

/// The connection of one agent host: the master's end and the agent's end.
#[derive(Debug)]
struct Link {
    master: End,
    agent: End,
    /// The agent's end was shut down; the master's end will see the connection end.
    agent_closed: bool,
}

/// Messages over loopback TCP in scaled real time.
#[derive(Debug)]
pub struct SocketWire {
    clock: Clock,
    links: BTreeMap<String, Link>,
    arrived: VecDeque<(Instant, InFlight)>,
    /// Hosts whose connection the master's end saw close, with when.
    closed: VecDeque<(Instant, String)>,
    /// A frame that could not be read back: the wire is broken (reported once).
    broken: Option<String>,
}

impl SocketWire {
    /// A wire whose virtual clock reads `origin` now and runs `scale` times faster
    /// than real time.
    pub fn new(origin: Instant, scale: u32) -> SocketWire {
        SocketWire {
            clock: Clock {
                real_origin: std::time::Instant::now(),
                origin,
                scale: scale.max(1),
            },
            links: BTreeMap::new(),
            arrived: VecDeque::new(),
            closed: VecDeque::new(),
            broken: None,
        }
    }

    /// Why the wire stopped carrying messages, if it did.
    pub fn broken(&self) -> Option<&str> {
        self.broken.as_deref()
    }

    fn connect() -> io::Result<Link> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let agent = TcpStream::connect(listener.local_addr()?)?;
        let (master, _) = listener.accept()?;
        for stream in [&agent, &master] {
            stream.set_nodelay(true)?;
            stream.set_nonblocking(true)?;
        }
        Ok(Link {
            master: End {
                stream: master,
                buffer: Vec::new(),
            },
            agent: End {
                stream: agent,
                buffer: Vec::new(),
            },
            agent_closed: false,
        })
    }

    fn link(&mut self, host: &str) -> io::Result<&mut Link> {
        // A message after a close goes on a new connection; the old one has ended.
        if self.links.get(host).is_some_and(|l| l.agent_closed) {
            self.links.remove(host);
            let now = self.clock.now();
            self.closed.push_back((now, host.to_string()));
        }
        if !self.links.contains_key(host) {
            let link = Self::connect()?;
            self.links.insert(host.to_string(), link);
        }
        Ok(self.links.get_mut(host).expect("inserted above"))
    }

    /// Reads whatever has arrived on every connection.
    fn poll(&mut self) {
        let now = self.clock.now();
        let mut chunk = [0u8; 4096];
        let mut ended = Vec::new();
        for (host, link) in &mut self.links {
            let agent_closed = link.agent_closed;
            for (end, from, to) in [
                (
                    &mut link.master,
                    Endpoint::Agent(host.as_str().into()),
                    Endpoint::Master,
                ),
                (
                    &mut link.agent,
                    Endpoint::Master,
                    Endpoint::Agent(host.as_str().into()),
                ),
            ] {
                loop {
                    match end.stream.read(&mut chunk) {
                        // The master's end reads 0 bytes once the agent's end closed.
                        Ok(0) if agent_closed && from != Endpoint::Master => {
                            ended.push(host.clone());
                            break;
                        }
                        Ok(0) => break,
                        Ok(n) => end.buffer.extend_from_slice(&chunk[..n]),
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => {
                            self.broken
                                .get_or_insert(format!("reading from the link of {host}: {e}"));
                            break;
                        }
                    }
                }
                while let Some(newline) = end.buffer.iter().position(|b| *b == b'\n') {
                    let frame: Vec<u8> = end.buffer.drain(..=newline).collect();
                    let line = String::from_utf8_lossy(&frame[..frame.len() - 1]).into_owned();
                    match codec::decode(&line) {
                        Ok(message) => self.arrived.push_back((
                            now,
                            InFlight {
                                from: from.clone(),
                                to: to.clone(),
                                message,
                            },
                        )),
                        Err(e) => {
                            self.broken.get_or_insert(format!(
                                "a frame on the link of {host} did not decode: {e}"
                            ));
                        }
                    }
                }
            }
        }
        for host in ended {
            // The next message to or from the host opens a new connection.
            self.links.remove(&host);
            self.closed.push_back((now, host));
        }
    }
}

fn write_frame(stream: &mut TcpStream, frame: &[u8]) -> io::Result<()> {
    let mut written = 0;
    while written < frame.len() {
        match stream.write(&frame[written..]) {
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(std::time::Duration::from_micros(50));
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

impl Wire for SocketWire {
    fn put(&mut self, _now: Instant, flight: InFlight) {
        let host = match (&flight.from, &flight.to) {
            (Endpoint::Agent(h), _) | (_, Endpoint::Agent(h)) => h.clone(),
            _ => return,
        };
        let mut frame = codec::encode(&flight.message).into_bytes();
        frame.push(b'\n');
        let to_master = flight.to == Endpoint::Master;
        let result = self.link(&host).and_then(|link| {
            let end = if to_master {
                &mut link.agent
            } else {
                &mut link.master
            };
            write_frame(&mut end.stream, &frame)
        });
        if let Err(e) = result {
            self.broken
                .get_or_insert(format!("writing to the link of {host}: {e}"));
        }
    }

    fn next_arrival(&self) -> Option<Instant> {
        let message = self.arrived.front().map(|(at, _)| *at);
        let closed = self.closed.front().map(|(at, _)| *at);
        message.into_iter().chain(closed).min()
    }

    fn close_connection(&mut self, host: &str) -> bool {
        let Some(link) = self.links.get_mut(host) else {
            // No connection yet: nothing to close, the master is told directly.
            return false;
        };
        let _ = link.agent.stream.shutdown(std::net::Shutdown::Both);
        link.agent_closed = true;
        true
    }

    fn take_closed(&mut self) -> Option<String> {
        self.poll();
        self.closed.pop_front().map(|(_, host)| host)
    }

    fn take(&mut self, now: Instant) -> Option<InFlight> {
        self.poll();
        match self.arrived.front() {
            Some((at, _)) if *at <= now => self.arrived.pop_front().map(|(_, f)| f),
            _ => None,
        }
    }

    fn forget_messages_to(&mut self, host: &str) {
        self.poll();
        let to = Endpoint::Agent(host.into());
        self.arrived.retain(|(_, f)| f.to != to);
    }

    fn wait(&mut self, now: Instant, until: Instant) -> Instant {
        loop {
            self.poll();
            let reached = self.clock.now().max(now);
            if !self.arrived.is_empty()
                || !self.closed.is_empty()
                || reached >= until
                || self.broken.is_some()
            {
                return reached;
            }
            let left = self.clock.real_until(until);
            std::thread::sleep(left.min(std::time::Duration::from_micros(200)));
        }
    }

    fn is_real_time(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scaled_clock_runs_faster_than_real_time() {
        let clock = Clock {
            real_origin: std::time::Instant::now() - std::time::Duration::from_millis(20),
            origin: Instant::from_millis(1000),
            scale: 100,
        };
        // 20 ms of real time at 100x is at least 2 s of virtual time.
        assert!(clock.now() >= Instant::from_millis(3000), "{}", clock.now());
        assert_eq!(
            clock.real_until(Instant::from_millis(1000)),
            std::time::Duration::ZERO
        );
    }
}
