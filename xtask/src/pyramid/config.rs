//! The pyramid's limits, read from `.config/pyramid.toml` at the workspace root.
//!
//! Every key is optional and defaults to the value in [`Config::default`]; the file at the
//! root of this repository lists them all, with comments. An unknown key, or a value of the
//! wrong type, is an error naming the line, so a typo never silently loosens a limit.
//!
//! The file is read by a small parser of a TOML subset instead of the `toml` crate, to keep
//! xtask quick to build: `[table]` headers; `key = value` lines whose value is an integer
//! (`10_000`), a decimal (`70.5`), a basic string (`"e2e"`), `true`/`false`, or an array of
//! those on one line (`["unit", "e2e"]`); `#` comments; blank lines. Anything else is an
//! error that says so.

use std::path::Path;
use std::time::Duration;

use super::Tier;

/// Where the config lives, relative to the workspace root.
pub const PATH: &str = ".config/pyramid.toml";

/// The limits `cargo xtask pyramid` holds the test suite to.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// `[shape] unit_floor`: the unit tier's share of the running tests, in percent, at least.
    pub unit_floor: f64,
    /// `[shape] e2e_ceiling`: the e2e tier's share of the running tests, in percent, at most.
    pub e2e_ceiling: f64,
    /// `[budget] unit_ms`, `integration_ms`, `e2e_ms`: the longest one test of a tier may take.
    pub budgets: [Duration; 3],
    /// `[budget] alone_runs`: how many times a test whose suite time came over half its
    /// budget is run again alone; the fastest of those runs is what the budget judges.
    pub alone_runs: u32,
    /// `[tiers] expect`: tiers that must list at least one test.
    pub expect: Vec<Tier>,
    /// `[tiers] tests_dir_tier`: the tier of tests in `tests/` whose names carry no tier prefix.
    pub tests_dir_tier: Tier,
    /// `[tiers] unit_without_network`: run the unit tier under `unshare --net` where possible.
    pub unit_without_network: bool,
    /// The file these limits were read from; `None` for the defaults.
    pub file: Option<String>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            unit_floor: 70.0,
            e2e_ceiling: 10.0,
            budgets: [
                Duration::from_millis(100),
                Duration::from_secs(10),
                Duration::from_secs(60),
            ],
            alone_runs: 3,
            expect: vec![Tier::Unit],
            tests_dir_tier: Tier::E2e,
            unit_without_network: true,
            file: None,
        }
    }
}

impl Config {
    /// The longest one test of `tier` may take.
    pub fn budget(&self, tier: Tier) -> Duration {
        self.budgets[tier as usize]
    }

    /// Reads `.config/pyramid.toml` under `root`; the defaults when there is none.
    pub fn load(root: &Path) -> anyhow::Result<Config> {
        let path = root.join(PATH);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let mut config = parse(&text).map_err(|e| anyhow::anyhow!("{PATH}:{e}"))?;
                config.file = Some(PATH.to_owned());
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(anyhow::anyhow!("cannot read `{}`: {e}", path.display())),
        }
    }
}

/// A value of the TOML subset.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Integer(i64),
    Decimal(f64),
    String(String),
    Bool(bool),
    Array(Vec<Value>),
}

const KEYS: &[(&str, &str)] = &[
    ("shape", "unit_floor"),
    ("shape", "e2e_ceiling"),
    ("budget", "unit_ms"),
    ("budget", "integration_ms"),
    ("budget", "e2e_ms"),
    ("budget", "alone_runs"),
    ("tiers", "expect"),
    ("tiers", "tests_dir_tier"),
    ("tiers", "unit_without_network"),
];

/// Parses the config text; an error reads `LINE: message`.
pub fn parse(text: &str) -> Result<Config, String> {
    let mut config = Config::default();
    let mut table = String::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let at = |message: String| format!("{line}: {message}");
        let content = strip_comment(raw).trim();
        if content.is_empty() {
            continue;
        }
        if let Some(header) = content.strip_prefix('[') {
            let name = header
                .strip_suffix(']')
                .ok_or_else(|| at("a table header ends with `]`".into()))?
                .trim();
            if !KEYS.iter().any(|(t, _)| *t == name) {
                return Err(at(format!(
                    "unknown table `[{name}]`: expected `[shape]`, `[budget]` or `[tiers]`"
                )));
            }
            table = name.to_owned();
            continue;
        }
        let (key, value) = content
            .split_once('=')
            .ok_or_else(|| at(format!("expected `key = value`, found `{content}`")))?;
        let key = key.trim();
        let value = parse_value(value.trim()).map_err(at)?;
        if !KEYS.contains(&(table.as_str(), key)) {
            let known: Vec<_> = KEYS
                .iter()
                .filter(|(t, _)| *t == table)
                .map(|(_, k)| format!("`{k}`"))
                .collect();
            return Err(at(match known.is_empty() {
                true => format!(
                    "key `{key}` outside a table: put it under `[shape]`, `[budget]` or `[tiers]`"
                ),
                false => format!(
                    "unknown key `{key}` in `[{table}]`: expected {}",
                    known.join(", ")
                ),
            }));
        }
        apply(&mut config, key, value).map_err(|e| at(format!("`{key}`: {e}")))?;
    }
    Ok(config)
}

fn apply(config: &mut Config, key: &str, value: Value) -> Result<(), String> {
    let percent = |value: &Value| match *value {
        Value::Integer(n) if (0..=100).contains(&n) => Ok(n as f64),
        Value::Decimal(n) if (0.0..=100.0).contains(&n) => Ok(n),
        _ => Err("expected a percentage from 0 to 100".to_owned()),
    };
    let millis = |value: &Value| match *value {
        Value::Integer(n) if n > 0 => Ok(Duration::from_millis(n as u64)),
        Value::Decimal(n) if n > 0.0 && n < 1e12 => {
            Ok(Duration::from_micros((n * 1000.0).round() as u64))
        }
        _ => Err("expected a number of milliseconds above 0".to_owned()),
    };
    let tier = |value: &Value| match value {
        Value::String(s) => s.parse::<Tier>(),
        _ => Err("expected a tier: \"unit\", \"integration\" or \"e2e\"".to_owned()),
    };
    match key {
        "unit_floor" => config.unit_floor = percent(&value)?,
        "e2e_ceiling" => config.e2e_ceiling = percent(&value)?,
        "unit_ms" => config.budgets[Tier::Unit as usize] = millis(&value)?,
        "integration_ms" => config.budgets[Tier::Integration as usize] = millis(&value)?,
        "e2e_ms" => config.budgets[Tier::E2e as usize] = millis(&value)?,
        "alone_runs" => match value {
            Value::Integer(n) if (1..=100).contains(&n) => config.alone_runs = n as u32,
            _ => return Err("expected a number of runs from 1 to 100".to_owned()),
        },
        "tests_dir_tier" => config.tests_dir_tier = tier(&value)?,
        "unit_without_network" => match value {
            Value::Bool(b) => config.unit_without_network = b,
            _ => return Err("expected `true` or `false`".to_owned()),
        },
        "expect" => match value {
            Value::Array(items) => {
                config.expect = items.iter().map(tier).collect::<Result<_, _>>()?
            }
            _ => return Err("expected an array of tiers, such as [\"unit\", \"e2e\"]".to_owned()),
        },
        _ => unreachable!("every key of KEYS is applied"),
    }
    Ok(())
}

/// The line up to a `#` that is not inside a string.
fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

fn parse_value(text: &str) -> Result<Value, String> {
    let (value, rest) = parse_prefix(text)?;
    match rest.trim() {
        "" => Ok(value),
        rest => Err(format!("unexpected `{rest}` after the value")),
    }
}

/// Parses one value at the start of `text`; returns it and the text after it.
fn parse_prefix(text: &str) -> Result<(Value, &str), String> {
    if let Some(mut rest) = text.strip_prefix('[') {
        let mut items = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                return Err(
                    "an array continues with `,` or ends with `]` on the same line".to_owned(),
                );
            }
            if let Some(after) = rest.strip_prefix(']') {
                return Ok((Value::Array(items), after));
            }
            let (item, after) = parse_prefix(rest)?;
            items.push(item);
            rest = after.trim_start();
            if let Some(after) = rest.strip_prefix(',') {
                rest = after;
            } else if !rest.starts_with(']') {
                return Err(
                    "an array continues with `,` or ends with `]` on the same line".to_owned(),
                );
            }
        }
    }
    if let Some(body) = text.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok((Value::String(out), &body[i + 1..])),
                '\\' => match chars.next().map(|(_, c)| c) {
                    Some('"') => out.push('"'),
                    Some('\\') => out.push('\\'),
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    _ => {
                        return Err(
                            "unsupported escape in string: use \\\", \\\\, \\n or \\t".to_owned()
                        );
                    }
                },
                c => out.push(c),
            }
        }
        return Err("unterminated string".to_owned());
    }
    let end = text.find([',', ']', ' ', '\t']).unwrap_or(text.len());
    let (word, rest) = text.split_at(end);
    let value = match word {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => {
            let digits = word.replace('_', "");
            if let Ok(n) = digits.parse::<i64>() {
                Value::Integer(n)
            } else if let Some(n) = digits.parse::<f64>().ok().filter(|n| n.is_finite()) {
                Value::Decimal(n)
            } else {
                return Err(format!(
                    "`{word}` is not a value this file understands: a number, a \"string\", true, false or [an, array]"
                ));
            }
        }
    };
    Ok((value, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use test_case::test_case;

    #[test]
    fn the_committed_config_holds_the_documented_defaults_and_expects_every_tier() {
        let text = include_str!("../../../.config/pyramid.toml");
        let expected = Config {
            expect: vec![Tier::Unit, Tier::Integration, Tier::E2e],
            ..Config::default()
        };
        assert_eq!(parse(text), Ok(expected));
    }

    #[test]
    fn an_empty_file_gives_the_defaults() {
        assert_eq!(parse("# nothing to change\n"), Ok(Config::default()));
    }

    #[test]
    fn every_key_is_read() {
        let text = r#"
            [shape]
            unit_floor = 80.5   # percent
            e2e_ceiling = 5
            [budget]
            unit_ms = 50
            integration_ms = 2_000
            e2e_ms = 0.5
            alone_runs = 5
            [tiers]
            expect = ["unit", "integration", "e2e"]
            tests_dir_tier = "integration"
            unit_without_network = false
        "#;
        let expected = Config {
            unit_floor: 80.5,
            e2e_ceiling: 5.0,
            budgets: [
                Duration::from_millis(50),
                Duration::from_secs(2),
                Duration::from_micros(500),
            ],
            alone_runs: 5,
            expect: vec![Tier::Unit, Tier::Integration, Tier::E2e],
            tests_dir_tier: Tier::Integration,
            unit_without_network: false,
            file: None,
        };
        assert_eq!(parse(text), Ok(expected));
    }

    #[test_case("[shape]\nunit_flor = 70", "2: unknown key `unit_flor` in `[shape]`: expected `unit_floor`, `e2e_ceiling`" ; "a misspelt key")]
    #[test_case("unit_floor = 70", "1: key `unit_floor` outside a table: put it under `[shape]`, `[budget]` or `[tiers]`" ; "a key outside a table")]
    #[test_case("[pyramid]", "1: unknown table `[pyramid]`: expected `[shape]`, `[budget]` or `[tiers]`" ; "an unknown table")]
    #[test_case("[shape]\nunit_floor = 170", "2: `unit_floor`: expected a percentage from 0 to 100" ; "a share over a hundred")]
    #[test_case("[budget]\nunit_ms = \"100ms\"", "2: `unit_ms`: expected a number of milliseconds above 0" ; "a budget with a unit")]
    #[test_case("[budget]\nalone_runs = 0", "2: `alone_runs`: expected a number of runs from 1 to 100" ; "no alone runs")]
    #[test_case("[tiers]\nexpect = [\"unit\", \"smoke\"]", "2: `expect`: unknown tier `smoke`: expected `unit`, `integration` or `e2e`" ; "an unknown tier")]
    #[test_case("[tiers]\nexpect = [\"unit\",\n", "2: an array continues with `,` or ends with `]` on the same line" ; "a multi line array")]
    #[test_case("[tiers]\nunit_without_network = yes", "2: `yes` is not a value this file understands: a number, a \"string\", true, false or [an, array]" ; "a bare word")]
    #[test_case("[tiers]\ntests_dir_tier = \"e2e\" extra", "2: unexpected `extra` after the value" ; "text after the value")]
    fn mistakes_are_reported_with_their_line(text: &str, expected: &str) {
        assert_eq!(parse(text), Err(expected.to_owned()));
    }

    #[test]
    fn a_hash_inside_a_string_is_not_a_comment() {
        assert_eq!(strip_comment(r#"a = "x # y" # comment"#), r#"a = "x # y" "#);
    }
}
