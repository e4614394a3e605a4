//! Extending the Mesos vocabulary with steps of your own.
//!
//! Run it with `cargo run --example custom_steps` (libtest arguments go after `--`).
//! It runs `examples/specs/rolling-restart.feature`, which mixes the built-in steps
//! with the two registered here.

use std::process::ExitCode;

use netsplit::model::WorkDir;
use netsplit::runner::Harness;
use netsplit::steps::StepError;
use netsplit::vocabulary::{self, MesosWorld};

fn main() -> ExitCode {
    let registry = vocabulary::registry()
        .extend()
        // A When step: drive the model through the world's cluster.
        .when(
            "agents {names} restart one after another, {duration} apart",
            "agents \"a1\" and \"a2\" restart one after another, 30s apart",
            |world: &mut MesosWorld, args| {
                let gap = args.duration(1);
                for host in args.names(0) {
                    let cluster = world.act()?;
                    cluster
                        .restart(host, WorkDir::Kept)
                        .map_err(|e| StepError::failed(e.to_string()))?;
                    cluster.advance(gap);
                }
                Ok(())
            },
        )
        // A Then step: look, never change; report a mismatch with both sides.
        .then(
            "every agent is registered",
            "every agent is registered",
            |world: &mut MesosWorld, _| {
                let window = world.look()?;
                let mut observed = Vec::new();
                for host in window.hosts() {
                    let id = window.agent_id(host)?;
                    observed.push(format!("{host}: {}", window.master().agent_status(id)));
                }
                let expected: Vec<String> = window
                    .hosts()
                    .map(|host| format!("{host}: registered"))
                    .collect();
                StepError::check_eq("not every agent is registered", &expected, &observed)
            },
        )
        .build()
        .unwrap_or_else(|errors| panic!("the custom steps do not fit the vocabulary: {errors:?}"));
    Harness::new(registry)
        .package_dir(env!("CARGO_MANIFEST_DIR"))
        .specs(["examples/specs/rolling-restart.feature"])
        .run()
}
