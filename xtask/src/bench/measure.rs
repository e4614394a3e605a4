//! One measured run of a process: its wall time, its peak resident memory, its exit status
//! and what it printed.
//!
//! The process is reaped with `wait4`, which hands back the resource usage of that one
//! child: its peak resident set (`ru_maxrss`) catches the peak however short it was, and
//! covers no other child (`getrusage(RUSAGE_CHILDREN)` would mix in every earlier one, such as
//! the compilers of the build). Linux starts that figure, though, at the peak of the process
//! that started the child (the memory image the child ran in before its `exec`), so a figure
//! above xtask's own peak (`VmHWM`) is the child's, and one at or below it only bounds the
//! child's: [`Peak::AtMost`]. xtask keeps little in memory, so that bound is a few MiB.
//!
//! The output is read on threads while the process runs, so a process that prints a lot
//! never blocks on a full pipe.

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
    /// The most memory the process held resident at any one time.
    pub peak_rss: Peak,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// A child's peak resident memory, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peak {
    Exact(u64),
    /// The child's peak was no higher than this, xtask's own peak when it was started.
    AtMost(u64),
}

impl Peak {
    pub fn bytes(self) -> u64 {
        match self {
            Peak::Exact(b) | Peak::AtMost(b) => b,
        }
    }

    /// The higher of two peaks: a bound only when the higher one is.
    pub fn max(self, other: Peak) -> Peak {
        if other.bytes() > self.bytes() {
            other
        } else {
            self
        }
    }
}

/// This process's own peak resident memory, from `/proc/self/status`, in bytes.
fn own_peak() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kib: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
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
    // Linux gives kibibytes.
    let reported = u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024;
    Ok(Run {
        wall,
        peak_rss: match own_peak() {
            Some(own) if reported > own => Peak::Exact(reported),
            _ => Peak::AtMost(reported),
        },
        status: ExitStatus::from_raw(status),
        stdout,
        stderr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_that_holds_memory_is_measured_with_its_exact_peak_and_its_output() {
        // dd reads 16 MiB into one buffer.
        let run = run(Command::new("sh").args([
            "-c",
            "dd if=/dev/zero of=/dev/null bs=16M count=1 status=none; echo out; echo done >&2; exit 3",
        ]))
        .unwrap();
        assert_eq!(run.stdout.trim(), "out");
        assert_eq!(run.stderr.trim(), "done");
        assert_eq!(run.status.code(), Some(3));
        assert!(
            matches!(run.peak_rss, Peak::Exact(b) if b >= 16 << 20),
            "{:?}",
            run.peak_rss
        );
        assert_eq!(run.tail(2), "out\ndone");
    }

    #[test]
    fn a_small_child_after_a_large_one_gets_only_a_bound_below_the_large_one() {
        let large = run(Command::new("dd").args([
            "if=/dev/zero",
            "of=/dev/null",
            "bs=16M",
            "count=1",
            "status=none",
        ]))
        .unwrap();
        let small = run(&mut Command::new("true")).unwrap();
        assert!(
            matches!(small.peak_rss, Peak::AtMost(_)),
            "{:?}",
            small.peak_rss
        );
        assert!(small.peak_rss.bytes() < large.peak_rss.bytes());
    }

    #[test]
    fn the_higher_peak_wins_and_keeps_its_kind() {
        assert_eq!(Peak::Exact(5).max(Peak::AtMost(3)), Peak::Exact(5));
        assert_eq!(Peak::Exact(5).max(Peak::AtMost(8)), Peak::AtMost(8));
    }

    #[test]
    fn a_program_that_does_not_exist_is_an_error_naming_it() {
        let error = run(&mut Command::new("/nonexistent/netsplit-bench")).unwrap_err();
        assert!(format!("{error:#}").contains("cannot start `/nonexistent/netsplit-bench`"));
    }
}
