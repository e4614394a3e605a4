//! `netsplit steps`, `netsplit what-if`, and command lines the tool refuses.

use crate::support::{check_golden, netsplit, netsplit_in, scratch};

#[test]
fn netsplit_steps_lists_each_step_with_an_example_the_runner_accepts() {
    let run = netsplit(&["steps"], &[]);
    run.assert_exit(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let headings: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.is_empty() && !l.starts_with(' '))
        .collect();
    assert_eq!(headings, ["Given", "When", "Then", "Placeholders"]);
    // Each step's pattern is followed by an example of the same kind.
    let mut examples = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(pattern) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) else {
            continue;
        };
        if pattern.starts_with('{') {
            continue; // a placeholder
        }
        let kind = pattern.split(' ').next().unwrap_or_default();
        let example = lines
            .get(i + 1)
            .and_then(|l| l.strip_prefix("      e.g. "))
            .unwrap_or_else(|| panic!("no example under `{pattern}`"));
        assert!(
            example.starts_with(&format!("{kind} ")),
            "`{example}` is a {kind} step"
        );
        examples.push(example);
    }
    for step in [
        "  Given the master runs Mesos {version}",
        "  When agent {name} is partitioned from the master",
        "  When the network heals",
        "  Then {name} receives these updates:",
        "  {duration}  ",
        "  {reason}  ",
    ] {
        assert!(
            lines.iter().any(|l| l.starts_with(step)),
            "no {step:?} in\n{}",
            run.stdout
        );
    }
    // A filter keeps only the steps whose pattern or example contains it.
    let filtered = netsplit(&["steps", "partitioned from"], &[]);
    filtered.assert_exit(0);
    let patterns: Vec<&str> = filtered
        .stdout
        .lines()
        .filter(|l| {
            l.starts_with("  When ") || l.starts_with("  Given ") || l.starts_with("  Then ")
        })
        .collect();
    assert!(patterns.len() >= 3, "{}", filtered.stdout);
    assert!(
        patterns.iter().all(|l| l.contains("partitioned from")),
        "{}",
        filtered.stdout
    );
    assert!(!filtered.stdout.contains("\nGiven\n") && !filtered.stdout.starts_with("Given\n"));

    // Every example, run as a scenario of its own, matches its step: whatever fails
    // at run time (undeclared names), nothing fails to match or to parse.
    let dir = scratch("steps");
    let mut feature = String::from("Feature: Every example of `netsplit steps`\n");
    for (n, example) in examples.iter().enumerate() {
        feature.push_str(&format!("\n  Scenario: example {n}\n    {example}\n"));
        if example.ends_with(':') {
            feature.push_str("      | column |\n      | value  |\n");
        }
    }
    std::fs::write(dir.join("examples.feature"), feature).expect("write the examples");
    let run = netsplit_in(&dir, &["run", ".", "--", "--color", "never"], &[]);
    assert_eq!(run.tests().len(), examples.len(), "{}", run.describe());
    let unmatched: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert!(
        unmatched.is_empty(),
        "examples that do not match their step: {unmatched:#?}"
    );
}

#[test]
fn what_if_tells_what_each_kind_of_framework_sees() {
    let legacy = netsplit(&["what-if", "--for", "100s", "--version", "1.4"], &[]);
    legacy.assert_exit(0);
    assert_eq!(legacy.stderr, "");
    for line in [
        "What if agent a1 is cut off from the master for 100s (Mesos 1.4.0, agent_ping_timeout 15s x max_agent_ping_timeouts 5)?",
        "      1m30s  the master marks the agent unreachable (health check timed out)",
        "      1m30s  \"aware\" receives TASK_UNREACHABLE for aware-task (REASON_AGENT_REMOVED)",
        "      1m30s  \"legacy\" receives TASK_LOST for legacy-task (REASON_AGENT_REMOVED)",
        "Outcome:\n  the master gave up on the agent during the partition\n",
        "  partition-aware framework \"aware\": its task is still running\n",
        "  non-partition-aware framework \"legacy\": its task is no longer running\n",
    ] {
        legacy.assert_stdout_contains(line);
    }
    check_golden("commands/what-if-1.4", &legacy.stdout);

    let fast = netsplit(
        &[
            "what-if",
            "--for",
            "80s",
            "--phase",
            "before-ping",
            "--flag",
            "agent_ping_timeout=10s",
        ],
        &[],
    );
    fast.assert_exit(0);
    for line in [
        "(Mesos 1.12.0, agent_ping_timeout 10s x max_agent_ping_timeouts 5)?",
        "         0s  the link is cut, just before a ping is due\n",
        "        50s  the master marks the agent unreachable",
        "  non-partition-aware framework \"legacy\": its task is still running\n",
    ] {
        fast.assert_stdout_contains(line);
    }
    check_golden("commands/what-if-before-ping", &fast.stdout);

    let short = netsplit(&["what-if", "--for", "30s"], &[]);
    short.assert_exit(0);
    short.assert_stdout_contains(
        "  the master never gave up on the agent: it needs 1m15s to 1m30s of silence",
    );
}

#[test]
fn what_if_with_a_policy_tells_what_the_framework_did_and_what_became_of_its_tasks() {
    let run = netsplit(
        &[
            "what-if",
            "--policy",
            "marathon",
            "--for",
            "700s",
            "--version",
            "1.4",
        ],
        &[],
    );
    run.assert_exit(0);
    assert_eq!(run.stderr, "");
    for line in [
        "and framework \"app\" follows Marathon's unreachable strategy with inactive after 5m and expunge after 10m (`marathon`)?",
        "        1m30s  \"app\" receives TASK_UNREACHABLE for app-1\n",
        "       10m15s  \"app\" launches task app-1#2, a new copy of app-1, on agent a2\n",
        "       20m15s  \"app\" kills task app-1\n",
        "  replacements launched: 1\n",
        "  two copies of an instance ran at once for: 10m\n",
        "  fewer than 3 instances ran for: none\n",
    ] {
        run.assert_stdout_contains(line);
    }
    check_golden("commands/what-if-policy-marathon", &run.stdout);
}

#[test]
fn what_if_with_lists_of_lengths_and_versions_prints_a_table_of_outcomes() {
    let run = netsplit(
        &[
            "what-if",
            "--policy",
            "all",
            "--for",
            "100s,700s",
            "--version",
            "1.4,1.12",
        ],
        &[],
    );
    run.assert_exit(0);
    for row in [
        "| policy | Mesos | cut off for | lost | replaced | two copies for | capacity gap |\n",
        "| relaunch | 1.12.0 | 1m40s | 0 | 1 | 30m10s and on | none |\n",
        "| relaunch-and-kill | 1.12.0 | 1m40s | 0 | 1 | 27s | none |\n",
        "| marathon | 1.4.0 | 11m40s | 0 | 1 | 10m | none |\n",
        "| wait | 1.4.0 | 11m40s | 0 | 0 | none | none |\n",
    ] {
        run.assert_stdout_contains(row);
    }
    let rows = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| policy"))
        .count();
    assert_eq!(
        rows,
        4 * 2 * 2,
        "a row per policy, version and length\n{}",
        run.describe()
    );
    check_golden("commands/what-if-policy-table", &run.stdout);
}

#[test]
fn the_outcome_table_in_the_policy_docs_is_what_the_tool_prints_now() {
    let run = netsplit(
        &[
            "what-if",
            "--policy",
            "all",
            "--for",
            "100s,400s,700s",
            "--version",
            "1.0,1.4,1.12",
        ],
        &[],
    );
    run.assert_exit(0);
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/policies.md"))
        .expect("docs/policies.md is readable");
    assert!(
        docs.contains(run.stdout.trim_end()),
        "docs/policies.md does not hold the current table; paste in the output of `netsplit what-if --policy all --for 100s,400s,700s --version 1.0,1.4,1.12`:\n{}",
        run.stdout
    );
}

#[test]
fn a_policy_what_if_cannot_use_exits_with_2_and_names_the_policies() {
    for (args, says) in [
        (
            &["what-if", "--policy", "bogus", "--for", "80s"][..],
            "error: --policy: `bogus` is not a policy; use `relaunch`, `relaunch-and-kill`, `marathon`, `marathon:60s,120s`, `wait`, `wait:10m` or `all`",
        ),
        (
            &["what-if", "--policy", "marathon:60s", "--for", "80s"][..],
            "error: --policy marathon:60s: give both durations, e.g. `marathon:60s,120s`",
        ),
        (
            &["what-if", "--policy", "marathon:10m,5m", "--for", "80s"][..],
            "must be at least inactive after",
        ),
        (
            &["what-if", "--policy", "wait", "--for", "80s,9"][..],
            "error: --for: `9` is not a duration",
        ),
        (
            &[
                "what-if",
                "--policy",
                "wait",
                "--for",
                "80s",
                "--reconcile-every",
                "0s",
            ][..],
            "error: --reconcile-every: 0s is too often",
        ),
        (
            &["what-if", "--for", "80s", "--reconcile-every", "5m"][..],
            "--policy <POLICY>",
        ),
    ] {
        let run = netsplit(args, &[]);
        run.assert_exit(2);
        run.assert_stderr_contains(says);
    }
}

#[test]
fn what_if_without_return_never_says_the_partition_heals() {
    for length in ["30s", "100s"] {
        let run = netsplit(&["what-if", "--for", length, "--no-return"], &[]);
        run.assert_exit(0);
        assert!(
            !run.stdout.contains("the partition heals"),
            "the agent stays cut off\n{}",
            run.describe()
        );
    }
}

#[test]
fn a_bad_what_if_duration_exits_with_2_and_says_what_a_duration_is() {
    let run = netsplit(&["what-if", "--for", "80"], &[]);
    run.assert_exit(2);
    assert_eq!(run.stdout, "", "{}", run.describe());
    run.assert_stderr_contains("error: --for: `80` is not a duration: `80` has no unit");
    run.assert_stderr_contains("e.g. `80s`, `1m20s`");
    check_golden("commands/what-if-bad-duration", &run.stderr);
}

#[test]
fn command_lines_the_tool_cannot_use_exit_with_2_and_say_why() {
    for (args, says) in [
        (&["bogus"][..], "unrecognized subcommand 'bogus'"),
        (
            &["run", "report", "--", "--bogus"][..],
            "unexpected argument '--bogus'",
        ),
        (&["what-if"][..], "--for <DURATION>"),
        (
            &["what-if", "--for", "80s", "--version", "2.x"][..],
            "error: --version: `2.x` is not a Mesos version",
        ),
        (
            &["what-if", "--for", "80s", "--flag", "agent_ping_timout=10s"][..],
            "error: --flag: `agent_ping_timout` is not a modelled flag; did you mean `agent_ping_timeout`?",
        ),
        (
            &["what-if", "--for", "80s", "--flag", "x"][..],
            "error: --flag: `x` is not NAME=VALUE",
        ),
        (
            &["what-if", "--for", "80s", "--phase", "middle"][..],
            "error: --phase: `middle` is not a phase; use `after-ping` or `before-ping`",
        ),
    ] {
        let run = netsplit(args, &[]);
        run.assert_exit(2);
        run.assert_stderr_contains(says);
        assert_eq!(run.stdout, "", "{}", run.describe());
    }
}
