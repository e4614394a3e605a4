//! Timing tests again, alone, before the budgets judge them.
//!
//! A test's time in the full run is one wall-clock sample taken while the rest of the suite
//! (and whatever else the machine does) shared the cores with it. Noise only ever adds time,
//! so that sample is an upper bound, not a verdict. Every test whose suite time is over half
//! its tier's budget is run again alone, `alone_runs` times (`.config/pyramid.toml`), and
//! the fastest of those runs goes into its [`Time`]. The budgets then judge that
//! ([`Time::judged`]): only a test that stays over budget alone breaks the pyramid, and one
//! over half its budget alone is a warning.
//!
//! A run alone is one process of the test binary running one test, `--exact NAME
//! --test-threads 1`, timed from start to exit: what nextest times for each test in the
//! suite, without the neighbours. It is wall time, so a test that sleeps or waits for I/O
//! is still caught. It runs without `unshare --net`: the test already passed without a
//! network in the suite, and the namespace's set-up is not the test's cost.
//!
//! "Alone" also means alone on a core: where Linux allows it (root, or `CAP_SYS_NICE`),
//! the run gets real-time priority (`chrt --fifo`), so that no other process on the
//! machine (a build, a browser, busy loops) can keep it waiting for a CPU. Its wall time
//! is then its own CPU time plus its sleeps and I/O, on a busy machine as on a quiet one.
//! Where that is not allowed, runs get normal priority and the report says so.
//!
//! Tests whose suite time is averaged over their binary (plain libtest without nextest) are
//! each run alone when the average comes over half the budget, which also tells which of
//! them is slow.

use std::fmt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use netsplit_protocol::strip_ansi;

use crate::cargo::TestBinary;
use crate::pyramid::{Config, Inventory, Time, human};
use crate::run::{Output, parse_test_result};

/// Runs every test of `inventory` whose suite time is over half its budget alone, and
/// records the fastest run in its time. Returns the tests that failed when run alone
/// (they passed in the suite), for the caller to report as failures.
pub fn retime(
    binaries: &[TestBinary],
    inventory: &mut Inventory,
    config: &Config,
    output: Output,
) -> Result<Vec<String>> {
    let candidates: Vec<usize> = inventory
        .tests
        .iter()
        .enumerate()
        .filter(|(_, t)| t.ignore.is_none())
        .filter(|(_, t)| {
            t.time
                .is_some_and(|time| time.duration > config.budget(t.tier) / 2)
        })
        .map(|(i, _)| i)
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let runs = config.alone_runs.max(1);
    let priority = Priority::detect();
    output.line(&format!(
        "--- {} test{} over half {} budget in the suite: timed again alone, {runs} run{} each, {priority}",
        candidates.len(),
        plural(candidates.len()),
        if candidates.len() == 1 {
            "its"
        } else {
            "their"
        },
        plural(runs as usize),
    ));
    let mut failed = Vec::new();
    for index in candidates {
        let test = &inventory.tests[index];
        let binary = binaries
            .iter()
            .find(|b| b.id == test.binary)
            .with_context(|| format!("no test binary `{}` was built", test.binary))?;
        let suite = test.time.expect("candidates have a time");
        let mut samples = Vec::with_capacity(runs as usize);
        let mut failure = None;
        for _ in 0..runs {
            match run_alone(binary, &test.name, &priority)? {
                Ok(time) => samples.push(time),
                Err(why) => {
                    failure = Some(why);
                    break;
                }
            }
        }
        let shown: Vec<String> = samples.iter().map(|&d| human(d)).collect();
        match failure {
            Some(why) => {
                output.line(&format!(
                    "    ✗ `{}` ({}) did not pass alone: {why}",
                    test.name, test.tier
                ));
                failed.push(format!(
                    "`{}` in `{}` passed in the suite but not alone: {why}",
                    test.name, test.binary
                ));
            }
            None => {
                let fastest = samples.iter().copied().min().unwrap_or(suite.duration);
                output.line(&format!(
                    "    {} ({}): {} in the suite; alone {}",
                    test.name,
                    test.tier,
                    human(suite.duration),
                    shown.join(", ")
                ));
                inventory.tests[index].time = Some(Time::with_alone(suite, fastest, runs));
            }
        }
    }
    Ok(failed)
}

/// The scheduling priority of the runs alone.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Priority {
    /// `chrt --fifo 50`: no process of normal priority delays the run.
    RealTime,
    /// Normal priority; the reason real-time priority could not be had.
    Normal(String),
}

impl Priority {
    fn detect() -> Priority {
        match Command::new("chrt")
            .args(["--fifo", "50", "true"])
            .stdin(Stdio::null())
            .output()
        {
            Ok(out) if out.status.success() => Priority::RealTime,
            Ok(out) => Priority::Normal(String::from_utf8_lossy(&out.stderr).trim().to_owned()),
            Err(e) => Priority::Normal(format!("cannot start `chrt`: {e}")),
        }
    }

    /// The program and arguments that run a command at this priority.
    fn wrapper(&self) -> Option<&'static [&'static str]> {
        match self {
            Priority::RealTime => Some(&["chrt", "--fifo", "50"]),
            Priority::Normal(_) => None,
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Priority::RealTime => f.write_str("at real-time priority (chrt --fifo)"),
            Priority::Normal(why) => write!(
                f,
                "at normal priority, so a busy machine still slows them (real-time priority: {why})"
            ),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// One run of `name` alone: its wall time, or why it did not pass (an `Err` inside: the
/// test's own outcome; an `Err` outside: the binary could not be started).
fn run_alone(
    binary: &TestBinary,
    name: &str,
    priority: &Priority,
) -> Result<Result<Duration, String>> {
    let mut command = binary.command(priority.wrapper());
    command
        .args(["--exact", name, "--test-threads", "1", "--color", "never"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let out = command
        .output()
        .with_context(|| format!("cannot start test binary `{}`", binary.path.display()))?;
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let counts = stdout
        .lines()
        .rev()
        .find_map(|line| parse_test_result(&strip_ansi(line)));
    Ok(match counts {
        Some((1, 0, _)) if out.status.success() => Ok(wall),
        Some((0, 0, _)) => Err(
            "`--exact` matched no test: the binary runs it under another name than it lists"
                .to_owned(),
        ),
        Some(_) | None => Err(format!(
            "it failed ({}): it may depend on what another test did first; run it with `--exact`",
            out.status
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pyramid::{Isolation, Test, Tier, TimingSource};
    use pretty_assertions::assert_eq;

    /// This very test binary, as a test binary xtask built.
    fn myself() -> TestBinary {
        let path = std::env::current_exe().expect("the test binary's path");
        TestBinary {
            id: "xtask::bin/xtask".into(),
            package: "xtask".into(),
            version: "0.0.0".into(),
            dir: std::env::current_dir().expect("a working directory"),
            path,
            tests_dir: false,
        }
    }

    const QUICK: &str = "retime::tests::a_quick_test_to_time_alone";

    #[test]
    fn a_quick_test_to_time_alone() {
        assert_eq!(plural(2), "s");
    }

    #[test]
    fn a_run_alone_runs_exactly_the_named_test_and_says_when_nothing_matched() {
        let binary = myself();
        let priority = Priority::detect();
        let time = run_alone(&binary, QUICK, &priority).unwrap();
        assert!(time.is_ok(), "{time:?}");
        assert_eq!(
            run_alone(&binary, "retime::tests::no_such_test", &priority).unwrap(),
            Err(
                "`--exact` matched no test: the binary runs it under another name than it lists"
                    .to_owned()
            )
        );
    }

    #[test]
    fn only_tests_over_half_their_budget_are_timed_again_and_keep_their_suite_time() {
        let test = |name: &str, ms| Test {
            tier: Tier::Unit,
            binary: "xtask::bin/xtask".into(),
            name: name.into(),
            time: Some(Time::measured(Duration::from_millis(ms))),
            ignore: None,
        };
        let mut inventory = Inventory {
            tests: vec![test(QUICK, 300), test("retime::tests::never_run", 50)],
            timing: TimingSource::NextestJunit,
            isolation: Isolation::Unshare,
        };
        let config = Config {
            alone_runs: 2,
            ..Config::default()
        };
        let failed = retime(&[myself()], &mut inventory, &config, Output::Stderr).unwrap();
        assert_eq!(failed, Vec::<String>::new());
        let quick = inventory.tests[0].time.unwrap();
        assert_eq!(quick.duration, Duration::from_millis(300));
        let alone = quick.alone.expect("timed alone");
        assert_eq!(alone.runs, 2);
        assert!(alone.fastest < Duration::from_millis(300));
        assert_eq!(inventory.tests[1].time.unwrap().alone, None);
    }

    #[test]
    fn a_test_that_cannot_run_alone_is_a_failure_naming_it() {
        let mut inventory = Inventory {
            tests: vec![Test {
                tier: Tier::Unit,
                binary: "xtask::bin/xtask".into(),
                name: "retime::tests::gone".into(),
                time: Some(Time::measured(Duration::from_secs(1))),
                ignore: None,
            }],
            timing: TimingSource::NextestJunit,
            isolation: Isolation::Unshare,
        };
        let failed = retime(
            &[myself()],
            &mut inventory,
            &Config::default(),
            Output::Stderr,
        )
        .unwrap();
        assert_eq!(
            failed,
            [
                "`retime::tests::gone` in `xtask::bin/xtask` passed in the suite but not alone: \
                 `--exact` matched no test: the binary runs it under another name than it lists"
            ]
        );
    }
}
