//! Limits on the shape of a spec file, far beyond any written by hand, so that a
//! generated or hostile file costs bounded time and memory: past a limit the file
//! gets a diagnostic (and so does not run), and what lies beyond it is not kept.
//!
//! The harness reads at most 16 MiB of a file (`runner::source::MAX_BYTES`); these
//! bound what those bytes can grow into. Measured on the release build, a file at
//! every limit at once parses and expands in well under a second and a few hundred
//! MiB; without them, a million table rows took 1.2 GiB and a million examples two.

/// The most lines in one file: the parser keeps a record of every line, so a file of
/// 16 MiB of blank lines would cost it 1.4 GiB. Lines past the limit are not read.
pub const MAX_LINES: usize = 500_000;

/// The longest line, in bytes. A longer one is a diagnostic and is read as cut at
/// the limit: step texts, titles and cells stay small enough to match, suggest and
/// print.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// The longest title of a feature, rule or scenario, and the longest display name of
/// an outline's example, in characters: names become test names, which libtest prints
/// padded to the longest, and people read.
pub const MAX_NAME_CHARS: usize = 1_000;

/// The most table rows (data tables and examples, header rows included) in one file.
pub const MAX_TABLE_ROWS: usize = 50_000;

/// The most table cells in one file: a line of 64 KiB holds 32,000 cells, and 16 MiB
/// of them cost the parser a GiB.
pub const MAX_TABLE_CELLS: usize = 500_000;

/// The most tags written in one file.
pub const MAX_TAGS: usize = 10_000;

/// The most tags one file's scenarios hold, each inheriting its feature's and rule's:
/// a file of 3 MiB with a million tags on its feature and a thousand scenarios took
/// 23 GiB without this limit and the one above.
pub const MAX_EXPANDED_TAGS: usize = 1_000_000;

/// The most steps written in one file.
pub const MAX_STEPS: usize = 200_000;

/// The most scenarios one file expands to (each example of an outline is one).
pub const MAX_SCENARIOS: usize = 20_000;

/// The most steps one file expands to: backgrounds are repeated in every scenario,
/// and an outline's steps in every example.
pub const MAX_EXPANDED_STEPS: usize = 500_000;

/// The most bytes one file expands to: step texts, table cells and doc strings after
/// outline values are substituted into them, and each example's values with the
/// names of its columns (which repeat in every example), each step and cell counted
/// with the record that holds it.
pub const MAX_EXPANDED_BYTES: usize = 128 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::load_file;

    /// The messages of the diagnostics of `source`, with their lines.
    fn problems(source: &str) -> Vec<(u32, String)> {
        load_file(source)
            .diagnostics
            .into_iter()
            .map(|d| (d.span.line, d.message))
            .collect()
    }

    #[test]
    fn a_line_past_the_limit_is_an_error_and_is_read_cut() {
        let step = format!("Given an agent \"{}\"", "a".repeat(MAX_LINE_BYTES));
        let source = format!("Feature: f\n  Scenario: s\n    {step}\n");
        assert_eq!(
            problems(&source),
            [(
                3,
                format!("line is {} bytes long, more than 65536", step.len() + 4)
            )]
        );
        let loaded = load_file(&source);
        assert!(loaded.scenarios[0].steps[0].text.len() < MAX_LINE_BYTES);
    }

    #[test]
    fn a_line_cut_at_the_limit_stays_valid_text_between_multibyte_characters() {
        let source = format!(
            "Feature: {}\n  Scenario: s\n    Given an agent \"a1\"\n",
            "é".repeat(MAX_LINE_BYTES)
        );
        let loaded = load_file(&source);
        assert!(loaded.title.is_some_and(|t| t.ends_with('é')));
        let messages: Vec<String> = loaded.diagnostics.into_iter().map(|d| d.message).collect();
        assert_eq!(
            messages,
            [
                format!(
                    "line is {} bytes long, more than 65536",
                    9 + 2 * MAX_LINE_BYTES
                ),
                "title is 32763 characters long, more than 1000".to_string()
            ]
        );
    }

    #[test]
    fn a_title_of_more_than_a_thousand_characters_is_an_error() {
        let title = "x".repeat(MAX_NAME_CHARS + 1);
        let source = format!("Feature: f\n  Scenario: {title}\n    Given an agent \"a1\"\n");
        assert_eq!(
            problems(&source),
            [(
                2,
                "title is 1001 characters long, more than 1000".to_string()
            )]
        );
        let fine = format!(
            "Feature: f\n  Scenario: {}\n    Given an agent \"a1\"\n",
            &title[1..]
        );
        assert_eq!(problems(&fine), []);
    }

    #[test]
    fn an_example_whose_values_make_its_name_too_long_is_an_error_without_building_it() {
        let value = "v".repeat(MAX_LINE_BYTES - 100);
        let title = "<v>".repeat(300);
        let source = format!(
            "Feature: f\n  Scenario Outline: {title}\n    Given an agent \"<v>\"\n\n    Examples:\n      | v |\n      | {value} |\n      | short |\n"
        );
        let loaded = load_file(&source);
        let messages: Vec<&str> = loaded
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(
            messages,
            [
                "this example's scenario name has far more characters, more than 1000",
                "this example's scenario name has 1500 characters, more than 1000"
            ]
        );
        // The first example's name was not built: its outline title stands in.
        assert_eq!(loaded.scenarios[0].name, title);
    }
}
