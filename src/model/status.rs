//! Task states, status-update reasons and sources, with Mesos's names.
//!
//! Every value prints with its v1 name (`REASON_AGENT_REMOVED`, `SOURCE_AGENT`) and
//! parses from either the v1 or the v0 spelling (`REASON_SLAVE_REMOVED`,
//! `SOURCE_SLAVE`), because the two APIs share the numbers
//! (`include/mesos/v1/mesos.proto`, `TaskStatus.Reason` and `Source`).

use std::fmt;
use std::str::FromStr;

/// Why a name did not parse as a task state, reason, source or version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    /// What kind of name was expected, e.g. "task state".
    pub kind: &'static str,
    pub input: String,
    /// Every accepted spelling, for the error message.
    pub accepted: Vec<&'static str>,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a {}", self.input, self.kind)?;
        let close = crate::suggest::closest(&self.input, self.accepted.iter().copied(), 1);
        if let Some(best) = close.first() {
            write!(f, "; did you mean `{best}`?")?;
        }
        write!(f, " (accepted: {})", self.accepted.join(", "))
    }
}

impl std::error::Error for UnknownName {}

macro_rules! mesos_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $kind:literal {
            $( $variant:ident = $v1:literal $(| $v0:literal)? ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $( $variant ),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The v1 API name, as reports print it.
            pub const fn name(self) -> &'static str {
                match self { $( $name::$variant => $v1 ),+ }
            }

            /// Every accepted spelling: v1 names, then v0 aliases.
            pub fn spellings() -> Vec<&'static str> {
                #[allow(unused_mut)]
                let mut all = vec![ $( $v1 ),+ ];
                $( $( all.push($v0); )? )+
                all
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $( $v1 $(| $v0)? => Ok($name::$variant), )+
                    _ => Err(UnknownName { kind: $kind, input: s.to_string(), accepted: Self::spellings() }),
                }
            }
        }
    };
}

mesos_enum! {
    /// A Mesos task state (`TaskState` in `mesos.proto`).
    TaskState, "task state" {
        Staging = "TASK_STAGING",
        Starting = "TASK_STARTING",
        Running = "TASK_RUNNING",
        Killing = "TASK_KILLING",
        Finished = "TASK_FINISHED",
        Failed = "TASK_FAILED",
        Killed = "TASK_KILLED",
        Error = "TASK_ERROR",
        Lost = "TASK_LOST",
        Dropped = "TASK_DROPPED",
        Unreachable = "TASK_UNREACHABLE",
        Gone = "TASK_GONE",
        GoneByOperator = "TASK_GONE_BY_OPERATOR",
        Unknown = "TASK_UNKNOWN",
    }
}

impl TaskState {
    /// `protobuf::isTerminalState`: UNREACHABLE and UNKNOWN are not terminal.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            TaskState::Finished
                | TaskState::Failed
                | TaskState::Killed
                | TaskState::Error
                | TaskState::Lost
                | TaskState::Dropped
                | TaskState::Gone
                | TaskState::GoneByOperator
        )
    }
}

mesos_enum! {
    /// Why a status update was sent (`TaskStatus.Reason`); only the reasons the
    /// partition model produces.
    Reason, "status-update reason" {
        FrameworkRemoved = "REASON_FRAMEWORK_REMOVED",
        InvalidOffers = "REASON_INVALID_OFFERS",
        MasterDisconnected = "REASON_MASTER_DISCONNECTED",
        Reconciliation = "REASON_RECONCILIATION",
        AgentDisconnected = "REASON_AGENT_DISCONNECTED" | "REASON_SLAVE_DISCONNECTED",
        AgentRemoved = "REASON_AGENT_REMOVED" | "REASON_SLAVE_REMOVED",
        AgentRemovedByOperator = "REASON_AGENT_REMOVED_BY_OPERATOR" | "REASON_SLAVE_REMOVED_BY_OPERATOR",
        AgentReregistered = "REASON_AGENT_REREGISTERED" | "REASON_SLAVE_REREGISTERED",
        AgentRestarted = "REASON_AGENT_RESTARTED" | "REASON_SLAVE_RESTARTED",
        ExecutorTerminated = "REASON_EXECUTOR_TERMINATED",
        TaskInvalid = "REASON_TASK_INVALID",
        TaskKilledDuringLaunch = "REASON_TASK_KILLED_DURING_LAUNCH",
        CommandExecutorFailed = "REASON_COMMAND_EXECUTOR_FAILED",
    }
}

mesos_enum! {
    /// Who produced a status update (`TaskStatus.Source`).
    Source, "status-update source" {
        Master = "SOURCE_MASTER",
        Agent = "SOURCE_AGENT" | "SOURCE_SLAVE",
        Executor = "SOURCE_EXECUTOR",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;
    use test_case::test_case;

    #[test_case("REASON_AGENT_REMOVED" ; "the v1 spelling")]
    #[test_case("REASON_SLAVE_REMOVED" ; "the v0 spelling")]
    fn reasons_parse_from_either_api_spelling(text: &str) {
        assert_eq!(text.parse(), Ok(Reason::AgentRemoved));
    }

    #[test]
    fn reasons_print_with_their_v1_name() {
        assert_eq!(
            Reason::AgentReregistered.to_string(),
            "REASON_AGENT_REREGISTERED"
        );
        assert_eq!(Source::Agent.to_string(), "SOURCE_AGENT");
    }

    #[test]
    fn an_unknown_state_suggests_the_closest_one() {
        let error = "TASK_UNREACHABEL".parse::<TaskState>().unwrap_err();
        assert!(
            error
                .to_string()
                .contains("did you mean `TASK_UNREACHABLE`?"),
            "{error}"
        );
    }

    #[test]
    fn unreachable_and_unknown_are_the_only_partition_states_that_are_not_terminal() {
        let not_terminal: Vec<_> = TaskState::ALL
            .iter()
            .filter(|s| !s.is_terminal())
            .map(|s| s.name())
            .collect();
        assert_eq!(
            not_terminal,
            [
                "TASK_STAGING",
                "TASK_STARTING",
                "TASK_RUNNING",
                "TASK_KILLING",
                "TASK_UNREACHABLE",
                "TASK_UNKNOWN"
            ]
        );
    }
}
