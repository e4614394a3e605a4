//! Which scenarios a run finds and runs: listing, exact names, filters, ignored
//! scenarios, `NETSPLIT_SPECS`, `NETSPLIT_TAGS`, outline rows, and runs that find
//! nothing.

use crate::support::{check_golden, netsplit, run_specs};

/// Every test of `tests/fixtures/report`, in the order the harness lists them.
const REPORT_TESTS: [&str; 8] = [
    "[unit] agents::Agent answering every ping stays registered",
    "[unit] agents::A failed task is wrongly expected to finish",
    "[unit] agents::Agent removal is rate limited",
    "[unit] agents::Agent is ignored without a reason",
    "[unit] agents::an agent cut off for longer than the timeouts is unreachable::Agent cut off after a ping is marked unreachable 90s later",
    "[unit] agents::an agent cut off for longer than the timeouts is unreachable::Spark loses the task of an unreachable agent",
    "[integration] agents::an agent cut off for longer than the timeouts is unreachable::Spark loses the task of an unreachable agent",
    "[unit] tasks::kills::A killed task is reported killed",
];
const RATE_LIMITED: &str = REPORT_TESTS[2];
const NO_REASON: &str = REPORT_TESTS[3];

fn listed(names: &[&str]) -> String {
    names.iter().map(|n| format!("{n}: test\n")).collect()
}

#[test]
fn the_list_holds_the_test_names_and_nothing_else_with_ignore_reasons_on_request() {
    // nextest reads this listing: one `<name>: test` line per test, nothing more.
    for format in [&[][..], &["--format", "terse"][..]] {
        let mut args = vec!["run", "report", "--", "--list"];
        args.extend(format);
        let run = netsplit(&args, &[]);
        run.assert_exit(0);
        assert_eq!(run.stdout, listed(&REPORT_TESTS), "{}", run.describe());
        assert_eq!(run.stderr, "");
    }
    let ignored = netsplit(&["run", "report", "--", "--list", "--ignored"], &[]);
    ignored.assert_exit(0);
    assert_eq!(ignored.stdout, listed(&[RATE_LIMITED, NO_REASON]));
    let reasons = netsplit(
        &["run", "report", "--", "--list", "--ignored"],
        &[("NETSPLIT_LIST_IGNORE_REASONS", "1")],
    );
    reasons.assert_exit(0);
    assert_eq!(
        reasons.stdout,
        format!("{RATE_LIMITED}: test\tMESOS 8887 not modelled\n{NO_REASON}: test\t\n")
    );
}

#[test]
fn an_exact_name_runs_only_that_scenario_even_beside_a_broken_file() {
    let name = "[unit] good::Agent stays registered";
    let run = run_specs("broken-and-good", &["--exact", name], &[]);
    run.assert_exit(0);
    assert_eq!(run.tests(), [(name.to_string(), "ok".to_string())]);
    assert!(
        !run.stdout.contains("broken.feature") && !run.stdout.contains("Scenaro"),
        "only the file the name comes from is loaded\n{}",
        run.describe()
    );
    let report = run.expect_report();
    assert!(
        report.contains(
            "└─ broken-and-good/\n   └─ Good (good.feature)\n      └─ ✔ Agent stays registered ("
        ),
        "{report}"
    );
}

#[test]
fn a_name_filter_runs_the_scenarios_whose_names_contain_it_and_skip_leaves_some_out() {
    let spark = "an agent cut off for longer than the timeouts is unreachable::Spark loses the task of an unreachable agent";
    let run = run_specs("report", &["--test-threads", "1", "Spark loses"], &[]);
    run.assert_exit(0);
    assert_eq!(
        run.tests_with("ok"),
        [
            format!("[integration] agents::{spark}"),
            format!("[unit] agents::{spark}")
        ]
    );
    assert_eq!(run.tests().len(), 2, "{}", run.describe());
    let skipped = netsplit(
        &[
            "run",
            "report",
            "--",
            "--color",
            "never",
            "Spark loses",
            "--skip",
            "[integration]",
        ],
        &[],
    );
    skipped.assert_exit(0);
    assert_eq!(
        skipped.tests_with("ok"),
        [format!("[unit] agents::{spark}")]
    );
    assert_eq!(skipped.tests().len(), 1, "{}", skipped.describe());
    let report = skipped.expect_report();
    assert!(
        report.contains("1 scenarios: 1 passed") || report.contains("1 scenario: 1 passed"),
        "the report shows only what ran\n{report}"
    );
}

#[test]
fn ignored_scenarios_run_only_when_asked() {
    let only = run_specs("report", &["--test-threads", "1", "--ignored"], &[]);
    only.assert_exit(0);
    assert_eq!(only.tests_with("ok"), [NO_REASON, RATE_LIMITED]);
    assert_eq!(only.tests().len(), 2, "{}", only.describe());
    let all = run_specs("report", &["--test-threads", "1", "--include-ignored"], &[]);
    all.assert_exit(101);
    let ran: Vec<String> = all.tests().into_iter().map(|(name, _)| name).collect();
    assert_eq!(ran, REPORT_TESTS);
    assert!(all.tests_with("ignored").is_empty(), "{}", all.describe());
    let report = all.expect_report();
    assert!(
        report.contains("├─ ✔ Agent removal is rate limited (")
            && report.contains("\n8 scenarios: 7 passed, 1 failed, 0 ignored in "),
        "{report}"
    );
}

#[test]
fn the_report_of_a_run_of_ignored_scenarios_shows_only_those() {
    let run = run_specs("report", &["--test-threads", "1", "--ignored"], &[]);
    run.assert_exit(0);
    let report = run.expect_report();
    assert!(
        !report.contains("Agent answering every ping stays registered"),
        "a scenario filtered out by `--ignored` is not in the report\n{report}"
    );
    assert!(
        report.contains("\n2 scenarios: 2 passed, 0 failed, 0 ignored in "),
        "{report}"
    );
}

#[test]
fn netsplit_specs_names_the_spec_directories_unless_paths_are_given() {
    let env = [("NETSPLIT_SPECS", "roots/first:roots/second")];
    let run = netsplit(
        &["run", "--", "--color", "never", "--test-threads", "1"],
        &env,
    );
    run.assert_exit(0);
    assert_eq!(
        run.tests_with("ok"),
        [
            "[unit] alpha::Alpha stays registered",
            "[unit] alpha::Alpha stays registered for a day",
            "[unit] nested::beta::Beta is marked unreachable",
        ]
    );
    let report = run.expect_report();
    assert!(
        report.contains("├─ roots/first/\n│  └─ Alpha (alpha.feature)\n")
            && report.contains("└─ roots/second/\n   └─ nested/\n      └─ Beta (beta.feature)\n"),
        "{report}"
    );
    let given = netsplit(&["run", "roots/second", "--", "--list"], &env);
    given.assert_exit(0);
    assert_eq!(
        given.stdout,
        listed(&["[unit] nested::beta::Beta is marked unreachable"])
    );
}

#[test]
fn netsplit_tags_runs_only_the_scenarios_its_expression_selects() {
    let list = |expression: &str| {
        let run = netsplit(
            &["run", "roots/first", "roots/second", "--", "--list"],
            &[("NETSPLIT_TAGS", expression)],
        );
        run.assert_exit(0);
        run.stdout
    };
    assert_eq!(
        list("@reconciliation and not @slow"),
        listed(&["[unit] alpha::Alpha stays registered"])
    );
    // The feature's tag applies to each of its scenarios.
    assert_eq!(
        list("@reconciliation and @slow"),
        listed(&["[unit] alpha::Alpha stays registered for a day"])
    );
    assert_eq!(
        list("@slow and not @reconciliation or @nothing"),
        listed(&["[unit] nested::beta::Beta is marked unreachable"])
    );
}

#[test]
fn a_malformed_netsplit_tags_fails_the_run_pointing_at_the_problem() {
    let run = run_specs(
        "roots/first",
        &[],
        &[("NETSPLIT_TAGS", "@reconciliation and")],
    );
    run.assert_exit(101);
    assert_eq!(run.tests_with("FAILED"), ["[unit] NETSPLIT_TAGS"]);
    assert_eq!(
        run.tests().len(),
        1,
        "nothing else runs\n{}",
        run.describe()
    );
    let message = run.failure("[unit] NETSPLIT_TAGS");
    assert!(
        message.contains("expected a tag such as `@slow` at column 20\n  @reconciliation and\n                     ^\n"),
        "{message}"
    );
    check_golden("selection/malformed-tags", &message);
}

#[test]
fn a_run_that_finds_no_scenarios_fails_and_says_where_it_looked() {
    let empty = run_specs("empty", &[], &[]);
    empty.assert_exit(101);
    assert_eq!(empty.tests_with("FAILED"), ["[unit] no scenarios found"]);
    assert_eq!(
        empty.failure("[unit] no scenarios found"),
        "no scenarios found in empty; add `.feature` files there or point `NETSPLIT_SPECS` at them"
    );
    let unmatched = netsplit(
        &["run", "--", "--color", "never"],
        &[
            ("NETSPLIT_SPECS", "roots/first:roots/second"),
            ("NETSPLIT_TAGS", "@nothing"),
        ],
    );
    unmatched.assert_exit(101);
    assert!(
        unmatched.failure("[unit] no scenarios found").starts_with(
            "no scenarios found in roots/first, roots/second matching `NETSPLIT_TAGS`"
        ),
        "{}",
        unmatched.describe()
    );
    let missing = run_specs("missing", &[], &[]);
    missing.assert_exit(101);
    assert_eq!(missing.tests_with("FAILED"), ["[unit] missing"]);
    assert!(
        missing
            .failure("[unit] missing")
            .starts_with("the spec directory `missing` does not exist"),
        "{}",
        missing.describe()
    );
}

#[test]
fn outline_rows_are_named_from_their_values_or_numbered_and_each_runs_alone() {
    let run = netsplit(&["run", "outlines", "--", "--list"], &[]);
    run.assert_exit(0);
    assert_eq!(
        run.stdout,
        listed(&[
            "[unit] rows::Agent cut off for 60s is registered",
            "[unit] rows::Agent cut off for 100s is unreachable",
            "[unit] rows::Detection does not depend on the version [old 1: version=1.1]",
            "[unit] rows::Detection does not depend on the version [old 2: version=1.4]",
            "[unit] rows::Detection does not depend on the version [example 1: version=1.12]",
            "[unit] rows::Agent cut off for 10s [example 1: gap=10s, verdict=registered]",
            "[unit] rows::Agent cut off for 10s [example 2: gap=10s, verdict=registered]",
        ])
    );
    let row = "[unit] rows::Detection does not depend on the version [old 2: version=1.4]";
    let alone = run_specs("outlines", &["--exact", row], &[]);
    alone.assert_exit(0);
    assert_eq!(alone.tests(), [(row.to_string(), "ok".to_string())]);
    assert!(
        alone
            .expect_report()
            .contains("└─ ✔ Detection does not depend on the version [old 2: version=1.4] ("),
        "{}",
        alone.describe()
    );
}
