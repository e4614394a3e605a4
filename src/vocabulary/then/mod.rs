//! Then steps: they look through a [`Window`] and never change the cluster.
//!
//! - `framework.rs`: what a framework received (updates, agents lost, executors lost);
//! - `agent.rs`: what happened to an agent process (told to shut down, gave up on the
//!   master, killed a task) and what it runs now;
//! - `master.rs`: the master's view (agents, tasks, metrics, the instants of its
//!   decisions) and the operator's answers;
//! - `policy.rs`: frameworks that act: running tasks, replacements, double runs,
//!   instances running over time.
//!
//! A step and its negation ("is told ..." / "is not told ...") come from one
//! [`Claim`]: one observation of the window, asserted or denied.

mod agent;
mod framework;
mod master;
mod policy;

use crate::steps::{Args, RegistryBuilder, StepError};

use super::window::Window;
use super::world::MesosWorld;

/// Registers every Then step.
pub(super) fn steps(b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
    policy::steps(master::steps(agent::steps(framework::steps(b))))
}

/// Which of a claim's two steps runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Polarity {
    /// The step that says it happened ("agent "a1" is told to shut down with ...").
    Affirmed,
    /// The step that says it did not ("agent "a1" is not told to shut down").
    Denied,
}

/// What a claim's observation found in the window.
pub(super) struct Observed {
    /// How many of the things seen are what the step names (all of them for a
    /// denial, which names no detail).
    pub(super) matching: usize,
    /// Everything seen that bears on the claim, a line each, for the diff.
    pub(super) seen: Vec<String>,
}

/// A Then step and its negation from one observation.
pub(super) struct Claim {
    /// The affirming step: pattern and example.
    pub(super) affirm: (&'static str, &'static str),
    /// The denying step: pattern and example. Its placeholders are the affirming
    /// step's first ones.
    pub(super) deny: (&'static str, &'static str),
    /// What the diff shows when nothing was seen (`(never told to shut down)`).
    pub(super) nothing: &'static str,
    /// What the affirming step expects to see, for the diff.
    pub(super) expected: fn(&Args) -> String,
    /// Looks at the window for what the step names.
    pub(super) observe: fn(&Window, &Args, Polarity) -> Result<Observed, StepError>,
}

impl Claim {
    /// Registers both steps of the claim.
    pub(super) fn register(self, b: RegistryBuilder<MesosWorld>) -> RegistryBuilder<MesosWorld> {
        let Claim {
            affirm,
            deny,
            nothing,
            expected,
            observe,
        } = self;
        b.then(affirm.0, affirm.1, move |w, a| {
            let window = w.look()?;
            let observed = observe(&window, a, Polarity::Affirmed)?;
            if observed.matching > 0 {
                return Ok(());
            }
            Err(StepError::mismatch(
                format!("not so since the last check: {}", a.text()),
                expected(a),
                shown(&observed.seen, nothing),
            ))
        })
        .then(deny.0, deny.1, move |w, a| {
            let window = w.look()?;
            let observed = observe(&window, a, Polarity::Denied)?;
            if observed.matching == 0 {
                return Ok(());
            }
            Err(StepError::mismatch(
                format!("not so since the last check: {}", a.text()),
                nothing.to_string(),
                shown(&observed.seen, nothing),
            ))
        })
    }
}

fn shown(seen: &[String], nothing: &str) -> String {
    if seen.is_empty() {
        nothing.to_string()
    } else {
        seen.join("\n")
    }
}
