//! A framework policy of your own, run against the Mesos model.
//!
//! Run it with `cargo run --example replace_after_policy` (libtest arguments go
//! after `--`). It registers a Given step that gives a framework the policy below,
//! and runs `examples/specs/replace-after.feature`, which mixes that step with the
//! built-in ones.
//!
//! The policy: replace a task that has been unreachable for a grace period, and
//! kill the old copy if it ever reports running again. The specs show what that
//! costs in each Mesos version: from 1.5 the old copy is killed the moment its
//! agent comes back; in 1.4 nobody tells the scheduler, and two copies run until
//! a reconciliation finds out.

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use netsplit::model::policy::{Action, Policy, Reading, Seen, View};
use netsplit::model::{Duration, Instant};
use netsplit::runner::Harness;
use netsplit::steps::StepError;
use netsplit::vocabulary::{self, MesosWorld};

/// Replaces a task unreachable for `grace`; kills a replaced copy that comes back.
#[derive(Clone, Debug)]
struct ReplaceAfter {
    grace: Duration,
    /// Instances whose newest copy is unreachable, and since when.
    away: BTreeMap<String, Instant>,
    /// Each timer's instance and the moment it went away.
    timers: Vec<(String, Instant)>,
    /// Copies replaced: if one reports running, it is killed.
    replaced: BTreeSet<String>,
}

impl ReplaceAfter {
    fn new(grace: Duration) -> ReplaceAfter {
        ReplaceAfter {
            grace,
            away: BTreeMap::new(),
            timers: Vec::new(),
            replaced: BTreeSet::new(),
        }
    }
}

impl Policy for ReplaceAfter {
    fn describe(&self) -> String {
        format!("replaces unreachable tasks after {}", self.grace)
    }

    fn on_event(&mut self, seen: &Seen<'_>, view: &View<'_>) -> Vec<Action> {
        match seen {
            Seen::Update(update) => {
                let Some(instance) = view.instance_of(&update.task) else {
                    return Vec::new();
                };
                let name = instance.name().to_string();
                let newest = instance.latest().is_some_and(|c| c.task() == update.task);
                match (Reading::of(update), newest) {
                    // An old copy is back: two copies must not run.
                    (Reading::Alive, false) if self.replaced.contains(&update.task) => {
                        vec![Action::Kill(update.task.clone())]
                    }
                    (Reading::Alive, true) => {
                        self.away.remove(&name);
                        Vec::new()
                    }
                    (Reading::Away, true) if !self.away.contains_key(&name) => {
                        self.away.insert(name.clone(), view.now());
                        self.timers.push((name, view.now()));
                        vec![Action::SetTimer {
                            after: self.grace,
                            tag: (self.timers.len() - 1) as u64,
                        }]
                    }
                    _ => Vec::new(),
                }
            }
            Seen::Timer(tag) => {
                let Some((name, since)) = self.timers.get(*tag as usize).cloned() else {
                    return Vec::new();
                };
                // Still away since the same moment: replace it.
                if self.away.get(&name) != Some(&since) {
                    return Vec::new();
                }
                self.away.remove(&name);
                let old = view
                    .instances()
                    .find(|i| i.name() == name)
                    .and_then(|i| i.latest())
                    .map(|c| c.task().to_string());
                self.replaced.extend(old);
                vec![Action::Launch(name)]
            }
            _ => Vec::new(),
        }
    }
}

fn main() -> ExitCode {
    let registry = vocabulary::registry()
        .extend()
        .given(
            "{name} replaces unreachable tasks after {duration}",
            "\"zk\" replaces unreachable tasks after 2m",
            |world: &mut MesosWorld, args| {
                let (framework, grace) = (args.name(0), args.duration(1));
                let builder = world.setup()?;
                if !builder.has_framework(framework) {
                    return Err(StepError::failed(format!(
                        "there is no framework \"{framework}\"; declare it first"
                    )));
                }
                builder.policy(framework, ReplaceAfter::new(grace));
                Ok(())
            },
        )
        .build()
        .unwrap_or_else(|errors| panic!("the policy step does not fit the vocabulary: {errors:?}"));
    Harness::new(registry)
        .package_dir(env!("CARGO_MANIFEST_DIR"))
        .specs(["examples/specs/replace-after.feature"])
        .run()
}
