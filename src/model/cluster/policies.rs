//! Frameworks that act: each framework's policies, its book of instances, the
//! launches waiting for an offer, the policies' timers, and the record of how many
//! copies of each instance ran on the agents over time.
//!
//! Promises: a policy sees an event after everything the event caused in the
//! master and the agents has been routed, and its actions are carried out at the
//! same instant, in order. Placement follows the rule in [`crate::model::policy`].
//! The record of running copies counts what the agents run, whatever the master
//! believes, and holds no change that was undone at the same instant.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::Cluster;
use crate::model::master::{Call, MasterInput};
use crate::model::message::{AgentId, FrameworkEvent, FrameworkId, StatusUpdate, TaskId};
use crate::model::policy::{Action, Instances, Policy, Seen, View};
use crate::model::trace::TraceEvent;
use crate::time::{Duration, Instant};

/// What an acting framework has beside its inbox.
#[derive(Clone, Debug, Default)]
pub(super) struct Conduct {
    pub(super) policies: Vec<Box<dyn Policy>>,
    pub(super) book: Instances,
    /// Copies waiting for an agent to place them on, oldest first.
    pending: VecDeque<TaskId>,
    /// How many copies of each instance the agents run, as last recorded.
    running: BTreeMap<String, u32>,
    history: Vec<RunningChange>,
    /// Tasks the scheduler asked to kill.
    killed: BTreeSet<TaskId>,
}

impl Conduct {
    pub(super) fn new(policies: Vec<Box<dyn Policy>>) -> Conduct {
        Conduct {
            policies,
            ..Conduct::default()
        }
    }
}

/// The number of copies of an instance the agents ran changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunningChange {
    pub at: Instant,
    pub instance: String,
    pub copies: u32,
}

/// An agent with offers, as placement counts it.
#[derive(Clone, Debug)]
struct Offer {
    host: String,
    room: Option<usize>,
    own_tasks: usize,
    all_tasks: usize,
}

/// An event waiting for a framework's policies.
#[derive(Clone, Debug)]
pub(super) enum PolicyEvent {
    Started,
    Update(StatusUpdate),
    AgentLost(AgentId),
    AgentAvailable(String),
    /// A timer of the policy at this index.
    Timer(usize, u64),
}

/// A policy's timer.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct PolicyTimer {
    pub(super) at: Instant,
    /// Order among timers due at one instant: the order they were set in.
    pub(super) seq: u64,
    pub(super) framework: FrameworkId,
    pub(super) policy: usize,
    pub(super) tag: u64,
}

impl Cluster {
    // ----- Observation ---------------------------------------------------------

    /// A framework's book of instances, if it runs instances or follows a policy.
    pub fn instances(&self, framework: &str) -> Option<&Instances> {
        self.conduct(framework).map(|c| &c.book)
    }

    /// What each of the framework's policies does, in words.
    pub fn policies(&self, framework: &str) -> Vec<String> {
        self.conduct(framework)
            .map(|c| c.policies.iter().map(|p| p.describe()).collect())
            .unwrap_or_default()
    }

    /// Every change in how many copies of each instance of the framework the agents
    /// ran, from the end of setup, in time order.
    pub fn running_history(&self, framework: &str) -> &[RunningChange] {
        self.conduct(framework)
            .map(|c| c.history.as_slice())
            .unwrap_or(&[])
    }

    /// Whether the framework's scheduler asked to kill the task.
    pub fn killed_by_scheduler(&self, framework: &str, task: &str) -> bool {
        self.conduct(framework)
            .is_some_and(|c| c.killed.contains(task))
    }

    fn conduct(&self, framework: &str) -> Option<&Conduct> {
        self.schedulers.get(framework)?.conduct.as_ref()
    }

    pub(super) fn conduct_mut(&mut self, framework: &str) -> Option<&mut Conduct> {
        self.schedulers.get_mut(framework)?.conduct.as_mut()
    }

    // ----- Events in -----------------------------------------------------------

    /// Books an event a framework received and queues it for its policies.
    pub(super) fn conduct_received(&mut self, framework: &str, event: &FrameworkEvent) {
        let live = self.policies_live;
        let Some(conduct) = self.conduct_mut(framework) else {
            return;
        };
        let queued = match event {
            FrameworkEvent::Update(update) => {
                conduct.book.record(update);
                PolicyEvent::Update(update.clone())
            }
            FrameworkEvent::AgentLost { agent } => PolicyEvent::AgentLost(agent.clone()),
            _ => return,
        };
        if live && !conduct.policies.is_empty() {
            self.policy_queue.push_back((framework.into(), queued));
        }
    }

    /// An agent registered or came back: it offers to every framework again, and
    /// launches waiting for room may fit.
    pub(super) fn agent_available(&mut self, host: &str) {
        if !self.policies_live {
            return;
        }
        for (name, s) in &self.schedulers {
            if s.conduct.is_some() {
                self.policy_queue
                    .push_back((name.clone(), PolicyEvent::AgentAvailable(host.to_string())));
            }
        }
    }

    /// The policies start: at the end of setup.
    pub(super) fn start_policies(&mut self) {
        self.policies_live = true;
        for (name, s) in &self.schedulers {
            if s.conduct.as_ref().is_some_and(|c| !c.policies.is_empty()) {
                self.policy_queue
                    .push_back((name.clone(), PolicyEvent::Started));
            }
        }
        self.drain();
    }

    /// The first policy timer, if any.
    pub(super) fn next_policy_timer(&self) -> Option<Instant> {
        self.policy_timers.first().map(|t| t.at)
    }

    /// Queues the first policy timer if it is due at `t`.
    pub(super) fn fire_policy_timer(&mut self, t: Instant) -> bool {
        if self.policy_timers.first().is_none_or(|timer| timer.at > t) {
            return false;
        }
        let timer = self.policy_timers.pop_first().expect("checked above");
        self.policy_queue
            .push_back((timer.framework, PolicyEvent::Timer(timer.policy, timer.tag)));
        true
    }

    // ----- Running the policies ------------------------------------------------

    /// Runs the first queued event through its framework's policies, if any.
    pub(super) fn run_next_policy_event(&mut self) -> bool {
        if self.in_policy {
            return false;
        }
        let Some((framework, event)) = self.policy_queue.pop_front() else {
            return false;
        };
        self.in_policy = true;
        let actions = self.ask_policies(&framework, &event);
        for (policy, action) in actions {
            self.carry_out(&framework, policy, action);
        }
        self.place_pending();
        self.in_policy = false;
        true
    }

    fn ask_policies(&mut self, framework: &str, event: &PolicyEvent) -> Vec<(usize, Action)> {
        let now = self.now;
        let Some(s) = self.schedulers.get_mut(framework) else {
            return Vec::new();
        };
        let awareness = match s.info.partition_aware {
            true => super::Awareness::PartitionAware,
            false => super::Awareness::NotAware,
        };
        let Some(conduct) = s.conduct.as_mut() else {
            return Vec::new();
        };
        let view = View::new(now, awareness, &conduct.book);
        let mut actions = Vec::new();
        for (index, policy) in conduct.policies.iter_mut().enumerate() {
            let seen = match event {
                PolicyEvent::Started => Seen::Started,
                PolicyEvent::Update(u) => Seen::Update(u),
                PolicyEvent::AgentLost(a) => Seen::AgentLost(a),
                PolicyEvent::AgentAvailable(h) => Seen::AgentAvailable(h),
                PolicyEvent::Timer(p, tag) if *p == index => Seen::Timer(*tag),
                PolicyEvent::Timer(..) => continue,
            };
            actions.extend(
                policy
                    .on_event(&seen, &view)
                    .into_iter()
                    .map(|a| (index, a)),
            );
        }
        actions
    }

    fn carry_out(&mut self, framework: &str, policy: usize, action: Action) {
        match action {
            Action::Launch(instance) => self.launch_copy(framework, &instance),
            Action::Kill(task) => {
                let host = self.copy_host(framework, &task);
                if self.cancel_pending(framework, &task) {
                    return;
                }
                if let Err(e) = self.require_subscribed(framework) {
                    self.scheduler_did(framework, format!("cannot kill task {task}: {e}"));
                    return;
                }
                self.scheduler_did(framework, format!("kills task {task}"));
                if let Some(conduct) = self.conduct_mut(framework) {
                    conduct.killed.insert(task.clone().into());
                }
                if let Err(e) = self.kill(framework, &task, host.as_deref()) {
                    self.scheduler_did(framework, format!("cannot kill task {task}: {e}"));
                }
            }
            Action::Reconcile(tasks) => {
                self.reconcile_copies(framework, tasks.into_iter().map(TaskId::from).collect())
            }
            Action::ReconcileAll => {
                if let Err(e) = self.require_subscribed(framework) {
                    self.scheduler_did(framework, format!("cannot reconcile: {e}"));
                    return;
                }
                self.scheduler_did(framework, "reconciles all its tasks".to_string());
                if let Err(e) = self.reconcile_all(framework) {
                    self.scheduler_did(framework, format!("cannot reconcile: {e}"));
                }
            }
            Action::SetTimer { after, tag } => self.set_policy_timer(framework, policy, after, tag),
        }
    }

    fn set_policy_timer(&mut self, framework: &str, policy: usize, after: Duration, tag: u64) {
        self.timer_seq += 1;
        self.policy_timers.insert(PolicyTimer {
            at: self.now + after,
            seq: self.timer_seq,
            framework: framework.into(),
            policy,
            tag,
        });
    }

    fn reconcile_copies(&mut self, framework: &str, tasks: Vec<TaskId>) {
        let listed: Vec<(TaskId, Option<AgentId>)> = tasks
            .into_iter()
            .map(|task| {
                let agent = self.copy_agent(framework, &task);
                (task, agent)
            })
            .collect();
        if let Err(e) = self.require_subscribed(framework) {
            self.scheduler_did(framework, format!("cannot reconcile: {e}"));
            return;
        }
        let names: Vec<&str> = listed.iter().map(|(t, _)| t.as_str()).collect();
        self.scheduler_did(framework, format!("reconciles {}", names.join(", ")));
        self.master_input(MasterInput::Call(Call::Reconcile {
            framework: framework.into(),
            tasks: listed,
        }));
    }

    /// The agent ID the scheduler names for a copy: the one of its last update, or
    /// the one its host had when it was launched.
    fn copy_agent(&self, framework: &str, task: &str) -> Option<AgentId> {
        let copy = self.conduct(framework)?.book.copy(task)?;
        copy.last_update()
            .and_then(|u| u.agent.clone())
            .or_else(|| self.agent_id(copy.host()?).cloned())
    }

    fn copy_host(&self, framework: &str, task: &str) -> Option<String> {
        let copy = self.conduct(framework)?.book.copy(task)?;
        copy.host().map(str::to_string)
    }

    pub(super) fn scheduler_did(&mut self, framework: &str, what: String) {
        self.record(TraceEvent::Scheduler {
            framework: framework.into(),
            what,
        });
    }

    // ----- Launches and placement ----------------------------------------------

    /// A task declared at setup: an instance of its own, launched on `host` at
    /// time 0, if its framework keeps a book.
    pub(super) fn book_declared_task(&mut self, framework: &str, task: &str, host: &str) {
        let now = self.now;
        if let Some(conduct) = self.conduct_mut(framework) {
            conduct.book.add_copy(task, task);
            conduct.book.launched(task, host, now);
            self.running_dirty.insert(host.to_string());
        }
    }

    /// A new copy of `instance`, waiting to be placed: the launches an event asks for
    /// are placed together once its actions are carried out ([`Cluster::place_pending`]).
    pub(super) fn launch_copy(&mut self, framework: &str, instance: &str) {
        let Some(conduct) = self.conduct_mut(framework) else {
            return;
        };
        let task = conduct.book.next_task_name(instance);
        conduct.book.add_copy(instance, &task);
        conduct.pending.push_back(task.into());
    }

    /// Drops a copy that is still waiting for an offer; whether there was one.
    fn cancel_pending(&mut self, framework: &str, task: &str) -> bool {
        let Some(conduct) = self.conduct_mut(framework) else {
            return false;
        };
        let before = conduct.pending.len();
        conduct.pending.retain(|t| t != task);
        if conduct.pending.len() == before {
            return false;
        }
        conduct.book.cancelled(task);
        self.scheduler_did(framework, format!("no longer waits to launch task {task}"));
        true
    }

    /// Places every waiting copy that an agent has room for.
    pub(super) fn place_pending(&mut self) {
        let waiting: Vec<FrameworkId> = self
            .schedulers
            .iter()
            .filter(|(_, s)| s.conduct.as_ref().is_some_and(|c| !c.pending.is_empty()))
            .map(|(name, _)| name.clone())
            .collect();
        for framework in waiting {
            self.place_pending_of(&framework);
        }
    }

    pub(super) fn place_pending_of(&mut self, framework: &str) {
        // A scheduler that is not subscribed gets no offers.
        if !self.schedulers.get(framework).is_some_and(|s| s.subscribed)
            || self.conduct(framework).is_none_or(|c| c.pending.is_empty())
        {
            return;
        }
        // The offers as the placement of the first waiting launch finds them; each
        // launch then adds its task to its agent's counts.
        let mut offers = self.offers(framework);
        loop {
            let Some(task) = self
                .conduct(framework)
                .and_then(|c| c.pending.front().cloned())
            else {
                return;
            };
            let Some(chosen) = self.place(framework, &task, &offers) else {
                let announced = self.announced_waiting.insert(task.clone());
                if announced {
                    self.scheduler_did(
                        framework,
                        format!("waits for an agent with room to launch task {task}"),
                    );
                }
                return;
            };
            offers[chosen].own_tasks += 1;
            offers[chosen].all_tasks += 1;
            let host = offers[chosen].host.clone();
            let now = self.now;
            let conduct = self.conduct_mut(framework).expect("checked above");
            conduct.pending.pop_front();
            conduct.book.launched(&task, &host, now);
            let instance = conduct
                .book
                .instance_of(&task)
                .map(|i| i.name().to_string())
                .unwrap_or_default();
            self.running_dirty.insert(host.clone());
            let what = match task == instance {
                true => format!("launches task {task} on agent {host}"),
                false => format!("launches task {task}, a new copy of {instance}, on agent {host}"),
            };
            self.scheduler_did(framework, what);
            if let Err(e) = self.launch(framework, &task, &host) {
                self.scheduler_did(framework, format!("cannot launch task {task}: {e}"));
            }
        }
    }

    /// The agents with offers, in host order, with the framework's live copies on
    /// each (as its book holds them) and, where the agent has a capacity, the live
    /// tasks of every framework the master holds there.
    fn offers(&self, framework: &str) -> Vec<Offer> {
        let Some(book) = self.conduct(framework).map(|c| &c.book) else {
            return Vec::new();
        };
        self.master
            .offering_agents()
            .map(|id| {
                let room = self.capacity.get(id.host.as_str()).copied();
                Offer {
                    host: id.host.to_string(),
                    room,
                    own_tasks: book.live_on(&id.host),
                    all_tasks: match room {
                        Some(_) => self.master.live_tasks(id),
                        None => 0,
                    },
                }
            })
            .collect()
    }

    /// The placement rule: among the agents with offers and room, the one with the
    /// fewest live tasks of this framework, ties by host; the previous copy's agent
    /// only if no other qualifies. The index of the chosen offer.
    fn place(&self, framework: &str, task: &str, offers: &[Offer]) -> Option<usize> {
        let avoid = self.conduct(framework).and_then(|c| {
            let instance = c.book.instance_of(task)?;
            let copies = instance.copies();
            let index = copies.iter().position(|c| c.task() == task)?;
            copies[..index].iter().rev().find_map(|c| c.host())
        });
        offers
            .iter()
            .enumerate()
            .filter(|(_, o)| o.room.is_none_or(|room| o.all_tasks < room))
            .min_by_key(|(_, o)| (avoid == Some(o.host.as_str()), o.own_tasks, o.host.as_str()))
            .map(|(index, _)| index)
    }

    // ----- What the agents run -------------------------------------------------

    /// Records how many copies of each instance the agents run now, where that
    /// changed. Only instances with a copy on an agent touched (or launched on)
    /// since the last record can have changed.
    pub(super) fn record_running(&mut self) {
        if !self.tracking || self.running_dirty.is_empty() {
            return;
        }
        let hosts = std::mem::take(&mut self.running_dirty);
        let now = self.now;
        let names: Vec<FrameworkId> = self
            .schedulers
            .iter()
            .filter(|(_, s)| s.conduct.is_some())
            .map(|(n, _)| n.clone())
            .collect();
        for framework in names {
            let counts: Vec<(String, u32)> = {
                let conduct = self.conduct(&framework).expect("filtered above");
                let touched: BTreeSet<&str> = hosts
                    .iter()
                    .flat_map(|h| conduct.book.instances_on(h))
                    .map(|i| i.name())
                    .collect();
                touched
                    .into_iter()
                    .filter_map(|name| conduct.book.get(name))
                    .map(|instance| {
                        let running = instance
                            .copies()
                            .iter()
                            .filter(|c| {
                                c.host().is_some_and(|h| {
                                    self.agents
                                        .get(h)
                                        .is_some_and(|a| a.runs_task(&framework, c.task()))
                                })
                            })
                            .count() as u32;
                        (instance.name().to_string(), running)
                    })
                    .collect()
            };
            let conduct = self.conduct_mut(&framework).expect("filtered above");
            for (instance, copies) in counts {
                let before = conduct
                    .running
                    .insert(instance.clone(), copies)
                    .unwrap_or(0);
                if before != copies {
                    note_change(&mut conduct.history, now, &instance, copies);
                }
            }
        }
    }
}

/// Adds a change to the history; a change at the same instant as the instance's
/// last one replaces it, and one that undoes it removes it.
fn note_change(history: &mut Vec<RunningChange>, at: Instant, instance: &str, copies: u32) {
    if let Some(last) = history.iter().rposition(|c| c.instance == instance)
        && history[last].at == at
    {
        let earlier = history[..last]
            .iter()
            .rev()
            .find(|c| c.instance == instance)
            .map_or(0, |c| c.copies);
        if earlier == copies {
            history.remove(last);
        } else {
            history[last].copies = copies;
        }
        return;
    }
    history.push(RunningChange {
        at,
        instance: instance.to_string(),
        copies,
    });
}
