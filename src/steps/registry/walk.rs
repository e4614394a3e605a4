//! Matching one compiled pattern against normalised step text: a depth-first `Walk`
//! of the pattern's pieces over the text, with the `Scratch` buffers reused across
//! the attempts of one lookup.
//!
//! Promises: memoised, each (piece, position) fails at most once, so the work is
//! bounded by pieces times text positions and never grows exponentially; a strict
//! walk parses each value on the way and matches only a split where every value
//! parses.

use std::ops::Range;

use super::pattern::Piece;
use crate::steps::params::{ParamId, ParamTypes, Value};

/// Buffers reused across the attempts of one lookup.
#[derive(Default)]
pub(super) struct Scratch {
    /// `failed[piece * (len + 1) + pos]`: no match from this piece at this position.
    failed: Vec<bool>,
    /// A stack of candidate ends of the placeholders being tried.
    ends: Vec<usize>,
    pub(super) spans: Vec<Range<usize>>,
    pub(super) values: Vec<Value>,
    /// The patterns a lookup tries.
    pub(super) candidates: Vec<usize>,
}

/// A depth-first walk of a pattern's pieces over a text. With memoisation each
/// (piece, position) fails at most once, so the walk is polynomial however the
/// optional parts and placeholder ends combine.
pub(super) struct Walk<'a> {
    pieces: &'a [Piece],
    types: &'a ParamTypes,
    text: &'a str,
    pub(super) scratch: &'a mut Scratch,
    /// Parse each value on the way, so that only a split where every value parses
    /// matches.
    strict: bool,
    pub(super) memoise: bool,
}

impl<'a> Walk<'a> {
    pub(super) fn new(
        pieces: &'a [Piece],
        types: &'a ParamTypes,
        text: &'a str,
        scratch: &'a mut Scratch,
        strict: bool,
    ) -> Walk<'a> {
        scratch.spans.clear();
        scratch.values.clear();
        scratch.ends.clear();
        Walk {
            pieces,
            types,
            text,
            scratch,
            strict,
            memoise: false,
        }
    }

    pub(super) fn run(&mut self) -> bool {
        if self.memoise {
            let size = (self.pieces.len() + 1) * (self.text.len() + 1);
            self.scratch.failed.clear();
            self.scratch.failed.resize(size, false);
        }
        self.from(0, 0)
    }

    fn from(&mut self, piece: usize, pos: usize) -> bool {
        let pieces = self.pieces;
        let Some(current) = pieces.get(piece) else {
            return pos == self.text.len();
        };
        let slot = piece * (self.text.len() + 1) + pos;
        if self.memoise && self.scratch.failed[slot] {
            return false;
        }
        let text = self.text;
        let matched = match current {
            Piece::Text(literal) => {
                match_literal(text, pos, literal).is_some_and(|end| self.from(piece + 1, end))
            }
            Piece::Optional(literal) => {
                match_literal(text, pos, literal).is_some_and(|end| self.from(piece + 1, end))
                    || self.from(piece + 1, pos)
            }
            Piece::Alternatives(words) => words.iter().any(|word| {
                match_literal(text, pos, word).is_some_and(|end| self.from(piece + 1, end))
            }),
            Piece::Param(id) => self.param(*id, piece, pos),
        };
        if !matched && self.memoise {
            self.scratch.failed[slot] = true;
        }
        matched
    }

    fn param(&mut self, id: ParamId, piece: usize, pos: usize) -> bool {
        let base = self.scratch.ends.len();
        self.types
            .scan(id)
            .ends(self.text, pos, &mut self.scratch.ends);
        let mut matched = false;
        for k in base..self.scratch.ends.len() {
            let end = self.scratch.ends[k];
            if self.strict {
                match self.types.parse(id, &self.text[pos..end]) {
                    Ok(value) => self.scratch.values.push(value),
                    Err(_) => continue,
                }
            }
            self.scratch.spans.push(pos..end);
            if self.from(piece + 1, end) {
                matched = true;
                break;
            }
            self.scratch.spans.pop();
            if self.strict {
                self.scratch.values.pop();
            }
        }
        self.scratch.ends.truncate(base);
        matched
    }
}

/// Matches `literal` at `pos` of normalised `text`, returning where it ends. A space
/// in the literal also matches nothing where the text is already at a word boundary,
/// so that leaving out optional text (`the (big) dog`) never needs two spaces.
fn match_literal(text: &str, pos: usize, literal: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut p = pos;
    for &c in literal.as_bytes() {
        if c == b' ' {
            if bytes.get(p) == Some(&b' ') {
                p += 1;
            } else if !(p == 0 || p == bytes.len() || bytes[p - 1] == b' ') {
                return None;
            }
        } else if bytes.get(p) == Some(&c) {
            p += 1;
        } else {
            return None;
        }
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use crate::steps::registry::tests::{Toy, log};
    use crate::steps::registry::{Attached, Registry, StepKind::Then};

    #[test]
    fn matching_never_backtracks_exponentially() {
        // Without memoisation, 40 optional words that all fail at the end would take
        // 2^40 tries; with it, each (piece, position) fails once.
        let pattern = format!("{}end", "(x )".repeat(40));
        let registry = Registry::<Toy>::builder()
            .then(&pattern, "end", log)
            .build()
            .unwrap();
        let text = format!("{}fin", "x ".repeat(40));
        assert!(registry.find(Then, &text, Attached::Nothing).is_err());
        assert!(
            registry
                .find(Then, &format!("{}end", "x ".repeat(40)), Attached::Nothing)
                .is_ok()
        );
    }
}
