//! Determinism of a whole run: the project's own specification, run on one thread and
//! on eight, gives byte-identical traces and reports once wall times are masked.
//!
//! A passing scenario prints no trace, so the run is of a copy of `specs/` in which
//! every scenario ends with a step that fails: each failure message then carries the
//! scenario's whole timeline (virtual time, every message and decision), its diff and
//! its seed. Scenarios of the integration tier run over real sockets in scaled real
//! time and are left out (`NETSPLIT_TAGS`); every other scenario runs on the
//! simulator and must not depend on which thread runs it or what runs beside it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{Run, netsplit_in, normalise, scratch};

/// The step appended to every scenario: no run removes a million agents.
const FAILING_STEP: &str = "    Then the master's metric slave_removals is 1000000";

/// Whether a line opens a block that ends the scenario before it.
fn ends_a_scenario(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with('@')
        || [
            "Feature:",
            "Background:",
            "Rule:",
            "Scenario:",
            "Example:",
            "Scenario Outline:",
            "Scenario Template:",
            "Examples:",
            "Scenarios:",
        ]
        .iter()
        .any(|k| line.starts_with(k))
}

fn starts_a_scenario(line: &str) -> bool {
    let line = line.trim_start();
    [
        "Scenario:",
        "Example:",
        "Scenario Outline:",
        "Scenario Template:",
    ]
    .iter()
    .any(|k| line.starts_with(k))
}

/// The spec text with [`FAILING_STEP`] as the last step of every scenario (before an
/// outline's examples).
fn with_a_failing_last_step(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4096);
    let mut in_scenario = false;
    for line in text.lines() {
        if in_scenario && ends_a_scenario(line) {
            out.push_str(FAILING_STEP);
            out.push('\n');
            in_scenario = false;
        }
        if starts_a_scenario(line) {
            in_scenario = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    if in_scenario {
        out.push_str(FAILING_STEP);
        out.push('\n');
    }
    out
}

/// Copies every `.feature` file under `from` to `to`, each scenario failing at its end.
fn copy_failing(from: &Path, to: &Path) -> usize {
    let mut copied = 0;
    for entry in std::fs::read_dir(from).expect("read the spec directory") {
        let entry = entry.expect("a directory entry");
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            std::fs::create_dir_all(&target).expect("create a directory");
            copied += copy_failing(&path, &target);
        } else if path.extension().is_some_and(|e| e == "feature") {
            let text = std::fs::read_to_string(&path).expect("read a spec file");
            std::fs::write(&target, with_a_failing_last_step(&text)).expect("write a copy");
            copied += 1;
        }
    }
    copied
}

/// Each failed test's message, by name, masked.
fn failures(run: &Run) -> BTreeMap<String, String> {
    run.tests_with("FAILED")
        .into_iter()
        .map(|name| {
            let message = normalise(&run.failure(&name));
            (name, message)
        })
        .collect()
}

#[test]
fn the_specification_gives_the_same_traces_and_report_on_one_thread_and_on_eight() {
    let dir = scratch("determinism");
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let files = copy_failing(&specs, &dir.join("specs"));
    assert!(
        files > 10,
        "only {files} spec files copied from {}",
        specs.display()
    );
    let run = |threads: &str| {
        netsplit_in(
            &dir,
            &[
                "run",
                "specs",
                "--",
                "--color",
                "never",
                "--test-threads",
                threads,
            ],
            &[("NETSPLIT_TAGS", "not @integration")],
        )
    };
    let one = run("1");
    let eight = run("8");
    one.assert_exit(101);
    eight.assert_exit(101);

    let (failed_one, failed_eight) = (failures(&one), failures(&eight));
    assert!(
        failed_one.len() > 100,
        "every scenario should fail at its last step; only {} did\n{}",
        failed_one.len(),
        one.describe()
    );
    assert!(one.tests_with("ok").is_empty(), "{}", one.describe());
    for (name, message) in &failed_one {
        assert!(
            message.contains("\ntimeline (virtual time; answered pings left out):\n")
                && message.contains(FAILING_STEP.trim()),
            "`{name}` did not fail at the appended step:\n{message}"
        );
    }
    assert_eq!(
        failed_one.keys().collect::<Vec<_>>(),
        failed_eight.keys().collect::<Vec<_>>(),
        "the same scenarios fail"
    );
    for (name, message) in &failed_one {
        assert!(
            failed_eight[name] == *message,
            "`{name}` has another trace on eight threads:\n--- one thread ---\n{message}\n--- eight threads ---\n{}",
            failed_eight[name]
        );
    }
    let report_one = normalise(one.expect_report());
    let report_eight = normalise(eight.expect_report());
    assert!(
        report_one == report_eight,
        "the report differs between one thread and eight:\n--- one thread ---\n{report_one}\n--- eight threads ---\n{report_eight}"
    );
}

#[test]
fn every_scenario_gets_the_failing_step_at_its_end_and_outlines_before_their_examples() {
    let text = "Feature: f\n\n  Background:\n    Given an agent \"a1\"\n\n  @slow\n  Scenario: s\n    When 1s pass\n\n  Rule: r\n\n    Scenario Outline: o <n>\n      When <n>s pass\n\n      Examples:\n        | n |\n        | 1 |\n\n    Example: e\n      When 2s pass\n";
    let expected = format!(
        "Feature: f\n\n  Background:\n    Given an agent \"a1\"\n\n  @slow\n  Scenario: s\n    When 1s pass\n\n{FAILING_STEP}\n  Rule: r\n\n    Scenario Outline: o <n>\n      When <n>s pass\n\n{FAILING_STEP}\n      Examples:\n        | n |\n        | 1 |\n\n    Example: e\n      When 2s pass\n{FAILING_STEP}\n"
    );
    assert_eq!(with_a_failing_last_step(text), expected);
}
