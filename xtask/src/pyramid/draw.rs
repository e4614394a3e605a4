//! Renders the inventory and its verdict: a pyramid in the terminal, or JSON for machines.
//!
//! Pure: returns strings. The drawing has one centred bar per tier, e2e on top and unit at
//! the base, each as wide as the tier's share of the running tests (at least one character
//! when the tier has any), so the shape reads at a glance; then how the tests ran, and the
//! verdict with what to do about each broken rule.

use super::check::{check, ok_line};
use super::{Config, Ignore, Inventory, Isolation, Tier, TimingSource, human};
use serde_json::{Map, Value, json};

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

/// The inventory, the limits and the verdict as JSON, for machines: pretty-printed by
/// serde_json, keys in the order written here.
pub fn json(inventory: &Inventory, config: &Config) -> String {
    let verdict = check(inventory, config);
    let ms = |d: std::time::Duration| (d.as_secs_f64() * 1e6).round() / 1e3;
    let tiers: Map<String, Value> = Tier::ALL
        .iter()
        .map(|&tier| {
            let slowest = inventory.slowest(tier).map(|t| {
                let time = t.time.expect("the slowest test has a time");
                json!({ "name": t.name, "binary": t.binary, "ms": ms(time.duration) })
            });
            let value = json!({
                "tests": inventory.running(tier).count(),
                "ignored": inventory.ignored(tier).count(),
                "share": inventory.share(tier).map(|s| (s * 10.0).round() / 10.0),
                "total_ms": ms(inventory.total_time(tier)),
                "slowest": slowest,
                "budget_ms": ms(config.budget(tier)),
            });
            (tier.name().to_owned(), value)
        })
        .collect();
    let tests: Vec<Value> = inventory
        .tests
        .iter()
        .map(|t| {
            let (ignored, reason) = match &t.ignore {
                None => (false, None),
                Some(Ignore::Reason(r)) => (true, Some(r.as_str())),
                Some(Ignore::NoReason { .. }) => (true, Some("")),
                Some(Ignore::ReasonNotListed) => (true, None),
            };
            let alone = t.time.and_then(|time| time.alone);
            json!({
                "tier": t.tier.name(),
                "binary": t.binary,
                "name": t.name,
                "ms": t.time.map(|time| ms(time.duration)),
                "averaged": t.time.is_some_and(|time| time.averaged),
                "alone_ms": alone.map(|alone| ms(alone.fastest)),
                "alone_runs": alone.map(|alone| alone.runs),
                "ignored": ignored,
                "ignore_reason": reason,
            })
        })
        .collect();
    let timing = match inventory.timing {
        TimingSource::NotMeasured => None,
        TimingSource::NextestJunit => Some("nextest-junit"),
        TimingSource::Binaries => Some("binaries"),
    };
    let isolation = match &inventory.isolation {
        Isolation::NotRun => "not-run",
        Isolation::Unshare => "unshare-net",
        Isolation::Off => "off",
        Isolation::Unavailable(_) => "unavailable",
    };
    let report = json!({
        "ok": verdict.is_ok(),
        "failures": verdict.failures.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "warnings": verdict.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "tiers": tiers,
        "limits": {
            "unit_floor": config.unit_floor,
            "e2e_ceiling": config.e2e_ceiling,
            "expect": config.expect.iter().map(|t| t.name()).collect::<Vec<_>>(),
            "file": config.file,
        },
        "unit_isolation": isolation,
        "timings": timing,
        "doctests_counted": false,
        "tests": tests,
    });
    serde_json::to_string_pretty(&report).expect("a JSON value always serialises")
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
        let text = json(&healthy(), &Config::default());
        let report: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(report["ok"], true);
        let unit = &report["tiers"]["unit"];
        assert_eq!(unit["tests"], 36);
        assert_eq!(unit["share"], 90.0);
        assert_eq!(unit["slowest"]["ms"], 36.0);
        assert_eq!(unit["budget_ms"], 100.0);
        assert_eq!(
            report["tiers"]["e2e"]["slowest"]["name"],
            "[e2e] cli::help prints the commands"
        );
        assert_eq!(report["tests"].as_array().map(Vec::len), Some(40));
        assert_eq!(report["tests"][0]["alone_ms"], Value::Null);
        assert_eq!(report["timings"], "nextest-junit");
        assert_eq!(report["limits"]["file"], Value::Null);
        assert_eq!(report["doctests_counted"], false);
    }

    #[test]
    fn the_json_report_keeps_its_keys_in_reading_order_indented_by_two_spaces() {
        let text = json(&healthy(), &Config::default());
        let top: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("  \"")?.split('"').next())
            .collect();
        assert_eq!(
            top,
            [
                "ok",
                "failures",
                "warnings",
                "tiers",
                "limits",
                "unit_isolation",
                "timings",
                "doctests_counted",
                "tests"
            ]
        );
        let tiers: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("    \"")?.strip_suffix("\": {"))
            .collect();
        assert_eq!(tiers, ["unit", "integration", "e2e"]);
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
