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
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, ColorSetting, FormatSetting, Trial};
use netsplit_protocol::{
    LIST_IGNORE_REASONS_VAR, TIMINGS_VAR, TrialStatus, ignored_listing_line, timing_line,
};

use crate::spec::Scenario;
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

/// A spec file read and parsed once: every trial of its scenarios shares it.
struct LoadedFile {
    file: SpecFile,
    text: String,
    /// The feature's title.
    feature: String,
    scenarios: Vec<Scenario>,
}

/// A spec file that could not be run: the message of its failing trial.
struct FileProblem {
    file: SpecFile,
    message: String,
}

/// One trial of the run, before it becomes a `libtest-mimic` trial.
enum Planned {
    Scenario {
        name: String,
        file: Arc<LoadedFile>,
        /// The scenario's index in the file.
        index: usize,
        tier: &'static str,
        /// `Some(reason)` when the scenario is ignored.
        ignore: Option<String>,
    },
    /// A trial that fails with `message`: a file that does not load, a bad
    /// `NETSPLIT_TAGS`, a duplicate name. It is reported like a failed scenario.
    Problem {
        name: String,
        root: String,
        file: String,
        message: String,
    },
}

impl Planned {
    fn name(&self) -> &str {
        match self {
            Planned::Scenario { name, .. } | Planned::Problem { name, .. } => name,
        }
    }

    /// The report line of this trial, with the outcome it had.
    fn entry(&self, outcome: Outcome) -> Entry {
        match self {
            Planned::Scenario {
                file, index, tier, ..
            } => {
                let scenario = &file.scenarios[*index];
                Entry {
                    root: file.file.root.clone(),
                    file: file.file.display.clone(),
                    feature: file.feature.clone(),
                    rule: scenario.rule.clone(),
                    scenario: scenario.name.clone(),
                    tier,
                    outcome,
                }
            }
            Planned::Problem {
                name, root, file, ..
            } => {
                let shown = file.rsplit('/').next().unwrap_or(file);
                Entry {
                    root: root.clone(),
                    file: file.clone(),
                    feature: format!("{shown} could not be run"),
                    rule: None,
                    scenario: name.clone(),
                    tier: "unit",
                    outcome,
                }
            }
        }
    }
}

fn problem(name: String, (root, file): (&str, &str), message: String) -> Planned {
    Planned::Problem {
        name,
        root: root.to_string(),
        file: file.to_string(),
        message,
    }
}

/// What every trial of a run shares.
struct Shared {
    /// Each trial's outcome, by its place in the plan, set when it finishes.
    outcomes: Vec<OnceLock<Outcome>>,
    /// The command that reruns this harness, before `-- --exact NAME`.
    rerun: String,
    color: bool,
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
        let plan = self.plan(&args, color);
        if args.list && args.ignored && std::env::var_os(LIST_IGNORE_REASONS_VAR).is_some() {
            // The pyramid check's listing: every ignored trial with its reason.
            let mut out = std::io::stdout().lock();
            for planned in &plan {
                if let Planned::Scenario {
                    name,
                    ignore: Some(reason),
                    ..
                } = planned
                {
                    let _ = out.write_all(ignored_listing_line(name, reason).as_bytes());
                }
            }
            return ExitCode::SUCCESS;
        }
        let shared = Arc::new(Shared {
            outcomes: plan.iter().map(|_| OnceLock::new()).collect(),
            rerun: self.rerun.clone().unwrap_or_else(rerun_command),
            color,
        });
        let trials = plan
            .iter()
            .enumerate()
            .map(|(slot, planned)| self.trial(slot, planned, &shared))
            .collect();
        let conclusion = libtest_mimic::run(&args, trials);
        if args.list {
            // Nothing ran: nothing to report or time. The process ends now, so the
            // parsed files are left to it to free rather than taken apart one by one.
            std::mem::forget(plan);
            return conclusion.exit_code();
        }
        let mut entries = Vec::new();
        let mut finished = Vec::new();
        for (planned, outcome) in plan.iter().zip(&shared.outcomes) {
            let name = planned.name();
            match (outcome.get(), planned) {
                (Some(outcome), _) => {
                    finished.push((name, outcome));
                    entries.push(planned.entry(outcome.clone()));
                }
                (
                    None,
                    Planned::Scenario {
                        ignore: Some(reason),
                        ..
                    },
                ) if !filtered(&args, name) => {
                    entries.push(planned.entry(Outcome::Ignored(reason.clone())));
                }
                (None, _) => {}
            }
        }
        if let Some(path) = std::env::var_os(TIMINGS_VAR) {
            write_timings(&PathBuf::from(path), finished);
        }
        let pretty = matches!(args.format, None | Some(FormatSetting::Pretty)) && !args.quiet;
        let under_nextest = std::env::var_os("NEXTEST").is_some();
        if pretty && !under_nextest && !entries.is_empty() {
            print!("{}", report::render(&entries, started.elapsed(), color));
        }
        conclusion.exit_code()
    }

    /// Every trial of the run, in order: the files that could not be loaded, then
    /// each scenario of each tier (or the problem with its name).
    fn plan(&self, args: &Arguments, color: bool) -> Vec<Planned> {
        let mut plan = Vec::new();
        let env = std::env::var("NETSPLIT_SPECS").ok();
        let given = self.roots.as_ref().map(|r| r.join(":"));
        let roots = discover::roots(&self.package_dir, given.as_deref().or(env.as_deref()));
        // A root listed twice, or inside another, is an error; its files run once.
        let (roots, overlapping) = discover::distinct(roots);
        for (root, why) in overlapping {
            plan.push(problem(
                discover::problem_name(&root.display),
                ("", &root.display),
                why,
            ));
        }
        let filter = match std::env::var("NETSPLIT_TAGS") {
            Ok(text) if !text.trim().is_empty() => match tags::parse_expr(&text) {
                Ok(expr) => Some(expr),
                Err(error) => {
                    plan.push(problem(
                        discover::problem_name("NETSPLIT_TAGS"),
                        ("", "NETSPLIT_TAGS"),
                        error.to_string(),
                    ));
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
                        Err(error) => plan.push(problem(
                            discover::problem_name(&root.display),
                            ("", &root.display),
                            missing_root(root, &error),
                        )),
                    }
                }
                all
            }
        };
        let mut scenarios = Vec::new();
        let mut scenario_count = 0;
        for loaded in load_all(files, color) {
            let file = match loaded {
                Ok(file) => Arc::new(file),
                Err(FileProblem { file, message }) => {
                    plan.push(problem(
                        discover::file_test_name(&file),
                        (&file.root, &file.display),
                        message,
                    ));
                    continue;
                }
            };
            for (index, scenario) in file.scenarios.iter().enumerate() {
                let tag_names: Vec<&str> = scenario.tags.iter().map(|t| t.name.as_str()).collect();
                if filter.as_ref().is_some_and(|f| !f.matches(&tag_names)) {
                    continue;
                }
                scenario_count += 1;
                let ignore = tags::ignore_reason(&tag_names);
                for tier in tags::tiers(&tag_names) {
                    scenarios.push(Planned::Scenario {
                        name: discover::test_name(
                            tier,
                            &file.file.feature_path,
                            scenario.rule.as_deref(),
                            &scenario.name,
                        ),
                        file: Arc::clone(&file),
                        index,
                        tier,
                        ignore: ignore.clone(),
                    });
                }
            }
        }
        plan.extend(unique_names(scenarios));
        if scenario_count == 0 && plan.is_empty() {
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
            plan.push(problem(
                discover::problem_name("no scenarios found"),
                ("", "specs"),
                message,
            ));
        }
        plan
    }

    fn trial(&self, slot: usize, planned: &Planned, shared: &Arc<Shared>) -> Trial {
        let shared = Arc::clone(shared);
        match planned {
            Planned::Scenario {
                name,
                file,
                index,
                tier,
                ignore,
            } => {
                let registry = Arc::clone(&self.registry);
                let (file, index, tier) = (Arc::clone(file), *index, *tier);
                Trial::test(name.clone(), move || {
                    let started = Instant::now();
                    let scenario = &file.scenarios[index];
                    let name = discover::test_name(
                        tier,
                        &file.file.feature_path,
                        scenario.rule.as_deref(),
                        &scenario.name,
                    );
                    let prepared = Prepared {
                        name: &name,
                        tier,
                        scenario,
                        path: &file.file.display,
                        source: &file.text,
                    };
                    let result =
                        execute::run(registry.as_ref(), &prepared, &shared.rerun, shared.color);
                    let elapsed = started.elapsed();
                    let _ = shared.outcomes[slot].set(match &result {
                        Ok(()) => Outcome::Passed(elapsed),
                        Err(_) => Outcome::Failed(elapsed),
                    });
                    result.map_err(|f| f.message.into())
                })
                .with_ignored_flag(ignore.is_some())
            }
            Planned::Problem { name, message, .. } => {
                let message = message.clone();
                Trial::test(name.clone(), move || {
                    let _ = shared.outcomes[slot].set(Outcome::Failed(Duration::ZERO));
                    Err(message.clone().into())
                })
            }
        }
    }
}

/// Reads and parses every file, on as many threads as there are cores; the results
/// in the order of `files`.
fn load_all(files: Vec<SpecFile>, color: bool) -> Vec<Result<LoadedFile, FileProblem>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(files.len());
    if threads <= 1 {
        return files.into_iter().map(|f| load(f, color)).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<SpecFile>>> =
        files.into_iter().map(|f| Mutex::new(Some(f))).collect();
    let mut done: Vec<(usize, Result<LoadedFile, FileProblem>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut loaded = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(slot) = slots.get(i) else { break };
                        let file = slot.lock().ok().and_then(|mut f| f.take());
                        if let Some(file) = file {
                            loaded.push((i, load(file, color)));
                        }
                    }
                    loaded
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, loaded)| loaded).collect()
}

/// Reads and parses one spec file, or says why none of its scenarios can run.
fn load(file: SpecFile, color: bool) -> Result<LoadedFile, FileProblem> {
    let text = match source::read(&file.path, &file.display) {
        Ok(text) => text,
        Err(message) => return Err(FileProblem { file, message }),
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
        let message = format!(
            "{} error(s) in `{}`; none of its scenarios ran:\n\n{}",
            diagnostics.len(),
            file.display,
            rendered.join("\n")
        );
        return Err(FileProblem { file, message });
    }
    Ok(LoadedFile {
        file,
        text,
        feature: title.unwrap_or_default(),
        scenarios,
    })
}

/// The scenarios in order, each whose name another one has too replaced by a
/// problem at its place (section 3: a duplicate name is an error at every place it
/// occurs).
fn unique_names(scenarios: Vec<Planned>) -> Vec<Planned> {
    let mut order: Vec<usize> = (0..scenarios.len()).collect();
    order.sort_by(|a, b| scenarios[*a].name().cmp(scenarios[*b].name()));
    let mut duplicates: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for group in order.chunk_by(|a, b| scenarios[*a].name() == scenarios[*b].name()) {
        if group.len() > 1 {
            let mut group = group.to_vec();
            group.sort_unstable();
            for &i in &group {
                duplicates.insert(i, group.clone());
            }
        }
    }
    if duplicates.is_empty() {
        return scenarios;
    }
    let place = |planned: &Planned| match planned {
        Planned::Scenario { file, index, .. } => {
            format!("{}:{}", file.file.display, file.scenarios[*index].span.line)
        }
        Planned::Problem { file, .. } => file.clone(),
    };
    let places: BTreeMap<usize, String> = duplicates
        .keys()
        .map(|&i| (i, place(&scenarios[i])))
        .collect();
    scenarios
        .into_iter()
        .enumerate()
        .map(|(i, planned)| {
            let Some(group) = duplicates.get(&i) else {
                return planned;
            };
            let name = planned.name().to_string();
            let (root, file) = match &planned {
                Planned::Scenario { file, .. } => (file.file.root.as_str(), file.file.display.as_str()),
                Planned::Problem { root, file, .. } => (root.as_str(), file.as_str()),
            };
            let all: Vec<&str> = group.iter().map(|g| places[g].as_str()).collect();
            problem(
                format!("{name} (at {})", places[&i]),
                (root, file),
                format!(
                    "{} scenarios have the test name `{name}`: {}; rename all but one (names must be unique in a run)",
                    group.len(),
                    all.join(", ")
                ),
            )
        })
        .collect()
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

/// Appends a line per finished trial to the timing file (`NETSPLIT_TIMINGS`).
fn write_timings(path: &PathBuf, mut outcomes: Vec<(&str, &Outcome)>) {
    outcomes.sort_by_key(|(name, _)| *name);
    let mut lines = String::new();
    for (name, outcome) in outcomes {
        let (status, elapsed) = match outcome {
            Outcome::Passed(d) => (TrialStatus::Passed, *d),
            Outcome::Failed(d) => (TrialStatus::Failed, *d),
            Outcome::Ignored(_) => (TrialStatus::Ignored, Duration::ZERO),
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
    use super::execute::shell_quote;

    #[test]
    fn names_are_quoted_for_the_shell_even_with_quotes_inside() {
        pretty_assertions::assert_eq!(
            shell_quote("[unit] a::Agent's tasks"),
            r"'[unit] a::Agent'\''s tasks'"
        );
    }
}
