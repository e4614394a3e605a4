//! Line classification: what kind of Gherkin line each line of a spec file is, and
//! whether an unrecognised line looks like a misspelt keyword.
//!
//! Gherkin is line-oriented, so the lexer works one line at a time and knows no
//! context; the parser decides what a line means where it stands. Keywords are
//! case-sensitive, as in Cucumber. Everything here is total: any `&str` classifies.

use super::ast::Keyword;
use crate::suggest::edit_distance;

/// A block keyword, the kind of line that ends with `:` and opens a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Block {
    Feature,
    Background,
    Rule,
    Scenario,
    Outline,
    Examples,
}

impl Block {
    /// Whether tags may stand before it.
    pub(super) fn is_taggable(self) -> bool {
        self != Block::Background
    }
}

/// Every accepted spelling of a block keyword, without the colon.
const BLOCKS: [(&str, Block); 9] = [
    ("Feature", Block::Feature),
    ("Background", Block::Background),
    ("Rule", Block::Rule),
    ("Scenario", Block::Scenario),
    ("Example", Block::Scenario),
    ("Scenario Outline", Block::Outline),
    ("Scenario Template", Block::Outline),
    ("Examples", Block::Examples),
    ("Scenarios", Block::Examples),
];

const STEPS: [(&str, Keyword); 6] = [
    ("Given", Keyword::Given),
    ("When", Keyword::When),
    ("Then", Keyword::Then),
    ("And", Keyword::And),
    ("But", Keyword::But),
    ("*", Keyword::Star),
];

/// One line of a spec file, trimmed, with where its text starts.
#[derive(Clone, Copy, Debug)]
pub(super) struct Line<'a> {
    /// 1-based.
    pub number: u32,
    /// The line as written, without its line ending.
    pub raw: &'a str,
    /// `raw` without surrounding whitespace.
    pub text: &'a str,
    /// Leading whitespace, in chars: the 0-based column of `text`.
    pub indent: usize,
    /// What the line is, classified once.
    token: Token<'a>,
}

impl<'a> Line<'a> {
    pub(super) fn new(number: usize, raw: &'a str) -> Line<'a> {
        let start = raw.trim_start();
        let indent = raw[..raw.len() - start.len()].chars().count();
        let text = start.trim_end();
        Line {
            number: super::diagnostic::to_u32(number + 1),
            raw,
            text,
            indent,
            token: classify(text),
        }
    }

    /// The column (1-based) of the char `chars` characters into `text`.
    pub(super) fn column(&self, chars: usize) -> u32 {
        super::diagnostic::to_u32(self.indent + chars + 1)
    }

    pub(super) fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub(super) fn token(&self) -> Token<'a> {
        self.token
    }
}

/// What a line is, by its first characters alone. Offsets are in chars into the
/// trimmed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token<'a> {
    Empty,
    /// `# ...`, including a `# language:` header.
    Comment,
    /// `@a @b`
    Tags,
    /// `Scenario: title`; `keyword_len` counts the keyword as written, without the colon.
    Block {
        block: Block,
        keyword_len: usize,
        title: &'a str,
        title_offset: usize,
    },
    /// `Given text`
    Step {
        keyword: Keyword,
        keyword_len: usize,
        text: &'a str,
        text_offset: usize,
    },
    /// `| a | b |`
    Row,
    /// `"""` or ```` ``` ````, with what follows it.
    Fence {
        fence: &'static str,
        media_type: &'a str,
    },
    /// Anything else: description text, or a mistake.
    Other,
}

impl Token<'_> {
    pub(super) fn block(&self) -> Option<Block> {
        match self {
            Token::Block { block, .. } => Some(*block),
            _ => None,
        }
    }
}

fn classify(text: &str) -> Token<'_> {
    let Some(&first) = text.as_bytes().first() else {
        return Token::Empty;
    };
    match first {
        b'#' => return Token::Comment,
        b'@' => return Token::Tags,
        b'|' => return Token::Row,
        b'"' | b'`' => {
            for fence in ["\"\"\"", "```"] {
                if let Some(rest) = text.strip_prefix(fence) {
                    return Token::Fence {
                        fence,
                        media_type: rest.trim(),
                    };
                }
            }
        }
        _ => {}
    }
    // Only the spellings that start with the line's first byte can match: most
    // lines are steps, and this spares them a comparison with every block keyword.
    for (spelling, block) in BLOCKS {
        if spelling.as_bytes()[0] != first {
            continue;
        }
        if let Some(rest) = text
            .strip_prefix(spelling)
            .and_then(|r| r.strip_prefix(':'))
        {
            return block_token(
                block,
                spelling.chars().count(),
                rest,
                spelling.len() + 1,
                text,
            );
        }
    }
    for (spelling, keyword) in STEPS {
        if spelling.as_bytes()[0] != first {
            continue;
        }
        if let Some(rest) = text.strip_prefix(spelling) {
            if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                return step_token(keyword, spelling.chars().count(), rest, text);
            }
        }
    }
    Token::Other
}

/// A block token whose title is `rest`, which starts at byte `rest_at` of `text`.
fn block_token<'a>(
    block: Block,
    keyword_len: usize,
    rest: &'a str,
    rest_at: usize,
    text: &str,
) -> Token<'a> {
    let title = rest.trim();
    let leading = rest.len() - rest.trim_start().len();
    let title_offset = text[..rest_at + leading].chars().count();
    Token::Block {
        block,
        keyword_len,
        title,
        title_offset,
    }
}

fn step_token<'a>(keyword: Keyword, keyword_len: usize, rest: &'a str, text: &str) -> Token<'a> {
    let step_text = rest.trim();
    let leading = rest.len() - rest.trim_start().len();
    let text_offset = text[..text.len() - rest.len() + leading].chars().count();
    Token::Step {
        keyword,
        keyword_len,
        text: step_text,
        text_offset,
    }
}

/// The language code of a `# language: xx` header.
pub(super) fn language(text: &str) -> Option<(&str, usize)> {
    let rest = text.strip_prefix('#')?.trim_start();
    let rest = rest
        .strip_prefix("language")?
        .trim_start()
        .strip_prefix(':')?;
    let code = rest.trim();
    if code.is_empty() || code.contains(char::is_whitespace) {
        return None;
    }
    Some((code, text[..offset_in(text, code)].chars().count()))
}

/// The byte offset of `inner`, a subslice of `outer`, within `outer`.
fn offset_in(outer: &str, inner: &str) -> usize {
    (inner.as_ptr() as usize)
        .saturating_sub(outer.as_ptr() as usize)
        .min(outer.len())
}

/// A line that is not a keyword line but looks like one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Misspelling<'a> {
    /// How many chars of the line's text are the misspelt keyword (colon included).
    pub len: usize,
    /// What the line was taken to mean: a `Block` or `Step` token.
    pub meant: Token<'a>,
    /// The keyword as it should be written: `Scenario:` or `Given`.
    pub suggestion: String,
    pub problem: Problem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Problem {
    /// `Scenaro:` or `scenario:`
    Misspelt,
    /// `Feature Agent loss`
    MissingColon,
    /// `Given: an agent`
    StepColon,
    /// `Gven an agent`
    MisspeltStep,
}

/// How far a misspelling may be from a keyword: short keywords must be nearly exact,
/// or ordinary words (`Note:` for `Rule:`, `An` for `And`) would be taken for them.
fn max_distance(keyword: &str) -> usize {
    match keyword.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The nearest of `candidates` to `word` within its allowed distance.
fn nearest<T: Copy>(
    word: &str,
    candidates: impl Iterator<Item = (&'static str, T)>,
) -> Option<(&'static str, T)> {
    let length = word.chars().count();
    candidates
        // The distance is at least the difference in length: skip the long lines of
        // prose that can be nowhere near a keyword without comparing them.
        .filter(|(spelling, _)| length.abs_diff(spelling.len()) <= max_distance(spelling))
        .map(|(spelling, value)| (distance(word, spelling), spelling, value))
        .filter(|&(distance, spelling, _)| distance <= max_distance(spelling))
        .min_by_key(|&(distance, _, _)| distance)
        .map(|(_, spelling, value)| (spelling, value))
}

/// Edit distance, counting two swapped neighbours (`Thne`) as one edit: the most
/// common typo of all.
fn distance(word: &str, keyword: &str) -> usize {
    let a: Vec<char> = word.chars().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<char> = keyword.chars().map(|c| c.to_ascii_lowercase()).collect();
    let differ: Vec<usize> = (0..a.len()).filter(|&i| b.get(i) != a.get(i)).collect();
    let swapped = a.len() == b.len()
        && differ.len() == 2
        && differ[1] == differ[0] + 1
        && a[differ[0]] == b[differ[1]]
        && a[differ[1]] == b[differ[0]];
    if swapped {
        1
    } else {
        edit_distance(word, keyword)
    }
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Checks an [`Token::Other`] line for a misspelt keyword.
///
/// Strict (`loose == false`), for lines where free description text is allowed: only a
/// first word (or two, for `Scenario Outline`) that ends in `:` and is near a keyword,
/// a step keyword followed by `:`, or a line that is nothing but a near keyword.
/// Loose, for lines that are an error anyway: also a first word that is a block
/// keyword without its colon, or near a step keyword.
pub(super) fn misspelling(text: &str, loose: bool) -> Option<Misspelling<'_>> {
    // `Scenaro: title`, `Given: text`
    if let Some(colon) = text.find(':') {
        let head = text[..colon].trim_end();
        let words = word_count(head);
        if (1..=2).contains(&words) {
            let blocks = BLOCKS
                .iter()
                .copied()
                .filter(|(s, _)| word_count(s) == words);
            if let Some((spelling, block)) = nearest(head, blocks) {
                return Some(Misspelling {
                    len: text[..=colon].chars().count(),
                    meant: block_token(
                        block,
                        head.chars().count(),
                        &text[colon + 1..],
                        colon + 1,
                        text,
                    ),
                    suggestion: format!("{spelling}:"),
                    problem: Problem::Misspelt,
                });
            }
            let steps = STEPS.iter().copied().filter(|(s, _)| *s != "*");
            if let Some((spelling, keyword)) = nearest(head, steps).filter(|_| words == 1) {
                let rest = &text[colon + 1..];
                return Some(Misspelling {
                    len: text[..=colon].chars().count(),
                    meant: step_token(keyword, head.chars().count(), rest, text),
                    suggestion: spelling.to_string(),
                    problem: Problem::StepColon,
                });
            }
        }
    }
    // `Background` alone on a line
    if let Some((spelling, block)) = nearest(text, BLOCKS.iter().copied()) {
        return Some(Misspelling {
            len: text.chars().count(),
            meant: block_token(block, text.chars().count(), "", text.len(), text),
            suggestion: format!("{spelling}:"),
            problem: Problem::MissingColon,
        });
    }
    if !loose {
        return None;
    }
    // `Scenario Outline title`, `Feature title`: exact keyword words (any case), no colon.
    for (spelling, block) in BLOCKS.iter().copied() {
        if let Some(at) = keyword_prefix(text, spelling) {
            return Some(Misspelling {
                len: spelling.chars().count(),
                meant: block_token(block, spelling.chars().count(), &text[at..], at, text),
                suggestion: format!("{spelling}:"),
                problem: Problem::MissingColon,
            });
        }
    }
    // `Gven an agent`
    let first = text.split_whitespace().next()?;
    let (spelling, keyword) = nearest(first, STEPS.iter().copied().filter(|(s, _)| *s != "*"))?;
    Some(Misspelling {
        len: first.chars().count(),
        meant: step_token(
            keyword,
            first.chars().count(),
            &text[offset_in(text, first) + first.len()..],
            text,
        ),
        suggestion: spelling.to_string(),
        problem: Problem::MisspeltStep,
    })
}

/// If `text` starts with the words of `keyword` (ASCII case ignored) followed by the end
/// of the line or whitespace, the byte offset where the rest starts. Longer spellings
/// are tried by the caller in table order, so `Scenario Outline x` is checked against
/// both `Scenario` and `Scenario Outline`; the two-word spelling must win.
fn keyword_prefix(text: &str, keyword: &str) -> Option<usize> {
    let head: Vec<&str> = text.split_whitespace().take(word_count(keyword)).collect();
    let kw: Vec<&str> = keyword.split_whitespace().collect();
    if head.len() != kw.len() || !head.iter().zip(&kw).all(|(a, b)| a.eq_ignore_ascii_case(b)) {
        return None;
    }
    // A longer spelling starting with this one (`Scenario Outline`) takes precedence.
    let longer = BLOCKS.iter().any(|(s, _)| {
        s.len() > keyword.len() && s.starts_with(keyword) && keyword_prefix(text, s).is_some()
    });
    if longer {
        return None;
    }
    let last = head.last()?;
    Some(offset_in(text, last) + last.len())
}

/// If the line's first word(s) are a block keyword exactly as written but without the
/// colon (`Scenario Agent is lost`), the suggestion for it. Used in description text
/// only when the next line is a step, where it can hardly be prose.
pub(super) fn keyword_without_colon(text: &str) -> Option<Misspelling<'_>> {
    let found = misspelling(text, true)?;
    let exact = BLOCKS.iter().any(|(s, _)| text.starts_with(s));
    (found.problem == Problem::MissingColon && exact).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_case::test_case;

    fn suggestion(text: &str, loose: bool) -> Option<String> {
        misspelling(text, loose).map(|m| m.suggestion)
    }

    #[test_case("Scenaro: x", false => Some("Scenario:".into()) ; "a letter missing")]
    #[test_case("Exmples:", false => Some("Examples:".into()) ; "examples with a letter missing")]
    #[test_case("Scenario Outlin: x", false => Some("Scenario Outline:".into()) ; "two words")]
    #[test_case("scenario: x", false => Some("Scenario:".into()) ; "wrong case")]
    #[test_case("Given: a client", false => Some("Given".into()) ; "a step keyword with a colon")]
    #[test_case("Background", false => Some("Background:".into()) ; "a keyword alone without colon")]
    #[test_case("Note: this is prose", false => None ; "an ordinary word with a colon")]
    #[test_case("The server pings every client", false => None ; "prose in a description")]
    #[test_case("Feature flags are read at start", false => None ; "a keyword starting prose")]
    #[test_case("Feature Client expiry", true => Some("Feature:".into()) ; "a keyword without colon")]
    #[test_case("Scenario Outline Version <v>", true => Some("Scenario Outline:".into()) ; "an outline without colon")]
    #[test_case("Gven a client", true => Some("Given".into()) ; "a misspelt step keyword")]
    #[test_case("An application", true => None ; "a short word is not taken for And")]
    #[test_case("Exmaples:", false => Some("Examples:".into()) ; "two letters swapped")]
    #[test_case("", true => None ; "an empty line")]
    fn misspelt_keywords_are_recognised(text: &str, loose: bool) -> Option<String> {
        suggestion(text, loose)
    }

    #[test]
    fn a_recovered_keyword_keeps_its_title() {
        let found = misspelling("Scenaro:  client is lost", false);
        pretty_assertions::assert_eq!(
            found.map(|m| (m.len, m.meant)),
            Some((
                8,
                Token::Block {
                    block: Block::Scenario,
                    keyword_len: 7,
                    title: "client is lost",
                    title_offset: 10
                }
            ))
        );
    }

    #[test_case("Given a client" => Token::Step { keyword: Keyword::Given, keyword_len: 5, text: "a client", text_offset: 6 } ; "a step")]
    #[test_case("*  x" => Token::Step { keyword: Keyword::Star, keyword_len: 1, text: "x", text_offset: 3 } ; "a bullet step")]
    #[test_case("Givenx" => Token::Other ; "a keyword glued to a word")]
    #[test_case("Examples:" => Token::Block { block: Block::Examples, keyword_len: 8, title: "", title_offset: 9 } ; "examples without a name")]
    #[test_case("Example: é" => Token::Block { block: Block::Scenario, keyword_len: 7, title: "é", title_offset: 9 } ; "an example")]
    #[test_case("```json" => Token::Fence { fence: "```", media_type: "json" } ; "a fence with a media type")]
    fn lines_are_classified_by_their_start(text: &str) -> Token<'_> {
        classify(text)
    }

    #[test_case("# language: fr" => Some(("fr", 12)) ; "a header")]
    #[test_case("#language:en" => Some(("en", 10)) ; "without spaces")]
    #[test_case("# languages are hard" => None ; "a comment")]
    fn language_headers_are_read(text: &str) -> Option<(&str, usize)> {
        language(text)
    }
}
