//! Virtual time: instants and durations of a simulated system.
//!
//! Time in the model is data. Nothing here reads a wall clock; an [`Instant`] is a
//! number of milliseconds since the scenario began, and it only moves when the
//! simulator moves it. Durations parse from the forms people write in specs
//! (`80s`, `1m20s`, `500ms`, `10mins`, `2 weeks`, `14d`) and print back in the
//! shortest exact form (`1m20s`).

use std::fmt;
use std::ops::{Add, AddAssign, Mul, Sub};
use std::str::FromStr;

/// A span of virtual time, with millisecond resolution.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration(u64);

/// A point in virtual time: milliseconds since the scenario began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant(u64);

const MS: u64 = 1;
const SECOND: u64 = 1000 * MS;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;
const WEEK: u64 = 7 * DAY;

impl Duration {
    pub const ZERO: Duration = Duration(0);
    /// The longest duration the model represents (far beyond any scenario).
    pub const MAX: Duration = Duration(u64::MAX / 4);

    pub const fn from_millis(ms: u64) -> Duration {
        Duration(ms)
    }
    pub const fn from_secs(s: u64) -> Duration {
        Duration(s * SECOND)
    }
    pub const fn from_mins(m: u64) -> Duration {
        Duration(m * MINUTE)
    }
    pub const fn from_hours(h: u64) -> Duration {
        Duration(h * HOUR)
    }
    pub const fn from_days(d: u64) -> Duration {
        Duration(d * DAY)
    }
    pub const fn as_millis(self) -> u64 {
        self.0
    }
    /// Whole seconds, rounded down (as Mesos's `Duration::secs()` truncates).
    pub const fn as_secs(self) -> u64 {
        self.0 / SECOND
    }
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
    pub fn saturating_sub(self, other: Duration) -> Duration {
        Duration(self.0.saturating_sub(other.0))
    }
    /// `self * numerator / denominator`, rounded down; used to scale a random
    /// fraction of a backoff interval.
    pub fn mul_ratio(self, numerator: u64, denominator: u64) -> Duration {
        if denominator == 0 {
            return Duration::ZERO;
        }
        Duration(((self.0 as u128 * numerator as u128) / denominator as u128) as u64)
    }
    pub fn checked_div(self, n: u64) -> Option<Duration> {
        self.0.checked_div(n).map(Duration)
    }
}

impl Instant {
    pub const ZERO: Instant = Instant(0);

    pub const fn from_millis(ms: u64) -> Instant {
        Instant(ms)
    }
    pub const fn as_millis(self) -> u64 {
        self.0
    }
    /// Time elapsed since the scenario began.
    pub const fn since_start(self) -> Duration {
        Duration(self.0)
    }
    /// `self - d`, or the start of the scenario if `d` is longer.
    pub fn saturating_sub_duration(self, d: Duration) -> Instant {
        Instant(self.0.saturating_sub(d.0))
    }

    /// `self - earlier`, or zero when `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(d.0))
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl Add for Duration {
    type Output = Duration;
    fn add(self, d: Duration) -> Duration {
        Duration(self.0.saturating_add(d.0))
    }
}

impl AddAssign for Duration {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub for Duration {
    type Output = Duration;
    fn sub(self, d: Duration) -> Duration {
        self.saturating_sub(d)
    }
}

impl Mul<u64> for Duration {
    type Output = Duration;
    fn mul(self, n: u64) -> Duration {
        Duration(self.0.saturating_mul(n))
    }
}

impl fmt::Display for Duration {
    /// The shortest exact form: `0s`, `500ms`, `90s` is `1m30s`, `2w`, `1d2h`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (size, unit) in [
            (WEEK, "w"),
            (DAY, "d"),
            (HOUR, "h"),
            (MINUTE, "m"),
            (SECOND, "s"),
            (MS, "ms"),
        ] {
            if rest >= size {
                write!(f, "{}{}", rest / size, unit)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

impl Duration {
    /// The form Mesos's `stout` prints a duration in (`10mins`, `75secs`, `1.5hrs`,
    /// `2weeks`): the largest unit the duration reaches, with a decimal fraction.
    pub fn mesos(self) -> String {
        let (size, unit) = [
            (WEEK, "weeks"),
            (DAY, "days"),
            (HOUR, "hrs"),
            (MINUTE, "mins"),
            (SECOND, "secs"),
        ]
        .into_iter()
        .find(|(size, _)| self.0 >= *size)
        .unwrap_or((MS, "ms"));
        let value = self.0 as f64 / size as f64;
        let text = format!("{value:.6}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        format!("{text}{unit}")
    }
}

impl fmt::Display for Instant {
    /// Scenario time as `mm:ss.mmm`, with hours and days when needed: `01:30.000`,
    /// `2d 03:00:00.000`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0 % SECOND;
        let s = (self.0 / SECOND) % 60;
        let m = (self.0 / MINUTE) % 60;
        let h = (self.0 / HOUR) % 24;
        let d = self.0 / DAY;
        if d > 0 {
            write!(f, "{d}d {h:02}:{m:02}:{s:02}.{ms:03}")
        } else if h > 0 {
            write!(f, "{h:02}:{m:02}:{s:02}.{ms:03}")
        } else {
            write!(f, "{m:02}:{s:02}.{ms:03}")
        }
    }
}

/// Why a duration did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDurationError {
    pub input: String,
    pub problem: String,
}

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a duration: {}; write a number and a unit, e.g. `80s`, `1m20s`, `500ms`, `10mins`, `2 weeks`",
            self.input, self.problem
        )
    }
}

impl std::error::Error for ParseDurationError {}

fn unit_size(unit: &str) -> Option<u64> {
    Some(match unit {
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => MS,
        "s" | "sec" | "secs" | "second" | "seconds" => SECOND,
        "m" | "min" | "mins" | "minute" | "minutes" => MINUTE,
        "h" | "hr" | "hrs" | "hour" | "hours" => HOUR,
        "d" | "day" | "days" => DAY,
        "w" | "week" | "weeks" => WEEK,
        _ => return None,
    })
}

impl FromStr for Duration {
    type Err = ParseDurationError;

    /// Parses one or more `<number><unit>` parts, optionally separated by spaces:
    /// `80s`, `1m20s`, `1m 20s`, `1.5s`, `2 weeks`. Units: ms, s, m/min/mins, h, d, w
    /// and their long spellings.
    fn from_str(input: &str) -> Result<Duration, ParseDurationError> {
        let err = |problem: &str| ParseDurationError {
            input: input.to_string(),
            problem: problem.to_string(),
        };
        let s = input.trim();
        if s.is_empty() {
            return Err(err("it is empty"));
        }
        let bytes = s.as_bytes();
        let mut i = 0;
        let mut total: u64 = 0;
        while i < bytes.len() {
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            let num_start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let number = &s[num_start..i];
            if number.is_empty() {
                return Err(err(&format!("expected a number at `{}`", &s[num_start..])));
            }
            while i < bytes.len() && bytes[i] == b' ' {
                i += 1;
            }
            let unit_start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let unit = &s[unit_start..i];
            if unit.is_empty() {
                return Err(err(&format!("`{number}` has no unit")));
            }
            let size = unit_size(&unit.to_ascii_lowercase())
                .ok_or_else(|| err(&format!("`{unit}` is not a unit (use ms, s, m, h, d or w)")))?;
            let millis = parse_scaled(number, size).ok_or_else(|| {
                err(&format!(
                    "`{number}{unit}` is not a whole number of milliseconds"
                ))
            })?;
            total = total
                .checked_add(millis)
                .filter(|t| *t <= Duration::MAX.0)
                .ok_or_else(|| err("it is too long"))?;
        }
        Ok(Duration(total))
    }
}

/// `number * size` for a decimal `number` such as `1.5`, if the result is a whole
/// number of milliseconds.
fn parse_scaled(number: &str, size: u64) -> Option<u64> {
    let (whole, frac) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if frac.contains('.') || (whole.is_empty() && frac.is_empty()) {
        return None;
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut value = whole.checked_mul(size)?;
    if !frac.is_empty() {
        let digits = frac.len() as u32;
        let frac_num: u64 = frac.parse().ok()?;
        let denom = 10u64.checked_pow(digits)?;
        let scaled = (frac_num as u128) * (size as u128);
        if scaled % denom as u128 != 0 {
            return None;
        }
        value = value.checked_add((scaled / denom as u128) as u64)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_case::test_case;

    #[test_case("80s" => 80_000 ; "seconds")]
    #[test_case("1m20s" => 80_000 ; "minutes and seconds combine")]
    #[test_case("1m 20s" => 80_000 ; "parts may be separated by a space")]
    #[test_case("500ms" => 500 ; "milliseconds")]
    #[test_case("10mins" => 600_000 ; "mins is minutes")]
    #[test_case("2 weeks" => 1_209_600_000 ; "a space between number and unit")]
    #[test_case("2weeks" => 1_209_600_000 ; "weeks without a space")]
    #[test_case("14d" => 1_209_600_000 ; "days")]
    #[test_case("1.5s" => 1_500 ; "a decimal fraction")]
    #[test_case("1h" => 3_600_000 ; "hours")]
    fn durations_parse_from_the_forms_people_write(text: &str) -> u64 {
        text.parse::<Duration>().unwrap().as_millis()
    }

    #[test_case("" ; "empty text")]
    #[test_case("80" ; "a number without unit")]
    #[test_case("80 parsecs" ; "an unknown unit")]
    #[test_case("s" ; "a unit without number")]
    #[test_case("0.0001s" ; "less than a millisecond")]
    fn malformed_durations_are_rejected_with_a_hint(text: &str) {
        let error = text.parse::<Duration>().unwrap_err();
        assert!(error.to_string().contains("e.g. `80s`"), "{error}");
    }

    #[test_case(90_000 => "1m30s" ; "minutes and seconds")]
    #[test_case(0 => "0s" ; "zero")]
    #[test_case(1_209_600_000 => "2w" ; "weeks")]
    #[test_case(1_500 => "1s500ms" ; "milliseconds")]
    fn durations_print_in_the_shortest_exact_form(ms: u64) -> String {
        Duration::from_millis(ms).to_string()
    }

    #[test]
    fn printed_durations_parse_back_to_the_same_value() {
        for ms in [1, 999, 1_000, 61_001, 3_600_000, 90_061_001, 1_209_600_000] {
            let d = Duration::from_millis(ms);
            pretty_assertions::assert_eq!(d.to_string().parse::<Duration>(), Ok(d));
        }
    }

    #[test_case(600_000 => "10mins" ; "minutes")]
    #[test_case(45_000 => "45secs" ; "seconds below a minute")]
    #[test_case(75_000 => "1.25mins" ; "a fraction of a minute")]
    #[test_case(5_400_000 => "1.5hrs" ; "a fraction of an hour")]
    #[test_case(1_209_600_000 => "2weeks" ; "weeks")]
    fn durations_print_as_mesos_prints_them(ms: u64) -> String {
        Duration::from_millis(ms).mesos()
    }

    #[test]
    fn instants_print_as_a_clock_since_the_scenario_began() {
        pretty_assertions::assert_eq!(Instant::from_millis(90_000).to_string(), "01:30.000");
        pretty_assertions::assert_eq!(Instant::from_millis(3_723_004).to_string(), "01:02:03.004");
        pretty_assertions::assert_eq!(
            Instant::from_millis(2 * DAY + 3 * HOUR).to_string(),
            "2d 03:00:00.000"
        );
    }
}
