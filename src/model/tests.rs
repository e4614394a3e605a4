//! Rule-by-rule tests of the model through the public `Cluster` API.
//!
//! Each test drives a small cluster and checks what frameworks received, what the
//! master believes, or what agents do, against `mesos-model.md`.

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
        .framework("cassandra", true, true)
        .framework("spark", false, true)
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

#[rstest]
fn a_pong_while_waiting_for_a_rate_limit_permit_cancels_the_transition() {
    let mut c = cluster_with("1.12", |b| {
        b.agent("a2")
            .master_flag("agent_removal_rate_limit", "1/10mins")
            .unwrap();
    });
    // Both agents fail at once; a2's transition waits 10 minutes for a permit.
    c.partition("a1").unwrap();
    c.partition("a2").unwrap();
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
    let mut c = cluster_with("1.12", |b| {
        b.agent("a2")
            .master_flag("agent_removal_rate_limit", "1/10mins")
            .unwrap();
    });
    c.partition("a1").unwrap();
    c.partition("a2").unwrap();
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
        .cloned()
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
        b.framework("web", true, false).task("web", "w1", "a1");
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
    host: Option<&str>,
) -> Option<TaskState> {
    let before = updates(c, framework).len();
    c.reconcile(framework, task, host, false).unwrap();
    updates(c, framework).get(before).map(|u| u.2)
}

#[rstest]
fn reconciling_an_unreachable_task_needs_the_agent_id(mut cluster: Cluster) {
    cluster.partition("a1").unwrap();
    cluster.advance(secs(100));
    pretty_assertions::assert_eq!(
        reconcile_answer(&mut cluster, "cassandra", "c1", Some("a1")),
        Some(TaskState::Unreachable)
    );
    pretty_assertions::assert_eq!(
        reconcile_answer(&mut cluster, "cassandra", "c1", None),
        Some(TaskState::Unknown)
    );
    pretty_assertions::assert_eq!(
        reconcile_answer(&mut cluster, "spark", "s1", Some("a1")),
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
    reconcile_answer(&mut c, "cassandra", "never-launched", Some("a1"))
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

#[rstest]
fn registry_gc_forgets_unreachable_agents_after_the_max_age(mut cluster: Cluster) {
    cluster.partition("a1").unwrap();
    cluster.advance(Duration::from_days(14) + Duration::from_mins(30));
    cluster.settle();
    pretty_assertions::assert_eq!(status(&cluster, "a1"), AgentStatus::Removed);
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
