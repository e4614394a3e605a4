//! When steps: they drive the running cluster (time, partitions, restarts, the
//! frameworks' and the operator's calls); the first one after a Then block starts a
//! new window.

use crate::model::{Direction, Drops, MessageKind, ReconcileOn, WorkDir};
use crate::steps::{RegistryBuilder, StepError};
use crate::time::Instant;

use super::world::{MesosWorld, cluster_error};

/// Registers every When step.
pub(super) fn steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
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
                w.book_mut().partition_began.remove(a.name(0));
                Ok(())
            },
        )
        .when("the network heals", "the network heals", |w, _| {
            w.act()?.heal_all();
            w.book_mut().partition_began.clear();
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
            |w, a| {
                drop_kind(
                    w,
                    a.name(0),
                    Direction::ToMaster,
                    MessageKind::Pong,
                    Drops::All,
                )
            },
        )
        .when(
            "the next {message} from the master to agent {name} is dropped",
            "the next RunTask from the master to agent \"a1\" is dropped",
            |w, a| {
                drop_kind(
                    w,
                    a.name(1),
                    Direction::ToAgent,
                    *a.get::<MessageKind>(0),
                    Drops::Next,
                )
            },
        )
        .when(
            "the next {message} from agent {name} to the master is dropped",
            "the next ReregisterAgent from agent \"a1\" to the master is dropped",
            |w, a| {
                drop_kind(
                    w,
                    a.name(1),
                    Direction::ToMaster,
                    *a.get::<MessageKind>(0),
                    Drops::Next,
                )
            },
        )
        .when(
            "{message} messages from agent {name} to the master are dropped",
            "StatusUpdate messages from agent \"a1\" to the master are dropped",
            |w, a| {
                drop_kind(
                    w,
                    a.name(1),
                    Direction::ToMaster,
                    *a.get::<MessageKind>(0),
                    Drops::All,
                )
            },
        )
        .when(
            "{message} messages from the master to agent {name} are dropped",
            "Ping messages from the master to agent \"a1\" are dropped",
            |w, a| {
                drop_kind(
                    w,
                    a.name(1),
                    Direction::ToAgent,
                    *a.get::<MessageKind>(0),
                    Drops::All,
                )
            },
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
                w.book_mut().partition_began.remove(a.name(0));
                Ok(())
            },
        )
        .when("agent {name} restarts", "agent \"a1\" restarts", |w, a| {
            w.act()?
                .restart(a.name(0), WorkDir::Kept)
                .map_err(cluster_error)
        })
        .when(
            "agent {name} restarts with an empty work directory",
            "agent \"a1\" restarts with an empty work directory",
            |w, a| {
                w.act()?
                    .restart(a.name(0), WorkDir::Wiped)
                    .map_err(cluster_error)
            },
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
            "the operator schedules maintenance for the machine of agent {name}",
            "the operator schedules maintenance for the machine of agent \"a1\"",
            |w, a| {
                w.act()?
                    .schedule_maintenance(a.name(0))
                    .map_err(cluster_error)
            },
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
            if let Some(other) = w.book_mut().task_framework.get(task).filter(|f| *f != framework) {
                return Err(StepError::failed(format!(
                    "task \"{task}\" belongs to \"{other}\"; task names must be unique in a scenario"
                )));
            }
            w.act()?.launch(framework, task, a.name(2)).map_err(cluster_error)?;
            w.book_mut()
                .task_framework
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
                .reconcile(a.name(0), a.name(1), ReconcileOn::AnyAgent)
                .map_err(cluster_error)
        },
    )
    .when(
        "{name} reconciles task {name} on agent {name}",
        "\"spark\" reconciles task \"t1\" on agent \"a1\"",
        |w, a| {
            w.act()?
                .reconcile(a.name(0), a.name(1), ReconcileOn::Agent(a.name(2)))
                .map_err(cluster_error)
        },
    )
    .when(
        "{name} reconciles task {name} on an unknown agent",
        "\"spark\" reconciles task \"t1\" on an unknown agent",
        |w, a| {
            w.act()?
                .reconcile(a.name(0), a.name(1), ReconcileOn::UnknownAgent)
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
    drops: Drops,
) -> Result<(), StepError> {
    w.act()?
        .drop_kind(host, direction, kind, drops)
        .map_err(cluster_error)?;
    w.began_partition(host);
    Ok(())
}
