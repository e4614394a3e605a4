//! Reading a spec file: its text, or an error that says where and what is wrong.
//!
//! A spec file is UTF-8 text. A file that is not (a binary file, another encoding,
//! one damaged on the way) fails with the line and column of the first bad byte;
//! a file larger than [`MAX_BYTES`] fails without being read: its size is checked
//! first, and a file whose size the system does not know in advance (a pipe, a
//! device) is read no further than the limit.

use std::io::Read;
use std::path::Path;

/// The largest spec file the harness reads: far beyond any hand-written spec (ten
/// thousand scenarios are about 2 MiB), small enough that a wrong path to a disk
/// image or a log fails at once.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The text of the spec file at `path`, shown to people as `display`.
pub fn read(path: &Path, display: &str) -> Result<String, String> {
    read_at_most(path, display, MAX_BYTES)
}

/// [`read`] with another limit.
fn read_at_most(path: &Path, display: &str, limit: u64) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read `{display}`: {e}"))?;
    let too_large = |size: Option<u64>| {
        let size = size.map_or_else(String::new, |s| format!(" ({})", amount(s)));
        format!(
            "`{display}` is larger than {}{size}: it is not a spec file; check the path, or split the file",
            amount(limit)
        )
    };
    // A regular file's size is known: one too large is refused unread. Anything else
    // (a pipe, a device) is read up to the limit and no further.
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    if size.is_some_and(|size| size > limit) {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size.unwrap_or(0)).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read `{display}`: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(None));
    }
    decode(display, bytes)
}

/// `16 MiB`, `100 MiB`, or `1024 bytes` below a MiB.
fn amount(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    match bytes >= MIB {
        true => format!("{} MiB", bytes / MIB),
        false => format!("{bytes} bytes"),
    }
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

    /// A file of its own under the target's temporary directory, emptied first.
    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("netsplit-source-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn a_100_mib_file_is_refused_by_its_size_without_being_read() {
        let path = scratch("huge.feature");
        // A sparse file: 100 MiB long, nothing written, so nothing to read either.
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(100 * 1024 * 1024).unwrap();
        let error = read(&path, "specs/huge.feature").unwrap_err();
        assert_eq!(
            error,
            "`specs/huge.feature` is larger than 16 MiB (100 MiB): it is not a spec file; check the path, or split the file"
        );
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() {
        let path = scratch("limit.feature");
        let mut text = b"Feature: f\n".to_vec();
        text.resize(1024, b' ');
        std::fs::write(&path, &text).unwrap();
        assert_eq!(
            read_at_most(&path, "limit.feature", 1024).map(|t| t.len()),
            Ok(1024)
        );
        assert_eq!(
            read_at_most(&path, "limit.feature", 1023),
            Err("`limit.feature` is larger than 1023 bytes (1024 bytes): it is not a spec file; check the path, or split the file".to_string())
        );
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn an_endless_device_is_read_no_further_than_the_limit() {
        let error = read_at_most(Path::new("/dev/zero"), "specs/zero.feature", 4096).unwrap_err();
        assert_eq!(
            error,
            "`specs/zero.feature` is larger than 4096 bytes: it is not a spec file; check the path, or split the file"
        );
    }

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
