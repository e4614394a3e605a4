//! The Mesos vocabulary: every step of the spec language's section 7, bound to the
//! model's [`Cluster`](crate::model::Cluster). It sits on top of the generic layers:
//! the step registry ([`crate::steps`]) and the harness ([`crate::runner`]) know
//! nothing of it.
//!
//! - `world.rs`: [`MesosWorld`], the state of one scenario;
//! - `window.rs`: [`Window`], the only way a Then step sees events;
//! - `placeholders.rs`: `{state}`, `{reason}`, `{source}`, `{version}`,
//!   `{agent-status}`, `{message}`;
//! - `given.rs`, `when.rs`, `then/`: the steps, by keyword; Then steps by what they
//!   look at (a framework, an agent, the master);
//! - `updates.rs`: status updates as Then steps compare them, and update tables.

mod given;
mod placeholders;
mod policy;
mod then;
mod updates;
mod when;
mod window;
mod world;

pub use window::Window;
pub use world::MesosWorld;

use crate::steps::Registry;

/// The step reference of the vocabulary as Markdown: `docs/steps.md`, which a test
/// keeps current.
pub fn reference() -> String {
    crate::steps::reference::markdown(&registry(), "The Mesos steps")
}

/// The registry of every Mesos step, ready for users to [`Registry::extend`].
pub fn registry() -> Registry<MesosWorld> {
    let mut builder = Registry::<MesosWorld>::builder();
    for placeholder in placeholders::all() {
        builder = builder.parameter(placeholder);
    }
    let builder = then::steps(when::steps(policy::steps(given::steps(builder))));
    match builder.build() {
        Ok(registry) => registry,
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!(
                "the built-in Mesos vocabulary is inconsistent:\n{}",
                list.join("\n")
            )
        }
    }
}

#[cfg(test)]
mod schedules;
#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::{Attached, StepKind, Table, World};
    use test_case::test_case;

    /// Runs steps written one per line as `Keyword text`; a line starting with `|`
    /// adds a table row to the step above. Returns the first failure.
    fn check(script: &str) -> Result<(), String> {
        let registry = registry();
        let mut world = MesosWorld::new();
        let mut steps: Vec<(StepKind, String, Vec<Vec<String>>)> = Vec::new();
        let mut kind = StepKind::Given;
        for line in script.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line.starts_with('|') {
                let cells = line
                    .trim_matches('|')
                    .split('|')
                    .map(|c| c.trim().to_string())
                    .collect();
                steps.last_mut().expect("a row after a step").2.push(cells);
                continue;
            }
            let (keyword, text) = line.split_once(' ').expect("keyword and text");
            kind = match keyword {
                "Given" => StepKind::Given,
                "When" => StepKind::When,
                "Then" => StepKind::Then,
                _ => kind,
            };
            steps.push((kind, text.to_string(), Vec::new()));
        }
        for (kind, text, rows) in steps {
            let found = registry
                .find(
                    kind,
                    &text,
                    match rows.is_empty() {
                        true => Attached::Nothing,
                        false => Attached::Table,
                    },
                )
                .map_err(|e| e.to_string())?;
            world.before_step(kind, &text);
            let table = (!rows.is_empty()).then(|| Table::new(rows));
            found
                .run(&mut world, table, None)
                .map_err(|e| format!("{text}: {e}"))?;
        }
        world.finish().map_err(|e| e.to_string())
    }

    #[test]
    fn the_mesos_vocabulary_builds_without_ambiguity() {
        assert!(registry().steps().len() > 60);
    }

    #[test]
    fn the_checked_in_step_reference_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/steps.md");
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == reference(),
            "docs/steps.md is not the vocabulary's reference: run `cargo run -q -- steps --markdown > docs/steps.md`"
        );
    }

    #[test]
    fn an_agent_cut_off_just_before_a_ping_is_marked_unreachable_75s_later() {
        check(
            r#"
            Given an agent "a1"
            And a framework "spark"
            When the next ping to agent "a1" is due
            And agent "a1" is partitioned from the master
            And 2m pass
            Then agent "a1" is marked unreachable 75s after the partition began
            And "spark" is told that agent "a1" is lost
            "#,
        )
        .unwrap();
    }

    #[test]
    fn a_wrong_expectation_fails_with_what_was_observed() {
        let error = check(
            r#"
            Given an agent "a1"
            And a framework "spark"
            And "spark" runs task "t1" on agent "a1"
            When agent "a1" is partitioned from the master for 100s
            Then "spark" receives TASK_UNREACHABLE for task "t1"
            "#,
        )
        .unwrap_err();
        assert!(
            error.contains("TASK_LOST for task t1 with reason REASON_AGENT_REMOVED"),
            "{error}"
        );
    }

    #[test]
    fn update_tables_compare_the_chosen_columns_in_order() {
        check(
            r#"
            Given an agent "a1"
            And a partition-aware framework "cassandra"
            And "cassandra" runs task "c1" on agent "a1"
            When agent "a1" is partitioned from the master for 100s
            Then "cassandra" receives these updates:
              | task | state            | reason               | source        | at  | unreachable time |
              | c1   | TASK_UNREACHABLE | REASON_SLAVE_REMOVED | SOURCE_MASTER | 90s | 1m30s            |
            "#,
        )
        .unwrap();
    }

    #[test]
    fn a_then_block_only_sees_what_happened_since_the_previous_one() {
        check(
            r#"
            Given an agent "a1"
            And a framework "spark"
            And "spark" runs task "t1" on agent "a1"
            When agent "a1" is partitioned from the master for 100s
            Then "spark" receives TASK_LOST for task "t1"
            When 1h passes
            Then "spark" receives TASK_RUNNING for task "t1" with reason REASON_AGENT_REREGISTERED
            When 1h passes
            Then "spark" receives no updates
            And "spark" never receives TASK_FINISHED
            "#,
        )
        .unwrap();
    }

    #[test]
    fn an_executor_exiting_during_a_partition_is_never_reported_lost() {
        // Rule D7 (PartitionTest.PartitionedSlaveExitedExecutor).
        check(
            r#"
            Given an agent "a1"
            And a framework "spark"
            And "spark" runs task "t1" on agent "a1"
            When pongs from agent "a1" are dropped
            And 100s pass
            And the executor of task "t1" exits
            And 1m passes
            Then "spark" is not told that the executor of task "t1" is lost
            And agent "a1" has not given up on the master
            And agent "a1" is not told to shut down
            "#,
        )
        .unwrap();
        check(
            r#"
            Given an agent "a1"
            And a framework "spark"
            And "spark" runs task "t1" on agent "a1"
            When the executor of task "t1" exits
            Then "spark" is told that the executor of task "t1" is lost
            "#,
        )
        .unwrap();
    }

    /// A scenario that makes each agent fact happen once, with the Then step that
    /// sees it.
    #[test_case(
        r#"When the operator marks agent "a1" as gone"#,
        r#"agent "a1" is told to shut down with "Agent has been marked gone""#,
        r#"agent "a1" is not told to shut down"# ;
        "told to shut down"
    )]
    #[test_case(
        r#"When "spark" kills task "t1""#,
        r#"task "t1" is killed on agent "a1""#,
        r#"task "t1" is not killed on agent "a1""# ;
        "a task killed"
    )]
    #[test_case(
        "When agent \"a1\" is partitioned from the master\nAnd 2m pass",
        r#"agent "a1" has given up on the master"#,
        r#"agent "a1" has not given up on the master"# ;
        "given up on the master"
    )]
    fn an_agent_fact_is_seen_by_the_then_block_after_it_and_not_by_the_next(
        cause: &str,
        seen: &str,
        not_seen: &str,
    ) {
        let setup = r#"
            Given an agent "a1"
            And a framework "spark"
            And "spark" runs task "t1" on agent "a1"
        "#;
        let once = format!("{setup}\n{cause}\nThen {seen}\nWhen 10s pass\nThen {not_seen}");
        check(&once).unwrap();
        let twice = format!("{setup}\n{cause}\nThen {seen}\nWhen 10s pass\nThen {seen}");
        let error = check(&twice).unwrap_err();
        assert!(error.contains("not so since the last check"), "{error}");
        let before = format!("{setup}\nThen {not_seen}\n{cause}\nThen {seen}");
        check(&before).unwrap();
    }

    #[test]
    fn a_given_step_after_a_when_step_is_refused() {
        let error = check(
            r#"
            Given an agent "a1"
            When 1s passes
            Given an agent "a2"
            "#,
        )
        .unwrap_err();
        assert!(error.contains("move it up"), "{error}");
    }

    #[test]
    fn an_undeclared_agent_is_named_with_how_to_declare_it() {
        let error = check(
            r#"
            Given an agent "a1"
            When agent "a9" is partitioned from the master
            "#,
        )
        .unwrap_err();
        assert!(error.contains(r#"Given an agent "a9""#), "{error}");
    }

    #[test]
    fn a_bad_flag_value_names_what_the_flag_accepts() {
        let error = check(
            r#"
            Given the master flag agent_ping_timeout is 0s
            "#,
        )
        .unwrap_err();
        assert!(error.contains("between 1s and 15mins"), "{error}");
    }

    #[test]
    fn metrics_can_be_checked_with_or_without_the_master_prefix() {
        check(
            r#"
            Given an agent "a1"
            When agent "a1" is partitioned from the master for 100s
            Then the master's metrics are:
              | metric                             | value |
              | slave_unreachable_scheduled        | 1     |
              | master/slave_removals              | 1     |
            And the master considers agent "a1" unreachable
            "#,
        )
        .unwrap();
    }
}
