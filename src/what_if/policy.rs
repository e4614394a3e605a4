//! `netsplit what-if --policy`: three agents, a framework running one instance on
//! each and following a policy, and agent "a1" cut off for a while. The answer is
//! what the framework did and what became of its tasks; for lists of lengths and
//! versions, or `--policy all`, a table of outcomes.
//!
//! The outcome, measured until 30 minutes after the partition heals (long enough
//! for Marathon's reconciliation and scale check):
//! - *lost*: copies that stopped running without the scheduler asking;
//! - *replaced*: copies launched to replace another;
//! - *two copies*: how long some instance ran twice at once;
//! - *capacity gap*: how long fewer than all instances ran.

use std::fmt::Write as _;

use netsplit::model::policy::{
    MarathonUnreachable, PeriodicReconciliation, Policy, Relaunch, Returning, WaitThenReplace,
    copies_of, instances_running, spans, time_at_least,
};
use netsplit::model::{
    Awareness, Checkpointing, Cluster, Duration, Fact, FrameworkEvent, Instant, TraceEvent, Version,
};

use super::{Args, Phase, master_flags, phase};

/// The framework's name and how many instances it runs.
const FRAMEWORK: &str = "app";
const INSTANCES: usize = 3;
/// How long the model runs on after the partition heals.
const AFTERWARDS: Duration = Duration::from_mins(30);

/// A built-in policy as the command line names it.
#[derive(Clone, Debug)]
struct Choice {
    name: String,
    awareness: Awareness,
    policy: Box<dyn Policy>,
}

pub(super) fn run(args: &Args, policy: &str) -> Result<String, String> {
    let choices = choices(policy)?;
    let lengths = list(&args.length, "--for", |t| {
        t.parse::<Duration>().map_err(|e| e.to_string())
    })?;
    let versions = list(&args.version, "--version", |t| {
        t.parse::<Version>().map_err(|e| e.to_string())
    })?;
    let reconcile = match &args.reconcile_every {
        Some(text) => {
            let every: Duration = text
                .parse()
                .map_err(|e| format!("--reconcile-every: {e}"))?;
            if every < Duration::from_secs(1) {
                return Err(format!(
                    "--reconcile-every: {every} is too often; give an interval of at least 1s"
                ));
            }
            Some(every)
        }
        None => None,
    };
    let phase = phase(&args.phase)?;
    let mut runs = Vec::new();
    for choice in &choices {
        for &version in &versions {
            for &length in &lengths {
                let setup = Setup {
                    choice,
                    version,
                    length,
                    phase,
                    reconcile,
                    flags: &args.flags,
                    no_return: args.no_return,
                };
                runs.push((setup.clone_key(), experiment(&setup)?));
            }
        }
    }
    if runs.len() == 1 {
        let ((name, version, length), run) = &runs[0];
        return Ok(narrate(name, *version, *length, run));
    }
    Ok(table(&runs))
}

/// `relaunch`, `relaunch-and-kill`, `marathon[:INACTIVE,EXPUNGE]`, `wait[:DEADLINE]`,
/// or `all`.
fn choices(text: &str) -> Result<Vec<Choice>, String> {
    if text == "all" {
        return ["relaunch", "relaunch-and-kill", "marathon", "wait"]
            .into_iter()
            .map(choice)
            .collect();
    }
    Ok(vec![choice(text)?])
}

fn choice(text: &str) -> Result<Choice, String> {
    let (kind, params) = match text.split_once(':') {
        Some((kind, params)) => (kind, Some(params)),
        None => (text, None),
    };
    let duration = |t: &str| {
        t.trim()
            .parse::<Duration>()
            .map_err(|e| format!("--policy {text}: {e}"))
    };
    let (awareness, policy): (Awareness, Box<dyn Policy>) = match (kind, params) {
        ("relaunch", None) => (
            Awareness::NotAware,
            Box::new(Relaunch::new(Returning::KeepRunning)),
        ),
        ("relaunch-and-kill", None) => (
            Awareness::NotAware,
            Box::new(Relaunch::new(Returning::Kill)),
        ),
        ("marathon", None) => (
            Awareness::PartitionAware,
            Box::new(MarathonUnreachable::default()),
        ),
        ("marathon", Some(p)) => {
            let Some((inactive, expunge)) = p.split_once(',') else {
                return Err(format!(
                    "--policy {text}: give both durations, e.g. `marathon:60s,120s` (inactive after, expunge after)"
                ));
            };
            let (inactive, expunge) = (duration(inactive)?, duration(expunge)?);
            if expunge < inactive {
                return Err(format!(
                    "--policy {text}: expunge after ({expunge}) must be at least inactive after ({inactive})"
                ));
            }
            (
                Awareness::PartitionAware,
                Box::new(MarathonUnreachable::new(inactive, expunge)),
            )
        }
        ("wait", None) => (
            Awareness::PartitionAware,
            Box::new(WaitThenReplace::new(Duration::from_mins(10))),
        ),
        ("wait", Some(p)) => (
            Awareness::PartitionAware,
            Box::new(WaitThenReplace::new(duration(p)?)),
        ),
        _ => {
            return Err(format!(
                "--policy: `{text}` is not a policy; use `relaunch`, `relaunch-and-kill`, `marathon`, `marathon:60s,120s`, `wait`, `wait:10m` or `all`"
            ));
        }
    };
    Ok(Choice {
        name: text.to_string(),
        awareness,
        policy,
    })
}

/// A comma-separated list of values.
fn list<T>(
    text: &str,
    flag: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    text.split(',')
        .map(|item| parse(item.trim()).map_err(|e| format!("{flag}: {e}")))
        .collect()
}

struct Setup<'a> {
    choice: &'a Choice,
    version: Version,
    length: Duration,
    phase: Phase,
    reconcile: Option<Duration>,
    flags: &'a [String],
    no_return: bool,
}

impl Setup<'_> {
    fn clone_key(&self) -> (String, Version, Duration) {
        (self.choice.name.clone(), self.version, self.length)
    }
}

/// One run: the cluster at the end, with the instants that frame it.
struct Run {
    cluster: Cluster,
    began: Instant,
    first: usize,
    healed: Instant,
    outcome: Outcome,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Outcome {
    lost: usize,
    replaced: usize,
    doubled: Duration,
    /// Whether two copies still run at the end.
    still_doubled: bool,
    gap: Duration,
    /// Whether fewer than all instances still run at the end.
    still_short: bool,
}

impl Outcome {
    fn doubled(&self) -> String {
        stretch(self.doubled, self.still_doubled)
    }

    fn gap(&self) -> String {
        stretch(self.gap, self.still_short)
    }
}

/// A length of time to the second, and whether it still lasts.
fn stretch(length: Duration, still: bool) -> String {
    let seconds = Duration::from_secs((length.as_millis() + 500) / 1000);
    match (length.is_zero(), still) {
        (true, _) => "none".to_string(),
        (false, true) => format!("{seconds} and on"),
        (false, false) => seconds.to_string(),
    }
}

fn experiment(setup: &Setup) -> Result<Run, String> {
    let mut builder = Cluster::builder();
    builder
        .version(setup.version)
        .agent("a1")
        .agent("a2")
        .agent("a3")
        .framework(FRAMEWORK, setup.choice.awareness, Checkpointing::On)
        .instances(FRAMEWORK, FRAMEWORK, INSTANCES);
    master_flags(&mut builder, setup.flags)?;
    builder.policy(FRAMEWORK, setup.choice.policy.clone());
    if let Some(every) = setup.reconcile {
        builder.policy(FRAMEWORK, PeriodicReconciliation::new(every));
    }
    let mut cluster = builder.build().map_err(|e| e.to_string())?;
    if setup.phase == Phase::BeforePing {
        cluster
            .advance_to_next_ping("a1")
            .map_err(|e| e.to_string())?;
    }
    let began = cluster.now();
    let first = cluster.trace().len();
    cluster.partition("a1").map_err(|e| e.to_string())?;
    cluster.advance(setup.length);
    let healed = cluster.now();
    if !setup.no_return {
        // An agent shut down for good does not come back: that is part of the answer.
        let _ = cluster.reconnect("a1");
    }
    cluster.advance_to(healed + AFTERWARDS);
    cluster.settle();
    if let Some(why) = cluster.runaway() {
        return Err(why.to_string());
    }
    let outcome = outcome(&cluster, began);
    Ok(Run {
        cluster,
        began,
        first,
        healed,
        outcome,
    })
}

fn outcome(cluster: &Cluster, began: Instant) -> Outcome {
    let now = cluster.now();
    let book = cluster
        .instances(FRAMEWORK)
        .expect("the framework runs instances");
    let history = cluster.running_history(FRAMEWORK);
    let ran: std::collections::BTreeSet<&str> =
        history.iter().map(|c| c.instance.as_str()).collect();
    let mut lost = 0;
    for (instance, copy) in book.copies() {
        let started = copy.launched_at().is_some() && ran.contains(instance.name());
        let runs = copy
            .host()
            .and_then(|h| cluster.agent(h))
            .is_some_and(|a| a.runs_task(FRAMEWORK, copy.task()));
        if started && !runs && !cluster.killed_by_scheduler(FRAMEWORK, copy.task()) {
            lost += 1;
        }
    }
    let replaced = book
        .copies()
        .filter(|(_, c)| c.number() > 1 && c.launched_at().is_some())
        .count();
    let mut doubled = Duration::ZERO;
    let mut still_doubled = false;
    for instance in book.iter() {
        let copies = spans(copies_of(history, instance.name()));
        doubled += time_at_least(&copies, 2, now);
        still_doubled |= copies.last().is_some_and(|s| s.value >= 2);
    }
    let running = spans(instances_running(history));
    let total = book.len() as u32;
    let gap = running
        .iter()
        .filter(|s| s.value < total && s.to.is_none_or(|t| t > began))
        .fold(Duration::ZERO, |sum, s| sum + s.length(now));
    Outcome {
        lost,
        replaced,
        doubled,
        still_doubled,
        gap,
        still_short: running.last().is_some_and(|s| s.value < total),
    }
}

fn table(runs: &[((String, Version, Duration), Run)]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "What happens to a framework's {INSTANCES} instances, one per agent, when agent a1 is cut off, until {AFTERWARDS} after the heal. lost: tasks that stopped without the scheduler asking; \"and on\": still so at the end.\n"
    );
    let _ = writeln!(
        out,
        "| policy | Mesos | cut off for | lost | replaced | two copies for | capacity gap |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for ((name, version, length), run) in runs {
        let o = run.outcome;
        let _ = writeln!(
            out,
            "| {name} | {version} | {length} | {} | {} | {} | {} |",
            o.lost,
            o.replaced,
            o.doubled(),
            o.gap()
        );
    }
    out
}

fn narrate(name: &str, version: Version, length: Duration, run: &Run) -> String {
    let cluster = &run.cluster;
    let mut out = String::new();
    let policies = cluster.policies(FRAMEWORK).join(", and ");
    let _ = writeln!(
        out,
        "What if agent a1 is cut off from the master for {length} (Mesos {version}), and framework \"{FRAMEWORK}\" {policies} (`{name}`)?\n"
    );
    let _ = writeln!(
        out,
        "\"{FRAMEWORK}\" runs {INSTANCES} instances: {FRAMEWORK}-1 on a1, {FRAMEWORK}-2 on a2, {FRAMEWORK}-3 on a3.\n"
    );
    let _ = writeln!(out, "Timeline (from the cut):");
    let mut healed_shown = false;
    for entry in &cluster.trace()[run.first..] {
        if !healed_shown && entry.at >= run.healed {
            let _ = writeln!(
                out,
                "  {:>12}  the partition heals",
                (run.healed - run.began).to_string()
            );
            healed_shown = true;
        }
        let line = match &entry.event {
            TraceEvent::Master(Fact::AgentMarkedUnreachable { .. }) => {
                "the master marks a1 unreachable".to_string()
            }
            TraceEvent::Master(Fact::AgentRemoved { .. }) => "the master removes a1".to_string(),
            TraceEvent::Master(Fact::AgentReadmitted { .. } | Fact::AgentReconnected { .. }) => {
                "a1 reregisters".to_string()
            }
            TraceEvent::Agent(Fact::AgentShutDown { message, .. }) => {
                format!("a1 is told to shut down (\"{message}\") and kills its tasks")
            }
            TraceEvent::Agent(Fact::AgentTaskKilled { task, .. }) => format!("{task} is killed"),
            TraceEvent::Received {
                event: FrameworkEvent::Update(u),
                ..
            } if u.reason != Some(netsplit::model::Reason::Reconciliation)
                || u.state != netsplit::model::TaskState::Running =>
            {
                format!("\"{FRAMEWORK}\" receives {} for {}", u.state, u.task)
            }
            TraceEvent::Scheduler { what, .. } => format!("\"{FRAMEWORK}\" {what}"),
            _ => continue,
        };
        let _ = writeln!(out, "  {:>12}  {line}", (entry.at - run.began).to_string());
    }
    let o = run.outcome;
    let _ = writeln!(out, "\nOutcome ({} after the heal):", AFTERWARDS);
    let _ = writeln!(
        out,
        "  tasks lost (stopped without the scheduler asking): {}",
        o.lost
    );
    let _ = writeln!(out, "  replacements launched: {}", o.replaced);
    let _ = writeln!(
        out,
        "  two copies of an instance ran at once for: {}",
        o.doubled()
    );
    let _ = writeln!(
        out,
        "  fewer than {INSTANCES} instances ran for: {}",
        o.gap()
    );
    out
}
