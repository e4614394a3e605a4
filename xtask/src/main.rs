//! `cargo xtask`: the project's automation, one module per task.
//!
//! The modules, in layers; each uses only the layers above it, so data flows one way:
//!
//! 1. Readers and the pyramid's core, which run nothing: [`junit`] (nextest's JUnit report),
//!    [`pyramid`] (the [`Inventory`](pyramid::Inventory) of tests, the
//!    [`Config`](pyramid::Config) of `.config/pyramid.toml`, the check and the drawing).
//! 2. The runners, which fill an inventory in: [`cargo`] (running cargo, finding the test
//!    binaries), [`suite`] (listing and tiering every test), [`run`] (running tiers and timing
//!    each test) and [`retime`] (timing the slow ones again, alone, before the budgets judge
//!    them).
//! 3. The tasks, [`tasks`], each an entry point that puts the two together:
//!    - [`tasks::ci`]: `cargo xtask ci`, every check CI runs (`.ci/run` calls it and nothing
//!      else).
//!    - [`tasks::test`]: `cargo xtask test [unit|integration|e2e]...`, one tier of tests at
//!      a time.
//!    - [`tasks::pyramid`]: `cargo xtask pyramid`, the test pyramid: counted, timed, drawn,
//!      checked.
//!    - [`tasks::fuzz`]: `cargo xtask fuzz <target>`, coverage-guided fuzzing of the front end.
//!    - [`tasks::bench`]: `cargo xtask bench`, the performance targets measured on generated
//!      workloads ([`mod@bench`]: the workloads, one measured run, the table).
//!
//! What the spec harness writes and xtask reads (environment variables, the tier prefixes of
//! test names, the timing file, the ignore-reason listing) is defined once, for both, in the
//! `netsplit_protocol` crate.
//!
//! xtask works on the cargo workspace around the current directory and reads that
//! workspace's `.config/pyramid.toml`, so it can check other projects as well. Its outside
//! dependencies are few and quick to build (no proc macros): `serde_json` for cargo's
//! messages and the JSON report, `quick-xml` for JUnit, `toml` for the config, `anyhow`.

mod bench;
mod cargo;
mod junit;
mod pyramid;
mod retime;
mod run;
mod suite;
mod tasks;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  ci                                  every check CI runs: format, clippy, every tier of tests,
                                      doctests, docs, the test pyramid
  test [unit|integration|e2e]...      run the named tiers of tests (all of them when none is named)
  pyramid [--format text|json] [--no-run]
                                      count, time and draw the test pyramid; fail when its shape
                                      or a test's time budget is broken (limits: .config/pyramid.toml)
  fuzz <parse|steps|values|all> [--time SECS]
                                      fuzz the front end with cargo-fuzz on nightly (default 60 s
                                      per target); a crash fails and leaves its input in fuzz/artifacts
  bench [--agents N] [--small-agents N] [--tasks N] [--scenarios N] [--runs N] [--smoke] [--build]
                                      measure the performance targets (release build, medians of
                                      alternating runs) and print them against their targets

environment:
  XTASK_NO_NEXTEST=1                  run test binaries one by one even when cargo-nextest is installed";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("", &[][..]),
    };
    let result = match task {
        "ci" => tasks::ci::main(rest),
        "test" => tasks::test::main(rest),
        "pyramid" => tasks::pyramid::main(rest),
        "fuzz" => tasks::fuzz::main(rest),
        "bench" => tasks::bench::main(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
