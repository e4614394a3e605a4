//! `netsplit`: run spec files, list the step vocabulary, or ask what a partition
//! would do to a cluster.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod what_if;

#[derive(Parser)]
#[command(
    name = "netsplit",
    version,
    about = "Specify and test how a Mesos cluster behaves when its network fails"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the scenarios of spec files or directories (default: `specs/`, or `NETSPLIT_SPECS`)
    ///
    /// Arguments after `--` go to the test runner, as with `cargo test`:
    /// `netsplit run specs -- --exact '[unit] detection::Agent ...'`, `-- --list`, `-- --skip slow`.
    Run {
        /// Spec directories or `.feature` files
        paths: Vec<String>,
        /// libtest arguments: a name filter, --exact, --skip, --list, --ignored, --format, --color, ...
        #[arg(last = true)]
        libtest: Vec<String>,
    },
    /// List every step the specs can use, with an example of each
    Steps {
        /// Only steps whose pattern or example contains this text
        filter: Option<String>,
        /// Print the whole reference as Markdown (as in `docs/steps.md`)
        #[arg(long, conflicts_with = "filter")]
        markdown: bool,
    },
    /// Show what a partition of one agent does to partition-aware and other frameworks
    WhatIf(what_if::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run { paths, libtest } => {
            let args = libtest_mimic::Arguments::from_iter(
                std::iter::once("netsplit run".to_string()).chain(libtest),
            );
            let harness = netsplit::runner::Harness::new(netsplit::vocabulary::registry())
                .package_dir(std::env::current_dir().unwrap_or_default());
            let mut rerun = String::from("netsplit run");
            for path in &paths {
                rerun.push(' ');
                rerun.push_str(&shell_word(path));
            }
            let harness = harness.rerun_command(rerun);
            let harness = if paths.is_empty() {
                harness
            } else {
                harness.specs(paths)
            };
            harness.run_with(args)
        }
        Command::Steps { markdown: true, .. } => {
            print!("{}", netsplit::vocabulary::reference());
            ExitCode::SUCCESS
        }
        Command::Steps { filter, .. } => match netsplit::steps::reference::text(
            &netsplit::vocabulary::registry(),
            filter.as_deref(),
        ) {
            Some(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            None => {
                eprintln!(
                    "error: no step contains `{}`; run `netsplit steps` for the whole vocabulary",
                    filter.unwrap_or_default()
                );
                ExitCode::FAILURE
            }
        },
        Command::WhatIf(args) => what_if::run(args),
    }
}

/// A word as a shell reads it back: quoted unless it is plain.
fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-:=@".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
