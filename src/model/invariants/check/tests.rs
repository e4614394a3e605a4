//! The invariants can fail: each is shown a cluster, or a record, that breaks it.
//! Some clusters are real and the checker is told a wrong shape (a rate limit that
//! is not there, a framework that checkpoints when it does not), so that the check
//! meets a situation the model never produces for the true shape.

use test_case::test_case;

use super::super::schedule::{FrameworkShape, RateLimited, Shape};
use super::inbox::aware_lost;
use super::*;
use crate::model::{Awareness, Books, Checkpointing, Duration, Instant};

fn framework(awareness: Awareness, checkpointing: Checkpointing) -> FrameworkShape {
    FrameworkShape {
        awareness,
        checkpointing,
    }
}

/// Two agents; "f1" partition-aware and checkpointing, "f2" plain and not
/// checkpointing; no registry latency, no rate limit.
fn shape() -> Shape {
    Shape {
        version: Version::LATEST,
        seed: 3,
        agents: 2,
        frameworks: [
            framework(Awareness::PartitionAware, Checkpointing::On),
            framework(Awareness::NotAware, Checkpointing::Off),
        ],
        registry_latency: Duration::ZERO,
        rate_limited: RateLimited::No,
    }
}

fn update(state: TaskState, reason: Reason, message: &str) -> StatusUpdate {
    StatusUpdate {
        task: "t1".to_string(),
        state,
        reason: Some(reason),
        source: Some(Source::Master),
        agent: None,
        unreachable_time: None,
        message: Some(message.to_string()),
        uuid: None,
    }
}

#[test_case(Reason::AgentRemoved, "health check timed out", "1.12" => false ; "a failed health check from 1.1")]
#[test_case(Reason::Reconciliation, "Reconciliation: Task is unreachable", "1.12" => false ; "reconciling a task on an unreachable agent")]
#[test_case(Reason::AgentRemoved, "Agent a1 removed: the agent unregistered", "1.12" => true ; "removeSlave")]
#[test_case(Reason::AgentDisconnected, "Agent a1 disconnected", "1.12" => false ; "a broken connection of a checkpointing framework")]
#[test_case(Reason::MasterDisconnected, "Master disconnected", "1.1" => true ; "a disconnected driver in 1.1")]
#[test_case(Reason::MasterDisconnected, "Master disconnected", "1.2" => false ; "a disconnected driver from 1.2")]
#[test_case(Reason::Reconciliation, "Reconciliation: Task is unknown", "1.1" => true ; "an unknown task in 1.1")]
#[test_case(Reason::AgentRemoved, "health check timed out", "1.0" => true ; "anything before 1.1")]
fn task_lost_reaches_a_partition_aware_framework_only_for_causes_other_than_partitions(
    reason: Reason,
    message: &str,
    version: &str,
) -> bool {
    let shape = Shape {
        version: version.parse().unwrap(),
        ..shape()
    };
    let lost = update(TaskState::Lost, reason, message);
    aware_lost(&shape, "f1", &lost, Instant::ZERO).is_ok()
}

#[test]
fn a_framework_that_does_not_checkpoint_may_lose_its_tasks_to_a_broken_connection() {
    let shape = Shape {
        frameworks: [
            framework(Awareness::PartitionAware, Checkpointing::Off),
            framework(Awareness::NotAware, Checkpointing::Off),
        ],
        ..shape()
    };
    let lost = update(
        TaskState::Lost,
        Reason::AgentDisconnected,
        "Agent a1 disconnected",
    );
    assert_eq!(aware_lost(&shape, "f1", &lost, Instant::ZERO), Ok(()));
}

/// The invariant a check of `checker_shape` finds broken on a cluster of `shape`
/// after `steps`, looking once at the end.
fn broken_after(
    shape: &Shape,
    checker_shape: &Shape,
    steps: impl FnOnce(&mut Cluster),
    asks: &Asks,
) -> Option<Invariant> {
    let mut c = shape.build();
    steps(&mut c);
    let mut checker = Checker::default();
    checker
        .event(checker_shape, &c, asks)
        .err()
        .map(|v| v.invariant)
}

#[test]
fn a_transition_waiting_for_its_permit_is_allowed_only_under_a_rate_limit() {
    let limited = Shape {
        rate_limited: RateLimited::Yes,
        ..shape()
    };
    let both_cut_off = |c: &mut Cluster| {
        c.partition("a1").unwrap();
        c.partition("a2").unwrap();
        // Both are scheduled at 90s; the second permit comes a minute later.
        c.advance(Duration::from_secs(100));
        c.settle();
    };
    assert_eq!(
        broken_after(&limited, &limited, both_cut_off, &Asks::Nothing),
        None
    );
    assert_eq!(
        broken_after(&limited, &shape(), both_cut_off, &Asks::Nothing),
        Some(Invariant::MetricsAgreeWithTheTrace)
    );
}

#[test]
fn only_a_framework_that_does_not_checkpoint_may_have_tasks_the_master_completed_behind_the_agents_back()
 {
    let break_a2 = |c: &mut Cluster| {
        // Past the instant of setup, whose messages (the launches) count as on their way.
        c.advance(Duration::from_secs(1));
        c.break_connection("a2").unwrap();
        c.settle();
    };
    // "t2" of "f2" (not checkpointing) runs on a2: rule B2 completes it as LOST.
    assert_eq!(
        broken_after(&shape(), &shape(), break_a2, &Asks::Nothing),
        None
    );
    let checkpointing = Shape {
        frameworks: [
            framework(Awareness::PartitionAware, Checkpointing::On),
            framework(Awareness::NotAware, Checkpointing::On),
        ],
        ..shape()
    };
    assert_eq!(
        broken_after(&shape(), &checkpointing, break_a2, &Asks::Nothing),
        Some(Invariant::AgentAndMasterAgreeOnFinishedTasks)
    );
}

#[test]
fn a_reconciliation_answer_nobody_asked_for_breaks_an_invariant() {
    let reconcile = |c: &mut Cluster| {
        c.reconcile("f1", "t1", crate::model::ReconcileOn::AnyAgent)
            .unwrap();
    };
    let asked = Asks::Tasks("f1", "t1".to_string());
    assert_eq!(broken_after(&shape(), &shape(), reconcile, &asked), None);
    assert_eq!(
        broken_after(&shape(), &shape(), reconcile, &Asks::Nothing),
        Some(Invariant::UpdatesAreDeliveredOnceUnlessRetried)
    );
}

#[test]
fn an_update_received_more_often_than_the_agent_sent_it_breaks_an_invariant() {
    let mut c = shape().build();
    c.task_finishes("t1").unwrap();
    c.settle();
    let mut checker = Checker::default();
    assert_eq!(checker.event(&shape(), &c, &Asks::Nothing), Ok(()));
    // The same delivery seen again: as if the master had forwarded it twice.
    checker.inbox_done.clear();
    checker.finals.clear();
    let again = checker.read_inboxes(&shape(), &c, &Asks::Nothing);
    assert_eq!(
        again.map_err(|v| v.invariant),
        Err(Invariant::UpdatesAreDeliveredOnceUnlessRetried)
    );
}

#[test]
fn an_agent_removed_twice_without_being_admitted_in_between_breaks_the_metrics_invariant() {
    let mut c = shape().build();
    c.partition("a1").unwrap();
    c.advance(Duration::from_secs(100));
    c.settle();
    let mut checker = Checker::default();
    assert_eq!(checker.event(&shape(), &c, &Asks::Nothing), Ok(()));
    // The removal read again: as if the master had marked a1 unreachable twice.
    let marked = c
        .trace()
        .iter()
        .position(|e| {
            matches!(
                e.event,
                TraceEvent::Master(Fact::AgentMarkedUnreachable { .. })
            )
        })
        .expect("a1 was marked unreachable");
    checker.trace_done = marked;
    let again = checker.read_trace(&shape(), &c);
    assert_eq!(
        again.map_err(|v| v.invariant),
        Err(Invariant::MetricsAgreeWithTheTrace)
    );
}

fn agent(host: &str) -> AgentId {
    AgentId {
        host: host.into(),
        incarnation: 1,
    }
}

#[test]
fn a_task_filed_as_both_active_and_completed_breaks_an_invariant() {
    let books = Books {
        on_agents: vec![(agent("a1"), "f1".into(), "t1".into(), TaskState::Running)],
        active: vec![("f1".into(), "t1".into(), agent("a1"))],
        completed: vec![("f1".into(), "t1".into(), TaskState::Finished)],
        ..Books::default()
    };
    assert_eq!(
        Checker::default().books(&books).map_err(|v| v.invariant),
        Err(Invariant::TasksAreAccountedForOnce)
    );
}

#[test]
fn a_task_in_an_agents_table_that_its_framework_does_not_list_breaks_an_invariant() {
    let books = Books {
        on_agents: vec![(agent("a1"), "f1".into(), "t1".into(), TaskState::Running)],
        active: vec![("f1".into(), "t1".into(), agent("a2"))],
        ..Books::default()
    };
    assert_eq!(
        Checker::default().books(&books).map_err(|v| v.invariant),
        Err(Invariant::TasksAreAccountedForOnce)
    );
}

#[test]
fn an_agent_still_cut_off_an_hour_later_breaks_the_settled_cluster_invariant() {
    let mut c = shape().build();
    c.partition("a1").unwrap();
    c.advance(Duration::from_hours(1));
    c.settle();
    let checker = Checker::default();
    assert_eq!(
        checker.settled(&c).map_err(|v| v.invariant),
        Err(Invariant::SettledClusterIsAccountedFor)
    );
    c.heal_all();
    c.advance(Duration::from_hours(1));
    c.settle();
    assert_eq!(checker.settled(&c), Ok(()));
}
