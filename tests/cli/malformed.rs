//! Malformed spec files (docs/language.md, sections 2 to 4): each becomes one failing
//! test named after the file, whose message lists every error with its place, the
//! source line, a caret and, where it can, the fix; other files still run.

use crate::support::{check_golden, netsplit, run_specs};

/// Runs `malformed/<file>.feature` alone and checks its message: `errors` errors, each
/// naming `file:line:column` and underlining the source, containing every text of
/// `expected`, and as in `tests/expected/malformed/<file>.txt`.
fn check_malformed(file: &str, errors: usize, expected: &[&str]) {
    let path = format!("malformed/{file}.feature");
    let run = run_specs(&path, &[], &[]);
    run.assert_exit(101);
    let name = format!("[unit] {path}");
    assert_eq!(
        run.tests(),
        [(name.clone(), "FAILED".to_string())],
        "a broken file is one failing test named after it\n{}",
        run.describe()
    );
    let message = run.failure(&name);
    let head = format!("{errors} error(s) in `{path}`; none of its scenarios ran:");
    assert!(message.starts_with(&head), "no {head:?} in\n{message}");
    let places = message
        .lines()
        .filter(|l| l.trim_start().starts_with(&format!("--> {path}:")))
        .count();
    let carets = message
        .lines()
        .filter(|l| l.trim_start().starts_with('|') && l.contains('^'))
        .count();
    assert_eq!(
        (places, carets),
        (errors, errors),
        "every error names its place and underlines it\n{message}"
    );
    for text in expected {
        assert!(message.contains(text), "no {text:?} in\n{message}");
    }
    check_golden(&format!("malformed/{file}"), &message);
}

#[test]
fn a_misspelt_keyword_fails_its_file_with_a_suggestion() {
    check_malformed(
        "misspelt-keyword",
        1,
        &[
            "error: unknown keyword `Scenaro:`",
            "--> malformed/misspelt-keyword.feature:3:3",
            "help: did you mean `Scenario:`?",
        ],
    );
}

#[test]
fn a_step_keyword_with_a_colon_fails_its_file_with_a_suggestion() {
    check_malformed(
        "given-with-colon",
        1,
        &[
            "error: step keyword `Given:` takes no colon",
            "--> malformed/given-with-colon.feature:4:5",
            "help: did you mean `Given`?",
        ],
    );
}

#[test]
fn a_step_outside_a_scenario_fails_its_file() {
    check_malformed(
        "step-outside-scenario",
        1,
        &[
            "error: step outside a scenario",
            "--> malformed/step-outside-scenario.feature:2:5",
            "help: add a `Scenario: <title>` line above it",
        ],
    );
}

#[test]
fn a_table_row_with_the_wrong_number_of_cells_fails_its_file() {
    check_malformed(
        "wrong-cell-count",
        1,
        &[
            "error: table row has 3 cells, expected 2",
            "--> malformed/wrong-cell-count.feature:7:7",
            "like the row at line 6",
        ],
    );
}

#[test]
fn an_unclosed_doc_string_fails_its_file() {
    check_malformed(
        "unclosed-doc-string",
        1,
        &[
            "error: unclosed doc string",
            "--> malformed/unclosed-doc-string.feature:6:7",
            "help: close it with `\"\"\"`",
        ],
    );
}

#[test]
fn a_scenario_outline_without_examples_fails_its_file() {
    check_malformed(
        "outline-without-examples",
        1,
        &[
            "error: `Scenario Outline:` has no `Examples:`",
            "--> malformed/outline-without-examples.feature:3:3",
            "help: add an `Examples:` table",
        ],
    );
}

#[test]
fn an_examples_column_that_nothing_uses_fails_its_file() {
    check_malformed(
        "unused-examples-column",
        1,
        &[
            "error: column `outcome` is not used by the outline",
            "--> malformed/unused-examples-column.feature:8:15",
            "help: use `<outcome>` in the title or a step, or remove the column",
        ],
    );
}

#[test]
fn a_placeholder_without_an_examples_column_fails_its_file() {
    check_malformed(
        "placeholder-without-column",
        1,
        &[
            "error: placeholder `<outcome>` has no column in the examples",
            "--> malformed/placeholder-without-column.feature:3:47",
        ],
    );
}

#[test]
fn two_scenarios_with_one_name_fail_their_file_at_both_places() {
    check_malformed(
        "duplicate-scenario-name",
        2,
        &[
            "--> malformed/duplicate-scenario-name.feature:3:13",
            "also the name of the scenario at line 6",
            "--> malformed/duplicate-scenario-name.feature:6:13",
            "also the name of the scenario at line 3",
        ],
    );
}

#[test]
fn a_feature_without_scenarios_fails_its_file() {
    check_malformed(
        "empty-feature",
        1,
        &[
            "error: feature has no scenarios",
            "--> malformed/empty-feature.feature:1:1",
        ],
    );
}

#[test]
fn a_tag_one_edit_away_from_a_tier_fails_its_file_with_a_suggestion() {
    check_malformed(
        "near-miss-tier-tag",
        1,
        &[
            "error: unknown tag `@integraton`",
            "--> malformed/near-miss-tier-tag.feature:1:1",
            "help: did you mean `@integration`?",
        ],
    );
}

#[test]
fn every_error_of_a_file_is_reported_not_only_the_first() {
    check_malformed(
        "several-errors",
        3,
        &[
            "--> malformed/several-errors.feature:3:3",
            "--> malformed/several-errors.feature:7:5",
            "--> malformed/several-errors.feature:10:7",
        ],
    );
}

#[test]
fn a_broken_file_fails_alone_and_every_other_file_still_runs() {
    let run = run_specs("broken-and-good", &["--test-threads", "1"], &[]);
    run.assert_exit(101);
    assert_eq!(
        run.tests_with("FAILED"),
        ["[unit] broken-and-good/broken.feature"]
    );
    assert_eq!(
        run.tests_with("ok"),
        [
            "[unit] good::Agent is marked unreachable",
            "[unit] good::Agent stays registered"
        ]
    );
    assert!(
        run.failure("[unit] broken-and-good/broken.feature")
            .contains("error: unknown keyword `Scenaro:`")
    );
    let report = run.expect_report();
    for line in [
        "└─ broken-and-good/",
        "   ├─ broken.feature could not be run (broken.feature)",
        "   │  └─ ✘ [unit] broken-and-good/broken.feature (",
        "   └─ Good (good.feature)",
        "3 scenarios: 2 passed, 1 failed, 0 ignored in ",
    ] {
        assert!(
            report.lines().any(|l| l.starts_with(line)),
            "no line starting with {line:?}\n{report}"
        );
    }
}

#[test]
fn a_test_name_used_in_two_spec_directories_fails_at_both_places() {
    let run = netsplit(
        &["run", "--", "--color", "never"],
        &[("NETSPLIT_SPECS", "twins/one:twins/two")],
    );
    run.assert_exit(101);
    // Section 3: a duplicate is an error at both places.
    let places = [
        "[unit] alpha::Alpha stays registered (at twins/one/alpha.feature:2)",
        "[unit] alpha::Alpha stays registered (at twins/two/alpha.feature:2)",
    ];
    assert_eq!(run.tests_with("FAILED"), places);
    for place in places {
        assert_eq!(
            run.failure(place),
            "2 scenarios have the test name `[unit] alpha::Alpha stays registered`: \
             twins/one/alpha.feature:2, twins/two/alpha.feature:2; \
             rename all but one (names must be unique in a run)"
        );
    }
}

#[test]
fn a_file_that_is_not_utf8_fails_with_the_line_and_column_of_the_first_bad_byte_and_others_still_run()
 {
    let dir = crate::support::scratch("not-utf8");
    let mut latin1 = b"Feature: Latin-1\n  Scenario: caf".to_vec();
    latin1.extend_from_slice(&[0xE9, b'\n']);
    latin1.extend_from_slice(b"    Given an agent \"a1\"\n");
    std::fs::write(dir.join("latin1.feature"), latin1).expect("write a Latin-1 file");
    std::fs::write(
        dir.join("good.feature"),
        "Feature: Good\n  Scenario: An agent is registered\n    Given an agent \"a1\"\n    Then the master considers agent \"a1\" registered\n",
    )
    .expect("write a good file");
    let run = crate::support::netsplit_in(&dir, &["run", ".", "--", "--color", "never"], &[]);
    run.assert_exit(101);
    assert_eq!(run.tests_with("FAILED"), ["[unit] ./latin1.feature"]);
    assert_eq!(
        run.tests_with("ok"),
        ["[unit] good::An agent is registered"]
    );
    assert!(
        run.failure("[unit] ./latin1.feature")
            .contains("latin1.feature:2:16: byte 0xE9 is not UTF-8: save the file as UTF-8 text"),
        "{}",
        run.describe()
    );
}
