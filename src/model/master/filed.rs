//! [`Filed`]: a registry list (admitted, unreachable or gone agents) in filing
//! order, with each agent found or taken out without a scan of the list.

use std::collections::BTreeMap;
use std::fmt;

use crate::model::message::AgentId;
use crate::time::Instant;

/// An entry of a registry list: the agent it is about.
pub trait Filing {
    fn agent(&self) -> &AgentId;
}

impl Filing for AgentId {
    fn agent(&self) -> &AgentId {
        self
    }
}

impl Filing for (AgentId, Instant) {
    fn agent(&self) -> &AgentId {
        &self.0
    }
}

/// Entries in the order they were filed, at most one per agent.
#[derive(Clone)]
pub struct Filed<T> {
    entries: BTreeMap<u64, T>,
    index: BTreeMap<AgentId, u64>,
    next: u64,
}

impl<T> Default for Filed<T> {
    fn default() -> Self {
        Filed {
            entries: BTreeMap::new(),
            index: BTreeMap::new(),
            next: 0,
        }
    }
}

impl<T: Filing> Filed<T> {
    /// Files `entry` as the newest, replacing an older entry of its agent.
    pub fn push(&mut self, entry: T) {
        self.remove(entry.agent());
        self.index.insert(entry.agent().clone(), self.next);
        self.entries.insert(self.next, entry);
        self.next += 1;
    }

    /// Takes the agent's entry out, if it has one.
    pub fn remove(&mut self, agent: &AgentId) -> Option<T> {
        let number = self.index.remove(agent)?;
        self.entries.remove(&number)
    }

    pub fn get(&self, agent: &AgentId) -> Option<&T> {
        self.index.get(agent).and_then(|n| self.entries.get(n))
    }

    pub fn contains(&self, agent: &AgentId) -> bool {
        self.index.contains_key(agent)
    }

    /// Empties the list, returning its entries oldest first.
    pub fn take(&mut self) -> Vec<T> {
        self.index.clear();
        std::mem::take(&mut self.entries).into_values().collect()
    }
}

impl<T> Filed<T> {
    /// The entries, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<T: Filing> FromIterator<T> for Filed<T> {
    fn from_iter<I: IntoIterator<Item = T>>(entries: I) -> Self {
        let mut filed = Filed::default();
        for entry in entries {
            filed.push(entry);
        }
        filed
    }
}

impl<'a, T> IntoIterator for &'a Filed<T> {
    type Item = &'a T;
    type IntoIter = std::collections::btree_map::Values<'a, u64, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.values()
    }
}

impl<T: PartialEq> PartialEq for Filed<T> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for Filed<T> {}

impl<T: fmt::Debug> fmt::Debug for Filed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(host: &str) -> AgentId {
        AgentId {
            host: host.into(),
            incarnation: 1,
        }
    }

    fn hosts(filed: &Filed<AgentId>) -> Vec<String> {
        filed.iter().map(|a| a.host.to_string()).collect()
    }

    #[test]
    fn entries_keep_their_filing_order_and_a_refiled_agent_becomes_the_newest() {
        let mut filed: Filed<AgentId> = ["a3", "a1", "a2"].map(agent).into_iter().collect();
        filed.push(agent("a3"));
        assert_eq!(hosts(&filed), ["a1", "a2", "a3"]);
        assert_eq!(filed.len(), 3);
    }

    #[test]
    fn an_agent_taken_out_is_no_longer_found_and_the_others_keep_their_order() {
        let mut filed: Filed<(AgentId, Instant)> = ["a1", "a2", "a3"]
            .map(|h| (agent(h), Instant::ZERO))
            .into_iter()
            .collect();
        assert!(filed.remove(&agent("a2")).is_some());
        assert!(filed.remove(&agent("a2")).is_none());
        assert!(!filed.contains(&agent("a2")));
        assert!(filed.get(&agent("a3")).is_some());
        let left: Vec<String> = filed
            .take()
            .into_iter()
            .map(|(a, _)| a.host.to_string())
            .collect();
        assert_eq!(left, ["a1", "a3"]);
        assert!(filed.is_empty());
    }
}
