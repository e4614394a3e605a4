//! From the syntax tree to runnable scenarios: outlines expanded one scenario per
//! examples row, backgrounds prepended, tags inherited, display names given.
//!
//! Promises: the scenarios come in file order; each has the display name of
//! docs/language.md section 3; no two scenarios of one feature and rule share a name
//! (a duplicate is reported at every place it occurs). Expansion never fails: a tree
//! recovered from a broken file expands as well as it can.

use std::collections::HashMap;

use super::ast::{Examples, Feature, Row, ScenarioDef, Step, StepArgument, Tag};
use super::diagnostic::{Diagnostic, Span};
use super::limits::{
    MAX_EXPANDED_BYTES, MAX_EXPANDED_STEPS, MAX_EXPANDED_TAGS, MAX_NAME_CHARS, MAX_SCENARIOS,
};

/// A runnable scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The display name: the title, or for an outline row the title with the row's
    /// values substituted, and `[<examples name> <n>: col=value, ...]` appended when
    /// that alone would not tell the rows apart.
    pub name: String,
    /// The title of the rule the scenario is in, if any.
    pub rule: Option<String>,
    /// Feature, rule, scenario and examples tags, in that order.
    pub tags: Vec<Tag>,
    /// Background steps (feature's, then rule's) first, then the scenario's.
    pub steps: Vec<Step>,
    /// How many of `steps` come from backgrounds.
    pub background_steps: usize,
    /// The scenario's keyword, or for an outline row, the row.
    pub span: Span,
    /// The row's values by column, for an outline row.
    pub outline_row: Option<Vec<(String, String)>>,
}

/// Expands a feature into scenarios. The diagnostics report duplicate names.
/// [`scenarios`] of a feature that is not needed afterwards.
pub fn into_scenarios(feature: Feature) -> (Vec<Scenario>, Vec<Diagnostic>) {
    scenarios(&feature)
}

pub fn scenarios(feature: &Feature) -> (Vec<Scenario>, Vec<Diagnostic>) {
    let mut out = Expansion::default();
    let feature_background = feature
        .background
        .as_ref()
        .map_or(&[][..], |b| &b.steps[..]);
    let context = Context {
        rule: None,
        tags: feature.tags.clone(),
        background: feature_background.to_vec(),
    };
    for scenario in &feature.scenarios {
        out.scenario(scenario, &context);
    }
    for rule in &feature.rules {
        if out.stopped.is_some() {
            break;
        }
        let rule_background = rule.background.as_ref().map_or(&[][..], |b| &b.steps[..]);
        let context = Context {
            rule: Some(rule.title.clone()),
            tags: feature.tags.iter().chain(&rule.tags).cloned().collect(),
            background: feature_background
                .iter()
                .chain(rule_background)
                .cloned()
                .collect(),
        };
        for scenario in &rule.scenarios {
            out.scenario(scenario, &context);
        }
    }
    let mut diagnostics = out.duplicates();
    diagnostics.append(&mut out.long_names);
    diagnostics.extend(out.stopped);
    (out.scenarios, diagnostics)
}

/// One row of an outline's examples, `n` counting from 1 within its block.
struct OutlineRow<'a> {
    examples: &'a Examples,
    n: usize,
    row: &'a Row,
    values: Vec<(String, String)>,
}

/// What a scenario inherits from where it stands.
struct Context {
    rule: Option<String>,
    tags: Vec<Tag>,
    background: Vec<Step>,
}

#[derive(Default)]
struct Expansion {
    scenarios: Vec<Scenario>,
    /// Where each scenario's name is written, and how long it is, for diagnostics.
    places: Vec<(Span, usize)>,
    /// Steps, bytes of step text and cells, and tags expanded so far (see `limits`).
    steps: usize,
    bytes: usize,
    tags: usize,
    /// Set when a limit stopped the expansion: nothing more is expanded.
    stopped: Option<Diagnostic>,
    long_names: Vec<Diagnostic>,
}

/// What a copy of a step or a cell costs besides its text (its record and its
/// string's own allocation), counted with the text so that a table of a hundred
/// thousand one-letter cells repeated in every scenario is seen for what it weighs.
const STEP_COST: usize = std::mem::size_of::<Step>();
const CELL_COST: usize = std::mem::size_of::<super::ast::Cell>() + 16;

/// What expanding a scenario costs: its steps, and the bytes of their texts, table
/// cells and doc strings (after substitution, for an outline's example) with the
/// records that hold them.
fn cost<'s>(steps: impl Iterator<Item = &'s Step>, values: &[(String, String)]) -> (usize, usize) {
    let mut count = 0;
    let mut bytes = 0usize;
    for step in steps {
        count += 1;
        bytes = bytes.saturating_add(STEP_COST + substituted_len(&step.text, values));
        match &step.argument {
            Some(StepArgument::Table(table)) => {
                for cell in table.rows.iter().flat_map(|r| &r.cells) {
                    bytes = bytes.saturating_add(CELL_COST + substituted_len(&cell.value, values));
                }
            }
            Some(StepArgument::DocString(doc)) => {
                bytes = bytes.saturating_add(substituted_len(&doc.content, values));
            }
            None => {}
        }
    }
    (count, bytes)
}

impl Expansion {
    /// Whether `scenarios` more scenarios (one, or none for text only) of `steps`
    /// steps, `bytes` bytes and `tags` tags fit the limits; if not, the expansion
    /// stops with a diagnostic at `place`.
    fn afford(
        &mut self,
        scenarios: usize,
        steps: usize,
        bytes: usize,
        tags: usize,
        place: (Span, usize),
    ) -> bool {
        if self.stopped.is_some() {
            return false;
        }
        let over = if self.scenarios.len() + scenarios > MAX_SCENARIOS {
            Some(format!("more than {MAX_SCENARIOS} scenarios"))
        } else if self.steps + steps > MAX_EXPANDED_STEPS {
            Some(format!(
                "more than {MAX_EXPANDED_STEPS} steps, counting background steps once per scenario and outline steps once per example"
            ))
        } else if self.bytes.saturating_add(bytes) > MAX_EXPANDED_BYTES {
            Some(format!(
                "more than {} MiB of steps, tables and examples' values (outline values substituted)",
                MAX_EXPANDED_BYTES / 1024 / 1024
            ))
        } else if self.tags + tags > MAX_EXPANDED_TAGS {
            Some(format!(
                "more than {MAX_EXPANDED_TAGS} tags, counting a feature's and a rule's tags once per scenario"
            ))
        } else {
            None
        };
        let Some(over) = over else {
            self.steps += steps;
            self.bytes += bytes;
            self.tags += tags;
            return true;
        };
        self.stopped = Some(
            Diagnostic::new(
                place.0,
                place.1,
                format!("the file expands to {over}"),
                "the limit is reached here",
            )
            .with_help(
                "split the file, or use fewer examples; scenarios past this one are not expanded",
            ),
        );
        false
    }

    fn scenario(&mut self, def: &ScenarioDef, context: &Context) {
        if self.stopped.is_some() {
            return;
        }
        if !def.is_outline {
            let (steps, bytes) = cost(context.background.iter().chain(&def.steps), &[]);
            let place = (def.title_span, def.title.chars().count());
            let tags = context.tags.len() + def.tags.len();
            if !self.afford(1, steps, bytes, tags, place) {
                return;
            }
            self.push(
                Scenario {
                    name: def.title.clone(),
                    rule: context.rule.clone(),
                    tags: context.tags.iter().chain(&def.tags).cloned().collect(),
                    steps: context
                        .background
                        .iter()
                        .chain(&def.steps)
                        .cloned()
                        .collect(),
                    background_steps: context.background.len(),
                    span: def.span,
                    outline_row: None,
                },
                (def.title_span, def.title.chars().count()),
            );
            return;
        }
        // Every row's values: the header's names repeat in each, so they count
        // towards the limit on expanded text before they are copied.
        let mut rows: Vec<OutlineRow<'_>> = Vec::new();
        for examples in &def.examples {
            let Some(header) = examples.header.as_ref() else {
                continue;
            };
            let names: usize = header.cells.iter().map(|c| CELL_COST + c.value.len()).sum();
            for (i, row) in examples.rows.iter().enumerate() {
                let values: usize = row.cells.iter().map(|c| CELL_COST + c.value.len()).sum();
                if !self.afford(0, 0, names + values, 0, place(row)) {
                    return;
                }
                rows.push(OutlineRow {
                    examples,
                    n: i + 1,
                    row,
                    values: row_values(header, row),
                });
            }
        }
        // Name every row first: whether a row needs the bracketed suffix depends on
        // the names of all the others. A title is checked before it is built: values
        // can make it huge. Each row's name is reported too long once at most.
        let mut too_long = vec![false; rows.len()];
        let titles: Vec<String> = rows
            .iter()
            .zip(&mut too_long)
            .map(|(row, too_long)| {
                if substituted_len(&def.title, &row.values) > MAX_NAME_CHARS * 4 {
                    self.long_name(place(row.row), None);
                    *too_long = true;
                    return def.title.clone();
                }
                let title = substitute(&def.title, &row.values);
                let chars = title.chars().count();
                if chars > MAX_NAME_CHARS {
                    self.long_name(place(row.row), Some(chars));
                    *too_long = true;
                }
                title
            })
            .collect();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for title in &titles {
            *counts.entry(title.as_str()).or_default() += 1;
        }
        let templated = !placeholders(&def.title).is_empty();
        let background = cost(context.background.iter(), &[]);
        for (
            (
                OutlineRow {
                    examples,
                    n,
                    row,
                    values,
                },
                title,
            ),
            reported,
        ) in rows.iter().zip(&titles).zip(too_long)
        {
            let name = if templated && counts.get(title.as_str()) == Some(&1) {
                title.clone()
            } else {
                let label = examples.name.as_deref().unwrap_or("example");
                // Measured before it is built: the pairs repeat the header's names.
                let suffix: usize = values.iter().map(|(c, v)| c.len() + v.len() + 3).sum();
                if title.len() + label.len() + suffix > MAX_NAME_CHARS * 4 {
                    if !reported {
                        self.long_name(place(row), None);
                    }
                    format!("{title} [{label} {n}]")
                } else {
                    let pairs: Vec<String> =
                        values.iter().map(|(c, v)| format!("{c}={v}")).collect();
                    let name = format!("{title} [{label} {n}: {}]", pairs.join(", "));
                    let chars = name.chars().count();
                    if chars > MAX_NAME_CHARS && !reported {
                        self.long_name(place(row), Some(chars));
                    }
                    name
                }
            };
            let place = place(row);
            let (own, bytes) = cost(def.steps.iter(), values);
            let tags = context.tags.len() + def.tags.len() + examples.tags.len();
            if !self.afford(
                1,
                background.0 + own,
                bytes.saturating_add(background.1),
                tags,
                place,
            ) {
                return;
            }
            let steps = def.steps.iter().map(|step| substitute_step(step, values));
            self.push(
                Scenario {
                    name,
                    rule: context.rule.clone(),
                    tags: context
                        .tags
                        .iter()
                        .chain(&def.tags)
                        .chain(&examples.tags)
                        .cloned()
                        .collect(),
                    steps: context.background.iter().cloned().chain(steps).collect(),
                    background_steps: context.background.len(),
                    span: row.span,
                    outline_row: Some(values.clone()),
                },
                (row.span, usize::try_from(row.len).unwrap_or(usize::MAX)),
            );
        }
    }

    /// An example whose name, with its values, is longer than [`MAX_NAME_CHARS`]. The
    /// first ten of a file are reported: the rest say nothing new.
    fn long_name(&mut self, place: (Span, usize), chars: Option<usize>) {
        if self.long_names.len() >= 10 {
            return;
        }
        let length = match chars {
            Some(chars) => format!("{chars} characters"),
            None => "far more characters".to_string(),
        };
        self.long_names.push(
            Diagnostic::new(
                place.0,
                place.1,
                format!("this example's scenario name has {length}, more than {MAX_NAME_CHARS}"),
                "the outline's title with these values",
            )
            .with_help("names become test names: use shorter values in the title's placeholders, or fewer of them"),
        );
    }

    fn push(&mut self, scenario: Scenario, place: (Span, usize)) {
        self.scenarios.push(scenario);
        self.places.push(place);
    }

    /// A name used twice is an error at every place it is used: either could be the
    /// one to reword.
    fn duplicates(&self) -> Vec<Diagnostic> {
        let mut by_name: HashMap<(Option<&str>, &str), Vec<usize>> = HashMap::new();
        for (i, scenario) in self.scenarios.iter().enumerate() {
            by_name
                .entry((scenario.rule.as_deref(), scenario.name.as_str()))
                .or_default()
                .push(i);
        }
        let mut diagnostics = Vec::new();
        for (i, scenario) in self.scenarios.iter().enumerate() {
            let key = (scenario.rule.as_deref(), scenario.name.as_str());
            let same = by_name.get(&key).map_or(&[][..], |same| &same[..]);
            let Some(&other) = same.iter().find(|&&j| j != i) else {
                continue;
            };
            let (span, len) = self.places[i];
            let help = if scenario.outline_row.is_some() {
                "names must be unique within a feature: reword a title, or give the rows different values"
            } else {
                "names must be unique within a feature: reword one of the titles"
            };
            diagnostics.push(
                Diagnostic::new(
                    span,
                    len,
                    format!("duplicate scenario name `{}`", scenario.name),
                    format!(
                        "also the name of the scenario at line {}",
                        self.places[other].0.line
                    ),
                )
                .with_help(help),
            );
        }
        diagnostics
    }
}

/// Where a row is written, and how long it is, for diagnostics.
fn place(row: &Row) -> (Span, usize) {
    (row.span, usize::try_from(row.len).unwrap_or(usize::MAX))
}

/// The row's values by header column; missing cells (an error reported by the parser)
/// are empty.
fn row_values(header: &Row, row: &Row) -> Vec<(String, String)> {
    header
        .cells
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let value = row
                .cells
                .get(i)
                .map_or_else(String::new, |c| c.value.clone());
            (column.value.clone(), value)
        })
        .collect()
}

/// The `<name>` placeholders in `text`: offset of the `<` in chars, and the name.
/// A name is anything between `<` and `>` that contains neither, and is not empty.
pub(super) fn placeholders(text: &str) -> Vec<(usize, &str)> {
    scan(text)
        .into_iter()
        .map(|(chars, _, name)| (chars, name))
        .collect()
}

/// Placeholders with the offset of their `<` in chars and in bytes.
fn scan(text: &str) -> Vec<(usize, usize, &str)> {
    let mut found = Vec::new();
    let mut chars = 0;
    let mut from = 0;
    while let Some(open) = text[from..].find('<').map(|i| from + i) {
        chars += text[from..open].chars().count();
        let after = open + 1;
        match text[after..].find(['<', '>']).map(|i| after + i) {
            Some(close) if close > after && text[close..].starts_with('>') => {
                found.push((chars, open, &text[after..close]));
                chars += text[open..=close].chars().count();
                from = close + 1;
            }
            _ => {
                chars += 1;
                from = after;
            }
        }
    }
    found
}

/// The length in bytes of [`substitute`]`(text, values)`, without building it.
fn substituted_len(text: &str, values: &[(String, String)]) -> usize {
    if values.is_empty() {
        return text.len();
    }
    scan(text)
        .into_iter()
        .fold(text.len(), |len, (_, _, name)| {
            match values.iter().find(|(column, _)| column == name) {
                Some((_, value)) => (len - (name.len() + 2)).saturating_add(value.len()),
                None => len,
            }
        })
}

/// Replaces each `<column>` in `text` by the row's value. Other `<...>` stay, and a
/// value that contains a placeholder is not substituted again.
pub(super) fn substitute(text: &str, values: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (_, open, name) in scan(text) {
        let Some((_, value)) = values.iter().find(|(column, _)| column == name) else {
            continue;
        };
        out.push_str(&text[copied..open]);
        out.push_str(value);
        copied = open + name.len() + 2;
    }
    out.push_str(&text[copied..]);
    out
}

fn substitute_step(step: &Step, values: &[(String, String)]) -> Step {
    let mut step = step.clone();
    step.text = substitute(&step.text, values);
    match &mut step.argument {
        Some(StepArgument::Table(table)) => {
            for cell in table.rows.iter_mut().flat_map(|r| &mut r.cells) {
                cell.value = substitute(&cell.value, values);
            }
        }
        Some(StepArgument::DocString(doc)) => {
            doc.content = substitute(&doc.content, values);
            if let Some(media_type) = &mut doc.media_type {
                *media_type = substitute(media_type, values);
            }
        }
        None => {}
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse;
    use test_case::test_case;

    /// The scenarios of a file that must parse without diagnostics, with the
    /// diagnostics of their expansion.
    fn expand(source: &str) -> (Vec<Scenario>, Vec<String>) {
        let parsed = parse(source);
        pretty_assertions::assert_eq!(parsed.diagnostics, Vec::new());
        let Some(feature) = parsed.feature else {
            panic!("no feature")
        };
        let (scenarios, diagnostics) = scenarios(&feature);
        let diagnostics = diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}:{}: {} ({})",
                    d.span.line, d.span.column, d.message, d.label
                )
            })
            .collect();
        (scenarios, diagnostics)
    }

    fn check_names(source: &str, expected: &[&str]) {
        let (scenarios, diagnostics) = expand(source);
        let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
        pretty_assertions::assert_eq!(
            (names, diagnostics),
            (expected.to_vec(), Vec::<String>::new())
        );
    }

    const OUTLINE: &str = "Feature: f\nScenario Outline: client silent for <gap> is <outcome>\n  When <gap> pass\n  Then it is <outcome>\n";

    #[test]
    fn outline_rows_are_named_by_substituting_the_title() {
        check_names(
            &format!(
                "{OUTLINE}  Examples:\n    | gap | outcome |\n    | 74s | connected |\n    | 80s | expired |\n"
            ),
            &[
                "client silent for 74s is connected",
                "client silent for 80s is expired",
            ],
        );
    }

    #[test]
    fn rows_of_a_title_without_placeholders_are_numbered_per_examples_block() {
        check_names(
            "Feature: f\nScenario Outline: clients are lost\n  When <gap> pass\n  Examples:\n    | gap |\n    | 74s |\n  Examples: long gaps\n    | gap |\n    | 1h |\n    | 2h |\n",
            &[
                "clients are lost [example 1: gap=74s]",
                "clients are lost [long gaps 1: gap=1h]",
                "clients are lost [long gaps 2: gap=2h]",
            ],
        );
    }

    #[test]
    fn only_rows_that_would_share_a_name_get_the_row_suffix() {
        check_names(
            "Feature: f\nScenario Outline: after <gap>\n  When <gap> pass\n  Then <x>\n  Examples:\n    | gap | x |\n    | 1s | a |\n    | 1s | b |\n    | 2s | c |\n",
            &[
                "after 1s [example 1: gap=1s, x=a]",
                "after 1s [example 2: gap=1s, x=b]",
                "after 2s",
            ],
        );
    }

    #[test]
    fn backgrounds_and_tags_are_inherited_in_order() {
        let (scenarios, _) = expand(
            "@f\nFeature: f\nBackground:\n  Given a\nScenario: x\n  Given b\n@r\nRule: r\n  Background:\n    Given c\n  @s\n  Scenario Outline: y\n    Then <v>\n    @e\n    Examples:\n      | v |\n      | d |\n",
        );
        let summary: Vec<String> = scenarios
            .iter()
            .map(|s| {
                let tags: Vec<&str> = s.tags.iter().map(|t| t.name.as_str()).collect();
                let steps: Vec<&str> = s.steps.iter().map(|t| t.text.as_str()).collect();
                format!("{:?} {tags:?} {steps:?} {}", s.rule, s.background_steps)
            })
            .collect();
        pretty_assertions::assert_eq!(
            summary,
            [
                r#"None ["f"] ["a", "b"] 1"#,
                r#"Some("r") ["f", "r", "s", "e"] ["a", "c", "d"] 2"#,
            ]
        );
        pretty_assertions::assert_eq!(
            scenarios[1].outline_row,
            Some(vec![("v".to_string(), "d".to_string())])
        );
        pretty_assertions::assert_eq!(
            (scenarios[0].span, scenarios[1].span),
            (Span::new(5, 1), Span::new(17, 7))
        );
    }

    #[test]
    fn placeholders_are_substituted_in_tables_and_doc_strings() {
        let (scenarios, _) = expand(
            "Feature: f\nScenario Outline: x <a>\n  Given t\n    | <a> | <b><a> |\n  Then d\n    \"\"\"<b>\n    <a> and <c>\n    \"\"\"\n  Examples:\n    | a | b | c |\n    | 1 | <a> | 3 |\n",
        );
        let steps = &scenarios[0].steps;
        let Some(StepArgument::Table(table)) = &steps[0].argument else {
            panic!("no table")
        };
        let cells: Vec<&str> = table.rows[0]
            .cells
            .iter()
            .map(|c| c.value.as_str())
            .collect();
        pretty_assertions::assert_eq!(cells, ["1", "<a>1"]);
        let Some(StepArgument::DocString(doc)) = &steps[1].argument else {
            panic!("no doc string")
        };
        pretty_assertions::assert_eq!(
            (doc.content.as_str(), doc.media_type.as_deref()),
            ("1 and 3", Some("<a>"))
        );
    }

    #[test]
    fn a_duplicate_name_is_an_error_at_every_place_it_is_used() {
        let (_, diagnostics) = expand(
            "Feature: f\nScenario: after 1s\n  Given a\nScenario Outline: after <gap>\n  Given <gap>\n  Examples:\n    | gap |\n    | 1s |\n    | 2s |\nRule: r\n  Scenario: after 1s\n    Given b\n",
        );
        pretty_assertions::assert_eq!(
            diagnostics,
            [
                "2:11: duplicate scenario name `after 1s` (also the name of the scenario at line 8)",
                "8:5: duplicate scenario name `after 1s` (also the name of the scenario at line 2)",
            ]
        );
    }

    #[test_case("<a> and <b c>" => vec![(0, "a"), (8, "b c")] ; "two placeholders")]
    #[test_case("é <ü>" => vec![(2, "ü")] ; "offsets count characters")]
    #[test_case("x < 5 and <y>" => vec![(10, "y")] ; "a lone less than sign")]
    #[test_case("<<a>> <>" => vec![(1, "a")] ; "nested and empty brackets")]
    #[test_case("a > b" => Vec::<(usize, &str)>::new() ; "no placeholder")]
    fn placeholders_are_found_with_their_offsets(text: &str) -> Vec<(usize, &str)> {
        placeholders(text)
    }

    #[test_case("<a><b><a>" => "1<b>1" ; "unknown placeholders stay")]
    #[test_case("x <v> y" => "x <a> y" ; "values are not substituted again")]
    fn substitution_replaces_known_columns_once(text: &str) -> String {
        let values = [
            ("a".to_string(), "1".to_string()),
            ("v".to_string(), "<a>".to_string()),
        ];
        substitute(text, &values)
    }
}
