//! The spec language: Gherkin `.feature` files parsed into a syntax tree, and the tree
//! expanded into runnable scenarios (docs/language.md, sections 1 to 4).
//!
//! - `lexer.rs`: what kind of line each line is, and near misses of keywords;
//! - `parser.rs` ([`parse`]): the tree and every diagnostic of a file, never a panic;
//! - `check.rs`: checks of complete pieces (tags, examples, outline placeholders);
//! - `expand.rs` ([`scenarios`]): outlines expanded, backgrounds prepended, display
//!   names given, duplicate names reported;
//! - `diagnostic.rs` ([`Diagnostic`]): a problem at a [`Span`], rendered like rustc's
//!   errors; `ast.rs`: the tree.
//!
//! The module knows nothing about Mesos: step texts are opaque strings here, matched
//! against step patterns elsewhere. A file is usable only if it has no diagnostics;
//! the tree and scenarios of a broken file are a best effort, for tools.

mod ast;
mod check;
mod diagnostic;
mod expand;
mod lexer;
pub mod limits;
mod parser;

pub use ast::{
    Background, Cell, DataTable, DocString, Examples, Feature, Keyword, ParsedFile, Row, Rule,
    ScenarioDef, Step, StepArgument, StepKind, Tag,
};
pub use diagnostic::{Diagnostic, Span};
pub use expand::{Scenario, scenarios};
pub use parser::parse;

/// Parses and expands a spec file. The file is usable only if the diagnostics (all of
/// them, sorted by position) are empty; the scenarios are whatever could be recovered.
pub fn load(source: &str) -> (Vec<Scenario>, Vec<Diagnostic>) {
    let loaded = load_file(source);
    (loaded.scenarios, loaded.diagnostics)
}

/// A parsed and expanded spec file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loaded {
    /// The feature's title, when the file has a feature.
    pub title: Option<String>,
    pub scenarios: Vec<Scenario>,
    /// Every problem of the file, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

/// [`load`], keeping the feature's title.
pub fn load_file(source: &str) -> Loaded {
    let parsed = parse(source);
    let mut diagnostics = parsed.diagnostics;
    let (title, scenarios) = match parsed.feature {
        Some(mut feature) => {
            let title = std::mem::take(&mut feature.title);
            let (scenarios, more) = expand::into_scenarios(feature);
            diagnostics.extend(more);
            (Some(title), scenarios)
        }
        None => (None, Vec::new()),
    };
    diagnostics.sort_by_key(|d| d.span);
    Loaded {
        title,
        scenarios,
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_case::test_case;

    const CLIENT_EXPIRY: &str = include_str!("testdata/client-expiry.feature");
    const EXPIRED_SESSIONS: &str = include_str!("testdata/expired-sessions.feature");
    const SUSPENSION_AWARE: &str = include_str!("testdata/suspension-aware.feature");

    /// The display names of a file that must load without diagnostics.
    fn check_names(source: &str) -> Vec<String> {
        let (scenarios, diagnostics) = load(source);
        let rendered: Vec<String> = diagnostics
            .iter()
            .map(|d| d.render("test.feature", source, false))
            .collect();
        pretty_assertions::assert_eq!(rendered, Vec::<String>::new());
        scenarios.into_iter().map(|s| s.name).collect()
    }

    #[test_case(CLIENT_EXPIRY => vec![
        "Client answering every ping keeps its session",
        "Client cut off just before a ping expires 75s later",
        "Client cut off just after a ping expires 90s later",
    ] ; "client expiry")]
    #[test_case(EXPIRED_SESSIONS => vec![
        "Client reconnecting after 80s is closed for plain applications",
        "Client reconnecting after 60s keeps its leases",
    ] ; "expired sessions")]
    #[test_case(SUSPENSION_AWARE => vec![
        "Leases of an expired client are suspended for aware applications and lost for the others",
        "Leases come back held for every application when the client returns",
        "Version 1.4 revokes plain leases when their client returns",
        "Version 1.5 keeps plain leases when their client returns",
    ] ; "suspension aware")]
    fn the_example_files_load_without_errors(source: &str) -> Vec<String> {
        check_names(source)
    }

    #[test]
    fn an_outline_row_has_its_values_substituted_in_every_step() {
        let (scenarios, _) = load(SUSPENSION_AWARE);
        let row = &scenarios[2];
        let texts: Vec<&str> = row.steps.iter().map(|s| s.text.as_str()).collect();
        pretty_assertions::assert_eq!(
            texts[row.background_steps..],
            [
                "the server runs version 1.4",
                "client \"c1\" is partitioned from the server for 100s",
                "client \"c1\" reconnects",
                "client \"c1\" no longer holds lease \"s1\"",
            ]
        );
        pretty_assertions::assert_eq!((row.background_steps, row.span), (5, Span::new(41, 7)));
    }

    /// Garbage, truncations and corner cases: none may panic, and every diagnostic
    /// must render.
    fn check_no_panic(source: &str) {
        let (_, diagnostics) = load(source);
        for diagnostic in &diagnostics {
            assert!(diagnostic.len >= 1);
            let _ = diagnostic.render("fuzz.feature", source, false);
        }
    }

    /// Where to cut `source` for the prefix check: every character of the first line, of
    /// the last line and around every line break (where the parser changes state), and
    /// every 17th character in between. Parsing is linear, so this keeps the check at a
    /// few hundred parses instead of one per character, which is quadratic.
    fn cut_points(source: &str) -> Vec<usize> {
        let boundaries: Vec<usize> = source.char_indices().map(|(i, _)| i).collect();
        let first_line_end = source.find('\n').unwrap_or(source.len());
        let last_line_start = source.trim_end().rfind('\n').unwrap_or(0);
        boundaries
            .iter()
            .enumerate()
            .filter(|&(k, &i)| {
                let near_break = boundaries[k.saturating_sub(2)..(k + 3).min(boundaries.len())]
                    .iter()
                    .any(|&j| source[j..].starts_with(['\n', '\r']));
                i <= first_line_end || i >= last_line_start || near_break || k % 17 == 0
            })
            .map(|(_, &i)| i)
            .chain([source.len()])
            .collect()
    }

    #[test]
    fn cut_points_take_every_line_break_and_both_ends() {
        let source = "Feature: x\n  Scenario: a long line to cut sparsely\n    Given y\n";
        let cuts = cut_points(source);
        for must in [0, 5, 10, 11, source.len() - 3, source.len()] {
            assert!(cuts.contains(&must), "no cut at {must}: {cuts:?}");
        }
        assert!(cuts.len() < source.len(), "{} cuts", cuts.len());
    }

    #[test_case("@integraton @\nFeatur: x\n  Scenaro: <a>\n    Gven <b>\n    | a | \\| é\n    \"\"\"j\n  Examples:\n   | b |\n" ; "a broken file")]
    #[test_case(CLIENT_EXPIRY ; "the client expiry example")]
    #[test_case(EXPIRED_SESSIONS ; "the expired sessions example")]
    #[test_case(SUSPENSION_AWARE ; "the suspension aware example")]
    fn no_prefix_of_a_spec_file_makes_the_parser_panic(source: &str) {
        for end in cut_points(source) {
            check_no_panic(&source[..end]);
        }
    }

    #[rstest::rstest]
    fn random_lines_of_gherkin_fragments_never_make_the_parser_panic(
        #[values(0, 1, 2, 3)] batch: u64,
    ) {
        const FRAGMENTS: [&str; 24] = [
            "Feature:",
            "Rule:",
            "Background:",
            "Scenario:",
            "Scenario Outline:",
            "Examples:",
            "Given",
            "And",
            "*",
            "|",
            "\\",
            "\"\"\"",
            "```",
            "@",
            "@ignore:",
            "#",
            "<",
            ">",
            "<a>",
            " ",
            "\r",
            "\n",
            "é",
            "\u{feff}",
        ];
        // A fixed linear congruential generator: the same inputs on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d ^ batch;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).unwrap_or(0)
        };
        for _ in 0..250 {
            let length = next() % 40;
            let source: String = (0..length)
                .map(|_| FRAGMENTS[next() % FRAGMENTS.len()])
                .collect();
            check_no_panic(&source);
        }
    }

    #[test_case("\u{feff}" ; "only a byte order mark")]
    #[test_case("\r\r\n\r" ; "stray carriage returns")]
    #[test_case("Feature:\n\"\"\"" ; "a doc string at the end")]
    #[test_case("Feature: x\nScenario Outline: <<a>>\n  Given <>\n  Examples:\n    |" ; "broken placeholders and a lone pipe")]
    fn corner_cases_never_make_the_parser_panic(source: &str) {
        check_no_panic(source);
    }

    #[test]
    fn all_the_errors_of_a_file_are_reported_by_load() {
        let source = "Feature: f\n  Scenaro: a\n    Given x\n  Scenario: a\n    Given y\n  Scenario: a\n    Given: z\n";
        let (_, diagnostics) = load(source);
        let found: Vec<(u32, &str)> = diagnostics
            .iter()
            .map(|d| (d.span.line, d.message.as_str()))
            .collect();
        pretty_assertions::assert_eq!(
            found,
            [
                (2, "unknown keyword `Scenaro:`"),
                (2, "duplicate scenario name `a`"),
                (4, "duplicate scenario name `a`"),
                (6, "duplicate scenario name `a`"),
                (7, "step keyword `Given:` takes no colon"),
            ]
        );
    }

    #[test]
    fn a_thousand_scenarios_load_with_their_backgrounds_and_tables() {
        let mut source = String::from("Feature: many\n  Background:\n    Given a client \"c1\"\n");
        for i in 0..1_000 {
            source.push_str(&format!(
                "\n  Scenario: scenario {i}\n    When {i}s pass\n    Then \"f\" receives these notifications:\n      | lease | state |\n      | l{i} | LEASE_LOST |\n"
            ));
        }
        let (scenarios, diagnostics) = load(&source);
        pretty_assertions::assert_eq!((scenarios.len(), diagnostics.len()), (1_000, 0));
        let last = scenarios.last().unwrap();
        pretty_assertions::assert_eq!(
            (last.name.as_str(), last.steps.len(), last.background_steps),
            ("scenario 999", 3, 1)
        );
    }
}
