//! The scheduler's book: its instances, their copies, and what it last heard of
//! each copy. The book holds what the framework knows, not what is true: a copy on
//! a partitioned agent stays TASK_RUNNING here until an update says otherwise.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::message::StatusUpdate;
use crate::model::status::TaskState;
use crate::time::Instant;

/// One launch of an instance: a Mesos task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Copy {
    task: String,
    number: u32,
    host: Option<String>,
    launched_at: Option<Instant>,
    state: TaskState,
    last_update: Option<StatusUpdate>,
}

impl Copy {
    pub fn task(&self) -> &str {
        &self.task
    }

    /// 1 for the first copy of an instance, 2 for the next, ...
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The host the copy was launched on; `None` while it waits for an offer.
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// When the copy was launched; `None` while it waits for an offer.
    pub fn launched_at(&self) -> Option<Instant> {
        self.launched_at
    }

    /// The state of the last update the scheduler got (TASK_STAGING before any).
    pub fn state(&self) -> TaskState {
        self.state
    }

    pub fn last_update(&self) -> Option<&StatusUpdate> {
        self.last_update.as_ref()
    }
}

/// A unit of work the framework keeps running, and its copies, oldest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    name: String,
    copies: Vec<Copy>,
}

impl Instance {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn copies(&self) -> &[Copy] {
        &self.copies
    }

    /// The newest copy.
    pub fn latest(&self) -> Option<&Copy> {
        self.copies.last()
    }
}

/// Every instance of one framework.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Instances {
    instances: BTreeMap<String, Instance>,
    /// Which instance each task is a copy of.
    owner: BTreeMap<String, String>,
    /// The instances with a copy launched on each host.
    on_host: BTreeMap<String, BTreeSet<String>>,
    /// How many copies the book holds as live (not terminal) on each host.
    live_on: BTreeMap<String, usize>,
}

impl Instances {
    pub fn iter(&self) -> impl Iterator<Item = &Instance> {
        self.instances.values()
    }

    pub fn len(&self) -> usize {
        self.instances.len()
    }

    pub fn is_empty(&self) -> bool {
        self.instances.is_empty()
    }

    pub fn get(&self, instance: &str) -> Option<&Instance> {
        self.instances.get(instance)
    }

    pub fn instance_of(&self, task: &str) -> Option<&Instance> {
        self.instances.get(self.owner.get(task)?)
    }

    pub fn copy(&self, task: &str) -> Option<&Copy> {
        self.instance_of(task)?
            .copies
            .iter()
            .find(|c| c.task == task)
    }

    /// Every copy of every instance.
    pub fn copies(&self) -> impl Iterator<Item = (&Instance, &Copy)> {
        self.instances
            .values()
            .flat_map(|i| i.copies.iter().map(move |c| (i, c)))
    }

    /// The name the next copy of `instance` gets: the instance's own name for the
    /// first, `<instance>#n` for the n-th.
    pub fn next_task_name(&self, instance: &str) -> String {
        match self.instances.get(instance).map_or(0, |i| i.copies.len()) {
            0 => instance.to_string(),
            n => format!("{instance}#{}", n + 1),
        }
    }

    /// Adds a copy of `instance` (created if new), not launched yet.
    pub(crate) fn add_copy(&mut self, instance: &str, task: &str) {
        let entry = self
            .instances
            .entry(instance.to_string())
            .or_insert_with(|| Instance {
                name: instance.to_string(),
                copies: Vec::new(),
            });
        let number = entry.copies.len() as u32 + 1;
        entry.copies.push(Copy {
            task: task.to_string(),
            number,
            host: None,
            launched_at: None,
            state: TaskState::Staging,
            last_update: None,
        });
        self.owner.insert(task.to_string(), instance.to_string());
    }

    /// Records that a copy was launched on `host` at `at`.
    pub(crate) fn launched(&mut self, task: &str, host: &str, at: Instant) {
        if let Some(copy) = self.copy_mut(task) {
            copy.host = Some(host.to_string());
            copy.launched_at = Some(at);
            if !copy.state.is_terminal() {
                *self.live_on.entry(host.to_string()).or_default() += 1;
            }
        }
        if let Some(instance) = self.owner.get(task) {
            self.on_host
                .entry(host.to_string())
                .or_default()
                .insert(instance.clone());
        }
    }

    /// The instances with a copy launched on `host`, in name order.
    pub fn instances_on(&self, host: &str) -> impl Iterator<Item = &Instance> {
        self.on_host
            .get(host)
            .into_iter()
            .flatten()
            .filter_map(|name| self.instances.get(name))
    }

    /// Records that a copy waiting for an offer will not be launched.
    pub(crate) fn cancelled(&mut self, task: &str) {
        if let Some(copy) = self.copy_mut(task) {
            copy.state = TaskState::Killed;
        }
    }

    /// Records an update; updates for tasks the book does not hold are ignored.
    pub(crate) fn record(&mut self, update: &StatusUpdate) {
        let Some(copy) = self.copy_mut(&update.task) else {
            return;
        };
        let was_live = !copy.state.is_terminal();
        copy.state = update.state;
        copy.last_update = Some(update.clone());
        let is_live = !copy.state.is_terminal();
        if let Some(host) = copy.host.clone()
            && was_live != is_live
        {
            let live = self.live_on.entry(host).or_default();
            match is_live {
                true => *live += 1,
                false => *live = live.saturating_sub(1),
            }
        }
    }

    /// How many copies the book holds as live (not terminal) on `host`.
    pub fn live_on(&self, host: &str) -> usize {
        self.live_on.get(host).copied().unwrap_or(0)
    }

    fn copy_mut(&mut self, task: &str) -> Option<&mut Copy> {
        let instance = self.owner.get(task)?;
        self.instances
            .get_mut(instance)?
            .copies
            .iter_mut()
            .find(|c| c.task == task)
    }
}
