//! The built-in policies on hand-made books, and the cluster's driver on small
//! clusters: placement, naming, the record of running copies, validation.

use pretty_assertions::assert_eq;

use super::*;
use crate::model::message::AgentId;
use crate::model::status::{Reason, Source, TaskState};
use crate::model::{Checkpointing, Cluster, ClusterError};

fn at(s: u64) -> Instant {
    Instant::ZERO + Duration::from_secs(s)
}

/// A book with instance "n-1" whose copies are `tasks`, all launched on "a1" at 0s.
fn book(tasks: &[&str]) -> Instances {
    let mut book = Instances::default();
    for task in tasks {
        book.add_copy("n-1", task);
        book.launched(task, "a1", at(0));
    }
    book
}

fn update(task: &str, state: TaskState, reason: Option<Reason>, source: Source) -> StatusUpdate {
    StatusUpdate {
        task: task.to_string(),
        state,
        reason,
        source: Some(source),
        agent: Some(AgentId {
            host: "a1".into(),
            incarnation: 1,
        }),
        unreachable_time: (state == TaskState::Unreachable).then_some(at(90)),
        message: None,
        uuid: None,
    }
}

fn lost(task: &str) -> StatusUpdate {
    update(
        task,
        TaskState::Lost,
        Some(Reason::AgentRemoved),
        Source::Master,
    )
}

fn unreachable(task: &str) -> StatusUpdate {
    update(
        task,
        TaskState::Unreachable,
        Some(Reason::AgentRemoved),
        Source::Master,
    )
}

fn running(task: &str) -> StatusUpdate {
    update(
        task,
        TaskState::Running,
        Some(Reason::Reconciliation),
        Source::Master,
    )
}

fn ask(policy: &mut dyn Policy, book: &Instances, now: u64, seen: Seen<'_>) -> Vec<Action> {
    policy.on_event(&seen, &View::new(at(now), Awareness::PartitionAware, book))
}

#[test]
fn task_lost_from_the_master_for_a_lost_agent_reads_as_away_and_from_the_agent_as_ended() {
    assert_eq!(Reading::of(&lost("t")), Reading::Away);
    let from_agent = update(
        "t",
        TaskState::Lost,
        Some(Reason::Reconciliation),
        Source::Agent,
    );
    assert_eq!(Reading::of(&from_agent), Reading::Ended);
    let refused = update(
        "t",
        TaskState::Lost,
        Some(Reason::InvalidOffers),
        Source::Master,
    );
    assert_eq!(Reading::of(&refused), Reading::Ended);
    assert_eq!(Reading::of(&unreachable("t")), Reading::Away);
}

#[test]
fn a_relauncher_relaunches_a_loss_once_however_often_it_is_reported() {
    let book = book(&["n-1"]);
    let mut policy = Relaunch::new(Returning::KeepRunning);
    let first = ask(&mut policy, &book, 90, Seen::Update(&lost("n-1")));
    let again = ask(&mut policy, &book, 300, Seen::Update(&lost("n-1")));
    assert_eq!(first, vec![Action::Launch("n-1".to_string())]);
    assert_eq!(again, Vec::new());
}

#[test]
fn a_relauncher_ignores_the_loss_of_a_copy_already_replaced() {
    let book = book(&["n-1", "n-1#2"]);
    let mut policy = Relaunch::new(Returning::KeepRunning);
    assert_eq!(
        ask(&mut policy, &book, 90, Seen::Update(&lost("n-1"))),
        Vec::new()
    );
}

#[test]
fn a_relauncher_that_kills_returning_copies_kills_a_replaced_copy_reported_running() {
    let mut policy = Relaunch::new(Returning::Kill);
    ask(&mut policy, &book(&["n-1"]), 90, Seen::Update(&lost("n-1")));
    let replaced = book(&["n-1", "n-1#2"]);
    let actions = ask(&mut policy, &replaced, 120, Seen::Update(&running("n-1")));
    assert_eq!(actions, vec![Action::Kill("n-1".to_string())]);
}

#[test]
fn marathon_does_not_replace_on_the_first_unreachable_update_only_on_a_repeat_past_inactive_after()
{
    let book = book(&["n-1"]);
    let mut marathon = MarathonUnreachable::new(Duration::from_secs(300), Duration::from_secs(600));
    // unreachable_time is 90s: 0s old at 90s, exactly 300s old at 390s (strict >).
    assert_eq!(
        ask(&mut marathon, &book, 90, Seen::Update(&unreachable("n-1"))),
        Vec::new()
    );
    assert_eq!(
        ask(&mut marathon, &book, 390, Seen::Update(&unreachable("n-1"))),
        Vec::new()
    );
    let later = ask(&mut marathon, &book, 391, Seen::Update(&unreachable("n-1")));
    assert_eq!(later, vec![Action::Launch("n-1".to_string())]);
}

#[test]
fn marathon_kills_a_task_it_does_not_know_that_reports_running() {
    let book = book(&["n-1"]);
    let mut marathon = MarathonUnreachable::default();
    let actions = ask(&mut marathon, &book, 10, Seen::Update(&running("stranger")));
    assert_eq!(actions, vec![Action::Kill("stranger".to_string())]);
}

#[test]
fn marathon_replaces_a_task_reported_unknown_at_once() {
    let book = book(&["n-1"]);
    let mut marathon = MarathonUnreachable::default();
    let unknown = update(
        "n-1",
        TaskState::Unknown,
        Some(Reason::Reconciliation),
        Source::Master,
    );
    let actions = ask(&mut marathon, &book, 10, Seen::Update(&unknown));
    assert_eq!(actions, vec![Action::Launch("n-1".to_string())]);
}

#[test]
fn marathon_expunges_an_inactive_task_and_then_kills_it_if_it_reports_running() {
    let mut book = book(&["n-1"]);
    let mut marathon = MarathonUnreachable::new(Duration::from_secs(60), Duration::from_secs(120));
    ask(&mut marathon, &book, 200, Seen::Update(&unreachable("n-1")));
    book.add_copy("n-1", "n-1#2");
    book.launched("n-1#2", "a2", at(200));
    // 211s - 90s > 120s: the expunge check forgets "n-1".
    ask(&mut marathon, &book, 211, Seen::Timer(1));
    let actions = ask(&mut marathon, &book, 220, Seen::Update(&running("n-1")));
    assert_eq!(actions, vec![Action::Kill("n-1".to_string())]);
}

#[test]
fn marathon_scale_check_kills_the_youngest_of_one_copy_too_many() {
    let mut book = book(&["n-1"]);
    book.add_copy("n-1", "n-1#2");
    book.launched("n-1#2", "a2", at(615));
    let mut marathon = MarathonUnreachable::default();
    let actions = ask(&mut marathon, &book, 915, Seen::Timer(2));
    assert_eq!(
        actions,
        vec![
            Action::Kill("n-1#2".to_string()),
            Action::SetTimer {
                after: Duration::from_secs(300),
                tag: 2
            }
        ]
    );
}

#[test]
fn waiting_policy_replaces_a_copy_gone_before_the_deadline_only_at_the_deadline() {
    let book = book(&["n-1"]);
    let mut wait = WaitThenReplace::new(Duration::from_secs(600));
    let armed = ask(&mut wait, &book, 90, Seen::Update(&unreachable("n-1")));
    assert_eq!(
        armed,
        vec![Action::SetTimer {
            after: Duration::from_secs(600),
            tag: 0
        }]
    );
    let gone = update(
        "n-1",
        TaskState::GoneByOperator,
        Some(Reason::AgentRemovedByOperator),
        Source::Master,
    );
    assert_eq!(ask(&mut wait, &book, 200, Seen::Update(&gone)), Vec::new());
    let at_deadline = ask(&mut wait, &book, 690, Seen::Timer(0));
    assert_eq!(at_deadline, vec![Action::Launch("n-1".to_string())]);
}

#[test]
fn waiting_policy_asks_again_at_the_deadline_and_replaces_on_a_gone_answer() {
    let book = book(&["n-1"]);
    let mut wait = WaitThenReplace::new(Duration::from_secs(600));
    ask(&mut wait, &book, 90, Seen::Update(&unreachable("n-1")));
    let asked = ask(&mut wait, &book, 690, Seen::Timer(0));
    assert_eq!(asked, vec![Action::Reconcile(vec!["n-1".to_string()])]);
    let gone = update(
        "n-1",
        TaskState::Gone,
        Some(Reason::Reconciliation),
        Source::Master,
    );
    assert_eq!(
        ask(&mut wait, &book, 690, Seen::Update(&gone)),
        vec![Action::Launch("n-1".to_string())]
    );
}

#[test]
fn waiting_policy_ignores_a_deadline_of_an_earlier_absence() {
    let book = book(&["n-1"]);
    let mut wait = WaitThenReplace::new(Duration::from_secs(600));
    ask(&mut wait, &book, 90, Seen::Update(&unreachable("n-1")));
    ask(&mut wait, &book, 150, Seen::Update(&running("n-1")));
    ask(&mut wait, &book, 400, Seen::Update(&unreachable("n-1")));
    // The timer of the first absence (tag 0) fires at 690s: the copy has been away
    // only since 400s.
    assert_eq!(ask(&mut wait, &book, 690, Seen::Timer(0)), Vec::new());
}

#[test]
fn periodic_reconciliation_asks_about_every_copy_not_terminal_then_about_all() {
    let mut book = book(&["n-1"]);
    book.add_copy("n-2", "n-2");
    book.launched("n-2", "a2", at(0));
    book.record(&lost("n-2"));
    let mut reconcile = PeriodicReconciliation::new(Duration::from_mins(5));
    let actions = ask(&mut reconcile, &book, 300, Seen::Timer(0));
    assert_eq!(
        actions,
        vec![
            Action::Reconcile(vec!["n-1".to_string()]),
            Action::ReconcileAll,
            Action::SetTimer {
                after: Duration::from_mins(5),
                tag: 0
            }
        ]
    );
}

#[test]
fn the_nth_copy_of_an_instance_is_named_after_it_with_its_number() {
    let mut book = Instances::default();
    assert_eq!(book.next_task_name("n-1"), "n-1");
    book.add_copy("n-1", "n-1");
    assert_eq!(book.next_task_name("n-1"), "n-1#2");
    book.add_copy("n-1", "n-1#2");
    assert_eq!(book.instance_of("n-1#2").map(Instance::name), Some("n-1"));
    assert_eq!(book.copy("n-1#2").map(Copy::number), Some(2));
}

fn three_agents() -> crate::model::ClusterBuilder {
    let mut builder = Cluster::builder();
    builder.agent("a2").agent("a1").agent("a3");
    builder
}

#[test]
fn instances_go_to_the_agent_with_fewest_of_the_framework_tasks_ties_by_host_name() {
    let mut builder = three_agents();
    builder
        .framework("fw", Awareness::PartitionAware, Checkpointing::On)
        .framework("other", Awareness::PartitionAware, Checkpointing::On)
        .task("other", "o1", "a1")
        .instances("fw", "n", 4);
    let cluster = builder.build().unwrap();
    let hosts: Vec<Option<&str>> = cluster
        .instances("fw")
        .unwrap()
        .iter()
        .map(|i| i.latest().and_then(Copy::host))
        .collect();
    // Another framework's task does not count; declaration order does not matter.
    assert_eq!(hosts, vec![Some("a1"), Some("a2"), Some("a3"), Some("a1")]);
}

#[test]
fn an_instance_without_an_agent_with_room_waits_and_is_not_launched() {
    let mut builder = three_agents();
    builder
        .capacity("a1", 1)
        .capacity("a2", 0)
        .capacity("a3", 1)
        .framework("fw", Awareness::PartitionAware, Checkpointing::On)
        .instances("fw", "n", 3);
    let cluster = builder.build().unwrap();
    let book = cluster.instances("fw").unwrap();
    let waiting: Vec<&str> = book
        .copies()
        .filter(|(_, c)| c.launched_at().is_none())
        .map(|(_, c)| c.task())
        .collect();
    assert_eq!(waiting, vec!["n-3"]);
}

#[test]
fn the_record_of_running_copies_starts_with_every_instance_at_time_zero() {
    let mut builder = three_agents();
    builder
        .framework("fw", Awareness::PartitionAware, Checkpointing::On)
        .instances("fw", "n", 2);
    let mut cluster = builder.build().unwrap();
    cluster.task_fails("n-1").unwrap();
    cluster.settle();
    let history: Vec<(String, u32)> = cluster
        .running_history("fw")
        .iter()
        .map(|c| (c.instance.clone(), c.copies))
        .collect();
    // The failure at 0s undoes the start at 0s: nothing is recorded for "n-1".
    assert_eq!(history, vec![("n-2".to_string(), 1)]);
}

#[test]
fn a_policy_or_instances_for_an_undeclared_framework_are_refused() {
    let mut builder = three_agents();
    builder.policy("ghost", Relaunch::new(Returning::KeepRunning));
    assert_eq!(
        builder.build().unwrap_err(),
        ClusterError::UnknownFramework("ghost".to_string())
    );
    let mut builder = three_agents();
    builder
        .framework("fw", Awareness::PartitionAware, Checkpointing::On)
        .task("fw", "n-1", "a1")
        .instances("fw", "n", 1);
    assert_eq!(
        builder.build().unwrap_err(),
        ClusterError::Duplicate {
            what: "task",
            name: "n-1".to_string()
        }
    );
}

/// Launches an instance "extra" 10s after it starts.
#[derive(Clone, Debug)]
struct LaunchLater;

impl Policy for LaunchLater {
    fn describe(&self) -> String {
        "launches an extra instance after 10s".to_string()
    }

    fn on_event(&mut self, seen: &Seen<'_>, _: &View<'_>) -> Vec<Action> {
        match seen {
            Seen::Started => vec![Action::SetTimer {
                after: Duration::from_secs(10),
                tag: 7,
            }],
            Seen::Timer(7) => vec![Action::Launch("extra".to_string())],
            _ => Vec::new(),
        }
    }
}

#[test]
fn a_launch_asked_for_while_the_scheduler_is_disconnected_waits_until_it_resubscribes() {
    let mut builder = three_agents();
    builder
        .framework("fw", Awareness::PartitionAware, Checkpointing::On)
        .failover_timeout("fw", Duration::from_hours(1))
        .policy("fw", LaunchLater);
    let mut cluster = builder.build().unwrap();
    cluster.advance(Duration::from_secs(5));
    cluster.disconnect("fw").unwrap();
    cluster.advance(Duration::from_secs(15));
    let waiting = cluster
        .instances("fw")
        .unwrap()
        .copy("extra")
        .unwrap()
        .launched_at();
    assert_eq!(waiting, None, "no offers while disconnected");
    cluster.resubscribe("fw").unwrap();
    cluster.settle();
    let copy = cluster.instances("fw").unwrap().copy("extra").unwrap();
    assert_eq!(copy.launched_at(), Some(at(20)));
    assert_eq!(copy.host(), Some("a1"));
    assert_eq!(cluster.agent("a1").unwrap().running_tasks(), vec!["extra"]);
}
