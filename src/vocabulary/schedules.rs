//! The model's random schedules (`model::invariants`) rendered as `.feature`
//! scenarios: each parses without a diagnostic, every step matches this vocabulary,
//! and running it replays the schedule event for event, so a shrunk schedule that
//! breaks an invariant can be pasted into `specs/` as it is printed.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};

use super::{MesosWorld, registry};
use crate::model::invariants::{
    Applied, Broken, FrameworkShape, Invariant, Op, Phase, RateLimited, Shape, Violation, op,
    render, run, shape, then_considers, then_metric, then_never_lost, then_unknown_task,
};
use crate::model::{AgentStatus, Awareness, Checkpointing};
use crate::spec::{Scenario, StepKind as SpecKind};
use crate::steps::{Attached, StepKind, World};

/// Parses a rendered feature: exactly one scenario, no diagnostic.
fn parse(text: &str) -> Scenario {
    let loaded = crate::spec::load_file(text);
    let problems: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.render("rendered.feature", text, false))
        .collect();
    assert!(problems.is_empty(), "{}\n\n{text}", problems.join("\n"));
    assert_eq!(loaded.scenarios.len(), 1, "{text}");
    loaded.scenarios.into_iter().next().expect("one scenario")
}

/// Runs a scenario's steps on a fresh world, as the harness does; its timeline
/// without the step markers, or the first step that failed.
fn replay(scenario: &Scenario) -> Result<Vec<String>, String> {
    let registry = registry();
    let mut world = MesosWorld::new();
    for step in &scenario.steps {
        let kind = match step.kind {
            SpecKind::Given => StepKind::Given,
            SpecKind::When => StepKind::When,
            SpecKind::Then => StepKind::Then,
        };
        let found = registry
            .find(kind, &step.text, Attached::Nothing)
            .map_err(|e| format!("{}: {e}", step.text))?;
        world.before_step(kind, &step.text);
        found
            .run(&mut world, None, None)
            .and_then(|()| world.after_step())
            .map_err(|e| format!("{}: {e}", step.text))?;
    }
    world.finish().map_err(|e| e.to_string())?;
    Ok(world
        .timeline()
        .into_iter()
        .filter(|line| !line.contains(" step    "))
        .collect())
}

/// Random schedules of every behaviour profile, rendered, parsed and replayed: the
/// replay's trace is the direct run's, line for line.
#[test]
fn rendered_random_schedules_parse_and_replay_the_same_trace() {
    for (version, seed) in [("1.0", 21), ("1.4", 22), ("1.12", 23)] {
        let config = Config {
            cases: 6,
            rng_seed: RngSeed::Fixed(seed),
            failure_persistence: None,
            ..Config::default()
        };
        let strategy = (
            shape(version.parse().expect("a version")),
            prop::collection::vec(op(), 1..30),
        );
        let result = TestRunner::new(config).run(&strategy, |(shape, ops)| {
            let direct = run(&shape, &ops);
            let (trace, _) = direct
                .outcome
                .map_err(|b| TestCaseError::fail(b.violation.what))?;
            let text = render(&shape, &ops, &direct.applied, None);
            let replayed = replay(&parse(&text)).map_err(TestCaseError::fail)?;
            prop_assert_eq!(replayed, trace, "{}", text);
            Ok(())
        });
        if let Err(failure) = result {
            panic!("Mesos {version}: {failure}");
        }
    }
}

/// Two agents, a partition-aware framework "f1" and a plain one "f2".
fn shape_of(version: &str) -> Shape {
    Shape {
        version: version.parse().expect("a version"),
        seed: 7,
        agents: 2,
        frameworks: [
            FrameworkShape {
                awareness: Awareness::PartitionAware,
                checkpointing: Checkpointing::On,
            },
            FrameworkShape {
                awareness: Awareness::NotAware,
                checkpointing: Checkpointing::On,
            },
        ],
        registry_latency: crate::time::Duration::ZERO,
        rate_limited: RateLimited::No,
    }
}

/// A scenario cut at the step that broke an invariant ends with the Then step that
/// states what should have held; each such step is one of the vocabulary's.
#[test]
fn a_broken_schedule_renders_up_to_its_breaking_step_with_a_then_step_of_the_vocabulary() {
    let shape = shape_of("1.12");
    let ops = vec![
        Op::Partition(0),
        Op::Pass(crate::time::Duration::from_secs(100)),
        Op::Failover,
    ];
    let applied = vec![Applied::Yes; ops.len()];
    for then in [
        then_never_lost("f1"),
        then_considers("a1", AgentStatus::Unreachable),
        then_metric("slave_removals", 1),
        then_unknown_task("t9"),
    ] {
        let broken = Broken {
            phase: Phase::Step(1),
            at: crate::model::Instant::from_millis(100_000),
            violation: Violation {
                invariant: Invariant::AwareFrameworksNeverLoseTasksToPartitions,
                what: "what was seen".to_string(),
                then: Some(then.clone()),
            },
        };
        let text = render(&shape, &ops, &applied, Some(&broken));
        let scenario = parse(&text);
        let texts: Vec<String> = scenario.steps.iter().map(|s| s.text.clone()).collect();
        assert!(
            !texts.iter().any(|t| t.contains("fails over")),
            "the step after the breaking one is left out:\n{text}"
        );
        assert_eq!(
            texts.last().map(String::as_str),
            then.strip_prefix("Then "),
            "{text}"
        );
        // Every step is one of the vocabulary's; the When steps run (the Then step
        // states what the invariant wanted, so it may fail).
        let registry = registry();
        for step in &scenario.steps {
            let kind = match step.kind {
                SpecKind::Given => StepKind::Given,
                SpecKind::When => StepKind::When,
                SpecKind::Then => StepKind::Then,
            };
            let found = registry.find(kind, &step.text, Attached::Nothing);
            assert!(found.is_ok(), "{}: {:?}\n\n{text}", step.text, found.err());
        }
        let without_then = Scenario {
            steps: scenario.steps[..scenario.steps.len() - 1].to_vec(),
            ..scenario
        };
        assert!(replay(&without_then).is_ok(), "{text}");
    }
}

/// A step the cluster refused (a kill by a framework that is not subscribed) is
/// left out of the scenario, which would otherwise fail at that step.
#[test]
fn steps_the_cluster_refused_are_left_out_of_the_scenario() {
    let shape = shape_of("1.12");
    let ops = vec![
        Op::Disconnect(0),
        Op::Kill(0),
        Op::Resubscribe(0),
        Op::Kill(0),
    ];
    let direct = run(&shape, &ops);
    assert_eq!(
        direct.applied,
        vec![Applied::Yes, Applied::Refused, Applied::Yes, Applied::Yes]
    );
    let text = render(&shape, &ops, &direct.applied, None);
    let kills = text.matches("kills task").count();
    assert_eq!(kills, 1, "{text}");
    let (trace, _) = direct.outcome.expect("no invariant broken");
    assert_eq!(replay(&parse(&text)), Ok(trace));
}
