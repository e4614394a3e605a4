//! The contracts between netsplit's spec harness and `cargo xtask`, defined once.
//!
//! The spec harness (`netsplit::runner`, inside a test binary) and xtask (which runs test
//! binaries and checks the test pyramid) are separate programs that talk through
//! environment variables, test names and files. Each side writes what the other reads, so
//! each format lives here, with its writer and its reader side by side:
//!
//! | contract | written by | read by |
//! |---|---|---|
//! | [`tier_prefix`]: `[unit] `, `[integration] `, `[e2e] ` before a test name | the harness, naming its trials | xtask (tiering, filtering); the harness (`--exact NAME` back to a file) |
//! | [`TIMINGS_VAR`], [`timing_line`] / [`parse_timings`]: one line per finished trial | the harness | xtask, timing tests run without nextest |
//! | [`LIST_IGNORE_REASONS_VAR`], [`ignored_listing_line`] / [`parse_listing`]: `--list --ignored` with reasons | the harness | xtask, for the pyramid's ignore check |
//! | [`strip_ansi`]: output without colour codes | both sides, on text that may be coloured | |
//!
//! The crate has no dependencies, so that xtask stays quick to build.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

// ---------------------------------------------------------------------------------------
// Environment variables
// ---------------------------------------------------------------------------------------

/// `NETSPLIT_TIMINGS=<path>`: asks the spec harness to append one line per finished trial
/// to the file at `<path>` (see [`timing_line`]).
///
/// Set by xtask when it runs a test binary without nextest; read by the harness at the end
/// of its run. xtask reads the file back with [`parse_timings`].
pub const TIMINGS_VAR: &str = "NETSPLIT_TIMINGS";

/// `NETSPLIT_LIST_IGNORE_REASONS=1`: asks the spec harness, when it runs with
/// `--list --ignored`, to end each listed line with a TAB and the test's ignore reason
/// (see [`ignored_listing_line`]). Any value counts as set.
///
/// Set by xtask when it lists ignored tests; read by the harness. libtest knows nothing of
/// it, so binaries of other harnesses list plain names.
pub const LIST_IGNORE_REASONS_VAR: &str = "NETSPLIT_LIST_IGNORE_REASONS";

// ---------------------------------------------------------------------------------------
// Tier prefixes of test names
// ---------------------------------------------------------------------------------------

/// The tiers of the test pyramid, from its base up: the words of the tier tags (`@unit`,
/// `@integration`, `@e2e`) and of the tier prefixes of test names.
///
/// The harness runs a scenario in the tiers its tags name; xtask's pyramid has one tier
/// for each.
pub const TIERS: [&str; 3] = ["unit", "integration", "e2e"];

/// The prefix of the names of a tier's tests: `[unit] ` for `unit` (with the space).
///
/// The harness names every trial `[<tier>] <feature path>::<rule>::<scenario>`; xtask
/// tiers the tests of `tests/` targets by this prefix and selects a tier's tests with it.
/// `tier` is one of [`TIERS`] (any word without `]` or spaces reads back).
pub fn tier_prefix(tier: &str) -> String {
    format!("[{tier}] ")
}

/// A test name split after its tier prefix: `("unit", "detection::x")` for
/// `[unit] detection::x`; `None` when the name carries no prefix.
///
/// The tier is whatever word is in the brackets, so that the caller decides which tiers
/// it knows; the harness uses the rest to find the spec file of an `--exact` name.
pub fn split_tier_prefix(name: &str) -> Option<(&str, &str)> {
    let (tier, rest) = name.strip_prefix('[')?.split_once(']')?;
    let rest = rest.strip_prefix(' ')?;
    (!tier.is_empty() && !tier.contains(char::is_whitespace)).then_some((tier, rest))
}

/// The tier named by a test name's prefix: `Some("e2e")` for `[e2e] cli::help`; `None`
/// when the name carries no prefix. See [`split_tier_prefix`].
pub fn tier_of_prefixed(name: &str) -> Option<&str> {
    split_tier_prefix(name).map(|(tier, _)| tier)
}

// ---------------------------------------------------------------------------------------
// The timing file
// ---------------------------------------------------------------------------------------

/// How a trial ended, as the timing file spells it: `passed`, `failed` or `ignored`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrialStatus {
    Passed,
    Failed,
    Ignored,
}

impl TrialStatus {
    /// The word in the timing file.
    pub fn as_str(self) -> &'static str {
        match self {
            TrialStatus::Passed => "passed",
            TrialStatus::Failed => "failed",
            TrialStatus::Ignored => "ignored",
        }
    }
}

impl fmt::Display for TrialStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TrialStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<TrialStatus, String> {
        [
            TrialStatus::Passed,
            TrialStatus::Failed,
            TrialStatus::Ignored,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
        .ok_or_else(|| {
            format!("unknown trial status `{s}`: expected `passed`, `failed` or `ignored`")
        })
    }
}

/// One line of the timing file: a trial, how it ended, and how long it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timing {
    pub name: String,
    pub status: TrialStatus,
    /// Zero for an ignored trial.
    pub elapsed: Duration,
}

/// One line of the timing file, with its newline: `<name>\t<status>\t<millis>\n`, the
/// milliseconds with three decimals (so to the microsecond).
///
/// The harness appends one line per finished trial to the file [`TIMINGS_VAR`] names
/// (appends: several runs may share a file). The name may hold TABs (the reader splits
/// from the right) but no newline; test names never do.
pub fn timing_line(name: &str, status: TrialStatus, elapsed: Duration) -> String {
    let millis = elapsed.as_secs_f64() * 1000.0;
    format!("{name}\t{status}\t{millis:.3}\n")
}

/// Every well-formed line of a timing file (see [`timing_line`]), in file order; lines that
/// are not `<name>\t<status>\t<millis>` with a known status and a finite, non-negative time
/// are skipped.
///
/// xtask reads the file after running a binary, to time each of its tests.
pub fn parse_timings(text: &str) -> Vec<Timing> {
    text.lines().filter_map(parse_timing_line).collect()
}

fn parse_timing_line(line: &str) -> Option<Timing> {
    let mut fields = line.rsplitn(3, '\t');
    let millis: f64 = fields.next()?.trim().parse().ok()?;
    let status = fields.next()?.parse().ok()?;
    let name = fields.next()?;
    let elapsed = Duration::try_from_secs_f64(millis / 1000.0).ok()?;
    Some(Timing {
        name: name.to_owned(),
        status,
        elapsed,
    })
}

// ---------------------------------------------------------------------------------------
// The ignore-reason listing
// ---------------------------------------------------------------------------------------

/// A test of a `--list --format terse` listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    /// The ignore reason after a TAB, when the binary lists reasons (the harness, with
    /// [`LIST_IGNORE_REASONS_VAR`] set): `Some("")` means "ignored without a reason";
    /// `None` means the binary did not say (libtest cannot).
    pub reason: Option<String>,
}

/// One line of the harness's `--list --ignored` output when [`LIST_IGNORE_REASONS_VAR`] is
/// set, with its newline: libtest's terse `<name>: test`, then a TAB and the reason (empty
/// for none). The reason is one line.
///
/// Written by the harness for each ignored trial; read by [`parse_listing`] in xtask.
pub fn ignored_listing_line(name: &str, reason: &str) -> String {
    format!("{name}: test\t{reason}\n")
}

/// The tests of a `--list --format terse` listing: lines `<name>: test`, each optionally
/// followed by a TAB and an ignore reason (see [`ignored_listing_line`]). Benchmarks
/// (`: bench`), the closing count and any other line are left out.
///
/// xtask lists every test binary this way; only the harness adds reasons.
pub fn parse_listing(output: &str) -> Vec<Listed> {
    output.lines().filter_map(parse_listing_line).collect()
}

fn parse_listing_line(line: &str) -> Option<Listed> {
    // A reason holds no TAB, a name might: split the reason off from the right.
    if let Some((entry, reason)) = line.rsplit_once('\t')
        && let Some(name) = entry.strip_suffix(": test")
    {
        return Some(Listed {
            name: name.to_owned(),
            reason: Some(reason.trim().to_owned()),
        });
    }
    let name = line.strip_suffix(": test")?;
    Some(Listed {
        name: name.to_owned(),
        reason: None,
    })
}

// ---------------------------------------------------------------------------------------
// Colour codes
// ---------------------------------------------------------------------------------------

/// The text without ANSI escape sequences: control sequences (`ESC [ ... m` colours and
/// styles, cursor moves) and short escapes such as `ESC ( B`, which terminfo's reset
/// sends.
///
/// The harness strips the diffs of its failure messages when colour is off; xtask strips
/// libtest's output before reading its `test result:` line (it runs binaries with
/// `--color always`).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.next_if_eq(&'[').is_some() {
            // Control sequence: parameter and intermediate bytes, then one final byte.
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        } else {
            // Escape sequence: intermediate bytes, then one final byte.
            while chars
                .next_if(|c| ('\u{20}'..='\u{2f}').contains(c))
                .is_some()
            {}
            chars.next_if(|c| ('\u{30}'..='\u{7e}').contains(c));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tier_prefix_is_the_tier_in_brackets_and_a_space() {
        assert_eq!(tier_prefix("unit"), "[unit] ");
        assert_eq!(
            TIERS.map(tier_prefix),
            ["[unit] ", "[integration] ", "[e2e] "]
        );
    }

    #[test]
    fn every_tier_prefix_reads_back_as_its_tier() {
        for tier in TIERS {
            let name = format!("{}detection::Agent is lost", tier_prefix(tier));
            assert_eq!(
                split_tier_prefix(&name),
                Some((tier, "detection::Agent is lost"))
            );
            assert_eq!(tier_of_prefixed(&name), Some(tier));
        }
    }

    #[test]
    fn a_name_without_a_bracketed_word_and_a_space_has_no_tier() {
        assert_eq!(tier_of_prefixed("model::time::tests::x"), None);
        assert_eq!(tier_of_prefixed("[unit]no space"), None);
        assert_eq!(tier_of_prefixed("[] empty"), None);
        assert_eq!(tier_of_prefixed("[two words] x"), None);
        assert_eq!(tier_of_prefixed(" [unit] indented"), None);
    }

    #[test]
    fn the_caller_decides_which_bracketed_words_are_tiers() {
        assert_eq!(tier_of_prefixed("[smoke] x"), Some("smoke"));
    }

    #[test]
    fn a_timing_line_is_name_status_and_milliseconds_separated_by_tabs() {
        assert_eq!(
            timing_line(
                "[unit] detection::a",
                TrialStatus::Passed,
                Duration::from_micros(1500)
            ),
            "[unit] detection::a\tpassed\t1.500\n"
        );
        assert_eq!(
            timing_line("x", TrialStatus::Ignored, Duration::ZERO),
            "x\tignored\t0.000\n"
        );
    }

    #[test]
    fn a_timing_line_round_trips_names_with_tabs() {
        let written = [
            Timing {
                name: "[unit] tab\tin name".into(),
                status: TrialStatus::Failed,
                elapsed: Duration::from_millis(20),
            },
            Timing {
                name: "[e2e] cli::help".into(),
                status: TrialStatus::Passed,
                elapsed: Duration::from_micros(1_234_567),
            },
            Timing {
                name: "[unit] skipped".into(),
                status: TrialStatus::Ignored,
                elapsed: Duration::ZERO,
            },
        ];
        let file: String = written
            .iter()
            .map(|t| timing_line(&t.name, t.status, t.elapsed))
            .collect();
        assert_eq!(parse_timings(&file), written);
    }

    #[test]
    fn malformed_timing_lines_are_skipped() {
        let text = "not a line\n\
                    [unit] a\tpassed\tsoon\n\
                    [unit] b\tcrashed\t1\n\
                    [unit] c\tpassed\t-1\n\
                    [unit] d\tpassed\tinf\n\
                    \n\
                    [unit] e\tpassed\t1.5\n";
        assert_eq!(
            parse_timings(text),
            [Timing {
                name: "[unit] e".into(),
                status: TrialStatus::Passed,
                elapsed: Duration::from_micros(1500),
            }]
        );
    }

    #[test]
    fn trial_statuses_read_back_from_their_words() {
        for status in [
            TrialStatus::Passed,
            TrialStatus::Failed,
            TrialStatus::Ignored,
        ] {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        assert!("skipped".parse::<TrialStatus>().is_err());
    }

    fn listed(name: &str, reason: Option<&str>) -> Listed {
        Listed {
            name: name.into(),
            reason: reason.map(Into::into),
        }
    }

    #[test]
    fn an_ignored_listing_line_round_trips_its_reason() {
        let line = ignored_listing_line("[e2e] cli::what-if", "needs the binary");
        assert_eq!(line, "[e2e] cli::what-if: test\tneeds the binary\n");
        assert_eq!(
            parse_listing(&line),
            [listed("[e2e] cli::what-if", Some("needs the binary"))]
        );
    }

    #[test]
    fn an_ignored_listing_line_round_trips_names_with_tabs_and_empty_reasons() {
        let listing = ignored_listing_line("[unit] tab\tin name", "")
            + &ignored_listing_line("[unit] b", "slow");
        assert_eq!(
            parse_listing(&listing),
            [
                listed("[unit] tab\tin name", Some("")),
                listed("[unit] b", Some("slow"))
            ]
        );
    }

    #[test]
    fn a_listing_gives_names_and_the_reasons_the_harness_adds() {
        let output = "model::time::tests::parse: test\n\
                      [unit] detection::Agent cut off just before a ping is marked unreachable 75s later: test\n\
                      [e2e] cli::what-if: test\tneeds the binary\n\
                      [integration] proxy::slow: test\t\n\
                      [unit] tab\tin a plain name: test\n\
                      bench_ping: bench\n\
                      3 tests, 1 benchmark\n";
        assert_eq!(
            parse_listing(output),
            [
                listed("model::time::tests::parse", None),
                listed(
                    "[unit] detection::Agent cut off just before a ping is marked unreachable 75s later",
                    None
                ),
                listed("[e2e] cli::what-if", Some("needs the binary")),
                listed("[integration] proxy::slow", Some("")),
                listed("[unit] tab\tin a plain name", None),
            ]
        );
    }

    #[test]
    fn an_empty_listing_has_no_tests() {
        assert_eq!(parse_listing(""), []);
        assert_eq!(parse_listing("0 tests, 0 benchmarks\n"), []);
    }

    #[test]
    fn ansi_styles_are_stripped_without_touching_the_text() {
        assert_eq!(strip_ansi("\u{1b}[31m<x\u{1b}[0m y"), "<x y");
        assert_eq!(
            strip_ansi("test result: \u{1b}[32mok\u{1b}[0m. 1 passed; 0 failed"),
            "test result: ok. 1 passed; 0 failed"
        );
    }

    #[test]
    fn terminfo_resets_and_other_short_escapes_are_stripped_too() {
        assert_eq!(
            strip_ansi("test result: \u{1b}[32mok\u{1b}(B\u{1b}[m. 1 passed"),
            "test result: ok. 1 passed"
        );
        assert_eq!(strip_ansi("a\u{1b}7b\u{1b}[?25lc\u{1b}[2~d"), "abcd");
    }

    #[test]
    fn text_without_escapes_is_unchanged() {
        let text = "[unit] a::b ✔ 1.5 ms\t[x] ~@";
        assert_eq!(strip_ansi(text), text);
    }
}
