//! The master's bounded caches of a framework's unreachable and completed tasks
//! (Mesos's `BoundedHashMap`): oldest first, a task at most once, the oldest
//! dropped beyond the limit.
//!
//! Promises: filing, finding and forgetting a task cost a lookup, not a scan of the
//! cache, so a framework with a hundred thousand tasks files each in the same time;
//! iteration is in filing order, as in Mesos.

use std::collections::BTreeMap;

use crate::model::message::TaskId;

#[derive(Clone, Debug)]
pub(super) struct TaskCache<T> {
    /// Entries by filing number: iteration order is filing order.
    entries: BTreeMap<u64, (TaskId, T)>,
    /// Each task's filing number.
    index: BTreeMap<TaskId, u64>,
    next: u64,
}

impl<T> Default for TaskCache<T> {
    fn default() -> Self {
        TaskCache {
            entries: BTreeMap::new(),
            index: BTreeMap::new(),
            next: 0,
        }
    }
}

impl<T> TaskCache<T> {
    /// Files `task` as the newest entry (replacing an older entry of it), then drops
    /// the oldest entries beyond `limit`.
    pub(super) fn insert(&mut self, task: TaskId, value: T, limit: usize) {
        self.remove(&task);
        let number = self.next;
        self.next += 1;
        self.index.insert(task.clone(), number);
        self.entries.insert(number, (task, value));
        while self.entries.len() > limit {
            let Some((_, (oldest, _))) = self.entries.pop_first() else {
                break;
            };
            self.index.remove(&oldest);
        }
    }

    /// Forgets `task`, returning what was filed for it.
    pub(super) fn remove(&mut self, task: &str) -> Option<T> {
        let number = self.index.remove(task)?;
        self.entries.remove(&number).map(|(_, value)| value)
    }

    pub(super) fn get(&self, task: &str) -> Option<&T> {
        self.index
            .get(task)
            .and_then(|number| self.entries.get(number))
            .map(|(_, value)| value)
    }

    pub(super) fn contains(&self, task: &str) -> bool {
        self.index.contains_key(task)
    }

    pub(super) fn values(&self) -> impl Iterator<Item = &T> {
        self.entries.values().map(|(_, value)| value)
    }

    /// The entries, oldest first.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&TaskId, &T)> {
        self.entries.values().map(|(task, value)| (task, value))
    }

    /// Empties the cache, returning its entries oldest first.
    pub(super) fn take(&mut self) -> impl Iterator<Item = (TaskId, T)> + use<T> {
        self.index.clear();
        std::mem::take(&mut self.entries).into_values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks(cache: &TaskCache<u32>) -> Vec<(TaskId, u32)> {
        cache.clone().take().collect()
    }

    #[test]
    fn a_task_filed_again_moves_to_the_newest_place_and_the_oldest_go_beyond_the_limit() {
        let mut cache = TaskCache::default();
        for (task, value) in [("a", 1), ("b", 2), ("c", 3), ("a", 4), ("d", 5)] {
            cache.insert(task.into(), value, 3);
        }
        let filed = [("c", 3), ("a", 4), ("d", 5)].map(|(t, v)| (TaskId::from(t), v));
        assert_eq!(tasks(&cache), filed);
        assert!(!cache.contains("b"));
        assert_eq!(cache.get("a"), Some(&4));
    }

    #[test]
    fn a_forgotten_task_is_gone_and_taking_empties_the_cache_in_filing_order() {
        let mut cache = TaskCache::default();
        for (task, value) in [("a", 1), ("b", 2), ("c", 3)] {
            cache.insert(task.into(), value, 10);
        }
        assert_eq!(cache.remove("b"), Some(2));
        assert_eq!(cache.remove("b"), None);
        let taken: Vec<(TaskId, u32)> = cache.take().collect();
        assert_eq!(taken, [("a".into(), 1), ("c".into(), 3)]);
        assert_eq!(cache.values().count(), 0);
        assert!(!cache.contains("a"));
    }
}
