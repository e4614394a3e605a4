//! A Mesos agent as a sans-io state machine (rule C).
//!
//! It owns what one agent process knows: its ID, its tasks, its status-update
//! streams, its master-ping timer and its (re)registration backoff. It answers
//! every ping in every state, never kills anything because it lost the master,
//! and keeps status updates queued until the master acknowledges them.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::flags::AgentFlags;
use super::message::{
    AgentId, AgentUpdate, FrameworkId, FrameworkInfo, Message, Name, TaskId, TaskReport,
};
use super::rng::Rng;
use super::status::{Reason, Source, TaskState};
use super::timer::{TimerKey, Timers};
use super::trace::Fact;
use super::version::Version;
use crate::time::{Duration, Instant};

/// Rule 0: before its first (re)registration the agent waits 15 s x 5 for pings.
const DEFAULT_MASTER_PING_TIMEOUT: Duration = Duration::from_secs(75);
/// `REGISTER_RETRY_INTERVAL_MAX`.
const REGISTER_RETRY_INTERVAL_MAX: Duration = Duration::from_mins(1);
/// `STATUS_UPDATE_RETRY_INTERVAL_MIN` / `_MAX`.
const STATUS_UPDATE_RETRY_MIN: Duration = Duration::from_secs(10);
const STATUS_UPDATE_RETRY_MAX: Duration = Duration::from_mins(10);

/// The agent process's state (`Slave::State`), plus the ends of its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentState {
    /// Has no master: registering for the first time or reregistering.
    Disconnected,
    /// Registered with the master.
    Running,
    /// Shut down (by the master or gracefully); the process has exited.
    Terminated,
    /// The host died; nothing more happens on it.
    HostDead,
}

/// What the agent is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgentInput {
    Message(Message),
    /// A new leading master was detected (after a master failover).
    MasterElected,
    /// Gives up on the current master at once and reregisters.
    Redetect,
    TaskFinished {
        task: TaskId,
    },
    TaskFailed {
        task: TaskId,
    },
    ExecutorExited {
        task: TaskId,
    },
    /// The agent process restarts; with `wipe`, with an empty work directory.
    Restart {
        wipe: bool,
    },
    ShutdownGracefully,
    HostDied,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgentOutput {
    /// A message to the master.
    Send(Message),
    /// The agent process exited, closing its socket to the master.
    ProcessExited,
    Fact(Fact),
}

#[derive(Clone, Debug)]
enum Timer {
    PingTimeout {
        generation: u64,
    },
    Registration {
        generation: u64,
        max_backoff: Duration,
    },
    StatusUpdateRetry {
        key: (FrameworkId, TaskId),
        generation: u64,
    },
}

/// One task's reliable status-update stream (the status update manager).
#[derive(Clone, Debug, Default)]
struct Stream {
    pending: VecDeque<AgentUpdate>,
    interval: Duration,
    generation: u64,
}

#[derive(Clone, Debug)]
struct AgentTask {
    state: TaskState,
}

/// The agent's tasks by framework and task, and by task name: a step or an input
/// that names only the task finds it without visiting the others.
#[derive(Clone, Debug, Default)]
struct TaskTable {
    by_key: BTreeMap<(FrameworkId, TaskId), AgentTask>,
    /// `(task, framework)` of every entry of `by_key`.
    by_name: BTreeSet<(TaskId, FrameworkId)>,
}

impl TaskTable {
    fn insert(&mut self, key: (FrameworkId, TaskId), task: AgentTask) {
        self.by_name.insert((key.1.clone(), key.0.clone()));
        self.by_key.insert(key, task);
    }

    fn get(&self, key: &(FrameworkId, TaskId)) -> Option<&AgentTask> {
        self.by_key.get(key)
    }

    fn contains_key(&self, key: &(FrameworkId, TaskId)) -> bool {
        self.by_key.contains_key(key)
    }

    fn remove(&mut self, key: &(FrameworkId, TaskId)) {
        if self.by_key.remove(key).is_some() {
            self.by_name.remove(&(key.1.clone(), key.0.clone()));
        }
    }

    fn clear(&mut self) {
        self.by_key.clear();
        self.by_name.clear();
    }

    fn retain_frameworks(&mut self, keep: impl Fn(&FrameworkId) -> bool) {
        self.by_key.retain(|(f, _), _| keep(f));
        self.by_name.retain(|(_, f)| keep(f));
    }

    fn iter(&self) -> impl Iterator<Item = (&(FrameworkId, TaskId), &AgentTask)> {
        self.by_key.iter()
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = (&(FrameworkId, TaskId), &mut AgentTask)> {
        self.by_key.iter_mut()
    }

    fn keys(&self) -> impl Iterator<Item = &(FrameworkId, TaskId)> {
        self.by_key.keys()
    }

    /// The first task of that name, in framework order (a name is one task in a
    /// cluster that the builder checked).
    fn key_of(&self, task: &str) -> Option<(FrameworkId, TaskId)> {
        let from = (TaskId::from(task), FrameworkId::default());
        self.by_name
            .range(from..)
            .next()
            .filter(|(t, _)| t == task)
            .map(|(t, f)| (f.clone(), t.clone()))
    }

    fn find_mut(&mut self, task: &str) -> Option<((FrameworkId, TaskId), &mut AgentTask)> {
        let key = self.key_of(task)?;
        let entry = self.by_key.get_mut(&key)?;
        Some((key, entry))
    }

    fn find(&self, task: &str) -> Option<(&(FrameworkId, TaskId), &AgentTask)> {
        let key = self.key_of(task)?;
        self.by_key.get_key_value(&key)
    }
}

/// A Mesos agent.
#[derive(Clone, Debug)]
pub struct Agent {
    host: Name,
    version: Version,
    flags: AgentFlags,
    state: AgentState,
    id: Option<AgentId>,
    master_ping_timeout: Duration,
    ping_generation: u64,
    registration_generation: u64,
    frameworks: BTreeMap<FrameworkId, FrameworkInfo>,
    tasks: TaskTable,
    streams: BTreeMap<(FrameworkId, TaskId), Stream>,
    /// The retry timer last armed for each stream, to disarm it without a search
    /// (it may have fired or been cleared since: disarming it then does nothing).
    retry_timers: BTreeMap<(FrameworkId, TaskId), TimerKey>,
    /// Rule C3.2: the status update managers are paused while disconnected.
    paused: bool,
    rng: Rng,
    timers: Timers<Timer>,
    outputs: VecDeque<AgentOutput>,
    now: Instant,
    next_uuid: u64,
}

impl Agent {
    pub fn new(host: &str, version: Version, flags: AgentFlags, seed: u64) -> Agent {
        Agent {
            host: host.into(),
            version,
            flags,
            state: AgentState::Disconnected,
            id: None,
            master_ping_timeout: DEFAULT_MASTER_PING_TIMEOUT,
            ping_generation: 0,
            registration_generation: 0,
            frameworks: BTreeMap::new(),
            tasks: TaskTable::default(),
            streams: BTreeMap::new(),
            retry_timers: BTreeMap::new(),
            paused: true,
            rng: Rng::new(seed),
            timers: Timers::default(),
            outputs: VecDeque::new(),
            now: Instant::ZERO,
            next_uuid: 0,
        }
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// The host's name, shared with the messages that carry it.
    pub(crate) fn host_name(&self) -> &Name {
        &self.host
    }

    pub fn state(&self) -> AgentState {
        self.state
    }

    /// The agent's ID, once a master has assigned one.
    pub fn id(&self) -> Option<&AgentId> {
        self.id.as_ref()
    }

    pub fn is_alive(&self) -> bool {
        matches!(self.state, AgentState::Disconnected | AgentState::Running)
    }

    /// Tasks the agent is running (not terminal), in name order.
    pub fn running_tasks(&self) -> Vec<&TaskId> {
        if !self.is_alive() {
            return Vec::new();
        }
        self.tasks
            .iter()
            .filter(|(_, t)| !t.state.is_terminal())
            .map(|((_, task), _)| task)
            .collect()
    }

    /// Whether the agent's process is alive and runs the framework's task (in any
    /// state that is not terminal): what is true on the machine, whatever the
    /// master thinks.
    pub fn runs_task(&self, framework: &str, task: &str) -> bool {
        self.is_alive()
            && self
                .tasks
                .get(&(framework.into(), task.into()))
                .is_some_and(|t| !t.state.is_terminal())
    }

    pub fn task_state(&self, task: &str) -> Option<TaskState> {
        self.tasks.find(task).map(|(_, t)| t.state)
    }

    /// Every task the agent holds, running or terminal, with its framework.
    pub fn tasks(&self) -> impl Iterator<Item = (&FrameworkId, &TaskId, TaskState)> {
        self.tasks.iter().map(|((f, t), task)| (f, t, task.state))
    }

    /// The updates the status-update manager holds until they are acknowledged,
    /// oldest first in each task's stream (the head is the one sent and retried).
    pub fn pending_updates(&self) -> impl Iterator<Item = &AgentUpdate> {
        self.streams.values().flat_map(|s| s.pending.iter())
    }

    // ----- Heartbeat fast-forward (used by the simulator) ---------------------

    /// Whether the agent is registered with nothing to do but answer pings, and how
    /// long it waits for one.
    pub(crate) fn quiet_ping_timeout(&self) -> Option<Duration> {
        (self.state == AgentState::Running && !self.paused && self.outputs.is_empty())
            .then_some(self.master_ping_timeout)
    }

    /// The earliest timer that is not the ping timer (a retry, a registration).
    pub(crate) fn next_other_timer(&self) -> Option<Instant> {
        self.timers.iter().find_map(|(at, timer)| match timer {
            Timer::PingTimeout { .. } => None,
            _ => Some(at),
        })
    }

    /// The ping timer as if the last ping had arrived at `at` (rule C2).
    pub(crate) fn pinged_at(&mut self, at: Instant) {
        self.timers
            .retain(|t| !matches!(t, Timer::PingTimeout { .. }));
        self.ping_generation += 1;
        self.timers.schedule(
            at + self.master_ping_timeout,
            Timer::PingTimeout {
                generation: self.ping_generation,
            },
        );
    }

    pub fn poll_output(&mut self) -> Option<AgentOutput> {
        self.outputs.pop_front()
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        if matches!(self.state, AgentState::HostDead | AgentState::Terminated) {
            return None;
        }
        self.timers.next()
    }

    /// Starts the agent process: it detects the master and registers. With
    /// `immediately`, the first attempt is sent now rather than after the random
    /// initial backoff (used to build a cluster at time 0).
    pub fn start(&mut self, now: Instant, immediately: bool) {
        self.now = now;
        self.detected(immediately);
    }

    pub fn handle(&mut self, now: Instant, input: AgentInput) {
        self.now = now;
        if self.state == AgentState::HostDead {
            return;
        }
        match input {
            AgentInput::Message(message) => {
                if self.is_alive() {
                    self.receive(message);
                }
            }
            AgentInput::MasterElected | AgentInput::Redetect => {
                if self.is_alive() {
                    self.detected(false);
                }
            }
            AgentInput::TaskFinished { task } => {
                self.task_transition(&task, TaskState::Finished, None, Source::Executor, None)
            }
            AgentInput::TaskFailed { task } => {
                self.task_transition(&task, TaskState::Failed, None, Source::Executor, None)
            }
            AgentInput::ExecutorExited { task } => self.executor_exited(&task),
            AgentInput::Restart { wipe } => self.restart(wipe),
            AgentInput::ShutdownGracefully => {
                if let Some(id) = self.id.clone().filter(|_| self.is_alive()) {
                    self.send(Message::UnregisterAgent { agent: id });
                }
                self.terminate("the agent was shut down gracefully".to_string(), true);
            }
            AgentInput::HostDied => {
                self.state = AgentState::HostDead;
                self.timers.clear();
                self.retry_timers.clear();
                self.push_fact(Fact::AgentHostDied {
                    host: self.host.to_string(),
                });
            }
        }
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        while let Some(timer) = self.timers.pop_due(now) {
            if !self.is_alive() {
                return;
            }
            match timer {
                Timer::PingTimeout { generation } if generation == self.ping_generation => {
                    // Rule C3: no ping for the whole timeout: re-detect the master.
                    if let Some(agent) = self.id.clone() {
                        self.push_fact(Fact::AgentGaveUpOnMaster { agent });
                    }
                    self.detected(false);
                }
                Timer::Registration {
                    generation,
                    max_backoff,
                } if generation == self.registration_generation => {
                    self.attempt_registration(max_backoff)
                }
                Timer::StatusUpdateRetry { key, generation } => self.retry_update(key, generation),
                _ => {}
            }
        }
    }

    // ----- Plumbing ------------------------------------------------------------

    fn send(&mut self, message: Message) {
        self.outputs.push_back(AgentOutput::Send(message));
    }

    fn push_fact(&mut self, fact: Fact) {
        self.outputs.push_back(AgentOutput::Fact(fact));
    }

    fn display_id(&self) -> AgentId {
        self.id.clone().unwrap_or(AgentId {
            host: self.host.clone(),
            incarnation: 0,
        })
    }

    // ----- Rule C3: detection and (re)registration -------------------------------

    /// `Slave::detected`: disconnected, updates paused, then (re)register after a
    /// random backoff in [0, registration_backoff_factor].
    fn detected(&mut self, immediately: bool) {
        self.state = AgentState::Disconnected;
        self.paused = true;
        self.registration_generation += 1;
        let factor = self.flags.registration_backoff_factor;
        if immediately {
            self.attempt_registration(factor * 2);
        } else {
            let delay = self.random_up_to(factor);
            self.timers.schedule(
                self.now + delay,
                Timer::Registration {
                    generation: self.registration_generation,
                    max_backoff: factor * 2,
                },
            );
        }
    }

    fn random_up_to(&mut self, bound: Duration) -> Duration {
        Duration::from_millis(self.rng.up_to(bound.as_millis()))
    }

    /// `Slave::doReliableRegistration`: send, then retry after U[0, maxBackoff]
    /// with maxBackoff doubling, capped at one minute, until registered.
    fn attempt_registration(&mut self, max_backoff: Duration) {
        if self.state != AgentState::Disconnected {
            return;
        }
        let message = match &self.id {
            None => Message::RegisterAgent {
                host: self.host.to_string(),
            },
            Some(agent) => Message::ReregisterAgent {
                agent: agent.clone(),
                tasks: self
                    .tasks
                    .iter()
                    .map(|((framework, task), t)| TaskReport {
                        framework: framework.clone(),
                        task: task.clone(),
                        state: t.state,
                    })
                    .collect(),
                frameworks: self.frameworks.values().cloned().collect(),
            },
        };
        self.send(message);
        let max_backoff = max_backoff.min(REGISTER_RETRY_INTERVAL_MAX);
        let delay = self.random_up_to(max_backoff);
        self.timers.schedule(
            self.now + delay,
            Timer::Registration {
                generation: self.registration_generation,
                max_backoff: max_backoff * 2,
            },
        );
    }

    fn arm_ping_timer(&mut self) {
        self.ping_generation += 1;
        self.timers.schedule(
            self.now + self.master_ping_timeout,
            Timer::PingTimeout {
                generation: self.ping_generation,
            },
        );
    }

    // ----- Messages from the master --------------------------------------------

    fn receive(&mut self, message: Message) {
        match message {
            Message::Ping { agent, connected } => {
                // Rule B4: the master thinks we are disconnected: reregister.
                if !connected && self.state == AgentState::Running {
                    self.push_fact(Fact::AgentForcedReregistration {
                        agent: self.display_id(),
                    });
                    self.detected(false);
                }
                // Rule C2: the timer is re-armed on every ping; every ping is answered.
                self.arm_ping_timer();
                self.send(Message::Pong { agent });
            }
            Message::AgentRegistered {
                agent,
                ping_timeout,
            } if self.state == AgentState::Disconnected && self.id.is_none() => {
                self.id = Some(agent);
                self.registered(ping_timeout);
            }
            Message::AgentReregistered {
                agent,
                ping_timeout,
                reconcile,
            } if self.state == AgentState::Disconnected && self.id.as_ref() == Some(&agent) => {
                self.registered(ping_timeout);
                self.reconcile(reconcile);
            }
            Message::RunTask { framework, task } => {
                let key = (framework.id.clone(), task.clone());
                self.frameworks.insert(framework.id.clone(), framework);
                self.tasks.insert(
                    key,
                    AgentTask {
                        state: TaskState::Staging,
                    },
                );
                self.task_transition(&task, TaskState::Running, None, Source::Executor, None);
            }
            Message::KillTask { framework, task } => {
                let known = self
                    .tasks
                    .get(&(framework.clone(), task.clone()))
                    .is_some_and(|t| !t.state.is_terminal());
                if known {
                    self.push_fact(Fact::AgentTaskKilled {
                        agent: self.display_id(),
                        task: task.clone(),
                    });
                    self.task_transition(&task, TaskState::Killed, None, Source::Executor, None);
                }
            }
            Message::Shutdown { message } => self.terminate(message, false),
            // Rule C8: ignored while disconnected.
            Message::ShutdownFramework { framework } if self.state == AgentState::Running => {
                self.shutdown_framework(&framework);
            }
            // `Slave::updateFramework`: a running agent that knows the framework tells
            // its status-update manager to resend at once (`resume()`), which resends
            // the head update of every stream, of every framework, with the retry
            // interval back at its minimum (task_status_update_manager.cpp:186-200).
            Message::UpdateFramework { framework }
                if self.state == AgentState::Running
                    && self.frameworks.contains_key(&framework) =>
            {
                self.resend_pending();
            }
            Message::StatusUpdateAcknowledgement {
                framework,
                task,
                uuid,
            } => self.acknowledged((framework, task), uuid),
            _ => {}
        }
    }

    /// Rule C6: running, updates resumed and resent, ping timer armed.
    fn registered(&mut self, ping_timeout: Duration) {
        // Pending retries of the registration are moot now.
        self.timers
            .retain(|t| !matches!(t, Timer::Registration { .. }));
        self.state = AgentState::Running;
        self.master_ping_timeout = ping_timeout;
        self.registration_generation += 1;
        self.arm_ping_timer();
        self.paused = false;
        self.resend_pending();
    }

    /// The status-update manager's `resume()`: the head update of every stream is
    /// sent again now, with the retry interval at its minimum.
    fn resend_pending(&mut self) {
        let keys: Vec<_> = self.streams.keys().cloned().collect();
        for key in keys {
            if let Some(stream) = self.streams.get_mut(&key) {
                stream.interval = STATUS_UPDATE_RETRY_MIN;
            }
            self.send_head(&key);
        }
    }

    /// Rule C6: tasks the master knows and the agent does not are reported
    /// TASK_DROPPED (partition-aware) or TASK_LOST, reliably.
    fn reconcile(&mut self, tasks: Vec<(FrameworkInfo, TaskId)>) {
        for (framework, task) in tasks {
            let key = (framework.id.clone(), task.clone());
            if self.tasks.contains_key(&key) {
                continue;
            }
            let state = if framework.partition_aware && self.version.has_partition_states() {
                TaskState::Dropped
            } else {
                TaskState::Lost
            };
            self.enqueue(
                key,
                state,
                Some(Reason::Reconciliation),
                Source::Agent,
                Some("Reconciliation: task unknown to the agent".to_string()),
            );
        }
    }

    /// Rule C7: kill everything and exit. Before 1.5 the agent forgets its ID.
    fn terminate(&mut self, message: String, graceful: bool) {
        if !self.is_alive() {
            return;
        }
        let agent = self.display_id();
        for ((_, task), t) in self.tasks.iter_mut() {
            if !t.state.is_terminal() {
                t.state = TaskState::Killed;
                self.outputs
                    .push_back(AgentOutput::Fact(Fact::AgentTaskKilled {
                        agent: agent.clone(),
                        task: task.clone(),
                    }));
            }
        }
        self.tasks.clear();
        self.streams.clear();
        self.frameworks.clear();
        self.timers.clear();
        self.retry_timers.clear();
        self.state = AgentState::Terminated;
        if !graceful && !self.version.agent_keeps_id_after_shutdown() {
            self.id = None;
        }
        self.push_fact(Fact::AgentShutDown { agent, message });
        self.outputs.push_back(AgentOutput::ProcessExited);
    }

    fn shutdown_framework(&mut self, framework: &str) {
        let agent = self.display_id();
        let doomed: Vec<_> = self
            .tasks
            .keys()
            .filter(|(f, _)| f == framework)
            .cloned()
            .collect();
        for key in doomed {
            if self.tasks.get(&key).is_some_and(|t| !t.state.is_terminal()) {
                self.push_fact(Fact::AgentTaskKilled {
                    agent: agent.clone(),
                    task: key.1.clone(),
                });
            }
            // Updates for a terminating framework are not forwarded (rule C7.2).
            self.tasks.remove(&key);
            self.streams.remove(&key);
        }
        self.frameworks.remove(framework);
        self.push_fact(Fact::AgentFrameworkShutDown {
            agent,
            framework: framework.into(),
        });
    }

    /// Rule L2: a restart keeps checkpointed tasks and updates; an empty work
    /// directory makes a new agent.
    fn restart(&mut self, wipe: bool) {
        if self.state == AgentState::HostDead {
            return;
        }
        let old = self.display_id();
        if self.is_alive() {
            self.outputs.push_back(AgentOutput::ProcessExited);
        }
        self.timers.clear();
        self.retry_timers.clear();
        if wipe {
            self.id = None;
            self.tasks.clear();
            self.streams.clear();
            self.frameworks.clear();
        } else {
            // Executors of non-checkpointing frameworks do not survive the restart.
            let lost: Vec<FrameworkId> = self
                .frameworks
                .values()
                .filter(|f| !f.checkpoint)
                .map(|f| f.id.clone())
                .collect();
            self.tasks.retain_frameworks(|f| !lost.contains(f));
            self.streams.retain(|(f, _), _| !lost.contains(f));
            self.frameworks.retain(|f, _| !lost.contains(f));
        }
        self.master_ping_timeout = DEFAULT_MASTER_PING_TIMEOUT;
        self.push_fact(Fact::AgentRestarted {
            agent: old,
            wiped: wipe,
        });
        self.detected(false);
    }

    // ----- Tasks and the status update manager ---------------------------------

    fn task_transition(
        &mut self,
        task: &str,
        state: TaskState,
        reason: Option<Reason>,
        source: Source,
        message: Option<String>,
    ) {
        let Some((key, t)) = self.tasks.find_mut(task) else {
            return;
        };
        if t.state.is_terminal() {
            return;
        }
        t.state = state;
        self.enqueue(key, state, reason, source, message);
    }

    /// Rule D7 / research on `Slave::executorTerminated`: a non-terminal task fails
    /// with REASON_EXECUTOR_TERMINATED, and the master is told the executor exited.
    fn executor_exited(&mut self, task: &str) {
        let Some(((framework, _), t)) = self.tasks.find(task) else {
            return;
        };
        let framework = framework.clone();
        let non_terminal = !t.state.is_terminal();
        if non_terminal {
            self.task_transition(
                task,
                TaskState::Failed,
                Some(Reason::ExecutorTerminated),
                Source::Agent,
                Some("Executor terminated".to_string()),
            );
        }
        if self.state == AgentState::Running {
            self.send(Message::ExitedExecutor {
                framework,
                task: task.into(),
            });
        }
    }

    fn enqueue(
        &mut self,
        key: (FrameworkId, TaskId),
        state: TaskState,
        reason: Option<Reason>,
        source: Source,
        message: Option<String>,
    ) {
        self.next_uuid += 1;
        let update = AgentUpdate {
            framework: key.0.clone(),
            task: key.1.clone(),
            state,
            latest_state: state,
            reason,
            source,
            message,
            uuid: self.next_uuid,
        };
        let stream = self.streams.entry(key.clone()).or_default();
        // A stream mostly holds one update at a time: room for one, not the default
        // four, when the first arrives (a cluster's setup has a stream per task).
        if stream.pending.capacity() == 0 {
            stream.pending.reserve_exact(1);
        }
        stream.pending.push_back(update);
        if stream.pending.len() == 1 {
            stream.interval = STATUS_UPDATE_RETRY_MIN;
            self.send_head(&key);
        }
    }

    /// Sends the oldest unacknowledged update of a stream, with the task's latest
    /// state, and arms its retry timer.
    fn send_head(&mut self, key: &(FrameworkId, TaskId)) {
        if self.paused || self.state != AgentState::Running {
            return;
        }
        let latest = self.tasks.get(key).map(|t| t.state);
        let Some(stream) = self.streams.get_mut(key) else {
            return;
        };
        let Some(head) = stream.pending.front() else {
            return;
        };
        let mut update = head.clone();
        update.latest_state = latest.unwrap_or(update.state);
        stream.generation += 1;
        let at = self.now + stream.interval;
        let generation = stream.generation;
        self.cancel_retry(key);
        let armed = self.timers.schedule_keyed(
            at,
            Timer::StatusUpdateRetry {
                key: key.clone(),
                generation,
            },
        );
        self.retry_timers.insert(key.clone(), armed);
        self.send(Message::StatusUpdate(update));
    }

    /// Drops the retry timer of a stream whose update was acknowledged or is sent
    /// again now, rather than let it fire for nothing: a quiet cluster then has no
    /// event but its heartbeats, which the simulator applies in bulk.
    fn cancel_retry(&mut self, key: &(FrameworkId, TaskId)) {
        // A stream has at most one retry timer armed (every arming disarms the one
        // before), and it is the one recorded here.
        if let Some(armed) = self.retry_timers.remove(key) {
            self.timers.cancel(armed);
        }
    }

    fn retry_update(&mut self, key: (FrameworkId, TaskId), generation: u64) {
        let Some(stream) = self.streams.get_mut(&key) else {
            return;
        };
        if stream.generation != generation || self.paused {
            return;
        }
        stream.interval = (stream.interval * 2).min(STATUS_UPDATE_RETRY_MAX);
        self.send_head(&key);
    }

    fn acknowledged(&mut self, key: (FrameworkId, TaskId), uuid: u64) {
        let Some(stream) = self.streams.get_mut(&key) else {
            return;
        };
        if stream.pending.front().map(|u| u.uuid) != Some(uuid) {
            return;
        }
        let acked = stream.pending.pop_front().expect("checked above");
        stream.generation += 1;
        stream.interval = STATUS_UPDATE_RETRY_MIN;
        if stream.pending.is_empty() {
            self.cancel_retry(&key);
            self.streams.remove(&key);
            if acked.state.is_terminal() {
                // The terminal update is acknowledged: the executor is cleaned up.
                self.tasks.remove(&key);
            }
        } else {
            self.send_head(&key);
        }
    }
}
