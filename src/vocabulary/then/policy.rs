//! Then steps about frameworks that act: how many of their tasks run, as the master
//! sees it and on the agents; which instances they replaced, where and when; whether
//! an instance ever ran twice at once; and how many instances ran over time.
//!
//! The last three look at the whole scenario, not at the window: they are about
//! what the agents ran from the end of setup until now.

use crate::model::TaskState;
use crate::model::policy::{Instance, Span, copies_of, instances_running, merge, spans};
use crate::steps::{RegistryBuilder, StepError};
use crate::time::{Duration, Instant};

use super::super::window::Window;
use super::super::world::MesosWorld;

pub(super) fn steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
    b.then(
        "{name} has {int} running task(s) as the master sees it",
        "\"cassandra\" has 3 running tasks as the master sees it",
        |w, a| {
            let framework = a.name(0);
            let window = w.look()?;
            let seen = running_at_master(&window, framework)?;
            check_count(
                format!(
                    "the master does not see {} running tasks of \"{framework}\"",
                    a.int(1)
                ),
                a.int(1),
                seen,
            )
        },
    )
    .then(
        "{name} has {int} running task(s) on the agents",
        "\"cassandra\" has 3 running tasks on the agents",
        |w, a| {
            let framework = a.name(0);
            let window = w.look()?;
            let seen = running_on_agents(&window, framework)?;
            check_count(
                format!(
                    "the agents do not run {} tasks of \"{framework}\"",
                    a.int(1)
                ),
                a.int(1),
                seen,
            )
        },
    )
    .then(
        "{name} replaced task {name} on agent {name} at {duration}",
        "\"spark\" replaced task \"t1\" on agent \"a2\" at 75s",
        |w, a| {
            let (framework, task, host, at) = (a.name(0), a.name(1), a.name(2), a.duration(3));
            let window = w.look()?;
            window.agent(host)?;
            let instance = instance_of(&window, framework, task)?;
            let seen = replacements(instance);
            let expected = format!("{} on agent {host} at {at}", "a new copy");
            let matched = instance.copies().iter().skip(1).any(|c| {
                c.host() == Some(host) && c.launched_at().map(Instant::since_start) == Some(at)
            });
            if matched {
                return Ok(());
            }
            Err(StepError::mismatch(
                format!(
                    "\"{framework}\" did not replace task \"{task}\" on agent \"{host}\" at {at}"
                ),
                expected,
                lines_or(seen, "(never replaced)"),
            ))
        },
    )
    .then(
        "{name} has not replaced task {name}",
        "\"cassandra\" has not replaced task \"node-1\"",
        |w, a| {
            let (framework, task) = (a.name(0), a.name(1));
            let window = w.look()?;
            let instance = instance_of(&window, framework, task)?;
            let seen = replacements(instance);
            if seen.is_empty() {
                return Ok(());
            }
            Err(StepError::mismatch(
                format!("\"{framework}\" replaced task \"{task}\""),
                "(never replaced)",
                seen.join("\n"),
            ))
        },
    )
    .then(
        "at most one copy of each instance of {name} ran at a time",
        "at most one copy of each instance of \"cassandra\" ran at a time",
        |w, a| {
            let framework = a.name(0);
            let window = w.look()?;
            let history = window.running_history(framework)?;
            let doubles: Vec<String> = window
                .instances(framework)?
                .iter()
                .flat_map(|i| {
                    let name = i.name();
                    spans(copies_of(history, name))
                        .into_iter()
                        .filter(|s| s.value >= 2)
                        .map(move |s| format!("{name}: {} copies {}", s.value, s.describe()))
                })
                .collect();
            if doubles.is_empty() {
                return Ok(());
            }
            Err(StepError::mismatch(
                format!("an instance of \"{framework}\" ran twice at once"),
                "(one copy at a time)",
                doubles.join("\n"),
            ))
        },
    )
    .then(
        "task {name} ran twice at once from {duration} to {duration}",
        "task \"t1\" ran twice at once from 75s to 80s",
        |w, a| {
            let (task, from, to) = (a.name(0), a.duration(1), a.duration(2));
            doubled(w, task, from, Until::At(to))
        },
    )
    .then(
        "task {name} ran twice at once from {duration} on",
        "task \"t1\" ran twice at once from 75s on",
        |w, a| doubled(w, a.name(0), a.duration(1), Until::Now),
    )
    .then(
        "task {name} began to run twice at once at {duration}",
        "task \"t1\" began to run twice at once at 75s",
        |w, a| doubled(w, a.name(0), a.duration(1), Until::Any),
    )
    .then(
        "{name} had {int} of {int} instances running from {duration} to {duration}",
        "\"cassandra\" had 2 of 3 instances running from 90s to 400s",
        |w, a| {
            capacity(
                w,
                a.name(0),
                (a.int(1), a.int(2)),
                a.duration(3),
                Some(a.duration(4)),
            )
        },
    )
    .then(
        "{name} had {int} of {int} instances running from {duration} on",
        "\"cassandra\" had 2 of 3 instances running from 90s on",
        |w, a| capacity(w, a.name(0), (a.int(1), a.int(2)), a.duration(3), None),
    )
    .then(
        "{name} had all its instances running throughout",
        "\"cassandra\" had all its instances running throughout",
        |w, a| {
            let framework = a.name(0);
            let window = w.look()?;
            let total = window.instances(framework)?.len() as u32;
            let spans = spans(instances_running(window.running_history(framework)?));
            let short: Vec<&Span> = spans
                .iter()
                .filter(|s| s.value < total && s.from.since_start() > Duration::ZERO)
                .collect();
            if short.is_empty() {
                return Ok(());
            }
            Err(StepError::mismatch(
                format!("\"{framework}\" did not have all {total} instances running throughout"),
                format!("{total} of {total} from 0s on"),
                describe_capacity(&spans, total),
            ))
        },
    )
}

/// The framework's tasks the master holds as TASK_RUNNING.
fn running_at_master(window: &Window, framework: &str) -> Result<i64, StepError> {
    window.inbox(framework)?;
    let master = window.master();
    let tasks = tasks_of(window, framework);
    Ok(tasks
        .iter()
        .filter(|t| {
            master
                .task_view(framework, t)
                .is_some_and(|v| matches!(v, crate::model::TaskView::Active(TaskState::Running)))
        })
        .count() as i64)
}

/// The framework's tasks that live agent processes run as TASK_RUNNING.
fn running_on_agents(window: &Window, framework: &str) -> Result<i64, StepError> {
    window.inbox(framework)?;
    let tasks = tasks_of(window, framework);
    let mut n = 0;
    for host in window.hosts() {
        let agent = window.agent(host)?;
        n += tasks
            .iter()
            .filter(|t| {
                agent.runs_task(framework, t) && agent.task_state(t) == Some(TaskState::Running)
            })
            .count() as i64;
    }
    Ok(n)
}

/// Every task of the framework the scenario knows: declared, launched by a step,
/// or launched by a policy.
fn tasks_of(window: &Window, framework: &str) -> Vec<String> {
    let mut tasks: Vec<String> = window
        .book()
        .task_framework
        .iter()
        .filter(|(_, f)| *f == framework)
        .map(|(t, _)| t.clone())
        .collect();
    if let Some(book) = window.cluster().instances(framework) {
        tasks.extend(book.copies().map(|(_, c)| c.task().to_string()));
    }
    tasks.sort();
    tasks.dedup();
    tasks
}

fn check_count(message: String, expected: i64, seen: i64) -> Result<(), StepError> {
    match expected == seen {
        true => Ok(()),
        false => Err(StepError::mismatch(
            message,
            expected.to_string(),
            seen.to_string(),
        )),
    }
}

/// The instance a task names: an instance's name, or one of its copies.
fn instance_of<'w>(
    window: &Window<'w>,
    framework: &str,
    task: &str,
) -> Result<&'w Instance, StepError> {
    let book = window.instances(framework)?;
    book.get(task)
        .or_else(|| book.instance_of(task))
        .ok_or_else(|| {
            StepError::failed(format!(
                "\"{framework}\" has no instance or task \"{task}\"; its instances are {}",
                book.iter()
                    .map(|i| format!("\"{}\"", i.name()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// The copies after the first, a line each.
fn replacements(instance: &Instance) -> Vec<String> {
    instance
        .copies()
        .iter()
        .skip(1)
        .map(|c| match (c.host(), c.launched_at()) {
            (Some(host), Some(at)) => {
                format!("{} on agent {host} at {}", c.task(), at.since_start())
            }
            _ => format!("{} waiting for an agent with room", c.task()),
        })
        .collect()
}

fn lines_or(lines: Vec<String>, nothing: &str) -> String {
    match lines.is_empty() {
        true => nothing.to_string(),
        false => lines.join("\n"),
    }
}

/// Where a stretch a step names ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Until {
    /// At this time since the start.
    At(Duration),
    /// It lasts until now.
    Now,
    /// Wherever it ends.
    Any,
}

fn doubled(w: &mut MesosWorld, task: &str, from: Duration, until: Until) -> Result<(), StepError> {
    let framework = w
        .look()?
        .book()
        .framework_of(task)
        .map(str::to_string)
        .or_else(|_| {
            // A copy a policy launched: find the framework whose book has it.
            let window = w.look()?;
            let cluster = window.cluster();
            cluster
                .frameworks()
                .find(|f| {
                    cluster
                        .instances(f)
                        .is_some_and(|b| b.instance_of(task).is_some())
                })
                .map(str::to_string)
                .ok_or_else(|| StepError::failed(format!("there is no task \"{task}\"")))
        })?;
    let window = w.look()?;
    let instance = instance_of(&window, &framework, task)?.name().to_string();
    let history = window.running_history(&framework)?;
    let all = spans(copies_of(history, &instance));
    let doubles = merge(all.iter().filter(|s| s.value >= 2));
    let expected = Span {
        from: Instant::ZERO + from,
        to: match until {
            Until::At(t) => Some(Instant::ZERO + t),
            Until::Now | Until::Any => None,
        },
        value: 2,
    };
    let matches =
        |s: &Span| s.from == expected.from && (until == Until::Any || s.to == expected.to);
    if doubles.iter().any(matches) {
        return Ok(());
    }
    let wanted = match until {
        Until::Any => format!("from {}", from),
        _ => expected.describe(),
    };
    Err(StepError::mismatch(
        format!("task \"{task}\" did not run twice at once {wanted}"),
        format!("two or more copies {wanted}"),
        lines_or(
            doubles
                .iter()
                .map(|s| format!("two or more copies {}", s.describe()))
                .collect(),
            "(one copy at a time)",
        ),
    ))
}

fn capacity(
    w: &mut MesosWorld,
    framework: &str,
    (running, of): (i64, i64),
    from: Duration,
    to: Option<Duration>,
) -> Result<(), StepError> {
    let window = w.look()?;
    let total = window.instances(framework)?.len() as u32;
    if i64::from(total) != of {
        return Err(StepError::failed(format!(
            "\"{framework}\" runs {total} instances, not {of}; write \"{running} of {total} instances\""
        )));
    }
    let spans = spans(instances_running(window.running_history(framework)?));
    let expected = Span {
        from: Instant::ZERO + from,
        to: to.map(|t| Instant::ZERO + t),
        value: running as u32,
    };
    if spans.contains(&expected) {
        return Ok(());
    }
    Err(StepError::mismatch(
        format!(
            "\"{framework}\" did not have {running} of {total} instances running {}",
            expected.describe()
        ),
        format!("{running} of {total} {}", expected.describe()),
        describe_capacity(&spans, total),
    ))
}

fn describe_capacity(spans: &[Span], total: u32) -> String {
    spans
        .iter()
        .map(|s| format!("{} of {total} {}", s.value, s.describe()))
        .collect::<Vec<_>>()
        .join("\n")
}
