//! The workloads of `cargo xtask bench`, as spec files.
//!
//! Each workload is written in the spec language, so that the benchmark runs the whole path
//! a user's specs take (parsing, matching steps, the model, the checks, the report), and
//! each one ends with Then steps that hold only if the model did the right thing: a workload
//! that gives a wrong result fails like any scenario, and so does the benchmark.
//!
//! The steps are those of `docs/steps.md`: `Given {int} agents` names its agents `a1`,
//! `a2`, ...; `Given {name} runs {int} tasks on agent {name}` and `Given {name} runs a task on
//! every agent` declare the tasks.

use std::fmt::Write;

/// The largest cluster `Given {int} agents` declares; larger ones are declared by name.
const MOST_COUNTED_AGENTS: usize = 10_000;

/// Scenarios per generated file of the small-scenario workload.
pub const SCENARIOS_PER_FILE: usize = 100;

/// The sizes of the workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizes {
    /// Agents of the quiet cluster and of the large partitioned cluster.
    pub agents: usize,
    /// Agents of the small partitioned cluster, the base of the scaling ratio.
    pub small_agents: usize,
    /// Tasks on each agent of the partitioned clusters.
    pub tasks: usize,
    /// Small scenarios run by the spec harness (and trivial trials by the baseline).
    pub scenarios: usize,
}

impl Sizes {
    /// The sizes the targets are set for.
    pub const FULL: Sizes = Sizes {
        agents: 10_000,
        small_agents: 1_000,
        tasks: 100,
        scenarios: 10_000,
    };

    /// Sizes that run in seconds: every workload runs and is checked, nothing is judged.
    pub const SMOKE: Sizes = Sizes {
        agents: 1_000,
        small_agents: 100,
        tasks: 10,
        scenarios: 500,
    };

    /// An error saying which size is out of range and what it takes.
    pub fn check(&self) -> Result<(), String> {
        let checks = [
            (
                "--agents",
                self.agents,
                2,
                "at least 2 (half of them are cut off)",
            ),
            (
                "--small-agents",
                self.small_agents,
                2,
                "at least 2 (half of them are cut off)",
            ),
            ("--tasks", self.tasks, 1, "from 1 to 100000"),
            ("--scenarios", self.scenarios, 1, "at least 1"),
        ];
        for (flag, value, least, takes) in checks {
            if value < least {
                return Err(format!("`{flag} {value}`: give {takes}"));
            }
        }
        if self.tasks > 100_000 {
            return Err(format!(
                "`--tasks {}`: give from 1 to 100000 (the most `Given {{name}} runs {{int}} tasks on agent {{name}}` declares)",
                self.tasks
            ));
        }
        Ok(())
    }
}

/// `"a1", "a2" and "a3"`: the agents `a{from}` to `a{to}`, as `{names}` takes them.
fn agent_names(from: usize, to: usize) -> String {
    let mut names = String::new();
    for i in from..=to {
        if i > from {
            names.push_str(if i == to { " and " } else { ", " });
        }
        let _ = write!(names, "\"a{i}\"");
    }
    names
}

/// The Given step that declares agents `a1` to `a{agents}`.
fn declare_agents(agents: usize) -> String {
    match agents {
        1 => "an agent \"a1\"".to_owned(),
        n if n <= MOST_COUNTED_AGENTS => format!("{n} agents"),
        n => format!("agents {}", agent_names(1, n)),
    }
}

/// A cluster of `agents` agents with a task each, in which nothing happens for 220 s. Every
/// task is still running at the end and the framework has heard nothing.
pub fn quiet(agents: usize) -> String {
    format!(
        "Feature: A quiet cluster
  Scenario: {agents} quiet agents keep their tasks through 220s
    Given {}
    And a framework \"spark\"
    And \"spark\" runs a task on every agent
    When 220s pass
    Then \"spark\" receives no updates
    And the master considers agent \"a1\" registered
    And the master considers agent \"a{agents}\" registered
    And the master's metrics are:
      | metric                      | value |
      | slave_removals              | 0     |
      | slave_unreachable_completed | 0     |
",
        declare_agents(agents)
    )
}

/// A cluster of `agents` agents with `tasks` tasks each of a partition-aware framework; the
/// first half is cut off from the master for 100 s, the network heals, and 120 s pass. Each
/// agent of that half was marked unreachable and has reregistered; no task was lost.
pub fn partition(agents: usize, tasks: usize) -> String {
    let half = agents / 2;
    let mut text = format!(
        "Feature: A partition of half the cluster
  Scenario: Half of {agents} agents with {tasks} tasks each are cut off for 100s and come back
    Given a scenario may run at most 1000000000 model events
    And {}
    And a partition-aware framework \"cassandra\"
",
        declare_agents(agents)
    );
    for i in 1..=agents {
        let _ = writeln!(
            text,
            "    And \"cassandra\" runs {tasks} tasks on agent \"a{i}\""
        );
    }
    let cut = match half {
        1 => "agent \"a1\" is partitioned from the master".to_owned(),
        _ => format!(
            "agents {} are partitioned from the master",
            agent_names(1, half)
        ),
    };
    let _ = write!(
        text,
        "    When {cut}
    And 100s pass
    And the network heals
    And 120s pass
    Then the master's metrics are:
      | metric                      | value |
      | slave_unreachable_completed | {half:<5} |
      | slave_reregistrations       | {half:<5} |
      | tasks_lost                  | 0     |
    And the master considers agent \"a1\" registered
    And the master considers agent \"a{agents}\" registered
"
    );
    text
}

/// One small scenario: the name and the steps (4 to 6, Given steps included) of the `i`th.
fn small_scenario(i: usize) -> (String, String) {
    let (name, steps) = match i % 4 {
        0 => (
            format!("Tasks of a partition-aware framework on agent {i} become unreachable"),
            format!(
                "    Given an agent \"a{i}\"
    And a partition-aware framework \"cassandra\"
    And \"cassandra\" runs task \"c{i}\" on agent \"a{i}\"
    When agent \"a{i}\" is partitioned from the master for 100s
    Then \"cassandra\" receives TASK_UNREACHABLE for task \"c{i}\" with reason REASON_AGENT_REMOVED
"
            ),
        ),
        1 => (
            format!("A blip of 60s on agent {i} goes unnoticed"),
            format!(
                "    Given an agent \"a{i}\"
    And a framework \"spark\"
    And \"spark\" runs task \"s{i}\" on agent \"a{i}\"
    When the next ping to agent \"a{i}\" is due
    And agent \"a{i}\" is partitioned from the master for 60s
    Then \"spark\" receives no updates
"
            ),
        ),
        2 => (
            format!("Task {i} is lost at 90s for a framework that is not partition-aware"),
            format!(
                "    Given an agent \"a{i}\"
    And a framework \"spark\"
    And \"spark\" runs task \"s{i}\" on agent \"a{i}\"
    When agent \"a{i}\" is partitioned from the master
    And 100s pass
    Then \"spark\" receives TASK_LOST for task \"s{i}\" at 90s
"
            ),
        ),
        _ => (
            format!("Agent {i} cut off for 100s is unreachable"),
            format!(
                "    Given an agent \"a{i}\"
    And a framework \"spark\"
    When agent \"a{i}\" is partitioned from the master for 100s
    Then the master considers agent \"a{i}\" unreachable
"
            ),
        ),
    };
    (name, steps)
}

/// `count` small scenarios of 4 to 6 steps each, [`SCENARIOS_PER_FILE`] to a file: the file
/// names (`small-001.feature`, ...) and their text. Every scenario passes.
pub fn small_scenarios(count: usize) -> Vec<(String, String)> {
    (0..count.div_ceil(SCENARIOS_PER_FILE))
        .map(|file| {
            let mut text = format!("Feature: Small scenarios, file {}\n", file + 1);
            let first = file * SCENARIOS_PER_FILE + 1;
            let last = (first + SCENARIOS_PER_FILE - 1).min(count);
            for i in first..=last {
                let (name, steps) = small_scenario(i);
                let _ = write!(text, "\n  Scenario: {name}\n{steps}");
            }
            (format!("small-{:03}.feature", file + 1), text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn steps_of(scenario: &str) -> usize {
        scenario
            .lines()
            .filter(|l| {
                let word = l.split_whitespace().next().unwrap_or_default();
                ["Given", "When", "Then", "And"].contains(&word)
            })
            .count()
    }

    #[test]
    fn agent_names_are_joined_as_the_names_placeholder_takes_them() {
        assert_eq!(agent_names(1, 1), "\"a1\"");
        assert_eq!(agent_names(1, 2), "\"a1\" and \"a2\"");
        assert_eq!(agent_names(3, 6), "\"a3\", \"a4\", \"a5\" and \"a6\"");
    }

    #[test]
    fn clusters_beyond_what_the_counting_step_declares_are_declared_by_name() {
        assert_eq!(declare_agents(10_000), "10000 agents");
        assert!(declare_agents(10_001).starts_with("agents \"a1\", \"a2\""));
        assert!(declare_agents(10_001).ends_with("\"a10000\" and \"a10001\""));
    }

    #[test]
    fn the_partition_workload_cuts_off_the_first_half_and_expects_each_of_it_back() {
        let text = partition(6, 100);
        assert!(text.contains("When agents \"a1\", \"a2\" and \"a3\" are partitioned"));
        assert_eq!(text.matches(" runs 100 tasks on agent ").count(), 6);
        assert!(text.contains("| slave_unreachable_completed | 3     |"));
        assert!(text.contains("| slave_reregistrations       | 3     |"));
        assert!(text.contains("agent \"a6\" registered"));
    }

    #[test]
    fn a_partition_of_two_agents_cuts_off_one_with_the_single_agent_step() {
        assert!(partition(2, 1).contains("When agent \"a1\" is partitioned from the master\n"));
    }

    #[test]
    fn the_quiet_workload_checks_the_last_agent_it_declares() {
        let text = quiet(250);
        assert!(text.contains("Given 250 agents"));
        assert!(text.contains("agent \"a250\" registered"));
    }

    #[test]
    fn small_scenarios_come_a_hundred_to_a_file_with_unique_names_of_four_to_six_steps() {
        let files = small_scenarios(250);
        let names: Vec<_> = files.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "small-001.feature",
                "small-002.feature",
                "small-003.feature"
            ]
        );
        let scenarios: Vec<&str> = files
            .iter()
            .flat_map(|(_, text)| text.split("\n  Scenario: ").skip(1))
            .collect();
        assert_eq!(scenarios.len(), 250);
        let mut titles: Vec<&str> = scenarios
            .iter()
            .map(|s| s.lines().next().unwrap())
            .collect();
        titles.sort();
        titles.dedup();
        assert_eq!(titles.len(), 250, "scenario names repeat");
        for scenario in scenarios {
            assert!(
                (4..=6).contains(&steps_of(scenario)),
                "{} steps in {scenario}",
                steps_of(scenario)
            );
        }
    }

    #[test]
    fn sizes_out_of_range_are_refused_naming_the_flag() {
        let one_agent = Sizes {
            small_agents: 1,
            ..Sizes::FULL
        };
        assert_eq!(
            one_agent.check(),
            Err("`--small-agents 1`: give at least 2 (half of them are cut off)".to_owned())
        );
        let many_tasks = Sizes {
            tasks: 100_001,
            ..Sizes::FULL
        };
        assert!(
            many_tasks
                .check()
                .unwrap_err()
                .starts_with("`--tasks 100001`")
        );
        assert_eq!(Sizes::FULL.check(), Ok(()));
        assert_eq!(Sizes::SMOKE.check(), Ok(()));
    }
}
