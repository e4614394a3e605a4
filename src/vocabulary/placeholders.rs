//! The Mesos vocabulary's own placeholder types: task states, reasons, sources,
//! versions, the master's view of an agent, and message kinds. Each parses its text
//! once, when the step matches, into the model's type; handlers read it with
//! `args.get::<TaskState>(i)` and the like.

use crate::model::{AgentStatus, MessageKind, Reason, Source, TaskState, Version};
use crate::steps::{Placeholder, Shape};

/// Every placeholder type of the vocabulary, in the order `netsplit steps` lists them.
pub(super) fn all() -> Vec<Placeholder> {
    vec![
        Placeholder::new("state", Shape::Word, |text: &str| {
            text.parse::<TaskState>().map_err(|e| e.to_string())
        })
        .accepts("a Mesos task state", "TASK_UNREACHABLE"),
        Placeholder::new("reason", Shape::Word, |text: &str| {
            text.parse::<Reason>().map_err(|e| e.to_string())
        })
        .accepts(
            "a status-update reason, v1 or v0 spelling",
            "REASON_AGENT_REMOVED",
        ),
        Placeholder::new("source", Shape::Word, |text: &str| {
            text.parse::<Source>().map_err(|e| e.to_string())
        })
        .accepts("a status-update source", "SOURCE_MASTER"),
        Placeholder::new("version", Shape::Number, |text: &str| {
            text.parse::<Version>().map_err(|e| e.to_string())
        })
        .accepts("a Mesos version", "1.4.0"),
        Placeholder::new("agent-status", Shape::Word, parse_agent_status)
            .accepts("how the master regards an agent", "unreachable"),
        Placeholder::new("message", Shape::Word, |text: &str| {
            text.parse::<MessageKind>().map_err(|e| e.to_string())
        })
        .accepts("a kind of message between master and agent", "RunTask"),
    ]
}

/// `{agent-status}`: what `Then the master considers agent {name} ...` accepts.
fn parse_agent_status(text: &str) -> Result<AgentStatus, String> {
    if let Some(status) = AgentStatus::ALL.iter().find(|s| s.name() == text) {
        return Ok(*status);
    }
    let statuses: Vec<&str> = AgentStatus::ALL.iter().map(|s| s.name()).collect();
    let mut message = format!("`{text}` is not an agent status");
    if let Some(best) = crate::suggest::closest(text, statuses.iter().copied(), 1).first() {
        message += &format!("; did you mean `{best}`?");
    }
    message += &format!(" (accepted: {})", statuses.join(", "));
    Err(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::steps::{Registry, StepKind};
    use crate::time::Duration;
    use test_case::test_case;

    /// A registry of one step per placeholder type, so values go through the same
    /// matching a scenario's steps do.
    fn registry() -> Registry<()> {
        let mut builder = Registry::<()>::builder();
        for placeholder in all() {
            builder = builder.parameter(placeholder);
        }
        for ty in [
            "state",
            "reason",
            "source",
            "version",
            "agent-status",
            "message",
        ] {
            let example = match ty {
                "state" => "TASK_LOST",
                "reason" => "REASON_AGENT_REMOVED",
                "source" => "SOURCE_MASTER",
                "version" => "1.4",
                "agent-status" => "registered",
                _ => "Ping",
            };
            builder = builder.then(
                &format!("a {ty} {{{ty}}}"),
                &format!("a {ty} {example}"),
                |_, _| Ok(()),
            );
        }
        builder.build().unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn parse(ty: &str, text: &str) -> Result<String, String> {
        let registry = registry();
        let step = format!("a {ty} {text}");
        let found = registry
            .find(StepKind::Then, &step, crate::steps::Attached::Nothing)
            .map_err(|e| e.to_string())?;
        Ok(format!("{:?}", found.values[0]))
    }

    #[test_case("state", "TASK_UNREACHABLE" ; "a task state")]
    #[test_case("reason", "REASON_SLAVE_REMOVED" ; "a reason in its v0 spelling")]
    #[test_case("reason", "REASON_AGENT_REMOVED" ; "a reason in its v1 spelling")]
    #[test_case("source", "SOURCE_SLAVE" ; "a source in its v0 spelling")]
    #[test_case("version", "1.4.0" ; "a version with a patch number")]
    #[test_case("agent-status", "gone" ; "an agent status")]
    #[test_case("message", "ReregisterAgent" ; "a message kind")]
    fn each_mesos_placeholder_takes_the_values_the_language_promises(ty: &str, text: &str) {
        let value = parse(ty, text).unwrap_or_else(|e| panic!("{e}"));
        assert!(value.contains(text), "{value}");
    }

    #[test_case("state", "TASK_UNREACHABEL", "did you mean `TASK_UNREACHABLE`?" ; "a misspelt state")]
    #[test_case("reason", "REASON_AGENT_GONE", "is not a status-update reason" ; "an unknown reason")]
    #[test_case("source", "SOURCE_FRAMEWORK", "is not a status-update source" ; "an unknown source")]
    #[test_case("version", "2.0", "no such Mesos release" ; "a version that does not exist")]
    #[test_case("agent-status", "unreachble", "did you mean `unreachable`?" ; "a misspelt agent status")]
    fn each_mesos_placeholder_rejects_bad_values_with_a_reason(
        ty: &str,
        text: &str,
        expected: &str,
    ) {
        let error = parse(ty, text).unwrap_err();
        assert!(error.contains(expected), "{error}");
    }

    #[test]
    fn values_are_read_back_as_the_models_types() {
        let registry = Registry::<Option<(TaskState, Reason, Duration)>>::builder()
            .parameter(all().remove(0))
            .parameter(all().remove(1))
            .then(
                "{state} with {reason} after {duration}",
                "TASK_LOST with REASON_AGENT_REMOVED after 90s",
                |seen, args| {
                    *seen = Some((args.get(0), args.get(1), args.duration(2)))
                        .map(|(s, r, d): (&TaskState, &Reason, _)| (*s, *r, d));
                    Ok(())
                },
            )
            .build()
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut seen = None;
        registry
            .find(
                StepKind::Then,
                "TASK_GONE with REASON_SLAVE_REMOVED after 1m",
                crate::steps::Attached::Nothing,
            )
            .unwrap()
            .run(&mut seen, None, None)
            .unwrap();
        pretty_assertions::assert_eq!(
            seen,
            Some((
                TaskState::Gone,
                Reason::AgentRemoved,
                Duration::from_secs(60)
            ))
        );
    }
}
