//! End-to-end tests of the `netsplit` command: the built binary runs as a process on
//! the small spec files under `tests/fixtures/`, and what it prints and its exit code
//! are checked against the promises of the spec language (docs/language.md) and of
//! the command's help.
//!
//! Golden files: reports and messages are compared with `tests/expected/<name>.txt`
//! after masking what varies (wall times such as `(1.2 ms)` and `in 3.4 ms`, the
//! fixtures' absolute path, the command a `rerun:` line starts with). When output
//! changes on purpose, rewrite the golden files and review the diff:
//!
//! ```sh
//! NETSPLIT_BLESS=1 cargo test --test cli
//! git diff tests/expected
//! ```
//!
//! A missing golden file fails its test until it is blessed. Runs use `--color never`
//! (or no terminal) so that no ANSI codes reach the golden files, and
//! `--test-threads 1` where order matters.
//!
//! Tests that show a known bug are `#[ignore = "bug: ..."]`; run them with
//! `cargo test --test cli -- --ignored`.

mod commands;
mod determinism;
mod hostile;
mod malformed;
mod report;
mod selection;
mod step_errors;
mod support;
