//! Which patterns a lookup tries: one `Index` per step kind, built with the
//! registry from each pattern's pieces.
//!
//! Promises: the candidates for a text include every pattern that can match it, in
//! registration order; a pattern is among them only if the text contains its rarest
//! literal word or, for a pattern without a whole literal word, if the text's first
//! token can start it (one that may start with anything is tried for every text).

use std::collections::HashMap;

use super::pattern::{Compiled, Piece};
use crate::steps::params::{ParamTypes, classify};

/// Pattern indices of one kind, so that a lookup tries only the few patterns that
/// can match. A pattern is filed under its *anchor*: of the words that every text it
/// matches contains as a whole token, the one fewest patterns need. A pattern without
/// such a word is filed under the classes of the first tokens it may start with, and
/// one that may start with anything under `anywhere`.
#[derive(Default)]
pub(super) struct Index {
    by_anchor: WordMap,
    by_first: WordMap,
    anywhere: Vec<usize>,
}

/// Pattern indices by word. Hashed with [`WordHasher`]: the keys are a registry's own
/// words, so the DoS resistance of the default hasher buys nothing, and every token
/// of every step is hashed.
type WordMap = HashMap<String, Vec<usize>, std::hash::BuildHasherDefault<WordHasher>>;

/// The multiply-rotate hash of rustc's `FxHasher`: fast on short keys.
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.write_u64(u64::from(byte));
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Index {
    pub(super) fn new(patterns: &[(usize, &Compiled)], types: &ParamTypes) -> Index {
        let words: Vec<Vec<&str>> = patterns
            .iter()
            .map(|(_, compiled)| required_words(&compiled.pieces))
            .collect();
        let mut needed_by: HashMap<&str, usize> = HashMap::new();
        for pattern_words in &words {
            for (n, word) in pattern_words.iter().enumerate() {
                if !pattern_words[..n].contains(word) {
                    *needed_by.entry(word).or_default() += 1;
                }
            }
        }
        let mut index = Index::default();
        for ((i, compiled), pattern_words) in patterns.iter().zip(&words) {
            if let Some(anchor) = pattern_words.iter().min_by_key(|w| needed_by[**w]) {
                index
                    .by_anchor
                    .entry(anchor.to_string())
                    .or_default()
                    .push(*i);
                continue;
            }
            match first_keys(&compiled.pieces, types) {
                Some(keys) => {
                    for key in keys {
                        index.by_first.entry(key).or_default().push(*i);
                    }
                }
                None => index.anywhere.push(*i),
            }
        }
        index
    }

    pub(super) fn candidates(&self, text: &str) -> Vec<usize> {
        let mut found = Vec::new();
        self.candidates_into(text, &mut found);
        found
    }

    /// [`Index::candidates`], into a buffer that is cleared first.
    pub(super) fn candidates_into(&self, text: &str, found: &mut Vec<usize>) {
        found.clear();
        for token in text.split(' ') {
            if let Some(patterns) = self.by_anchor.get(token) {
                found.extend_from_slice(patterns);
            }
        }
        let first = text.split(' ').next().unwrap_or_default();
        if let Some(patterns) = self.by_first.get(classify(first)) {
            found.extend_from_slice(patterns);
        }
        found.extend_from_slice(&self.anywhere);
        found.sort_unstable();
        found.dedup();
    }
}

/// The words of a pattern that every text it matches contains as whole tokens: the
/// literal words with a space or the pattern's start or end on both sides (a word
/// touching optional text or a placeholder may be glued to it in the text).
fn required_words(pieces: &[Piece]) -> Vec<&str> {
    let mut words = Vec::new();
    for (n, piece) in pieces.iter().enumerate() {
        let Piece::Text(text) = piece else { continue };
        let tokens: Vec<&str> = text.split(' ').collect();
        let last = tokens.len() - 1;
        for (k, token) in tokens.iter().enumerate() {
            let starts_free = k > 0 || n == 0;
            let ends_free = k < last || n + 1 == pieces.len();
            if !token.is_empty() && starts_free && ends_free {
                words.push(*token);
            }
        }
    }
    words
}

/// The classes (see [`classify`]) of every first token a text matching `pieces` may
/// start with, or `None` if it may start with anything (or there are too many ways).
fn first_keys(pieces: &[Piece], types: &ParamTypes) -> Option<Vec<String>> {
    fn walk(
        pieces: &[Piece],
        types: &ParamTypes,
        prefix: &str,
        keys: &mut Vec<String>,
    ) -> Option<()> {
        if keys.len() > 16 {
            return None;
        }
        let Some((piece, rest)) = pieces.split_first() else {
            // The whole pattern is one token (or nothing, which compile rejects).
            keys.push(classify(prefix).to_string());
            return (!prefix.is_empty()).then_some(());
        };
        let options: Vec<&str> = match piece {
            Piece::Text(text) => vec![text],
            Piece::Optional(text) => vec![text, ""],
            Piece::Alternatives(words) => words.iter().map(String::as_str).collect(),
            Piece::Param(id) => {
                let scan = types.scan(*id);
                if !prefix.is_empty() {
                    // Glued to literal text (`#{int}`): the token mixes both.
                    return None;
                }
                keys.push(
                    if scan.starts_with_quote() {
                        "\""
                    } else if scan.starts_with_number() {
                        "0"
                    } else {
                        return None;
                    }
                    .to_string(),
                );
                return Some(());
            }
        };
        for option in options {
            let joined = format!("{prefix}{option}");
            let joined = joined.trim_start();
            match joined.split_once(' ') {
                Some((token, _)) => keys.push(classify(token).to_string()),
                None => walk(rest, types, joined, keys)?,
            }
        }
        Some(())
    }
    let mut keys = Vec::new();
    walk(pieces, types, "", &mut keys)?;
    keys.sort();
    keys.dedup();
    (keys.len() <= 16).then_some(keys)
}

#[cfg(test)]
mod tests {
    use crate::steps::registry::Registry;
    use crate::steps::registry::StepKind::{Given, Then, When};
    use crate::steps::registry::tests::{Toy, log, registry};

    #[test]
    fn a_lookup_only_tries_patterns_whose_anchor_word_it_contains() {
        let registry = registry();
        let tried = |kind, text: &str| -> Vec<&str> {
            registry
                .candidates(kind, text)
                .into_iter()
                .map(|i| registry.defs[i].pattern.as_str())
                .collect()
        };
        pretty_assertions::assert_eq!(
            tried(When, r#"agent "a1" is partitioned from the master"#),
            ["agent {name} is partitioned from the master"]
        );
        pretty_assertions::assert_eq!(
            tried(When, r#"agent "a1" is partitioned from the master for 80s"#),
            [
                "agent {name} is partitioned from the master",
                "agent {name} is partitioned from the master for {duration}"
            ]
        );
        pretty_assertions::assert_eq!(tried(When, "80s pass"), ["{duration} pass(es)"]);
        pretty_assertions::assert_eq!(tried(Given, "an agent"), ["(an )agent {name}"]);
        pretty_assertions::assert_eq!(tried(Given, "agent"), ["(an )agent {name}"]);
        pretty_assertions::assert_eq!(
            tried(
                Then,
                r#""spark" receives TASK_LOST for task "t1" with reason REASON_SLAVE_REMOVED from SOURCE_MASTER"#
            ),
            [
                "{name} receives {state} for task {name}",
                "{name} receives {state} for task {name} with reason {reason} from {source}"
            ]
        );
    }

    #[test]
    fn a_pattern_without_a_whole_literal_word_is_tried_for_every_step() {
        let registry = Registry::<Toy>::builder()
            .then("{word} {word}", "apples pears", log)
            .then("sky is {word}", "sky is blue", log)
            .then("paint is {word}", "paint is red", log)
            .build()
            .unwrap();
        pretty_assertions::assert_eq!(registry.candidates(Then, "sky is red"), [0, 1]);
    }
}
