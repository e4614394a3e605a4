//! Renders the inventory and its verdict: a pyramid in the terminal, or JSON for machines.
//!
//! Pure: returns strings. The drawing has one centred bar per tier, e2e on top and unit at
//! the base, each as wide as the tier's share of the running tests (at least one character
//! when the tier has any), so the shape reads at a glance; then how the tests ran, and the
//! verdict with what to do about each broken rule.

use super::check::{check, ok_line};
use super::{Config, Ignore, Inventory, Isolation, Tier, TimingSource, human};
use crate::json::Value;

/// The width of a bar holding every test. Odd, so every bar (odd too) centres exactly.
const WIDTH: usize = 35;

/// The longest test name shown for a tier's slowest test.
const NAME_WIDTH: usize = 72;

/// Draws the pyramid and the verdict; `color` adds ANSI colours.
pub fn draw(inventory: &Inventory, config: &Config, color: bool) -> String {
    let paint = |code: &str, text: &str| match color {
        true => format!("\x1b[{code}m{text}\x1b[0m"),
        false => text.to_owned(),
    };
    let mut out = String::new();
    out.push_str(&format!(
        " {:WIDTH$}  {:<11} {:>5} {:>7} {:>7}  {}\n",
        "", "tier", "tests", "share", "time", "slowest"
    ));
    for &tier in Tier::ALL.iter().rev() {
        let count = inventory.running(tier).count();
        let share = inventory.share(tier).unwrap_or(0.0);
        let width = bar_width(count, share);
        let left = (WIDTH - width) / 2;
        let bar = "█".repeat(width);
        let code = match tier {
            Tier::Unit => "32",
            Tier::Integration => "33",
            Tier::E2e => "35",
        };
        let time = match inventory.running(tier).any(|t| t.time.is_some()) {
            true => human(inventory.total_time(tier)),
            false => "-".to_owned(),
        };
        let mut line = format!(
            " {:left$}{}{:right$}  {:<11} {count:>5} {:>7} {time:>7}",
            "",
            paint(code, &bar),
            "",
            tier.name(),
            format!("{share:.1}%"),
            right = WIDTH - width - left,
        );
        if let Some(slowest) = inventory.slowest(tier) {
            let time = slowest.time.expect("the slowest test has a time");
            line.push_str(&match time.averaged {
                false => match time.alone {
                    Some(alone) => format!(
                        "  {} ({} alone)  {}",
                        human(time.duration),
                        human(alone.fastest),
                        shorten(&slowest.name)
                    ),
                    None => format!("  {}  {}", human(time.duration), shorten(&slowest.name)),
                },
                true => format!(
                    "  {} on average in `{}`",
                    human(time.duration),
                    slowest.binary
                ),
            });
        }
        let ignored = inventory.ignored(tier).count();
        if ignored > 0 {
            line.push_str(&format!("  ({ignored} ignored)"));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(&format!(
        " {} · {}\n",
        inventory.isolation,
        timing(inventory)
    ));
    let limits = match &config.file {
        Some(file) => format!("limits from {file}"),
        None => format!("default limits (no {})", super::config::PATH),
    };
    out.push_str(&format!(" {limits} · doctests are not counted\n"));

    let verdict = check(inventory, config);
    if verdict.is_ok() {
        out.push_str(&format!(
            " {}\n",
            paint("32", &ok_line(inventory, config, &verdict))
        ));
    } else {
        let n = verdict.failures.len();
        let heading = format!(
            "pyramid broken: {n} problem{}",
            if n == 1 { "" } else { "s" }
        );
        out.push_str(&format!(" {}\n", paint("1;31", &heading)));
        for failure in &verdict.failures {
            out.push_str(&format!("   ✗ {failure}\n"));
        }
    }
    if !verdict.warnings.is_empty() {
        out.push_str(&format!(
            " {}\n",
            paint("33", "near budget (a drift to watch; the pyramid holds):")
        ));
        for warning in &verdict.warnings {
            out.push_str(&format!("   ! {warning}\n"));
        }
    }
    out
}

/// The bar's width for a tier of `count` tests holding `share` percent: odd, at least 1
/// when the tier has tests.
fn bar_width(count: usize, share: f64) -> usize {
    if count == 0 {
        return 0;
    }
    let exact = share / 100.0 * WIDTH as f64;
    let odd = 2.0 * ((exact - 1.0) / 2.0).round() + 1.0;
    (odd.max(1.0) as usize).min(WIDTH)
}

fn shorten(name: &str) -> String {
    match name.char_indices().nth(NAME_WIDTH - 1) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_owned(),
    }
}

fn timing(inventory: &Inventory) -> String {
    match inventory.timing {
        TimingSource::NotMeasured => "timings: not measured".to_owned(),
        TimingSource::NextestJunit => "timings: nextest JUnit".to_owned(),
        TimingSource::Binaries => {
            let timed = inventory.tests.iter().filter_map(|t| t.time);
            let averaged = timed.clone().filter(|t| t.averaged).count();
            let measured = timed.count() - averaged;
            match (measured, averaged) {
                (_, 0) => "timings: per test, from the spec harness".to_owned(),
                (0, _) => "timings: averaged per test binary (wall time / tests; cargo-nextest times each test)".to_owned(),
                _ => format!(
                    "timings: {measured} per test from the spec harness, {averaged} averaged per test binary \
                     (cargo-nextest times each test)"
                ),
            }
        }
    }
}

/// The inventory, the limits and the verdict as JSON, for machines.
pub fn json(inventory: &Inventory, config: &Config) -> String {
    let verdict = check(inventory, config);
    let ms = |d: std::time::Duration| Value::Number((d.as_secs_f64() * 1e6).round() / 1e3);
    let tiers = Tier::ALL.iter().map(|&tier| {
        let slowest = inventory.slowest(tier).map(|t| {
            let time = t.time.expect("the slowest test has a time");
            Value::object([
                ("name", t.name.as_str().into()),
                ("binary", t.binary.as_str().into()),
                ("ms", ms(time.duration)),
            ])
        });
        let value = Value::object([
            ("tests", inventory.running(tier).count().into()),
            ("ignored", inventory.ignored(tier).count().into()),
            (
                "share",
                inventory
                    .share(tier)
                    .map(|s| (s * 10.0).round() / 10.0)
                    .into(),
            ),
            ("total_ms", ms(inventory.total_time(tier))),
            ("slowest", slowest.unwrap_or(Value::Null)),
            ("budget_ms", ms(config.budget(tier))),
        ]);
        (tier.name().to_owned(), value)
    });
    let tests = inventory.tests.iter().map(|t| {
        let (ignored, reason) = match &t.ignore {
            None => (false, Value::Null),
            Some(Ignore::Reason(r)) => (true, r.as_str().into()),
            Some(Ignore::NoReason { .. }) => (true, "".into()),
            Some(Ignore::ReasonNotListed) => (true, Value::Null),
        };
        Value::object([
            ("tier", t.tier.name().into()),
            ("binary", t.binary.as_str().into()),
            ("name", t.name.as_str().into()),
            ("ms", t.time.map_or(Value::Null, |time| ms(time.duration))),
            ("averaged", t.time.is_some_and(|time| time.averaged).into()),
            (
                "alone_ms",
                t.time
                    .and_then(|time| time.alone)
                    .map_or(Value::Null, |alone| ms(alone.fastest)),
            ),
            (
                "alone_runs",
                t.time
                    .and_then(|time| time.alone)
                    .map_or(Value::Null, |alone| (alone.runs as usize).into()),
            ),
            ("ignored", ignored.into()),
            ("ignore_reason", reason),
        ])
    });
    let timing = match inventory.timing {
        TimingSource::NotMeasured => Value::Null,
        TimingSource::NextestJunit => "nextest-junit".into(),
        TimingSource::Binaries => "binaries".into(),
    };
    let isolation = match &inventory.isolation {
        Isolation::NotRun => "not-run",
        Isolation::Unshare => "unshare-net",
        Isolation::Off => "off",
        Isolation::Unavailable(_) => "unavailable",
    };
    Value::object([
        ("ok", verdict.is_ok().into()),
        (
            "failures",
            Value::Array(
                verdict
                    .failures
                    .iter()
                    .map(|f| f.to_string().into())
                    .collect(),
            ),
        ),
        (
            "warnings",
            Value::Array(
                verdict
                    .warnings
                    .iter()
                    .map(|w| w.to_string().into())
                    .collect(),
            ),
        ),
        ("tiers", Value::Object(tiers.collect())),
        (
            "limits",
            Value::object([
                ("unit_floor", config.unit_floor.into()),
                ("e2e_ceiling", config.e2e_ceiling.into()),
                (
                    "expect",
                    Value::Array(config.expect.iter().map(|t| t.name().into()).collect()),
                ),
                ("file", config.file.clone().into()),
            ]),
        ),
        ("unit_isolation", isolation.into()),
        ("timings", timing),
        ("doctests_counted", false.into()),
        ("tests", Value::Array(tests.collect())),
    ])
    .pretty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pyramid::{Test, Time};
    use pretty_assertions::assert_eq;
    use std::time::Duration;

    fn test(tier: Tier, name: &str, ms: u64) -> Test {
        let time = Some(Time::measured(Duration::from_millis(ms)));
        Test {
            tier,
            binary: "netsplit".into(),
            name: name.into(),
            time,
            ignore: None,
        }
    }

    fn healthy() -> Inventory {
        let mut tests = vec![test(Tier::E2e, "[e2e] cli::help prints the commands", 900)];
        tests.extend((0..3).map(|i| {
            test(
                Tier::Integration,
                &format!("[integration] detection::scenario {i}"),
                1200,
            )
        }));
        tests.extend((0..36).map(|i| test(Tier::Unit, &format!("model::tests::rule_{i}"), 1 + i)));
        Inventory {
            tests,
            timing: TimingSource::NextestJunit,
            isolation: Isolation::Unshare,
        }
    }

    #[test]
    fn a_healthy_pyramid_draws_widest_at_the_base() {
        let drawing = draw(
            &healthy(),
            &Config {
                file: Some(".config/pyramid.toml".into()),
                ..Config::default()
            },
            false,
        );
        let expected = [
            "                                      tier        tests   share    time  slowest",
            "                  █                   e2e             1    2.5%   900ms  900ms  [e2e] cli::help prints the commands",
            "                 ███                  integration     3    7.5%    3.6s  1.2s  [integration] detection::scenario 0",
            "   ███████████████████████████████    unit           36   90.0%   666ms  36ms  model::tests::rule_35",
            " unit tier ran without network (unshare --net) · timings: nextest JUnit",
            " limits from .config/pyramid.toml · doctests are not counted",
            " pyramid ok: unit 90.0% >= 70%, e2e 2.5% <= 10%, no test over budget, no reasonless ignore",
            "",
        ];
        assert_eq!(drawing, expected.join("\n"));
    }

    #[test]
    fn a_broken_pyramid_lists_each_problem_with_what_to_do() {
        let mut cone = healthy();
        cone.tests.retain(|t| t.tier != Tier::Unit);
        cone.tests[1].ignore = Some(Ignore::NoReason { site: None });
        cone.tests[1].time = None;
        let drawing = draw(&cone, &Config::default(), false);
        let expected = [
            "                                      tier        tests   share    time  slowest",
            "             ███████████              e2e             1   33.3%   900ms  900ms  [e2e] cli::help prints the commands",
            "       ███████████████████████        integration     2   66.7%    2.4s  1.2s  [integration] detection::scenario 1  (1 ignored)",
            "                                      unit            0    0.0%       -",
            " unit tier ran without network (unshare --net) · timings: nextest JUnit",
            " default limits (no .config/pyramid.toml) · doctests are not counted",
            " pyramid broken: 5 problems",
        ];
        let lines: Vec<_> = drawing.lines().take(expected.len()).collect();
        assert_eq!(lines, expected);
        assert!(drawing.contains(
            "\n   ✗ ice-cream cone: the integration tier (2 tests) outgrows the unit tier (0 tests)"
        ));
        assert!(drawing.contains(
            "\n   ✗ `[integration] detection::scenario 0` (integration) is ignored without a reason"
        ));
    }

    #[test]
    fn bars_are_odd_and_at_least_one_character_for_a_tier_with_tests() {
        assert_eq!(bar_width(0, 0.0), 0);
        assert_eq!(bar_width(1, 0.1), 1);
        assert_eq!(bar_width(3, 7.5), 3);
        assert_eq!(bar_width(36, 90.0), 31);
        assert_eq!(bar_width(41, 100.0), 35);
    }

    #[test]
    fn colours_wrap_the_bars_and_the_verdict_only_when_asked() {
        let drawing = draw(&healthy(), &Config::default(), true);
        assert!(drawing.contains("\x1b[32m█████"));
        assert!(drawing.contains("\x1b[32mpyramid ok"));
        assert!(!draw(&healthy(), &Config::default(), false).contains('\x1b'));
    }

    #[test]
    fn long_names_are_shortened_with_an_ellipsis() {
        let long = "x".repeat(100);
        assert_eq!(shorten(&long).chars().count(), NAME_WIDTH);
        assert!(shorten(&long).ends_with('…'));
        assert_eq!(shorten("short"), "short");
    }

    #[test]
    fn the_json_report_carries_the_verdict_the_tiers_and_every_test() {
        let report = crate::json::parse(&json(&healthy(), &Config::default())).unwrap();
        assert_eq!(report.get("ok"), Some(&Value::Bool(true)));
        let unit = report.get("tiers").and_then(|t| t.get("unit")).unwrap();
        assert_eq!(unit.get("tests"), Some(&Value::Number(36.0)));
        assert_eq!(unit.get("share"), Some(&Value::Number(90.0)));
        assert_eq!(
            unit.get("slowest").and_then(|s| s.get("ms")),
            Some(&Value::Number(36.0))
        );
        assert_eq!(report.get("tests").map(|t| t.as_array().len()), Some(40));
        assert_eq!(
            report.get("timings").and_then(Value::as_str),
            Some("nextest-junit")
        );
        assert_eq!(report.get("doctests_counted"), Some(&Value::Bool(false)));
    }

    #[test]
    fn averaged_and_per_test_timings_are_told_apart() {
        let mut mixed = healthy();
        mixed.timing = TimingSource::Binaries;
        for t in mixed.tests.iter_mut().filter(|t| t.tier == Tier::Unit) {
            t.time = Some(Time::averaged(Duration::from_millis(2)));
        }
        assert_eq!(
            timing(&mixed),
            "timings: 4 per test from the spec harness, 36 averaged per test binary (cargo-nextest times each test)"
        );
    }
}
