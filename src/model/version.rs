//! Mesos versions and the behaviour profiles where partition handling changed.
//!
//! The model does not branch on version numbers all over the place: it asks a
//! [`Version`] the questions whose answers changed between releases (rules E7, H4,
//! C7, J). Each question names the release that changed the answer.

use std::fmt;
use std::str::FromStr;

/// A Mesos release, `major.minor.patch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

/// The three behaviour profiles of rule E7.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Profile {
    /// Up to 1.0: an agent that fails health checks is removed and shut down.
    Removal,
    /// 1.1 to 1.4: unreachable; non-partition-aware tasks are killed on return.
    UnreachableKillOnReturn,
    /// 1.5 and later: unreachable; nothing killed; everyone told the reregistered state.
    Unreachable,
}

impl Version {
    /// The default profile: Mesos 1.12 (the version `docs/model.md` follows).
    pub const LATEST: Version = Version::new(1, 12, 0);

    pub const fn new(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }

    const fn at_least(self, major: u32, minor: u32) -> bool {
        self.major > major || (self.major == major && self.minor >= minor)
    }

    pub const fn profile(self) -> Profile {
        if !self.at_least(1, 1) {
            Profile::Removal
        } else if !self.at_least(1, 5) {
            Profile::UnreachableKillOnReturn
        } else {
            Profile::Unreachable
        }
    }

    /// Rule E7: since 1.1 (MESOS-5344) a health-check failure marks the agent
    /// unreachable instead of removing it and shutting it down.
    pub const fn has_unreachable(self) -> bool {
        self.at_least(1, 1)
    }

    /// Rule E7: 1.1 to 1.4 shut down non-partition-aware frameworks on an agent that
    /// comes back to the master that marked it unreachable.
    pub const fn kills_non_aware_tasks_on_return(self) -> bool {
        matches!(self.profile(), Profile::UnreachableKillOnReturn)
    }

    /// Rule C7: since 1.5 an agent keeps its ID after a `ShutdownMessage`; before,
    /// `Slave::finalize` deleted the `latest` symlink and it came back as a new agent.
    pub const fn agent_keeps_id_after_shutdown(self) -> bool {
        self.at_least(1, 5)
    }

    /// Rule J: `MARK_AGENT_GONE` exists since 1.5.0 (MESOS-7443).
    pub const fn has_mark_gone(self) -> bool {
        self.at_least(1, 5)
    }

    /// Rule J3: marking an unreachable agent gone sends task updates in 1.7.3 and
    /// from 1.9.0 (MESOS-9545); 1.5 to 1.8 only wrote the registry.
    pub const fn mark_gone_updates_unreachable_tasks(self) -> bool {
        self.at_least(1, 9) || (self.major == 1 && self.minor == 7 && self.patch >= 3)
    }

    /// A scheduler driver that is disconnected answers a launch itself: since 1.2
    /// with TASK_DROPPED for a partition-aware framework, before with TASK_LOST
    /// (`SchedulerProcess::acceptOffers`, sched.cpp:1320-1352; 1.0.0 and 1.1.0 always
    /// TASK_LOST). The driver is taken to be of the master's version.
    pub const fn driver_drops_launches(self) -> bool {
        self.at_least(1, 2)
    }

    /// Rule C6/F: agents of a master older than 1.1 answer TASK_LOST for every
    /// framework; TASK_DROPPED and the other partition states need 1.1.
    pub const fn has_partition_states(self) -> bool {
        self.at_least(1, 1)
    }
}

impl Default for Version {
    fn default() -> Version {
        Version::LATEST
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Why a version did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseVersionError {
    pub input: String,
    pub problem: &'static str,
}

impl fmt::Display for ParseVersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a Mesos version: {}; write e.g. `1.0`, `1.4.0` or `1.12` (releases 0.x to {}.{} are modelled)",
            self.input,
            self.problem,
            Version::LATEST.major,
            Version::LATEST.minor
        )
    }
}

impl std::error::Error for ParseVersionError {}

impl FromStr for Version {
    type Err = ParseVersionError;

    fn from_str(input: &str) -> Result<Version, ParseVersionError> {
        let err = |problem| ParseVersionError {
            input: input.to_string(),
            problem,
        };
        let parts: Vec<&str> = input.trim().split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(err("it needs a major and a minor number"));
        }
        let mut numbers = [0u32; 3];
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("each part must be a whole number"));
            }
            *slot = part.parse().map_err(|_| err("a part is too large"))?;
        }
        let version = Version::new(numbers[0], numbers[1], numbers[2]);
        if version.major > 1 || version > Version::new(1, 12, u32::MAX) {
            return Err(err("no such Mesos release"));
        }
        Ok(version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use test_case::test_case;

    #[test_case("1.0" => Profile::Removal ; "1.0 removes unhealthy agents")]
    #[test_case("0.28.2" => Profile::Removal ; "0.28 removes unhealthy agents")]
    #[test_case("1.1" => Profile::UnreachableKillOnReturn ; "1.1 introduces unreachable")]
    #[test_case("1.4.0" => Profile::UnreachableKillOnReturn ; "1.4 still kills non-aware tasks")]
    #[test_case("1.5" => Profile::Unreachable ; "1.5 stops killing")]
    #[test_case("1.12" => Profile::Unreachable ; "1.12 is the latest")]
    fn versions_map_to_the_profile_where_their_behaviour_belongs(text: &str) -> Profile {
        text.parse::<Version>().unwrap().profile()
    }

    #[test_case("2.0" ; "a release that does not exist")]
    #[test_case("1" ; "a major number alone")]
    #[test_case("1.x" ; "a part that is not a number")]
    #[test_case("1.2.3.4" ; "four parts")]
    fn malformed_versions_are_rejected(text: &str) {
        let error = text.parse::<Version>().unwrap_err().to_string();
        assert!(error.contains("e.g. `1.0`"), "{error}");
    }
}
