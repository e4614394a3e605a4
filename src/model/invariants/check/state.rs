//! The master's state: the registry's lists, the counters against the trace, the
//! books of tasks, and the master's terminal tasks against what agents run.

use std::collections::{BTreeMap, BTreeSet};

use super::super::schedule::{RateLimited, Shape};
use crate::model::metrics::COUNTERS;
use crate::model::{AgentId, AgentStatus, Books, Cluster, Instant, TaskView};

use super::*;

impl Checker {
    // ----- The master's state ----------------------------------------------------

    pub(super) fn registry(&mut self, c: &Cluster) -> Result<(), Violation> {
        let registry = c.master().registry();
        let admitted: BTreeSet<_> = registry.admitted.iter().collect();
        let unreachable: BTreeSet<_> = registry.unreachable.iter().map(|(a, _)| a).collect();
        let gone: BTreeSet<_> = registry.gone.iter().map(|(a, _)| a).collect();
        let disjoint = Invariant::RegistryListsDisjoint;
        if let Some(a) = admitted.intersection(&unreachable).next() {
            return Err(broke(
                disjoint,
                format!("agent {a} is both admitted and unreachable"),
            ));
        }
        if let Some(a) = admitted.intersection(&gone).next() {
            return Err(broke(
                disjoint,
                format!("agent {a} is both admitted and gone"),
            ));
        }
        if let Some(a) = unreachable.intersection(&gone).next() {
            return Err(broke(
                disjoint,
                format!("agent {a} is both unreachable and gone"),
            ));
        }
        self.gone.extend(gone.into_iter().cloned());
        for agent in &registry.admitted {
            if self.gone.contains(agent)
                && c.master().agent_status(agent) == AgentStatus::Registered
            {
                return Err(broke(
                    Invariant::GoneIsFinal,
                    format!("gone agent {agent} is registered again"),
                )
                .then(then_considers(&agent.host, AgentStatus::Gone)));
            }
        }
        Ok(())
    }

    pub(super) fn counters(&mut self, shape: &Shape, c: &Cluster) -> Result<(), Violation> {
        let master = c.master();
        let value = |name: &str| master.counter(name);
        self.counters.resize(COUNTERS.len(), 0);
        for (name, before) in COUNTERS.iter().zip(&mut self.counters) {
            let now = value(name);
            if now < *before {
                return Err(broke(
                    Invariant::CountersNeverGoDown,
                    format!("counter {name} went down from {before} to {now}"),
                ));
            }
            *before = now;
        }
        let agree = Invariant::MetricsAgreeWithTheTrace;
        // Rule A7: each scheduled transition is completed or canceled once, or still
        // waits for its permit; without a rate limit none waits.
        for family in [
            [
                "master/slave_unreachable_scheduled",
                "master/slave_unreachable_completed",
                "master/slave_unreachable_canceled",
            ],
            [
                "master/slave_shutdowns_scheduled",
                "master/slave_shutdowns_completed",
                "master/slave_shutdowns_canceled",
            ],
        ] {
            let scheduled = value(family[0]);
            let completed = value(family[1]);
            let canceled = value(family[2]);
            let settled = completed + canceled;
            let waiting_allowed = shape.rate_limited == RateLimited::Yes;
            if settled > scheduled || (!waiting_allowed && settled != scheduled) {
                return Err(broke(
                    agree,
                    format!(
                        "{} is {scheduled}, with {completed} completed and {canceled} canceled",
                        family[0].trim_start_matches("master/")
                    ),
                ));
            }
        }
        let expected = [
            ("master/slave_registrations", self.tally.registrations),
            ("master/slave_reregistrations", self.tally.reregistrations),
            ("master/slave_removals", self.tally.removals),
            (
                "master/slave_removals/reason_unhealthy",
                self.tally.unhealthy,
            ),
            (
                "master/recovery_slave_removals",
                self.tally.recovery_removals,
            ),
        ];
        for (name, counted) in expected {
            let reported = value(name);
            if reported != counted {
                let short = name.trim_start_matches("master/");
                return Err(broke(
                    agree,
                    format!("{short} is {reported}, but the trace shows {counted} since the master was elected"),
                )
                .then(then_metric(short, counted)));
            }
        }
        Ok(())
    }

    /// Every task is filed once: active on the agent whose table holds it (and only
    /// there), unreachable, or completed.
    pub(super) fn books(&mut self, books: &Books) -> Result<(), Violation> {
        let once = Invariant::TasksAreAccountedForOnce;
        let mut filed: BTreeMap<(&str, &str), &str> = BTreeMap::new();
        let lists = books
            .active
            .iter()
            .map(|(f, t, _)| (f, t, "active"))
            .chain(
                books
                    .unreachable
                    .iter()
                    .map(|(f, t, ..)| (f, t, "unreachable")),
            )
            .chain(books.completed.iter().map(|(f, t, _)| (f, t, "completed")));
        for (framework, task, list) in lists {
            if let Some(other) = filed.insert((framework, task), list) {
                return Err(broke(
                    once,
                    format!(
                        "the master files task \"{task}\" of \"{framework}\" as {other} and as {list}"
                    ),
                ));
            }
        }
        let tables: BTreeSet<(&AgentId, &str, &str)> = books
            .on_agents
            .iter()
            .map(|(a, f, t, _)| (a, f.as_str(), t.as_str()))
            .collect();
        let active: BTreeSet<(&AgentId, &str, &str)> = books
            .active
            .iter()
            .map(|(f, t, a)| (a, f.as_str(), t.as_str()))
            .collect();
        if let Some((agent, framework, task)) = tables.symmetric_difference(&active).next() {
            let (is, is_not) = match tables.contains(&(agent, framework, task)) {
                true => ("agent's table", "framework's active tasks"),
                false => ("framework's active tasks", "agent's table"),
            };
            return Err(broke(
                once,
                format!(
                    "task \"{task}\" of \"{framework}\" on agent {agent} is in the {is} but not in the {is_not}"
                ),
            ));
        }
        Ok(())
    }

    /// Invariant: no agent that is registered runs a task the master holds terminal,
    /// unless an update or order about it is on its way.
    pub(super) fn agreement(&mut self, c: &Cluster, books: &Books) -> Result<(), Violation> {
        let now = c.now();
        let master = c.master();
        // When each of the master's views became terminal, for as long as it stays so.
        let before = std::mem::take(&mut self.terminal_since);
        for (framework, task, view) in views(c, books) {
            if view.state().is_terminal() {
                let key = (framework, task);
                let since = before.get(&key).copied().unwrap_or(now);
                self.terminal_since.insert(key, since);
            }
        }
        for host in c.hosts() {
            let Some(agent) = c.agent(host).filter(|a| a.is_alive()) else {
                continue;
            };
            let Some(id) = agent.id() else { continue };
            if !matches!(
                master.agent_status(id),
                AgentStatus::Registered | AgentStatus::Disconnected
            ) {
                continue;
            }
            for (framework, task, state) in agent.tasks() {
                let key = (framework.to_string(), task.to_string());
                let Some(&since) = self.terminal_since.get(&key) else {
                    continue;
                };
                if state.is_terminal() {
                    continue;
                }
                // (a) the agent's own update is still unacknowledged;
                let pending = agent
                    .pending_updates()
                    .any(|u| u.framework == *framework && u.task == *task);
                // (b) an order about it was sent now and has not arrived yet;
                let on_its_way = self
                    .sent_now
                    .iter()
                    .any(|s| s.at == now && s.host == host && s.covers.contains(&key));
                // (c) an order about it was lost or ignored since (sent at most once);
                let lost = self
                    .lost_about(host, framework, task)
                    .is_some_and(|at| at >= since);
                // (d) rule B2.
                let abandoned = self.abandoned.contains(&key);
                if pending || on_its_way || lost || abandoned {
                    continue;
                }
                let view = master
                    .task_view(framework, task)
                    .map_or_else(|| "unknown".to_string(), |v| format!("{v:?}"));
                return Err(broke(
                    Invariant::AgentAndMasterAgreeOnFinishedTasks,
                    format!(
                        "task \"{task}\" of \"{framework}\" is {state} on agent {id}, but the master holds it as {view} since {since}, and no update or order about it is on its way"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The last instant an order about the task, on `host`, was lost or ignored.
    pub(super) fn lost_about(&self, host: &str, framework: &str, task: &str) -> Option<Instant> {
        [
            Order::Task(framework.to_string(), task.to_string()),
            Order::Framework(host.to_string(), framework.to_string()),
            Order::Agent(host.to_string()),
        ]
        .iter()
        .filter_map(|o| self.lost.get(o).copied())
        .max()
    }
}

/// Every task the master files, with where.
fn views(c: &Cluster, books: &Books) -> Vec<(String, String, TaskView)> {
    books
        .active
        .iter()
        .map(|(f, t, _)| (f, t))
        .chain(books.unreachable.iter().map(|(f, t, ..)| (f, t)))
        .chain(books.completed.iter().map(|(f, t, _)| (f, t)))
        .filter_map(|(f, t)| Some((f.to_string(), t.to_string(), c.master().task_view(f, t)?)))
        .collect()
}
