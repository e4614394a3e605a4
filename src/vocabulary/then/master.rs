//! Then steps about the master: how it regards agents and tasks now, its metrics,
//! the instants of its decisions, and the answers to the operator's requests.

use std::fmt::Write as _;

use crate::model::{AgentStatus, Fact, TaskState};
use crate::steps::{RegistryBuilder, StepError, TableUse};
use crate::time::Instant;

use super::super::given::rows_with_header;
use super::super::updates::near;
use super::super::window::Window;
use super::super::world::MesosWorld;

pub(super) fn steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
    b.then(
        "the master considers agent {name} {agent-status}",
        "the master considers agent \"a1\" unreachable",
        |w, a| {
            let host = a.name(0);
            let window = w.look()?;
            // An agent that never registered has no ID: the master cannot know it.
            let observed = match window.agent_id(host) {
                Ok(id) => window.master().agent_status(id),
                Err(_) if window.agent(host).is_ok() => AgentStatus::Unknown,
                Err(error) => return Err(error),
            };
            StepError::check_eq(
                format!("the master's view of agent \"{host}\" differs"),
                &a.get::<AgentStatus>(1).name(),
                &observed.name(),
            )
        },
    )
    .then(
        "agent {name} is marked unreachable at {duration}",
        "agent \"a1\" is marked unreachable at 90s",
        |w, a| {
            let host = a.name(0);
            let expected = Instant::ZERO + a.duration(1);
            let window = w.look()?;
            let tolerance = window.book().tolerance();
            check_marked(&window, host, &format!("at {expected}"), |t| {
                near(t, expected, tolerance)
            })
        },
    )
    .then(
        "agent {name} is marked unreachable {duration} after the partition began",
        "agent \"a1\" is marked unreachable 75s after the partition began",
        |w, a| {
            let host = a.name(0);
            let window = w.look()?;
            let began = window.book().partition_began(host)?;
            let expected = began + a.duration(1);
            let tolerance = window.book().tolerance();
            check_marked(
                &window,
                host,
                &format!("{} after the partition began at {began}", a.duration(1)),
                |t| near(t, expected, tolerance),
            )
        },
    )
    .then(
        "agent {name} is marked unreachable between {duration} and {duration} after the partition began",
        "agent \"a1\" is marked unreachable between 75s and 90s after the partition began",
        |w, a| {
            let host = a.name(0);
            let window = w.look()?;
            let began = window.book().partition_began(host)?;
            let tolerance = window.book().tolerance();
            let (low, high) = (
                (began + a.duration(1)).saturating_sub_duration(tolerance),
                began + a.duration(2) + tolerance,
            );
            check_marked(
                &window,
                host,
                &format!(
                    "between {} and {} after the partition began at {began}",
                    a.duration(1),
                    a.duration(2)
                ),
                |t| low <= t && t <= high,
            )
        },
    )
    .then(
        "the master reports task {name} as {state}",
        "the master reports task \"t1\" as TASK_UNREACHABLE",
        |w, a| {
            let task = a.name(0);
            let window = w.look()?;
            let framework = window.book().framework_of(task)?;
            let observed = window
                .master()
                .task_view(framework, task)
                .map(|v| v.state().name().to_string())
                .unwrap_or_else(|| "(unknown to the master)".to_string());
            StepError::check_eq(
                format!("the master's state of task \"{task}\" differs"),
                &a.get::<TaskState>(1).name().to_string(),
                &observed,
            )
        },
    )
    .then(
        "the master does not know task {name}",
        "the master does not know task \"t1\"",
        |w, a| {
            let task = a.name(0);
            let window = w.look()?;
            let framework = window.book().framework_of(task)?;
            match window.master().task_view(framework, task) {
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
            let window = w.look()?;
            check_metrics(&window, &[(a.word(0).to_string(), a.int(1).to_string())])
        },
    )
    .then("the master's metrics are:", "the master's metrics are:", |w, a| {
        let table = a.table().expect("the registry requires a table");
        let rows: Vec<(String, String)> = rows_with_header(table, &["metric", "value"])?
            .into_iter()
            .map(|r| (r["metric"].clone(), r["value"].clone()))
            .collect();
        check_metrics(&w.look()?, &rows)
    })
    .table(TableUse::Required(&["metric", "value"]))
    .then(
        "the operator's request succeeds",
        "the operator's request succeeds",
        |w, _| operator_status(&w.look()?, 200),
    )
    .then(
        "the operator's request fails with {int}",
        "the operator's request fails with 503",
        |w, a| operator_status(&w.look()?, a.int(0)),
    )
}

/// Checks that the master marked the agent on `host` unreachable at an instant
/// that `ok` accepts. The steps name the instant, so they look at the whole
/// scenario.
fn check_marked(
    window: &Window,
    host: &str,
    expected: &str,
    ok: impl Fn(Instant) -> bool,
) -> Result<(), StepError> {
    window.agent(host)?;
    let observed: Vec<Instant> = window
        .whole_scenario()
        .master_facts()
        .filter_map(|(at, f)| match f {
            Fact::AgentMarkedUnreachable { agent, .. } if agent.host == host => Some(at),
            _ => None,
        })
        .collect();
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

fn check_metrics(window: &Window, rows: &[(String, String)]) -> Result<(), StepError> {
    let metrics = window.master().metrics();
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

fn operator_status(window: &Window, expected: i64) -> Result<(), StepError> {
    let Some(last) = window.operator_responses().last() else {
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
