//! The wire format of the networked runtime: one message per line.
//!
//! A frame is the message kind followed by its fields, separated by spaces; text is
//! percent-escaped so that it never holds a space, a newline or a `%`; lists are a
//! count followed by their items. Decoding checks everything and never panics: a
//! malformed frame is an error naming what was wrong.

use crate::model::message::{AgentUpdate, FrameworkInfo, TaskReport};
use crate::model::{AgentId, Duration, Message, Reason, Source, TaskState};

/// Encodes a message as one line (without the newline).
pub fn encode(message: &Message) -> String {
    let mut w = Writer::default();
    w.word(message.kind().name());
    match message {
        Message::RegisterAgent { host } => w.text(host),
        Message::ReregisterAgent {
            agent,
            tasks,
            frameworks,
        } => {
            w.agent(agent);
            w.number(tasks.len() as u64);
            for t in tasks {
                w.text(&t.framework);
                w.text(&t.task);
                w.word(t.state.name());
            }
            w.number(frameworks.len() as u64);
            for f in frameworks {
                w.framework(f);
            }
        }
        Message::Pong { agent } | Message::UnregisterAgent { agent } => w.agent(agent),
        Message::StatusUpdate(u) => {
            w.text(&u.framework);
            w.text(&u.task);
            w.word(u.state.name());
            w.word(u.latest_state.name());
            w.word(u.reason.map_or("-", |r| r.name()));
            w.word(u.source.name());
            match &u.message {
                Some(m) => {
                    w.word("1");
                    w.text(m);
                }
                None => w.word("0"),
            }
            w.number(u.uuid);
        }
        Message::ExitedExecutor { framework, task } | Message::KillTask { framework, task } => {
            w.text(framework);
            w.text(task);
        }
        Message::AgentRegistered {
            agent,
            ping_timeout,
        } => {
            w.agent(agent);
            w.number(ping_timeout.as_millis());
        }
        Message::AgentReregistered {
            agent,
            ping_timeout,
            reconcile,
        } => {
            w.agent(agent);
            w.number(ping_timeout.as_millis());
            w.number(reconcile.len() as u64);
            for (f, task) in reconcile {
                w.framework(f);
                w.text(task);
            }
        }
        Message::Ping { agent, connected } => {
            w.agent(agent);
            w.word(if *connected { "1" } else { "0" });
        }
        Message::RunTask { framework, task } => {
            w.framework(framework);
            w.text(task);
        }
        Message::Shutdown { message } => w.text(message),
        Message::ShutdownFramework { framework } | Message::UpdateFramework { framework } => {
            w.text(framework)
        }
        Message::StatusUpdateAcknowledgement {
            framework,
            task,
            uuid,
        } => {
            w.text(framework);
            w.text(task);
            w.number(*uuid);
        }
    }
    w.0
}

/// Decodes one line made by [`encode`].
pub fn decode(line: &str) -> Result<Message, String> {
    let mut r = Reader {
        words: line.split(' '),
        line,
    };
    let kind: crate::model::MessageKind = r.word()?.parse().map_err(|e| format!("{e}"))?;
    use crate::model::MessageKind as K;
    let message = match kind {
        K::RegisterAgent => Message::RegisterAgent { host: r.text()? },
        K::ReregisterAgent => {
            let agent = r.agent()?;
            let n = r.count()?;
            let mut tasks = Vec::with_capacity(n);
            for _ in 0..n {
                tasks.push(TaskReport {
                    framework: r.text()?.into(),
                    task: r.text()?.into(),
                    state: r.state()?,
                });
            }
            let n = r.count()?;
            let mut frameworks = Vec::with_capacity(n);
            for _ in 0..n {
                frameworks.push(r.framework()?);
            }
            Message::ReregisterAgent {
                agent,
                tasks,
                frameworks,
            }
        }
        K::Pong => Message::Pong { agent: r.agent()? },
        K::UnregisterAgent => Message::UnregisterAgent { agent: r.agent()? },
        K::StatusUpdate => {
            let framework = r.text()?;
            let task = r.text()?;
            let state = r.state()?;
            let latest_state = r.state()?;
            let reason = match r.word()? {
                "-" => None,
                other => Some(other.parse::<Reason>().map_err(|e| e.to_string())?),
            };
            let source = r.word()?.parse::<Source>().map_err(|e| e.to_string())?;
            let message = match r.word()? {
                "1" => Some(r.text()?),
                _ => None,
            };
            Message::StatusUpdate(AgentUpdate {
                framework: framework.into(),
                task: task.into(),
                state,
                latest_state,
                reason,
                source,
                message,
                uuid: r.number()?,
            })
        }
        K::ExitedExecutor => Message::ExitedExecutor {
            framework: r.text()?.into(),
            task: r.text()?.into(),
        },
        K::KillTask => Message::KillTask {
            framework: r.text()?.into(),
            task: r.text()?.into(),
        },
        K::AgentRegistered => Message::AgentRegistered {
            agent: r.agent()?,
            ping_timeout: Duration::from_millis(r.number()?),
        },
        K::AgentReregistered => {
            let agent = r.agent()?;
            let ping_timeout = Duration::from_millis(r.number()?);
            let n = r.count()?;
            let mut reconcile = Vec::with_capacity(n);
            for _ in 0..n {
                reconcile.push((r.framework()?, r.text()?.into()));
            }
            Message::AgentReregistered {
                agent,
                ping_timeout,
                reconcile,
            }
        }
        K::Ping => Message::Ping {
            agent: r.agent()?,
            connected: r.word()? == "1",
        },
        K::RunTask => Message::RunTask {
            framework: r.framework()?,
            task: r.text()?.into(),
        },
        K::Shutdown => Message::Shutdown { message: r.text()? },
        K::ShutdownFramework => Message::ShutdownFramework {
            framework: r.text()?.into(),
        },
        K::UpdateFramework => Message::UpdateFramework {
            framework: r.text()?.into(),
        },
        K::StatusUpdateAcknowledgement => Message::StatusUpdateAcknowledgement {
            framework: r.text()?.into(),
            task: r.text()?.into(),
            uuid: r.number()?,
        },
    };
    if r.words.next().is_some() {
        return Err(format!("trailing fields in frame `{line}`"));
    }
    Ok(message)
}

#[derive(Default)]
struct Writer(String);

impl Writer {
    fn word(&mut self, word: &str) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        self.0.push_str(word);
    }
    fn text(&mut self, text: &str) {
        let mut escaped = String::with_capacity(text.len() + 1);
        // A leading `=` keeps an empty text a non-empty word.
        escaped.push('=');
        for c in text.chars() {
            match c {
                '%' => escaped.push_str("%25"),
                ' ' => escaped.push_str("%20"),
                '\n' => escaped.push_str("%0A"),
                '\r' => escaped.push_str("%0D"),
                c => escaped.push(c),
            }
        }
        self.word(&escaped);
    }
    fn number(&mut self, n: u64) {
        self.word(&n.to_string());
    }
    fn agent(&mut self, agent: &AgentId) {
        self.text(&agent.host);
        self.number(u64::from(agent.incarnation));
    }
    fn framework(&mut self, f: &FrameworkInfo) {
        self.text(&f.id);
        self.word(if f.partition_aware { "1" } else { "0" });
        self.word(if f.checkpoint { "1" } else { "0" });
    }
}

struct Reader<'a> {
    words: std::str::Split<'a, char>,
    line: &'a str,
}

impl<'a> Reader<'a> {
    fn word(&mut self) -> Result<&'a str, String> {
        self.words
            .next()
            .ok_or_else(|| format!("frame `{}` ends early", self.line))
    }
    fn text(&mut self) -> Result<String, String> {
        let word = self.word()?;
        let body = word
            .strip_prefix('=')
            .ok_or_else(|| format!("`{word}` is not a text field"))?;
        let mut out = String::with_capacity(body.len());
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c == '%' {
                let code: String = chars.by_ref().take(2).collect();
                out.push(match code.as_str() {
                    "25" => '%',
                    "20" => ' ',
                    "0A" => '\n',
                    "0D" => '\r',
                    _ => return Err(format!("bad escape `%{code}` in `{word}`")),
                });
            } else {
                out.push(c);
            }
        }
        Ok(out)
    }
    fn number(&mut self) -> Result<u64, String> {
        let word = self.word()?;
        word.parse()
            .map_err(|_| format!("`{word}` is not a number"))
    }
    fn count(&mut self) -> Result<usize, String> {
        let n = self.number()?;
        // Every item takes at least one word, so a count beyond the line is a lie.
        if n as usize > self.line.len() {
            return Err(format!("a list of {n} items cannot fit in the frame"));
        }
        Ok(n as usize)
    }
    fn state(&mut self) -> Result<TaskState, String> {
        self.word()?
            .parse()
            .map_err(|e: crate::model::UnknownName| e.to_string())
    }
    fn agent(&mut self) -> Result<AgentId, String> {
        let host = self.text()?;
        let incarnation =
            u32::try_from(self.number()?).map_err(|_| "incarnation too large".to_string())?;
        Ok(AgentId {
            host: host.into(),
            incarnation,
        })
    }
    fn framework(&mut self) -> Result<FrameworkInfo, String> {
        Ok(FrameworkInfo {
            id: self.text()?.into(),
            partition_aware: self.word()? == "1",
            checkpoint: self.word()? == "1",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a1() -> AgentId {
        AgentId {
            host: "a 1%".into(),
            incarnation: 2,
        }
    }

    fn fw() -> FrameworkInfo {
        FrameworkInfo {
            id: "spark".into(),
            partition_aware: true,
            checkpoint: false,
        }
    }

    #[test]
    fn every_message_kind_survives_the_wire_unchanged() {
        let messages = vec![
            Message::RegisterAgent {
                host: String::new(),
            },
            Message::ReregisterAgent {
                agent: a1(),
                tasks: vec![TaskReport {
                    framework: "spark".into(),
                    task: "t 1".into(),
                    state: TaskState::Running,
                }],
                frameworks: vec![fw()],
            },
            Message::Pong { agent: a1() },
            Message::StatusUpdate(AgentUpdate {
                framework: "spark".into(),
                task: "t1".into(),
                state: TaskState::Lost,
                latest_state: TaskState::Finished,
                reason: Some(Reason::Reconciliation),
                source: Source::Agent,
                message: Some("Reconciliation: task unknown\nto the agent".into()),
                uuid: 7,
            }),
            Message::StatusUpdate(AgentUpdate {
                framework: "spark".into(),
                task: "t1".into(),
                state: TaskState::Running,
                latest_state: TaskState::Running,
                reason: None,
                source: Source::Executor,
                message: None,
                uuid: 8,
            }),
            Message::ExitedExecutor {
                framework: "spark".into(),
                task: "t1".into(),
            },
            Message::UnregisterAgent { agent: a1() },
            Message::AgentRegistered {
                agent: a1(),
                ping_timeout: Duration::from_secs(75),
            },
            Message::AgentReregistered {
                agent: a1(),
                ping_timeout: Duration::from_secs(75),
                reconcile: vec![(fw(), "t2".into())],
            },
            Message::Ping {
                agent: a1(),
                connected: false,
            },
            Message::RunTask {
                framework: fw(),
                task: "t1".into(),
            },
            Message::KillTask {
                framework: "spark".into(),
                task: "t1".into(),
            },
            Message::Shutdown {
                message: "Agent attempted to re-register after removal".into(),
            },
            Message::ShutdownFramework {
                framework: "spark".into(),
            },
            Message::UpdateFramework {
                framework: "spark".into(),
            },
            Message::StatusUpdateAcknowledgement {
                framework: "spark".into(),
                task: "t1".into(),
                uuid: 9,
            },
        ];
        for message in messages {
            let line = encode(&message);
            assert!(!line.contains('\n'), "{line}");
            pretty_assertions::assert_eq!(decode(&line), Ok(message));
        }
    }

    #[test]
    fn malformed_frames_are_errors_not_panics() {
        for line in [
            "",
            "Ping",
            "Ping =a1 x 1",
            "Nope",
            "Pong =a1 1 extra",
            "Shutdown =%zz",
            "ReregisterAgent =a 1 99999999",
        ] {
            assert!(decode(line).is_err(), "{line}");
        }
    }
}
