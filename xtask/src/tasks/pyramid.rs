//! `cargo xtask pyramid`: counts every test of every tier, times them, draws the test
//! pyramid, and fails when its shape or a budget is broken.
//!
//! Collecting the inventory (building, listing, running, timing slow tests again alone) is
//! [`crate::suite`], [`crate::run`] and [`crate::retime`]; judging and drawing it is
//! [`crate::pyramid`].
//!
//! ```text
//! cargo xtask pyramid                 # build, list, run every tier, draw, check
//! cargo xtask pyramid --format json   # the same report as JSON on stdout (test output on stderr)
//! cargo xtask pyramid --no-run        # list only: the shape, without times or budgets
//! ```

use std::io::IsTerminal;

use anyhow::{Result, bail};

use crate::cargo::{self, Workspace};
use crate::pyramid::{Config, Inventory, Tier, check, draw, json};
use crate::run::{self, Output, Runner};
use crate::{retime, suite};

const USAGE: &str = "usage: cargo xtask pyramid [--format text|json] [--no-run]";

/// The task's entry point.
pub fn main(args: &[String]) -> Result<()> {
    let mut format_json = false;
    let mut no_run = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => match args.next().map(String::as_str) {
                Some("json") => format_json = true,
                Some("text") => format_json = false,
                _ => bail!("`--format` takes `text` or `json`\n{USAGE}"),
            },
            "--format=json" => format_json = true,
            "--format=text" => format_json = false,
            "--no-run" => no_run = true,
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    let output = if format_json {
        Output::Stderr
    } else {
        Output::Stdout
    };

    let workspace = Workspace::discover()?;
    let config = Config::load(&workspace.root)?;
    let binaries = cargo::build_tests(&workspace)?;
    let mut inventory = suite::inventory(&workspace, &binaries, &config)?;
    let mut failed = Vec::new();
    if !no_run {
        let runner = Runner::detect();
        output.line(&format!("running every tier {}", runner.describe()));
        let outcome = run::run(
            &workspace,
            &binaries,
            &mut inventory,
            &Tier::ALL,
            &config,
            &runner,
            output,
        )?;
        output.line(&outcome.closing_line());
        failed = outcome.failures;
        failed.extend(retime::retime(&binaries, &mut inventory, &config, output)?);
    }
    report(&inventory, &config, format_json, &failed)
}

/// Prints the pyramid (or its JSON) and fails when tests failed or the pyramid is broken.
pub fn report(
    inventory: &Inventory,
    config: &Config,
    format_json: bool,
    failed: &[String],
) -> Result<()> {
    if format_json {
        println!("{}", json(inventory, config));
    } else {
        let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        print!("\n{}", draw(inventory, config, color));
    }
    if !failed.is_empty() {
        bail!("tests failed: {}", failed.join(", "));
    }
    if !check(inventory, config).is_ok() {
        bail!("the test pyramid is broken: see the problems listed above");
    }
    Ok(())
}
