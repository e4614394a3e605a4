//! Given steps of frameworks that act: the policies they follow, the instances they
//! run, and the room agents have for tasks.

use crate::model::policy::{
    MarathonUnreachable, PeriodicReconciliation, Policy, Relaunch, Returning, WaitThenReplace,
};
use crate::steps::{RegistryBuilder, StepError};
use crate::time::Duration;

use super::world::{MesosWorld, unknown_agent, unknown_framework};

/// Registers the Given steps of policies.
pub(super) fn steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
    b.given(
        "{name} relaunches lost tasks",
        "\"spark\" relaunches lost tasks",
        |w, a| replace_with(w, a.name(0), Relaunch::new(Returning::KeepRunning)),
    )
    .given(
        "{name} relaunches lost tasks and kills copies that come back",
        "\"spark\" relaunches lost tasks and kills copies that come back",
        |w, a| replace_with(w, a.name(0), Relaunch::new(Returning::Kill)),
    )
    .given(
        "{name} follows Marathon's unreachable strategy",
        "\"marathon\" follows Marathon's unreachable strategy",
        |w, a| replace_with(w, a.name(0), MarathonUnreachable::default()),
    )
    .given(
        "{name} follows Marathon's unreachable strategy with inactive after {duration} and expunge after {duration}",
        "\"marathon\" follows Marathon's unreachable strategy with inactive after 60s and expunge after 120s",
        |w, a| {
            let (inactive, expunge) = (a.duration(1), a.duration(2));
            if expunge < inactive {
                return Err(StepError::failed(format!(
                    "expunge after {expunge} is shorter than inactive after {inactive}; Marathon requires expunge after to be at least inactive after"
                )));
            }
            replace_with(w, a.name(0), MarathonUnreachable::new(inactive, expunge))
        },
    )
    .given(
        "{name} waits {duration} for an unreachable task before replacing it",
        "\"cassandra\" waits 10mins for an unreachable task before replacing it",
        |w, a| replace_with(w, a.name(0), WaitThenReplace::new(a.duration(1))),
    )
    .given(
        "{name} reconciles every {duration}",
        "\"cassandra\" reconciles every 5mins",
        |w, a| {
            let every = a.duration(1);
            if every < Duration::from_secs(1) {
                return Err(StepError::failed(format!(
                    "reconciling every {every} is too often; give an interval of at least 1s"
                )));
            }
            follow(w, a.name(0), PeriodicReconciliation::new(every))
        },
    )
    .given(
        "{name} runs {int} instances of {name}",
        "\"cassandra\" runs 3 instances of \"node\"",
        |w, a| {
            let (framework, name) = (a.name(0), a.name(2));
            let count = usize::try_from(a.int(1))
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .ok_or_else(|| {
                    StepError::failed(format!("{} instances: give a number from 1 to 100000", a.int(1)))
                })?;
            if !w.setup()?.has_framework(framework) {
                return Err(unknown_framework(framework));
            }
            for n in 1..=count {
                let task = format!("{name}-{n}");
                if w.book_mut().task_framework.contains_key(&task) {
                    return Err(StepError::failed(format!(
                        "task \"{task}\" is declared twice; name the instances differently"
                    )));
                }
                w.book_mut().task_framework.insert(task, framework.to_string());
            }
            w.setup()?.instances(framework, name, count);
            Ok(())
        },
    )
    .given(
        "agent {name} has room for {int} task(s)",
        "agent \"a1\" has room for 2 tasks",
        |w, a| {
            let host = a.name(0);
            let room = room(a.int(1))?;
            let builder = w.setup()?;
            if !builder.has_agent(host) {
                return Err(unknown_agent(host));
            }
            builder.capacity(host, room);
            Ok(())
        },
    )
    .given(
        "every agent has room for {int} task(s)",
        "every agent has room for 1 task",
        |w, a| {
            let room = room(a.int(0))?;
            let hosts = w.declared_agents();
            if hosts.is_empty() {
                return Err(StepError::failed(
                    "no agent is declared yet; declare the agents first, e.g. `Given 3 agents`",
                ));
            }
            let builder = w.setup()?;
            for host in hosts {
                builder.capacity(&host, room);
            }
            Ok(())
        },
    )
}

fn room(n: i64) -> Result<usize, StepError> {
    usize::try_from(n).map_err(|_| {
        StepError::failed(format!(
            "room for {n} tasks: give a whole number of at least 0"
        ))
    })
}

/// The framework replaces its tasks by the policy: one such policy per framework.
fn replace_with(
    w: &mut MesosWorld,
    framework: &str,
    policy: impl Policy + Clone + 'static,
) -> Result<(), StepError> {
    if let Some(already) = w.book_mut().replacing.get(framework) {
        return Err(StepError::failed(format!(
            "\"{framework}\" already {already}; a framework follows one policy for replacing its tasks (periodic reconciliation combines with it)"
        )));
    }
    follow(w, framework, policy.clone())?;
    w.book_mut()
        .replacing
        .insert(framework.to_string(), policy.describe());
    Ok(())
}

/// The framework follows the policy, beside any it follows already.
fn follow(
    w: &mut MesosWorld,
    framework: &str,
    policy: impl Policy + 'static,
) -> Result<(), StepError> {
    let builder = w.setup()?;
    if !builder.has_framework(framework) {
        return Err(unknown_framework(framework));
    }
    builder.policy(framework, policy);
    Ok(())
}
