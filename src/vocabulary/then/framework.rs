//! Then steps about what a framework received: status updates, agents lost,
//! executors lost.

use crate::model::{FrameworkEvent, Message, Reason, Source, TaskState, TraceEvent};
use crate::steps::{Args, RegistryBuilder, StepError, TableUse};
use crate::time::Instant;

use super::super::updates::{Expected, check_update_table, lines, updates_in};
use super::super::window::Window;
use super::super::world::MesosWorld;
use super::{Claim, Observed, Polarity};

pub(super) fn steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
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
            let window = w.look()?;
            let mut i = 3;
            let mut expected = Expected {
                state: Some(*a.get::<TaskState>(1)),
                tolerance: window.book().tolerance(),
                ..Expected::default()
            };
            if mask & 1 != 0 {
                expected.reason = Some(*a.get::<Reason>(i));
                i += 1;
            }
            if mask & 2 != 0 {
                expected.source = Some(*a.get::<Source>(i));
                i += 1;
            }
            if mask & 4 != 0 {
                expected.at = Some(Instant::ZERO + a.duration(i));
            }
            receives(&window, a.name(0), a.name(2), expected)
        });
    }
    let b = b
        .then(
            "{name} receives {state} for every task on agent {name}",
            "\"spark\" receives TASK_LOST for every task on agent \"a1\"",
            |w, a| {
                let (framework, state, host) = (a.name(0), *a.get::<TaskState>(1), a.name(2));
                let window = w.look()?;
                window.agent(host)?;
                let tasks: Vec<&str> = window
                    .book()
                    .task_framework
                    .iter()
                    .filter(|(_, f)| *f == framework)
                    .map(|(t, _)| t.as_str())
                    .filter(|t| on_agent(&window, t, host))
                    .collect();
                if tasks.is_empty() {
                    return Err(StepError::failed(format!(
                        "\"{framework}\" has no tasks on agent \"{host}\""
                    )));
                }
                let inbox = window.inbox(framework)?;
                let updates = updates_in(inbox);
                let all_told = tasks
                    .iter()
                    .all(|t| updates.iter().any(|(_, u)| u.task == *t && u.state == state));
                if all_told {
                    return Ok(());
                }
                Err(StepError::mismatch(
                    format!(
                        "\"{framework}\" did not receive {state} for every task on agent \"{host}\""
                    ),
                    tasks
                        .iter()
                        .map(|t| format!("{state} for task {t}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    lines(inbox),
                ))
            },
        )
        .then(
            "{name} receives these updates:",
            "\"spark\" receives these updates:",
            |w, a| {
                let framework = a.name(0);
                let table = a.table().expect("the registry requires a table");
                let window = w.look()?;
                check_update_table(framework, table, window.inbox(framework)?)
            },
        )
        .table(TableUse::Required(&["task", "state", "reason", "source", "at"]))
        .then(
            "{name} receives no updates",
            "\"spark\" receives no updates",
            |w, a| {
                let framework = a.name(0);
                let window = w.look()?;
                let inbox = window.inbox(framework)?;
                if updates_in(inbox).is_empty() {
                    return Ok(());
                }
                Err(StepError::mismatch(
                    format!("\"{framework}\" received updates"),
                    "(no updates)",
                    lines(inbox),
                ))
            },
        )
        .then(
            "{name} never receives {state}",
            "\"spark\" never receives TASK_LOST",
            |w, a| {
                let (framework, state) = (a.name(0), *a.get::<TaskState>(1));
                let whole = w.look()?.whole_scenario();
                let inbox = whole.inbox(framework)?;
                if updates_in(inbox).iter().any(|(_, u)| u.state == state) {
                    return Err(StepError::mismatch(
                        format!("\"{framework}\" received {state}"),
                        format!("no {state} at any time"),
                        lines(inbox),
                    ));
                }
                Ok(())
            },
        )
        .then(
            "{name} receives the error {string}",
            "\"spark\" receives the error \"Framework has been removed\"",
            |w, a| {
                let (framework, expected) = (a.name(0), a.string(1));
                let window = w.look()?;
                let errors: Vec<&str> = window
                    .inbox(framework)?
                    .iter()
                    .filter_map(|r| match &r.event {
                        FrameworkEvent::Error { message } => Some(message.as_str()),
                        _ => None,
                    })
                    .collect();
                if errors.contains(&expected) {
                    return Ok(());
                }
                Err(StepError::mismatch(
                    format!("\"{framework}\" did not receive the error \"{expected}\""),
                    expected.to_string(),
                    match errors.is_empty() {
                        true => "(no errors)".to_string(),
                        false => errors.join("\n"),
                    },
                ))
            },
        )
        .then(
            "{name} is told exactly once that agent {name} is lost",
            "\"spark\" is told exactly once that agent \"a1\" is lost",
            |w, a| {
                let (framework, host) = (a.name(0), a.name(1));
                let whole = w.look()?.whole_scenario();
                whole.agent(host)?;
                let observed = agents_lost(&whole, framework, host)?;
                if observed.matching == 1 {
                    return Ok(());
                }
                Err(StepError::mismatch(
                    format!(
                        "\"{framework}\" was not told exactly once that agent \"{host}\" is lost (told {} times)",
                        observed.matching
                    ),
                    format!("agent {host} lost, once"),
                    if observed.seen.is_empty() {
                        "(no agent-lost events)".to_string()
                    } else {
                        observed.seen.join("\n")
                    },
                ))
            },
        );
    let b = Claim {
        affirm: (
            "{name} is told that agent {name} is lost",
            "\"spark\" is told that agent \"a1\" is lost",
        ),
        deny: (
            "{name} is not told about agent {name}",
            "\"spark\" is not told about agent \"a1\"",
        ),
        nothing: "(no agent-lost events)",
        expected: |a| format!("agent {} lost", a.name(1)),
        observe: |window, a, _| {
            window.agent(a.name(1))?;
            agents_lost(window, a.name(0), a.name(1))
        },
    }
    .register(b);
    Claim {
        affirm: (
            "{name} is told that the executor of task {name} is lost",
            "\"spark\" is told that the executor of task \"t1\" is lost",
        ),
        deny: (
            "{name} is not told that the executor of task {name} is lost",
            "\"spark\" is not told that the executor of task \"t1\" is lost",
        ),
        nothing: "(nothing)",
        expected: |a| format!("executor of task {} lost", a.name(1)),
        observe: executors_lost,
    }
    .register(b)
}

/// Whether the framework received an update for `task` that `expected` describes.
fn receives(
    window: &Window,
    framework: &str,
    task: &str,
    expected: Expected,
) -> Result<(), StepError> {
    let inbox = window.inbox(framework)?;
    let found = updates_in(inbox)
        .into_iter()
        .any(|(r, u)| u.task == task && expected.matches(r, u));
    if found {
        return Ok(());
    }
    Err(StepError::mismatch(
        format!(
            "\"{framework}\" did not receive {} (updates since the last check shown)",
            expected.describe(task)
        ),
        expected.describe(task),
        lines(inbox),
    ))
}

/// The agent-lost events the framework received in the window: every one seen, and
/// how many were about the agent on `host`.
fn agents_lost(window: &Window, framework: &str, host: &str) -> Result<Observed, StepError> {
    let inbox = window.inbox(framework)?;
    let mut observed = Observed {
        matching: 0,
        seen: Vec::new(),
    };
    for r in inbox {
        if let FrameworkEvent::AgentLost { agent } = &r.event {
            observed.seen.push(format!("{} agent {agent} lost", r.at));
            if agent.host == host {
                observed.matching += 1;
            }
        }
    }
    Ok(observed)
}

/// The executor-lost events of `task` that the framework (`a.name(0)`) received in
/// the window.
fn executors_lost(window: &Window, a: &Args, _: Polarity) -> Result<Observed, StepError> {
    let (framework, task) = (a.name(0), a.name(1));
    let seen: Vec<String> = window
        .inbox(framework)?
        .iter()
        .filter_map(|r| match &r.event {
            FrameworkEvent::ExecutorLost { task: t, agent } if t == task => Some(format!(
                "{} executor of task {t} lost on agent {agent}",
                r.at
            )),
            _ => None,
        })
        .collect();
    Ok(Observed {
        matching: seen.len(),
        seen,
    })
}

/// Whether `task` is on the agent on `host`: where the master sent it at any time,
/// or where the agent runs it now.
fn on_agent(window: &Window, task: &str, host: &str) -> bool {
    let Some(framework) = window.book().task_framework.get(task) else {
        return false;
    };
    let sent_there = window.agent_id(host).is_ok_and(|id| {
        window
            .whole_scenario()
            .trace()
            .iter()
            .any(|e| match &e.event {
                TraceEvent::Sent {
                    message:
                        Message::RunTask {
                            framework: f,
                            task: t,
                        },
                    to,
                    ..
                } => f.id == *framework && t == task && to.to_string() == id.host,
                _ => false,
            })
    });
    sent_there
        || window
            .agent(host)
            .is_ok_and(|a| a.task_state(task).is_some())
}
