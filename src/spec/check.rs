//! Checks of complete pieces of the tree that the line-by-line parser cannot make as
//! it goes: a tag's spelling, an examples header, and a finished scenario (steps,
//! examples, placeholders against columns).
//!
//! Pure functions from a piece of the tree to the diagnostics about it; the parser
//! calls each once, when the piece is complete.

use super::ast::{Cell, Row, ScenarioDef, StepArgument};
use super::diagnostic::{Diagnostic, Span, to_u32};
use super::expand::placeholders;
use crate::suggest::{closest, edit_distance};

/// Tags with a meaning for the runner. A tag one edit away from one is a typo that would
/// silently put a scenario in the wrong tier, or run one meant to be skipped.
const RESERVED_TAGS: [&str; 4] = ["unit", "integration", "e2e", "ignore"];

/// A tag's name (without `@`): not empty, no `@` inside, not a near miss of a reserved
/// tag; `@ignore:<reason>` needs a reason.
pub(super) fn tag(name: &str, span: Span) -> Option<Diagnostic> {
    let len = name.chars().count() + 1;
    if name.is_empty() {
        let error = Diagnostic::new(span, 1, "empty tag", "`@` with no name");
        return Some(error.with_help("write the tag's name right after the `@`, or remove it"));
    }
    if name.contains('@') {
        let message = format!("tag `@{name}` contains `@`");
        let error = Diagnostic::new(span, len, message, "missing space between tags");
        return Some(error.with_help(format!("write `@{}`", name.replace('@', " @"))));
    }
    if RESERVED_TAGS.contains(&name) {
        return None;
    }
    if let Some(reason) = name.strip_prefix("ignore:") {
        let message = "`@ignore:` has an empty reason";
        let error = Diagnostic::new(span, len, message, "no reason after the colon");
        let help = "write `@ignore`, or give the reason: `@ignore:reason-words`";
        return reason.is_empty().then(|| error.with_help(help));
    }
    let (base, suffix) = name.split_at(name.find(':').unwrap_or(name.len()));
    let reserved = RESERVED_TAGS.iter().find(|r| edit_distance(base, r) <= 1)?;
    let label = format!("one edit away from the reserved tag `@{reserved}`");
    let error = Diagnostic::new(span, len, format!("unknown tag `@{name}`"), label);
    Some(error.with_help(format!("did you mean `@{reserved}{suffix}`?")))
}

/// An examples header: every column named, no name twice.
pub(super) fn header(header: &Row) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for (i, cell) in header.cells.iter().enumerate() {
        let earlier = header.cells[..i].iter().position(|c| c.value == cell.value);
        if cell.value.is_empty() {
            let error = Diagnostic::new(cell.span, 1, "empty column name", "expected a name");
            diagnostics
                .push(error.with_help("name the column after the `<placeholder>` it fills in"));
        } else if let Some(earlier) = earlier {
            let message = format!("duplicate column `{}`", cell.value);
            let label = format!("also column {} of this header", earlier + 1);
            let error = Diagnostic::new(cell.span, cell.value.chars().count(), message, label);
            diagnostics.push(
                error.with_help("each placeholder has one column; rename or remove one of them"),
            );
        }
    }
    diagnostics
}

/// Checks a complete scenario: it has steps; an outline has examples, and its
/// placeholders and example columns match.
pub(super) fn scenario(scenario: &ScenarioDef) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let keyword = &scenario.keyword;
    let keyword_len = keyword.chars().count() + 1;
    if scenario.steps.is_empty() {
        let message = format!("`{keyword}:` has no steps");
        let error = Diagnostic::new(
            scenario.span,
            keyword_len,
            message,
            "this scenario checks nothing",
        );
        diagnostics.push(error.with_help("add `Given`, `When` and `Then` steps below it"));
    }
    if !scenario.is_outline {
        return diagnostics;
    }
    if scenario.examples.is_empty() {
        let message = format!("`{keyword}:` has no `Examples:`");
        let label = "an outline runs once per example";
        let help = "add an `Examples:` table whose header names each `<placeholder>`, \
                    or make it a `Scenario:`";
        diagnostics
            .push(Diagnostic::new(scenario.span, keyword_len, message, label).with_help(help));
        return diagnostics;
    }
    let uses = placeholder_uses(scenario);
    for examples in &scenario.examples {
        if let Some(header) = &examples.header {
            diagnostics.extend(placeholders_against_columns(
                &uses,
                header,
                examples.span.line,
            ));
        }
    }
    diagnostics
}

/// Every column must fill a placeholder, and every placeholder must have a column.
fn placeholders_against_columns(uses: &[Use], header: &Row, line: u32) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let has_column = |name: &str| header.cells.iter().any(|c| c.value == name);
    let unused: Vec<&Cell> = header
        .cells
        .iter()
        .filter(|c| !c.value.is_empty() && !uses.iter().any(|u| u.name == c.value))
        .collect();
    // Each missing name once, where it is first used.
    let missing: Vec<&Use> = uses
        .iter()
        .enumerate()
        .filter(|&(i, u)| !has_column(&u.name) && !uses[..i].iter().any(|e| e.name == u.name))
        .map(|(_, u)| u)
        .collect();
    for cell in &unused {
        let column = &cell.value;
        let help = match near(column, missing.iter().map(|u| u.name.as_str())) {
            Some(name) => format!("did you mean `{name}`?"),
            None => format!("use `<{column}>` in the title or a step, or remove the column"),
        };
        let message = format!("column `{column}` is not used by the outline");
        let label = format!("no `<{column}>` in the title, the steps or their arguments");
        let error = Diagnostic::new(cell.span, column.chars().count(), message, label);
        diagnostics.push(error.with_help(help));
    }
    for Use { name, span, len } in missing {
        let help = match near(name, unused.iter().map(|c| c.value.as_str())) {
            Some(column) => format!("did you mean `<{column}>`?"),
            None => format!("add a `{name}` column to the examples at line {line}"),
        };
        let message = format!("placeholder `<{name}>` has no column in the examples");
        let label = format!("no `{name}` column in the examples at line {line}");
        diagnostics.push(Diagnostic::new(*span, *len, message, label).with_help(help));
    }
    diagnostics
}

/// The candidate `name` is most likely a misspelling of. Names are often one or two
/// letters, and any two of those are one edit apart: require a part of the name to
/// survive.
fn near<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let shortest = |c: &str| name.chars().count().min(c.chars().count());
    closest(name, candidates, 1).into_iter().find(|c| {
        edit_distance(name, c) < shortest(c) && edit_distance(name, c) <= 1.max(shortest(c) / 3)
    })
}

/// A `<placeholder>` in an outline: its name, where it is, its length with brackets.
struct Use {
    name: String,
    span: Span,
    len: usize,
}

/// Every placeholder of an outline, in order.
fn placeholder_uses(scenario: &ScenarioDef) -> Vec<Use> {
    let mut uses = Vec::new();
    let mut add = |text: &str, at: Span| {
        for (offset, name) in placeholders(text) {
            let len = name.chars().count() + 2;
            uses.push(Use {
                name: name.to_string(),
                span: at.offset(offset),
                len,
            });
        }
    };
    add(&scenario.title, scenario.title_span);
    for step in &scenario.steps {
        add(&step.text, step.text_span);
        match &step.argument {
            Some(StepArgument::Table(table)) => {
                for cell in table.rows.iter().flat_map(|r| &r.cells) {
                    add(&cell.value, cell.span);
                }
            }
            Some(StepArgument::DocString(doc)) => {
                for (i, line) in doc.content.split('\n').enumerate() {
                    let line_number = doc.span.line.saturating_add(to_u32(i)).saturating_add(1);
                    add(line, Span::new(line_number, doc.span.column));
                }
                if let Some(media_type) = &doc.media_type {
                    add(media_type, doc.span.offset(3));
                }
            }
            None => {}
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use crate::spec::parse;
    use test_case::test_case;

    /// One line per diagnostic of `source`: `line:column: message (help)`.
    fn check_errors(source: &str, expected: &[&str]) {
        let found: Vec<String> = parse(source)
            .diagnostics
            .iter()
            .map(|d| d.summary())
            .collect();
        pretty_assertions::assert_eq!(found, expected);
    }

    #[test_case("@slow test", "1:7: tag names cannot contain spaces (write `@slow-test`, or `@test`)" ; "a tag with a space")]
    #[test_case("@ignore not modelled yet", "1:9: tag names cannot contain spaces (give the reason after a colon: `@ignore:not-modelled-yet`)" ; "an ignore reason with spaces")]
    #[test_case("@ @a", "1:1: empty tag (write the tag's name right after the `@`, or remove it)" ; "an empty tag")]
    #[test_case("@a@b", "1:1: tag `@a@b` contains `@` (write `@a @b`)" ; "two tags without a space")]
    #[test_case("@integraton", "1:1: unknown tag `@integraton` (did you mean `@integration`?)" ; "a misspelt integration tier")]
    #[test_case("@unti", "1:1: unknown tag `@unti` (did you mean `@unit`?)" ; "two letters swapped")]
    #[test_case("@ignor", "1:1: unknown tag `@ignor` (did you mean `@ignore`?)" ; "a misspelt ignore")]
    #[test_case("@ignor:LEASE-1", "1:1: unknown tag `@ignor:LEASE-1` (did you mean `@ignore:LEASE-1`?)" ; "a misspelt ignore with a reason")]
    #[test_case("@Unit", "1:1: unknown tag `@Unit` (did you mean `@unit`?)" ; "a tier in the wrong case")]
    #[test_case("@e2", "1:1: unknown tag `@e2` (did you mean `@e2e`?)" ; "a misspelt end to end tier")]
    #[test_case("@ignore:", "1:1: `@ignore:` has an empty reason (write `@ignore`, or give the reason: `@ignore:reason-words`)" ; "an ignore with an empty reason")]
    fn a_malformed_or_misspelt_tag_is_an_error(tags: &str, expected: &str) {
        check_errors(
            &format!("{tags}\nFeature: f\nScenario: x\n  Given a\n"),
            &[expected],
        );
    }

    #[test]
    fn an_outline_without_examples_is_an_error() {
        check_errors(
            "Feature: f\nScenario Template: x\n  Given <a>\n",
            &[
                "2:1: `Scenario Template:` has no `Examples:` (add an `Examples:` table whose header names each `<placeholder>`, or make it a `Scenario:`)",
            ],
        );
    }

    #[test]
    fn placeholders_and_example_columns_must_match() {
        check_errors(
            "Feature: f\nScenario Outline: x <version>\n  Given <fate> and <a>\n  Examples:\n    | version | fat | b |\n    | 1       | 2   | 3 |\n",
            &[
                "3:9: placeholder `<fate>` has no column in the examples (did you mean `<fat>`?)",
                "3:20: placeholder `<a>` has no column in the examples (add a `a` column to the examples at line 4)",
                "5:17: column `fat` is not used by the outline (did you mean `fate`?)",
                "5:23: column `b` is not used by the outline (use `<b>` in the title or a step, or remove the column)",
            ],
        );
    }

    #[test]
    fn placeholders_in_tables_and_doc_strings_count_as_used() {
        check_errors(
            "Feature: f\nScenario Outline: x\n  Given a\n    | <a> |\n  Then b\n    \"\"\"<c>\n    is <b>\n    \"\"\"\n  Examples:\n    | a | b | c |\n    | 1 | 2 | 3 |\n",
            &[],
        );
    }

    #[test]
    fn an_examples_block_needs_a_header_and_rows_with_distinct_names() {
        check_errors(
            "Feature: f\nScenario Outline: x\n  Given <a>\n  Examples:\n  Examples:\n    | a |\n  Examples:\n    | a | a |  |\n    | 1 | 1 |  |\n",
            &[
                "4:3: `Examples:` has no table (add a header row naming the placeholders, then one row of values per example)",
                "6:5: examples table has no rows (add one row of values below the header for each example)",
                "8:11: duplicate column `a` (each placeholder has one column; rename or remove one of them)",
                "8:14: empty column name (name the column after the `<placeholder>` it fills in)",
            ],
        );
    }
}
