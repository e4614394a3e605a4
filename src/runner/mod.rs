//! The runner: spec files become `libtest-mimic` trials, run, and are reported.
//!
//! It joins the parts: [`discover`] finds files and names tests, [`crate::spec`]
//! parses them, [`tags`] decides tiers and filters, [`execute`] runs a scenario
//! through a [`Registry`], and [`report`] prints the readable specification.
//!
//! Promises: a bad file becomes one failing test named after it, and every other
//! file still runs; zero scenarios found is a failure, not a pass; `--exact NAME`
//! loads only the file NAME comes from; `--list` prints only the list.

pub mod discover;
pub mod execute;
pub mod report;
pub mod source;
pub mod tags;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use libtest_mimic::{Arguments, ColorSetting, FormatSetting, Trial};
use netsplit_protocol::{
    LIST_IGNORE_REASONS_VAR, TIMINGS_VAR, TrialStatus, ignored_listing_line, timing_line,
};

use crate::steps::registry::Registry;
use crate::steps::world::World;
use discover::{Root, SpecFile};
use execute::Prepared;
use report::{Entry, Outcome};

/// A spec harness over a registry of steps for the world `W`.
pub struct Harness<W: World> {
    registry: Arc<Registry<W>>,
    package_dir: PathBuf,
    /// Spec roots given in code; they take precedence over `NETSPLIT_SPECS`.
    roots: Option<Vec<String>>,
    /// The command that reruns this harness, before `-- --exact NAME`.
    rerun: Option<String>,
}

/// What the harness made of the spec files, before running anything.
struct Plan {
    trials: Vec<Trial>,
    /// Report lines by test name, filled in as trials finish.
    entries: Vec<(String, Entry)>,
    ignored: Vec<(String, String)>,
}

/// A scenario of one tier, before names are known to be unique.
struct Candidate {
    entry: Entry,
    prepared: Prepared,
    place: String,
    ignore: Option<String>,
}

struct Shared {
    outcomes: Mutex<BTreeMap<String, Outcome>>,
}

impl<W: World + 'static> Harness<W> {
    /// A harness for the package being tested (`CARGO_MANIFEST_DIR`, else the current
    /// directory), with its specs in `specs/` unless `NETSPLIT_SPECS` says otherwise.
    pub fn new(registry: Registry<W>) -> Harness<W> {
        let package_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        Harness {
            registry: Arc::new(registry),
            package_dir,
            roots: None,
            rerun: None,
        }
    }

    /// How failure messages say to rerun one scenario: this command, then
    /// `-- --exact NAME` (default: `cargo test --test <this test target>`).
    pub fn rerun_command(mut self, command: impl Into<String>) -> Harness<W> {
        self.rerun = Some(command.into());
        self
    }

    /// Runs the spec files under these paths (directories, relative to the package
    /// directory unless absolute) instead of `specs/` or `NETSPLIT_SPECS`.
    pub fn specs<P: AsRef<str>>(mut self, paths: impl IntoIterator<Item = P>) -> Harness<W> {
        self.roots = Some(paths.into_iter().map(|p| p.as_ref().to_string()).collect());
        self
    }

    /// Reads specs relative to `dir` instead of the package directory.
    pub fn package_dir(mut self, dir: impl Into<PathBuf>) -> Harness<W> {
        self.package_dir = dir.into();
        self
    }

    /// Parses the command line as libtest does, runs, reports; the process's exit code.
    pub fn run(self) -> ExitCode {
        self.run_with(Arguments::from_args())
    }

    /// Runs with libtest arguments parsed elsewhere (e.g. by a command-line tool).
    pub fn run_with(self, args: Arguments) -> ExitCode {
        let color = use_color(&args);
        let started = Instant::now();
        let shared = Arc::new(Shared {
            outcomes: Mutex::new(BTreeMap::new()),
        });
        let plan = self.plan(&args, color, &shared);
        if args.list && args.ignored && std::env::var_os(LIST_IGNORE_REASONS_VAR).is_some() {
            // The pyramid check's listing: every ignored trial with its reason.
            let mut out = std::io::stdout().lock();
            for (name, reason) in &plan.ignored {
                let _ = out.write_all(ignored_listing_line(name, reason).as_bytes());
            }
            return ExitCode::SUCCESS;
        }
        let conclusion = libtest_mimic::run(&args, plan.trials);
        let outcomes = shared
            .outcomes
            .lock()
            .map(|o| o.clone())
            .unwrap_or_default();
        let mut entries = Vec::new();
        for (name, mut entry) in plan.entries {
            match outcomes.get(&name) {
                Some(outcome) => entry.outcome = outcome.clone(),
                None if matches!(entry.outcome, Outcome::Ignored(_)) && !filtered(&args, &name) => {
                }
                None => continue,
            }
            entries.push(entry);
        }
        if let Some(path) = std::env::var_os(TIMINGS_VAR) {
            write_timings(&PathBuf::from(path), &outcomes);
        }
        let pretty = matches!(args.format, None | Some(FormatSetting::Pretty)) && !args.quiet;
        let under_nextest = std::env::var_os("NEXTEST").is_some();
        if pretty && !args.list && !under_nextest && !entries.is_empty() {
            print!("{}", report::render(&entries, started.elapsed(), color));
        }
        conclusion.exit_code()
    }

    fn plan(&self, args: &Arguments, color: bool, shared: &Arc<Shared>) -> Plan {
        let mut plan = Plan {
            trials: Vec::new(),
            entries: Vec::new(),
            ignored: Vec::new(),
        };
        let env = std::env::var("NETSPLIT_SPECS").ok();
        let given = self.roots.as_ref().map(|r| r.join(":"));
        let roots = discover::roots(&self.package_dir, given.as_deref().or(env.as_deref()));
        // A root listed twice, or inside another, is an error; its files run once.
        let (roots, overlapping) = discover::distinct(roots);
        for (root, why) in overlapping {
            let name = discover::problem_name(&root.display);
            failing(&mut plan, shared, &name, ("", &root.display), why);
        }
        let filter = match std::env::var("NETSPLIT_TAGS") {
            Ok(text) if !text.trim().is_empty() => match tags::parse_expr(&text) {
                Ok(expr) => Some(expr),
                Err(error) => {
                    failing(
                        &mut plan,
                        shared,
                        &discover::problem_name("NETSPLIT_TAGS"),
                        ("", "NETSPLIT_TAGS"),
                        error.to_string(),
                    );
                    return plan;
                }
            },
            _ => None,
        };
        // `--exact NAME`: load only the file NAME points to (nextest runs one test per
        // process, so this keeps each run cheap).
        let exact_file = match (&args.filter, args.exact) {
            (Some(name), true) => discover::file_for_name(&roots, name),
            _ => None,
        };
        let files: Vec<SpecFile> = match exact_file {
            Some(file) => vec![file],
            None => {
                let mut all = Vec::new();
                for root in &roots {
                    match discover::files(root) {
                        Ok(found) => all.extend(found),
                        Err(error) => failing(
                            &mut plan,
                            shared,
                            &discover::problem_name(&root.display),
                            ("", &root.display),
                            missing_root(root, &error),
                        ),
                    }
                }
                all
            }
        };
        let rerun = self.rerun.clone().unwrap_or_else(rerun_command);
        let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut scenario_count = 0;
        for file in &files {
            let text = match source::read(&file.path, &file.display) {
                Ok(text) => text,
                Err(error) => {
                    failing(
                        &mut plan,
                        shared,
                        &discover::file_test_name(file),
                        (&file.root, &file.display),
                        error,
                    );
                    continue;
                }
            };
            let crate::spec::Loaded {
                title,
                scenarios,
                diagnostics,
            } = crate::spec::load_file(&text);
            if !diagnostics.is_empty() {
                let rendered: Vec<String> = diagnostics
                    .iter()
                    .map(|d| d.render(&file.display, &text, color))
                    .collect();
                failing(
                    &mut plan,
                    shared,
                    &discover::file_test_name(file),
                    (&file.root, &file.display),
                    format!(
                        "{} error(s) in `{}`; none of its scenarios ran:\n\n{}",
                        diagnostics.len(),
                        file.display,
                        rendered.join("\n")
                    ),
                );
                continue;
            }
            let feature = title.unwrap_or_default();
            let shared_file = Arc::new((file.display.clone(), text));
            for scenario in scenarios {
                let tag_names: Vec<&str> = scenario.tags.iter().map(|t| t.name.as_str()).collect();
                if filter.as_ref().is_some_and(|f| !f.matches(&tag_names)) {
                    continue;
                }
                scenario_count += 1;
                let ignore = tags::ignore_reason(&tag_names);
                for tier in tags::tiers(&tag_names) {
                    let name = discover::test_name(
                        tier,
                        &file.feature_path,
                        scenario.rule.as_deref(),
                        &scenario.name,
                    );
                    let place = format!("{}:{}", file.display, scenario.span.line);
                    names.entry(name.clone()).or_default().push(place.clone());
                    candidates.push(Candidate {
                        entry: Entry {
                            root: file.root.clone(),
                            file: file.display.clone(),
                            feature: feature.clone(),
                            rule: scenario.rule.clone(),
                            scenario: scenario.name.clone(),
                            tier,
                            // Replaced by the trial's outcome when it runs.
                            outcome: match &ignore {
                                Some(reason) => Outcome::Ignored(reason.clone()),
                                None => Outcome::Passed(std::time::Duration::ZERO),
                            },
                        },
                        prepared: Prepared {
                            name,
                            tier,
                            scenario: scenario.clone(),
                            file: shared_file.clone(),
                        },
                        place,
                        ignore: ignore.clone(),
                    });
                }
            }
        }
        for c in candidates {
            let name = c.prepared.name.clone();
            let places = &names[&name];
            if places.len() > 1 {
                // Section 3: a duplicate name is an error at every place it occurs.
                failing(
                    &mut plan,
                    shared,
                    &format!("{name} (at {})", c.place),
                    (&c.entry.root, &c.entry.file),
                    format!(
                        "{} scenarios have the test name `{name}`: {}; rename all but one (names must be unique in a run)",
                        places.len(),
                        places.join(", ")
                    ),
                );
                continue;
            }
            plan.entries.push((name.clone(), c.entry));
            if let Some(reason) = &c.ignore {
                plan.ignored.push((name, reason.clone()));
            }
            plan.trials
                .push(self.trial(c.prepared, c.ignore.is_some(), &rerun, color, shared));
        }
        if scenario_count == 0 && plan.trials.is_empty() {
            let places: Vec<&str> = roots.iter().map(|r| r.display.as_str()).collect();
            let message = format!(
                "no scenarios found in {}{}; add `.feature` files there or point `NETSPLIT_SPECS` at them",
                places.join(", "),
                if filter.is_some() {
                    " matching `NETSPLIT_TAGS`"
                } else {
                    ""
                }
            );
            failing(
                &mut plan,
                shared,
                &discover::problem_name("no scenarios found"),
                ("", "specs"),
                message,
            );
        }
        plan
    }

    fn trial(
        &self,
        prepared: Prepared,
        ignored: bool,
        rerun: &str,
        color: bool,
        shared: &Arc<Shared>,
    ) -> Trial {
        let registry = Arc::clone(&self.registry);
        let shared = Arc::clone(shared);
        let rerun = format!("{rerun} -- --exact {}", shell_quote(&prepared.name));
        let name = prepared.name.clone();
        Trial::test(name, move || {
            let started = Instant::now();
            let result = execute::run(registry.as_ref(), &prepared, &rerun, color);
            let elapsed = started.elapsed();
            let outcome = match &result {
                Ok(()) => Outcome::Passed(elapsed),
                Err(_) => Outcome::Failed(elapsed),
            };
            if let Ok(mut outcomes) = shared.outcomes.lock() {
                outcomes.insert(prepared.name.clone(), outcome);
            }
            result.map_err(|f| f.message.into())
        })
        .with_ignored_flag(ignored)
    }
}

/// A trial that fails with `message` when it runs, recording its outcome.
fn refused(shared: &Arc<Shared>, name: &str, message: String) -> Trial {
    let shared = Arc::clone(shared);
    let name = name.to_string();
    Trial::test(name.clone(), move || {
        if let Ok(mut outcomes) = shared.outcomes.lock() {
            outcomes.insert(name.clone(), Outcome::Failed(std::time::Duration::ZERO));
        }
        Err(message.clone().into())
    })
}

/// A trial that fails with `message`: a file that does not load, a bad
/// `NETSPLIT_TAGS`, a duplicate name. It is reported like a failed scenario.
fn failing(
    plan: &mut Plan,
    shared: &Arc<Shared>,
    name: &str,
    (root, file): (&str, &str),
    message: String,
) {
    let shown = file.rsplit('/').next().unwrap_or(file);
    plan.entries.push((
        name.to_string(),
        Entry {
            root: root.to_string(),
            file: file.to_string(),
            feature: format!("{shown} could not be run"),
            rule: None,
            scenario: name.to_string(),
            tier: "unit",
            outcome: Outcome::Failed(std::time::Duration::ZERO),
        },
    ));
    plan.trials.push(refused(shared, name, message));
}

fn missing_root(root: &Root, error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::NotFound {
        format!(
            "the spec directory `{}` does not exist ({}); create it, or fix the path (given on the command line or in `NETSPLIT_SPECS`)",
            root.display,
            root.dir.display()
        )
    } else {
        format!("cannot read the spec directory `{}`: {error}", root.display)
    }
}

/// Whether libtest's name filters leave this test out.
fn filtered(args: &Arguments, name: &str) -> bool {
    let matches = |pattern: &str| {
        if args.exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    };
    args.filter.as_deref().is_some_and(|f| !matches(f)) || args.skip.iter().any(|s| matches(s))
}

fn use_color(args: &Arguments) -> bool {
    match args.color {
        Some(ColorSetting::Always) => true,
        Some(ColorSetting::Never) => false,
        _ => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}

/// `cargo test --test <this target>`, from the harness binary's name.
fn rerun_command() -> String {
    let target = std::env::args()
        .next()
        .and_then(|p| {
            PathBuf::from(p)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
        })
        .map(|stem| match stem.rsplit_once('-') {
            Some((name, hash))
                if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                name.to_string()
            }
            _ => stem,
        })
        .unwrap_or_else(|| "specs".to_string());
    format!("cargo test --test {target}")
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Appends a line per finished trial to the timing file (`NETSPLIT_TIMINGS`).
fn write_timings(path: &PathBuf, outcomes: &BTreeMap<String, Outcome>) {
    let mut lines = String::new();
    for (name, outcome) in outcomes {
        let (status, elapsed) = match outcome {
            Outcome::Passed(d) => (TrialStatus::Passed, *d),
            Outcome::Failed(d) => (TrialStatus::Failed, *d),
            Outcome::Ignored(_) => (TrialStatus::Ignored, std::time::Duration::ZERO),
        };
        lines.push_str(&timing_line(name, status, elapsed));
    }
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(lines.as_bytes()));
    if let Err(error) = written {
        eprintln!(
            "warning: cannot write timings to `{}`: {error}",
            path.display()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_quoted_for_the_shell_even_with_quotes_inside() {
        pretty_assertions::assert_eq!(
            shell_quote("[unit] a::Agent's tasks"),
            r"'[unit] a::Agent'\''s tasks'"
        );
    }
}
