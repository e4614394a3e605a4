//! `cargo xtask ci`: every check CI runs, the same locally and in CI (`.ci/run` calls it).
//!
//! Steps, in order, each printed before it runs; the first that fails stops the run, and
//! the time of each step is printed at the end:
//!
//! 1. format: `cargo fmt --all --check`
//! 2. lint: `cargo clippy --workspace --all-targets -- -D warnings`
//! 3. build: `cargo test --workspace --no-run`, then every test binary's `--list`
//! 4. tests: every tier, once (nextest when installed; the unit tier without a network)
//! 5. doctests: `cargo test --workspace --doc` (not part of the pyramid)
//! 6. examples: `cargo run --example <name>` for every `examples/*.rs`; each must exit 0
//! 7. docs: `RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps`
//! 8. fuzz: every fuzz target for 10 s, installing cargo-fuzz when missing (needs the
//!    nightly toolchain)
//! 9. bench: `cargo xtask bench --smoke`, every performance workload at small sizes: each
//!    must run and give the right results (times are printed, never judged)
//! 10. pyramid: the shape and budgets, from the times of step 4; a test over half its budget
//!     there is first timed again alone (`alone_runs` in `.config/pyramid.toml`)
//!
//! The test binaries are built once (step 3) and step 4 reuses them, whichever runner runs them.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::cargo::{self, TestBinary, Workspace};
use crate::pyramid::{Config, Inventory, Tier, human};
use crate::run::{self, Output, Runner};
use crate::tasks::pyramid;
use crate::{retime, suite};

/// What the steps hand on to the ones after them.
#[derive(Default)]
struct State {
    workspace: Option<Workspace>,
    config: Option<Config>,
    binaries: Vec<TestBinary>,
    inventory: Option<Inventory>,
    closing_line: Option<String>,
}

type Step = (&'static str, &'static str, fn(&mut State) -> Result<()>);

const STEPS: &[Step] = &[
    ("format", "cargo fmt --all --check", format),
    (
        "lint",
        "cargo clippy --workspace --all-targets -- -D warnings",
        lint,
    ),
    (
        "build",
        "cargo test --workspace --no-run, and list every test",
        build,
    ),
    (
        "tests",
        "every tier, the unit tier without network where possible",
        tests,
    ),
    ("doctests", "cargo test --workspace --doc", doctests),
    (
        "examples",
        "cargo run --example <each of examples/*.rs>",
        examples,
    ),
    (
        "docs",
        "RUSTDOCFLAGS='-D warnings' cargo doc --workspace --no-deps",
        docs,
    ),
    (
        "fuzz",
        "every fuzz target for 10 s (cargo-fuzz on nightly): a smoke test",
        fuzz,
    ),
    (
        "bench",
        "cargo xtask bench --smoke: every workload runs and gives the right results",
        bench,
    ),
    (
        "pyramid",
        "the test pyramid, from the tests' run; slow tests timed again alone",
        pyramid,
    ),
];

/// The task's entry point.
pub fn main(args: &[String]) -> Result<()> {
    if let Some(arg) = args.first() {
        bail!("unknown argument `{arg}`\nusage: cargo xtask ci");
    }
    let started = Instant::now();
    let mut state = State::default();
    let mut times: Vec<(&str, Duration)> = Vec::new();
    for (i, &(name, what, step)) in STEPS.iter().enumerate() {
        println!("\n==> [{}/{}] {name}: {what}", i + 1, STEPS.len());
        let step_started = Instant::now();
        let result = step(&mut state);
        times.push((name, step_started.elapsed()));
        if let Err(error) = result {
            summary(&times, started.elapsed(), Some(name), &state);
            bail!("ci failed at step `{name}`: {error:#}");
        }
    }
    summary(&times, started.elapsed(), None, &state);
    Ok(())
}

fn summary(times: &[(&str, Duration)], total: Duration, failed: Option<&str>, state: &State) {
    match failed {
        None => println!("\nci passed in {}", human(total)),
        Some(name) => println!("\nci failed at `{name}` after {}", human(total)),
    }
    for (name, time) in times {
        let mark = if Some(*name) == failed {
            "failed"
        } else {
            "ok"
        };
        println!("  {name:<9} {:>8}  {mark}", human(*time));
    }
    // Last, so that CI's reader finds the tests' closing line at the end of the output.
    if let Some(line) = &state.closing_line {
        println!("{line}");
    }
}

fn format(_: &mut State) -> Result<()> {
    cargo::run(cargo::cargo().args(["fmt", "--all", "--check"]))
        .map_err(|e| e.context("the code is not formatted: run `cargo fmt --all`"))
}

fn lint(_: &mut State) -> Result<()> {
    cargo::run(cargo::cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
    .map_err(|e| {
        e.context("clippy has warnings: fix them, or allow one with a reason where it is wrong")
    })
}

fn build(state: &mut State) -> Result<()> {
    let workspace = Workspace::discover()?;
    let config = Config::load(&workspace.root)?;
    let binaries = cargo::build_tests(&workspace)?;
    let inventory = suite::inventory(&workspace, &binaries, &config)?;
    let counts: Vec<String> = Tier::ALL
        .iter()
        .map(|&t| {
            format!(
                "{} {t}",
                inventory.tests.iter().filter(|x| x.tier == t).count()
            )
        })
        .collect();
    println!(
        "{} test binaries list {}",
        binaries.len(),
        counts.join(", ")
    );
    state.workspace = Some(workspace);
    state.config = Some(config);
    state.binaries = binaries;
    state.inventory = Some(inventory);
    Ok(())
}

fn tests(state: &mut State) -> Result<()> {
    let (Some(workspace), Some(config), Some(inventory)) =
        (&state.workspace, &state.config, &mut state.inventory)
    else {
        bail!("the build step did not run");
    };
    let runner = Runner::detect();
    println!("running every tier {}", runner.describe());
    let outcome = run::run(
        workspace,
        &state.binaries,
        inventory,
        &Tier::ALL,
        config,
        &runner,
        Output::Stdout,
    )?;
    state.closing_line = Some(outcome.closing_line());
    println!("{}", outcome.closing_line());
    if !outcome.failures.is_empty() {
        bail!("tests failed: {}", outcome.failures.join(", "));
    }
    Ok(())
}

fn doctests(state: &mut State) -> Result<()> {
    if !state
        .workspace
        .as_ref()
        .is_some_and(|w| w.packages.iter().any(|p| p.has_lib))
    {
        println!("no library in the workspace: no doctests");
        return Ok(());
    }
    cargo::run(cargo::cargo().args(["test", "--workspace", "--doc"]))
}

/// Examples are documentation that runs: each must build and exit 0.
fn examples(_: &mut State) -> Result<()> {
    let mut names: Vec<String> = match std::fs::read_dir("examples") {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let path = e.path();
                if path.extension()? != "rs" {
                    return None;
                }
                Some(path.file_stem()?.to_string_lossy().into_owned())
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    if names.is_empty() {
        println!("no examples/*.rs: nothing to run");
    }
    for name in names {
        cargo::run(cargo::cargo().args(["run", "--quiet", "--example", &name])).map_err(|e| {
            e.context(format!(
                "the example `{name}` failed: run `cargo run --example {name}`"
            ))
        })?;
    }
    Ok(())
}

/// A smoke test of the fuzz targets: they build, start from the seed corpus and run
/// 10 seconds each without a crash (`cargo xtask fuzz all --time 600` is the real run).
fn fuzz(_: &mut State) -> Result<()> {
    super::fuzz::main(&["all".to_owned(), "--time".to_owned(), "10".to_owned()])
}

/// The performance workloads at small sizes, once, in the dev build: a check that each runs
/// and is right. The targets are measured by `cargo xtask bench`, on a quiet machine.
fn bench(_: &mut State) -> Result<()> {
    super::bench::main(&["--smoke".to_owned()])
}

fn docs(_: &mut State) -> Result<()> {
    let flags = match std::env::var("RUSTDOCFLAGS") {
        Ok(existing) if !existing.trim().is_empty() => format!("{existing} -D warnings"),
        _ => "-D warnings".to_owned(),
    };
    cargo::run(
        cargo::cargo()
            .env("RUSTDOCFLAGS", flags)
            .args(["doc", "--workspace", "--no-deps"]),
    )
    .map_err(|e| e.context("the docs have warnings (broken links, bad code blocks): fix them"))
}

fn pyramid(state: &mut State) -> Result<()> {
    let (Some(config), Some(inventory)) = (&state.config, &mut state.inventory) else {
        bail!("the build step did not run");
    };
    let failed = retime::retime(&state.binaries, inventory, config, Output::Stdout)?;
    pyramid::report(inventory, config, false, &failed)
}
