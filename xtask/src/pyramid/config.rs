//! The pyramid's limits, read from `.config/pyramid.toml` at the workspace root.
//!
//! Every key is optional and defaults to the value in [`Config::default`]; the file at the
//! root of this repository lists them all, with comments. An unknown table or key, or a value
//! of the wrong type or out of range, is an error naming the key, its line and column and
//! what it takes, so a typo never silently loosens a limit.
//!
//! The file is TOML, parsed by the `toml` crate into its spanned document
//! ([`toml::de::DeTable`]): every key and value keeps where it stands in the file. The keys
//! are then checked one by one here rather than by a derived `Deserialize`, because a derived
//! reader names neither the key nor the table in its messages (`expected a percentage`), nor
//! can it say that a key belongs under a table (`put it under [shape]`).

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

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
                let mut config =
                    parse(&text).map_err(|e| anyhow::anyhow!("{}", e.render(PATH, &text)))?;
                config.file = Some(PATH.to_owned());
                Ok(config)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(anyhow::anyhow!("cannot read `{}`: {e}", path.display())),
        }
    }
}

/// A mistake in the config: where it is (1-based line and column) and what to do about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Mistake {
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The bytes of the file the mistake covers.
    span: Range<usize>,
}

impl Mistake {
    fn at(text: &str, span: Range<usize>, message: impl Into<String>) -> Mistake {
        let start = span.start.min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        Mistake {
            line: text[..start].matches('\n').count() + 1,
            column: text[line_start..start].chars().count() + 1,
            message: message.into(),
            span,
        }
    }

    /// `path:line:column: message`, then the line with the mistake underlined.
    pub fn render(&self, path: &str, text: &str) -> String {
        let source = text.lines().nth(self.line - 1).unwrap_or_default();
        let gutter = " ".repeat(self.line.to_string().len());
        let width = text
            .get(self.span.clone())
            .map_or(1, |s| s.lines().next().unwrap_or_default().chars().count())
            .max(1);
        format!(
            "{path}:{}:{}: {}\n{gutter} |\n{} | {source}\n{gutter} | {}{}",
            self.line,
            self.column,
            self.message,
            self.line,
            " ".repeat(self.column - 1),
            "^".repeat(width),
        )
    }
}

impl fmt::Display for Mistake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

const TABLES: &str = "`[shape]`, `[budget]` or `[tiers]`";

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

/// The entries of a table in the order they stand in the file, so that the first mistake
/// reported is the first one a reader meets (the parsed table is ordered by key).
fn in_file_order<'a, 'i>(
    table: &'a DeTable<'i>,
) -> Vec<(
    &'a Spanned<toml::de::DeString<'i>>,
    &'a Spanned<DeValue<'i>>,
)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// Parses and checks the config text.
pub fn parse(text: &str) -> Result<Config, Mistake> {
    let document = DeTable::parse(text).map_err(|e| {
        let message = e.message().trim_end().replace('\n', "; ");
        Mistake::at(text, e.span().unwrap_or(0..0), message)
    })?;
    let mut config = Config::default();
    for (name, item) in in_file_order(document.get_ref()) {
        let name_text: &str = name.get_ref();
        let DeValue::Table(table) = item.get_ref() else {
            return Err(Mistake::at(
                text,
                name.span(),
                format!("key `{name_text}` outside a table: put it under {TABLES}"),
            ));
        };
        if !KEYS.iter().any(|(t, _)| *t == name_text) {
            return Err(Mistake::at(
                text,
                name.span(),
                format!("unknown table `[{name_text}]`: expected {TABLES}"),
            ));
        }
        for (key, value) in in_file_order(table) {
            let key_text: &str = key.get_ref();
            if !KEYS.contains(&(name_text, key_text)) {
                let known: Vec<_> = KEYS
                    .iter()
                    .filter(|(t, _)| *t == name_text)
                    .map(|(_, k)| format!("`{k}`"))
                    .collect();
                return Err(Mistake::at(
                    text,
                    key.span(),
                    format!(
                        "unknown key `{key_text}` in `[{name_text}]`: expected {}",
                        known.join(", ")
                    ),
                ));
            }
            apply(&mut config, key_text, value).map_err(|(span, message)| {
                Mistake::at(text, span, format!("`{key_text}`: {message}"))
            })?;
        }
    }
    Ok(config)
}

/// A number of the file: TOML integers and floats, read without loss where they fit.
enum Number {
    Integer(i64),
    Float(f64),
}

fn number(value: &DeValue<'_>) -> Option<Number> {
    match value {
        DeValue::Integer(n) => i64::from_str_radix(n.as_str(), n.radix())
            .ok()
            .map(Number::Integer),
        DeValue::Float(n) => n.as_str().parse().ok().map(Number::Float),
        _ => None,
    }
}

/// Sets `key` from `value`; an error gives the span of the offending value and what it takes.
fn apply(
    config: &mut Config,
    key: &str,
    value: &Spanned<DeValue<'_>>,
) -> Result<(), (Range<usize>, String)> {
    let wrong = |message: &str| (value.span(), message.to_owned());
    let percent = || match number(value.get_ref()) {
        Some(Number::Integer(n)) if (0..=100).contains(&n) => Ok(n as f64),
        Some(Number::Float(n)) if (0.0..=100.0).contains(&n) => Ok(n),
        _ => Err(wrong("expected a percentage from 0 to 100")),
    };
    let millis = || match number(value.get_ref()) {
        Some(Number::Integer(n)) if n > 0 => Ok(Duration::from_millis(n as u64)),
        Some(Number::Float(n)) if n > 0.0 && n < 1e12 => {
            Ok(Duration::from_micros((n * 1000.0).round() as u64))
        }
        _ => Err(wrong("expected a number of milliseconds above 0")),
    };
    let tier = |value: &Spanned<DeValue<'_>>| match value.get_ref() {
        DeValue::String(s) => s.parse::<Tier>().map_err(|e| (value.span(), e)),
        _ => Err((
            value.span(),
            "expected a tier: \"unit\", \"integration\" or \"e2e\"".to_owned(),
        )),
    };
    match key {
        "unit_floor" => config.unit_floor = percent()?,
        "e2e_ceiling" => config.e2e_ceiling = percent()?,
        "unit_ms" => config.budgets[Tier::Unit as usize] = millis()?,
        "integration_ms" => config.budgets[Tier::Integration as usize] = millis()?,
        "e2e_ms" => config.budgets[Tier::E2e as usize] = millis()?,
        "alone_runs" => match number(value.get_ref()) {
            Some(Number::Integer(n)) if (1..=100).contains(&n) => config.alone_runs = n as u32,
            _ => return Err(wrong("expected a number of runs from 1 to 100")),
        },
        "tests_dir_tier" => config.tests_dir_tier = tier(value)?,
        "unit_without_network" => match value.get_ref() {
            DeValue::Boolean(b) => config.unit_without_network = *b,
            _ => return Err(wrong("expected `true` or `false`")),
        },
        "expect" => match value.get_ref() {
            DeValue::Array(items) => {
                config.expect = items.iter().map(tier).collect::<Result<_, _>>()?
            }
            _ => {
                return Err(wrong(
                    "expected an array of tiers, such as [\"unit\", \"e2e\"]",
                ));
            }
        },
        _ => unreachable!("every key of KEYS is applied"),
    }
    Ok(())
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

    #[test_case("[shape]\nunit_flor = 70", "2:1: unknown key `unit_flor` in `[shape]`: expected `unit_floor`, `e2e_ceiling`" ; "a misspelt key")]
    #[test_case("unit_floor = 70", "1:1: key `unit_floor` outside a table: put it under `[shape]`, `[budget]` or `[tiers]`" ; "a key outside a table")]
    #[test_case("[pyramid]", "1:2: unknown table `[pyramid]`: expected `[shape]`, `[budget]` or `[tiers]`" ; "an unknown table")]
    #[test_case("[shape]\nunit_floor = 170", "2:14: `unit_floor`: expected a percentage from 0 to 100" ; "a share over a hundred")]
    #[test_case("[budget]\nunit_ms = \"100ms\"", "2:11: `unit_ms`: expected a number of milliseconds above 0" ; "a budget with a unit")]
    #[test_case("[budget]\nalone_runs = 0", "2:14: `alone_runs`: expected a number of runs from 1 to 100" ; "no alone runs")]
    #[test_case("[budget]\nalone_runs = 2.5", "2:14: `alone_runs`: expected a number of runs from 1 to 100" ; "a fraction of a run")]
    #[test_case("[tiers]\nexpect = [\"unit\", \"smoke\"]", "2:19: `expect`: unknown tier `smoke`: expected `unit`, `integration` or `e2e`" ; "an unknown tier")]
    #[test_case("[tiers]\nexpect = \"unit\"", "2:10: `expect`: expected an array of tiers, such as [\"unit\", \"e2e\"]" ; "a tier outside an array")]
    #[test_case("[tiers]\nunit_without_network = 1", "2:24: `unit_without_network`: expected `true` or `false`" ; "a number for a switch")]
    #[test_case("[shape]\ne2e_ceiling = 5\nunit_floor = -1", "3:14: `unit_floor`: expected a percentage from 0 to 100" ; "the mistake on a later line of the table")]
    fn mistakes_are_reported_with_their_key_line_and_column(text: &str, expected: &str) {
        assert_eq!(
            parse(text).map_err(|m| m.to_string()),
            Err(expected.to_owned())
        );
    }

    #[test_case("[tiers]\nunit_without_network = yes", 2 ; "a bare word")]
    #[test_case("[tiers]\ntests_dir_tier = \"e2e\" extra", 2 ; "text after the value")]
    #[test_case("[budget]\nunit_ms = 5\nunit_ms = 6", 3 ; "a key given twice")]
    #[test_case("[tiers]\nexpect = [\"unit\",\n", 2 ; "an unclosed array")]
    fn toml_syntax_errors_are_reported_with_their_line(text: &str, line: usize) {
        let mistake = parse(text).unwrap_err();
        assert_eq!(mistake.line, line, "{mistake}");
        assert!(!mistake.message.is_empty());
    }

    #[test]
    fn arrays_may_span_lines_and_tables_may_be_inline() {
        let text = "shape = { unit_floor = 60 }\n[tiers]\nexpect = [\n  \"unit\", # the base\n  \"e2e\",\n]\n";
        let config = parse(text).unwrap();
        assert_eq!(config.unit_floor, 60.0);
        assert_eq!(config.expect, [Tier::Unit, Tier::E2e]);
    }

    #[test]
    fn a_mistake_is_rendered_with_its_file_and_a_caret_under_the_value() {
        let text = "[shape]\nunit_floor = 170 # percent\n";
        let rendered = parse(text).unwrap_err().render(PATH, text);
        let expected = [
            ".config/pyramid.toml:2:14: `unit_floor`: expected a percentage from 0 to 100",
            "  |",
            "2 | unit_floor = 170 # percent",
            "  |              ^^^",
        ];
        assert_eq!(rendered, expected.join("\n"));
    }
}
