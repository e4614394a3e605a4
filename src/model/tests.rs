//! Rule-by-rule tests of the model through the public `Cluster` API.
//!
//! Each test drives a small cluster and checks what frameworks received, what the
//! master believes, or what agents do, against `docs/model.md`.

use rstest::{fixture, rstest};
use test_case::test_case;

use super::*;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn at(s: u64) -> Instant {
    Instant::ZERO + secs(s)
}

/// One agent "a1", a partition-aware "cassandra" running "c1" and a
/// non-aware "spark" running "s1" on it.
fn cluster_with(version: &str, configure: impl FnOnce(&mut ClusterBuilder)) -> Cluster {
    let mut b = Cluster::builder();
    b.version(version.parse().unwrap())
        .agent("a1")
        .framework("cassandra", Awareness::PartitionAware, Checkpointing::On)
        .framework("spark", Awareness::NotAware, Checkpointing::On)
        .task("cassandra", "c1", "a1")
        .task("spark", "s1", "a1");
    configure(&mut b);
    b.build().unwrap()
}

#[fixture]
fn cluster() -> Cluster {
    cluster_with("1.12", |_| {})
}

fn updates(c: &Cluster, framework: &str) -> Vec<(Instant, String, TaskState, Option<Reason>)> {
    c.inbox(framework)
        .iter()
        .filter_map(|r| match &r.event {
            FrameworkEvent::Update(u) => Some((r.at, u.task.clone(), u.state, u.reason)),
            _ => None,
        })
        .collect()
}

fn lost_events(c: &Cluster, framework: &str) -> usize {
    c.inbox(framework)
        .iter()
        .filter(|r| matches!(r.event, FrameworkEvent::AgentLost { .. }))
        .count()
}

fn marked_unreachable_at(c: &Cluster) -> Option<Instant> {
    c.trace().iter().find_map(|e| match &e.event {
        TraceEvent::Master(Fact::AgentMarkedUnreachable { .. }) => Some(e.at),
        _ => None,
    })
}

fn status(c: &Cluster, host: &str) -> AgentStatus {
    c.master().agent_status(c.agent_id(host).unwrap())
}

fn metric(c: &Cluster, name: &str) -> i64 {
    c.master().metrics()[name]
}

// ----- Rule A: detection -------------------------------------------------------

/// Rule A5 swept over every phase of the ping grid: cut at `offset` after a ping
/// was answered, the verdict comes N*T to (N+1)*T after the cut.
#[rstest]
#[case(15, 5)]
#[case(10, 3)]
#[case(5, 1)]
#[case(30, 2)]
fn detection_delay_stays_within_n_to_n_plus_one_timeouts_for_every_ping_phase(
    #[case] timeout: u64,
    #[case] n: u64,
) {
    let step_ms = 1000.min(timeout * 1000 / 10);
    let mut offset_ms = 0;
    while offset_ms <= timeout * 1000 {
        let mut c = cluster_with("1.12", |b| {
            b.master_flag("agent_ping_timeout", &format!("{timeout}s"))
                .unwrap()
                .master_flag("max_agent_ping_timeouts", &n.to_string())
                .unwrap();
        });
        let cut = Instant::from_millis(offset_ms);
        c.advance_to(cut);
        c.partition("a1").unwrap();
        c.advance(secs((n + 2) * timeout));
        c.settle();
        let delay = marked_unreachable_at(&c).expect("marked unreachable") - cut;
        // A cut exactly at a ping instant loses that ping: the lower bound.
        // A cut right after the answered ping at 0 gives the upper bound.
        let expected = if offset_ms == 0 {
            secs((n + 1) * timeout)
        } else {
            secs((n + 1) * timeout) - Duration::from_millis(offset_ms)
        };
        pretty_assertions::assert_eq!(delay, expected, "cut at {cut}");
        assert!(delay >= secs(n * timeout) && delay <= secs((n + 1) * timeout));
        offset_ms += step_ms;
    }
}

#[rstest]
fn an_agent_answering_every_ping_stays_registered_for_a_day(mut cluster: Cluster) {
    cluster.advance(Duration::from_days(1));
    cluster.settle();
    pretty_assertions::assert_eq!(status(&cluster, "a1"), AgentStatus::Registered);
    pretty_assertions::assert_eq!(updates(&cluster, "spark"), vec![]);
}

#[rstest]
fn a_late_pong_resets_the_miss_counter(mut cluster: Cluster) {
    // Four pings unanswered, then the link heals: the agent is never marked.
    cluster.partition("a1").unwrap();
    cluster.advance(secs(70));
    cluster.heal("a1").unwrap();
    cluster.advance(secs(300));
    cluster.settle();
    pretty_assertions::assert_eq!(status(&cluster, "a1"), AgentStatus::Registered);
    pretty_assertions::assert_eq!(metric(&cluster, "master/slave_unreachable_scheduled"), 0);
}

/// Agents "a1" and "a2" cut off at once under a rate limit of one removal per
/// 10 minutes.
fn two_agents_cut_off_under_a_rate_limit() -> Cluster {
    let mut c = cluster_with("1.12", |b| {
        b.agent("a2")
            .master_flag("agent_removal_rate_limit", "1/10mins")
            .unwrap();
    });
    c.partition("a1").unwrap();
    c.partition("a2").unwrap();
    c
}

#[rstest]
fn a_pong_while_waiting_for_a_rate_limit_permit_cancels_the_transition() {
    // Both agents fail at once; a2's transition waits 10 minutes for a permit.
    let mut c = two_agents_cut_off_under_a_rate_limit();
    c.advance(secs(100));
    c.heal("a2").unwrap();
    c.advance(secs(60));
    c.settle();
    pretty_assertions::assert_eq!(status(&c, "a1"), AgentStatus::Unreachable);
    pretty_assertions::assert_eq!(status(&c, "a2"), AgentStatus::Registered);
    pretty_assertions::assert_eq!(metric(&c, "master/slave_unreachable_scheduled"), 2);
    pretty_assertions::assert_eq!(metric(&c, "master/slave_unreachable_completed"), 1);
    pretty_assertions::assert_eq!(metric(&c, "master/slave_unreachable_canceled"), 1);
}

#[rstest]
fn rate_limited_transitions_are_spaced_by_the_limit() {
    let mut c = two_agents_cut_off_under_a_rate_limit();
    c.advance(Duration::from_mins(30));
    let times: Vec<Instant> = c
        .trace()
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                TraceEvent::Master(Fact::AgentMarkedUnreachable { .. })
            )
        })
        .map(|e| e.at)
        .collect();
    pretty_assertions::assert_eq!(times, vec![at(90), at(90 + 600)]);
}

// ----- Rule D: marking unreachable ---------------------------------------------

#[rstest]
fn unreachable_agents_tasks_are_unreachable_for_aware_and_lost_for_other_frameworks(
    mut cluster: Cluster,
) {
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    pretty_assertions::assert_eq!(
        updates(&cluster, "cassandra"),
        vec![(
            at(90),
            "c1".into(),
            TaskState::Unreachable,
            Some(Reason::AgentRemoved)
        )]
    );
    pretty_assertions::assert_eq!(
        updates(&cluster, "spark"),
        vec![(
            at(90),
            "s1".into(),
            TaskState::Lost,
            Some(Reason::AgentRemoved)
        )]
    );
    pretty_assertions::assert_eq!(lost_events(&cluster, "cassandra"), 1);
    pretty_assertions::assert_eq!(lost_events(&cluster, "spark"), 1);
    pretty_assertions::assert_eq!(metric(&cluster, "master/tasks_unreachable"), 1);
    pretty_assertions::assert_eq!(metric(&cluster, "master/tasks_lost"), 1);
    pretty_assertions::assert_eq!(
        cluster.master().task_view("spark", "s1"),
        Some(TaskView::Unreachable(TaskState::Lost))
    );
}

#[rstest]
fn nothing_is_sent_to_an_agent_marked_unreachable(mut cluster: Cluster) {
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    let shutdowns = cluster
        .trace()
        .iter()
        .filter(|e| {
            matches!(
                &e.event,
                TraceEvent::Sent {
                    message: Message::Shutdown { .. },
                    ..
                } | TraceEvent::Dropped {
                    message: Message::Shutdown { .. },
                    ..
                }
            )
        })
        .count();
    pretty_assertions::assert_eq!(shutdowns, 0);
}

// ----- Rule E: coming back -----------------------------------------------------

#[test_case("1.4" => vec!["c1"] ; "1.4 kills non-aware tasks")]
#[test_case("1.5" => vec!["c1", "s1"] ; "1.5 keeps every task")]
#[test_case("1.12" => vec!["c1", "s1"] ; "1.12 keeps every task")]
fn tasks_left_running_after_an_unreachable_agent_returns(version: &str) -> Vec<String> {
    let mut c = cluster_with(version, |_| {});
    c.partition("a1").unwrap();
    c.advance(secs(100));
    c.reconnect("a1").unwrap();
    c.settle();
    c.agent("a1")
        .unwrap()
        .running_tasks()
        .into_iter()
        .map(|t| t.to_string())
        .collect()
}

#[rstest]
fn returning_agents_tasks_are_reported_reregistered_to_every_framework(mut cluster: Cluster) {
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    let before = cluster.inbox("spark").len();
    cluster.reconnect("a1").unwrap();
    let after: Vec<_> = updates(&cluster, "spark")
        .into_iter()
        .skip(before - 1)
        .map(|(_, task, state, reason)| (task, state, reason))
        .collect();
    pretty_assertions::assert_eq!(
        after,
        vec![(
            "s1".to_string(),
            TaskState::Running,
            Some(Reason::AgentReregistered)
        )]
    );
    pretty_assertions::assert_eq!(status(&cluster, "a1"), AgentStatus::Registered);
    pretty_assertions::assert_eq!(metric(&cluster, "master/slave_reregistrations"), 1);
}

#[test]
fn before_1_1_a_returning_agent_is_shut_down() {
    let mut c = cluster_with("1.0", |_| {});
    c.advance_to_next_ping("a1").unwrap();
    c.partition("a1").unwrap();
    c.advance(secs(80));
    c.reconnect("a1").unwrap();
    pretty_assertions::assert_eq!(c.agent("a1").unwrap().state(), AgentState::Terminated);
    let shut_down_with = c.trace().iter().find_map(|e| match &e.event {
        TraceEvent::Agent(Fact::AgentShutDown { message, .. }) => Some(message.clone()),
        _ => None,
    });
    pretty_assertions::assert_eq!(
        shut_down_with.as_deref(),
        Some("Agent attempted to re-register after removal")
    );
}

#[rstest]
fn a_blip_shorter_than_the_window_sends_no_updates(mut cluster: Cluster) {
    cluster.advance_to_next_ping("a1").unwrap();
    cluster.partition("a1").unwrap();
    cluster.advance(secs(60));
    cluster.reconnect("a1").unwrap();
    pretty_assertions::assert_eq!(updates(&cluster, "spark"), vec![]);
    pretty_assertions::assert_eq!(cluster.agent("a1").unwrap().running_tasks().len(), 2);
}

// ----- Rule B: disconnects ------------------------------------------------------

#[test]
fn a_broken_connection_loses_only_non_checkpointing_tasks() {
    let mut c = cluster_with("1.12", |b| {
        b.framework("web", Awareness::PartitionAware, Checkpointing::Off)
            .task("web", "w1", "a1");
    });
    c.break_connection("a1").unwrap();
    c.settle();
    pretty_assertions::assert_eq!(status(&c, "a1"), AgentStatus::Disconnected);
    pretty_assertions::assert_eq!(
        updates(&c, "web"),
        vec![(
            at(0),
            "w1".into(),
            TaskState::Lost,
            Some(Reason::AgentDisconnected)
        )]
    );
    pretty_assertions::assert_eq!(updates(&c, "spark"), vec![]);
    // The next ping carries connected=false and the agent reregisters (rule B4).
    c.advance(secs(20));
    c.settle();
    pretty_assertions::assert_eq!(status(&c, "a1"), AgentStatus::Registered);
}

// ----- Rule H: reconciliation ---------------------------------------------------

fn reconcile_answer(
    c: &mut Cluster,
    framework: &str,
    task: &str,
    on: ReconcileOn,
) -> Option<TaskState> {
    let before = updates(c, framework).len();
    c.reconcile(framework, task, on).unwrap();
    updates(c, framework).get(before).map(|u| u.2)
}

#[rstest]
fn reconciling_an_unreachable_task_needs_the_agent_id(mut cluster: Cluster) {
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    pretty_assertions::assert_eq!(
        reconcile_answer(&mut cluster, "cassandra", "c1", ReconcileOn::Agent("a1")),
        Some(TaskState::Unreachable)
    );
    pretty_assertions::assert_eq!(
        reconcile_answer(&mut cluster, "cassandra", "c1", ReconcileOn::AnyAgent),
        Some(TaskState::Unknown)
    );
    pretty_assertions::assert_eq!(
        reconcile_answer(&mut cluster, "spark", "s1", ReconcileOn::Agent("a1")),
        Some(TaskState::Lost)
    );
}

#[test_case("1.1" => Some(TaskState::Lost) ; "1.1 answers lost")]
#[test_case("1.4" => Some(TaskState::Unknown) ; "1.2 to 1.4 answer unknown")]
#[test_case("1.5" => Some(TaskState::Gone) ; "1.5 answers gone")]
fn an_unknown_task_on_a_registered_agent_is_answered_per_version(
    version: &str,
) -> Option<TaskState> {
    let mut c = cluster_with(version, |_| {});
    reconcile_answer(
        &mut c,
        "cassandra",
        "never-launched",
        ReconcileOn::Agent("a1"),
    )
}

// ----- Rule J, K, I --------------------------------------------------------------

#[rstest]
fn marking_a_registered_agent_gone_shuts_it_down(mut cluster: Cluster) {
    cluster.mark_gone("a1").unwrap();
    cluster.settle();
    pretty_assertions::assert_eq!(cluster.operator_responses()[0].status, 200);
    pretty_assertions::assert_eq!(status(&cluster, "a1"), AgentStatus::Gone);
    pretty_assertions::assert_eq!(cluster.agent("a1").unwrap().state(), AgentState::Terminated);
    pretty_assertions::assert_eq!(
        updates(&cluster, "cassandra")[0].2,
        TaskState::GoneByOperator
    );
    pretty_assertions::assert_eq!(updates(&cluster, "spark")[0].2, TaskState::Lost);
}

#[rstest]
fn an_agent_that_misses_the_reregister_timeout_after_failover_is_unreachable(mut cluster: Cluster) {
    cluster.host_dies("a1").unwrap();
    cluster.master_failover();
    cluster.advance(Duration::from_mins(11));
    cluster.settle();
    pretty_assertions::assert_eq!(status(&cluster, "a1"), AgentStatus::Unreachable);
    pretty_assertions::assert_eq!(metric(&cluster, "master/recovery_slave_removals"), 1);
}

#[test]
fn registry_gc_forgets_unreachable_agents_after_the_max_age() {
    let mut cluster = cluster_with("1.12", |b| {
        b.master_flag("registry_max_agent_age", "1h").unwrap();
    });
    cluster.partition("a1").unwrap();
    // Marked at 1m30s; older than 1h from 1h1m30s; the GC tick at 1h15m prunes it.
    cluster.advance(Duration::from_mins(74));
    cluster.settle();
    pretty_assertions::assert_eq!(status(&cluster, "a1"), AgentStatus::Unreachable);
    cluster.advance(Duration::from_mins(2));
    cluster.settle();
    pretty_assertions::assert_eq!(status(&cluster, "a1"), AgentStatus::Unknown);
    pretty_assertions::assert_eq!(metric(&cluster, "master/tasks_unreachable"), 0);
}

#[test]
fn the_same_inputs_give_the_same_trace() {
    let run = || {
        let mut c = cluster_with("1.12", |b| {
            b.seed(42);
        });
        c.partition("a1").unwrap();
        c.advance(secs(100));
        c.reconnect("a1").unwrap();
        c.trace().to_vec()
    };
    pretty_assertions::assert_eq!(run(), run());
}

// ----- More rules, one test each --------------------------------------------------

fn facts(c: &Cluster) -> Vec<String> {
    c.trace()
        .iter()
        .filter_map(|e| match &e.event {
            TraceEvent::Master(f) | TraceEvent::Agent(f) => Some(f.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_disconnected_agent_that_never_reregisters_is_marked_unreachable_after_the_reregister_timeout()
{
    // Rule B3: the agent answers pings but its reregistrations are lost.
    let mut c = cluster_with("1.12", |_| {});
    c.drop_kind(
        "a1",
        Direction::ToMaster,
        MessageKind::ReregisterAgent,
        Drops::All,
    )
    .unwrap();
    c.break_connection("a1").unwrap();
    c.advance(Duration::from_mins(10) + secs(1));
    c.settle();
    assert_eq!(status(&c, "a1"), AgentStatus::Unreachable);
    assert!(
        facts(&c)
            .iter()
            .any(|f| f.contains("agent did not reregister within 10mins after disconnecting")),
        "{:#?}",
        facts(&c)
    );
}

#[test]
fn before_1_5_a_shut_down_agent_comes_back_as_a_new_agent() {
    // Rule C7: 1.0 deletes the agent's ID on shutdown; 1.5 keeps it.
    for (version, incarnation) in [("1.0", 2), ("1.5", 1)] {
        let mut c = cluster_with(version, |_| {});
        c.schedule_maintenance("a1").unwrap();
        c.machine_down("a1").unwrap();
        c.settle();
        assert_eq!(c.agent("a1").unwrap().state(), AgentState::Terminated);
        c.restart("a1", WorkDir::Kept).unwrap();
        c.advance(secs(5));
        // The machine is down: the restarted agent is refused either way, but it
        // presents its old ID only from 1.5 on.
        let presented = c.trace().iter().rev().find_map(|e| match &e.event {
            TraceEvent::Dropped { message, .. } | TraceEvent::Sent { message, .. } => match message
            {
                Message::ReregisterAgent { agent, .. } => Some(agent.incarnation),
                Message::RegisterAgent { .. } => Some(incarnation),
                _ => None,
            },
            _ => None,
        });
        assert_eq!(presented, Some(incarnation), "Mesos {version}");
    }
}

#[rstest]
fn updates_from_an_unreachable_agent_are_dropped_and_retried(mut cluster: Cluster) {
    // Rule D7: the master drops them (invalid_status_updates) and sends no ack.
    // Only pongs are lost: the agent still hears pings and thinks it is connected
    // (rule C5) while the master marks it unreachable.
    cluster
        .drop_kind("a1", Direction::ToMaster, MessageKind::Pong, Drops::All)
        .unwrap();
    cluster.advance(secs(100));
    cluster.settle();
    assert_eq!(status(&cluster, "a1"), AgentStatus::Unreachable);
    cluster.task_finishes("s1").unwrap();
    cluster.advance(secs(30));
    assert!(metric(&cluster, "master/invalid_status_updates") >= 1);
    assert!(
        updates(&cluster, "spark")
            .iter()
            .all(|u| u.2 != TaskState::Finished)
    );
}

#[rstest]
fn killing_an_unreachable_task_reconciles_it_instead(mut cluster: Cluster) {
    // Rule D9.
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    let before = updates(&cluster, "cassandra").len();
    cluster.kill("cassandra", "c1", Some("a1")).unwrap();
    let answer = &updates(&cluster, "cassandra")[before];
    assert_eq!(
        (answer.2, answer.3),
        (TaskState::Unreachable, Some(Reason::Reconciliation))
    );
    cluster.reconnect("a1").unwrap();
    assert!(
        cluster
            .agent("a1")
            .unwrap()
            .running_tasks()
            .iter()
            .any(|t| *t == "c1")
    );
}

#[rstest]
fn reusing_the_id_of_an_unreachable_task_is_an_error(mut cluster: Cluster) {
    // Rule D10.
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    cluster.register_agent("a2").unwrap();
    let before = updates(&cluster, "cassandra").len();
    cluster.launch("cassandra", "c1", "a2").unwrap();
    let answer = &updates(&cluster, "cassandra")[before];
    assert_eq!(
        (answer.2, answer.3),
        (TaskState::Error, Some(Reason::TaskInvalid))
    );
}

#[rstest]
fn a_task_finished_during_the_partition_is_reported_twice_on_return(mut cluster: Cluster) {
    // Rule E5: the master's REASON_AGENT_REREGISTERED copy, then the agent's own update.
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    cluster.task_finishes("c1").unwrap();
    cluster.reconnect("a1").unwrap();
    cluster.advance(secs(1));
    let finished: Vec<_> = cluster
        .inbox("cassandra")
        .iter()
        .filter_map(|r| match &r.event {
            FrameworkEvent::Update(u) if u.state == TaskState::Finished => {
                Some((u.source, u.reason))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        finished,
        vec![
            (Some(Source::Master), Some(Reason::AgentReregistered)),
            (Some(Source::Executor), None)
        ]
    );
}

#[test]
fn a_launch_lost_in_flight_is_dropped_by_the_agent_when_it_reregisters() {
    // Rules G4 and E6: the master asks the reregistering agent about the task.
    let mut c = cluster_with("1.12", |_| {});
    c.drop_kind("a1", Direction::ToAgent, MessageKind::RunTask, Drops::Next)
        .unwrap();
    c.launch("cassandra", "c2", "a1").unwrap();
    c.redetect("a1").unwrap();
    c.advance(secs(5));
    let answer = updates(&c, "cassandra").into_iter().find(|u| u.1 == "c2");
    assert_eq!(
        answer.map(|u| (u.2, u.3)),
        Some((TaskState::Dropped, Some(Reason::Reconciliation)))
    );
}

#[rstest]
fn launching_on_an_unreachable_agent_uses_an_invalid_offer(mut cluster: Cluster) {
    // Rule G1.
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    let before = (
        updates(&cluster, "cassandra").len(),
        updates(&cluster, "spark").len(),
    );
    cluster.launch("cassandra", "c2", "a1").unwrap();
    cluster.launch("spark", "s2", "a1").unwrap();
    assert_eq!(
        updates(&cluster, "cassandra")[before.0].2,
        TaskState::Dropped
    );
    assert_eq!(updates(&cluster, "spark")[before.1].2, TaskState::Lost);
    assert_eq!(
        updates(&cluster, "spark")[before.1].3,
        Some(Reason::InvalidOffers)
    );
}

#[rstest]
fn implicit_reconciliation_leaves_out_unreachable_tasks(mut cluster: Cluster) {
    // Rule H1.
    cluster.register_agent("a2").unwrap();
    cluster.launch("cassandra", "c2", "a2").unwrap();
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    let before = updates(&cluster, "cassandra").len();
    cluster.reconcile_all("cassandra").unwrap();
    let answered: Vec<_> = updates(&cluster, "cassandra")[before..]
        .iter()
        .map(|u| u.1.clone())
        .collect();
    assert_eq!(answered, vec!["c2".to_string()]);
}

#[test]
fn an_agent_garbage_collected_from_the_registry_comes_back_as_unknown() {
    // Rule I4.
    let mut cluster = cluster_with("1.12", |b| {
        b.master_flag("registry_max_agent_age", "1h").unwrap();
    });
    cluster.partition("a1").unwrap();
    cluster.advance(Duration::from_mins(90));
    cluster.reconnect("a1").unwrap();
    assert!(
        facts(&cluster)
            .iter()
            .any(|f| f.contains("Re-admitted unknown agent a1"))
    );
    let last = cluster.inbox("spark").last().unwrap();
    let FrameworkEvent::Update(u) = &last.event else {
        panic!("an update")
    };
    assert_eq!(u.message.as_deref(), Some("Unknown agent reregistered"));
}

#[rstest]
fn marking_an_unreachable_agent_gone_completes_its_tasks_without_a_second_lost_event(
    mut cluster: Cluster,
) {
    // Rule J3.
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    cluster.mark_gone("a1").unwrap();
    cluster.settle();
    assert_eq!(
        updates(&cluster, "cassandra").last().unwrap().2,
        TaskState::GoneByOperator
    );
    assert_eq!(
        updates(&cluster, "spark").last().unwrap().2,
        TaskState::Lost
    );
    assert_eq!(lost_events(&cluster, "spark"), 1);
    assert_eq!(
        cluster.master().task_view("cassandra", "c1"),
        Some(TaskView::Completed(TaskState::GoneByOperator))
    );
}

#[rstest]
fn a_gone_agent_that_restarts_is_refused_every_time(mut cluster: Cluster) {
    // Rule J5.
    cluster.mark_gone("a1").unwrap();
    cluster.settle();
    cluster.restart("a1", WorkDir::Kept).unwrap();
    cluster.advance(secs(10));
    let refusals = facts(&cluster)
        .iter()
        .filter(|f| f.contains("shut down: Agent has been marked gone"))
        .count();
    assert_eq!(refusals, 2);
}

#[rstest]
fn an_unreachable_agent_returning_after_failover_keeps_non_aware_tasks_even_in_1_4() {
    // Rule K4.
    let mut c = cluster_with("1.4", |_| {});
    c.partition("a1").unwrap();
    c.advance(secs(100));
    c.master_failover();
    c.resubscribe("spark").unwrap();
    c.resubscribe("cassandra").unwrap();
    c.reconnect("a1").unwrap();
    assert_eq!(c.agent("a1").unwrap().running_tasks().len(), 2);
}

#[rstest]
fn a_graceful_shutdown_loses_every_task_for_every_framework(mut cluster: Cluster) {
    // Rule L1: TASK_LOST even for the partition-aware framework.
    cluster.shutdown_gracefully("a1").unwrap();
    cluster.settle();
    assert_eq!(updates(&cluster, "cassandra")[0].2, TaskState::Lost);
    assert_eq!(status(&cluster, "a1"), AgentStatus::Removed);
    assert_eq!(
        metric(&cluster, "master/slave_removals/reason_unregistered"),
        1
    );
}

#[rstest]
fn an_agent_restarted_with_an_empty_work_directory_replaces_the_old_one(mut cluster: Cluster) {
    // Rule L2: a new agent at the same address removes the disconnected old one.
    cluster.restart("a1", WorkDir::Wiped).unwrap();
    cluster.advance(secs(5));
    assert_eq!(cluster.agent_id("a1").unwrap().incarnation, 2);
    assert_eq!(status(&cluster, "a1"), AgentStatus::Registered);
    assert_eq!(
        metric(&cluster, "master/slave_removals/reason_registered"),
        1
    );
    assert_eq!(updates(&cluster, "cassandra")[0].2, TaskState::Lost);
}

#[rstest]
fn a_framework_removed_while_its_agent_is_unreachable_has_its_tasks_killed_on_return(
    mut cluster: Cluster,
) {
    // Rule L3.
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    cluster.teardown("spark").unwrap();
    cluster.reconnect("a1").unwrap();
    cluster.settle();
    let running: Vec<_> = cluster.agent("a1").unwrap().running_tasks();
    assert_eq!(running, vec!["c1"]);
    // The removed framework stays among the completed frameworks, with its task
    // completed as killed (PartitionTest.PartitionedSlaveOrphanedTask).
    assert_eq!(
        cluster.master().task_view("spark", "s1"),
        Some(TaskView::Completed(TaskState::Killed)),
        "the master remembers the removed framework's task as killed"
    );
}

// ----- Fast-forward is an optimisation, not a behaviour --------------------------

/// Runs the same random scenario with and without heartbeat fast-forward.
fn random_scenario(seed: u64, fast_forward: bool) -> (Vec<String>, Vec<String>, String) {
    let mut rng = super::rng::Rng::new(seed);
    let mut b = Cluster::builder();
    b.seed(seed)
        .agent("a1")
        .agent("a2")
        .agent("a3")
        .framework("cassandra", Awareness::PartitionAware, Checkpointing::On)
        .framework(
            "spark",
            Awareness::NotAware,
            match seed % 2 {
                0 => Checkpointing::On,
                _ => Checkpointing::Off,
            },
        )
        .task("cassandra", "c1", "a1")
        .task("spark", "s1", "a2")
        .task("spark", "s2", "a3")
        .fast_forward(match fast_forward {
            true => FastForward::On,
            false => FastForward::Off,
        });
    if seed % 3 == 0 {
        b.master_flag("agent_removal_rate_limit", "1/5mins")
            .unwrap();
    }
    let mut c = b.build().unwrap();
    let hosts = ["a1", "a2", "a3"];
    let mut launched = 0;
    for _ in 0..25 {
        let host = hosts[rng.up_to(2) as usize];
        match rng.up_to(11) {
            0..=3 => c.advance(Duration::from_millis(rng.up_to(30 * 60_000))),
            4 => c.partition(host).unwrap(),
            5 => c.heal(host).unwrap(),
            6 => c.break_connection(host).unwrap(),
            7 => {
                let _ = c.redetect(host);
            }
            8 => {
                launched += 1;
                let _ = c.launch("cassandra", &format!("x{launched}"), host);
            }
            9 => {
                let _ = c.reconcile("cassandra", "c1", ReconcileOn::Agent(host));
            }
            10 => {
                let _ = c.restart(host, WorkDir::Kept);
            }
            _ => c.heal_all(),
        }
    }
    // A long stretch with one agent cut off and the others quiet.
    c.heal_all();
    c.partition(hosts[(seed % 3) as usize]).unwrap();
    c.advance(Duration::from_hours(3));
    c.settle();
    let (trace, inboxes) = observed(&c, &["cassandra", "spark"]);
    let state = format!("{:?} {}", c.master().metrics(), c.heartbeats());
    (trace, inboxes, state)
}

/// The trace and the inboxes of `frameworks` as lines, for comparing two runs.
pub(super) fn observed(c: &Cluster, frameworks: &[&str]) -> (Vec<String>, Vec<String>) {
    let trace = c.trace().iter().map(|e| e.to_string()).collect();
    let inboxes = frameworks
        .iter()
        .flat_map(|f| {
            c.inbox(f)
                .iter()
                .map(move |r| format!("{f} {} {}", r.at, r.event))
        })
        .collect();
    (trace, inboxes)
}

#[rstest]
fn fast_forwarding_heartbeats_changes_nothing_but_speed(
    #[values(
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39
    )]
    seed: u64,
) {
    let slow = random_scenario(seed, false);
    let fast = random_scenario(seed, true);
    pretty_assertions::assert_eq!(slow, fast, "seed {seed}");
}

#[test]
fn two_quiet_weeks_take_few_model_events() {
    let mut c = cluster_with("1.12", |b| {
        b.agent("a2").agent("a3");
    });
    c.advance(Duration::from_days(14));
    c.settle();
    assert_eq!(status(&c, "a1"), AgentStatus::Registered);
    // A ping and a pong at 0s, then every 15s up to 14 days, for 3 agents, answered
    // without stepping each one.
    assert_eq!(c.heartbeats(), 2 * 3 * (1 + 14 * 24 * 60 * 4));
    // What remains is the registry GC every 15 minutes (1344 in two weeks) and setup.
    assert!(c.events_processed() < 1_400, "{}", c.events_processed());
}

#[test]
fn acknowledged_updates_leave_no_retry_timer_so_quiet_minutes_cost_no_events() {
    // Each agent's TASK_RUNNING update is acknowledged at once; its retry timer must
    // go with it, or a hundred no-op retries fire at 10s, each stopping the bulk
    // heartbeats. Until the first registry GC (15 minutes) nothing but heartbeats
    // happens, and those are applied in bulk.
    let mut b = Cluster::builder();
    b.framework("spark", Awareness::NotAware, Checkpointing::On);
    for i in 0..100 {
        let host = format!("a{i}");
        b.agent(&host).task("spark", &format!("t{i}"), &host);
    }
    let mut c = b.build().unwrap();
    let before = c.events_processed();
    // Not on a tick: ticks due at the very instant a step stands at are stepped.
    c.advance_to(Instant::ZERO + Duration::from_secs(14 * 60 + 5));
    c.settle();
    pretty_assertions::assert_eq!(c.events_processed() - before, 0);
    // 100 agents, a ping and a pong at 0 s and every 15 s up to 14m.
    pretty_assertions::assert_eq!(c.heartbeats(), 2 * 100 * (1 + 56));
}
