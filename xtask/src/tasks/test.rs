//! `cargo xtask test [unit|integration|e2e]...`: runs the named tiers, or all of them.
//!
//! Builds the test binaries, lists their tests, and runs those of each tier (see
//! [`crate::run`]: nextest when installed, the unit tier without a network where possible).
//! A tier with no tests says so and passes. Plain `cargo test` still runs everything.

use anyhow::{Result, bail};

use crate::cargo::{self, Workspace};
use crate::pyramid::{Config, Tier};
use crate::run::{self, Output, Runner};
use crate::suite;

/// The task's entry point.
pub fn main(args: &[String]) -> Result<()> {
    let mut tiers: Vec<Tier> = args
        .iter()
        .map(|a| a.parse::<Tier>())
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow::anyhow!("{e}\nusage: cargo xtask test [unit|integration|e2e]..."))?;
    if tiers.is_empty() {
        tiers = Tier::ALL.to_vec();
    }
    tiers.sort();
    tiers.dedup();

    let workspace = Workspace::discover()?;
    let config = Config::load(&workspace.root)?;
    let binaries = cargo::build_tests(&workspace)?;
    let mut inventory = suite::inventory(&workspace, &binaries, &config)?;
    let runner = Runner::detect();
    let names: Vec<&str> = tiers.iter().map(|t| t.name()).collect();
    println!("running {} {}", names.join(", "), runner.describe());
    let outcome = run::run(
        &workspace,
        &binaries,
        &mut inventory,
        &tiers,
        &config,
        &runner,
        Output::Stdout,
    )?;
    if tiers.contains(&Tier::Unit) {
        println!("{}", inventory.isolation);
    }
    println!("{}", outcome.closing_line());
    if !outcome.failures.is_empty() {
        bail!("tests failed: {}", outcome.failures.join(", "));
    }
    Ok(())
}
