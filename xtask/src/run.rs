//! Running tiers of tests, and each test's time back into the inventory.
//!
//! - With `cargo nextest` installed (`cargo nextest --version` succeeds), each group of tiers
//!   is one `cargo nextest run --profile pyramid` with a filterset naming the tiers, and
//!   times come from that run's JUnit report. The `pyramid` profile lives in
//!   `.config/nextest.toml`; xtask also hands nextest a tool config that defines it, so
//!   other projects need none.
//! - Without it (or with `XTASK_NO_NEXTEST=1`), xtask runs the test binaries one by one, as
//!   `cargo test` does, with a name filter per tier. Times come from the spec harness's
//!   timing file (`NETSPLIT_TIMINGS`) where it writes one, else from the binary's wall time
//!   averaged over the tests it ran; the report says which.
//! - The unit tier runs under `unshare --net` where Linux allows it and the config asks for
//!   it: with nextest through a target runner (`CARGO_TARGET_<HOST>_RUNNER`), so cargo
//!   itself keeps the network; without nextest by starting each unit binary so. A unit test
//!   that opens a connection then fails.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use netsplit_protocol::{TIERS, TIMINGS_VAR, TrialStatus, parse_timings, strip_ansi};

use crate::cargo::{self, TestBinary, Workspace};
use crate::junit;
use crate::pyramid::{Config, Inventory, Isolation, Test, Tier, Time, TimingSource};

/// The nextest profile the runs use; its JUnit report feeds the pyramid.
const PROFILE: &str = "pyramid";

/// What xtask hands nextest as a tool config: the profile, for projects that lack it, and
/// a store under the target directory (nextest's default, `target/nextest` of the
/// workspace root, ignores `CARGO_TARGET_DIR`). The project's own config takes precedence.
fn tool_config_text(store: &Path) -> String {
    // A JSON string is a valid TOML basic string: the same escapes, quoted the same way.
    let store = serde_json::Value::String(store.display().to_string());
    format!(
        "[store]\ndir = {store}\n\n[profile.{PROFILE}]\nfail-fast = false\n\n\
         [profile.{PROFILE}.junit]\npath = \"junit.xml\"\n"
    )
}

/// How the tests are run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Runner {
    /// `cargo nextest`, with its version line.
    Nextest(String),
    /// Binary by binary; the reason nextest is not used.
    Binaries(String),
}

impl Runner {
    pub fn detect() -> Runner {
        if std::env::var_os("XTASK_NO_NEXTEST").is_some_and(|v| !v.is_empty() && v != "0") {
            return Runner::Binaries("XTASK_NO_NEXTEST is set".into());
        }
        match cargo::cargo()
            .args(["nextest", "--version"])
            .stdin(Stdio::null())
            .output()
        {
            Ok(out) if out.status.success() => {
                let version = String::from_utf8_lossy(&out.stdout);
                Runner::Nextest(
                    version
                        .lines()
                        .next()
                        .unwrap_or("cargo-nextest")
                        .trim()
                        .to_owned(),
                )
            }
            _ => Runner::Binaries(
                "`cargo nextest --version` failed: cargo-nextest is not installed".into(),
            ),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Runner::Nextest(version) => format!("through {version}"),
            Runner::Binaries(why) => format!("binary by binary, as `cargo test` does ({why})"),
        }
    }
}

/// Whether the unit tier can and should run without a network.
pub fn isolation(config: &Config) -> Isolation {
    if !config.unit_without_network {
        return Isolation::Off;
    }
    if !cfg!(target_os = "linux") {
        return Isolation::Unavailable("network namespaces are Linux's".into());
    }
    match Command::new("unshare")
        .args(["--net", "true"])
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => Isolation::Unshare,
        Ok(out) => {
            let why = String::from_utf8_lossy(&out.stderr).trim().to_owned();
            Isolation::Unavailable(if why.is_empty() {
                out.status.to_string()
            } else {
                why
            })
        }
        Err(e) => Isolation::Unavailable(format!("cannot start `unshare`: {e}")),
    }
}

/// How the tests of a run ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub passed: usize,
    pub skipped: usize,
    /// Tests that failed.
    pub failed: usize,
    /// What failed, for the error message: tests, or binaries that ran them.
    pub failures: Vec<String>,
}

impl Outcome {
    /// The closing line CI readers look for: `tests: N passed, N failed, N skipped`.
    pub fn closing_line(&self) -> String {
        format!(
            "tests: {} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// Where the test runners' output goes: the terminal, or stderr when stdout carries JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    Stdout,
    Stderr,
}

impl Output {
    fn stdio(self) -> Stdio {
        match self {
            Output::Stdout => Stdio::inherit(),
            Output::Stderr => Stdio::from(std::io::stderr()),
        }
    }

    pub fn line(self, text: &str) {
        match self {
            Output::Stdout => println!("{text}"),
            Output::Stderr => eprintln!("{text}"),
        }
    }

    fn is_terminal(self) -> bool {
        match self {
            Output::Stdout => std::io::stdout().is_terminal(),
            Output::Stderr => std::io::stderr().is_terminal(),
        }
    }
}

/// Runs the tests of `tiers` and records times, isolation and timing source in `inventory`.
pub fn run(
    workspace: &Workspace,
    binaries: &[TestBinary],
    inventory: &mut Inventory,
    tiers: &[Tier],
    config: &Config,
    runner: &Runner,
    output: Output,
) -> Result<Outcome> {
    let isolation = match tiers.contains(&Tier::Unit) {
        true => isolation(config),
        false => Isolation::NotRun,
    };
    // Tiers run in up to two groups: the unit tier alone when it runs without a network.
    let mut groups: Vec<(Vec<Tier>, bool)> = Vec::new();
    let rest: Vec<Tier> = match isolation {
        Isolation::Unshare => {
            groups.push((vec![Tier::Unit], true));
            tiers.iter().copied().filter(|t| *t != Tier::Unit).collect()
        }
        _ => tiers.to_vec(),
    };
    if !rest.is_empty() {
        groups.push((rest, false));
    }

    let mut outcome = Outcome::default();
    for (group, isolated) in groups {
        let runnable = group
            .iter()
            .map(|&t| inventory.running(t).count())
            .sum::<usize>();
        let names: Vec<&str> = group.iter().map(|t| t.name()).collect();
        let without = if isolated { ", without network" } else { "" };
        if runnable == 0 {
            output.line(&format!("--- {}: no tests to run", names.join(" + ")));
            continue;
        }
        output.line(&format!(
            "--- {}: {runnable} tests{without}",
            names.join(" + ")
        ));
        let failures_before = outcome.failures.len();
        match runner {
            Runner::Nextest(_) => nextest(
                workspace,
                inventory,
                &group,
                isolated,
                config,
                output,
                &mut outcome,
            )?,
            Runner::Binaries(_) => {
                for binary in binaries {
                    for &tier in &group {
                        by_binary(
                            workspace,
                            binary,
                            inventory,
                            tier,
                            isolated,
                            output,
                            &mut outcome,
                        )?;
                    }
                }
            }
        }
        if isolated && outcome.failures.len() > failures_before {
            output.line(
                "note: the unit tier ran without network (unshare --net), so a unit test that opens a \
                 connection fails: fake the network in the test, or make it an integration test",
            );
        }
    }
    outcome.skipped = tiers.iter().map(|&t| inventory.ignored(t).count()).sum();
    inventory.isolation = isolation;
    inventory.timing = match runner {
        Runner::Nextest(_) => TimingSource::NextestJunit,
        Runner::Binaries(_) => TimingSource::Binaries,
    };
    Ok(outcome)
}

/// The nextest filterset selecting the tests of `tiers`. Its regexes match the tier
/// prefixes of test names (`netsplit_protocol::tier_prefix`).
pub fn nextest_filter(tiers: &[Tier], tests_dir_tier: Tier) -> String {
    let tests_dir = "(kind(test) | kind(bench) | kind(example))";
    let any_tier = TIERS.join("|");
    let mut parts = Vec::new();
    for &tier in tiers {
        if tier == Tier::Unit {
            parts.push(format!("not {tests_dir}"));
        }
        parts.push(format!("({tests_dir} & test(/^\\[{}\\]\\s/))", tier.name()));
        if tier == tests_dir_tier {
            parts.push(format!(
                "({tests_dir} & not test(/^\\[({any_tier})\\]\\s/))"
            ));
        }
    }
    parts.join(" | ")
}

/// The store directory nextest uses: the project's `[store] dir` when
/// `.config/nextest.toml` sets one, else the one xtask's tool config sets.
fn store_path(workspace: &Workspace) -> PathBuf {
    let config =
        std::fs::read_to_string(workspace.root.join(".config/nextest.toml")).unwrap_or_default();
    match store_dir(&config) {
        Some(dir) => workspace.root.join(dir),
        None => workspace.target_dir.join("nextest"),
    }
}

/// The `dir` of the `[store]` table of a nextest config, read line by line.
fn store_dir(config: &str) -> Option<String> {
    let mut table = "";
    for line in config.lines().map(str::trim) {
        if line.starts_with('[') {
            table = line;
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']);
        match (table, key.trim()) {
            ("[store]", "dir") | ("", "store.dir") => return Some(value.to_owned()),
            _ => {}
        }
    }
    None
}

fn nextest(
    workspace: &Workspace,
    inventory: &mut Inventory,
    tiers: &[Tier],
    isolated: bool,
    config: &Config,
    output: Output,
    outcome: &mut Outcome,
) -> Result<()> {
    let tool_config = workspace
        .target_dir
        .join("xtask")
        .join("nextest-pyramid.toml");
    std::fs::create_dir_all(tool_config.parent().expect("a file in a directory"))?;
    let store = store_path(workspace);
    std::fs::write(&tool_config, tool_config_text(&store))
        .with_context(|| format!("cannot write `{}`", tool_config.display()))?;
    let junit = store.join(PROFILE).join("junit.xml");
    let _ = std::fs::remove_file(&junit);

    let mut command = cargo::cargo();
    command
        .args([
            "nextest",
            "run",
            "--workspace",
            "--profile",
            PROFILE,
            "--no-fail-fast",
        ])
        .arg("--tool-config-file")
        .arg(format!("xtask:{}", tool_config.display()))
        .args(["-E", &nextest_filter(tiers, config.tests_dir_tier)]);
    if isolated {
        command.env(
            format!(
                "CARGO_TARGET_{}_RUNNER",
                host_triple()?.to_uppercase().replace(['-', '.'], "_")
            ),
            "unshare --net",
        );
    }
    output.line(&format!("$ {}", cargo::shown(&command)));
    let status = command
        .stdout(output.stdio())
        .status()
        .context("cannot start `cargo nextest`")?;

    let report = std::fs::read_to_string(&junit).with_context(|| {
        format!(
            "`cargo nextest` ({status}) left no JUnit report at `{}`",
            junit.display()
        )
    })?;
    let report = junit::parse(&report);
    if let Some(malformed) = &report.malformed {
        output.line(&format!(
            "warning: nextest's JUnit report `{}` is {malformed}; the {} test case(s) before it are used, \
             and tests after it have no time",
            junit.display(),
            report.cases.len()
        ));
    }
    let mut times = HashMap::new();
    for case in report.cases {
        match case.outcome {
            junit::Outcome::Passed => outcome.passed += 1,
            junit::Outcome::Failed => {
                outcome.failed += 1;
                outcome
                    .failures
                    .push(format!("`{}` in `{}`", case.name, case.classname));
            }
            junit::Outcome::Skipped => continue,
        }
        times.insert((case.classname, case.name), case.time);
    }
    for test in inventory
        .tests
        .iter_mut()
        .filter(|t| tiers.contains(&t.tier))
    {
        if let Some(&time) = times.get(&(test.binary.clone(), test.name.clone())) {
            test.time = Some(Time::measured(time));
        }
    }
    if !status.success() && outcome.failures.is_empty() {
        outcome
            .failures
            .push(format!("`cargo nextest run` ({status})"));
    }
    Ok(())
}

/// The host's target triple, from `cargo -vV`.
fn host_triple() -> Result<String> {
    let text = cargo::stdout(cargo::cargo().arg("-vV"))?;
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .context("`cargo -vV` names no host")
}

/// The filter arguments that run exactly the tests of `tier` among `tiers_present` (the
/// tiers of every test the binary lists): none when the binary holds only that tier; the
/// prefix `[tier] ` when all of the tier's tests carry it; else skip the other tiers' prefixes.
pub fn filter_args(tier: Tier, tiers_present: &[Tier], all_prefixed: bool) -> Vec<String> {
    if tiers_present.iter().all(|&t| t == tier) {
        vec![]
    } else if all_prefixed {
        vec![tier.prefix()]
    } else {
        tiers_present
            .iter()
            .filter(|&&t| t != tier)
            .flat_map(|t| ["--skip".to_owned(), t.prefix()])
            .collect()
    }
}

/// Counts from libtest's closing line: `test result: ok. 3 passed; 1 failed; 2 ignored; ...`.
pub fn parse_test_result(line: &str) -> Option<(usize, usize, usize)> {
    let rest = line.trim().strip_prefix("test result: ")?;
    let count = |word: &str| {
        rest.split(';').find_map(|part| {
            let mut words = part.split_whitespace().rev();
            (words.next()? == word)
                .then(|| words.next()?.parse().ok())
                .flatten()
        })
    };
    Some((
        count("passed")?,
        count("failed")?,
        count("ignored").unwrap_or(0),
    ))
}

/// The time of each trial that ran, from the spec harness's timing file (`NETSPLIT_TIMINGS`).
fn measured_times(text: &str) -> HashMap<String, Duration> {
    parse_timings(text)
        .into_iter()
        .filter(|timing| timing.status != TrialStatus::Ignored)
        .map(|timing| (timing.name, timing.elapsed))
        .collect()
}

fn by_binary(
    workspace: &Workspace,
    binary: &TestBinary,
    inventory: &mut Inventory,
    tier: Tier,
    isolated: bool,
    output: Output,
    outcome: &mut Outcome,
) -> Result<()> {
    let mine = |t: &&Test| t.binary == binary.id;
    let mut tiers_present: Vec<Tier> = inventory
        .tests
        .iter()
        .filter(mine)
        .map(|t| t.tier)
        .collect();
    tiers_present.sort();
    tiers_present.dedup();
    let runnable = inventory.running(tier).filter(mine).count();
    if runnable == 0 {
        return Ok(());
    }
    let all_prefixed = inventory
        .tests
        .iter()
        .filter(mine)
        .filter(|t| t.tier == tier)
        .all(|t| t.name.starts_with(&tier.prefix()));

    let timings_file = timings_path(workspace, binary, tier);
    std::fs::create_dir_all(timings_file.parent().expect("a file in a directory"))?;
    let _ = std::fs::remove_file(&timings_file);
    let mut command = binary.command(isolated.then_some(&["unshare", "--net"][..]));
    command
        .args(filter_args(tier, &tiers_present, all_prefixed))
        .env(TIMINGS_VAR, &timings_file);
    if output.is_terminal() {
        command.args(["--color", "always"]);
    }
    let without = if isolated { ", without network" } else { "" };
    output.line(&format!(
        "--- {} ({tier}{without}): {}",
        binary.id,
        cargo::shown_args(&command)
    ));

    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start test binary `{}`", binary.path.display()))?;
    let mut counts = None;
    // Copy the binary's output through, reading its closing `test result:` line on the way.
    for line in BufReader::new(child.stdout.take().expect("stdout is piped")).lines() {
        let line = line.unwrap_or_default();
        counts = parse_test_result(&strip_ansi(&line)).or(counts);
        match output {
            Output::Stdout => writeln!(std::io::stdout(), "{line}")?,
            Output::Stderr => writeln!(std::io::stderr(), "{line}")?,
        }
    }
    let status = child.wait()?;
    let wall = started.elapsed();

    match counts {
        Some((passed, failed, _)) => {
            outcome.passed += passed;
            outcome.failed += failed;
            if failed > 0 || !status.success() {
                let what = format!("{failed} {tier} tests of `{}` ({status})", binary.id);
                outcome.failures.push(what);
            }
        }
        None if status.success() => outcome.passed += runnable,
        None => {
            let what = format!("the {tier} tests of `{}` ({status})", binary.id);
            outcome.failures.push(what);
        }
    }

    let measured = measured_times(&std::fs::read_to_string(&timings_file).unwrap_or_default());
    let average = wall / runnable as u32;
    for test in inventory
        .tests
        .iter_mut()
        .filter(|t| t.binary == binary.id && t.tier == tier && t.ignore.is_none())
    {
        test.time = Some(match measured.get(&test.name) {
            Some(&d) => Time::measured(d),
            None => Time::averaged(average),
        });
    }
    Ok(())
}

fn timings_path(workspace: &Workspace, binary: &TestBinary, tier: Tier) -> PathBuf {
    let file = format!("{}-{tier}.tsv", binary.id.replace([':', '/'], "_"));
    Path::new(&workspace.target_dir)
        .join("xtask")
        .join("timings")
        .join(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn the_unit_filter_takes_src_tests_and_unit_scenarios() {
        assert_eq!(
            nextest_filter(&[Tier::Unit], Tier::E2e),
            "not (kind(test) | kind(bench) | kind(example)) | ((kind(test) | kind(bench) | kind(example)) & test(/^\\[unit\\]\\s/))"
        );
    }

    #[test]
    fn the_tests_dir_tier_filter_also_takes_unprefixed_tests() {
        assert_eq!(
            nextest_filter(&[Tier::Integration, Tier::E2e], Tier::E2e),
            "((kind(test) | kind(bench) | kind(example)) & test(/^\\[integration\\]\\s/)) \
             | ((kind(test) | kind(bench) | kind(example)) & test(/^\\[e2e\\]\\s/)) \
             | ((kind(test) | kind(bench) | kind(example)) & not test(/^\\[(unit|integration|e2e)\\]\\s/))"
        );
    }

    #[test]
    fn a_binary_of_one_tier_runs_unfiltered() {
        assert_eq!(
            filter_args(Tier::Unit, &[Tier::Unit], false),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_prefixed_tier_is_selected_by_its_prefix() {
        assert_eq!(
            filter_args(Tier::Unit, &[Tier::Unit, Tier::Integration], true),
            ["[unit] "]
        );
    }

    #[test]
    fn the_unprefixed_tier_skips_the_others() {
        assert_eq!(
            filter_args(
                Tier::E2e,
                &[Tier::Unit, Tier::Integration, Tier::E2e],
                false
            ),
            ["--skip", "[unit] ", "--skip", "[integration] "]
        );
    }

    #[test]
    fn libtest_closing_lines_give_their_counts() {
        assert_eq!(
            parse_test_result(
                "test result: ok. 41 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s"
            ),
            Some((41, 0, 2))
        );
        assert_eq!(
            parse_test_result(
                "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 5 filtered out"
            ),
            Some((3, 1, 0))
        );
        assert_eq!(parse_test_result("running 3 tests"), None);
        assert_eq!(
            strip_ansi("test result: \x1b[32mok\x1b[0m. 1 passed; 0 failed"),
            "test result: ok. 1 passed; 0 failed"
        );
    }

    #[test]
    fn the_harness_timing_file_gives_per_trial_times() {
        let text = "[unit] detection::a\tpassed\t1.5\n[unit] tab\tin name\tfailed\t20\n[e2e] x\tignored\t0\nnot a line\n";
        let times = measured_times(text);
        assert_eq!(times.len(), 2);
        assert_eq!(times["[unit] detection::a"], Duration::from_micros(1500));
        assert_eq!(times["[unit] tab\tin name"], Duration::from_millis(20));
    }

    #[test]
    fn the_tool_config_defines_the_profile_and_a_store_under_the_target_dir() {
        assert_eq!(
            tool_config_text(Path::new("/work/my \"target\"/nextest")),
            "[store]\ndir = \"/work/my \\\"target\\\"/nextest\"\n\n\
             [profile.pyramid]\nfail-fast = false\n\n\
             [profile.pyramid.junit]\npath = \"junit.xml\"\n"
        );
    }

    #[test]
    fn the_store_dir_is_read_from_the_nextest_config() {
        assert_eq!(store_dir("[profile.ci]\nretries = 2\n"), None);
        assert_eq!(
            store_dir("[store]\ndir = \"out/nextest\"\n[profile.x]\ndir = \"no\"\n"),
            Some("out/nextest".into())
        );
        assert_eq!(
            store_dir("store.dir = 'elsewhere'\n"),
            Some("elsewhere".into())
        );
    }
}
