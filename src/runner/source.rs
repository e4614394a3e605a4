//! Reading a spec file: its text, or an error that says where and what is wrong.
//!
//! A spec file is UTF-8 text. A file that is not (a binary file, another encoding,
//! one damaged on the way) fails with the line and column of the first bad byte;
//! a file larger than [`MAX_BYTES`] fails before it is read whole.

use std::io::Read;
use std::path::Path;

/// The largest spec file the harness reads: far beyond any hand-written spec (ten
/// thousand scenarios are about 2 MiB), small enough that a wrong path to a disk
/// image or a log fails at once.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The text of the spec file at `path`, shown to people as `display`.
pub fn read(path: &Path, display: &str) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read `{display}`: {e}"))?;
    // Sized once from the file's length, instead of doubling as it is read.
    let size = file.metadata().map_or(0, |m| m.len().min(MAX_BYTES + 1));
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0) + 1);
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read `{display}`: {e}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "`{display}` is larger than {} MiB: it is not a spec file; check the path, or split the file",
            MAX_BYTES / 1024 / 1024
        ));
    }
    decode(display, bytes)
}

/// `bytes` as text, or where the first byte that cannot be part of a spec file is.
pub fn decode(display: &str, bytes: Vec<u8>) -> Result<String, String> {
    let (valid, problem) = match String::from_utf8(bytes) {
        Ok(text) => match text.find('\0') {
            None => return Ok(text),
            Some(at) => (
                text[..at].to_string(),
                "a NUL byte: this looks like a binary file, not a spec".to_string(),
            ),
        },
        Err(error) => {
            let at = error.utf8_error().valid_up_to();
            let bytes = error.into_bytes();
            let bad = bytes[at];
            let valid = String::from_utf8(bytes[..at].to_vec()).expect("valid up to `at`");
            (
                valid,
                format!("byte 0x{bad:02X} is not UTF-8: save the file as UTF-8 text"),
            )
        }
    };
    let line = valid.matches('\n').count() + 1;
    let column = valid
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    Err(format!("{display}:{line}:{column}: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn utf8_text_reads_as_it_is() {
        assert_eq!(
            decode("a.feature", "Feature: é\n".as_bytes().to_vec()),
            Ok("Feature: é\n".to_string())
        );
    }

    #[test]
    fn an_invalid_byte_is_reported_at_its_line_and_column() {
        let mut bytes = b"Feature: f\n  Scenario: caf".to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b"\n");
        assert_eq!(
            decode("specs/latin1.feature", bytes),
            Err(
                "specs/latin1.feature:2:16: byte 0xE9 is not UTF-8: save the file as UTF-8 text"
                    .to_string()
            )
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let mut bytes = "Feature: é".as_bytes().to_vec();
        bytes.push(0xFF);
        assert_eq!(
            decode("x.feature", bytes),
            Err("x.feature:1:11: byte 0xFF is not UTF-8: save the file as UTF-8 text".to_string())
        );
    }

    #[test]
    fn a_nul_byte_marks_a_binary_file() {
        let bytes = b"\x7fELF\n\x00\x01".to_vec();
        assert_eq!(
            decode("specs/a.out.feature", bytes),
            Err(
                "specs/a.out.feature:2:1: a NUL byte: this looks like a binary file, not a spec"
                    .to_string()
            )
        );
    }
}
