//! The pyramid's rules: an [`Inventory`] and a [`Config`] in, a [`Verdict`] out.
//!
//! Pure: no I/O, so every rule is tested on inventories made up by hand. Each failure's
//! message says what is wrong and what to do about it, in one line.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use super::{Config, Ignore, Inventory, Tier, Time, human};

/// What the check found. The pyramid is sound when `failures` is empty; `warnings` never
/// break it.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub failures: Vec<Failure>,
    pub warnings: Vec<Warning>,
    /// Whether budgets could be checked: false when no test has a time.
    pub budgets_checked: bool,
}

impl Verdict {
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One broken rule.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The unit tier's share (percent) is under its floor.
    UnitUnderFloor { share: f64, floor: f64 },
    /// The e2e tier's share (percent) is over its ceiling.
    E2eOverCeiling { share: f64, ceiling: f64 },
    /// More integration tests than unit tests.
    IceCreamCone { unit: usize, integration: usize },
    /// A test took longer than its tier's budget: alone, when it was run alone (see
    /// [`Time::judged`]). When `averaged`, `test` names the binary whose tests averaged over
    /// the budget, since it cannot tell which one was slow.
    OverBudget {
        tier: Tier,
        test: String,
        time: Time,
        budget: Duration,
        averaged: bool,
    },
    /// A tier the config expects lists no tests.
    EmptyTier { tier: Tier },
    /// A test ignored without a reason; `site` is where a bare `#[ignore]` was found.
    ReasonlessIgnore {
        tier: Tier,
        test: String,
        site: Option<String>,
    },
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::UnitUnderFloor { share, floor } => write!(
                f,
                "the unit tier holds {share:.1}% of the tests, under its floor of {floor}%: \
                 add unit tests or simulator scenarios, or move scenarios that need no real sockets off `@integration`"
            ),
            Failure::E2eOverCeiling { share, ceiling } => write!(
                f,
                "the e2e tier holds {share:.1}% of the tests, over its ceiling of {ceiling}%: \
                 test the behaviour in unit or integration tests and keep e2e tests for the binaries' own wiring"
            ),
            Failure::IceCreamCone { unit, integration } => write!(
                f,
                "ice-cream cone: the integration tier ({integration} tests) outgrows the unit tier ({unit} tests): \
                 pin each rule with a unit test or a simulator scenario, and keep `@integration` for what needs real sockets"
            ),
            Failure::OverBudget {
                tier,
                test,
                time,
                budget,
                averaged: false,
            } => write!(
                f,
                "`{test}` ({tier}) took {}, over the {tier} budget of {}: {}",
                took(time),
                human(*budget),
                hint(*tier)
            ),
            Failure::OverBudget {
                tier,
                test,
                time,
                budget,
                averaged: true,
            } => write!(
                f,
                "the {tier} tests of `{test}` took {} each on average, over the {tier} budget of {}: {}; \
                 install cargo-nextest to see which test is slow",
                human(time.duration),
                human(*budget),
                hint(*tier)
            ),
            Failure::EmptyTier { tier } => write!(
                f,
                "the {tier} tier lists no tests, but the config expects it to (`expect` in `.config/pyramid.toml`): \
                 run its test binaries with `--list` to see why they list nothing (spec scenarios are named `[{tier}] ...`), \
                 or take `{tier}` out of `expect`"
            ),
            Failure::ReasonlessIgnore { tier, test, site } => {
                write!(f, "`{test}` ({tier}) is ignored without a reason")?;
                if let Some(site) = site {
                    write!(
                        f,
                        " (a bare `#[ignore]` at {site}, found by scanning the sources: libtest cannot list reasons)"
                    )?;
                }
                write!(
                    f,
                    ": give the ignore a reason: `#[ignore = \"...\"]` or `@ignore:<reason>`"
                )
            }
        }
    }
}

/// A test whose time is within its tier's budget but over half of it: a drift to watch
/// before it breaks the pyramid.
#[derive(Clone, Debug, PartialEq)]
pub enum Warning {
    NearBudget {
        tier: Tier,
        test: String,
        time: Time,
        budget: Duration,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::NearBudget {
                tier,
                test,
                time,
                budget,
            } => write!(
                f,
                "`{test}` ({tier}) took {}, over half the {tier} budget of {}",
                took(time),
                human(*budget)
            ),
        }
    }
}

/// A test's time as the verdict judged it: `118ms in the suite, 41ms alone (fastest of 3
/// runs)` when it was run alone, else its suite time.
fn took(time: &Time) -> String {
    match time.alone {
        Some(alone) => format!(
            "{} in the suite, {} alone (fastest of {} run{})",
            human(time.duration),
            human(alone.fastest),
            alone.runs,
            if alone.runs == 1 { "" } else { "s" }
        ),
        None => human(time.duration),
    }
}

/// What to do about a test over its tier's budget.
fn hint(tier: Tier) -> &'static str {
    match tier {
        Tier::Unit => {
            "move slow logic behind the simulator (virtual time, no sleeping, no I/O) or the test to a slower tier"
        }
        Tier::Integration => "shorten the scenario's real (scaled) time or split it",
        Tier::E2e => "split the test, or check the behaviour in a faster tier",
    }
}

/// Checks the inventory against the config's limits. Failures come in a fixed order:
/// broken listings, shape, budgets, ignores; tests in inventory order.
pub fn check(inventory: &Inventory, config: &Config) -> Verdict {
    let mut failures = Vec::new();
    let listed = |tier| inventory.tests.iter().filter(|t| t.tier == tier).count();
    for &tier in &Tier::ALL {
        if config.expect.contains(&tier) && listed(tier) == 0 {
            failures.push(Failure::EmptyTier { tier });
        }
    }

    if let (Some(unit), Some(e2e)) = (inventory.share(Tier::Unit), inventory.share(Tier::E2e)) {
        if unit < config.unit_floor {
            failures.push(Failure::UnitUnderFloor {
                share: unit,
                floor: config.unit_floor,
            });
        }
        if e2e > config.e2e_ceiling {
            failures.push(Failure::E2eOverCeiling {
                share: e2e,
                ceiling: config.e2e_ceiling,
            });
        }
    }
    let unit = inventory.running(Tier::Unit).count();
    let integration = inventory.running(Tier::Integration).count();
    if integration > unit {
        failures.push(Failure::IceCreamCone { unit, integration });
    }

    // Averaged times are the same for every test of a binary: report the binary once.
    let mut averaged: BTreeMap<(Tier, &str), Time> = BTreeMap::new();
    let mut warnings = Vec::new();
    for test in inventory.tests.iter().filter(|t| t.ignore.is_none()) {
        let Some(time) = test.time else { continue };
        let budget = config.budget(test.tier);
        if time.judged() <= budget / 2 {
            continue;
        }
        if time.judged() <= budget {
            warnings.push(Warning::NearBudget {
                tier: test.tier,
                test: test.name.clone(),
                time,
                budget,
            });
        } else if time.averaged && time.alone.is_none() {
            averaged.entry((test.tier, &test.binary)).or_insert(time);
        } else {
            failures.push(Failure::OverBudget {
                tier: test.tier,
                test: test.name.clone(),
                time,
                budget,
                averaged: false,
            });
        }
    }
    for ((tier, binary), time) in averaged {
        let budget = config.budget(tier);
        failures.push(Failure::OverBudget {
            tier,
            test: binary.to_owned(),
            time,
            budget,
            averaged: true,
        });
    }

    for test in &inventory.tests {
        if let Some(Ignore::NoReason { site }) = &test.ignore {
            failures.push(Failure::ReasonlessIgnore {
                tier: test.tier,
                test: test.name.clone(),
                site: site.clone(),
            });
        }
    }

    let budgets_checked = inventory.tests.iter().any(|t| t.time.is_some());
    Verdict {
        failures,
        warnings,
        budgets_checked,
    }
}

/// The one-line summary of a sound pyramid: each limit and where the suite stands.
pub fn ok_line(inventory: &Inventory, config: &Config, verdict: &Verdict) -> String {
    let share = |tier| {
        inventory
            .share(tier)
            .map_or("-".to_owned(), |s| format!("{s:.1}%"))
    };
    let budgets = match (verdict.budgets_checked, verdict.warnings.len()) {
        (false, _) => "budgets not checked (no test ran)".to_owned(),
        (true, 0) => "no test over budget".to_owned(),
        (true, 1) => "no test over budget (1 near it)".to_owned(),
        (true, n) => format!("no test over budget ({n} near it)"),
    };
    format!(
        "pyramid ok: unit {} >= {}%, e2e {} <= {}%, {budgets}, no reasonless ignore",
        share(Tier::Unit),
        config.unit_floor,
        share(Tier::E2e),
        config.e2e_ceiling,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pyramid::{Isolation, Test, Time, TimingSource};
    use pretty_assertions::assert_eq;

    /// `n` tests of `tier` in `binary`, each taking `ms` milliseconds.
    fn tests(tier: Tier, binary: &str, n: usize, ms: u64) -> Vec<Test> {
        (0..n)
            .map(|i| Test {
                tier,
                binary: binary.into(),
                name: format!(
                    "{}{binary}::test_{i}",
                    if binary.ends_with("specs") {
                        tier.prefix()
                    } else {
                        String::new()
                    }
                ),
                time: Some(Time::measured(Duration::from_millis(ms))),
                ignore: None,
            })
            .collect()
    }

    fn inventory(groups: Vec<Vec<Test>>) -> Inventory {
        Inventory {
            tests: groups.into_iter().flatten().collect(),
            timing: TimingSource::NextestJunit,
            isolation: Isolation::Unshare,
        }
    }

    /// The verdict's messages, as a person reads them.
    fn messages(inventory: &Inventory, config: &Config) -> Vec<String> {
        check(inventory, config)
            .failures
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn healthy() -> Inventory {
        inventory(vec![
            tests(Tier::Unit, "netsplit", 90, 2),
            tests(Tier::Integration, "netsplit::specs", 8, 900),
            tests(Tier::E2e, "netsplit::cli", 2, 3000),
        ])
    }

    #[test]
    fn a_healthy_pyramid_passes_with_each_limit_in_its_summary() {
        let config = Config::default();
        let verdict = check(&healthy(), &config);
        assert_eq!(
            verdict,
            Verdict {
                failures: vec![],
                warnings: vec![],
                budgets_checked: true
            }
        );
        assert_eq!(
            ok_line(&healthy(), &config, &verdict),
            "pyramid ok: unit 90.0% >= 70%, e2e 2.0% <= 10%, no test over budget, no reasonless ignore"
        );
    }

    #[test]
    fn an_ice_cream_cone_fails_the_check() {
        let cone = inventory(vec![
            tests(Tier::Unit, "netsplit", 10, 1),
            tests(Tier::Integration, "netsplit::specs", 40, 500),
        ]);
        let config = Config {
            unit_floor: 0.0,
            ..Config::default()
        };
        assert_eq!(
            check(&cone, &config).failures,
            vec![Failure::IceCreamCone {
                unit: 10,
                integration: 40
            }]
        );
        assert_eq!(
            messages(&cone, &config),
            [
                "ice-cream cone: the integration tier (40 tests) outgrows the unit tier (10 tests): \
              pin each rule with a unit test or a simulator scenario, and keep `@integration` for what needs real sockets"
            ]
        );
    }

    #[test]
    fn an_ice_cream_cone_also_breaks_the_default_unit_floor() {
        let cone = inventory(vec![
            tests(Tier::Unit, "netsplit", 10, 1),
            tests(Tier::Integration, "netsplit::specs", 40, 500),
        ]);
        assert_eq!(
            check(&cone, &Config::default()).failures,
            vec![
                Failure::UnitUnderFloor {
                    share: 20.0,
                    floor: 70.0
                },
                Failure::IceCreamCone {
                    unit: 10,
                    integration: 40
                },
            ]
        );
    }

    #[test]
    fn a_slow_unit_test_fails_the_check_and_names_the_test() {
        let mut slow = healthy();
        slow.tests[3].time = Some(Time::measured(Duration::from_millis(250)));
        assert_eq!(
            messages(&slow, &Config::default()),
            [
                "`netsplit::test_3` (unit) took 250ms, over the unit budget of 100ms: \
              move slow logic behind the simulator (virtual time, no sleeping, no I/O) or the test to a slower tier"
            ]
        );
    }

    #[test]
    fn a_test_slow_in_the_suite_but_quick_alone_passes_the_budget() {
        let mut noisy = healthy();
        noisy.tests[3].time = Some(
            Time::measured(Duration::from_millis(118)).with_alone(Duration::from_millis(41), 3),
        );
        let verdict = check(&noisy, &Config::default());
        assert_eq!(verdict.failures, vec![]);
        assert_eq!(verdict.warnings, vec![]);
    }

    #[test]
    fn a_test_that_stays_over_budget_alone_fails_with_both_figures() {
        let mut slow = healthy();
        slow.tests[3].time = Some(
            Time::measured(Duration::from_millis(420)).with_alone(Duration::from_millis(301), 3),
        );
        assert_eq!(
            messages(&slow, &Config::default()),
            [
                "`netsplit::test_3` (unit) took 420ms in the suite, 301ms alone (fastest of 3 runs), \
              over the unit budget of 100ms: \
              move slow logic behind the simulator (virtual time, no sleeping, no I/O) or the test to a slower tier"
            ]
        );
    }

    #[test]
    fn a_test_over_half_its_budget_alone_is_a_warning_that_keeps_the_pyramid_sound() {
        let mut drifting = healthy();
        drifting.tests[5].time = Some(
            Time::measured(Duration::from_millis(118)).with_alone(Duration::from_millis(61), 1),
        );
        let config = Config::default();
        let verdict = check(&drifting, &config);
        assert!(verdict.is_ok());
        assert_eq!(
            verdict
                .warnings
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            [
                "`netsplit::test_5` (unit) took 118ms in the suite, 61ms alone (fastest of 1 run), \
              over half the unit budget of 100ms"
            ]
        );
        assert_eq!(
            ok_line(&drifting, &config, &verdict),
            "pyramid ok: unit 90.0% >= 70%, e2e 2.0% <= 10%, no test over budget (1 near it), no reasonless ignore"
        );
    }

    #[test]
    fn a_test_at_half_its_budget_is_not_yet_near_it() {
        let mut half = healthy();
        half.tests[0].time = Some(Time::measured(Duration::from_millis(50)));
        assert_eq!(check(&half, &Config::default()).warnings, vec![]);
    }

    #[test]
    fn averaged_times_timed_alone_are_judged_per_test() {
        let mut averaged = healthy();
        for test in averaged.tests.iter_mut().filter(|t| t.tier == Tier::Unit) {
            test.time = Some(
                Time::averaged(Duration::from_millis(150)).with_alone(Duration::from_millis(3), 3),
            );
        }
        averaged.tests[1].time = Some(
            Time::averaged(Duration::from_millis(150)).with_alone(Duration::from_millis(140), 3),
        );
        let failures = check(&averaged, &Config::default()).failures;
        assert_eq!(failures.len(), 1);
        assert!(
            matches!(&failures[0], Failure::OverBudget { test, averaged: false, .. } if test == "netsplit::test_1"),
            "{failures:?}"
        );
    }

    #[test]
    fn a_test_exactly_on_its_budget_passes() {
        let mut on_budget = healthy();
        on_budget.tests[0].time = Some(Time::measured(Duration::from_millis(100)));
        assert!(check(&on_budget, &Config::default()).is_ok());
    }

    #[test]
    fn slow_averaged_times_are_reported_once_per_binary() {
        let mut averaged = healthy();
        for test in averaged.tests.iter_mut().filter(|t| t.tier == Tier::Unit) {
            test.time = Some(Time::averaged(Duration::from_millis(150)));
        }
        assert_eq!(
            messages(&averaged, &Config::default()),
            [
                "the unit tests of `netsplit` took 150ms each on average, over the unit budget of 100ms: \
              move slow logic behind the simulator (virtual time, no sleeping, no I/O) or the test to a slower tier; \
              install cargo-nextest to see which test is slow"
            ]
        );
    }

    #[test]
    fn each_tier_has_its_own_budget() {
        let slow = inventory(vec![
            tests(Tier::Unit, "netsplit", 90, 2),
            tests(Tier::Integration, "netsplit::specs", 8, 10_001),
            tests(Tier::E2e, "netsplit::cli", 1, 59_000),
            tests(Tier::E2e, "netsplit::cli2", 1, 61_000),
        ]);
        assert_eq!(
            check(&slow, &Config::default())
                .failures
                .iter()
                .map(|f| match f {
                    Failure::OverBudget { tier, test, .. } => format!("{tier} {test}"),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>(),
            [
                "integration [integration] netsplit::specs::test_0",
                "integration [integration] netsplit::specs::test_1",
                "integration [integration] netsplit::specs::test_2",
                "integration [integration] netsplit::specs::test_3",
                "integration [integration] netsplit::specs::test_4",
                "integration [integration] netsplit::specs::test_5",
                "integration [integration] netsplit::specs::test_6",
                "integration [integration] netsplit::specs::test_7",
                "e2e netsplit::cli2::test_0",
            ]
        );
    }

    #[test]
    fn an_empty_listing_fails_for_an_expected_tier() {
        let empty = inventory(vec![]);
        assert_eq!(
            check(&empty, &Config::default()).failures,
            vec![Failure::EmptyTier { tier: Tier::Unit }]
        );
        assert_eq!(
            messages(&empty, &Config::default()),
            [
                "the unit tier lists no tests, but the config expects it to (`expect` in `.config/pyramid.toml`): \
              run its test binaries with `--list` to see why they list nothing (spec scenarios are named `[unit] ...`), \
              or take `unit` out of `expect`"
            ]
        );
    }

    #[test]
    fn a_tier_the_config_does_not_expect_may_be_empty() {
        let only_unit = inventory(vec![tests(Tier::Unit, "netsplit", 41, 1)]);
        assert!(check(&only_unit, &Config::default()).is_ok());
        let expecting_all = Config {
            expect: Tier::ALL.to_vec(),
            ..Config::default()
        };
        assert_eq!(
            check(&only_unit, &expecting_all).failures,
            vec![
                Failure::EmptyTier {
                    tier: Tier::Integration
                },
                Failure::EmptyTier { tier: Tier::E2e }
            ]
        );
    }

    #[test]
    fn a_tier_whose_tests_are_all_ignored_still_lists_them() {
        let mut ignored = inventory(vec![tests(Tier::Unit, "netsplit", 1, 1)]);
        ignored.tests[0].ignore = Some(Ignore::Reason("needs a real Mesos".into()));
        ignored.tests[0].time = None;
        assert_eq!(
            check(&ignored, &Config::default()),
            Verdict {
                failures: vec![],
                warnings: vec![],
                budgets_checked: false
            }
        );
    }

    #[test]
    fn a_reasonless_ignore_fails_the_check() {
        let mut ignored = healthy();
        ignored.tests[95].ignore = Some(Ignore::NoReason { site: None });
        ignored.tests[95].time = None;
        assert_eq!(
            messages(&ignored, &Config::default()),
            [
                "`[integration] netsplit::specs::test_5` (integration) is ignored without a reason: \
              give the ignore a reason: `#[ignore = \"...\"]` or `@ignore:<reason>`"
            ]
        );
    }

    #[test]
    fn a_reasonless_ignore_found_in_the_sources_says_where() {
        let mut ignored = healthy();
        ignored.tests[7].ignore = Some(Ignore::NoReason {
            site: Some("src/model/time.rs:120".into()),
        });
        ignored.tests[7].time = None;
        assert_eq!(
            messages(&ignored, &Config::default()),
            ["`netsplit::test_7` (unit) is ignored without a reason \
              (a bare `#[ignore]` at src/model/time.rs:120, found by scanning the sources: libtest cannot list reasons): \
              give the ignore a reason: `#[ignore = \"...\"]` or `@ignore:<reason>`"]
        );
    }

    #[test]
    fn ignores_with_a_reason_or_an_unlistable_one_pass() {
        let mut ignored = healthy();
        ignored.tests[0].ignore = Some(Ignore::Reason("waits for the networked runtime".into()));
        ignored.tests[1].ignore = Some(Ignore::ReasonNotListed);
        assert!(check(&ignored, &Config::default()).is_ok());
    }

    #[test]
    fn e2e_over_its_ceiling_fails_the_check() {
        let top_heavy = inventory(vec![
            tests(Tier::Unit, "netsplit", 80, 2),
            tests(Tier::Integration, "netsplit::specs", 5, 900),
            tests(Tier::E2e, "netsplit::cli", 15, 3000),
        ]);
        assert_eq!(
            messages(&top_heavy, &Config::default()),
            [
                "the e2e tier holds 15.0% of the tests, over its ceiling of 10%: \
              test the behaviour in unit or integration tests and keep e2e tests for the binaries' own wiring"
            ]
        );
    }

    #[test]
    fn unit_under_its_floor_fails_the_check() {
        let thin_base = inventory(vec![
            tests(Tier::Unit, "netsplit", 60, 2),
            tests(Tier::Integration, "netsplit::specs", 35, 900),
            tests(Tier::E2e, "netsplit::cli", 5, 3000),
        ]);
        assert_eq!(
            messages(&thin_base, &Config::default()),
            [
                "the unit tier holds 60.0% of the tests, under its floor of 70%: \
              add unit tests or simulator scenarios, or move scenarios that need no real sockets off `@integration`"
            ]
        );
    }

    #[test]
    fn ignored_tests_do_not_count_towards_the_shares() {
        let mut mostly_ignored = inventory(vec![
            tests(Tier::Unit, "netsplit", 9, 2),
            tests(Tier::E2e, "netsplit::cli", 2, 3000),
        ]);
        mostly_ignored.tests[..3]
            .iter_mut()
            .for_each(|t| t.ignore = Some(Ignore::ReasonNotListed));
        assert_eq!(
            check(&mostly_ignored, &Config::default()).failures,
            vec![Failure::E2eOverCeiling {
                share: 25.0,
                ceiling: 10.0
            }]
        );
    }

    #[test]
    fn a_suite_only_listed_skips_the_budgets_and_says_so() {
        let mut listed = healthy();
        listed.tests.iter_mut().for_each(|t| t.time = None);
        assert_eq!(
            check(&listed, &Config::default()),
            Verdict {
                failures: vec![],
                warnings: vec![],
                budgets_checked: false
            }
        );
        assert_eq!(
            ok_line(
                &listed,
                &Config::default(),
                &check(&listed, &Config::default())
            ),
            "pyramid ok: unit 90.0% >= 70%, e2e 2.0% <= 10%, budgets not checked (no test ran), no reasonless ignore"
        );
    }
}
