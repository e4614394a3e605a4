//! One measured run of a process: its wall time, its peak resident memory, its exit status
//! and what it printed.
//!
//! The process is reaped with `wait4`, which hands back the resource usage of that one
//! child: its peak resident set (`ru_maxrss`) is exact, however short the peak, and covers
//! nothing else (`getrusage(RUSAGE_CHILDREN)` would mix in every earlier child, such as the
//! compilers of the build). Its output is read on threads while it runs, so a process that
//! prints a lot never blocks on a full pipe.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::cargo;

/// What one run of a process gave.
#[derive(Debug)]
pub struct Run {
    /// From just before the process was started to when it was reaped.
    pub wall: Duration,
    /// The most memory the process held resident at any one time, in bytes.
    pub peak_rss: u64,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The last `lines` lines of what the process printed, for an error message.
    pub fn tail(&self, lines: usize) -> String {
        let all: Vec<&str> = self.stdout.lines().chain(self.stderr.lines()).collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// Runs `command` to its end with stdin closed and its output captured, and measures it.
pub fn run(command: &mut Command) -> Result<Run> {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start `{}`", cargo::shown(command)))?;
    let stdout = drain(child.stdout.take().context("the child has no stdout")?);
    let stderr = drain(child.stderr.take().context("the child has no stderr")?);
    let pid = libc::pid_t::try_from(child.id()).context("a process id out of range")?;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `status` and `usage` are valid for writes for the length of the call; the
        // child is ours and not yet reaped (`Child::wait` is never called on it).
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            bail!("waiting for `{}`: {error}", cargo::shown(command));
        }
    }
    let wall = started.elapsed();
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    Ok(Run {
        wall,
        // Linux gives kibibytes.
        peak_rss: u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024,
        status: ExitStatus::from_raw(status),
        stdout,
        stderr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_that_holds_memory_is_measured_with_at_least_that_peak_and_its_output() {
        // The shell holds the 4 MiB output of the command substitution in one string.
        let script =
            "x=$(head -c 4194304 /dev/zero | tr '\\0' a); echo ${#x}; echo done >&2; exit 3";
        let run = run(Command::new("sh").args(["-c", script])).unwrap();
        assert_eq!(run.stdout.trim(), "4194304");
        assert_eq!(run.stderr.trim(), "done");
        assert_eq!(run.status.code(), Some(3));
        assert!(run.peak_rss >= 4 << 20, "peak {} bytes", run.peak_rss);
        assert_eq!(run.tail(2), "4194304\ndone");
    }

    #[test]
    fn a_small_child_is_not_charged_with_an_earlier_childs_memory() {
        let big = "x=$(head -c 4194304 /dev/zero | tr '\\0' a)";
        run(Command::new("sh").args(["-c", big])).unwrap();
        let small = run(Command::new("sh").args(["-c", "exit 0"])).unwrap();
        assert!(small.peak_rss < 4 << 20, "peak {} bytes", small.peak_rss);
    }

    #[test]
    fn a_program_that_does_not_exist_is_an_error_naming_it() {
        let error = run(&mut Command::new("/nonexistent/netsplit-bench")).unwrap_err();
        assert!(format!("{error:#}").contains("cannot start `/nonexistent/netsplit-bench`"));
    }
}
