//! Step text as matching sees it, and the way back: `normalize` makes runs of
//! whitespace outside double quotes one space, with none at either end;
//! `char_offsets` maps byte offsets of that text to char columns of the text as
//! written, for the spans of values and the columns of errors.
//!
//! Promises: text inside quotes is kept as written; text that is already normal
//! ASCII, the usual case, is borrowed, not copied.

use std::borrow::Cow;
use std::ops::Range;

/// Step text with runs of whitespace outside double quotes as one space, and none at
/// either end. Text inside quotes is kept as written.
pub(super) fn normalize(text: &str) -> Cow<'_, str> {
    if is_normal_ascii(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(normalize_with(text, |_, _| {}))
    }
}

/// Whether `text` is ASCII and already normalised: the usual case, checked byte by
/// byte without building a copy.
fn is_normal_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && bytes
            .iter()
            .all(|b| b.is_ascii() && (*b == b' ' || !b.is_ascii_whitespace()))
        && !bytes.windows(2).any(|pair| pair == b"  ")
}

/// [`normalize`], calling `kept(byte_in_output, char_in_input)` for each char kept.
fn normalize_with(text: &str, mut kept: impl FnMut(usize, usize)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    let mut escaped = false;
    let mut pending_space = None;
    for (n, c) in text.chars().enumerate() {
        if !quoted && c.is_whitespace() {
            if !out.is_empty() {
                pending_space.get_or_insert(n);
            }
            continue;
        }
        if let Some(at) = pending_space.take() {
            kept(out.len(), at);
            out.push(' ');
        }
        kept(out.len(), n);
        out.push(c);
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        }
    }
    out
}

/// Maps byte offsets of the normalised text back to char offsets of the original.
pub(super) struct CharOffsets {
    /// Per byte of the normalised text, the char of the original it came from; one
    /// more entry for the end.
    of_byte: Vec<usize>,
}

pub(super) fn char_offsets(text: &str) -> CharOffsets {
    if is_normal_ascii(text) {
        return CharOffsets {
            of_byte: (0..=text.len()).collect(),
        };
    }
    let mut of_byte: Vec<usize> = Vec::with_capacity(text.len() + 1);
    let normal = normalize_with(text, |byte, char| {
        // The bytes between two kept chars belong to the first (a multi-byte char).
        let previous = of_byte.last().copied().unwrap_or(0);
        of_byte.resize(byte, previous);
        of_byte.push(char);
    });
    let last = of_byte.last().copied();
    of_byte.resize(normal.len(), last.unwrap_or(0));
    of_byte.push(last.map_or(0, |last| last + 1));
    CharOffsets { of_byte }
}

impl CharOffsets {
    pub(super) fn range(&self, bytes: Range<usize>) -> Range<usize> {
        let start = self.of_byte[bytes.start];
        let end = if bytes.is_empty() {
            start
        } else {
            self.of_byte[bytes.end - 1] + 1
        };
        start..end
    }
}

#[cfg(test)]
mod tests {
    use crate::steps::Value;
    use crate::steps::registry::tests::{check, registry};
    use crate::steps::registry::{
        Attached,
        StepKind::{Then, When},
    };

    #[test]
    fn whitespace_inside_quotes_is_kept() {
        let text = r#"agent   "a1" is told to shut down with "two  spaces""#;
        pretty_assertions::assert_eq!(
            check(Then, text).unwrap().1,
            vec![Value::Name("a1".into()), Value::Str("two  spaces".into())]
        );
    }

    #[test]
    fn found_spans_point_at_the_values_in_the_text_as_written() {
        let text = r#"agent  "a1"   is partitioned from the master for 1m  20s"#;
        let registry = registry();
        let found = registry.find(When, text, Attached::Nothing).unwrap();
        let taken: Vec<String> = found
            .spans
            .iter()
            .map(|s| text.chars().skip(s.start).take(s.len()).collect())
            .collect();
        pretty_assertions::assert_eq!(taken, [r#""a1""#, "1m  20s"]);
    }
}
