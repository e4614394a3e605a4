//! Status updates as Then steps compare them: which fields an expected update pins,
//! how a received update prints, and tables of updates compared row by row.

use std::fmt::Write as _;

use crate::model::{FrameworkEvent, Reason, Received, Source, StatusUpdate, TaskState};
use crate::steps::{StepError, Table};
use crate::time::{Duration, Instant};

/// Which fields an expected update pins.
#[derive(Clone, Debug, Default)]
pub(super) struct Expected {
    pub(super) state: Option<TaskState>,
    pub(super) reason: Option<Reason>,
    pub(super) source: Option<Source>,
    pub(super) at: Option<Instant>,
    pub(super) tolerance: Duration,
}

/// Whether two instants are the same, give or take `tolerance`.
pub(super) fn near(a: Instant, b: Instant, tolerance: Duration) -> bool {
    a.max(b) - a.min(b) <= tolerance
}

impl Expected {
    pub(super) fn matches(&self, received: &Received, u: &StatusUpdate) -> bool {
        self.state.is_none_or(|s| s == u.state)
            && self.reason.is_none_or(|r| Some(r) == u.reason)
            && self.source.is_none_or(|s| Some(s) == u.source)
            && self.at.is_none_or(|t| near(t, received.at, self.tolerance))
    }

    pub(super) fn describe(&self, task: &str) -> String {
        let mut text = format!(
            "{} for task {task}",
            self.state.map(|s| s.name()).unwrap_or("an update")
        );
        if let Some(r) = self.reason {
            let _ = write!(text, " with reason {r}");
        }
        if let Some(s) = self.source {
            let _ = write!(text, " from {s}");
        }
        if let Some(t) = self.at {
            let _ = write!(text, " at {t}");
        }
        text
    }
}

fn update_line(received: &Received, u: &StatusUpdate) -> String {
    let mut line = format!("{} {} for task {}", received.at, u.state, u.task);
    if let Some(r) = u.reason {
        let _ = write!(line, " with reason {r}");
    }
    if let Some(s) = u.source {
        let _ = write!(line, " from {s}");
    }
    if let Some(m) = &u.message {
        let _ = write!(line, ": {m}");
    }
    line
}

/// The status updates among what a framework received.
pub(super) fn updates_in(received: &[Received]) -> Vec<(&Received, &StatusUpdate)> {
    received
        .iter()
        .filter_map(|r| match &r.event {
            FrameworkEvent::Update(u) => Some((r, u)),
            _ => None,
        })
        .collect()
}

/// The updates among `received`, a line each, for a diff.
pub(super) fn lines(received: &[Received]) -> String {
    let all: Vec<String> = updates_in(received)
        .into_iter()
        .map(|(r, u)| update_line(r, u))
        .collect();
    if all.is_empty() {
        "(no updates)".to_string()
    } else {
        all.join("\n")
    }
}

/// Compares a framework's updates with a table, row by row, on the columns the
/// header picks. `-` in a cell means the field is absent.
pub(super) fn check_update_table(
    framework: &str,
    table: &Table,
    window: &[Received],
) -> Result<(), StepError> {
    const COLUMNS: &[&str] = &[
        "task",
        "state",
        "reason",
        "source",
        "agent",
        "at",
        "unreachable time",
        "message",
    ];
    let header = table.header().unwrap_or(&[]);
    for column in header {
        if !COLUMNS.contains(&column.as_str()) {
            let hint = crate::suggest::closest(column, COLUMNS.iter().copied(), 1);
            return Err(StepError::failed(format!(
                "`{column}` is not an update column{}; use any of: {}",
                hint.first()
                    .map(|h| format!(" (did you mean `{h}`?)"))
                    .unwrap_or_default(),
                COLUMNS.join(", ")
            )));
        }
    }
    let observed = updates_in(window).into_iter().map(|(r, u)| {
        header
            .iter()
            .map(|column| {
                let absent = || "-".to_string();
                match column.as_str() {
                    "task" => u.task.to_string(),
                    "state" => u.state.name().to_string(),
                    "reason" => u
                        .reason
                        .map(|x| x.name().to_string())
                        .unwrap_or_else(absent),
                    "source" => u
                        .source
                        .map(|x| x.name().to_string())
                        .unwrap_or_else(absent),
                    "agent" => u
                        .agent
                        .as_ref()
                        .map(|a| a.to_string())
                        .unwrap_or_else(absent),
                    "at" => r.at.since_start().to_string(),
                    "unreachable time" => u
                        .unreachable_time
                        .map(|t| t.since_start().to_string())
                        .unwrap_or_else(absent),
                    _ => u.message.clone().unwrap_or_else(absent),
                }
            })
            .collect()
    });
    compare_rows(table, observed, || {
        format!("\"{framework}\" received other updates (since the last check)")
    })
}

/// Compares a table with the rows a Then step observed, cell by cell on the columns
/// of the table's header (which the caller checked): the expected cells normalised
/// ([`normalise_cell`]), both sides rendered as `| a | b |` lines for the diff.
pub(super) fn compare_rows(
    table: &Table,
    observed: impl IntoIterator<Item = Vec<String>>,
    message: impl FnOnce() -> String,
) -> Result<(), StepError> {
    let header = table.header().unwrap_or(&[]);
    let render = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
    let mut expected = vec![render(header.to_vec())];
    for row in table.body() {
        let cells = header
            .iter()
            .zip(row)
            .map(|(column, cell)| normalise_cell(column, cell))
            .collect::<Result<Vec<_>, _>>()?;
        expected.push(render(cells));
    }
    let observed: Vec<String> = std::iter::once(render(header.to_vec()))
        .chain(observed.into_iter().map(render))
        .collect();
    if expected == observed {
        return Ok(());
    }
    Err(StepError::mismatch(
        message(),
        expected.join("\n"),
        observed.join("\n"),
    ))
}

/// Puts an expected cell in the form the observed side prints: v1 names for
/// reasons and sources, shortest form for durations.
fn normalise_cell(column: &str, cell: &str) -> Result<String, StepError> {
    if cell == "-" {
        return Ok(cell.to_string());
    }
    let bad = |e: String| StepError::failed(format!("in column `{column}`: {e}"));
    Ok(match column {
        "state" => cell
            .parse::<TaskState>()
            .map_err(|e| bad(e.to_string()))?
            .name()
            .to_string(),
        "reason" => cell
            .parse::<Reason>()
            .map_err(|e| bad(e.to_string()))?
            .name()
            .to_string(),
        "source" => cell
            .parse::<Source>()
            .map_err(|e| bad(e.to_string()))?
            .name()
            .to_string(),
        "at" | "unreachable time" => cell
            .parse::<Duration>()
            .map_err(|e| bad(e.to_string()))?
            .to_string(),
        _ => cell.to_string(),
    })
}
