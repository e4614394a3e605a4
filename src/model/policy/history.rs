//! The record of running copies read as stretches of time: how many copies of an
//! instance ran, and how many instances ran, from one change to the next.

use std::collections::BTreeMap;

use crate::model::cluster::RunningChange;
use crate::time::{Duration, Instant};

/// A stretch of time with one value: `to` is `None` while it lasts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: Instant,
    /// `None` while it lasts.
    pub to: Option<Instant>,
    pub value: u32,
}

impl Span {
    /// `from 90s to 6m40s`, or `from 90s on`.
    pub fn describe(&self) -> String {
        match self.to {
            Some(to) => format!("from {} to {}", self.from.since_start(), to.since_start()),
            None => format!("from {} on", self.from.since_start()),
        }
    }
}

/// The stretches of a value that changes at the given instants, from time 0 (value
/// 0 before the first change) until `now`.
pub fn spans(changes: Vec<(Instant, u32)>) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut current = Span {
        from: Instant::ZERO,
        to: None,
        value: 0,
    };
    for (at, value) in changes {
        if value == current.value {
            continue;
        }
        if at > current.from {
            current.to = Some(at);
            spans.push(current);
        }
        current = Span {
            from: at,
            to: None,
            value,
        };
    }
    spans.push(current);
    spans
}

/// Joins adjacent spans into one.
pub fn merge<'a>(spans: impl Iterator<Item = &'a Span>) -> Vec<Span> {
    let mut merged: Vec<Span> = Vec::new();
    for s in spans {
        match merged.last_mut() {
            Some(last) if last.to == Some(s.from) => last.to = s.to,
            _ => merged.push(s.clone()),
        }
    }
    merged
}

/// How many copies of one instance the agents ran, change by change.
pub fn copies_of(history: &[RunningChange], instance: &str) -> Vec<(Instant, u32)> {
    history
        .iter()
        .filter(|c| c.instance == instance)
        .map(|c| (c.at, c.copies))
        .collect()
}

/// How many instances had a copy running, change by change.
pub fn instances_running(history: &[RunningChange]) -> Vec<(Instant, u32)> {
    let mut copies: BTreeMap<&str, u32> = BTreeMap::new();
    let mut out: Vec<(Instant, u32)> = Vec::new();
    for change in history {
        copies.insert(&change.instance, change.copies);
        let running = copies.values().filter(|&&n| n > 0).count() as u32;
        match out.last_mut() {
            Some(last) if last.0 == change.at => last.1 = running,
            _ => out.push((change.at, running)),
        }
    }
    out
}

impl Span {
    /// How long the stretch lasted, up to `now` if it still lasts.
    pub fn length(&self, now: Instant) -> Duration {
        self.to.unwrap_or(now).max(self.from) - self.from
    }
}

/// How long, in all, the value was at least `at_least`, up to `now`.
pub fn time_at_least(spans: &[Span], at_least: u32, now: Instant) -> Duration {
    spans
        .iter()
        .filter(|s| s.value >= at_least)
        .fold(Duration::ZERO, |sum, s| sum + s.length(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn at(s: u64) -> Instant {
        Instant::ZERO + Duration::from_secs(s)
    }

    #[test]
    fn a_value_that_changes_twice_makes_three_spans_the_last_open() {
        let spans = spans(vec![(at(0), 3), (at(90), 2), (at(400), 3)]);
        assert_eq!(
            spans,
            vec![
                Span {
                    from: at(0),
                    to: Some(at(90)),
                    value: 3
                },
                Span {
                    from: at(90),
                    to: Some(at(400)),
                    value: 2
                },
                Span {
                    from: at(400),
                    to: None,
                    value: 3
                },
            ]
        );
    }

    #[test]
    fn instances_running_counts_instances_with_at_least_one_copy() {
        let history = vec![
            RunningChange {
                at: at(0),
                instance: "n-1".into(),
                copies: 1,
            },
            RunningChange {
                at: at(0),
                instance: "n-2".into(),
                copies: 1,
            },
            RunningChange {
                at: at(75),
                instance: "n-2".into(),
                copies: 2,
            },
            RunningChange {
                at: at(80),
                instance: "n-1".into(),
                copies: 0,
            },
        ];
        assert_eq!(
            instances_running(&history),
            vec![(at(0), 2), (at(75), 2), (at(80), 1)]
        );
    }

    #[test]
    fn adjacent_double_runs_merge_into_one_stretch() {
        let all = spans(vec![(at(0), 1), (at(10), 2), (at(20), 3), (at(30), 1)]);
        let merged = merge(all.iter().filter(|s| s.value >= 2));
        assert_eq!(
            merged,
            vec![Span {
                from: at(10),
                to: Some(at(30)),
                value: 2
            }]
        );
    }
}
