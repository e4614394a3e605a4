//! Parsing a pattern into pieces (the syntax is in the registry's module comment):
//! literal text, optional text, alternative words and placeholders, as a
//! `Compiled` pattern.
//!
//! Promises: a pattern that does not parse is an error at the char column of the
//! problem, with a message saying what is wrong; runs of whitespace in a pattern
//! count as one space, as they do in step text.

use crate::steps::params::{ParamId, ParamTypes};

/// A compiled pattern.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Compiled {
    pub(super) pieces: Vec<Piece>,
    /// The placeholder types, in order.
    pub(super) params: Vec<ParamId>,
    /// Whether matching may have to try more than one way (optional text,
    /// alternatives, placeholders with several possible ends); only then is the walk
    /// memoised.
    pub(super) branches: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Piece {
    /// Literal text, whitespace normalised; may start or end with a space.
    Text(String),
    Optional(String),
    Alternatives(Vec<String>),
    Param(ParamId),
}

/// Parses a pattern; an error carries the char column where the problem is.
pub(super) fn compile(pattern: &str, types: &ParamTypes) -> Result<Compiled, (usize, String)> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut pieces = Vec::new();
    let mut text = String::new();
    // Where the current word starts in `text`, and whether it is plain text so far
    // (`/` may only separate plain words).
    let mut word_start = 0;
    let mut word_plain = true;
    let mut i = 0;
    let flush = |text: &mut String, pieces: &mut Vec<Piece>| {
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(text)));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => {
                while i < chars.len() && chars[i].is_whitespace() {
                    i += 1;
                }
                if i < chars.len() && !(text.is_empty() && pieces.is_empty()) {
                    text.push(' ');
                }
                word_start = text.len();
                word_plain = true;
                continue;
            }
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err((i, "a `\\` at the end escapes nothing".into()));
                };
                text.push(next);
                i += 2;
                continue;
            }
            '(' => {
                let (content, end) = group(&chars, i, ')', "optional text")?;
                if content.trim().is_empty() {
                    return Err((i, "`()` is empty; put optional text inside".into()));
                }
                flush(&mut text, &mut pieces);
                pieces.push(Piece::Optional(collapse_spaces(&content)));
                word_plain = false;
                i = end;
            }
            '{' => {
                let (name, end) = group(&chars, i, '}', "a placeholder")?;
                let id = types.lookup(name.trim()).map_err(|m| (i + 1, m))?;
                if text.is_empty() && matches!(pieces.last(), Some(Piece::Param(_))) {
                    return Err((
                        i,
                        "two placeholders need text between them to tell where one ends".into(),
                    ));
                }
                flush(&mut text, &mut pieces);
                pieces.push(Piece::Param(id));
                word_plain = false;
                i = end;
            }
            ')' | '}' => {
                return Err((
                    i,
                    format!("unbalanced `{c}`; write `\\{c}` for the character"),
                ));
            }
            '/' => {
                if !word_plain || text.len() == word_start {
                    return Err((
                        i,
                        "`/` separates alternative plain words (`is/are`); write `\\/` for the character".into(),
                    ));
                }
                let mut alternatives = vec![text.split_off(word_start)];
                while i < chars.len() && chars[i] == '/' {
                    let start = i + 1;
                    let mut word = String::new();
                    i = start;
                    while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '/' {
                        match chars[i] {
                            '\\' if i + 1 < chars.len() => {
                                word.push(chars[i + 1]);
                                i += 2;
                                continue;
                            }
                            '(' | ')' | '{' | '}' | '\\' => {
                                return Err((
                                    i,
                                    "alternatives are plain words: no optional text or placeholders in them".into(),
                                ));
                            }
                            other => word.push(other),
                        }
                        i += 1;
                    }
                    if word.is_empty() {
                        return Err((start, "an alternative after `/` is empty".into()));
                    }
                    alternatives.push(word);
                }
                flush(&mut text, &mut pieces);
                pieces.push(Piece::Alternatives(alternatives));
                word_plain = false;
                continue;
            }
            other => {
                text.push(other);
                i += 1;
                continue;
            }
        }
    }
    flush(&mut text, &mut pieces);
    if !pieces
        .iter()
        .any(|p| matches!(p, Piece::Text(_) | Piece::Alternatives(_) | Piece::Param(_)))
    {
        return Err((0, "the pattern is empty".into()));
    }
    let params: Vec<ParamId> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Param(id) => Some(*id),
            _ => None,
        })
        .collect();
    let branches = pieces.iter().any(|p| match p {
        Piece::Optional(_) | Piece::Alternatives(_) => true,
        Piece::Param(id) => types.scan(*id).may_end_in_several_places(),
        Piece::Text(_) => false,
    });
    Ok(Compiled {
        pieces,
        params,
        branches,
    })
}

/// The text of a `(...)` or `{...}` group opening at `open`, and the index after it.
fn group(
    chars: &[char],
    open: usize,
    close: char,
    what: &str,
) -> Result<(String, usize), (usize, String)> {
    let mut content = String::new();
    let mut i = open + 1;
    while i < chars.len() {
        match chars[i] {
            c if c == close => return Ok((content, i + 1)),
            '\\' if i + 1 < chars.len() && close == ')' => {
                content.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '(' | '{' | '/' | ')' | '}' => {
                return Err((i, format!("`{}` cannot stand inside {what}", chars[i])));
            }
            c => content.push(c),
        }
        i += 1;
    }
    Err((
        open,
        format!(
            "unbalanced `{}`: {what} is not closed with `{close}`",
            chars[open]
        ),
    ))
}

fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::steps::Value;
    use crate::steps::registry::tests::{Toy, log, prefixed};
    use crate::steps::registry::{Attached, Registry, RegistryError, StepKind::Then};
    use test_case::test_case;

    #[test_case("the {colour} sky", "unknown placeholder type `{colour}`; did you mean `{color}`?", 5 ; "an unknown placeholder type")]
    #[test_case("the (big sky", "unbalanced `(`: optional text is not closed with `)`", 4 ; "an unclosed optional")]
    #[test_case("the big) sky", "unbalanced `)`", 7 ; "a stray closing parenthesis")]
    #[test_case("the {int sky", "unbalanced `{`: a placeholder is not closed with `}`", 4 ; "an unclosed placeholder")]
    #[test_case("the (big {int}) sky", "`{` cannot stand inside optional text", 9 ; "a placeholder inside optional text")]
    #[test_case("the {int}{word} sky", "two placeholders need text between them", 9 ; "adjacent placeholders")]
    #[test_case("the big/ sky", "an alternative after `/` is empty", 8 ; "an empty alternative")]
    #[test_case("the /big sky", "`/` separates alternative plain words", 4 ; "an alternative without a first word")]
    #[test_case("the bi(g)/small sky", "`/` separates alternative plain words", 9 ; "an alternative with optional text")]
    #[test_case("(the)", "the pattern is empty", 0 ; "only optional text")]
    fn a_pattern_that_does_not_parse_is_an_error(pattern: &str, message: &str, column: usize) {
        let result = Registry::<Toy>::builder()
            .parameter(prefixed("color", ""))
            .then(pattern, "the sky", log)
            .build();
        let errors = result.err().expect("the pattern should not parse");
        match errors.as_slice() {
            [
                RegistryError::BadPattern {
                    message: m,
                    column: c,
                    ..
                },
            ] => {
                assert!(m.starts_with(message), "{m}");
                pretty_assertions::assert_eq!(*c, column, "{m}");
            }
            other => panic!("{other:#?}"),
        }
    }

    #[test]
    fn escaped_characters_match_literally() {
        let registry = Registry::<Toy>::builder()
            .then(
                r"the metric master\/uptime \(secs\) is {int}",
                "the metric master/uptime (secs) is 5",
                log,
            )
            .build()
            .unwrap();
        let found = registry
            .find(
                Then,
                "the metric master/uptime (secs) is 7",
                Attached::Nothing,
            )
            .unwrap();
        pretty_assertions::assert_eq!(found.values, vec![Value::Int(7)]);
    }
}
