//! Master and agent flags, with Mesos's names, defaults and validation (section 0
//! of `docs/model.md`).
//!
//! Setting a flag by name is how specs configure the model; a bad name or value
//! is a [`FlagError`] that names the flag and what it accepts.

use std::fmt;

use crate::time::Duration;

/// `--agent_removal_rate_limit`: `permits` per `duration`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    pub permits: u64,
    pub duration: Duration,
}

impl RateLimit {
    /// The spacing between permits (`duration / permits`; libprocess `RateLimiter`).
    pub fn spacing(self) -> Duration {
        self.duration
            .checked_div(self.permits)
            .unwrap_or(Duration::ZERO)
    }
}

impl fmt::Display for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.permits, self.duration)
    }
}

/// Which registry backs the master. Only the replicated log survives failover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegistryKind {
    ReplicatedLog,
    InMemory,
}

/// The master's flags that matter for partitions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MasterFlags {
    pub agent_ping_timeout: Duration,
    pub max_agent_ping_timeouts: u32,
    pub agent_reregister_timeout: Duration,
    pub agent_removal_rate_limit: Option<RateLimit>,
    pub registry_gc_interval: Duration,
    pub registry_max_agent_age: Duration,
    pub registry_max_agent_count: usize,
    /// A fraction in [0, 1]; 1.0 is `100%`.
    pub recovery_agent_removal_limit_percent: u32,
    pub max_unreachable_tasks_per_framework: usize,
    pub max_completed_tasks_per_framework: usize,
    pub max_completed_frameworks: usize,
    pub registry: RegistryKind,
}

impl Default for MasterFlags {
    fn default() -> MasterFlags {
        MasterFlags {
            agent_ping_timeout: Duration::from_secs(15),
            max_agent_ping_timeouts: 5,
            agent_reregister_timeout: Duration::from_mins(10),
            agent_removal_rate_limit: None,
            registry_gc_interval: Duration::from_mins(15),
            registry_max_agent_age: Duration::from_days(14),
            registry_max_agent_count: 100 * 1024,
            recovery_agent_removal_limit_percent: 100,
            max_unreachable_tasks_per_framework: 1000,
            max_completed_tasks_per_framework: 1000,
            max_completed_frameworks: 50,
            registry: RegistryKind::ReplicatedLog,
        }
    }
}

/// Why a flag could not be set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlagError {
    UnknownFlag {
        name: String,
        suggestion: Option<&'static str>,
        accepted: Vec<&'static str>,
    },
    BadValue {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
}

impl fmt::Display for FlagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlagError::UnknownFlag {
                name,
                suggestion,
                accepted,
            } => {
                write!(f, "`{name}` is not a modelled flag")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean `{s}`?")?;
                }
                write!(f, " (accepted: {})", accepted.join(", "))
            }
            FlagError::BadValue {
                name,
                value,
                expected,
            } => write!(
                f,
                "`{value}` is not a valid value for `{name}`: expected {expected}"
            ),
        }
    }
}

impl std::error::Error for FlagError {}

impl FlagError {
    /// `name` (normalised as `normal`) is none of `known`.
    fn unknown(name: &str, normal: &str, known: &[(&'static str, &str)]) -> FlagError {
        let accepted: Vec<&'static str> = known.iter().map(|(n, _)| *n).collect();
        FlagError::UnknownFlag {
            name: name.to_string(),
            suggestion: crate::suggest::closest(normal, accepted.iter().copied(), 1)
                .first()
                .copied(),
            accepted,
        }
    }
}

/// Every master flag the model knows, with what it accepts.
pub const MASTER_FLAGS: &[(&str, &str)] = &[
    (
        "agent_ping_timeout",
        "a duration between 1s and 15mins, e.g. `15s`",
    ),
    (
        "max_agent_ping_timeouts",
        "a whole number of at least 1, e.g. `5`",
    ),
    (
        "agent_reregister_timeout",
        "a duration of at least 10mins, e.g. `10mins`",
    ),
    (
        "agent_removal_rate_limit",
        "`<permits>/<duration>`, e.g. `1/10mins`, or `none`",
    ),
    ("registry_gc_interval", "a positive duration, e.g. `15mins`"),
    ("registry_max_agent_age", "a duration, e.g. `2weeks`"),
    ("registry_max_agent_count", "a whole number, e.g. `102400`"),
    ("recovery_agent_removal_limit", "a percentage, e.g. `100%`"),
    (
        "max_unreachable_tasks_per_framework",
        "a whole number, e.g. `1000`",
    ),
    (
        "max_completed_tasks_per_framework",
        "a whole number, e.g. `1000`",
    ),
    ("max_completed_frameworks", "a whole number, e.g. `50`"),
    ("registry", "`replicated_log` or `in_memory`"),
];

fn normalise_flag_name(name: &str) -> String {
    let name = name.trim().trim_start_matches("--");
    name.replace("slave", "agent")
}

impl MasterFlags {
    /// Sets a flag by its Mesos name (`--` prefix and `slave` spellings accepted).
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), FlagError> {
        let normal = normalise_flag_name(name);
        let Some(&(flag, expected)) = MASTER_FLAGS.iter().find(|(n, _)| *n == normal) else {
            return Err(FlagError::unknown(name, &normal, MASTER_FLAGS));
        };
        let bad = || FlagError::BadValue {
            name: flag,
            value: value.to_string(),
            expected,
        };
        let value = value.trim();
        let duration = || value.parse::<Duration>().map_err(|_| bad());
        let count = || value.parse::<usize>().map_err(|_| bad());
        match flag {
            "agent_ping_timeout" => {
                let d = duration()?;
                // Section 0: must be between 1 s and 15 min (src/master/flags.cpp).
                if d < Duration::from_secs(1) || d > Duration::from_mins(15) {
                    return Err(bad());
                }
                self.agent_ping_timeout = d;
            }
            "max_agent_ping_timeouts" => {
                let n = count()?;
                if n < 1 || n > u32::MAX as usize {
                    return Err(bad());
                }
                self.max_agent_ping_timeouts = n as u32;
            }
            "agent_reregister_timeout" => {
                let d = duration()?;
                // Section 0: the master refuses to start below MIN_AGENT_REREGISTER_TIMEOUT.
                if d < Duration::from_mins(10) {
                    return Err(bad());
                }
                self.agent_reregister_timeout = d;
            }
            "agent_removal_rate_limit" => {
                self.agent_removal_rate_limit = if value == "none" {
                    None
                } else {
                    let (permits, per) = value.split_once('/').ok_or_else(bad)?;
                    let permits: u64 = permits.trim().parse().map_err(|_| bad())?;
                    let duration: Duration = per.parse().map_err(|_| bad())?;
                    if permits == 0 || duration.is_zero() {
                        return Err(bad());
                    }
                    Some(RateLimit { permits, duration })
                };
            }
            "registry_gc_interval" => {
                let d = duration()?;
                if d.is_zero() {
                    return Err(bad());
                }
                self.registry_gc_interval = d;
            }
            "registry_max_agent_age" => self.registry_max_agent_age = duration()?,
            "registry_max_agent_count" => self.registry_max_agent_count = count()?,
            "recovery_agent_removal_limit" => {
                let percent: u32 = value
                    .strip_suffix('%')
                    .ok_or_else(bad)?
                    .trim()
                    .parse()
                    .map_err(|_| bad())?;
                if percent > 100 {
                    return Err(bad());
                }
                self.recovery_agent_removal_limit_percent = percent;
            }
            "max_unreachable_tasks_per_framework" => {
                self.max_unreachable_tasks_per_framework = count()?
            }
            "max_completed_tasks_per_framework" => {
                self.max_completed_tasks_per_framework = count()?
            }
            "max_completed_frameworks" => self.max_completed_frameworks = count()?,
            "registry" => {
                self.registry = match value {
                    "replicated_log" => RegistryKind::ReplicatedLog,
                    "in_memory" => RegistryKind::InMemory,
                    _ => return Err(bad()),
                }
            }
            _ => unreachable!("every name in MASTER_FLAGS is handled"),
        }
        Ok(())
    }

    /// `agent_ping_timeout x max_agent_ping_timeouts`, rounded down to whole seconds
    /// as the master sends it to agents (rule C1, `total_ping_timeout_seconds`).
    pub fn total_ping_timeout(&self) -> Duration {
        let total = self.agent_ping_timeout * u64::from(self.max_agent_ping_timeouts);
        Duration::from_secs(total.as_secs())
    }
}

/// The agent's flags that matter for partitions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentFlags {
    /// `--registration_backoff_factor` (rule C3), default 1 s.
    pub registration_backoff_factor: Duration,
}

impl Default for AgentFlags {
    fn default() -> AgentFlags {
        AgentFlags {
            registration_backoff_factor: Duration::from_secs(1),
        }
    }
}

/// Every agent flag the model knows.
pub const AGENT_FLAGS: &[(&str, &str)] =
    &[("registration_backoff_factor", "a duration, e.g. `1s`")];

impl AgentFlags {
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), FlagError> {
        let normal = normalise_flag_name(name);
        if normal != "registration_backoff_factor" {
            return Err(FlagError::unknown(name, &normal, AGENT_FLAGS));
        }
        self.registration_backoff_factor =
            value.trim().parse().map_err(|_| FlagError::BadValue {
                name: "registration_backoff_factor",
                value: value.to_string(),
                expected: AGENT_FLAGS[0].1,
            })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use rstest::rstest;

    #[rstest]
    #[case("agent_ping_timeout", "0s")]
    #[case("agent_ping_timeout", "16mins")]
    #[case("max_agent_ping_timeouts", "0")]
    #[case("agent_reregister_timeout", "9mins")]
    #[case("agent_removal_rate_limit", "1 per 10mins")]
    #[case("recovery_agent_removal_limit", "101%")]
    #[case("registry", "zookeeper")]
    fn out_of_range_flag_values_are_rejected_with_what_is_accepted(
        #[case] name: &str,
        #[case] value: &str,
    ) {
        let error = MasterFlags::default().set(name, value).unwrap_err();
        assert!(matches!(error, FlagError::BadValue { .. }), "{error}");
        assert!(error.to_string().contains("expected"), "{error}");
    }

    #[test]
    fn an_unknown_flag_suggests_the_closest_known_one() {
        let error = MasterFlags::default()
            .set("agent_ping_timout", "15s")
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("did you mean `agent_ping_timeout`?"),
            "{error}"
        );
    }

    #[test]
    fn slave_spellings_of_flags_are_accepted() {
        let mut flags = MasterFlags::default();
        flags.set("--slave_ping_timeout", "5s").unwrap();
        assert_eq!(flags.agent_ping_timeout, Duration::from_secs(5));
    }

    #[test]
    fn the_rate_limit_spaces_permits_evenly_over_its_duration() {
        let mut flags = MasterFlags::default();
        flags.set("agent_removal_rate_limit", "2/10mins").unwrap();
        assert_eq!(
            flags.agent_removal_rate_limit.unwrap().spacing(),
            Duration::from_mins(5)
        );
    }

    #[test]
    fn the_total_ping_timeout_is_rounded_down_to_whole_seconds() {
        let mut flags = MasterFlags::default();
        flags.set("agent_ping_timeout", "1500ms").unwrap();
        flags.set("max_agent_ping_timeouts", "3").unwrap();
        assert_eq!(flags.total_ping_timeout(), Duration::from_secs(4));
    }
}
