//! Steps the vocabulary rejects (docs/language.md, sections 6 and 7): an unknown
//! step, a bad value, an unknown flag, an undeclared name. Each fails its own
//! scenario with a message that says what is accepted.

use crate::support::{check_golden, run_specs};

const FILE: &str = "step-errors/bad-steps.feature";

/// Runs the scenario `title` of `step-errors/bad-steps.feature` alone; its failure
/// message, checked against `tests/expected/step-errors/<golden>.txt`.
fn failure_of(title: &str, golden: &str) -> String {
    let name = format!("[unit] bad-steps::{title}");
    let run = run_specs("step-errors", &["--exact", &name], &[]);
    run.assert_exit(101);
    assert_eq!(
        run.tests(),
        [(name.clone(), "FAILED".to_string())],
        "{}",
        run.describe()
    );
    let message = run.failure(&name);
    assert!(
        message.starts_with(&format!("scenario: {title}\n      at: {FILE}:")),
        "the message names the scenario first\n{message}"
    );
    check_golden(&format!("step-errors/{golden}"), &message);
    message
}

fn assert_contains(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "no {part:?} in\n{message}");
    }
}

#[test]
fn an_unknown_step_fails_its_scenario_with_the_three_closest_steps() {
    let message = failure_of("An unknown step", "unknown-step");
    assert_contains(
        &message,
        &[
            "error: unknown step `When agent \"a1\" is partitoned from the master`",
            "--> step-errors/bad-steps.feature:8:10",
            "no step matches this text",
            "= help: did you mean:\n",
        ],
    );
    let suggestions: Vec<&str> = message
        .split("did you mean:\n")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .take_while(|l| l.trim_start().starts_with('`'))
        .map(str::trim)
        .collect();
    assert_eq!(suggestions.len(), 3, "three suggestions\n{message}");
    assert!(
        suggestions[0].starts_with("`When agent {name} is partitioned from the master`, e.g. "),
        "the closest step comes first\n{message}"
    );
}

#[test]
fn a_bad_duration_fails_its_scenario_pointing_at_the_value() {
    let message = failure_of("A bad duration", "bad-duration");
    assert_contains(
        &message,
        &[
            "error: `80 parsecs` is not a duration: `parsecs` is not a unit",
            "--> step-errors/bad-steps.feature:11:10",
            "^^^^^^^^^^ not a valid value",
            "e.g. `80s`, `1m20s`",
        ],
    );
}

#[test]
fn an_unknown_task_state_fails_its_scenario_with_the_closest_state() {
    let message = failure_of("An unknown state", "unknown-state");
    assert_contains(
        &message,
        &[
            "error: `TASK_LOSTT` is not a task state; did you mean `TASK_LOST`?",
            "(accepted: TASK_STAGING, ",
            "--> step-errors/bad-steps.feature:15:27",
        ],
    );
}

#[test]
fn an_unknown_reason_fails_its_scenario_with_the_closest_reason() {
    let message = failure_of("An unknown reason", "unknown-reason");
    assert_contains(
        &message,
        &[
            "error: `REASON_AGENT_GONE` is not a status-update reason; did you mean `REASON_AGENT_REMOVED`?",
            "--> step-errors/bad-steps.feature:19:63",
        ],
    );
}

#[test]
fn an_unknown_master_flag_fails_its_scenario_naming_the_accepted_flags() {
    let message = failure_of("An unknown flag", "unknown-flag");
    assert_contains(
        &message,
        &[
            "    step: Given the master flag agent_ping_timout is 10s\n      at: step-errors/bad-steps.feature:22\n",
            "`agent_ping_timout` is not a modelled flag; did you mean `agent_ping_timeout`?",
            "(accepted: agent_ping_timeout, max_agent_ping_timeouts, agent_reregister_timeout, ",
        ],
    );
}

#[test]
fn a_bad_master_flag_value_fails_its_scenario_saying_what_is_accepted() {
    let message = failure_of("A bad flag value", "bad-flag-value");
    assert_contains(
        &message,
        &[
            "    step: Given the master flag max_agent_ping_timeouts is many\n      at: step-errors/bad-steps.feature:26\n",
            "`many` is not a valid value for `max_agent_ping_timeouts`: expected a whole number",
        ],
    );
}

#[test]
fn a_bad_mesos_version_fails_its_scenario_with_examples_of_good_ones() {
    let message = failure_of("A bad version", "bad-version");
    assert_contains(
        &message,
        &[
            "error: `2.x` is not a Mesos version",
            "write e.g. `1.0`, `1.4.0` or `1.12`",
            "--> step-errors/bad-steps.feature:30:33",
        ],
    );
}

#[test]
fn an_undeclared_agent_fails_its_scenario_saying_how_to_declare_it() {
    let message = failure_of("An undeclared agent", "undeclared-agent");
    assert_contains(
        &message,
        &[
            "    step: When agent \"a9\" is partitioned from the master\n      at: step-errors/bad-steps.feature:34\n",
            "there is no agent \"a9\"; declare it with `Given an agent \"a9\"`",
        ],
    );
}

#[test]
fn an_undeclared_framework_fails_its_scenario_saying_how_to_declare_it() {
    let message = failure_of("An undeclared framework", "undeclared-framework");
    assert_contains(
        &message,
        &[
            "    step: Then \"flink\" receives no updates\n      at: step-errors/bad-steps.feature:38\n",
            "there is no framework \"flink\"; declare it with `Given a framework \"flink\"`",
        ],
    );
}

#[test]
fn the_help_of_a_bad_value_points_at_it_within_the_step_it_quotes() {
    for (title, value) in [
        ("A bad duration", "80 parsecs"),
        ("An unknown state", "TASK_LOSTT"),
        ("A bad version", "2.x"),
    ] {
        let name = format!("[unit] bad-steps::{title}");
        let run = run_specs("step-errors", &["--exact", &name], &[]);
        let message = run.failure(&name);
        // "in `{duration}` at column N of the step `When 80 parsecs pass`, ..."
        let help = message
            .split("at column ")
            .nth(1)
            .unwrap_or_else(|| panic!("no column in the help\n{message}"));
        let (column, rest) = help.split_once(" of the step `").expect("the quoted step");
        let column: usize = column.parse().expect("a column number");
        let step = rest.split('`').next().unwrap_or_default();
        let at: String = step.chars().skip(column.saturating_sub(1)).collect();
        assert!(
            column >= 1 && at.starts_with(value),
            "column {column} of `{step}` (1-based, like every other column) is where `{value}` starts\n{message}"
        );
    }
}
