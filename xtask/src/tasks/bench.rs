//! `cargo xtask bench`: the project's performance targets, measured on this machine.
//!
//! It generates the workloads as spec files (`bench::workload`) under
//! `<target dir>/xtask-bench/`, builds what runs them, runs every workload `--runs` times in
//! turn (one run of each, then the next round, so that a busy spell of the machine falls on
//! all of them alike), and prints the median of each with its spread, its peak memory and
//! its share of the target:
//!
//! | workload | target |
//! |---|---|
//! | 10,000 quiet agents, a task each, 220 s of virtual time (`netsplit run`) | ≤ 1 s |
//! | 1,000 agents × 100 tasks, half cut off for 100 s, healed, 120 s settle | ≤ 0.3 s |
//! | 10,000 agents × 100 tasks, the same | ≤ 2 s, ≤ 1 GiB peak RSS, ≤ 12× the 1,000 |
//! | 10,000 small scenarios in the spec harness (`cargo test --test specs`) | ≤ 3× a bare libtest-mimic runner of as many trivial trials (goal 2×) |
//! | `--list` of those scenarios | ≤ 50 ms |
//! | a clean build of what `cargo test` needs (`--build`) | ≤ 90 s |
//!
//! The clusters run in the release build of `netsplit run`; the scenarios in the spec
//! harness's test binary, as `cargo test --test specs` builds and runs it (dev profile), with
//! `NETSPLIT_SPECS` pointing at them; the bare runner is `benches/baseline` (release). Every
//! workload checks its own results (its Then steps, the harness's closing line), and a
//! workload that fails or gives a wrong result fails the task. Times never do: they are
//! printed, against their targets, for people to read. `--smoke` runs small sizes once in
//! the dev profile: a check that every workload runs and is right, which CI makes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use netsplit_protocol::TIMINGS_VAR;

use crate::bench::measure::{self, Peak, Run};
use crate::bench::table::{self, Quantity, Row, Target, count};
use crate::bench::workload::{self, Sizes};
use crate::cargo::{self, Workspace};

const USAGE: &str = "\
usage: cargo xtask bench [--agents N] [--small-agents N] [--tasks N] [--scenarios N] [--runs N]
                         [--smoke] [--build]

  --agents N        agents of the quiet cluster and of the large partitioned one (default 10000)
  --small-agents N  agents of the small partitioned cluster (default 1000)
  --tasks N         tasks on each agent of the partitioned clusters (default 100)
  --scenarios N     small scenarios in the spec harness, and trials of the bare runner (default 10000)
  --runs N          runs of each workload; the table shows medians (default 5)
  --smoke           small sizes, one run, dev profile: checks that every workload runs and is right
  --build           also time a clean build of what `cargo test` needs (minutes)";

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
const QUIET: Target = Target::at_most(Quantity::Seconds(1.0), "≤ 1 s");
const PARTITION_SMALL: Target = Target::at_most(Quantity::Seconds(0.3), "≤ 0.3 s");
const PARTITION_LARGE: Target = Target::at_most(Quantity::Seconds(2.0), "≤ 2 s");
const PARTITION_LARGE_RSS: Target = Target::at_most(Quantity::Bytes(GIB), "≤ 1 GiB");
const SCALING: Target = Target::at_most(Quantity::Times(12.0), "≤ 12×");
const HARNESS: Target =
    Target::with_goal(Quantity::Times(3.0), Quantity::Times(2.0), "≤ 3× (goal 2×)");
const LIST: Target = Target::at_most(Quantity::Seconds(0.05), "≤ 50 ms");
const BUILD: Target = Target::at_most(Quantity::Seconds(90.0), "≤ 90 s");

/// The cargo profile the clusters and the bare runner are built in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Profile {
    Release,
    /// Quick to build and already built by the tests: for the smoke run, whose times mean
    /// nothing.
    Dev,
}

/// Whether the clean build is timed too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CleanBuild {
    Skip,
    Time,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Options {
    sizes: Sizes,
    runs: usize,
    profile: Profile,
    clean_build: CleanBuild,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options> {
        let mut smoke = false;
        let mut clean_build = CleanBuild::Skip;
        let (mut agents, mut small_agents, mut tasks, mut scenarios, mut runs) =
            (None, None, None, None, None);
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag, Some(value.to_owned())),
                None => (arg.as_str(), None),
            };
            let slot = match flag {
                "--smoke" => {
                    smoke = true;
                    continue;
                }
                "--build" => {
                    clean_build = CleanBuild::Time;
                    continue;
                }
                "--agents" => &mut agents,
                "--small-agents" => &mut small_agents,
                "--tasks" => &mut tasks,
                "--scenarios" => &mut scenarios,
                "--runs" => &mut runs,
                _ => bail!("unknown argument `{arg}`\n{USAGE}"),
            };
            let value = inline
                .or_else(|| args.next().cloned())
                .with_context(|| format!("`{flag}` takes a number\n{USAGE}"))?;
            let number = value
                .replace(['_', ','], "")
                .parse::<usize>()
                .ok()
                .with_context(|| {
                    format!("`{flag} {value}`: give a whole number, such as `{flag} 1000`")
                })?;
            *slot = Some(number);
        }
        let base = if smoke { Sizes::SMOKE } else { Sizes::FULL };
        let sizes = Sizes {
            agents: agents.unwrap_or(base.agents),
            small_agents: small_agents.unwrap_or(base.small_agents),
            tasks: tasks.unwrap_or(base.tasks),
            scenarios: scenarios.unwrap_or(base.scenarios),
        };
        sizes.check().map_err(anyhow::Error::msg)?;
        let runs = runs.unwrap_or(if smoke { 1 } else { 5 });
        if runs == 0 {
            bail!("`--runs 0`: give at least 1 run");
        }
        Ok(Options {
            sizes,
            runs,
            profile: if smoke {
                Profile::Dev
            } else {
                Profile::Release
            },
            clean_build,
        })
    }
}

/// The task's entry point.
pub fn main(args: &[String]) -> Result<()> {
    let options = Options::parse(args)?;
    let workspace = Workspace::discover()?;
    let dir = workspace.target_dir.join("xtask-bench");
    let files = write_workloads(&dir, &options.sizes)?;
    let binaries = build(&options)?;
    let workloads = workloads(&workspace.root, &files, &binaries, &options.sizes);

    let load_before = load_average();
    let mut samples: Vec<Vec<Run>> = workloads.iter().map(|_| Vec::new()).collect();
    for round in 1..=options.runs {
        let mut line = format!("run {round}/{}:", options.runs);
        for (workload, runs) in workloads.iter().zip(&mut samples) {
            let run = measure::run(&mut (workload.command)())?;
            (workload.check)(&run).with_context(|| {
                format!(
                    "the workload `{}` failed ({}); the end of its output:\n{}",
                    workload.name,
                    run.status,
                    run.tail(30)
                )
            })?;
            line.push_str(&format!(" {} {}", workload.name, Quantity::time(run.wall)));
            // Only the figures are kept: xtask's own peak bounds what the next runs can
            // measure exactly (see `bench::measure`).
            runs.push(Run {
                stdout: String::new(),
                stderr: String::new(),
                ..run
            });
        }
        println!("{line}");
    }
    let build_time = match options.clean_build {
        CleanBuild::Time => Some(clean_build(&workspace, &dir)?),
        CleanBuild::Skip => None,
    };

    let rows = rows(&options.sizes, &samples, build_time);
    println!("\n{}", table::render(&rows));
    let profile = match options.profile {
        Profile::Release => "the release build",
        Profile::Dev => {
            "the dev build (smoke sizes: the results are checked, the times mean nothing)"
        }
    };
    println!(
        "clusters: `netsplit run` of {profile}; scenarios: the spec harness's test binary (dev profile) \
         against benches/baseline; wall times on this machine, with whatever else it runs"
    );
    if let (Some(before), Some(after)) = (load_before, load_average()) {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        println!(
            "load average over the last minute: {before} before the runs, {after} after, on {cores} cores \
             (above the cores, other work shared the machine and the times are longer)"
        );
    }
    if options.sizes != Sizes::FULL {
        println!("targets are shown only for the sizes they are set for (the defaults)");
    }
    if build_time.is_none() {
        println!("the clean build of what `cargo test` needs is timed with `--build`");
    }
    Ok(())
}

/// The system's load average over the last minute (`/proc/loadavg`), where Linux gives it.
fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next().map(str::to_owned)
}

/// Where the generated spec files are.
struct Files {
    quiet: PathBuf,
    partition_small: PathBuf,
    partition_large: PathBuf,
    scenarios: PathBuf,
}

fn write_workloads(dir: &Path, sizes: &Sizes) -> Result<Files> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("cannot clear `{}`", dir.display()))?;
    }
    let scenarios = dir.join("scenarios");
    std::fs::create_dir_all(&scenarios)
        .with_context(|| format!("cannot create `{}`", scenarios.display()))?;
    let write = |path: PathBuf, text: String| -> Result<PathBuf> {
        std::fs::write(&path, text)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
        Ok(path)
    };
    for (name, text) in workload::small_scenarios(sizes.scenarios) {
        write(scenarios.join(name), text)?;
    }
    Ok(Files {
        quiet: write(dir.join("quiet.feature"), workload::quiet(sizes.agents))?,
        partition_small: write(
            dir.join("partition-small.feature"),
            workload::partition(sizes.small_agents, sizes.tasks),
        )?,
        partition_large: write(
            dir.join("partition-large.feature"),
            workload::partition(sizes.agents, sizes.tasks),
        )?,
        scenarios,
    })
}

/// The programs the workloads run.
struct Binaries {
    netsplit: PathBuf,
    baseline: PathBuf,
    specs: PathBuf,
}

fn build(options: &Options) -> Result<Binaries> {
    println!("building `netsplit`, the bare runner and the spec harness");
    let harness = ["test", "--test", "specs", "--no-run"];
    Ok(match options.profile {
        Profile::Release => Binaries {
            netsplit: cargo::build_executable(
                &["build", "--release", "--bin", "netsplit"],
                "netsplit",
                false,
            )?,
            baseline: cargo::build_executable(
                &["build", "--release", "--package", "netsplit-baseline"],
                "netsplit-baseline",
                false,
            )?,
            specs: cargo::build_executable(&harness, "specs", true)?,
        },
        // The `netsplit` that the harness's build makes for the integration tests: a plain
        // `cargo build` resolves features without the dev-dependencies and builds it again.
        Profile::Dev => Binaries {
            netsplit: cargo::build_executable(&harness, "netsplit", false)?,
            baseline: cargo::build_executable(
                &["build", "--package", "netsplit-baseline"],
                "netsplit-baseline",
                false,
            )?,
            specs: cargo::build_executable(&harness, "specs", true)?,
        },
    })
}

/// One workload: how to start a run of it, and how to tell that the run gave the right
/// results.
struct Workload {
    name: &'static str,
    command: Box<dyn Fn() -> Command>,
    check: Check,
}

/// Tells whether a run gave the right results; the error says what was wrong.
type Check = Box<dyn Fn(&Run) -> Result<()>>;

/// Whether the harness runs its scenarios or only lists them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Listing {
    Run,
    Only,
}

/// A check that the run exited successfully and printed `expected`.
fn prints(expected: String) -> Check {
    Box::new(move |run: &Run| {
        if !run.status.success() {
            bail!("it exited with {}", run.status);
        }
        if !run.stdout.contains(&expected) {
            bail!("it did not print `{expected}`");
        }
        Ok(())
    })
}

/// The spec harness's closing line for `n` scenarios that all passed.
fn all_passed(n: usize) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{n} scenario{s}: {n} passed, 0 failed")
}

fn workloads(root: &Path, files: &Files, binaries: &Binaries, sizes: &Sizes) -> Vec<Workload> {
    let root = root.to_path_buf();
    let in_root = move |program: &Path| {
        let mut command = Command::new(program);
        command
            .current_dir(&root)
            .env("CARGO_MANIFEST_DIR", &root)
            .env_remove("NETSPLIT_SPECS")
            .env_remove("NETSPLIT_TAGS")
            .env_remove(TIMINGS_VAR)
            .env_remove("NEXTEST");
        command
    };
    let cluster = |name, file: &Path| {
        let (in_root, program, file) =
            (in_root.clone(), binaries.netsplit.clone(), file.to_owned());
        Workload {
            name,
            command: Box::new(move || {
                let mut command = in_root(&program);
                command.arg("run").arg(&file);
                command
            }),
            check: prints(all_passed(1)),
        }
    };
    let harness = |listing: Listing| {
        let (in_root, program, dir) = (
            in_root.clone(),
            binaries.specs.clone(),
            files.scenarios.clone(),
        );
        move || {
            let mut command = in_root(&program);
            command.env("NETSPLIT_SPECS", &dir);
            if listing == Listing::Only {
                command.arg("--list");
            }
            command
        }
    };
    let n = sizes.scenarios;
    let baseline = {
        let (in_root, program) = (in_root.clone(), binaries.baseline.clone());
        move || {
            let mut command = in_root(&program);
            command.env("NETSPLIT_BASELINE_TRIALS", n.to_string());
            command
        }
    };
    vec![
        cluster("quiet", &files.quiet),
        cluster("partition-small", &files.partition_small),
        cluster("partition-large", &files.partition_large),
        Workload {
            name: "harness",
            command: Box::new(harness(Listing::Run)),
            check: prints(all_passed(n)),
        },
        Workload {
            name: "bare",
            command: Box::new(baseline),
            check: prints(format!("test result: ok. {n} passed; 0 failed")),
        },
        Workload {
            name: "list",
            command: Box::new(harness(Listing::Only)),
            check: Box::new(move |run: &Run| {
                let listed = run.stdout.lines().filter(|l| l.ends_with(": test")).count();
                if !run.status.success() || listed != n {
                    bail!("it listed {listed} tests, not {n} ({})", run.status);
                }
                Ok(())
            }),
        },
    ]
}

/// Times `cargo test --no-run` in an empty target directory, with the crates downloaded.
fn clean_build(workspace: &Workspace, dir: &Path) -> Result<Duration> {
    let target = dir.join("clean-build");
    cargo::run(cargo::cargo().arg("fetch").current_dir(&workspace.root))?;
    println!(
        "timing `cargo test --no-run` into the empty `{}`",
        target.display()
    );
    let run = measure::run(
        cargo::cargo()
            .args(["test", "--no-run"])
            .current_dir(&workspace.root)
            .env("CARGO_TARGET_DIR", &target),
    )?;
    let _ = std::fs::remove_dir_all(&target);
    if !run.status.success() {
        bail!(
            "`cargo test --no-run` failed in a clean target directory ({}):\n{}",
            run.status,
            run.tail(30)
        );
    }
    Ok(run.wall)
}

/// The table's rows; targets only for the sizes they are set for.
fn rows(sizes: &Sizes, samples: &[Vec<Run>], build_time: Option<Duration>) -> Vec<Row> {
    let full = Sizes::FULL;
    let times =
        |i: usize| -> Vec<Quantity> { samples[i].iter().map(|r| Quantity::time(r.wall)).collect() };
    // The largest of the runs; "at most" when xtask's own peak bounds it.
    let peak = |i: usize, target: Option<Target>| {
        let peak = samples[i]
            .iter()
            .map(|r| r.peak_rss)
            .reduce(Peak::max)
            .unwrap_or(Peak::AtMost(0));
        let measure = match peak {
            Peak::Exact(_) => "peak RSS",
            Peak::AtMost(_) => "peak RSS, at most",
        };
        Row::single("", measure, Quantity::Bytes(peak.bytes() as f64), target)
    };
    let median_time = |i: usize| {
        let seconds: Vec<f64> = samples[i].iter().map(|r| r.wall.as_secs_f64()).collect();
        table::median(&seconds).unwrap_or(f64::NAN)
    };
    let when = |holds: bool, target: Target| holds.then_some(target);
    let (agents, small, tasks, n) = (
        count(sizes.agents),
        count(sizes.small_agents),
        count(sizes.tasks),
        count(sizes.scenarios),
    );
    let large_is_full = sizes.agents == full.agents && sizes.tasks == full.tasks;
    let small_is_full = sizes.small_agents == full.small_agents && sizes.tasks == full.tasks;
    let scenarios_are_full = sizes.scenarios == full.scenarios;
    let mut rows = Vec::new();
    let mut push = |row: Option<Row>| rows.extend(row);
    push(Row::median_of(
        format!("{agents} quiet agents, 1 task each, 220 s"),
        &times(0),
        when(sizes.agents == full.agents, QUIET),
    ));
    push(Some(peak(0, None)));
    push(Row::median_of(
        format!("{small} agents × {tasks} tasks, half cut off 100 s, healed, 120 s"),
        &times(1),
        when(small_is_full, PARTITION_SMALL),
    ));
    push(Some(peak(1, None)));
    push(Row::median_of(
        format!("{agents} agents × {tasks} tasks, the same"),
        &times(2),
        when(large_is_full, PARTITION_LARGE),
    ));
    push(Some(peak(2, when(large_is_full, PARTITION_LARGE_RSS))));
    push(Some(Row::single(
        "",
        format!("time / the {small}"),
        Quantity::Times(median_time(2) / median_time(1)),
        when(large_is_full && small_is_full, SCALING),
    )));
    push(Row::median_of(
        format!("{n} small scenarios (4–6 steps), spec harness"),
        &times(3),
        None,
    ));
    push(Row::median_of(
        format!("bare libtest-mimic, {n} trivial trials"),
        &times(4),
        None,
    ));
    push(Some(Row::single(
        "",
        "harness / bare",
        Quantity::Times(median_time(3) / median_time(4)),
        when(scenarios_are_full, HARNESS),
    )));
    push(Row::median_of(
        format!("--list of the {n} scenarios"),
        &times(5),
        when(scenarios_are_full, LIST),
    ));
    if let Some(time) = build_time {
        push(Some(Row::single(
            "clean build of what `cargo test` needs",
            "time of 1 run",
            Quantity::time(time),
            Some(BUILD),
        )));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn no_arguments_measure_the_sizes_the_targets_are_set_for_in_release() {
        let options = Options::parse(&[]).unwrap();
        assert_eq!(
            options,
            Options {
                sizes: Sizes::FULL,
                runs: 5,
                profile: Profile::Release,
                clean_build: CleanBuild::Skip,
            }
        );
    }

    #[test]
    fn smoke_takes_small_sizes_one_run_and_the_dev_build_unless_told_otherwise() {
        let smoke = Options::parse(&args("--smoke")).unwrap();
        assert_eq!(
            (smoke.sizes, smoke.runs, smoke.profile),
            (Sizes::SMOKE, 1, Profile::Dev)
        );
        let larger = Options::parse(&args("--scenarios 2000 --smoke --runs=2")).unwrap();
        assert_eq!((larger.sizes.scenarios, larger.runs), (2000, 2));
        assert_eq!(larger.sizes.agents, Sizes::SMOKE.agents);
    }

    #[test]
    fn sizes_take_separators_and_the_build_row_is_asked_for_by_flag() {
        let options = Options::parse(&args("--agents 20_000 --tasks 1,000 --build")).unwrap();
        assert_eq!((options.sizes.agents, options.sizes.tasks), (20_000, 1_000));
        assert_eq!(options.clean_build, CleanBuild::Time);
    }

    #[test]
    fn bad_arguments_are_refused_with_what_to_give() {
        let error = |text: &str| format!("{:#}", Options::parse(&args(text)).unwrap_err());
        assert!(error("--agents many").starts_with("`--agents many`: give a whole number"));
        assert!(error("--runs").starts_with("`--runs` takes a number"));
        assert!(error("--runs 0").starts_with("`--runs 0`: give at least 1 run"));
        assert!(error("--agents 1").starts_with("`--agents 1`: give at least 2"));
        assert!(error("--fast").starts_with("unknown argument `--fast`\nusage: cargo xtask bench"));
    }

    #[test]
    fn a_run_that_fails_or_misses_its_closing_line_fails_its_check() {
        use std::os::unix::process::ExitStatusExt;
        let run = |code: i32, stdout: &str| Run {
            wall: Duration::from_millis(5),
            peak_rss: Peak::Exact(0),
            status: std::process::ExitStatus::from_raw(code << 8),
            stdout: stdout.to_owned(),
            stderr: String::new(),
        };
        let check = prints(all_passed(2));
        assert!(
            check(&run(
                0,
                "2 scenarios: 2 passed, 0 failed, 0 ignored in 1 ms"
            ))
            .is_ok()
        );
        let wrong = check(&run(0, "2 scenarios: 1 passed, 1 failed, 0 ignored")).unwrap_err();
        assert_eq!(
            wrong.to_string(),
            "it did not print `2 scenarios: 2 passed, 0 failed`"
        );
        let failed = check(&run(1, "2 scenarios: 2 passed, 0 failed")).unwrap_err();
        assert!(failed.to_string().starts_with("it exited with"));
    }

    #[test]
    fn the_closing_line_checked_is_the_harness_s_own_wording() {
        assert_eq!(all_passed(1), "1 scenario: 1 passed, 0 failed");
        assert_eq!(
            all_passed(10_000),
            "10000 scenarios: 10000 passed, 0 failed"
        );
    }
}
