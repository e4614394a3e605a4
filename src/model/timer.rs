//! Explicit timers for the sans-io state machines.
//!
//! A state machine arms timers as data; the driver asks [`Timers::next`] for the
//! earliest deadline and hands back the due ones. Timers due at the same instant
//! fire in the order they were armed. Cancelling is done by the owner with
//! generation counters, or by the [`TimerKey`] that arming returned: nothing here
//! needs to search.

use std::collections::BTreeMap;

use crate::time::Instant;

/// An armed timer, for cancelling it: its deadline and arming order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerKey(Instant, u64);

#[derive(Clone, Debug)]
pub struct Timers<T> {
    queue: BTreeMap<(Instant, u64), T>,
    seq: u64,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers {
            queue: BTreeMap::new(),
            seq: 0,
        }
    }
}

impl<T> Timers<T> {
    pub fn schedule(&mut self, at: Instant, timer: T) {
        self.schedule_keyed(at, timer);
    }

    /// Arms a timer and returns its key, with which [`Timers::cancel`] disarms it.
    pub fn schedule_keyed(&mut self, at: Instant, timer: T) -> TimerKey {
        self.seq += 1;
        self.queue.insert((at, self.seq), timer);
        TimerKey(at, self.seq)
    }

    /// Disarms the timer armed with `key`, if it has not fired or been cleared yet.
    pub fn cancel(&mut self, key: TimerKey) -> Option<T> {
        self.queue.remove(&(key.0, key.1))
    }

    /// The earliest deadline, if any timer is armed.
    pub fn next(&self) -> Option<Instant> {
        self.queue.keys().next().map(|(at, _)| *at)
    }

    /// Removes and returns the earliest timer due at or before `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<T> {
        let (&key, _) = self.queue.iter().next()?;
        if key.0 > now {
            return None;
        }
        self.queue.remove(&key)
    }

    /// Armed timers, earliest first.
    pub fn iter(&self) -> impl Iterator<Item = (Instant, &T)> {
        self.queue.iter().map(|((at, _), t)| (*at, t))
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.queue.retain(|_, t| keep(t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_due_at_the_same_instant_fire_in_the_order_they_were_armed() {
        let mut timers = Timers::default();
        let t = Instant::from_millis(10);
        timers.schedule(t, "second-armed-later");
        timers.schedule(Instant::from_millis(5), "first");
        timers.schedule(t, "third");
        assert_eq!(timers.pop_due(Instant::from_millis(4)), None);
        let fired: Vec<_> = std::iter::from_fn(|| timers.pop_due(t)).collect();
        assert_eq!(fired, ["first", "second-armed-later", "third"]);
    }

    #[test]
    fn a_cancelled_timer_never_fires_and_cancelling_a_fired_one_does_nothing() {
        let mut timers = Timers::default();
        let t = Instant::from_millis(10);
        let first = timers.schedule_keyed(t, "first");
        let second = timers.schedule_keyed(t, "second");
        timers.schedule(t, "third");
        assert_eq!(timers.cancel(second), Some("second"));
        assert_eq!(timers.pop_due(t), Some("first"));
        assert_eq!(timers.cancel(first), None);
        assert_eq!(timers.pop_due(t), Some("third"));
        assert_eq!(timers.pop_due(t), None);
    }
}
