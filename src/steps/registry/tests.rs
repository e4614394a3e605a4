//! The toy registry the registry's tests share, and the tests that go through
//! building a registry and looking steps up in it.

use super::*;
use crate::steps::{CustomValue, Shape};
use test_case::test_case;

/// A word-shaped placeholder type that takes any token starting with `prefix`.
pub(super) fn prefixed(name: &'static str, prefix: &'static str) -> Placeholder {
    Placeholder::new(name, Shape::Word, move |t: &str| {
        match t.starts_with(prefix) {
            true => Ok(t.to_string()),
            false => Err(format!("`{t}` does not start with `{prefix}`")),
        }
    })
}

/// The toy world: a counter and a log of the steps that ran.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Toy {
    count: i64,
    log: Vec<String>,
}

pub(super) fn log(world: &mut Toy, args: &Args) -> Result<(), StepError> {
    let values: Vec<String> = args.values().iter().map(Value::to_string).collect();
    world
        .log
        .push(format!("{} [{}]", args.pattern(), values.join(", ")));
    Ok(())
}

fn toy() -> RegistryBuilder<Toy> {
    Registry::<Toy>::builder()
        .parameter(Placeholder::new("state", Shape::Word, |t: &str| {
            const STATES: [&str; 2] = ["TASK_LOST", "TASK_RUNNING"];
            match STATES.contains(&t) {
                true => Ok(t.to_string()),
                false => Err(format!(
                    "`{t}` is not a task state; did you mean `{}`?",
                    crate::suggest::closest(t, STATES, 1).first().unwrap_or(&"TASK_LOST")
                )),
            }
        }))
        .parameter(prefixed("reason", "REASON_"))
        .parameter(prefixed("source", "SOURCE_"))
        .parameter(Placeholder::new("version", Shape::Number, |t: &str| {
            match t.starts_with("1.") {
                true => Ok(t.to_string()),
                false => Err(format!("`{t}` is no such release")),
            }
        }))
        .given("a counter at {int}", "a counter at 5", |world, args| {
            world.count = args.int(0);
            Ok(())
        })
        .given("(an )agent {name}", r#"an agent "a1""#, log)
        .given("agents {names}", r#"agents "a1", "a2" and "a3""#, log)
        .given("the master runs build {version}", "the master runs build 1.4", log)
        .given(
            "the master flag {word} is {word}",
            "Given the master flag registry is in_memory",
            log,
        )
        .given("the master flags:", "the master flags:", log)
        .table(TableUse::Required(&["flag", "value"]))
        .when("{duration} pass(es)", "80s pass", log)
        .when("the counter is/are increased by {int}", "the counter is increased by 2", |world, args| {
            world.count += args.int(0);
            Ok(())
        })
        .when("agent {name} is partitioned from the master", r#"agent "a1" is partitioned from the master"#, log)
        .when(
            "agent {name} is partitioned from the master for {duration}",
            r#"agent "a1" is partitioned from the master for 80s"#,
            log,
        )
        .when("agents {names} are partitioned from the master", r#"agents "a1" and "a2" are partitioned from the master"#, log)
        .when("the partition of agent {name} heals", r#"the partition of agent "a1" heals"#, log)
        .when("the network heals", "the network heals", log)
        .then("the counter is {int}", "the counter is 7", |world, args| {
            StepError::check_eq("the counter differs", &args.int(0), &world.count)
        })
        .then("{name} receives {state} for task {name}", r#""spark" receives TASK_LOST for task "t1""#, log)
        .then(
            "{name} receives {state} for task {name} with reason {reason} from {source}",
            r#""spark" receives TASK_LOST for task "t1" with reason REASON_SLAVE_REMOVED from SOURCE_MASTER"#,
            log,
        )
        .then(
            "agent {name} is told to shut down with {string}",
            r#"agent "a1" is told to shut down with "Agent attempted to re-register after removal""#,
            log,
        )
        .then("the description is:", "the description is:", log)
        .doc_string(DocStringUse::Required)
}

pub(super) fn registry() -> Registry<Toy> {
    toy().build().unwrap_or_else(|errors| panic!("{errors:#?}"))
}

/// Looks `text` up as a step of `kind` in the toy registry: the pattern it found
/// and the values it took, or the lookup error.
pub(super) fn check(kind: StepKind, text: &str) -> Result<(String, Vec<Value>), LookupError> {
    registry()
        .find(kind, text, Attached::Nothing)
        .map(|found| (found.def.pattern.clone(), found.values))
}

/// The errors of a registry built from the toy steps and `extra`, as messages.
fn build_errors(extra: impl FnOnce(RegistryBuilder<Toy>) -> RegistryBuilder<Toy>) -> Vec<String> {
    match extra(toy()).build() {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

use StepKind::{Given, Then, When};

#[test_case(Given, r#"an agent "a1""# => "(an )agent {name}" ; "optional text present")]
#[test_case(Given, r#"agent "a1""# => "(an )agent {name}" ; "optional text left out")]
#[test_case(When, "2 weeks pass" => "{duration} pass(es)" ; "a duration with a space")]
#[test_case(When, "1m 20s passes" => "{duration} pass(es)" ; "an optional word ending")]
#[test_case(When, "the counter are increased by 2" => "the counter is/are increased by {int}" ; "the second alternative")]
#[test_case(When, "  agent   \"a1\"\tis partitioned from  the master " => "agent {name} is partitioned from the master" ; "runs of whitespace are one space")]
#[test_case(When, r#"agent "a1" is partitioned from the master for 1m 20s"# => "agent {name} is partitioned from the master for {duration}" ; "the longer of two similar patterns")]
#[test_case(Given, "the master flag agent_removal_rate_limit is 1/10mins" => "the master flag {word} is {word}" ; "words with digits and slashes")]
#[test_case(Then, r#""spark" receives TASK_LOST for task "t1""# => "{name} receives {state} for task {name}" ; "a pattern that starts with a placeholder")]
fn a_step_finds_the_one_pattern_it_matches(kind: StepKind, text: &str) -> String {
    check(kind, text).unwrap().0
}

#[test]
fn values_come_in_pattern_order_with_their_types() {
    let text = r#""spark" receives TASK_LOST for task "t1" with reason REASON_SLAVE_REMOVED from SOURCE_MASTER"#;
    pretty_assertions::assert_eq!(
        check(Then, text).unwrap().1,
        vec![
            Value::Name("spark".into()),
            Value::Custom(CustomValue::new("state", "TASK_LOST", ())),
            Value::Name("t1".into()),
            Value::Custom(CustomValue::new("reason", "REASON_SLAVE_REMOVED", ())),
            Value::Custom(CustomValue::new("source", "SOURCE_MASTER", ())),
        ]
    );
}

#[test_case(r#"agents "a1""# => vec!["a1"] ; "a single name")]
#[test_case(r#"agents "a1" and "a2""# => vec!["a1", "a2"] ; "two names joined by and")]
#[test_case(r#"agents "a1", "a2" and "a3""# => vec!["a1", "a2", "a3"] ; "a list with commas")]
fn a_names_placeholder_takes_a_list_of_one_or_more(text: &str) -> Vec<String> {
    match check(Given, text).unwrap().1.as_slice() {
        [Value::Names(names)] => names.clone(),
        other => panic!("{other:?}"),
    }
}

#[test_case(When, r#"Agent "a1" is partitioned from the master"# ; "literals are case sensitive")]
#[test_case(When, r#"agent "a1" is partitioned from the masters"# ; "the whole text must match")]
#[test_case(When, r#"agent"a1" is partitioned from the master"# ; "a space is needed between words")]
#[test_case(Given, "a counter at five" ; "a number in words is not a number")]
fn a_near_miss_is_an_unknown_step(kind: StepKind, text: &str) {
    let error = check(kind, text).unwrap_err();
    assert!(matches!(error, LookupError::Unknown { .. }), "{error:?}");
}

#[test_case(When, "80 parsecs pass" => ("duration".to_string(), 0, 10) ; "a duration with an unknown unit")]
#[test_case(When, "  80   parsecs pass" => ("duration".to_string(), 2, 12) ; "columns count in the text as written")]
#[test_case(When, "the counter is increased by 5x" => ("int".to_string(), 28, 2) ; "a number with a suffix")]
#[test_case(Then, r#""spark" receives TASK_LOSTT for task "t1""# => ("state".to_string(), 17, 10) ; "a misspelt state")]
#[test_case(Given, "the master runs build 2.0" => ("version".to_string(), 22, 3) ; "a version that does not exist")]
#[test_case(Given, r#"agent """# => ("name".to_string(), 6, 2) ; "an empty name")]
fn a_value_that_does_not_parse_is_reported_at_its_column(
    kind: StepKind,
    text: &str,
) -> (String, usize, usize) {
    match check(kind, text).unwrap_err() {
        LookupError::BadArgument {
            placeholder,
            column,
            len,
            ..
        } => (placeholder, column, len),
        other => panic!("{other}"),
    }
}

#[test]
fn a_step_of_another_kind_says_which_keyword_to_use() {
    let error = check(Given, r#"agent "a1" is partitioned from the master"#).unwrap_err();
    pretty_assertions::assert_eq!(
        error,
        LookupError::WrongKind {
            text: r#"agent "a1" is partitioned from the master"#.into(),
            expected: Given,
            found: When,
            pattern: "agent {name} is partitioned from the master".into(),
        }
    );
    assert!(
        error.to_string().contains("start it with `When`"),
        "{error}"
    );
}

#[test]
fn two_patterns_matching_one_example_are_an_error_when_the_registry_is_built() {
    let errors = build_errors(|b| {
        b.when(
            "agent {name} is partitioned from the {word}",
            r#"agent "a1" is partitioned from the network"#,
            log,
        )
    });
    pretty_assertions::assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with(
            "the patterns `When agent {name} is partitioned from the master` (registered at src/steps/registry/tests.rs:"
        ),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].contains(
            "and `When agent {name} is partitioned from the {word}` (registered at src/steps/registry/tests.rs:"
        ),
        "{}",
        errors[0]
    );
}

#[test]
fn the_same_pattern_of_different_kinds_is_not_ambiguous() {
    assert!(build_errors(|b| b.then("the network heals", "the network heals", log)).is_empty());
}

#[test]
fn a_step_matching_two_patterns_at_lookup_lists_both() {
    let registry = Registry::<Toy>::builder()
        .then("{word} is red", "paint is red", log)
        .then("sky is {word}", "sky is blue", log)
        .build()
        .unwrap();
    let error = registry
        .find(Then, "sky is red", Attached::Nothing)
        .unwrap_err();
    pretty_assertions::assert_eq!(
        error.to_string(),
        "the step `Then sky is red` matches 2 patterns:\n  `Then {word} is red`\n  `Then sky is {word}`\nmake one of them more specific"
    );
}

#[test_case("a gauge at {int}", "a gauge at 5x", "`5x` is not a whole number" ; "a value that does not parse")]
#[test_case("a gauge at {int}", "a gauge at", "it does not have the pattern's shape" ; "a missing value")]
#[test_case("a gauge is/are {int}", "gauges are 5", "it does not have the pattern's shape" ; "different words")]
fn an_example_that_does_not_match_its_pattern_is_an_error(
    pattern: &str,
    example: &str,
    reason: &str,
) {
    let errors = build_errors(|b| b.given(pattern, example, log));
    pretty_assertions::assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].starts_with(&format!("the example `Given {example}` does not match its own pattern `Given {pattern}`: {reason}")), "{}", errors[0]);
}

#[test]
fn every_build_error_is_reported_at_once() {
    let errors = build_errors(|b| {
        b.given("the {colour} sky", "the blue sky", log)
            .given("a counter at {int}", "a counter at x", log)
            .parameter(prefixed("int", ""))
    });
    pretty_assertions::assert_eq!(errors.len(), 4, "{errors:#?}");
    let bad_pattern = errors.iter().find(|e| e.contains("{colour}")).unwrap();
    assert!(
        bad_pattern.starts_with("the pattern `Given the {colour} sky` (registered at src/steps/registry/tests.rs:")
            && bad_pattern.contains("does not parse at column 5: unknown placeholder type `{colour}` (known: {duration}, {name},"),
        "{bad_pattern}"
    );
}

fn colors() -> RegistryBuilder<Toy> {
    Registry::<Toy>::builder()
        .parameter(Placeholder::new(
            "color",
            Shape::Word,
            |text: &str| match text {
                "red" | "green" => Ok(text.to_uppercase()),
                _ => Err(format!("`{text}` is not a color; use `red` or `green`")),
            },
        ))
        .parameter(Placeholder::new("path", Shape::Quoted, |text: &str| {
            if text.starts_with('/') {
                Ok(std::path::PathBuf::from(text))
            } else {
                Err(format!("`{text}` is not an absolute path"))
            }
        }))
        .given("the sky is {color}", "the sky is red", |world, args| {
            world.log.push(format!("sky {}", args.get::<String>(0)));
            Ok(())
        })
        .given(
            "a file at {path}",
            r#"a file at "/tmp/x y""#,
            |world, args| {
                let path = args.get::<std::path::PathBuf>(0);
                world.log.push(format!("file {}", path.display()));
                Ok(())
            },
        )
}

#[test_case("the sky is green" => "sky GREEN" ; "a word-shaped type")]
#[test_case(r#"a file at "/var/log/my file""# => "file /var/log/my file" ; "a quoted type gets the text inside the quotes")]
fn a_custom_placeholder_type_gives_its_value_to_the_handler(text: &str) -> String {
    let registry = colors().build().unwrap();
    let mut world = Toy::default();
    let found = registry.find(Given, text, Attached::Nothing).unwrap();
    found.run(&mut world, None, None).unwrap();
    world.log.join("; ")
}

#[test_case("the sky is blue", "`blue` is not a color; use `red` or `green`", 11 ; "a word-shaped type")]
#[test_case(r#"a file at "tmp""#, "`tmp` is not an absolute path", 10 ; "a quoted type")]
fn a_custom_placeholder_type_rejects_values_with_its_own_message(
    text: &str,
    message: &str,
    column: usize,
) {
    let registry = colors().build().unwrap();
    match registry.find(Given, text, Attached::Nothing).unwrap_err() {
        LookupError::BadArgument {
            message: m,
            column: c,
            ..
        } => {
            pretty_assertions::assert_eq!((m.as_str(), c), (message, column));
        }
        other => panic!("{other}"),
    }
}

#[test]
fn extend_adds_steps_to_a_built_registry() {
    let registry = registry()
        .extend()
        .parameter(Placeholder::new("parity", Shape::Word, |t: &str| match t {
            "odd" => Ok(true),
            "even" => Ok(false),
            _ => Err(format!("`{t}` is not `odd` or `even`")),
        }))
        .then(
            "the counter is {parity}",
            "the counter is odd",
            |world, args| {
                let odd = world.count % 2 != 0;
                let expected = *args.get::<bool>(0);
                StepError::check_eq("the counter's parity differs", &expected, &odd)
            },
        )
        .build()
        .unwrap();
    let mut world = Toy::default();
    for (kind, text) in [
        (Given, "a counter at 3"),
        (When, "the counter is increased by 2"),
        (Then, "the counter is odd"),
        (Then, "the counter is 5"),
    ] {
        registry
            .find(kind, text, Attached::Nothing)
            .unwrap()
            .run(&mut world, None, None)
            .unwrap();
    }
    pretty_assertions::assert_eq!(
        registry.steps().len(),
        toy().build().unwrap().steps().len() + 1
    );
}

#[test]
fn extend_reports_a_step_that_clashes_with_the_vocabulary() {
    let errors = registry()
        .extend()
        .when("the {word} heals", "the wound heals", log)
        .build()
        .err()
        .unwrap();
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        matches!(&errors[..], [RegistryError::Ambiguous { patterns, .. }] if patterns == &["the network heals", "the {word} heals"]),
        "{messages:#?}"
    );
}

#[test_case(Given, "the master flags:", Attached::Nothing => "the step `Given the master flags:` needs a data table (pattern `Given the master flags:`); add one under it, e.g. `| flag | value |`" ; "a table missing")]
#[test_case(Given, "a counter at 5", Attached::Table => "the step `Given a counter at 5` takes no data table (pattern `Given a counter at {int}`); remove the table or indent it less if it belongs elsewhere" ; "a table unexpected")]
#[test_case(Then, "the description is:", Attached::Nothing => "the step `Then the description is:` needs a doc string between `\"\"\"` lines (pattern `Then the description is:`)" ; "a doc string missing")]
#[test_case(Then, "the counter is 1", Attached::DocString => "the step `Then the counter is 1` takes no doc string (pattern `Then the counter is {int}`)" ; "a doc string unexpected")]
fn tables_and_doc_strings_must_fit_the_step(
    kind: StepKind,
    text: &str,
    attached: Attached,
) -> String {
    registry()
        .find(kind, text, attached)
        .unwrap_err()
        .to_string()
}

#[test]
fn a_handler_gets_its_table_and_changes_the_world() {
    let registry = registry();
    let mut world = Toy::default();
    let table = Table::new(vec![
        vec!["flag".into(), "value".into()],
        vec!["registry".into(), "in_memory".into()],
    ]);
    let found = registry
        .find(Given, "the master flags:", Attached::Table)
        .unwrap();
    found.run(&mut world, Some(table.clone()), None).unwrap();
    registry
        .find(Given, "a counter at 4", Attached::Nothing)
        .unwrap()
        .run(&mut world, None, None)
        .unwrap();
    pretty_assertions::assert_eq!(
        world,
        Toy {
            count: 4,
            log: vec!["the master flags: []".into()]
        }
    );
    pretty_assertions::assert_eq!(
        table.header(),
        Some(&["flag".to_string(), "value".to_string()][..])
    );
    pretty_assertions::assert_eq!(table.body().len(), 1);
}

#[test]
fn a_failed_check_returns_a_mismatch_for_the_runner_to_show_as_a_diff() {
    let registry = registry();
    let mut world = Toy {
        count: 3,
        ..Toy::default()
    };
    let error = registry
        .find(Then, "the counter is 4", Attached::Nothing)
        .unwrap()
        .run(&mut world, None, None)
        .unwrap_err();
    pretty_assertions::assert_eq!(error, StepError::mismatch("the counter differs", "4", "3"));
    pretty_assertions::assert_eq!(
        error.to_string(),
        "the counter differs\nexpected: 4\nobserved: 3"
    );
}

#[test]
fn an_example_may_start_with_its_keyword() {
    let registry = registry();
    let def = registry
        .steps()
        .iter()
        .find(|d| d.pattern == "the master flag {word} is {word}")
        .unwrap();
    pretty_assertions::assert_eq!(def.example, "the master flag registry is in_memory");
}
