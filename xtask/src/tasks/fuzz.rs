//! `cargo xtask fuzz <target|all> [--time SECS]`: coverage-guided fuzzing of the front
//! end with cargo-fuzz (libFuzzer), on the nightly toolchain.
//!
//! The targets live in `fuzz/fuzz_targets/` (`parse`, `steps`, `values`). Each run
//! starts from a corpus seeded from the project's own specs and test fixtures (whole
//! files for `parse`, their step lines for `steps`, their words for `values`), kept
//! under `fuzz/corpus/<target>` so that later runs go on from what earlier ones
//! found. A crash leaves its input in `fuzz/artifacts/<target>/` and fails the task;
//! it then belongs in a regression test.
//!
//! cargo-fuzz is installed from crates.io when it is missing; the nightly toolchain
//! must be there (`rustup toolchain install nightly`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::cargo::{self, Workspace};
use crate::suite;

/// The fuzz targets, with what each takes.
pub const TARGETS: [(&str, &str); 3] = [
    (
        "parse",
        "any bytes as a spec file: decoding, parsing, outlines, diagnostics",
    ),
    (
        "steps",
        "any text as a step of each kind, against the Mesos vocabulary",
    ),
    (
        "values",
        "any text as a duration, version, state, reason, source, message or flag",
    ),
];

const USAGE: &str = "usage: cargo xtask fuzz <parse|steps|values|all> [--time SECS]";

/// What one target's run found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub runs: u64,
    pub coverage: u64,
    pub corpus: u64,
}

/// The task's entry point.
pub fn main(args: &[String]) -> Result<()> {
    let mut target = None;
    let mut seconds = 60u64;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--time" => {
                let value = args
                    .next()
                    .context(format!("`--time` takes seconds\n{USAGE}"))?;
                seconds = value.parse().ok().filter(|s| *s > 0).with_context(|| {
                    format!("`--time {value}`: give a whole number of seconds above 0\n{USAGE}")
                })?;
            }
            name if target.is_none() && !name.starts_with('-') => target = Some(name.to_owned()),
            other => bail!("unknown argument `{other}`\n{USAGE}"),
        }
    }
    let Some(target) = target else {
        bail!("name a target\n{USAGE}");
    };
    let targets: Vec<&str> = match target.as_str() {
        "all" => TARGETS.iter().map(|(t, _)| *t).collect(),
        name => match TARGETS.iter().find(|(t, _)| *t == name) {
            Some((t, _)) => vec![*t],
            None => bail!("no fuzz target `{name}`\n{USAGE}"),
        },
    };
    let workspace = Workspace::discover()?;
    ensure_tools()?;
    let mut crashed = Vec::new();
    for target in targets {
        let corpus = seed_corpus(&workspace.root, target)?;
        match run(&workspace.root, target, &corpus, seconds)? {
            Ok(stats) => println!(
                "fuzz {target}: {} runs in {seconds}s, coverage {} (libFuzzer `cov`), corpus {} inputs: no crash",
                stats.runs, stats.coverage, stats.corpus
            ),
            Err(why) => {
                println!("fuzz {target}: {why}");
                crashed.push(target);
            }
        }
    }
    if !crashed.is_empty() {
        bail!(
            "fuzzing failed for {}: a crash's input is in fuzz/artifacts/<target>/; make each a regression test",
            crashed.join(", ")
        );
    }
    Ok(())
}

/// The nightly toolchain must be there; cargo-fuzz is installed when missing.
fn ensure_tools() -> Result<()> {
    let nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .stdin(Stdio::null())
        .output();
    if !nightly.is_ok_and(|o| o.status.success()) {
        bail!(
            "fuzzing needs the nightly toolchain (libFuzzer's sanitizers): `rustup toolchain install nightly`"
        );
    }
    let installed = cargo::cargo()
        .args(["fuzz", "--version"])
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        println!("installing cargo-fuzz from crates.io");
        cargo::run(cargo::cargo().args(["install", "cargo-fuzz", "--locked"]))
            .context("cannot install cargo-fuzz")?;
    }
    Ok(())
}

/// `fuzz/corpus/<target>`, with the project's own inputs added as seeds.
fn seed_corpus(root: &Path, target: &str) -> Result<PathBuf> {
    let dir = root.join("fuzz").join("corpus").join(target);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let mut files = Vec::new();
    for base in [
        "specs",
        "tests/fixtures",
        "src/spec/testdata",
        "examples/specs",
    ] {
        suite::collect_files(&root.join(base), "feature", &mut files);
    }
    // A set: the seeds come out sorted, whatever order the files were found in.
    let mut seeds: BTreeSet<String> = BTreeSet::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        seeds.extend(seeds_of(target, &text));
    }
    for (i, seed) in seeds.iter().enumerate() {
        let mut bytes = Vec::with_capacity(seed.len() + 1);
        if target == "steps" {
            // The first byte picks the kind of step and its attachment: seed each
            // step as a Given, a When and a Then without attachment.
            for kind in 0u8..3 {
                bytes.clear();
                bytes.push(kind);
                bytes.extend_from_slice(seed.as_bytes());
                std::fs::write(dir.join(format!("seed-{i:05}-{kind}")), &bytes)?;
            }
            continue;
        }
        bytes.extend_from_slice(seed.as_bytes());
        std::fs::write(dir.join(format!("seed-{i:05}")), &bytes)?;
    }
    Ok(dir)
}

/// The seeds a spec file gives a target.
pub fn seeds_of(target: &str, text: &str) -> Vec<String> {
    match target {
        "parse" => vec![text.to_owned()],
        "steps" => text
            .lines()
            .map(str::trim)
            .filter_map(|l| {
                ["Given ", "When ", "Then ", "And ", "But "]
                    .iter()
                    .find_map(|k| l.strip_prefix(k))
            })
            .map(str::to_owned)
            .collect(),
        _ => text
            .split(|c: char| c.is_whitespace() || c == '|' || c == '"')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect(),
    }
}

/// Runs one target for `seconds`; the stats of its last report, or what crashed.
fn run(
    root: &Path,
    target: &str,
    corpus: &Path,
    seconds: u64,
) -> Result<std::result::Result<Stats, String>> {
    // Through rustup, so that the nightly toolchain's cargo runs it.
    let mut command = Command::new("rustup");
    command
        .current_dir(root)
        .env("RUST_BACKTRACE", "0")
        .args(["run", "nightly", "cargo", "fuzz", "run", target])
        .arg(corpus)
        .args([
            "--",
            &format!("-max_total_time={seconds}"),
            "-print_final_stats=1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped());
    println!("$ {}", cargo::shown(&command));
    let started = Instant::now();
    let output = command
        .output()
        .context("cannot start `cargo +nightly fuzz`")?;
    let log = String::from_utf8_lossy(&output.stderr);
    let elapsed = started.elapsed();
    if !output.status.success() {
        let tail: Vec<&str> = log.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        eprintln!("{}", tail.join("\n"));
        let crashed = log.contains("SUMMARY: libFuzzer") || log.contains("==ERROR");
        return Ok(Err(format!(
            "{} after {:.0?} ({}); see the output above",
            if crashed {
                format!("crashed, its input is in fuzz/artifacts/{target}/")
            } else {
                "failed to run".to_owned()
            },
            Duration::from_secs(elapsed.as_secs()),
            output.status
        )));
    }
    Ok(Ok(stats(&log)))
}

/// libFuzzer's last status line (`#12345 DONE cov: 812 ft: 2044 corp: 311/40Kb ...`)
/// and its final stats (`stat::number_of_executed_units: 12345`).
pub fn stats(log: &str) -> Stats {
    let mut stats = Stats::default();
    for line in log.lines() {
        let mut words = line.split_whitespace();
        if let Some(first) = words.next()
            && let Some(n) = first.strip_prefix('#').and_then(|n| n.parse().ok())
        {
            stats.runs = stats.runs.max(n);
            let rest: Vec<&str> = words.collect();
            for pair in rest.windows(2) {
                match pair[0] {
                    "cov:" => stats.coverage = pair[1].parse().unwrap_or(stats.coverage),
                    "corp:" => {
                        stats.corpus = pair[1]
                            .split('/')
                            .next()
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(stats.corpus)
                    }
                    _ => {}
                }
            }
        }
        if let Some(n) = line
            .strip_prefix("stat::number_of_executed_units:")
            .and_then(|n| n.trim().parse().ok())
        {
            stats.runs = n;
        }
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn libfuzzer_logs_give_the_runs_coverage_and_corpus() {
        let log = "INFO: Seed: 1\n#2\tINITED cov: 40 ft: 41 corp: 1/1b exec/s: 0\n\
                   #4096\tpulse  cov: 812 ft: 2044 corp: 311/40Kb lim: 4 exec/s: 2048\n\
                   #9000\tDONE   cov: 830 ft: 2100 corp: 320/41Kb lim: 4 exec/s: 3000\n\
                   stat::number_of_executed_units: 9001\n";
        assert_eq!(
            stats(log),
            Stats {
                runs: 9001,
                coverage: 830,
                corpus: 320
            }
        );
    }

    #[test]
    fn each_target_is_seeded_from_the_spec_text_it_understands() {
        let text = "Feature: f\n  Scenario: s\n    Given an agent \"a1\"\n    When 80s pass\n";
        assert_eq!(seeds_of("parse", text), [text]);
        assert_eq!(seeds_of("steps", text), ["an agent \"a1\"", "80s pass"]);
        assert!(seeds_of("values", text).contains(&"80s".to_owned()));
    }
}
