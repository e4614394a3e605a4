//! The inventory: every test of every tier, with its time and whether (and why) it is ignored.
//!
//! Plain data, filled in (by `suite`, `run` and `retime`) from the test binaries' own `--list`
//! output and the test run's timings, and read by [`super::check()`] and [`super::draw()`].
//! Nothing here runs anything, so the pyramid's rules can be tested on inventories made up by
//! hand.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A tier of the test pyramid, from the base up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// `#[test]`s in `src/` and spec scenarios on the simulator: no sockets, virtual time.
    Unit,
    /// Scenarios tagged `@integration`, on the networked runtime.
    Integration,
    /// Tests in `tests/` that run the built binaries.
    E2e,
}

impl Tier {
    /// From the base of the pyramid to its top.
    pub const ALL: [Tier; 3] = [Tier::Unit, Tier::Integration, Tier::E2e];

    pub fn name(self) -> &'static str {
        match self {
            Tier::Unit => "unit",
            Tier::Integration => "integration",
            Tier::E2e => "e2e",
        }
    }

    /// The prefix the spec harness puts before the names of this tier's scenarios:
    /// `[unit] `, `[integration] `, `[e2e] ` ([`netsplit_protocol::tier_prefix`]).
    pub fn prefix(self) -> String {
        netsplit_protocol::tier_prefix(self.name())
    }

    /// The tier whose prefix `name` starts with, if any.
    pub fn of_prefixed(name: &str) -> Option<Tier> {
        netsplit_protocol::tier_of_prefixed(name)?.parse().ok()
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Tier {
    type Err = String;

    fn from_str(s: &str) -> Result<Tier, String> {
        Tier::ALL
            .into_iter()
            .find(|tier| tier.name() == s)
            .ok_or_else(|| format!("unknown tier `{s}`: expected `unit`, `integration` or `e2e`"))
    }
}

/// How long a test took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Time {
    /// Its time in the run of the whole suite, where it shared the machine with the other
    /// tests (and with whatever else the machine was doing).
    pub duration: Duration,
    /// The test binary's wall time divided by the number of tests it ran, for binaries that
    /// cannot time each test (plain libtest, run without nextest).
    pub averaged: bool,
    /// The fastest of the runs of this test alone, for a test whose suite time came near or
    /// over its budget (timed again by `retime`).
    pub alone: Option<Alone>,
}

/// The fastest of several runs of one test alone: one process, one test, nothing else of the
/// suite running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Alone {
    pub fastest: Duration,
    pub runs: u32,
}

impl Time {
    pub fn measured(duration: Duration) -> Time {
        Time {
            duration,
            averaged: false,
            alone: None,
        }
    }

    pub fn averaged(duration: Duration) -> Time {
        Time {
            duration,
            averaged: true,
            alone: None,
        }
    }

    /// The same suite time, with the fastest alone run.
    pub fn with_alone(self, fastest: Duration, runs: u32) -> Time {
        Time {
            alone: Some(Alone { fastest, runs }),
            ..self
        }
    }

    /// The time the budget is checked against: the fastest alone run when the test was run
    /// alone, else its suite time. Noise only ever adds time, so the fastest of a few runs
    /// of the test alone is the best measure of the test's own cost.
    pub fn judged(&self) -> Duration {
        self.alone.map_or(self.duration, |a| a.fastest)
    }
}

/// Why a test is ignored, as far as the listing and the sources tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ignore {
    /// Ignored with this reason.
    Reason(String),
    /// Ignored without a reason. `site` is the source line (`src/x.rs:12`) where a bare
    /// `#[ignore]` was found, for libtest binaries, which cannot list reasons.
    NoReason { site: Option<String> },
    /// A libtest test whose reason the listing cannot tell and whose `#[ignore]` was not
    /// found bare in the sources: taken to have a reason.
    ReasonNotListed,
}

/// One test, as its binary lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Test {
    pub tier: Tier,
    /// The test binary, named as nextest names it: `netsplit`, `netsplit::specs`, `xtask::bin/xtask`.
    pub binary: String,
    /// The test's full name in its binary's `--list` output.
    pub name: String,
    /// `None` when the test did not run (ignored, or the tests were only listed).
    pub time: Option<Time>,
    /// `None` when the test is not ignored.
    pub ignore: Option<Ignore>,
}

/// Where the tests' times came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimingSource {
    /// The tests were listed, not run.
    NotMeasured,
    /// nextest's JUnit report: one measured time per test.
    NextestJunit,
    /// Binary by binary: per-trial times from the spec harness's timing file
    /// (`NETSPLIT_TIMINGS`), wall time averaged over the tests of other binaries.
    Binaries,
}

/// Whether the unit tier ran without a network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Isolation {
    /// The tests were listed, not run.
    NotRun,
    /// Every unit test binary ran under `unshare --net`: no interface but a loopback that is down.
    Unshare,
    /// `unit_without_network = false` in the config.
    Off,
    /// `unshare --net` is not possible here; the reason says why.
    Unavailable(String),
}

impl fmt::Display for Isolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Isolation::NotRun => {
                f.write_str("tests listed, not run: no times, no network isolation")
            }
            Isolation::Unshare => f.write_str("unit tier ran without network (unshare --net)"),
            Isolation::Off => f.write_str(
                "unit tier ran with network: `unit_without_network = false` in the config",
            ),
            Isolation::Unavailable(why) => {
                write!(
                    f,
                    "unit tier ran WITH network: `unshare --net` is not possible here ({why})"
                )
            }
        }
    }
}

/// Every test of every tier, and how they were measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inventory {
    pub tests: Vec<Test>,
    pub timing: TimingSource,
    pub isolation: Isolation,
}

impl Inventory {
    /// The tests of `tier` that run (not ignored).
    pub fn running(&self, tier: Tier) -> impl Iterator<Item = &Test> {
        self.tests
            .iter()
            .filter(move |t| t.tier == tier && t.ignore.is_none())
    }

    /// The tests of `tier` that are ignored.
    pub fn ignored(&self, tier: Tier) -> impl Iterator<Item = &Test> {
        self.tests
            .iter()
            .filter(move |t| t.tier == tier && t.ignore.is_some())
    }

    /// All tests that run, in every tier.
    pub fn running_total(&self) -> usize {
        self.tests.iter().filter(|t| t.ignore.is_none()).count()
    }

    /// The share of the running tests that `tier` holds, in percent; `None` when no test runs.
    pub fn share(&self, tier: Tier) -> Option<f64> {
        let total = self.running_total();
        (total > 0).then(|| 100.0 * self.running(tier).count() as f64 / total as f64)
    }

    /// The sum of the measured times of `tier`'s tests.
    pub fn total_time(&self, tier: Tier) -> Duration {
        self.running(tier)
            .filter_map(|t| t.time)
            .map(|t| t.duration)
            .sum()
    }

    /// The slowest test of `tier` that has a time (the first listed among equals).
    pub fn slowest(&self, tier: Tier) -> Option<&Test> {
        self.running(tier)
            .filter(|t| t.time.is_some())
            .fold(None, |best: Option<&Test>, t| match best {
                Some(b) if b.time.map(|x| x.duration) >= t.time.map(|x| x.duration) => Some(b),
                _ => Some(t),
            })
    }
}

/// A duration as people read it at a glance: `0.4ms`, `12ms`, `3.2s`, `2m05s`.
pub fn human(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.1}ms")
    } else if ms < 1000.0 {
        format!("{ms:.0}ms")
    } else if ms < 60_000.0 {
        format!("{:.1}s", ms / 1000.0)
    } else {
        let s = d.as_secs();
        format!("{}m{:02}s", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_case::test_case;

    #[test_case(400, "0.4ms" ; "under ten milliseconds with a decimal")]
    #[test_case(12_300, "12ms" ; "milliseconds")]
    #[test_case(3_210_000, "3.2s" ; "seconds with a decimal")]
    #[test_case(125_000_000, "2m05s" ; "minutes and seconds")]
    fn durations_print_for_a_glance(micros: u64, expected: &str) {
        assert_eq!(human(Duration::from_micros(micros)), expected);
    }

    #[test]
    fn tier_names_parse_and_prefixes_classify() {
        assert_eq!("integration".parse(), Ok(Tier::Integration));
        assert!(
            "cone"
                .parse::<Tier>()
                .unwrap_err()
                .contains("unknown tier `cone`")
        );
        assert_eq!(Tier::of_prefixed("[e2e] cli::help"), Some(Tier::E2e));
        assert_eq!(Tier::of_prefixed("[unit]no space"), None);
        assert_eq!(Tier::of_prefixed("model::time::tests::x"), None);
        assert_eq!(Tier::of_prefixed("[smoke] not a tier of the pyramid"), None);
    }

    #[test]
    fn the_pyramid_has_a_tier_for_each_tier_of_the_spec_harness() {
        assert_eq!(Tier::ALL.map(Tier::name), netsplit_protocol::TIERS);
        for tier in Tier::ALL {
            let name = format!("{}x", tier.prefix());
            assert_eq!(Tier::of_prefixed(&name), Some(tier));
        }
    }

    #[test]
    fn the_slowest_test_is_the_first_listed_among_equals() {
        let test = |name: &str, ms| Test {
            tier: Tier::Unit,
            binary: "b".into(),
            name: name.into(),
            time: Some(Time::measured(Duration::from_millis(ms))),
            ignore: None,
        };
        let inventory = Inventory {
            tests: vec![test("a", 1), test("b", 5), test("c", 5)],
            timing: TimingSource::NextestJunit,
            isolation: Isolation::Unshare,
        };
        assert_eq!(
            inventory.slowest(Tier::Unit).map(|t| t.name.as_str()),
            Some("b")
        );
        assert_eq!(inventory.slowest(Tier::E2e), None);
        assert_eq!(inventory.total_time(Tier::Unit), Duration::from_millis(11));
    }
}
