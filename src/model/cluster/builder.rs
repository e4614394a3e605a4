//! [`ClusterBuilder`]: declares a cluster as it stands at time 0 (the Given steps).
//!
//! Promises: the declaration is checked before anything runs (duplicates, unknown
//! agents, frameworks and tasks); the built cluster has its agents registered with
//! their first ping answered, frameworks subscribed, tasks running with their
//! updates acknowledged, and empty framework inboxes. Latencies apply from the end
//! of setup.

use std::collections::{BTreeMap, BTreeSet};

use super::policies::Conduct;
use super::{
    Awareness, Checkpointing, Cluster, ClusterError, DEFAULT_EVENT_LIMIT, FastForward, Scheduler,
};
use crate::model::flags::{AgentFlags, FlagError, MasterFlags};
use crate::model::master::{Call, Master, MasterInput};
use crate::model::message::{FrameworkId, FrameworkInfo, TaskId};
use crate::model::network::Network;
use crate::model::policy::Policy;
use crate::model::version::Version;
use crate::time::{Duration, Instant};

#[derive(Clone, Debug)]
struct FrameworkSetup {
    info: FrameworkInfo,
    failover_timeout: Duration,
}

/// Declares a cluster as it stands at time 0 (the Given steps).
#[derive(Clone, Debug)]
pub struct ClusterBuilder {
    version: Version,
    master_flags: MasterFlags,
    agent_flags: AgentFlags,
    seed: u64,
    latency: Duration,
    registry_latency: Duration,
    event_limit: u64,
    agents: Vec<String>,
    /// Agents declared now that start only when a step registers them.
    later: Vec<String>,
    /// Every declared host, started at time 0 or later: `has_agent` in O(log n).
    hosts: BTreeSet<String>,
    frameworks: Vec<FrameworkSetup>,
    tasks: Vec<(FrameworkId, TaskId, String)>,
    finished_unacknowledged: Vec<(TaskId, FrameworkId)>,
    fast_forward: bool,
    policies: Vec<(FrameworkId, Box<dyn Policy>)>,
    /// Instances placed at setup: framework, instance.
    instances: Vec<(FrameworkId, String)>,
    capacity: BTreeMap<String, usize>,
}

impl Default for ClusterBuilder {
    fn default() -> Self {
        ClusterBuilder {
            version: Version::LATEST,
            master_flags: MasterFlags::default(),
            agent_flags: AgentFlags::default(),
            seed: 0,
            latency: Duration::ZERO,
            registry_latency: Duration::ZERO,
            event_limit: DEFAULT_EVENT_LIMIT,
            agents: Vec::new(),
            later: Vec::new(),
            hosts: BTreeSet::new(),
            frameworks: Vec::new(),
            tasks: Vec::new(),
            finished_unacknowledged: Vec::new(),
            fast_forward: true,
            policies: Vec::new(),
            instances: Vec::new(),
            capacity: BTreeMap::new(),
        }
    }
}

impl ClusterBuilder {
    pub fn version(&mut self, version: Version) -> &mut Self {
        self.version = version;
        self
    }

    pub fn master_flag(&mut self, name: &str, value: &str) -> Result<&mut Self, FlagError> {
        self.master_flags.set(name, value)?;
        Ok(self)
    }

    pub fn agent_flag(&mut self, name: &str, value: &str) -> Result<&mut Self, FlagError> {
        self.agent_flags.set(name, value)?;
        Ok(self)
    }

    pub fn seed(&mut self, seed: u64) -> &mut Self {
        self.seed = seed;
        self
    }

    /// One-way latency of every message on every link, from the end of setup.
    pub fn latency(&mut self, latency: Duration) -> &mut Self {
        self.latency = latency;
        self
    }

    /// How long a registry write takes (default 0: it completes at the same instant,
    /// after what is already due).
    pub fn registry_latency(&mut self, latency: Duration) -> &mut Self {
        self.registry_latency = latency;
        self
    }

    /// Whether quiet stretches of answered pings are applied in bulk (default on; the
    /// outcome is the same, only faster).
    pub fn fast_forward(&mut self, fast_forward: FastForward) -> &mut Self {
        self.fast_forward = fast_forward == FastForward::On;
        self
    }

    pub fn event_limit(&mut self, limit: u64) -> &mut Self {
        self.event_limit = limit;
        self
    }

    pub fn agent(&mut self, host: &str) -> &mut Self {
        self.agents.push(host.to_string());
        self.hosts.insert(host.to_string());
        self
    }

    /// A framework, with or without the `PARTITION_AWARE` capability, checkpointing or
    /// not.
    pub fn framework(
        &mut self,
        name: &str,
        awareness: Awareness,
        checkpointing: Checkpointing,
    ) -> &mut Self {
        self.frameworks.push(FrameworkSetup {
            info: FrameworkInfo {
                id: name.into(),
                partition_aware: awareness == Awareness::PartitionAware,
                checkpoint: checkpointing == Checkpointing::On,
            },
            failover_timeout: Duration::ZERO,
        });
        self
    }

    pub fn failover_timeout(&mut self, framework: &str, timeout: Duration) -> &mut Self {
        if let Some(f) = self.frameworks.iter_mut().find(|f| f.info.id == framework) {
            f.failover_timeout = timeout;
        }
        self
    }

    pub fn task(&mut self, framework: &str, task: &str, host: &str) -> &mut Self {
        // The framework's tasks share its declared name.
        let framework = self
            .frameworks
            .iter()
            .rev()
            .find(|f| f.info.id == framework)
            .map_or_else(|| framework.into(), |f| f.info.id.clone());
        self.tasks.push((framework, task.into(), host.to_string()));
        self
    }

    /// The task has finished, and its framework has not acknowledged that.
    pub fn finished_unacknowledged(&mut self, task: &str, framework: &str) -> &mut Self {
        self.finished_unacknowledged
            .push((task.into(), framework.into()));
        self
    }

    /// The framework follows `policy`, beside any it already follows; it sees every
    /// event after those declared before it.
    pub fn policy(&mut self, framework: &str, policy: impl Policy + 'static) -> &mut Self {
        self.policies.push((framework.into(), Box::new(policy)));
        self
    }

    /// The framework runs `count` instances named `<name>-1` to `<name>-<count>`,
    /// placed at setup by the placement rule (see [`crate::model::policy`]).
    pub fn instances(&mut self, framework: &str, name: &str, count: usize) -> &mut Self {
        for n in 1..=count {
            self.instances
                .push((framework.into(), format!("{name}-{n}")));
        }
        self
    }

    /// The agent has room for `tasks` live tasks, of any framework: placement skips
    /// it when full. Without it, an agent has room for any number.
    pub fn capacity(&mut self, host: &str, tasks: usize) -> &mut Self {
        self.capacity.insert(host.to_string(), tasks);
        self
    }

    /// The declared agents' hosts, in declaration order.
    pub fn agents(&self) -> &[String] {
        &self.agents
    }

    /// An agent whose process is not started at time 0: it starts when
    /// [`Cluster::register_agent`] is called, and until then rules for its link
    /// (cuts, drops) may already be set.
    pub fn agent_starting_later(&mut self, host: &str) -> &mut Self {
        self.later.push(host.to_string());
        self.hosts.insert(host.to_string());
        self
    }

    pub fn has_agent(&self, host: &str) -> bool {
        self.hosts.contains(host)
    }

    pub fn has_framework(&self, name: &str) -> bool {
        self.frameworks.iter().any(|f| f.info.id == name)
    }

    /// Builds the cluster at time 0: agents registered with their first ping
    /// answered, frameworks subscribed, tasks running with their updates
    /// acknowledged. Framework inboxes start empty.
    pub fn build(&self) -> Result<Cluster, ClusterError> {
        self.validate()?;
        let mut cluster = Cluster {
            now: Instant::ZERO,
            version: self.version,
            master_flags: self.master_flags.clone(),
            agent_flags: self.agent_flags.clone(),
            seed: self.seed,
            registry_latency: self.registry_latency,
            master: Master::new(
                self.version,
                self.master_flags.clone(),
                Instant::ZERO,
                None,
                // Setup happens at time 0; the latency applies from the end of setup.
                Duration::ZERO,
            ),
            agents: BTreeMap::new(),
            network: Network::default(),
            schedulers: BTreeMap::new(),
            trace: Vec::new(),
            events: 0,
            event_limit: self.event_limit,
            runaway: None,
            operator_responses: Vec::new(),
            known_ids: BTreeMap::new(),
            pending_failover: false,
            settle_time: Duration::ZERO,
            heartbeats: 0,
            fast_forward: self.fast_forward,
            skip_retry_at: Instant::ZERO,
            agent_due: BTreeMap::new(),
            due_agents: BTreeSet::new(),
            dirty: BTreeSet::new(),
            alive: BTreeSet::new(),
            not_started: self.later.iter().cloned().collect(),
            policy_queue: Default::default(),
            policy_timers: BTreeSet::new(),
            timer_seq: 0,
            in_policy: false,
            policies_live: false,
            tracking: false,
            capacity: self.capacity.clone(),
            announced_waiting: BTreeSet::new(),
            running_dirty: BTreeSet::new(),
        };
        for host in &self.agents {
            cluster.start_agent(host, true);
        }
        cluster.settle();
        for f in &self.frameworks {
            let name = &f.info.id;
            let policies: Vec<Box<dyn Policy>> = self
                .policies
                .iter()
                .filter(|(framework, _)| framework == name)
                .map(|(_, p)| p.clone())
                .collect();
            let acts = !policies.is_empty() || self.instances.iter().any(|(fw, _)| fw == name);
            cluster.tracking |= acts;
            cluster.schedulers.insert(
                name.clone(),
                Scheduler {
                    info: f.info.clone(),
                    failover_timeout: f.failover_timeout,
                    subscribed: false,
                    withheld: BTreeSet::new(),
                    inbox: Vec::new(),
                    conduct: acts.then(|| Conduct::new(policies)),
                },
            );
            cluster.subscribe(&f.info.id);
        }
        for (task, framework) in &self.finished_unacknowledged {
            if let Some(s) = cluster.schedulers.get_mut(framework) {
                s.withheld.insert(task.clone());
            }
        }
        for (framework, task, host) in &self.tasks {
            cluster.book_declared_task(framework, task, host);
            cluster.master_input(MasterInput::Call(Call::Launch {
                framework: framework.clone(),
                task: task.clone(),
                host: host.clone(),
            }));
        }
        for (framework, instance) in &self.instances {
            cluster.launch_copy(framework, instance);
        }
        cluster.place_pending();
        cluster.settle();
        for (task, _) in &self.finished_unacknowledged {
            cluster.task_finishes(task)?;
        }
        cluster.settle();
        cluster.network.set_latency(self.latency);
        cluster.master.set_registry_latency(self.registry_latency);
        for s in cluster.schedulers.values_mut() {
            s.inbox.clear();
        }
        cluster.world("cluster set up".to_string());
        cluster.start_policies();
        Ok(cluster)
    }

    fn validate(&self) -> Result<(), ClusterError> {
        let mut seen = BTreeSet::new();
        for host in &self.agents {
            if !seen.insert(host) {
                return Err(ClusterError::Duplicate {
                    what: "agent",
                    name: host.clone(),
                });
            }
        }
        let mut names = BTreeSet::new();
        for f in &self.frameworks {
            if !names.insert(&f.info.id) {
                return Err(ClusterError::Duplicate {
                    what: "framework",
                    name: f.info.id.to_string(),
                });
            }
        }
        let mut tasks = BTreeSet::new();
        for (framework, task, host) in &self.tasks {
            if !self.has_framework(framework) {
                return Err(ClusterError::UnknownFramework(framework.to_string()));
            }
            if !self.has_agent(host) {
                return Err(ClusterError::UnknownAgent(host.clone()));
            }
            if !tasks.insert(task.as_str()) {
                return Err(ClusterError::Duplicate {
                    what: "task",
                    name: task.to_string(),
                });
            }
        }
        for (framework, _) in &self.policies {
            if !self.has_framework(framework) {
                return Err(ClusterError::UnknownFramework(framework.to_string()));
            }
        }
        for (framework, instance) in &self.instances {
            if !self.has_framework(framework) {
                return Err(ClusterError::UnknownFramework(framework.to_string()));
            }
            if !tasks.insert(instance.as_str()) {
                return Err(ClusterError::Duplicate {
                    what: "task",
                    name: instance.clone(),
                });
            }
        }
        for host in self.capacity.keys() {
            if !self.has_agent(host) {
                return Err(ClusterError::UnknownAgent(host.clone()));
            }
        }
        for (task, framework) in &self.finished_unacknowledged {
            if !self
                .tasks
                .iter()
                .any(|(f, t, _)| t == task && f == framework)
            {
                return Err(ClusterError::UnknownTask(task.to_string()));
            }
        }
        Ok(())
    }
}
