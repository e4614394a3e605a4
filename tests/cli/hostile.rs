//! Hostile input: spec files and spec paths made to exhaust the harness. Each one
//! ends with a clear error (or runs to the end), in bounded time and memory, and
//! never hangs or panics; the files next to it still run. The inputs are generated
//! in a scratch directory when the test runs.
//!
//! The limits are those of `src/spec/limits.rs` and `src/runner/source.rs`; what each
//! input costs (time, peak memory) is measured in `docs/language.md`, section 1.

use std::fmt::Write as _;
use std::path::Path;

use crate::support::{Run, netsplit_in, scratch};

const GOOD: &str = "Feature: good\n  Scenario: a good scenario still runs\n    Given an agent \"a1\"\n    When 1s pass\n    Then the master considers agent \"a1\" registered\n";
const GOOD_TEST: &str = "[unit] good::a good scenario still runs";

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create a directory");
    std::fs::write(path, text).expect("write a spec file");
}

/// `netsplit run specs` in `dir`, plain output.
fn run_in(dir: &Path, env: &[(&str, &str)]) -> Run {
    netsplit_in(dir, &["run", "specs", "--", "--color", "never"], env)
}

/// The run failed, the good scenario beside the hostile file passed, and no thread
/// panicked.
fn assert_contained(run: &Run) {
    run.assert_exit(101);
    assert_eq!(run.tests_with("ok"), [GOOD_TEST], "{}", run.describe());
    assert!(!run.stderr.contains("panicked"), "{}", run.describe());
    assert!(!run.stdout.contains("panicked"), "{}", run.describe());
}

#[test]
fn a_100_mib_spec_file_is_refused_by_its_size_and_the_other_files_still_run() {
    let dir = scratch("hostile-size");
    write(&dir, "specs/good.feature", GOOD);
    // Sparse: 100 MiB long on disk, nothing to write, and the harness reads none of it.
    let huge = std::fs::File::create(dir.join("specs/huge.feature")).expect("create");
    huge.set_len(100 * 1024 * 1024).expect("set the length");
    let run = run_in(&dir, &[]);
    assert_contained(&run);
    assert!(
        run.failure("[unit] specs/huge.feature").contains(
            "`specs/huge.feature` is larger than 16 MiB (100 MiB): it is not a spec file; check the path, or split the file"
        ),
        "{}",
        run.describe()
    );
}

#[test]
fn a_file_of_sixteen_million_blank_lines_is_refused_at_the_line_past_the_limit() {
    let dir = scratch("hostile-lines");
    write(&dir, "specs/good.feature", GOOD);
    // Just under 16 MiB: every line costs the parser a record, whatever is on it.
    let text = format!("Feature: blank\n{}", "\n".repeat(16 * 1024 * 1024 - 100));
    write(&dir, "specs/blank.feature", &text);
    let run = run_in(&dir, &[]);
    assert_contained(&run);
    let failure = run.failure("[unit] specs/blank.feature");
    for part in [
        "error: more than 500000 lines in one file\n",
        "--> specs/blank.feature:500001:1\n",
    ] {
        assert!(failure.contains(part), "no {part:?} in\n{failure}");
    }
}

#[test]
fn a_scenario_of_100000_steps_runs_to_its_end() {
    let dir = scratch("hostile-steps");
    let mut text = String::from(
        "Feature: long\n  Scenario: a hundred thousand steps\n    Given an agent \"a1\"\n",
    );
    for _ in 0..100_000 {
        text.push_str("    When 1s pass\n");
    }
    text.push_str("    Then the master considers agent \"a1\" registered\n");
    write(&dir, "specs/long.feature", &text);
    let run = run_in(&dir, &[]);
    run.assert_exit(0);
    assert_eq!(
        run.tests_with("ok"),
        ["[unit] long::a hundred thousand steps"],
        "{}",
        run.describe()
    );
}

#[test]
fn a_table_of_a_million_rows_is_refused_at_the_first_row_past_the_limit() {
    let dir = scratch("hostile-table");
    write(&dir, "specs/good.feature", GOOD);
    let mut text = String::from(
        "Feature: table\n  Scenario: a million rows\n    Given an agent \"a1\"\n    Then the master's metrics are:\n      | metric | value |\n",
    );
    for _ in 0..1_000_000 {
        text.push_str("| x | 0 |\n");
    }
    write(&dir, "specs/table.feature", &text);
    let run = run_in(&dir, &[]);
    assert_contained(&run);
    let failure = run.failure("[unit] specs/table.feature");
    // Line 5 is the header, the first row; row 50,001 is on line 50,005.
    for part in [
        "error: more than 50000 table rows in one file\n",
        "--> specs/table.feature:50005:1\n",
        "help: split the table or the file; rows past this one are not read",
    ] {
        assert!(failure.contains(part), "no {part:?} in\n{failure}");
    }
}

#[test]
fn rows_of_32000_cells_are_refused_past_half_a_million_cells() {
    let dir = scratch("hostile-cells");
    write(&dir, "specs/good.feature", GOOD);
    let row = format!("|{}\n", "x|".repeat(32_000));
    let text = format!(
        "Feature: cells\n  Scenario: wide rows\n    Then the master's metrics are:\n{}",
        row.repeat(250)
    );
    write(&dir, "specs/cells.feature", &text);
    let run = run_in(&dir, &[]);
    assert_contained(&run);
    let failure = run.failure("[unit] specs/cells.feature");
    // 32,000 cells a row: the 16th row (line 19) passes 500,000.
    for part in [
        "error: more than 500000 table cells in one file\n",
        "--> specs/cells.feature:19:1\n",
    ] {
        assert!(failure.contains(part), "no {part:?} in\n{failure}");
    }
}

#[test]
fn a_million_tags_on_a_feature_are_refused_before_its_scenarios_inherit_them() {
    let dir = scratch("hostile-tags");
    write(&dir, "specs/good.feature", GOOD);
    let scenarios: String = (0..1_000)
        .map(|i| format!("  Scenario: s{i}\n    Given an agent \"a1\"\n"))
        .collect();
    let tags = |n: usize| format!("{}\n", "@a ".repeat(n));
    write(
        &dir,
        "specs/million.feature",
        &format!("{}Feature: million\n{scenarios}", tags(20_000).repeat(50)),
    );
    // Within the limit on tags written, past the one on tags inherited.
    write(
        &dir,
        "specs/inherited.feature",
        &format!("{}Feature: inherited\n{scenarios}", tags(2_000).repeat(5)),
    );
    let run = run_in(&dir, &[]);
    assert_contained(&run);
    let million = run.failure("[unit] specs/million.feature");
    assert!(
        million.contains("error: more than 10000 tags in one file\n"),
        "{}",
        &million[..million.len().min(2_000)]
    );
    let inherited = run.failure("[unit] specs/inherited.feature");
    assert!(
        inherited.contains("error: the file expands to more than 1000000 tags"),
        "{}",
        &inherited[..inherited.len().min(2_000)]
    );
}

#[test]
fn column_names_repeated_in_every_example_count_towards_the_text_limit() {
    let dir = scratch("hostile-header");
    write(&dir, "specs/good.feature", GOOD);
    let header: String = (0..10)
        .map(|i| format!("|c{i}{}", "x".repeat(6_000)))
        .collect();
    let row = format!("{}|\n", "|1".repeat(10));
    let text = format!(
        "Feature: header\n  Scenario Outline: wide\n    Given an agent \"a1\"\n\n    Examples:\n{header}|\n{}",
        row.repeat(20_000)
    );
    write(&dir, "specs/header.feature", &text);
    let run = run_in(&dir, &[]);
    assert_contained(&run);
    let failure = run.failure("[unit] specs/header.feature");
    assert!(
        failure.contains("error: the file expands to more than 128 MiB of steps, tables"),
        "{}",
        &failure[failure.len().saturating_sub(3_000)..]
    );
}

#[test]
fn a_background_table_repeated_in_every_scenario_counts_its_cells_towards_the_limit() {
    let dir = scratch("hostile-background-table");
    write(&dir, "specs/good.feature", GOOD);
    let row = format!("{}|\n", "|x".repeat(100));
    let scenarios: String = (0..1_000)
        .map(|i| format!("  Scenario: s{i}\n    When 1s pass\n"))
        .collect();
    let text = format!(
        "Feature: table\n  Background:\n    Then the master's metrics are:\n{}{scenarios}",
        row.repeat(1_000)
    );
    write(&dir, "specs/table.feature", &text);
    let run = run_in(&dir, &[]);
    assert_contained(&run);
    let failure = run.failure("[unit] specs/table.feature");
    assert!(
        failure.contains("error: the file expands to more than 128 MiB of steps, tables"),
        "{failure}"
    );
}

#[test]
fn an_outline_of_a_million_examples_is_refused_before_it_is_expanded() {
    let dir = scratch("hostile-examples");
    write(&dir, "specs/good.feature", GOOD);
    // 30,000 examples fit the rows' limit and pass the scenarios' one.
    let mut text = String::from(
        "Feature: outline\n  Scenario Outline: row <n>\n    Given an agent \"a1\"\n    When <n>s pass\n\n    Examples:\n      | n |\n",
    );
    for i in 0..30_000 {
        let _ = writeln!(text, "|{i}|");
    }
    write(&dir, "specs/thirty.feature", &text);
    let mut text = text.replace("Feature: outline", "Feature: million");
    for i in 30_000..1_000_000 {
        let _ = writeln!(text, "|{i}|");
    }
    write(&dir, "specs/million.feature", &text);
    let run = run_in(&dir, &[]);
    assert_contained(&run);
    let thirty = run.failure("[unit] specs/thirty.feature");
    for part in [
        "error: the file expands to more than 20000 scenarios\n",
        "--> specs/thirty.feature:20008:1\n",
    ] {
        assert!(thirty.contains(part), "no {part:?} in\n{thirty}");
    }
    let million = run.failure("[unit] specs/million.feature");
    assert!(
        million.contains("error: more than 50000 table rows in one file"),
        "{million}"
    );
}

#[test]
fn a_background_repeated_in_every_scenario_is_refused_past_half_a_million_steps() {
    let dir = scratch("hostile-background");
    write(&dir, "specs/good.feature", GOOD);
    let mut text = String::from("Feature: background\n  Background:\n");
    for _ in 0..1_000 {
        text.push_str("    Given an agent \"a1\"\n");
    }
    for i in 0..1_001 {
        let _ = write!(text, "  Scenario: s{i}\n    When 1s pass\n");
    }
    write(&dir, "specs/background.feature", &text);
    let run = run_in(&dir, &[]);
    assert_contained(&run);
    let failure = run.failure("[unit] specs/background.feature");
    assert!(
        failure.contains("error: the file expands to more than 500000 steps, counting background steps once per scenario"),
        "{failure}"
    );
}

#[test]
fn a_line_of_10_mib_is_refused_wherever_it_stands() {
    let dir = scratch("hostile-line");
    write(&dir, "specs/good.feature", GOOD);
    let long = "a".repeat(10 * 1024 * 1024);
    let files = [
        ("unknown-step", format!("  Scenario: s\n    When {long}\n")),
        (
            "title",
            format!("  Scenario: {long}\n    Given an agent \"a1\"\n"),
        ),
        (
            "name",
            format!("  Scenario: s\n    Given an agent \"{long}\"\n"),
        ),
        (
            "cell",
            format!(
                "  Scenario: s\n    Then the master's metrics are:\n      | metric | value |\n      | {long} | 0 |\n"
            ),
        ),
        (
            "tags",
            format!("  @{long}\n  Scenario: s\n    Given an agent \"a1\"\n"),
        ),
    ];
    for (name, body) in &files {
        write(
            &dir,
            &format!("specs/{name}.feature"),
            &format!("Feature: {name}\n{body}"),
        );
    }
    let run = run_in(&dir, &[]);
    assert_contained(&run);
    for (name, _) in files {
        let failure = run.failure(&format!("[unit] specs/{name}.feature"));
        assert!(
            failure.contains("bytes long, more than 65536"),
            "{name}: {}",
            &failure[..failure.len().min(2_000)]
        );
    }
    assert!(
        run.stdout.len() < 1024 * 1024,
        "the errors quote the long lines: {} bytes of output",
        run.stdout.len()
    );
}

#[test]
fn spec_paths_listed_twice_or_inside_each_other_run_their_files_once() {
    let dir = scratch("hostile-roots");
    write(&dir, "specs/good.feature", GOOD);
    write(
        &dir,
        "specs/sub/more.feature",
        &GOOD.replace("Feature: good", "Feature: more"),
    );
    let listed = "specs:specs/sub:specs/../specs:specs/good.feature";
    let run = netsplit_in(
        &dir,
        &["run", "--", "--color", "never"],
        &[("NETSPLIT_SPECS", listed)],
    );
    run.assert_exit(101);
    assert_eq!(
        run.tests_with("ok"),
        [
            "[unit] good::a good scenario still runs",
            "[unit] sub::more::a good scenario still runs"
        ],
        "{}",
        run.describe()
    );
    for (name, why) in [
        ("[unit] specs/sub", "`specs/sub` lies inside `specs`"),
        (
            "[unit] specs/../specs",
            "`specs/../specs` is the same directory as `specs`",
        ),
        (
            "[unit] specs/good.feature",
            "`specs/good.feature` lies inside `specs`",
        ),
    ] {
        assert!(
            run.failure(name).starts_with(why),
            "{name}: {}",
            run.describe()
        );
    }
}

#[test]
fn a_spec_directory_with_link_loops_runs_each_file_once() {
    let dir = scratch("hostile-loop");
    write(&dir, "specs/good.feature", GOOD);
    // A loop within the root, and one through a directory outside it and back.
    std::os::unix::fs::symlink(".", dir.join("specs/again")).expect("a link");
    write(
        &dir,
        "outside/o.feature",
        &GOOD.replace("Feature: good", "Feature: o"),
    );
    std::os::unix::fs::symlink("../outside", dir.join("specs/out")).expect("a link");
    std::os::unix::fs::symlink("../specs", dir.join("outside/back")).expect("a link");
    std::os::unix::fs::symlink("loop.feature", dir.join("specs/loop.feature")).expect("a link");
    let run = run_in(&dir, &[]);
    run.assert_exit(101);
    assert_eq!(
        run.tests_with("ok"),
        [GOOD_TEST, "[unit] out::o::a good scenario still runs"],
        "{}",
        run.describe()
    );
    assert!(
        run.failure("[unit] specs/loop.feature")
            .starts_with("cannot read `specs/loop.feature`: Too many levels of symbolic links"),
        "{}",
        run.describe()
    );
}

#[test]
fn a_spec_directory_nested_200_deep_is_walked_to_the_bottom() {
    let dir = scratch("hostile-deep");
    let deep: String = (0..200).map(|i| format!("d{i}/")).collect();
    write(&dir, &format!("specs/{deep}good.feature"), GOOD);
    let run = run_in(&dir, &[]);
    run.assert_exit(0);
    let name = format!(
        "[unit] {}good::a good scenario still runs",
        deep.replace('/', "::")
    );
    assert_eq!(run.tests_with("ok"), [name], "{}", run.describe());
}
