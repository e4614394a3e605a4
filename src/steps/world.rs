//! What the runner needs from a world: the state one scenario's steps share.
//!
//! A world is created fresh for every scenario. The runner tells it which step is
//! about to run (so it can mark the timeline) and asks it, when a step fails, for
//! the context a person needs: the timeline so far and the seed.

use super::registry::{StepError, StepKind};

/// The state of one scenario, shared by its steps.
pub trait World: Sized {
    /// A fresh world for a new scenario.
    fn new() -> Self;

    /// Called once, before the first step, with the tier the scenario runs in
    /// (`unit`, `integration`, `e2e`). A world that cannot run in that tier says why.
    fn set_tier(&mut self, tier: &str) -> Result<(), String> {
        if tier == "unit" {
            Ok(())
        } else {
            Err(format!("this world has no runtime for the {tier} tier"))
        }
    }

    /// Called before each step runs, with its kind (And/But resolved) and text.
    fn before_step(&mut self, _kind: StepKind, _text: &str) {}

    /// Called after each step passed: a chance to fail it for what it caused (for
    /// example a model that ran away during it).
    fn after_step(&mut self) -> Result<(), StepError> {
        Ok(())
    }

    /// Called after the last step passed: the last chance to fail the scenario
    /// (for example because the model ran away).
    fn finish(&mut self) -> Result<(), StepError> {
        Ok(())
    }

    /// The scenario's timeline up to now, one line per event, for failure messages.
    fn timeline(&self) -> Vec<String> {
        Vec::new()
    }

    /// The random seed in force, printed with failures so they can be replayed.
    fn seed(&self) -> Option<u64> {
        None
    }
}
