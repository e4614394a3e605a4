//! The Mesos partition vocabulary: every step of `spec-language.md` section 7,
//! bound to the model's [`Cluster`].
//!
//! Given steps only declare: they fill a [`ClusterBuilder`], and the cluster is
//! built at time 0 when the first When or Then step runs, so configuration applies
//! wherever it stands among the Given steps. When steps drive the cluster. Then
//! steps settle the current instant and look, never change anything; a Then block
//! looks at what happened since the end of the previous Then block, `never` steps
//! and facts of the master at the whole scenario.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::model::{
    AgentId, AgentState, AgentStatus, Cluster, ClusterBuilder, Direction, Duration, Fact,
    FrameworkEvent, Instant, MessageKind, Reason, Source, StatusUpdate, TaskState, TraceEvent,
};

use super::params::{Shape, Value};
use super::registry::{Args, Registry, RegistryBuilder, StepError, StepKind, TableUse};
use super::world::World;

/// The world of a Mesos scenario.
#[derive(Debug)]
pub struct MesosWorld {
    phase: Phase,
    /// Where the current Then window starts: trace entries and inbox lengths.
    window_trace: usize,
    window_inbox: BTreeMap<String, usize>,
    in_then_block: bool,
    /// When the current fault on each agent's link began.
    partition_began: BTreeMap<String, Instant>,
    /// Which framework runs each task, as declared or launched.
    task_framework: BTreeMap<String, String>,
    /// On the networked runtime: the time scale. `None` on the simulator.
    networked: Option<u32>,
}

#[derive(Debug)]
enum Phase {
    Setup(Box<ClusterBuilder>),
    Running(Box<Cluster>),
    /// The cluster could not be built; every later step repeats why.
    Broken(String),
}

impl World for MesosWorld {
    fn new() -> Self {
        MesosWorld {
            phase: Phase::Setup(Box::default()),
            window_trace: 0,
            window_inbox: BTreeMap::new(),
            in_then_block: false,
            partition_began: BTreeMap::new(),
            task_framework: BTreeMap::new(),
            networked: None,
        }
    }

    /// `unit` runs on the simulator; `integration` on the networked runtime (real
    /// loopback sockets, scaled real time).
    fn set_tier(&mut self, tier: &str) -> Result<(), String> {
        match tier {
            "unit" => Ok(()),
            "integration" => {
                self.networked = Some(crate::net::time_scale_from_env()?);
                Ok(())
            }
            other => Err(format!(
                "scenarios run in the unit tier (simulator) or the integration tier (networked runtime), not in the {other} tier; the e2e tier is for tests that run the binaries"
            )),
        }
    }

    fn before_step(&mut self, kind: StepKind, text: &str) {
        if kind != StepKind::Given {
            // Build now so that the first When or Then step is on the timeline; a
            // build error is reported by the step itself.
            let _ = self.build();
        }
        if kind != StepKind::Given
            && let Phase::Running(cluster) = &mut self.phase
        {
            let keyword = match kind {
                StepKind::When => "When",
                _ => "Then",
            };
            cluster.record_step(&format!("{keyword} {text}"));
        }
    }

    fn after_step(&mut self) -> Result<(), StepError> {
        self.finish()
    }

    fn finish(&mut self) -> Result<(), StepError> {
        if let Phase::Running(cluster) = &self.phase
            && let Some(why) = cluster.runaway()
        {
            return Err(runaway(why));
        }
        Ok(())
    }

    fn timeline(&self) -> Vec<String> {
        match &self.phase {
            Phase::Running(cluster) => cluster.trace().iter().map(|e| e.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    fn seed(&self) -> Option<u64> {
        match &self.phase {
            Phase::Running(cluster) => Some(cluster.seed()),
            _ => None,
        }
    }
}

impl MesosWorld {
    /// The cluster's builder, for a Given step of your own: it fails once the
    /// cluster is running (Given steps come first).
    pub fn setup(&mut self) -> Result<&mut ClusterBuilder, StepError> {
        match &mut self.phase {
            Phase::Setup(builder) => Ok(builder),
            _ => Err(StepError::failed(
                "a Given step after the first When or Then step: the cluster is already running; move it up with the other Given steps",
            )),
        }
    }

    fn build(&mut self) -> Result<(), StepError> {
        if let Phase::Setup(builder) = &self.phase {
            self.phase = match builder.build() {
                Ok(mut cluster) => {
                    // The cluster is set up at time 0 as on the simulator; from then
                    // on every message crosses a real socket.
                    if let Some(scale) = self.networked {
                        let wire = crate::net::SocketWire::new(cluster.now(), scale);
                        // Wait about 5 ms of real time for messages in flight.
                        let settle = Duration::from_millis(5 * u64::from(scale));
                        cluster.set_wire(Box::new(wire), settle);
                    }
                    Phase::Running(Box::new(cluster))
                }
                Err(error) => Phase::Broken(error.to_string()),
            };
        }
        match &self.phase {
            Phase::Broken(why) => Err(StepError::failed(format!(
                "the cluster could not be built: {why}"
            ))),
            _ => Ok(()),
        }
    }

    /// The cluster, for a When step of your own: built on first use, and a new Then
    /// window starts if the step follows a Then block.
    pub fn act(&mut self) -> Result<&mut Cluster, StepError> {
        self.build()?;
        let Phase::Running(cluster) = &mut self.phase else {
            unreachable!("built above")
        };
        if self.in_then_block {
            self.in_then_block = false;
            self.window_trace = cluster.trace().len();
            self.window_inbox = cluster
                .frameworks()
                .map(|f| (f.to_string(), cluster.inbox(f).len()))
                .collect();
        }
        // A runaway in an earlier step already failed it (`after_step`).
        Ok(cluster)
    }

    /// The cluster, for a Then step of your own: everything due at the current
    /// instant is processed first; do not change the cluster from a Then step.
    pub fn look(&mut self) -> Result<&Cluster, StepError> {
        self.build()?;
        let Phase::Running(cluster) = &mut self.phase else {
            unreachable!("built above")
        };
        self.in_then_block = true;
        cluster.settle();
        if let Some(why) = cluster.runaway() {
            return Err(runaway(why));
        }
        Ok(cluster)
    }

    /// The cluster for a Then step about the agent on `host`, which must be declared.
    fn look_at(&mut self, host: &str) -> Result<&Cluster, StepError> {
        let cluster = self.look()?;
        if cluster.agent(host).is_none() {
            return Err(unknown_agent(host));
        }
        Ok(cluster)
    }

    /// The agent on `host`, for a Then step.
    fn look_at_agent(&mut self, host: &str) -> Result<&crate::model::Agent, StepError> {
        self.look()?.agent(host).ok_or_else(|| unknown_agent(host))
    }

    fn cluster(&self) -> &Cluster {
        match &self.phase {
            Phase::Running(cluster) => cluster,
            _ => unreachable!("look() or act() was called first"),
        }
    }

    /// What the framework received in the current Then window.
    fn window(&self, framework: &str) -> Result<&[crate::model::Received], StepError> {
        let cluster = self.cluster();
        if !cluster.has_framework(framework) {
            return Err(unknown_framework(framework));
        }
        let inbox = cluster.inbox(framework);
        let start = self.window_inbox.get(framework).copied().unwrap_or(0);
        Ok(&inbox[start.min(inbox.len())..])
    }

    fn whole(&self, framework: &str) -> Result<&[crate::model::Received], StepError> {
        let cluster = self.cluster();
        if !cluster.has_framework(framework) {
            return Err(unknown_framework(framework));
        }
        Ok(cluster.inbox(framework))
    }

    fn agent_id(&self, host: &str) -> Result<AgentId, StepError> {
        self.cluster()
            .agent_id(host)
            .cloned()
            .ok_or_else(|| unknown_agent(host))
    }

    fn framework_of(&self, task: &str) -> Result<String, StepError> {
        self.task_framework.get(task).cloned().ok_or_else(|| {
            StepError::failed(format!(
                "there is no task \"{task}\"; declare it with `Given \"spark\" runs task \"{task}\" on agent \"a1\"` or launch it"
            ))
        })
    }

    /// How far apart two instants may be and still count as the same: exact on the
    /// simulator; on the networked runtime, real timing jitters by a few
    /// milliseconds, which the time scale turns into seconds.
    fn tolerance(&self) -> Duration {
        match self.networked {
            Some(scale) => Duration::from_millis(20 * u64::from(scale)),
            None => Duration::ZERO,
        }
    }

    fn began_partition(&mut self, host: &str) {
        let now = self.cluster().now();
        self.partition_began.entry(host.to_string()).or_insert(now);
    }
}

fn unknown_agent(host: &str) -> StepError {
    StepError::failed(format!(
        "there is no agent \"{host}\"; declare it with `Given an agent \"{host}\"`"
    ))
}

fn unknown_framework(name: &str) -> StepError {
    StepError::failed(format!(
        "there is no framework \"{name}\"; declare it with `Given a framework \"{name}\"`"
    ))
}

fn cluster_error(error: crate::model::ClusterError) -> StepError {
    StepError::failed(error.to_string())
}

/// `{agent-status}`: what `Then the master considers agent {name} ...` accepts.
fn parse_agent_status(text: &str) -> Result<Value, String> {
    let statuses: Vec<&str> = AgentStatus::ALL.iter().map(|s| s.name()).collect();
    if statuses.contains(&text) {
        Ok(Value::Custom("agent-status".to_string(), text.to_string()))
    } else {
        let hint = crate::suggest::closest(text, statuses.iter().copied(), 1);
        let mut message = format!("`{text}` is not an agent status");
        if let Some(best) = hint.first() {
            let _ = write!(message, "; did you mean `{best}`?");
        }
        let _ = write!(message, " (accepted: {})", statuses.join(", "));
        Err(message)
    }
}

fn parse_message_kind(text: &str) -> Result<Value, String> {
    text.parse::<MessageKind>()
        .map(|k| Value::Custom("message".to_string(), k.name().to_string()))
        .map_err(|e| e.to_string())
}

/// A scenario that ran past its bound of model events, with what to do about it.
fn runaway(why: &str) -> StepError {
    StepError::failed(format!(
        "{why}\nhelp: shorten the scenario, or raise the bound with `Given a scenario may run at most 5000000 model events`"
    ))
}

/// The registry of every Mesos step, ready for users to [`Registry::extend`].
pub fn registry() -> Registry<MesosWorld> {
    let builder = Registry::<MesosWorld>::builder()
        .parameter("agent-status", Shape::Word, parse_agent_status)
        .parameter("message", Shape::Word, parse_message_kind);
    let builder = given_steps(builder);
    let builder = when_steps(builder);
    let builder = then_steps(builder);
    match builder.build() {
        Ok(registry) => registry,
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!(
                "the built-in Mesos vocabulary is inconsistent:\n{}",
                list.join("\n")
            )
        }
    }
}

// ----- Given -------------------------------------------------------------------

fn given_steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
    b.given(
        "the master runs Mesos {version}",
        "the master runs Mesos 1.4",
        |w, a| {
            w.setup()?.version(a.version(0));
            Ok(())
        },
    )
    .given(
        "the master flag {word} is {word}",
        "the master flag agent_ping_timeout is 10s",
        |w, a| {
            w.setup()?
                .master_flag(a.word(0), a.word(1))
                .map_err(|e| StepError::failed(e.to_string()))?;
            Ok(())
        },
    )
    .given("the master flags:", "the master flags:", |w, a| {
        let table = a.table().expect("the registry requires a table");
        let builder = w.setup()?;
        for row in rows_with_header(table, &["flag", "value"])? {
            builder
                .master_flag(&row["flag"], &row["value"])
                .map_err(|e| StepError::failed(e.to_string()))?;
        }
        Ok(())
    })
    .table(TableUse::Required(&["flag", "value"]))
    .given(
        "the agent flag {word} is {word}",
        "the agent flag registration_backoff_factor is 2s",
        |w, a| {
            w.setup()?
                .agent_flag(a.word(0), a.word(1))
                .map_err(|e| StepError::failed(e.to_string()))?;
            Ok(())
        },
    )
    .given(
        "a scenario may run at most {int} model events",
        "a scenario may run at most 5000000 model events",
        |w, a| {
            let bound = u64::try_from(a.int(0))
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| StepError::failed("the bound must be a whole number of at least 1"))?;
            w.setup()?.event_limit(bound);
            Ok(())
        },
    )
    .given("the random seed is {int}", "the random seed is 7", |w, a| {
        let seed = u64::try_from(a.int(0))
            .map_err(|_| StepError::failed("the seed must be a whole number of at least 0"))?;
        w.setup()?.seed(seed);
        Ok(())
    })
    .given(
        "the network latency is {duration}",
        "the network latency is 10ms",
        |w, a| {
            w.setup()?.latency(a.duration(0));
            Ok(())
        },
    )
    .given(
        "the registry write latency is {duration}",
        "the registry write latency is 2s",
        |w, a| {
            w.setup()?.registry_latency(a.duration(0));
            Ok(())
        },
    )
    .given("(an )agent {name}", "an agent \"a1\"", |w, a| {
        declare_agent(w.setup()?, a.name(0))
    })
    .given("agents {names}", "agents \"a1\", \"a2\" and \"a3\"", |w, a| {
        let builder = w.setup()?;
        for host in a.names(0) {
            declare_agent(builder, host)?;
        }
        Ok(())
    })
    .given("{int} agents", "3 agents", |w, a| {
        let n = a.int(0);
        if !(1..=10_000).contains(&n) {
            return Err(StepError::failed(format!(
                "{n} agents: give a number from 1 to 10000"
            )));
        }
        let builder = w.setup()?;
        for i in 1..=n {
            declare_agent(builder, &format!("a{i}"))?;
        }
        Ok(())
    })
    .given("a framework {name}", "a framework \"spark\"", |w, a| {
        declare_framework(w, a.name(0), false, true)
    })
    .given(
        "a framework {name} that does not checkpoint",
        "a framework \"spark\" that does not checkpoint",
        |w, a| declare_framework(w, a.name(0), false, false),
    )
    .given(
        "a partition-aware framework {name}",
        "a partition-aware framework \"cassandra\"",
        |w, a| declare_framework(w, a.name(0), true, true),
    )
    .given(
        "a partition-aware framework {name} that does not checkpoint",
        "a partition-aware framework \"cassandra\" that does not checkpoint",
        |w, a| declare_framework(w, a.name(0), true, false),
    )
    .given(
        "{name} runs task {name} on agent {name}",
        "\"spark\" runs task \"t1\" on agent \"a1\"",
        |w, a| declare_task(w, a.name(0), a.name(1), a.name(2)),
    )
    .given(
        "{name} runs {int} task(s) on agent {name}",
        "\"spark\" runs 2 tasks on agent \"a1\"",
        |w, a| {
            let framework = a.name(0).to_string();
            let n = a.int(1);
            if !(1..=100_000).contains(&n) {
                return Err(StepError::failed(format!(
                    "{n} tasks: give a number from 1 to 100000"
                )));
            }
            let next = w
                .task_framework
                .keys()
                .filter(|t| t.starts_with(&format!("{framework}-")))
                .count() as i64;
            for i in 1..=n {
                declare_task(w, &framework, &format!("{framework}-{}", next + i), a.name(2))?;
            }
            Ok(())
        },
    )
    .given(
        "{name} runs a task on every agent",
        "\"spark\" runs a task on every agent",
        |w, a| {
            let framework = a.name(0).to_string();
            let hosts = match &w.phase {
                Phase::Setup(b) => b.agents().to_vec(),
                _ => Vec::new(),
            };
            if hosts.is_empty() {
                return Err(StepError::failed(
                    "there are no agents yet; declare them before this step",
                ));
            }
            for host in hosts {
                declare_task(w, &framework, &format!("{framework}-{host}"), &host)?;
            }
            Ok(())
        },
    )
    .given(
        "task {name} has finished but {name} has not acknowledged it",
        "task \"t1\" has finished but \"spark\" has not acknowledged it",
        |w, a| {
            let (task, framework) = (a.name(0), a.name(1));
            if w.task_framework.get(task).map(String::as_str) != Some(framework) {
                return Err(StepError::failed(format!(
                    "\"{framework}\" does not run task \"{task}\"; declare it first with `Given \"{framework}\" runs task \"{task}\" on agent \"a1\"`"
                )));
            }
            w.setup()?.finished_unacknowledged(task, framework);
            Ok(())
        },
    )
    .given(
        "{name} has a failover timeout of {duration}",
        "\"spark\" has a failover timeout of 1h",
        |w, a| {
            let framework = a.name(0);
            let builder = w.setup()?;
            if !builder.has_framework(framework) {
                return Err(unknown_framework(framework));
            }
            builder.failover_timeout(framework, a.duration(1));
            Ok(())
        },
    )
}

fn declare_agent(builder: &mut ClusterBuilder, host: &str) -> Result<(), StepError> {
    if builder.has_agent(host) {
        return Err(StepError::failed(format!(
            "agent \"{host}\" is declared twice"
        )));
    }
    builder.agent(host);
    Ok(())
}

fn declare_framework(
    w: &mut MesosWorld,
    name: &str,
    partition_aware: bool,
    checkpoint: bool,
) -> Result<(), StepError> {
    let builder = w.setup()?;
    if builder.has_framework(name) {
        return Err(StepError::failed(format!(
            "framework \"{name}\" is declared twice"
        )));
    }
    builder.framework(name, partition_aware, checkpoint);
    Ok(())
}

fn declare_task(
    w: &mut MesosWorld,
    framework: &str,
    task: &str,
    host: &str,
) -> Result<(), StepError> {
    let builder = w.setup()?;
    if !builder.has_framework(framework) {
        return Err(unknown_framework(framework));
    }
    if !builder.has_agent(host) {
        return Err(unknown_agent(host));
    }
    if w.task_framework.contains_key(task) {
        return Err(StepError::failed(format!(
            "task \"{task}\" is declared twice; task names must be unique in a scenario"
        )));
    }
    w.setup()?.task(framework, task, host);
    w.task_framework
        .insert(task.to_string(), framework.to_string());
    Ok(())
}

/// The rows of a table as maps from header to cell, checking the header.
fn rows_with_header(
    table: &super::registry::Table,
    expected: &[&str],
) -> Result<Vec<BTreeMap<String, String>>, StepError> {
    let header = table.header().unwrap_or(&[]);
    let wanted: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    if header != wanted.as_slice() {
        return Err(StepError::failed(format!(
            "the table's header is `| {} |`; expected `| {} |`",
            header.join(" | "),
            expected.join(" | ")
        )));
    }
    Ok(table
        .body()
        .iter()
        .map(|row| header.iter().cloned().zip(row.iter().cloned()).collect())
        .collect())
}

// ----- When --------------------------------------------------------------------

fn when_steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
    let b = b
        .when("{duration} pass(es)", "80s pass", |w, a| {
            w.act()?.advance(a.duration(0));
            Ok(())
        })
        .when(
            "the clock reaches {duration}",
            "the clock reaches 2m",
            |w, a| {
                let target = Instant::ZERO + a.duration(0);
                let cluster = w.act()?;
                if target < cluster.now() {
                    return Err(StepError::failed(format!(
                        "the clock is already at {}; time only moves forward",
                        cluster.now()
                    )));
                }
                cluster.advance_to(target);
                Ok(())
            },
        )
        .when(
            "the next ping to agent {name} is due",
            "the next ping to agent \"a1\" is due",
            |w, a| {
                w.act()?
                    .advance_to_next_ping(a.name(0))
                    .map_err(cluster_error)
            },
        )
        .when(
            "agent {name} is partitioned from the master",
            "agent \"a1\" is partitioned from the master",
            |w, a| {
                w.act()?.partition(a.name(0)).map_err(cluster_error)?;
                w.began_partition(a.name(0));
                Ok(())
            },
        )
        .when(
            "agent {name} is partitioned from the master for {duration}",
            "agent \"a1\" is partitioned from the master for 80s",
            |w, a| {
                let host = a.name(0);
                w.act()?.partition(host).map_err(cluster_error)?;
                w.began_partition(host);
                let cluster = w.act()?;
                cluster.advance(a.duration(1));
                cluster.heal(host).map_err(cluster_error)?;
                Ok(())
            },
        )
        .when(
            "agents {names} are partitioned from the master",
            "agents \"a1\" and \"a2\" are partitioned from the master",
            |w, a| {
                for host in a.names(0) {
                    w.act()?.partition(host).map_err(cluster_error)?;
                    w.began_partition(host);
                }
                Ok(())
            },
        )
        .when(
            "the partition of agent {name} heals",
            "the partition of agent \"a1\" heals",
            |w, a| {
                w.act()?.heal(a.name(0)).map_err(cluster_error)?;
                w.partition_began.remove(a.name(0));
                Ok(())
            },
        )
        .when("the network heals", "the network heals", |w, _| {
            w.act()?.heal_all();
            w.partition_began.clear();
            Ok(())
        })
        .when(
            "messages from agent {name} to the master are dropped",
            "messages from agent \"a1\" to the master are dropped",
            |w, a| cut(w, a.name(0), Direction::ToMaster),
        )
        .when(
            "messages from the master to agent {name} are dropped",
            "messages from the master to agent \"a1\" are dropped",
            |w, a| cut(w, a.name(0), Direction::ToAgent),
        )
        .when(
            "pongs from agent {name} are dropped",
            "pongs from agent \"a1\" are dropped",
            |w, a| drop_kind(w, a.name(0), Direction::ToMaster, MessageKind::Pong, false),
        )
        .when(
            "the next {message} from the master to agent {name} is dropped",
            "the next RunTask from the master to agent \"a1\" is dropped",
            |w, a| drop_kind(w, a.name(1), Direction::ToAgent, kind(a, 0), true),
        )
        .when(
            "the next {message} from agent {name} to the master is dropped",
            "the next ReregisterAgent from agent \"a1\" to the master is dropped",
            |w, a| drop_kind(w, a.name(1), Direction::ToMaster, kind(a, 0), true),
        )
        .when(
            "{message} messages from agent {name} to the master are dropped",
            "StatusUpdate messages from agent \"a1\" to the master are dropped",
            |w, a| drop_kind(w, a.name(1), Direction::ToMaster, kind(a, 0), false),
        )
        .when(
            "{message} messages from the master to agent {name} are dropped",
            "Ping messages from the master to agent \"a1\" are dropped",
            |w, a| drop_kind(w, a.name(1), Direction::ToAgent, kind(a, 0), false),
        )
        .when(
            "the master's connection to agent {name} breaks",
            "the master's connection to agent \"a1\" breaks",
            |w, a| w.act()?.break_connection(a.name(0)).map_err(cluster_error),
        );
    let b = b
        .when(
            "agent {name} registers",
            "agent \"a4\" registers",
            |w, a| w.act()?.register_agent(a.name(0)).map_err(cluster_error),
        )
        .when(
            "agent {name} re-detects the master",
            "agent \"a1\" re-detects the master",
            |w, a| w.act()?.redetect(a.name(0)).map_err(cluster_error),
        )
        .when(
            "agent {name} reconnects",
            "agent \"a1\" reconnects",
            |w, a| {
                w.act()?.reconnect(a.name(0)).map_err(cluster_error)?;
                w.partition_began.remove(a.name(0));
                Ok(())
            },
        )
        .when("agent {name} restarts", "agent \"a1\" restarts", |w, a| {
            w.act()?.restart(a.name(0), false).map_err(cluster_error)
        })
        .when(
            "agent {name} restarts with an empty work directory",
            "agent \"a1\" restarts with an empty work directory",
            |w, a| w.act()?.restart(a.name(0), true).map_err(cluster_error),
        )
        .when(
            "agent {name} shuts down gracefully",
            "agent \"a1\" shuts down gracefully",
            |w, a| {
                w.act()?
                    .shutdown_gracefully(a.name(0))
                    .map_err(cluster_error)
            },
        )
        .when(
            "the host of agent {name} dies",
            "the host of agent \"a1\" dies",
            |w, a| w.act()?.host_dies(a.name(0)).map_err(cluster_error),
        )
        .when("the master fails over", "the master fails over", |w, _| {
            w.act()?.master_failover();
            Ok(())
        })
        .when(
            "the operator marks agent {name} as gone",
            "the operator marks agent \"a1\" as gone",
            |w, a| w.act()?.mark_gone(a.name(0)).map_err(cluster_error),
        )
        .when(
            "the operator takes the machine of agent {name} down",
            "the operator takes the machine of agent \"a1\" down",
            |w, a| w.act()?.machine_down(a.name(0)).map_err(cluster_error),
        );
    b.when(
        "{name} launches task {name} on agent {name}",
        "\"spark\" launches task \"t2\" on agent \"a1\"",
        |w, a| {
            let (framework, task) = (a.name(0), a.name(1));
            if let Some(other) = w.task_framework.get(task).filter(|f| *f != framework) {
                return Err(StepError::failed(format!(
                    "task \"{task}\" belongs to \"{other}\"; task names must be unique in a scenario"
                )));
            }
            w.act()?.launch(framework, task, a.name(2)).map_err(cluster_error)?;
            w.task_framework
                .insert(task.to_string(), framework.to_string());
            Ok(())
        },
    )
    .when(
        "{name} kills task {name}",
        "\"spark\" kills task \"t1\"",
        |w, a| w.act()?.kill(a.name(0), a.name(1), None).map_err(cluster_error),
    )
    .when(
        "{name} kills task {name} on agent {name}",
        "\"spark\" kills task \"t1\" on agent \"a1\"",
        |w, a| {
            w.act()?
                .kill(a.name(0), a.name(1), Some(a.name(2)))
                .map_err(cluster_error)
        },
    )
    .when(
        "{name} reconciles task {name}",
        "\"spark\" reconciles task \"t1\"",
        |w, a| {
            w.act()?
                .reconcile(a.name(0), a.name(1), None, false)
                .map_err(cluster_error)
        },
    )
    .when(
        "{name} reconciles task {name} on agent {name}",
        "\"spark\" reconciles task \"t1\" on agent \"a1\"",
        |w, a| {
            w.act()?
                .reconcile(a.name(0), a.name(1), Some(a.name(2)), false)
                .map_err(cluster_error)
        },
    )
    .when(
        "{name} reconciles task {name} on an unknown agent",
        "\"spark\" reconciles task \"t1\" on an unknown agent",
        |w, a| {
            w.act()?
                .reconcile(a.name(0), a.name(1), None, true)
                .map_err(cluster_error)
        },
    )
    .when(
        "{name} reconciles all its tasks",
        "\"spark\" reconciles all its tasks",
        |w, a| w.act()?.reconcile_all(a.name(0)).map_err(cluster_error),
    )
    .when("{name} disconnects", "\"spark\" disconnects", |w, a| {
        w.act()?.disconnect(a.name(0)).map_err(cluster_error)
    })
    .when("{name} resubscribes", "\"spark\" resubscribes", |w, a| {
        w.act()?.resubscribe(a.name(0)).map_err(cluster_error)
    })
    .when("{name} is torn down", "\"spark\" is torn down", |w, a| {
        w.act()?.teardown(a.name(0)).map_err(cluster_error)
    })
    .when("task {name} finishes", "task \"t1\" finishes", |w, a| {
        w.act()?.task_finishes(a.name(0)).map_err(cluster_error)
    })
    .when("task {name} fails", "task \"t1\" fails", |w, a| {
        w.act()?.task_fails(a.name(0)).map_err(cluster_error)
    })
    .when(
        "the executor of task {name} exits",
        "the executor of task \"t1\" exits",
        |w, a| w.act()?.executor_exits(a.name(0)).map_err(cluster_error),
    )
}

fn kind(a: &Args, i: usize) -> MessageKind {
    a.custom(i)
        .parse()
        .expect("the `message` placeholder only accepts message kinds")
}

fn cut(w: &mut MesosWorld, host: &str, direction: Direction) -> Result<(), StepError> {
    w.act()?.cut(host, direction).map_err(cluster_error)?;
    w.began_partition(host);
    Ok(())
}

fn drop_kind(
    w: &mut MesosWorld,
    host: &str,
    direction: Direction,
    kind: MessageKind,
    only_next: bool,
) -> Result<(), StepError> {
    w.act()?
        .drop_kind(host, direction, kind, only_next)
        .map_err(cluster_error)?;
    w.began_partition(host);
    Ok(())
}

// ----- Then --------------------------------------------------------------------

/// Which fields an expected update pins.
#[derive(Clone, Debug, Default)]
struct Expected {
    state: Option<TaskState>,
    reason: Option<Reason>,
    source: Option<Source>,
    at: Option<Instant>,
    tolerance: Duration,
}

fn near(a: Instant, b: Instant, tolerance: Duration) -> bool {
    a.max(b) - a.min(b) <= tolerance
}

impl Expected {
    fn matches(&self, received: &crate::model::Received, u: &StatusUpdate) -> bool {
        self.state.is_none_or(|s| s == u.state)
            && self.reason.is_none_or(|r| Some(r) == u.reason)
            && self.source.is_none_or(|s| Some(s) == u.source)
            && self.at.is_none_or(|t| near(t, received.at, self.tolerance))
    }

    fn describe(&self, task: &str) -> String {
        let mut text = format!(
            "{} for task {task}",
            self.state.map(|s| s.name()).unwrap_or("an update")
        );
        if let Some(r) = self.reason {
            let _ = write!(text, " with reason {r}");
        }
        if let Some(s) = self.source {
            let _ = write!(text, " from {s}");
        }
        if let Some(t) = self.at {
            let _ = write!(text, " at {t}");
        }
        text
    }
}

fn update_line(received: &crate::model::Received, u: &StatusUpdate) -> String {
    let mut line = format!("{} {} for task {}", received.at, u.state, u.task);
    if let Some(r) = u.reason {
        let _ = write!(line, " with reason {r}");
    }
    if let Some(s) = u.source {
        let _ = write!(line, " from {s}");
    }
    if let Some(m) = &u.message {
        let _ = write!(line, ": {m}");
    }
    line
}

fn updates_in(
    received: &[crate::model::Received],
) -> Vec<(&crate::model::Received, &StatusUpdate)> {
    received
        .iter()
        .filter_map(|r| match &r.event {
            FrameworkEvent::Update(u) => Some((r, u)),
            _ => None,
        })
        .collect()
}

fn lines(received: &[crate::model::Received]) -> String {
    let all: Vec<String> = updates_in(received)
        .into_iter()
        .map(|(r, u)| update_line(r, u))
        .collect();
    if all.is_empty() {
        "(no updates)".to_string()
    } else {
        all.join("\n")
    }
}

fn receives(
    w: &mut MesosWorld,
    framework: &str,
    task: &str,
    expected: Expected,
) -> Result<(), StepError> {
    w.look()?;
    let window = w.window(framework)?;
    let found = updates_in(window)
        .into_iter()
        .any(|(r, u)| u.task == task && expected.matches(r, u));
    if found {
        Ok(())
    } else {
        Err(StepError::mismatch(
            format!(
                "\"{framework}\" did not receive {} (updates since the last check shown)",
                expected.describe(task)
            ),
            expected.describe(task),
            lines(window),
        ))
    }
}

fn then_steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
    // `receives {state} for task {name}` with every combination of the optional
    // `with reason`, `from` and `at` suffixes (placeholders cannot be optional).
    let mut b = b;
    for mask in 0..8u8 {
        let mut pattern = "{name} receives {state} for task {name}".to_string();
        let mut example = "\"spark\" receives TASK_LOST for task \"t1\"".to_string();
        if mask & 1 != 0 {
            pattern.push_str(" with reason {reason}");
            example.push_str(" with reason REASON_AGENT_REMOVED");
        }
        if mask & 2 != 0 {
            pattern.push_str(" from {source}");
            example.push_str(" from SOURCE_MASTER");
        }
        if mask & 4 != 0 {
            pattern.push_str(" at {duration}");
            example.push_str(" at 90s");
        }
        b = b.then(&pattern, &example, move |w, a| {
            let mut i = 3;
            let mut expected = Expected {
                state: Some(a.state(1)),
                ..Expected::default()
            };
            if mask & 1 != 0 {
                expected.reason = Some(a.reason(i));
                i += 1;
            }
            if mask & 2 != 0 {
                expected.source = Some(a.source(i));
                i += 1;
            }
            if mask & 4 != 0 {
                expected.at = Some(Instant::ZERO + a.duration(i));
            }
            receives(w, a.name(0), a.name(2), expected)
        });
    }
    let b = b
        .then(
            "{name} receives {state} for every task on agent {name}",
            "\"spark\" receives TASK_LOST for every task on agent \"a1\"",
            |w, a| {
                let (framework, state, host) = (a.name(0), a.state(1), a.name(2));
                w.look_at(host)?;
                let tasks: Vec<String> = w
                    .task_framework
                    .iter()
                    .filter(|(_, f)| *f == framework)
                    .map(|(t, _)| t.clone())
                    .filter(|t| on_agent(w, t, host))
                    .collect();
                if tasks.is_empty() {
                    return Err(StepError::failed(format!(
                        "\"{framework}\" has no tasks on agent \"{host}\""
                    )));
                }
                let window = w.window(framework)?;
                let missing: Vec<&String> = tasks
                    .iter()
                    .filter(|t| {
                        !updates_in(window)
                            .iter()
                            .any(|(_, u)| &u.task == *t && u.state == state)
                    })
                    .collect();
                if missing.is_empty() {
                    Ok(())
                } else {
                    Err(StepError::mismatch(
                        format!("\"{framework}\" did not receive {state} for every task on agent \"{host}\""),
                        tasks.iter().map(|t| format!("{state} for task {t}")).collect::<Vec<_>>().join("\n"),
                        lines(window),
                    ))
                }
            },
        )
        .then(
            "{name} receives these updates:",
            "\"spark\" receives these updates:",
            |w, a| {
                let framework = a.name(0);
                let table = a.table().expect("the registry requires a table");
                w.look()?;
                let window = w.window(framework)?;
                check_update_table(framework, table, window)
            },
        )
        .table(TableUse::Required(&["task", "state", "reason", "source", "at"]))
        .then(
            "{name} receives no updates",
            "\"spark\" receives no updates",
            |w, a| {
                let framework = a.name(0);
                w.look()?;
                let window = w.window(framework)?;
                if updates_in(window).is_empty() {
                    Ok(())
                } else {
                    Err(StepError::mismatch(
                        format!("\"{framework}\" received updates"),
                        "(no updates)",
                        lines(window),
                    ))
                }
            },
        )
        .then(
            "{name} never receives {state}",
            "\"spark\" never receives TASK_LOST",
            |w, a| {
                let (framework, state) = (a.name(0), a.state(1));
                w.look()?;
                let whole = w.whole(framework)?;
                if updates_in(whole).iter().any(|(_, u)| u.state == state) {
                    Err(StepError::mismatch(
                        format!("\"{framework}\" received {state}"),
                        format!("no {state} at any time"),
                        lines(whole),
                    ))
                } else {
                    Ok(())
                }
            },
        );
    let b = b
        .then(
            "{name} is told that agent {name} is lost",
            "\"spark\" is told that agent \"a1\" is lost",
            |w, a| told_lost(w, a, true, |n| n >= 1, "was not told that agent"),
        )
        .then(
            "{name} is told exactly once that agent {name} is lost",
            "\"spark\" is told exactly once that agent \"a1\" is lost",
            |w, a| {
                told_lost(
                    w,
                    a,
                    false,
                    |n| n == 1,
                    "was not told exactly once that agent",
                )
            },
        )
        .then(
            "{name} is not told about agent {name}",
            "\"spark\" is not told about agent \"a1\"",
            |w, a| told_lost(w, a, true, |n| n == 0, "was told that agent"),
        );
    let b = b
        .then(
            "the master considers agent {name} {agent-status}",
            "the master considers agent \"a1\" unreachable",
            |w, a| {
                let host = a.name(0);
                w.look()?;
                let id = w.agent_id(host)?;
                let observed = w.cluster().master().agent_status(&id).name();
                StepError::check_eq(
                    format!("the master's view of agent \"{host}\" differs"),
                    &a.custom(1),
                    &observed,
                )
            },
        )
        .then(
            "agent {name} is marked unreachable at {duration}",
            "agent \"a1\" is marked unreachable at 90s",
            |w, a| {
                let expected = Instant::ZERO + a.duration(1);
                let tolerance = w.tolerance();
                let observed = marked_unreachable(w, a.name(0))?;
                check_marked(a.name(0), &format!("at {expected}"), observed, |t| near(t, expected, tolerance))
            },
        )
        .then(
            "agent {name} is marked unreachable {duration} after the partition began",
            "agent \"a1\" is marked unreachable 75s after the partition began",
            |w, a| {
                let began = partition_began(w, a.name(0))?;
                let expected = began + a.duration(1);
                let tolerance = w.tolerance();
                let observed = marked_unreachable(w, a.name(0))?;
                check_marked(a.name(0), &format!("{} after the partition began at {began}", a.duration(1)), observed, |t| near(t, expected, tolerance))
            },
        )
        .then(
            "agent {name} is marked unreachable between {duration} and {duration} after the partition began",
            "agent \"a1\" is marked unreachable between 75s and 90s after the partition began",
            |w, a| {
                let began = partition_began(w, a.name(0))?;
                let tolerance = w.tolerance();
                let (low, high) = (
                    (began + a.duration(1)).saturating_sub_duration(tolerance),
                    began + a.duration(2) + tolerance,
                );
                let observed = marked_unreachable(w, a.name(0))?;
                check_marked(
                    a.name(0),
                    &format!("between {} and {} after the partition began at {began}", a.duration(1), a.duration(2)),
                    observed,
                    |t| low <= t && t <= high,
                )
            },
        )
        .then(
            "the master reports task {name} as {state}",
            "the master reports task \"t1\" as TASK_UNREACHABLE",
            |w, a| {
                let task = a.name(0);
                w.look()?;
                let framework = w.framework_of(task)?;
                let observed = w
                    .cluster()
                    .master()
                    .task_view(&framework, task)
                    .map(|v| v.state().name().to_string())
                    .unwrap_or_else(|| "(unknown to the master)".to_string());
                StepError::check_eq(
                    format!("the master's state of task \"{task}\" differs"),
                    &a.state(1).name().to_string(),
                    &observed,
                )
            },
        )
        .then(
            "the master does not know task {name}",
            "the master does not know task \"t1\"",
            |w, a| {
                let task = a.name(0);
                w.look()?;
                let framework = w.framework_of(task)?;
                match w.cluster().master().task_view(&framework, task) {
                    None => Ok(()),
                    Some(view) => Err(StepError::mismatch(
                        format!("the master knows task \"{task}\""),
                        "(unknown to the master)",
                        format!("{view:?}"),
                    )),
                }
            },
        )
        .then(
            "the master's metric {word} is {int}",
            "the master's metric slave_removals is 1",
            |w, a| {
                w.look()?;
                check_metrics(w.cluster(), &[(a.word(0).to_string(), a.int(1).to_string())])
            },
        )
        .then("the master's metrics are:", "the master's metrics are:", |w, a| {
            let table = a.table().expect("the registry requires a table");
            let rows: Vec<(String, String)> = rows_with_header(table, &["metric", "value"])?
                .into_iter()
                .map(|r| (r["metric"].clone(), r["value"].clone()))
                .collect();
            w.look()?;
            check_metrics(w.cluster(), &rows)
        })
        .table(TableUse::Required(&["metric", "value"]));
    b.then("agent {name} is shut down", "agent \"a1\" is shut down", |w, a| {
        let host = a.name(0);
        let agent = w.look_at_agent(host)?;
        StepError::check_eq(
            format!("agent \"{host}\" is not shut down"),
            &"Terminated".to_string(),
            &format!("{:?}", agent.state()),
        )
    })
    .then(
        "agent {name} is told to shut down with {string}",
        "agent \"a1\" is told to shut down with \"Agent has been marked gone\"",
        |w, a| {
            let (host, expected) = (a.name(0), a.string(1));
            w.look()?;
            let told: Vec<String> = agent_facts(w.cluster(), host)
                .filter_map(|f| match f {
                    Fact::AgentShutDown { message, .. } => Some(message.clone()),
                    _ => None,
                })
                .collect();
            if told.iter().any(|m| m == expected) {
                Ok(())
            } else {
                Err(StepError::mismatch(
                    format!("agent \"{host}\" was not told to shut down with \"{expected}\""),
                    expected.to_string(),
                    if told.is_empty() { "(never told to shut down)".to_string() } else { told.join("\n") },
                ))
            }
        },
    )
    .then(
        "agent {name} is still running task {name}",
        "agent \"a1\" is still running task \"t1\"",
        |w, a| running(w, a.name(0), a.name(1), true),
    )
    .then(
        "agent {name} is no longer running task {name}",
        "agent \"a1\" is no longer running task \"t1\"",
        |w, a| running(w, a.name(0), a.name(1), false),
    )
    .then("agent {name} runs no tasks", "agent \"a1\" runs no tasks", |w, a| {
        let host = a.name(0);
        let agent = w.look_at_agent(host)?;
        let tasks: Vec<String> = agent.running_tasks().into_iter().cloned().collect();
        StepError::check_eq(format!("agent \"{host}\" still runs tasks"), &Vec::<String>::new(), &tasks)
    })
    .then(
        "task {name} is killed on agent {name}",
        "task \"t1\" is killed on agent \"a1\"",
        |w, a| {
            let (task, host) = (a.name(0), a.name(1));
            w.look_at(host)?;
            let killed = agent_facts(w.cluster(), host)
                .any(|f| matches!(f, Fact::AgentTaskKilled { task: t, .. } if t == task));
            if killed {
                Ok(())
            } else {
                Err(StepError::failed(format!(
                    "task \"{task}\" was not killed on agent \"{host}\""
                )))
            }
        },
    )
    .then(
        "agent {name} is not told to shut down",
        "agent \"a1\" is not told to shut down",
        |w, a| {
            let host = a.name(0);
            w.look_at(host)?;
            let told: Vec<String> = agent_facts(w.cluster(), host)
                .filter_map(|f| match f {
                    Fact::AgentShutDown { message, .. } => Some(message.clone()),
                    _ => None,
                })
                .collect();
            StepError::check_eq(
                format!("agent \"{host}\" was told to shut down"),
                &Vec::<String>::new(),
                &told,
            )
        },
    )
    .then(
        "agent {name} has not given up on the master",
        "agent \"a1\" has not given up on the master",
        |w, a| {
            let host = a.name(0);
            w.look_at(host)?;
            let gave_up: Vec<String> = w
                .cluster()
                .trace()
                .iter()
                .filter(|e| matches!(&e.event, TraceEvent::Agent(f @ Fact::AgentGaveUpOnMaster { .. }) if fact_host(f) == Some(host)))
                .map(|e| format!("gave up at {}", e.at))
                .collect();
            StepError::check_eq(
                format!("agent \"{host}\" gave up on the master"),
                &Vec::<String>::new(),
                &gave_up,
            )
        },
    )
    .then(
        "{name} is told that the executor of task {name} is lost",
        "\"spark\" is told that the executor of task \"t1\" is lost",
        |w, a| executor_lost(w, a.name(0), a.name(1), true),
    )
    .then(
        "{name} is not told that the executor of task {name} is lost",
        "\"spark\" is not told that the executor of task \"t1\" is lost",
        |w, a| executor_lost(w, a.name(0), a.name(1), false),
    )
    .then(
        "agent {name} has given up on the master",
        "agent \"a1\" has given up on the master",
        |w, a| {
            let host = a.name(0);
            w.look_at(host)?;
            let gave_up = agent_facts(w.cluster(), host)
                .any(|f| matches!(f, Fact::AgentGaveUpOnMaster { .. }));
            if gave_up {
                Ok(())
            } else {
                Err(StepError::failed(format!(
                    "agent \"{host}\" has not given up on the master: it received a ping within its timeout"
                )))
            }
        },
    )
    .then(
        "the operator's request succeeds",
        "the operator's request succeeds",
        |w, _| operator_status(w, 200),
    )
    .then(
        "the operator's request fails with {int}",
        "the operator's request fails with 503",
        |w, a| operator_status(w, a.int(0)),
    )
}

/// Whether the framework was told (in the current window) that the executor of the
/// task is lost, as `expected` says.
fn executor_lost(
    w: &mut MesosWorld,
    framework: &str,
    task: &str,
    expected: bool,
) -> Result<(), StepError> {
    w.look()?;
    let window = w.window(framework)?;
    let told: Vec<String> = window
        .iter()
        .filter_map(|r| match &r.event {
            FrameworkEvent::ExecutorLost { task: t, agent } if t == task => Some(format!(
                "{} executor of task {t} lost on agent {agent}",
                r.at
            )),
            _ => None,
        })
        .collect();
    if told.is_empty() != expected {
        return Ok(());
    }
    Err(StepError::mismatch(
        if expected {
            format!("\"{framework}\" was not told that the executor of task \"{task}\" is lost")
        } else {
            format!("\"{framework}\" was told that the executor of task \"{task}\" is lost")
        },
        if expected {
            format!("executor of task {task} lost")
        } else {
            "(nothing)".to_string()
        },
        if told.is_empty() {
            "(nothing)".to_string()
        } else {
            told.join("\n")
        },
    ))
}

fn on_agent(w: &MesosWorld, task: &str, host: &str) -> bool {
    let cluster = w.cluster();
    let Some(framework) = w.task_framework.get(task) else {
        return false;
    };
    // Where the master filed it, or where the agent runs it.
    let id = cluster.agent_id(host);
    let by_master = id.is_some_and(|id| {
        cluster.trace().iter().any(|e| match &e.event {
            TraceEvent::Sent {
                message:
                    crate::model::Message::RunTask {
                        framework: f,
                        task: t,
                    },
                to,
                ..
            } => f.id == *framework && t == task && to.to_string() == id.host,
            _ => false,
        })
    });
    by_master
        || cluster
            .agent(host)
            .is_some_and(|a| a.task_state(task).is_some())
}

fn running(w: &mut MesosWorld, host: &str, task: &str, expected: bool) -> Result<(), StepError> {
    let agent = w.look_at_agent(host)?;
    let runs = agent.running_tasks().iter().any(|t| *t == task);
    if runs == expected {
        return Ok(());
    }
    let tasks: Vec<String> = agent.running_tasks().into_iter().cloned().collect();
    let state = match agent.state() {
        AgentState::Running | AgentState::Disconnected => String::new(),
        other => format!(" (the agent is {other:?})"),
    };
    Err(StepError::mismatch(
        if expected {
            format!("agent \"{host}\" is not running task \"{task}\"{state}")
        } else {
            format!("agent \"{host}\" is still running task \"{task}\"")
        },
        if expected {
            format!("running {task}")
        } else {
            format!("not running {task}")
        },
        if tasks.is_empty() {
            "(no tasks)".to_string()
        } else {
            format!("running {}", tasks.join(", "))
        },
    ))
}

fn agent_facts<'c>(cluster: &'c Cluster, host: &'c str) -> impl Iterator<Item = &'c Fact> + 'c {
    cluster.trace().iter().filter_map(move |e| match &e.event {
        TraceEvent::Agent(fact) if fact_host(fact) == Some(host) => Some(fact),
        _ => None,
    })
}

fn fact_host(fact: &Fact) -> Option<&str> {
    match fact {
        Fact::AgentGaveUpOnMaster { agent }
        | Fact::AgentForcedReregistration { agent }
        | Fact::AgentShutDown { agent, .. }
        | Fact::AgentRestarted { agent, .. }
        | Fact::AgentTaskKilled { agent, .. }
        | Fact::AgentFrameworkShutDown { agent, .. } => Some(&agent.host),
        Fact::AgentHostDied { host } => Some(host),
        _ => None,
    }
}

/// Checks how often the framework (`a.name(0)`) was told that the agent
/// (`a.name(1)`) is lost: in the current window or the whole scenario.
fn told_lost(
    w: &mut MesosWorld,
    a: &Args,
    in_window: bool,
    ok: fn(usize) -> bool,
    failure: &str,
) -> Result<(), StepError> {
    let (framework, host) = (a.name(0), a.name(1));
    let (n, seen) = lost_count(w, framework, host, in_window)?;
    if ok(n) {
        return Ok(());
    }
    Err(StepError::mismatch(
        format!("\"{framework}\" {failure} \"{host}\" is lost (told {n} times)"),
        a.text().to_string(),
        seen,
    ))
}

fn lost_count(
    w: &mut MesosWorld,
    framework: &str,
    host: &str,
    in_window: bool,
) -> Result<(usize, String), StepError> {
    w.look_at(host)?;
    let received = if in_window {
        w.window(framework)?
    } else {
        w.whole(framework)?
    };
    let lost: Vec<String> = received
        .iter()
        .filter_map(|r| match &r.event {
            FrameworkEvent::AgentLost { agent } => Some(format!("{} agent {agent} lost", r.at)),
            _ => None,
        })
        .collect();
    let n = received
        .iter()
        .filter(|r| matches!(&r.event, FrameworkEvent::AgentLost { agent } if agent.host == host))
        .count();
    let seen = if lost.is_empty() {
        "(no agent-lost events)".to_string()
    } else {
        lost.join("\n")
    };
    Ok((n, seen))
}

fn partition_began(w: &MesosWorld, host: &str) -> Result<Instant, StepError> {
    w.partition_began.get(host).copied().ok_or_else(|| {
        StepError::failed(format!(
            "agent \"{host}\" has not been partitioned; use `When agent \"{host}\" is partitioned from the master` first"
        ))
    })
}

fn marked_unreachable(w: &mut MesosWorld, host: &str) -> Result<Vec<Instant>, StepError> {
    let cluster = w.look_at(host)?;
    Ok(cluster
        .trace()
        .iter()
        .filter_map(|e| match &e.event {
            TraceEvent::Master(Fact::AgentMarkedUnreachable { agent, .. })
                if agent.host == host =>
            {
                Some(e.at)
            }
            _ => None,
        })
        .collect())
}

fn check_marked(
    host: &str,
    expected: &str,
    observed: Vec<Instant>,
    ok: impl Fn(Instant) -> bool,
) -> Result<(), StepError> {
    if observed.iter().any(|t| ok(*t)) {
        return Ok(());
    }
    Err(StepError::mismatch(
        format!("agent \"{host}\" was not marked unreachable {expected}"),
        format!("marked unreachable {expected}"),
        if observed.is_empty() {
            "never marked unreachable".to_string()
        } else {
            observed
                .iter()
                .map(|t| format!("marked unreachable at {t}"))
                .collect::<Vec<_>>()
                .join("\n")
        },
    ))
}

fn check_metrics(cluster: &Cluster, rows: &[(String, String)]) -> Result<(), StepError> {
    let metrics = cluster.master().metrics();
    let mut expected = String::new();
    let mut observed = String::new();
    for (name, value) in rows {
        let full = if name.starts_with("master/") {
            name.clone()
        } else {
            format!("master/{name}")
        };
        let Some(actual) = metrics.get(&full) else {
            let names: Vec<&str> = metrics.keys().map(String::as_str).collect();
            let hint = crate::suggest::closest(&full, names.iter().copied(), 1);
            return Err(StepError::failed(format!(
                "`{name}` is not a metric the model keeps{}",
                hint.first()
                    .map(|h| format!("; did you mean `{h}`?"))
                    .unwrap_or_default()
            )));
        };
        let _ = writeln!(expected, "{full} = {value}");
        let _ = writeln!(observed, "{full} = {actual}");
    }
    if expected == observed {
        Ok(())
    } else {
        Err(StepError::mismatch(
            "the master's metrics differ",
            expected,
            observed,
        ))
    }
}

fn operator_status(w: &mut MesosWorld, expected: i64) -> Result<(), StepError> {
    let cluster = w.look()?;
    let Some(last) = cluster.operator_responses().last() else {
        return Err(StepError::failed(
            "the operator has made no request; use e.g. `When the operator marks agent \"a1\" as gone`",
        ));
    };
    StepError::check_eq(
        format!(
            "the operator's request was answered {} ({})",
            last.status, last.message
        ),
        &expected,
        &i64::from(last.status),
    )
}

/// Compares a framework's updates with a table, row by row, on the columns the
/// header picks. `-` in a cell means the field is absent.
fn check_update_table(
    framework: &str,
    table: &super::registry::Table,
    window: &[crate::model::Received],
) -> Result<(), StepError> {
    const COLUMNS: &[&str] = &[
        "task",
        "state",
        "reason",
        "source",
        "agent",
        "at",
        "unreachable time",
        "message",
    ];
    let header = table.header().unwrap_or(&[]);
    for column in header {
        if !COLUMNS.contains(&column.as_str()) {
            let hint = crate::suggest::closest(column, COLUMNS.iter().copied(), 1);
            return Err(StepError::failed(format!(
                "`{column}` is not an update column{}; use any of: {}",
                hint.first()
                    .map(|h| format!(" (did you mean `{h}`?)"))
                    .unwrap_or_default(),
                COLUMNS.join(", ")
            )));
        }
    }
    let render = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
    let mut expected = vec![render(header.to_vec())];
    for row in table.body() {
        let mut cells = Vec::new();
        for (column, cell) in header.iter().zip(row) {
            cells.push(normalise_cell(column, cell)?);
        }
        expected.push(render(cells));
    }
    let mut observed = vec![render(header.to_vec())];
    for (r, u) in updates_in(window) {
        let cells = header
            .iter()
            .map(|column| {
                let absent = || "-".to_string();
                match column.as_str() {
                    "task" => u.task.clone(),
                    "state" => u.state.name().to_string(),
                    "reason" => u
                        .reason
                        .map(|x| x.name().to_string())
                        .unwrap_or_else(absent),
                    "source" => u
                        .source
                        .map(|x| x.name().to_string())
                        .unwrap_or_else(absent),
                    "agent" => u
                        .agent
                        .as_ref()
                        .map(|a| a.to_string())
                        .unwrap_or_else(absent),
                    "at" => r.at.since_start().to_string(),
                    "unreachable time" => u
                        .unreachable_time
                        .map(|t| t.since_start().to_string())
                        .unwrap_or_else(absent),
                    _ => u.message.clone().unwrap_or_else(absent),
                }
            })
            .collect();
        observed.push(render(cells));
    }
    if expected == observed {
        Ok(())
    } else {
        Err(StepError::mismatch(
            format!("\"{framework}\" received other updates (since the last check)"),
            expected.join("\n"),
            observed.join("\n"),
        ))
    }
}

/// Puts an expected cell in the form the observed side prints: v1 names for
/// reasons and sources, shortest form for durations.
fn normalise_cell(column: &str, cell: &str) -> Result<String, StepError> {
    if cell == "-" {
        return Ok(cell.to_string());
    }
    let bad = |e: String| StepError::failed(format!("in column `{column}`: {e}"));
    Ok(match column {
        "state" => cell
            .parse::<TaskState>()
            .map_err(|e| bad(e.to_string()))?
            .name()
            .to_string(),
        "reason" => cell
            .parse::<Reason>()
            .map_err(|e| bad(e.to_string()))?
            .name()
            .to_string(),
        "source" => cell
            .parse::<Source>()
            .map_err(|e| bad(e.to_string()))?
            .name()
            .to_string(),
        "at" | "unreachable time" => cell
            .parse::<crate::model::Duration>()
            .map_err(|e| bad(e.to_string()))?
            .to_string(),
        _ => cell.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::registry::Table;

    /// Runs steps written one per line as `Keyword text`; a line starting with `|`
    /// adds a table row to the step above. Returns the first failure.
    fn check(script: &str) -> Result<(), String> {
        let registry = registry();
        let mut world = MesosWorld::new();
        let mut steps: Vec<(StepKind, String, Vec<Vec<String>>)> = Vec::new();
        let mut kind = StepKind::Given;
        for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line.starts_with('|') {
                let cells = line
                    .trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .collect();
                steps.last_mut().expect("a row after a step").2.push(cells);
                continue;
            }
            let (keyword, text) = line.split_once(' ').expect("keyword and text");
            kind = match keyword {
                "Given" => StepKind::Given,
                "When" => StepKind::When,
                "Then" => StepKind::Then,
                _ => kind,
            };
            steps.push((kind, text.to_string(), Vec::new()));
        }
        for (kind, text, rows) in steps {
            let found = registry
                .find(kind, &text, !rows.is_empty(), false)
                .map_err(|e| e.to_string())?;
            world.before_step(kind, &text);
            let table = (!rows.is_empty()).then(|| Table::new(rows));
            found
                .run(&mut world, table, None)
                .map_err(|e| format!("{text}: {e}"))?;
        }
        world.finish().map_err(|e| e.to_string())
    }

    #[test]
    fn the_mesos_vocabulary_builds_without_ambiguity() {
        assert!(registry().steps().len() > 60);
    }

    #[test]
    fn an_agent_cut_off_just_before_a_ping_is_marked_unreachable_75s_later() {
        check(
            r#"
            Given an agent "a1"
            And a framework "spark"
            When the next ping to agent "a1" is due
            And agent "a1" is partitioned from the master
            And 2m pass
            Then agent "a1" is marked unreachable 75s after the partition began
            And "spark" is told that agent "a1" is lost
            "#,
        )
        .unwrap();
    }

    #[test]
    fn a_wrong_expectation_fails_with_what_was_observed() {
        let error = check(
            r#"
            Given an agent "a1"
            And a framework "spark"
            And "spark" runs task "t1" on agent "a1"
            When agent "a1" is partitioned from the master for 100s
            Then "spark" receives TASK_UNREACHABLE for task "t1"
            "#,
        )
        .unwrap_err();
        assert!(
            error.contains("TASK_LOST for task t1 with reason REASON_AGENT_REMOVED"),
            "{error}"
        );
    }

    #[test]
    fn update_tables_compare_the_chosen_columns_in_order() {
        check(
            r#"
            Given an agent "a1"
            And a partition-aware framework "cassandra"
            And "cassandra" runs task "c1" on agent "a1"
            When agent "a1" is partitioned from the master for 100s
            Then "cassandra" receives these updates:
              | task | state            | reason               | source        | at  | unreachable time |
              | c1   | TASK_UNREACHABLE | REASON_SLAVE_REMOVED | SOURCE_MASTER | 90s | 1m30s            |
            "#,
        )
        .unwrap();
    }

    #[test]
    fn a_then_block_only_sees_what_happened_since_the_previous_one() {
        check(
            r#"
            Given an agent "a1"
            And a framework "spark"
            And "spark" runs task "t1" on agent "a1"
            When agent "a1" is partitioned from the master for 100s
            Then "spark" receives TASK_LOST for task "t1"
            When 1h passes
            Then "spark" receives TASK_RUNNING for task "t1" with reason REASON_AGENT_REREGISTERED
            When 1h passes
            Then "spark" receives no updates
            And "spark" never receives TASK_FINISHED
            "#,
        )
        .unwrap();
    }

    #[test]
    fn an_executor_exiting_during_a_partition_is_never_reported_lost() {
        // Rule D7 (PartitionTest.PartitionedSlaveExitedExecutor).
        check(
            r#"
            Given an agent "a1"
            And a framework "spark"
            And "spark" runs task "t1" on agent "a1"
            When pongs from agent "a1" are dropped
            And 100s pass
            And the executor of task "t1" exits
            And 1m passes
            Then "spark" is not told that the executor of task "t1" is lost
            And agent "a1" has not given up on the master
            And agent "a1" is not told to shut down
            "#,
        )
        .unwrap();
        check(
            r#"
            Given an agent "a1"
            And a framework "spark"
            And "spark" runs task "t1" on agent "a1"
            When the executor of task "t1" exits
            Then "spark" is told that the executor of task "t1" is lost
            "#,
        )
        .unwrap();
    }

    #[test]
    fn a_given_step_after_a_when_step_is_refused() {
        let error = check(
            r#"
            Given an agent "a1"
            When 1s passes
            Given an agent "a2"
            "#,
        )
        .unwrap_err();
        assert!(error.contains("move it up"), "{error}");
    }

    #[test]
    fn an_undeclared_agent_is_named_with_how_to_declare_it() {
        let error = check(
            r#"
            Given an agent "a1"
            When agent "a9" is partitioned from the master
            "#,
        )
        .unwrap_err();
        assert!(error.contains(r#"Given an agent "a9""#), "{error}");
    }

    #[test]
    fn a_bad_flag_value_names_what_the_flag_accepts() {
        let error = check(
            r#"
            Given the master flag agent_ping_timeout is 0s
            "#,
        )
        .unwrap_err();
        assert!(error.contains("between 1s and 15mins"), "{error}");
    }

    #[test]
    fn metrics_can_be_checked_with_or_without_the_master_prefix() {
        check(
            r#"
            Given an agent "a1"
            When agent "a1" is partitioned from the master for 100s
            Then the master's metrics are:
              | metric                             | value |
              | slave_unreachable_scheduled        | 1     |
              | master/slave_removals              | 1     |
            And the master considers agent "a1" unreachable
            "#,
        )
        .unwrap();
    }
}
