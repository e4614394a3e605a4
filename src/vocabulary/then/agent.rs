//! Then steps about an agent process: what happened to it in the window (told to
//! shut down, gave up on the master, killed a task) and what it runs now.

use crate::model::{AgentState, Endpoint, Fact, Message, TraceEvent};
use crate::steps::{Args, RegistryBuilder, StepError, Table, TableUse};
use crate::time::Instant;

use super::super::updates::compare_rows;
use super::super::window::Window;
use super::super::world::MesosWorld;
use super::{Claim, Observed, Polarity};

pub(super) fn steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
    let b = b
        .then(
            "agent {name} is shut down",
            "agent \"a1\" is shut down",
            |w, a| {
                let host = a.name(0);
                let agent = w.look()?.agent(host)?;
                StepError::check_eq(
                    format!("agent \"{host}\" is not shut down"),
                    &"Terminated".to_string(),
                    &format!("{:?}", agent.state()),
                )
            },
        )
        .then(
            "agent {name} is still running task {name}",
            "agent \"a1\" is still running task \"t1\"",
            |w, a| running(&w.look()?, a, Polarity::Affirmed),
        )
        .then(
            "agent {name} is no longer running task {name}",
            "agent \"a1\" is no longer running task \"t1\"",
            |w, a| running(&w.look()?, a, Polarity::Denied),
        )
        .then(
            "agent {name} sends these status updates:",
            "agent \"a1\" sends these status updates:",
            |w, a| {
                let host = a.name(0);
                let table = a.table().expect("the registry requires a table");
                let window = w.look()?;
                window.agent(host)?;
                sent_updates(&window, host, table)
            },
        )
        .table(TableUse::Required(&["task", "state", "at"]))
        .then(
            "agent {name} runs no tasks",
            "agent \"a1\" runs no tasks",
            |w, a| {
                let host = a.name(0);
                let agent = w.look()?.agent(host)?;
                let tasks: Vec<String> = agent
                    .running_tasks()
                    .into_iter()
                    .map(|t| t.to_string())
                    .collect();
                StepError::check_eq(
                    format!("agent \"{host}\" still runs tasks"),
                    &Vec::<String>::new(),
                    &tasks,
                )
            },
        );
    let b = Claim {
        affirm: (
            "agent {name} is told to shut down with {string}",
            "agent \"a1\" is told to shut down with \"Agent has been marked gone\"",
        ),
        deny: (
            "agent {name} is not told to shut down",
            "agent \"a1\" is not told to shut down",
        ),
        nothing: "(never told to shut down)",
        expected: |a| a.string(1).to_string(),
        observe: |window, a, polarity| {
            let host = a.name(0);
            window.agent(host)?;
            let told: Vec<String> = window
                .agent_facts(host)
                .filter_map(|(_, f)| match f {
                    Fact::AgentShutDown { message, .. } => Some(message.clone()),
                    _ => None,
                })
                .collect();
            let matching = match polarity {
                Polarity::Affirmed => told.iter().filter(|m| *m == a.string(1)).count(),
                Polarity::Denied => told.len(),
            };
            Ok(Observed {
                matching,
                seen: told,
            })
        },
    }
    .register(b);
    let b = Claim {
        affirm: (
            "task {name} is killed on agent {name}",
            "task \"t1\" is killed on agent \"a1\"",
        ),
        deny: (
            "task {name} is not killed on agent {name}",
            "task \"t1\" is not killed on agent \"a1\"",
        ),
        nothing: "(no task killed)",
        expected: |a| format!("killed {}", a.name(0)),
        observe: |window, a, _| {
            let (task, host) = (a.name(0), a.name(1));
            window.agent(host)?;
            let kills: Vec<(Instant, &str)> = window
                .agent_facts(host)
                .filter_map(|(at, f)| match f {
                    Fact::AgentTaskKilled { task: t, .. } => Some((at, t.as_str())),
                    _ => None,
                })
                .collect();
            Ok(Observed {
                matching: kills.iter().filter(|(_, t)| *t == task).count(),
                seen: kills
                    .iter()
                    .map(|(at, t)| format!("{at} killed {t}"))
                    .collect(),
            })
        },
    }
    .register(b);
    Claim {
        affirm: (
            "agent {name} has given up on the master",
            "agent \"a1\" has given up on the master",
        ),
        deny: (
            "agent {name} has not given up on the master",
            "agent \"a1\" has not given up on the master",
        ),
        nothing: "(never gave up: a ping arrived within every timeout)",
        expected: |_| "gave up on the master".to_string(),
        observe: |window, a, _| {
            let host = a.name(0);
            window.agent(host)?;
            let seen: Vec<String> = window
                .agent_facts(host)
                .filter(|(_, f)| matches!(f, Fact::AgentGaveUpOnMaster { .. }))
                .map(|(at, _)| format!("gave up at {at}"))
                .collect();
            Ok(Observed {
                matching: seen.len(),
                seen,
            })
        },
    }
    .register(b)
}

/// Compares the status updates the agent on `host` sent in the window (delivered
/// or lost on the way: retries count too) with a table of `task`, `state` and `at`
/// columns, in the order of its header.
fn sent_updates(window: &Window, host: &str, table: &Table) -> Result<(), StepError> {
    const COLUMNS: &[&str] = &["task", "state", "at"];
    let header = table.header().unwrap_or(&[]);
    if let Some(bad) = header.iter().find(|c| !COLUMNS.contains(&c.as_str())) {
        return Err(StepError::failed(format!(
            "`{bad}` is not a column of sent updates; use any of: {}",
            COLUMNS.join(", ")
        )));
    }
    let observed = window.trace().iter().filter_map(|entry| {
        let (TraceEvent::Sent {
            from: Endpoint::Agent(from),
            message: Message::StatusUpdate(update),
            ..
        }
        | TraceEvent::Dropped {
            from: Endpoint::Agent(from),
            message: Message::StatusUpdate(update),
            ..
        }) = &entry.event
        else {
            return None;
        };
        (from == host).then(|| {
            header
                .iter()
                .map(|column| match column.as_str() {
                    "task" => update.task.to_string(),
                    "state" => update.state.name().to_string(),
                    _ => entry.at.since_start().to_string(),
                })
                .collect()
        })
    });
    compare_rows(table, observed, || {
        format!("agent \"{host}\" sent other status updates (since the last check)")
    })
}

/// Whether the agent (`a.name(0)`) runs the task (`a.name(1)`) now, as the polarity
/// says it should.
fn running(window: &Window, a: &Args, polarity: Polarity) -> Result<(), StepError> {
    let (host, task) = (a.name(0), a.name(1));
    let agent = window.agent(host)?;
    let runs = agent.running_tasks().iter().any(|t| *t == task);
    let expected = polarity == Polarity::Affirmed;
    if runs == expected {
        return Ok(());
    }
    let tasks: Vec<String> = agent
        .running_tasks()
        .into_iter()
        .map(|t| t.to_string())
        .collect();
    let state = match agent.state() {
        AgentState::Running | AgentState::Disconnected => String::new(),
        other => format!(" (the agent is {other:?})"),
    };
    Err(StepError::mismatch(
        match polarity {
            Polarity::Affirmed => format!("agent \"{host}\" is not running task \"{task}\"{state}"),
            Polarity::Denied => format!("agent \"{host}\" is still running task \"{task}\""),
        },
        match polarity {
            Polarity::Affirmed => format!("running {task}"),
            Polarity::Denied => format!("not running {task}"),
        },
        if tasks.is_empty() {
            "(no tasks)".to_string()
        } else {
            format!("running {}", tasks.join(", "))
        },
    ))
}
