//! `netsplit what-if`: one agent cut off from the master for a while, and what each
//! kind of framework sees, answered by the model in milliseconds. With `--policy`,
//! what a framework following that policy does about its tasks (`policy.rs`).

use std::fmt::Write as _;
use std::process::ExitCode;

use netsplit::model::{
    Awareness, Checkpointing, Cluster, ClusterBuilder, Duration, Fact, FrameworkEvent, Instant,
    TraceEvent, Version,
};

mod policy;

#[derive(clap::Args)]
pub struct Args {
    /// How long the agent is cut off, e.g. `80s`, `5mins`; with `--policy`, a
    /// comma-separated list gives a table, e.g. `100s,400s,700s`
    #[arg(long = "for", value_name = "DURATION")]
    length: String,
    /// The Mesos version of the master; with `--policy`, a comma-separated list gives
    /// a table, e.g. `1.0,1.4,1.12`
    #[arg(long, default_value = "1.12")]
    version: String,
    /// What happens to the tasks of a framework that follows this policy: `relaunch`,
    /// `relaunch-and-kill`, `marathon` (inactive after 5mins, expunge after 10mins),
    /// `marathon:INACTIVE,EXPUNGE`, `wait` (10mins) or `wait:DEADLINE`; `all` for a
    /// table of every built-in
    #[arg(long, value_name = "POLICY")]
    policy: Option<String>,
    /// With `--policy`: the framework also reconciles every DURATION
    #[arg(long, value_name = "DURATION", requires = "policy")]
    reconcile_every: Option<String>,
    /// A master flag, e.g. `--flag agent_ping_timeout=10s` (repeatable)
    #[arg(long = "flag", value_name = "NAME=VALUE")]
    flags: Vec<String>,
    /// Where in the ping grid the cut falls: `after-ping` (the slowest detection) or `before-ping` (the fastest)
    #[arg(long, default_value = "after-ping")]
    phase: String,
    /// Leave the agent cut off: do not let it come back after the partition
    #[arg(long)]
    no_return: bool,
}

fn fail(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

pub fn run(args: Args) -> ExitCode {
    if let Some(policy) = &args.policy {
        return match policy::run(&args, policy) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(message) => fail(message),
        };
    }
    let length: Duration = match args.length.parse() {
        Ok(d) => d,
        Err(e) => return fail(format!("--for: {e}")),
    };
    let version: Version = match args.version.parse() {
        Ok(v) => v,
        Err(e) => return fail(format!("--version: {e}")),
    };
    let before_ping = match phase(&args.phase) {
        Ok(phase) => phase == Phase::BeforePing,
        Err(message) => return fail(message),
    };
    let mut builder = Cluster::builder();
    builder
        .version(version)
        .agent("a1")
        .framework("aware", Awareness::PartitionAware, Checkpointing::On)
        .framework("legacy", Awareness::NotAware, Checkpointing::On)
        .task("aware", "aware-task", "a1")
        .task("legacy", "legacy-task", "a1");
    if let Err(message) = master_flags(&mut builder, &args.flags) {
        return fail(message);
    }
    let mut cluster = match builder.build() {
        Ok(c) => c,
        Err(e) => return fail(e.to_string()),
    };
    if before_ping && let Err(e) = cluster.advance_to_next_ping("a1") {
        return fail(e.to_string());
    }
    let began = cluster.now();
    let first = cluster.trace().len();
    let _ = cluster.partition("a1");
    cluster.advance(length);
    let healed = cluster.now();
    let mut came_back = None;
    if !args.no_return {
        came_back = Some(cluster.reconnect("a1").map(|_| cluster.now()));
    } else {
        cluster.settle();
    }
    print!(
        "{}",
        describe(&cluster, &args, version, (began, first), healed, came_back)
    );
    ExitCode::SUCCESS
}

fn describe(
    cluster: &Cluster,
    args: &Args,
    version: Version,
    (began, first): (Instant, usize),
    healed: Instant,
    came_back: Option<Result<Instant, netsplit::model::ClusterError>>,
) -> String {
    let flags = cluster.master_flags();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "What if agent a1 is cut off from the master for {} (Mesos {version}, agent_ping_timeout {} x max_agent_ping_timeouts {})?\n",
        args.length, flags.agent_ping_timeout, flags.max_agent_ping_timeouts
    );
    let _ = writeln!(out, "Timeline (from the cut):");
    let _ = writeln!(
        out,
        "  {:>9}  the link is cut, {}",
        "0s",
        if args.phase == "before-ping" {
            "just before a ping is due"
        } else {
            "just after a ping was answered"
        }
    );
    let mut healed_shown = false;
    for entry in &cluster.trace()[first..] {
        if !healed_shown && !args.no_return && entry.at >= healed {
            let _ = writeln!(
                out,
                "  {:>9}  the partition heals",
                (healed - began).to_string()
            );
            healed_shown = true;
        }
        let line = match &entry.event {
            TraceEvent::Master(Fact::AgentMarkedUnreachable { cause, .. }) => {
                format!("the master marks the agent unreachable ({cause})")
            }
            TraceEvent::Master(Fact::AgentRemoved { cause, .. }) => {
                format!("the master removes the agent ({cause})")
            }
            TraceEvent::Master(Fact::AgentReadmitted { was, .. }) => {
                format!("the master re-admits the {was} agent")
            }
            TraceEvent::Master(Fact::AgentReconnected { .. }) => {
                "the agent reregisters; the master still knew it, so nothing changes".to_string()
            }
            TraceEvent::Agent(Fact::AgentGaveUpOnMaster { .. }) => {
                "the agent hears no ping for its whole timeout and starts reregistering".to_string()
            }
            TraceEvent::Agent(Fact::AgentShutDown { message, .. }) => {
                format!("the agent is told to shut down: \"{message}\"; it kills its tasks")
            }
            TraceEvent::Received { framework, event } => match event {
                FrameworkEvent::Update(u) => {
                    format!("\"{framework}\" receives {event}", event = update_text(u))
                }
                FrameworkEvent::AgentLost { .. } => {
                    format!("\"{framework}\" is told the agent is lost")
                }
                FrameworkEvent::ExecutorLost { .. } | FrameworkEvent::Error { .. } => continue,
            },
            _ => continue,
        };
        let _ = writeln!(out, "  {:>9}  {line}", (entry.at - began).to_string());
    }
    if !healed_shown && !args.no_return {
        let _ = writeln!(
            out,
            "  {:>9}  the partition heals",
            (healed - began).to_string()
        );
    }
    let _ = writeln!(out, "\nOutcome:");
    match cluster
        .master()
        .unreachable_since(cluster.agent_id("a1").expect("declared"))
    {
        _ if cluster.trace().iter().any(|e| {
            matches!(
                e.event,
                TraceEvent::Master(Fact::AgentMarkedUnreachable { .. } | Fact::AgentRemoved { .. })
            )
        }) =>
        {
            let _ = writeln!(
                out,
                "  the master gave up on the agent during the partition"
            );
        }
        _ => {
            let n = u64::from(flags.max_agent_ping_timeouts);
            let low = flags.agent_ping_timeout * n;
            let high = flags.agent_ping_timeout * (n + 1);
            let _ = writeln!(
                out,
                "  the master never gave up on the agent: it needs {low} to {high} of silence, depending on where in the ping grid the cut falls"
            );
        }
    }
    match came_back {
        Some(Ok(at)) if cluster.agent("a1").is_some_and(|a| !a.is_alive()) => {
            let _ = writeln!(
                out,
                "  the agent came back {} after the cut and was shut down",
                at - began
            );
        }
        Some(Ok(at)) => {
            let _ = writeln!(out, "  the agent was back {} after the cut", at - began);
        }
        Some(Err(e)) => {
            let _ = writeln!(out, "  the agent did not come back: {e}");
        }
        None => {}
    }
    let agent = cluster.agent("a1").expect("declared");
    for (framework, task, kind) in [
        ("aware", "aware-task", "partition-aware"),
        ("legacy", "legacy-task", "non-partition-aware"),
    ] {
        let running = agent.running_tasks().iter().any(|t| *t == task);
        let _ = writeln!(
            out,
            "  {kind} framework \"{framework}\": its task {}",
            if running {
                "is still running"
            } else {
                "is no longer running"
            }
        );
    }
    let _ = writeln!(
        out,
        "\n(simulated {} of cluster time)",
        cluster.now().since_start()
    );
    out
}

fn update_text(u: &netsplit::model::StatusUpdate) -> String {
    let mut text = format!("{} for {}", u.state, u.task);
    if let Some(reason) = u.reason {
        let _ = write!(text, " ({reason})");
    }
    text
}

/// Where in the ping grid the cut falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Just after a ping was answered: the slowest detection.
    AfterPing,
    /// Just before a ping is due: the fastest detection.
    BeforePing,
}

fn phase(text: &str) -> Result<Phase, String> {
    match text {
        "after-ping" => Ok(Phase::AfterPing),
        "before-ping" => Ok(Phase::BeforePing),
        other => Err(format!(
            "--phase: `{other}` is not a phase; use `after-ping` or `before-ping`"
        )),
    }
}

/// Applies `--flag NAME=VALUE` arguments.
fn master_flags(builder: &mut ClusterBuilder, flags: &[String]) -> Result<(), String> {
    for flag in flags {
        let Some((name, value)) = flag.split_once('=') else {
            return Err(format!(
                "--flag: `{flag}` is not NAME=VALUE, e.g. `agent_ping_timeout=10s`"
            ));
        };
        builder
            .master_flag(name, value)
            .map_err(|e| format!("--flag: {e}"))?;
    }
    Ok(())
}
