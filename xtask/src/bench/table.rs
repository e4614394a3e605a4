//! The results of `cargo xtask bench`: medians, ratios to the targets, and the table.
//!
//! Pure: numbers in, text out. A row is one measure of one workload (its median time, its
//! peak memory, a ratio of two medians), with the target it is held to, if any. The table
//! says how far each value is from its target as a share of it (`61%` is well inside,
//! `130%` is over), and never fails: the machines are shared and noisy, so the figures are
//! for people, who rerun and compare.

use std::fmt;
use std::time::Duration;

/// A measured quantity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Quantity {
    Seconds(f64),
    Bytes(f64),
    /// A ratio of two measures, such as the harness's time over the bare runner's.
    Times(f64),
}

impl Quantity {
    pub fn time(duration: Duration) -> Quantity {
        Quantity::Seconds(duration.as_secs_f64())
    }

    fn amount(self) -> f64 {
        match self {
            Quantity::Seconds(x) | Quantity::Bytes(x) | Quantity::Times(x) => x,
        }
    }

    /// The same kind of quantity with another amount.
    fn with(self, amount: f64) -> Quantity {
        match self {
            Quantity::Seconds(_) => Quantity::Seconds(amount),
            Quantity::Bytes(_) => Quantity::Bytes(amount),
            Quantity::Times(_) => Quantity::Times(amount),
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: f64 = 1024.0 * 1024.0;
        match *self {
            Quantity::Seconds(s) if s >= 100.0 => write!(f, "{s:.0} s"),
            Quantity::Seconds(s) if s >= 10.0 => write!(f, "{s:.1} s"),
            Quantity::Seconds(s) if s >= 1.0 => write!(f, "{s:.2} s"),
            Quantity::Seconds(s) if s >= 0.01 => write!(f, "{:.0} ms", s * 1e3),
            Quantity::Seconds(s) => write!(f, "{:.1} ms", s * 1e3),
            Quantity::Bytes(b) if b >= 1024.0 * MIB => write!(f, "{:.2} GiB", b / (1024.0 * MIB)),
            Quantity::Bytes(b) => write!(f, "{:.0} MiB", b / MIB),
            Quantity::Times(x) => write!(f, "{x:.2}×"),
        }
    }
}

/// What a measure is held to: at most `limit`, ideally at most `goal`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    pub limit: Quantity,
    pub goal: Option<Quantity>,
    /// The target as the project states it: `≤ 0.3 s`, `≤ 3× (goal 2×)`.
    pub label: &'static str,
}

impl Target {
    pub const fn at_most(limit: Quantity, label: &'static str) -> Target {
        Target {
            limit,
            goal: None,
            label,
        }
    }

    pub const fn with_goal(limit: Quantity, goal: Quantity, label: &'static str) -> Target {
        Target {
            limit,
            goal: Some(goal),
            label,
        }
    }

    /// `value` as a share of the limit (1.0 is exactly on it).
    pub fn share(&self, value: Quantity) -> f64 {
        value.amount() / self.limit.amount()
    }

    /// `61%  ok`, `130%  over`, `80%  ok, over the goal`.
    pub fn verdict(&self, value: Quantity) -> String {
        let share = self.share(value);
        let within = |limit: Quantity| value.amount() <= limit.amount();
        let word = match (within(self.limit), self.goal.map(within)) {
            (false, _) => "over",
            (true, Some(false)) => "ok, over the goal",
            (true, _) => "ok",
        };
        format!("{:.0}%  {word}", share * 100.0)
    }
}

/// One line of the table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// The workload; empty on the further rows of the same workload.
    pub workload: String,
    /// What is measured: `median of 5 runs`, `peak RSS`, `10,000 / 1,000 agents`.
    pub measure: String,
    pub value: Quantity,
    /// The smallest and largest of the runs, where there were several.
    pub spread: Option<(Quantity, Quantity)>,
    pub target: Option<Target>,
}

impl Row {
    /// A row of the median of several runs, with their spread.
    pub fn median_of(
        workload: impl Into<String>,
        samples: &[Quantity],
        target: Option<Target>,
    ) -> Option<Row> {
        let amounts: Vec<f64> = samples.iter().map(|q| q.amount()).collect();
        let first = *samples.first()?;
        let (low, high) = min_max(&amounts)?;
        Some(Row {
            workload: workload.into(),
            measure: match samples.len() {
                1 => "time of 1 run".to_owned(),
                n => format!("median of {n} runs"),
            },
            value: first.with(median(&amounts)?),
            spread: (samples.len() > 1).then(|| (first.with(low), first.with(high))),
            target,
        })
    }

    /// A row of one value.
    pub fn single(
        workload: impl Into<String>,
        measure: impl Into<String>,
        value: Quantity,
        target: Option<Target>,
    ) -> Row {
        Row {
            workload: workload.into(),
            measure: measure.into(),
            value,
            spread: None,
            target,
        }
    }
}

/// The middle value of `samples` (the mean of the two middle ones for an even count);
/// `None` for no samples.
pub fn median(samples: &[f64]) -> Option<f64> {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => Some(sorted[mid]),
        _ => Some((sorted[mid - 1] + sorted[mid]) / 2.0),
    }
}

fn min_max(samples: &[f64]) -> Option<(f64, f64)> {
    let low = samples.iter().copied().min_by(f64::total_cmp)?;
    let high = samples.iter().copied().max_by(f64::total_cmp)?;
    Some((low, high))
}

/// `10,000`: a count with thousands separated, as the targets are written.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The rows as a table with aligned columns: workload, measure, value, spread, target, and
/// the value as a share of the target with its verdict.
pub fn render(rows: &[Row]) -> String {
    const HEADER: [&str; 6] = [
        "workload",
        "measure",
        "value",
        "runs from–to",
        "target",
        "of target",
    ];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|row| {
            [
                row.workload.clone(),
                row.measure.clone(),
                row.value.to_string(),
                row.spread
                    .map(|(low, high)| format!("{low} – {high}"))
                    .unwrap_or_default(),
                row.target.map(|t| t.label.to_owned()).unwrap_or_default(),
                row.target.map(|t| t.verdict(row.value)).unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = HEADER.map(|h| h.chars().count());
    for line in &cells {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let format_line = |line: &[String]| {
        let mut out = String::new();
        for (i, (cell, width)) in line.iter().zip(widths).enumerate() {
            let pad = width - cell.chars().count();
            match i {
                // Values read best right-aligned, so that their units line up.
                2 => out.push_str(&format!("{}{cell}  ", " ".repeat(pad))),
                _ => out.push_str(&format!("{cell}{}  ", " ".repeat(pad))),
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = format_line(&HEADER.map(str::to_owned));
    out.push('\n');
    out.push_str(&"─".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
    out.push('\n');
    for line in &cells {
        out.push_str(&format_line(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use test_case::test_case;

    #[test_case(&[3.0, 1.0, 2.0], Some(2.0) ; "the middle of an odd count")]
    #[test_case(&[4.0, 1.0, 3.0, 2.0], Some(2.5) ; "the mean of the two middle values of an even count")]
    #[test_case(&[7.0], Some(7.0) ; "a single sample")]
    #[test_case(&[], None ; "no samples")]
    fn the_median_is_the_middle_of_the_sorted_samples(samples: &[f64], expected: Option<f64>) {
        assert_eq!(median(samples), expected);
    }

    #[test]
    fn one_slow_run_does_not_move_the_median() {
        assert_eq!(median(&[0.5, 0.52, 9.0, 0.51, 0.49]), Some(0.51));
    }

    #[test_case(Quantity::Seconds(637.12), "637 s" ; "minutes in whole seconds")]
    #[test_case(Quantity::Seconds(44.69), "44.7 s" ; "long times in tenths of seconds")]
    #[test_case(Quantity::Seconds(1.7642), "1.76 s" ; "seconds in hundredths")]
    #[test_case(Quantity::Seconds(0.3126), "313 ms" ; "under a second in milliseconds")]
    #[test_case(Quantity::Seconds(0.00312), "3.1 ms" ; "a few milliseconds in tenths")]
    #[test_case(Quantity::Bytes(3_861_303_296.0), "3.60 GiB" ; "gibibytes")]
    #[test_case(Quantity::Bytes(107_905_024.0), "103 MiB" ; "mebibytes")]
    #[test_case(Quantity::Times(2.456), "2.46×" ; "a ratio")]
    fn quantities_print_in_the_unit_that_reads_best(quantity: Quantity, expected: &str) {
        assert_eq!(quantity.to_string(), expected);
    }

    #[test_case(0.61, "61%  ok" ; "inside the limit")]
    #[test_case(1.0, "100%  ok" ; "exactly on the limit")]
    #[test_case(1.3, "130%  over" ; "over the limit")]
    fn a_value_is_shown_as_a_share_of_its_target(seconds: f64, expected: &str) {
        let target = Target::at_most(Quantity::Seconds(1.0), "≤ 1 s");
        assert_eq!(target.verdict(Quantity::Seconds(seconds)), expected);
    }

    #[test]
    fn a_ratio_between_goal_and_limit_is_ok_but_over_the_goal() {
        let target =
            Target::with_goal(Quantity::Times(3.0), Quantity::Times(2.0), "≤ 3× (goal 2×)");
        assert_eq!(
            target.verdict(Quantity::Times(2.4)),
            "80%  ok, over the goal"
        );
        assert_eq!(target.verdict(Quantity::Times(1.5)), "50%  ok");
        assert_eq!(target.verdict(Quantity::Times(3.3)), "110%  over");
    }

    #[test]
    fn a_median_row_carries_the_spread_of_its_runs() {
        let samples = [0.9, 0.7, 1.2].map(Quantity::Seconds);
        let row = Row::median_of("quiet", &samples, None).unwrap();
        assert_eq!(row.measure, "median of 3 runs");
        assert_eq!(row.value, Quantity::Seconds(0.9));
        assert_eq!(
            row.spread,
            Some((Quantity::Seconds(0.7), Quantity::Seconds(1.2)))
        );
        let one = Row::median_of("quiet", &samples[..1], None).unwrap();
        assert_eq!((one.measure.as_str(), one.spread), ("time of 1 run", None));
        assert_eq!(Row::median_of("quiet", &[], None), None);
    }

    #[test_case(7, "7" ; "a small count")]
    #[test_case(1_000, "1,000" ; "a thousand")]
    #[test_case(10_000, "10,000" ; "ten thousand")]
    #[test_case(1_234_567, "1,234,567" ; "millions")]
    fn counts_are_written_with_thousands_separated(n: usize, expected: &str) {
        assert_eq!(count(n), expected);
    }

    #[test]
    fn the_table_aligns_its_columns_and_leaves_cells_without_a_target_empty() {
        let rows = [
            Row::median_of(
                "10,000 quiet agents",
                &[1.0, 0.5, 0.6].map(Quantity::Seconds),
                Some(Target::at_most(Quantity::Seconds(1.0), "≤ 1 s")),
            )
            .unwrap(),
            Row::single("", "peak RSS", Quantity::Bytes(104_857_600.0), None),
        ];
        let expected = [
            "workload             measure             value  runs from–to     target  of target",
            "──────────────────────────────────────────────────────────────────────────────────",
            "10,000 quiet agents  median of 3 runs   600 ms  500 ms – 1.00 s  ≤ 1 s   60%  ok",
            "                     peak RSS          100 MiB",
            "",
        ];
        assert_eq!(render(&rows), expected.join("\n"));
    }
}
