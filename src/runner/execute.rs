//! Running one scenario: matching each step, running it on a fresh world, and
//! turning a failure into a message a person can act on.
//!
//! A failure message names the scenario and the failing step (`file:line`), shows
//! expected against observed as a diff, the timeline up to the failure, the seed,
//! and the command that reruns only this scenario.

use std::fmt::Write as _;

use netsplit_protocol::strip_ansi;

use crate::spec::{Diagnostic, Scenario, Step, StepArgument, StepKind as SpecKind};
use crate::steps::registry::{Attached, LookupError, Registry, StepError, StepKind, Table};
use crate::steps::world::World;

/// A scenario ready to run, borrowed from the spec file it was parsed from: the
/// harness parses each file once and its trials share it.
#[derive(Clone, Copy, Debug)]
pub struct Prepared<'a> {
    /// The test name (what `--exact` takes to rerun it).
    pub name: &'a str,
    pub tier: &'static str,
    pub scenario: &'a Scenario,
    /// The spec file's path as shown.
    pub path: &'a str,
    /// The spec file's text, for rendering step errors.
    pub source: &'a str,
}

/// How a scenario failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
}

fn kind_of(step: &Step) -> StepKind {
    match step.kind {
        SpecKind::Given => StepKind::Given,
        SpecKind::When => StepKind::When,
        SpecKind::Then => StepKind::Then,
    }
}

/// Runs the scenario on a fresh world. A failure message ends with `rerun` followed
/// by `-- --exact NAME`, the command that reruns only this scenario.
pub fn run<W: World>(
    registry: &Registry<W>,
    prepared: &Prepared<'_>,
    rerun: &str,
    color: bool,
) -> Result<(), Failure> {
    let (path, source) = (prepared.path, prepared.source);
    let rerun = Rerun {
        command: rerun,
        name: prepared.name,
    };
    // Every step is matched before any runs: a typo in the last step fails at once,
    // with every unknown step of the scenario listed.
    let mut found = Vec::new();
    let mut lookup_errors = Vec::new();
    for step in &prepared.scenario.steps {
        let attached = match &step.argument {
            Some(StepArgument::Table(_)) => Attached::Table,
            Some(StepArgument::DocString(_)) => Attached::DocString,
            None => Attached::Nothing,
        };
        match registry.find(kind_of(step), &step.text, attached) {
            Ok(f) => found.push(f),
            Err(error) => lookup_errors.push(render_lookup(path, source, step, &error, color)),
        }
    }
    if !lookup_errors.is_empty() {
        let mut message = header(prepared, path);
        for e in lookup_errors {
            message.push('\n');
            message.push_str(&e);
        }
        let _ = write!(message, "\nrerun: {rerun}");
        return Err(Failure { message });
    }
    let mut world = W::new();
    if let Err(why) = world.set_tier(prepared.tier) {
        return Err(Failure {
            message: format!("{}\n\n{why}\nrerun: {rerun}", header(prepared, path)),
        });
    }
    for (step, found) in prepared.scenario.steps.iter().zip(found) {
        let (table, doc) = match &step.argument {
            Some(StepArgument::Table(t)) => (
                Some(Table::new(
                    t.rows
                        .iter()
                        .map(|r| r.cells.iter().map(|c| c.value.clone()).collect())
                        .collect(),
                )),
                None,
            ),
            Some(StepArgument::DocString(d)) => (None, Some(d.content.clone())),
            None => (None, None),
        };
        world.before_step(kind_of(step), &step.text);
        // A handler that panics is a bug in a step, not a reason to lose the report.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            found.run(&mut world, table, doc)
        }));
        let error = match outcome.map(|r| r.and_then(|()| world.after_step())) {
            Ok(Ok(())) => continue,
            Ok(Err(error)) => error,
            Err(panic) => StepError::failed(format!(
                "the step's code panicked: {}",
                panic_message(&panic)
            )),
        };
        return Err(Failure {
            message: failure_message(prepared, path, step, &error, &world, rerun, color),
        });
    }
    if let Err(error) = world.finish() {
        let last = prepared
            .scenario
            .steps
            .last()
            .expect("scenarios have steps");
        return Err(Failure {
            message: failure_message(prepared, path, last, &error, &world, rerun, color),
        });
    }
    Ok(())
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}

/// The command that reruns one scenario, written out only in a failure message.
#[derive(Clone, Copy)]
struct Rerun<'a> {
    command: &'a str,
    name: &'a str,
}

impl std::fmt::Display for Rerun<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} -- --exact {}", self.command, shell_quote(self.name))
    }
}

/// `text` quoted for a POSIX shell.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn header(prepared: &Prepared<'_>, path: &str) -> String {
    format!(
        "scenario: {}\n      at: {path}:{}",
        prepared.scenario.name, prepared.scenario.span.line
    )
}

fn keyword_text(step: &Step) -> String {
    format!("{} {}", step.keyword.as_str(), step.text)
}

fn render_lookup(
    path: &str,
    source: &str,
    step: &Step,
    error: &LookupError,
    color: bool,
) -> String {
    let (span, len, label) = match error.span() {
        Some(range) => (
            step.text_span.offset(range.start),
            range.end.saturating_sub(range.start),
            "not a valid value".to_string(),
        ),
        None => (
            step.text_span,
            step.text.chars().count(),
            match error {
                LookupError::Unknown { .. } => "no step matches this text".to_string(),
                LookupError::Ambiguous { .. } => "several steps match this text".to_string(),
                _ => "this step".to_string(),
            },
        ),
    };
    let message = error.to_string();
    let (first, rest) = message.split_once('\n').unwrap_or((&message, ""));
    let mut diagnostic = Diagnostic::new(span, len, first, label);
    if !rest.is_empty() {
        diagnostic = diagnostic.with_help(rest.trim_start());
    }
    diagnostic.render(path, source, color)
}

fn failure_message<W: World>(
    prepared: &Prepared<'_>,
    path: &str,
    step: &Step,
    error: &StepError,
    world: &W,
    rerun: Rerun<'_>,
    color: bool,
) -> String {
    let mut out = header(prepared, path);
    let _ = write!(
        out,
        "\n    step: {}\n      at: {path}:{}\n\n",
        keyword_text(step),
        step.span.line
    );
    match error {
        StepError::Mismatch {
            message,
            expected,
            observed,
        } => {
            let _ = writeln!(out, "{message}\n");
            let diff = format!(
                "{}",
                pretty_assertions::StrComparison::new(expected, observed)
            );
            let diff = if color { diff } else { strip_ansi(&diff) };
            // pretty_assertions heads its diff with "left / right"; name the sides.
            let body = diff
                .split_once('\n')
                .map_or(diff.as_str(), |(_, rest)| rest);
            let _ = writeln!(out, "Diff < expected / > observed:\n{}", body.trim_end());
        }
        StepError::Failed(message) => {
            let _ = writeln!(out, "{message}");
        }
    }
    let timeline = world.timeline();
    if !timeline.is_empty() {
        let _ = writeln!(out, "\ntimeline (virtual time; answered pings left out):");
        for line in timeline {
            let _ = writeln!(out, "  {line}");
        }
    }
    if let Some(seed) = world.seed() {
        let _ = writeln!(out, "\nseed: {seed}");
    }
    let _ = write!(out, "rerun: {rerun}");
    out
}
