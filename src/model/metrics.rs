//! The master's counters, with Mesos's metric names (rule L5).
//!
//! Counters only go up. Gauges (`master/tasks_running`, ...) are not stored: the
//! master computes them from its state when asked, so they cannot drift.

use std::collections::BTreeMap;

/// Every counter the model maintains, so that a snapshot lists them even at zero.
pub const COUNTERS: &[&str] = &[
    "master/slave_unreachable_scheduled",
    "master/slave_unreachable_completed",
    "master/slave_unreachable_canceled",
    "master/slave_shutdowns_scheduled",
    "master/slave_shutdowns_completed",
    "master/slave_shutdowns_canceled",
    "master/slave_removals",
    "master/slave_removals/reason_unhealthy",
    "master/slave_removals/reason_unregistered",
    "master/slave_removals/reason_registered",
    "master/recovery_slave_removals",
    "master/slave_registrations",
    "master/slave_reregistrations",
    "master/tasks_finished",
    "master/tasks_failed",
    "master/tasks_killed",
    "master/tasks_lost",
    "master/tasks_error",
    "master/tasks_dropped",
    "master/tasks_gone",
    "master/tasks_gone_by_operator",
    "master/valid_status_updates",
    "master/invalid_status_updates",
    "master/invalid_status_update_acknowledgements",
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metrics {
    counters: BTreeMap<&'static str, i64>,
}

impl Metrics {
    pub fn increment(&mut self, name: &str) {
        let key = COUNTERS
            .iter()
            .copied()
            .find(|c| *c == name)
            .unwrap_or_else(|| panic!("`{name}` is not a counter in metrics::COUNTERS"));
        *self.counters.entry(key).or_default() += 1;
    }

    /// One counter's value (zero if it never went up).
    pub fn get(&self, name: &str) -> i64 {
        self.counters.get(name).copied().unwrap_or(0)
    }

    /// Every counter, zero included.
    pub fn snapshot(&self) -> BTreeMap<String, i64> {
        COUNTERS
            .iter()
            .map(|c| (c.to_string(), self.counters.get(c).copied().unwrap_or(0)))
            .collect()
    }
}
