//! What frameworks receive: events in time order, no revived task, no TASK_LOST for
//! a partition-aware framework because of a partition, no update twice unless the
//! agent retried it, one answer per reconciliation.

use std::collections::{BTreeMap, BTreeSet};

use super::super::schedule::{Asks, FRAMEWORKS, Shape};
use crate::model::{
    Awareness, Checkpointing, Cluster, FrameworkEvent, Instant, Reason, Source, StatusUpdate,
    TaskState, Version,
};

use super::*;

impl Checker {
    // ----- What frameworks receive -----------------------------------------------

    pub(super) fn read_inboxes(
        &mut self,
        shape: &Shape,
        c: &Cluster,
        asks: &Asks,
    ) -> Result<(), Violation> {
        let now = c.now();
        if self.made_now.0 != now {
            self.made_now = (now, BTreeSet::new());
        }
        let mut answers: BTreeMap<(&str, String), usize> = BTreeMap::new();
        for framework in FRAMEWORKS {
            let inbox = c.inbox(framework);
            let start = self.inbox_done.insert(framework, inbox.len()).unwrap_or(0);
            for (i, r) in inbox.iter().enumerate().skip(start) {
                if i > 0 && inbox[i - 1].at > r.at {
                    return Err(broke(
                        Invariant::EventsInTimeOrder,
                        format!(
                            "{framework} received an event out of time order at {}",
                            r.at
                        ),
                    ));
                }
                let FrameworkEvent::Update(u) = &r.event else {
                    continue;
                };
                // Each source tells a task's life in order: an agent's updates for a
                // task are one FIFO stream, and the master's own follow its books. The
                // two interleave (rule E5: the master's copy on re-admission carries
                // the latest state, then the agent resends its older, unacknowledged
                // updates), and reconciliation answers repeat the last update
                // forwarded, so each source is checked on its own.
                let source = match (u.uuid, &u.agent, u.reason) {
                    (Some(_), Some(agent), _) => Some(agent.host.to_string()),
                    (_, _, Some(Reason::Reconciliation)) => None,
                    _ => Some("the master".to_string()),
                };
                if let Some(source) = source {
                    let key = (framework, source, u.task.to_string());
                    if u.state == TaskState::Running && self.finals.contains(&key) {
                        return Err(broke(
                            Invariant::NothingRunsAfterAFinalState,
                            format!(
                                "\"{framework}\" was told by {} that task \"{}\" is running at {} after a final state",
                                key.1, u.task, r.at
                            ),
                        ));
                    }
                    if is_final(u.state) {
                        self.finals.insert(key);
                    }
                }
                aware_lost(shape, framework, u, r.at)?;
                match (u.uuid, &u.agent) {
                    (Some(uuid), Some(agent)) => {
                        let key = (agent.host.to_string(), uuid);
                        let received = self.received_updates.entry(key.clone()).or_default();
                        *received += 1;
                        let sent = self.sent_updates.get(&key).copied().unwrap_or(0);
                        if *received > sent {
                            return Err(broke(
                                Invariant::UpdatesAreDeliveredOnceUnlessRetried,
                                format!(
                                    "\"{framework}\" received {} of task \"{}\" {} times at {}, but agent {} sent it {sent} times",
                                    u.state, u.task, received, r.at, agent.host
                                ),
                            ));
                        }
                        // The status-update manager sends a stream's next update only
                        // once the previous one is acknowledged, and never goes back.
                        let stream = (agent.host.to_string(), framework, u.task.to_string());
                        let head = self.stream_head.entry(stream).or_insert(uuid);
                        if uuid < *head {
                            return Err(broke(
                                Invariant::UpdatesAreDeliveredOnceUnlessRetried,
                                format!(
                                    "\"{framework}\" received an acknowledged update of task \"{}\" ({}) again at {}, after a later one",
                                    u.task, u.state, r.at
                                ),
                            ));
                        }
                        *head = uuid;
                    }
                    _ if u.reason == Some(Reason::Reconciliation)
                        && u.source == Some(Source::Master) =>
                    {
                        *answers.entry((framework, u.task.clone())).or_default() += 1;
                    }
                    _ => {
                        // Rule D5.4: updates the master makes are never retried.
                        let made = format!("{} {u:?}", r.at);
                        if !self.made_now.1.insert((framework, made)) {
                            return Err(broke(
                                Invariant::UpdatesAreDeliveredOnceUnlessRetried,
                                format!(
                                    "\"{framework}\" received the same {} of task \"{}\" twice at {}",
                                    u.state, u.task, r.at
                                ),
                            ));
                        }
                    }
                }
            }
        }
        // Rule H: each reconciliation answer is sent once, and only when asked.
        for ((framework, task), n) in answers {
            let asked = match asks {
                Asks::Tasks(f, t) => *f == framework && *t == task,
                Asks::Everything(f) => *f == framework,
                Asks::Nothing => false,
            };
            if !asked || n > 1 {
                return Err(broke(
                    Invariant::UpdatesAreDeliveredOnceUnlessRetried,
                    format!(
                        "\"{framework}\" received {n} reconciliation answer(s) for task \"{task}\" at {now} when {}",
                        match asked {
                            true => "it asked once",
                            false => "it did not ask about it",
                        }
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Invariant: from Mesos 1.1 a partition-aware framework hears TASK_UNREACHABLE, not
/// TASK_LOST, when a partition takes its task's agent away (D5.4, H2 row 4). It may
/// still get TASK_LOST for other causes, each a rule of its own.
pub(super) fn aware_lost(
    shape: &Shape,
    framework: &str,
    u: &StatusUpdate,
    at: Instant,
) -> Result<(), Violation> {
    let f = shape.framework(framework);
    let v = shape.version;
    if f.awareness != Awareness::PartitionAware
        || v < Version::new(1, 1, 0)
        || u.state != TaskState::Lost
    {
        return Ok(());
    }
    let message = u.message.as_deref().unwrap_or("");
    let allowed = match u.reason {
        // Rule B2: a broken connection loses the tasks of non-checkpointing frameworks.
        Some(Reason::AgentDisconnected) => f.checkpointing == Checkpointing::Off,
        // Rule L1: `removeSlave` sends TASK_LOST to every framework.
        Some(Reason::AgentRemoved) => {
            message.starts_with("Agent ") && message.contains(" removed: ")
        }
        // Rule L3: a disconnected driver answers a launch itself; TASK_DROPPED from 1.2.
        Some(Reason::MasterDisconnected) => v < Version::new(1, 2, 0),
        // Rule H4: 1.1 answered rows 3 and 6 with TASK_LOST to everyone.
        Some(Reason::Reconciliation) => {
            v < Version::new(1, 2, 0)
                && matches!(
                    message,
                    "Reconciliation: Task is unknown to the agent"
                        | "Reconciliation: Task is unknown"
                )
        }
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    Err(broke(
        Invariant::AwareFrameworksNeverLoseTasksToPartitions,
        format!(
            "partition-aware \"{framework}\" received TASK_LOST for task \"{}\" at {at} ({:?}: {message})",
            u.task, u.reason
        ),
    )
    .then(then_never_lost(framework)))
}
