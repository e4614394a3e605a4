//! `netsplit run`'s output: the specification report, a failing scenario's message,
//! runaway scenarios, and the options and variables that shape the output.

use crate::support::{check_golden, fixtures, netsplit, run_specs, scratch};

const FAILING: &str = "[unit] task-failed::A failed task is wrongly expected to finish";

#[test]
fn the_report_is_a_tree_of_features_rules_and_scenarios_with_a_summary() {
    let run = run_specs("report", &["--test-threads", "1"], &[]);
    run.assert_exit(101);
    assert_eq!(
        run.result_line(),
        "test result: FAILED. 5 passed; 1 failed; 2 ignored; 0 measured; 0 filtered out"
    );
    let report = run.expect_report();
    assert!(
        run.stdout.find("test result:") < run.stdout.find("\nSpecification\n"),
        "the report comes after libtest's output\n{}",
        run.describe()
    );
    for line in [
        "└─ report/",
        "   ├─ Agent health checks (agents.feature)",
        "   │  ├─ ✘ A failed task is wrongly expected to finish (",
        "   │  ├─ ↷ Agent removal is rate limited (ignored: MESOS 8887 not modelled)",
        "   │  ├─ ↷ Agent is ignored without a reason (ignored)",
        "   │  └─ Rule: an agent cut off for longer than the timeouts is unreachable",
        "   │     └─ ✔ Spark loses the task of an unreachable agent [integration] (",
        "   └─ tasks/",
        "      └─ Killing tasks (kills.feature)",
        "         └─ ✔ A killed task is reported killed (",
        "8 scenarios: 5 passed, 1 failed, 2 ignored in ",
    ] {
        assert!(
            report.lines().any(|l| l.starts_with(line)),
            "no line starting with {line:?} in the report\n{report}"
        );
    }
    check_golden("report/tree", report);
}

#[test]
fn a_failing_scenario_shows_its_step_a_diff_the_timeline_the_seed_and_how_to_rerun_it() {
    let run = run_specs("failure", &[], &[]);
    run.assert_exit(101);
    assert_eq!(run.tests_with("FAILED"), [FAILING]);
    let message = run.failure(FAILING);
    for part in [
        "scenario: A failed task is wrongly expected to finish\n      at: failure/task-failed.feature:7\n",
        "    step: Then \"spark\" receives these updates:\n      at: failure/task-failed.feature:11\n",
        "\nDiff < expected / > observed:\n | task | state | source |\n<| t1 | TASK_FINISHED | SOURCE_AGENT |\n>| t1 | TASK_FAILED | SOURCE_EXECUTOR |\n",
        "\ntimeline (virtual time; answered pings left out):\n",
        "  00:10.000 net     a1 -> master: StatusUpdate TASK_FAILED for task t1 of framework spark\n",
        "\nseed: 7\n",
    ] {
        assert!(message.contains(part), "no {part:?} in\n{message}");
    }
    let rerun = message.lines().last().unwrap_or_default();
    assert!(
        rerun.starts_with("rerun: ") && rerun.ends_with(&format!(" -- --exact '{FAILING}'")),
        "the message ends with the command that reruns the scenario alone: {rerun:?}"
    );
    check_golden("report/failure", &message);
}

#[test]
fn the_rerun_command_of_a_failure_reruns_exactly_that_scenario() {
    let run = run_specs("failure", &[], &[]);
    let message = run.failure(FAILING);
    let rerun = message
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("rerun: "))
        .expect("a rerun line");
    assert!(
        !rerun.starts_with("cargo test --test netsplit "),
        "the package has no test target `netsplit`: `{rerun}` cannot work"
    );
    // The command must work as printed, from where the run was started.
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_netsplit"))
        .parent()
        .expect("the binary's directory");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = std::process::Command::new("sh")
        .args(["-c", &format!("{rerun} --color never")])
        .current_dir(fixtures())
        .env("PATH", path)
        .env_remove("NEXTEST")
        .output()
        .expect("run the rerun command");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let ran: Vec<&str> = stdout.lines().filter(|l| l.starts_with("test [")).collect();
    assert_eq!(
        ran.len(),
        1,
        "`{rerun}` runs one scenario\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(ran[0].starts_with(&format!("test {FAILING} ")), "{stdout}");
}

#[test]
fn the_timeline_shows_every_when_and_then_step() {
    let run = run_specs("failure", &[], &[]);
    let message = run.failure(FAILING);
    for step in [
        "step    When 10s pass",
        "step    When task \"t1\" fails",
        "step    Then \"spark\" receives these updates:",
    ] {
        assert!(
            message.contains(step),
            "no {step:?} in the timeline\n{message}"
        );
    }
}

#[test]
fn a_runaway_scenario_fails_with_a_clear_message_instead_of_hanging() {
    let name = "[unit] year::Two years cut off as the last step";
    let run = run_specs("runaway", &["--exact", name], &[]);
    run.assert_exit(101);
    assert_eq!(run.tests_with("FAILED"), [name]);
    let message = run.failure(name);
    assert!(
        message.contains("the scenario exceeded its bound of 20000 model events at ")
            && message.contains("it is probably stuck in a loop\nhelp: shorten the scenario, or raise the bound with `Given a scenario may run at most "),
        "{message}"
    );
    assert!(
        message.contains("    step: When 104 weeks pass\n      at: runaway/year.feature:12\n"),
        "{message}"
    );
}

#[test]
fn a_runaway_scenario_is_blamed_on_the_step_that_ran_away() {
    let name = "[unit] year::Two years cut off before another step";
    let run = run_specs("runaway", &["--exact", name], &[]);
    run.assert_exit(101);
    let message = run.failure(name);
    assert!(
        message.contains("    step: When 104 weeks pass\n      at: runaway/year.feature:15\n"),
        "the failure names the step that exceeded the bound\n{message}"
    );
}

#[test]
fn the_report_is_printed_for_pretty_output_only_and_never_under_nextest() {
    let pretty = run_specs("roots/first", &[], &[]);
    pretty.assert_exit(0);
    assert!(pretty.expect_report().contains("2 scenarios: 2 passed"));
    for (args, env) in [
        (&["--format", "terse"][..], &[][..]),
        (&["--quiet"][..], &[][..]),
        (&[][..], &[("NEXTEST", "1")][..]),
    ] {
        let run = run_specs("roots/first", args, env);
        run.assert_exit(0);
        assert!(
            run.stdout.contains("test result: ok. 2 passed"),
            "{}",
            run.describe()
        );
        assert!(run.report().is_none(), "no report here\n{}", run.describe());
    }
}

#[test]
fn colour_is_used_only_when_asked_for() {
    let always = netsplit(&["run", "roots/first", "--", "--color", "always"], &[]);
    always.assert_exit(0);
    assert!(
        always
            .stdout
            .contains("\u{1b}[32m✔\u{1b}[0m Alpha stays registered"),
        "`--color always` paints a pass green\n{}",
        always.describe()
    );
    for env in [&[][..], &[("NO_COLOR", "1")][..]] {
        let run = netsplit(&["run", "report", "--", "--test-threads", "1"], env);
        run.assert_exit(101);
        assert!(run.report().is_some());
        assert!(
            !run.stdout.contains('\u{1b}'),
            "no ANSI codes without a terminal or with NO_COLOR\n{}",
            run.describe()
        );
    }
}

#[test]
fn timings_are_appended_one_line_per_test_that_ran() {
    let file = scratch("timings").join("timings.tsv");
    let file_text = file.to_string_lossy().into_owned();
    let env = [("NETSPLIT_TIMINGS", file_text.as_str())];
    for _ in 0..2 {
        run_specs("report", &[], &env).assert_exit(101);
    }
    let text = std::fs::read_to_string(&file).expect("the timings file is written");
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    // Six tests ran each time (two are ignored): two runs, twelve lines.
    assert_eq!(lines.len(), 12, "{text}");
    for fields in &lines {
        assert!(
            fields.len() == 3
                && ["passed", "failed"].contains(&fields[1])
                && fields[2].parse::<f64>().is_ok_and(|ms| ms >= 0.0),
            "not `name<TAB>outcome<TAB>ms`: {fields:?}"
        );
    }
    let failed: Vec<&str> = lines
        .iter()
        .filter(|f| f[1] == "failed")
        .map(|f| f[0])
        .collect();
    assert_eq!(
        failed,
        ["[unit] agents::A failed task is wrongly expected to finish"; 2]
    );
}

#[test]
fn a_run_of_one_scenario_counts_it_in_the_singular() {
    let name = "[unit] alpha::Alpha stays registered";
    let run = run_specs("roots/first", &["--exact", name], &[]);
    run.assert_exit(0);
    let report = run.expect_report();
    assert!(
        report.contains("\n1 scenario: 1 passed, 0 failed, 0 ignored in "),
        "{report}"
    );
}
