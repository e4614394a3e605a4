//! What a Then step may look at: the cluster as it stands now, and the events of its
//! window.
//!
//! The language's window rule (docs/language.md, section 5): a Then block looks at
//! what happened since the end of the previous Then block; `never` steps look at the
//! whole scenario. A [`Window`] is the only way a Then step sees events, and it is
//! made for one scope, so a step cannot read past its window by accident: the
//! trace, the framework inboxes and the agents' facts it hands out all start where
//! the scope starts. State as it stands now (the master's view, an agent's tasks,
//! metrics) has no window and is read through the same type.

use std::collections::BTreeMap;

use crate::model::RunningChange;
use crate::model::policy::Instances;
use crate::model::{
    Agent, AgentId, Cluster, Fact, Master, OperatorResponse, Received, TraceEntry, TraceEvent,
};
use crate::steps::StepError;
use crate::time::Instant;

use super::world::{Book, unknown_agent, unknown_framework};

/// Which events a Then step looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// What happened since the end of the previous Then block (or the Given steps):
    /// every Then step but the `never` ones.
    SinceLastThen,
    /// Everything since time 0: `never` steps, and the instants of the master's
    /// decisions, which steps name by when they happened.
    WholeScenario,
}

/// Where the current window starts: a position in the trace and in every inbox.
#[derive(Clone, Debug, Default)]
pub(super) struct Marks {
    pub(super) trace: usize,
    pub(super) inbox: BTreeMap<String, usize>,
}

impl Marks {
    /// Marks the end of everything that has happened so far.
    pub(super) fn now(cluster: &Cluster) -> Marks {
        Marks {
            trace: cluster.trace().len(),
            inbox: cluster
                .frameworks()
                .map(|f| (f.to_string(), cluster.inbox(f).len()))
                .collect(),
        }
    }
}

/// The cluster as a Then step sees it: state as it stands now, events of one scope.
/// [`MesosWorld::look`](super::MesosWorld::look) gives the window since the last Then
/// block; [`Window::whole_scenario`] widens it, for `never` steps.
#[derive(Clone, Copy)]
pub struct Window<'w> {
    cluster: &'w Cluster,
    marks: &'w Marks,
    scope: Scope,
    book: &'w Book,
}

impl<'w> Window<'w> {
    pub(super) fn new(cluster: &'w Cluster, marks: &'w Marks, book: &'w Book) -> Window<'w> {
        Window {
            cluster,
            marks,
            scope: Scope::SinceLastThen,
            book,
        }
    }

    /// The same cluster, with every event since time 0 in view.
    pub fn whole_scenario(&self) -> Window<'w> {
        Window {
            scope: Scope::WholeScenario,
            ..*self
        }
    }

    fn trace_start(&self) -> usize {
        match self.scope {
            Scope::SinceLastThen => self.marks.trace.min(self.cluster.trace().len()),
            Scope::WholeScenario => 0,
        }
    }

    /// The trace entries of the window, in order.
    pub fn trace(&self) -> &'w [TraceEntry] {
        &self.cluster.trace()[self.trace_start()..]
    }

    /// What `framework` received in the window; an error naming how to declare it
    /// when there is no such framework.
    pub fn inbox(&self, framework: &str) -> Result<&'w [Received], StepError> {
        if !self.cluster.has_framework(framework) {
            return Err(unknown_framework(framework));
        }
        let inbox = self.cluster.inbox(framework);
        let start = match self.scope {
            Scope::SinceLastThen => self.marks.inbox.get(framework).copied().unwrap_or(0),
            Scope::WholeScenario => 0,
        };
        Ok(&inbox[start.min(inbox.len())..])
    }

    /// What happened to the agent on `host` in the window: its own facts (told to shut
    /// down, gave up on the master, killed a task, ...), as the trace records them.
    pub fn agent_facts(&self, host: &'w str) -> impl Iterator<Item = (Instant, &'w Fact)> + 'w {
        self.trace().iter().filter_map(move |e| match &e.event {
            TraceEvent::Agent(fact) if fact_host(fact) == Some(host) => Some((e.at, fact)),
            _ => None,
        })
    }

    /// The master's decisions in the window, with their instants.
    pub fn master_facts(&self) -> impl Iterator<Item = (Instant, &'w Fact)> + 'w {
        self.trace().iter().filter_map(|e| match &e.event {
            TraceEvent::Master(fact) => Some((e.at, fact)),
            _ => None,
        })
    }

    /// The master as it stands now.
    pub fn master(&self) -> &'w Master {
        self.cluster.master()
    }

    /// The agent process on `host` as it stands now; an error naming how to declare
    /// it when there is no such agent.
    pub fn agent(&self, host: &str) -> Result<&'w Agent, StepError> {
        self.cluster.agent(host).ok_or_else(|| unknown_agent(host))
    }

    /// The ID the agent on `host` registered with.
    pub fn agent_id(&self, host: &str) -> Result<&'w AgentId, StepError> {
        self.cluster
            .agent_id(host)
            .ok_or_else(|| unknown_agent(host))
    }

    /// Every declared agent host, in declaration order.
    pub fn hosts(&self) -> impl Iterator<Item = &'w str> + 'w {
        self.cluster.hosts()
    }

    /// The operator's requests so far, with the master's answers.
    pub fn operator_responses(&self) -> &'w [OperatorResponse] {
        self.cluster.operator_responses()
    }

    /// The framework's book of instances: it must run instances or follow a
    /// policy.
    pub fn instances(&self, framework: &str) -> Result<&'w Instances, StepError> {
        if !self.cluster.has_framework(framework) {
            return Err(unknown_framework(framework));
        }
        self.cluster.instances(framework).ok_or_else(|| {
            StepError::failed(format!(
                "\"{framework}\" keeps no book of instances; give it a policy or instances, e.g. `Given \"{framework}\" runs 3 instances of \"node\"`"
            ))
        })
    }

    /// How many copies of each of the framework's instances the agents ran, over the
    /// whole scenario.
    pub fn running_history(&self, framework: &str) -> Result<&'w [RunningChange], StepError> {
        self.instances(framework)?;
        Ok(self.cluster.running_history(framework))
    }

    /// The cluster as it stands now.
    pub fn cluster(&self) -> &'w Cluster {
        self.cluster
    }

    /// The current instant.
    pub fn now(&self) -> Instant {
        self.cluster.now()
    }

    /// What the scenario's own steps recorded beside the cluster (which framework
    /// runs each task, when each partition began).
    pub(super) fn book(&self) -> &'w Book {
        self.book
    }
}

/// The agent host a fact of an agent is about.
pub(super) fn fact_host(fact: &Fact) -> Option<&str> {
    match fact {
        Fact::AgentGaveUpOnMaster { agent }
        | Fact::AgentForcedReregistration { agent }
        | Fact::AgentShutDown { agent, .. }
        | Fact::AgentRestarted { agent, .. }
        | Fact::AgentTaskKilled { agent, .. }
        | Fact::AgentFrameworkShutDown { agent, .. } => Some(&agent.host),
        Fact::AgentHostDied { host } => Some(host),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::steps::World;
    use crate::vocabulary::MesosWorld;

    #[test]
    fn the_first_then_window_holds_nothing_of_the_set_up_and_the_whole_scenario_does() {
        let mut world = MesosWorld::new();
        world.setup().unwrap().agent("a1");
        let window = world.look().unwrap();
        let seen: Vec<String> = window.trace().iter().map(|e| e.to_string()).collect();
        pretty_assertions::assert_eq!(seen, Vec::<String>::new());
        assert!(
            !window.whole_scenario().trace().is_empty(),
            "the set-up registers agent a1 at time 0"
        );
    }
}
