//! The readable specification: every scenario of the run as a tree of spec
//! folders, features, rules and scenarios, with its outcome and time, like JUnit's
//! ConsoleLauncher `--details tree` and RSpec's documentation format.

use std::fmt::Write as _;
use std::time::Duration;

/// How a scenario ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed(Duration),
    Failed(Duration),
    Ignored(String),
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The spec file as shown, e.g. `specs/legacy/reconnect.feature`.
    pub file: String,
    pub feature: String,
    pub rule: Option<String>,
    pub scenario: String,
    pub tier: &'static str,
    pub outcome: Outcome,
}

struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\u{1b}[{code}m{text}\u{1b}[0m")
        } else {
            text.to_string()
        }
    }
    fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }
    fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
}

fn time(d: Duration) -> String {
    let micros = d.as_micros();
    if micros < 1000 {
        format!("{micros} µs")
    } else if micros < 1_000_000 {
        format!("{:.1} ms", micros as f64 / 1000.0)
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// Renders the report. Entries are shown in the order given, grouped by file and
/// rule; `total` is the wall time of the whole run.
pub fn render(entries: &[Entry], total: Duration, color: bool) -> String {
    let s = Style { color };
    let mut out = String::new();
    let _ = writeln!(out, "\n{}", s.bold("Specification"));
    // Group consecutive entries by file, then by rule.
    let mut files: Vec<(&str, &str, Vec<&Entry>)> = Vec::new();
    for e in entries {
        match files.last_mut() {
            Some((file, _, list)) if *file == e.file => list.push(e),
            _ => files.push((&e.file, &e.feature, vec![e])),
        }
    }
    let file_count = files.len();
    for (fi, (file, feature, list)) in files.iter().enumerate() {
        let last_file = fi + 1 == file_count;
        let (branch, indent) = if last_file {
            ("└─ ", "   ")
        } else {
            ("├─ ", "│  ")
        };
        let _ = writeln!(
            out,
            "{branch}{} {}",
            s.bold(feature),
            s.dim(&format!("({file})"))
        );
        let mut groups: Vec<(Option<&str>, Vec<&Entry>)> = Vec::new();
        for e in list {
            match groups.last_mut() {
                Some((rule, items)) if *rule == e.rule.as_deref() => items.push(e),
                _ => groups.push((e.rule.as_deref(), vec![e])),
            }
        }
        let group_count = groups.len();
        for (gi, (rule, items)) in groups.iter().enumerate() {
            let last_group = gi + 1 == group_count;
            let item_indent = match rule {
                Some(rule) => {
                    let (b, i) = if last_group {
                        ("└─ ", "   ")
                    } else {
                        ("├─ ", "│  ")
                    };
                    let _ = writeln!(out, "{indent}{b}Rule: {rule}");
                    format!("{indent}{i}")
                }
                None => indent.to_string(),
            };
            let n = items.len();
            for (ii, e) in items.iter().enumerate() {
                let b = if ii + 1 == n && (rule.is_some() || last_group) {
                    "└─ "
                } else {
                    "├─ "
                };
                let tier = if e.tier == "unit" {
                    String::new()
                } else {
                    s.dim(&format!(" [{}]", e.tier))
                };
                let line = match &e.outcome {
                    Outcome::Passed(d) => format!(
                        "{} {}{tier} {}",
                        s.green("✔"),
                        e.scenario,
                        s.dim(&format!("({})", time(*d)))
                    ),
                    Outcome::Failed(d) => format!(
                        "{} {}{tier} {}",
                        s.red("✘"),
                        s.red(&e.scenario),
                        s.dim(&format!("({})", time(*d)))
                    ),
                    Outcome::Ignored(reason) if reason.is_empty() => {
                        format!(
                            "{} {}{tier} {}",
                            s.yellow("↷"),
                            e.scenario,
                            s.dim("(ignored)")
                        )
                    }
                    Outcome::Ignored(reason) => format!(
                        "{} {}{tier} {}",
                        s.yellow("↷"),
                        e.scenario,
                        s.dim(&format!("(ignored: {reason})"))
                    ),
                };
                let _ = writeln!(out, "{item_indent}{b}{line}");
            }
        }
    }
    let passed = entries
        .iter()
        .filter(|e| matches!(e.outcome, Outcome::Passed(_)))
        .count();
    let failed = entries
        .iter()
        .filter(|e| matches!(e.outcome, Outcome::Failed(_)))
        .count();
    let ignored = entries.len() - passed - failed;
    let summary = format!(
        "{} scenario{}: {} passed, {} failed, {} ignored",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" },
        passed,
        failed,
        ignored
    );
    let summary = if failed > 0 {
        s.red(&summary)
    } else {
        s.green(&summary)
    };
    let _ = writeln!(out, "\n{summary} {}", s.dim(&format!("in {}", time(total))));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &str, rule: Option<&str>, scenario: &str, outcome: Outcome) -> Entry {
        Entry {
            file: file.to_string(),
            feature: format!("Feature of {file}"),
            rule: rule.map(str::to_string),
            scenario: scenario.to_string(),
            tier: "unit",
            outcome,
        }
    }

    #[test]
    fn the_report_is_a_tree_of_features_rules_and_scenarios_with_a_summary() {
        let ms = Duration::from_micros(1500);
        let entries = vec![
            entry(
                "specs/a.feature",
                None,
                "Agent is lost",
                Outcome::Passed(ms),
            ),
            entry(
                "specs/a.feature",
                None,
                "Agent comes back",
                Outcome::Failed(ms),
            ),
            entry(
                "specs/b.feature",
                Some("after removal"),
                "Agent is shut down",
                Outcome::Passed(ms),
            ),
            entry(
                "specs/b.feature",
                Some("after removal"),
                "Tasks are gone",
                Outcome::Ignored("MESOS 8887 not modelled".to_string()),
            ),
        ];
        let text = render(&entries, Duration::from_millis(20), false);
        pretty_assertions::assert_eq!(
            text,
            "
Specification
├─ Feature of specs/a.feature (specs/a.feature)
│  ├─ ✔ Agent is lost (1.5 ms)
│  └─ ✘ Agent comes back (1.5 ms)
└─ Feature of specs/b.feature (specs/b.feature)
   └─ Rule: after removal
      ├─ ✔ Agent is shut down (1.5 ms)
      └─ ↷ Tasks are gone (ignored: MESOS 8887 not modelled)

4 scenarios: 2 passed, 1 failed, 1 ignored in 20.0 ms
"
        );
    }
}
