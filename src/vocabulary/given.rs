//! Given steps: they declare the cluster as it stands at time 0, filling the
//! world's [`ClusterBuilder`]; nothing runs until the first When or Then step.

use std::collections::BTreeMap;

use crate::model::{Awareness, Checkpointing, ClusterBuilder, Version};
use crate::steps::{RegistryBuilder, StepError, Table, TableUse};

use super::world::{MesosWorld, unknown_agent, unknown_framework};

/// Registers every Given step.
pub(super) fn steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
    b.given(
        "the master runs Mesos {version}",
        "the master runs Mesos 1.4",
        |w, a| {
            w.setup()?.version(*a.get::<Version>(0));
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
    .given(
        "an agent {name} that has not started yet",
        "an agent \"a4\" that has not started yet",
        |w, a| {
            let host = a.name(0);
            let builder = w.setup()?;
            if builder.has_agent(host) {
                return Err(StepError::failed(format!(
                    "agent \"{host}\" is declared twice"
                )));
            }
            builder.agent_starting_later(host);
            Ok(())
        },
    )
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
        declare_framework(w, a.name(0), Awareness::NotAware, Checkpointing::On)
    })
    .given(
        "a framework {name} that does not checkpoint",
        "a framework \"spark\" that does not checkpoint",
        |w, a| declare_framework(w, a.name(0), Awareness::NotAware, Checkpointing::Off),
    )
    .given(
        "a partition-aware framework {name}",
        "a partition-aware framework \"cassandra\"",
        |w, a| declare_framework(w, a.name(0), Awareness::PartitionAware, Checkpointing::On),
    )
    .given(
        "a partition-aware framework {name} that does not checkpoint",
        "a partition-aware framework \"cassandra\" that does not checkpoint",
        |w, a| declare_framework(w, a.name(0), Awareness::PartitionAware, Checkpointing::Off),
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
                .book_mut()
                .numbered_tasks
                .get(&framework)
                .copied()
                .unwrap_or(0);
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
            let hosts = w.declared_agents();
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
            if w.book_mut().task_framework.get(task).map(String::as_str) != Some(framework) {
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
    awareness: Awareness,
    checkpointing: Checkpointing,
) -> Result<(), StepError> {
    let builder = w.setup()?;
    if builder.has_framework(name) {
        return Err(StepError::failed(format!(
            "framework \"{name}\" is declared twice"
        )));
    }
    builder.framework(name, awareness, checkpointing);
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
    if w.book_mut().task_framework.contains_key(task) {
        return Err(StepError::failed(format!(
            "task \"{task}\" is declared twice; task names must be unique in a scenario"
        )));
    }
    w.setup()?.task(framework, task, host);
    let book = w.book_mut();
    book.task_framework
        .insert(task.to_string(), framework.to_string());
    if task.starts_with(framework) && task[framework.len()..].starts_with('-') {
        *book
            .numbered_tasks
            .entry(framework.to_string())
            .or_default() += 1;
    }
    Ok(())
}

/// The rows of a table as maps from header to cell, checking the header.
pub(super) fn rows_with_header(
    table: &Table,
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
