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
    /// The spec root the file was found under, as shown, e.g. `specs`.
    pub root: String,
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

/// A node of the report's tree: a spec root or folder, a feature, a rule, or a
/// scenario (a leaf).
struct Node {
    label: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&mut self, label: String) -> &mut Node {
        // Entries arrive in path order, so a group is always the last child.
        if self.children.last().is_none_or(|c| c.label != label) {
            self.children.push(Node {
                label,
                children: Vec::new(),
            });
        }
        self.children.last_mut().expect("pushed above")
    }

    fn draw(&self, prefix: &str, out: &mut String) {
        let n = self.children.len();
        for (i, child) in self.children.iter().enumerate() {
            let (branch, indent) = if i + 1 == n {
                ("└─ ", "   ")
            } else {
                ("├─ ", "│  ")
            };
            let _ = writeln!(out, "{prefix}{branch}{}", child.label);
            child.draw(&format!("{prefix}{indent}"), out);
        }
    }
}

/// Renders the report: spec roots, folders, features, rules and scenarios as a
/// tree, in the order given, then a summary; `total` is the wall time of the run.
pub fn render(entries: &[Entry], total: Duration, color: bool) -> String {
    let s = Style { color };
    let mut out = String::new();
    let _ = writeln!(out, "\n{}", s.bold("Specification"));
    let mut tree = Node {
        label: String::new(),
        children: Vec::new(),
    };
    for e in entries {
        let relative = e
            .file
            .strip_prefix(&e.root)
            .map(|r| r.trim_start_matches('/'))
            .unwrap_or(&e.file);
        let mut node = if relative.is_empty() {
            &mut tree
        } else {
            tree.child(format!("{}/", e.root))
        };
        let mut parts: Vec<&str> = relative.split('/').filter(|p| !p.is_empty()).collect();
        let file_name = parts.pop().unwrap_or(&e.file);
        for folder in parts {
            node = node.child(format!("{folder}/"));
        }
        node = node.child(format!(
            "{} {}",
            s.bold(&e.feature),
            s.dim(&format!("({file_name})"))
        ));
        if let Some(rule) = &e.rule {
            node = node.child(format!("Rule: {rule}"));
        }
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
        node.children.push(Node {
            label: line,
            children: Vec::new(),
        });
    }
    tree.draw("", &mut out);
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
            root: "specs".to_string(),
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
                "specs/b/c.feature",
                Some("after removal"),
                "Agent is shut down",
                Outcome::Passed(ms),
            ),
            entry(
                "specs/b/c.feature",
                Some("after removal"),
                "Tasks are gone",
                Outcome::Ignored("ISSUE 8887 not modelled".to_string()),
            ),
        ];
        let text = render(&entries, Duration::from_millis(20), false);
        pretty_assertions::assert_eq!(
            text,
            "
Specification
└─ specs/
   ├─ Feature of specs/a.feature (a.feature)
   │  ├─ ✔ Agent is lost (1.5 ms)
   │  └─ ✘ Agent comes back (1.5 ms)
   └─ b/
      └─ Feature of specs/b/c.feature (c.feature)
         └─ Rule: after removal
            ├─ ✔ Agent is shut down (1.5 ms)
            └─ ↷ Tasks are gone (ignored: ISSUE 8887 not modelled)

4 scenarios: 2 passed, 1 failed, 1 ignored in 20.0 ms
"
        );
    }
}
